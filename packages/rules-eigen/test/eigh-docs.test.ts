/**
 * The examples of docs/degeneracy.md and of the package README, run as written (with types added). If one of these
 * fails, the documentation is wrong.
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  grad,
  jvp,
  matmul,
  mul,
  scale,
  slice,
  square,
  sum,
  tensor,
  toArray,
  transpose,
} from '@ad/core';
import { eigh, eigvalsh, type EighOptions } from '../src/index.js';
import { axpy, centralFd, flat, inner } from './helpers.js';
import { randomHermitian } from './eigh-helpers.js';

const close = (a: unknown, b: unknown, tol = 1e-12) => {
  const x = (a as number[][]).flat(3) as number[];
  const y = (b as number[][]).flat(3) as number[];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol * (1 + Math.abs(y[i]!))));
};

describe('docs/degeneracy.md examples', () => {
  it('eigenvalue averaging: the gradient of a repeated λ_max is U Uᵀ/2', () => {
    const A = tensor([[2, 0, 0], [0, 2, 0], [0, 0, 1]]);
    const lambdaMax = (X: Tensor) => sum(slice(eigvalsh(X), [2], [3]));
    close(toArray(grad(lambdaMax)(A) as Tensor), [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0]]);
  });

  const B = tensor([[2, 1, 0], [1, 2, 0], [0, 0, 1]]);
  const W = tensor([[1, 2, 0], [2, 0, 1], [0, 1, 1]]);
  const overlap = (opts?: EighOptions) => (X: Tensor) => {
    const U = slice(eigh(X, opts).vectors, [0, 0], [3, 2]);
    return sum(mul(W, matmul(U, transpose(U))));
  };

  it("'gauge': an eigenspace loss gets the exact gradient (finite differences agree)", () => {
    const G = grad(overlap())(B) as Tensor;
    close(toArray(G), [[-0.25, 0, -0.25], [0, 0.25, -0.25], [-0.25, -0.25, 0]], 1e-12);
    const E = randomHermitian(3, 5);
    const fd = centralFd((t) => flat(overlap()(axpy(B, E, t))), 1e-3)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9);
  });

  it("'gauge': a basis-dependent loss raises GaugeDependenceError with the message shown", () => {
    const entries = (X: Tensor) => {
      const V = eigh(X).vectors;
      return sum(mul(slice(V, [0, 1], [1, 2]), slice(V, [2, 1], [3, 2])));
    };
    expect(() => grad(entries)(B)).toThrow(GaugeDependenceError);
    expect(() => grad(entries)(B)).toThrow(
      /eigh: the loss depends on the choice of basis inside the degenerate cluster of eigenvalues 0\.\.1 \(λ = 1\.00000, 1\.00000; spread 2\.2e-16\): the skew part of Vᴴ V̄ on the cluster is 7\.1e-1·‖V̄‖/,
    );
  });

  it("'error': raises DegenerateEigenvaluesError with the message shown", () => {
    expect(() => grad(overlap({ degeneracy: { policy: 'error' } }))(B)).toThrow(DegenerateEigenvaluesError);
    expect(() => grad(overlap({ degeneracy: { policy: 'error' } }))(B)).toThrow(
      /eigh: eigenvalues 0\.\.1 \(λ = 1\.00000, 1\.00000; spread 2\.2e-16\) form a cluster \(gaps ≤ 4\.1e-10 \+ 5\.5e-7·max\|λ\|\) and the eigenvector cotangent has a component of 4\.5e-1·‖V̄‖ inside it/,
    );
  });

  it("'broaden' and 'nan' on a near tie: bounded and biased vs the O(1/gap) derivative", () => {
    const near = tensor([[1, 5e-10, 0], [5e-10, 1, 0], [0, 0, 3]]);
    const first = (opts?: EighOptions) => (X: Tensor) => sum(square(slice(eigh(X, opts).vectors, [0, 0], [1, 1])));
    expect(() => grad(first())(near)).toThrow(GaugeDependenceError);
    const b = grad(first({ degeneracy: { policy: 'broaden', epsilon: 1e-6 } }))(near) as Tensor;
    close(toArray(b), [[-5.0e-4, 0, 0], [0, 5.0e-4, 0], [0, 0, 0]], 1e-6);
    const n = grad(first({ degeneracy: { policy: 'nan' } }))(near) as Tensor;
    close(toArray(n), [[-5.0e8, 0, 0], [0, 5.0e8, 0], [0, 0, 0]], 1e-6);
  });

  it("'nan' at an exact tie gives NaN, 'gauge' a finite exact gradient", () => {
    const T = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 3]]);
    expect(flat(grad(overlap({ degeneracy: { policy: 'nan' } }))(T) as Tensor).every(Number.isNaN)).toBe(true);
    expect(flat(grad(overlap())(T) as Tensor).every(Number.isFinite)).toBe(true);
  });

  it('forward mode at a tie: the one-sided derivative, not linear in the direction', () => {
    const I = tensor([[1, 0], [0, 1]]);
    const E = tensor([[1, 1], [1, -1]]);
    close(toArray(jvp((X: Tensor) => eigvalsh(X), [I], [E])[1] as Tensor), [-Math.SQRT2, Math.SQRT2], 1e-14);
    close(toArray(jvp((X: Tensor) => eigvalsh(X), [I], [scale(E, -1)])[1] as Tensor), [-Math.SQRT2, Math.SQRT2], 1e-14);
  });

  it('cluster tolerances can be set per call', () => {
    const A = tensor([[1, 5e-10, 0], [5e-10, 1, 0], [0, 0, 3]]);
    const first = (opts?: EighOptions) => (X: Tensor) => sum(square(slice(eigh(X, opts).vectors, [0, 0], [1, 1])));
    expect(() => grad(first({ degeneracy: { atol: 0, rtol: 0 } }))(A)).not.toThrow();
    expect(() => grad(first({ degeneracy: { atol: 1e-8, rtol: 1e-5 } }))(A)).toThrow(GaugeDependenceError);
  });
});

describe('README example', () => {
  it('runs as written', () => {
    const A = tensor([[2, 1, 0], [1, 2, 0], [0, 0, 1]]);
    close(toArray(grad((X: Tensor) => sum(slice(eigvalsh(X), [2], [3])))(A) as Tensor), [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 0]]);
    const W = tensor([[1, 2, 0], [2, 0, 1], [0, 1, 1]]);
    const P = (X: Tensor, opts?: EighOptions) => {
      const U = slice(eigh(X, opts).vectors, [0, 0], [3, 2]);
      return matmul(U, transpose(U));
    };
    const G = grad((X: Tensor) => sum(mul(W, P(X))))(A) as Tensor;
    const E = randomHermitian(3, 9);
    const fd = centralFd((t) => flat(sum(mul(W, P(axpy(A, E, t))))), 1e-3)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9);
    expect(() => grad((X: Tensor) => sum(mul(W, P(X, { degeneracy: { policy: 'error' } }))))(A)).toThrow(DegenerateEigenvaluesError);
  });
});

describe('TSDoc examples of eigh and eigvalsh', () => {
  it('run as written', () => {
    const A = tensor([[2, 1], [1, 2]]);
    close(toArray(eigvalsh(A)), [1, 3], 1e-15);
    close(toArray(grad((X: Tensor) => sum(slice(eigvalsh(X), [1], [2])))(A) as Tensor), [[0.5, 0.5], [0.5, 0.5]], 1e-15);
    const { values, vectors } = eigh(A);
    close(toArray(values), [1, 3], 1e-15);
    close(toArray(vectors), [[Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2]], 1e-15);
    const weight = (X: Tensor) => sum(square(slice(eigh(X).vectors, [0, 1], [1, 2])));
    close(toArray(grad(weight)(A) as Tensor), [[0.25, 0], [0, -0.25]], 1e-14);
  });
});
