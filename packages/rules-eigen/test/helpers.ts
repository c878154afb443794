/**
 * Helpers shared by the tests of every rule: a seeded PRNG and Gaussian deviates, random tensors and random
 * orthogonal (unitary) matrices, plain-number arithmetic (A + tE, inner products, norms, relative errors, products)
 * and finite differences that only call primal functions — so they are an independent route to every derivative —,
 * core-op views (column and row blocks, column projectors, ⟨W, X⟩), error capture, and the settings the degeneracy
 * tests share. Builders tied to one problem (matrices with a prescribed spectrum, pencils, planted SVDs, non-normal
 * matrices) stay in eigh-, geigh-, svd- and eig-helpers.ts.
 */
import { expect } from 'vitest';
import { Tensor, adjoint, complex, conj, mul, matmul, real, slice, sum, zeros, type DType } from '@ad/core';
import type { DegeneracyPolicy } from '../src/degeneracy.js';

// ---------------------------------------------------------------------------------------------------------------
// Random numbers and matrices.

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

/**
 * A random unitary (orthogonal if real) n×n matrix as row-major re/im parts: Gram–Schmidt (twice) on a Gaussian. In the
 * real case `im` is all zeros and `re` is the orthogonal matrix.
 */
export function randomUnitary(n: number, r: () => number, isComplex: boolean): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    re[k] = randn(r);
    if (isComplex) im[k] = randn(r);
  }
  // orthonormalize columns j = 0..n-1
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        // c = q_kᴴ a_j
        let cr = 0;
        let ci = 0;
        for (let i = 0; i < n; i++) {
          const qr = re[i * n + k]!;
          const qi = im[i * n + k]!;
          const ar = re[i * n + j]!;
          const ai = im[i * n + j]!;
          cr += qr * ar + qi * ai;
          ci += qr * ai - qi * ar;
        }
        for (let i = 0; i < n; i++) {
          const qr = re[i * n + k]!;
          const qi = im[i * n + k]!;
          re[i * n + j] -= cr * qr - ci * qi;
          im[i * n + j] -= cr * qi + ci * qr;
        }
      }
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += re[i * n + j]! ** 2 + im[i * n + j]! ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) {
      re[i * n + j] /= s;
      im[i * n + j] /= s;
    }
  }
  return { re, im };
}

/** A random tensor of a shape with Gaussian entries: real (float64, or float32 with `dtype`), or complex. */
export function randomTensor(shape: readonly number[], seed: number, opts: { complex?: boolean; dtype?: DType } = {}): Tensor {
  const r = rng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const re = new Float64Array(size).map(() => randn(r));
  if (opts.complex) {
    const im = new Float64Array(size).map(() => randn(r));
    return complex(new Tensor(shape, 'float64', re), new Tensor(shape, 'float64', im));
  }
  const dtype = opts.dtype ?? 'float64';
  return new Tensor(shape, dtype, dtype === 'float32' ? Float32Array.from(re) : re);
}

/** A tensor of zeros shaped like `t` (same dtype). */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape, t.dtype);
}

// ---------------------------------------------------------------------------------------------------------------
// Plain numbers: no tracing, no code under test.

/** A + t·E on plain numbers (no tracing), keeping A's dtype. */
export function axpy(A: Tensor, E: Tensor, t: number): Tensor {
  const re = A.dtype === 'float32' ? new Float32Array(A.size) : new Float64Array(A.size);
  for (let k = 0; k < A.size; k++) re[k] = A.data[k]! + t * E.data[k]!;
  if (!A.im) return new Tensor(A.shape, A.dtype, re);
  const im = new Float64Array(A.size);
  for (let k = 0; k < A.size; k++) im[k] = A.im[k]! + t * (E.im ? E.im[k]! : 0);
  return new Tensor(A.shape, 'complex128', re as Float64Array, im);
}

/** All numbers of a tensor (real parts, then imaginary parts). */
export function flat(t: Tensor | number): number[] {
  if (typeof t === 'number') return [t];
  const out = Array.from(t.data);
  if (t.im) out.push(...Array.from(t.im));
  return out;
}

/** Flattens a pytree of tensors into one number list (object keys sorted). */
export function flatTree(x: unknown): number[] {
  if (x instanceof Tensor || typeof x === 'number') return flat(x);
  if (Array.isArray(x)) return x.flatMap(flatTree);
  if (typeof x === 'object' && x !== null) return Object.keys(x).sort().flatMap((k) => flatTree((x as Record<string, unknown>)[k]));
  return [];
}

/** ‖a − b‖₂ / max(‖b‖₂, floor), for number lists or tensors (all their numbers). */
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

/** Re⟨X, Y⟩ = Re Σ conj(X)·Y on plain numbers. */
export function inner(X: Tensor, Y: Tensor): number {
  let s = 0;
  for (let k = 0; k < X.size; k++) {
    s += X.data[k]! * Y.data[k]!;
    if (X.im && Y.im) s += X.im[k]! * Y.im[k]!;
  }
  return s;
}

