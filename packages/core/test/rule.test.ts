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
  hvp,
  jvp,
  matmul,
  ruleConfig,
  sin,
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

  it('accepts a thunked tangent for a structured output in the frule', () => {
    const both: DifferentiableFunction<[Tensor], [Tensor, Tensor]> = defineRule({
      name: 'test/both',
      structure: ['general'],
      primal: (a: Tensor) => [scale(a, 2), mul(a, a)],
      frule: ([a], [da]) => [both(a), thunk(() => [scale(da, 2), scale(mul(a, da), 2)])],
      rrule: (a: Tensor) => [both(a), (dy) => [add(scale(dy[0] as Tensor, 2), scale(mul(a, dy[1] as Tensor), 2))]],
    });
    const [, dy] = jvp((a: Tensor) => both(a), [tensor([3])], [tensor([1])]);
    expect((dy as Tensor[]).map((t) => toArray(t))).toEqual([[2], [6]]);
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

describe('ruleConfig: rules that differentiate a user-supplied function', () => {
  // map(f, x) applies a user function f; its rules call back into the AD for f's derivatives (ChainRulesCore's
  // rrule_via_ad / frule_via_ad), so nested transformations see through f.
  const mapFn: DifferentiableFunction<[Tensor, (x: Tensor) => Tensor], Tensor> = defineRule({
    name: 'test/map',
    structure: ['general', 'nondiff'],
    primal: (x: Tensor, f: (x: Tensor) => Tensor) => f(x),
    frule: ([x, f], [dx]) => ruleConfig.fruleViaAd(f, [x], [dx]) as [Tensor, Tensor],
    rrule: (x: Tensor, f: (x: Tensor) => Tensor) => {
      const [y, pullback] = ruleConfig.rruleViaAd(f, x);
      return [y, (dy) => [pullback(dy)[0] as Tensor, NoTangent]];
    },
  });
  const f = (x: Tensor) => mul(sin(x), x);

  it('gives the same gradient, jvp and Hessian-vector product as differentiating f directly', () => {
    const x = tensor([0.3, -1.1, 0.8]);
    const v = tensor([1, 0.5, -2]);
    const direct = (t: Tensor) => sum(f(t));
    const viaRule = (t: Tensor) => sum(mapFn(t, f));
    expect(toArray(grad(viaRule)(x) as Tensor)).toEqual(toArray(grad(direct)(x) as Tensor));
    expect(toArray(jvp(viaRule, [x], [v])[1] as Tensor)).toEqual(toArray(jvp(direct, [x], [v])[1] as Tensor));
    const h1 = hvp(viaRule, x, v);
    const h2 = hvp(direct, x, v);
    for (let i = 0; i < 3; i++) expect(h1.data[i]!).toBeCloseTo(h2.data[i]!, 14);
  });
});

describe('zero tangents in frules', () => {
  it('gives zero-filled tensors for unperturbed arguments by default and ZeroTangent when the rule opts in', () => {
    const seen: unknown[] = [];
    const spy = (mode: 'zeros' | 'structural') => {
      const r: DifferentiableFunction<[Tensor, Tensor], Tensor> = defineRule({
        name: `test/spy-${mode}`,
        structure: ['general', 'general'],
        zeroTangents: mode,
        primal: (a: Tensor, b: Tensor) => add(a, b),
        frule: ([a, b], [da, db]) => {
          seen.push(db);
          return [r(a, b), da];
        },
        rrule: (a: Tensor, b: Tensor) => [r(a, b), (dy) => [dy, dy]],
      });
      return r;
    };
    const b = tensor([5, 6]);
    jvp((a: Tensor) => spy('zeros')(a, b), [tensor([1, 2])], [tensor([1, 1])]);
    jvp((a: Tensor) => spy('structural')(a, b), [tensor([1, 2])], [tensor([1, 1])]);
    expect(seen[0]).toBeInstanceOf(Tensor);
    expect(toArray(seen[0] as Tensor)).toEqual([0, 0]);
    expect(seen[1]).toBe(ZeroTangent);
  });
});
