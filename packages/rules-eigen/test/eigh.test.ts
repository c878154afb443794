import { describe, expect, it } from 'vitest';
import {
  AdError,
  NonFiniteInputError,
  NotSymmetricError,
  ShapeError,
  Tensor,
  complex,
  stack,
  tensor,
  toMatrix,
} from '@ad/core';
import { EigenvalueDecomposition } from 'ml-matrix';
import { eigh, eigvalsh, rules } from '../src/index.js';
import { flat, relErr } from './helpers.js';
import { randomHermitian, withSpectrum } from './eigh-helpers.js';

/** ‖AV − VΛ‖_F and ‖VᴴV − I‖_F of one matrix, computed directly (complex-aware). */
function residuals(A: Tensor, values: Tensor, V: Tensor): { eq: number; orth: number; normA: number } {
  const n = A.shape[0]!;
  const ar = A.data;
  const ai = A.im ?? new Float64Array(A.size);
  const vr = V.data;
  const vi = V.im ?? new Float64Array(V.size);
  let eq = 0;
  let orth = 0;
  let normA = 0;
  for (let k = 0; k < A.size; k++) normA += ar[k]! ** 2 + ai[k]! ** 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // (AV)_ij − V_ij λ_j
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        sr += ar[i * n + k]! * vr[k * n + j]! - ai[i * n + k]! * vi[k * n + j]!;
        si += ar[i * n + k]! * vi[k * n + j]! + ai[i * n + k]! * vr[k * n + j]!;
      }
      sr -= vr[i * n + j]! * values.data[j]!;
      si -= vi[i * n + j]! * values.data[j]!;
      eq += sr * sr + si * si;
      // (VᴴV)_ij − δ_ij
      let gr = 0;
      let gi = 0;
      for (let k = 0; k < n; k++) {
        gr += vr[k * n + i]! * vr[k * n + j]! + vi[k * n + i]! * vi[k * n + j]!;
        gi += vr[k * n + i]! * vi[k * n + j]! - vi[k * n + i]! * vr[k * n + j]!;
      }
      if (i === j) gr -= 1;
      orth += gr * gr + gi * gi;
    }
  }
  return { eq: Math.sqrt(eq), orth: Math.sqrt(orth), normA: Math.sqrt(normA) };
}

