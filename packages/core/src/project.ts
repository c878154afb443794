/**
 * Projection of cotangents onto the tangent space of a primal, like ChainRulesCore's `ProjectTo`: a real primal gets
 * a real cotangent, a float32 primal a float32 one, a symmetric (Hermitian) argument its symmetric (Hermitian) part —
 * the gradient on that subspace under the Frobenius inner product — and a diagonal one its diagonal.
 * @module
 */
import { DTypeError } from './errors.js';
import { Tensor, asTensor, type TensorLike } from './tensor.js';
import { add, mul, scale } from './ops/arithmetic.js';
import { cast, real } from './ops/complex.js';
import { adjoint, transpose } from './ops/linalg.js';
import { eyeLike } from './ops/shape.js';
import type { ArgStructure } from './rule.js';

/** The structures {@link project} knows. */
export type Structure = Exclude<ArgStructure, 'nondiff'>;

/**
 * Projects a cotangent `x` onto the tangent space of `primal` with the given structure (default `'general'`: only the
 * dtype is matched). Differentiable (built from core ops).
 *
 * - `'symmetric'` / `'spd'`: (X + Xᵀ)/2 over the last two axes; `'hermitian'`: (X + Xᴴ)/2;
 * - `'diagonal'`: X ∘ I; `'real'` or a real primal: Re X; a float32 primal: cast to float32.
 *
 * @example
 * ```ts
 * project(tensor([[0, 2], [0, 0]]), 'symmetric');   // [[0, 1], [1, 0]]
 * ```
 */
export function project(x: TensorLike, structure: Structure = 'general', primal?: Tensor): Tensor {
  let t = asTensor(x, 'project');
  const target = primal ?? t;
  if (target.dtype !== 'complex128' && t.dtype === 'complex128') t = real(t);
  if (structure === 'real' && t.dtype === 'complex128') t = real(t);
  if (target.dtype !== t.dtype && target.dtype !== 'complex128') t = cast(t, target.dtype);
  switch (structure) {
    case 'symmetric':
    case 'spd':
      return scale(add(t, transpose(t)), 0.5);
    case 'hermitian':
      return scale(add(t, adjoint(t)), 0.5);
    case 'diagonal':
      return mul(t, eyeLike(t));
    default:
      return t;
  }
}

/** The core's projection of a pullback's cotangent for argument `primal` (see {@link project}). */
export function projectCotangent(ct: Tensor, primal: Tensor, structure: ArgStructure): Tensor {
  if (structure === 'nondiff') throw new DTypeError('projectCotangent: a nondiff argument has no cotangent');
  if (structure === 'general' && ct.dtype === primal.dtype) return ct;
  return project(ct, structure, primal);
}
