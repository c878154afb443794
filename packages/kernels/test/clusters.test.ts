import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { degeneracyTolerance, findClusters } from '../src/clusters.js';

describe('degeneracyTolerance', () => {
  it('gives ε^0.6 and ε^0.4 of float64 (4e-10, 5.5e-7), also for complex128', () => {
    for (const dtype of ['float64', 'complex128'] as const) {
      const { atol, rtol } = degeneracyTolerance(dtype);
      expect(atol).toBeCloseTo(4.03e-10, 11);
      expect(rtol).toBeCloseTo(5.48e-7, 8);
    }
  });

  it('gives ε^0.6 and ε^0.4 of float32', () => {
    const { atol, rtol } = degeneracyTolerance('float32');
    expect(atol).toBeCloseTo(Math.pow(2 ** -23, 0.6), 15);
    expect(rtol).toBeCloseTo(Math.pow(2 ** -23, 0.4), 15);
    expect(atol).toBeGreaterThan(6e-5);
    expect(rtol).toBeGreaterThan(1e-3);
  });
});

describe('findClusters', () => {
  it('returns every run, singletons included, in order', () => {
    expect(findClusters([1, 2, 2 + 1e-12, 3])).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 3 },
      { start: 3, end: 4 },
    ]);
  });

  it('returns nothing for no values and one singleton for one value', () => {
    expect(findClusters([])).toEqual([]);
    expect(findClusters(new Float64Array([5]))).toEqual([{ start: 0, end: 1 }]);
  });

  it('uses the gap threshold atol + rtol·max|λ| inclusively', () => {
    // threshold = 0.1 + 0.01·10 = 0.2
    const tol = { atol: 0.1, rtol: 0.01 };
    expect(findClusters([0, 0.2, 10], tol)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
    ]);
    expect(findClusters([0, 0.2 + 1e-9, 10], tol)).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ]);
  });

  it('scales the relative part with the largest magnitude, negative values included', () => {
    // max|λ| = 1e6 → threshold ≈ 0.55: a gap of 0.3 joins, at either end of the spectrum.
    expect(findClusters([-1e6, -1e6 + 0.3, 0, 1, 1.3])).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 5 },
    ]);
  });

  it('chains small gaps into one maximal run', () => {
    const tol = { atol: 1, rtol: 0 };
    expect(findClusters([0, 0.9, 1.8, 2.7, 5], tol)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 5 },
    ]);
  });

  it('accepts descending values (singular values)', () => {
    expect(findClusters([3, 2 + 1e-12, 2, 1], {})).toEqual([
      { start: 0, end: 1 },
      { start: 1, end: 3 },
      { start: 3, end: 4 },
    ]);
  });

  it('keeps exactly repeated values together under a zero tolerance', () => {
    expect(findClusters([1, 1, 2], { atol: 0, rtol: 0 })).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
    ]);
  });

  it('rejects unsorted values, NaN and invalid tolerances', () => {
    expect(() => findClusters([1, 3, 2])).toThrow(RangeError);
    expect(() => findClusters([1, Number.NaN])).toThrow(RangeError);
    expect(() => findClusters([1, 2], { atol: -1 })).toThrow(RangeError);
    expect(() => findClusters([1, 2], { rtol: Number.NaN })).toThrow(RangeError);
  });

  it('partitions [0, n) into runs whose inner gaps are small and whose boundary gaps are large', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (xs, atol, rtol) => {
          const v = xs.slice().sort((a, b) => a - b);
          const clusters = findClusters(v, { atol, rtol });
          const thr = atol + rtol * Math.max(0, ...v.map(Math.abs));
          let next = 0;
          for (const { start, end } of clusters) {
            expect(start).toBe(next);
            expect(end).toBeGreaterThan(start);
            for (let i = start + 1; i < end; i++) expect(v[i]! - v[i - 1]!).toBeLessThanOrEqual(thr);
            if (start > 0) expect(v[start]! - v[start - 1]!).toBeGreaterThan(thr);
            next = end;
          }
          expect(next).toBe(v.length);
        },
      ),
      { seed: 9, numRuns: 300 },
    );
  });
});
