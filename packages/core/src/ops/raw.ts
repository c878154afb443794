/**
 * The core's only numeric loops: elementwise maps with NumPy broadcasting and the reductions that undo broadcasting.
 * They work on concrete tensors (never tracers) and know nothing of derivatives. Dense products live in @ad/kernels.
 * @module
 */
import { DTypeError, ShapeError } from '../errors.js';
import { Tensor, allocData, broadcastShapes, promoteTypes, sameShape, shapeSize, stridesOf, type DType } from '../tensor.js';

/** For each entry of a tensor of shape `out`, the flat offset of the entry of a tensor of shape `shape` broadcast to it. */
export function broadcastOffsets(shape: readonly number[], out: readonly number[]): Int32Array {
  const size = shapeSize(out);
  const offsets = new Int32Array(size);
  const nd = out.length;
  const inStrides = stridesOf(shape);
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const d = nd - shape.length + i;
    strides[d] = shape[i] === 1 ? 0 : inStrides[i]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let o = 0; o < size; o++) {
    offsets[o] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < out[d]!) break;
      off -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return offsets;
}

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div';

/** a ∘ b elementwise with broadcasting and dtype promotion. */
export function binaryRaw(kind: BinaryKind, a: Tensor, b: Tensor, name: string): Tensor {
  const dtype = promoteTypes(a.dtype, b.dtype);
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, name);
  const size = shapeSize(shape);
  // Offsets only for real broadcasting; a full-size operand is read at i, a one-entry operand at 0 (stride 0).
  const aFull = a.size === size && sameShape(a.shape, shape);
  const bFull = b.size === size && sameShape(b.shape, shape);
  const oa = aFull || a.size === 1 ? null : broadcastOffsets(a.shape, shape);
  const ob = bFull || b.size === 1 ? null : broadcastOffsets(b.shape, shape);
  const sa = aFull ? 1 : 0;
  const sb = bFull ? 1 : 0;
  const re = allocData(dtype, size);
  const ar = a.data;
  const br = b.data;
  if (dtype !== 'complex128') {
    for (let i = 0; i < size; i++) {
      const x = ar[oa ? oa[i]! : i * sa]!;
      const y = br[ob ? ob[i]! : i * sb]!;
      re[i] = kind === 'add' ? x + y : kind === 'sub' ? x - y : kind === 'mul' ? x * y : x / y;
    }
    return new Tensor(shape, dtype, re);
  }
  const im = new Float64Array(size);
  const ai = a.im;
  const bi = b.im;
  for (let i = 0; i < size; i++) {
    const ka = oa ? oa[i]! : i * sa;
    const kb = ob ? ob[i]! : i * sb;
    const xr = ar[ka]!;
    const xi = ai ? ai[ka]! : 0;
    const yr = br[kb]!;
    const yi = bi ? bi[kb]! : 0;
    switch (kind) {
      case 'add':
        re[i] = xr + yr;
        im[i] = xi + yi;
        break;
      case 'sub':
        re[i] = xr - yr;
        im[i] = xi - yi;
        break;
      case 'mul':
        re[i] = xr * yr - xi * yi;
        im[i] = xr * yi + xi * yr;
        break;
      case 'div': {
        // Smith's algorithm: avoids overflow in |y|² for large y.
        if (Math.abs(yr) >= Math.abs(yi)) {
          const r = yi / yr;
          const d = yr + yi * r;
          re[i] = (xr + xi * r) / d;
          im[i] = (xi - xr * r) / d;
        } else {
          const r = yr / yi;
          const d = yr * r + yi;
          re[i] = (xr * r + xi) / d;
          im[i] = (xi * r - xr) / d;
        }
        break;
      }
    }
  }
  return new Tensor(shape, dtype, re, im);
}

/** Elementwise map of a real tensor (`f` on each entry); complex input needs `fc`. */
export function unaryRaw(
  x: Tensor,
  f: (v: number) => number,
  fc: ((re: number, im: number, out: [number, number]) => void) | undefined,
  name: string,
  outDType: DType = x.dtype,
): Tensor {
  const n = x.size;
  if (x.dtype !== 'complex128') {
    const out = allocData(outDType === 'complex128' ? 'float64' : outDType, n);
    const d = x.data;
    for (let i = 0; i < n; i++) out[i] = f(d[i]!);
    return new Tensor(x.shape, outDType === 'complex128' ? 'float64' : outDType, out);
  }
  if (!fc) throw new DTypeError(`${name}: complex input is not supported`);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const pair: [number, number] = [0, 0];
  const xr = x.data;
  const xi = x.im!;
  for (let i = 0; i < n; i++) {
    fc(xr[i]!, xi[i]!, pair);
    re[i] = pair[0];
    im[i] = pair[1];
  }
  if (outDType === 'complex128') return new Tensor(x.shape, 'complex128', re, im);
  return new Tensor(x.shape, 'float64', re);
}

/** Sums `x` over the axes along which `shape` was broadcast to `x.shape` (the transpose of broadcasting). */
export function sumToRaw(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  // shape must broadcast to x.shape
  const check = broadcastShapes(shape, x.shape, 'sumTo');
  if (!sameShape(check, x.shape)) {
    throw new ShapeError(`sumTo: shape [${shape.join(', ')}] does not broadcast to [${x.shape.join(', ')}]`);
  }
  const offsets = broadcastOffsets(shape, x.shape);
  const size = shapeSize(shape);
  const re = allocData(x.dtype, size);
  const im = x.im ? new Float64Array(size) : undefined;
  for (let i = 0; i < x.size; i++) {
    re[offsets[i]!]! += x.data[i]!;
    if (im) im[offsets[i]!]! += x.im![i]!;
  }
  return new Tensor(shape, x.dtype, re, im);
}

/** Broadcasts `x` to `shape` (copies). */
export function broadcastToRaw(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const check = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(check, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast shape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  }
  const offsets = broadcastOffsets(x.shape, shape);
  const size = shapeSize(shape);
  const re = allocData(x.dtype, size);
  const im = x.im ? new Float64Array(size) : undefined;
  for (let i = 0; i < size; i++) {
    re[i] = x.data[offsets[i]!]!;
    if (im) im[i] = x.im![offsets[i]!]!;
  }
  return new Tensor(shape, x.dtype, re, im);
}

/** Normalizes a possibly negative axis against `ndim`, with a ShapeError naming `op` when out of range. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimensions`);
  }
  return a;
}

/** Permutes the last two axes of a tensor (no conjugation unless `conjugate`). */
export function transposeRaw(x: Tensor, conjugate: boolean): Tensor {
  const nd = x.shape.length;
  if (nd < 2) {
    if (!conjugate || !x.im) return x;
    return new Tensor(x.shape, x.dtype, x.data, x.im.map((v) => -v));
  }
  const m = x.shape[nd - 2]!;
  const n = x.shape[nd - 1]!;
  const batch = x.size / (m * n) || 0;
  const shape = [...x.shape.slice(0, nd - 2), n, m];
  const re = allocData(x.dtype, x.size);
  const im = x.im ? new Float64Array(x.size) : undefined;
  const s = conjugate ? -1 : 1;
  for (let b = 0; b < batch; b++) {
    const off = b * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        re[off + j * m + i] = x.data[off + i * n + j]!;
        if (im) im[off + j * m + i] = s * x.im![off + i * n + j]!;
      }
    }
  }
  return new Tensor(shape, x.dtype, re, im);
}
