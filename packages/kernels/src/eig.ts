/**
 * General (non-symmetric) eigendecomposition A V = V Λ for real and complex dense matrices.
 *
 * Pipeline, for a real A (the EISPACK hqr2 / LAPACK xGEEV route, written afresh for flat typed arrays):
 *   1. balancing: a diagonal similarity D⁻¹ A D by powers of two that equalizes row and column norms (xGEBAL, scaling
 *      only), so that small eigenvalues of graded matrices keep their relative accuracy — verified afterwards, see
 *      {@link eigGeneral};
 *   2. Householder reduction to upper Hessenberg form H = Qᵀ A Q (xGEHD2), Q accumulated explicitly (xORGHR);
 *   3. Francis implicit double-shift QR on H to real Schur form T = Zᵀ A Z, with 1×1 and standardized 2×2 diagonal
 *      blocks [[a, b], [c, a]], bc < 0, for complex-conjugate pairs (xLAHQR + xLANV2);
 *   4. eigenvectors of T by back substitution (xTREVC), transformed back by Z and D, normalized to unit 2-norm.
 * For a complex A the same four steps run in complex arithmetic, with a single-shift (Wilkinson) QR iteration driven
 * by Givens rotations to the complex triangular Schur form (xLAHQR for complex).
 *
 * Layout: input row-major; internally H and T are row-major (the QR sweeps and the back substitution walk rows) and
 * the Schur vectors Z are column-major (the rotations and the back transformation walk columns); the output
 * eigenvectors are column-major (vector j contiguous), as DESIGN.md asks of every eigensolver.
 *
 * Paths: for A of order ≥ {@link EIG_CROSSOVER}, steps 2–4 (Hessenberg reduction, Q, the QR iteration, eigenvector
 * back substitution and back transformation), real or complex, run in WASM-SIMD (assembly/eig.ts) when the backend
 * allows it; the code below is the TypeScript reference, which `setBackend('typescript')` forces. The two agree to
 * rounding (test/eig-parity.test.ts). Balancing, ordering, normalization, cond(V) and the left vectors are
 * TypeScript (a real LU of V goes through luFactor's own WASM path).
 *
 * References: J. G. F. Francis, "The QR transformation, parts I and II", Comput. J. 4 (1961–62); B. N. Parlett &
 * C. Reinsch, "Balancing a matrix for calculation of eigenvalues and eigenvectors", Numer. Math. 13 (1969) 293–304;
 * J. H. Wilkinson & C. Reinsch, *Handbook for Automatic Computation II: Linear Algebra* (1971), contributions II/13–15
 * (orthes, hqr2); Golub & Van Loan, *Matrix Computations*, 4th ed. (2013), §7.4–7.6; M. Ahues & F. Tisseur, "A new
 * deflation criterion for the QR algorithm", LAPACK Working Note 122 (1997); E. Anderson et al., *LAPACK Users'
 * Guide*, 3rd ed. (1999) — routines xGEBAL, xGEHD2, xLAHQR, xLANV2, xTREVC.
 */
import { arenaBytes, preferWasm, withWasm } from './backend.js';
import { luFactor, luSolve, type LuFactors } from './lu.js';
import { gemm } from './matmul.js';
import { fixSignPhaseComplex } from './phase.js';

/** Options of {@link eigGeneral}. */
export interface EigGeneralOptions {
  /** Compute right eigenvectors (default true). */
  vectors?: boolean;
  /** Also compute left eigenvectors W with Wᴴ V = I (default false; implies `vectors`). */
  left?: boolean;
  /**
   * Balance A by a diagonal similarity before the reduction (default true, as LAPACK's xGEEV does). When balancing
   * changed A and vectors are computed, the residuals are verified and the computation is redone unbalanced if
   * balancing spoiled them (see {@link eigGeneral}); `false` skips balancing outright.
   */
  balance?: boolean;
  /** Estimate cond(V) = ‖V‖₂‖V⁻¹‖₂ when vectors are computed (default true; costs one LU of V). */
  cond?: boolean;
}

/** Result of {@link eigGeneral}. */
export interface EigGeneralResult {
  /** Real parts of the eigenvalues, ordered by real part, then imaginary part (see {@link eigGeneral}). */
  valuesRe: Float64Array;
  /** Imaginary parts of the eigenvalues (zeros for real eigenvalues). */
  valuesIm: Float64Array;
  /** Real parts of the right eigenvectors, column-major n×n (component i of vector j at [i + j·n]); null if not asked. */
  vectorsRe: Float64Array | null;
  /** Imaginary parts of the right eigenvectors, column-major n×n; null if not asked. */
  vectorsIm: Float64Array | null;
  /** Real parts of the left eigenvectors W (column-major, Wᴴ V = I) when `left: true` and V is invertible. */
  leftRe?: Float64Array;
  /** Imaginary parts of the left eigenvectors. */
  leftIm?: Float64Array;
  /** Estimate of cond₂(V) = ‖V‖₂‖V⁻¹‖₂ (a lower bound, Infinity for an exactly singular V) when vectors were computed. */
  cond?: number;
  /**
   * 0 on success; k > 0 when the QR iteration failed to converge for eigenvalue index k − 1 of the Schur form (those
   * eigenvalues are NaN, the others valid, vectors null); −1 when A has a non-finite entry (all values NaN).
   */
  info: number;
}

const EPS = Number.EPSILON; // 2⁻⁵², LAPACK's ulp = eps·base
const SAFMIN = 2 ** -1022;
/** Relative tolerance under which two real parts count as equal when ordering eigenvalues. */
const ORDER_RTOL = 1e-12;

/**
 * Smallest n for which the real Schur reduction and eigenvectors run in WASM-SIMD under the `'auto'` backend.
 * Measured (tools/bench/README.md, eig section): at n = 4–6 the two paths take the same time (the copies into the
 * arena and the call cost what SIMD saves), from n = 8 on WASM is faster (1.3× at 8, 2× at 16, 2.5–4× from 32).
 */
export const EIG_CROSSOVER = 8;

/**
 * Eigenvalues and (optionally) right and left eigenvectors of a general real or complex square matrix.
 *
 * **Method**: real A (Aim null or identically zero): balancing, Householder Hessenberg reduction, Francis
 * double-shift QR to real Schur form with standardized 2×2 blocks, back substitution for the eigenvectors of the
 * quasi-triangular factor, back transformation (EISPACK hqr2 / LAPACK dgeev). Complex A: the same with complex
 * Householder reflectors and a complex single-shift Wilkinson QR iteration to triangular Schur form (zgeev).
 * A matrix whose largest entry lies outside [2⁻⁴⁶⁰, 2⁴⁶⁰] is first scaled by an exact power of two (xGEEV's
 * dlascl). Balancing is not backward stable in the norm of A (row-graded and nearly reducible matrices are the
 * known failures: Watkins 2006), so whenever it changed A and vectors are wanted, ‖A v − λ v‖ ≤ 32·n·ε·‖A‖ is
 * checked for every pair (A·V by `gemm`, a few % of the total) and the whole computation is redone unbalanced if
 * any pair fails; values-only calls keep the balanced eigenvalues.
 * Left eigenvectors: W = V⁻ᴴ, the rows of V⁻¹ conjugated, through an LU solve with Vᴴ (so Wᴴ V = I to working
 * accuracy relative to cond(V)); for real A through the real matrix Ṽ of the pairs' real and imaginary parts
 * (V = Ṽ·U, U unitary, so W = Ṽ⁻ᵀU and cond(V) = cond(Ṽ)). cond(V): power iteration on VᴴV for ‖V‖₂ and on
 * (VVᴴ)⁻¹ for ‖V⁻¹‖₂ through the same LU factors, at most 30 steps each, stopped at relative change < 1e-3.
 *
 * **Numerical notes**: backward stable — each computed pair satisfies ‖A v − λ v‖ ≲ c·n·ε·‖A‖ (tested at
 * 100·n·ε·‖A‖); the eigenvalues themselves are as accurate as their condition numbers allow (a nearly defective
 * matrix has a large cond(V) and eigenvalues sensitive to O(√ε) or worse). Output conventions (DESIGN.md "Values"):
 * eigenvalues ordered by real part, then imaginary part, where real parts within 1e-12·max|λ| of the previous one
 * in the sorted run count as equal (so a conjugate pair of a real matrix, whose real parts are bitwise equal, comes
 * out as (a − bi, a + bi)); each eigenvector has unit 2-norm and is scaled so that its entry of largest modulus is
 * real and positive, ties going to the lowest index among entries within a relative 1e-8 of the largest. For real
 * A a conjugate pair has exactly conjugate eigenvectors. The QR iteration is bounded by 30·max(10, n) sweeps per
 * eigenvalue with exceptional shifts every 10 sweeps; a failure is reported in `info`, never by a hang. Exactly
 * repeated eigenvalues of a defective matrix yield (numerically) parallel eigenvectors: back substitution perturbs a
 * zero pivot to ε·|λ| (as LAPACK does), and `cond` reports the near-singularity.
 *
 * **References**: Wilkinson & Reinsch, *Handbook for Automatic Computation II* (1971), II/13–15; Golub & Van Loan,
 * *Matrix Computations* (4th ed., 2013), Alg. 7.5.1–7.5.2; Ahues & Tisseur, LAWN 122 (1997); LAPACK xGEEV.
 *
 * @param Are real parts of A, row-major n×n; not modified.
 * @param Aim imaginary parts of A, row-major n×n, or null for a real matrix; not modified.
 * @param n order of A.
 * @example
 * ```ts
 * // Rotation by 90°: eigenvalues −i, +i.
 * const r = eigGeneral(new Float64Array([0, -1, 1, 0]), null, 2);
 * // r.valuesRe ≈ [0, 0], r.valuesIm ≈ [-1, 1]
 * // r.vectorsRe / r.vectorsIm: (1, i)/√2 for −i and (1, −i)/√2 for +i (entry 0 real positive by the phase rule)
 * ```
 */