describe('eigh / eigvalsh: values and vectors', () => {
  it('returns ascending eigenvalues and orthonormal eigenvectors of a real symmetric matrix, agreeing with ml-matrix', () => {
    const { A } = withSpectrum([-3, -0.5, 0.25, 1, 2.5, 7], 1);
    const { values, vectors } = eigh(A);
    expect(values.shape).toEqual([6]);
    expect(vectors.shape).toEqual([6, 6]);
    for (let i = 1; i < 6; i++) expect(values.data[i]!).toBeGreaterThan(values.data[i - 1]!);
    const r = residuals(A, values, vectors);
    expect(r.eq).toBeLessThan(10 * 6 * 2 ** -52 * r.normA);
    expect(r.orth).toBeLessThan(10 * 6 * 2 ** -52);
    const ref = new EigenvalueDecomposition(toMatrix(A), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => a - b);
    expect(relErr(flat(values), ref)).toBeLessThan(1e-14);
    expect(relErr(flat(eigvalsh(A)), ref)).toBeLessThan(1e-14);
  });

  it('returns real ascending eigenvalues and unitary eigenvectors of a complex Hermitian matrix', () => {
    const lam = [-2, -1, 0.5, 3, 4];
    const { A } = withSpectrum(lam, 2, { complex: true });
    const { values, vectors } = eigh(A);
    expect(values.dtype).toBe('float64');
    expect(vectors.dtype).toBe('complex128');
    expect(relErr(flat(values), lam)).toBeLessThan(1e-14);
    const r = residuals(A, values, vectors);
    expect(r.eq).toBeLessThan(10 * 5 * 2 ** -52 * r.normA);
    expect(r.orth).toBeLessThan(10 * 5 * 2 ** -52);
    expect(relErr(flat(eigvalsh(A)), lam)).toBeLessThan(1e-14);
  });

  it('applies the sign/phase convention: the largest-magnitude entry of each column is real and positive', () => {
    for (const isComplex of [false, true]) {
      const { A } = withSpectrum([1, 2, 3, 4], 3, { complex: isComplex });
      const { vectors: V } = eigh(A);
      for (let j = 0; j < 4; j++) {
        let best = -1;
        let bi = 0;
        for (let i = 0; i < 4; i++) {
          const m = Math.hypot(V.data[i * 4 + j]!, V.im ? V.im[i * 4 + j]! : 0);
          if (m > best * (1 + 1e-8)) {
            best = m;
            bi = i;
          }
        }
        expect(V.data[bi * 4 + j]!).toBeGreaterThan(0);
        if (V.im) expect(V.im[bi * 4 + j]!).toBe(0);
      }
    }
  });

  it('computes float32 input in float64 and returns float32 values and vectors', () => {
    const { A } = withSpectrum([0.5, 1.5, 2, 4], 4, { dtype: 'float32' });
    expect(A.dtype).toBe('float32');
    const { values, vectors } = eigh(A);
    expect(values.dtype).toBe('float32');
    expect(vectors.dtype).toBe('float32');
    expect(relErr(flat(values), [0.5, 1.5, 2, 4])).toBeLessThan(1e-6);
    expect(eigvalsh(A).dtype).toBe('float32');
  });

  it('treats a batch [..., n, n] exactly as the loop over its matrices', () => {
    const mats = [0, 1, 2, 3, 4, 5].map((s) => withSpectrum([s - 1, s, s + 0.5 + s * 0.1], 10 + s).A);
    const batch = tensor(stack(mats).data as Float64Array, [2, 3, 3, 3]);
    const { values, vectors } = eigh(batch);
    expect(values.shape).toEqual([2, 3, 3]);
    expect(vectors.shape).toEqual([2, 3, 3, 3]);
    const vals = eigvalsh(batch);
    mats.forEach((M, b) => {
      const one = eigh(M);
      expect(Array.from(values.data.subarray(b * 3, b * 3 + 3))).toEqual(Array.from(one.values.data));
      expect(Array.from(vals.data.subarray(b * 3, b * 3 + 3))).toEqual(Array.from(one.values.data));
      expect(Array.from(vectors.data.subarray(b * 9, b * 9 + 9))).toEqual(Array.from(one.vectors.data));
    });
    const cbatch = stack([0, 1].map((s) => withSpectrum([1, 2, 3 + s], 20 + s, { complex: true }).A));
    const c = eigh(cbatch);
    [0, 1].forEach((b) => {
      const one = eigh(withSpectrum([1, 2, 3 + b], 20 + b, { complex: true }).A);
      expect(Array.from(c.vectors.im!.subarray(b * 9, b * 9 + 9))).toEqual(Array.from(one.vectors.im!));
    });
  });

  it('handles 1×1 and empty matrices', () => {
    const one = eigh(tensor([[5]]));
    expect(flat(one.values)).toEqual([5]);
    expect(flat(one.vectors)).toEqual([1]);
    const empty = eigh(new Tensor([0, 0], 'float64', new Float64Array(0)));
    expect(empty.values.shape).toEqual([0]);
    expect(empty.vectors.shape).toEqual([0, 0]);
  });

  it('exports both rules in `rules`, with samples for the conformance suite', () => {
    const names = rules.map((r) => r.ruleName);
    expect(names).toContain('@ad/rules-eigen/eigvalsh');
    expect(names).toContain('@ad/rules-eigen/eigh');
    for (const r of [eigvalsh, eigh]) {
      const s = r.rule.samples;
      expect(typeof s === 'function' ? s().length : s?.length).toBeGreaterThan(0);
    }
  });
});

