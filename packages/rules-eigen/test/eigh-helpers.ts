/**
 * Test helpers for the eigh tests: seeded random matrices with a prescribed spectrum (independent of the code under
 * test: built as Q diag(λ) Qᴴ from a Gram–Schmidt orthonormalized Gaussian), finite differences on plain numbers, and
 * gauge-invariant views of eigenvectors. Finite differences here only call the primal (eigh without any
 * transformation), so they are an independent route to every derivative.
 */
import { Tensor, adjoint, complex, conj, matmul, mul, real, slice, sum, tensor, type DType } from '@ad/core';

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

/** A random unitary (orthogonal if real) n×n matrix as row-major re/im parts: Gram–Schmidt (twice) on a Gaussian. */
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

/** A random tensor of a shape (real, or complex with `isComplex`). */
export function randomTensor(shape: readonly number[], seed: number, isComplex = false): Tensor {
  const r = rng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const re = new Float64Array(size).map(() => randn(r));
  if (!isComplex) return new Tensor(shape, 'float64', re);
  const im = new Float64Array(size).map(() => randn(r));
  return complex(new Tensor(shape, 'float64', re), new Tensor(shape, 'float64', im));
}

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

/** ‖a − b‖₂ / max(‖b‖₂, floor). */
export function relErr(a: readonly number[], b: readonly number[], floor = 1e-300): number {
  if (a.length !== b.length) throw new Error(`relErr: lengths differ (${a.length} vs ${b.length})`);
  let d = 0;
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    d += (a[k]! - b[k]!) ** 2;
    s += b[k]! ** 2;
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

/** The projector V_C V_Cᴴ onto columns [start, end) of V, with core ops (differentiable). */
export function projector(V: Tensor, start: number, end: number): Tensor {
  const n = V.shape[V.shape.length - 2]!;
  const VC = slice(V, [...V.shape.slice(0, -2).map(() => 0), 0, start], [...V.shape.slice(0, -2), n, end]);
  return matmul(VC, adjoint(VC));
}

/** Σ |V[row, i]|² over columns [start, end) — the weight of the cluster's eigenspace on one coordinate. */
export function clusterWeight(V: Tensor, row: number, start: number, end: number): Tensor {
  const block = slice(V, [row, start], [row + 1, end]);
  return sum(real(mul(block, conj(block))));
}

/** ⟨W, X⟩ = Re Σ conj(W)·X with core ops, for a constant W (a real scalar loss). */
export function innerWith(W: Tensor, X: Tensor): Tensor {
  return sum(real(mul(conj(W), X)));
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
