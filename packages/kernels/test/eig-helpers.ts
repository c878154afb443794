/**
 * Independent checks and test matrices for the general eigensolver and LU tests. Nothing here calls the kernels under
 * test: residuals are dense complex products, orthogonal factors come from Gram–Schmidt, reference spectra are built
 * in (A = S Λ S⁻¹ with known Λ) or come from ml-matrix.
 */

export const EPS = 2 ** -52;

/** Deterministic uniform numbers in [−1, 1) (mulberry32; tests must not depend on Math.random). */
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

/** Random n×n matrix with entries uniform in [−1, 1), row-major. */
export function randomMatrix(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n * n }, () => r());
}

/** Row-major product of real n×n matrices. */
export function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k]!;
      for (let j = 0; j < n; j++) C[i * n + j]! += a * B[k * n + j]!;
    }
  }
  return C;
}

export function transpose(A: Float64Array, n: number): Float64Array {
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) T[j * n + i] = A[i * n + j]!;
  return T;
}

/** Random orthogonal n×n matrix (row-major) by modified Gram–Schmidt, applied twice, on a random matrix. */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const Q = transpose(randomMatrix(n, seed), n); // work on rows = columns of the result
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += Q[j * n + i]! * Q[k * n + i]!;
        for (let i = 0; i < n; i++) Q[j * n + i]! -= d * Q[k * n + i]!;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += Q[j * n + i]! ** 2;
      s = Math.sqrt(s);
      for (let i = 0; i < n; i++) Q[j * n + i]! /= s;
    }
  }
  return transpose(Q, n);
}

/** Largest column 2-norm of a (complex) row-major matrix: a lower bound on ‖A‖₂, so bounds using it are strict. */
export function normLowerBound(Are: Float64Array, Aim: Float64Array | null, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Are[i * n + j]! ** 2 + (Aim === null ? 0 : Aim[i * n + j]! ** 2);
    best = Math.max(best, Math.sqrt(s));
  }
  return best;
}

export interface EigLike {
  valuesRe: Float64Array;
  valuesIm: Float64Array;
  vectorsRe: Float64Array | null;
  vectorsIm: Float64Array | null;
  leftRe?: Float64Array;
  leftIm?: Float64Array;
}

/** max_j ‖A v_j − λ_j v_j‖₂ for column-major eigenvectors (dense complex product). */
export function maxResidual(Are: Float64Array, Aim: Float64Array | null, n: number, r: EigLike): number {
  const Vr = r.vectorsRe!;
  const Vi = r.vectorsIm!;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    const lr = r.valuesRe[k]!;
    const li = r.valuesIm[k]!;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const ar = Are[i * n + j]!;
        const ai = Aim === null ? 0 : Aim[i * n + j]!;
        const vr = Vr[j + k * n]!;
        const vi = Vi[j + k * n]!;
        sr += ar * vr - ai * vi;
        si += ar * vi + ai * vr;
      }
      const vr = Vr[i + k * n]!;
      const vi = Vi[i + k * n]!;
      sr -= lr * vr - li * vi;
      si -= lr * vi + li * vr;
      s2 += sr * sr + si * si;
    }
    worst = Math.max(worst, Math.sqrt(s2));
  }
  return worst;
}

/** max_j ‖w_jᴴ A − λ_j w_jᴴ‖₂ for column-major left eigenvectors. */
export function maxLeftResidual(Are: Float64Array, Aim: Float64Array | null, n: number, r: EigLike): number {
  const Wr = r.leftRe!;
  const Wi = r.leftIm!;
  let worst = 0;
  let wnorm = 0;
  for (let k = 0; k < n; k++) {
    // (wᴴA)_j = Σ_i conj(w_i) A_ij ;  residual_j = (wᴴA)_j − λ conj(w_j)
    const lr = r.valuesRe[k]!;
    const li = r.valuesIm[k]!;
    let s2 = 0;
    let w2 = 0;
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        const wr = Wr[i + k * n]!;
        const wi = -Wi[i + k * n]!;
        const ar = Are[i * n + j]!;
        const ai = Aim === null ? 0 : Aim[i * n + j]!;
        sr += wr * ar - wi * ai;
        si += wr * ai + wi * ar;
      }
      const wr = Wr[j + k * n]!;
      const wi = -Wi[j + k * n]!;
      sr -= lr * wr - li * wi;
      si -= lr * wi + li * wr;
      s2 += sr * sr + si * si;
      w2 += wr * wr + wi * wi;
    }
    worst = Math.max(worst, Math.sqrt(s2) / Math.sqrt(w2));
    wnorm = Math.max(wnorm, Math.sqrt(w2));
  }
  return worst;
}

