import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hermEig, hermEigTs, hermEigWasm, type HermEigResult } from '../src/hermeig.js';
import { symEigTs } from '../src/symeig.js';
import {
  EPS,
  frobenius,
  lcg,
  mlEigenvaluesHermitian,
  orthogonalityComplex,
  randomHermitian,
  randomSymmetric,
  randomUnitary,
  residualComplex,
  signConventionHolds,
  withSpectrumComplex,
} from './symeig-helpers.js';

type Solver = (re: Float64Array, im: Float64Array, n: number, opts?: { vectors?: boolean }) => HermEigResult;

function wasmPath(re: Float64Array, im: Float64Array, n: number, opts?: { vectors?: boolean }): HermEigResult {
  const out = hermEigWasm(re, im, n, opts);
  if (out === undefined) throw new Error('the WASM path is not available in this runtime');
  return out;
}

const paths: Array<[string, Solver]> = [
  ['TypeScript path', hermEigTs],
  ['WASM path', wasmPath],
  ['dispatched hermEig', hermEig],
];

interface Case {
  name: string;
  re: Float64Array;
  im: Float64Array;
  n: number;
}

function hardCases(): Case[] {
  const cases: Case[] = [];
  cases.push({ name: 'the 1×1 matrix [4]', re: new Float64Array([4]), im: new Float64Array([0]), n: 1 });
  cases.push({
    name: 'the 2×2 matrix [[2, −i], [i, 2]]',
    re: new Float64Array([2, 0, 0, 2]),
    im: new Float64Array([0, -1, 1, 0]),
    n: 2,
  });
  cases.push({ name: 'a 5×5 zero matrix', re: new Float64Array(25), im: new Float64Array(25), n: 5 });
  {
    const n = 6;
    const re = new Float64Array(n * n);
    [2, -1, 2, 0, 5, -1].forEach((v, i) => (re[i * n + i] = v));
    cases.push({ name: 'a real diagonal matrix with repeated entries', re, im: new Float64Array(n * n), n });
  }
  {
    const n = 15;
    const r = lcg(31);
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      re[i * n + i] = r();
      if (i + 1 < n) {
        const a = r();
        const b = r();
        re[(i + 1) * n + i] = a;
        im[(i + 1) * n + i] = b;
        re[i * n + i + 1] = a;
        im[i * n + i + 1] = -b;
      }
    }
    cases.push({ name: 'a complex tridiagonal matrix', re, im, n });
  }
  {
    const n = 12;
    const A = randomSymmetric(n, 77);
    cases.push({ name: 'a real symmetric matrix (zero imaginary part)', re: A, im: new Float64Array(n * n), n });
  }
  {
    const n = 10;
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        im[i * n + j] = 1 / (i - j);
        im[j * n + i] = -1 / (i - j);
      }
    }
    cases.push({ name: 'a purely imaginary Hermitian matrix (spectrum symmetric about 0)', re, im, n });
  }
  {
    const n = 24;
    const r = lcg(41);
    const g = Array.from({ length: n }, (_, i) => 10 ** (-4 + (8 * i) / (n - 1)));
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      re[i * n + i] = g[i]! * g[i]! * (r() + 0.6);
      for (let j = 0; j < i; j++) {
        const a = g[i]! * g[j]! * r();
        const b = g[i]! * g[j]! * r();
        re[i * n + j] = re[j * n + i] = a;
        im[i * n + j] = b;
        im[j * n + i] = -b;
      }
    }
    cases.push({ name: 'a graded matrix with entries from 1e-8 to 1e8', re, im, n });
  }
  {
    const lambda = [1, 1, 1, 1 + 1e-13, 1 + 1e-10, -3, -3, 0.25, 2, 2 + 1e-8, 6, -1];
    const U = randomUnitary(lambda.length, 9);
    cases.push({ name: 'a matrix with clusters at gaps 0, 1e-13, 1e-10 and 1e-8', ...withSpectrumComplex(U, lambda), n: 12 });
  }
  {
    const n = 10;
    const A = randomHermitian(n, 51);
    for (const scale of [1e-300, 1e-200, 1e-150, 1e150, 1e200, 1e300]) {
      cases.push({
        name: `a random matrix scaled by ${scale}`,
        re: A.re.map((x) => x * scale),
        im: A.im.map((x) => x * scale),
        n,
      });
    }
  }
  {
    // Block diagonal: an O(1) block and a block of size 1e-300, so some reflectors see only tiny entries.
    const n = 8;
    const B = randomHermitian(4, 61);
    const C = randomHermitian(4, 62);
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        re[i * n + j] = C.re[i * 4 + j]! * 1e-300;
        im[i * n + j] = C.im[i * 4 + j]! * 1e-300;
        re[(i + 4) * n + j + 4] = B.re[i * 4 + j]!;
        im[(i + 4) * n + j + 4] = B.im[i * 4 + j]!;
      }
    }
    cases.push({ name: 'a block-diagonal matrix with blocks of size 1 and 1e-300', re, im, n });
  }
  for (const n of [2, 3, 16, 65, 150]) cases.push({ name: `a random ${n}×${n} matrix`, ...randomHermitian(n, 1000 + n), n });
  return cases;
}

