/**
 * Tangent and cotangent values. Besides Tensors (and plain objects/arrays of them mirroring structured outputs such as
 * `{ values, vectors }`), there are three special kinds:
 * - {@link ZeroTangent}: a structural zero. Rules short-circuit on it instead of multiplying by zeros.
 * - {@link NoTangent}: the argument is not differentiable (an integer `k`, an options object).
 * - {@link thunk}: a lazily computed cotangent, forced only if somebody consumes it.
 * @module
 */
import { Tensor } from './tensor.js';

/** The structural zero tangent: "this is zero, skip the work". */
export class ZeroTangentType {
  readonly kind = 'ZeroTangent';
  toString(): string {
    return 'ZeroTangent';
  }
}
/** The structural zero tangent singleton. */
export const ZeroTangent: ZeroTangentType = Object.freeze(new ZeroTangentType());

/** Marks an argument or output that has no derivative (integers, options, iteration counts). */
export class NoTangentType {
  readonly kind = 'NoTangent';
  toString(): string {
    return 'NoTangent';
  }
}
/** The "not differentiable" tangent singleton. */
export const NoTangent: NoTangentType = Object.freeze(new NoTangentType());

/** A lazy cotangent: `force()` computes it once and caches the result. */
export class Thunk {
  private value: Tangent | undefined;
  private readonly compute: () => Tangent;
  constructor(compute: () => Tangent) {
    this.compute = compute;
  }
  /** Computes (once) and returns the wrapped tangent. */
  force(): Tangent {
    if (this.value === undefined) this.value = this.compute();
    return this.value;
  }
}

/**
 * Wraps an expensive cotangent computation so it runs only if consumed (e.g. the eigenvector part of a pullback when
 * only eigenvalues are used).
 *
 * @example
 * ```ts
 * const pullback = (dy) => [thunk(() => expensiveCotangent(dy)), NoTangent];
 * ```
 */
export function thunk(compute: () => Tangent): Thunk {
  return new Thunk(compute);
}

/** A tangent or cotangent: a Tensor, a special tangent, a thunk, or a structure of them mirroring a primal. */
export type Tangent =
  | Tensor
  | ZeroTangentType
  | NoTangentType
  | Thunk
  | readonly Tangent[]
  | { readonly [key: string]: Tangent };

/** True for ZeroTangent and NoTangent (both carry no information). */
export function isZeroTangent(t: unknown): t is ZeroTangentType | NoTangentType {
  return t === ZeroTangent || t === NoTangent || t instanceof ZeroTangentType || t instanceof NoTangentType;
}

/**
 * Forces a thunk (and a thunk it returns in turn). Other tangents, structures included, are returned as they are: a
 * thunk inside an array or object stays lazy.
 *
 * @example
 * ```ts
 * unthunk(thunk(() => tensor([1, 2])));   // Tensor [1, 2]
 * ```
 */
export function unthunk(t: Tangent): Tangent {
  if (t instanceof Thunk) return unthunk(t.force());
  return t;
}
