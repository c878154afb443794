/**
 * Elementwise functions: `exp`, `log`, `sqrt`, `pow`, `abs`, `square`, `sin`, `cos`, `tanh`, real or complex.
 * IEEE semantics (log(0) = −Inf, sqrt(−1) = NaN for real input). For holomorphic f the pullback is ȳ · conj(f′(x));
 * the derivatives are written with core ops so they differentiate again.
 * @module
 */
import { Tensor } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule, type DifferentiableFunction } from '../rule.js';
import { conjIfComplex, type Op1, requireNumber } from './util.js';
import { NoTangent } from '../tangents.js';
import { unaryRaw } from './raw.js';
import { div, mul, neg, scale, sub } from './arithmetic.js';
import { complex, conj, real } from './complex.js';
import { where } from './shape.js';

type C = [number, number];

function cexp(r: number, i: number, o: C): void {
  const e = Math.exp(r);
  o[0] = i === 0 ? e : e * Math.cos(i);
  o[1] = i === 0 ? 0 : e * Math.sin(i);
}
function clog(r: number, i: number, o: C): void {
  o[0] = Math.log(Math.hypot(r, i));
  o[1] = Math.atan2(i, r);
}
function csqrt(r: number, i: number, o: C): void {
  // principal branch, computed without cancellation
  const m = Math.hypot(r, i);
  if (m === 0) {
    o[0] = 0;
    o[1] = 0;
    return;
  }
  const t = Math.sqrt((m + Math.abs(r)) / 2);
  if (r >= 0) {
    o[0] = t;
    o[1] = i / (2 * t);
  } else {
    o[0] = Math.abs(i) / (2 * t);
    o[1] = i >= 0 ? t : -t;
  }
}

/**
 * eˣ elementwise. Derivative ẏ = y ẋ; pullback x̄ = ȳ conj(y).
 * @example
 * ```ts
 * exp(tensor([0, 1]));   // [1, 2.718…]
 * ```
 */
export const exp: Op1 = defineRule({
  name: '@ad/core/exp',
  samples: coreSamples('exp'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.exp, cexp, 'exp'),
  frule: ([x], [dx]) => {
    const y = exp(x);
    return [y, mul(y, dx)];
  },
  rrule: (x: Tensor) => {
    const y = exp(x);
    return [y, (dy) => [mul(dy, conjIfComplex(y))]];
  },
});

/**
 * Natural logarithm (principal branch for complex input; log(0) = −Inf). Derivative ẋ/x; pullback ȳ/conj(x).
 * @example
 * ```ts
 * log(tensor([1, Math.E]));   // [0, 1]
 * ```
 */
export const log: Op1 = defineRule({
  name: '@ad/core/log',
  samples: coreSamples('log'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.log, clog, 'log'),
  frule: ([x], [dx]) => [log(x), div(dx, x)],
  rrule: (x: Tensor) => [log(x), (dy) => [div(dy, conjIfComplex(x))]],
});

/**
 * Square root (principal branch). Derivative ẋ/(2y); pullback ȳ/(2 conj(y)).
 * @example
 * ```ts
 * sqrt(tensor([4, 9]));   // [2, 3]
 * ```
 */
export const sqrt: Op1 = defineRule({
  name: '@ad/core/sqrt',
  samples: coreSamples('sqrt'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.sqrt, csqrt, 'sqrt'),
  frule: ([x], [dx]) => {
    const y = sqrt(x);
    return [y, div(dx, scale(y, 2))];
  },
  rrule: (x: Tensor) => {
    const y = sqrt(x);
    return [y, (dy) => [div(dy, scale(conjIfComplex(y), 2))]];
  },
});

/**
 * x² elementwise. Derivative 2x ẋ; pullback 2 ȳ conj(x).
 * @example
 * ```ts
 * square(tensor([-2, 3]));   // [4, 9]
 * ```
 */
export const square: Op1 = defineRule({
  name: '@ad/core/square',
  samples: coreSamples('square'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, (v) => v * v, (r, i, o) => ((o[0] = r * r - i * i), (o[1] = 2 * r * i)), 'square'),
  frule: ([x], [dx]) => [square(x), scale(mul(x, dx), 2)],
  rrule: (x: Tensor) => [square(x), (dy) => [scale(mul(dy, conjIfComplex(x)), 2)]],
});

function powReal(p: number): (v: number) => number {
  return (v) => Math.pow(v, p);
}
function powComplex(p: number): (r: number, i: number, o: C) => void {
  return (r, i, o) => {
    if (r === 0 && i === 0) {
      o[0] = p === 0 ? 1 : p > 0 ? 0 : Infinity;
      o[1] = 0;
      return;
    }
    clog(r, i, o);
    cexp(p * o[0], p * o[1], o);
  };
}

/**
 * x^p for a plain real exponent p (not differentiated). Derivative p x^(p−1) ẋ (exactly zero for p = 0);
 * pullback ȳ conj(p x^(p−1)). Real negative x with non-integer p gives NaN (IEEE), as Math.pow does.
 * @example
 * ```ts
 * pow(tensor([2, 3]), 2);   // [4, 9]
 * ```
 */
