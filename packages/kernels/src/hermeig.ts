/**
 * Complex Hermitian eigensolver: unitary Householder reduction to a *real* symmetric tridiagonal matrix, then the real
 * implicit QL iteration of symeig.ts with its rotations applied to complex columns.
 *
 * Chosen over the real 2n×2n embedding [[Re, −Im], [Im, Re]] because it does about a third of the work (the embedding
 * is an 8× larger real problem and needs a pairing step for its doubled eigenvalues); tools/bench/eigh.bench.ts
 * measures both. `hermEig` runs the WASM-SIMD path (assembly/symeig.ts) when the backend allows it and
 * n ≥ SYMEIG_CROSSOVER, else the TypeScript path below; both apply the phase convention with the same function.
 */

import { arenaBytes, preferWasm, withWasm } from './backend.js';
import { fixSignPhaseComplex } from './phase.js';
import { checkArgs, eigScale, SYMEIG_CROSSOVER, sortEigen, tql2, type EigOptions } from './symeig.js';

/** Result of {@link hermEig}. */
export interface HermEigResult {
  /** Eigenvalues (real), ascending (unspecified order when `info > 0`). */
  values: Float64Array;
  /** Real parts of the unit eigenvectors, column-major (`vectorsRe[i + j*n]`); null if not requested. */
  vectorsRe: Float64Array | null;
  /** Imaginary parts of the eigenvectors, same layout; null if not requested. */
  vectorsIm: Float64Array | null;
  /** 0 on success; k > 0 if the QL iteration gave up while eigenvalue k − 1 (0-based) was still unconverged. */
  info: number;
}

/**
 * Eigenvalues and eigenvectors of a complex Hermitian matrix given as real and imaginary parts.
 *
 * **Method**: n − 2 Householder reflections H_k = I − τ_k v_k v_kᴴ (LAPACK zhetd2, lower), each choosing τ_k so that
 * H_kᴴ maps column k below the diagonal to β_k·e₁ with β_k *real*; one more reflection of length 1 makes the last
 * subdiagonal entry real. So T = Qᴴ A Q is real symmetric tridiagonal with Q = H_0 ⋯ H_{n−2} unitary. Q is formed
 * explicitly (zungtr), T = Z Λ Zᵀ is diagonalized by the real implicit QL iteration (tql2), whose rotations are real
 * and are applied to the real and imaginary parts of Q's columns alike, giving V = Q Z. Eigenvalues are sorted
 * ascending and each column is given the phase convention of {@link fixSignPhaseComplex}.
 *
 * **Numerical notes**: backward stable like {@link symEig}: ‖AV − VΛ‖_F = O(n·ε·‖A‖_F), ‖VᴴV − I‖_F = O(n·ε). Only the
 * lower triangle of A is read (entries A[i*n + j] with i ≥ j), and of the diagonal only the real part (a Hermitian
 * matrix has a real diagonal); the inputs are never written. Each reflector is computed in units of its column's
 * largest entry, and matrices with max|A_ij| outside [1e-146, 1e146] are scaled into it first (as LAPACK zheev), so
 * entries from subnormal numbers to 1e308 neither underflow nor overflow. QL iterations are bounded by 30·n in total;
 * on exhaustion or non-finite input `info` > 0 and the outputs are not meaningful. Values-only calls skip forming Q and
 * the rotations.
 *
 * **References**: LAPACK zhetd2, zlarfg, zung2r/zungtr (Anderson et al., LAPACK Users' Guide, 3rd ed., SIAM 1999);
 * EISPACK htridi/htribk (Smith et al. 1976, which use the same real-tridiagonal idea); Bowdler et al. (1968) for QL.
 *
 * @example
 * ```ts
 * // A = [[2, −i], [i, 2]]: eigenvalues 1 and 3
 * const { values } = hermEig(new Float64Array([2, 0, 0, 2]), new Float64Array([0, -1, 1, 0]), 2);
 * // values = [1, 3]
 * ```
 */
export function hermEig(Are: Float64Array, Aim: Float64Array, n: number, opts?: EigOptions): HermEigResult {
  checkArgs(Are, n, 'hermEig');
  checkArgs(Aim, n, 'hermEig');
  if (n > 0 && preferWasm(n, SYMEIG_CROSSOVER)) {
    const out = hermEigWasm(Are, Aim, n, opts);
    if (out !== undefined) return out;
  }
  return hermEigTs(Are, Aim, n, opts);
}

