/**
 * Real symmetric eigensolver: Householder tridiagonalization (tred2) followed by the implicit QL algorithm with
 * Wilkinson-like shifts (tql2), after EISPACK as transcribed in JAMA, reworked so that every inner loop runs down a
 * contiguous column (eigenvectors and the working matrix are stored column-major).
 *
 * This file holds the TypeScript reference path and the dispatch: `symEig` runs the WASM-SIMD path
 * (assembly/symeig.ts, the same algorithm operation for operation in its scalar parts, f64x2 in the inner loops) when
 * the backend switch allows it and n ≥ {@link SYMEIG_CROSSOVER}, else the TypeScript path. Both apply the sign
 * convention with the same function ({@link fixSignPhase}) and agree to rounding.
 */

import { arenaBytes, preferWasm, withWasm } from './backend.js';
import { fixSignPhase } from './phase.js';

/** Options of {@link symEig} and {@link hermEig}. */
export interface EigOptions {
  /** Compute eigenvectors (default true). Eigenvalues are bitwise identical either way. */
  vectors?: boolean;
}

/** Result of {@link symEig}. */
export interface SymEigResult {
  /** Eigenvalues, ascending (unspecified order when `info > 0`). */
  values: Float64Array;
  /** Unit eigenvectors, column-major: component i of eigenvector j is `vectors[i + j*n]`; null if not requested. */
  vectors: Float64Array | null;
  /** 0 on success; k > 0 if the QL iteration gave up while eigenvalue k − 1 (0-based) was still unconverged. */
  info: number;
}

const EPS = 2 ** -52;

/** Maximum number of QL iterations per eigenvalue on average; the total budget is MAX_ITER_PER_VALUE·n. */
export const MAX_ITER_PER_VALUE = 30;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix.
 *
 * **Method**: A is reduced to a symmetric tridiagonal T = Qᵀ A Q by n − 2 Householder reflections (tred2, working
 * upward from the last row), Q is accumulated explicitly, and T = Z Λ Zᵀ is diagonalized by implicit QL sweeps shifted
 * by the eigenvalue of the leading 2×2 block nearest d_l (tql2), each sweep's Givens rotations applied to the columns
 * of Q, so that V = Q Z. The eigenvalues are then sorted ascending (with their columns) and each column gets the sign
 * convention of {@link fixSignPhase}.
 *
 * **Numerical notes**: backward stable: ‖AV − VΛ‖_F and ‖VᵀV − I‖_F are O(n·ε·‖A‖_F) and O(n·ε). Only the lower
 * triangle of A (A[i*n + j] with i ≥ j) is read; A itself is never written. An off-diagonal is deflated when |e_i| ≤
 * ε·max_k(|d_k| + |e_k|) (absolute test, as in JAMA), so eigenvalues are accurate relative to ‖A‖, not each to its own
 * magnitude (graded matrices get norm-wise accuracy). The QL iterations are bounded by 30·n in total; if they run out
 * (or the input holds NaN/Inf) `info` is set and the returned values and vectors are not meaningful — the caller raises
 * the error. Values-only calls skip the accumulation and rotations (2–4× faster, tools/bench/README.md) and give the
 * same eigenvalues bit for bit. Matrices with max|A_ij| outside [1e-146, 1e146] are scaled into it first
 * ({@link eigScale}), so entries from subnormal numbers to 1e308 neither underflow nor overflow.
 *
 * **References**: Bowdler, Martin, Reinsch & Wilkinson (1968), "The QR and QL algorithms for symmetric matrices",
 * Numer. Math. 11:293–306; Martin, Reinsch & Wilkinson (1968), "Householder's tridiagonalization of a symmetric matrix",
 * Numer. Math. 11:181–195; EISPACK tred2/tql2; JAMA `EigenvalueDecomposition` (Hicks, Moler, Boisvert et al. 1998).
 *
 * @example
 * ```ts
 * const { values, vectors } = symEig(new Float64Array([2, 1, 1, 2]), 2);
 * // values = [1, 3]; vectors (column-major) ≈ [0.7071, -0.7071, 0.7071, 0.7071]
 * // (both entries of each column tie in magnitude, so the first one is made positive)
 * ```
 */