export function eigGeneral(
  Are: Float64Array,
  Aim: Float64Array | null,
  n: number,
  opts: EigGeneralOptions = {},
): EigGeneralResult {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`eigGeneral: n must be a non-negative integer, got ${n}`);
  if (Are.length < n * n) throw new RangeError(`eigGeneral: A must hold ${n}×${n} = ${n * n} entries, got ${Are.length}`);
  if (Aim !== null && Aim.length < n * n) {
    throw new RangeError(`eigGeneral: Aim must hold ${n}×${n} = ${n * n} entries, got ${Aim.length}`);
  }
  const wantLeft = opts.left === true;
  const wantV = wantLeft || opts.vectors !== false;
  const balance = opts.balance !== false;
  const wantCond = wantV && opts.cond !== false;
  const nn = n * n;
  let complex = false;
  if (Aim !== null) {
    for (let k = 0; k < nn; k++) {
      if (Aim[k] !== 0) {
        complex = true;
        break;
      }
    }
  }
  for (let k = 0; k < nn; k++) {
    if (!Number.isFinite(Are[k]!) || (complex && !Number.isFinite(Aim![k]!))) {
      return {
        valuesRe: new Float64Array(n).fill(Number.NaN),
        valuesIm: new Float64Array(n).fill(Number.NaN),
        vectorsRe: null,
        vectorsIm: null,
        info: -1,
      };
    }
  }

  // Bring max|a_ij| into [2⁻⁴⁶⁰, 2⁴⁶⁰] by an exact power-of-two scaling (xGEEV's dlascl step), so that the
  // deflation threshold SAFMIN·n/ε never swallows a tiny matrix and squares of huge entries cannot overflow.
  let anrm = 0;
  for (let k = 0; k < nn; k++) {
    anrm = Math.max(anrm, Math.abs(Are[k]!));
    if (complex) anrm = Math.max(anrm, Math.abs(Aim![k]!));
  }
  let scale = 1;
  if (anrm > 0 && (anrm < 2 ** -460 || anrm > 2 ** 460)) {
    scale = 2 ** Math.max(-1000, Math.min(1000, -Math.round(Math.log2(anrm))));
  }

  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  let Vr: Float64Array | null = null;
  let Vi: Float64Array | null = null;
  let info: number;
  let rejected = false;
  if (!complex) {
    const h = Float64Array.from(Are.subarray(0, nn));
    if (scale !== 1) for (let k = 0; k < nn; k++) h[k]! *= scale;
    const a0 = balance ? Float64Array.from(h) : null;
    let d = balance ? balanceReal(h, n) : null;
    if (d !== null && d.every((x) => x === 1)) d = null;
    const schur = reduceToSchurReal(h, n, wantV, wr, wi);
    info = schur.info;
    const z = schur.z;
    if (info === 0 && z !== null) {
      if (!schur.vectors) eigenvectorsRealSchur(h, z, wr, wi, n);
      // z now holds real/imag parts of the eigenvectors in LAPACK's packed form; expand to complex columns.
      Vr = new Float64Array(nn);
      Vi = new Float64Array(nn);
      for (let j = 0; j < n; j++) {
        if (wi[j] === 0) {
          Vr.set(z.subarray(j * n, (j + 1) * n), j * n);
        } else if (wi[j]! > 0) {
          // Pair (j, j+1): columns j (real part) and j+1 (imaginary part) belong to λ = wr + i·|wi|.
          for (let i = 0; i < n; i++) {
            const re = z[i + j * n]!;
            const im = z[i + (j + 1) * n]!;
            Vr[i + j * n] = re;
            Vi[i + j * n] = im;
            Vr[i + (j + 1) * n] = re;
            Vi[i + (j + 1) * n] = -im;
          }
          j++;
        }
      }
      if (d !== null) {
        unbalanceVectors(Vr, Vi, d, n);
        rejected = !residualsSmall(a0!, null, n, Vr, Vi, wr, wi);
      }
    }
  } else {
    const hr = Float64Array.from(Are.subarray(0, nn));
    const hi = Float64Array.from(Aim!.subarray(0, nn));
    if (scale !== 1) {
      for (let k = 0; k < nn; k++) {
        hr[k]! *= scale;
        hi[k]! *= scale;
      }
    }
    const a0 = balance ? [Float64Array.from(hr), Float64Array.from(hi)] : null;
    let d = balance ? balanceComplex(hr, hi, n) : null;
    if (d !== null && d.every((x) => x === 1)) d = null;
    const schur = reduceToSchurComplex(hr, hi, n, wantV, wr, wi);
    info = schur.info;
    const zq = schur.z;
    if (info === 0 && zq !== null) {
      if (!schur.vectors) eigenvectorsComplexSchur(hr, hi, zq[0], zq[1], n);
      Vr = zq[0];
      Vi = zq[1];
      if (d !== null) {
        unbalanceVectors(Vr, Vi, d, n);
        rejected = !residualsSmall(a0![0]!, a0![1]!, n, Vr, Vi, wr, wi);
      }
    }
  }
  if (rejected) return eigGeneral(Are, Aim, n, { ...opts, balance: false });

  if (scale !== 1) {
    for (let k = 0; k < n; k++) {
      wr[k]! /= scale;
      wi[k]! /= scale;
    }
  }
  if (info !== 0) {
    // Unconverged eigenvalues (indices < info) are NaN; the converged ones are kept, sorted, NaNs last.
    for (let k = 0; k < info; k++) {
      wr[k] = Number.NaN;
      wi[k] = Number.NaN;
    }
    const perm = orderEigenvalues(wr, wi);
    return { valuesRe: permute(wr, perm), valuesIm: permute(wi, perm), vectorsRe: null, vectorsIm: null, info };
  }

  const perm = orderEigenvalues(wr, wi);
  const valuesRe = permute(wr, perm);
  const valuesIm = permute(wi, perm);
  if (Vr === null || Vi === null) return { valuesRe, valuesIm, vectorsRe: null, vectorsIm: null, info: 0 };

  const vectorsRe = new Float64Array(nn);
  const vectorsIm = new Float64Array(nn);
  for (let j = 0; j < n; j++) {
    const src = perm[j]! * n;
    vectorsRe.set(Vr.subarray(src, src + n), j * n);
    vectorsIm.set(Vi.subarray(src, src + n), j * n);
    normalizeColumn(vectorsRe, vectorsIm, j * n, n);
  }
  fixSignPhaseComplex(vectorsRe, vectorsIm, n, n);
  const result: EigGeneralResult = { valuesRe, valuesIm, vectorsRe, vectorsIm, info: 0 };
  if (!wantCond && !wantLeft) return result;
  const eye = new Float64Array(nn);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  if (complex) {
    const f = luFactor(vectorsRe, vectorsIm, n, { colMajor: true });
    if (f.info > 0) {
      if (wantCond) result.cond = Infinity;
      return result;
    }
    if (wantCond) result.cond = conditionEstimate(vectorsRe, vectorsIm, f, n);
    if (wantLeft) {
      const w = luSolve(f, eye, null, n, { trans: 'C', colMajor: true });
      result.leftRe = w.re;
      result.leftIm = w.im ?? new Float64Array(nn);
    }
    return result;
  }
  // Real A: conjugate pairs (v, v̄) at sorted positions (p, q) give V = Ṽ·U with the real Ṽ[:, p] = √2·Re v,
  // Ṽ[:, q] = √2·Im v (real vectors kept) and U unitary (the 2×2 blocks [[1, 1], [i, −i]]/√2). So cond₂(V) =
  // cond₂(Ṽ) and W = V⁻ᴴ = Ṽ⁻ᵀ·U: one real LU instead of a complex one (4× fewer flops), and the left vectors of a
  // pair come out exactly conjugate.
  const inv = new Int32Array(n);
  for (let t = 0; t < n; t++) inv[perm[t]!] = t;
  const partner = new Int32Array(n).fill(-1);
  for (let j = 0; j + 1 < n; j++) {
    if (wi[j]! > 0) {
      partner[inv[j]!] = inv[j + 1]!;
      partner[inv[j + 1]!] = inv[j]!;
      j++;
    }
  }
  const Vt = new Float64Array(nn);
  for (let p = 0; p < n; p++) {
    const q = partner[p]!;
    if (q < 0) Vt.set(vectorsRe.subarray(p * n, (p + 1) * n), p * n);
    else if (p < q) {
      for (let i = 0; i < n; i++) {
        Vt[i + p * n] = Math.SQRT2 * vectorsRe[i + p * n]!;
        Vt[i + q * n] = Math.SQRT2 * vectorsIm[i + p * n]!;
      }
    }
  }
  const f = luFactor(Vt, null, n, { colMajor: true });
  if (f.info > 0) {
    if (wantCond) result.cond = Infinity;
    return result;
  }
  if (wantCond) result.cond = conditionEstimate(Vt, null, f, n);
  if (wantLeft) {
    const Y = luSolve(f, eye, null, n, { trans: 'T', colMajor: true }).re;
    const Wr = new Float64Array(nn);
    const Wi = new Float64Array(nn);
    for (let p = 0; p < n; p++) {
      const q = partner[p]!;
      if (q < 0) Wr.set(Y.subarray(p * n, (p + 1) * n), p * n);
      else if (p < q) {
        for (let i = 0; i < n; i++) {
          const a = Math.SQRT1_2 * Y[i + p * n]!;
          const b = Math.SQRT1_2 * Y[i + q * n]!;
          Wr[i + p * n] = a;
          Wi[i + p * n] = b;
          Wr[i + q * n] = a;
          Wi[i + q * n] = -b;
        }
      }
    }
    result.leftRe = Wr;
    result.leftIm = Wi;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Ordering, normalization and the phase convention
// ---------------------------------------------------------------------------------------------------------------

/**
 * Permutation that orders eigenvalues by real part, then imaginary part. Real parts are compared with a tolerance:
 * after sorting by real part, maximal runs whose consecutive gaps are ≤ ORDER_RTOL·max|λ| are re-sorted by imaginary
 * part (then real part). NaNs go last. Deterministic for a given input.
 */
function orderEigenvalues(wr: Float64Array, wi: Float64Array): Int32Array {
  const n = wr.length;
  const idx: number[] = [];
  const nan: number[] = [];
  let scale = 0;
  for (let k = 0; k < n; k++) {
    if (Number.isNaN(wr[k]!) || Number.isNaN(wi[k]!)) nan.push(k);
    else {
      idx.push(k);
      scale = Math.max(scale, Math.hypot(wr[k]!, wi[k]!));
    }
  }
  const byRe = (a: number, b: number): number => wr[a]! - wr[b]! || wi[a]! - wi[b]! || a - b;
  const byIm = (a: number, b: number): number => wi[a]! - wi[b]! || wr[a]! - wr[b]! || a - b;
  idx.sort(byRe);
  const tol = ORDER_RTOL * scale;
  const out: number[] = [];
  for (let s = 0; s < idx.length; ) {
    let e = s + 1;
    while (e < idx.length && wr[idx[e]!]! - wr[idx[e - 1]!]! <= tol) e++;
    const run = idx.slice(s, e);
    if (run.length > 1) run.sort(byIm);
    out.push(...run);
    s = e;
  }
  out.push(...nan);
  return Int32Array.from(out);
}

function permute(x: Float64Array, perm: Int32Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) y[k] = x[perm[k]!]!;
  // Normalize −0 to +0 so that equal values compare and print alike.
  for (let k = 0; k < y.length; k++) if (y[k] === 0) y[k] = 0;
  return y;
}

/** Scale column [off, off+n) to unit 2-norm (with a scaled norm, safe from overflow and underflow). */
function normalizeColumn(re: Float64Array, im: Float64Array, off: number, n: number): void {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(re[off + i]!), Math.abs(im[off + i]!));
  if (m === 0 || !Number.isFinite(m)) return;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const a = re[off + i]! / m;
    const b = im[off + i]! / m;
    s += a * a + b * b;
  }
  const inv = 1 / (m * Math.sqrt(s));
  for (let i = 0; i < n; i++) {
    re[off + i]! *= inv;
    im[off + i]! *= inv;
  }
}

/**
 * Lower-bound estimate of ‖V‖₂‖V⁻¹‖₂ by power iteration (V column-major, vi null for a real V; f = LU of V): on VᴴV
 * for ‖V‖₂ and on (V Vᴴ)⁻¹ for ‖V⁻¹‖₂, from Higham's alternating ramp, at most 30 steps each, stopped when the
 * estimate changes by less than 1e-3 relative. The estimates increase monotonically towards the norms (Rayleigh
 * quotients of the power iteration), so the result is a lower bound, typically within a few percent.
 */
