/**
 * eig / eigvals at repeated eigenvalues. General eig has no masking (DESIGN.md, "Degeneracy"):
 * - a nearly defective cluster (Jordan block + ε: eigenvectors nearly parallel) refuses every derivative through it
 *   with `DegenerateEigenvaluesError` carrying cond(V_C), while eigenvalues away from it stay differentiable;
 * - a semisimple repeated eigenvalue with a well-conditioned basis differentiates exactly what has a derivative —
 *   symmetric functions of the cluster (Σ|λ|², the trace) and eigenspace-only eigenvector losses (the spectral
 *   projector) — and refuses individual eigenvalues and basis-dependent eigenvector losses;
 * - forward mode gives the one-sided eigenvalue derivative (eigenvalues of V⁻¹ Ȧ V on the cluster);
 * - policy 'nan' applies the plain formulas.
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  Tensor,
  abs,
  adjoint,
  complex,
  eye,
  hvp,
  jvp,
  matmul,
  mul,
  real,
  reshape,
  slice,
  square,
  stack,
  sum,
  tensor,
  transpose,
} from '@ad/core';
import { checkGrad, testFrule } from '@ad/testing';
import { eig, eigvals } from '../src/index.js';
import { solve } from '../src/eig.js';
import { catchError, rng } from './helpers.js';
import { absSquared, gradT, randomMatrix, realWithSpectrum } from './eig-helpers.js';

const sumSquares = (X: Tensor) => sum(square(abs(eigvals(X))));
const valueAt = (k: number) => (X: Tensor) => sum(real(slice(eigvals(X), [k], [k + 1])));

/** Jordan block J₂(1) with a perturbation δ below the diagonal, next to a simple eigenvalue 3. */
function jordan(delta: number): Tensor {
  return tensor([
    [1, 1, 0],
    [delta, 1, 0],
    [0.5, -0.25, 3],
  ]);
}

describe('eig / eigvals at a nearly defective eigenvalue', () => {
  it('raises DegenerateEigenvaluesError carrying cond(V_C) for any cotangent on the cluster (Jordan block + 1e-14)', () => {
    const A = jordan(1e-14); // eigenvalues 1 ± 1e-7: inside the tolerance 5.5e-7·3; cond(V_C) ≈ 1e7
    const cases: [string, (X: Tensor) => Tensor][] = [
      ['Σ|λ|²', sumSquares],
      ['λ₀', valueAt(0)],
      ['|v|² of the cluster', (X) => sum(absSquared(slice(eig(X).vectors, [0, 0], [3, 2])))],
    ];
    for (const [what, f] of cases) {
      const e = catchError(() => gradT(f)(A));
      expect(e, what).toBeInstanceOf(DegenerateEigenvaluesError);
      const d = e as DegenerateEigenvaluesError;
      expect(d.cluster).toEqual([0, 2]);
      expect(d.gap).toBeGreaterThan(1e6); // eig's DegenerateEigenvaluesError carries cond(V_C) in `gap`
      expect(d.gap).toBeLessThan(1e9);
      expect(d.values[0]!).toBeCloseTo(1, 6);
      expect(d.message).toMatch(/cond\(V_C\) = 1\.0e\+7 > maxCond/);
      expect(d.message).toMatch(/defective/);
    }
  });

  it('refuses tangents at a nearly defective cluster in forward mode (eig and eigvals)', () => {
    const A = jordan(1e-14);
    const dA = randomMatrix(3, 3);
    expect(catchError(() => jvp((X: Tensor) => eigvals(X), [A], [dA]))).toBeInstanceOf(DegenerateEigenvaluesError);
    expect(catchError(() => jvp((X: Tensor) => eig(X).vectors, [A], [dA]))).toBeInstanceOf(DegenerateEigenvaluesError);
  });

  it('reports an exactly defective eigenvalue (numerically parallel eigenvectors) with cond(V_C) = ∞', () => {
    const e = catchError(() => gradT(sumSquares)(jordan(0))) as DegenerateEigenvaluesError;
    expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
    expect(e.gap).toBe(Infinity);
    expect(e.message).toMatch(/numerically parallel/);
  });

  /**
   * The exact gradient of a simple eigenvalue λ of jordan(δ) = [[J, 0], [c, 3]], J = [[1, 1], [δ, 1]], c = [½, −¼]:
   * ∂λ/∂A = w vᵀ / (wᵀ v) with, for λ = 1 ± √δ (u = [1, ±√δ], y = [±√δ, 1]): v = [u, c·u/(λ − 3)], w = [y, 0];
   * for λ = 3: v = e₃, w = [c (3I − J)⁻¹, 1].
   */
  function exactGradient(delta: number, which: 'upper' | 'three'): Float64Array {
    const c = [0.5, -0.25];
    let v: number[];
    let w: number[];
    if (which === 'three') {
      const det = 4 - delta; // 3I − J = [[2, −1], [−δ, 2]]
      w = [(c[0]! * 2 + c[1]! * delta) / det, (c[0]! * 1 + c[1]! * 2) / det, 1];
      v = [0, 0, 1];
    } else {
      const s = Math.sqrt(delta);
      const lam = 1 + s;
      const u = [1, s];
      v = [u[0]!, u[1]!, (c[0]! * u[0]! + c[1]! * u[1]!) / (lam - 3)];
      w = [s, 1, 0];
    }
    const wv = w.reduce((acc, x, i) => acc + x * v[i]!, 0);
    return Float64Array.from({ length: 9 }, (_, k) => (w[Math.floor(k / 3)]! * v[k % 3]!) / wv);
  }

  it('still differentiates an eigenvalue away from the defective cluster, to cond(V)·ε of the exact w vᵀ/(wᵀv)', () => {
    const A = jordan(1e-14);
    const g = gradT(valueAt(2))(A);
    const exact = exactGradient(1e-14, 'three');
    // Going through V (cond(V) ≈ 1e7) costs about cond(V)·ε ≈ 2e-9 relative: the error is inherent, not the formula's.
    const condV = (catchError(() => gradT(sumSquares)(A)) as DegenerateEigenvaluesError).gap;
    for (let i = 0; i < 9; i++) expect(Math.abs(g.data[i]! - exact[i]!)).toBeLessThan(10 * condV * 2 ** -52);
  });

  it('differentiates outside the tolerance, where the derivatives of a nearly defective pair are large and genuine', () => {
    // eigenvalues 1 ± 1e-3: separated; ∂λ/∂A ~ 1/(2√δ) = 500. Finite differences need steps far below √δ here, so the
    // reference is the exact gradient.
    const A = jordan(1e-6);
    const g = gradT(valueAt(1))(A);
    const exact = exactGradient(1e-6, 'upper');
    expect(Math.max(...Array.from(exact, Math.abs))).toBeGreaterThan(100);
    for (let i = 0; i < 9; i++) expect(Math.abs(g.data[i]! - exact[i]!)).toBeLessThan(1e-10 * 500);
    // Σλ² = tr A² is smooth although each λ is not: its gradient 2Aᵀ survives the cancellation of O(500) terms
    const g2 = gradT((X: Tensor) => sum(real(mul(eigvals(X), eigvals(X)))))(A);
    const twoAt = transpose(mul(A, 2));
    for (let i = 0; i < 9; i++) expect(Math.abs(g2.data[i]! - twoAt.data[i]!)).toBeLessThan(1e-10);
  });

  it("returns the plain (finite, inaccurate) formulas under policy 'nan' instead of raising", () => {
    const A = jordan(1e-14);
    const g = gradT((X: Tensor) => sum(square(abs(eigvals(X, { degeneracy: { policy: 'nan' } })))))(A);
    expect(Array.from(g.data).every(Number.isFinite)).toBe(true);
  });
});

