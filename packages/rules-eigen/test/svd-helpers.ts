/**
 * Test helpers for the svd tests: seeded random matrices with prescribed singular values, built independently of the
 * code under test as A = Q₁[:, :p] diag(s) Q₂[:, :p]ᵀ from Gram–Schmidt orthonormalized Gaussians (so the exact
 * singular subspaces are known), sign-invariant views of singular vectors built from core ops, and plain-number
 * finite differences and norms.
 */
import { Tensor, matmul, mul, slice, sum, transpose, type DType } from '@ad/core';

/** mulberry32: a small seeded PRNG, so failures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller). */
export function randn(r: () => number): number {
  const u = Math.max(r(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** A random orthogonal n×n matrix, row-major: Gram–Schmidt (twice) on a Gaussian. */
export function randomOrthogonal(n: number, r: () => number): Float64Array {
  const Q = new Float64Array(n * n).map(() => randn(r));
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += Q[i * n + k]! * Q[i * n + j]!;
        for (let i = 0; i < n; i++) Q[i * n + j] -= c * Q[i * n + k]!;
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Q[i * n + j]! ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) Q[i * n + j] /= s;
  }
  return Q;
}

/** A matrix with known SVD: A = Q₁[:, :p] diag(s) Q₂[:, :p]ᵀ (m×n, p = s.length = min(m, n)), with Q₁ and Q₂. */
export interface Planted {
  A: Tensor;
  /** m×m orthogonal, row-major; its first p columns are the left singular vectors. */
  Q1: Float64Array;
  /** n×n orthogonal, row-major; its first p columns are the right singular vectors. */
  Q2: Float64Array;
  m: number;
  n: number;
}

export function withSingularValues(s: readonly number[], m: number, n: number, seed: number, dtype: DType = 'float64'): Planted {
  const p = Math.min(m, n);
  if (s.length !== p) throw new Error(`withSingularValues: need ${p} values, got ${s.length}`);
  const r = rng(seed);
  const Q1 = randomOrthogonal(m, r);
  const Q2 = randomOrthogonal(n, r);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let k = 0; k < p; k++) t += Q1[i * m + k]! * s[k]! * Q2[j * n + k]!;
      a[i * n + j] = t;
    }
  }
  return { A: new Tensor([m, n], dtype, dtype === 'float32' ? Float32Array.from(a) : a), Q1, Q2, m, n };
}

/** Q_a[:, start:end] Q_b[:, start:end]ᵀ for row-major square Q_a (ra×ra) and Q_b (rb×rb): exact projectors and cross terms. */
export function exactOuter(Qa: Float64Array, ra: number, Qb: Float64Array, rb: number, start: number, end: number): Tensor {
  const out = new Float64Array(ra * rb);
  for (let i = 0; i < ra; i++) {
    for (let j = 0; j < rb; j++) {
      let t = 0;
      for (let k = start; k < end; k++) t += Qa[i * ra + k]! * Qb[j * rb + k]!;
      out[i * rb + j] = t;
    }
  }
  return new Tensor([ra, rb], 'float64', out);
}

/** A random tensor of a shape (Gaussian entries). */
export function randomTensor(shape: readonly number[], seed: number, dtype: DType = 'float64'): Tensor {
  const r = rng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const d = new Float64Array(size).map(() => randn(r));
  return new Tensor(shape, dtype, dtype === 'float32' ? Float32Array.from(d) : d);
}

/** Columns [start, end) of the last two axes of a [..., r, c] tensor (core ops). */
export function columns(X: Tensor, start: number, end: number): Tensor {
  const lead = X.shape.slice(0, -2);
  const r = X.shape[X.shape.length - 2]!;
  return slice(X, [...lead.map(() => 0), 0, start], [...lead, r, end]);
}

/** Rows [start, end) of the last two axes of a [..., r, c] tensor (core ops). */
export function rows(X: Tensor, start: number, end: number): Tensor {
  const lead = X.shape.slice(0, -2);
  const c = X.shape[X.shape.length - 1]!;
  return slice(X, [...lead.map(() => 0), start, 0], [...lead, end, c]);
}

/** Left singular projector U_C U_Cᵀ over columns [start, end). */
export function leftProjector(U: Tensor, start: number, end: number): Tensor {
  const UC = columns(U, start, end);
  return matmul(UC, transpose(UC));
}

/** Right singular projector V_C V_Cᵀ = Vt_Cᵀ Vt_C over rows [start, end) of Vt. */
export function rightProjector(Vt: Tensor, start: number, end: number): Tensor {
  const VC = rows(Vt, start, end);
  return matmul(transpose(VC), VC);
}

/** U_C V_Cᵀ over [start, end): invariant under the joint rotation (U_C, V_C) → (U_C Q, V_C Q). */
export function cross(U: Tensor, Vt: Tensor, start: number, end: number): Tensor {
  return matmul(columns(U, start, end), rows(Vt, start, end));
}

/** ⟨W, X⟩ with core ops (a scalar loss). */
export function innerWith(W: Tensor, X: Tensor): Tensor {
  return sum(mul(W, X));
}

/** A + t·E on plain numbers, keeping A's dtype. */
export function axpy(A: Tensor, E: Tensor, t: number): Tensor {
  const d = A.dtype === 'float32' ? new Float32Array(A.size) : new Float64Array(A.size);
  for (let k = 0; k < A.size; k++) d[k] = A.data[k]! + t * E.data[k]!;
  return new Tensor(A.shape, A.dtype, d);
}

/** All numbers of a tensor. */
export function flat(t: Tensor | number): number[] {
  return typeof t === 'number' ? [t] : Array.from(t.data);
}

/** Re⟨X, Y⟩ on plain numbers. */
export function inner(X: Tensor, Y: Tensor): number {
  let s = 0;
  for (let k = 0; k < X.size; k++) s += X.data[k]! * Y.data[k]!;
  return s;
}

/** ‖a − b‖₂ / max(‖b‖₂, floor). */
export function relErr(a: readonly number[] | Tensor, b: readonly number[] | Tensor, floor = 1e-300): number {
  const x = a instanceof Tensor ? flat(a) : a;
  const y = b instanceof Tensor ? flat(b) : b;
  if (x.length !== y.length) throw new Error(`relErr: lengths differ (${x.length} vs ${y.length})`);
  let d = 0;
  let s = 0;
  for (let k = 0; k < x.length; k++) {
    d += (x[k]! - y[k]!) ** 2;
    s += y[k]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(s), floor);
}

/** max |entry|. */
export function maxAbs(t: Tensor | readonly number[]): number {
  let m = 0;
  for (const v of t instanceof Tensor ? t.data : t) m = Math.max(m, Math.abs(v));
  return m;
}

/** One-sided 3-point finite difference at 0⁺ (truncation O(h²)): (−3g(0) + 4g(h) − g(2h)) / 2h. */
export function forwardFd(g: (t: number) => number[], h: number): number[] {
  const g0 = g(0);
  const g1 = g(h);
  const g2 = g(2 * h);
  return g0.map((_, k) => (-3 * g0[k]! + 4 * g1[k]! - g2[k]!) / (2 * h));
}

/** Runs fn and returns what it threw (undefined if nothing). */
export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}
