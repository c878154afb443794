/**
 * Pytree plumbing on raw arrays (no AD): flattening outputs to real vectors (each complex leaf as its real block then
 * its imaginary block, so a flat dot product is Re Σ conj(a)·b), rebuilding them, aligned traversal of a tangent tree
 * against its primal, perturbation x + t·ẋ in float64, and snapshots for mutation checks. Internal.
 * @module
 */
import { Tensor, Thunk, isZeroTangent, sameShape, unthunk, type Tangent } from '@ad/core';
import { Structured } from '../structure.js';

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || x instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** One tensor leaf of a flattened tree. */
export interface LeafLayout {
  /** Path like `values`, `[1].vectors`, or '' for a bare tensor. */
  readonly path: string;
  readonly shape: readonly number[];
  readonly complex: boolean;
  readonly dtype: Tensor['dtype'];
  /** Offset of the leaf's real block in the flat vector (its imaginary block follows at offset + size). */
  readonly offset: number;
  readonly size: number;
}

/** The layout of a tree's tensor leaves (numbers count as a scalar leaf only when the whole tree is a number). */
export interface Layout {
  readonly leaves: readonly LeafLayout[];
  readonly length: number;
}

function joinPath(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** Visits the Tensor leaves of a tree in a fixed depth-first order. */
export function visitTensors(tree: unknown, fn: (t: Tensor, path: string) => void, path = ''): void {
  if (tree instanceof Tensor) fn(tree, path);
  else if (tree instanceof Structured) fn(tree.value, path);
  else if (Array.isArray(tree)) tree.forEach((v, i) => visitTensors(v, fn, joinPath(path, i)));
  else if (isPlainObject(tree)) for (const k of Object.keys(tree)) visitTensors(tree[k], fn, joinPath(path, k));
}

/** True when the tree holds at least one Tensor. */
export function hasTensor(tree: unknown): boolean {
  let found = false;
  visitTensors(tree, () => {
    found = true;
  });
  return found;
}

export function layoutOf(tree: unknown): Layout {
  if (typeof tree === 'number') return { leaves: [{ path: '', shape: [], complex: false, dtype: 'float64', offset: 0, size: 1 }], length: 1 };
  const leaves: LeafLayout[] = [];
  let offset = 0;
  visitTensors(tree, (t, path) => {
    const complex = t.dtype === 'complex128';
    leaves.push({ path, shape: t.shape, complex, dtype: t.dtype, offset, size: t.size });
    offset += complex ? 2 * t.size : t.size;
  });
  return { leaves, length: offset };
}

/** Flattens a tree's Tensor leaves (or a bare number) into one Float64Array following `layoutOf(tree)`. */
export function flatten(tree: unknown): Float64Array {
  if (typeof tree === 'number') return Float64Array.of(tree);
  const lay = layoutOf(tree);
  const out = new Float64Array(lay.length);
  let k = 0;
  visitTensors(tree, (t) => {
    const leaf = lay.leaves[k++]!;
    out.set(t.data, leaf.offset);
    if (leaf.complex) out.set(t.im!, leaf.offset + leaf.size);
  });
  return out;
}

/**
 * Flattens a tangent tree against the layout of its primal: tensor leaves are read where the primal has tensors;
 * ZeroTangent/NoTangent/undefined give zeros; thunks are forced. Returns also the type mismatches found.
 */
export function flattenLike(primal: unknown, tangent: unknown): { flat: Float64Array; issues: string[] } {
  const lay = layoutOf(primal);
  const out = new Float64Array(lay.length);
  const issues: string[] = [];
  if (typeof primal === 'number') {
    const t = tangent instanceof Thunk ? unthunk(tangent as Tangent) : tangent;
    if (t instanceof Tensor) out[0] = t.data[0] ?? 0;
    else if (typeof t === 'number') out[0] = t;
    return { flat: out, issues };
  }
  let k = 0;
  const walk = (p: unknown, t: unknown, path: string): void => {
    if (t instanceof Thunk) t = unthunk(t as Tangent);
    if (p instanceof Tensor || p instanceof Structured) {
      const pt = p instanceof Structured ? p.value : p;
      const leaf = lay.leaves[k++]!;
      if (t === undefined || isZeroTangent(t)) return;
      if (!(t instanceof Tensor)) {
        issues.push(`${path || 'output'}: expected a Tensor (or ZeroTangent), got ${describe(t)}`);
        return;
      }
      if (!sameShape(t.shape, pt.shape)) {
        issues.push(`${path || 'output'}: shape [${t.shape.join(', ')}] but the primal has shape [${pt.shape.join(', ')}]`);
        return;
      }
      out.set(t.data, leaf.offset);
      if (leaf.complex && t.im) out.set(t.im, leaf.offset + leaf.size);
      return;
    }
    if (Array.isArray(p)) {
      const ta = Array.isArray(t) ? t : undefined;
      if (t !== undefined && !isZeroTangent(t) && ta === undefined) issues.push(`${path || 'output'}: expected an array of tangents, got ${describe(t)}`);
      p.forEach((v, i) => walk(v, ta?.[i], joinPath(path, i)));
      return;
    }
    if (isPlainObject(p)) {
      const to = isPlainObject(t) ? t : undefined;
      if (t !== undefined && !isZeroTangent(t) && to === undefined) issues.push(`${path || 'output'}: expected an object of tangents, got ${describe(t)}`);
      for (const key of Object.keys(p)) walk(p[key], to?.[key], joinPath(path, key));
    }
  };
  walk(primal, tangent, '');
  return { flat: out, issues };
}

export function describe(t: unknown): string {
  if (t instanceof Tensor) return `Tensor(${t.dtype} [${t.shape.join(', ')}])`;
  if (t === null || t === undefined) return String(t);
  if (Array.isArray(t)) return `an array of ${t.length}`;
  if (typeof t === 'object') return (t as object).constructor?.name ?? 'object';
  return `${typeof t} ${String(t)}`;
}

/** Rebuilds a tree shaped like `template` from a flat vector (float64 / complex128 leaves). */
export function unflatten(template: unknown, flat: Float64Array): unknown {
  if (typeof template === 'number') return flat[0];
  const lay = layoutOf(template);
  let k = 0;
  const build = (p: unknown): unknown => {
    if (p instanceof Tensor || p instanceof Structured) {
      const leaf = lay.leaves[k++]!;
      const re = flat.slice(leaf.offset, leaf.offset + leaf.size);
      const im = leaf.complex ? flat.slice(leaf.offset + leaf.size, leaf.offset + 2 * leaf.size) : undefined;
      return new Tensor(leaf.shape, leaf.complex ? 'complex128' : 'float64', re, im);
    }
    if (Array.isArray(p)) return p.map(build);
    if (isPlainObject(p)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(p)) out[key] = build(p[key]);
      return out;
    }
    return p;
  };
  return build(template);
}

