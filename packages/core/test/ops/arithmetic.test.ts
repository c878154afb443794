import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testFrule, testRrule } from '@ad/testing';
import { Tensor, add, div, mul, neg, scale, sub, tensor, toArray } from '../../src/index.js';
import { complexTensor, forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('elementwise arithmetic rules', () => {
  for (const [name, op] of [['add', add], ['sub', sub], ['mul', mul], ['div', div]] as const) {
    it(`${name}: frule and rrule match finite differences on random real inputs, with broadcasting`, () => {
      forAll(fc.tuple(realTensor([2, 3]), realTensor([3], 0.5, 2)), ([a, b]) => {
        ok(testRrule(op, [a, b]));
        ok(testFrule(op, [a, b]));
      });
    });

    it(`${name}: frule and rrule match finite differences on complex inputs`, () => {
      forAll(fc.tuple(complexTensor([2, 2]), complexTensor([2, 2], 0.5, 2)), ([a, b]) => {
        ok(testRrule(op, [a, b]));
        ok(testFrule(op, [a, b]));
      }, 6);
    });
  }

  it('mixes real and complex arguments, projecting the real argument’s cotangent to real', () => {
    forAll(fc.tuple(realTensor([3]), complexTensor([3], 0.5, 2)), ([a, b]) => {
      ok(testRrule(mul, [a, b]));
      ok(testRrule(div, [a, b]));
    }, 6);
  });

  it('neg and scale match finite differences', () => {
    forAll(realTensor([4]), (x) => {
      ok(testRrule(neg, [x]));
      ok(testFrule(scale, [x, -1.5]));
      ok(testRrule(scale, [x, -1.5]));
    });
  });

  it('plain numbers take the tensor’s dtype', () => {
    const x32 = tensor(new Float32Array([1, 2]), [2]);
    expect(mul(x32, 2).dtype).toBe('float32');
    expect(toArray(add(1, tensor([1, 2])))).toEqual([2, 3]);
  });

  it('divides by zero the IEEE way', () => {
    expect(toArray(div(tensor([1, -1, 0]), 0))).toEqual([Infinity, -Infinity, NaN]);
  });

  it('float32 rules are checked against float64 finite differences at float32 tolerances', () => {
    const a = tensor(new Float32Array([0.5, -1.25, 2]), [3]);
    const b = tensor(new Float32Array([1.5, 0.75, -0.5]), [3]);
    ok(testRrule(mul, [a, b]));
    ok(testFrule(div, [a, b]));
    const g: Tensor = mul(a, b);
    expect(g.dtype).toBe('float32');
  });
});
