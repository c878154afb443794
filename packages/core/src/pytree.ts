/**
 * Pytrees: arguments and outputs of transformations may be nested arrays and plain objects whose leaves are tensors.
 * A leaf is a Tensor, a number, an ml-matrix Matrix, or an array whose innermost entries are numbers (a tensor
 * written as nested arrays). Anything else that is not an array or plain object (strings, booleans, null, functions)
 * is a static leaf, passed through untouched.
 * @module
 */
import { Tensor, isTensorLike } from './tensor.js';

/** A nested structure of arrays and plain objects. */
export type PyTree = unknown;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || x instanceof Tensor) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for a tensor leaf (Tensor, number, nested numeric array, Matrix). */
export function isTensorLeaf(x: unknown): boolean {
  return isTensorLike(x);
}

/** Maps `fn` over the tensor leaves of `tree`, keeping its structure; static leaves are copied as they are. */
export function treeMap(tree: PyTree, fn: (leaf: unknown, path: string) => unknown, path = ''): PyTree {
  if (isTensorLeaf(tree)) return fn(tree, path);
  if (Array.isArray(tree)) return tree.map((t, i) => treeMap(t, fn, `${path}[${i}]`));
  if (isPlainObject(tree)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) out[k] = treeMap(tree[k], fn, path ? `${path}.${k}` : k);
    return out;
  }
  return tree;
}

/** Maps `fn` over corresponding tensor leaves of two trees of the same structure (the first one leads). */
export function treeMap2(a: PyTree, b: PyTree, fn: (x: unknown, y: unknown, path: string) => unknown, path = ''): PyTree {
  if (isTensorLeaf(a)) return fn(a, b, path);
  if (Array.isArray(a)) {
    const bb = Array.isArray(b) ? b : [];
    return a.map((t, i) => treeMap2(t, bb[i], fn, `${path}[${i}]`));
  }
  if (isPlainObject(a)) {
    const bb = isPlainObject(b) ? b : {};
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(a)) out[k] = treeMap2(a[k], bb[k], fn, path ? `${path}.${k}` : k);
    return out;
  }
  return a;
}

/** The tensor leaves of a tree, in a fixed depth-first order. */
export function treeLeaves(tree: PyTree): unknown[] {
  const out: unknown[] = [];
  treeMap(tree, (leaf) => {
    out.push(leaf);
    return leaf;
  });
  return out;
}
