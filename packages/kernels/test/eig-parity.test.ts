import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready, setBackend, wasmCallCount, wasmStatus } from '../src/backend.js';
import { EIG_CROSSOVER, eigGeneral, type EigGeneralResult } from '../src/eig.js';
import { EPS, isOrdered, maxResidual, normLowerBound, phaseViolations, randomMatrix, realWithSpectrum } from './eig-helpers.js';

beforeAll(async () => {
  await ready();
});
afterEach(() => setBackend('auto'));

function run(backend: 'typescript' | 'wasm', A: Float64Array, n: number, opts = {}): { r: EigGeneralResult; calls: number } {
  setBackend(backend);
  const before = wasmCallCount();
  const r = eigGeneral(A, null, n, opts);
  return { r, calls: wasmCallCount() - before };
}

describe('eigGeneral: WASM-SIMD and TypeScript paths', () => {
  it('runs the real Schur reduction in WASM when asked to, and in TypeScript when forced', () => {
    expect(wasmStatus()).toBe('ready');
    const n = 20;
    const A = randomMatrix(n, 1);
    expect(run('wasm', A, n).calls).toBeGreaterThan(0);
    expect(run('typescript', A, n).calls).toBe(0);
    setBackend('auto');
    const before = wasmCallCount();
    eigGeneral(randomMatrix(EIG_CROSSOVER - 1, 2), null, EIG_CROSSOVER - 1);
    expect(wasmCallCount() - before).toBe(0);
    eigGeneral(randomMatrix(EIG_CROSSOVER, 2), null, EIG_CROSSOVER);
    expect(wasmCallCount() - before).toBeGreaterThan(0);
  });

  it.each([3, 8, 17, 64, 101])('agrees to rounding on a random matrix of order %i (values and vectors)', (n) => {
    const A = randomMatrix(n, 40 + n);
    const ts = run('typescript', A, n).r;
    const wasm = run('wasm', A, n).r;
    expect(wasm.info).toBe(0);
    // Both are backward stable; the eigenvalues of a random matrix are well conditioned (cond(V) is printed by the
    // solver itself), so they agree to O(cond·n·ε·‖A‖).
    const scale = normLowerBound(A, null, n) * n * EPS * ts.cond!;
    for (let k = 0; k < n; k++) {
      expect(Math.abs(wasm.valuesRe[k]! - ts.valuesRe[k]!)).toBeLessThanOrEqual(100 * scale);
      expect(Math.abs(wasm.valuesIm[k]! - ts.valuesIm[k]!)).toBeLessThanOrEqual(100 * scale);
    }
    // Same order, same phase convention: the vectors agree entrywise up to the same factor over the gaps.
    let gap = Infinity;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        gap = Math.min(gap, Math.hypot(ts.valuesRe[a]! - ts.valuesRe[b]!, ts.valuesIm[a]! - ts.valuesIm[b]!));
      }
    }
    let dv = 0;
    for (let k = 0; k < n * n; k++) {
      dv = Math.max(dv, Math.abs(wasm.vectorsRe![k]! - ts.vectorsRe![k]!), Math.abs(wasm.vectorsIm![k]! - ts.vectorsIm![k]!));
    }
    expect(dv).toBeLessThanOrEqual((1000 * scale) / gap);
    expect(maxResidual(A, null, n, wasm)).toBeLessThanOrEqual(100 * n * EPS * normLowerBound(A, null, n));
  });

  it.each([2, 9, 30, 80])('agrees to rounding on a random complex matrix of order %i', (n) => {
    const A = randomMatrix(n, 90 + n);
    const Ai = randomMatrix(n, 190 + n);
    setBackend('typescript');
    const ts = eigGeneral(A, Ai, n);
    setBackend('wasm');
    const before = wasmCallCount();
    const wasm = eigGeneral(A, Ai, n);
    expect(wasmCallCount() - before).toBeGreaterThan(0);
    expect(wasm.info).toBe(0);
    const scale = normLowerBound(A, Ai, n) * n * EPS * ts.cond!;
    let gap = Infinity;
    for (let a = 0; a < n; a++) {
      expect(Math.abs(wasm.valuesRe[a]! - ts.valuesRe[a]!)).toBeLessThanOrEqual(100 * scale);
      expect(Math.abs(wasm.valuesIm[a]! - ts.valuesIm[a]!)).toBeLessThanOrEqual(100 * scale);
      for (let b = a + 1; b < n; b++) {
        gap = Math.min(gap, Math.hypot(ts.valuesRe[a]! - ts.valuesRe[b]!, ts.valuesIm[a]! - ts.valuesIm[b]!));
      }
    }
    let dv = 0;
    for (let k = 0; k < n * n; k++) {
      dv = Math.max(dv, Math.abs(wasm.vectorsRe![k]! - ts.vectorsRe![k]!), Math.abs(wasm.vectorsIm![k]! - ts.vectorsIm![k]!));
    }
    expect(dv).toBeLessThanOrEqual((1000 * scale) / gap);
    expect(maxResidual(A, Ai, n, wasm)).toBeLessThanOrEqual(100 * n * EPS * normLowerBound(A, Ai, n));
  });

  it('gives the same eigenvalues whether or not vectors are computed, on both paths', () => {
    const { A, n } = realWithSpectrum([1, -2, 3.5], [[0.5, 2], [-1, 1]], 3);
    for (const backend of ['typescript', 'wasm'] as const) {
      const full = run(backend, A, n).r;
      const vals = run(backend, A, n, { vectors: false }).r;
      for (let k = 0; k < n; k++) {
        expect(Math.abs(full.valuesRe[k]! - vals.valuesRe[k]!)).toBeLessThan(1e-12);
        expect(Math.abs(full.valuesIm[k]! - vals.valuesIm[k]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('meets the contracts on the WASM path for random structured matrices (fast-check, fixed seed)', () => {
    const entry = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }));
    const square = fc
      .integer({ min: 1, max: 12 })
      .chain((n) => fc.tuple(fc.constant(n), fc.array(entry, { minLength: n * n, maxLength: n * n }), fc.integer({ min: -20, max: 20 })));
    fc.assert(
      fc.property(square, ([n, re, e]) => {
        const A = Float64Array.from(re, (v) => v * 2 ** e);
        const { r } = run('wasm', A, n);
        expect(r.info).toBe(0);
        expect(maxResidual(A, null, n, r)).toBeLessThanOrEqual(100 * n * EPS * Math.max(normLowerBound(A, null, n), Number.MIN_VALUE));
        expect(phaseViolations(r, n)).toEqual([]);
        expect(isOrdered(r.valuesRe, r.valuesIm)).toBe(true);
      }),
      { seed: 777, numRuns: 200 },
    );
  });
});
