/**
 * Shape ops: `reshape`, `slice`, `concat`, `stack`, `broadcastTo`, `sumTo`, `where`. Their derivatives move entries
 * around without arithmetic, so each pullback is the transpose of the forward map (slice ↔ zero-padding,
 * broadcast ↔ sum, concat ↔ slices).
 * @module
 */
import { ShapeError } from '../errors.js';
import { Tensor, allocData, asTensor, broadcastShapes, castTensor, promoteTypes, realDType, sameShape, shapeSize, stridesOf, zeros, type TensorLike } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule, type DifferentiableFunction } from '../rule.js';
import { NoTangent } from '../tangents.js';
import { broadcastOffsets, broadcastToRaw, normalizeAxis, sumToRaw } from './raw.js';

type ShapeOp = DifferentiableFunction<[Tensor, readonly number[]], Tensor>;
type SliceOp = DifferentiableFunction<[Tensor, readonly number[], (readonly (number | undefined)[])?], Tensor>;

/**
 * Sums `x` over broadcast axes so the result has shape `shape` (the adjoint of {@link broadcastTo}).
 * @example
 * ```ts
 * sumTo(tensor([[1, 2], [3, 4]]), [2]);   // [4, 6]
 * ```
 */
export const sumTo: ShapeOp = defineRule({
  name: '@ad/core/sumTo',
  samples: coreSamples('sumTo'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, shape: readonly number[]) => sumToRaw(x, shape),
  frule: ([x, shape], [dx]) => [sumTo(x, shape), sumTo(dx, shape)],
  rrule: (x: Tensor, shape: readonly number[]) => [sumTo(x, shape), (dy) => [broadcastTo(dy, x.shape), NoTangent]],
});

/**
 * Broadcasts `x` to `shape` (NumPy rules). Pullback: sumTo(ȳ, x.shape).
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2]), [2, 2]);   // [[1, 2], [1, 2]]
 * ```
 */
export const broadcastTo: ShapeOp = defineRule({
  name: '@ad/core/broadcastTo',
  samples: coreSamples('broadcastTo'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, shape: readonly number[]) => broadcastToRaw(x, shape),
  frule: ([x, shape], [dx]) => [broadcastTo(x, shape), broadcastTo(dx, shape)],
  rrule: (x: Tensor, shape: readonly number[]) => [broadcastTo(x, shape), (dy) => [sumTo(dy, x.shape), NoTangent]],
});

function resolveShape(size: number, shape: readonly number[]): number[] {
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free >= 0) {
    const known = out.reduce((p, d, i) => (i === free ? p : p * d), 1);
    if (known === 0 || size % known !== 0) throw new ShapeError(`reshape: cannot infer -1 in [${shape.join(', ')}] for ${size} entries`);
    out[free] = size / known;
  }
  if (shapeSize(out) !== size) {
    throw new ShapeError(`reshape: cannot reshape ${size} entries into shape [${shape.join(', ')}]`);
  }
  return out;
}

/**
 * Reshapes (row-major order is kept; one dimension may be −1). Pullback: reshape back.
 * @example
 * ```ts
 * reshape(tensor([1, 2, 3, 4]), [2, 2]);   // [[1, 2], [3, 4]]
 * ```
 */
export const reshape: ShapeOp = defineRule({
  name: '@ad/core/reshape',
  samples: coreSamples('reshape'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, shape: readonly number[]) => new Tensor(resolveShape(x.size, shape), x.dtype, x.data, x.im),
  frule: ([x, shape], [dx]) => [reshape(x, shape), reshape(dx, shape)],
  rrule: (x: Tensor, shape: readonly number[]) => [reshape(x, shape), (dy) => [reshape(dy, x.shape), NoTangent]],
});

function sliceBounds(shape: readonly number[], start: readonly number[], end?: readonly (number | undefined)[]): [number[], number[]] {
  if (start.length > shape.length) throw new ShapeError(`slice: ${start.length} start indices for a tensor of rank ${shape.length}`);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    let s = start[d] ?? 0;
    let e = end?.[d] ?? n;
    if (s < 0) s += n;
    if (e < 0) e += n;
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
      throw new ShapeError(`slice: axis ${d} of size ${n} cannot be sliced [${start[d] ?? 0}, ${end?.[d] ?? n})`);
    }
    lo.push(s);
    hi.push(e);
  }
  return [lo, hi];
}