function conditionEstimate(vr: Float64Array, vi: Float64Array | null, f: LuFactors, n: number): number {
  if (n === 0) return 1;
  const maxIter = 30;
  const rtol = 1e-3;
  const zero = new Float64Array(n);
  const start = (x: Float64Array): void => {
    for (let i = 0; i < n; i++) x[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / Math.max(n - 1, 1));
    const s = 1 / norm2(x, zero, n);
    for (let i = 0; i < n; i++) x[i]! *= s;
  };
  const real = vi === null;
  // ‖V‖₂: iterate x ← VᴴV x / ‖VᴴV x‖, estimate ‖V x‖.
  let xr: Float64Array = new Float64Array(n);
  let xim: Float64Array | null = real ? null : new Float64Array(n);
  start(xr);
  const yr = new Float64Array(n);
  const yi = new Float64Array(n);
  let normV = 0;
  for (let it = 0; it < maxIter; it++) {
    yr.fill(0);
    yi.fill(0);
    if (vi === null) {
      for (let j = 0; j < n; j++) {
        const a = xr[j]!;
        if (a === 0) continue;
        const o = j * n;
        for (let i = 0; i < n; i++) yr[i]! += vr[o + i]! * a;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const ar = xr[j]!;
        const ai = xim![j]!;
        const o = j * n;
        for (let i = 0; i < n; i++) {
          const br = vr[o + i]!;
          const bi = vi[o + i]!;
          yr[i]! += br * ar - bi * ai;
          yi[i]! += br * ai + bi * ar;
        }
      }
    }
    const est = norm2(yr, yi, n);
    for (let j = 0; j < n; j++) {
      const o = j * n;
      let sr = 0;
      let si = 0;
      if (vi === null) {
        for (let i = 0; i < n; i++) sr += vr[o + i]! * yr[i]!;
      } else {
        for (let i = 0; i < n; i++) {
          const br = vr[o + i]!;
          const bi = vi[o + i]!;
          sr += br * yr[i]! + bi * yi[i]!;
          si += br * yi[i]! - bi * yr[i]!;
        }
        xim![j] = si;
      }
      xr[j] = sr;
    }
    const s = norm2(xr, xim ?? zero, n);
    const done = Math.abs(est - normV) <= rtol * est;
    normV = Math.max(normV, est);
    if (s === 0 || done) break;
    for (let i = 0; i < n; i++) {
      xr[i]! /= s;
      if (xim !== null) xim[i]! /= s;
    }
  }
  // ‖V⁻¹‖₂: iterate x ← (V Vᴴ)⁻¹ x normalized, estimate ‖V⁻¹ x‖ (real arithmetic for a real V).
  start(xr);
  if (xim !== null) xim.fill(0);
  let normInv = 0;
  for (let it = 0; it < maxIter; it++) {
    const y = luSolve(f, xr, xim, 1, { colMajor: true });
    const est = norm2(y.re, y.im ?? zero, n);
    const x = luSolve(f, y.re, y.im, 1, { trans: 'C', colMajor: true });
    xr = x.re;
    xim = x.im;
    const s = norm2(xr, xim ?? zero, n);
    const done = Math.abs(est - normInv) <= rtol * est;
    normInv = Math.max(normInv, est);
    if (!Number.isFinite(s) || s === 0 || done) break;
    for (let i = 0; i < n; i++) {
      xr[i]! /= s;
      if (xim !== null) xim[i]! /= s;
    }
  }
  const c = normV * normInv;
  return Number.isFinite(c) ? Math.max(c, 1) : Infinity;
}

function norm2(re: Float64Array, im: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(re[i]!), Math.abs(im[i]!));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const a = re[i]! / m;
    const b = im[i]! / m;
    s += a * a + b * b;
  }
  return m * Math.sqrt(s);
}

// ---------------------------------------------------------------------------------------------------------------
// Balancing (xGEBAL, scaling only)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Replace A by D⁻¹ A D, D = diag(d) with powers of two, so that each row and the matching column have comparable
 * 2-norms; returns d. Eigenvectors transform back as v = D v_B. Sweeps are bounded (100), each must shrink
 * ‖row‖ + ‖column‖ by 5 % for a rescaling to count.
 */
function balanceReal(a: Float64Array, n: number): Float64Array {
  return balanceImpl(a, null, n);
}

function balanceComplex(ar: Float64Array, ai: Float64Array, n: number): Float64Array {
  return balanceImpl(ar, ai, n);
}

function balanceImpl(ar: Float64Array, ai: Float64Array | null, n: number): Float64Array {
  const d = new Float64Array(n).fill(1);
  const RADIX = 2;
  const sfmin1 = SAFMIN / (EPS / 2);
  const sfmax1 = 1 / sfmin1;
  const sfmin2 = sfmin1 * RADIX;
  const sfmax2 = 1 / sfmin2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let noconv = false;
    for (let i = 0; i < n; i++) {
      let c2 = 0;
      let r2 = 0;
      let ca = 0;
      let ra = 0;
      for (let k = 0; k < n; k++) {
        const cr = ar[k * n + i]!;
        const cim = ai === null ? 0 : ai[k * n + i]!;
        const rr = ar[i * n + k]!;
        const rim = ai === null ? 0 : ai[i * n + k]!;
        const cm = ai === null ? Math.abs(cr) : hypot2(cr, cim);
        const rm = ai === null ? Math.abs(rr) : hypot2(rr, rim);
        c2 += cm * cm;
        r2 += rm * rm;
        if (cm > ca) ca = cm;
        if (rm > ra) ra = rm;
      }
      let c = Math.sqrt(c2);
      let r = Math.sqrt(r2);
      if (c === 0 || r === 0) continue;
      let g = r / RADIX;
      let f = 1;
      const s = c + r;
      while (c < g && Math.max(f, c, ca) < sfmax2 && Math.min(r, g, ra) > sfmin2) {
        f *= RADIX;
        c *= RADIX;
        ca *= RADIX;
        r /= RADIX;
        g /= RADIX;
        ra /= RADIX;
      }
      g = c / RADIX;
      while (g >= r && Math.max(r, ra) < sfmax2 && Math.min(f, c, g, ca) > sfmin2) {
        f /= RADIX;
        c /= RADIX;
        g /= RADIX;
        ca /= RADIX;
        r *= RADIX;
        ra *= RADIX;
      }
      if (c + r >= 0.95 * s) continue;
      if (f < 1 && d[i]! < 1 && f * d[i]! <= sfmin1) continue;
      if (f > 1 && d[i]! > 1 && d[i]! >= sfmax1 / f) continue;
      d[i]! *= f;
      noconv = true;
      const gi = 1 / f;
      for (let k = 0; k < n; k++) {
        ar[i * n + k]! *= gi;
        ar[k * n + i]! *= f;
        if (ai !== null) {
          ai[i * n + k]! *= gi;
          ai[k * n + i]! *= f;
        }
      }
    }
    if (!noconv) break;
  }
  return d;
}

/**
 * Undo the balancing on column-major eigenvectors, v ← D v_B, and normalize the columns. Each column is first
 * scaled to max-modulus 1: the back substitution may leave entries near 2¹⁰⁰⁰ and D spans up to 2^±970.
 */
function unbalanceVectors(vr: Float64Array, vi: Float64Array, d: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const o = j * n;
    let m = 0;
    for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(vr[o + i]!), Math.abs(vi[o + i]!));
    const cs = m > 0 && Number.isFinite(m) ? 1 / m : 1;
    for (let i = 0; i < n; i++) {
      vr[o + i] = vr[o + i]! * cs * d[i]!;
      vi[o + i] = vi[o + i]! * cs * d[i]!;
    }
    normalizeColumn(vr, vi, o, n);
  }
}

/**
 * Whether every pair satisfies ‖A v − λ v‖₂ ≤ 32·n·ε·c(A)·‖v‖₂, c(A) the largest column 2-norm of A (≤ ‖A‖₂).
 *
 * Balancing is not backward stable in the norm of A: the Schur vectors give B v_B − λ v_B = r_B, small relative to
 * ‖B‖, but A v − λ v = D r_B, and D can amplify the rounding error in a component by its whole range — for a
 * row-graded diag(g)·R, or for nearly reducible matrices whose factors span hundreds of binades (Watkins 2006, "A
 * case where balancing is harmful"). So whenever balancing changed A, this check verifies the residuals (A·V by
 * `gemm`, ~4 ms at n = 256 against ~45 ms for the decomposition), and the caller falls back to the unbalanced
 * computation, which is normwise backward stable.
 */
function residualsSmall(
  ar: Float64Array,
  ai: Float64Array | null,
  n: number,
  vr: Float64Array,
  vi: Float64Array,
  wr: Float64Array,
  wi: Float64Array,
): boolean {
  let cmax = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += ar[i * n + j]! ** 2 + (ai === null ? 0 : ai[i * n + j]! ** 2);
    cmax = Math.max(cmax, Math.sqrt(s));
  }
  const tol = 32 * n * EPS * cmax;
  // A·V as matrix products (V column-major is Vᵀ row-major, hence transB): R[i][k] = (A v_k)_i.
  const Rr = gemm(false, true, n, n, n, ar, vr);
  const Ri = gemm(false, true, n, n, n, ar, vi);
  if (ai !== null) {
    const Pr = gemm(false, true, n, n, n, ai, vi);
    const Pi = gemm(false, true, n, n, n, ai, vr);
    for (let k = 0; k < n * n; k++) {
      Rr[k]! -= Pr[k]!;
      Ri[k]! += Pi[k]!;
    }
  }
  const r2 = new Float64Array(n);
  const v2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const xr = vr[i + k * n]!;
      const xi = vi[i + k * n]!;
      const sr = Rr[row + k]! - (wr[k]! * xr - wi[k]! * xi);
      const si = Ri[row + k]! - (wr[k]! * xi + wi[k]! * xr);
      r2[k]! += sr * sr + si * si;
      v2[k]! += xr * xr + xi * xi;
    }
  }
  for (let k = 0; k < n; k++) if (!(Math.sqrt(r2[k]!) <= tol * Math.sqrt(v2[k]!))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Real Schur reduction: dispatch between the WASM-SIMD kernel (assembly/eig.ts) and the TypeScript reference
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reduce the balanced real matrix h (row-major, overwritten by the quasi-triangular T) to real Schur form, with the
 * Schur vectors Z (column-major) when wantV. Runs assembly/eig.ts's `eigRealSchurF64` (and, with wantV,
 * `eigRealVectorsF64`, which turns Z into the eigenvectors: `vectors: true`) when the backend allows it and
 * n ≥ {@link EIG_CROSSOVER}, else the TypeScript reference below; the two perform the same operations (the Francis
 * sweeps bitwise alike, the dot products in another summation order).
 */
function reduceToSchurReal(
  h: Float64Array,
  n: number,
  wantV: boolean,
  wr: Float64Array,
  wi: Float64Array,
): { info: number; z: Float64Array | null; vectors: boolean } {
  if (n > 0 && preferWasm(n, EIG_CROSSOVER)) {
    const r = schurRealWasm(h, n, wantV, wr, wi);
    if (r !== undefined) return r;
  }
  const tau = new Float64Array(Math.max(n - 1, 0));
  hessenbergReal(h, n, tau);
  const z = wantV ? formQReal(h, n, tau) : null;
  clearBelowSubdiagonal(h, null, n);
  return { info: schurReal(h, n, z, wantV, wr, wi), z, vectors: false };
}

/** Leading dimension of H and Z inside WASM: whole 64-byte lines, an odd number of them (assembly/eig.ts eigLd). */
function wasmLd(n: number): number {
  let ld = (n + 7) & ~7;
  if (((ld >> 3) & 1) === 0) ld += 8;
  return ld;
}

function schurRealWasm(
  h: Float64Array,
  n: number,
  wantV: boolean,
  wr: Float64Array,
  wi: Float64Array,
): { info: number; z: Float64Array | null; vectors: boolean } | undefined {
  const ld = wasmLd(n);
  const mat = n * ld * 8;
  const bytes = arenaBytes(mat, wantV ? mat : 0, n * 8, n * 8, (4 * n + 16) * 8);
  return withWasm(bytes, (wasm, arena) => {
    const kernel = wasm['eigRealSchurF64'];
    if (kernel === undefined) return undefined; // a module built before this kernel existed
    const vectorsKernel = wasm['eigRealVectorsF64'];
    const ph = arena.alloc(mat);
    const pz = wantV ? arena.alloc(mat) : 0;
    const pwr = arena.alloc(n * 8);
    const pwi = arena.alloc(n * 8);
    const pw = arena.alloc((4 * n + 16) * 8);
    const H = arena.f64(ph, n * ld);
    for (let i = 0; i < n; i++) H.set(h.subarray(i * n, (i + 1) * n), i * ld);
    const info = kernel(n, ph, ld, pz, ld, wantV ? 1 : 0, pwr, pwi, pw);
    const vectors = wantV && info === 0 && vectorsKernel !== undefined;
    if (vectors) vectorsKernel(n, ph, ld, pz, ld, pwr, pwi, pw);
    // Views are re-created after the call (the memory never grows, but keep the pattern of the other kernels).
    const T = arena.f64(ph, n * ld);
    for (let i = 0; i < n; i++) h.set(T.subarray(i * ld, i * ld + n), i * n);
    arena.get(pwr, wr);
    arena.get(pwi, wi);
    let z: Float64Array | null = null;
    if (wantV) {
      z = new Float64Array(n * n);
      const Z = arena.f64(pz, n * ld);
      for (let j = 0; j < n; j++) z.set(Z.subarray(j * ld, j * ld + n), j * n);
    }
    return { info, z, vectors };
  });
}

