/**
 * Thin singular value decomposition A = U diag(S) Vᵀ of a real m×n matrix by the preconditioned one-sided Jacobi
 * method (Drmač–Veselić): row sorting and Householder QR with column pivoting reduce A to a p×p triangular factor R,
 * and Hestenes' one-sided Jacobi rotations orthogonalize the columns of Rᵀ.
 *
 * Why Jacobi and not Golub–Kahan bidiagonalization + implicit QR (JAMA, LAPACK dgesvd): measured on this code base,
 * Golub–Kahan was about 2× faster on random square matrices at n = 256, but it loses relative accuracy in the small
 * singular values of graded matrices (7 digits lost on a row-graded 12×12 matrix with singular values down to 1e-13,
 * 11 on a two-sided graded one), while this method keeps every singular value to a few ulps of relative accuracy
 * whenever A = D₁·B·D₂ with B well conditioned and D₁, D₂ diagonal (Demmel–Veselić 1992; Mathias 1995). Small
 * singular values are what the derivative formulas divide by, so accuracy won. On tall matrices the QR
 * preconditioning makes Jacobi cheaper than bidiagonalization anyway, and the Jacobi sweeps — O(c³) per sweep, the
 * bulk of the work — run in WebAssembly SIMD (assembly/svd.ts), 3.6–4× faster than the TypeScript loop. Numbers
 * are in tools/bench/README.md.
 */

import { arenaBytes, preferWasm, withWasm } from './backend.js';
import { pivotIndex } from './phase.js';

/** Options of {@link svd}. */
export interface SvdOptions {
  /** Compute the singular vectors U and V (default `true`). The singular values are bitwise identical either way. */
  vectors?: boolean;
  /**
   * Bound on the number of Jacobi sweeps (default {@link SVD_MAX_SWEEPS}). Each sweep visits every column pair once;
   * random dense matrices converge in 8–12 sweeps, graded ones in fewer.
   */
  maxSweeps?: number;
}

/** Result of {@link svd}. */
export interface SvdResult {
  /**
   * Left singular vectors, m×p COLUMN-MAJOR (component i of vector j at `U[i + j*m]`), orthonormal columns; `null` when
   * `vectors: false`.
   */
  U: Float64Array | null;
  /** The p = min(m, n) singular values, descending, all ≥ 0. */
  S: Float64Array;
  /**
   * Right singular vectors, n×p COLUMN-MAJOR (component i of vector j at `V[i + j*n]`), orthonormal columns, each in
   * the sign convention of DESIGN.md (largest-magnitude entry positive); `null` when `vectors: false`.
   */
  V: Float64Array | null;
  /**
   * 0 on success. k > 0: the Jacobi sweeps ran out with k column pairs still not orthogonal to working precision
   * (S, U, V are then approximate: A = U diag(S) Vᵀ still holds to rounding, but U's orthogonality and the singular
   * values are not converged). −1: A contains NaN or ±Inf (outputs are NaN).
   */
  info: number;
}

/** Default bound on Jacobi sweeps (LAPACK's dgesvj uses 30; we allow slack for hard, clustered inputs). */
export const SVD_MAX_SWEEPS = 40;

/**
 * Under `setBackend('auto')`, the Jacobi sweeps run in WASM when min(m, n) ≥ this; below it the copies across the
 * boundary cost about what the SIMD loops save. Measured by tools/bench/svd.bench.ts.
 */
export const SVD_CROSSOVER = 8;

const EPS = 2 ** -53;
/** Columns whose norm is below this (after scaling A's largest entry into [1, 2)) are treated as exactly zero. */
const TINY_COLUMN = 2 ** -480;

