/**
 * Input validation shared by the eigen rules: the shape of the options argument, square shape, finiteness and
 * symmetry (Hermitian-ness) within the tolerance of DESIGN.md ("Details"), each failure raised as the named `AdError`
 * with a message that says what was wrong, where, and what to do. Also the explicit symmetrization that
 * `{ symmetrize: true }` asks for, and the unwrapping of the cotangents a pullback receives.
 *
 * These helpers read concrete numbers (a traced value shares its primal's storage) and never differentiate.
 * @module
 */
import {
  AdError,
  NonFiniteInputError,
  NotSymmetricError,
  ShapeError,
  Tensor,
  isZeroTangent,
  shapeSize,
  unthunk,
  type DType,
  type Tangent,
} from '@ad/core';

/**
 * Checks that an options argument (or an option that is itself an object) is absent or an object.
 *
 * **Method**: `undefined` passes; anything that is not a non-null object raises.
 *
 * **Numerical notes**: none; a misplaced positional argument (`eigh(A, true)`) is the usual cause.
 *
 * **References**: STYLE.md, "Errors people can act on".
 *
 * @throws AdError (code `AD_OPTION`): `eigh: options must be an object like { symmetrize: true }, got true`.
 * @example
 * ```ts
 * requireOptionsObject(opts, 'eigh', 'options', '{ symmetrize: true }');
 * requireOptionsObject(opts?.degeneracy, 'eig', 'the degeneracy option', "{ policy: 'error' }");
 * ```
 */
export function requireOptionsObject(value: unknown, fname: string, what: string, example: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new AdError(`${fname}: ${what} must be an object like ${example}, got ${String(value)}`, 'AD_OPTION');
  }
}

/**
 * Checks that each named flag of an options object is absent or a boolean.
 *
 * **Method**: reads `opts[key]` for each key; `undefined` passes.
 *
 * **Numerical notes**: none.
 *
 * **References**: STYLE.md, "Errors people can act on".
 *
 * @throws AdError (code `AD_OPTION`): `eigh: options.symmetrize must be a boolean, got 1`.
 * @example
 * ```ts
 * requireBooleanOptions({ symmetrize: 1 }, ['symmetrize'], 'eigh');   // throws
 * ```
 */
export function requireBooleanOptions(opts: object | undefined, keys: readonly string[], fname: string): void {
  for (const key of keys) {
    const v = (opts as Record<string, unknown> | undefined)?.[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw new AdError(`${fname}: options.${key} must be a boolean, got ${String(v)}`, 'AD_OPTION');
    }
  }
}

/**
 * The Tensor inside a cotangent a pullback received, or undefined when it is a structural zero.
 *
 * **Method**: `undefined` and `ZeroTangent` give undefined; a thunk is forced (and may itself give `ZeroTangent`);
 * anything else must be a Tensor.
 *
 * **Numerical notes**: undefined lets the rules skip the work of an unused output (DESIGN.md, "Details": pullbacks
 * short-circuit on `ZeroTangent`).
 *
 * **References**: DESIGN.md, "Tangents".
 *
 * @throws TypeError for a cotangent that is neither a Tensor nor a zero.
 * @example
 * ```ts
 * asCotangent(ZeroTangent);          // undefined
 * asCotangent(thunk(() => lbar));    // lbar
 * ```
 */
export function asCotangent(t: unknown): Tensor | undefined {
  if (t === undefined || isZeroTangent(t)) return undefined;
  const u = unthunk(t as Tangent);
  if (isZeroTangent(u)) return undefined;
  if (!(u instanceof Tensor)) throw new TypeError(`expected a Tensor cotangent, got ${String(u)}`);
  return u;
}

/**
 * The cotangent of one field of a structured output (`{ values, vectors }`, `{ U, S, Vt }`), as {@link asCotangent}.
 *
 * **Method**: a `ZeroTangent` for the whole output gives undefined; otherwise the field is read and unwrapped.
 *
 * **Numerical notes**: a field missing from the cotangent counts as zero.
 *
 * **References**: DESIGN.md, "Tangents" (plain objects mirroring structured outputs).
 *
 * @example
 * ```ts
 * const vbar = cotangentField(ybar, 'vectors');   // undefined when only the eigenvalues were used
 * ```
 */
export function cotangentField(ybar: unknown, key: string): Tensor | undefined {
  return isZeroTangent(ybar) ? undefined : asCotangent((ybar as Record<string, unknown>)[key]);
}

