import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testFrule, testRrule } from '@ad/testing';
import { Tensor, broadcastTo, concat, concatN, grad, reshape, slice, stack, sum, sumTo, tensor, toArray, where, whereRule, mul } from '../../src/index.js';
import { forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('shape ops', () => {
  it('reshape, slice, broadcastTo and sumTo match finite differences', () => {
    forAll(realTensor([2, 3]), (x) => {
      ok(testRrule(reshape, [x, [3, -1]]));
      ok(testFrule(reshape, [x, [6]]));
      ok(testRrule(slice, [x, [0, 1], [2, 3]]));
      ok(testFrule(slice, [x, [1], [2]]));
      ok(testRrule(broadcastTo, [x, [4, 2, 3]]));
      ok(testRrule(sumTo, [x, [1, 3]]));
    }, 4);
  });

  it('concat and stack match finite differences and place entries in order', () => {
    forAll(fc.tuple(realTensor([2, 2]), realTensor([1, 2])), ([a, b]) => {
      ok(testRrule(concatN, [0, a, b]));
      ok(testFrule(concatN, [-2, a, b]));
    }, 4);
    expect(toArray(concat([tensor([1, 2]), tensor([3])]))).toEqual([1, 2, 3]);
    expect(toArray(stack([tensor([1, 2]), tensor([3, 4])], 1))).toEqual([[1, 3], [2, 4]]);
    const g = grad((x: Tensor) => sum(mul(stack([x, x]), tensor([[1, 2], [3, 4]]))))(tensor([0, 0]));
    expect(toArray(g as Tensor)).toEqual([4, 6]);
  });

  it('where chooses elementwise, accepts booleans and matches finite differences', () => {
    forAll(fc.tuple(realTensor([3]), realTensor([3])), ([a, b]) => {
      ok(testRrule(whereRule, [tensor([1, 0, 1]), a, b]));
      ok(testFrule(whereRule, [tensor([0, 1, 1]), a, b]));
    }, 4);
    expect(toArray(where([true, false], tensor([1, 2]), tensor([3, 4])))).toEqual([1, 4]);
  });

  it('reports shapes that do not fit', () => {
    expect(() => concat([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(/does not match/);
    expect(() => broadcastTo(tensor([1, 2]), [3])).toThrow(/do not broadcast \(axis 0: 2 vs 3\)/);
  });
});