/** max |(Wᴴ V − I)_ij| for column-major W, V. */
export function biorthogonalityError(r: EigLike, n: number): number {
  const Vr = r.vectorsRe!;
  const Vi = r.vectorsIm!;
  const Wr = r.leftRe!;
  const Wi = r.leftIm!;
  let worst = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        const wr = Wr[i + a * n]!;
        const wi = -Wi[i + a * n]!;
        const vr = Vr[i + b * n]!;
        const vi = Vi[i + b * n]!;
        sr += wr * vr - wi * vi;
        si += wr * vi + wi * vr;
      }
      worst = Math.max(worst, Math.hypot(sr - (a === b ? 1 : 0), si));
    }
  }
  return worst;
}

/** Largest deviation of a column 2-norm from 1. */
export function unitNormError(r: EigLike, n: number): number {
  let worst = 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += r.vectorsRe![i + k * n]! ** 2 + r.vectorsIm![i + k * n]! ** 2;
    worst = Math.max(worst, Math.abs(Math.sqrt(s) - 1));
  }
  return worst;
}

/**
 * Checks DESIGN.md's phase convention independently: the lowest index whose modulus is within 1e-8 of the column's
 * largest modulus holds a real, positive entry. Returns the list of offending columns.
 */
export function phaseViolations(r: EigLike, n: number): number[] {
  const bad: number[] = [];
  for (let k = 0; k < n; k++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.hypot(r.vectorsRe![i + k * n]!, r.vectorsIm![i + k * n]!));
    let p = -1;
    for (let i = 0; i < n; i++) {
      if (Math.hypot(r.vectorsRe![i + k * n]!, r.vectorsIm![i + k * n]!) >= max * (1 - 1e-8 * 1.0000001)) {
        p = i;
        break;
      }
    }
    if (p < 0 || r.vectorsIm![p + k * n] !== 0 || !(r.vectorsRe![p + k * n]! > 0)) bad.push(k);
  }
  return bad;
}

/**
 * True when the values follow DESIGN.md's order: by real part, then imaginary part, where real parts closer than
 * rtol·max|λ| count as equal. "Closer than" is taken transitively (a chain of close real parts forms one group, as
 * the degeneracy clusters do), so the check rebuilds the groups from the multiset of values and compares sequences.
 */
export function isOrdered(re: Float64Array, im: Float64Array, rtol = 1e-12): boolean {
  const n = re.length;
  let scale = 0;
  for (let k = 0; k < n; k++) scale = Math.max(scale, Math.hypot(re[k]!, im[k]!));
  const tol = rtol * scale;
  const byRe = Array.from({ length: n }, (_, k) => k).sort((a, b) => re[a]! - re[b]! || im[a]! - im[b]!);
  const expected: number[] = [];
  let group: number[] = [];
  const flush = (): void => {
    group.sort((a, b) => im[a]! - im[b]! || re[a]! - re[b]!);
    expected.push(...group);
    group = [];
  };
  for (let t = 0; t < n; t++) {
    if (t > 0 && re[byRe[t]!]! - re[byRe[t - 1]!]! > tol) flush();
    group.push(byRe[t]!);
  }
  flush();
  return expected.every((k, t) => re[k] === re[t] && im[k] === im[t]);
}

