import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixSignPhase, fixSignPhaseComplex, pivotIndex, pivotIndexComplex } from '../src/phase.js';

describe('pivotIndex', () => {
  it('picks the entry of largest magnitude', () => {
    expect(pivotIndex(new Float64Array([0.1, -0.9, 0.3]), 0, 3)).toBe(1);
  });

  it('breaks ties within a relative 1e-8 towards the lowest index', () => {
    expect(pivotIndex(new Float64Array([0.2, 0.7, -0.7 * (1 + 5e-9)]), 0, 3)).toBe(1);
    expect(pivotIndex(new Float64Array([0.2, 0.7, -0.7 * (1 + 2e-8)]), 0, 3)).toBe(2);
  });

  it('returns −1 for a zero vector and honours the offset', () => {
    expect(pivotIndex(new Float64Array(4), 0, 4)).toBe(-1);
    expect(pivotIndex(new Float64Array([9, 0, 1, -2]), 1, 3)).toBe(2);
  });

  it('compares complex entries by modulus', () => {
    expect(pivotIndexComplex(new Float64Array([0.6, 0]), new Float64Array([0, 0.8]), 0, 2)).toBe(1);
    expect(pivotIndexComplex(new Float64Array([0.6, 0.8]), new Float64Array([0.8, 0.6]), 0, 2)).toBe(0);
  });
});

describe('fixSignPhase', () => {
  it('negates exactly the columns whose pivot is negative', () => {
    const V = new Float64Array([0.6, -0.8, 0.8, 0.6, 0, 0]);
    fixSignPhase(V, 2, 3);
    expect(Array.from(V)).toEqual([-0.6, 0.8, 0.8, 0.6, 0, 0]);
  });

  it('makes v and −v land on the same vector', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }), (xs) => {
        const a = Float64Array.from(xs);
        const b = a.map((x) => -x);
        fixSignPhase(a, xs.length, 1);
        fixSignPhase(b, xs.length, 1);
        expect(Array.from(b).map((x) => x + 0)).toEqual(Array.from(a).map((x) => x + 0));
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('fixSignPhaseComplex', () => {
  it('rotates the pivot onto the positive real axis', () => {
    const re = new Float64Array([0, 0.6]);
    const im = new Float64Array([0.8, 0]);
    fixSignPhaseComplex(re, im, 2, 1);
    expect(re[0]).toBe(0.8);
    expect(im[0]).toBe(0);
    expect(re[1]).toBeCloseTo(0, 15);
    expect(im[1]).toBeCloseTo(-0.6, 15);
  });

  it('makes e^{iθ}·v land on the same vector for any phase θ, preserving the norm', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        (zs, theta) => {
          const n = zs.length;
          const norm = Math.hypot(...zs.flat());
          fc.pre(norm > 1e-3);
          const ar = Float64Array.from(zs, (z) => z[0]);
          const ai = Float64Array.from(zs, (z) => z[1]);
          const c = Math.cos(theta);
          const s = Math.sin(theta);
          const br = Float64Array.from(zs, (z) => c * z[0] - s * z[1]);
          const bi = Float64Array.from(zs, (z) => s * z[0] + c * z[1]);
          fixSignPhaseComplex(ar, ai, n, 1);
          fixSignPhaseComplex(br, bi, n, 1);
          for (let i = 0; i < n; i++) {
            expect(Math.abs(ar[i]! - br[i]!)).toBeLessThan(1e-14);
            expect(Math.abs(ai[i]! - bi[i]!)).toBeLessThan(1e-14);
          }
          expect(Math.hypot(...ar, ...ai)).toBeCloseTo(norm, 14);
        },
      ),
      { seed: 8, numRuns: 200 },
    );
  });

  it('leaves a column whose pivot is already real and positive untouched, bit for bit', () => {
    const re = new Float64Array([0.3, 0.9]);
    const im = new Float64Array([0.1, 0]);
    fixSignPhaseComplex(re, im, 2, 1);
    expect(Array.from(re)).toEqual([0.3, 0.9]);
    expect(Array.from(im)).toEqual([0.1, 0]);
  });
});
