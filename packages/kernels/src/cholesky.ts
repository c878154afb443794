/**
 * Cholesky factorization of a symmetric positive definite matrix and triangular solves with several right-hand sides.
 *
 * Layouts: every matrix here is a dense row-major `Float64Array` (entry (i, j) of an n×k matrix at `[i*k + j]`).
 * These are the building blocks of the generalized symmetric-definite reduction in `geneig.ts`.
 */

/** Result of {@link cholesky}. */
export interface CholeskyResult {
  /** Row-major n×n lower-triangular factor with A = L Lᵀ (strict upper triangle zero). Valid only when `info` is 0. */
  L: Float64Array;
  /**
   * 0 on success; otherwise k ≥ 1, the order of the first leading principal minor that is not positive definite
   * (the factorization stopped at row k − 1, zero-based; rows from there on are left zero).
   */
  info: number;
}

/**
 * Cholesky factorization A = L Lᵀ of a symmetric positive definite matrix.
 *
 * **Method**: the row-by-row (Cholesky–Banachiewicz) recurrence
 * `L[i][j] = (A[i][j] − Σ_{k<j} L[i][k] L[j][k]) / L[j][j]` for j < i and
 * `L[i][i] = √(A[i][i] − Σ_{k<i} L[i][k]²)`. Only the lower triangle of A is read. Each inner product runs over two
 * contiguous rows of L, which is the cache-friendly order for row-major storage.
 *
 * **Numerical notes**: backward stable without pivoting (the computed factor is the exact factor of A + E with
 * |E| ≤ c·n·ε·|L||Lᵀ|). A pivot `A[i][i] − Σ L[i][k]²` that is not strictly positive (or is NaN) means the leading
 * minor of order i + 1 is not positive definite in floating point: `info` reports i + 1 (one-based, LAPACK's `dpotrf`
 * convention) and the factorization stops. No tolerance is applied: a matrix that is positive definite only up to
 * rounding may pass or fail; callers that need margins must add them. The caller (the rule layer) turns `info > 0`
 * into `NotPositiveDefiniteError` naming that minor.
 *
 * **References**: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §4.2;
 * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, ch. 10; LAPACK `dpotrf`.
 *
 * @param A - row-major n×n symmetric matrix (not modified; only the lower triangle is read)
 * @param n - order of A
 * @example
 * ```ts
 * const { L, info } = cholesky(new Float64Array([4, 2, 2, 5]), 2);
 * // info === 0, L = [2, 0, 1, 2]
 * ```
 */
export function cholesky(A: Float64Array, n: number): CholeskyResult {
  if (A.length < n * n) throw new RangeError(`cholesky: A must hold n*n = ${n * n} entries, got ${A.length}`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      L[ri + j] = s / L[rj + j];
    }
    let d = A[ri + i];
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      d -= l * l;
    }
    if (!(d > 0)) {
      // Leave the failing row zero so that L never holds a partial, misleading row.
      L.fill(0, ri, ri + i);
      return { L, info: i + 1 };
    }
    L[ri + i] = Math.sqrt(d);
  }
  return { L, info: 0 };
}

/** Options of {@link solveTriangular}. */
export interface SolveTriangularOptions {
  /** T is lower triangular (default `true`); otherwise upper. Only that triangle of T is read. */
  lower?: boolean;
  /** Solve Tᵀ X = B instead of T X = B (default `false`). */
  transpose?: boolean;
  /** Treat the diagonal of T as ones without reading it (default `false`). */
  unitDiagonal?: boolean;
}

/**
 * Solve a triangular system T X = B (or Tᵀ X = B) with several right-hand sides by substitution.
 *
 * **Method**: forward substitution when the effective matrix (T or Tᵀ) is lower triangular,
 * `X[i,:] = (B[i,:] − Σ_{k<i} T̃[i][k] X[k,:]) / T̃[i][i]`, back substitution when it is upper triangular. With B
 * row-major, each update is an axpy over a contiguous row of X, so the n·n·nrhs work streams through memory; Tᵀ is
 * never formed (its entries are read from T with the indices swapped).
 *
 * **Numerical notes**: backward stable componentwise (each column of X solves (T + ΔT) x = b with
 * |ΔT| ≤ n·ε·|T|, Higham Thm. 8.5); the forward error grows with cond(T). A zero pivot gives ±Inf/NaN in the
 * affected rows — the caller is expected to pass a nonsingular factor such as a successful {@link cholesky}.
 *
 * **References**: N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., 2002, ch. 8;
 * BLAS `dtrsm`.
 *
 * @param T - row-major n×n triangular matrix
 * @param n - order of T
 * @param B - row-major n×nrhs right-hand sides (not modified)
 * @param nrhs - number of right-hand sides (columns of B)
 * @returns X, row-major n×nrhs
 * @example
 * ```ts
 * // L = [[2, 0], [1, 2]]: solve L x = [2, 5] and Lᵀ x = [4, 4]
 * solveTriangular(new Float64Array([2, 0, 1, 2]), 2, new Float64Array([2, 5]), 1); // [1, 2]
 * solveTriangular(new Float64Array([2, 0, 1, 2]), 2, new Float64Array([4, 4]), 1, { transpose: true }); // [1, 2]
 * ```
 */
export function solveTriangular(
  T: Float64Array,
  n: number,
  B: Float64Array,
  nrhs: number,
  opts: SolveTriangularOptions = {},
): Float64Array {
  if (T.length < n * n) throw new RangeError(`solveTriangular: T must hold n*n = ${n * n} entries, got ${T.length}`);
  if (B.length < n * nrhs) {
    throw new RangeError(`solveTriangular: B must hold n*nrhs = ${n * nrhs} entries, got ${B.length}`);
  }
  const lower = opts.lower ?? true;
  const transpose = opts.transpose ?? false;
  const unit = opts.unitDiagonal ?? false;
  const X = B.slice(0, n * nrhs);
  // Entry (i, k) of the effective matrix T̃ = T or Tᵀ.
  const at = transpose ? (i: number, k: number) => T[k * n + i] : (i: number, k: number) => T[i * n + k];
  const forward = lower !== transpose;
  for (let s = 0; s < n; s++) {
    const i = forward ? s : n - 1 - s;
    const ri = i * nrhs;
    if (forward) {
      for (let k = 0; k < i; k++) axpyRow(X, ri, k * nrhs, -at(i, k), nrhs);
    } else {
      for (let k = i + 1; k < n; k++) axpyRow(X, ri, k * nrhs, -at(i, k), nrhs);
    }
    if (!unit) {
      const d = at(i, i);
      for (let c = 0; c < nrhs; c++) X[ri + c] /= d;
    }
  }
  return X;
}

/** X[dst .. dst+len) += a · X[src .. src+len). */
function axpyRow(X: Float64Array, dst: number, src: number, a: number, len: number): void {
  if (a === 0) return;
  for (let c = 0; c < len; c++) X[dst + c] += a * X[src + c];
}
