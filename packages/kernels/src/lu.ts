/**
 * Dense LU factorization with partial pivoting for real and complex square matrices, and the solves built on it:
 * A X = B, Aᵀ X = B and Aᴴ X = B for many right-hand sides, plus a 1-norm reciprocal-condition estimate.
 *
 * Storage: complex numbers are split into a real-part and an imaginary-part Float64Array (the layout of a
 * `complex128` Tensor); `im = null` means a real matrix. The factors are kept row-major so that every inner loop
 * (elimination, the triangular solves) runs along contiguous rows.
 *
 * Paths: the factorization of a real matrix of order ≥ {@link LU_CROSSOVER} runs in WASM-SIMD (assembly/lu.ts) when
 * the backend allows it — the same operations in the same order, so the factors are bitwise identical; complex
 * matrices and all solves run in TypeScript.
 *
 * References: G. H. Golub & C. F. Van Loan, *Matrix Computations*, 4th ed. (2013), §3.4 (partial pivoting), §3.5.4
 * (pivot growth); N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed. (2002), ch. 9 and §15.3
 * (Hager–Higham 1-norm condition estimator, the algorithm behind LAPACK's xLACN2).
 */
import { arenaBytes, preferWasm, withWasm } from './backend.js';

/** Smallest order for which a real LU factorization runs in WASM-SIMD under the `'auto'` backend. */
export const LU_CROSSOVER = 16;

/** An LU factorization P·A = L·U of a square matrix, as returned by {@link luFactor}. */
export interface LuFactors {
  /** Order of the matrix. */
  readonly n: number;
  /** Real parts of L (strictly below the diagonal, unit diagonal implied) and U (on and above), row-major n×n. */
  readonly re: Float64Array;
  /** Imaginary parts of the factors, or `null` for a real matrix. */
  readonly im: Float64Array | null;
  /** Row interchanges: at elimination step k, row k was swapped with row `piv[k]` (≥ k). */
  readonly piv: Int32Array;
  /** 0, or k + 1 when U[k][k] is exactly zero for the first such k (the matrix is exactly singular; solves refuse). */
  readonly info: number;
  /** Pivot growth max|U| / max|A| (1 for the zero matrix); large values (≫ n) warn of an unstable factorization. */
  readonly growth: number;
  /** ‖A‖₁ (maximum absolute column sum), kept for {@link luRcond}. */
  readonly norm1: number;
}

/** Options of {@link luFactor}. */
export interface LuFactorOptions {
  /** Read the input as column-major (entry (i, j) at [i + j·n]) instead of row-major. Default false. */
  colMajor?: boolean;
}

/** Options of {@link luSolve}. */
export interface LuSolveOptions {
  /** Which system to solve: `'N'` A X = B (default), `'T'` Aᵀ X = B, `'C'` Aᴴ X = B. */
  trans?: 'N' | 'T' | 'C';
  /**
   * Layout of B and of the returned X: column-major n×nrhs (right-hand side k contiguous at [k·n, (k+1)·n)) when
   * true, row-major n×nrhs (default) otherwise.
   */
  colMajor?: boolean;
}

/** Solution of {@link luSolve}: X in the layout of B; `im` is null only when both the factors and B are real. */
export interface LuSolution {
  re: Float64Array;
  im: Float64Array | null;
}

