import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testFrule, testRrule } from '@ad/testing';
import { ShapeError, adjoint, diag, diagm, dot, matmul, tensor, toArray, trace, transpose } from '../../src/index.js';
import { complexTensor, forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('matmul', () => {
  const cases: [number[], number[]][] = [
    [[3, 4], [4, 2]],
    [[3, 4], [4]],
    [[4], [4, 2]],
    [[2, 3, 4], [4, 5]],
    [[2, 1, 3, 4], [3, 4, 2]],
  ];
  for (const [sa, sb] of cases) {
    it(`frule and rrule match finite differences for [${sa}] · [${sb}]`, () => {
      forAll(fc.tuple(realTensor(sa), realTensor(sb)), ([a, b]) => {
        ok(testRrule(matmul, [a, b]));
        ok(testFrule(matmul, [a, b]));
      }, 4);
    });
  }

  it('frule and rrule match finite differences for complex matrices', () => {
    forAll(fc.tuple(complexTensor([2, 3]), complexTensor([3, 2])), ([a, b]) => {
      ok(testRrule(matmul, [a, b]));
      ok(testFrule(matmul, [a, b]));
    }, 4);
  });

  it('computes products with NumPy semantics and explains mismatched shapes', () => {
    expect(toArray(matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])))).toEqual([3, 7]);
    expect(toArray(matmul(tensor([1, 1]), tensor([[1, 2], [3, 4]])))).toEqual([4, 6]);
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/inner dimensions differ/);
  });
});

describe('transpose, adjoint, trace, dot, diag, diagm', () => {
  it('match finite differences on random inputs (batched where it applies)', () => {
    forAll(realTensor([2, 3, 3]), (x) => {
      for (const op of [transpose, adjoint, trace, diag]) {
        ok(testRrule(op, [x]));
        ok(testFrule(op, [x]));
      }
    }, 4);
    forAll(realTensor([2, 4]), (v) => {
      ok(testRrule(diagm, [v]));
      ok(testRrule(diag, [diagm(v)]));
    }, 4);
    forAll(realTensor([3, 2]), (x) => ok(testRrule(diag, [x])), 3);
    forAll(fc.tuple(realTensor([5]), realTensor([5])), ([a, b]) => {
      ok(testRrule(dot, [a, b]));
      ok(testFrule(dot, [a, b]));
    }, 4);
  });

  it('adjoint conjugates and transposes; complex rules match finite differences', () => {
    forAll(complexTensor([2, 3]), (z) => {
      ok(testRrule(adjoint, [z]));
      ok(testRrule(transpose, [z]));
    }, 4);
    const z = tensor([[[1, 2], [3, 4]]], { dtype: 'complex128' });
    expect(toArray(adjoint(z))).toEqual([[[1, -2]], [[3, -4]]]);
  });

  it('trace refuses non-square matrices', () => {
    expect(() => trace(tensor([[1, 2, 3]]))).toThrow(/square/);
  });
});
