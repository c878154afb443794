/**
 * svd / svdvals as functions: values against an independent SVD (ml-matrix's Golub–Kahan) and against planted
 * singular values, the factorization identities, the sign convention, batches, float32, empty shapes, and every input
 * error.
 */
import { describe, expect, it } from 'vitest';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import {
  AdError,
  ConvergenceError,
  DTypeError,
  GaugeDependenceError,
  NonFiniteInputError,
  ShapeError,
  Tensor,
  complex,
  grad,
  matmul,
  max,
  mul,
  reshape,
  slice,
  stack,
  sum,
  tensor,
  toArray,
  transpose,
  zeros,
} from '@ad/core';
import { checkGrad } from '@ad/testing';
import { svd, svdvals } from '../src/index.js';
import { catchError, maxAbs, randomTensor, relErr } from './helpers.js';
import { withSingularValues } from './svd-helpers.js';

const SHAPES: [number, number][] = [
  [5, 3],
  [3, 5],
  [4, 4],
  [1, 4],
  [4, 1],
  [9, 9],
];

/** max |X − I| for a square tensor. */
function offIdentity(X: Tensor): number {
  const n = X.shape[0]!;
  let w = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w = Math.max(w, Math.abs(X.data[i * n + j]! - (i === j ? 1 : 0)));
  return w;
}

function reconstruct(U: Tensor, S: Tensor, Vt: Tensor): Tensor {
  const p = S.shape[S.shape.length - 1]!;
  return matmul(mul(U, reshape(S, [...S.shape.slice(0, -1), 1, p])), Vt);
}

