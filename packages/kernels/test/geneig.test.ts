import { EigenvalueDecomposition, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { generalizedSymEig } from '../src/geneig.js';
import { symEig } from '../src/symeig.js';
import {
  EPS,
  frob,
  fromSvd,
  matmul,
  pivotIsPositive,
  randomMatrix,
  randomOrthonormalColumns,
  toMl,
} from './svd-helpers.js';

/** Random symmetric n×n matrix (A0 + A0ᵀ). */
function symmetric(n: number, seed: number): Float64Array {
  const A0 = randomMatrix(n, n, seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = A0[i * n + j]! + A0[j * n + i]!;
  return A;
}

/** Random SPD matrix Q diag(λ) Qᵀ, λ geometric over [1/cond, 1], exactly symmetric. */
function spd(n: number, cond: number, seed: number): Float64Array {
  const Q = randomOrthonormalColumns(n, n, seed);
  const lambda = Array.from({ length: n }, (_, k) => cond ** (-k / Math.max(1, n - 1)));
  const B = fromSvd(Q, lambda, Q, n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) B[j * n + i] = B[i * n + j]!;
  return B;
}

/** maxⱼ ‖Avⱼ − λⱼBvⱼ‖ / ((‖A‖_F + |λⱼ|‖B‖_F)‖vⱼ‖), V column-major. */
function normalizedResidual(A: Float64Array, B: Float64Array, n: number, values: Float64Array, V: Float64Array): number {
  const nA = frob(A);
  const nB = frob(B);
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let r2 = 0;
    let v2 = 0;
    for (let i = 0; i < n; i++) {
      let av = 0;
      let bv = 0;
      for (let k = 0; k < n; k++) {
        av += A[i * n + k]! * V[k + j * n]!;
        bv += B[i * n + k]! * V[k + j * n]!;
      }
      r2 += (av - values[j]! * bv) ** 2;
      v2 += V[i + j * n]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r2) / ((nA + Math.abs(values[j]!) * nB) * Math.sqrt(v2)));
  }
  return worst;
}