/** Complex counterpart of {@link reduceToSchurReal} (assembly/eig.ts `eigComplexSchurF64` / `eigComplexVectorsF64`). */
function reduceToSchurComplex(
  hr: Float64Array,
  hi: Float64Array,
  n: number,
  wantV: boolean,
  wr: Float64Array,
  wi: Float64Array,
): { info: number; z: [Float64Array, Float64Array] | null; vectors: boolean } {
  if (n > 0 && preferWasm(n, EIG_CROSSOVER)) {
    const r = schurComplexWasm(hr, hi, n, wantV, wr, wi);
    if (r !== undefined) return r;
  }
  const taur = new Float64Array(Math.max(n - 1, 0));
  const taui = new Float64Array(Math.max(n - 1, 0));
  hessenbergComplex(hr, hi, n, taur, taui);
  const z = wantV ? formQComplex(hr, hi, n, taur, taui) : null;
  clearBelowSubdiagonal(hr, hi, n);
  const info = schurComplex(hr, hi, n, z === null ? null : z[0], z === null ? null : z[1], wantV, wr, wi);
  return { info, z, vectors: false };
}

function schurComplexWasm(
  hr: Float64Array,
  hi: Float64Array,
  n: number,
  wantV: boolean,
  wr: Float64Array,
  wi: Float64Array,
): { info: number; z: [Float64Array, Float64Array] | null; vectors: boolean } | undefined {
  const ld = wasmLd(n);
  const mat = n * ld * 8;
  const work = (8 * n + 16) * 8;
  const bytes = arenaBytes(mat, mat, wantV ? mat : 0, wantV ? mat : 0, n * 8, n * 8, work);
  return withWasm(bytes, (wasm, arena) => {
    const kernel = wasm['eigComplexSchurF64'];
    if (kernel === undefined) return undefined; // a module built before this kernel existed
    const vectorsKernel = wasm['eigComplexVectorsF64'];
    const phr = arena.alloc(mat);
    const phi = arena.alloc(mat);
    const pzr = wantV ? arena.alloc(mat) : 0;
    const pzi = wantV ? arena.alloc(mat) : 0;
    const pwr = arena.alloc(n * 8);
    const pwi = arena.alloc(n * 8);
    const pw = arena.alloc(work);
    const Hr = arena.f64(phr, n * ld);
    const Hi = arena.f64(phi, n * ld);
    for (let i = 0; i < n; i++) {
      Hr.set(hr.subarray(i * n, (i + 1) * n), i * ld);
      Hi.set(hi.subarray(i * n, (i + 1) * n), i * ld);
    }
    const info = kernel(n, phr, phi, ld, pzr, pzi, ld, wantV ? 1 : 0, pwr, pwi, pw);
    const vectors = wantV && info === 0 && vectorsKernel !== undefined;
    if (vectors) vectorsKernel(n, phr, phi, ld, pzr, pzi, ld, pw);
    const Tr = arena.f64(phr, n * ld);
    const Ti = arena.f64(phi, n * ld);
    for (let i = 0; i < n; i++) {
      hr.set(Tr.subarray(i * ld, i * ld + n), i * n);
      hi.set(Ti.subarray(i * ld, i * ld + n), i * n);
    }
    arena.get(pwr, wr);
    arena.get(pwi, wi);
    let z: [Float64Array, Float64Array] | null = null;
    if (wantV) {
      const zr = new Float64Array(n * n);
      const zi = new Float64Array(n * n);
      const Zr = arena.f64(pzr, n * ld);
      const Zi = arena.f64(pzi, n * ld);
      for (let j = 0; j < n; j++) {
        zr.set(Zr.subarray(j * ld, j * ld + n), j * n);
        zi.set(Zi.subarray(j * ld, j * ld + n), j * n);
      }
      z = [zr, zi];
    }
    return { info, z, vectors };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Hessenberg reduction
// ---------------------------------------------------------------------------------------------------------------

/**
 * In place: H = Pᵀ A P, P = P₀P₁…P_{n−3}, P_k = I − τ_k v vᵀ acting on indices k+1…n−1 with v_{k+1} = 1 and
 * v_{k+2…} stored below the subdiagonal of column k (xGEHD2). A row-major.
 */
function hessenbergReal(a: Float64Array, n: number, tau: Float64Array): void {
  const w = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // Reflector for x = A[k+1.., k].
    let alpha = a[(k + 1) * n + k]!;
    let scale = 0;
    for (let i = k + 2; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + k]!));
    if (scale === 0) {
      tau[k] = 0;
      continue;
    }
    // A column of (near-)subnormal numbers is first scaled up by an exact power of two, or β and 1/(α − β) lose
    // their accuracy and the reflector its orthogonality (xLARFG's safmin loop).
    const up = tinyScale(Math.max(scale, Math.abs(alpha)));
    if (up !== 1) {
      for (let i = k + 2; i < n; i++) a[i * n + k]! *= up;
      alpha *= up;
      scale *= up;
    }
    let ss = 0;
    for (let i = k + 2; i < n; i++) {
      const t = a[i * n + k]! / scale;
      ss += t * t;
    }
    const xnorm = scale * Math.sqrt(ss);
    const beta = -(alpha >= 0 ? 1 : -1) * hypot2(alpha, xnorm);
    const t = (beta - alpha) / beta;
    const sc = 1 / (alpha - beta);
    for (let i = k + 2; i < n; i++) a[i * n + k]! *= sc;
    a[(k + 1) * n + k] = beta / up;
    tau[k] = t;
    // Contiguous copy of v (v[k+1] = 1): the updates below read it once per row or column of A.
    v[k + 1] = 1;
    for (let i = k + 2; i < n; i++) v[i] = a[i * n + k]!;
    // Left: A[k+1.., k+1..] ← (I − τ v vᵀ) A[k+1.., k+1..]; first w = vᵀ A accumulated row by row.
    const r0 = (k + 1) * n;
    for (let j = k + 1; j < n; j++) w[j] = a[r0 + j]!;
    for (let i = k + 2; i < n; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      const ri = i * n;
      for (let j = k + 1; j < n; j++) w[j]! += vi * a[ri + j]!;
    }
    // Then, row by row while the row sits in L1: finish the left update (rows k+1..: a_r −= τ v_r w) and apply the
    // reflector from the right, A[0.., k+1..] ← A (I − τ v vᵀ) — two passes over A per step instead of four.
    for (let r = 0; r < n; r++) {
      const rr = r * n;
      let s = 0;
      const f = r > k ? t * v[r]! : 0;
      if (f !== 0) {
        // Left update fused with the dot product of the right update (v[k+1] = 1).
        for (let j = k + 1; j < n; j++) {
          const x = a[rr + j]! - f * w[j]!;
          a[rr + j] = x;
          s += x * v[j]!;
        }
      } else {
        s = a[rr + k + 1]!;
        for (let i = k + 2; i < n; i++) s += a[rr + i]! * v[i]!;
      }
      s *= t;
      if (s === 0) continue;
      a[rr + k + 1]! -= s;
      for (let i = k + 2; i < n; i++) a[rr + i]! -= s * v[i]!;
    }
  }
}

/** Q = P₀P₁…P_{n−3} from the reflectors left by {@link hessenbergReal}, column-major (xORGHR, backward accumulation). */
function formQReal(a: Float64Array, n: number, tau: Float64Array): Float64Array {
  const q = new Float64Array(n * n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i + i * n] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const t = tau[k]!;
    if (t === 0) continue;
    for (let i = k + 2; i < n; i++) v[i] = a[i * n + k]!;
    for (let j = k + 1; j < n; j++) {
      const o = j * n;
      let s = q[o + k + 1]!;
      for (let i = k + 2; i < n; i++) s += v[i]! * q[o + i]!;
      s *= t;
      if (s === 0) continue;
      q[o + k + 1]! -= s;
      for (let i = k + 2; i < n; i++) q[o + i]! -= s * v[i]!;
    }
  }
  return q;
}

/** Zero the reflector storage below the subdiagonal so that H is a clean Hessenberg matrix. */
function clearBelowSubdiagonal(ar: Float64Array, ai: Float64Array | null, n: number): void {
  for (let i = 2; i < n; i++) {
    for (let j = 0; j < i - 1; j++) {
      ar[i * n + j] = 0;
      if (ai !== null) ai[i * n + j] = 0;
    }
  }
}

/**
 * Complex Householder reduction H = Pᴴ A P (xGEHD2 for complex): P_k = I − τ_k v vᴴ with Re β real,
 * P_kᴴ x = β e₁. Reflector vectors stored below the subdiagonal as in {@link hessenbergReal}.
 */
