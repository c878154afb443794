import { LuDecomposition, Matrix, solve as mlSolve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { luFactor, luRcond, luSolve } from '../src/lu.js';
import { EPS, gaussJordanInverse, randomMatrix, rng, transpose } from './eig-helpers.js';

/** max_ij |(op(A) X − B)_ij| for row-major A (complex split), X and B n×m row-major; op = N, T or C. */
function residual(
  Ar: Float64Array,
  Ai: Float64Array | null,
  n: number,
  Xr: Float64Array,
  Xi: Float64Array | null,
  Br: Float64Array,
  Bi: Float64Array | null,
  m: number,
  op: 'N' | 'T' | 'C',
): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const idx = op === 'N' ? i * n + j : j * n + i;
        const ar = Ar[idx]!;
        const ai = (Ai === null ? 0 : Ai[idx]!) * (op === 'C' ? -1 : 1);
        const xr = Xr[j * m + k]!;
        const xi = Xi === null ? 0 : Xi[j * m + k]!;
        sr += ar * xr - ai * xi;
        si += ar * xi + ai * xr;
      }
      worst = Math.max(worst, Math.hypot(sr - Br[i * m + k]!, si - (Bi === null ? 0 : Bi[i * m + k]!)));
    }
  }
  return worst;
}

function maxAbs(x: Float64Array | null): number {
  let m = 0;
  if (x !== null) for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

describe('luFactor / luSolve', () => {
  it.each([1, 2, 5, 17, 64])('solves a random real system of order %i with several right-hand sides, A and Aᵀ', (n) => {
    const A = randomMatrix(n, 10 + n);
    const m = 3;
    const B = Float64Array.from({ length: n * m }, rng(20 + n));
    const f = luFactor(A, null, n);
    expect(f.info).toBe(0);
    for (const op of ['N', 'T', 'C'] as const) {
      const X = luSolve(f, B, null, m, { trans: op });
      expect(X.im).toBeNull();
      // Backward-error scale: n·ε·‖A‖·‖X‖ (entrywise max norms times n).
      const bound = 50 * n * EPS * n * maxAbs(A) * maxAbs(X.re) * f.growth + 10 * EPS * maxAbs(B);
      expect(residual(A, null, n, X.re, null, B, null, m, op)).toBeLessThan(bound);
    }
  });

  it.each([1, 3, 12, 40])('solves a random complex system of order %i for A, Aᵀ and Aᴴ', (n) => {
    const r = rng(300 + n);
    const Ar = Float64Array.from({ length: n * n }, r);
    const Ai = Float64Array.from({ length: n * n }, r);
    const m = 2;
    const Br = Float64Array.from({ length: n * m }, r);
    const Bi = Float64Array.from({ length: n * m }, r);
    const f = luFactor(Ar, Ai, n);
    for (const op of ['N', 'T', 'C'] as const) {
      const X = luSolve(f, Br, Bi, m, { trans: op });
      const xmax = Math.max(maxAbs(X.re), maxAbs(X.im));
      const bound = 100 * n * EPS * n * Math.max(maxAbs(Ar), maxAbs(Ai)) * xmax * f.growth + 10 * EPS;
      expect(residual(Ar, Ai, n, X.re, X.im, Br, Bi, m, op)).toBeLessThan(bound);
    }
  });

  it('solves real factors against a complex right-hand side, and complex factors against a real one', () => {
    const n = 9;
    const A = randomMatrix(n, 1);
    const r = rng(2);
    const Br = Float64Array.from({ length: n }, r);
    const Bi = Float64Array.from({ length: n }, r);
    const X = luSolve(luFactor(A, null, n), Br, Bi, 1);
    expect(residual(A, null, n, X.re, X.im, Br, Bi, 1, 'N')).toBeLessThan(1e-12);
    const Ai = randomMatrix(n, 3);
    const Y = luSolve(luFactor(A, Ai, n), Br, null, 1, { trans: 'C' });
    expect(residual(A, Ai, n, Y.re, Y.im, Br, null, 1, 'C')).toBeLessThan(1e-12);
  });

  it('agrees with ml-matrix on real systems', () => {
    const n = 20;
    const A = randomMatrix(n, 55);
    const B = randomMatrix(n, 56); // n right-hand sides
    const X = luSolve(luFactor(A, null, n), B, null, n);
    const toM = (x: Float64Array): Matrix => new Matrix(Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * n, (i + 1) * n))));
    const ref = mlSolve(toM(A), toM(B));
    let d = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d = Math.max(d, Math.abs(X.re[i * n + j]! - ref.get(i, j)));
    expect(d).toBeLessThan(1e-10);
    // Same pivots and U as ml-matrix's LU (both use partial pivoting on the largest modulus).
    const mlU = new LuDecomposition(toM(A)).upperTriangularMatrix;
    const f = luFactor(A, null, n);
    let du = 0;
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) du = Math.max(du, Math.abs(f.re[i * n + j]! - mlU.get(i, j)));
    expect(du).toBeLessThan(1e-12);
  });

  it('reads column-major input and writes column-major solutions when asked', () => {
    const n = 6;
    const A = randomMatrix(n, 7);
    const B = randomMatrix(n, 8);
    const rowMajor = luSolve(luFactor(A, null, n), B, null, n);
    const colMajor = luSolve(luFactor(transpose(A, n), null, n, { colMajor: true }), transpose(B, n), null, n, { colMajor: true });
    const back = transpose(colMajor.re, n);
    for (let k = 0; k < n * n; k++) expect(back[k]).toBeCloseTo(rowMajor.re[k]!, 13);
  });

  it('pivots: solves [[0, 1], [1, 0]] x = b exactly', () => {
    const f = luFactor(new Float64Array([0, 1, 1, 0]), null, 2);
    expect(Array.from(f.piv)).toEqual([1, 1]);
    expect(Array.from(luSolve(f, new Float64Array([3, 4]), null, 1).re)).toEqual([4, 3]);
  });

  it('reports an exactly singular matrix in info and refuses to solve', () => {
    const A = new Float64Array([1, 2, 3, 2, 4, 6, 1, 0, 1]); // row 2 = 2·row 1
    const f = luFactor(A, null, 3);
    expect(f.info).toBeGreaterThan(0);
    expect(() => luSolve(f, new Float64Array(3), null, 1)).toThrow(RangeError);
    expect(luRcond(f)).toBe(0);
    const z = luFactor(new Float64Array(4), new Float64Array(4), 2);
    expect(z.info).toBe(1);
  });

  it('estimates the reciprocal 1-norm condition number within a factor 3 of the truth', () => {
    for (const [n, seed, complex] of [[8, 1, false], [25, 2, false], [15, 3, true]] as const) {
      const r = rng(seed);
      // Ill-condition the matrix on purpose: scale columns over six orders of magnitude.
      const Ar = Float64Array.from({ length: n * n }, (_, k) => r() * 10 ** (-6 * ((k % n) / (n - 1))));
      const Ai = complex ? Float64Array.from({ length: n * n }, (_, k) => r() * 10 ** (-6 * ((k % n) / (n - 1)))) : null;
      const f = luFactor(Ar, Ai, n);
      // Exact ‖A⁻¹‖₁ from the n solves against the identity.
      const eye = new Float64Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      const inv = luSolve(f, eye, null, n);
      let invNorm = 0;
      let aNorm = 0;
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let i = 0; i < n; i++) {
          s += Math.hypot(inv.re[i * n + j]!, inv.im === null ? 0 : inv.im[i * n + j]!);
          t += Math.hypot(Ar[i * n + j]!, Ai === null ? 0 : Ai[i * n + j]!);
        }
        invNorm = Math.max(invNorm, s);
        aNorm = Math.max(aNorm, t);
      }
      const truth = 1 / (aNorm * invNorm);
      const est = luRcond(f);
      expect(est).toBeGreaterThanOrEqual(truth * (1 - 1e-10));
      expect(est).toBeLessThanOrEqual(3 * truth);
    }
    // Diagonal: exact.
    expect(luRcond(luFactor(new Float64Array([1, 0, 0, 1e-6]), null, 2))).toBeCloseTo(1e-6, 18);
  });

  it('the solve agrees with an independent Gauss–Jordan inverse', () => {
    const n = 11;
    const A = randomMatrix(n, 91);
    const inv = gaussJordanInverse(A, n);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const X = luSolve(luFactor(A, null, n), eye, null, n);
    for (let k = 0; k < n * n; k++) expect(Math.abs(X.re[k]! - inv[k]!)).toBeLessThan(1e-11);
  });

  it('keeps the pivot growth small on random matrices and reports it', () => {
    const f = luFactor(randomMatrix(50, 4), null, 50);
    expect(f.growth).toBeGreaterThanOrEqual(1);
    expect(f.growth).toBeLessThan(50);
    // Wilkinson's worst case: growth 2^(n−1).
    const n = 10;
    const W = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      W[i * n + i] = 1;
      W[i * n + n - 1] = 1;
      for (let j = 0; j < i; j++) W[i * n + j] = -1;
    }
    expect(luFactor(W, null, n).growth).toBe(2 ** (n - 1));
  });

  it('reproduces the TSDoc examples', () => {
    const f = luFactor(new Float64Array([0, 2, 1, 1]), null, 2);
    expect(f.info).toBe(0);
    expect(Array.from(luSolve(f, new Float64Array([2, 2]), null, 1).re)).toEqual([1, 1]);
    const g = luFactor(new Float64Array([2, 1, 0, 1]), null, 2);
    expect(Array.from(luSolve(g, new Float64Array([2, 3]), null, 1, { trans: 'T' }).re)).toEqual([1, 2]);
  });

  it('handles n = 0 and rejects malformed arguments', () => {
    const f = luFactor(new Float64Array(0), null, 0);
    expect(f.info).toBe(0);
    expect(luSolve(f, new Float64Array(0), null, 0).re.length).toBe(0);
    expect(() => luFactor(new Float64Array(3), null, 2)).toThrow(RangeError);
    expect(() => luSolve(luFactor(new Float64Array([1]), null, 1), new Float64Array(1), null, 2)).toThrow(RangeError);
  });
});