/** The geometry of a (batch of) square matrices: `[...batchShape, n, n]`. */
export interface SquareShape {
  /** Order of each matrix. */
  readonly n: number;
  /** The leading (batch) dimensions. */
  readonly batchShape: readonly number[];
  /** Number of matrices in the batch (1 for a single matrix). */
  readonly count: number;
}

/**
 * Checks that `A` is a square matrix or a batch of them, `[..., n, n]`.
 *
 * **Method**: compares the last two dimensions.
 *
 * **Numerical notes**: an empty `[0, 0]` matrix is square (its spectrum is empty).
 *
 * **References**: DESIGN.md, "Errors".
 *
 * @throws ShapeError `eigh: A must be square, got shape [3, 4]` (or a rank below 2).
 * @example
 * ```ts
 * requireSquare(zeros([2, 3, 3]), 'eigh');   // { n: 3, batchShape: [2], count: 2 }
 * ```
 */
export function requireSquare(A: Tensor, fname: string, arg = 'A'): SquareShape {
  const s = A.shape;
  if (s.length < 2) {
    throw new ShapeError(
      `${fname}: ${arg} must be a square matrix (or a batch of them) of shape [..., n, n], got shape [${s.join(', ')}]`,
    );
  }
  const n = s[s.length - 1]!;
  if (s[s.length - 2] !== n) throw new ShapeError(`${fname}: ${arg} must be square, got shape [${s.join(', ')}]`);
  const batchShape = s.slice(0, -2);
  return { n, batchShape, count: shapeSize(batchShape) };
}

/** Multi-index of a flat row-major offset into `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let r = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const len = shape[d]!;
    idx[d] = len === 0 ? 0 : r % len;
    r = len === 0 ? 0 : Math.floor(r / len);
  }
  return idx;
}

/** " of matrix [i, j]" naming matrix `b` of a batch in error messages, "" for an unbatched input. */
export function whichMatrix(shape: { readonly batchShape: readonly number[] }, b: number): string {
  return shape.batchShape.length > 0 ? ` of matrix [${unravel(b, shape.batchShape).join(', ')}]` : '';
}

/**
 * Checks that every entry of `A` (real and imaginary parts) is finite.
 *
 * **Method**: one pass over the storage; the first offender is reported.
 *
 * **Numerical notes**: eigensolvers given NaN or Inf do not converge or return garbage; rejecting them up front turns
 * a silent NaN into an error that names the entry.
 *
 * **References**: DESIGN.md, "Details" (input checks).
 *
 * @throws NonFiniteInputError naming the value and its index.
 * @example
 * ```ts
 * requireFinite(tensor([[1, NaN], [NaN, 1]]), 'eigh');   // NonFiniteInputError: eigh: A has a non-finite entry NaN at [0, 1] …
 * ```
 */
export function requireFinite(A: Tensor, fname: string, arg = 'A'): void {
  const parts: [Float64Array | Float32Array, string][] = [[A.data, '']];
  if (A.im) parts.push([A.im, ' (imaginary part)']);
  for (const [d, what] of parts) {
    for (let k = 0; k < d.length; k++) {
      const v = d[k]!;
      if (!Number.isFinite(v)) {
        throw new NonFiniteInputError(
          `${fname}: ${arg} has a non-finite entry ${v}${what} at [${unravel(k, A.shape).join(', ')}]; ` +
            'the spectrum of a matrix holding NaN or Inf is undefined — check the computation that produced it',
          k,
          v,
        );
      }
    }
  }
}

/**
 * The symmetry tolerance of DESIGN.md: max|A − Aᴴ| ≤ tol·max|A| with tol = 1e-10 (float64, complex128) or 1e-4
 * (float32).
 *
 * **Method**: a constant per dtype.
 *
 * **Numerical notes**: float32 inputs are usually built by float32 arithmetic whose rounding (≈ 6e-8 relative)
 * accumulates; 1e-4 leaves room for that while still catching a transposition error.
 *
 * **References**: DESIGN.md, "Details" (input checks).
 *
 * @example
 * ```ts
 * symmetryTolerance('float32');   // 1e-4
 * ```
 */
export function symmetryTolerance(dtype: DType): number {
  return dtype === 'float32' ? 1e-4 : 1e-10;
}

