import { describe, expect, it } from 'vitest';
import { checkGrad, testFrule, testRrule } from '@ad/testing';
import { Tensor, abs, cos, exp, grad, log, pow, scale, sin, sqrt, square, sum, tanh, tensor, toArray } from '../../src/index.js';
import { complexTensor, forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('elementwise functions', () => {
  const everywhere = [['exp', exp], ['sin', sin], ['cos', cos], ['tanh', tanh], ['square', square]] as const;
  for (const [name, op] of everywhere) {
    it(`${name}: frule and rrule match finite differences on real and complex inputs`, () => {
      forAll(realTensor([5]), (x) => {
        ok(testRrule(op, [x]));
        ok(testFrule(op, [x]));
      });
      forAll(complexTensor([3], -1, 1), (z) => {
        ok(testRrule(op, [z]));
        ok(testFrule(op, [z]));
      }, 5);
    });
  }

  const positive = [['log', log], ['sqrt', sqrt]] as const;
  for (const [name, op] of positive) {
    it(`${name}: frule and rrule match finite differences on positive reals and off the branch cut`, () => {
      forAll(realTensor([5], 0.2, 3), (x) => {
        ok(testRrule(op, [x]));
        ok(testFrule(op, [x]));
      });
      forAll(complexTensor([3], 0.3, 2), (z) => {
        ok(testRrule(op, [z]));
        ok(testFrule(op, [z]));
      }, 5);
    });
  }

  it('pow: matches finite differences for integer, fractional and negative exponents', () => {
    for (const p of [2, 3, 0.5, -1.5]) {
      forAll(realTensor([4], 0.3, 2), (x) => {
        ok(testRrule(pow, [x, p]));
        ok(testFrule(pow, [x, p]));
      }, 5);
    }
    forAll(complexTensor([2], 0.3, 2), (z) => ok(testRrule(pow, [z, 2.5])), 4);
  });

  it('pow with exponent 0 has derivative exactly 0, also at x = 0', () => {
    expect(toArray(grad((x: Tensor) => sum(pow(x, 0)))(tensor([0, 2])) as Tensor)).toEqual([0, 0]);
  });

  it('abs: matches finite differences away from 0 and uses the minimum-norm subgradient 0 at 0', () => {
    forAll(realTensor([4], 0.1, 2), (x) => ok(testRrule(abs, [x])));
    forAll(complexTensor([3], 0.2, 2), (z) => {
      ok(testRrule(abs, [z]));
      ok(testFrule(abs, [z]));
    }, 5);
    expect(toArray(grad((x: Tensor) => sum(abs(x)))(tensor([-2, 0, 3])) as Tensor)).toEqual([-1, 0, 1]);
  });

  it('follows IEEE at the edges of the domain', () => {
    expect(toArray(log(tensor([0])))).toEqual([-Infinity]);
    expect(Number.isNaN((sqrt(tensor([-1])) as Tensor).data[0])).toBe(true);
  });

  it('second derivatives through every function match finite differences of the gradient', () => {
    const f = (x: Tensor) => sum(tanh(sin(mul2(exp(x)))));
    const mul2 = (t: Tensor) => square(t);
    ok(checkGrad(f, tensor([0.3, -0.2, 0.1]), { order: 2 }));
    ok(checkGrad((x: Tensor) => sum(log(sqrt(pow(x, 3)))), tensor([0.5, 1.5]), { order: 2 }));
  });
});

describe('non-tensor parameters', () => {
  it('pow and scale refuse an exponent or factor that is not a plain number, instead of returning NaN', () => {
    expect(() => pow(tensor([1, 2]), tensor(2) as unknown as number)).toThrow(/pow: p must be a plain number, got Tensor\(float64 \[\]\); for a tensor factor use mul/);
    expect(() => scale(tensor([1, 2]), '2' as unknown as number)).toThrow(/scale: c must be a plain number, got string/);
  });
});
