/**
 * The value type of @ad: a dense, row-major n-d array of float64, float32 or complex128 numbers.
 * Shapes are `[...batch, rows, cols]` for matrices, `[n]` for vectors and `[]` for scalars. Complex tensors keep real
 * and imaginary parts in two Float64Arrays (`data` and `im`). Tensors are never mutated by @ad.
 * @module
 */
import { Matrix } from 'ml-matrix';
import { DTypeError, ShapeError } from './errors.js';

/** The element types `@ad` knows. float32 exists for real tensors only; complex is complex128. */
export type DType = 'float64' | 'float32' | 'complex128';

/** Nested arrays of numbers (a real tensor) or of `[re, im]` pairs (a complex one, with `{ dtype: 'complex128' }`). */
export type NestedArray = number | readonly NestedArray[];

/** The part of ml-matrix's `Matrix` that `@ad` reads: anything with rows, columns and `get(i, j)`. */
export interface MatrixLike {
  readonly rows: number;
  readonly columns: number;
  get(row: number, column: number): number;
}

/** What every `@ad` function accepts where it wants a tensor: a Tensor, a number, nested arrays or an ml-matrix Matrix. */
export type TensorLike = Tensor | number | readonly NestedArray[] | MatrixLike;

/** A dense row-major tensor. Create one with {@link tensor}, {@link scalar}, {@link zeros}, {@link eye}. */
export class Tensor {
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Row-major values (the real part, for complex tensors). */
  readonly data: Float64Array | Float32Array;
  /** Imaginary parts (complex128 only). */
  readonly im: Float64Array | undefined;

  constructor(shape: readonly number[], dtype: DType, data: Float64Array | Float32Array, im?: Float64Array, trusted = false) {
    if (trusted) {
      // Internal fast path (tracers wrapping an existing tensor): shape is already frozen and validated.
      this.shape = shape;
      this.dtype = dtype;
      this.data = data;
      this.im = im;
      return;
    }
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new ShapeError(`Tensor: data has ${data.length} entries but shape [${shape.join(', ')}] needs ${size}`);
    }
    if (dtype === 'complex128' && (im === undefined || im.length !== size)) {
      throw new ShapeError(`Tensor: a complex128 tensor of shape [${shape.join(', ')}] needs ${size} imaginary parts`);
    }
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.dtype = dtype;
    this.data = data;
    this.im = dtype === 'complex128' ? im : undefined;
  }

  /** Number of entries. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True for complex128 tensors. */
  get isComplex(): boolean {
    return this.dtype === 'complex128';
  }

  /** A short description, e.g. `Tensor(float64 [2, 3])`. */
  toString(): string {
    return `Tensor(${this.dtype} [${this.shape.join(', ')}])`;
  }

  /** How Node's console.log shows a tensor: its description and values (6 significant digits, one row per line). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.toString()} ${formatValues(toArray(this), 0)}`;
  }
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(6)).toString();
}

function formatValues(v: NestedArray | [number, number], depth: number): string {
  if (typeof v === 'number') return formatNumber(v);
  const parts = v as readonly (NestedArray | [number, number])[];
  if (parts.length === 2 && typeof parts[0] === 'number' && typeof parts[1] === 'number' && depth > 0 && isComplexLeaf(v)) {
    const im = parts[1] as number;
    return `${formatNumber(parts[0] as number)}${im < 0 ? '-' : '+'}${formatNumber(Math.abs(im))}i`;
  }
  const inner = parts.map((p) => formatValues(p, depth + 1));
  const nested = parts.some((p) => Array.isArray(p) && !isComplexLeaf(p));
  return nested ? `[\n${inner.map((s) => ' '.repeat(depth + 1) + s).join(',\n')}\n${' '.repeat(depth)}]` : `[${inner.join(', ')}]`;
}

const complexLeaves = new WeakSet<object>();
function isComplexLeaf(v: unknown): boolean {
  return typeof v === 'object' && v !== null && complexLeaves.has(v);
}

/** Product of the dimensions of `shape` (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`invalid dimension ${d} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** Options of {@link tensor}. */
export interface TensorOptions {
  shape?: readonly number[];
  dtype?: DType;
}

function isMatrixLike(x: unknown): x is MatrixLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof Tensor) &&
    typeof (x as MatrixLike).get === 'function' &&
    typeof (x as MatrixLike).rows === 'number' &&
    typeof (x as MatrixLike).columns === 'number'
  );
}

/** True when `x` can be turned into a Tensor by {@link asTensor}. */
export function isTensorLike(x: unknown): x is TensorLike {
  if (x instanceof Tensor || typeof x === 'number' || isMatrixLike(x)) return true;
  if (!Array.isArray(x)) return false;
  let leaf: unknown = x;
  while (Array.isArray(leaf)) {
    if (leaf.length === 0) return true;
    leaf = leaf[0];
  }
  return typeof leaf === 'number';
}