/**
 * Factor a real or complex square matrix as P·A = L·U with partial (row) pivoting.
 *
 * **Method**: right-looking Gaussian elimination (the kij form): at step k choose the entry of largest modulus in
 * column k on or below the diagonal, swap it into the pivot row, store the multipliers ℓ_ik = a_ik / a_kk in place
 * and subtract ℓ_ik × (pivot row) from each row below. Cost ⅔n³ real flops (4× that for complex).
 *
 * **Numerical notes**: backward stable in practice, ‖ΔA‖ ≲ c·n·ε·growth·‖A‖ with `growth` = max|U|/max|A|
 * (returned; bounded by 2ⁿ⁻¹, small for all but contrived matrices). An exactly zero pivot does not stop the
 * factorization: the step is skipped and `info` records the first one, and {@link luSolve} then refuses to solve.
 * A nearly singular matrix factors without complaint: ask {@link luRcond} for its condition.
 *
 * **References**: Golub & Van Loan, *Matrix Computations* (4th ed., 2013), Alg. 3.4.1; LAPACK xGETF2.
 *
 * @param re real parts of A, n×n (row-major unless `opts.colMajor`); not modified.
 * @param im imaginary parts of A, or `null` for a real matrix; not modified.
 * @param n order of A.
 * @example
 * ```ts
 * // [[0, 2], [1, 1]] x = [2, 2]  →  x = [1, 1]
 * const f = luFactor(new Float64Array([0, 2, 1, 1]), null, 2);
 * const x = luSolve(f, new Float64Array([2, 2]), null, 1);
 * // x.re ≈ [1, 1], f.info === 0
 * ```
 */
export function luFactor(
  re: Float64Array,
  im: Float64Array | null,
  n: number,
  opts: LuFactorOptions = {},
): LuFactors {
  checkSquare('luFactor', re, im, n);
  const nn = n * n;
  const a = new Float64Array(nn);
  const b = im === null ? null : new Float64Array(nn);
  if (opts.colMajor === true) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        a[i * n + j] = re[i + j * n]!;
        if (b !== null) b[i * n + j] = im![i + j * n]!;
      }
    }
  } else {
    a.set(re.subarray(0, nn));
    if (b !== null) b.set(im!.subarray(0, nn));
  }
  // ‖A‖₁ and max|A| for the condition estimate and the growth factor.
  let norm1 = 0;
  let amax = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const m = b === null ? Math.abs(a[i * n + j]!) : Math.hypot(a[i * n + j]!, b[i * n + j]!);
      s += m;
      if (m > amax) amax = m;
    }
    if (s > norm1 || Number.isNaN(s)) norm1 = s;
  }
  const piv = new Int32Array(n);
  let info: number | undefined;
  if (b === null && n > 0 && preferWasm(n, LU_CROSSOVER)) info = factorRealWasm(a, n, piv);
  if (info === undefined) info = factorInPlace(a, b, n, piv);
  let umax = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const m = b === null ? Math.abs(a[i * n + j]!) : Math.hypot(a[i * n + j]!, b[i * n + j]!);
      if (m > umax) umax = m;
    }
  }
  const growth = amax === 0 ? 1 : umax / amax;
  return { n, re: a, im: b, piv, info, growth, norm1 };
}

/** The real factorization in WASM (assembly/lu.ts); undefined when that path is unavailable. */
function factorRealWasm(a: Float64Array, n: number, piv: Int32Array): number | undefined {
  return withWasm(arenaBytes(a.byteLength, piv.byteLength), (wasm, arena) => {
    const kernel = wasm['luFactorF64'];
    if (kernel === undefined) return undefined; // a module built before this kernel existed
    const pa = arena.put(a);
    const pp = arena.alloc(piv.byteLength);
    const info = kernel(n, pa, pp);
    arena.get(pa, a);
    arena.get(pp, piv);
    return info;
  });
}