describe('eigh / eigvalsh: input errors', () => {
  it('rejects a non-square matrix with a ShapeError naming the shape', () => {
    expect(() => eigh(tensor(new Float64Array(12), [3, 4]))).toThrow(
      new ShapeError('eigh: A must be square, got shape [3, 4]'),
    );
    expect(() => eigvalsh(tensor(new Float64Array(12), [3, 4]))).toThrow('eigvalsh: A must be square, got shape [3, 4]');
    expect(() => eigh(tensor([1, 2, 3]))).toThrow(ShapeError);
  });

  it('rejects a non-symmetric matrix with NotSymmetricError naming max |A − Aᵀ|, where, and the symmetrize option', () => {
    const A = tensor([[1, 2, 0], [2, 1, 0.3], [0, 0.33, 1]]);
    let err: unknown;
    try {
      eigh(A);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotSymmetricError);
    const e = err as NotSymmetricError;
    expect(e.asymmetry).toBeCloseTo(0.03, 12);
    expect(e.index).toEqual([1, 2]);
    expect(e.message).toContain('eigh: A is not symmetric (max |A − Aᵀ| = 3.0e-2 at [1, 2]');
    expect(e.message).toContain('pass { symmetrize: true } to use (A + Aᵀ)/2');
    expect(e.code).toBe('AD_NOT_SYMMETRIC');
  });

  it('with { symmetrize: true } uses (A + Aᴴ)/2 without a check', () => {
    const A = tensor([[1, 2, 0], [2, 1, 0.3], [0, 0.33, 1]]);
    const S = tensor([[1, 2, 0], [2, 1, 0.315], [0, 0.315, 1]]);
    expect(flat(eigh(A, { symmetrize: true }).values)).toEqual(flat(eigh(S).values));
    const Z = complex(tensor([[1, 2], [2, 1]]), tensor([[0.5, 1], [-0.8, 0.2]]));
    const Zs = complex(tensor([[1, 2], [2, 1]]), tensor([[0, 0.9], [-0.9, 0]]));
    expect(relErr(flat(eigvalsh(Z, { symmetrize: true })), flat(eigvalsh(Zs)))).toBeLessThan(1e-15);
  });

  it('rejects a complex matrix that is not Hermitian, including a non-real diagonal', () => {
    const Z = complex(tensor([[1, 2], [2, 1]]), tensor([[0.5, 0], [0, 0]]));
    expect(() => eigh(Z)).toThrow(/eigh: A is not Hermitian \(max \|A − Aᴴ\| = 1\.0e\+0 at \[0, 0\]/);
    const W = complex(tensor([[1, 2], [2, 1]]), tensor([[0, 1], [1, 0]]));
    expect(() => eigvalsh(W)).toThrow(NotSymmetricError);
  });

  it('accepts asymmetry within 1e-10·max|A| (float64) and 1e-4·max|A| (float32), and names the matrix of a batch', () => {
    const base = [[4, 1], [1, 3]];
    const tiny = tensor([[4, 1 + 3e-10], [1, 3]]);
    expect(() => eigh(tiny)).not.toThrow();
    const small = tensor([[4, 1 + 1e-6], [1, 3]]);
    expect(() => eigh(small)).toThrow(NotSymmetricError);
    expect(() => eigh(tensor([[4, 1 + 1e-6], [1, 3]], { dtype: 'float32' }))).not.toThrow();
    expect(() => eigh(tensor([[4, 1 + 1e-3], [1, 3]], { dtype: 'float32' }))).toThrow(NotSymmetricError);
    const batch = tensor([base, base, [[4, 1.5], [1, 3]]]);
    expect(() => eigh(batch)).toThrow(/at \[0, 1\] of matrix \[2\]/);
  });

  it('rejects NaN and Inf with NonFiniteInputError naming the value and its index', () => {
    let err: unknown;
    try {
      eigvalsh(tensor([[1, NaN], [NaN, 1]]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteInputError);
    expect((err as NonFiniteInputError).index).toBe(1);
    expect((err as NonFiniteInputError).message).toContain('eigvalsh: A has a non-finite entry NaN at [0, 1]');
    expect(() => eigh(tensor([[Infinity, 0], [0, 1]]))).toThrow(NonFiniteInputError);
    expect(() => eigh(complex(tensor([[1, 0], [0, 1]]), tensor([[0, NaN], [NaN, 0]])))).toThrow(/imaginary part/);
    expect(() => eigh(tensor([[1, 0], [0, NaN]]), { symmetrize: true })).toThrow(NonFiniteInputError);
  });

  it('rejects unknown options with an AdError (code AD_OPTION)', () => {
    const A = randomHermitian(3, 5);
    // @ts-expect-error an unknown policy
    expect(() => eigh(A, { degeneracy: { policy: 'ignore' } })).toThrow(/unknown degeneracy policy 'ignore'/);
    expect(() => eigh(A, { degeneracy: { atol: -1 } })).toThrow(AdError);
    expect(() => eigh(A, { degeneracy: { epsilon: 0 } })).toThrow(/epsilon must be a finite number > 0/);
    // @ts-expect-error symmetrize must be boolean
    expect(() => eigh(A, { symmetrize: 'yes' })).toThrow(expect.objectContaining({ code: 'AD_OPTION' }));
  });
});
