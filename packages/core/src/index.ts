/**
 * @ad/core — values, tangents, the rule interface, the tape and the transformations of @ad.
 *
 * @example
 * ```ts
 * import { grad, sum, square, tensor } from '@ad/core';
 * grad((x) => sum(square(x)))(tensor([1, 2, 3]));   // [2, 4, 6]
 * ```
 * @packageDocumentation
 */
export {
  AdError,
  AnomalyError,
  ConvergenceError,
  DTypeError,
  DegenerateEigenvaluesError,
  DomainError,
  GaugeDependenceError,
  NonFiniteInputError,
  NotPositiveDefiniteError,
  NotSymmetricError,
  RuleError,
  ShapeError,
} from './errors.js';
export {
  Tensor,
  asTensor,
  broadcastShapes,
  castTensor,
  epsOf,
  eye,
  fromMatrix,
  full,
  isTensorLike,
  ones,
  primalOf,
  promoteTypes,
  realDType,
  sameShape,
  scalar,
  shapeSize,
  tensor,
  toArray,
  toMatrix,
  zeros,
} from './tensor.js';
export type { DType, MatrixConstructor, MatrixLike, NestedArray, TensorLike, TensorOptions } from './tensor.js';
export { NoTangent, NoTangentType, Thunk, ZeroTangent, ZeroTangentType, isZeroTangent, thunk, unthunk } from './tangents.js';
export type { Tangent } from './tangents.js';
export { defineRule } from './rule.js';
export type { AnyRule, ArgStructure, Cotangent, DifferentiableFunction, Loosen, Pullback, RuleSpec, Tangents } from './rule.js';
export { project } from './project.js';
export type { Structure } from './project.js';
export { addTangents } from './accumulate.js';
export { ForwardTracer, ReverseTracer, Tracer } from './trace.js';
export { isTensorLeaf, treeLeaves, treeMap, treeMap2 } from './pytree.js';
export type { PyTree } from './pytree.js';
export {
  detectAnomaly,
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  ruleConfig,
  stopGradient,
  valueAndGrad,
  vjp,
} from './transforms.js';
export type { GradOptions, JacobianOptions } from './transforms.js';
export { add, div, mul, neg, scale, sub } from './ops/arithmetic.js';
export { abs, cos, exp, log, pow, sin, sqrt, square, tanh } from './ops/unary.js';
export { cast, complex, conj, imag, real } from './ops/complex.js';
export { adjoint, diag, diagm, dot, matmul, trace, transpose } from './ops/linalg.js';
export { max, mean, min, sum } from './ops/reduce.js';
export { broadcastTo, concat, concatN, reshape, slice, stack, sumTo, where, whereRule } from './ops/shape.js';
export { rules } from './rules.js';
