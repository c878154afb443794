// Independent references for the matmul tests: the textbook triple loop (float64, no blocking, no packing).

/**
 * C = op(A)·op(B) by the triple loop in float64, and the elementwise bound matrix |op(A)|·|op(B)|.
 * A is stored m×k (k×m when transA), B k×n (n×k when transB).
 */
export function naiveGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  offA = 0,
  offB = 0,
): { C: Float64Array; abs: Float64Array } {
  const C = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const a = transA ? A[offA + p * m + i]! : A[offA + i * k + p]!;
        const b = transB ? B[offB + j * k + p]! : B[offB + p * n + j]!;
        s += a * b;
        t += Math.abs(a) * Math.abs(b);
      }
      C[i * n + j] = s;
      abs[i * n + j] = t;
    }
  }
  return { C, abs };
}

/** Deterministic uniform [−1, 1) numbers (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomF64(rand: () => number, len: number): Float64Array {
  const x = new Float64Array(len);
  for (let i = 0; i < len; i++) x[i] = rand();
  return x;
}

export function randomF32(rand: () => number, len: number): Float32Array {
  const x = new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = rand();
  return x;
}

/**
 * Largest ratio |X − Y| / (4·k·ε·bound) over the entries (≤ 1 means within the parity bound); entries with a zero
 * bound must agree exactly. Returns the worst ratio and where.
 */
export function worstRatio(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  bound: ArrayLike<number>,
  k: number,
  eps: number,
): { ratio: number; index: number } {
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < bound.length; i++) {
    const d = Math.abs(X[i]! - Y[i]!);
    const tol = 4 * Math.max(k, 1) * eps * bound[i]!;
    const r = d === 0 ? 0 : tol === 0 ? Infinity : d / tol;
    if (!(r <= ratio)) {
      ratio = r;
      index = i;
    }
  }
  return { ratio, index };
}

/** ε of float32: 2⁻²³. */
export const EPS32 = 2 ** -23;
/** ε of float64: 2⁻⁵². */
export const EPS64 = Number.EPSILON;