function hessenbergComplex(ar: Float64Array, ai: Float64Array, n: number, taur: Float64Array, taui: Float64Array): void {
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    const p = (k + 1) * n + k;
    let alr = ar[p]!;
    let ali = ai[p]!;
    let scale = 0;
    for (let i = k + 2; i < n; i++) scale = Math.max(scale, Math.abs(ar[i * n + k]!), Math.abs(ai[i * n + k]!));
    if (scale === 0 && ali === 0) {
      taur[k] = 0;
      taui[k] = 0;
      continue;
    }
    const up = tinyScale(Math.max(scale, Math.abs(alr), Math.abs(ali)));
    if (up !== 1) {
      for (let i = k + 2; i < n; i++) {
        ar[i * n + k]! *= up;
        ai[i * n + k]! *= up;
      }
      alr *= up;
      ali *= up;
      scale *= up;
    }
    let ss = 0;
    if (scale > 0) {
      for (let i = k + 2; i < n; i++) {
        const x = ar[i * n + k]! / scale;
        const y = ai[i * n + k]! / scale;
        ss += x * x + y * y;
      }
    }
    const xnorm = scale * Math.sqrt(ss);
    const beta = -(alr >= 0 ? 1 : -1) * hypot3(alr, ali, xnorm);
    const tr = (beta - alr) / beta;
    const ti = -ali / beta;
    // v_{k+2..} = x / (α − β)
    const [sr, si] = cinv(alr - beta, ali);
    for (let i = k + 2; i < n; i++) {
      const x = ar[i * n + k]!;
      const y = ai[i * n + k]!;
      ar[i * n + k] = x * sr - y * si;
      ai[i * n + k] = x * si + y * sr;
    }
    ar[p] = beta / up;
    ai[p] = 0;
    taur[k] = tr;
    taui[k] = ti;
    vr[k + 1] = 1;
    vi[k + 1] = 0;
    for (let i = k + 2; i < n; i++) {
      vr[i] = ar[i * n + k]!;
      vi[i] = ai[i * n + k]!;
    }
    // Left: A ← (I − conj(τ) v vᴴ) A on rows k+1.., columns k+1..;  w = vᴴ A.
    const r0 = (k + 1) * n;
    for (let j = k + 1; j < n; j++) {
      wr[j] = ar[r0 + j]!;
      wi[j] = ai[r0 + j]!;
    }
    for (let i = k + 2; i < n; i++) {
      const cr = vr[i]!;
      const ci = -vi[i]!; // conj(v_i)
      if (cr === 0 && ci === 0) continue;
      const ri = i * n;
      for (let j = k + 1; j < n; j++) {
        const xr = ar[ri + j]!;
        const xi = ai[ri + j]!;
        wr[j]! += cr * xr - ci * xi;
        wi[j]! += cr * xi + ci * xr;
      }
    }
    // A_ij −= conj(τ) v_i w_j
    const ctr = tr;
    const cti = -ti;
    for (let j = k + 1; j < n; j++) {
      const xr = wr[j]!;
      const xi = wi[j]!;
      ar[r0 + j]! -= ctr * xr - cti * xi;
      ai[r0 + j]! -= ctr * xi + cti * xr;
    }
    for (let i = k + 2; i < n; i++) {
      const fr = ctr * vr[i]! - cti * vi[i]!;
      const fi = ctr * vi[i]! + cti * vr[i]!;
      if (fr === 0 && fi === 0) continue;
      const ri = i * n;
      for (let j = k + 1; j < n; j++) {
        const xr = wr[j]!;
        const xi = wi[j]!;
        ar[ri + j]! -= fr * xr - fi * xi;
        ai[ri + j]! -= fr * xi + fi * xr;
      }
    }
    // Right: A ← A (I − τ v vᴴ) on all rows, columns k+1..;  s_r = Σ_i A_ri v_i,  A_ri −= τ s_r conj(v_i).
    for (let r = 0; r < n; r++) {
      const rr = r * n;
      let s_r = ar[rr + k + 1]!;
      let s_i = ai[rr + k + 1]!;
      for (let i = k + 2; i < n; i++) {
        const xr = ar[rr + i]!;
        const xi = ai[rr + i]!;
        s_r += xr * vr[i]! - xi * vi[i]!;
        s_i += xr * vi[i]! + xi * vr[i]!;
      }
      const gr = tr * s_r - ti * s_i;
      const gi = tr * s_i + ti * s_r;
      if (gr === 0 && gi === 0) continue;
      ar[rr + k + 1]! -= gr;
      ai[rr + k + 1]! -= gi;
      for (let i = k + 2; i < n; i++) {
        const cr = vr[i]!;
        const ci = -vi[i]!;
        ar[rr + i]! -= gr * cr - gi * ci;
        ai[rr + i]! -= gr * ci + gi * cr;
      }
    }
  }
}

/** Q = P₀P₁…P_{n−3} (complex), column-major, by backward accumulation: Q ← (I − τ v vᴴ) Q. */
function formQComplex(
  ar: Float64Array,
  ai: Float64Array,
  n: number,
  taur: Float64Array,
  taui: Float64Array,
): [Float64Array, Float64Array] {
  const qr = new Float64Array(n * n);
  const qi = new Float64Array(n * n);
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  for (let i = 0; i < n; i++) qr[i + i * n] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const tr = taur[k]!;
    const ti = taui[k]!;
    if (tr === 0 && ti === 0) continue;
    for (let i = k + 2; i < n; i++) {
      ur[i] = ar[i * n + k]!;
      ui[i] = ai[i * n + k]!;
    }
    for (let j = k + 1; j < n; j++) {
      const o = j * n;
      // s = vᴴ q_j
      let sr = qr[o + k + 1]!;
      let si = qi[o + k + 1]!;
      for (let i = k + 2; i < n; i++) {
        const vr = ur[i]!;
        const vi = ui[i]!;
        const xr = qr[o + i]!;
        const xi = qi[o + i]!;
        sr += vr * xr + vi * xi;
        si += vr * xi - vi * xr;
      }
      const gr = tr * sr - ti * si;
      const gi = tr * si + ti * sr;
      if (gr === 0 && gi === 0) continue;
      qr[o + k + 1]! -= gr;
      qi[o + k + 1]! -= gi;
      for (let i = k + 2; i < n; i++) {
        const vr = ur[i]!;
        const vi = ui[i]!;
        qr[o + i]! -= gr * vr - gi * vi;
        qi[o + i]! -= gr * vi + gi * vr;
      }
    }
  }
  return [qr, qi];
}

// ---------------------------------------------------------------------------------------------------------------
// Real Schur form: Francis double-shift QR (xLAHQR) with standardized 2×2 blocks (xLANV2)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reduce the upper Hessenberg h (row-major) to real Schur form in place, accumulating the transformations into z
 * (column-major, may be null). With wantT false only the active block is updated (eigenvalues only). Returns 0 or
 * i + 1 when eigenvalue i failed to converge within 30·max(10, n) sweeps.
 */
