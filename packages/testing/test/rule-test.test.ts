import { describe, expect, it } from 'vitest';
import {
  ZeroTangent,
  add,
  complex,
  defineRule,
  exp,
  isZeroTangent,
  matmul,
  mul,
  real,
  reshape,
  scale,
  sum,
  tensor,
  trace,
  adjoint,
  type DifferentiableFunction,
  type Tensor,
} from '@ad/core';
import { hermitian, symmetric, testFrule, testRrule, type CheckName, type TestReport } from '../src/index.js';
import * as P from './fixtures/planted.js';

const x = tensor([0.3, -0.7, 1.1]);
const y = tensor([1.5, 0.2, -0.4]);
const A = tensor([[2, 0.5, -0.3], [0.5, 1, 0.8], [-0.3, 0.8, 3]]);

function failed(r: TestReport): CheckName[] {
  return [...new Set(r.failures.map((f) => f.check))].sort();
}

/** exp whose pullback is wrong only in entry 0. */
const wrongEntry0: DifferentiableFunction<[Tensor], Tensor> = defineRule({
  name: 'planted/wrong-entry-0',
  structure: ['general'],
  primal: (a: Tensor) => exp(a),
  frule: ([a], [da]) => [wrongEntry0(a), mul(exp(a), da)],
  rrule: (a: Tensor) => [wrongEntry0(a), (dy: Tensor) => [mul(mul(dy, exp(a)), tensor([2, 1, 1]))]],
});

describe('testRrule and testFrule on plain functions (through vjp and jvp)', () => {
  it('check functions of several arguments, pytrees and static arguments', () => {
    const f = (p: { w: Tensor; b: Tensor }, v: Tensor, k: number) => scale(add(matmul(p.w, v), p.b), k);
    const args = [{ w: A, b: y }, x, 2];
    for (const r of [testRrule(f, args, { order: 2 }), testFrule(f, args, { order: 2 })]) {
      expect(r.ok, r.message).toBe(true);
      expect(r.rule).toBe('f');
    }
    expect(testFrule(f, args).checks).toEqual(expect.arrayContaining(['jvp', 'tangent-type', 'zero-tangent', 'dot-product']));
  });

  it('check complex inputs and outputs with ∂L/∂Re + i∂L/∂Im cotangents', () => {
    const z = complex(tensor([0.3, -1.2]), tensor([0.7, 0.4]));
    const f = (a: Tensor) => mul(exp(a), a);
    expect(testRrule(f, [z], { order: 2 }).ok).toBe(true);
    expect(testFrule(f, [z]).ok).toBe(true);
  });

  it('pass the second-order checks along a zero tangent given by the caller (the derivative there is exactly 0)', () => {
    const f = (a: Tensor) => sum(mul(exp(a), a));
    const zero = tensor([0, 0, 0]);
    for (const r of [testRrule(f, [x], { order: 2, tangents: [zero] }), testFrule(f, [x], { order: 2, tangents: [zero] })]) {
      expect(r.failures).toEqual([]);
      expect(r.checks).toContain('order2');
    }
  });

  it('require the cotangent of a symmetric-marked argument to be symmetric', () => {
    const B = tensor([[1, 2, 0], [0, 1, 3], [-1, 0, 2]]);
    const notSym = testRrule((M: Tensor) => sum(mul(M, B)), [symmetric(A)]);
    expect(failed(notSym)).toEqual(['structure']);
    const sym = testRrule((M: Tensor) => trace(matmul(M, matmul(M, M))), [symmetric(A)]);
    expect(sym.ok, sym.message).toBe(true);
    expect(sym.checks).toContain('structure');
  });

  it('perturb Hermitian-marked arguments in Hermitian directions', () => {
    const H = complex(tensor([[2, 1], [1, 3]]), tensor([[0, 0.5], [-0.5, 0]]));
    // L = Re tr(H H): gradient 2Hᴴ = 2H, Hermitian
    const r = testRrule((M: Tensor) => real(trace(matmul(M, M))), [hermitian(H)]);
    expect(r.ok, r.message).toBe(true);
    // Re tr(C H) with a non-Hermitian C has gradient Cᴴ, not Hermitian: flagged
    const C = complex(tensor([[1, 2], [0, 1]]), tensor([[0, 1], [2, 0]]));
    expect(failed(testRrule((M: Tensor) => real(trace(matmul(C, M))), [hermitian(H)]))).toEqual(['structure']);
    expect(testRrule((M: Tensor) => real(trace(matmul(add(C, adjoint(C)), M))), [hermitian(H)]).ok).toBe(true);
  });

  it('report a function that throws as a failed check instead of throwing', () => {
    const r = testRrule(() => {
      throw new RangeError('boom');
    }, [x]);
    expect(r.ok).toBe(false);
    expect(r.failures[0]!.check).toBe('setup');
    expect(r.message).toMatch(/the rrule threw RangeError: boom/);
  });
});

