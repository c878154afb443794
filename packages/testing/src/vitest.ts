/**
 * vitest matchers for rule authors: `expect(f).toPassRruleTest(args, opts)`, `expect(f).toPassFruleTest(args, opts)`
 * and `expect(f).toPassGradCheck(x, opts)`. Importing this module registers them (`expect.extend`) and adds their
 * types to vitest's `Matchers`.
 *
 * @example
 * ```ts
 * import '@ad/testing/vitest';
 * import { symmetric } from '@ad/testing';
 * expect((A) => trace(matmul(A, A))).toPassRruleTest([symmetric(tensor([[2, 1], [1, 3]]))]);
 * expect((x) => sum(exp(x))).toPassGradCheck(tensor([1, 2]), { order: 2 });
 * ```
 * @module
 */
import { expect } from 'vitest';
import type { Tensor, TensorLike } from '@ad/core';
import { checkGrad, type CheckGradOptions } from './check-grad.js';
import { testFrule, testRrule, type FunctionUnderTest, type RuleTestOptions } from './rule-test.js';
import type { Structured } from './structure.js';
import type { TestReport } from './report.js';

interface MatcherOutcome {
  pass: boolean;
  message: () => string;
}

function outcome(report: TestReport, isNot: boolean): MatcherOutcome {
  return {
    pass: report.ok,
    message: () => (isNot ? `expected ${report.test}(${report.rule}) to fail, but it passed:\n${report.message}` : report.message),
  };
}

function requireFunction(received: unknown, matcher: string): asserts received is FunctionUnderTest {
  if (typeof received !== 'function') throw new TypeError(`${matcher}: expect(…) must receive a function or a differentiable function, got ${typeof received}`);
}

/**
 * The matcher implementations (already registered on import), for setups that call `expect.extend` themselves.
 *
 * **Method**: each matcher runs the corresponding harness function and passes iff its report is ok; the failure
 * message is the report (rule, check, worst entry, seed).
 *
 * **Numerical notes**: tolerances and options are the harness's (`RuleTestOptions`, `CheckGradOptions`).
 *
 * **References**: vitest "Extending Matchers".
 *
 * @example
 * ```ts
 * expect.extend(adMatchers);   // idempotent: the module already did this
 * expect(exp).toPassRruleTest([tensor([0.5, 1])]);
 * ```
 */
export const adMatchers = {
  /**
   * Passes when {@link testRrule}(received, args, opts) passes; the failure message is the harness's report.
   *
   * **Method**: runs testRrule (opts.throws is ignored).
   *
   * **Numerical notes**: as testRrule.
   *
   * **References**: vitest `expect.extend`.
   *
   * @example
   * ```ts
   * expect(mul).toPassRruleTest([tensor([1, 2]), tensor([3, 4])]);
   * ```
   */
  toPassRruleTest(this: { isNot?: boolean }, received: unknown, args: readonly unknown[], opts: RuleTestOptions = {}): MatcherOutcome {
    requireFunction(received, 'toPassRruleTest');
    return outcome(testRrule(received, args, { ...opts, throws: false }), this.isNot ?? false);
  },
  /**
   * Passes when {@link testFrule}(received, args, opts) passes.
   *
   * **Method**: runs testFrule (opts.throws is ignored).
   *
   * **Numerical notes**: as testFrule.
   *
   * **References**: vitest `expect.extend`.
   *
   * @example
   * ```ts
   * expect(exp).toPassFruleTest([tensor([0.5])]);
   * ```
   */
  toPassFruleTest(this: { isNot?: boolean }, received: unknown, args: readonly unknown[], opts: RuleTestOptions = {}): MatcherOutcome {
    requireFunction(received, 'toPassFruleTest');
    return outcome(testFrule(received, args, { ...opts, throws: false }), this.isNot ?? false);
  },
  /**
   * Passes when {@link checkGrad}(received, x, opts) passes.
   *
   * **Method**: runs checkGrad (opts.throws is ignored).
   *
   * **Numerical notes**: as checkGrad.
   *
   * **References**: vitest `expect.extend`.
   *
   * @example
   * ```ts
   * expect((x: Tensor) => sum(exp(x))).toPassGradCheck(tensor([1, 2]), { order: 2 });
   * ```
   */
  toPassGradCheck(this: { isNot?: boolean }, received: unknown, x: TensorLike | Structured, opts: CheckGradOptions = {}): MatcherOutcome {
    if (typeof received !== 'function') throw new TypeError(`toPassGradCheck: expect(…) must receive a function, got ${typeof received}`);
    return outcome(checkGrad(received as (x: Tensor) => unknown, x, { ...opts, throws: false }), this.isNot ?? false);
  },
};

expect.extend(adMatchers);

/** The types of the @ad/testing matchers. */
export interface AdMatchers<R = unknown> {
  /** Passes when testRrule(received, args, opts) passes. */
  toPassRruleTest(args: readonly unknown[], opts?: RuleTestOptions): R;
  /** Passes when testFrule(received, args, opts) passes. */
  toPassFruleTest(args: readonly unknown[], opts?: RuleTestOptions): R;
  /** Passes when checkGrad(received, x, opts) passes. */
  toPassGradCheck(x: TensorLike | Structured, opts?: CheckGradOptions): R;
}

declare module 'vitest' {
  // The type parameter must match vitest's own declaration of Matchers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends AdMatchers<void> {}
}