/**
 * The WASM-SIMD path of {@link hermEig}, or `undefined` when WASM is unavailable (backend forced to TypeScript, module
 * not ready, or the arrays do not fit the memory reservation).
 *
 * **Method**, **Numerical notes**, **References**: as {@link hermEig}; results differ from {@link hermEigTs} by
 * rounding only.
 *
 * @example
 * ```ts
 * const A = { re: new Float64Array([2, 0, 0, 2]), im: new Float64Array([0, -1, 1, 0]) };
 * const r = hermEigWasm(A.re, A.im, 2) ?? hermEigTs(A.re, A.im, 2);
 * ```
 */
export function hermEigWasm(
  Are: Float64Array,
  Aim: Float64Array,
  n: number,
  opts?: EigOptions,
): HermEigResult | undefined {
  checkArgs(Are, n, 'hermEig');
  checkArgs(Aim, n, 'hermEig');
  const wantVectors = opts?.vectors ?? true;
  if (n === 0) return hermEigTs(Are, Aim, n, opts);
  const nn = n * n * 8;
  return withWasm(
    (w) => arenaBytes(nn, nn, nn, nn, w['hermEigQBytes']!(n), n * 8, n * 8, w['hermEigWorkBytes']!(n)),
    (w, arena) => {
      const sigma = eigScale(Are, Aim, n);
      const pre = arena.put(Are.subarray(0, n * n));
      const pim = arena.put(Aim.subarray(0, n * n));
      if (sigma !== 1) {
        const re = arena.f64(pre, n * n);
        const im = arena.f64(pim, n * n);
        for (let i = 0; i < n * n; i++) {
          re[i] = re[i]! * sigma;
          im[i] = im[i]! * sigma;
        }
      }
      const phr = arena.alloc(nn);
      const phi = arena.alloc(nn);
      const pq = arena.alloc(w['hermEigQBytes']!(n));
      const pd = arena.alloc(n * 8);
      const pe = arena.alloc(n * 8);
      const pw = arena.alloc(w['hermEigWorkBytes']!(n));
      const info = w['hermEigF64']!(n, wantVectors ? 1 : 0, pre, pim, phr, phi, pq, pd, pe, pw);
      const values = arena.get(pd, new Float64Array(n));
      if (sigma !== 1) for (let j = 0; j < n; j++) values[j] = values[j]! / sigma;
      if (!wantVectors) return { values, vectorsRe: null, vectorsIm: null, info };
      // Column j of q: Re v_j in rows 0 … n−1, Im v_j in rows n … 2n−1, at stride hermEigLd(n).
      const ld = w['hermEigLd']!(n);
      const q = arena.f64(pq, ld * n);
      const Vr = new Float64Array(n * n);
      const Vi = new Float64Array(n * n);
      for (let c = 0; c < n; c++) {
        Vr.set(q.subarray(c * ld, c * ld + n), c * n);
        Vi.set(q.subarray(c * ld + n, c * ld + 2 * n), c * n);
      }
      if (info === 0) fixSignPhaseComplex(Vr, Vi, n, n);
      return { values, vectorsRe: Vr, vectorsIm: Vi, info };
    },
  );
}

/**
 * The TypeScript path of {@link hermEig} (its fallback and the oracle of the WASM parity tests).
 *
 * **Method**, **Numerical notes**, **References**: as {@link hermEig}.
 *
 * @example
 * ```ts
 * hermEigTs(new Float64Array([5]), new Float64Array([0]), 1); // values [5], vectors [1 + 0i]
 * ```
 */