/**
 * Thin singular value decomposition A = U diag(S) Vᵀ.
 *
 * **Method**: let G be A (m ≥ n) or Aᵀ (m < n), r×c with r ≥ c, scaled by a power of two so that its largest entry is
 * in [1, 2) (exact). (1) Sort the rows of G by decreasing ∞-norm and factor G·P = Q·R by Householder QR with
 * Businger–Golub column pivoting (norm downdating as in LAPACK dlaqp2). (2) Run Hestenes' one-sided Jacobi on the
 * columns of X = Rᵀ: each pair (i, j) with |xᵢᵀxⱼ| > √c·ε·‖xᵢ‖‖xⱼ‖ is rotated by the angle that makes it orthogonal
 * (cot 2θ = (‖xⱼ‖² − ‖xᵢ‖²)/(2xᵢᵀxⱼ), Rutishauser's formula), row-cyclic order with de Rijk's pivoting (the
 * largest remaining column moves to position i first), until the largest |cosine| met in a sweep is ≤ 4·c·u (see
 * `oneSidedJacobi` for why the stopping threshold sits above the rotation threshold). The rotations, accumulated in W,
 * give Rᵀ·W = X with orthogonal columns, so R = W·Σ·Û ᵀ with σⱼ = ‖xⱼ‖ and Ûⱼ = xⱼ/σⱼ, hence
 * G = (Q·W)·Σ·(P·Û)ᵀ: U_G = Q·W (reflectors applied to W) and V_G = P·Û. (3) Sort by σ descending; for m < n swap
 * the roles (A = V_G Σ U_Gᵀ). (4) Sign convention (DESIGN.md, "Values"): **V carries it** — each column of V is
 * negated if its largest-magnitude entry (lowest index within a relative 1e-8) is negative, and the same column of U
 * is negated with it, so A = U diag(S) Vᵀ is unchanged.
 *
 * Paths: the Jacobi sweeps run in WASM-SIMD when min(m, n) ≥ {@link SVD_CROSSOVER} and the module is ready (see
 * `setBackend`), else in TypeScript ({@link svdTs}); the two agree to rounding.
 *
 * **Numerical notes**: ‖A − U diag(S) Vᵀ‖ and ‖UᵀU − I‖, ‖VᵀV − I‖ are O(p·ε) relative to ‖A‖ and 1. Beyond that,
 * every singular value is computed to high *relative* accuracy — error a small multiple of ε·κ(B), not ε·σ₁/σⱼ —
 * when A = D₁·B·D₂ with D₁, D₂ diagonal and B well conditioned (row sorting makes the QR row-wise stable, column
 * pivoting and Jacobi on Rᵀ handle the column scaling). Measured against 60-digit references: ≤ 4e-15 relative error
 * on 12×12 and 30×12 graded matrices with σ down to 1e-25, where Golub–Kahan lost up to 11 digits. Limits: squared
 * column norms are accumulated without per-column scaling, so singular values below ~1e-145·σ₁ lose relative
 * accuracy to underflow, and columns of R below 2⁻⁴⁸⁰ (relative to the largest entry) are treated as exactly zero.
 * Rank deficiency: zero singular values get vectors that complete U and V to orthonormal sets (Gram–Schmidt against
 * the other columns, starting from unit vectors), so UᵀU = VᵀV = I always. The sweeps are bounded by `maxSweeps`;
 * `info` reports non-convergence or non-finite input instead of throwing. A is never modified.
 * Cost: O(r·c²) for the QR and the Q·W product plus about 7c³ flops per sweep with vectors (3c³ without).
 *
 * **References**: M. R. Hestenes (1958), "Inversion of matrices by biorthogonalization and related results", J. SIAM
 * 6:51–90; P. P. M. de Rijk (1989), "A one-sided Jacobi algorithm for computing the singular value decomposition on a
 * vector computer", SIAM J. Sci. Stat. Comput. 10:359–371; J. Demmel and K. Veselić (1992), "Jacobi's method is more
 * accurate than QR", SIAM J. Matrix Anal. Appl. 13:1204–1245; R. Mathias (1995), "Accurate eigensystem computations by
 * Jacobi methods", SIAM J. Matrix Anal. Appl. 16:977–1003; A. J. Cox and N. J. Higham (1998), "Stability of
 * Householder QR factorization for weighted least squares problems" (row sorting); Z. Drmač and K. Veselić (2008),
 * "New fast and accurate Jacobi SVD algorithm I/II", SIAM J. Matrix Anal. Appl. 29:1322–1362 (LAPACK dgesvj/dgejsv).
 *
 * @param A - row-major m×n matrix (entry (i, j) at `A[i*n + j]`); not modified
 * @param m - number of rows
 * @param n - number of columns
 * @param opts - `{ vectors }` (default true), `{ maxSweeps }`
 * @example
 * ```ts
 * const { U, S, V, info } = svd(new Float64Array([3, 0, 0, -2]), 2, 2);
 * // info = 0, S = [3, 2], V = [1, 0, 0, 1] (column-major), U = [1, 0, 0, -1]
 * ```
 */
