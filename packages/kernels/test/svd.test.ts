import fc from 'fast-check';
import { EigenvalueDecomposition, LuDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { svd } from '../src/svd.js';
import {
  EPS,
  frob,
  fromSvd,
  lcg,
  orthonormalityError,
  pivotIsPositive,
  randomMatrix,
  randomOrthonormalColumns,
  reconstructionError,
  toMl,
  transpose,
} from './svd-helpers.js';

const SHAPES: Array<[number, number]> = [
  [1, 1],
  [1, 6],
  [6, 1],
  [5, 5],
  [20, 7],
  [7, 20],
  [33, 33],
  [64, 9],
];

/** Checks every structural promise of the result and returns it with non-null vectors. */
function checkedSvd(A: Float64Array, m: number, n: number) {
  const { U, S, V, info } = svd(A, m, n);
  const p = Math.min(m, n);
  expect(info).toBe(0);
  expect(S.length).toBe(p);
  expect(U).not.toBeNull();
  expect(V).not.toBeNull();
  expect(U!.length).toBe(m * p);
  expect(V!.length).toBe(n * p);
  for (let k = 0; k < p; k++) {
    expect(S[k]).toBeGreaterThanOrEqual(0);
    if (k > 0) expect(S[k]).toBeLessThanOrEqual(S[k - 1]!);
  }
  return { U: U!, S, V: V! };
}

describe('svd', () => {
  it.each(SHAPES)('reconstructs a random %i×%i matrix to 10·max(m,n)·ε·‖A‖ with orthonormal U and V', (m, n) => {
    const A = randomMatrix(m, n, 11 * m + n);
    const { U, S, V } = checkedSvd(A, m, n);
    const tol = 10 * Math.max(m, n) * EPS;
    expect(reconstructionError(A, m, n, U, S, V)).toBeLessThanOrEqual(tol * frob(A));
    expect(orthonormalityError(U, m, Math.min(m, n))).toBeLessThanOrEqual(tol);
    expect(orthonormalityError(V, n, Math.min(m, n))).toBeLessThanOrEqual(tol);
  });

  it('holds the reconstruction and orthonormality bounds for arbitrary shapes and entries (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: -30, max: 30 }),
        (m, n, seed, exp) => {
          const A = randomMatrix(m, n, seed).map((x) => x * 2 ** exp);
          const { U, S, V, info } = svd(A, m, n);
          const tol = 10 * Math.max(m, n) * EPS;
          return (
            info === 0 &&
            reconstructionError(A, m, n, U!, S, V!) <= tol * frob(A) &&
            orthonormalityError(U!, m, Math.min(m, n)) <= tol &&
            orthonormalityError(V!, n, Math.min(m, n)) <= tol
          );
        },
      ),
      { numRuns: 200, seed: 20240611 },
    );
  });

  it.each(SHAPES)('agrees with ml-matrix SingularValueDecomposition on a random %i×%i matrix', (m, n) => {
    const A = randomMatrix(m, n, 7 * m + 3 * n);
    const { S } = svd(A, m, n, { vectors: false });
    const ref = new SingularValueDecomposition(toMl(A, m, n), { autoTranspose: true }).diagonal;
    const tol = 10 * Math.max(m, n) * EPS * ref[0]!;
    for (let k = 0; k < S.length; k++) expect(Math.abs(S[k]! - ref[k]!)).toBeLessThanOrEqual(tol);
  });

  it('agrees with √eig(AᵀA) and with the constructed singular values of a well-conditioned matrix', () => {
    const m = 30;
    const n = 12;
    const s = Array.from({ length: n }, (_, k) => 3 - (2 * k) / (n - 1)); // 3 … 1, cond 3
    const A = fromSvd(randomOrthonormalColumns(m, n, 1), s, randomOrthonormalColumns(n, n, 2), m, n);
    const { S } = svd(A, m, n, { vectors: false });
    const AtA = toMl(A, m, n).transpose().mmul(toMl(A, m, n));
    const eig = new EigenvalueDecomposition(AtA, { assumeSymmetric: true }).realEigenvalues;
    const fromEig = eig.map((x) => Math.sqrt(x)).sort((a, b) => b - a);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(S[k]! - fromEig[k]!) / s[k]!).toBeLessThanOrEqual(100 * EPS);
      expect(Math.abs(S[k]! - s[k]!) / s[k]!).toBeLessThanOrEqual(100 * EPS);
    }
  });

  it('gives the same singular values for A and Aᵀ, with U and V trading places', () => {
    const m = 9;
    const n = 4;
    const A = randomMatrix(m, n, 5);
    const a = checkedSvd(A, m, n);
    const b = checkedSvd(transpose(A, m, n), n, m);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(a.S[k]! - b.S[k]!)).toBeLessThanOrEqual(20 * EPS * a.S[0]!);
      // Simple singular values: the vectors agree up to one joint sign per pair.
      let dotU = 0;
      let dotV = 0;
      for (let i = 0; i < m; i++) dotU += a.U[i + k * m]! * b.V[i + k * m]!;
      for (let i = 0; i < n; i++) dotV += a.V[i + k * n]! * b.U[i + k * n]!;
      expect(Math.abs(Math.abs(dotU) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(dotU - dotV)).toBeLessThan(1e-12);
    }
  });

  describe('graded matrices (relative accuracy of small singular values)', () => {
    const n = 12;
    const graded = Array.from({ length: n }, (_, k) => 10 ** (-12 * (k / (n - 1)))); // 1 … 1e-12

    it('recovers singular values 1 … 1e-12 of a column-graded Q·diag(s) to relative accuracy', () => {
      const m = 20;
      const Q = randomOrthonormalColumns(m, n, 3);
      const perm = [5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7]; // unsorted, so pivoting has work to do
      const A = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) A[i * n + j] = Q[i * n + j]! * graded[perm[j]!]!;
      const { S } = svd(A, m, n, { vectors: false });
      for (let k = 0; k < n; k++) expect(Math.abs(S[k]! - graded[k]!) / graded[k]!).toBeLessThanOrEqual(50 * EPS);
    });

    it('recovers singular values 1 … 1e-12 of a square row-graded diag(s)·Q to relative accuracy', () => {
      // A Aᵀ = diag(s²). Square, so the rows stay rows inside svd (a wide matrix would be transposed into a
      // column-graded one). Without the row sorting before the QR this loses a digit here (measured: 6e-14).
      const Q = randomOrthonormalColumns(n, n, 4);
      const perm = [3, 9, 0, 6, 11, 1, 7, 4, 10, 2, 8, 5];
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = graded[perm[i]!]! * Q[i * n + j]!;
      const { S } = svd(A, n, n, { vectors: false });
      for (let k = 0; k < n; k++) expect(Math.abs(S[k]! - graded[k]!) / graded[k]!).toBeLessThanOrEqual(50 * EPS);
    });

    it('keeps the product of the singular values of D₁·B·D₂ equal to |det| to relative accuracy', () => {
      // ∏σ = |det B|·∏|D₁|·∏|D₂| with det B from ml-matrix's LU of a well-conditioned B: an error of relative size δ in
      // any small singular value shows up as δ here. σ spans about 1e-24 … 1.
      const B = randomMatrix(n, n, 8).map((x, k) => x + (k % (n + 1) === 0 ? 2 : 0)); // diagonally dominant
      const d1 = graded.map((_, k) => graded[(5 * k) % n]!);
      const d2 = graded.map((_, k) => graded[(7 * k + 3) % n]!);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = d1[i]! * B[i * n + j]! * d2[j]!;
      const { S } = svd(A, n, n, { vectors: false });
      expect(S[n - 1]!).toBeLessThan(1e-20);
      const logDet =
        Math.log(Math.abs(new LuDecomposition(toMl(B, n, n)).determinant)) +
        d1.reduce((a, x) => a + Math.log(x), 0) +
        d2.reduce((a, x) => a + Math.log(x), 0);
      const logProd = Array.from(S).reduce((a, x) => a + Math.log(x), 0);
      expect(Math.abs(logProd - logDet)).toBeLessThanOrEqual(1e-13);
    });
  });

  describe('degenerate and special inputs', () => {
    it.each([
      [4, 3],
      [3, 4],
      [1, 1],
      [5, 5],
    ])('returns zero singular values and orthonormal U, V for the %i×%i zero matrix', (m, n) => {
      const A = new Float64Array(m * n);
      const { U, S, V } = checkedSvd(A, m, n);
      expect(Array.from(S)).toEqual(new Array(Math.min(m, n)).fill(0));
      expect(orthonormalityError(U, m, Math.min(m, n))).toBeLessThanOrEqual(4 * EPS);
      expect(orthonormalityError(V, n, Math.min(m, n))).toBeLessThanOrEqual(4 * EPS);
    });

    it.each([
      [8, 5, 2],
      [5, 8, 2],
      [10, 10, 1],
      [10, 10, 7],
    ])('completes U and V to orthonormal sets for a %i×%i matrix of rank %i', (m, n, rank) => {
      const s = Array.from({ length: rank }, (_, k) => 2 + k);
      const A = fromSvd(randomOrthonormalColumns(m, rank, m), s, randomOrthonormalColumns(n, rank, n + 50), m, n);
      const { U, S, V } = checkedSvd(A, m, n);
      const p = Math.min(m, n);
      const tol = 10 * Math.max(m, n) * EPS;
      const sorted = [...s].sort((a, b) => b - a);
      for (let k = 0; k < rank; k++) expect(Math.abs(S[k]! - sorted[k]!)).toBeLessThanOrEqual(tol * sorted[0]!);
      for (let k = rank; k < p; k++) expect(S[k]!).toBeLessThanOrEqual(tol * sorted[0]!);
      expect(reconstructionError(A, m, n, U, S, V)).toBeLessThanOrEqual(tol * frob(A));
      expect(orthonormalityError(U, m, p)).toBeLessThanOrEqual(tol);
      expect(orthonormalityError(V, n, p)).toBeLessThanOrEqual(tol);
    });

    it('handles exactly repeated rows, columns and a zero column', () => {
      const A = new Float64Array([1, 2, 0, 1, 1, 2, 0, 1, 3, 6, 0, 3, 0.5, 1, 0, 0.5]); // 4×4, rank 1
      const { U, S, V } = checkedSvd(A, 4, 4);
      expect(S[0]).toBeCloseTo(Math.sqrt(6 * 11.25), 13);
      for (let k = 1; k < 4; k++) expect(S[k]!).toBeLessThanOrEqual(40 * EPS * S[0]!);
      expect(reconstructionError(A, 4, 4, U, S, V)).toBeLessThanOrEqual(40 * EPS * frob(A));
      expect(orthonormalityError(U, 4, 4)).toBeLessThanOrEqual(40 * EPS);
      expect(orthonormalityError(V, 4, 4)).toBeLessThanOrEqual(40 * EPS);
    });

    it('resolves repeated singular values (2, 2, 2, 1, 1) with orthonormal singular subspaces', () => {
      const m = 9;
      const n = 5;
      const s = [2, 2, 2, 1, 1];
      const A = fromSvd(randomOrthonormalColumns(m, n, 21), s, randomOrthonormalColumns(n, n, 22), m, n);
      const { U, S, V } = checkedSvd(A, m, n);
      const tol = 10 * m * EPS;
      for (let k = 0; k < n; k++) expect(Math.abs(S[k]! - s[k]!)).toBeLessThanOrEqual(tol * 2);
      expect(reconstructionError(A, m, n, U, S, V)).toBeLessThanOrEqual(tol * frob(A));
      expect(orthonormalityError(U, m, n)).toBeLessThanOrEqual(tol);
      expect(orthonormalityError(V, n, n)).toBeLessThanOrEqual(tol);
    });

    it('gives all singular values 1 and U·Vᵀ = Q for an orthogonal input Q', () => {
      const n = 16;
      const Q = randomOrthonormalColumns(n, n, 31);
      const { U, S, V } = checkedSvd(Q, n, n);
      for (let k = 0; k < n; k++) expect(Math.abs(S[k]! - 1)).toBeLessThanOrEqual(10 * n * EPS);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let x = 0;
          for (let k = 0; k < n; k++) x += U[i + k * n]! * V[j + k * n]!;
          worst = Math.max(worst, Math.abs(x - Q[i * n + j]!));
        }
      }
      expect(worst).toBeLessThanOrEqual(10 * n * EPS);
    });

    it('handles a 1×n and an n×1 vector exactly: σ = ‖x‖, the vector side is x/‖x‖', () => {
      const x = new Float64Array([3, -4, 0, 12]);
      for (const [m, n] of [
        [1, 4],
        [4, 1],
      ] as const) {
        const { U, S, V } = checkedSvd(x, m, n);
        expect(S[0]).toBeCloseTo(13, 14);
        const vec = m === 1 ? V : U;
        const scalar = m === 1 ? U : V;
        expect(Math.abs(scalar[0]!)).toBe(1);
        for (let i = 0; i < 4; i++) expect(vec[i]! * scalar[0]!).toBeCloseTo(x[i]! / 13, 15);
      }
    });

    it('handles entries near the overflow and underflow thresholds (exact power-of-two scaling)', () => {
      for (const exp of [996, -996, -1040, -1070]) {
        // Scaling by 2^exp and back is exact even for subnormals, so the unscaled copy is an exact reference.
        const A = randomMatrix(6, 4, 9).map((x) => x * 2 ** exp);
        const back = A.map((x) => x * 2 ** -(exp / 2) * 2 ** -(exp / 2));
        const { U, S, V } = checkedSvd(A, 6, 4);
        const ref = svd(back, 6, 4, { vectors: false }).S;
        for (let k = 0; k < 4; k++) {
          const sk = S[k]! * 2 ** -(exp / 2) * 2 ** -(exp / 2);
          // Subnormal singular values can only be as fine as the 2^-1074 grid (one grid unit allowed).
          expect(Math.abs(sk - ref[k]!)).toBeLessThanOrEqual(20 * EPS * ref[0]! + 2 ** (-1074 - exp));
        }
        expect(orthonormalityError(U, 6, 4)).toBeLessThanOrEqual(100 * EPS);
        expect(orthonormalityError(V, 4, 4)).toBeLessThanOrEqual(100 * EPS);
      }
    });

    it('returns empty factors for an empty matrix', () => {
      const r = svd(new Float64Array(0), 0, 3);
      expect(r.S.length).toBe(0);
      expect(r.U!.length).toBe(0);
      expect(r.V!.length).toBe(0);
      expect(r.info).toBe(0);
    });
  });

  describe('conventions and contract', () => {
    it('puts the largest-magnitude entry of every column of V positive, and U follows (A = U S Vᵀ intact)', () => {
      for (const [m, n] of SHAPES) {
        const A = randomMatrix(m, n, 3 * m + 5 * n);
        const { U, S, V } = checkedSvd(A, m, n);
        for (let k = 0; k < Math.min(m, n); k++) expect(pivotIsPositive(V, k * n, n)).toBe(true);
        expect(reconstructionError(A, m, n, U, S, V)).toBeLessThanOrEqual(10 * Math.max(m, n) * EPS * frob(A));
      }
    });

    it('makes the output deterministic under A → −A: V is unchanged and U changes sign', () => {
      const m = 7;
      const n = 5;
      const A = randomMatrix(m, n, 77);
      const a = checkedSvd(A, m, n);
      const b = checkedSvd(A.map((x) => -x), m, n);
      for (let i = 0; i < n * n; i++) expect(Math.abs(a.V[i]! - b.V[i]!)).toBeLessThan(1e-13);
      for (let i = 0; i < m * n; i++) expect(Math.abs(a.U[i]! + b.U[i]!)).toBeLessThan(1e-13);
    });

    it('returns the same singular values bit for bit without vectors, and null U, V', () => {
      const A = randomMatrix(12, 8, 4);
      const withVectors = svd(A, 12, 8);
      const valuesOnly = svd(A, 12, 8, { vectors: false });
      expect(valuesOnly.U).toBeNull();
      expect(valuesOnly.V).toBeNull();
      expect(Array.from(valuesOnly.S)).toEqual(Array.from(withVectors.S));
    });

    it('never modifies A', () => {
      const A = randomMatrix(6, 9, 1);
      const copy = A.slice();
      svd(A, 6, 9);
      svd(transpose(A, 6, 9), 9, 6);
      expect(Array.from(A)).toEqual(Array.from(copy));
    });

    it('reports non-convergence through info > 0 when the sweep budget is too small', () => {
      const { info } = svd(randomMatrix(20, 20, 3), 20, 20, { maxSweeps: 2 });
      expect(info).toBeGreaterThan(0);
      expect(svd(randomMatrix(20, 20, 3), 20, 20).info).toBe(0);
    });

    it('reports NaN or infinite input through info = −1 with NaN outputs', () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const A = randomMatrix(4, 3, 2);
        A[5] = bad;
        const { S, U, info } = svd(A, 4, 3);
        expect(info).toBe(-1);
        expect(S.every((x) => Number.isNaN(x))).toBe(true);
        expect(U!.every((x) => Number.isNaN(x))).toBe(true);
      }
    });

    it('converges on a large random matrix within the default sweep budget', () => {
      const r = lcg(99);
      const A = Float64Array.from({ length: 120 * 80 }, () => r());
      const { U, S, V, info } = svd(A, 120, 80);
      expect(info).toBe(0);
      const tol = 10 * 120 * EPS;
      expect(reconstructionError(A, 120, 80, U!, S, V!)).toBeLessThanOrEqual(tol * frob(A));
      expect(orthonormalityError(U!, 120, 80)).toBeLessThanOrEqual(tol);
      expect(orthonormalityError(V!, 80, 80)).toBeLessThanOrEqual(tol);
      // Cross-check the spectrum's extremes with ml-matrix.
      const ref = new SingularValueDecomposition(toMl(A, 120, 80));
      expect(Math.abs(S[0]! - ref.diagonal[0]!)).toBeLessThanOrEqual(tol * S[0]!);
      expect(Math.abs(S[79]! - ref.diagonal[79]!)).toBeLessThanOrEqual(tol * S[0]!);
    });
  });
});