function schurReal(
  h: Float64Array,
  n: number,
  z: Float64Array | null,
  wantT: boolean,
  wr: Float64Array,
  wi: Float64Array,
): number {
  if (n === 0) return 0;
  const smlnum = SAFMIN * (n / EPS);
  const itmax = 30 * Math.max(10, n);
  const KEXSH = 10;
  let kdefl = 0;
  let i1 = 0;
  let i2 = n - 1;
  let i = n - 1;
  while (i >= 0) {
    let l = 0;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      // Look for a single small subdiagonal entry (Ahues–Tisseur criterion).
      let k = i;
      for (; k > l; k--) {
        const hkk1 = Math.abs(h[k * n + k - 1]!);
        if (hkk1 <= smlnum) break;
        let tst = Math.abs(h[(k - 1) * n + k - 1]!) + Math.abs(h[k * n + k]!);
        if (tst === 0) {
          if (k - 2 >= 0) tst += Math.abs(h[(k - 1) * n + k - 2]!);
          if (k + 1 < n) tst += Math.abs(h[(k + 1) * n + k]!);
        }
        if (hkk1 <= EPS * tst) {
          const hk1k = Math.abs(h[(k - 1) * n + k]!);
          const ab = Math.max(hkk1, hk1k);
          const ba = Math.min(hkk1, hk1k);
          const hkk = Math.abs(h[k * n + k]!);
          const dif = Math.abs(h[(k - 1) * n + k - 1]! - h[k * n + k]!);
          const aa = Math.max(hkk, dif);
          const bb = Math.min(hkk, dif);
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, EPS * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > 0) h[l * n + l - 1] = 0;
      if (l >= i - 1) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      // Shifts: the eigenvalues of the trailing 2×2 block, or exceptional ad hoc shifts every KEXSH sweeps.
      let h11: number;
      let h12: number;
      let h21: number;
      let h22: number;
      if (kdefl % (2 * KEXSH) === 0) {
        const s = Math.abs(h[i * n + i - 1]!) + Math.abs(h[(i - 1) * n + i - 2]!);
        h11 = 0.75 * s + h[i * n + i]!;
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else if (kdefl % KEXSH === 0) {
        const s = Math.abs(h[(l + 1) * n + l]!) + Math.abs(h[(l + 2) * n + l + 1]!);
        h11 = 0.75 * s + h[l * n + l]!;
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else {
        h11 = h[(i - 1) * n + i - 1]!;
        h21 = h[i * n + i - 1]!;
        h12 = h[(i - 1) * n + i]!;
        h22 = h[i * n + i]!;
      }
      let rt1r: number;
      let rt1i: number;
      let rt2r: number;
      let rt2i: number;
      const s0 = Math.abs(h11) + Math.abs(h12) + Math.abs(h21) + Math.abs(h22);
      if (s0 === 0) {
        rt1r = rt1i = rt2r = rt2i = 0;
      } else {
        h11 /= s0;
        h21 /= s0;
        h12 /= s0;
        h22 /= s0;
        const tr = (h11 + h22) / 2;
        const det = (h11 - tr) * (h22 - tr) - h12 * h21;
        const rtdisc = Math.sqrt(Math.abs(det));
        if (det >= 0) {
          rt1r = tr * s0;
          rt2r = rt1r;
          rt1i = rtdisc * s0;
          rt2i = -rt1i;
        } else {
          // Two real shifts: use the one closer to h22 twice.
          rt1r = tr + rtdisc;
          rt2r = tr - rtdisc;
          if (Math.abs(rt1r - h22) <= Math.abs(rt2r - h22)) {
            rt1r *= s0;
            rt2r = rt1r;
          } else {
            rt2r *= s0;
            rt1r = rt2r;
          }
          rt1i = rt2i = 0;
        }
      }
      // Look for two consecutive small subdiagonal entries; v = first column of (H − σ₁)(H − σ₂), scaled.
      let m = i - 2;
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      for (; m >= l; m--) {
        const hmm = h[m * n + m]!;
        let h21s = h[(m + 1) * n + m]!;
        const s = Math.abs(hmm - rt2r) + Math.abs(rt2i) + Math.abs(h21s);
        h21s /= s;
        v0 = h21s * h[m * n + m + 1]! + (hmm - rt1r) * ((hmm - rt2r) / s) - rt1i * (rt2i / s);
        v1 = h21s * (hmm + h[(m + 1) * n + m + 1]! - rt1r - rt2r);
        v2 = h21s * h[(m + 2) * n + m + 1]!;
        const sv = Math.abs(v0) + Math.abs(v1) + Math.abs(v2);
        v0 /= sv;
        v1 /= sv;
        v2 /= sv;
        if (m === l) break;
        const h00 = Math.abs(h[m * n + m - 1]!) * (Math.abs(v1) + Math.abs(v2));
        const h01 =
          Math.abs(v0) * (Math.abs(h[(m - 1) * n + m - 1]!) + Math.abs(hmm) + Math.abs(h[(m + 1) * n + m + 1]!));
        if (h00 <= EPS * h01) break;
      }
      // Double-shift QR sweep: chase the 3×3 bulge from row m to row i with Householder reflectors.
      for (let k2 = m; k2 <= i - 1; k2++) {
        const nr = Math.min(3, i - k2 + 1);
        let x0: number;
        let x1: number;
        let x2: number;
        if (k2 > m) {
          x0 = h[k2 * n + k2 - 1]!;
          x1 = h[(k2 + 1) * n + k2 - 1]!;
          x2 = nr === 3 ? h[(k2 + 2) * n + k2 - 1]! : 0;
        } else {
          x0 = v0;
          x1 = v1;
          x2 = nr === 3 ? v2 : 0;
        }
        // Reflector I − t1 (1, u2, u3)(1, u2, u3)ᵀ mapping (x0, x1, x2) to (β, 0, 0) (xLARFG).
        let t1 = 0;
        let u2 = 0;
        let u3 = 0;
        let beta = x0;
        const xn = nr === 3 ? hypot2(x1, x2) : Math.abs(x1);
        if (xn !== 0) {
          const up = tinyScale(Math.max(xn, Math.abs(x0)));
          const y0 = x0 * up;
          const b = -(y0 >= 0 ? 1 : -1) * hypot2(y0, xn * up);
          t1 = (b - y0) / b;
          const sc = 1 / (y0 - b);
          u2 = x1 * up * sc;
          u3 = x2 * up * sc;
          beta = b / up;
        }
        if (k2 > m) {
          h[k2 * n + k2 - 1] = beta;
          h[(k2 + 1) * n + k2 - 1] = 0;
          if (k2 < i - 1) h[(k2 + 2) * n + k2 - 1] = 0;
        } else if (m > l) {
          // H(m, m−1) is negligible but not zero; the reflector flips its sign (xLAHQR's underflow-safe form).
          h[k2 * n + k2 - 1]! *= 1 - t1;
        }
        if (t1 === 0) continue;
        const t2 = t1 * u2;
        if (nr === 3) {
          const t3 = t1 * u3;
          const r0 = k2 * n;
          const r1 = r0 + n;
          const r2 = r1 + n;
          for (let j = k2; j <= i2; j++) {
            const sum = h[r0 + j]! + u2 * h[r1 + j]! + u3 * h[r2 + j]!;
            h[r0 + j]! -= sum * t1;
            h[r1 + j]! -= sum * t2;
            h[r2 + j]! -= sum * t3;
          }
          const jmax = Math.min(k2 + 3, i);
          for (let j = i1; j <= jmax; j++) {
            const o = j * n + k2;
            const sum = h[o]! + u2 * h[o + 1]! + u3 * h[o + 2]!;
            h[o]! -= sum * t1;
            h[o + 1]! -= sum * t2;
            h[o + 2]! -= sum * t3;
          }
          if (z !== null) {
            const c0 = k2 * n;
            const c1 = c0 + n;
            const c2 = c1 + n;
            for (let j = 0; j < n; j++) {
              const sum = z[c0 + j]! + u2 * z[c1 + j]! + u3 * z[c2 + j]!;
              z[c0 + j]! -= sum * t1;
              z[c1 + j]! -= sum * t2;
              z[c2 + j]! -= sum * t3;
            }
          }
        } else {
          const r0 = k2 * n;
          const r1 = r0 + n;
          for (let j = k2; j <= i2; j++) {
            const sum = h[r0 + j]! + u2 * h[r1 + j]!;
            h[r0 + j]! -= sum * t1;
            h[r1 + j]! -= sum * t2;
          }
          for (let j = i1; j <= i; j++) {
            const o = j * n + k2;
            const sum = h[o]! + u2 * h[o + 1]!;
            h[o]! -= sum * t1;
            h[o + 1]! -= sum * t2;
          }
          if (z !== null) {
            const c0 = k2 * n;
            const c1 = c0 + n;
            for (let j = 0; j < n; j++) {
              const sum = z[c0 + j]! + u2 * z[c1 + j]!;
              z[c0 + j]! -= sum * t1;
              z[c1 + j]! -= sum * t2;
            }
          }
        }
      }
    }
    if (!converged) return i + 1;
    if (l === i) {
      wr[i] = h[i * n + i]!;
      wi[i] = 0;
    } else {
      // 2×2 block at rows i−1, i: standardize it and apply the rotation to the rest of T and to Z.
      const p = (i - 1) * n + i - 1;
      const std = standardize2x2(h[p]!, h[p + 1]!, h[p + n]!, h[p + n + 1]!);
      h[p] = std.a;
      h[p + 1] = std.b;
      h[p + n] = std.c;
      h[p + n + 1] = std.d;
      wr[i - 1] = std.rt1r;
      wi[i - 1] = std.rt1i;
      wr[i] = std.rt2r;
      wi[i] = std.rt2i;
      const cs = std.cs;
      const sn = std.sn;
      if (wantT) {
        // Rows i−1, i to the right of the block; columns i−1, i above it.
        const ra = (i - 1) * n;
        const rb = i * n;
        for (let j = i + 1; j <= i2; j++) {
          const x = h[ra + j]!;
          const y = h[rb + j]!;
          h[ra + j] = cs * x + sn * y;
          h[rb + j] = cs * y - sn * x;
        }
        for (let j = i1; j <= i - 2; j++) {
          const o = j * n + i - 1;
          const x = h[o]!;
          const y = h[o + 1]!;
          h[o] = cs * x + sn * y;
          h[o + 1] = cs * y - sn * x;
        }
      }
      if (z !== null) {
        const ca = (i - 1) * n;
        const cb = i * n;
        for (let j = 0; j < n; j++) {
          const x = z[ca + j]!;
          const y = z[cb + j]!;
          z[ca + j] = cs * x + sn * y;
          z[cb + j] = cs * y - sn * x;
        }
      }
    }
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}

interface Standard2x2 {
  a: number;
  b: number;
  c: number;
  d: number;
  rt1r: number;
  rt1i: number;
  rt2r: number;
  rt2i: number;
  cs: number;
  sn: number;
}

/**
 * Schur factorization of a real 2×2 block in standard form (xLANV2):
 * [a b; c d] = [cs −sn; sn cs] [aa bb; cc dd] [cs sn; −sn cs] with either cc = 0 (two real eigenvalues aa, dd) or
 * aa = dd and bb·cc < 0 (eigenvalues aa ± i√(−bb·cc), the one with positive imaginary part first).
 */
function standardize2x2(a: number, b: number, c: number, d: number): Standard2x2 {
  let cs = 1;
  let sn = 0;
  const sign = (x: number): number => (x >= 0 ? 1 : -1);
  if (c === 0) {
    // already upper triangular
  } else if (b === 0) {
    cs = 0;
    sn = 1;
    const t = d;
    d = a;
    a = t;
    b = -c;
    c = 0;
  } else if (a - d === 0 && sign(b) !== sign(c)) {
    // already standard
  } else {
    let temp = a - d;
    let p = 0.5 * temp;
    const bcmax = Math.max(Math.abs(b), Math.abs(c));
    const bcmis = Math.min(Math.abs(b), Math.abs(c)) * sign(b) * sign(c);
    const scale = Math.max(Math.abs(p), bcmax);
    let zz = (p / scale) * p + (bcmax / scale) * bcmis;
    if (zz >= 4 * EPS) {
      // Real eigenvalues: compute a and d, then the rotation that zeroes c.
      zz = p + sign(p) * Math.sqrt(scale) * Math.sqrt(zz);
      a = d + zz;
      d = d - (bcmax / zz) * bcmis;
      const tau = hypot2(c, zz);
      cs = zz / tau;
      sn = c / tau;
      b = b - c;
      c = 0;
    } else {
      // Complex or nearly equal real eigenvalues: make the diagonal entries equal. σ and a − d are first brought
      // into [2⁻⁴⁸⁵, 2⁴⁸⁵] together (LAPACK 3.10's fix): with a − d subnormal, p = (a − d)/2 would underflow to 0
      // while τ does not, and the rotation would lose its orthogonality.
      let sigma = b + c;
      for (let count = 0; count < 20; count++) {
        const sc = Math.max(Math.abs(temp), Math.abs(sigma));
        if (sc >= 2 ** 485) {
          sigma *= 2 ** -485;
          temp *= 2 ** -485;
        } else if (sc <= 2 ** -485) {
          sigma *= 2 ** 485;
          temp *= 2 ** 485;
        } else break;
      }
      p = 0.5 * temp;
      const tau = hypot2(sigma, temp);
      cs = Math.sqrt(0.5 * (1 + Math.abs(sigma) / tau));
      sn = -(p / (tau * cs)) * sign(sigma);
      const aa = a * cs + b * sn;
      const bb = -a * sn + b * cs;
      const cc = c * cs + d * sn;
      const dd = -c * sn + d * cs;
      a = aa * cs + cc * sn;
      b = bb * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -bb * sn + dd * cs;
      temp = 0.5 * (a + d);
      a = temp;
      d = temp;
      if (c !== 0) {
        if (b !== 0) {
          if (sign(b) === sign(c)) {
            // Real eigenvalues after all: reduce to upper triangular form.
            const sab = Math.sqrt(Math.abs(b));
            const sac = Math.sqrt(Math.abs(c));
            p = sign(c) * sab * sac;
            const tau2 = 1 / Math.sqrt(Math.abs(b + c));
            a = temp + p;
            d = temp - p;
            b = b - c;
            c = 0;
            const cs1 = sab * tau2;
            const sn1 = sac * tau2;
            const t = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1;
            cs = t;
          }
        } else {
          b = -c;
          c = 0;
          const t = cs;
          cs = -sn;
          sn = t;
        }
      }
    }
  }
  let rt1i = 0;
  let rt2i = 0;
  if (c !== 0) {
    rt1i = Math.sqrt(Math.abs(b)) * Math.sqrt(Math.abs(c));
    rt2i = -rt1i;
  }
  return { a, b, c, d, rt1r: a, rt1i, rt2r: d, rt2i, cs, sn };
}

// ---------------------------------------------------------------------------------------------------------------
// Eigenvectors of the real Schur form (xTREVC, right vectors, back-transformed)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Overwrite z (column-major Schur vectors) with the eigenvectors Z·x of A, where T x = λ x is solved by back
 * substitution on the quasi-triangular t. Real λ: column k holds the real vector. Pair k, k+1 (wi[k] > 0): column k
 * the real part and column k+1 the imaginary part of the vector of λ = wr[k] + i·wi[k]. Vectors are not normalized.
 */
function eigenvectorsRealSchur(t: Float64Array, z: Float64Array, wr: Float64Array, wi: Float64Array, n: number): void {
  const smlnum = SAFMIN * (n / EPS);
  const xmax = backSubstitutionBound(t, null, n);
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  let ki = n - 1;
  while (ki >= 0) {
    const pair = ki > 0 && t[ki * n + ki - 1] !== 0;
    if (!pair) {
      const lam = wr[ki]!;
      const smin = Math.max(EPS * Math.abs(lam), smlnum);
      xr.fill(0, 0, ki + 1);
      xr[ki] = 1;
      let j = ki - 1;
      while (j >= 0) {
        if (j > 0 && t[j * n + j - 1] !== 0) {
          // 2×2 diagonal block at rows j−1, j.
          const r1 = -dotRow(t, (j - 1) * n, xr, j + 1, ki);
          const r2 = -dotRow(t, j * n, xr, j + 1, ki);
          const blk = [t[(j - 1) * n + j - 1]! - lam, 0, t[(j - 1) * n + j]!, 0, t[j * n + j - 1]!, 0, t[j * n + j]! - lam, 0] as const;
          let s = solve2x2(...blk, r1, 0, r2, 0, smin);
          const m = Math.max(Math.abs(s[0]), Math.abs(s[2]));
          if (!(m <= xmax)) {
            const ra = Math.max(Math.abs(r1), Math.abs(r2));
            s = solve2x2(...blk, r1 / ra, 0, r2 / ra, 0, smin);
            const my = Math.max(Math.abs(s[0]), Math.abs(s[2]));
            scaleVec(xr, null, j + 1, ki, xmax / my / ra);
            s = [s[0] * (xmax / my), 0, s[2] * (xmax / my), 0];
          }
          xr[j - 1] = s[0];
          xr[j] = s[2];
          j -= 2;
        } else {
          let dd = t[j * n + j]! - lam;
          if (Math.abs(dd) < smin) dd = smin;
          const rhs = -dotRow(t, j * n, xr, j + 1, ki);
          let v = rhs / dd;
          if (!(Math.abs(v) <= xmax)) {
            // Scale x[j+1..ki] (and so rhs) down so that x_j lands at xmax instead of overflowing.
            const ra = Math.abs(rhs);
            const y = rhs / ra / dd;
            const my = Math.abs(y);
            scaleVec(xr, null, j + 1, ki, xmax / my / ra);
            v = y * (xmax / my);
          }
          xr[j] = v;
          j -= 1;
        }
      }
      // Back transform: column ki ← Z[:, 0..ki] x.
      combineColumns(z, null, n, xr, null, ki, ur, null);
      z.set(ur, ki * n);
      ki -= 1;
    } else {
      // Complex pair at (ki−1, ki); λ = wr + i·w with w > 0 (standardized block [[a, b], [c, a]], bc < 0).
      const k0 = ki - 1;
      const lr = wr[k0]!;
      const li = wi[k0]!;
      const smin = Math.max(EPS * (Math.abs(lr) + Math.abs(li)), smlnum);
      xr.fill(0, 0, ki + 1);
      xi.fill(0, 0, ki + 1);
      const b = t[k0 * n + ki]!;
      const c = t[ki * n + k0]!;
      // Null vector of [[−i·w, b], [c, −i·w]]: (1, i·w/b) or, dividing by the larger entry, (−w/c, i).
      if (Math.abs(b) >= Math.abs(c)) {
        xr[k0] = 1;
        xi[ki] = li / b;
      } else {
        xr[k0] = -li / c;
        xi[ki] = 1;
      }
      let j = k0 - 1;
      while (j >= 0) {
        if (j > 0 && t[j * n + j - 1] !== 0) {
          const r1r = -dotRow(t, (j - 1) * n, xr, j + 1, ki);
          const r1i = -dotRow(t, (j - 1) * n, xi, j + 1, ki);
          const r2r = -dotRow(t, j * n, xr, j + 1, ki);
          const r2i = -dotRow(t, j * n, xi, j + 1, ki);
          const blk = [t[(j - 1) * n + j - 1]! - lr, -li, t[(j - 1) * n + j]!, 0, t[j * n + j - 1]!, 0, t[j * n + j]! - lr, -li] as const;
          let s = solve2x2(...blk, r1r, r1i, r2r, r2i, smin);
          const m = Math.max(Math.abs(s[0]), Math.abs(s[1]), Math.abs(s[2]), Math.abs(s[3]));
          if (!(m <= xmax)) {
            const ra = Math.max(Math.abs(r1r), Math.abs(r1i), Math.abs(r2r), Math.abs(r2i));
            s = solve2x2(...blk, r1r / ra, r1i / ra, r2r / ra, r2i / ra, smin);
            const my = Math.max(Math.abs(s[0]), Math.abs(s[1]), Math.abs(s[2]), Math.abs(s[3]));
            scaleVec(xr, xi, j + 1, ki, xmax / my / ra);
            const f = xmax / my;
            s = [s[0] * f, s[1] * f, s[2] * f, s[3] * f];
          }
          xr[j - 1] = s[0];
          xi[j - 1] = s[1];
          xr[j] = s[2];
          xi[j] = s[3];
          j -= 2;
        } else {
          let dr = t[j * n + j]! - lr;
          let di = -li;
          if (Math.abs(dr) + Math.abs(di) < smin) {
            dr = smin;
            di = 0;
          }
          const sr = -dotRow(t, j * n, xr, j + 1, ki);
          const si = -dotRow(t, j * n, xi, j + 1, ki);
          let [qr, qi] = cdiv(sr, si, dr, di);
          if (!(Math.max(Math.abs(qr), Math.abs(qi)) <= xmax)) {
            const ra = Math.max(Math.abs(sr), Math.abs(si));
            [qr, qi] = cdiv(sr / ra, si / ra, dr, di);
            const my = Math.max(Math.abs(qr), Math.abs(qi));
            scaleVec(xr, xi, j + 1, ki, xmax / my / ra);
            qr *= xmax / my;
            qi *= xmax / my;
          }
          xr[j] = qr;
          xi[j] = qi;
          j -= 1;
        }
      }
      combineColumns(z, null, n, xr, null, ki, ur, null);
      combineColumns(z, null, n, xi, null, ki, ui, null);
      z.set(ur, k0 * n);
      z.set(ui, ki * n);
      ki -= 2;
    }
  }
}

/**
 * Largest magnitude allowed for an entry of a back-substitution vector: with |x_m| ≤ xmax, every dot product
 * Σ T_jm x_m and every back-transformed entry Σ Z_rm x_m (|Z_rm| ≤ 1) stays below 2¹⁰²⁰. An entry that would exceed
 * it (a zero pivot replaced by smin divides by ~ε·|λ| or ~1e-292) triggers a rescaling of the partial vector instead
 * of an overflow (the role of xLATRS's scale factor in xTREVC).
 */
function backSubstitutionBound(tr: Float64Array, ti: Float64Array | null, n: number): number {
  let tau = 1;
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(i - 1, 0); j < n; j++) {
      tau = Math.max(tau, Math.abs(tr[i * n + j]!) + (ti === null ? 0 : Math.abs(ti[i * n + j]!)));
    }
  }
  return 2 ** 1020 / (n * tau);
}

/**
 * out = Σ_{m=0}^{last} x_m · Z[:, m] for column-major Z (complex when zi/xi/outIm are given), four columns per pass
 * so that each pass over `out` does four multiply-adds per load and store.
 */
function combineColumns(
  zr: Float64Array,
  zi: Float64Array | null,
  n: number,
  xr: Float64Array,
  xi: Float64Array | null,
  last: number,
  outRe: Float64Array,
  outIm: Float64Array | null,
): void {
  outRe.fill(0);
  if (outIm !== null) outIm.fill(0);
  let m = 0;
  if (zi === null || xi === null || outIm === null) {
    // Real Z and real coefficients.
    for (; m + 3 <= last; m += 4) {
      const c0 = xr[m]!;
      const c1 = xr[m + 1]!;
      const c2 = xr[m + 2]!;
      const c3 = xr[m + 3]!;
      const o0 = m * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      for (let r = 0; r < n; r++) {
        outRe[r]! += c0 * zr[o0 + r]! + c1 * zr[o1 + r]! + c2 * zr[o2 + r]! + c3 * zr[o3 + r]!;
      }
    }
    for (; m <= last; m++) {
      const c = xr[m]!;
      if (c === 0) continue;
      const o = m * n;
      for (let r = 0; r < n; r++) outRe[r]! += c * zr[o + r]!;
    }
    return;
  }
  for (; m + 1 <= last; m += 2) {
    const ar = xr[m]!;
    const ai = xi[m]!;
    const br = xr[m + 1]!;
    const bi = xi[m + 1]!;
    const o0 = m * n;
    const o1 = o0 + n;
    for (let r = 0; r < n; r++) {
      const p = zr[o0 + r]!;
      const q = zi[o0 + r]!;
      const u = zr[o1 + r]!;
      const w = zi[o1 + r]!;
      outRe[r]! += ar * p - ai * q + br * u - bi * w;
      outIm[r]! += ar * q + ai * p + br * w + bi * u;
    }
  }
  for (; m <= last; m++) {
    const ar = xr[m]!;
    const ai = xi[m]!;
    const o = m * n;
    for (let r = 0; r < n; r++) {
      const p = zr[o + r]!;
      const q = zi[o + r]!;
      outRe[r]! += ar * p - ai * q;
      outIm[r]! += ar * q + ai * p;
    }
  }
}

/** Σ_{m=from}^{to} t[row + m]·x[m]. */
function dotRow(t: Float64Array, row: number, x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let m = from; m <= to; m++) s += t[row + m]! * x[m]!;
  return s;
}

