/**
 * Test helpers for the eig tests: seeded random matrices, matrices with a prescribed spectrum built independently of
 * the code under test (S B S⁻¹ with B block diagonal — 1×1 real blocks and 2×2 [[a, b], [−b, a]] blocks for conjugate
 * pairs — and S⁻¹ by Gauss–Jordan here), dense residuals, and phase-invariant views of eigenvectors. The PRNG and the
 * plain-number product are in helpers.ts.
 */
import { Tensor, abs, conj, grad, mul, real, square, type DType } from '@ad/core';
import { mm, rng } from './helpers.js';

/** Uniform entries in [−1, 1): a real (or complex) n×n matrix. */
export function randomMatrix(n: number, seed: number, opts: { complex?: boolean; dtype?: DType } = {}): Tensor {
  const r = rng(seed);
  const re = Float64Array.from({ length: n * n }, () => 2 * r() - 1);
  if (opts.complex) return new Tensor([n, n], 'complex128', re, Float64Array.from({ length: n * n }, () => 2 * r() - 1));
  if (opts.dtype === 'float32') return new Tensor([n, n], 'float32', Float32Array.from(re));
  return new Tensor([n, n], 'float64', re);
}

/** Inverse of a row-major n×n real matrix by Gauss–Jordan with partial pivoting (independent of @ad/kernels). */
export function invert(n: number, M: Float64Array): Float64Array {
  const a = Float64Array.from(M);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[p * n + k]!)) p = i;
    for (let j = 0; j < n; j++) {
      [a[k * n + j], a[p * n + j]] = [a[p * n + j]!, a[k * n + j]!];
      [inv[k * n + j], inv[p * n + j]] = [inv[p * n + j]!, inv[k * n + j]!];
    }
    const d = a[k * n + k]!;
    for (let j = 0; j < n; j++) {
      a[k * n + j] /= d;
      inv[k * n + j] /= d;
    }
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const f = a[i * n + k]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[i * n + j] -= f * a[k * n + j]!;
        inv[i * n + j] -= f * inv[k * n + j]!;
      }
    }
  }
  return inv;
}

/**
 * A real matrix S B S⁻¹ with the given spectrum: each entry is a real eigenvalue or a pair `[a, b]` standing for
 * a ± bi (b > 0). S = I + `skew`·(uniform noise), so cond(V) grows with `skew` (non-normality).
 */
export function realWithSpectrum(spectrum: readonly (number | readonly [number, number])[], seed: number, skew = 0.5): Tensor {
  const n = spectrum.reduce<number>((m, s) => m + (typeof s === 'number' ? 1 : 2), 0);
  const B = new Float64Array(n * n);
  let k = 0;
  for (const s of spectrum) {
    if (typeof s === 'number') {
      B[k * n + k] = s;
      k++;
    } else {
      const [a, b] = s;
      B[k * n + k] = a;
      B[k * n + k + 1] = b;
      B[(k + 1) * n + k] = -b;
      B[(k + 1) * n + k + 1] = a;
      k += 2;
    }
  }
  const r = rng(seed);
  const S = Float64Array.from({ length: n * n }, () => skew * (2 * r() - 1));
  for (let i = 0; i < n; i++) S[i * n + i] += 1;
  return new Tensor([n, n], 'float64', mm(mm(S, B, n), invert(n, S), n));
}

/** ‖A V − V diag(λ)‖_F / ‖A‖_F and max_j |‖v_j‖ − 1| of one complex (or real) matrix, computed directly. */
export function residual(A: Tensor, values: Tensor, V: Tensor): { rel: number; norm: number } {
  const n = A.shape[A.shape.length - 1]!;
  const ar = A.data;
  const ai = A.im ?? new Float64Array(A.size);
  const vr = V.data;
  const vi = V.im!;
  let r = 0;
  let na = 0;
  let norm = 0;
  for (let k = 0; k < n * n; k++) na += ar[k]! ** 2 + ai[k]! ** 2;
  for (let j = 0; j < n; j++) {
    const lr = values.data[j]!;
    const li = values.im![j]!;
    let s = 0;
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        sr += ar[i * n + k]! * vr[k * n + j]! - ai[i * n + k]! * vi[k * n + j]!;
        si += ar[i * n + k]! * vi[k * n + j]! + ai[i * n + k]! * vr[k * n + j]!;
      }
      sr -= lr * vr[i * n + j]! - li * vi[i * n + j]!;
      si -= lr * vi[i * n + j]! + li * vr[i * n + j]!;
      r += sr * sr + si * si;
      s += vr[i * n + j]! ** 2 + vi[i * n + j]! ** 2;
    }
    norm = Math.max(norm, Math.abs(Math.sqrt(s) - 1));
  }
  return { rel: Math.sqrt(r / na), norm };
}

/** The complex numbers of a complex128 tensor as [re, im] pairs. */
export function pairs(t: Tensor): [number, number][] {
  return Array.from(t.data, (r, k) => [r, t.im ? t.im[k]! : 0]);
}

/** |V_ij|² entrywise: a phase-invariant view of eigenvectors. */
export function absSquared(V: Tensor): Tensor {
  return real(mul(V, conj(V)));
}

/** Phase-invariant view of eig's output: the eigenvalues and |V|². */
export function invariantView(y: { values: Tensor; vectors: Tensor }): { values: Tensor; weights: Tensor } {
  return { values: y.values, weights: square(abs(y.vectors)) };
}

/** Phase-invariant view with left vectors: V_ij conj(W_ij), the diagonals of the spectral projectors v_j w_jᴴ. */
export function leftView(y: { values: Tensor; vectors: Tensor; leftVectors?: Tensor }): { values: Tensor; vw: Tensor } {
  return { values: y.values, vw: mul(y.vectors, conj(y.leftVectors!)) };
}

/** grad(f)(x) typed as a Tensor (f has one Tensor argument). */
export function gradT(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x) => grad(f)(x) as Tensor;
}