/** Right-looking elimination with partial pivoting on row-major (a, b); returns info. */
function factorInPlace(a: Float64Array, b: Float64Array | null, n: number, piv: Int32Array): number {
  let info = 0;
  for (let k = 0; k < n; k++) {
    // Pivot: largest modulus in column k at or below the diagonal (squared modulus: no square roots needed).
    let p = k;
    let best = -1;
    for (let i = k; i < n; i++) {
      const x = a[i * n + k]!;
      const y = b === null ? 0 : b[i * n + k]!;
      const m = x * x + y * y;
      if (m > best) {
        best = m;
        p = i;
      }
    }
    piv[k] = p;
    if (p !== k) {
      swapRows(a, n, k, p);
      if (b !== null) swapRows(b, n, k, p);
    }
    const kk = k * n + k;
    const pr = a[kk]!;
    const pi = b === null ? 0 : b[kk]!;
    if (pr === 0 && pi === 0) {
      if (info === 0) info = k + 1;
      continue;
    }
    if (b === null) {
      const inv = 1 / pr;
      for (let i = k + 1; i < n; i++) {
        const ik = i * n + k;
        const l = a[ik]! * inv;
        a[ik] = l;
        if (l === 0) continue;
        const ri = i * n;
        const rk = k * n;
        for (let j = k + 1; j < n; j++) a[ri + j]! -= l * a[rk + j]!;
      }
    } else {
      // 1 / (pr + i·pi), scaled to avoid overflow of pr² + pi².
      const [ir, ii] = cinv(pr, pi);
      for (let i = k + 1; i < n; i++) {
        const ik = i * n + k;
        const xr = a[ik]!;
        const xi = b[ik]!;
        const lr = xr * ir - xi * ii;
        const li = xr * ii + xi * ir;
        a[ik] = lr;
        b[ik] = li;
        if (lr === 0 && li === 0) continue;
        const ri = i * n;
        const rk = k * n;
        for (let j = k + 1; j < n; j++) {
          const ur = a[rk + j]!;
          const ui = b[rk + j]!;
          a[ri + j]! -= lr * ur - li * ui;
          b[ri + j]! -= lr * ui + li * ur;
        }
      }
    }
  }
  return info;
}

/**
 * Solve A X = B, Aᵀ X = B or Aᴴ X = B with the factors of {@link luFactor}, for `nrhs` right-hand sides at once.
 *
 * **Method**: with P·A = L·U, A X = B is L Y = P B (forward substitution, unit L) then U X = Y (back substitution);
 * Aᵀ X = B is Uᵀ Z = B, Lᵀ W = Z, X = Pᵀ W; Aᴴ likewise with conjugated factors. Every substitution is written to
 * walk rows of the row-major factors (dot products for L and U, row axpys for Lᵀ and Uᵀ). Cost 2n² flops per
 * right-hand side (×4 complex).
 *
 * **Numerical notes**: backward stable given the factorization; the forward error is about cond(A)·ε (see
 * {@link luRcond}). Real factors with a complex B solve the real and imaginary parts separately. Throws a
 * `RangeError` when the factorization found an exactly zero pivot (`f.info > 0`) rather than return Inf/NaN.
 *
 * **References**: Golub & Van Loan, *Matrix Computations* (4th ed., 2013), §3.1, §3.4; LAPACK xGETRS.
 *
 * @param f factors from {@link luFactor}.
 * @param bRe real parts of B (n×nrhs, row-major unless `opts.colMajor`); not modified.
 * @param bIm imaginary parts of B, or `null` for a real B.
 * @param nrhs number of right-hand sides (columns of B).
 * @example
 * ```ts
 * // A = [[2, 1], [0, 1]];  Aᵀ x = [2, 3]  →  x = [1, 2]
 * const f = luFactor(new Float64Array([2, 1, 0, 1]), null, 2);
 * luSolve(f, new Float64Array([2, 3]), null, 1, { trans: 'T' }).re; // ≈ [1, 2]
 * ```
 */
