/**
 * Complex-number ops and dtype conversion: `real`, `imag`, `conj`, `complex`, `cast`.
 *
 * Convention (MATH.md): the cotangent of a complex value is X̄ = ∂L/∂Re X + i ∂L/∂Im X. So real(z) pulls ȳ back to
 * ȳ + 0i, imag(z) to 0 + iȳ, conj(z) to conj(ȳ), and complex(re, im) splits ȳ into (Re ȳ, Im ȳ).
 * @module
 */
import { DTypeError } from '../errors.js';
import { Tensor, broadcastShapes, castTensor, realDType, sameShape, zeros, type DType } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule, type DifferentiableFunction } from '../rule.js';
import type { Op1, Op2 } from './util.js';
import { NoTangent } from '../tangents.js';
import { sumTo } from './shape.js';
import { broadcastToRaw } from './raw.js';

/**
 * The real part (a real tensor is returned unchanged). Pullback: ȳ as a complex cotangent with zero imaginary part.
 * @example
 * ```ts
 * real(complex(tensor([1]), tensor([2])));   // [1]
 * ```
 */
export const real: Op1 = defineRule({
  name: '@ad/core/real',
  samples: coreSamples('real'),
  structure: ['general'],
  primal: (z: Tensor) => (z.im ? new Tensor(z.shape, 'float64', z.data) : z),
  frule: ([z], [dz]) => [real(z), real(dz)],
  rrule: (z: Tensor) => [real(z), (dy) => [z.im ? complex(dy, realZeros(dy)) : dy]],
});

/** Zeros with t's shape and real dtype (float32 stays float32). */
function realZeros(t: Tensor): Tensor {
  return zeros(t.shape, realDType(t.dtype));
}

/**
 * The imaginary part (zeros for a real tensor). Pullback: i·ȳ.
 * @example
 * ```ts
 * imag(complex(tensor([1]), tensor([2])));   // [2]
 * ```
 */
export const imag: Op1 = defineRule({
  name: '@ad/core/imag',
  samples: coreSamples('imag'),
  structure: ['general'],
  primal: (z: Tensor) => (z.im ? new Tensor(z.shape, 'float64', z.im) : realZeros(z)),
  frule: ([z], [dz]) => [imag(z), imag(dz)],
  rrule: (z: Tensor) => [imag(z), (dy) => [z.im ? complex(realZeros(dy), dy) : realZeros(dy)]],
});

/**
 * The complex conjugate (identity on real tensors). Pullback: conj(ȳ).
 * @example
 * ```ts
 * conj(complex(tensor([1]), tensor([2])));   // [[1, -2]]
 * ```
 */
export const conj: Op1 = defineRule({
  name: '@ad/core/conj',
  samples: coreSamples('conj'),
  structure: ['general'],
  primal: (z: Tensor) => (z.im ? new Tensor(z.shape, 'complex128', z.data, z.im.map((v) => -v)) : z),
  frule: ([z], [dz]) => [conj(z), conj(dz)],
  rrule: (z: Tensor) => [conj(z), (dy) => [conj(dy)]],
});

/**
 * The complex tensor re + i·im from two real tensors (broadcasting). Pullback: (Re ȳ, Im ȳ).
 * @example
 * ```ts
 * complex(tensor([1, 2]), tensor([0, 1]));   // [[1, 0], [2, 1]]
 * ```
 */
export const complex: Op2 = defineRule({
  name: '@ad/core/complex',
  samples: coreSamples('complex'),
  structure: ['real', 'real'],
  primal: (re: Tensor, im: Tensor) => {
    if (re.im || im.im) throw new DTypeError('complex: re and im must be real tensors');
    const shape = sameShape(re.shape, im.shape) ? re.shape : broadcastShapes(re.shape, im.shape, 'complex');
    return new Tensor(shape, 'complex128', Float64Array.from(broadcastToRaw(re, shape).data), Float64Array.from(broadcastToRaw(im, shape).data));
  },
  frule: ([re, im], [dre, dim]) => [complex(re, im), complex(dre, dim)],
  rrule: (re: Tensor, im: Tensor) => [complex(re, im), (dy) => [sumTo(real(dy), re.shape), sumTo(imag(dy), im.shape)]],
});

/**
 * Converts to another dtype: between float32 and float64, or real → complex128 (complex → real is refused: take
 * `real` or `abs`). Pullback: ȳ cast back (its real part for a real input).
 * @example
 * ```ts
 * cast(tensor([1, 2]), 'float32').dtype;   // 'float32'
 * ```
 */
export const cast: DifferentiableFunction<[Tensor, DType], Tensor> = defineRule({
  name: '@ad/core/cast',
  samples: coreSamples('cast'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, dtype: DType) => castTensor(x, dtype),
  frule: ([x, dtype], [dx]) => [cast(x, dtype), cast(dx, dtype)],
  rrule: (x: Tensor, dtype: DType) => [
    cast(x, dtype),
    (dy) => [x.dtype === 'complex128' ? cast(dy, 'complex128') : cast(dy.im ? real(dy) : dy, x.dtype), NoTangent],
  ],
});