function scaleVec(xr: Float64Array, xi: Float64Array | null, from: number, to: number, s: number): void {
  for (let m = from; m <= to; m++) {
    xr[m]! *= s;
    if (xi !== null) xi[m]! *= s;
  }
}

/**
 * Solve the complex 2×2 system [[a, b], [c, d]] (x1, x2) = (r1, r2) by Gaussian elimination with complete pivoting;
 * pivots smaller than smin are replaced by smin (xLALN2's perturbation). Returns [x1r, x1i, x2r, x2i].
 */
function solve2x2(
  ar: number, ai: number, br: number, bi: number,
  cr: number, ci: number, dr: number, di: number,
  r1r: number, r1i: number, r2r: number, r2i: number,
  smin: number,
): [number, number, number, number] {
  // Entries in the order a, b, c, d; pick the largest as pivot and permute so that it sits at (0, 0).
  const m = [Math.abs(ar) + Math.abs(ai), Math.abs(br) + Math.abs(bi), Math.abs(cr) + Math.abs(ci), Math.abs(dr) + Math.abs(di)];
  let p = 0;
  for (let k = 1; k < 4; k++) if (m[k]! > m[p]!) p = k;
  // Row swap if the pivot is in row 1 (c or d), column swap if it is in column 1 (b or d).
  const rowSwap = p >= 2;
  const colSwap = p === 1 || p === 3;
  let e = [ar, ai, br, bi, cr, ci, dr, di];
  let rhs = [r1r, r1i, r2r, r2i];
  if (rowSwap) {
    e = [e[4]!, e[5]!, e[6]!, e[7]!, e[0]!, e[1]!, e[2]!, e[3]!];
    rhs = [rhs[2]!, rhs[3]!, rhs[0]!, rhs[1]!];
  }
  if (colSwap) e = [e[2]!, e[3]!, e[0]!, e[1]!, e[6]!, e[7]!, e[4]!, e[5]!];
  let [p11r, p11i, p12r, p12i, p21r, p21i, p22r, p22i] = e as [number, number, number, number, number, number, number, number];
  if (Math.abs(p11r) + Math.abs(p11i) < smin) {
    p11r = smin;
    p11i = 0;
  }
  const [lr, li] = cdiv(p21r, p21i, p11r, p11i);
  p22r -= lr * p12r - li * p12i;
  p22i -= lr * p12i + li * p12r;
  if (Math.abs(p22r) + Math.abs(p22i) < smin) {
    p22r = smin;
    p22i = 0;
  }
  const s2r = rhs[2]! - (lr * rhs[0]! - li * rhs[1]!);
  const s2i = rhs[3]! - (lr * rhs[1]! + li * rhs[0]!);
  const [y2r, y2i] = cdiv(s2r, s2i, p22r, p22i);
  const [y1r, y1i] = cdiv(rhs[0]! - (p12r * y2r - p12i * y2i), rhs[1]! - (p12r * y2i + p12i * y2r), p11r, p11i);
  // Undo the column swap on the unknowns.
  return colSwap ? [y2r, y2i, y1r, y1i] : [y1r, y1i, y2r, y2i];
}

// ---------------------------------------------------------------------------------------------------------------
// Complex Schur form: single-shift QR with Givens rotations (xLAHQR for complex)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reduce the complex upper Hessenberg (hr, hi) (row-major) to upper triangular Schur form in place, accumulating
 * the rotations into (zr, zi) (column-major, may be null). Returns 0 or i + 1 on non-convergence at index i.
 */
