import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready, setBackend, wasmCallCount, wasmStatus } from '../src/backend.js';
import { svd, svdTs, svdWasm, SVD_CROSSOVER } from '../src/svd.js';
import {
  EPS,
  frob,
  fromSvd,
  orthonormalityError,
  randomMatrix,
  randomOrthonormalColumns,
  reconstructionError,
} from './svd-helpers.js';

beforeAll(async () => {
  await ready();
});
afterEach(() => setBackend('auto'));

/**
 * Both paths are backward stable and share the sign convention, so singular values agree to O(p·ε·σ₁) and, for a
 * singular value separated from the others by `gap`, the singular vectors agree to O(p·ε·σ₁/gap) (Wedin).
 */
function expectParity(A: Float64Array, m: number, n: number): void {
  const ts = svdTs(A, m, n);
  const wasm = svdWasm(A, m, n);
  expect(wasm).toBeDefined();
  const w = wasm!;
  expect(w.info).toBe(0);
  const p = Math.min(m, n);
  const tol = 10 * Math.max(m, n) * EPS;
  const s1 = ts.S[0]!;
  for (let k = 0; k < p; k++) expect(Math.abs(ts.S[k]! - w.S[k]!)).toBeLessThanOrEqual(tol * s1);
  expect(reconstructionError(A, m, n, w.U!, w.S, w.V!)).toBeLessThanOrEqual(tol * frob(A));
  expect(orthonormalityError(w.U!, m, p)).toBeLessThanOrEqual(tol);
  expect(orthonormalityError(w.V!, n, p)).toBeLessThanOrEqual(tol);
  for (let k = 0; k < p; k++) {
    const gap = Math.min(k > 0 ? ts.S[k - 1]! - ts.S[k]! : Infinity, k + 1 < p ? ts.S[k]! - ts.S[k + 1]! : Infinity);
    if (!(gap > 1e-3 * s1)) continue; // vectors of (nearly) repeated values are a basis choice, not comparable
    const bound = (10 * tol * s1) / gap;
    for (let i = 0; i < n; i++) expect(Math.abs(ts.V![i + k * n]! - w.V![i + k * n]!)).toBeLessThanOrEqual(bound);
    for (let i = 0; i < m; i++) expect(Math.abs(ts.U![i + k * m]! - w.U![i + k * m]!)).toBeLessThanOrEqual(bound);
  }
}

describe('svd: TypeScript and WASM-SIMD paths', () => {
  it('has the WASM module available in Node', () => {
    expect(wasmStatus()).toBe('ready');
  });

  it.each([
    [1, 1],
    [3, 3],
    [8, 8],
    [9, 9],
    [40, 40],
    [50, 13],
    [13, 50],
    [64, 7],
  ])('agree to rounding on a random %i×%i matrix', (m, n) => {
    expectParity(randomMatrix(m, n, 31 * m + n), m, n);
  });

  it('agree on rank-deficient and repeated-singular-value matrices', () => {
    const m = 20;
    const n = 12;
    const s = [3, 3, 2, 1, 1, 1, 0.5, 0, 0, 0, 0, 0];
    const A = fromSvd(randomOrthonormalColumns(m, n, 1), s, randomOrthonormalColumns(n, n, 2), m, n);
    expectParity(A, m, n);
  });

  it('agree to relative accuracy on the small singular values of a row-graded matrix', () => {
    const n = 12;
    const Q = randomOrthonormalColumns(n, n, 4);
    const graded = Array.from({ length: n }, (_, k) => 10 ** (-12 * (k / (n - 1))));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = graded[(5 * i) % n]! * Q[i * n + j]!;
    const w = svdWasm(A, n, n, { vectors: false })!;
    for (let k = 0; k < n; k++) expect(Math.abs(w.S[k]! - graded[k]!) / graded[k]!).toBeLessThanOrEqual(50 * EPS);
  });

  it('agree for arbitrary shapes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (m, n, seed) => {
          const A = randomMatrix(m, n, seed);
          const ts = svdTs(A, m, n, { vectors: false });
          const w = svdWasm(A, m, n, { vectors: false })!;
          const tol = 10 * Math.max(m, n) * EPS * ts.S[0]!;
          return w.info === 0 && ts.S.every((x, k) => Math.abs(x - w.S[k]!) <= tol);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });

  it('reports non-convergence the same way on both paths', () => {
    const A = randomMatrix(20, 20, 3);
    expect(svdTs(A, 20, 20, { maxSweeps: 2 }).info).toBeGreaterThan(0);
    expect(svdWasm(A, 20, 20, { maxSweeps: 2 })!.info).toBeGreaterThan(0);
  });

  it('dispatches by backend: wasm forces WASM, typescript never uses it, auto from the crossover on', () => {
    const big = randomMatrix(SVD_CROSSOVER, SVD_CROSSOVER, 1);
    const small = randomMatrix(SVD_CROSSOVER - 1, SVD_CROSSOVER - 1, 1);
    const calls = (f: () => void) => {
      const before = wasmCallCount();
      f();
      return wasmCallCount() - before;
    };
    setBackend('typescript');
    expect(calls(() => svd(big, SVD_CROSSOVER, SVD_CROSSOVER))).toBe(0);
    setBackend('wasm');
    expect(calls(() => svd(small, SVD_CROSSOVER - 1, SVD_CROSSOVER - 1))).toBe(1);
    setBackend('auto');
    expect(calls(() => svd(small, SVD_CROSSOVER - 1, SVD_CROSSOVER - 1))).toBe(0);
    expect(calls(() => svd(big, SVD_CROSSOVER, SVD_CROSSOVER))).toBe(1);
  });

  it('returns undefined from svdWasm when the backend is forced to TypeScript', () => {
    setBackend('typescript');
    expect(svdWasm(randomMatrix(4, 4, 1), 4, 4)).toBeUndefined();
  });
});