/**
 * Checks that each matrix of `A` is symmetric (real) or Hermitian (complex) within {@link symmetryTolerance}, relative
 * to max|A| of that matrix.
 *
 * **Method**: max over i ≤ j of |A_ij − conj(A_ji)| (the diagonal contributes 2|Im A_ii|), against tol·max|A_ij|.
 *
 * **Numerical notes**: the eigensolvers read one triangle only, so an asymmetric input would silently be replaced by
 * the symmetric matrix of its lower triangle; this check makes that an error unless `{ symmetrize: true }` asks for
 * (A + Aᴴ)/2.
 *
 * **References**: DESIGN.md, "Details" (input checks); STYLE.md, "Errors people can act on".
 *
 * @throws NotSymmetricError naming max |A − Aᵀ| (with the argument's own name) and where it occurs, and suggesting
 * `{ symmetrize: true }`.
 * @example
 * ```ts
 * requireHermitian(tensor([[1, 2], [2.5, 1]]), 'eigh');
 * // NotSymmetricError: eigh: A is not symmetric (max |A − Aᵀ| = 5.0e-1 at [0, 1]); pass { symmetrize: true } …
 * ```
 */
export function requireHermitian(A: Tensor, fname: string, arg = 'A', tol = symmetryTolerance(A.dtype)): void {
  const { n, batchShape, count } = requireSquare(A, fname, arg);
  const re = A.data;
  const im = A.im;
  const nn = n * n;
  for (let b = 0; b < count; b++) {
    const o = b * nn;
    let maxAbs = 0;
    let worst = 0;
    let wi = 0;
    let wj = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const pr = re[o + i * n + j]!;
        const qr = re[o + j * n + i]!;
        const pi = im ? im[o + i * n + j]! : 0;
        const qi = im ? im[o + j * n + i]! : 0;
        maxAbs = Math.max(maxAbs, Math.hypot(pr, pi), Math.hypot(qr, qi));
        // A_ij − conj(A_ji)
        const d = Math.hypot(pr - qr, pi + qi);
        if (d > worst) {
          worst = d;
          wi = i;
          wj = j;
        }
      }
    }
    if (worst > tol * maxAbs) {
      const sym = im ? 'Hermitian' : 'symmetric';
      const op = `${arg}${im ? 'ᴴ' : 'ᵀ'}`;
      const where = whichMatrix({ batchShape }, b);
      throw new NotSymmetricError(
        `${fname}: ${arg} is not ${sym} (max |${arg} − ${op}| = ${worst.toExponential(1)} at [${wi}, ${wj}]${where}, ` +
          `above ${tol.toExponential(0)}·max|${arg}| = ${(tol * maxAbs).toExponential(1)}); ` +
          `pass { symmetrize: true } to use (${arg} + ${op})/2`,
        worst,
        [wi, wj],
      );
    }
  }
}

/**
 * Copies matrix `b` of a batch into row-major Float64Arrays, replacing it by (A + Aᴴ)/2 when
 * `symmetrize` is set (otherwise the kernel reads the lower triangle as it is).
 *
 * **Method**: entrywise average of A_ij and conj(A_ji); the diagonal keeps its real part.
 *
 * **Numerical notes**: float32 inputs are widened to float64 here, so the kernels always run in float64.
 *
 * **References**: DESIGN.md, "Details" (`{ symmetrize: true }`).
 *
 * @example
 * ```ts
 * const { re } = matrixForKernel(tensor([[1, 2], [0, 1]]), 0, 2, true);   // re = [1, 1, 1, 1]
 * ```
 */
export function matrixForKernel(
  A: Tensor,
  b: number,
  n: number,
  symmetrize: boolean,
): { re: Float64Array; im: Float64Array | undefined } {
  const nn = n * n;
  const o = b * nn;
  const re = new Float64Array(nn);
  const im = A.im ? new Float64Array(nn) : undefined;
  for (let k = 0; k < nn; k++) re[k] = A.data[o + k]!;
  if (im) for (let k = 0; k < nn; k++) im[k] = A.im![o + k]!;
  if (symmetrize) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const r = 0.5 * (re[i * n + j]! + re[j * n + i]!);
        re[i * n + j] = r;
        re[j * n + i] = r;
        if (im) {
          const v = 0.5 * (im[i * n + j]! - im[j * n + i]!);
          im[i * n + j] = v;
          im[j * n + i] = -v;
        }
      }
      if (im) im[i * n + i] = 0;
    }
  }
  return { re, im };
}
