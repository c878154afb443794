import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortEigen, symEig, symEigTs, symEigWasm, tql2, tred2, type SymEigResult } from '../src/symeig.js';
import {
  EPS,
  frobenius,
  lcg,
  mlEigenvalues,
  orthogonality,
  randomOrthogonal,
  randomSymmetric,
  residual,
  signConventionHolds,
  withSpectrum,
} from './symeig-helpers.js';

type Solver = (A: Float64Array, n: number, opts?: { vectors?: boolean }) => SymEigResult;

function wasmPath(A: Float64Array, n: number, opts?: { vectors?: boolean }): SymEigResult {
  const out = symEigWasm(A, n, opts);
  if (out === undefined) throw new Error('the WASM path is not available in this runtime');
  return out;
}

/** The solver paths every property is checked on (parity between them: symeig-parity.test.ts). */
const paths: Array<[string, Solver]> = [
  ['TypeScript path', symEigTs],
  ['WASM path', wasmPath],
  ['dispatched symEig', symEig],
];

/** Hard inputs: zero, 1×1, diagonal, tridiagonal, graded, clustered, repeated, extreme scales. */
function hardCases(): Array<{ name: string; A: Float64Array; n: number }> {
  const cases: Array<{ name: string; A: Float64Array; n: number }> = [];
  cases.push({ name: 'the 1×1 matrix [−3]', A: new Float64Array([-3]), n: 1 });
  cases.push({ name: 'the 1×1 zero matrix', A: new Float64Array([0]), n: 1 });
  cases.push({ name: 'the 2×2 swap [[0, 1], [1, 0]]', A: new Float64Array([0, 1, 1, 0]), n: 2 });
  cases.push({ name: 'a 6×6 zero matrix', A: new Float64Array(36), n: 6 });
  {
    const n = 7;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) A[i * n + i] = 2.5;
    cases.push({ name: 'a multiple of the identity (one eigenvalue of multiplicity 7)', A, n });
  }
  {
    const diag = [3, -1, 2, -1, 0, 1e-300, -7];
    const n = diag.length;
    const A = new Float64Array(n * n);
    diag.forEach((v, i) => (A[i * n + i] = v));
    cases.push({ name: 'an unsorted diagonal matrix with a repeated entry', A, n });
  }
  {
    const n = 20;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = -1;
    }
    cases.push({ name: 'the tridiagonal second-difference matrix', A, n });
  }
  {
    const n = 30;
    const r = lcg(11);
    const g = Array.from({ length: n }, (_, i) => 10 ** (-4 + (8 * i) / (n - 1)));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = g[i]! * g[j]! * (r() + 0.6);
    }
    cases.push({ name: 'a graded matrix with entries from 1e-8 to 1e8', A, n });
  }
  {
    const n = 30;
    const r = lcg(12);
    const g = Array.from({ length: n }, (_, i) => 10 ** (4 - (8 * i) / (n - 1)));
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = g[i]! * g[j]! * (r() + 0.6);
    }
    cases.push({ name: 'a graded matrix with its large entries first', A, n });
  }
  {
    const lambda = [1, 1 + 1e-14, 1 + 1e-12, 1 + 1e-10, -2, -2, -2, -2, -2, 0.5, 0.5 + 1e-8, 3, 4, 5, -6, 7];
    cases.push({
      name: 'a matrix with clusters at gaps 0, 1e-14, 1e-12, 1e-10 and 1e-8',
      A: withSpectrum(randomOrthogonal(lambda.length, 5), lambda),
      n: lambda.length,
    });
  }
  {
    const n = 16;
    cases.push({ name: 'the all-ones matrix (eigenvalue 0 of multiplicity 15)', A: new Float64Array(n * n).fill(1), n });
  }
  {
    const n = 21;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = Math.abs(10 - i);
      if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = 1;
    }
    cases.push({ name: "Wilkinson's W21+ (pairs of eigenvalues agreeing to 1e-14)", A, n });
  }
  {
    const n = 12;
    for (const scale of [1e-300, 1e-200, 1e-150, 1e150, 1e200, 1e300]) {
      cases.push({ name: `a random matrix scaled by ${scale}`, A: randomSymmetric(n, 3).map((x) => x * scale), n });
    }
  }
  {
    const n = 9;
    const r = lcg(8);
    const u = Array.from({ length: n }, () => r());
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = u[i]! * u[j]!;
    cases.push({ name: 'a rank-one matrix u uᵀ', A, n });
  }
  for (const n of [2, 3, 17, 64, 200]) cases.push({ name: `a random ${n}×${n} matrix`, A: randomSymmetric(n, n), n });
  return cases;
}

