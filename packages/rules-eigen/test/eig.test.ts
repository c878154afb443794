/**
 * eig / eigvals values and vectors: residuals against the definition A V = V Λ, eigenvalues against ml-matrix and
 * against matrices built with a known spectrum, the output conventions (order, phase, complex128, conjugate pairs,
 * left vectors Wᴴ V = I), float32, batches, and input errors.
 */
import { describe, expect, it } from 'vitest';
import {
  AdError,
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  NonFiniteInputError,
  ShapeError,
  Tensor,
  abs,
  adjoint,
  grad,
  matmul,
  max,
  real,
  slice,
  square,
  stack,
  sum,
  tensor,
  toMatrix,
} from '@ad/core';
import { EigenvalueDecomposition } from 'ml-matrix';
import { eig, eigvals, rules } from '../src/index.js';
import { catchError } from './helpers.js';
import { pairs, randomMatrix, realWithSpectrum, residual } from './eig-helpers.js';

const EPS = 2 ** -52;

/** Sort [re, im] pairs by real part, then imaginary part. */
function sorted(ps: [number, number][]): [number, number][] {
  return [...ps].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function maxDist(a: [number, number][], b: [number, number][]): number {
  return Math.max(...a.map((p, k) => Math.hypot(p[0] - b[k]![0], p[1] - b[k]![1])));
}

describe('eig / eigvals: values and vectors', () => {
  it('returns complex128 eigenpairs of a real matrix with A V = V Λ to 100·n·ε, unit columns, and ml-matrix’s eigenvalues', () => {
    for (const n of [3, 8, 20]) {
      const A = randomMatrix(n, 100 + n);
      const { values, vectors } = eig(A);
      expect(values.dtype).toBe('complex128');
      expect(vectors.dtype).toBe('complex128');
      expect(vectors.shape).toEqual([n, n]);
      const r = residual(A, values, vectors);
      expect(r.rel).toBeLessThan(100 * n * EPS);
      expect(r.norm).toBeLessThan(10 * n * EPS);
      const ed = new EigenvalueDecomposition(toMatrix(A));
      const ref = sorted(ed.realEigenvalues.map((re, k) => [re, ed.imaginaryEigenvalues[k]!] as [number, number]));
      expect(maxDist(pairs(values), ref)).toBeLessThan(1e-12 * n);
      expect(maxDist(pairs(eigvals(A)), pairs(values))).toBeLessThan(1e-13 * n);
    }
  });

  it('finds a prescribed spectrum with complex-conjugate pairs, ordered by real part then imaginary part as (a − bi, a + bi)', () => {
    const A = realWithSpectrum([-2, [0.5, 1.5], 1, [3, 0.25]], 7);
    const expected: [number, number][] = [
      [-2, 0],
      [0.5, -1.5],
      [0.5, 1.5],
      [1, 0],
      [3, -0.25],
      [3, 0.25],
    ];
    const { values, vectors } = eig(A);
    expect(maxDist(pairs(values), expected)).toBeLessThan(1e-13);
    // the pair's real parts are bitwise equal and its eigenvectors exactly conjugate
    for (const [p, q] of [[1, 2], [4, 5]] as const) {
      expect(values.data[p]).toBe(values.data[q]);
      for (let i = 0; i < 6; i++) {
        expect(vectors.data[i * 6 + p]).toBe(vectors.data[i * 6 + q]);
        expect(vectors.im![i * 6 + p]! + vectors.im![i * 6 + q]!).toBe(0);
      }
    }
  });

  it('returns real eigenvalues with zero imaginary parts and real eigenvectors for a real matrix with a real spectrum', () => {
    const A = realWithSpectrum([-1, 0.5, 2, 4], 3);
    const { values, vectors } = eig(A);
    expect(Array.from(values.im!)).toEqual([0, 0, 0, 0]);
    expect(Array.from(vectors.im!).every((v) => v === 0)).toBe(true);
    expect(maxDist(pairs(values), [[-1, 0], [0.5, 0], [2, 0], [4, 0]])).toBeLessThan(1e-13);
  });

  it('decomposes a complex matrix: A V = V Λ, Σλ = tr A, and the values of A′s real 2n×2n embedding are λ ∪ conj(λ)', () => {
    const n = 6;
    const A = randomMatrix(n, 11, { complex: true });
    const { values, vectors } = eig(A);
    expect(residual(A, values, vectors).rel).toBeLessThan(100 * n * EPS);
    let tr = [0, 0];
    for (let i = 0; i < n; i++) tr = [tr[0]! + A.data[i * n + i]!, tr[1]! + A.im![i * n + i]!];
    const s = pairs(values).reduce((a, p) => [a[0]! + p[0], a[1]! + p[1]], [0, 0]);
    expect(Math.hypot(s[0]! - tr[0]!, s[1]! - tr[1]!)).toBeLessThan(1e-13 * n);
    // [[Re A, −Im A], [Im A, Re A]] has the eigenvalues λ and conj(λ)
    const m = 2 * n;
    const E = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        E[i * m + j] = A.data[i * n + j]!;
        E[(i + n) * m + j + n] = A.data[i * n + j]!;
        E[i * m + j + n] = -A.im![i * n + j]!;
        E[(i + n) * m + j] = A.im![i * n + j]!;
      }
    }
    const ed = new EigenvalueDecomposition(toMatrix(new Tensor([m, m], 'float64', E)));
    const ref = sorted(ed.realEigenvalues.map((re, k) => [re, ed.imaginaryEigenvalues[k]!] as [number, number]));
    const ours = sorted([...pairs(values), ...pairs(values).map(([r, i]) => [r, -i] as [number, number])]);
    expect(maxDist(ours, ref)).toBeLessThan(1e-12);
  });

  it('returns left eigenvectors W with Wᴴ V = I and Wᴴ A = Λ Wᴴ, for real and complex input', () => {
    for (const A of [randomMatrix(5, 21), randomMatrix(5, 22, { complex: true })]) {
      const { values, vectors, leftVectors } = eig(A, { left: true });
      expect(leftVectors).toBeDefined();
      const W = leftVectors!;
      const WhV = matmul(adjoint(W), vectors);
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          expect(Math.abs(WhV.data[i * 5 + j]! - (i === j ? 1 : 0))).toBeLessThan(1e-12);
          expect(Math.abs(WhV.im![i * 5 + j]!)).toBeLessThan(1e-12);
        }
      }
      // AᴴW = W conj(Λ) ⇔ Wᴴ A = Λ Wᴴ: the left-eigenvector residual
      const r = residual(adjoint(A), new Tensor([5], 'complex128', Float64Array.from(values.data), values.im!.map((v) => -v)), W);
      expect(r.rel).toBeLessThan(1e-12);
      expect(eig(A).leftVectors).toBeUndefined();
    }
  });

  it('applies the phase convention: the largest-modulus entry of each eigenvector is real and positive', () => {
    for (const A of [randomMatrix(6, 31), randomMatrix(6, 32, { complex: true })]) {
      const V = eig(A).vectors;
      for (let j = 0; j < 6; j++) {
        let best = -1;
        let bi = 0;
        for (let i = 0; i < 6; i++) {
          const m = Math.hypot(V.data[i * 6 + j]!, V.im![i * 6 + j]!);
          if (m > best * (1 + 1e-8)) {
            best = m;
            bi = i;
          }
        }
        expect(V.data[bi * 6 + j]!).toBeGreaterThan(0);
        expect(V.im![bi * 6 + j]!).toBe(0);
      }
    }
  });

  it('computes float32 input in float64 and returns complex128, equal to the float64 computation of the same matrix', () => {
    const A32 = randomMatrix(5, 41, { dtype: 'float32' });
    const A64 = new Tensor([5, 5], 'float64', Float64Array.from(A32.data));
    const y32 = eig(A32, { left: true });
    const y64 = eig(A64, { left: true });
    expect(y32.values.dtype).toBe('complex128');
    expect(y32.vectors.dtype).toBe('complex128');
    expect(Array.from(y32.values.data)).toEqual(Array.from(y64.values.data));
    expect(Array.from(y32.vectors.im!)).toEqual(Array.from(y64.vectors.im!));
    expect(Array.from(y32.leftVectors!.data)).toEqual(Array.from(y64.leftVectors!.data));
    expect(eigvals(A32).dtype).toBe('complex128');
  });

  it('treats a batch [..., n, n] exactly as the loop over its matrices (real and complex)', () => {
    for (const isComplex of [false, true]) {
      const mats = [0, 1, 2, 3, 4, 5].map((s) => randomMatrix(4, 50 + s, { complex: isComplex }));
      const flat = stack(mats);
      const batch = new Tensor([2, 3, 4, 4], flat.dtype, flat.data, flat.im);
      const y = eig(batch, { left: true });
      const vals = eigvals(batch);
      expect(y.values.shape).toEqual([2, 3, 4]);
      expect(y.vectors.shape).toEqual([2, 3, 4, 4]);
      expect(y.leftVectors!.shape).toEqual([2, 3, 4, 4]);
      mats.forEach((M, b) => {
        const one = eig(M, { left: true });
        expect(Array.from(y.values.im!.subarray(b * 4, b * 4 + 4))).toEqual(Array.from(one.values.im!));
        expect(Array.from(vals.data.subarray(b * 4, b * 4 + 4))).toEqual(Array.from(eigvals(M).data));
        expect(Array.from(y.vectors.data.subarray(b * 16, b * 16 + 16))).toEqual(Array.from(one.vectors.data));
        expect(Array.from(y.leftVectors!.im!.subarray(b * 16, b * 16 + 16))).toEqual(Array.from(one.leftVectors!.im!));
      });
    }
  });

  it('handles 1×1 and empty matrices', () => {
    const one = eig(tensor([[5]]), { left: true });
    expect(pairs(one.values)).toEqual([[5, 0]]);
    expect(pairs(one.vectors)).toEqual([[1, 0]]);
    expect(pairs(one.leftVectors!)).toEqual([[1, 0]]);
    const empty = eig(new Tensor([0, 0], 'float64', new Float64Array(0)));
    expect(empty.values.shape).toEqual([0]);
    expect(empty.vectors.shape).toEqual([0, 0]);
    expect(eigvals(new Tensor([2, 0, 0], 'float64', new Float64Array(0))).shape).toEqual([2, 0]);
  });

  it('refuses non-square, non-finite input and unknown options with errors that say what to do', () => {
    expect(() => eig(tensor([[1, 2, 3], [4, 5, 6]]))).toThrow(ShapeError);
    expect(() => eigvals(tensor([1, 2]))).toThrow(/square/);
    expect(() => eig(tensor([[1, Number.NaN], [0, 1]]))).toThrow(NonFiniteInputError);
    expect(() => eigvals(tensor([[1, 0], [Infinity, 1]]))).toThrow(/non-finite entry Infinity at \[1, 0\]/);
    expect(() => eig(tensor([[1, 0], [0, 2]]), { degeneracy: { policy: 'gauge' as never } })).toThrow(/no masking/);
    expect(() => eig(tensor([[1, 0], [0, 2]]), { left: 1 as never })).toThrow(AdError);
    expect(() => eigvals(tensor([[1, 0], [0, 2]]), { degeneracy: { rtol: -1 } })).toThrow(/rtol/);
    expect(() => eigvals(tensor([[1, 0], [0, 2]]), { degeneracy: { maxCond: 0.5 } })).toThrow(/maxCond/);
  });

  it('gives the numbers shown in the TSDoc examples', () => {
    expect(pairs(eigvals(tensor([[0, -1], [1, 0]])))).toEqual([[0, -1], [0, 1]]);
    const g = grad((A: Tensor) => max(abs(eigvals(A))))(tensor([[2, 1], [0, 1]])) as Tensor;
    expect(Array.from(g.data).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0, 1, 0]);
    const A = tensor([[1, 2], [-1.5, 0.5]]);
    const lam = pairs(eig(A, { left: true }).values);
    expect(lam[0]![0]).toBeCloseTo(0.75, 14);
    expect(lam[1]![1]).toBeCloseTo(Math.sqrt(3.5 - 0.5625), 14); // √(det A − (tr A / 2)²)
    const gv = grad((M: Tensor) => sum(square(abs(slice(eig(M).vectors, [1, 0], [2, 1])))))(A) as Tensor;
    expect(gv.data[1]!).toBeCloseTo(-6 / 49, 12);
    expect(gv.data[2]!).toBeCloseTo(-8 / 49, 12);
    expect(() => grad((M: Tensor) => sum(real(slice(eig(M).vectors, [1, 0], [2, 1]))))(A)).toThrow(GaugeDependenceError);
  });

  it('gives the numbers shown in the README section "General matrices"', () => {
    const A = tensor([[1, 2], [0, 3]]);
    const g = grad((X: Tensor) => sum(square(abs(eigvals(X)))))(A) as Tensor;
    expect(Array.from(g.data).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 0, 4, 6]); // 2Aᵀ
    const r = grad((X: Tensor) => max(abs(eigvals(X))))(tensor([[2, 1], [0, 1]])) as Tensor;
    expect(Array.from(r.data).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0, 1, 0]);
    const B = tensor([[1, 2], [-1.5, 0.5]]);
    expect(() => grad((X: Tensor) => sum(square(abs(slice(eig(X).vectors, [1, 0], [2, 1])))))(B)).not.toThrow();
    expect(() => grad((X: Tensor) => sum(real(slice(eig(X).vectors, [1, 0], [2, 1]))))(B)).toThrow(GaugeDependenceError);
    // [[1, 1], [1e-14, 1]]: cond(V_C) = 1e7, carried in error.gap
    const caught = catchError(() => grad((X: Tensor) => sum(real(eigvals(X))))(tensor([[1, 1], [1e-14, 1]])));
    expect(caught).toBeInstanceOf(DegenerateEigenvaluesError);
    expect(Math.abs((caught as DegenerateEigenvaluesError).gap / 1e7 - 1)).toBeLessThan(1e-2);
  });

  it('lists eigvals and eig in `rules`, with samples for the conformance suite', () => {
    const names = rules.map((r) => r.ruleName);
    expect(names).toContain('@ad/rules-eigen/eigvals');
    expect(names).toContain('@ad/rules-eigen/eig');
    for (const r of rules.filter((x) => /\/eig(vals)?$/.test(x.ruleName))) {
      const s = r.rule.samples;
      expect(typeof s === 'function' ? s().length : s?.length).toBeGreaterThan(0);
    }
  });
});