/** Human-readable name of flat entry `i` of a layout: `values[2]`, `vectors[1, 0] (imag)`. */
export function entryName(layout: Layout, i: number): string {
  for (const leaf of layout.leaves) {
    const len = leaf.complex ? 2 * leaf.size : leaf.size;
    if (i < leaf.offset || i >= leaf.offset + len) continue;
    const r = i - leaf.offset;
    const imag = r >= leaf.size;
    const idx = multiIndex(leaf.shape, imag ? r - leaf.size : r);
    return `${leaf.path}[${idx.join(', ')}]${imag ? ' (imag)' : leaf.complex ? ' (real)' : ''}`;
  }
  return `[${i}]`;
}

/** Multi-index of a flat index in a shape. */
export function multiIndex(shape: readonly number[], flat: number): number[] {
  const idx: number[] = [];
  let r = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(r % shape[d]!);
    r = Math.floor(r / shape[d]!);
  }
  return idx;
}

/** x + t·v in float64 (complex128 when either is complex). */
export function axpy(x: Tensor, t: number, v: Tensor | undefined): Tensor {
  const complex = x.dtype === 'complex128' || v?.dtype === 'complex128';
  const re = Float64Array.from(x.data);
  const im = complex ? (x.im ? Float64Array.from(x.im) : new Float64Array(x.size)) : undefined;
  if (v !== undefined && t !== 0) {
    for (let i = 0; i < re.length; i++) re[i] = re[i]! + t * v.data[i]!;
    if (im && v.im) for (let i = 0; i < im.length; i++) im[i] = im[i]! + t * v.im[i]!;
  }
  return new Tensor(x.shape, complex ? 'complex128' : 'float64', re, im);
}

/** A float64 (or complex128) copy of a tensor. */
export function toFloat64(x: Tensor): Tensor {
  return axpy(x, 0, undefined);
}

/** A deep copy of every Tensor leaf's storage, to detect mutation. */
export interface Snapshot {
  readonly tensors: readonly Tensor[];
  readonly copies: readonly { data: Float64Array | Float32Array; im: Float64Array | undefined }[];
  readonly paths: readonly string[];
}

export function snapshot(tree: unknown): Snapshot {
  const tensors: Tensor[] = [];
  const copies: Snapshot['copies'][number][] = [];
  const paths: string[] = [];
  visitTensors(tree, (t, path) => {
    tensors.push(t);
    copies.push({ data: t.data.slice(), im: t.im?.slice() });
    paths.push(path);
  });
  return { tensors, copies, paths };
}

/** The first mutated leaf of a snapshot: its path and the first changed flat index, or undefined. */
export function findMutation(s: Snapshot): { path: string; index: number; before: number; after: number } | undefined {
  for (let k = 0; k < s.tensors.length; k++) {
    const t = s.tensors[k]!;
    const c = s.copies[k]!;
    for (let i = 0; i < c.data.length; i++) {
      if (!Object.is(c.data[i], t.data[i])) return { path: s.paths[k]!, index: i, before: c.data[i]!, after: t.data[i]! };
    }
    if (c.im && t.im) {
      for (let i = 0; i < c.im.length; i++) {
        if (!Object.is(c.im[i], t.im[i])) return { path: `${s.paths[k]!} (imag)`, index: i, before: c.im[i]!, after: t.im[i]! };
      }
    }
  }
  return undefined;
}

/** The largest |entry| (real or imaginary part) over the Tensor leaves of a tree: the scale of a tangent. */
export function maxAbsTree(tree: unknown): number {
  let m = 0;
  visitTensors(tree, (t) => {
    for (let i = 0; i < t.size; i++) m = Math.max(m, Math.abs(t.data[i]!), Math.abs(t.im?.[i] ?? 0));
  });
  return m;
}

export function dotFlat(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Σ |a_i b_i|: the scale of a dot product (what its rounding error is relative to). */
export function absDotFlat(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
}
