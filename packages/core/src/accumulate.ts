/**
 * Accumulation of cotangents: sums that short-circuit structural zeros and force thunks only when a value is needed.
 * @module
 */
import { ShapeError } from './errors.js';
import { Tensor, sameShape } from './tensor.js';
import { describeTangent } from './rule.js';
import { NoTangent, Thunk, ZeroTangent, isZeroTangent, type Tangent } from './tangents.js';
import { add } from './ops/arithmetic.js';

/**
 * a + b for tangents of one value: zeros are skipped, thunks forced, structures added field by field (a missing field
 * counts as zero). Tensors must have the same shape (no broadcasting: two tangents of one value never differ in shape,
 * so a mismatch is a bug upstream) and both sides must be of the same kind.
 *
 * @example
 * ```ts
 * addTangents(tensor([1, 2]), ZeroTangent);                       // the tensor itself
 * addTangents({ a: tensor(1) }, { a: tensor(2), b: tensor(3) });   // { a: 3, b: 3 }
 * ```
 */
export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (isZeroTangent(a)) return b;
  if (isZeroTangent(b)) return a;
  if (a instanceof Thunk) return addTangents(a.force(), b);
  if (b instanceof Thunk) return addTangents(a, b.force());
  if (a instanceof Tensor && b instanceof Tensor) {
    if (!sameShape(a.shape, b.shape)) {
      throw new ShapeError(`addTangents: tangents of one value must have one shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
    }
    return add(a, b);
  }
  if (a instanceof Tensor || b instanceof Tensor || Array.isArray(a) !== Array.isArray(b)) {
    throw new ShapeError(`addTangents: cannot add ${describeTangent(a)} to ${describeTangent(b)} (tangents of one value have one structure)`);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => addTangents(x as Tangent, (b[i] ?? ZeroTangent) as Tangent));
  if (typeof a === 'object' && typeof b === 'object') {
    const out: Record<string, Tangent> = {};
    const ra = a as Record<string, Tangent>;
    const rb = b as Record<string, Tangent>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) out[k] = addTangents(ra[k] ?? ZeroTangent, rb[k] ?? ZeroTangent);
    return out;
  }
  return NoTangent;
}