function copyBlock(src: Tensor, dstShape: readonly number[], lo: readonly number[], extract: boolean, dst?: Tensor): Tensor {
  // extract: dst[i] = src[lo + i]; otherwise (embed) dst[lo + i] = src[i]
  const inner = extract ? dstShape : src.shape;
  const outer = extract ? src.shape : dstShape;
  const outerStrides = stridesOf(outer);
  const size = shapeSize(inner);
  const res = dst ?? zeros(dstShape, src.dtype);
  const nd = inner.length;
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < size; k++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += (idx[d]! + lo[d]!) * outerStrides[d]!;
    if (extract) {
      res.data[k] = src.data[off]!;
      if (res.im) res.im[k] = src.im![off]!;
    } else {
      res.data[off] = src.data[k]!;
      if (res.im) res.im[off] = src.im![k]!;
    }
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < inner[d]!) break;
      idx[d] = 0;
    }
  }
  return res;
}

const embed: DifferentiableFunction<[Tensor, readonly number[], readonly number[]], Tensor> = defineRule({
  name: '@ad/core/embed',
  structure: ['general', 'nondiff', 'nondiff'],
  primal: (x: Tensor, shape: readonly number[], lo: readonly number[]) => copyBlock(x, shape, lo, false),
  frule: ([x, shape, lo], [dx]) => [embed(x, shape, lo), embed(dx, shape, lo)],
  rrule: (x: Tensor, shape: readonly number[], lo: readonly number[]) => [
    embed(x, shape, lo),
    (dy) => [slice(dy, lo, lo.map((l, d) => l + x.shape[d]!)), NoTangent, NoTangent],
  ],
});

/**
 * The block `x[start[0]:end[0], start[1]:end[1], …]` (end exclusive; negative indices count from the end; axes not
 * given are taken whole). Pullback: ȳ embedded into zeros of x's shape.
 * @example
 * ```ts
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 3]);   // [[2, 3], [5, 6]]
 * ```
 */
export const slice: SliceOp = defineRule({
  name: '@ad/core/slice',
  samples: coreSamples('slice'),
  structure: ['general', 'nondiff', 'nondiff'],
  primal: (x: Tensor, start: readonly number[], end?: readonly (number | undefined)[]) => {
    const [lo, hi] = sliceBounds(x.shape, start, end);
    return copyBlock(x, hi.map((h, d) => h - lo[d]!), lo, true);
  },
  frule: ([x, start, end], [dx]) => [slice(x, start, end), slice(dx, start, end)],
  rrule: (x: Tensor, start: readonly number[], end?: readonly (number | undefined)[]) => {
    const [lo] = sliceBounds(x.shape, start, end);
    return [slice(x, start, end), (dy) => [embed(dy, x.shape, lo), NoTangent, NoTangent]];
  },
});

function concatShapes(axis: number, xs: readonly Tensor[]): { axis: number; shape: number[] } {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const nd = xs[0]!.shape.length;
  const ax = normalizeAxis(axis, nd, 'concat');
  const shape = [...xs[0]!.shape];
  shape[ax] = 0;
  for (const [k, x] of xs.entries()) {
    if (x.shape.length !== nd || x.shape.some((d, i) => i !== ax && d !== xs[0]!.shape[i])) {
      throw new ShapeError(`concat: tensor ${k} has shape [${x.shape.join(', ')}], which does not match [${xs[0]!.shape.join(', ')}] outside axis ${ax}`);
    }
    shape[ax]! += x.shape[ax]!;
  }
  return { axis: ax, shape };
}

/** concat as a rule over a variable number of tensors: `concatN(axis, ...xs)`. */
export const concatN: DifferentiableFunction<[number, ...Tensor[]], Tensor> = defineRule({
  name: '@ad/core/concat',
  samples: coreSamples('concat'),
  primal: (axis: number, ...xs: Tensor[]) => {
    const { axis: ax, shape } = concatShapes(axis, xs);
    const dtype = xs.reduce((d, x) => promoteTypes(d, x.dtype), xs[0]!.dtype);
    const out = zeros(shape, dtype);
    const lo = new Array<number>(shape.length).fill(0);
    for (const x of xs) {
      copyBlock(castTensor(x, dtype), shape, lo, false, out);
      lo[ax]! += x.shape[ax]!;
    }
    return out;
  },
  frule: ([axis, ...xs], [, ...dxs]) => [concatN(axis, ...xs), concatN(axis, ...(dxs as Tensor[]))],
  rrule: (axis: number, ...xs: Tensor[]) => {
    const { axis: ax } = concatShapes(axis, xs);
    return [
      concatN(axis, ...xs),
      (dy) => {
        const out: (Tensor | typeof NoTangent)[] = [NoTangent];
        let at = 0;
        for (const x of xs) {
          const start = new Array<number>(x.shape.length).fill(0);
          const end = [...x.shape] as number[];
          start[ax] = at;
          end[ax] = at + x.shape[ax]!;
          out.push(slice(dy, start, end));
          at += x.shape[ax]!;
        }
        return out;
      },
    ];
  },
});

