import { describe, expect, it } from 'vitest';
import { add, castTensor, exp, matmul, mul, sin, square, sum, tensor, transpose, type Tensor } from '@ad/core';
import { checkGrad, symmetric } from '../src/index.js';
import * as P from './fixtures/planted.js';

const x = tensor([0.3, -0.7, 1.1, 0.25]);

describe('checkGrad', () => {
  it('passes grad and hvp of smooth compositions, entry by entry', () => {
    const f = (v: Tensor) => sum(mul(exp(sin(v)), square(v)));
    const r = checkGrad(f, x, { order: 2 });
    expect(r.ok, r.message).toBe(true);
    expect(r.checks).toEqual(['grad', 'hvp']);
    expect(r.worstRelError).toBeLessThan(1e-9);
    expect(r.test).toBe('checkGrad');
  });

  it('catches a wrong gradient coming from a rule used inside the function', () => {
    const r = checkGrad((v: Tensor) => sum(P.signErrorExp(v)), x);
    expect(r.ok).toBe(false);
    expect(r.failures[0]!.check).toBe('grad');
    expect(r.failures[0]!.message).toMatch(/grad\(f\) at \[\d\]: AD -?\d.*, FD -?\d/);
  });

  it('checks large inputs along random directions instead of the full gradient', () => {
    const big = tensor(Array.from({ length: 200 }, (_, i) => Math.sin(i)));
    const good = checkGrad((v: Tensor) => sum(mul(exp(v), v)), big);
    expect(good.ok, good.message).toBe(true);
    const bad = checkGrad((v: Tensor) => sum(P.missingFactor2Square(v)), big, { directions: 2 });
    expect(bad.ok).toBe(false);
    expect(bad.failures[0]!.message).toMatch(/along random direction 1 of 2/);
  });

  it('catches a Hessian-vector product that is wrong while the gradient is right (order 2)', () => {
    const f = (v: Tensor) => sum(mul(P.rawPullbackSquare(v), v));
    expect(checkGrad(f, x).ok).toBe(true);
    const r = checkGrad(f, x, { order: 2 });
    expect(r.ok).toBe(false);
    expect(r.failures.map((q) => q.check)).toEqual(['hvp']);
  });

  it('compares the gradient on the symmetric subspace for a symmetric-marked input', () => {
    const A = tensor([[2, 0.5], [0.5, 1]]);
    const B = tensor([[1, 2], [-3, 4]]);
    // L = tr(A B A): the plain gradient is not symmetric; its symmetric part is the gradient on the subspace
    const f = (M: Tensor) => sum(mul(matmul(matmul(M, B), M), tensor([[1, 0], [0, 1]])));
    expect(checkGrad(f, symmetric(A), { order: 2 }).ok).toBe(true);
    expect(checkGrad((M: Tensor) => sum(mul(add(M, transpose(M)), B)), symmetric(A)).ok).toBe(true);
  });

  it('checks float32 inputs against float64 finite differences at float32 tolerance', () => {
    const r = checkGrad((v: Tensor) => sum(exp(v)), castTensor(x, 'float32'));
    expect(r.ok, r.message).toBe(true);
    expect(r.worstRelError).toBeGreaterThan(1e-10);
  });

  it('throws with the report when asked', () => {
    expect(() => checkGrad((v: Tensor) => sum(P.signErrorExp(v)), x, { throws: true, name: 'loss' })).toThrow(/checkGrad\(loss\) failed/);
  });
});
