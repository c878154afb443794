import { describe, expect, it } from 'vitest';
import { Tensor } from '@ad/core';
import { Rng } from '../src/internal/rng.js';
import { checkInStructure, projectRaw, randomTangent, structureDirections, type StructureKind } from '../src/structure.js';

/** A batch of `batch` complex (or real) n×n matrices with standard normal entries from a seeded generator. */
function randomBatch(seed: number, batch: number, n: number, complex: boolean): Tensor {
  const rng = new Rng(seed);
  const size = batch * n * n;
  const re = Float64Array.from({ length: size }, () => rng.normal());
  const im = complex ? Float64Array.from({ length: size }, () => rng.normal()) : undefined;
  const shape = batch === 1 ? [n, n] : [batch, n, n];
  return new Tensor(shape, complex ? 'complex128' : 'float64', re, im);
}

/** Entry (i, j) of matrix b as [re, im], read by row-major index arithmetic written out here, not by the code under test. */
function at(x: Tensor, b: number, i: number, j: number): [number, number] {
  const n = x.shape[x.ndim - 1]!;
  const k = b * n * n + i * n + j;
  return [x.data[k]!, x.im?.[k] ?? 0];
}

describe('projectRaw', () => {
  it('returns the symmetric part (X + Xᵀ)/2 of every matrix in a batch', () => {
    const x = randomBatch(1, 3, 4, false);
    const p = projectRaw(x, 'symmetric');
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) expect(at(p, b, i, j)[0]).toBeCloseTo((at(x, b, i, j)[0] + at(x, b, j, i)[0]) / 2, 14);
      }
    }
  });

  it('returns the Hermitian part (X + Xᴴ)/2, with a real diagonal', () => {
    const x = randomBatch(2, 2, 3, true);
    const p = projectRaw(x, 'hermitian');
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const [pr, pi] = at(p, b, i, j);
          expect(pr).toBeCloseTo((at(x, b, i, j)[0] + at(x, b, j, i)[0]) / 2, 14);
          expect(pi).toBeCloseTo((at(x, b, i, j)[1] - at(x, b, j, i)[1]) / 2, 14);
        }
      }
    }
  });

  it('averages both parts for complex symmetric (not Hermitian) structure', () => {
    const x = randomBatch(3, 1, 3, true);
    const p = projectRaw(x, 'spd');
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        expect(at(p, 0, i, j)[0]).toBeCloseTo((at(x, 0, i, j)[0] + at(x, 0, j, i)[0]) / 2, 14);
        expect(at(p, 0, i, j)[1]).toBeCloseTo((at(x, 0, i, j)[1] + at(x, 0, j, i)[1]) / 2, 14);
      }
    }
  });

  it('keeps only the diagonal for diagonal structure and only the real part for real structure', () => {
    const x = randomBatch(4, 2, 3, true);
    const d = projectRaw(x, 'diagonal');
    const r = projectRaw(x, 'real');
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          expect(at(d, b, i, j)).toEqual(i === j ? at(x, b, i, j) : [0, 0]);
          expect(at(r, b, i, j)).toEqual([at(x, b, i, j)[0], 0]);
        }
      }
    }
  });

  it('is idempotent and lands inside the structure checkInStructure tests for', () => {
    for (const s of ['symmetric', 'hermitian', 'spd', 'diagonal', 'real'] as const) {
      const x = randomBatch(5, 2, 4, true);
      const p = projectRaw(x, s);
      const pp = projectRaw(p, s);
      expect(Array.from(pp.data)).toEqual(Array.from(p.data));
      expect(Array.from(pp.im!)).toEqual(Array.from(p.im!));
      expect(checkInStructure(p, s, 1e-15)).toBeUndefined();
    }
  });
});