function inferShape(nested: unknown, complex: boolean): number[] {
  const shape: number[] = [];
  let cur: unknown = nested;
  while (Array.isArray(cur)) {
    if (complex && cur.length === 2 && typeof cur[0] === 'number' && typeof cur[1] === 'number' && shape.length > 0) {
      // a [re, im] leaf of a complex tensor: but only if every sibling is a pair too (checked when filling)
      break;
    }
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/**
 * Creates a tensor from nested arrays, a typed array (with a shape) or an ml-matrix Matrix.
 * `tensor(nested)` is always real; pass `{ dtype: 'complex128' }` with `[re, im]` leaves for a complex tensor.
 *
 * @example
 * ```ts
 * const A = tensor([[2, 1], [1, 3]]);                                // float64 [2, 2]
 * const z = tensor([[1, 0], [0, 1]], { dtype: 'complex128' });       // complex128 [2]: 1, i
 * const x = tensor(new Float32Array([1, 2, 3]), [3]);               // float32 [3]
 * ```
 */
export function tensor(
  values: readonly NestedArray[] | number | Float64Array | Float32Array | MatrixLike | Tensor,
  shapeOrOptions?: readonly number[] | TensorOptions,
): Tensor {
  const opts: TensorOptions = Array.isArray(shapeOrOptions)
    ? { shape: shapeOrOptions as readonly number[] }
    : ((shapeOrOptions as TensorOptions | undefined) ?? {});
  if (values instanceof Tensor) {
    return opts.dtype === undefined || opts.dtype === values.dtype ? values : castTensor(values, opts.dtype);
  }
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const shape = opts.shape ?? [values.length];
    const dtype = opts.dtype ?? (values instanceof Float32Array ? 'float32' : 'float64');
    if (dtype === 'complex128') throw new DTypeError('tensor: build complex tensors from nested [re, im] leaves or complex(re, im)');
    const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    return new Tensor(shape, dtype, data);
  }
  if (typeof values === 'number') {
    return scalar(values, opts.dtype === 'float32' ? 'float32' : 'float64');
  }
  if (isMatrixLike(values)) {
    const t = fromMatrix(values);
    return opts.dtype ? castTensor(t, opts.dtype) : t;
  }
  const dtype = opts.dtype ?? 'float64';
  const complex = dtype === 'complex128';
  const shape = inferShape(values, complex);
  const size = shapeSize(shape);
  const re = new Float64Array(size);
  const im = complex ? new Float64Array(size) : undefined;
  let k = 0;
  const fill = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (complex) {
        if (Array.isArray(node) && node.length === 2 && typeof node[0] === 'number' && typeof node[1] === 'number') {
          re[k] = node[0];
          im![k] = node[1];
        } else if (typeof node === 'number') {
          re[k] = node;
        } else {
          throw new ShapeError(`tensor: expected a number or [re, im] at ${path}, got ${JSON.stringify(node)}`);
        }
      } else {
        if (typeof node !== 'number') {
          throw new ShapeError(
            `tensor: expected a number at ${path}, got ${JSON.stringify(node)}` +
              (Array.isArray(node) ? ' (ragged nested array; for complex entries pass { dtype: "complex128" })' : ''),
          );
        }
        re[k] = node;
      }
      k++;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new ShapeError(
        `tensor: ragged nested array: expected ${shape[depth]} entries at ${path}, got ${Array.isArray(node) ? node.length : typeof node}`,
      );
    }
    for (let i = 0; i < node.length; i++) fill(node[i], depth + 1, `${path}[${i}]`);
  };
  fill(values, 0, 'value');
  const finalShape = opts.shape ?? shape;
  if (shapeSize(finalShape) !== size) {
    throw new ShapeError(`tensor: ${size} values do not fit shape [${finalShape.join(', ')}]`);
  }
  if (dtype === 'float32') return new Tensor(finalShape, 'float32', Float32Array.from(re));
  return new Tensor(finalShape, dtype, re, im);
}

const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

/** A 0-d tensor holding `x`. */
export function scalar(x: number, dtype: 'float64' | 'float32' = 'float64'): Tensor {
  return new Tensor(SCALAR_SHAPE, dtype, dtype === 'float32' ? Float32Array.of(x) : Float64Array.of(x));
}

/** Allocates a typed array of the storage type of `dtype`. */
export function allocData(dtype: DType, size: number): Float64Array | Float32Array {
  return dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  const size = shapeSize(shape);
  return new Tensor(shape, dtype, allocData(dtype, size), dtype === 'complex128' ? new Float64Array(size) : undefined);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float64'): Tensor {
  const t = zeros(shape, dtype);
  t.data.fill(value);
  return t;
}

/** A tensor of ones. */
export function ones(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return full(shape, 1, dtype);
}

