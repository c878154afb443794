// The root README's ten-line example, run as written (keep the two in sync).
import { describe, expect, it } from 'vitest';
import { grad, matmul, mul, sum, tensor, transpose, toArray, type Tensor } from '@ad/core';
import { eigh, eigvalsh } from '../src/index.js';
import { checkGrad, symmetric } from '@ad/testing';

describe('README example', () => {
  it('gives v vᵀ as the gradient of the largest eigenvalue and passes checkGrad', () => {
    const A0 = tensor([[2, 1, 0], [1, 3, 1], [0, 1, 4]]);
    const lambdaMax = (A: Tensor) => sum(mul(eigvalsh(A), tensor([0, 0, 1])));
    const g = grad(lambdaMax)(A0) as Tensor;
    // Independent route: the top eigenpair in closed form, λ = 3 + √3 and v ∝ (1, λ − 2, (λ − 2)/(λ − 4)).
    const lam = 3 + Math.sqrt(3);
    const v = [1, lam - 2, (lam - 2) / (lam - 4)];
    const norm = Math.hypot(...v);
    const expected = v.map((a) => v.map((b) => (a * b) / norm ** 2));
    const got = toArray(g) as number[][];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(got[i]![j]!).toBeCloseTo(expected[i]![j]!, 13);
    const loss = (A: Tensor) => {
      const { vectors: V } = eigh(A);
      return sum(mul(matmul(V, transpose(V)), A));
    };
    expect(checkGrad(loss, symmetric(A0)).ok).toBe(true);
  });
});
