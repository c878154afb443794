/**
 * Independent checks and test matrices for the SVD, Cholesky and generalized-eigenproblem tests. Nothing here calls
 * the kernels under test: residuals are dense products written out directly, orthogonal matrices come from
 * ml-matrix's QR, reference values from ml-matrix.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';

export const EPS = 2 ** -52;

/** Deterministic uniform numbers in [−0.5, 0.5) (a 32-bit LCG; tests never depend on Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** Standard normal samples (Box–Muller on {@link lcg}). */
export function gaussian(seed: number): () => number {
  const u = lcg(seed);
  return () => {
    const a = u() + 0.5 || 1e-12;
    const b = u() + 0.5;
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
  };
}

/** Random m×n row-major matrix with entries uniform in [−0.5, 0.5). */
export function randomMatrix(m: number, n: number, seed: number): Float64Array {
  const r = lcg(seed);
  return Float64Array.from({ length: m * n }, () => r());
}

/** Random m×k matrix with orthonormal columns (k ≤ m), row-major, from ml-matrix's QR of a Gaussian matrix. */
export function randomOrthonormalColumns(m: number, k: number, seed: number): Float64Array {
  const g = gaussian(seed);
  const M = new Matrix(m, k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) M.set(i, j, g());
  const Q = new QrDecomposition(M).orthogonalMatrix; // m×k
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out[i * k + j] = Q.get(i, j);
  return out;
}

/** Row-major m×n matrix U diag(s) Vᵀ from row-major U (m×k), V (n×k). */
export function fromSvd(U: Float64Array, s: ArrayLike<number>, V: Float64Array, m: number, n: number): Float64Array {
  const k = s.length;
  const A = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let t = 0; t < k; t++) x += U[i * k + t]! * s[t]! * V[j * k + t]!;
      A[i * n + j] = x;
    }
  }
  return A;
}

/** Frobenius norm. */
export function frob(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** ‖A − U diag(S) Vᵀ‖_F for row-major A and COLUMN-MAJOR U (m×p), V (n×p). */
export function reconstructionError(
  A: Float64Array,
  m: number,
  n: number,
  U: Float64Array,
  S: Float64Array,
  V: Float64Array,
): number {
  const p = S.length;
  let s = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let k = 0; k < p; k++) x += U[i + k * m]! * S[k]! * V[j + k * n]!;
      const d = x - A[i * n + j]!;
      s += d * d;
    }
  }
  return Math.sqrt(s);
}

/** max |QᵀQ − I| for a COLUMN-MAJOR rows×cols Q. */
export function orthonormalityError(Q: Float64Array, rows: number, cols: number): number {
  let worst = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b <= a; b++) {
      let x = 0;
      for (let i = 0; i < rows; i++) x += Q[i + a * rows]! * Q[i + b * rows]!;
      worst = Math.max(worst, Math.abs(x - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** ml-matrix Matrix from a row-major array. */
export function toMl(A: Float64Array, m: number, n: number): Matrix {
  const M = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) M.set(i, j, A[i * n + j]!);
  return M;
}

/** Row-major transpose of a row-major m×n matrix. */
export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j]!;
  return T;
}

/** Row-major product of row-major a×b and b×c matrices. */
export function matmul(X: Float64Array, Y: Float64Array, a: number, b: number, c: number): Float64Array {
  const Z = new Float64Array(a * c);
  for (let i = 0; i < a; i++) {
    for (let k = 0; k < b; k++) {
      const x = X[i * b + k]!;
      for (let j = 0; j < c; j++) Z[i * c + j] += x * Y[k * c + j]!;
    }
  }
  return Z;
}

/** The sign convention checked independently: the entry of largest magnitude (lowest index within 1e-8) is > 0. */
export function pivotIsPositive(x: Float64Array, off: number, len: number): boolean {
  let max = 0;
  for (let i = 0; i < len; i++) max = Math.max(max, Math.abs(x[off + i]!));
  if (max === 0) return true;
  for (let i = 0; i < len; i++) {
    if (Math.abs(x[off + i]!) >= max * (1 - 1e-8)) return x[off + i]! > 0;
  }
  return false;
}
