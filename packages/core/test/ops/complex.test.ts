import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { testFrule, testRrule } from '@ad/testing';
import { cast, complex, conj, imag, real, tensor, toArray } from '../../src/index.js';
import { complexTensor, forAll, realTensor } from '../helpers.js';

const ok = (report: { ok: boolean; failures: unknown[] }): void => {
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('complex ops', () => {
  it('real, imag and conj match finite differences on complex input', () => {
    forAll(complexTensor([3]), (z) => {
      for (const op of [real, imag, conj]) {
        ok(testRrule(op, [z]));
        ok(testFrule(op, [z]));
      }
    }, 6);
  });

  it('complex(re, im) matches finite differences, with broadcasting', () => {
    forAll(fc.tuple(realTensor([2, 2]), realTensor([2])), ([re, im]) => {
      ok(testRrule(complex, [re, im]));
      ok(testFrule(complex, [re, im]));
    }, 6);
  });

  it('cast between float32, float64 and complex128 matches finite differences', () => {
    forAll(realTensor([3]), (x) => {
      ok(testRrule(cast, [x, 'complex128']));
      ok(testRrule(cast, [x, 'float32']));
    }, 4);
  });

  it('real of a real tensor is the tensor, imag of it zeros, conj of it the tensor', () => {
    const x = tensor([1, 2]);
    expect(real(x)).toBe(x);
    expect(toArray(imag(x))).toEqual([0, 0]);
    expect(conj(x)).toBe(x);
    expect(toArray(conj(complex(tensor([1]), tensor([2]))))).toEqual([[1, -2]]);
  });
});