describe('randomTangent', () => {
  it('sums each off-diagonal pair of a random draw (R_ij + R_ji) and keeps the diagonal draw', () => {
    const primal = randomBatch(6, 2, 3, false);
    const t = randomTangent(new Rng(77), primal, 'symmetric');
    const r = randomBatch(77, 2, 3, false); // the same draws, in the same order
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          expect(at(t, b, i, j)[0]).toBe(i === j ? at(r, b, i, i)[0] : at(r, b, i, j)[0] + at(r, b, j, i)[0]);
        }
      }
    }
  });

  it('draws Hermitian tangents (R_ij + conj R_ji) with a real diagonal for Hermitian structure', () => {
    const primal = randomBatch(7, 1, 3, true);
    const t = randomTangent(new Rng(78), primal, 'hermitian');
    // randomTangent draws re and im interleaved per entry; redraw them the same way here
    const rng = new Rng(78);
    const re: number[] = [];
    const im: number[] = [];
    for (let k = 0; k < 9; k++) {
      re.push(rng.normal());
      im.push(rng.normal());
    }
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const [tr, ti] = at(t, 0, i, j);
        if (i === j) expect([tr, ti]).toEqual([re[i * 3 + i], 0]);
        else {
          expect(tr).toBe(re[i * 3 + j]! + re[j * 3 + i]!);
          expect(ti).toBe(i < j ? im[i * 3 + j]! - im[j * 3 + i]! : -(im[j * 3 + i]! - im[i * 3 + j]!));
        }
      }
    }
  });

  it('stays inside every structure and keeps float32 primals float32', () => {
    for (const s of ['symmetric', 'hermitian', 'spd', 'diagonal', 'real'] as const) {
      const t = randomTangent(new Rng(9), randomBatch(8, 3, 4, true), s);
      expect(checkInStructure(t, s, 1e-15)).toBeUndefined();
    }
    const f32 = new Tensor([2, 2], 'float32', new Float32Array(4));
    expect(randomTangent(new Rng(1), f32, 'symmetric').dtype).toBe('float32');
  });
});

describe('checkInStructure', () => {
  it('names the worst entry of a matrix that leaves the structure', () => {
    const x = projectRaw(randomBatch(10, 2, 3, false), 'symmetric');
    const k = 9 + 0 * 3 + 2; // matrix 1, entry (0, 2)
    x.data[k] = x.data[k]! + 1;
    const v = checkInStructure(x, 'symmetric', 1e-12)!;
    expect(v.index).toBe(k);
    expect(v.amount).toBeCloseTo(1, 12);
    expect(v.what).toMatch(/not symmetric/);
    const d = checkInStructure(x, 'diagonal', 1e-12)!;
    expect(d.what).toMatch(/not diagonal/);
  });

  it('reports a non-square tensor for a square structure', () => {
    const v = checkInStructure(new Tensor([2, 3], 'float64', new Float64Array(6)), 'hermitian', 0);
    expect(v?.what).toBe('not a square matrix');
  });
});

describe('structureDirections', () => {
  const cases: [StructureKind, boolean, number][] = [
    ['general', false, 9],
    ['general', true, 18],
    ['symmetric', false, 6],
    ['symmetric', true, 12],
    ['hermitian', true, 9],
    ['diagonal', false, 3],
    ['diagonal', true, 6],
    ['real', true, 9],
  ];
  for (const [s, complex, count] of cases) {
    it(`spans the ${count} real dimensions of ${complex ? 'complex' : 'real'} ${s} 3×3 matrices and rebuilds a gradient in the structure`, () => {
      const x = randomBatch(11, 1, 3, complex);
      const dirs = structureDirections(x, s);
      expect(dirs.length).toBe(count);
      // L(X) = Re tr(Gᴴ X) for a G in the structure: its derivative along E is Σ (G.re·E.re + G.im·E.im); assembling
      // those derivatives must give back G
      const g = projectRaw(randomBatch(12, 1, 3, complex), s);
      const gre = new Float64Array(9);
      const gim = complex ? new Float64Array(9) : undefined;
      for (const d of dirs) {
        let deriv = 0;
        for (const e of d.entries) deriv += g.data[e.index]! * e.re + (g.im?.[e.index] ?? 0) * e.im;
        d.assign(deriv, gre, gim);
      }
      for (let k = 0; k < 9; k++) {
        expect(gre[k]).toBeCloseTo(g.data[k]!, 14);
        if (gim) expect(gim[k]).toBeCloseTo(g.im![k]!, 14);
      }
    });
  }
});