export function luSolve(
  f: LuFactors,
  bRe: Float64Array,
  bIm: Float64Array | null,
  nrhs: number,
  opts: LuSolveOptions = {},
): LuSolution {
  const n = f.n;
  if (f.info > 0) {
    throw new RangeError(
      `luSolve: the matrix is exactly singular (U[${f.info - 1}][${f.info - 1}] = 0); no solution is computed`,
    );
  }
  if (!Number.isInteger(nrhs) || nrhs < 0) throw new RangeError(`luSolve: nrhs must be a non-negative integer, got ${nrhs}`);
  if (bRe.length < n * nrhs || (bIm !== null && bIm.length < n * nrhs)) {
    throw new RangeError(`luSolve: B must hold ${n}×${nrhs} = ${n * nrhs} entries, got ${bRe.length}`);
  }
  const trans = opts.trans ?? 'N';
  const colMajor = opts.colMajor === true;
  const complexOut = f.im !== null || bIm !== null;
  // Work column by column on a contiguous copy (column-major X).
  const xr = new Float64Array(n * nrhs);
  const xi = complexOut ? new Float64Array(n * nrhs) : null;
  for (let k = 0; k < nrhs; k++) {
    for (let i = 0; i < n; i++) {
      const src = colMajor ? i + k * n : i * nrhs + k;
      xr[k * n + i] = bRe[src]!;
      if (xi !== null && bIm !== null) xi[k * n + i] = bIm[src]!;
    }
  }
  for (let k = 0; k < nrhs; k++) {
    const off = k * n;
    if (f.im === null) {
      solveReal(f, xr, off, trans);
      if (xi !== null) solveReal(f, xi, off, trans);
    } else {
      solveComplex(f, xr, xi!, off, trans === 'C' ? 'C' : trans === 'T' ? 'T' : 'N');
    }
  }
  if (colMajor) return { re: xr, im: xi };
  const or = new Float64Array(n * nrhs);
  const oi = xi === null ? null : new Float64Array(n * nrhs);
  for (let k = 0; k < nrhs; k++) {
    for (let i = 0; i < n; i++) {
      or[i * nrhs + k] = xr[k * n + i]!;
      if (oi !== null) oi[i * nrhs + k] = xi![k * n + i]!;
    }
  }
  return { re: or, im: oi };
}

/**
 * Estimate the reciprocal 1-norm condition number 1 / (‖A‖₁ ‖A⁻¹‖₁) from an LU factorization.
 *
 * **Method**: Hager's method as refined by Higham (LAPACK xLACN2): a few steps of a power-like iteration on
 * ‖A⁻¹x‖₁ over the unit 1-norm ball, each costing one solve with A and one with Aᴴ, followed by Higham's
 * alternating test vector x_i = (−1)^i (1 + i/(n−1)) as a safeguard. At most 5 iterations.
 *
 * **Numerical notes**: the estimate of ‖A⁻¹‖₁ is a lower bound, almost always within a factor 3 of the truth, so the
 * returned rcond is an upper bound of the true one, usually close. Returns 0 for an exactly singular factorization
 * (`info > 0`) and for ‖A‖₁ = 0; NaN propagates from a non-finite A.
 *
 * **References**: W. W. Hager, "Condition estimates", SIAM J. Sci. Stat. Comput. 5 (1984) 311–316; N. J. Higham,
 * "FORTRAN codes for estimating the one-norm of a real or complex matrix", ACM TOMS 14 (1988) 381–396.
 *
 * @example
 * ```ts
 * const f = luFactor(new Float64Array([1, 0, 0, 1e-6]), null, 2);
 * luRcond(f); // 1e-6
 * ```
 */
export function luRcond(f: LuFactors): number {
  const n = f.n;
  if (n === 0) return 1;
  if (f.info > 0 || f.norm1 === 0) return 0;
  if (Number.isNaN(f.norm1)) return Number.NaN;
  const inv = estimateInverseNorm1(f);
  return inv === 0 ? Infinity : 1 / (f.norm1 * inv);
}