export function symEig(A: Float64Array, n: number, opts?: EigOptions): SymEigResult {
  checkArgs(A, n, 'symEig');
  if (n > 0 && preferWasm(n, SYMEIG_CROSSOVER)) {
    const out = symEigWasm(A, n, opts);
    if (out !== undefined) return out;
  }
  return symEigTs(A, n, opts);
}

/**
 * Matrices with n below this run on the TypeScript path under `setBackend('auto')`: below it the copies across the
 * WASM boundary cost about what the SIMD loops save. Measured by tools/bench/eigh.bench.ts.
 */
export const SYMEIG_CROSSOVER = 8;

/**
 * The WASM-SIMD path of {@link symEig}, or `undefined` when WASM is unavailable (backend forced to TypeScript, module
 * not ready, or the arrays do not fit the memory reservation).
 *
 * **Method**, **Numerical notes**, **References**: as {@link symEig}; the inner loops run in f64x2 lanes, so sums are
 * ordered differently and results differ from {@link symEigTs} by rounding (same algorithm, same deflation tests).
 *
 * @example
 * ```ts
 * const r = symEigWasm(new Float64Array([2, 1, 1, 2]), 2) ?? symEigTs(new Float64Array([2, 1, 1, 2]), 2);
 * ```
 */
export function symEigWasm(A: Float64Array, n: number, opts?: EigOptions): SymEigResult | undefined {
  checkArgs(A, n, 'symEig');
  const wantVectors = opts?.vectors ?? true;
  if (n === 0) return { values: new Float64Array(0), vectors: wantVectors ? new Float64Array(0) : null, info: 0 };
  return withWasm(
    (w) => arenaBytes(n * n * 8, w['symEigVBytes']!(n), n * 8, n * 8, w['symEigWorkBytes']!(n)),
    (w, arena) => {
      const sigma = eigScale(A, null, n);
      const pa = arena.put(A.subarray(0, n * n));
      if (sigma !== 1) {
        const a = arena.f64(pa, n * n);
        for (let i = 0; i < n * n; i++) a[i] = a[i]! * sigma;
      }
      const pv = arena.alloc(w['symEigVBytes']!(n));
      const pd = arena.alloc(n * 8);
      const pe = arena.alloc(n * 8);
      const pw = arena.alloc(w['symEigWorkBytes']!(n));
      const info = w['symEigF64']!(n, wantVectors ? 1 : 0, pa, pv, pd, pe, pw);
      const values = arena.get(pd, new Float64Array(n));
      if (sigma !== 1) for (let j = 0; j < n; j++) values[j] = values[j]! / sigma;
      let vectors: Float64Array | null = null;
      if (wantVectors) {
        vectors = arena.get(pv, new Float64Array(n * n));
        if (info === 0) fixSignPhase(vectors, n, n);
      }
      return { values, vectors, info };
    },
  );
}

/**
 * The TypeScript path of {@link symEig} (also its fallback and the oracle of the WASM parity tests).
 *
 * **Method**, **Numerical notes**, **References**: as {@link symEig}.
 *
 * @example
 * ```ts
 * symEigTs(new Float64Array([4]), 1); // { values: [4], vectors: [1], info: 0 }
 * ```
 */
export function symEigTs(A: Float64Array, n: number, opts?: EigOptions): SymEigResult {
  checkArgs(A, n, 'symEig');
  const wantVectors = opts?.vectors ?? true;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: wantVectors ? new Float64Array(0) : null, info: 0 };
  // Column-major working copy of the lower triangle: V[r + c*n] = σ·A[r][c] for r ≥ c (upper entries are not read).
  const sigma = eigScale(A, null, n);
  const V = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const col = c * n;
    for (let r = c; r < n; r++) V[col + r] = A[r * n + c]!;
  }
  if (sigma !== 1) for (let i = 0; i < n * n; i++) V[i] = V[i]! * sigma;
  tred2(V, d, e, n, wantVectors);
  const info = tql2(d, e, wantVectors ? V : null, n, n);
  if (info === 0) sortEigen(d, wantVectors ? V : null, n, n);
  if (sigma !== 1) for (let j = 0; j < n; j++) d[j] = d[j]! / sigma;
  if (wantVectors && info === 0) fixSignPhase(V, n, n);
  return { values: d, vectors: wantVectors ? V : null, info };
}

