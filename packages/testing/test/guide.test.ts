/**
 * The code of docs/testing-rules.md, run. Every `#region` below appears verbatim (up to indentation) as a ```ts block
 * of the guide; the last test checks that, so the guide cannot drift from code that runs.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// #region define
import { add, defineRule, exp, log, max, mul, sub, sum, tensor, type DifferentiableFunction, type Tensor } from '@ad/core';

/** log Σᵢ exp(xᵢ), computed stably as m + log Σ exp(x − m) with m = max x. */
export const logSumExp: DifferentiableFunction<[Tensor], Tensor> = defineRule({
  name: 'my-rules/logSumExp',
  structure: ['general'],
  samples: [[tensor([0.5, -1, 2])], [tensor([[1, 2], [3, 4]])]],
  primal: (x: Tensor) => {
    const m = max(x);
    return add(m, log(sum(exp(sub(x, m)))));
  },
  // ẏ = ⟨softmax(x), ẋ⟩, softmax(x) = exp(x − y)
  frule: ([x], [dx]) => {
    const y = logSumExp(x);
    return [y, sum(mul(exp(sub(x, y)), dx))];
  },
  // x̄ = ȳ · softmax(x)
  rrule: (x: Tensor) => {
    const y = logSumExp(x);
    return [y, (dy: Tensor) => [mul(dy, exp(sub(x, y)))]];
  },
});
// #endregion

// #region test
import { testFrule, testRrule } from '@ad/testing';

const x = tensor([0.5, -1, 2]);
testRrule(logSumExp, [x], { throws: true });
testFrule(logSumExp, [x], { throws: true, order: 2 });
// #endregion

// #region failure
const wrongLogSumExp: DifferentiableFunction<[Tensor], Tensor> = defineRule({
  name: 'my-rules/wrongLogSumExp',
  structure: ['general'],
  primal: (v: Tensor) => logSumExp(v),
  frule: ([v], [dv]) => [wrongLogSumExp(v), sum(mul(exp(sub(v, logSumExp(v))), dv))],
  rrule: (v: Tensor) => [wrongLogSumExp(v), (dy: Tensor) => [mul(dy, exp(v))]], // forgot the − y
});
const report = testRrule(wrongLogSumExp, [x]);
console.log(report.ok); // false
console.log(report.message);
// #endregion

// #region structure
import { dot, matmul, reshape, scale } from '@ad/core';
import { symmetric } from '@ad/testing';

/** vᵀ A v for a symmetric A: Ā = ȳ v vᵀ (symmetric, as the harness requires), v̄ = 2ȳ A v. */
export const quadForm: DifferentiableFunction<[Tensor, Tensor], Tensor> = defineRule({
  name: 'my-rules/quadForm',
  structure: ['symmetric', 'general'],
  primal: (A: Tensor, v: Tensor) => dot(v, matmul(A, v)),
  frule: ([A, v], [dA, dv]) => [quadForm(A, v), add(dot(v, matmul(dA, v)), scale(dot(dv, matmul(A, v)), 2))],
  rrule: (A: Tensor, v: Tensor) => [
    quadForm(A, v),
    (dy: Tensor) => [mul(dy, mul(reshape(v, [-1, 1]), reshape(v, [1, -1]))), scale(mul(dy, matmul(A, v)), 2)],
  ],
});

const A = tensor([[2, 1, 0], [1, 3, 0.5], [0, 0.5, 1]]);
const v = tensor([1, -2, 0.5]);
testRrule(quadForm, [A, v], { throws: true });
testRrule((M: Tensor) => quadForm(M, v), [symmetric(A)], { throws: true, order: 2 }); // a plain function, marked
// #endregion

// #region output
const square = (M: Tensor) => ({ trace: sum(mul(M, tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))), squared: matmul(M, M) });
testRrule(square, [A], { output: (y: { squared: Tensor }) => y.squared, throws: true });
// #endregion

// #region property
import fc from 'fast-check';
import { symmetricMatrix } from '@ad/testing';

fc.assert(
  fc.property(symmetricMatrix({ n: 4 }), fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 }), (S, w) => {
    testRrule(quadForm, [S, tensor(w)], { throws: true });
  }),
  { numRuns: 25 },
);
// #endregion

// #region conformance
import { runConformance } from '@ad/testing';

export const rules = [logSumExp, quadForm];
const { ok, table } = runConformance(rules, { samples: { 'my-rules/quadForm': [[A, v]] } });
console.log(table);
// #endregion

// #region checkgrad
import { checkGrad } from '@ad/testing';

checkGrad((w: Tensor) => logSumExp(mul(w, x)), tensor([1, 2, 0.5]), { order: 2, throws: true });
// #endregion

describe('the guide docs/testing-rules.md', () => {
  it('runs its snippets: the good rules pass, the planted one fails', () => {
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.check)).toEqual(['vjp', 'dot-product']);
    expect(ok).toBe(true);
    expect(table).toContain('2 of 2 rules passed');
  });

  it('uses the vitest matchers', async () => {
    await import('@ad/testing/vitest');
    // #region matchers
    expect(logSumExp).toPassRruleTest([x]);
    expect(quadForm).toPassFruleTest([A, v]);
    expect((w: Tensor) => logSumExp(mul(w, x))).toPassGradCheck(tensor([1, 2, 0.5]));
    expect(wrongLogSumExp).not.toPassRruleTest([x]);
    // #endregion
  });

  it('contains every region of this file verbatim', () => {
    const self = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const guide = readFileSync(fileURLToPath(new URL('../../../docs/testing-rules.md', import.meta.url)), 'utf8');
    const dedent = (s: string) => {
      const lines = s.split('\n');
      const ind = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
      return lines.map((l) => l.slice(ind)).join('\n').trim();
    };
    const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => dedent(m[1]!));
    const regions = [...self.matchAll(/\/\/ #region (\w+)\n([\s\S]*?)\/\/ #endregion/g)];
    expect(regions.length).toBe(9);
    for (const [, name, body] of regions) expect(blocks, `region ${name}`).toContain(dedent(body!));
  });
});