/**
 * Joins tensors along an existing axis (default 0). Pullback: the matching slices of ȳ.
 * @example
 * ```ts
 * concat([tensor([1, 2]), tensor([3])]);   // [1, 2, 3]
 * ```
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  return concatN(axis, ...xs.map((x) => asTensor(x, 'concat')));
}

/**
 * Stacks equally shaped tensors along a new axis (default 0). Built from reshape and concat.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]);   // [[1, 2], [3, 4]]
 * ```
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map((x) => asTensor(x, 'stack'));
  if (ts.length === 0) throw new ShapeError('stack: needs at least one tensor');
  const base = ts[0]!.shape;
  const ax = normalizeAxis(axis, base.length + 1, 'stack');
  for (const [k, t] of ts.entries()) {
    if (!sameShape(t.shape, base)) throw new ShapeError(`stack: tensor ${k} has shape [${t.shape.join(', ')}], expected [${base.join(', ')}]`);
  }
  const expanded = [...base.slice(0, ax), 1, ...base.slice(ax)];
  return concatN(ax, ...ts.map((t) => reshape(t, expanded)));
}

/**
 * Elementwise choice `cond ? a : b` with broadcasting; `cond` is not differentiated (nonzero = true; boolean nested
 * arrays are accepted). Pullback: ā = sumTo(where(cond, ȳ, 0)), b̄ = sumTo(where(cond, 0, ȳ)).
 * @example
 * ```ts
 * where([1, 0], tensor([1, 2]), tensor([3, 4]));   // [1, 4]
 * ```
 */
export const whereRule: DifferentiableFunction<[Tensor, Tensor, Tensor], Tensor> = defineRule({
  name: '@ad/core/where',
  samples: coreSamples('where'),
  structure: ['nondiff', 'general', 'general'],
  primal: (cond: Tensor, a: Tensor, b: Tensor) => {
    const dtype = promoteTypes(a.dtype, b.dtype);
    const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
    const size = shapeSize(shape);
    const oc = broadcastOffsets(cond.shape, shape);
    const oa = broadcastOffsets(a.shape, shape);
    const ob = broadcastOffsets(b.shape, shape);
    const re = allocData(dtype, size);
    const im = dtype === 'complex128' ? new Float64Array(size) : undefined;
    for (let i = 0; i < size; i++) {
      const pick = cond.data[oc[i]!] !== 0;
      const src = pick ? a : b;
      const k = pick ? oa[i]! : ob[i]!;
      re[i] = src.data[k]!;
      if (im) im[i] = src.im ? src.im[k]! : 0;
    }
    return new Tensor(shape, dtype, re, im);
  },
  frule: ([cond, a, b], [, da, db]) => [whereRule(cond, a, b), whereRule(cond, da as Tensor, db as Tensor)],
  rrule: (cond: Tensor, a: Tensor, b: Tensor) => [
    whereRule(cond, a, b),
    (dy) => {
      const zero = zeros([], dy.dtype);
      return [NoTangent, sumTo(whereRule(cond, dy, zero), a.shape), sumTo(whereRule(cond, zero, dy), b.shape)];
    },
  ],
});

function booleansToNumbers(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(booleansToNumbers);
  return typeof x === 'boolean' ? (x ? 1 : 0) : x;
}

/** See {@link whereRule}; `cond` may also be (nested arrays of) booleans. */
export function where(
  cond: TensorLike | boolean | readonly boolean[] | readonly (readonly boolean[])[],
  a: TensorLike,
  b: TensorLike,
): Tensor {
  const c = cond instanceof Tensor ? cond : asTensor(booleansToNumbers(cond), 'where: cond');
  return whereRule(c, a, b);
}

/** An identity pattern with the shape of `t` (ones on the diagonal of each trailing matrix), as a constant tensor. */
export function eyeLike(t: Tensor): Tensor {
  const nd = t.shape.length;
  const out = zeros(t.shape, realDType(t.dtype));
  if (nd < 2) {
    out.data.fill(1);
    return out;
  }
  const m = t.shape[nd - 2]!;
  const n = t.shape[nd - 1]!;
  const batch = out.size / (m * n) || 0;
  for (let b = 0; b < batch; b++) for (let i = 0; i < Math.min(m, n); i++) out.data[b * m * n + i * n + i] = 1;
  return out;
}
