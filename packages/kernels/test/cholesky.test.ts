import { CholeskyDecomposition, Matrix, solve as mlSolve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { cholesky, solveTriangular } from '../src/cholesky.js';
import { EPS, fromSvd, matmul, randomMatrix, randomOrthonormalColumns, toMl, transpose } from './svd-helpers.js';

/** Random SPD matrix Q diag(λ) Qᵀ with eigenvalues spread geometrically over [1/cond, 1]. */
function spd(n: number, cond: number, seed: number): Float64Array {
  const Q = randomOrthonormalColumns(n, n, seed);
  const lambda = Array.from({ length: n }, (_, k) => cond ** (-k / Math.max(1, n - 1)));
  const A = fromSvd(Q, lambda, Q, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j]!; // exactly symmetric
  return A;
}

/** max |A − L Lᵀ| and max (|L||Lᵀ|) entry, for the componentwise backward-error bound. */
function residual(A: Float64Array, L: Float64Array, n: number): { err: number; scale: number } {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      let a = 0;
      for (let k = 0; k < n; k++) {
        x += L[i * n + k]! * L[j * n + k]!;
        a += Math.abs(L[i * n + k]! * L[j * n + k]!);
      }
      err = Math.max(err, Math.abs(x - A[i * n + j]!));
      scale = Math.max(scale, a);
    }
  }
  return { err, scale };
}

describe('cholesky', () => {
  it.each([1, 2, 5, 40])('factors a random SPD %i×%i matrix: L Lᵀ = A to n·ε·|L||Lᵀ|, L lower, diagonal > 0', (n) => {
    const A = spd(n, 1e3, n);
    const { L, info } = cholesky(A, n);
    expect(info).toBe(0);
    for (let i = 0; i < n; i++) {
      expect(L[i * n + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(0);
    }
    const { err, scale } = residual(A, L, n);
    expect(err).toBeLessThanOrEqual(2 * n * EPS * scale);
  });

  it('agrees with ml-matrix CholeskyDecomposition', () => {
    const n = 12;
    const A = spd(n, 1e4, 3);
    const { L } = cholesky(A, n);
    const ref = new CholeskyDecomposition(toMl(A, n, n)).lowerTriangularMatrix;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) expect(Math.abs(L[i * n + j]! - ref.get(i, j))).toBeLessThanOrEqual(1e-12);
    }
  });

  it('factors an SPD matrix with condition number 1e12 with a small backward error', () => {
    const n = 20;
    const A = spd(n, 1e12, 5);
    const { L, info } = cholesky(A, n);
    expect(info).toBe(0);
    const { err, scale } = residual(A, L, n);
    expect(err).toBeLessThanOrEqual(2 * n * EPS * scale);
  });

  it('reads only the lower triangle of A', () => {
    const n = 6;
    const A = spd(n, 10, 9);
    const garbled = A.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) garbled[i * n + j] = 1e6 * (i - j);
    expect(Array.from(cholesky(garbled, n).L)).toEqual(Array.from(cholesky(A, n).L));
  });

  it.each([
    ['a negative diagonal entry', [1, 0, 0, 0, 2, 0, 0, 0, -1], 3, 3],
    ['a zero first pivot', [0, 0, 0, 1], 2, 1],
    ['an indefinite 2×2', [1, 2, 2, 1], 2, 2],
    ['an exactly singular PSD matrix', [1, 1, 1, 1], 2, 2],
    ['a NaN entry', [4, 0, 0, 0, NaN, 0, 0, 0, 1], 3, 2],
  ])('reports the order of the first non-positive-definite leading minor for %s', (_name, entries, n, k) => {
    const { L, info } = cholesky(new Float64Array(entries), n);
    expect(info).toBe(k);
    // Rows from the failing one on are left zero (no partial, misleading row).
    for (let i = (k - 1) * n; i < n * n; i++) expect(L[i]).toBe(0);
  });

  it('names minor k for a matrix whose leading (k−1)×(k−1) block is SPD but whose k×k block is not', () => {
    // A = [[B, b], [bᵀ, β]] with β = bᵀB⁻¹b − 0.5 < bᵀB⁻¹b: the Schur complement is −0.5 at position k.
    const n = 9;
    for (const k of [2, 5, 9]) {
      const B = spd(k - 1, 100, k);
      const b = randomMatrix(k - 1, 1, k + 1);
      const Binvb = mlSolve(toMl(B, k - 1, k - 1), new Matrix([Array.from(b)]).transpose()).to1DArray();
      const beta = Binvb.reduce((s, x, i) => s + x * b[i]!, 0) - 0.5;
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) A[i * n + i] = 1;
      for (let i = 0; i < k - 1; i++) {
        for (let j = 0; j < k - 1; j++) A[i * n + j] = B[i * (k - 1) + j]!;
        A[(k - 1) * n + i] = b[i]!;
        A[i * n + k - 1] = b[i]!;
      }
      A[(k - 1) * n + k - 1] = beta;
      expect(cholesky(A, n).info).toBe(k);
    }
  });

  it('returns an empty factor for n = 0 and rejects a too-short array', () => {
    expect(cholesky(new Float64Array(0), 0)).toEqual({ L: new Float64Array(0), info: 0 });
    expect(() => cholesky(new Float64Array(3), 2)).toThrow(RangeError);
  });
});