/** max |VᵀBV − I|, V column-major. */
function bOrthonormalityError(B: Float64Array, n: number, V: Float64Array): number {
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let x = 0;
      for (let i = 0; i < n; i++) {
        let bv = 0;
        for (let k = 0; k < n; k++) bv += B[i * n + k]! * V[k + b * n]!;
        x += V[i + a * n]! * bv;
      }
      worst = Math.max(worst, Math.abs(x - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('generalizedSymEig', () => {
  it('solves a diagonal pencil exactly: A = diag(2, 12), B = diag(1, 4) → λ = (2, 3), V = diag(1, ½)', () => {
    const { values, vectors, info, choleskyInfo } = generalizedSymEig(
      new Float64Array([2, 0, 0, 12]),
      new Float64Array([1, 0, 0, 4]),
      2,
    );
    expect(info).toBe(0);
    expect(choleskyInfo).toBe(0);
    expect(Array.from(values)).toEqual([2, 3]);
    expect(Array.from(vectors!)).toEqual([1, 0, 0, 0.5]);
  });

  it.each([1, 2, 10, 30])(
    'satisfies A V = B V Λ to 10·n·ε and VᵀBV = I to 10·n·ε·κ(B) for a random %i×%i pencil (κ(B) = 1e3)',
    (n) => {
      const A = symmetric(n, n);
      const B = spd(n, 1e3, n + 100);
      const { values, vectors, info, choleskyInfo } = generalizedSymEig(A, B, n);
      expect(info).toBe(0);
      expect(choleskyInfo).toBe(0);
      for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      expect(normalizedResidual(A, B, n, values, vectors!)).toBeLessThanOrEqual(10 * n * EPS);
      expect(bOrthonormalityError(B, n, vectors!)).toBeLessThanOrEqual(10 * n * EPS * 1e3);
    },
  );

  it('agrees with the eigenvalues of B⁻¹A from ml-matrix’s nonsymmetric eigensolver', () => {
    const n = 12;
    const A = symmetric(n, 1);
    const B = spd(n, 100, 2);
    const { values } = generalizedSymEig(A, B, n, { vectors: false });
    const BinvA = solve(toMl(B, n, n), toMl(A, n, n));
    const evd = new EigenvalueDecomposition(BinvA);
    const ref = [...evd.realEigenvalues].sort((a, b) => a - b);
    for (const im of evd.imaginaryEigenvalues) expect(Math.abs(im)).toBeLessThan(1e-10);
    const scale = Math.max(...ref.map(Math.abs));
    for (let k = 0; k < n; k++) expect(Math.abs(values[k]! - ref[k]!)).toBeLessThanOrEqual(1e-12 * scale);
  });

  it('agrees with symEig (values and convention-fixed vectors) when B = I', () => {
    const n = 15;
    const A = symmetric(n, 8);
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    const g = generalizedSymEig(A, I, n);
    const s = symEig(A, n);
    for (let k = 0; k < n; k++) expect(Math.abs(g.values[k]! - s.values[k]!)).toBeLessThanOrEqual(4 * EPS * frob(A));
    for (let k = 0; k < n * n; k++) expect(Math.abs(g.vectors![k]! - s.vectors![k]!)).toBeLessThanOrEqual(1e-13);
    // And with ml-matrix's symmetric eigenvalues, an independent route.
    const ref = new EigenvalueDecomposition(toMl(A, n, n), { assumeSymmetric: true }).realEigenvalues;
    for (let k = 0; k < n; k++) expect(Math.abs(g.values[k]! - ref[k]!)).toBeLessThanOrEqual(20 * EPS * frob(A));
  });

  it('keeps a small residual for an ill-conditioned B (κ(B) = 1e8), with VᵀBV = I to n·ε·κ(B)', () => {
    // First-order bounds: the Cholesky backward error δB ≈ n·ε·|L||Lᵀ| enters as VᵀδBV ~ n·ε·κ(B) (measured 2.3e-10).
    const n = 20;
    const A = symmetric(n, 3);
    const B = spd(n, 1e8, 5);
    const { values, vectors, info } = generalizedSymEig(A, B, n);
    expect(info).toBe(0);
    expect(normalizedResidual(A, B, n, values, vectors!)).toBeLessThanOrEqual(10 * n * EPS);
    expect(bOrthonormalityError(B, n, vectors!)).toBeLessThanOrEqual(n * EPS * 1e8);
    // Eigenvalues against ml-matrix's spectrum of B⁻¹A, an independent route whose own error is ~ε·κ(B)·max|λ|.
    const BinvA = solve(toMl(B, n, n), toMl(A, n, n));
    const ref = [...new EigenvalueDecomposition(BinvA).realEigenvalues].sort((a, b) => a - b);
    const scale = Math.max(...ref.map(Math.abs));
    for (let k = 0; k < n; k++) expect(Math.abs(values[k]! - ref[k]!)).toBeLessThanOrEqual(n * EPS * 1e8 * scale);
  });

  it('resolves a repeated generalized eigenvalue with a B-orthonormal basis of its eigenspace', () => {
    // A = B^{1/2} Q Λ Qᵀ B^{1/2}  ⇒  B^{-1/2} A B^{-1/2} = Q Λ Qᵀ, so the pencil's eigenvalues are exactly Λ.
    const n = 8;
    const Qb = randomOrthonormalColumns(n, n, 12);
    const mu = [4, 2, 1, 0.5, 3, 2.5, 1.5, 0.8];
    const B = fromSvd(Qb, mu, Qb, n, n);
    const Bhalf = fromSvd(Qb, mu.map(Math.sqrt), Qb, n, n);
    const lambda = [-1, 2, 2, 2, 5, 5, 7, 9];
    const Q = randomOrthonormalColumns(n, n, 13);
    const A = matmul(matmul(Bhalf, fromSvd(Q, lambda, Q, n, n), n, n, n), Bhalf, n, n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) B[j * n + i] = B[i * n + j]!;
    const { values, vectors } = generalizedSymEig(A, B, n);
    for (let k = 0; k < n; k++) expect(Math.abs(values[k]! - lambda[k]!)).toBeLessThanOrEqual(10 * n * EPS * 9 * 8);
    expect(normalizedResidual(A, B, n, values, vectors!)).toBeLessThanOrEqual(10 * n * EPS);
    expect(bOrthonormalityError(B, n, vectors!)).toBeLessThanOrEqual(10 * n * EPS * 8);
  });

  it('puts the largest-magnitude entry of every eigenvector positive', () => {
    const n = 10;
    const { vectors } = generalizedSymEig(symmetric(n, 4), spd(n, 50, 6), n);
    for (let j = 0; j < n; j++) expect(pivotIsPositive(vectors!, j * n, n)).toBe(true);
  });

  it('returns the same values without vectors, and null vectors', () => {
    const n = 9;
    const A = symmetric(n, 5);
    const B = spd(n, 10, 7);
    const full = generalizedSymEig(A, B, n);
    const valuesOnly = generalizedSymEig(A, B, n, { vectors: false });
    expect(valuesOnly.vectors).toBeNull();
    for (let k = 0; k < n; k++) expect(Math.abs(valuesOnly.values[k]! - full.values[k]!)).toBeLessThanOrEqual(1e-14);
  });

  it('reads only the lower triangles of A and B and never modifies them', () => {
    const n = 7;
    const A = symmetric(n, 9);
    const B = spd(n, 10, 10);
    const ref = generalizedSymEig(A, B, n);
    const Ag = A.slice();
    const Bg = B.slice();
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        Ag[i * n + j] = NaN;
        Bg[i * n + j] = -1e9;
      }
    }
    const copyA = Ag.slice();
    const copyB = Bg.slice();
    const got = generalizedSymEig(Ag, Bg, n);
    expect(Array.from(got.values)).toEqual(Array.from(ref.values));
    expect(Array.from(got.vectors!)).toEqual(Array.from(ref.vectors!));
    expect(Array.from(Ag)).toEqual(Array.from(copyA)); // toEqual treats NaN as equal to NaN
    expect(Array.from(Bg)).toEqual(Array.from(copyB));
  });

  it('reports the first non-positive-definite leading minor of B in choleskyInfo, with NaN outputs', () => {
    const n = 4;
    const B = new Float64Array([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]); // singular at minor 3
    const r = generalizedSymEig(symmetric(n, 1), B, n);
    expect(r.choleskyInfo).toBe(3);
    expect(r.values.every(Number.isNaN)).toBe(true);
    expect(r.vectors!.every(Number.isNaN)).toBe(true);
    const indefinite = new Float64Array([1, 2, 2, 1]);
    expect(generalizedSymEig(new Float64Array([1, 0, 0, 1]), indefinite, 2).choleskyInfo).toBe(2);
  });

  it('handles n = 0', () => {
    const r = generalizedSymEig(new Float64Array(0), new Float64Array(0), 0);
    expect(r.values.length).toBe(0);
    expect(r.vectors!.length).toBe(0);
    expect(r.info).toBe(0);
    expect(r.choleskyInfo).toBe(0);
  });
});