/** Hager–Higham estimate of ‖A⁻¹‖₁ (complex-capable; the real case uses ±1 sign vectors). */
function estimateInverseNorm1(f: LuFactors): number {
  const n = f.n;
  const complex = f.im !== null;
  const xr = new Float64Array(n).fill(1 / n);
  const xi = complex ? new Float64Array(n) : null;
  const solve = (trans: 'N' | 'C'): void => {
    if (complex) solveComplex(f, xr, xi!, 0, trans);
    else solveReal(f, xr, 0, trans === 'C' ? 'T' : 'N');
  };
  const norm1 = (): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += complex ? Math.hypot(xr[i]!, xi![i]!) : Math.abs(xr[i]!);
    return s;
  };
  solve('N');
  let est = norm1();
  if (n === 1) return est;
  const prevSign = new Float64Array(n);
  // x ← sign(A⁻¹x), then z = A⁻ᴴ sign; j = argmax |z|.
  const setSign = (): boolean => {
    let same = true;
    for (let i = 0; i < n; i++) {
      let sr: number;
      let si = 0;
      if (complex) {
        const m = Math.hypot(xr[i]!, xi![i]!);
        sr = m === 0 ? 1 : xr[i]! / m;
        si = m === 0 ? 0 : xi![i]! / m;
        xi![i] = si;
        same = false;
      } else {
        sr = xr[i]! >= 0 ? 1 : -1;
        if (sr !== prevSign[i]) same = false;
        prevSign[i] = sr;
      }
      xr[i] = sr;
    }
    return same;
  };
  const argmaxAbs = (): number => {
    let j = 0;
    let m = -1;
    for (let i = 0; i < n; i++) {
      const v = complex ? Math.hypot(xr[i]!, xi![i]!) : Math.abs(xr[i]!);
      if (v > m) {
        m = v;
        j = i;
      }
    }
    return j;
  };
  setSign();
  solve('C');
  let j = argmaxAbs();
  for (let iter = 2; iter <= 5; iter++) {
    xr.fill(0);
    if (xi !== null) xi.fill(0);
    xr[j] = 1;
    solve('N');
    const old = est;
    est = norm1();
    if (est <= old) {
      est = Math.max(est, old);
      break;
    }
    if (setSign() && !complex) break;
    solve('C');
    const jlast = j;
    j = argmaxAbs();
    const a = complex ? Math.hypot(xr[jlast]!, xi![jlast]!) : Math.abs(xr[jlast]!);
    const b = complex ? Math.hypot(xr[j]!, xi![j]!) : Math.abs(xr[j]!);
    if (a === b) break;
  }
  // Higham's safeguard vector.
  for (let i = 0; i < n; i++) xr[i] = (i % 2 === 0 ? 1 : -1) * (1 + i / (n - 1));
  if (xi !== null) xi.fill(0);
  solve('N');
  const alt = (2 * norm1()) / (3 * n);
  return Math.max(est, alt);
}