export function hermEigTs(Are: Float64Array, Aim: Float64Array, n: number, opts?: EigOptions): HermEigResult {
  checkArgs(Are, n, 'hermEig');
  checkArgs(Aim, n, 'hermEig');
  const wantVectors = opts?.vectors ?? true;
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) {
    const empty = wantVectors ? new Float64Array(0) : null;
    return { values: d, vectorsRe: empty, vectorsIm: wantVectors ? new Float64Array(0) : null, info: 0 };
  }
  // Column-major working copy of the lower triangle: H[r + c*n] = σ·A[r][c] for r ≥ c.
  const sigma = eigScale(Are, Aim, n);
  const Hr = new Float64Array(n * n);
  const Hi = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const col = c * n;
    Hr[col + c] = Are[c * n + c]! * sigma;
    for (let r = c + 1; r < n; r++) {
      Hr[col + r] = Are[r * n + c]! * sigma;
      Hi[col + r] = Aim[r * n + c]! * sigma;
    }
  }
  const tauRe = new Float64Array(n);
  const tauIm = new Float64Array(n);
  hetrd(Hr, Hi, d, e, tauRe, tauIm, n);
  if (!wantVectors) {
    const info = tql2(d, e, null, n, n);
    if (info === 0) sortEigen(d, null, n, n);
    if (sigma !== 1) for (let j = 0; j < n; j++) d[j] = d[j]! / sigma;
    return { values: d, vectorsRe: null, vectorsIm: null, info };
  }
  // Q with the real and imaginary parts of each column stacked: Q[r + c*2n] = Re, Q[n + r + c*2n] = Im.
  const rows = 2 * n;
  const Q = new Float64Array(rows * n);
  ungtr(Hr, Hi, tauRe, tauIm, Q, n);
  const info = tql2(d, e, Q, n, rows);
  if (info === 0) sortEigen(d, Q, n, rows);
  if (sigma !== 1) for (let j = 0; j < n; j++) d[j] = d[j]! / sigma;
  const Vr = new Float64Array(n * n);
  const Vi = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    Vr.set(Q.subarray(c * rows, c * rows + n), c * n);
    Vi.set(Q.subarray(c * rows + n, c * rows + rows), c * n);
  }
  if (info === 0) fixSignPhaseComplex(Vr, Vi, n, n);
  return { values: d, vectorsRe: Vr, vectorsIm: Vi, info };
}

/**
 * Unitary reduction of a Hermitian matrix (lower triangle of column-major Hr + i·Hi) to real symmetric tridiagonal form.
 *
 * **Method**: for k = 0 … n−2, with x = A[k+1:, k]: a reflector H = I − τ v vᴴ (v₀ = 1) with Hᴴ x = β e₁, β real
 * (zlarfg: β = −sign(Re x₀)·‖x‖, τ = (β − x₀)/β, v = x/(x₀ − β)); then the trailing block B = A[k+1:, k+1:] becomes
 * Hᴴ B H through p = τ B v, w = p − ½ τ (pᴴ v) v, B ← B − v wᴴ − w vᴴ (zhetd2). On exit d holds T's diagonal,
 * e[k+1] = β_k its subdiagonal (tql2's layout, e[0] = 0), column k of H below the subdiagonal holds v_k[1:], and τ_k
 * is in (tauRe[k], tauIm[k]).
 *
 * **Numerical notes**: the reflector is formed in units of max|x_i| (ratios only), so it neither under- nor overflows.
 * When x = (x₀, 0, …) with x₀ real the reflector is the identity (τ = 0), so real tridiagonal input passes through
 * exactly.
 *
 * **References**: LAPACK zhetd2, zlarfg, zhemv, zher2.
 *
 * @example
 * ```ts
 * // internal: hermEigTs calls hetrd, then ungtr and tql2
 * ```
 */
