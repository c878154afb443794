/**
 * Test helpers for the eigh tests: seeded Hermitian matrices with a prescribed spectrum (independent of the code under
 * test: built as Q diag(λ) Qᴴ from a Gram–Schmidt orthonormalized Gaussian), random Hermitian directions, exact
 * spectral projectors, and gauge-invariant views of eigenvectors. The generic pieces (PRNG, finite differences on
 * plain numbers, norms, core-op views) are in helpers.ts.
 */
import { Tensor, complex, conj, mul, real, slice, sum, tensor, type DType } from '@ad/core';
import { randn, randomUnitary, rng } from './helpers.js';

/** Q diag(λ) Qᴴ (exactly Hermitian: the upper triangle is mirrored from the lower), with its Q returned too. */
export function withSpectrum(
  values: readonly number[],
  seed: number,
  opts: { complex?: boolean; dtype?: DType } = {},
): { A: Tensor; Q: { re: Float64Array; im: Float64Array } } {
  const n = values.length;
  const isComplex = opts.complex === true;
  const Q = randomUnitary(n, rng(seed), isComplex);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        // Q_ik λ_k conj(Q_jk)
        const ar = Q.re[i * n + k]!;
        const ai = Q.im[i * n + k]!;
        const br = Q.re[j * n + k]!;
        const bi = -Q.im[j * n + k]!;
        sr += values[k]! * (ar * br - ai * bi);
        si += values[k]! * (ar * bi + ai * br);
      }
      re[i * n + j] = sr;
      re[j * n + i] = sr;
      im[i * n + j] = i === j ? 0 : si;
      im[j * n + i] = i === j ? 0 : -si;
    }
  }
  if (isComplex) return { A: complex(new Tensor([n, n], 'float64', re), new Tensor([n, n], 'float64', im)), Q };
  const dtype = opts.dtype ?? 'float64';
  return { A: new Tensor([n, n], dtype, dtype === 'float32' ? Float32Array.from(re) : re), Q };
}

/** A random symmetric (Hermitian if complex) direction with entries O(1). */
export function randomHermitian(n: number, seed: number, isComplex = false, dtype: DType = 'float64'): Tensor {
  const r = rng(seed);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = randn(r);
      re[i * n + j] = x;
      re[j * n + i] = x;
      if (isComplex && i !== j) {
        const y = randn(r);
        im[i * n + j] = y;
        im[j * n + i] = -y;
      }
    }
  }
  if (isComplex) return complex(new Tensor([n, n], 'float64', re), new Tensor([n, n], 'float64', im));
  return new Tensor([n, n], dtype, dtype === 'float32' ? Float32Array.from(re) : re);
}

/** max |X − Xᴴ| over the trailing matrices (0 for an exactly Hermitian cotangent). */
export function asymmetry(X: Tensor): number {
  const n = X.shape[X.shape.length - 1]!;
  let worst = 0;
  for (let o = 0; o < X.size; o += n * n) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const dr = X.data[o + i * n + j]! - X.data[o + j * n + i]!;
        const di = X.im ? X.im[o + i * n + j]! + X.im[o + j * n + i]! : 0;
        worst = Math.max(worst, Math.hypot(dr, di));
      }
    }
  }
  return worst;
}

/** Σ |V[row, i]|² over columns [start, end) — the weight of the cluster's eigenspace on one coordinate. */
export function clusterWeight(V: Tensor, row: number, start: number, end: number): Tensor {
  const block = slice(V, [row, start], [row + 1, end]);
  return sum(real(mul(block, conj(block))));
}

/** The matrix P_C = Q_C Q_Cᴴ from the exact Q of {@link withSpectrum}: the true spectral projector. */
export function exactProjector(Q: { re: Float64Array; im: Float64Array }, n: number, start: number, end: number, isComplex: boolean): Tensor {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = start; k < end; k++) {
        const ar = Q.re[i * n + k]!;
        const ai = Q.im[i * n + k]!;
        const br = Q.re[j * n + k]!;
        const bi = -Q.im[j * n + k]!;
        re[i * n + j] += ar * br - ai * bi;
        im[i * n + j] += ar * bi + ai * br;
      }
    }
  }
  if (isComplex) return complex(new Tensor([n, n], 'float64', re), new Tensor([n, n], 'float64', im));
  return new Tensor([n, n], 'float64', re);
}

/** Diagonal matrix as a Tensor. */
export function diagonal(values: readonly number[]): Tensor {
  return tensor(values.map((v, i) => values.map((_, j) => (i === j ? v : 0))));
}
