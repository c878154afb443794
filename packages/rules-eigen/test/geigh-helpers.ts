/**
 * Test helpers for geigh / geigvalsh: matrix pencils (A, B) with a prescribed generalized spectrum and a known exact
 * eigenvector matrix, built independently of the code under test, plus gauge-invariant views of B-orthonormal
 * eigenvectors.
 *
 * Construction: M = U diag(s) Wᵀ with U, W random orthogonal (Gram–Schmidt on a Gaussian) and s log-spaced in
 * [1, √cond]; B = Mᵀ M (so κ(B) = cond) and A = Mᵀ diag(λ) M. Then A Z = B Z diag(λ) and Zᵀ B Z = I for
 * Z = M⁻¹ = W diag(1/s) Uᵀ, so the exact eigenvectors (and B-orthogonal projectors onto any cluster) are known
 * without calling an eigensolver.
 */
import { Tensor, add, matmul, scale, transpose } from '@ad/core';
import { exactOuter, mm, projector, randomUnitary, rng } from './helpers.js';

/** A symmetric-definite pencil with its exact eigenvector matrix Z (Zᵀ B Z = I, A Z = B Z diag(λ)). */
export interface Pencil {
  A: Tensor;
  B: Tensor;
  /** Exact eigenvectors as columns, row-major n×n (float64 numbers). */
  Z: Float64Array;
  n: number;
}

function tr(X: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = X[i * n + j]!;
  return out;
}

/** Mirrors the lower triangle onto the upper one (an exactly symmetric matrix). */
function mirror(X: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) X[j * n + i] = X[i * n + j]!;
  return X;
}

/**
 * A pencil (A, B) with generalized eigenvalues `values` and κ(B) = `cond` (default 10), seeded.
 * `dtype: 'float32'` rounds A and B to float32 (Z is then exact only to float32 accuracy).
 */
export function pencil(values: readonly number[], seed: number, opts: { cond?: number; dtype?: 'float64' | 'float32' } = {}): Pencil {
  const n = values.length;
  const cond = opts.cond ?? 10;
  const r = rng(seed);
  const U = randomUnitary(n, r, false).re;
  const W = randomUnitary(n, r, false).re;
  const s = Array.from({ length: n }, (_, i) => (n === 1 ? 1 : Math.sqrt(cond) ** (i / (n - 1))));
  const D = (d: readonly number[]) => {
    const out = new Float64Array(n * n);
    d.forEach((v, i) => (out[i * n + i] = v));
    return out;
  };
  const M = mm(mm(U, D(s), n), tr(W, n), n);
  const Mt = tr(M, n);
  const B = mirror(mm(Mt, M, n), n);
  const A = mirror(mm(mm(Mt, D(values), n), M, n), n);
  const Z = mm(mm(W, D(s.map((x) => 1 / x)), n), tr(U, n), n);
  const dtype = opts.dtype ?? 'float64';
  const t = (X: Float64Array) => new Tensor([n, n], dtype, dtype === 'float32' ? Float32Array.from(X) : X);
  return { A: t(A), B: t(B), Z, n };
}

/** Z_C Z_Cᵀ for columns [start, end) of the pencil's exact eigenvectors. */
export function exactZZ(p: Pencil, start: number, end: number): Tensor {
  return exactOuter(p.Z, p.n, p.Z, p.n, start, end);
}

/** The exact B-orthogonal projector Z_C Z_Cᵀ B onto columns [start, end) of the pencil's eigenvectors. */
export function exactBProjector(p: Pencil, start: number, end: number): Tensor {
  return new Tensor([p.n, p.n], 'float64', mm(exactZZ(p, start, end).data as Float64Array, Float64Array.from(p.B.data), p.n));
}

/**
 * V_C V_Cᵀ for columns [start, end): invariant under rotations of the (B-orthonormal) basis of the columns — not a
 * projector for B-orthonormal V, but the same computation as the column projector of helpers.ts.
 */
export const outer = projector;

/**
 * The B-orthogonal projector V_C V_Cᵀ B onto the span of columns [start, end), with core ops (differentiable in B
 * too). B enters as (B + Bᵀ)/2 — the same matrix, but then the loss is a function of symmetric B only and its
 * gradient lies in the symmetric structure the harness checks.
 */
export function bProjector(V: Tensor, B: Tensor, start: number, end: number): Tensor {
  return matmul(outer(V, start, end), scale(add(B, transpose(B)), 0.5));
}

/** A random SPD matrix with eigenvalues in [1, cond] as a plain pencil-free helper (for B alone). */
export function randomSpd(n: number, seed: number, cond = 10): Tensor {
  return pencil(Array.from({ length: n }, () => 1), seed, { cond }).B;
}

/** max |Vᵀ B V − I| for one n×n matrix, in float64 on plain numbers. */
export function bOrthonormality(V: Tensor, B: Tensor): number {
  const n = V.shape[V.shape.length - 1]!;
  const v = Float64Array.from(V.data);
  const G = mm(mm(tr(v, n), Float64Array.from(B.data), n), v, n);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(G[i * n + j]! - (i === j ? 1 : 0)));
  return worst;
}

/**
 * The normalized residual maxⱼ ‖A vⱼ − λⱼ B vⱼ‖ / ((‖A‖_F + |λⱼ| ‖B‖_F) ‖vⱼ‖), in float64 on plain numbers.
 */
export function residual(A: Tensor, B: Tensor, values: Tensor, V: Tensor): number {
  const n = V.shape[V.shape.length - 1]!;
  const a = Float64Array.from(A.data);
  const b = Float64Array.from(B.data);
  const fro = (X: Float64Array) => Math.sqrt(X.reduce((p, x) => p + x * x, 0));
  let worst = 0;
  for (let j = 0; j < n; j++) {
    const lam = values.data[j]!;
    let r2 = 0;
    let v2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[i * n + k]! - lam * b[i * n + k]!) * V.data[k * n + j]!;
      r2 += s * s;
      v2 += V.data[i * n + j]! ** 2;
    }
    worst = Math.max(worst, Math.sqrt(r2) / ((fro(a) + Math.abs(lam) * fro(b)) * Math.sqrt(v2)));
  }
  return worst;
}
