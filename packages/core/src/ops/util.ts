/**
 * Small helpers shared by the op files: weakly typed scalar arguments and unwrapping of tensor-likes.
 * @module
 */
import { DTypeError } from '../errors.js';
import { Tensor, realDType, sameShape, scalar, type TensorLike } from '../tensor.js';
import { sumTo } from './shape.js';
import { conj } from './complex.js';
import type { DifferentiableFunction, RuleSpec } from '../rule.js';

/** A binary op that also accepts plain numbers, which take the other operand's dtype. */
export interface BinaryOp extends DifferentiableFunction<[Tensor, Tensor], Tensor> {
  (a: TensorLike, b: TensorLike): Tensor;
}

/**
 * Wraps a two-tensor rule so that a plain number takes the other operand's (real) dtype — `mul(x32, 2)` stays
 * float32 — as DESIGN.md asks. The wrapper carries the rule, so the harness tests it like any other.
 */
export function weakScalars(rule: DifferentiableFunction<[Tensor, Tensor], Tensor>): BinaryOp {
  const f = function (a: TensorLike, b: TensorLike): Tensor {
    const ta = typeof a === 'number' ? scalar(a, b instanceof Tensor ? realDType(b.dtype) : 'float64') : a;
    const tb = typeof b === 'number' ? scalar(b, a instanceof Tensor ? realDType(a.dtype) : 'float64') : b;
    return rule(ta, tb);
  } as BinaryOp;
  Object.defineProperty(f, 'rule', { value: rule.rule as RuleSpec<[Tensor, Tensor], Tensor>, enumerable: true });
  Object.defineProperty(f, 'ruleName', { value: rule.ruleName, enumerable: true });
  Object.defineProperty(f, 'name', { value: rule.name });
  return f;
}

/** A one-tensor op. */
export type Op1 = DifferentiableFunction<[Tensor], Tensor>;
/** A two-tensor op. */
export type Op2 = DifferentiableFunction<[Tensor, Tensor], Tensor>;

/** sumTo(t, shape), skipped when t already has that shape (the common case of no broadcasting). */
export function unbroadcast(t: Tensor, shape: readonly number[]): Tensor {
  return sameShape(t.shape, shape) ? t : sumTo(t, shape);
}

/** conj(t) for complex t; real tensors are their own conjugate, so no op is recorded. */
export function conjIfComplex(t: Tensor): Tensor {
  return t.dtype === 'complex128' ? conj(t) : t;
}

/** Throws DTypeError unless `value` is a plain number (a scale factor or an exponent is not a tensor). */
export function requireNumber(value: unknown, op: string, name: string): void {
  if (typeof value !== 'number') {
    throw new DTypeError(`${op}: ${name} must be a plain number, got ${value instanceof Tensor ? value.toString() : typeof value}; for a tensor factor use mul`);
  }
}