function schurComplex(
  hr: Float64Array,
  hi: Float64Array,
  n: number,
  zr: Float64Array | null,
  zi: Float64Array | null,
  wantT: boolean,
  wr: Float64Array,
  wi: Float64Array,
): number {
  if (n === 0) return 0;
  const smlnum = SAFMIN * (n / EPS);
  const itmax = 30 * Math.max(10, n);
  const KEXSH = 10;
  const cabs1 = (k: number): number => Math.abs(hr[k]!) + Math.abs(hi[k]!);
  let kdefl = 0;
  let i1 = 0;
  let i2 = n - 1;
  let i = n - 1;
  while (i >= 0) {
    let l = 0;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      let k = i;
      for (; k > l; k--) {
        const sub = cabs1(k * n + k - 1);
        if (sub <= smlnum) break;
        let tst = cabs1((k - 1) * n + k - 1) + cabs1(k * n + k);
        if (tst === 0) {
          if (k - 2 >= 0) tst += cabs1((k - 1) * n + k - 2);
          if (k + 1 < n) tst += cabs1((k + 1) * n + k);
        }
        if (sub <= EPS * tst) {
          const sup = cabs1((k - 1) * n + k);
          const ab = Math.max(sub, sup);
          const ba = Math.min(sub, sup);
          const hkk = cabs1(k * n + k);
          const dif =
            Math.abs(hr[(k - 1) * n + k - 1]! - hr[k * n + k]!) + Math.abs(hi[(k - 1) * n + k - 1]! - hi[k * n + k]!);
          const aa = Math.max(hkk, dif);
          const bb = Math.min(hkk, dif);
          const s = aa + ab;
          if (ba * (ab / s) <= Math.max(smlnum, EPS * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > 0) {
        hr[l * n + l - 1] = 0;
        hi[l * n + l - 1] = 0;
      }
      if (l >= i) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      // Shift σ.
      let sgr: number;
      let sgi: number;
      if (kdefl % (2 * KEXSH) === 0) {
        const s = 0.75 * cabs1(i * n + i - 1);
        sgr = s + hr[i * n + i]!;
        sgi = hi[i * n + i]!;
      } else if (kdefl % KEXSH === 0) {
        const s = 0.75 * cabs1((l + 1) * n + l);
        sgr = s + hr[l * n + l]!;
        sgi = hi[l * n + l]!;
      } else {
        // Wilkinson: the eigenvalue of the trailing 2×2 block closer to H(i, i), as d − u²/(x + y),
        // x = (a − d)/2, u² = b·c, y = ±√(x² + u²) with the sign that avoids cancellation in x + y.
        sgr = hr[i * n + i]!;
        sgi = hi[i * n + i]!;
        const [u1r, u1i] = csqrt(hr[(i - 1) * n + i]!, hi[(i - 1) * n + i]!);
        const [u2r, u2i] = csqrt(hr[i * n + i - 1]!, hi[i * n + i - 1]!);
        const ur = u1r * u2r - u1i * u2i;
        const ui = u1r * u2i + u1i * u2r;
        let s = Math.abs(ur) + Math.abs(ui);
        if (s !== 0) {
          const xr = 0.5 * (hr[(i - 1) * n + i - 1]! - sgr);
          const xi = 0.5 * (hi[(i - 1) * n + i - 1]! - sgi);
          const sx = Math.abs(xr) + Math.abs(xi);
          s = Math.max(s, sx);
          // y = s·√((x/s)² + (u/s)²)
          const xsr = xr / s;
          const xsi = xi / s;
          const usr = ur / s;
          const usi = ui / s;
          const [qr, qi] = csqrt(xsr * xsr - xsi * xsi + usr * usr - usi * usi, 2 * xsr * xsi + 2 * usr * usi);
          let yr = s * qr;
          let yi = s * qi;
          if (sx > 0 && (xr / sx) * yr + (xi / sx) * yi < 0) {
            yr = -yr;
            yi = -yi;
          }
          // σ −= u · (u / (x + y))
          const [dr, di] = cdiv(ur, ui, xr + yr, xi + yi);
          sgr -= ur * dr - ui * di;
          sgi -= ur * di + ui * dr;
        }
      }
      // Look for two consecutive small subdiagonal entries.
      let m = i - 1;
      let ar = 0;
      let ai = 0;
      let br = 0;
      let bi = 0;
      for (; m >= l; m--) {
        const mm = m * n + m;
        ar = hr[mm]! - sgr;
        ai = hi[mm]! - sgi;
        br = hr[mm + n]!;
        bi = hi[mm + n]!;
        const s = Math.abs(ar) + Math.abs(ai) + Math.abs(br) + Math.abs(bi);
        ar /= s;
        ai /= s;
        br /= s;
        bi /= s;
        if (m === l) break;
        const h10 = cabs1(mm - 1);
        const h21 = Math.abs(br) + Math.abs(bi);
        if (h10 * h21 <= EPS * ((Math.abs(ar) + Math.abs(ai)) * (cabs1(mm) + cabs1(mm + n + 1)))) break;
      }
      // Single-shift QR sweep from m to i: G_k = [[c, s], [−s̄, c]] zeroes the bulge below the subdiagonal.
      for (let k2 = m; k2 < i; k2++) {
        let xr0: number;
        let xi0: number;
        let xr1: number;
        let xi1: number;
        if (k2 === m) {
          xr0 = ar;
          xi0 = ai;
          xr1 = br;
          xi1 = bi;
        } else {
          xr0 = hr[k2 * n + k2 - 1]!;
          xi0 = hi[k2 * n + k2 - 1]!;
          xr1 = hr[(k2 + 1) * n + k2 - 1]!;
          xi1 = hi[(k2 + 1) * n + k2 - 1]!;
        }
        const g = givens(xr0, xi0, xr1, xi1);
        const c = g[0];
        const sr = g[1];
        const si = g[2];
        if (k2 > m) {
          hr[k2 * n + k2 - 1] = g[3];
          hi[k2 * n + k2 - 1] = g[4];
          hr[(k2 + 1) * n + k2 - 1] = 0;
          hi[(k2 + 1) * n + k2 - 1] = 0;
        }
        // Rows k2, k2+1 ← G · rows, columns k2..i2.
        const r0 = k2 * n;
        const r1 = r0 + n;
        for (let j = k2; j <= i2; j++) {
          const x_r = hr[r0 + j]!;
          const x_i = hi[r0 + j]!;
          const y_r = hr[r1 + j]!;
          const y_i = hi[r1 + j]!;
          hr[r0 + j] = c * x_r + sr * y_r - si * y_i;
          hi[r0 + j] = c * x_i + sr * y_i + si * y_r;
          hr[r1 + j] = c * y_r - (sr * x_r + si * x_i);
          hi[r1 + j] = c * y_i - (sr * x_i - si * x_r);
        }
        // Columns k2, k2+1 ← columns · Gᴴ, rows i1..min(k2+2, i):  col0 = c·x + s̄·y,  col1 = −s·x + c·y.
        const jmax = Math.min(k2 + 2, i);
        for (let j = i1; j <= jmax; j++) {
          const o = j * n + k2;
          const x_r = hr[o]!;
          const x_i = hi[o]!;
          const y_r = hr[o + 1]!;
          const y_i = hi[o + 1]!;
          hr[o] = c * x_r + sr * y_r + si * y_i;
          hi[o] = c * x_i + sr * y_i - si * y_r;
          hr[o + 1] = c * y_r - (sr * x_r - si * x_i);
          hi[o + 1] = c * y_i - (sr * x_i + si * x_r);
        }
        if (zr !== null && zi !== null) {
          const c0 = k2 * n;
          const c1 = c0 + n;
          for (let j = 0; j < n; j++) {
            const x_r = zr[c0 + j]!;
            const x_i = zi[c0 + j]!;
            const y_r = zr[c1 + j]!;
            const y_i = zi[c1 + j]!;
            zr[c0 + j] = c * x_r + sr * y_r + si * y_i;
            zi[c0 + j] = c * x_i + sr * y_i - si * y_r;
            zr[c1 + j] = c * y_r - (sr * x_r - si * x_i);
            zi[c1 + j] = c * y_i - (sr * x_i + si * x_r);
          }
        }
      }
    }
    if (!converged) return i + 1;
    wr[i] = hr[i * n + i]!;
    wi[i] = hi[i * n + i]!;
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}

/**
 * Complex Givens rotation G = [[c, s], [−s̄, c]], c real ≥ 0, with G·(a, b)ᵀ = (r, 0)ᵀ.
 * Returns [c, Re s, Im s, Re r, Im r].
 */
function givens(ar: number, ai: number, br: number, bi: number): [number, number, number, number, number] {
  const na = hypot2(ar, ai);
  const nb = hypot2(br, bi);
  if (nb === 0) return [1, 0, 0, ar, ai];
  if (na === 0) return [0, br / nb, -bi / nb, nb, 0];
  const rho = hypot2(na, nb);
  const c = na / rho;
  // s = (a/|a|)·conj(b)/ρ,  r = (a/|a|)·ρ
  const pr = ar / na;
  const pi = ai / na;
  const sr = (pr * br + pi * bi) / rho;
  const si = (pi * br - pr * bi) / rho;
  return [c, sr, si, pr * rho, pi * rho];
}

// ---------------------------------------------------------------------------------------------------------------
// Eigenvectors of the complex Schur form (xTREVC for complex)
// ---------------------------------------------------------------------------------------------------------------

/** Overwrite (zr, zi) (column-major) with the eigenvectors Z·x, T x = T_kk x solved by back substitution. */
function eigenvectorsComplexSchur(tr: Float64Array, ti: Float64Array, zr: Float64Array, zi: Float64Array, n: number): void {
  const smlnum = SAFMIN * (n / EPS);
  const xmax = backSubstitutionBound(tr, ti, n);
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const ur = new Float64Array(n);
  const ui = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const lr = tr[k * n + k]!;
    const li = ti[k * n + k]!;
    const smin = Math.max(EPS * (Math.abs(lr) + Math.abs(li)), smlnum);
    xr.fill(0, 0, k + 1);
    xi.fill(0, 0, k + 1);
    xr[k] = 1;
    for (let j = k - 1; j >= 0; j--) {
      const row = j * n;
      let sr = 0;
      let si = 0;
      for (let m = j + 1; m <= k; m++) {
        const ar = tr[row + m]!;
        const ai = ti[row + m]!;
        const br = xr[m]!;
        const bi = xi[m]!;
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      let dr = tr[row + j]! - lr;
      let di = ti[row + j]! - li;
      if (Math.abs(dr) + Math.abs(di) < smin) {
        dr = smin;
        di = 0;
      }
      let [qr, qi] = cdiv(-sr, -si, dr, di);
      if (!(Math.max(Math.abs(qr), Math.abs(qi)) <= xmax)) {
        const ra = Math.max(Math.abs(sr), Math.abs(si));
        [qr, qi] = cdiv(-sr / ra, -si / ra, dr, di);
        const my = Math.max(Math.abs(qr), Math.abs(qi));
        scaleVec(xr, xi, j + 1, k, xmax / my / ra);
        qr *= xmax / my;
        qi *= xmax / my;
      }
      xr[j] = qr;
      xi[j] = qi;
    }
    combineColumns(zr, zi, n, xr, xi, k, ur, ui);
    zr.set(ur, k * n);
    zi.set(ui, k * n);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small complex helpers
// ---------------------------------------------------------------------------------------------------------------

/**
 * Exact power-of-two factor that lifts a magnitude below 2⁻⁶⁰⁰ to about 1 (1 otherwise): Householder vectors built
 * from (near-)subnormal entries keep their orthogonality (xLARFG rescales by 1/safmin for the same reason).
 */
function tinyScale(m: number): number {
  if (m >= 2 ** -600 || m === 0) return 1;
  return 2 ** Math.min(1000, -Math.floor(Math.log2(m)));
}

/** √(x² + y²) without the cost of Math.hypot, rescaling only when the squares would overflow or underflow. */
function hypot2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const m = ax > ay ? ax : ay;
  if (m === 0) return 0;
  if (m > 1e-150 && m < 1e150) return Math.sqrt(ax * ax + ay * ay);
  if (!Number.isFinite(m)) return m;
  const a = ax / m;
  const b = ay / m;
  return m * Math.sqrt(a * a + b * b);
}

function hypot3(x: number, y: number, z: number): number {
  return hypot2(hypot2(x, y), z);
}

/** (a + i·b) / (c + i·d) by Smith's algorithm. */
function cdiv(a: number, b: number, c: number, d: number): [number, number] {
  if (Math.abs(d) <= Math.abs(c)) {
    const t = d / c;
    const den = c + d * t;
    return [(a + b * t) / den, (b - a * t) / den];
  }
  const t = c / d;
  const den = c * t + d;
  return [(a * t + b) / den, (b * t - a) / den];
}

function cinv(r: number, s: number): [number, number] {
  return cdiv(1, 0, r, s);
}

/** Principal square root of x + i·y. */
function csqrt(x: number, y: number): [number, number] {
  if (x === 0 && y === 0) return [0, 0];
  const m = hypot2(x, y);
  // Rescale by an even power of two when (m ± x)/2 could underflow (subnormal input) or m overflow.
  if (m < 2 ** -600) {
    const [a, b] = csqrt(x * 2 ** 600, y * 2 ** 600);
    return [a * 2 ** -300, b * 2 ** -300];
  }
  if (m > 2 ** 600) {
    const [a, b] = csqrt(x * 2 ** -600, y * 2 ** -600);
    return [a * 2 ** 300, b * 2 ** 300];
  }
  if (x >= 0) {
    const t = Math.sqrt(0.5 * (m + x));
    return [t, y / (2 * t)];
  }
  const t = Math.sqrt(0.5 * (m - x));
  return [Math.abs(y) / (2 * t), y >= 0 ? t : -t];
}