export function svd(A: Float64Array, m: number, n: number, opts: SvdOptions = {}): SvdResult {
  const jacobi: JacobiRunner = preferWasm(Math.min(m, n), SVD_CROSSOVER)
    ? (X, rows, c, W, maxSweeps) => jacobiWasm(X, rows, c, W, maxSweeps) ?? oneSidedJacobi(X, rows, c, W, maxSweeps)
    : oneSidedJacobi;
  return svdWith(A, m, n, opts, jacobi)!;
}

/**
 * The TypeScript path of {@link svd} (its fallback and the oracle of the WASM parity tests).
 *
 * **Method**, **Numerical notes**, **References**: as {@link svd}.
 *
 * @example
 * ```ts
 * svdTs(new Float64Array([0, 2]), 1, 2); // { U: [1], S: [2], V: [0, 1], info: 0 }
 * ```
 */
export function svdTs(A: Float64Array, m: number, n: number, opts: SvdOptions = {}): SvdResult {
  return svdWith(A, m, n, opts, oneSidedJacobi)!;
}

/**
 * The WASM-SIMD path of {@link svd}, or `undefined` when WASM is unavailable (backend forced to TypeScript, module
 * not ready, or the arrays do not fit the memory reservation). Only the Jacobi sweeps (assembly/svd.ts) run in WASM;
 * the QR preconditioning and the assembly of U and V are shared with {@link svdTs}.
 *
 * **Method**, **Numerical notes**, **References**: as {@link svd}; results differ from {@link svdTs} by rounding only
 * (the SIMD loops sum in another order).
 *
 * @example
 * ```ts
 * const r = svdWasm(A, m, n) ?? svdTs(A, m, n);
 * ```
 */
export function svdWasm(A: Float64Array, m: number, n: number, opts: SvdOptions = {}): SvdResult | undefined {
  return svdWith(A, m, n, opts, jacobiWasm);
}

/** Jacobi sweeps on X (rows×c) with W (c×c) or null; returns info, or undefined when this path is unavailable. */
type JacobiRunner = (
  X: Float64Array,
  rows: number,
  c: number,
  W: Float64Array | null,
  maxSweeps: number,
) => number | undefined;

/** {@link oneSidedJacobi} in WASM (assembly/svd.ts), X and W copied in and out. */
function jacobiWasm(X: Float64Array, rows: number, c: number, W: Float64Array | null, maxSweeps: number) {
  const bytesX = X.length * 8;
  const bytesW = W ? W.length * 8 : 0;
  return withWasm(arenaBytes(bytesX, bytesW, c * 8), (wasm, arena) => {
    const kernel = wasm['svdJacobiF64'];
    if (kernel === undefined) return undefined; // a module built before this kernel existed
    const px = arena.put(X);
    const pw = W ? arena.put(W) : 0;
    const pn = arena.alloc(c * 8);
    const info = kernel(px, rows, c, pw, W ? 1 : 0, maxSweeps, pn);
    arena.get(px, X);
    if (W) arena.get(pw, W);
    return info;
  });
}