describe('solveTriangular', () => {
  const n = 15;
  const nrhs = 4;
  // Well-conditioned triangular factors: the Cholesky factor of an SPD matrix with condition 100.
  const L = (() => {
    const A = spd(n, 100, 42);
    return cholesky(A, n).L;
  })();
  const U = transpose(L, n, n);
  const B = randomMatrix(n, nrhs, 7);

  /** max |T̃X − B| / max (|T̃||X|) with T̃ = T or Tᵀ: the componentwise backward error, ≤ n·ε for substitution. */
  function residualOf(T: Float64Array, X: Float64Array, transposed: boolean): number {
    const Tm = transposed ? transpose(T, n, n) : T;
    const TX = matmul(Tm, X, n, n, nrhs);
    const absTX = matmul(Tm.map(Math.abs), X.map(Math.abs), n, n, nrhs);
    let worst = 0;
    for (let i = 0; i < n * nrhs; i++) worst = Math.max(worst, Math.abs(TX[i]! - B[i]!) / absTX[i]!);
    return worst;
  }

  it.each([
    ['L X = B (forward)', true, false],
    ['Lᵀ X = B (backward, L read transposed)', true, true],
    ['U X = B (backward)', false, false],
    ['Uᵀ X = B (forward, U read transposed)', false, true],
  ])('solves %s with several right-hand sides to a small residual', (_name, lower, transposed) => {
    const T = lower ? L : U;
    const X = solveTriangular(T, n, B, nrhs, { lower, transpose: transposed });
    expect(residualOf(T, X, transposed)).toBeLessThanOrEqual(n * EPS);
  });

  it('agrees with ml-matrix solve on the forward and backward systems', () => {
    const X1 = solveTriangular(L, n, B, nrhs);
    const X2 = solveTriangular(L, n, B, nrhs, { transpose: true });
    const R1 = mlSolve(toMl(L, n, n), toMl(B, n, nrhs));
    const R2 = mlSolve(toMl(U, n, n), toMl(B, n, nrhs));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < nrhs; j++) {
        expect(Math.abs(X1[i * nrhs + j]! - R1.get(i, j))).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(X2[i * nrhs + j]! - R2.get(i, j))).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it('ignores the diagonal with unitDiagonal and the other triangle always', () => {
    const T = L.slice();
    for (let i = 0; i < n; i++) {
      T[i * n + i] = 1e300; // must not be read
      for (let j = i + 1; j < n; j++) T[i * n + j] = NaN; // must not be read
    }
    const X = solveTriangular(T, n, B, nrhs, { unitDiagonal: true });
    const unit = L.slice();
    for (let i = 0; i < n; i++) unit[i * n + i] = 1;
    expect(residualOf(unit, X, false)).toBeLessThanOrEqual(n * EPS);
  });

  it('never modifies B or T, and handles zero right-hand sides', () => {
    const Bc = B.slice();
    const Lc = L.slice();
    solveTriangular(L, n, B, nrhs, { transpose: true });
    expect(Array.from(B)).toEqual(Array.from(Bc));
    expect(Array.from(L)).toEqual(Array.from(Lc));
    expect(solveTriangular(L, n, new Float64Array(0), 0).length).toBe(0);
  });
});
