import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AdError, type Tensor } from '@ad/core';
import { eigGeneral, hermEig, symEig } from '@ad/kernels';
import {
  degenerateSymmetric,
  generalMatrix,
  hermitianMatrix,
  matrixWithSpectrum,
  orthogonalMatrix,
  spdMatrix,
  symmetricMatrix,
  weightedGraph,
} from '../src/index.js';

/**
 * Runs a property that fails on "large" values so fast-check shrinks, and checks `holds` on every value the
 * property saw — generated ones and every shrink step — so shrinking provably keeps the structure.
 */
function everyValueKeeps(arb: fc.Arbitrary<Tensor>, holds: (A: Tensor) => void, runs = 40): { shrinks: number; seen: number } {
  let seen = 0;
  const violations: string[] = [];
  const details = fc.check(
    fc.property(arb, (A) => {
      seen++;
      try {
        holds(A);
      } catch (e) {
        violations.push((e as Error).message);
      }
      // fail on anything not tiny, to make fast-check shrink for a long while
      return A.data.every((v) => Math.abs(v) < 1e-3);
    }),
    { seed: 2024, numRuns: runs },
  );
  expect(details.failed).toBe(true);
  expect(violations).toEqual([]); // every value seen, shrinks included, had the structure
  return { shrinks: details.numShrinks, seen };
}

function eigs(A: Tensor): Float64Array {
  const n = A.shape[0]!;
  return symEig(Float64Array.from(A.data), n, { vectors: false }).values;
}
function maxAbs(A: Tensor): number {
  return Math.max(...Array.from(A.data, Math.abs));
}
function expectSymmetric(A: Tensor): void {
  const n = A.shape[0]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (A.data[i * n + j] !== A.data[j * n + i]) throw new Error(`not symmetric at ${i},${j}`);
}
function minGapOf(v: Float64Array): number {
  let g = Infinity;
  for (let i = 1; i < v.length; i++) g = Math.min(g, v[i]! - v[i - 1]!);
  return g;
}