function svdWith(
  A: Float64Array,
  m: number,
  n: number,
  opts: SvdOptions,
  jacobi: JacobiRunner,
): SvdResult | undefined {
  if (!Number.isInteger(m) || m < 0 || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`svd: m and n must be non-negative integers, got m = ${m}, n = ${n}`);
  }
  if (A.length < m * n) throw new RangeError(`svd: A must hold m*n = ${m * n} entries, got ${A.length}`);
  const wantVectors = opts.vectors ?? true;
  const maxSweeps = opts.maxSweeps ?? SVD_MAX_SWEEPS;
  const p = Math.min(m, n);
  const tall = m >= n;
  const r = tall ? m : n;
  const c = p;

  // G: the tall orientation, column-major r×c. For m ≥ n that is A transposed into columns; for m < n, Aᵀ's columns
  // are A's rows, so the row-major A already is Aᵀ in column-major order.
  const G = new Float64Array(r * c);
  let maxAbs = 0;
  if (tall) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const x = A[i * n + j];
        G[i + j * m] = x;
        const ax = Math.abs(x);
        if (ax > maxAbs) maxAbs = ax;
      }
    }
  } else {
    for (let k = 0; k < m * n; k++) {
      const x = A[k];
      G[k] = x;
      const ax = Math.abs(x);
      if (ax > maxAbs) maxAbs = ax;
    }
  }
  if (!Number.isFinite(maxAbs) || Number.isNaN(sumNaN(G))) return nanResult(m, n, p, wantVectors);
  if (p === 0) {
    return {
      U: wantVectors ? new Float64Array(0) : null,
      S: new Float64Array(0),
      V: wantVectors ? new Float64Array(0) : null,
      info: 0,
    };
  }

  // Exact power-of-two scaling: keeps squared norms away from overflow and (mostly) underflow.
  const exponent = maxAbs > 0 ? Math.floor(Math.log2(maxAbs)) : 0;
  if (exponent !== 0) scaleByPow2(G, -exponent);

  // (1) Row sorting + QR with column pivoting.
  const rowOrder = sortRowsByInfNorm(G, r, c);
  const tau = new Float64Array(c);
  const colPerm = new Int32Array(c);
  householderQrcp(G, r, c, tau, colPerm);

  // (2) One-sided Jacobi on X = Rᵀ (c×c, column-major): column j of X is row j of R.
  const X = new Float64Array(c * c);
  for (let j = 0; j < c; j++) {
    for (let i = j; i < c; i++) X[i + j * c] = G[j + i * r];
  }
  const W = wantVectors ? identity(c) : null;
  const info = jacobi(X, c, c, W, maxSweeps);
  if (info === undefined) return undefined;

  // σⱼ = ‖xⱼ‖ and the order that sorts them descending (stable, so ties keep Jacobi's order).
  const sigma = new Float64Array(c);
  for (let j = 0; j < c; j++) sigma[j] = norm2(X, j * c, c);
  const order = Array.from({ length: c }, (_, j) => j).sort((a, b) => sigma[b] - sigma[a] || a - b);
  const S = new Float64Array(p);
  for (let k = 0; k < p; k++) S[k] = scalePow2Value(sigma[order[k]], exponent);
  if (!wantVectors || W === null) return { U: null, S, V: null, info };

  // Û: normalized columns of X in sorted order; zero columns completed to an orthonormal set.
  const Uhat = new Float64Array(c * c);
  const zero: number[] = [];
  for (let k = 0; k < c; k++) {
    const j = order[k];
    const s = sigma[j];
    if (s > TINY_COLUMN) {
      for (let i = 0; i < c; i++) Uhat[i + k * c] = X[i + j * c] / s;
    } else {
      zero.push(k);
    }
  }
  completeOrthonormal(Uhat, c, zero);
  // V_G = P·Û: row i of Û is component colPerm[i] of the original column order.
  const VG = new Float64Array(c * c);
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < c; i++) VG[colPerm[i] + k * c] = Uhat[i + k * c];
  }
  // U_G = (row sort)ᵀ·Q·W, with W's columns taken in sorted order and padded with zero rows.
  const QW = new Float64Array(r * c);
  for (let k = 0; k < c; k++) {
    const j = order[k];
    for (let i = 0; i < c; i++) QW[i + k * r] = W[i + j * c];
  }
  applyQ(G, r, c, tau, QW, c);
  const UG = new Float64Array(r * c);
  for (let k = 0; k < c; k++) {
    const off = k * r;
    for (let i = 0; i < r; i++) UG[rowOrder[i] + off] = QW[i + off];
  }

  // (3) Orientation, (4) sign convention carried by V.
  const U = tall ? UG : VG;
  const V = tall ? VG : UG;
  for (let k = 0; k < p; k++) {
    const pv = pivotIndex(V, k * n, n);
    if (pv >= 0 && V[k * n + pv] < 0) {
      negate(V, k * n, n);
      negate(U, k * m, m);
    }
  }
  return { U, S, V, info };
}

/** NaN-propagating reduction used only to detect NaN input (maxAbs misses NaN because NaN > x is false). */
function sumNaN(x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * 0;
  return s;
}

function nanResult(m: number, n: number, p: number, wantVectors: boolean): SvdResult {
  return {
    U: wantVectors ? new Float64Array(m * p).fill(NaN) : null,
    S: new Float64Array(p).fill(NaN),
    V: wantVectors ? new Float64Array(n * p).fill(NaN) : null,
    info: -1,
  };
}

/** Multiply every entry by 2^k exactly (in steps, so that 2^k itself never overflows or underflows). */
function scaleByPow2(x: Float64Array, k: number): void {
  while (k !== 0) {
    const step = Math.max(-1000, Math.min(1000, k));
    const f = 2 ** step;
    for (let i = 0; i < x.length; i++) x[i] *= f;
    k -= step;
  }
}