describe('svd: the factorization', () => {
  for (const [m, n] of SHAPES) {
    it(`returns S descending and A = U diag(S) Vt with orthonormal U and Vt (${m}×${n})`, () => {
      const A = randomTensor([m, n], 100 + m * 10 + n);
      const { U, S, Vt } = svd(A);
      const p = Math.min(m, n);
      expect(U.shape).toEqual([m, p]);
      expect(S.shape).toEqual([p]);
      expect(Vt.shape).toEqual([p, n]);
      for (let i = 1; i < p; i++) expect(S.data[i]!).toBeLessThanOrEqual(S.data[i - 1]!);
      expect(S.data[p - 1]!).toBeGreaterThanOrEqual(0);
      expect(relErr(reconstruct(U, S, Vt), A)).toBeLessThan(1e-14);
      expect(offIdentity(matmul(transpose(U), U))).toBeLessThan(1e-14);
      expect(offIdentity(matmul(Vt, transpose(Vt)))).toBeLessThan(1e-14);
    });
  }

  for (const [m, n] of SHAPES) {
    it(`agrees with ml-matrix's SingularValueDecomposition on S and on each uᵢvᵢᵀ (${m}×${n})`, () => {
      const A = randomTensor([m, n], 200 + m * 10 + n);
      const { U, S, Vt } = svd(A);
      const rowsA = Array.from({ length: m }, (_, i) => Array.from(A.data.subarray(i * n, (i + 1) * n)));
      const ref = new SingularValueDecomposition(new Matrix(rowsA), { autoTranspose: true });
      const p = Math.min(m, n);
      const sRef = ref.diagonal.slice(0, p);
      expect(relErr(Array.from(S.data), sRef)).toBeLessThan(1e-13);
      // singular vectors up to a joint sign: compare the rank-one products uᵢvᵢᵀ
      const UL = ref.leftSingularVectors;
      const VR = ref.rightSingularVectors;
      for (let k = 0; k < p; k++) {
        const ours: number[] = [];
        const theirs: number[] = [];
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            ours.push(U.data[i * p + k]! * Vt.data[k * n + j]!);
            theirs.push(UL.get(i, k) * VR.get(j, k));
          }
        }
        expect(relErr(ours, theirs)).toBeLessThan(1e-11);
      }
    });
  }

  it('recovers planted singular values of Q₁ diag(s) Q₂ᵀ, both orientations', () => {
    const s = [4, 2.5, 1, 0.25];
    for (const [m, n] of [
      [7, 4],
      [4, 7],
      [4, 4],
    ] as const) {
      const { A } = withSingularValues(s, m, n, 11);
      expect(relErr(Array.from(svdvals(A).data), s)).toBeLessThan(1e-14);
    }
  });

  it('returns svdvals bitwise equal to the S of svd', () => {
    const A = randomTensor([6, 4], 12);
    expect(Array.from(svdvals(A).data)).toEqual(Array.from(svd(A).S.data));
  });

  it('scales each column of V so that its largest-magnitude entry is positive, and U with it', () => {
    for (const [m, n] of SHAPES) {
      const A = randomTensor([m, n], 300 + m + n);
      const { Vt } = svd(A);
      const p = Math.min(m, n);
      for (let k = 0; k < p; k++) {
        let best = 0;
        for (let j = 0; j < n; j++) if (Math.abs(Vt.data[k * n + j]!) > Math.abs(best)) best = Vt.data[k * n + j]!;
        expect(best).toBeGreaterThan(0);
      }
    }
  });

  it('gives rank-deficient matrices zero singular values and still orthonormal U and Vt', () => {
    for (const [m, n] of [
      [6, 4],
      [4, 6],
      [4, 4],
    ] as const) {
      const { A } = withSingularValues([3, 1.5, 0, 0], m, n, 13);
      const { U, S, Vt } = svd(A);
      expect(maxAbs(Array.from(S.data.subarray(2)))).toBeLessThan(1e-15 * 3 * 4);
      expect(offIdentity(matmul(transpose(U), U))).toBeLessThan(1e-14);
      expect(offIdentity(matmul(Vt, transpose(Vt)))).toBeLessThan(1e-14);
      expect(relErr(reconstruct(U, S, Vt), A)).toBeLessThan(1e-14);
    }
  });

  it('handles batches as a loop over the matrices', () => {
    const A = randomTensor([2, 3, 5, 3], 14);
    const y = svd(A);
    expect(y.U.shape).toEqual([2, 3, 5, 3]);
    expect(y.S.shape).toEqual([2, 3, 3]);
    expect(y.Vt.shape).toEqual([2, 3, 3, 3]);
    for (let b = 0; b < 6; b++) {
      const Ab = new Tensor([5, 3], 'float64', A.data.slice(b * 15, (b + 1) * 15));
      const yb = svd(Ab);
      expect(Array.from(y.U.data.subarray(b * 15, (b + 1) * 15))).toEqual(Array.from(yb.U.data));
      expect(Array.from(y.S.data.subarray(b * 3, (b + 1) * 3))).toEqual(Array.from(yb.S.data));
      expect(Array.from(y.Vt.data.subarray(b * 9, (b + 1) * 9))).toEqual(Array.from(yb.Vt.data));
    }
    expect(svdvals(A).shape).toEqual([2, 3, 3]);
  });

  it('keeps float32 input float32: computed in float64, then rounded', () => {
    const A64 = randomTensor([5, 4], 15);
    const A32 = new Tensor([5, 4], 'float32', Float32Array.from(A64.data));
    const y = svd(A32);
    expect(y.U.dtype).toBe('float32');
    expect(y.S.dtype).toBe('float32');
    expect(y.Vt.dtype).toBe('float32');
    const ref = svd(new Tensor([5, 4], 'float64', Float64Array.from(A32.data)));
    expect(Array.from(y.S.data)).toEqual(Array.from(ref.S.data).map(Math.fround));
    expect(Array.from(y.U.data)).toEqual(Array.from(ref.U.data).map(Math.fround));
    expect(svdvals(A32).dtype).toBe('float32');
  });

  it('accepts empty matrices and nested arrays', () => {
    for (const shape of [
      [0, 3],
      [3, 0],
      [2, 0, 0],
    ]) {
      const y = svd(zeros(shape));
      expect(y.S.shape).toEqual([...shape.slice(0, -2), 0]);
      expect(y.U.shape).toEqual([...shape.slice(0, -2), shape[shape.length - 2]!, 0]);
      expect(y.Vt.shape).toEqual([...shape.slice(0, -2), 0, shape[shape.length - 1]!]);
    }
    expect(Array.from(svdvals([[3, 0], [0, -2], [0, 0]] as unknown as Tensor).data)).toEqual([3, 2]);
  });

  it('stacks like a loop in a batch of one', () => {
    const A = randomTensor([4, 3], 16);
    const y = svd(stack([A]));
    expect(Array.from(y.S.data)).toEqual(Array.from(svd(A).S.data));
  });
});