describe('arbitraries keep their structure under shrinking', () => {
  it('orthogonalMatrix: QᵀQ = I for every value, both determinants', () => {
    const dets = new Set<number>();
    const r = everyValueKeeps(orthogonalMatrix({ n: 4 }), (Q) => {
      const n = 4;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += Q.data[k * n + i]! * Q.data[k * n + j]!;
          if (Math.abs(s - (i === j ? 1 : 0)) > 1e-13) throw new Error(`QᵀQ − I = ${s} at ${i},${j}`);
        }
      }
      dets.add(Math.sign(det(Float64Array.from(Q.data), n)));
    });
    expect(r.shrinks).toBeGreaterThan(0);
    expect([...dets].sort()).toEqual([-1, 1]);
  });

  it('symmetricMatrix: exactly symmetric, eigenvalue gaps ≥ minGap', () => {
    for (const minGap of [0.1, 1]) {
      const r = everyValueKeeps(symmetricMatrix({ n: 4, minGap }), (A) => {
        expectSymmetric(A);
        const g = minGapOf(eigs(A));
        if (g < minGap - 1e-12 * Math.max(1, maxAbs(A))) throw new Error(`gap ${g} < ${minGap}`);
      });
      expect(r.shrinks).toBeGreaterThan(0);
    }
    // generated (unshrunk) values are genuinely dense, not nearly diagonal
    const offDiag = fc.sample(symmetricMatrix({ n: 4 }), { seed: 4, numRuns: 20 }).map((A) => Math.max(...Array.from(A.data).filter((_, k) => k % 5 !== 0).map(Math.abs)));
    expect(offDiag.filter((v) => v > 0.1).length).toBeGreaterThan(10);
  });

  it('spdMatrix: symmetric positive definite with condition number ≤ cond', () => {
    for (const cond of [2, 1e3]) {
      everyValueKeeps(spdMatrix({ n: 3, cond }), (A) => {
        expectSymmetric(A);
        const v = eigs(A);
        if (!(v[0]! > 0)) throw new Error(`not positive definite: λmin = ${v[0]}`);
        if (v[v.length - 1]! / v[0]! > cond * (1 + 1e-10)) throw new Error(`cond ${v[v.length - 1]! / v[0]!} > ${cond}`);
      });
    }
  });

  it('matrixWithSpectrum: the requested eigenvalues, repeated ones included', () => {
    const values = [3, -1, 3, 0.5];
    const sorted = [...values].sort((a, b) => a - b);
    everyValueKeeps(matrixWithSpectrum(values), (A) => {
      expectSymmetric(A);
      const v = eigs(A);
      sorted.forEach((s, i) => {
        if (Math.abs(v[i]! - s) > 1e-13 * 4) throw new Error(`eigenvalue ${v[i]} ≠ ${s}`);
      });
    });
  });

  it('degenerateSymmetric: exact clusters of the requested multiplicities, gap-separated', () => {
    const multiplicities = [2, 1, 3];
    everyValueKeeps(degenerateSymmetric({ multiplicities, gap: 0.5 }), (A) => {
      expectSymmetric(A);
      expect(A.shape).toEqual([6, 6]);
      const v = eigs(A);
      let k = 0;
      const centers: number[] = [];
      for (const m of multiplicities) {
        const block = Array.from(v.slice(k, k + m));
        if (Math.max(...block) - Math.min(...block) > 1e-12 * Math.max(1, maxAbs(A))) throw new Error(`cluster spread ${Math.max(...block) - Math.min(...block)}`);
        centers.push(block[0]!);
        k += m;
      }
      for (let c = 1; c < centers.length; c++) if (centers[c]! - centers[c - 1]! < 0.5 - 1e-12) throw new Error('clusters closer than the gap');
    });
  });

  it('hermitianMatrix: exactly Hermitian complex128, gaps ≥ minGap', () => {
    everyValueKeeps(hermitianMatrix({ n: 3, minGap: 0.2 }), (A) => {
      const n = 3;
      expect(A.dtype).toBe('complex128');
      for (let i = 0; i < n; i++) {
        if (A.im![i * n + i] !== 0) throw new Error('complex diagonal');
        for (let j = 0; j < n; j++) {
          if (A.data[i * n + j] !== A.data[j * n + i] || A.im![i * n + j] !== -A.im![j * n + i]!) throw new Error(`not Hermitian at ${i},${j}`);
        }
      }
      const v = hermEig(Float64Array.from(A.data), Float64Array.from(A.im!), n, { vectors: false }).values;
      if (minGapOf(v) < 0.2 - 1e-12) throw new Error(`gap ${minGapOf(v)}`);
    });
    // and not merely real: some imaginary parts are large
    const samples = fc.sample(hermitianMatrix({ n: 3 }), { seed: 1, numRuns: 10 });
    expect(Math.max(...samples.map((A) => Math.max(...Array.from(A.im!, Math.abs))))).toBeGreaterThan(0.1);
  });

  it('generalMatrix({ distinctEigs }): non-symmetric with real eigenvalues at least minGap apart', () => {
    let asymmetric = 0;
    everyValueKeeps(generalMatrix({ n: 4, distinctEigs: true, minGap: 0.3 }), (A) => {
      const r = eigGeneral(Float64Array.from(A.data), null, 4);
      if (Math.max(...Array.from(r.valuesIm, Math.abs)) > 1e-10) throw new Error('complex eigenvalues');
      const v = Float64Array.from(r.valuesRe).sort();
      if (minGapOf(v) < 0.3 - 1e-9) throw new Error(`eigenvalue gap ${minGapOf(v)} < 0.3`);
      let asym = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) asym = Math.max(asym, Math.abs(A.data[i * 4 + j]! - A.data[j * 4 + i]!));
      if (asym > 1e-3) asymmetric++;
    });
    expect(asymmetric).toBeGreaterThan(10);
    const plain = fc.sample(generalMatrix({ n: 3 }), { seed: 3, numRuns: 5 });
    expect(plain.every((A) => A.shape[0] === 3 && A.shape[1] === 3)).toBe(true);
  });

  it('weightedGraph({ connected }): symmetric non-negative weights, zero diagonal, connected', () => {
    const r = everyValueKeeps(weightedGraph({ n: 6, connected: true }), (W) => {
      const n = 6;
      expectSymmetric(W);
      for (let i = 0; i < n; i++) {
        if (W.data[i * n + i] !== 0) throw new Error('self loop');
        for (let j = 0; j < n; j++) if (W.data[i * n + j]! < 0) throw new Error('negative weight');
      }
      // breadth-first search over positive weights
      const seen = new Set([0]);
      const queue = [0];
      while (queue.length) {
        const u = queue.shift()!;
        for (let v = 0; v < n; v++) if (W.data[u * n + v]! > 0 && !seen.has(v)) (seen.add(v), queue.push(v));
      }
      if (seen.size !== n) throw new Error(`disconnected: reached ${seen.size} of ${n}`);
    });
    expect(r.shrinks).toBeGreaterThan(0);
    // without `connected` the empty graph is allowed (and is where shrinking goes)
    const d = fc.check(fc.property(weightedGraph({ n: 5 }), (W) => W.data.every((v) => v === 0)), { seed: 5 });
    expect(d.failed).toBe(true);
  });

  it('honours a range of sizes', () => {
    const sizes = new Set(fc.sample(symmetricMatrix({ n: { min: 2, max: 5 } }), { seed: 9, numRuns: 60 }).map((A) => A.shape[0]));
    expect([...sizes].sort()).toEqual([2, 3, 4, 5]);
    expect(() => symmetricMatrix({ n: 0 })).toThrow(AdError);
    expect(() => degenerateSymmetric({ multiplicities: [0, 2] })).toThrow(AdError);
    expect(() => spdMatrix({ cond: 0.5 })).toThrow(AdError);
  });
});

function det(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k]!, m[c * n + k]!];
      d = -d;
    }
    d *= m[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let k = c; k < n; k++) m[r * n + k] = m[r * n + k]! - f * m[c * n + k]!;
    }
  }
  return d;
}