describe('options', () => {
  it('use the given tangent: a direction that misses the wrong entry passes', () => {
    expect(testRrule(wrongEntry0, [x]).ok).toBe(false);
    expect(testRrule(wrongEntry0, [x], { tangents: [tensor([0, 1, -2])], checks: ['vjp'] }).ok).toBe(true);
    expect(testRrule(wrongEntry0, [x], { tangents: [[1, 0, 0]], checks: ['vjp'] }).ok).toBe(false);
  });

  it('use the given cotangent', () => {
    // the sign error is invisible along ȳ = 0 … but not along ȳ = 1
    expect(testRrule(P.signErrorExp, [x], { cotangent: tensor([0, 0, 0]), checks: ['vjp'] }).ok).toBe(true);
    expect(testRrule(P.signErrorExp, [x], { cotangent: [1, 1, 1], checks: ['vjp'] }).ok).toBe(false);
  });

  it('run only the listed checks', () => {
    const r = testRrule(P.signErrorExp, [x], { checks: ['primal', 'mutation', 'repeatable'] });
    expect(r.ok).toBe(true);
    expect(r.checks).toEqual(['primal', 'mutation', 'repeatable']);
  });

  it('compare a view of the output (pushing tangents by jvp, pulling cotangents by vjp)', () => {
    const f = (M: Tensor) => ({ total: sum(M), square: matmul(M, M) });
    const r = testRrule(f, [A], { output: (o: { square: Tensor }) => o.square });
    expect(r.ok, r.message).toBe(true);
    const q = testFrule(f, [A], { output: (o: { square: Tensor }) => reshape(o.square, [9]) });
    expect(q.ok, q.message).toBe(true);
  });

  it('compare the primal through the output view too (a frule may return another gauge of the same output)', () => {
    // x/‖x‖ whose frule returns the opposite sign: same projector u uᵀ, same tangent of u uᵀ
    const flipped: DifferentiableFunction<[Tensor], Tensor> = defineRule({
      name: 'good/normalize-other-gauge-in-frule',
      structure: ['general'],
      primal: (v: Tensor) => P.goodNormalize(v),
      frule: ([v], [dv]) => {
        const [u, du] = P.goodNormalize.rule.frule([v], [dv]);
        return [scale(u as Tensor, -1), scale(du as Tensor, -1)];
      },
      rrule: (v: Tensor) => P.goodNormalize.rule.rrule(v),
    });
    const projector = (u: Tensor) => mul(reshape(u, [3, 1]), reshape(u, [1, 3]));
    const r = testFrule(flipped, [x], { output: projector });
    expect(r.ok, r.message).toBe(true);
    expect(failed(testFrule(flipped, [x]))).toEqual(expect.arrayContaining(['primal']));
  });

  it('reproduce the same report from the same seed, and draw other directions from another', () => {
    const a = testRrule(P.signErrorExp, [x], { seed: 11 });
    const b = testRrule(P.signErrorExp, [x], { seed: 11 });
    const c = testRrule(P.signErrorExp, [x], { seed: 12 });
    expect(b.message).toBe(a.message);
    expect(c.failures[0]!.entry!.ruleValue).not.toBe(a.failures[0]!.entry!.ruleValue);
  });

  it('loosen with rtol/atol and tighten with fdErrorFactor', () => {
    // a 1e-6 relative error: caught at the default rtol 1e-9, accepted at rtol 1e-5
    const sloppy: DifferentiableFunction<[Tensor], Tensor> = defineRule({
      name: 'planted/sloppy',
      structure: ['general'],
      primal: (a: Tensor) => exp(a),
      frule: ([a], [da]) => [sloppy(a), scale(mul(exp(a), da), 1 + 1e-6)],
      rrule: (a: Tensor) => [sloppy(a), (dy: Tensor) => [scale(mul(dy, exp(a)), 1 + 1e-6)]],
    });
    expect(failed(testRrule(sloppy, [x]))).toEqual(['vjp']);
    expect(testRrule(sloppy, [x], { rtol: 1e-5 }).ok).toBe(true);
    expect(testRrule(sloppy, [x], { atol: 1e-3 }).ok).toBe(true);
  });
});

describe('ZeroTangent handling', () => {
  it('passes ZeroTangent to rules that opt into structural zeros, and checks zero in gives zero out', () => {
    const seen: unknown[] = [];
    const g: DifferentiableFunction<[Tensor, Tensor], Tensor> = defineRule({
      name: 'good/structural-mul',
      structure: ['general', 'general'],
      zeroTangents: 'structural',
      primal: (a: Tensor, b: Tensor) => mul(a, b),
      frule: ([a, b], [da, db]) => {
        seen.push(da, db);
        const ta = isZeroTangent(da) ? undefined : mul(da as Tensor, b);
        const tb = isZeroTangent(db) ? undefined : mul(a, db as Tensor);
        return [g(a, b), ta && tb ? add(ta, tb) : (ta ?? tb ?? ZeroTangent)];
      },
      rrule: (a: Tensor, b: Tensor) => [g(a, b), (dy: Tensor) => [mul(dy, b), mul(dy, a)]],
    });
    const r = testFrule(g, [x, y]);
    expect(r.ok, r.message).toBe(true);
    expect(seen.some((t) => t === ZeroTangent)).toBe(true);
    expect(r.checks).toContain('zero-tangent');
  });

  it('gives a structured output whose pullback receives ZeroTangent fields', () => {
    const r = testRrule(P.goodSumDiff, [x, y]);
    expect(r.ok).toBe(true);
    expect(testRrule(P.zeroTangentCrashSumDiff, [x, y]).ok).toBe(false);
  });

  it('requires NoTangent for arguments declared nondiff', () => {
    const ok = testRrule(P.thunkedScale, [x, 3]);
    expect(ok.ok).toBe(true);
    const bad: DifferentiableFunction<[Tensor, number], Tensor> = defineRule({
      name: 'planted/zero-for-nondiff',
      structure: ['general', 'nondiff'],
      primal: (a: Tensor, c: number) => scale(a, c),
      frule: ([a, c], [da]) => [bad(a, c), scale(da, c)],
      rrule: (a: Tensor, c: number) => [bad(a, c), (dy: Tensor) => [scale(dy, c), ZeroTangent]],
    });
    expect(failed(testRrule(bad, [x, 3]))).toEqual(['nondiff']);
  });
});