/** Smallest max|A_ij| the solvers run on unscaled: LAPACK dsyev's rmin = √(safmin/ε) ≈ 1.0e-146. */
const RMIN = Math.sqrt(2 ** -1022 / EPS);
/** Largest max|A_ij| the solvers run on unscaled: rmax = 1/rmin ≈ 1.0e146. */
const RMAX = 1 / RMIN;

/**
 * Scale factor σ that brings max|A_ij| over the lower triangle (of Re and Im) into [rmin, rmax] ≈ [1e-146, 1e146], or
 * 1 if it is there already (or A is zero or holds NaN/Inf, which the QL iteration reports).
 *
 * **Method**: as LAPACK dsyev/zheev: the solver runs on σA and divides the eigenvalues by σ; eigenvectors are
 * unchanged. Inside that range no product of two entries (the QL step forms e_l·e_{l+1}/d_{l+1}) can overflow or
 * underflow.
 *
 * **References**: LAPACK dsyev (scaling by `anrm` against `rmin`/`rmax`).
 *
 * @example
 * ```ts
 * eigScale(new Float64Array([1e-200]), null, 1); // ≈ 1.0e54 (σ·1e-200 = rmin)
 * eigScale(new Float64Array([2, 1, 1, 2]), null, 2); // 1
 * ```
 */
export function eigScale(re: Float64Array, im: Float64Array | null, n: number): number {
  let m = 0;
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let c = 0; c <= r; c++) {
      const a = Math.abs(re[row + c]!);
      if (a > m) m = a;
      if (im !== null) {
        const b = Math.abs(im[row + c]!);
        if (b > m) m = b;
      }
    }
  }
  if (m > 0 && m < RMIN) return RMIN / m;
  if (m > RMAX && m < Infinity) return RMAX / m;
  return 1;
}

/**
 * Shared argument check of the eigensolvers: n a non-negative integer and A holding at least n² entries (sizes are
 * programming errors of the caller, reported as RangeError; entries are not inspected).
 *
 * @example
 * ```ts
 * checkArgs(new Float64Array(4), 2, 'symEig'); // ok
 * checkArgs(new Float64Array(3), 2, 'symEig'); // RangeError: symEig: A must hold n*n = 4 entries, got 3
 * ```
 */
