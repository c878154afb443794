import { describe, expect, it } from 'vitest';
import {
  type DifferentiableFunction,
  NoTangent,
  add,
  RuleError,
  ShapeError,
  Tensor,
  ZeroTangent,
  defineRule,
  grad,
  jvp,
  matmul,
  mul,
  scale,
  sum,
  tensor,
  thunk,
  toArray,
  transpose,
  vjp,
} from '../src/index.js';

describe('defineRule', () => {
  // A rule that calls itself needs its type spelled out (TypeScript cannot infer a self-referencing initializer).
  const cube: DifferentiableFunction<[Tensor], Tensor> = defineRule({
    name: 'test/cube',
    structure: ['general'],
    primal: (x: Tensor) => mul(x, mul(x, x)),
    frule: ([x], [dx]) => [cube(x), mul(scale(mul(x, x), 3), dx)],
    rrule: (x: Tensor) => [cube(x), (dy) => [mul(dy, scale(mul(x, x), 3))]],
  });

  it('returns a function that carries its rule and runs the primal when nothing is traced', () => {
    expect(cube.rule.name).toBe('test/cube');
    expect(cube.ruleName).toBe('test/cube');
    expect(toArray(cube(tensor([2])))).toEqual([8]);
  });

  it('runs the rrule under grad and the frule under jvp', () => {
    expect(toArray(grad((x: Tensor) => sum(cube(x)))(tensor([1, 2])) as Tensor)).toEqual([3, 12]);
    expect(toArray(jvp(cube, [tensor([2])], [tensor([1])])[1] as Tensor)).toEqual([12]);
  });

  it('raises RuleError naming the rule when a pullback returns the wrong number of cotangents', () => {
    const bad = defineRule({
      name: 'test/bad-count',
      primal: (x: Tensor) => x,
      frule: ([x], [dx]) => [x, dx],
      rrule: (x: Tensor) => [x, (dy) => [dy, NoTangent]],
    });
    expect(() => grad((x: Tensor) => sum(bad(x)))(tensor([1]))).toThrow(RuleError);
    expect(() => grad((x: Tensor) => sum(bad(x)))(tensor([1]))).toThrow(/test\/bad-count: pullback returned 2 cotangents, expected exactly 1/);
  });

  it('raises ShapeError when a pullback returns a cotangent of the wrong shape', () => {
    const bad = defineRule({
      name: 'test/bad-shape',
      primal: (x: Tensor) => x,
      frule: ([x], [dx]) => [x, dx],
      rrule: (x: Tensor) => [x, () => [tensor([1, 2, 3])]],
    });
    expect(() => grad((x: Tensor) => sum(bad(x)))(tensor([1, 2]))).toThrow(/test\/bad-shape: pullback returned a cotangent of shape \[3\] for argument 0 of shape \[2\]/);
  });

  it('projects cotangents of symmetric arguments onto symmetric matrices', () => {
    const upper: DifferentiableFunction<[Tensor], Tensor> = defineRule({
      name: 'test/upper',
      structure: ['symmetric'],
      primal: (A: Tensor) => sum(mul(A, tensor([[0, 1], [0, 0]]))),
      frule: ([A], [dA]) => [upper(A), sum(mul(dA, tensor([[0, 1], [0, 0]])))],
      rrule: (A: Tensor) => [upper(A), (dy) => [mul(dy, tensor([[0, 1], [0, 0]]))]],
    });
    expect(toArray(grad(upper)(tensor([[1, 2], [2, 1]])) as Tensor)).toEqual([[0, 0.5], [0.5, 0]]);
  });

  it('gives pullbacks ZeroTangent for unused output fields and never forces unused thunks', () => {
    let seen: unknown;
    let forced = false;
    const pair: DifferentiableFunction<[Tensor, Tensor], { first: Tensor; second: Tensor }> = defineRule({
      name: 'test/pair',
      structure: ['general', 'general'],
      primal: (a: Tensor, b: Tensor) => ({ first: a, second: mul(a, b) }),
      frule: ([a, b], [da, db]) => [pair(a, b), { first: da, second: add(mul(da, b), mul(a, db)) }],
      rrule: (a: Tensor, b: Tensor) => [
        pair(a, b),
        (dy) => {
          seen = dy.second;
          return [dy.first, thunk(() => ((forced = true), tensor([0])))];
        },
      ],
    });
    const g = grad((a: Tensor) => sum(pair(a, tensor([5])).first))(tensor([1]));
    expect(toArray(g as Tensor)).toEqual([1]);
    expect(seen).toBe(ZeroTangent);
    expect(forced).toBe(false);
  });
});

describe('vjp pullback', () => {
  it('can be called several times and checks the cotangent shape', () => {
    const A = tensor([[1, 2], [3, 4]]);
    const [y, pullback] = vjp((x: Tensor) => matmul(A, x), tensor([1, 1]));
    expect(toArray(y)).toEqual([3, 7]);
    expect(toArray(pullback(tensor([1, 0]))[0] as Tensor)).toEqual([1, 2]);
    expect(toArray(pullback(tensor([0, 1]))[0] as Tensor)).toEqual([3, 4]);
    expect(() => pullback(tensor([1, 0, 0]))).toThrow(ShapeError);
    expect(toArray(transpose(A))).toEqual([[1, 3], [2, 4]]);
  });
});
