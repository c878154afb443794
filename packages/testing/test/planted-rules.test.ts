import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { castTensor, complex, mul, reshape, tensor, type Tensor } from '@ad/core';
import { symmetric, symmetricMatrix, testFrule, testRrule, type CheckName, type TestReport } from '../src/index.js';
import * as P from './fixtures/planted.js';

const x = tensor([0.3, -0.7, 1.1]);
const z = complex(tensor([0.3, -1.2]), tensor([0.7, 0.4]));
const A = tensor([
  [2, 0.5, -0.3],
  [0.5, 1, 0.8],
  [-0.3, 0.8, 3],
]);
const A2 = tensor([[3, 0.6], [0.6, 1]]);

function failed(r: TestReport): CheckName[] {
  return [...new Set(r.failures.map((f) => f.check))].sort();
}

describe('the harness rejects wrong rules', () => {
  it('rejects a sign error, naming the rule, the check, the worst entry and the seed', () => {
    const r = testRrule(P.signErrorExp, [x], { seed: 7 });
    expect(r.ok).toBe(false);
    expect(failed(r)).toEqual(['dot-product', 'vjp']);
    const msg = r.message;
    expect(msg).toContain('testRrule(planted/sign-error)');
    expect(msg).toContain('✗ vjp');
    expect(msg).toMatch(/FD error estimate ±\d/);
    expect(msg).toMatch(/worst gradient entry \[\d\]: rule -?\d.*, FD -?\d/);
    expect(msg).toContain('seed 7');
    expect(msg).toContain('{ seed: 7 }');
    const v = r.failures.find((f) => f.check === 'vjp')!.entry!;
    expect(v.ruleValue).toBeCloseTo(-v.fdValue, 8);
    expect(v.relError).toBeCloseTo(2, 6);
    expect(testFrule(P.signErrorExp, [x]).failures.map((f) => f.check)).toEqual(['dot-product']);
  });

  it('rejects a missing factor 2 made consistently in frule and rrule (only finite differences can tell)', () => {
    const r = testRrule(P.missingFactor2Square, [x]);
    expect(failed(r)).toEqual(['vjp']);
    expect(r.failures[0]!.entry!.relError).toBeCloseTo(0.5, 6);
    const f = testFrule(P.missingFactor2Square, [x]);
    expect(failed(f)).toEqual(['jvp']);
    expect(f.failures[0]!.message).toMatch(/output \[\d\]/);
  });

  it('rejects a transposed gradient and points at an off-diagonal entry', () => {
    const r = testRrule(P.transposedTrace, [A]);
    expect(failed(r)).toEqual(['dot-product', 'vjp']);
    const msg = r.failures.find((f) => f.check === 'vjp')!.message;
    const m = /worst gradient entry \[(\d), (\d)\]: rule (\S+), FD (\S+)/.exec(msg);
    expect(m).not.toBeNull();
    const [i, j] = [Number(m![1]), Number(m![2])];
    expect(i).not.toBe(j);
    const Bt = P.traceB.data;
    // the rule gave ȳ·B_ij where finite differences give ȳ·(Bᵀ)_ij
    expect(Number(m![3]) / Number(m![4])).toBeCloseTo(Bt[i * 3 + j]! / Bt[j * 3 + i]!, 8);
  });

  it('rejects a gradient not projected onto the symmetric matrices, through the structure check alone', () => {
    const r = testRrule(P.unprojectedSymTrace, [A]);
    expect(failed(r)).toEqual(['structure']);
    expect(r.failures[0]!.message).toMatch(/argument 0 is symmetric but the rule's cotangent is not symmetric \(max \|X − Xᵀ\|\) = .* at \[\d, \d\]/);
    // the dot products with symmetric directions cannot see it: the projection does not change ⟨G, E⟩
    expect(r.checks).toContain('vjp');
    expect(testRrule(P.goodSymTrace, [A]).ok).toBe(true);
  });

  it('rejects a dropped term of an eigenvector-like rule (x/‖x‖ without its projection)', () => {
    const r = testRrule(P.droppedTermNormalize, [x]);
    expect(failed(r)).toContain('vjp');
    expect(failed(testFrule(P.droppedTermNormalize, [x]))).toContain('jvp');
  });

  it('rejects a 2×2 symmetric eigenvector rule with a dropped term, compared through the projector v vᵀ', () => {
    // v vᵀ built from core ops, so tangents and cotangents go through it by jvp/vjp
    const output = (v: Tensor) => mul(reshape(v, [2, 1]), reshape(v, [1, 2]));
    const r = testRrule(P.droppedTermEigvec2, [A2], { output });
    expect(failed(r)).toContain('vjp');
    const f = testFrule(P.droppedTermEigvec2, [A2], { output });
    expect(failed(f)).toContain('jvp');
    expect(f.failures.find((x) => x.check === 'jvp')!.message).toMatch(/output \[\d, \d\]/);
    expect(testRrule(P.goodEigvec2, [A2], { output }).ok).toBe(true);
    expect(testFrule(P.goodEigvec2, [A2], { output }).ok).toBe(true);
    expect(testRrule(P.goodEigvec2, [A2]).ok).toBe(true);
  });

  it('rejects a frule and rrule that disagree: testRrule sees it only in the dot-product test', () => {
    const r = testRrule(P.disagreeingExp, [x]);
    expect(failed(r)).toEqual(['dot-product']);
    expect(r.failures[0]!.message).toContain('⟨ȳ, frule(ẋ)⟩ vs ⟨rrule(ȳ), ẋ⟩');
    expect(failed(testFrule(P.disagreeingExp, [x]))).toEqual(['dot-product', 'jvp']);
  });

  it('rejects a pullback that mutates its cotangent or a primal input', () => {
    const r = testRrule(P.mutatingExp, [x]);
    expect(failed(r)).toContain('mutation');
    expect(r.failures.find((f) => f.check === 'mutation')!.message).toMatch(/the pullback \(its cotangent ȳ\) mutated its input/);
    const xs = tensor([0.3, -0.7, 1.1]);
    const q = testRrule(P.mutatingPrimal, [xs]);
    expect(failed(q)).toContain('mutation');
    expect(q.failures.find((f) => f.check === 'mutation')!.message).toMatch(/the pullback mutated its input \[0\]/);
  });

  it('rejects a complex rule with the conjugate convention wrong', () => {
    const r = testRrule(P.conjugateErrorExp, [z]);
    expect(failed(r)).toEqual(['dot-product', 'vjp']);
    expect(r.failures.find((f) => f.check === 'vjp')!.message).toMatch(/\((real|imag)\)/);
    // the same rule is right on real inputs, where conj is the identity
    expect(testRrule(P.conjugateErrorExp, [x]).ok).toBe(true);
  });

  it('rejects contract violations: a cotangent for a non-differentiable argument, an extra cotangent, wrong shapes and dtypes, a non-linear frule, a pullback that crashes on ZeroTangent, a stateful pullback', () => {
    expect(failed(testRrule(P.tangentForNondiff, [x, 3]))).toEqual(['nondiff']);
    expect(failed(testRrule(P.extraCotangent, [x]))).toContain('cotangent-type');
    expect(testRrule(P.extraCotangent, [x]).message).toMatch(/returned 2 cotangents for 1 arguments/);
    expect(failed(testFrule(P.wrongShapeTangent, [x]))).toContain('tangent-type');
    expect(failed(testRrule(P.realCotangentForComplex, [z]))).toEqual(expect.arrayContaining(['cotangent-type', 'vjp']));
    expect(failed(testFrule(P.affineFrule, [x]))).toEqual(expect.arrayContaining(['zero-tangent', 'jvp']));
    const crash = testRrule(P.zeroTangentCrashSumDiff, [x, tensor([1, 2, 3])]);
    expect(failed(crash)).toEqual(['zero-tangent']);
    expect(crash.failures[0]!.message).toMatch(/threw/);
    expect(failed(testRrule(P.makeStatefulExp(), [x]))).toEqual(['repeatable']);
  });

  it('rejects the smooth formula at an exact double eigenvalue, where only a one-sided difference is right', () => {
    const I = tensor([[1, 0], [0, 1]]);
    expect(testFrule(P.goodEigvals2, [I], { oneSided: true }).ok).toBe(true);
    const bad = testFrule(P.smoothFormulaEigvals2, [I], { oneSided: true });
    expect(failed(bad)).toEqual(['jvp']);
    expect(bad.failures[0]!.message).toContain('one-sided');
    // a central difference averages the two one-sided derivatives: even the right frule fails without oneSided
    expect(failed(testFrule(P.goodEigvals2, [I]))).toContain('jvp');
  });

  it('rejects a pullback that is right to first order but not differentiable again (order 2)', () => {
    expect(testRrule(P.rawPullbackSquare, [x]).ok).toBe(true);
    const r = testRrule(P.rawPullbackSquare, [x], { order: 2 });
    expect(failed(r)).toEqual(['order2']);
    expect(testRrule(P.goodSquare, [x], { order: 2 }).ok).toBe(true);
  });

  it('reports the fast-check seed and path together with its own report when driven by fast-check', () => {
    const run = (includeErrorInReport: boolean): Error => {
      try {
        fc.assert(
          fc.property(symmetricMatrix({ n: 3, minGap: 0.1 }), (M) => {
            testRrule(P.unprojectedSymTrace, [symmetric(M)], { throws: true });
          }),
          { seed: 42, numRuns: 5, includeErrorInReport },
        );
      } catch (e) {
        return e as Error;
      }
      throw new Error('the property should have failed');
    };
    // fast-check 4 attaches the report as the error's cause …
    const e = run(false);
    expect(e.message).toMatch(/seed: 42, path: "[\d:]+"/);
    const cause = (e as Error & { cause?: Error }).cause!;
    expect(cause.message).toContain('testRrule(planted/not-projected-to-symmetric) failed');
    expect(cause.message).toContain('✗ structure');
    // … or puts it in the message with includeErrorInReport
    const m = run(true).message;
    expect(m).toMatch(/seed: 42, path: "[\d:]+"/);
    expect(m).toContain('✗ structure');
  });
});

describe('correct rules pass at the default tolerances', () => {
  it('passes the correct twins of the planted rules', () => {
    const cases: [string, TestReport][] = [
      ['exp', testRrule(P.goodExp, [x], { order: 2 })],
      ['exp complex', testRrule(P.goodExp, [z], { order: 2 })],
      ['exp frule', testFrule(P.goodExp, [z], { order: 2 })],
      ['square', testRrule(P.goodSquare, [x], { order: 2 })],
      ['square complex', testRrule(P.goodSquare, [z])],
      ['trace', testRrule(P.goodTrace, [A])],
      ['trace frule', testFrule(P.goodTrace, [A])],
      ['sym trace', testRrule(P.goodSymTrace, [A])],
      ['normalize', testRrule(P.goodNormalize, [x], { order: 2 })],
      ['normalize frule', testFrule(P.goodNormalize, [x], { order: 2 })],
      ['eigvals2', testRrule(P.goodEigvals2, [A2])],
      ['eigvals2 frule', testFrule(P.goodEigvals2, [A2])],
      ['thunked scale', testRrule(P.thunkedScale, [x, 2.5])],
      ['sum-diff', testRrule(P.goodSumDiff, [x, tensor([1, 2, 3])])],
      ['sum-diff frule', testFrule(P.goodSumDiff, [x, tensor([1, 2, 3])])],
    ];
    for (const [name, r] of cases) expect(r.ok, `${name}: ${r.message}`).toBe(true);
    const thunked = testRrule(P.thunkedScale, [x, 2.5]);
    expect(thunked.checks).toEqual(expect.arrayContaining(['thunks', 'nondiff']));
    const sd = testRrule(P.goodSumDiff, [x, tensor([1, 2, 3])]);
    expect(sd.checks).toContain('zero-tangent');
  });

  it('checks the rrule at an exact cluster with a cluster-constant cotangent, and asks for one when missing', () => {
    const I = tensor([[1, 0], [0, 1]]);
    expect(testRrule(P.goodEigvals2, [I], { oneSided: true, cotangent: tensor([1, 1]) }).ok).toBe(true);
    const r = testRrule(P.goodEigvals2, [I], { oneSided: true });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/pass \{ cotangent \}/);
  });

  it('checks float32 rules against float64 finite differences at float32 tolerances', () => {
    const x32 = castTensor(x, 'float32');
    const r = testRrule(P.goodExp, [x32]);
    expect(r.ok, r.message).toBe(true);
    expect(r.worstRelError).toBeGreaterThan(1e-10); // float32 rounding is visible …
    expect(r.worstRelError).toBeLessThan(1e-5); // … and far below the float32 tolerance
    expect(testRrule(P.signErrorExp, [x32]).ok).toBe(false);
    expect(testFrule(P.goodExp, [x32]).ok).toBe(true);
  });

  it('throws with the report when asked', () => {
    expect(() => testRrule(P.signErrorExp, [x], { throws: true })).toThrow(/testRrule\(planted\/sign-error\) failed/);
    expect(() => testRrule(P.goodExp, [x], { throws: true })).not.toThrow();
  });
});