function scalePow2Value(x: number, k: number): number {
  while (k !== 0) {
    const step = Math.max(-1000, Math.min(1000, k));
    x *= 2 ** step;
    k -= step;
  }
  return x;
}

function identity(c: number): Float64Array {
  const I = new Float64Array(c * c);
  for (let i = 0; i < c; i++) I[i + i * c] = 1;
  return I;
}

/**
 * Permute the rows of column-major r×c G into decreasing ∞-norm order (stable). Returns `rowOrder` with
 * sorted row i = original row rowOrder[i]. Row sorting is what makes Householder QR row-wise backward stable for
 * row-graded matrices (Powell–Reid; Cox–Higham 1998).
 */
function sortRowsByInfNorm(G: Float64Array, r: number, c: number): Int32Array {
  const rowMax = new Float64Array(r);
  for (let j = 0; j < c; j++) {
    const off = j * r;
    for (let i = 0; i < r; i++) {
      const a = Math.abs(G[off + i]);
      if (a > rowMax[i]) rowMax[i] = a;
    }
  }
  const order = Int32Array.from(
    Array.from({ length: r }, (_, i) => i).sort((a, b) => rowMax[b] - rowMax[a] || a - b),
  );
  let sorted = true;
  for (let i = 0; i < r; i++) if (order[i] !== i) sorted = false;
  if (sorted) return order;
  const tmp = new Float64Array(r);
  for (let j = 0; j < c; j++) {
    const off = j * r;
    for (let i = 0; i < r; i++) tmp[i] = G[off + order[i]];
    G.set(tmp, off);
  }
  return order;
}

/**
 * Householder QR with column pivoting, in place on column-major r×c G (r ≥ c): G·P = Q·R. On return R is in the upper
 * triangle, the reflector vectors vₖ (with implicit vₖ[k] = 1) below it, Hₖ = I − τₖ vₖ vₖᵀ, and column k of G·P is
 * original column perm[k] (P = I when `pivoting` is false). Column norms are downdated and recomputed when
 * cancellation makes the downdate unreliable (LAPACK dlaqp2, Drmač–Bujanović 2008).
 */
function householderQrcp(
  G: Float64Array,
  r: number,
  c: number,
  tau: Float64Array,
  perm: Int32Array,
  pivoting = true,
): void {
  const vn1 = new Float64Array(c);
  const vn2 = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    perm[j] = j;
    vn1[j] = norm2(G, j * r, r);
    vn2[j] = vn1[j];
  }
  const tol3z = Math.sqrt(2 * EPS);
  for (let i = 0; i < c; i++) {
    let pvt = i;
    if (pivoting) for (let j = i + 1; j < c; j++) if (vn1[j] > vn1[pvt]) pvt = j;
    if (pvt !== i) {
      swapColumns(G, r, i, pvt);
      const t = perm[i];
      perm[i] = perm[pvt];
      perm[pvt] = t;
      vn1[pvt] = vn1[i];
      vn2[pvt] = vn2[i];
    }
    const oi = i * r;
    // Reflector for G[i:r, i]: β = −sign(α)‖x‖, τ = (β − α)/β, v = x/(α − β) with v[i] = 1 (LAPACK dlarfg).
    const alpha = G[oi + i];
    const tailNorm = norm2(G, oi + i + 1, r - i - 1);
    if (tailNorm === 0) {
      tau[i] = 0;
    } else {
      const nrm = Math.hypot(alpha, tailNorm);
      const beta = alpha >= 0 ? -nrm : nrm;
      tau[i] = (beta - alpha) / beta;
      const scal = 1 / (alpha - beta);
      for (let k = oi + i + 1; k < oi + r; k++) G[k] *= scal;
      G[oi + i] = beta;
      const ti = tau[i];
      for (let j = i + 1; j < c; j++) {
        const oj = j * r;
        let d = G[oj + i];
        for (let k = i + 1; k < r; k++) d += G[oi + k] * G[oj + k];
        d *= ti;
        G[oj + i] -= d;
        for (let k = i + 1; k < r; k++) G[oj + k] -= d * G[oi + k];
      }
    }
    for (let j = i + 1; j < c; j++) {
      if (vn1[j] === 0) continue;
      const ratio = Math.abs(G[j * r + i]) / vn1[j];
      const temp = Math.max(0, 1 - ratio * ratio);
      const v = vn1[j] / vn2[j];
      if (temp * v * v <= tol3z) {
        vn1[j] = norm2(G, j * r + i + 1, r - i - 1);
        vn2[j] = vn1[j];
      } else {
        vn1[j] *= Math.sqrt(temp);
      }
    }
  }
}