export function checkArgs(A: Float64Array, n: number, name: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name}: n must be a non-negative integer, got ${n}`);
  if (A.length < n * n) throw new RangeError(`${name}: A must hold n*n = ${n * n} entries, got ${A.length}`);
}

/**
 * Householder tridiagonalization of the symmetric matrix whose lower triangle is in `V` (column-major, n × n).
 *
 * **Method**: EISPACK tred2. For i = n−1 … 1, the reflector P = I − u uᵀ/h annihilates row i left of the
 * subdiagonal (row i is kept scaled in `d` for the step); the similarity P A P is applied as the rank-2 update
 * A ← A − u wᵀ − w uᵀ with p = A u / h, w = p − (uᵀp / 2h) u. On exit d holds the diagonal of T and e[1..n−1] its
 * subdiagonal (e[0] = 0). With `wantVectors`, the reflectors are accumulated backward into V = Q (orthogonal,
 * A = Q T Qᵀ); otherwise V is left as workspace.
 *
 * **Numerical notes**: each row is scaled by the sum of its magnitudes before forming the reflector, which avoids
 * overflow and destructive underflow in h = ‖u‖²; a zero row gives the identity (exactly tridiagonal input stays so).
 * All inner loops run over contiguous column segments V[k + j*n], k = j … i−1.
 *
 * **References**: Martin, Reinsch & Wilkinson (1968), Numer. Math. 11:181–195; JAMA `EigenvalueDecomposition.tred2`.
 *
 * @example
 * ```ts
 * // A = [[4, 1, 2], [1, 3, 1], [2, 1, 5]]: its lower triangle, column-major
 * const V = new Float64Array([4, 1, 2, 0, 3, 1, 0, 0, 5]);
 * const d = new Float64Array(3);
 * const e = new Float64Array(3);
 * tred2(V, d, e, 3, true);
 * // T = tridiag(e[1..2], d, e[1..2]) and V = Q (orthogonal, column-major) with A = Q T Qᵀ; then tql2(d, e, V, 3, 3)
 * ```
 */
export function tred2(V: Float64Array, d: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  const last = n - 1;
  for (let j = 0; j < n; j++) d[j] = V[last + j * n]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1 + j * n]!;
        V[i + j * n] = 0;
        V[j + i * n] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        const x = d[k]! / scale;
        d[k] = x;
        h += x * x;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) V[i * n + j] = d[j]!; // keep u in column i for the accumulation
      symvLower(V, n, i, d, e);
      f = 0;
      for (let j = 0; j < i; j++) {
        const x = e[j]! / h;
        e[j] = x;
        f += x * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      syr2Lower(V, n, i, d, e);
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1 + j * n]!;
        V[i + j * n] = 0;
      }
    }
    d[i] = h;
  }
  // d[i] now holds h_i = ‖u_i‖²/2 of reflector i (u_i in column i, rows 0 … i−1); the diagonal of T is on V's diagonal.
  const hs = wantVectors ? d.slice() : d;
  for (let j = 0; j < n; j++) d[j] = V[j + j * n]!;
  e[0] = 0;
  if (wantVectors) accumulateReflectors(V, hs, n);
}

/**
 * Forms Q = P_{n−1} ⋯ P_1 in place from the reflectors P_i = I − u_i u_iᵀ / h_i left in V by {@link tred2}
 * (u_i in rows 0 … i−1 of column i, h_i in `hs[i]`).
 *
 * **Method**: backward accumulation, Q ← P_{i+1} Q for i = 0 … n − 2; since the partial product is the identity
 * outside its leading (i+1)×(i+1) block, each step is the rank-1 update Q₁₁ ← Q₁₁ − (u/h)(uᵀ Q₁₁) of that block. Two
 * consecutive reflectors are applied per pass over the block (a block size 2 compact-WY step): with t₁ = u₁ᵀv,
 * t₂ = u₂ᵀv and c₁₂ = u₂ᵀu₁/h₁, a column v becomes v − t₁ u₁/h₁ − (t₂ − t₁ c₁₂) u₂/h₂, which halves the memory traffic.
 *
 * **Numerical notes**: mathematically identical to applying the reflectors one at a time (JAMA); the rounding differs
 * only in summation order. A reflector with h = 0 (a row that was already reduced) is the identity and is skipped.
 *
 * **References**: JAMA `EigenvalueDecomposition.tred2` (accumulation); Schreiber & Van Loan (1989), "A storage-efficient
 * WY representation for products of Householder transformations", SIAM J. Sci. Stat. Comput. 10:53–57.
 *
 * @example
 * ```ts
 * // internal: called by tred2 when eigenvectors are wanted
 * ```
 */
function accumulateReflectors(V: Float64Array, hs: Float64Array, n: number): void {
  const u1 = new Float64Array(n);
  const d1 = new Float64Array(n);
  const d2 = new Float64Array(n);
  let i = 0;
  while (i < n - 1) {
    const ci1 = (i + 1) * n;
    V[i + i * n] = 1;
    const h1 = hs[i + 1]!;
    const h2 = i + 2 < n ? hs[i + 2]! : 0;
    if (h1 !== 0 && h2 !== 0) {
      // Reflectors i+1 (u₁: column i+1, rows 0 … i) and i+2 (u₂: column i+2, rows 0 … i+1) in one pass.
      const ci2 = ci1 + n;
      V[i + 1 + ci1] = 1;
      let c12 = 0;
      for (let k = 0; k <= i; k++) {
        const u = V[ci1 + k]!;
        u1[k] = u;
        d1[k] = u / h1;
        c12 += V[ci2 + k]! * d1[k]!;
      }
      for (let k = 0; k <= i + 1; k++) d2[k] = V[ci2 + k]! / h2;
      const d2last = d2[i + 1]!;
      for (let j = 0; j <= i; j++) {
        const cj = j * n;
        let t1 = 0;
        let t2 = 0;
        for (let k = 0; k <= i; k++) {
          const v = V[cj + k]!;
          t1 += u1[k]! * v;
          t2 += V[ci2 + k]! * v;
        }
        const g2 = t2 - t1 * c12;
        for (let k = 0; k <= i; k++) V[cj + k] = V[cj + k]! - (t1 * d1[k]! + g2 * d2[k]!);
        V[cj + i + 1] = -g2 * d2last;
      }
      // Column i+1 was e_{i+1} after reflector i+1; reflector i+2 maps it to e_{i+1} − u₂[i+1]·u₂/h₂.
      const g = V[ci2 + i + 1]!;
      for (let k = 0; k <= i; k++) V[ci1 + k] = -g * d2[k]!;
      V[ci1 + i + 1] = 1 - g * d2last;
      for (let k = 0; k <= i + 1; k++) V[ci2 + k] = 0;
      i += 2;
    } else {
      if (h1 !== 0) {
        for (let k = 0; k <= i; k++) d1[k] = V[ci1 + k]! / h1;
        for (let j = 0; j <= i; j++) {
          const cj = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += V[ci1 + k]! * V[cj + k]!;
          for (let k = 0; k <= i; k++) V[cj + k] = V[cj + k]! - g * d1[k]!;
        }
      }
      for (let k = 0; k <= i; k++) V[ci1 + k] = 0;
      i += 1;
    }
  }
  V[n * n - 1] = 1;
}

/**
 * p ← p + A u for the leading i×i block of a symmetric matrix held in the lower triangle of column-major V.
 *
 * **Method**: one pass over the lower triangle, two columns at a time: column j contributes the dot product
 * Σ_{k>j} A_kj u_k to p_j and the axpy A_kj u_j to p_k (k > j), so each stored entry is read once.
 *
 * **References**: LAPACK dsymv (lower), JAMA tred2.
 *
 * @example
 * ```ts
 * // internal: tred2's p = A u
 * ```
 */
function symvLower(V: Float64Array, n: number, i: number, u: Float64Array, p: Float64Array): void {
  let j = 0;
  for (; j + 1 < i; j += 2) {
    const c0 = j * n;
    const c1 = c0 + n;
    const f0 = u[j]!;
    const f1 = u[j + 1]!;
    const a10 = V[c0 + j + 1]!;
    let g0 = p[j]! + V[c0 + j]! * f0 + a10 * f1;
    let g1 = p[j + 1]! + a10 * f0 + V[c1 + j + 1]! * f1;
    for (let k = j + 2; k < i; k++) {
      const a0 = V[c0 + k]!;
      const a1 = V[c1 + k]!;
      const uk = u[k]!;
      g0 += a0 * uk;
      g1 += a1 * uk;
      p[k] = p[k]! + a0 * f0 + a1 * f1;
    }
    p[j] = g0;
    p[j + 1] = g1;
  }
  if (j < i) p[j] = p[j]! + V[j * n + j]! * u[j]!; // j = i − 1: the diagonal entry alone
}

/**
 * A ← A − u wᵀ − w uᵀ on the lower triangle of the leading i×i block of column-major V.
 *
 * **Method**: column by column, two at a time, so u_k and w_k are loaded once for two columns.
 *
 * **References**: LAPACK dsyr2 (lower), JAMA tred2.
 *
 * @example
 * ```ts
 * // internal: tred2's similarity transformation
 * ```
 */
function syr2Lower(V: Float64Array, n: number, i: number, u: Float64Array, w: Float64Array): void {
  let j = 0;
  for (; j + 1 < i; j += 2) {
    const c0 = j * n;
    const c1 = c0 + n;
    const f0 = u[j]!;
    const g0 = w[j]!;
    const f1 = u[j + 1]!;
    const g1 = w[j + 1]!;
    V[c0 + j] = V[c0 + j]! - (f0 * g0 + g0 * f0);
    for (let k = j + 1; k < i; k++) {
      const uk = u[k]!;
      const wk = w[k]!;
      V[c0 + k] = V[c0 + k]! - (f0 * wk + g0 * uk);
      V[c1 + k] = V[c1 + k]! - (f1 * wk + g1 * uk);
    }
  }
  if (j < i) {
    const c = j * n + j;
    V[c] = V[c]! - 2 * u[j]! * w[j]!;
  }
}

/**
 * Implicit QL iteration on a symmetric tridiagonal matrix, optionally rotating the columns of a matrix V.
 *
 * **Method**: EISPACK tql2. For each l, find the first negligible off-diagonal e_m at or after l; while m > l,
 * shift by the eigenvalue of the leading 2×2 block nearest d_l (accumulated in f) and chase the bulge from m up to l
 * with Givens rotations (c, s); each rotation combines columns i and i+1 of V (length `rows`: n for real vectors, 2n
 * for the stacked real/imaginary parts of complex ones). On entry d is the diagonal and e[1..n−1] the subdiagonal
 * (tred2's layout); on exit d holds the eigenvalues (unsorted) and e is destroyed.
 *
 * **Numerical notes**: deflation when |e_m| ≤ ε·max(|d_k| + |e_k|) over k ≤ l. Total iterations bounded by
 * `maxIterations` (default 30·n);
 * returns 0 on success or l + 1 for the eigenvalue l being worked on when the budget ran out or a non-finite number
 * appeared (NaN/Inf input). Uses a scaled hypot (√ of a ratio) instead of Math.hypot, which is slow in V8.
 *
 * **References**: Bowdler, Martin, Reinsch & Wilkinson (1968), Numer. Math. 11:293–306; JAMA
 * `EigenvalueDecomposition.tql2`; LAPACK dsteqr (the 30·n iteration budget).
 *
 * @example
 * ```ts
 * // T = [[2, 1], [1, 2]]: diagonal d, subdiagonal in e[1..n−1]
 * const d = new Float64Array([2, 2]);
 * const e = new Float64Array([0, 1]);
 * tql2(d, e, null, 2, 2); // 0; d holds 1 and 3 (in no particular order until sortEigen)
 * ```
 */
export function tql2(
  d: Float64Array,
  e: Float64Array,
  V: Float64Array | null,
  n: number,
  rows: number,
  maxIterations: number = MAX_ITER_PER_VALUE * n,
): number {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  let budget = maxIterations;
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    if (!Number.isFinite(tst1)) return l + 1;
    const tol = EPS * tst1;
    let m = l;
    while (m < n - 1 && !(Math.abs(e[m]!) <= tol)) m++;
    if (m > l) {
      do {
        if (budget-- <= 0) return l + 1;
        // Shift: eigenvalue of the leading 2×2 block [d_l e_l; e_l d_{l+1}] nearest d_l.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        // Implicit QL sweep from m up to l.
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cs[i] = c;
          sn[i] = s;
        }
        if (V !== null) applyRotations(V, rows, cs, sn, l, m);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!Number.isFinite(p)) return l + 1;
      } while (!(Math.abs(e[l]!) <= tol));
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return 0;
}

/**
 * Applies one QL sweep's rotations to the columns of V: for i = m−1 down to l,
 * (v_i, v_{i+1}) ← (c_i v_i − s_i v_{i+1}, s_i v_i + c_i v_{i+1}).
 *
 * **Method**: the rotations are applied to a block of 8 rows at a time, walking the columns from m down to l with the
 * running column value held in locals (each rotation's new v_i is the next rotation's v_{i+1}), so each entry of V is
 * loaded once and stored once per sweep instead of twice each (LAPACK dlasr's variant 'L','V','B' by rows).
 *
 * **Numerical notes**: the same floating-point operations as applying the rotations column pair by column pair, in the
 * same order for each entry: the results are bitwise identical.
 *
 * **References**: LAPACK dlasr; Bowdler et al. (1968), Numer. Math. 11:293–306.
 *
 * @example
 * ```ts
 * // internal: tql2 records (c_i, s_i) during the sweep, then calls applyRotations(V, rows, cs, sn, l, m)
 * ```
 */
function applyRotations(V: Float64Array, rows: number, cs: Float64Array, sn: Float64Array, l: number, m: number): void {
  let k = 0;
  for (; k + 8 <= rows; k += 8) {
    const cm = m * rows + k;
    let a0 = V[cm]!;
    let a1 = V[cm + 1]!;
    let a2 = V[cm + 2]!;
    let a3 = V[cm + 3]!;
    let a4 = V[cm + 4]!;
    let a5 = V[cm + 5]!;
    let a6 = V[cm + 6]!;
    let a7 = V[cm + 7]!;
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i]!;
      const s = sn[i]!;
      const p = i * rows + k;
      const q = p + rows;
      let y = V[p]!;
      V[q] = s * y + c * a0;
      a0 = c * y - s * a0;
      y = V[p + 1]!;
      V[q + 1] = s * y + c * a1;
      a1 = c * y - s * a1;
      y = V[p + 2]!;
      V[q + 2] = s * y + c * a2;
      a2 = c * y - s * a2;
      y = V[p + 3]!;
      V[q + 3] = s * y + c * a3;
      a3 = c * y - s * a3;
      y = V[p + 4]!;
      V[q + 4] = s * y + c * a4;
      a4 = c * y - s * a4;
      y = V[p + 5]!;
      V[q + 5] = s * y + c * a5;
      a5 = c * y - s * a5;
      y = V[p + 6]!;
      V[q + 6] = s * y + c * a6;
      a6 = c * y - s * a6;
      y = V[p + 7]!;
      V[q + 7] = s * y + c * a7;
      a7 = c * y - s * a7;
    }
    const cl = l * rows + k;
    V[cl] = a0;
    V[cl + 1] = a1;
    V[cl + 2] = a2;
    V[cl + 3] = a3;
    V[cl + 4] = a4;
    V[cl + 5] = a5;
    V[cl + 6] = a6;
    V[cl + 7] = a7;
  }
  for (; k < rows; k++) {
    let a = V[m * rows + k]!;
    for (let i = m - 1; i >= l; i--) {
      const c = cs[i]!;
      const s = sn[i]!;
      const p = i * rows + k;
      const y = V[p]!;
      V[p + rows] = s * y + c * a;
      a = c * y - s * a;
    }
    V[l * rows + k] = a;
  }
}

/**
 * Sorts eigenvalues ascending, permuting the columns (length `rows`) of V alike.
 *
 * **Method**: selection sort (n² comparisons, at most n − 1 column swaps), as in JAMA; negligible next to the O(n³)
 * solver and stable in the sense that equal values keep their order.
 *
 * **References**: JAMA `EigenvalueDecomposition.tql2` (final sort).
 *
 * @example
 * ```ts
 * const d = new Float64Array([3, 1]);
 * const V = new Float64Array([1, 0, 0, 1]);
 * sortEigen(d, V, 2, 2); // d = [1, 3], V = [0, 1, 1, 0]
 * ```
 */
export function sortEigen(d: Float64Array, V: Float64Array | null, n: number, rows: number): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) {
      if (d[j]! < p) {
        k = j;
        p = d[j]!;
      }
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      if (V !== null) {
        const ci = i * rows;
        const ck = k * rows;
        for (let r = 0; r < rows; r++) {
          const t = V[ci + r]!;
          V[ci + r] = V[ck + r]!;
          V[ck + r] = t;
        }
      }
    }
  }
}

/** √(a² + b²) without destructive overflow or underflow, and faster than Math.hypot in V8. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const t = y / x;
    return x * Math.sqrt(1 + t * t);
  }
  if (y === 0) return 0;
  const t = x / y;
  return y * Math.sqrt(1 + t * t);
}