export const pow: DifferentiableFunction<[Tensor, number], Tensor> = defineRule({
  name: '@ad/core/pow',
  samples: coreSamples('pow'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, p: number) => {
    requireNumber(p, 'pow', 'p');
    return unaryRaw(x, powReal(p), powComplex(p), 'pow');
  },
  frule: ([x, p], [dx]) => [pow(x, p), p === 0 ? scale(dx, 0) : mul(scale(pow(x, p - 1), p), dx)],
  rrule: (x: Tensor, p: number) => [
    pow(x, p),
    (dy) => [p === 0 ? scale(dy, 0) : mul(dy, conjIfComplex(scale(pow(x, p - 1), p))), NoTangent],
  ],
});

const signOf = (x: Tensor): Tensor => unaryRaw(x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), undefined, 'sign');

/**
 * |x| elementwise (the modulus for complex input, giving a real tensor). Derivative: sign(x) ẋ for real x,
 * Re(conj(z) ż)/|z| for complex z; at 0 the minimum-norm subgradient 0 is used.
 * @example
 * ```ts
 * abs(tensor([-2, 3]));   // [2, 3]
 * ```
 */
export const abs: Op1 = defineRule({
  name: '@ad/core/abs',
  samples: coreSamples('abs'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.abs, (r, i, o) => ((o[0] = Math.hypot(r, i)), (o[1] = 0)), 'abs', x.dtype === 'complex128' ? 'float64' : x.dtype),
  frule: ([x], [dx]) => {
    const y = abs(x);
    if (!x.isComplex) return [y, mul(signOf(x), dx)];
    return [y, real(mul(phaseOf(x, y, true), dx))];
  },
  rrule: (x: Tensor) => {
    const y = abs(x);
    return [y, (dy) => [x.isComplex ? mul(dy, phaseOf(x, y, false)) : mul(dy, signOf(x))]];
  },
});

/** z/|z| (or its conjugate), with 0 where z = 0 (the minimum-norm subgradient of |z| there). */
function phaseOf(z: Tensor, modulus: Tensor, conjugate: boolean): Tensor {
  const safe = where(modulus, modulus, 1);
  const ph = div(z, complex(safe, scale(safe, 0)));
  return where(modulus, conjugate ? conj(ph) : ph, 0);
}

function csin(r: number, i: number, o: C): void {
  o[0] = Math.sin(r) * Math.cosh(i);
  o[1] = Math.cos(r) * Math.sinh(i);
}
function ccos(r: number, i: number, o: C): void {
  o[0] = Math.cos(r) * Math.cosh(i);
  o[1] = -Math.sin(r) * Math.sinh(i);
}
function ctanh(r: number, i: number, o: C): void {
  const d = Math.cosh(2 * r) + Math.cos(2 * i);
  if (!Number.isFinite(d)) {
    o[0] = Math.sign(r);
    o[1] = 0;
    return;
  }
  o[0] = Math.sinh(2 * r) / d;
  o[1] = Math.sin(2 * i) / d;
}

/**
 * sin x. Derivative cos(x) ẋ; pullback ȳ conj(cos x).
 * @example
 * ```ts
 * sin(tensor([0]));   // [0]
 * ```
 */
export const sin: Op1 = defineRule({
  name: '@ad/core/sin',
  samples: coreSamples('sin'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.sin, csin, 'sin'),
  frule: ([x], [dx]) => [sin(x), mul(cos(x), dx)],
  rrule: (x: Tensor) => [sin(x), (dy) => [mul(dy, conjIfComplex(cos(x)))]],
});

/**
 * cos x. Derivative −sin(x) ẋ; pullback −ȳ conj(sin x).
 * @example
 * ```ts
 * cos(tensor([0]));   // [1]
 * ```
 */
export const cos: Op1 = defineRule({
  name: '@ad/core/cos',
  samples: coreSamples('cos'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.cos, ccos, 'cos'),
  frule: ([x], [dx]) => [cos(x), neg(mul(sin(x), dx))],
  rrule: (x: Tensor) => [cos(x), (dy) => [neg(mul(dy, conjIfComplex(sin(x))))]],
});

/**
 * tanh x. Derivative (1 − y²) ẋ; pullback ȳ conj(1 − y²).
 * @example
 * ```ts
 * tanh(tensor([0]));   // [0]
 * ```
 */
export const tanh: Op1 = defineRule({
  name: '@ad/core/tanh',
  samples: coreSamples('tanh'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, Math.tanh, ctanh, 'tanh'),
  frule: ([x], [dx]) => {
    const y = tanh(x);
    return [y, mul(sub(1, mul(y, y)), dx)];
  },
  rrule: (x: Tensor) => {
    const y = tanh(x);
    return [y, (dy) => [mul(dy, conjIfComplex(sub(1, mul(y, y))))]];
  },
});