/** Y ← Q·Y for column-major r×ncol Y, with Q = H₀H₁…H_{c−1} stored by {@link householderQrcp} in G. */
function applyQ(G: Float64Array, r: number, c: number, tau: Float64Array, Y: Float64Array, ncol: number): void {
  for (let k = c - 1; k >= 0; k--) {
    const tk = tau[k];
    if (tk === 0) continue;
    const ok = k * r;
    for (let j = 0; j < ncol; j++) {
      const oj = j * r;
      let d = Y[oj + k];
      for (let i = k + 1; i < r; i++) d += G[ok + i] * Y[oj + i];
      if (d === 0) continue;
      d *= tk;
      Y[oj + k] -= d;
      for (let i = k + 1; i < r; i++) Y[oj + i] -= d * G[ok + i];
    }
  }
}

/**
 * Hestenes one-sided Jacobi on the columns of column-major rows×c X, accumulating the rotations into W (c×c) if given.
 * Pairs with |cos| > √rows·u are rotated; the sweeps stop once the largest |cos| measured in a sweep is ≤ 4·rows·u.
 * The two thresholds differ on purpose: rounding in the rotated columns and in the dot product leaves computed cosines
 * of a few u (up to (rows + 2)·u), and with a single threshold near √rows·u a pair can flip sign around it forever
 * (seen on a 3×3 matrix). Stopping at 4·rows·u is what LAPACK's dgesvj does in spirit (its `mxaapq` test); the residual
 * non-orthogonality changes the singular values only to second order. Returns 0 on convergence, else the number of
 * rotations in the last allowed sweep.
 */
function oneSidedJacobi(X: Float64Array, rows: number, c: number, W: Float64Array | null, maxSweeps: number): number {
  const tol = Math.sqrt(rows) * EPS;
  const tolStop = 4 * rows * EPS;
  const nrm = new Float64Array(c); // squared column norms, kept up to date through the rotations
  let rotated = 0;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let j = 0; j < c; j++) nrm[j] = dot(X, j * rows, j * rows, rows);
    rotated = 0;
    let maxCos = 0;
    for (let i = 0; i < c - 1; i++) {
      // de Rijk: bring the largest remaining column to position i.
      let best = i;
      for (let j = i + 1; j < c; j++) if (nrm[j] > nrm[best]) best = j;
      if (best !== i) {
        swapColumns(X, rows, i, best);
        if (W) swapColumns(W, c, i, best);
        const t = nrm[i];
        nrm[i] = nrm[best];
        nrm[best] = t;
      }
      const oi = i * rows;
      let g = dot(X, oi, (i + 1) * rows, rows);
      for (let j = i + 1; j < c; j++) {
        const oj = j * rows;
        const next = j + 1 < c ? (j + 1) * rows : -1;
        const alpha = nrm[i];
        const beta = nrm[j];
        const cosAbs = alpha === 0 || beta === 0 ? 0 : Math.abs(g) / (Math.sqrt(alpha) * Math.sqrt(beta));
        if (!(cosAbs > tol)) {
          if (next >= 0) g = dot(X, oi, next, rows);
          continue;
        }
        rotated++;
        if (cosAbs > maxCos) maxCos = cosAbs;
        // tan θ for cot 2θ = ζ, the smaller root of t² + 2ζt − 1 = 0 (|θ| ≤ π/4); ζ = 0 gives θ = π/4.
        const zeta = (beta - alpha) / (2 * g);
        const az = Math.abs(zeta);
        const t = az > 1e150 ? 0.5 / zeta : (zeta >= 0 ? 1 : -1) / (az + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        let gNext = 0;
        if (next >= 0) gNext = rotateAndDot(X, oi, oj, next, rows, cs, sn);
        else rotate(X, oi, oj, rows, cs, sn);
        if (W) rotate(W, i * c, j * c, c, cs, sn);
        // ‖xᵢ‖² − tγ and ‖xⱼ‖² + tγ; recompute when the update cancels (the value only steers the next tests).
        let a2 = alpha - t * g;
        let b2 = beta + t * g;
        if (!(a2 > 0.01 * alpha)) a2 = dot(X, oi, oi, rows);
        if (!(b2 > 0.01 * beta)) b2 = dot(X, oj, oj, rows);
        nrm[i] = a2;
        nrm[j] = b2;
        g = gNext;
      }
    }
    if (rotated === 0 || maxCos <= tolStop) return 0;
  }
  return rotated;
}