function hetrd(
  Hr: Float64Array,
  Hi: Float64Array,
  d: Float64Array,
  e: Float64Array,
  tauRe: Float64Array,
  tauIm: Float64Array,
  n: number,
): void {
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  e[0] = 0;
  for (let k = 0; k < n - 1; k++) {
    const ck = k * n;
    const k1 = k + 1;
    // zlarfg on x = column k, rows k+1 … n−1.
    const ar = Hr[ck + k1]!;
    const ai = Hi[ck + k1]!;
    let scale = Math.max(Math.abs(ar), Math.abs(ai));
    for (let r = k1 + 1; r < n; r++) scale = Math.max(scale, Math.abs(Hr[ck + r]!), Math.abs(Hi[ck + r]!));
    let tr = 0;
    let ti = 0;
    let beta = ar;
    if (scale > 0) {
      let ss = 0;
      for (let r = k1 + 1; r < n; r++) {
        const x = Hr[ck + r]! / scale;
        const y = Hi[ck + r]! / scale;
        ss += x * x + y * y;
      }
      if (ss !== 0 || ai !== 0) {
        // Everything in units of `scale` (the largest entry becomes 1), so nothing under- or overflows.
        const xr = ar / scale;
        const xi = ai / scale;
        const normS = Math.sqrt(xr * xr + xi * xi + ss);
        const betaS = ar >= 0 ? -normS : normS;
        beta = scale * betaS;
        tr = (betaS - xr) / betaS;
        ti = -xi / betaS;
        // v[1:] = x[1:] / (x₀ − β) = (x[1:]/scale) · q with q = 1/(xr − βs + i·xi); |xr − βs| ≥ normS ≥ 1, so q is
        // bounded. Smith's formula for the complex reciprocal.
        const dr = xr - betaS;
        const di = xi;
        let qr: number;
        let qi: number;
        if (Math.abs(dr) >= Math.abs(di)) {
          const t = di / dr;
          qr = 1 / (dr + di * t);
          qi = -t * qr;
        } else {
          const t = dr / di;
          qi = -1 / (di + dr * t);
          qr = -t * qi;
        }
        for (let r = k1 + 1; r < n; r++) {
          const x = Hr[ck + r]! / scale;
          const y = Hi[ck + r]! / scale;
          Hr[ck + r] = x * qr - y * qi;
          Hi[ck + r] = x * qi + y * qr;
        }
      }
    }
    Hr[ck + k1] = beta;
    Hi[ck + k1] = 0;
    e[k1] = beta;
    tauRe[k] = tr;
    tauIm[k] = ti;
    if (tr !== 0 || ti !== 0) {
      const m = n - k1; // size of the trailing block
      vr[0] = 1;
      vi[0] = 0;
      for (let r = 1; r < m; r++) {
        vr[r] = Hr[ck + k1 + r]!;
        vi[r] = Hi[ck + k1 + r]!;
      }
      hemvLower(Hr, Hi, n, k1, vr, vi, pr, pi);
      // p ← τ p, then w = p − ½ τ (pᴴ v) v (stored in p).
      let sr = 0;
      let si = 0;
      for (let r = 0; r < m; r++) {
        const xr = pr[r]!;
        const xi = pi[r]!;
        const yr = tr * xr - ti * xi;
        const yi = tr * xi + ti * xr;
        pr[r] = yr;
        pi[r] = yi;
        // pᴴ v = Σ conj(p_r) v_r
        sr += yr * vr[r]! + yi * vi[r]!;
        si += yr * vi[r]! - yi * vr[r]!;
      }
      const alr = -0.5 * (tr * sr - ti * si);
      const ali = -0.5 * (tr * si + ti * sr);
      for (let r = 0; r < m; r++) {
        pr[r] = pr[r]! + (alr * vr[r]! - ali * vi[r]!);
        pi[r] = pi[r]! + (alr * vi[r]! + ali * vr[r]!);
      }
      her2Lower(Hr, Hi, n, k1, vr, vi, pr, pi);
    }
    d[k] = Hr[ck + k]!;
  }
  d[n - 1] = Hr[n * n - 1]!;
}

/**
 * p = B v for the Hermitian trailing block B = A[o:, o:] held in the lower triangle of column-major (Hr, Hi); v and p
 * are indexed from 0 within the block.
 *
 * **Method**: one pass per column j of the lower triangle: p_j += B_jj v_j + Σ_{i>j} conj(B_ij) v_i (a dot product)
 * and p_i += B_ij v_j for i > j (an axpy). The diagonal's imaginary part is taken as 0.
 *
 * **References**: LAPACK zhemv (lower).
 *
 * @example
 * ```ts
 * // internal: the p = B v of hetrd
 * ```
 */
function hemvLower(
  Hr: Float64Array,
  Hi: Float64Array,
  n: number,
  o: number,
  vr: Float64Array,
  vi: Float64Array,
  pr: Float64Array,
  pi: Float64Array,
): void {
  const m = n - o;
  pr.fill(0, 0, m);
  pi.fill(0, 0, m);
  for (let j = 0; j < m; j++) {
    const cj = (o + j) * n + o; // B[i][j] at cj + i
    const fr = vr[j]!;
    const fi = vi[j]!;
    const bjj = Hr[cj + j]!;
    let gr = pr[j]! + bjj * fr;
    let gi = pi[j]! + bjj * fi;
    for (let i = j + 1; i < m; i++) {
      const br = Hr[cj + i]!;
      const bi = Hi[cj + i]!;
      const xr = vr[i]!;
      const xi = vi[i]!;
      // conj(b)·x
      gr += br * xr + bi * xi;
      gi += br * xi - bi * xr;
      // b·f
      pr[i] = pr[i]! + (br * fr - bi * fi);
      pi[i] = pi[i]! + (br * fi + bi * fr);
    }
    pr[j] = gr;
    pi[j] = gi;
  }
}

