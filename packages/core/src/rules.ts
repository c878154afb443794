/**
 * The list of the core's rules, for the conformance suite (`runConformance(rules)` in @ad/testing).
 * @module
 */
import type { AnyRule } from './rule.js';
import { add, div, mul, neg, scale, sub } from './ops/arithmetic.js';
import { abs, cos, exp, log, pow, sin, sqrt, square, tanh } from './ops/unary.js';
import { cast, complex, conj, imag, real } from './ops/complex.js';
import { adjoint, diag, diagm, dot, matmul, trace, transpose } from './ops/linalg.js';
import { max, mean, min, sum } from './ops/reduce.js';
import { broadcastTo, concatN, reshape, slice, sumTo, whereRule } from './ops/shape.js';

/** Every rule of @ad/core. */
export const rules: readonly AnyRule[] = [
  add, sub, mul, div, neg, scale,
  exp, log, sqrt, pow, abs, square, sin, cos, tanh,
  real, imag, conj, complex, cast,
  matmul, transpose, adjoint, trace, dot, diag, diagm,
  sum, mean, max, min,
  reshape, slice, concatN, broadcastTo, sumTo, whereRule,
];