/**
 * Distance between two multisets of complex numbers: each value of `a` is matched greedily to its nearest unused
 * value of `b`; returns the largest matched distance (Infinity if the sizes differ).
 */
export function spectrumDistance(aRe: ArrayLike<number>, aIm: ArrayLike<number>, bRe: ArrayLike<number>, bIm: ArrayLike<number>): number {
  if (aRe.length !== bRe.length) return Infinity;
  const used = new Array<boolean>(bRe.length).fill(false);
  let worst = 0;
  for (let i = 0; i < aRe.length; i++) {
    let best = -1;
    let bd = Infinity;
    for (let j = 0; j < bRe.length; j++) {
      if (used[j]) continue;
      const d = Math.hypot(aRe[i]! - bRe[j]!, aIm[i]! - bIm[j]!);
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    used[best] = true;
    worst = Math.max(worst, bd);
  }
  return worst;
}

/**
 * A = S · blockdiag(Λ) · S⁻¹ for a real S: real eigenvalues on the diagonal and complex pairs a ± bi as 2×2 blocks
 * [[a, b], [−b, a]]. S⁻¹ is computed by Gauss–Jordan with partial pivoting (test-local, independent of lu.ts).
 */
export function realWithSpectrum(
  realValues: number[],
  pairs: Array<[number, number]>,
  seed: number,
  sScale = 1,
): { A: Float64Array; n: number; re: number[]; im: number[] } {
  const n = realValues.length + 2 * pairs.length;
  const D = new Float64Array(n * n);
  const re: number[] = [];
  const im: number[] = [];
  let k = 0;
  for (const v of realValues) {
    D[k * n + k] = v;
    re.push(v);
    im.push(0);
    k++;
  }
  for (const [a, b] of pairs) {
    D[k * n + k] = a;
    D[k * n + k + 1] = b;
    D[(k + 1) * n + k] = -b;
    D[(k + 1) * n + k + 1] = a;
    re.push(a, a);
    im.push(b, -b);
    k += 2;
  }
  const S = randomMatrix(n, seed);
  for (let i = 0; i < n; i++) S[i * n + i]! += sScale * 2;
  const Sinv = gaussJordanInverse(S, n);
  return { A: matmul(matmul(S, D, n), Sinv, n), n, re, im };
}

/** Inverse of a real row-major matrix by Gauss–Jordan elimination with partial pivoting. */
export function gaussJordanInverse(M: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(M);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    for (let j = 0; j < n; j++) {
      [a[c * n + j], a[p * n + j]] = [a[p * n + j]!, a[c * n + j]!];
      [inv[c * n + j], inv[p * n + j]] = [inv[p * n + j]!, inv[c * n + j]!];
    }
    const d = a[c * n + c]!;
    for (let j = 0; j < n; j++) {
      a[c * n + j]! /= d;
      inv[c * n + j]! /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        a[r * n + j]! -= f * a[c * n + j]!;
        inv[r * n + j]! -= f * inv[c * n + j]!;
      }
    }
  }
  return inv;
}

/** Companion matrix (row-major) of the monic polynomial with the given real roots and complex-conjugate root pairs. */
export function companion(realRoots: number[], pairs: Array<[number, number]>): { A: Float64Array; n: number } {
  // Coefficients of Π (x − r) Π (x² − 2a x + a² + b²), highest degree first.
  let c = [1];
  const mul = (q: number[]): void => {
    const out = new Array<number>(c.length + q.length - 1).fill(0);
    for (let i = 0; i < c.length; i++) for (let j = 0; j < q.length; j++) out[i + j]! += c[i]! * q[j]!;
    c = out;
  };
  for (const r of realRoots) mul([1, -r]);
  for (const [a, b] of pairs) mul([1, -2 * a, a * a + b * b]);
  const n = c.length - 1;
  const A = new Float64Array(n * n);
  for (let j = 0; j < n; j++) A[j] = -c[j + 1]!;
  for (let i = 1; i < n; i++) A[i * n + i - 1] = 1;
  return { A, n };
}