/**
 * B ← B − v wᴴ − w vᴴ on the lower triangle of the Hermitian trailing block B = A[o:, o:] of column-major (Hr, Hi).
 *
 * **Method**: column j: B_ij −= v_i conj(w_j) + w_i conj(v_j) for i ≥ j; the diagonal stays real
 * (B_jj −= 2 Re(v_j conj(w_j))).
 *
 * **References**: LAPACK zher2 (lower).
 *
 * @example
 * ```ts
 * // internal: the rank-2 update of hetrd
 * ```
 */
function her2Lower(
  Hr: Float64Array,
  Hi: Float64Array,
  n: number,
  o: number,
  vr: Float64Array,
  vi: Float64Array,
  wr: Float64Array,
  wi: Float64Array,
): void {
  const m = n - o;
  for (let j = 0; j < m; j++) {
    const cj = (o + j) * n + o;
    // conj(w_j) and conj(v_j)
    const awr = wr[j]!;
    const awi = -wi[j]!;
    const avr = vr[j]!;
    const avi = -vi[j]!;
    Hr[cj + j] = Hr[cj + j]! - 2 * (avr * awr + vi[j]! * wi[j]!);
    for (let i = j + 1; i < m; i++) {
      const xr = vr[i]!;
      const xi = vi[i]!;
      const yr = wr[i]!;
      const yi = wi[i]!;
      Hr[cj + i] = Hr[cj + i]! - (xr * awr - xi * awi + (yr * avr - yi * avi));
      Hi[cj + i] = Hi[cj + i]! - (xr * awi + xi * awr + (yr * avi + yi * avr));
    }
  }
}

/**
 * Forms Q = H_0 H_1 ⋯ H_{n−2} from the reflectors left by {@link hetrd}, into the stacked layout
 * Q[r + c·2n] = Re Q_rc, Q[n + r + c·2n] = Im Q_rc.
 *
 * **Method**: backward accumulation (zung2r): Q = I, then Q ← H_k Q for k = n−2 … 0. The partial product is the
 * identity outside its trailing block, so H_k touches rows k+1 … n−1 of columns k+1 … n−1 only: column k+1 (still
 * e_{k+1}) becomes e_{k+1} − τ v, and each later column q becomes q − τ v (vᴴ q).
 *
 * **References**: LAPACK zungtr, zung2r.
 *
 * @example
 * ```ts
 * // internal: hermEigTs forms Q before the QL iteration
 * ```
 */
function ungtr(
  Hr: Float64Array,
  Hi: Float64Array,
  tauRe: Float64Array,
  tauIm: Float64Array,
  Q: Float64Array,
  n: number,
): void {
  const rows = 2 * n;
  for (let c = 0; c < n; c++) Q[c * rows + c] = 1;
  for (let k = n - 2; k >= 0; k--) {
    const tr = tauRe[k]!;
    const ti = tauIm[k]!;
    const k1 = k + 1;
    const ck = k * n; // v[r] for r ≥ k+2 sits at H[r + ck]; v[k+1] = 1
    const qk1 = k1 * rows;
    if (tr === 0 && ti === 0) continue; // identity: column k+1 stays e_{k+1}
    Q[qk1 + k1] = 1 - tr;
    Q[qk1 + n + k1] = -ti;
    for (let r = k1 + 1; r < n; r++) {
      const xr = Hr[ck + r]!;
      const xi = Hi[ck + r]!;
      Q[qk1 + r] = -(tr * xr - ti * xi);
      Q[qk1 + n + r] = -(tr * xi + ti * xr);
    }
    for (let c = k1 + 1; c < n; c++) {
      const qc = c * rows;
      // s = vᴴ q over rows k+2 … n−1 (q's row k+1 is 0)
      let sr = 0;
      let si = 0;
      for (let r = k1 + 1; r < n; r++) {
        const xr = Hr[ck + r]!;
        const xi = Hi[ck + r]!;
        const yr = Q[qc + r]!;
        const yi = Q[qc + n + r]!;
        sr += xr * yr + xi * yi;
        si += xr * yi - xi * yr;
      }
      // q ← q − (τ s) v
      const gr = tr * sr - ti * si;
      const gi = tr * si + ti * sr;
      Q[qc + k1] = -gr;
      Q[qc + n + k1] = -gi;
      for (let r = k1 + 1; r < n; r++) {
        const xr = Hr[ck + r]!;
        const xi = Hi[ck + r]!;
        Q[qc + r] = Q[qc + r]! - (gr * xr - gi * xi);
        Q[qc + n + r] = Q[qc + n + r]! - (gr * xi + gi * xr);
      }
    }
  }
}
