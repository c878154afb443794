import { Matrix } from 'ml-matrix';
import { afterEach, describe, expect, it } from 'vitest';
import { gemm, gemmBatched, setBackend, zgemm, type Backend } from '../src/index.js';
import { EPS32, EPS64, naiveGemm, randomF32, randomF64, rng, worstRatio } from './matmul-helpers.js';

afterEach(() => setBackend('auto'));

const shapes: [number, number, number][] = [
  [1, 1, 1],
  [1, 9, 5],
  [9, 1, 5],
  [6, 7, 1],
  [2, 3, 4],
  [7, 13, 11],
  [17, 19, 23],
  [33, 31, 29],
  [97, 9, 258], // crosses the WASM row block (96) and the inner block (256) by one or two
  [121, 5, 7], // crosses the TypeScript row block (120)
  [3, 2049, 2], // crosses the WASM column block (2048)
  [64, 64, 64],
];

describe.each<Backend>(['auto', 'typescript', 'wasm'])('gemm on the %s backend', (backend) => {
  it('matches the naive triple loop for every transpose combination and awkward shapes (float64)', () => {
    setBackend(backend);
    const rand = rng(1);
    for (const [m, n, k] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const A = randomF64(rand, m * k);
          const B = randomF64(rand, k * n);
          const C = gemm(tA, tB, m, n, k, A, B);
          const ref = naiveGemm(tA, tB, m, n, k, A, B);
          const { ratio } = worstRatio(C, ref.C, ref.abs, k, EPS64);
          expect(ratio, `m=${m} n=${n} k=${k} tA=${tA} tB=${tB}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('matches the naive triple loop in float32 within 4·k·ε₃₂·(|A|·|B|)', () => {
    setBackend(backend);
    const rand = rng(2);
    for (const [m, n, k] of shapes) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const A = randomF32(rand, m * k);
          const B = randomF32(rand, k * n);
          const C = gemm(tA, tB, m, n, k, A, B);
          expect(C).toBeInstanceOf(Float32Array);
          const ref = naiveGemm(tA, tB, m, n, k, A, B);
          const { ratio } = worstRatio(C, ref.C, ref.abs, k, EPS32);
          expect(ratio, `m=${m} n=${n} k=${k} tA=${tA} tB=${tB}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('agrees with ml-matrix mmul on a 40×50 by 50×30 product', () => {
    setBackend(backend);
    const rand = rng(3);
    const A = randomF64(rand, 40 * 50);
    const B = randomF64(rand, 50 * 30);
    const mA = new Matrix(40, 50);
    const mB = new Matrix(50, 30);
    for (let i = 0; i < 40; i++) for (let p = 0; p < 50; p++) mA.set(i, p, A[i * 50 + p]!);
    for (let p = 0; p < 50; p++) for (let j = 0; j < 30; j++) mB.set(p, j, B[p * 30 + j]!);
    const ref = mA.mmul(mB);
    const C = gemm(false, false, 40, 30, 50, A, B);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 30; j++) expect(C[i * 30 + j]).toBeCloseTo(ref.get(i, j), 12);
    // AᵀA through transA against ml-matrix's transpose().mmul
    const AtA = gemm(true, false, 50, 50, 40, A, A);
    const refAtA = mA.transpose().mmul(mA);
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) expect(AtA[i * 50 + j]).toBeCloseTo(refAtA.get(i, j), 12);
  });

  it('batches products with per-item strides and broadcasts an operand with stride 0', () => {
    setBackend(backend);
    const rand = rng(4);
    const [batch, m, n, k] = [5, 6, 7, 8];
    for (const [sA, sB] of [
      [m * k, k * n],
      [0, k * n],
      [m * k, 0],
      [m * k + 3, k * n + 1], // padded strides
    ] as const) {
      const A = randomF64(rand, (batch - 1) * sA + m * k);
      const B = randomF64(rand, (batch - 1) * sB + k * n);
      const C = gemmBatched(batch, false, true, m, n, k, A, sA, B, sB);
      expect(C.length).toBe(batch * m * n);
      for (let b = 0; b < batch; b++) {
        const ref = naiveGemm(false, true, m, n, k, A, B, b * sA, b * sB);
        const { ratio } = worstRatio(C.subarray(b * m * n, (b + 1) * m * n), ref.C, ref.abs, k, EPS64);
        expect(ratio, `item ${b}, strides ${sA}/${sB}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('computes complex products for N, T and C (conjugate transpose) on both operands', () => {
    setBackend(backend);
    const rand = rng(5);
    const [m, n, k] = [5, 4, 6];
    for (const tA of ['N', 'T', 'C'] as const) {
      for (const tB of ['N', 'T', 'C'] as const) {
        const Are = randomF64(rand, m * k);
        const Aim = randomF64(rand, m * k);
        const Bre = randomF64(rand, k * n);
        const Bim = randomF64(rand, k * n);
        const { re, im } = zgemm(tA, tB, m, n, k, Are, Aim, Bre, Bim);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let sr = 0;
            let si = 0;
            for (let p = 0; p < k; p++) {
              const ai = tA === 'N' ? i * k + p : p * m + i;
              const bi = tB === 'N' ? p * n + j : j * k + p;
              const ar = Are[ai]!;
              const aim = tA === 'C' ? -Aim[ai]! : Aim[ai]!;
              const br = Bre[bi]!;
              const bim = tB === 'C' ? -Bim[bi]! : Bim[bi]!;
              sr += ar * br - aim * bim;
              si += ar * bim + aim * br;
            }
            expect(re[i * n + j]).toBeCloseTo(sr, 13);
            expect(im[i * n + j]).toBeCloseTo(si, 13);
          }
        }
      }
    }
  });
});

describe('gemm contract', () => {
  it('writes into a given C, overwriting (not accumulating) it, and returns it', () => {
    const A = new Float64Array([1, 2, 3, 4]);
    const B = new Float64Array([5, 6, 7, 8]);
    const C = new Float64Array([100, 100, 100, 100]);
    const out = gemm(false, false, 2, 2, 2, A, B, C);
    expect(out).toBe(C);
    expect(Array.from(C)).toEqual([19, 22, 43, 50]);
  });

  it('gives zeros for k = 0 and an empty result for m = 0 or n = 0', () => {
    const C = gemm(false, false, 2, 3, 0, new Float64Array(0), new Float64Array(0), new Float64Array(6).fill(7));
    expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(gemm(false, false, 0, 3, 2, new Float64Array(0), new Float64Array(6)).length).toBe(0);
    expect(gemmBatched(0, false, false, 2, 2, 2, new Float64Array(0), 4, new Float64Array(0), 4).length).toBe(0);
  });

  it('propagates NaN and Inf like the triple loop, on both paths', () => {
    const rand = rng(6);
    const [m, n, k] = [7, 9, 5];
    const A = randomF64(rand, m * k);
    const B = randomF64(rand, k * n);
    A[3] = NaN;
    A[12] = Infinity;
    B[20] = -Infinity;
    B[7] = 0;
    A[2 * k + 1] = 0; // 0·(−Inf) in row 2 if it meets B[20]
    const ref = naiveGemm(false, false, m, n, k, A, B).C;
    expect(ref.some(Number.isNaN) && ref.some((x) => x === Infinity) && ref.some((x) => x === -Infinity)).toBe(true);
    for (const backend of ['typescript', 'wasm'] as const) {
      setBackend(backend);
      const C = gemm(false, false, m, n, k, A, B);
      for (let i = 0; i < m * n; i++) {
        if (Number.isFinite(ref[i])) expect(C[i], `${backend} entry ${i}`).toBeCloseTo(ref[i]!, 13);
        else expect(C[i], `${backend} entry ${i}`).toBe(ref[i]);
      }
    }
  });

  it('rejects bad sizes, short operands and mixed dtypes with messages naming the argument', () => {
    const a = new Float64Array(6);
    expect(() => gemm(false, false, 2, 2, 3, a, new Float64Array(5))).toThrow(/gemm: B has 5 elements, expected at least 6/);
    expect(() => gemm(false, false, -1, 2, 3, a, a)).toThrow(/gemm: m must be a non-negative integer/);
    expect(() => gemm(false, false, 1.5, 2, 3, a, a)).toThrow(RangeError);
    expect(() => gemm(false, false, 2, 3, 3, a, new Float32Array(9) as unknown as Float64Array)).toThrow(/same type/);
    expect(() => gemm(false, false, 2, 3, 3, a, new Float64Array(9), new Float64Array(5))).toThrow(/C has 5 elements/);
    expect(() => gemmBatched(2, false, false, 2, 2, 2, new Float64Array(7), 4, new Float64Array(8), 4)).toThrow(
      /gemmBatched: A has 7 elements, expected at least 8/,
    );
    expect(() => gemmBatched(2, false, false, 2, 2, 2, a, -1, a, 0)).toThrow(/strideA/);
    expect(() => zgemm('X' as 'N', 'N', 1, 1, 1, a, a, a, a)).toThrow(/transA must be 'N', 'T' or 'C'/);
    expect(() => zgemm('N', 'N', 1, 1, 1, a, a, a, new Float32Array(1) as unknown as Float64Array)).toThrow(/Bim must be a Float64Array/);
  });
});