/** In-place solve for one real right-hand side stored at x[off .. off+n). */
function solveReal(f: LuFactors, x: Float64Array, off: number, trans: 'N' | 'T' | 'C'): void {
  const n = f.n;
  const a = f.re;
  const piv = f.piv;
  if (trans === 'N') {
    for (let k = 0; k < n; k++) {
      const p = piv[k]!;
      if (p !== k) {
        const t = x[off + k]!;
        x[off + k] = x[off + p]!;
        x[off + p] = t;
      }
    }
    for (let i = 1; i < n; i++) {
      let s = x[off + i]!;
      const ri = i * n;
      for (let j = 0; j < i; j++) s -= a[ri + j]! * x[off + j]!;
      x[off + i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[off + i]!;
      const ri = i * n;
      for (let j = i + 1; j < n; j++) s -= a[ri + j]! * x[off + j]!;
      x[off + i] = s / a[ri + i]!;
    }
  } else {
    // Uᵀ z = b: forward, one row of U at a time.
    for (let j = 0; j < n; j++) {
      const rj = j * n;
      const z = x[off + j]! / a[rj + j]!;
      x[off + j] = z;
      if (z === 0) continue;
      for (let i = j + 1; i < n; i++) x[off + i]! -= z * a[rj + i]!;
    }
    // Lᵀ w = z: backward, one row of L at a time.
    for (let j = n - 1; j > 0; j--) {
      const w = x[off + j]!;
      if (w === 0) continue;
      const rj = j * n;
      for (let i = 0; i < j; i++) x[off + i]! -= w * a[rj + i]!;
    }
    for (let k = n - 1; k >= 0; k--) {
      const p = piv[k]!;
      if (p !== k) {
        const t = x[off + k]!;
        x[off + k] = x[off + p]!;
        x[off + p] = t;
      }
    }
  }
}

/** In-place solve for one complex right-hand side (xr, xi)[off .. off+n) with complex factors. */
function solveComplex(f: LuFactors, xr: Float64Array, xi: Float64Array, off: number, trans: 'N' | 'T' | 'C'): void {
  const n = f.n;
  const a = f.re;
  const b = f.im!;
  const piv = f.piv;
  if (trans === 'N') {
    for (let k = 0; k < n; k++) {
      const p = piv[k]!;
      if (p !== k) {
        let t = xr[off + k]!;
        xr[off + k] = xr[off + p]!;
        xr[off + p] = t;
        t = xi[off + k]!;
        xi[off + k] = xi[off + p]!;
        xi[off + p] = t;
      }
    }
    for (let i = 1; i < n; i++) {
      let sr = xr[off + i]!;
      let si = xi[off + i]!;
      const ri = i * n;
      for (let j = 0; j < i; j++) {
        const lr = a[ri + j]!;
        const li = b[ri + j]!;
        const yr = xr[off + j]!;
        const yi = xi[off + j]!;
        sr -= lr * yr - li * yi;
        si -= lr * yi + li * yr;
      }
      xr[off + i] = sr;
      xi[off + i] = si;
    }
    for (let i = n - 1; i >= 0; i--) {
      let sr = xr[off + i]!;
      let si = xi[off + i]!;
      const ri = i * n;
      for (let j = i + 1; j < n; j++) {
        const ur = a[ri + j]!;
        const ui = b[ri + j]!;
        const yr = xr[off + j]!;
        const yi = xi[off + j]!;
        sr -= ur * yr - ui * yi;
        si -= ur * yi + ui * yr;
      }
      const [qr, qi] = cdiv(sr, si, a[ri + i]!, b[ri + i]!);
      xr[off + i] = qr;
      xi[off + i] = qi;
    }
  } else {
    // conj = −1 flips the sign of the factors' imaginary parts (Aᴴ); +1 keeps them (Aᵀ).
    const cj = trans === 'C' ? -1 : 1;
    for (let j = 0; j < n; j++) {
      const rj = j * n;
      const [zr, zi] = cdiv(xr[off + j]!, xi[off + j]!, a[rj + j]!, cj * b[rj + j]!);
      xr[off + j] = zr;
      xi[off + j] = zi;
      if (zr === 0 && zi === 0) continue;
      for (let i = j + 1; i < n; i++) {
        const ur = a[rj + i]!;
        const ui = cj * b[rj + i]!;
        xr[off + i]! -= zr * ur - zi * ui;
        xi[off + i]! -= zr * ui + zi * ur;
      }
    }
    for (let j = n - 1; j > 0; j--) {
      const wr = xr[off + j]!;
      const wi = xi[off + j]!;
      if (wr === 0 && wi === 0) continue;
      const rj = j * n;
      for (let i = 0; i < j; i++) {
        const lr = a[rj + i]!;
        const li = cj * b[rj + i]!;
        xr[off + i]! -= wr * lr - wi * li;
        xi[off + i]! -= wr * li + wi * lr;
      }
    }
    for (let k = n - 1; k >= 0; k--) {
      const p = piv[k]!;
      if (p !== k) {
        let t = xr[off + k]!;
        xr[off + k] = xr[off + p]!;
        xr[off + p] = t;
        t = xi[off + k]!;
        xi[off + k] = xi[off + p]!;
        xi[off + p] = t;
      }
    }
  }
}

function swapRows(a: Float64Array, n: number, r: number, s: number): void {
  const ro = r * n;
  const so = s * n;
  for (let j = 0; j < n; j++) {
    const t = a[ro + j]!;
    a[ro + j] = a[so + j]!;
    a[so + j] = t;
  }
}

/** 1 / (r + i·s) by Smith's scaling (no overflow of r² + s²). */
function cinv(r: number, s: number): [number, number] {
  if (Math.abs(s) <= Math.abs(r)) {
    const t = s / r;
    const d = r + s * t;
    return [1 / d, -t / d];
  }
  const t = r / s;
  const d = r * t + s;
  return [t / d, -1 / d];
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

function checkSquare(fn: string, re: Float64Array, im: Float64Array | null, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a non-negative integer, got ${n}`);
  if (re.length < n * n) throw new RangeError(`${fn}: expected ${n}×${n} = ${n * n} real parts, got ${re.length}`);
  if (im !== null && im.length < n * n) {
    throw new RangeError(`${fn}: expected ${n}×${n} = ${n * n} imaginary parts, got ${im.length}`);
  }
}