/** Asserts the accuracy contract of DESIGN.md / issue 5 and returns the result. */
function expectAccurate(solve: Solver, A: Float64Array, n: number): SymEigResult {
  const copy = A.slice();
  const res = solve(A, n);
  expect(A).toEqual(copy); // A is only read
  expect(res.info).toBe(0);
  const V = res.vectors!;
  expect(res.values.length).toBe(n);
  expect(V.length).toBe(n * n);
  const normA = frobenius(A);
  const bound = 10 * Math.max(n, 1) * EPS;
  expect(residual(A, res.values, V, n)).toBeLessThanOrEqual(bound * normA);
  expect(orthogonality(V, n)).toBeLessThanOrEqual(bound);
  for (let j = 1; j < n; j++) expect(res.values[j]!).toBeGreaterThanOrEqual(res.values[j - 1]!);
  expect(signConventionHolds(V, null, n, n)).toBe(true);
  // Eigenvalues agree with an independent implementation (ml-matrix) to the same backward-error scale.
  const ref = mlEigenvalues(A, n);
  for (let j = 0; j < n; j++) expect(Math.abs(res.values[j]! - ref[j]!)).toBeLessThanOrEqual(bound * normA);
  return res;
}

describe.each(paths)('symEig (%s)', (_name, solve) => {
  it('returns empty arrays for n = 0', () => {
    const res = solve(new Float64Array(0), 0);
    expect(res).toEqual({ values: new Float64Array(0), vectors: new Float64Array(0), info: 0 });
  });

  for (const { name, A, n } of hardCases()) {
    it(`meets the residual, orthogonality and sign contracts on ${name}`, () => {
      expectAccurate(solve, A, n);
    });
  }

  it('gives the known eigenvalues 2 − 2cos(kπ/(n+1)) of the second-difference matrix', () => {
    const n = 50;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = -1;
    }
    const { values } = solve(A, n);
    for (let k = 1; k <= n; k++) expect(values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 14);
  });

  it('returns exactly repeated eigenvalues of a diagonal matrix exactly, with unit-vector eigenvectors', () => {
    const A = new Float64Array([5, 0, 0, 0, -1, 0, 0, 0, 5]);
    const { values, vectors } = solve(A, 3);
    expect(Array.from(values)).toEqual([-1, 5, 5]);
    // Each eigenvector of a diagonal matrix is a coordinate vector, positive by the sign convention.
    for (let j = 0; j < 3; j++) {
      const col = Array.from(vectors!.subarray(3 * j, 3 * j + 3));
      expect(col.filter((x) => x === 1).length).toBe(1);
      expect(col.filter((x) => x === 0).length).toBe(2);
    }
  });

  it('reads only the lower triangle of A', () => {
    const n = 6;
    const A = randomSymmetric(n, 21);
    const B = A.slice();
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) B[i * n + j] = 1e6; // garbage above the diagonal
    const a = solve(A, n);
    const b = solve(B, n);
    expect(b.values).toEqual(a.values);
    expect(b.vectors).toEqual(a.vectors);
  });

  it('gives bitwise the same eigenvalues with and without eigenvectors', () => {
    for (const n of [1, 2, 5, 33, 100]) {
      const A = randomSymmetric(n, 100 + n);
      const withV = solve(A, n);
      const without = solve(A, n, { vectors: false });
      expect(without.vectors).toBeNull();
      expect(without.info).toBe(0);
      expect(without.values).toEqual(withV.values);
    }
  });

  it('handles subnormal entries without underflowing to zero or NaN', () => {
    const n = 8;
    const A = randomSymmetric(n, 13);
    const ref = solve(A, n);
    const tiny = solve(A.map((x) => x * 1e-310), n);
    expect(tiny.info).toBe(0);
    // Subnormal inputs carry about 12 significant bits less than normal ones at 1e-310.
    for (let j = 0; j < n; j++) expect(tiny.values[j]! / 1e-310).toBeCloseTo(ref.values[j]!, 8);
    for (let i = 0; i < n * n; i++) expect(tiny.vectors![i]!).toBeCloseTo(ref.vectors![i]!, 8);
  });

  it('reports info > 0 instead of returning silent NaNs for non-finite input', () => {
    const A = randomSymmetric(5, 1);
    A[2 * 5 + 1] = A[1 * 5 + 2] = Number.NaN;
    expect(solve(A, 5).info).toBeGreaterThan(0);
    A[2 * 5 + 1] = A[1 * 5 + 2] = Number.POSITIVE_INFINITY;
    expect(solve(A, 5).info).toBeGreaterThan(0);
    expect(solve(A, 5, { vectors: false }).info).toBeGreaterThan(0);
  });

  it('meets the contracts on random matrices of random size and scale (fast-check, fixed seed)', () => {
    const matrix = fc
      .integer({ min: 1, max: 24 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }),
          fc.integer({ min: -30, max: 30 }),
        ),
      );
    fc.assert(
      fc.property(matrix, ([n, entries, exponent]) => {
        const A = new Float64Array(n * n);
        const scale = 10 ** exponent;
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = entries[i * n + j]! * scale;
        expectAccurate(solve, A, n);
      }),
      { seed: 20240501, numRuns: 60 },
    );
  });
});