describe('svd: input errors', () => {
  it('raises ShapeError for rank below 2', () => {
    for (const f of [svd, svdvals]) {
      const e = catchError(() => f(tensor([1, 2, 3])));
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as Error).message).toContain('[..., m, n], got shape [3]');
      expect(catchError(() => f(zeros([])))).toBeInstanceOf(ShapeError);
    }
  });

  it('raises NonFiniteInputError naming the entry', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const A = randomTensor([2, 3, 4], 17);
      A.data[1 * 12 + 2 * 4 + 3] = v;
      const e = catchError(() => svd(A));
      expect(e).toBeInstanceOf(NonFiniteInputError);
      expect((e as NonFiniteInputError).message).toContain(`${v} at [1, 2, 3]`);
      expect(catchError(() => svdvals(A))).toBeInstanceOf(NonFiniteInputError);
    }
  });

  it('raises DTypeError for complex input', () => {
    const A = complex(randomTensor([3, 2], 18), randomTensor([3, 2], 19));
    const e = catchError(() => svd(A));
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as Error).message).toContain('complex input is not supported');
  });

  it('raises ConvergenceError when the Jacobi sweeps run out, with iterations, residual and tolerance', () => {
    const A = randomTensor([12, 12], 20);
    for (const f of [svd, svdvals]) {
      const e = catchError(() => f(A, { maxSweeps: 1 }));
      expect(e).toBeInstanceOf(ConvergenceError);
      const c = e as ConvergenceError;
      expect(c.iterations).toBe(1);
      expect(c.residual).toBeGreaterThan(c.tolerance);
      expect(c.message).toContain('within 1 sweeps');
    }
    expect(() => svd(A, { maxSweeps: 40 })).not.toThrow();
  });

  it('rejects malformed options', () => {
    const A = randomTensor([3, 2], 21);
    expect(catchError(() => svd(A, { maxSweeps: 0 }))).toBeInstanceOf(AdError);
    expect(catchError(() => svd(A, { degeneracy: { policy: 'bogus' as 'gauge' } }))).toBeInstanceOf(AdError);
    expect(catchError(() => svdvals(A, 3 as never))).toBeInstanceOf(AdError);
  });
});

describe('the TSDoc examples', () => {
  it('give the documented numbers', () => {
    const A = tensor([
      [3, 0],
      [0, -2],
      [0, 0],
    ]);
    expect(Array.from(svdvals(A).data)).toEqual([3, 2]);
    // (compared numerically: the kernel may return −0 where the docs show 0)
    expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(A) as Tensor, [1, 0, 0, -1, 0, 0])).toBe(0);
    const y = svd(A);
    expect(relErr(y.U, [1, 0, 0, -1, 0, 0])).toBe(0);
    expect(toArray(y.S)).toEqual([3, 2]);
    expect(relErr(y.Vt, [1, 0, 0, 1])).toBe(0);
    const loss = (X: Tensor) => {
      const z = svd(X);
      return sum(mul(slice(z.U, [1, 0], [2, 1]), slice(z.Vt, [0, 0], [1, 1])));
    };
    const G = grad(loss)(A) as Tensor;
    expect(relErr(G, [0, -0.4, 0.6, 0, 0, 0])).toBeLessThan(1e-15);
  });
});

describe('the README example (section "Singular values")', () => {
  it('gives the documented numbers and errors', () => {
    const A = tensor([
      [3, 0],
      [0, 3],
      [0, 0],
    ]);
    expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(A) as Tensor, [1, 0, 0, 1, 0, 0])).toBeLessThan(1e-15);
    expect(relErr(grad((X: Tensor) => max(svdvals(X)))(A) as Tensor, [0.5, 0, 0, 0.5, 0, 0])).toBeLessThan(1e-15);
    const W = tensor([
      [1, 2],
      [0, 1],
      [1, 0],
    ]);
    const polar = (X: Tensor) => {
      const { U, Vt } = svd(X);
      return sum(mul(W, matmul(U, Vt)));
    };
    expect(relErr(grad(polar)(A) as Tensor, [0, 1 / 3, -1 / 3, 0, 1 / 3, 0])).toBeLessThan(1e-15);
    expect(checkGrad(polar, A).ok).toBe(true);
    expect(catchError(() => grad((X: Tensor) => sum(slice(svd(X).U, [0, 0], [3, 1])))(A))).toBeInstanceOf(GaugeDependenceError);
    const B = tensor([
      [1, 2],
      [2, 4],
      [0, 0],
    ]);
    expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(B) as Tensor, [0.2, 0.4, 0.4, 0.8, 0, 0])).toBeLessThan(1e-14);
  });
});