/** The n×n identity (or n×m with ones on the main diagonal). */
export function eye(n: number, m: number = n, dtype: DType = 'float64'): Tensor {
  const t = zeros([n, m], dtype);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Converts a real tensor to another dtype (complex → real is refused: use `real`). Returns `t` itself when equal. */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  if (dtype === 'complex128') {
    return new Tensor(t.shape, 'complex128', Float64Array.from(t.data), t.im ? Float64Array.from(t.im) : new Float64Array(t.size));
  }
  if (t.dtype === 'complex128') {
    throw new DTypeError(`cannot cast a complex128 tensor to ${dtype}; take real(x) or abs(x) first`);
  }
  return new Tensor(t.shape, dtype, dtype === 'float32' ? Float32Array.from(t.data) : Float64Array.from(t.data));
}

/** Converts any {@link TensorLike} to a Tensor (Tensors are returned as they are). */
export function asTensor(x: TensorLike | unknown, what = 'argument'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalar(x);
  if (isMatrixLike(x)) return fromMatrix(x);
  if (Array.isArray(x) && isTensorLike(x)) return tensor(x as readonly NestedArray[]);
  throw new ShapeError(`${what}: expected a Tensor, a number, nested arrays of numbers or a Matrix, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array (${JSON.stringify(x).slice(0, 60)})`;
  if (typeof x === 'object') return `an object of type ${(x as object).constructor?.name ?? 'Object'}`;
  return `${typeof x} ${String(x)}`;
}

/**
 * Nested arrays of the tensor's values; a 0-d tensor gives a plain number, complex entries are `[re, im]`.
 * A traced value gives its primal value.
 */
export function toArray(t: TensorLike): NestedArray | [number, number] {
  const x = primalOf(asTensor(t));
  const build = (depth: number, offset: number): NestedArray | [number, number] => {
    if (depth === x.shape.length) {
      if (!x.im) return x.data[offset]!;
      const pair: [number, number] = [x.data[offset]!, x.im[offset]!];
      complexLeaves.add(pair);
      return pair;
    }
    let stride = 1;
    for (let d = depth + 1; d < x.shape.length; d++) stride *= x.shape[d]!;
    const out: (NestedArray | [number, number])[] = [];
    for (let i = 0; i < x.shape[depth]!; i++) out.push(build(depth + 1, offset + i * stride));
    return out as NestedArray;
  };
  return build(0, 0);
}

/** Builds a float64 [rows, columns] tensor from an ml-matrix `Matrix` (or anything with rows/columns/get). */
export function fromMatrix(m: MatrixLike): Tensor {
  const data = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) data[i * m.columns + j] = m.get(i, j);
  return new Tensor([m.rows, m.columns], 'float64', data);
}

/** Any constructor of ml-matrix's Matrix shape: `new M(rows, columns)` with `set(i, j, v)`. */
export interface MatrixConstructor<M> {
  new (rows: number, columns: number): M;
}

/**
 * Converts a real 2-d tensor (or a traced one: its primal) to an ml-matrix `Matrix`. Pass another `Matrix` class
 * (from your own ml-matrix copy) as the second argument if `instanceof` checks must agree with it.
 *
 * @example
 * ```ts
 * const m = toMatrix(tensor([[1, 2], [3, 4]]));   // Matrix 2×2
 * ```
 */
export function toMatrix<M extends { set(i: number, j: number, v: number): unknown } = Matrix>(
  t: TensorLike,
  MatrixClass: MatrixConstructor<M> = Matrix as unknown as MatrixConstructor<M>,
): M {
  const x = primalOf(asTensor(t));
  if (x.shape.length !== 2) throw new ShapeError(`toMatrix: expected a 2-d tensor, got shape [${x.shape.join(', ')}]`);
  if (x.im) throw new DTypeError('toMatrix: ml-matrix matrices are real; got a complex128 tensor');
  const [r, c] = x.shape as [number, number];
  const m = new MatrixClass(r, c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) m.set(i, j, x.data[i * c + j]!);
  return m;
}

/**
 * Resolves a traced value to the concrete tensor at the bottom of its tracers. Tracers subclass Tensor and share their
 * primal's storage, so this only strips the wrapper objects.
 */
export function primalOf(t: Tensor): Tensor {
  let cur: Tensor = t;
  while ((cur as { primal?: Tensor }).primal !== undefined) cur = (cur as unknown as { primal: Tensor }).primal;
  return cur;
}

/** dtype promotion: real with complex → complex; float32 with float64 → float64. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'complex128' || b === 'complex128') return 'complex128';
  return 'float64';
}

/** The real dtype underlying `dtype` (complex128 → float64). */
export function realDType(dtype: DType): 'float64' | 'float32' {
  return dtype === 'float32' ? 'float32' : 'float64';
}

/** Machine epsilon of the dtype's real type. */
export function epsOf(dtype: DType): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** NumPy broadcasting of two shapes; throws ShapeError naming the operation when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