/** Dot product of X[a..a+len) and X[b..b+len) with four partial sums (breaks the add-latency chain). */
function dot(X: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += X[a + k] * X[b + k];
    s1 += X[a + k + 1] * X[b + k + 1];
    s2 += X[a + k + 2] * X[b + k + 2];
    s3 += X[a + k + 3] * X[b + k + 3];
  }
  for (; k < len; k++) s0 += X[a + k] * X[b + k];
  return s0 + s1 + (s2 + s3);
}

/** (xₐ, x_b) ← (c·xₐ − s·x_b, s·xₐ + c·x_b) on two columns of length len. */
function rotate(X: Float64Array, a: number, b: number, len: number, cs: number, sn: number): void {
  for (let k = 0; k < len; k++) {
    const x = X[a + k];
    const y = X[b + k];
    X[a + k] = cs * x - sn * y;
    X[b + k] = sn * x + cs * y;
  }
}

/** {@link rotate}, returning the dot product of the new column a with column `next` (saves one pass over column a). */
function rotateAndDot(
  X: Float64Array,
  a: number,
  b: number,
  next: number,
  len: number,
  cs: number,
  sn: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const x0 = X[a + k];
    const y0 = X[b + k];
    const x1 = X[a + k + 1];
    const y1 = X[b + k + 1];
    const u0 = cs * x0 - sn * y0;
    const u1 = cs * x1 - sn * y1;
    X[a + k] = u0;
    X[a + k + 1] = u1;
    X[b + k] = sn * x0 + cs * y0;
    X[b + k + 1] = sn * x1 + cs * y1;
    s0 += u0 * X[next + k];
    s1 += u1 * X[next + k + 1];
  }
  for (; k < len; k++) {
    const x = X[a + k];
    const y = X[b + k];
    const u = cs * x - sn * y;
    X[a + k] = u;
    X[b + k] = sn * x + cs * y;
    s0 += u * X[next + k];
  }
  return s0 + s1;
}

/** 2-norm of X[off..off+len) without overflow or harmful underflow (scaled by the largest magnitude). */
function norm2(X: Float64Array, off: number, len: number): number {
  let big = 0;
  for (let k = off; k < off + len; k++) {
    const a = Math.abs(X[k]);
    if (a > big) big = a;
  }
  if (big === 0 || !Number.isFinite(big)) return big;
  const inv = 1 / big;
  let s = 0;
  for (let k = off; k < off + len; k++) {
    const y = X[k] * inv;
    s += y * y;
  }
  return big * Math.sqrt(s);
}

function swapColumns(M: Float64Array, rows: number, i: number, j: number): void {
  const oi = i * rows;
  const oj = j * rows;
  for (let k = 0; k < rows; k++) {
    const t = M[oi + k];
    M[oi + k] = M[oj + k];
    M[oj + k] = t;
  }
}

function negate(M: Float64Array, off: number, len: number): void {
  for (let k = off; k < off + len; k++) M[k] = -M[k];
}

/**
 * Fill the listed columns of column-major c×c U (whose other columns are orthonormal) so that all columns are
 * orthonormal: a Householder QR of the f filled columns F = Q·R gives, in the last c − f columns of Q, an orthonormal
 * basis of the orthogonal complement of span(F), orthogonal to F to working precision whatever F's orientation.
 */
function completeOrthonormal(U: Float64Array, c: number, missing: number[]): void {
  if (missing.length === 0) return;
  const isMissing = new Uint8Array(c);
  for (const k of missing) isMissing[k] = 1;
  const f = c - missing.length;
  const F = new Float64Array(c * f);
  for (let k = 0, t = 0; k < c; k++) {
    if (!isMissing[k]) F.set(U.subarray(k * c, k * c + c), c * t++);
  }
  const tau = new Float64Array(f);
  householderQrcp(F, c, f, tau, new Int32Array(f), false);
  const Y = new Float64Array(c * missing.length);
  for (let t = 0; t < missing.length; t++) Y[f + t + t * c] = 1;
  applyQ(F, c, f, tau, Y, missing.length);
  missing.forEach((k, t) => U.set(Y.subarray(t * c, t * c + c), k * c));
}
