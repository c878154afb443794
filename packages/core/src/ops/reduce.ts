/**
 * Reductions: `sum`, `mean`, `max`, `min`, over all entries (→ 0-d) or one axis (removed; negative axes allowed).
 * @module
 */
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor, allocData, shapeSize } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule, type DifferentiableFunction } from '../rule.js';
import { NoTangent } from '../tangents.js';
import { broadcastToRaw, normalizeAxis } from './raw.js';
import { mul, scale } from './arithmetic.js';
import { broadcastTo, reshape } from './shape.js';

/** A reduction over all entries or one axis. */
type Reduction = DifferentiableFunction<[Tensor, (number | undefined)?], Tensor>;

function reduceRaw(x: Tensor, axis: number | undefined, op: 'sum' | 'max' | 'min', name: string): Tensor {
  if (op !== 'sum' && x.im) throw new DTypeError(`${name}: complex input has no order; take abs or real first`);
  const shape = x.shape;
  const ax = axis === undefined ? -1 : normalizeAxis(axis, shape.length, name);
  const outer = ax < 0 ? 1 : shapeSize(shape.slice(0, ax));
  const len = ax < 0 ? x.size : shape[ax]!;
  const inner = ax < 0 ? 1 : shapeSize(shape.slice(ax + 1));
  const outShape = ax < 0 ? [] : [...shape.slice(0, ax), ...shape.slice(ax + 1)];
  if (len === 0 && op !== 'sum') {
    throw new ShapeError(`${name}: an empty ${ax < 0 ? 'tensor' : `axis ${ax}`} has no ${op} (shape [${shape.join(', ')}])`);
  }
  const out = allocData(x.dtype, outer * inner);
  const outIm = x.im ? new Float64Array(outer * inner) : undefined;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
      let accIm = 0;
      for (let k = 0; k < len; k++) {
        const idx = (o * len + k) * inner + i;
        const v = x.data[idx]!;
        if (op === 'sum') {
          acc += v;
          if (x.im) accIm += x.im[idx]!;
        } else if (op === 'max' ? v > acc || Number.isNaN(v) : v < acc || Number.isNaN(v)) {
          acc = v;
          if (Number.isNaN(v)) break;
        }
      }
      out[o * inner + i] = acc;
      if (outIm) outIm[o * inner + i] = accIm;
    }
  }
  return new Tensor(outShape, x.dtype, out, outIm);
}

function keptShape(shape: readonly number[], axis: number | undefined): number[] {
  if (axis === undefined) return shape.map(() => 1);
  const ax = normalizeAxis(axis, shape.length, 'reduce');
  return shape.map((d, i) => (i === ax ? 1 : d));
}

/** Broadcasts a reduced cotangent back over the reduced axis. */
function expandBack(dy: Tensor, x: Tensor, axis: number | undefined): Tensor {
  return broadcastTo(reshape(dy, keptShape(x.shape, axis)), x.shape);
}

/**
 * Sum of all entries (→ 0-d) or along `axis` (removed). Pullback: ȳ broadcast back over the summed axes.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]));      // 10
 * sum(tensor([[1, 2], [3, 4]]), 0);   // [4, 6]
 * ```
 */
export const sum: Reduction = defineRule({
  name: '@ad/core/sum',
  samples: coreSamples('sum'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, axis?: number) => reduceRaw(x, axis, 'sum', 'sum'),
  frule: ([x, axis], [dx]) => [sum(x, axis), sum(dx, axis)],
  rrule: (x: Tensor, axis?: number) => [sum(x, axis), (dy) => [expandBack(dy, x, axis), NoTangent]],
});

/**
 * Mean of all entries or along `axis`. Pullback: ȳ/n broadcast back.
 * @example
 * ```ts
 * mean(tensor([1, 2, 3]));   // 2
 * ```
 */
export const mean: Reduction = defineRule({
  name: '@ad/core/mean',
  samples: coreSamples('mean'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, axis?: number) => {
    const n = axis === undefined ? x.size : x.shape[normalizeAxis(axis, x.ndim, 'mean')]!;
    return scale(reduceRaw(x, axis, 'sum', 'mean'), 1 / n);
  },
  frule: ([x, axis], [dx]) => [mean(x, axis), mean(dx, axis)],
  rrule: (x: Tensor, axis?: number) => {
    const n = axis === undefined ? x.size : x.shape[normalizeAxis(axis, x.ndim, 'mean')]!;
    return [mean(x, axis), (dy) => [scale(expandBack(dy, x, axis), 1 / n), NoTangent]];
  },
});

/**
 * The tie-sharing weights of an extremum: 1/(number of ties) where x equals its (broadcast) extremum, 0 elsewhere.
 * Piecewise constant in x, so a constant tensor (tracers share their primal's storage, so `.data` is the value).
 */
function tieWeights(x: Tensor, y: Tensor, axis: number | undefined): Tensor {
  const kept = keptShape(x.shape, axis);
  const yb = broadcastToRaw(new Tensor(kept, y.dtype, y.data), x.shape);
  const mask = new Tensor(x.shape, x.dtype, allocData(x.dtype, x.size));
  for (let i = 0; i < x.size; i++) mask.data[i] = x.data[i] === yb.data[i] ? 1 : 0;
  const count = broadcastToRaw(new Tensor(kept, x.dtype, reduceRaw(mask, axis, 'sum', 'tie count').data), x.shape);
  for (let i = 0; i < x.size; i++) mask.data[i] = mask.data[i]! / count.data[i]!;
  return mask;
}

function extremum(op: 'max' | 'min'): Reduction {
  const f: Reduction = defineRule({
    name: `@ad/core/${op}`,
    samples: coreSamples(op),
    structure: ['general', 'nondiff'],
    primal: (x: Tensor, axis?: number) => reduceRaw(x, axis, op, op),
    frule: ([x, axis], [dx]) => {
      const y = f(x, axis);
      return [y, sum(mul(tieWeights(x, y, axis), dx), axis)];
    },
    rrule: (x: Tensor, axis?: number) => {
      const y = f(x, axis);
      return [y, (dy) => [mul(tieWeights(x, y, axis), expandBack(dy, x, axis)), NoTangent]];
    },
  });
  return f;
}

/**
 * Largest entry (→ 0-d) or largest along `axis`. Ties share the cotangent equally (the minimum-norm element of the
 * subdifferential); forward mode likewise averages the tangents of tied entries.
 * @example
 * ```ts
 * max(tensor([1, 3, 3]));   // 3; its gradient is [0, 0.5, 0.5]
 * ```
 */
export const max = extremum('max');

/**
 * Smallest entry or smallest along `axis`; ties share the cotangent equally.
 * @example
 * ```ts
 * min(tensor([2, 1]));   // 1
 * ```
 */
export const min = extremum('min');