function expectAccurate(solve: Solver, re: Float64Array, im: Float64Array, n: number): HermEigResult {
  const reCopy = re.slice();
  const imCopy = im.slice();
  const res = solve(re, im, n);
  expect(re).toEqual(reCopy);
  expect(im).toEqual(imCopy);
  expect(res.info).toBe(0);
  const Vr = res.vectorsRe!;
  const Vi = res.vectorsIm!;
  const normA = frobenius(re, im);
  const bound = 10 * Math.max(n, 1) * EPS;
  expect(residualComplex(re, im, res.values, Vr, Vi, n)).toBeLessThanOrEqual(bound * normA);
  expect(orthogonalityComplex(Vr, Vi, n)).toBeLessThanOrEqual(bound);
  for (let j = 1; j < n; j++) expect(res.values[j]!).toBeGreaterThanOrEqual(res.values[j - 1]!);
  expect(signConventionHolds(Vr, Vi, n, n)).toBe(true);
  const ref = mlEigenvaluesHermitian(re, im, n);
  for (let j = 0; j < n; j++) expect(Math.abs(res.values[j]! - ref[j]!)).toBeLessThanOrEqual(bound * normA);
  return res;
}

describe.each(paths)('hermEig (%s)', (_name, solve) => {
  it('returns empty arrays for n = 0', () => {
    const res = solve(new Float64Array(0), new Float64Array(0), 0);
    expect(res.values.length).toBe(0);
    expect(res.vectorsRe!.length).toBe(0);
    expect(res.info).toBe(0);
  });

  for (const { name, re, im, n } of hardCases()) {
    it(`meets the residual, orthogonality and phase contracts on ${name}`, () => {
      expectAccurate(solve, re, im, n);
    });
  }

  it('agrees with the real solver on a real symmetric matrix', () => {
    const n = 40;
    const A = randomSymmetric(n, 3);
    const c = solve(A, new Float64Array(n * n), n);
    const r = symEigTs(A, n);
    const normA = frobenius(A);
    for (let j = 0; j < n; j++) expect(Math.abs(c.values[j]! - r.values[j]!)).toBeLessThanOrEqual(10 * n * EPS * normA);
    // Under the convention, both give the same real unit vectors (the spectrum is simple), up to rounding.
    for (let i = 0; i < n * n; i++) {
      expect(Math.abs(c.vectorsRe![i]! - r.vectors![i]!)).toBeLessThan(1e-9);
      expect(Math.abs(c.vectorsIm![i]!)).toBeLessThan(1e-9);
    }
  });

  it('reads only the lower triangle of A and only the real part of its diagonal', () => {
    const n = 7;
    const A = randomHermitian(n, 8);
    const re = A.re.slice();
    const im = A.im.slice();
    for (let i = 0; i < n; i++) {
      im[i * n + i] = 3; // not Hermitian: ignored
      for (let j = i + 1; j < n; j++) re[i * n + j] = im[i * n + j] = -1e6;
    }
    const a = solve(A.re, A.im, n);
    const b = solve(re, im, n);
    expect(b.values).toEqual(a.values);
    expect(b.vectorsRe).toEqual(a.vectorsRe);
    expect(b.vectorsIm).toEqual(a.vectorsIm);
  });

  it('gives bitwise the same eigenvalues with and without eigenvectors', () => {
    for (const n of [1, 2, 9, 50]) {
      const A = randomHermitian(n, 500 + n);
      const withV = solve(A.re, A.im, n);
      const without = solve(A.re, A.im, n, { vectors: false });
      expect(without.vectorsRe).toBeNull();
      expect(without.vectorsIm).toBeNull();
      expect(without.values).toEqual(withV.values);
    }
  });

  it('handles subnormal entries without underflowing to zero or NaN', () => {
    const n = 6;
    const A = randomHermitian(n, 14);
    const ref = solve(A.re, A.im, n);
    const tiny = solve(A.re.map((x) => x * 1e-310), A.im.map((x) => x * 1e-310), n);
    expect(tiny.info).toBe(0);
    for (let j = 0; j < n; j++) expect(tiny.values[j]! / 1e-310).toBeCloseTo(ref.values[j]!, 8);
    for (let i = 0; i < n * n; i++) {
      expect(tiny.vectorsRe![i]!).toBeCloseTo(ref.vectorsRe![i]!, 8);
      expect(tiny.vectorsIm![i]!).toBeCloseTo(ref.vectorsIm![i]!, 8);
    }
  });

  it('reports info > 0 instead of returning silent NaNs for non-finite input', () => {
    const A = randomHermitian(4, 2);
    A.im[3 * 4 + 1] = Number.NaN;
    expect(solve(A.re, A.im, 4).info).toBeGreaterThan(0);
    expect(solve(A.re, A.im, 4, { vectors: false }).info).toBeGreaterThan(0);
  });

  it('meets the contracts on random matrices of random size and scale (fast-check, fixed seed)', () => {
    const matrix = fc
      .integer({ min: 1, max: 20 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2 * n * n, maxLength: 2 * n * n }),
          fc.integer({ min: -30, max: 30 }),
        ),
      );
    fc.assert(
      fc.property(matrix, ([n, entries, exponent]) => {
        const re = new Float64Array(n * n);
        const im = new Float64Array(n * n);
        const scale = 10 ** exponent;
        for (let i = 0; i < n; i++) {
          re[i * n + i] = entries[i * n + i]! * scale;
          for (let j = 0; j < i; j++) {
            re[i * n + j] = re[j * n + i] = entries[i * n + j]! * scale;
            im[i * n + j] = entries[n * n + i * n + j]! * scale;
            im[j * n + i] = -im[i * n + j]!;
          }
        }
        expectAccurate(solve, re, im, n);
      }),
      { seed: 20240502, numRuns: 50 },
    );
  });
});

describe('documented examples', () => {
  it('hermEig of [[2, −i], [i, 2]] gives [1, 3]', () => {
    const { values } = hermEig(new Float64Array([2, 0, 0, 2]), new Float64Array([0, -1, 1, 0]), 2);
    expect(values[0]).toBeCloseTo(1, 15);
    expect(values[1]).toBeCloseTo(3, 15);
  });
});
