/**
 * Accumulation of cotangents: sums that short-circuit structural zeros and force thunks only when a value is needed.
 * @module
 */
import { Tensor } from './tensor.js';
import { NoTangent, Thunk, ZeroTangent, isZeroTangent, type Tangent } from './tangents.js';
import { add } from './ops/arithmetic.js';

/** a + b for tangents: zeros are skipped, thunks forced, structures added field by field. */
export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (isZeroTangent(a)) return b;
  if (isZeroTangent(b)) return a;
  if (a instanceof Thunk) return addTangents(a.force(), b);
  if (b instanceof Thunk) return addTangents(a, b.force());
  if (a instanceof Tensor && b instanceof Tensor) return add(a, b);
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
