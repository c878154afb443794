/**
 * Independent checks and test matrices for the symmetric / Hermitian eigensolver tests. Nothing here calls the
 * solvers under test: residuals are dense products, reference eigenvalues come from ml-matrix.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export const EPS = 2 ** -52;

/** Deterministic uniform numbers in [−0.5, 0.5) (a 32-bit LCG; tests must not depend on Math.random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** Random symmetric n×n matrix, row-major. */
export function randomSymmetric(n: number, seed: number): Float64Array {
  const r = lcg(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = r();
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

/** Random Hermitian n×n matrix as row-major real and imaginary parts (real diagonal). */
export function randomHermitian(n: number, seed: number): { re: Float64Array; im: Float64Array } {
  const r = lcg(seed);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    re[i * n + i] = r();
    for (let j = 0; j < i; j++) {
      const a = r();
      const b = r();
      re[i * n + j] = a;
      re[j * n + i] = a;
      im[i * n + j] = b;
      im[j * n + i] = -b;
    }
  }
  return { re, im };
}

/**
 * Random orthogonal n×n matrix (column-major = row-major up to transpose, which is also orthogonal) as a product of
 * n random Householder reflections.
 */
export function randomOrthogonal(n: number, seed: number): Float64Array {
  const r = lcg(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let uu = 0;
    for (let i = 0; i < n; i++) {
      u[i] = r();
      uu += u[i]! * u[i]!;
    }
    // Q ← Q (I − 2 u uᵀ / uᵀu)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k]! * u[k]!;
      const f = (2 * s) / uu;
      for (let k = 0; k < n; k++) Q[i * n + k] = Q[i * n + k]! - f * u[k]!;
    }
  }
  return Q;
}

/** Random unitary n×n matrix (row-major real/imaginary parts): complex Householder reflections I − 2 u uᴴ / uᴴu. */
export function randomUnitary(n: number, seed: number): { re: Float64Array; im: Float64Array } {
  const r = lcg(seed);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) re[i * n + i] = 1;
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let uu = 0;
    for (let i = 0; i < n; i++) {
      ur[i] = r();
      ui[i] = r();
      uu += ur[i]! ** 2 + ui[i]! ** 2;
    }
    // Q ← Q (I − 2 u uᴴ/uᴴu): row i gets −(2/uᴴu)(Σ_k Q_ik u_k) conj(u_l) at column l.
    for (let i = 0; i < n; i++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const qr = re[i * n + k]!;
        const qi = im[i * n + k]!;
        sr += qr * ur[k]! - qi * ui[k]!;
        si += qr * ui[k]! + qi * ur[k]!;
      }
      const fr = (2 * sr) / uu;
      const fi = (2 * si) / uu;
      for (let l = 0; l < n; l++) {
        // f · conj(u_l)
        re[i * n + l] = re[i * n + l]! - (fr * ur[l]! + fi * ui[l]!);
        im[i * n + l] = im[i * n + l]! - (fi * ur[l]! - fr * ui[l]!);
      }
    }
  }
  return { re, im };
}

/** Row-major Q diag(λ) Qᵀ for a row-major orthogonal Q, symmetrized exactly. */
export function withSpectrum(Q: Float64Array, lambda: ArrayLike<number>): Float64Array {
  const n = lambda.length;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
      A[i * n + j] = s;
      A[j * n + i] = s;
    }
  }
  return A;
}

/** Row-major U diag(λ) Uᴴ for a row-major unitary U, made exactly Hermitian. */
export function withSpectrumComplex(
  U: { re: Float64Array; im: Float64Array },
  lambda: ArrayLike<number>,
): { re: Float64Array; im: Float64Array } {
  const n = lambda.length;
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        // U_ik λ_k conj(U_jk)
        const ar = U.re[i * n + k]!;
        const ai = U.im[i * n + k]!;
        const br = U.re[j * n + k]!;
        const bi = U.im[j * n + k]!;
        sr += lambda[k]! * (ar * br + ai * bi);
        si += lambda[k]! * (ai * br - ar * bi);
      }
      re[i * n + j] = sr;
      re[j * n + i] = sr;
      im[i * n + j] = i === j ? 0 : si;
      im[j * n + i] = i === j ? 0 : -si;
    }
  }
  return { re, im };
}

/** Largest magnitude in one or two arrays (1 if all are zero), used to keep the checks below from over/underflowing. */
function maxAbs(A: ArrayLike<number>, B?: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < A.length; i++) m = Math.max(m, Math.abs(A[i]!), B ? Math.abs(B[i]!) : 0);
  return m > 0 ? m : 1;
}