/** max |x| over all numbers of a tensor (real and imaginary parts) or of a list. */
export function maxAbs(t: Tensor | readonly number[]): number {
  let m = 0;
  for (const v of t instanceof Tensor ? flat(t) : t) m = Math.max(m, Math.abs(v));
  return m;
}

/** Row-major product of n×n matrices on plain numbers. */
export function mm(X: Float64Array, Y: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
    const x = X[i * n + k]!;
    if (x === 0) continue;
    for (let j = 0; j < n; j++) out[i * n + j] += x * Y[k * n + j]!;
  }
  return out;
}

/**
 * Q_a[:, start:end] Q_b[:, start:end]ᵀ for row-major square Q_a (ra×ra) and Q_b (rb×rb) on plain numbers: exact
 * projectors and cross terms from the known factors of a planted decomposition.
 */
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

/** Central 5-point finite difference of a vector function of t at 0 (truncation O(h⁴), round-off O(ε/h)). */
export function centralFd(g: (t: number) => number[], h: number): number[] {
  const p1 = g(h);
  const m1 = g(-h);
  const p2 = g(2 * h);
  const m2 = g(-2 * h);
  return p1.map((_, k) => (8 * (p1[k]! - m1[k]!) - (p2[k]! - m2[k]!)) / (12 * h));
}

/** One-sided 3-point finite difference at 0⁺ (truncation O(h²)): (−3g(0) + 4g(h) − g(2h)) / 2h. */
export function forwardFd(g: (t: number) => number[], h: number): number[] {
  const g0 = g(0);
  const g1 = g(h);
  const g2 = g(2 * h);
  return g0.map((_, k) => (-3 * g0[k]! + 4 * g1[k]! - g2[k]!) / (2 * h));
}

// ---------------------------------------------------------------------------------------------------------------
// Views built from core ops (differentiable, so losses can be written with them).

/** Columns [start, end) of the last two axes of a [..., r, c] tensor. */
export function columns(X: Tensor, start: number, end: number): Tensor {
  const lead = X.shape.slice(0, -2);
  const r = X.shape[X.shape.length - 2]!;
  return slice(X, [...lead.map(() => 0), 0, start], [...lead, r, end]);
}

/** Rows [start, end) of the last two axes of a [..., r, c] tensor. */
export function rows(X: Tensor, start: number, end: number): Tensor {
  const lead = X.shape.slice(0, -2);
  const c = X.shape[X.shape.length - 1]!;
  return slice(X, [...lead.map(() => 0), start, 0], [...lead, end, c]);
}

/**
 * V_C V_Cᴴ for the columns [start, end) of V (batched): the orthogonal projector onto their span when they are
 * orthonormal (eigenvectors of eigh, left singular vectors); for geigh's B-orthonormal vectors it is only the
 * left factor of the B-orthogonal projector V_C V_Cᵀ B. Invariant under any rotation of the columns.
 */
export function projector(V: Tensor, start: number, end: number): Tensor {
  const VC = columns(V, start, end);
  return matmul(VC, adjoint(VC));
}

/** ⟨W, X⟩ = Re Σ conj(W)·X with core ops, for a constant W (a real scalar loss). */
export function innerWith(W: Tensor, X: Tensor): Tensor {
  return sum(real(mul(conj(W), X)));
}

// ---------------------------------------------------------------------------------------------------------------
// Assertions and errors.

/** Runs fn and returns what it threw (undefined if nothing). */
export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** Asserts that a harness report passed, showing its text on failure (which check and entry). */
export function expectOk(report: { ok: boolean; message?: string }): void {
  expect(report.ok, report.message).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------------
// The degeneracy tests' settings.

/**
 * Gaps of the (nearly) repeated pair in the degeneracy tests. With the float64 defaults (atol 4e-10, rtol 5.5e-7) and
 * max|λ| = 3 the cluster threshold is ≈ 1.7e-6: the first three gaps are clusters, 1e-4 is not.
 */
export const GAPS = [0, 1e-12, 1e-8, 1e-4] as const;

/** Whether a pair at this gap forms a cluster under the float64 defaults with max|λ| = 3 (see {@link GAPS}). */
export const isCluster = (gap: number): boolean => gap < 1e-6;

/** Every degeneracy policy of the symmetric rules and svd (the tests' own list, not the package's). */
export const POLICIES: DegeneracyPolicy[] = ['gauge', 'error', 'broaden', 'nan'];

/** The options `{ degeneracy: { policy } }`, accepted by eigh, geigh and svd alike. */
export function policyOptions(policy: DegeneracyPolicy): { degeneracy: { policy: DegeneracyPolicy } } {
  return { degeneracy: { policy } };
}
