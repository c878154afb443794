/**
 * geigh / geigvalsh: the values themselves (against pencils with a known spectrum, residuals, B-orthonormality, and
 * an independent ml-matrix route), the sign convention, dtypes, batches, options, and every named input error.
 */
import { describe, expect, it } from 'vitest';
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';
import {
  AdError,
  DTypeError,
  NonFiniteInputError,
  NotPositiveDefiniteError,
  NotSymmetricError,
  ShapeError,
  Tensor,
  complex,
  eye,
  reshape,
  stack,
  tensor,
  toArray,
} from '@ad/core';
import { eigh, geigh, geigvalsh } from '../src/index.js';
import { catchError, flat, maxAbs, relErr } from './helpers.js';
import { bOrthonormality, pencil, residual } from './geigh-helpers.js';

const EPS = 2 ** -52;

/** Generalized eigenvalues by ml-matrix: Cholesky of B, C = L⁻¹ A L⁻ᵀ, symmetric eigenvalues of C (sorted). */
function mlMatrixValues(A: Tensor, B: Tensor): number[] {
  const n = A.shape[0]!;
  const rows = (t: Tensor) => Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
  const L = new CholeskyDecomposition(new Matrix(rows(B))).lowerTriangularMatrix;
  const Li = inverse(L);
  const C = Li.mmul(new Matrix(rows(A))).mmul(Li.transpose());
  const Cs = C.add(C.transpose()).mul(0.5);
  return [...new EigenvalueDecomposition(Cs, { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);
}

describe('geigh / geigvalsh values', () => {
  it('recovers the generalized spectrum of a pencil built with a known one, with B-orthonormal eigenvectors', () => {
    const lam = [-2.5, -0.3, 0.8, 1.9, 4.2, 7];
    const p = pencil(lam, 1, { cond: 100 });
    const { values, vectors } = geigh(p.A, p.B);
    expect(relErr(flat(values), lam)).toBeLessThan(1e-13);
    expect(relErr(flat(geigvalsh(p.A, p.B)), flat(values))).toBe(0);
    expect(bOrthonormality(vectors, p.B)).toBeLessThan(100 * 6 * EPS * 100);
    expect(residual(p.A, p.B, values, vectors)).toBeLessThan(20 * EPS);
    // the exact eigenvectors are the columns of Z up to sign
    for (let j = 0; j < 6; j++) {
      let d = 0;
      for (let i = 0; i < 6; i++) d = Math.max(d, Math.abs(Math.abs(vectors.data[i * 6 + j]!) - Math.abs(p.Z[i * 6 + j]!)));
      expect(d).toBeLessThan(1e-12);
    }
  });

  it('agrees with an independent ml-matrix route (Cholesky, L⁻¹AL⁻ᵀ, JAMA symmetric eigen) on random pencils', () => {
    for (const seed of [2, 3, 4]) {
      const p = pencil([-1, 0.2, 0.25, 3, 3.5], seed, { cond: 1e3 });
      expect(relErr(flat(geigvalsh(p.A, p.B)), mlMatrixValues(p.A, p.B))).toBeLessThan(1e-12);
    }
  });

  it('keeps small residuals and B-orthonormality to n·ε·κ(B) for ill-conditioned B (κ = 1e6)', () => {
    const p = pencil([0.5, 1, 2, 4, 8], 5, { cond: 1e6 });
    const { values, vectors } = geigh(p.A, p.B);
    expect(residual(p.A, p.B, values, vectors)).toBeLessThan(50 * EPS);
    expect(bOrthonormality(vectors, p.B)).toBeLessThan(5 * EPS * 1e6 * 10);
    // eigenvalue errors of order n·ε·‖A‖·‖B⁻¹‖ ≈ n·ε·max|λ|·κ(B): 5·2e-16·8·1e6 ≈ 1e-8
    expect(relErr(flat(values), [0.5, 1, 2, 4, 8])).toBeLessThan(1e-8);
  });

  it('returns eigh for B = I (values and vectors, sign convention included)', () => {
    const p = pencil([-1, 0.5, 2, 3.5], 6);
    const g = geigh(p.A, eye(4));
    const e = eigh(p.A);
    expect(relErr(flat(g.values), flat(e.values))).toBeLessThan(1e-14);
    expect(relErr(flat(g.vectors), flat(e.vectors))).toBeLessThan(1e-13);
  });

  it('applies the sign convention: the largest-magnitude entry of each eigenvector is positive', () => {
    const p = pencil([-1, 0.5, 2, 3.5], 7);
    const V = geigh(p.A, p.B).vectors;
    for (let j = 0; j < 4; j++) {
      let best = 0;
      for (let i = 0; i < 4; i++) if (Math.abs(V.data[i * 4 + j]!) > Math.abs(V.data[best * 4 + j]!)) best = i;
      expect(V.data[best * 4 + j]!).toBeGreaterThan(0);
    }
  });

  it('solves the diagonal example of the docs: A = diag(2, 12), B = diag(1, 4)', () => {
    const { values, vectors } = geigh(tensor([[2, 0], [0, 12]]), tensor([[1, 0], [0, 4]]));
    expect(toArray(values)).toEqual([2, 3]);
    expect(toArray(vectors)).toEqual([[1, 0], [0, 0.5]]);
  });

  it('accepts nested arrays and handles n = 1 and n = 0', () => {
    // (B = 4 has the exact Cholesky factor 2, so C = 6/2/2 is exact; B = 2 would give 6/√2/√2 = 3 − 4e-16)
    expect(toArray(geigvalsh([[6]], [[4]]))).toEqual([1.5]);
    expect(toArray(geigh([[6]], [[4]]).vectors)).toEqual([[0.5]]);
    const e = geigh(new Tensor([0, 0], 'float64', new Float64Array(0)), new Tensor([0, 0], 'float64', new Float64Array(0)));
    expect(e.values.shape).toEqual([0]);
    expect(e.vectors.shape).toEqual([0, 0]);
  });

  it('computes float32 input in float64 and returns float32 (float64 if either input is float64)', () => {
    const p = pencil([-1, 0.5, 2, 3.5], 8, { dtype: 'float32' });
    const y = geigh(p.A, p.B);
    expect(y.values.dtype).toBe('float32');
    expect(y.vectors.dtype).toBe('float32');
    const A64 = new Tensor([4, 4], 'float64', Float64Array.from(p.A.data));
    const B64 = new Tensor([4, 4], 'float64', Float64Array.from(p.B.data));
    const y64 = geigh(A64, B64);
    // the same float32-representable pencil, computed in float64 and rounded once
    expect(flat(y.values)).toEqual(Array.from(Float32Array.from(y64.values.data)));
    expect(geigvalsh(p.A, B64).dtype).toBe('float64');
  });

  it('treats leading dimensions as a batch: equal to the loop over its pencils', () => {
    const ps = [0, 1, 2, 3, 4, 5].map((s) => pencil([s - 2, s, s + 1.5, s + 4], 20 + s, { cond: 50 }));
    const A = reshape(stack(ps.map((p) => p.A)), [2, 3, 4, 4]);
    const B = reshape(stack(ps.map((p) => p.B)), [2, 3, 4, 4]);
    const y = geigh(A, B);
    expect(y.values.shape).toEqual([2, 3, 4]);
    expect(y.vectors.shape).toEqual([2, 3, 4, 4]);
    ps.forEach((p, b) => {
      const yb = geigh(p.A, p.B);
      expect(Array.from(y.values.data.subarray(b * 4, (b + 1) * 4))).toEqual(flat(yb.values));
      expect(Array.from(y.vectors.data.subarray(b * 16, (b + 1) * 16))).toEqual(flat(yb.vectors));
    });
  });

  it('with { symmetrize: true } uses the symmetric parts of A and B without checking', () => {
    const p = pencil([-1, 0.5, 2], 9);
    const skew = tensor([[0, 1, -2], [-1, 0, 0.5], [2, -0.5, 0]]);
    const A2 = new Tensor([3, 3], 'float64', p.A.data.map((v, k) => v + skew.data[k]!));
    const B2 = new Tensor([3, 3], 'float64', p.B.data.map((v, k) => v + 0.1 * skew.data[k]!));
    expect(() => geigh(A2, B2)).toThrow(NotSymmetricError);
    const y = geigh(A2, B2, { symmetrize: true });
    const y0 = geigh(p.A, p.B);
    expect(relErr(flat(y.values), flat(y0.values))).toBeLessThan(1e-14);
    expect(relErr(flat(y.vectors), flat(y0.vectors))).toBeLessThan(1e-13);
  });
});

describe('geigh / geigvalsh input errors', () => {
  const A = tensor([[2, 1, 0], [1, 3, 1], [0, 1, 4]]);
  const B = tensor([[2, 0.5, 0], [0.5, 2, 0.5], [0, 0.5, 2]]);

  it('raises ShapeError for a non-square A or B, naming the argument and its shape', () => {
    const e = catchError(() => geigh(tensor([[1, 2, 3], [4, 5, 6]]), B)) as ShapeError;
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('geigh: A must be square, got shape [2, 3]');
    const f = catchError(() => geigvalsh(A, tensor([1, 2, 3]))) as ShapeError;
    expect(f).toBeInstanceOf(ShapeError);
    expect(f.message).toContain('geigvalsh: B must be a square matrix');
    expect(f.message).toContain('got shape [3]');
  });

  it('raises ShapeError for mismatched shapes, suggesting broadcastTo for a shared B', () => {
    const e = catchError(() => geigh(A, eye(4))) as ShapeError;
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain('A and B must have the same shape [..., n, n], got A [3, 3] and B [4, 4]');
    const batch = stack([A, A]);
    const f = catchError(() => geigvalsh(batch, B)) as ShapeError;
    expect(f).toBeInstanceOf(ShapeError);
    expect(f.message).toContain('broadcastTo(B, A.shape)');
  });

  it('raises NotSymmetricError for a non-symmetric A or B, naming which one and where', () => {
    const Ab = tensor([[2, 1, 0], [1.5, 3, 1], [0, 1, 4]]);
    const e = catchError(() => geigh(Ab, B)) as NotSymmetricError;
    expect(e).toBeInstanceOf(NotSymmetricError);
    expect(e.message).toContain('geigh: A is not symmetric (max |A − Aᵀ| = 5.0e-1 at [0, 1]');
    expect(e.index).toEqual([0, 1]);
    const Bb = tensor([[2, 0.5, 0], [0.5, 2, 0.5], [0.01, 0.5, 2]]);
    const f = catchError(() => geigvalsh(A, Bb)) as NotSymmetricError;
    expect(f).toBeInstanceOf(NotSymmetricError);
    expect(f.message).toContain('geigvalsh: B is not symmetric (max |B − Bᵀ| = 1.0e-2 at [0, 2]');
    expect(f.message).toContain('pass { symmetrize: true } to use (B + Bᵀ)/2');
    expect(f.asymmetry).toBeCloseTo(0.01, 15);
    // within tolerance (1e-10·max|B|) passes
    const Bok = tensor([[2, 0.5, 0], [0.5, 2, 0.5], [1e-11, 0.5, 2]]);
    expect(() => geigvalsh(A, Bok)).not.toThrow();
  });

  it('raises NonFiniteInputError for NaN or Inf in A or B, naming the entry', () => {
    for (const [bad, arg] of [[NaN, 'A'], [Infinity, 'B'], [-Infinity, 'A']] as const) {
      const X = arg === 'A' ? tensor([[2, 1, 0], [1, bad, 1], [0, 1, 4]]) : tensor([[2, 0.5, 0], [0.5, 2, 0.5], [0, 0.5, bad]]);
      const e = catchError(() => (arg === 'A' ? geigh(X, B) : geigh(A, X))) as NonFiniteInputError;
      expect(e).toBeInstanceOf(NonFiniteInputError);
      expect(e.message).toContain(`geigh: ${arg} has a non-finite entry ${bad}`);
      expect(e.value).toBe(bad);
      expect(e.index).toBe(arg === 'A' ? 4 : 8);
    }
  });

  it('raises NotPositiveDefiniteError naming the first failing leading minor of B', () => {
    const cases: [number[][], number][] = [
      [[[-1, 0, 0], [0, 1, 0], [0, 0, 1]], 1],
      [[[1, 2, 0], [2, 1, 0], [0, 0, 1]], 2],
      [[[1, 0, 0], [0, 1, 0], [0, 0, 0]], 3], // semidefinite
      [[[2, 1, 1], [1, 2, 1], [1, 1, -1]], 3],
    ];
    for (const [Bm, minor] of cases) {
      for (const f of [geigh, geigvalsh] as const) {
        const e = catchError(() => f(A, tensor(Bm))) as NotPositiveDefiniteError;
        expect(e).toBeInstanceOf(NotPositiveDefiniteError);
        expect(e.minor).toBe(minor);
        expect(e.code).toBe('AD_NOT_POSITIVE_DEFINITE');
        expect(e.message).toContain(`${f === geigh ? 'geigh' : 'geigvalsh'}: B is not positive definite: its leading minor of order ${minor} (B[0:${minor}, 0:${minor}])`);
      }
    }
  });

  it('names the matrix of a batch whose B is not positive definite', () => {
    const Bs = stack([B, tensor([[1, 0, 0], [0, -1, 0], [0, 0, 1]])]);
    const e = catchError(() => geigvalsh(stack([A, A]), Bs)) as NotPositiveDefiniteError;
    expect(e).toBeInstanceOf(NotPositiveDefiniteError);
    expect(e.minor).toBe(2);
    expect(e.message).toContain('(matrix [1] of the batch)');
  });

  it('raises DTypeError for complex input', () => {
    const C = complex(A, tensor([[0, 1, 0], [-1, 0, 0], [0, 0, 0]]));
    const e = catchError(() => geigh(C, B)) as DTypeError;
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toContain('geigh: A must be real (float64 or float32), got complex128');
    expect(() => geigvalsh(A, complex(B, tensor(new Float64Array(9), [3, 3])))).toThrow(DTypeError);
  });

  it('rejects malformed options with AdError (code AD_OPTION)', () => {
    for (const o of [{ symmetrize: 1 }, { degeneracy: { policy: 'maybe' } }, { degeneracy: { atol: -1 } }, 3]) {
      const e = catchError(() => geigh(A, B, o as never)) as AdError;
      expect(e).toBeInstanceOf(AdError);
      expect(e.code).toBe('AD_OPTION');
    }
  });

  it('never returns NaN for valid input: every output entry is finite', () => {
    const p = pencil([1e-8, 1, 1e8], 11, { cond: 1e4 });
    const y = geigh(p.A, p.B);
    expect(flat(y.values).every(Number.isFinite)).toBe(true);
    expect(maxAbs(y.vectors)).toBeLessThan(1e3);
  });
});