describe('tql2', () => {
  it('stops at its iteration bound and reports the unconverged eigenvalue', () => {
    const n = 10;
    const d = Float64Array.from({ length: n }, (_, i) => i);
    const e = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1));
    const info = tql2(d, e, null, n, n, 3);
    expect(info).toBeGreaterThan(0);
    expect(info).toBeLessThanOrEqual(n);
  });

  it('needs far fewer iterations than its default bound of 30·n on a random tridiagonal matrix', () => {
    const n = 200;
    const r = lcg(2);
    const d = Float64Array.from({ length: n }, () => r());
    const e = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : r()));
    expect(tql2(d.slice(), e.slice(), null, n, n, 3 * n)).toBe(0);
  });
});

describe('documented examples', () => {
  it('symEig of [[2, 1], [1, 2]] gives [1, 3] and the columns (1, −1)/√2, (1, 1)/√2', () => {
    const { values, vectors } = symEig(new Float64Array([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 15);
    expect(values[1]).toBeCloseTo(3, 15);
    const r = Math.SQRT1_2;
    [r, -r, r, r].forEach((x, i) => expect(vectors![i]).toBeCloseTo(x, 15));
  });

  it('tred2 gives A = Q T Qᵀ', () => {
    const V = new Float64Array([4, 1, 2, 0, 3, 1, 0, 0, 5]);
    const d = new Float64Array(3);
    const e = new Float64Array(3);
    tred2(V, d, e, 3, true);
    const A = [4, 1, 2, 1, 3, 1, 2, 1, 5];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) {
          for (let l = 0; l < 3; l++) {
            const t = k === l ? d[k]! : Math.abs(k - l) === 1 ? e[Math.max(k, l)]! : 0;
            s += V[i + k * 3]! * t * V[j + l * 3]!;
          }
        }
        expect(s).toBeCloseTo(A[i * 3 + j]!, 14);
      }
    }
  });

  it('tql2 and sortEigen diagonalize [[2, 1], [1, 2]]', () => {
    const d = new Float64Array([2, 2]);
    const e = new Float64Array([0, 1]);
    expect(tql2(d, e, null, 2, 2)).toBe(0);
    expect(Array.from(d).sort()).toEqual([1, 3].map((x) => expect.closeTo(x, 14)));
    const dd = new Float64Array([3, 1]);
    const V = new Float64Array([1, 0, 0, 1]);
    sortEigen(dd, V, 2, 2);
    expect(Array.from(dd)).toEqual([1, 3]);
    expect(Array.from(V)).toEqual([0, 1, 1, 0]);
  });
});