/** ‖A‖_F (of A + iB when B is given), computed in units of max|entry| so entries near 1e±300 are fine. */
export function frobenius(A: ArrayLike<number>, B?: ArrayLike<number>): number {
  const m = maxAbs(A, B);
  let s = 0;
  for (let i = 0; i < A.length; i++) s += (A[i]! / m) ** 2 + (B ? (B[i]! / m) ** 2 : 0);
  return m * Math.sqrt(s);
}

/** ‖AV − VΛ‖_F for row-major A and column-major V (in units of max|A_ij|, then scaled back). */
export function residual(A: Float64Array, values: Float64Array, V: Float64Array, n: number): number {
  const m = maxAbs(A);
  let s = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += (A[i * n + k]! / m) * V[k + j * n]!;
      t -= (values[j]! / m) * V[i + j * n]!;
      s += t * t;
    }
  }
  return m * Math.sqrt(s);
}

/** ‖VᵀV − I‖_F for column-major V. */
export function orthogonality(V: Float64Array, n: number): number {
  let s = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += V[k + a * n]! * V[k + b * n]!;
      if (a === b) t -= 1;
      s += t * t;
    }
  }
  return Math.sqrt(s);
}

/** ‖AV − VΛ‖_F for complex row-major A and complex column-major V (in units of max|A_ij|, then scaled back). */
export function residualComplex(
  Ar: Float64Array,
  Ai: Float64Array,
  values: Float64Array,
  Vr: Float64Array,
  Vi: Float64Array,
  n: number,
): number {
  const m = maxAbs(Ar, Ai);
  let s = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let tr = 0;
      let ti = 0;
      for (let k = 0; k < n; k++) {
        const ar = Ar[i * n + k]! / m;
        const ai = Ai[i * n + k]! / m;
        const vr = Vr[k + j * n]!;
        const vi = Vi[k + j * n]!;
        tr += ar * vr - ai * vi;
        ti += ar * vi + ai * vr;
      }
      tr -= (values[j]! / m) * Vr[i + j * n]!;
      ti -= (values[j]! / m) * Vi[i + j * n]!;
      s += tr * tr + ti * ti;
    }
  }
  return m * Math.sqrt(s);
}

/** ‖VᴴV − I‖_F for complex column-major V. */
export function orthogonalityComplex(Vr: Float64Array, Vi: Float64Array, n: number): number {
  let s = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let tr = 0;
      let ti = 0;
      for (let k = 0; k < n; k++) {
        const xr = Vr[k + a * n]!;
        const xi = Vi[k + a * n]!;
        const yr = Vr[k + b * n]!;
        const yi = Vi[k + b * n]!;
        tr += xr * yr + xi * yi;
        ti += xr * yi - xi * yr;
      }
      if (a === b) tr -= 1;
      s += tr * tr + ti * ti;
    }
  }
  return Math.sqrt(s);
}

/** Eigenvalues of a real symmetric matrix by ml-matrix (JAMA's tred2/tql2 on row-major 2-D arrays), ascending. */
export function mlEigenvalues(A: Float64Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  // JAMA underflows (overflows) for entries below 1e-154 (above 1e154): its QL step multiplies two off-diagonals.
  // Feed it A/2^k with max|A|/2^k near 1 (exact for normal numbers) and scale the eigenvalues back.
  const s = 2 ** Math.round(Math.log2(maxAbs(A)));
  const rows = Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n), (x) => x / s));
  const values = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues;
  return Float64Array.from(values, (x) => x * s).sort();
}

/** Eigenvalues of a Hermitian matrix by ml-matrix through the real embedding [[Re, −Im], [Im, Re]] (each doubled). */
export function mlEigenvaluesHermitian(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const N = 2 * n;
  const E = new Float64Array(N * N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      E[i * N + j] = re[i * n + j]!;
      E[(i + n) * N + j + n] = re[i * n + j]!;
      E[(i + n) * N + j] = im[i * n + j]!;
      E[i * N + j + n] = -im[i * n + j]!;
    }
  }
  const doubled = mlEigenvalues(E, N);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = 0.5 * (doubled[2 * j]! + doubled[2 * j + 1]!);
  return out;
}

/** True if every column's pivot (largest-magnitude entry, ties within 1e-8 to the lowest index) is positive (real). */
export function signConventionHolds(re: Float64Array, im: Float64Array | null, n: number, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, Math.hypot(re[i + j * n]!, im ? im[i + j * n]! : 0));
    if (max === 0) continue;
    let p = 0;
    while (Math.hypot(re[p + j * n]!, im ? im[p + j * n]! : 0) < max * (1 - 1e-8)) p++;
    if (!(re[p + j * n]! > 0)) return false;
    if (im && im[p + j * n]! !== 0) return false;
  }
  return true;
}
