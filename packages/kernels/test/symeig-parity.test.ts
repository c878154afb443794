import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { setBackend, wasmCallCount } from '../src/backend.js';
import { hermEig, hermEigTs, hermEigWasm } from '../src/hermeig.js';
import { symEig, symEigTs, symEigWasm } from '../src/symeig.js';
import {
  EPS,
  frobenius,
  randomHermitian,
  randomOrthogonal,
  randomSymmetric,
  randomUnitary,
  withSpectrum,
  withSpectrumComplex,
} from './symeig-helpers.js';

afterEach(() => setBackend('auto'));

/** Smallest distance from values[j] to any other value. */
function gaps(values: Float64Array): number[] {
  return Array.from(values, (x, j) => {
    let g = Infinity;
    values.forEach((y, k) => {
      if (k !== j) g = Math.min(g, Math.abs(x - y));
    });
    return g;
  });
}

/**
 * Both paths are backward stable, so each eigenvector is within O(nε‖A‖/gap) of the true one (Davis–Kahan), and under
 * the shared sign convention the two computed vectors agree to twice that.
 */
function expectRealParity(A: Float64Array, n: number): void {
  const ts = symEigTs(A, n);
  const wasm = symEigWasm(A, n)!;
  expect(wasm.info).toBe(0);
  const scale = 10 * n * EPS * frobenius(A);
  for (let j = 0; j < n; j++) expect(Math.abs(ts.values[j]! - wasm.values[j]!)).toBeLessThanOrEqual(scale);
  const g = gaps(ts.values);
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let i = 0; i < n; i++) d += (ts.vectors![i + j * n]! - wasm.vectors![i + j * n]!) ** 2;
    expect(Math.sqrt(d)).toBeLessThanOrEqual((2 * scale) / g[j]! + 1e-300);
  }
}

function expectComplexParity(re: Float64Array, im: Float64Array, n: number): void {
  const ts = hermEigTs(re, im, n);
  const wasm = hermEigWasm(re, im, n)!;
  expect(wasm.info).toBe(0);
  const scale = 10 * n * EPS * frobenius(re, im);
  for (let j = 0; j < n; j++) expect(Math.abs(ts.values[j]! - wasm.values[j]!)).toBeLessThanOrEqual(scale);
  const g = gaps(ts.values);
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let i = 0; i < n; i++) {
      d += (ts.vectorsRe![i + j * n]! - wasm.vectorsRe![i + j * n]!) ** 2;
      d += (ts.vectorsIm![i + j * n]! - wasm.vectorsIm![i + j * n]!) ** 2;
    }
    expect(Math.sqrt(d)).toBeLessThanOrEqual((2 * scale) / g[j]! + 1e-300);
  }
}

/** ‖P₁ − P₂‖_F for the projectors onto columns [start, end) of two column-major real eigenvector matrices. */
function projectorDistance(V1: Float64Array, V2: Float64Array, n: number, start: number, end: number): number {
  let s = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let p = 0;
      for (let j = start; j < end; j++) p += V1[a + j * n]! * V1[b + j * n]! - V2[a + j * n]! * V2[b + j * n]!;
      s += p * p;
    }
  }
  return Math.sqrt(s);
}

describe('symEig TypeScript and WASM paths', () => {
  it('agree to rounding on random matrices of every size class (sizes around the SIMD blocks of 2 and 8)', () => {
    for (const n of [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100]) expectRealParity(randomSymmetric(n, 7000 + n), n);
  });

  it('agree to rounding on random matrices of random size (fast-check, fixed seed)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        expectRealParity(randomSymmetric(n, seed), n);
      }),
      { seed: 20240503, numRuns: 40 },
    );
  });

  it('span the same eigenspace for a cluster, whatever basis each picks inside it', () => {
    const lambda = [-1, 2, 2, 2 + 1e-13, 2 + 1e-11, 5, 6, 7];
    const n = lambda.length;
    const A = withSpectrum(randomOrthogonal(n, 3), lambda);
    const ts = symEigTs(A, n);
    const wasm = symEigWasm(A, n)!;
    // Cluster [1, 5): distance to the rest of the spectrum is 3.
    expect(projectorDistance(ts.vectors!, wasm.vectors!, n, 1, 5)).toBeLessThanOrEqual((20 * n * EPS * frobenius(A)) / 3);
  });

  it('follow the backend switch', () => {
    const n = 24;
    const A = randomSymmetric(n, 5);
    setBackend('typescript');
    let calls = wasmCallCount();
    expect(symEig(A, n)).toEqual(symEigTs(A, n));
    expect(wasmCallCount()).toBe(calls);
    setBackend('wasm');
    calls = wasmCallCount();
    expect(symEig(A, n)).toEqual(symEigWasm(A, n));
    expect(wasmCallCount()).toBe(calls + 2);
  });

  it('runs matrices below the crossover on the TypeScript path under auto', () => {
    setBackend('auto');
    const calls = wasmCallCount();
    expect(symEig(randomSymmetric(3, 1), 3)).toEqual(symEigTs(randomSymmetric(3, 1), 3));
    expect(wasmCallCount()).toBe(calls);
  });
});

describe('hermEig TypeScript and WASM paths', () => {
  it('agree to rounding on random matrices of every size class', () => {
    for (const n of [1, 2, 3, 8, 9, 17, 40, 80]) {
      const A = randomHermitian(n, 8000 + n);
      expectComplexParity(A.re, A.im, n);
    }
  });

  it('agree to rounding on a matrix with a cluster, in the eigenvalues and outside the cluster', () => {
    const lambda = [0, 1, 1 + 1e-12, 3, 4];
    const A = withSpectrumComplex(randomUnitary(5, 4), lambda);
    const ts = hermEigTs(A.re, A.im, 5);
    const wasm = hermEigWasm(A.re, A.im, 5)!;
    const scale = 50 * EPS * frobenius(A.re, A.im);
    for (let j = 0; j < 5; j++) expect(Math.abs(ts.values[j]! - wasm.values[j]!)).toBeLessThanOrEqual(scale);
    for (const j of [0, 3, 4]) {
      for (let i = 0; i < 5; i++) {
        expect(Math.abs(ts.vectorsRe![i + 5 * j]! - wasm.vectorsRe![i + 5 * j]!)).toBeLessThan(1e-12);
        expect(Math.abs(ts.vectorsIm![i + 5 * j]! - wasm.vectorsIm![i + 5 * j]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('follow the backend switch', () => {
    const n = 12;
    const A = randomHermitian(n, 6);
    setBackend('typescript');
    const calls = wasmCallCount();
    expect(hermEig(A.re, A.im, n)).toEqual(hermEigTs(A.re, A.im, n));
    expect(wasmCallCount()).toBe(calls);
    setBackend('wasm');
    expect(hermEig(A.re, A.im, n)).toEqual(hermEigWasm(A.re, A.im, n));
    expect(wasmCallCount()).toBe(calls + 2);
  });
});