describe('eig / eigvals at a semisimple repeated eigenvalue (well-conditioned eigenvectors)', () => {
  // A = S diag(−1, 1, 1, 2) S⁻¹ with a mildly non-normal S: eigenvalues 1, 1 at indices 1, 2, cond(V_C) ≈ 1.1
  const A = realWithSpectrum([-1, 1, 1, 2], 1, 0.4);

  it('differentiates symmetric functions of the cluster exactly: Σλ² = tr A² gives 2Aᵀ, the trace gives I', () => {
    const g = gradT((X: Tensor) => sum(real(mul(eigvals(X), eigvals(X)))))(A);
    for (let i = 0; i < 16; i++) expect(Math.abs(g.data[i]! - 2 * A.data[(i % 4) * 4 + Math.floor(i / 4)]!)).toBeLessThan(1e-12);
    const t = gradT((X: Tensor) => sum(real(eigvals(X))))(A);
    for (let i = 0; i < 16; i++) expect(Math.abs(t.data[i]! - (i % 5 === 0 ? 1 : 0))).toBeLessThan(1e-13);
    const r = checkGrad(sumSquares, A);
    expect(r.ok, r.message).toBe(true);
  });

  it('refuses an individual eigenvalue of the cluster with DegenerateEigenvaluesError (small cond(V_C), semisimple)', () => {
    const e = catchError(() => gradT(valueAt(1))(A)) as DegenerateEigenvaluesError;
    expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
    expect(e.cluster).toEqual([1, 3]);
    expect(e.gap).toBeLessThan(10);
    expect(e.message).toMatch(/semisimple/);
    expect(e.message).toMatch(/not constant/);
    // λ₀ and λ₃ are simple and fine
    expect(checkGrad(valueAt(3), A).ok).toBe(true);
  });

  it("differentiates the cluster's spectral projector V_C W_Cᴴ (an eigenspace-only loss) and matches finite differences", () => {
    const r0 = rng(5);
    const M = new Tensor([4, 4], 'float64', Float64Array.from({ length: 16 }, () => 2 * r0() - 1));
    const loss = (X: Tensor) => {
      const { vectors: V, leftVectors: W } = eig(X, { left: true });
      const P = matmul(slice(V, [0, 1], [4, 3]), adjoint(slice(W!, [0, 1], [4, 3])));
      return sum(mul(real(P), M));
    };
    const r = checkGrad(loss, A);
    expect(r.ok, r.message).toBe(true);
  });

  it('refuses an eigenvector loss that depends on the basis the solver chose inside the eigenspace', () => {
    const e = catchError(() => gradT((X: Tensor) => sum(absSquared(slice(eig(X).vectors, [0, 1], [1, 2]))))(A));
    expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
    expect((e as Error).message).toMatch(/basis of the eigenspace/);
  });

  it('gives the one-sided eigenvalue derivative in forward mode (eigenvalues of the cluster block of V⁻¹ Ȧ V)', () => {
    const r = testFrule(eigvals, [A], { oneSided: true, seed: 3 });
    expect(r.ok, r.message).toBe(true);
    // at A = I the cluster is everything and V = I: the one-sided derivative is the spectrum of Ȧ itself
    const dA = randomMatrix(3, 17);
    const [, dl] = jvp((X: Tensor) => eigvals(X), [eye(3)], [dA]);
    const ref = eigvals(dA);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs((dl as Tensor).data[i]! - ref.data[i]!)).toBeLessThan(1e-13);
      expect(Math.abs((dl as Tensor).im![i]! - ref.im![i]!)).toBeLessThan(1e-13);
    }
  });

  it('treats a batch with a cluster in one matrix only like the loop: one-sided tangent there, diag K elsewhere', () => {
    const other = realWithSpectrum([-2, 0.5, 1.5], 31, 0.3);
    const batch = stack([eye(3), other]);
    const dA = stack([randomMatrix(3, 37), randomMatrix(3, 38)]);
    const [, dl] = jvp((X: Tensor) => eigvals(X), [batch], [dA]);
    for (const b of [0, 1]) {
      const [, one] = jvp((X: Tensor) => eigvals(X), [[eye(3), other][b]!], [reshape(slice(dA, [b, 0, 0], [b + 1, 3, 3]), [3, 3])]);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs((dl as Tensor).data[b * 3 + i]! - (one as Tensor).data[i]!)).toBeLessThan(1e-13);
        expect(Math.abs((dl as Tensor).im![b * 3 + i]! - (one as Tensor).im![i]!)).toBeLessThan(1e-13);
      }
    }
    expect(checkGrad(sumSquares, batch).ok).toBe(true);
  });

  it('refuses eigenvector tangents that turn the basis inside the cluster, and accepts ones that keep it (Ȧ = A)', () => {
    expect(catchError(() => jvp((X: Tensor) => eig(X).vectors, [A], [randomMatrix(4, 19)]))).toBeInstanceOf(DegenerateEigenvaluesError);
    const [, dy] = jvp((X: Tensor) => eig(X), [A], [A]);
    const { values: dl, vectors: dV } = dy as { values: Tensor; vectors: Tensor };
    const lam = eigvals(A);
    for (let i = 0; i < 4; i++) expect(Math.abs(dl.data[i]! - lam.data[i]!)).toBeLessThan(1e-12);
    for (let i = 0; i < 16; i++) expect(Math.hypot(dV.data[i]!, dV.im![i]!)).toBeLessThan(1e-12);
  });

  it('refuses second derivatives at the cluster (the forward pass through the pullback turns the basis)', () => {
    expect(catchError(() => hvp(sumSquares, A, randomMatrix(4, 23)))).toBeInstanceOf(DegenerateEigenvaluesError);
  });

  it('clusters by complex distance: a repeated complex eigenvalue of a complex matrix, Σ|λ|² exact and λₖ refused', () => {
    const r0 = rng(29);
    const n = 3;
    const S = complex(
      new Tensor([n, n], 'float64', Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0) + 0.3 * (2 * r0() - 1))),
      new Tensor([n, n], 'float64', Float64Array.from({ length: n * n }, () => 0.3 * (2 * r0() - 1))),
    );
    const D = complex(tensor([[1, 0, 0], [0, 1, 0], [0, 0, -0.5]]), tensor([[1, 0, 0], [0, 1, 0], [0, 0, 2]]));
    // S D S⁻¹ = (S⁻ᵀ (S D)ᵀ)ᵀ
    const C = transpose(solve(transpose(S), transpose(matmul(S, D))));
    const lam = eigvals(C);
    expect(Math.hypot(lam.data[1]! - 1, lam.im![1]! - 1)).toBeLessThan(1e-13);
    expect(Math.hypot(lam.data[2]! - 1, lam.im![2]! - 1)).toBeLessThan(1e-13);
    const r = checkGrad(sumSquares, C);
    expect(r.ok, r.message).toBe(true);
    expect(catchError(() => gradT(valueAt(1))(C))).toBeInstanceOf(DegenerateEigenvaluesError);
  });

  it("applies the plain formulas under policy 'nan': an exact tie gives non-finite eigenvector derivatives", () => {
    const opts = { degeneracy: { policy: 'nan' as const } };
    const g = gradT((X: Tensor) => sum(absSquared(slice(eig(X, opts).vectors, [0, 0], [3, 1]))))(eye(3));
    expect(Array.from(g.data).some((v) => !Number.isFinite(v))).toBe(true);
    // values-only losses need no cluster handling at all
    const t = gradT((X: Tensor) => sum(real(eigvals(X, opts))))(eye(3));
    expect(Array.from(t.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
});
