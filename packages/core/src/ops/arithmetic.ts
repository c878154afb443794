/**
 * Elementwise arithmetic with NumPy broadcasting and dtype promotion: `add`, `sub`, `mul`, `div`, `neg`, `scale`.
 *
 * Complex convention (MATH.md): a cotangent is X̄ = ∂L/∂Re X + i ∂L/∂Im X, so for a holomorphic y = f(x) the pullback
 * is x̄ = ȳ · conj(f′(x)). Broadcast arguments get their cotangents summed back to their own shape (`sumTo`).
 * @module
 */
import { Tensor } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule, type DifferentiableFunction } from '../rule.js';
import type { Op1, Op2 } from './util.js';
import { NoTangent, thunk } from '../tangents.js';
import { binaryRaw, unaryRaw } from './raw.js';
import { conjIfComplex, requireNumber, unbroadcast, weakScalars } from './util.js';

const addRule: Op2 = defineRule({
  name: '@ad/core/add',
  samples: coreSamples('add'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => binaryRaw('add', a, b, 'add'),
  frule: ([a, b], [da, db]) => [add(a, b), add(da, db)],
  rrule: (a: Tensor, b: Tensor) => [add(a, b), (dy) => [unbroadcast(dy, a.shape), unbroadcast(dy, b.shape)]],
});

/**
 * a + b elementwise, with broadcasting. Derivative: ḋ = ȧ + ḃ; pullback ā = sumTo(ȳ), b̄ = sumTo(ȳ).
 * @example
 * ```ts
 * add(tensor([1, 2]), 1);   // [2, 3]
 * ```
 */
export const add = weakScalars(addRule);

const subRule: Op2 = defineRule({
  name: '@ad/core/sub',
  samples: coreSamples('sub'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => binaryRaw('sub', a, b, 'sub'),
  frule: ([a, b], [da, db]) => [sub(a, b), sub(da, db)],
  rrule: (a: Tensor, b: Tensor) => [sub(a, b), (dy) => [unbroadcast(dy, a.shape), thunk(() => unbroadcast(neg(dy), b.shape))]],
});

/**
 * a − b elementwise, with broadcasting. Pullback ā = sumTo(ȳ), b̄ = −sumTo(ȳ).
 * @example
 * ```ts
 * sub(tensor([3, 4]), tensor([1, 1]));   // [2, 3]
 * ```
 */
export const sub = weakScalars(subRule);

const mulRule: Op2 = defineRule({
  name: '@ad/core/mul',
  samples: coreSamples('mul'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => binaryRaw('mul', a, b, 'mul'),
  frule: ([a, b], [da, db]) => [mul(a, b), add(mul(da, b), mul(a, db))],
  rrule: (a: Tensor, b: Tensor) => [
    mul(a, b),
    // Thunks: the cotangent of an argument that is not being differentiated (a constant factor) is never computed.
    (dy) => [thunk(() => unbroadcast(mul(dy, conjIfComplex(b)), a.shape)), thunk(() => unbroadcast(mul(dy, conjIfComplex(a)), b.shape))],
  ],
});

/**
 * a ∘ b elementwise (Hadamard), with broadcasting. Derivative: ẏ = ȧ b + a ḃ; pullback ā = sumTo(ȳ ∘ conj(b)).
 * @example
 * ```ts
 * mul(tensor([1, 2]), tensor([3, 4]));   // [3, 8]
 * ```
 */
export const mul = weakScalars(mulRule);

const divRule: Op2 = defineRule({
  name: '@ad/core/div',
  samples: coreSamples('div'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => binaryRaw('div', a, b, 'div'),
  frule: ([a, b], [da, db]) => {
    const y = div(a, b);
    return [y, div(sub(da, mul(y, db)), b)];
  },
  rrule: (a: Tensor, b: Tensor) => {
    const y = div(a, b);
    return [
      y,
      (dy) => {
        const abar = div(dy, conjIfComplex(b));
        return [unbroadcast(abar, a.shape), thunk(() => unbroadcast(neg(mul(abar, conjIfComplex(y))), b.shape))];
      },
    ];
  },
});

/**
 * a / b elementwise, with broadcasting (IEEE: x/0 = ±Inf). Derivative: ẏ = (ȧ − y ḃ)/b; pullback ā = ȳ/conj(b),
 * b̄ = −ā ∘ conj(y).
 * @example
 * ```ts
 * div(tensor([1, 2]), 2);   // [0.5, 1]
 * ```
 */
export const div = weakScalars(divRule);

/**
 * −x. Derivative −ẋ; pullback −ȳ.
 * @example
 * ```ts
 * neg(tensor([1, -2]));   // [-1, 2]
 * ```
 */
export const neg: Op1 = defineRule({
  name: '@ad/core/neg',
  samples: coreSamples('neg'),
  structure: ['general'],
  primal: (x: Tensor) => unaryRaw(x, (v) => -v, (r, i, o) => ((o[0] = -r), (o[1] = -i)), 'neg'),
  frule: ([x], [dx]) => [neg(x), neg(dx)],
  rrule: (x: Tensor) => [neg(x), (dy) => [neg(dy)]],
});

/**
 * c · x for a plain real number c (not differentiated; keeps x's dtype). Derivative c ẋ; pullback c ȳ.
 * @example
 * ```ts
 * scale(tensor([1, 2]), 3);   // [3, 6]
 * ```
 */
export const scale: DifferentiableFunction<[Tensor, number], Tensor> = defineRule({
  name: '@ad/core/scale',
  samples: coreSamples('scale'),
  structure: ['general', 'nondiff'],
  primal: (x: Tensor, c: number) => {
    requireNumber(c, 'scale', 'c');
    return unaryRaw(x, (v) => c * v, (r, i, o) => ((o[0] = c * r), (o[1] = c * i)), 'scale');
  },
  frule: ([x, c], [dx]) => [scale(x, c), scale(dx, c)],
  rrule: (x: Tensor, c: number) => [scale(x, c), (dy) => [scale(dy, c), NoTangent]],
});
