import { describe, expect, it } from 'vitest';
import { testFrule, testRrule } from '@ad/testing';
import { ShapeError, Tensor, grad, jvp, max, mean, min, sum, tensor, toArray, zeros } from '../../src/index.js';
import { complexTensor, distinctTensor, forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('reductions', () => {
  it('sum and mean match finite differences over all entries and along each axis (negative too)', () => {
    forAll(realTensor([2, 3, 2]), (x) => {
      for (const axis of [undefined, 0, 1, -1]) {
        ok(testRrule(sum, [x, axis]));
        ok(testFrule(sum, [x, axis]));
        ok(testRrule(mean, [x, axis]));
      }
    }, 4);
    forAll(complexTensor([2, 2]), (z) => ok(testRrule(sum, [z, 1])), 3);
  });

  it('max and min match finite differences at points without ties', () => {
    forAll(distinctTensor([3, 4]), (x) => {
      for (const axis of [undefined, 0, -1]) {
        ok(testRrule(max, [x, axis]));
        ok(testRrule(min, [x, axis]));
        ok(testFrule(max, [x, axis]));
      }
    }, 4);
  });

  it('max shares the cotangent equally among ties (reverse) and averages tangents (forward)', () => {
    expect(toArray(grad((x: Tensor) => max(x))(tensor([1, 3, 3])) as Tensor)).toEqual([0, 0.5, 0.5]);
    expect(toArray(grad((x: Tensor) => sum(min(x, 1)))(tensor([[2, 2], [1, 5]])) as Tensor)).toEqual([[0.5, 0.5], [1, 0]]);
    expect(toArray(jvp((x: Tensor) => max(x), [tensor([3, 3])], [tensor([1, 0])])[1] as Tensor)).toBe(0.5);
  });

  it('sum of everything gives a 0-d tensor and sum along an axis removes it', () => {
    expect(sum(tensor([[1, 2], [3, 4]])).shape).toEqual([]);
    expect(toArray(sum(tensor([[1, 2], [3, 4]]), 0))).toEqual([4, 6]);
    expect(toArray(mean(tensor([[1, 2], [3, 4]]), -1))).toEqual([1.5, 3.5]);
    expect(() => sum(tensor([1]), 3)).toThrow(/axis 3 is out of range/);
  });

  it('max and min of an empty axis are a ShapeError naming the axis and shape', () => {
    expect(() => max(tensor([]))).toThrow(ShapeError);
    expect(() => min(zeros([2, 0]), 1)).toThrow(/min: an empty axis 1 has no min \(shape \[2, 0\]\)/);
    expect(toArray(sum(zeros([2, 0]), 1))).toEqual([0, 0]);
  });
});
