import { afterEach, describe, expect, it } from 'vitest';
import { GEMM_CROSSOVER, gemm, gemmBatched, ready, setBackend, wasmStatus } from '../src/index.js';
import { wasmCallCount } from '../src/backend.js';
import { EPS32, EPS64, naiveGemm, randomF32, randomF64, rng, worstRatio } from './matmul-helpers.js';

afterEach(() => setBackend('auto'));

type Dtype = 'float64' | 'float32';

// Runs one product on each path, checking that the intended path ran.
function bothPaths<T extends Float64Array | Float32Array>(run: () => T): { ts: T; wasm: T } {
  setBackend('typescript');
  let calls = wasmCallCount();
  const ts = run();
  expect(wasmCallCount(), 'TypeScript path must not enter WASM').toBe(calls);
  setBackend('wasm');
  calls = wasmCallCount();
  const wasm = run();
  expect(wasmCallCount(), 'WASM path must run in WASM').toBe(calls + 1);
  setBackend('auto');
  return { ts, wasm };
}

const awkward: [number, number, number][] = [
  [1, 1, 1],
  [1, 37, 1],
  [1, 1, 37],
  [1, 29, 31],
  [29, 1, 31],
  [31, 29, 1],
  [2, 8, 3],
  [3, 17, 5],
  [13, 17, 19],
  [37, 41, 43],
  [95, 97, 101],
  [96, 96, 256],
  [97, 7, 257],
  [4, 513, 9],
  [513, 3, 2],
  [5, 2049, 3],
];

describe('WASM and TypeScript paths agree within 4·k·ε·(|A|·|B|) elementwise', () => {
  it('the module is ready in Node', async () => {
    await ready();
    expect(wasmStatus()).toBe('ready');
  });

  for (const dtype of ['float64', 'float32'] as Dtype[]) {
    const eps = dtype === 'float64' ? EPS64 : EPS32;
    const random = (r: () => number, len: number) => (dtype === 'float64' ? randomF64(r, len) : randomF32(r, len));

    it(`on awkward shapes (1×1, 1×n, n×1, primes, block edges ±1) and every transpose, ${dtype}`, () => {
      const rand = rng(dtype === 'float64' ? 11 : 12);
      for (const [m, n, k] of awkward) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            const A = random(rand, m * k);
            const B = random(rand, k * n);
            const { ts, wasm } = bothPaths(() => gemm(tA, tB, m, n, k, A, B));
            const { abs } = naiveGemm(tA, tB, m, n, k, A, B);
            const { ratio, index } = worstRatio(wasm, ts, abs, k, eps);
            expect(ratio, `m=${m} n=${n} k=${k} tA=${tA} tB=${tB} at ${index}`).toBeLessThanOrEqual(1);
          }
        }
      }
    });

    it(`at n = 513 (one past a power of two) with both operands transposed, ${dtype}`, () => {
      const rand = rng(dtype === 'float64' ? 13 : 14);
      const n = 513;
      const A = random(rand, n * n);
      const B = random(rand, n * n);
      const { ts, wasm } = bothPaths(() => gemm(true, true, n, n, n, A, B));
      // Bound |Aᵀ|·|Bᵀ| on a sample of rows (the full triple loop is 0.3 GFLOP; rows 0, 1, 256, 511, 512 suffice).
      for (const i of [0, 1, 256, 511, 512]) {
        for (let j = 0; j < n; j++) {
          let t = 0;
          for (let p = 0; p < n; p++) t += Math.abs(A[p * n + i]!) * Math.abs(B[j * n + p]!);
          const d = Math.abs(wasm[i * n + j]! - ts[i * n + j]!);
          expect(d, `(${i}, ${j})`).toBeLessThanOrEqual(4 * n * eps * t);
        }
      }
    });

    it(`on batched products, including broadcast operands (stride 0), ${dtype}`, () => {
      const rand = rng(dtype === 'float64' ? 15 : 16);
      const [batch, m, n, k] = [4, 9, 10, 11];
      for (const [sA, sB] of [
        [m * k, k * n],
        [0, k * n],
        [m * k, 0],
        [0, 0],
      ] as const) {
        for (const tA of [false, true]) {
          const A = random(rand, (batch - 1) * sA + m * k);
          const B = random(rand, (batch - 1) * sB + k * n);
          const { ts, wasm } = bothPaths(() => gemmBatched(batch, tA, false, m, n, k, A, sA, B, sB));
          for (let b = 0; b < batch; b++) {
            const { abs } = naiveGemm(tA, false, m, n, k, A, B, b * sA, b * sB);
            const range = [b * m * n, (b + 1) * m * n] as const;
            const { ratio } = worstRatio(wasm.subarray(...range), ts.subarray(...range), abs, k, eps);
            expect(ratio, `item ${b}, strides ${sA}/${sB}, tA=${tA}`).toBeLessThanOrEqual(1);
          }
        }
      }
    });
  }

  it('on entries of very different magnitudes (the bound is elementwise, not normwise)', () => {
    const rand = rng(17);
    const [m, n, k] = [20, 30, 40];
    const A = randomF64(rand, m * k).map((x, i) => x * 10 ** ((i % 7) * 3 - 9));
    const B = randomF64(rand, k * n).map((x, i) => x * 10 ** ((i % 5) * 4 - 8));
    const { ts, wasm } = bothPaths(() => gemm(false, false, m, n, k, A, B));
    const { abs } = naiveGemm(false, false, m, n, k, A, B);
    expect(worstRatio(wasm, ts, abs, k, EPS64).ratio).toBeLessThanOrEqual(1);
  });
});

describe('automatic path selection', () => {
  it('keeps products below the crossover on the TypeScript path and sends larger ones to WASM', () => {
    setBackend('auto');
    const side = Math.floor(Math.cbrt(GEMM_CROSSOVER - 1));
    const small = randomF64(rng(18), side * side);
    let calls = wasmCallCount();
    gemm(false, false, side, side, side, small, small);
    expect(side ** 3).toBeLessThan(GEMM_CROSSOVER);
    expect(wasmCallCount()).toBe(calls);
    const big = randomF64(rng(19), 64 * 64);
    calls = wasmCallCount();
    gemm(false, false, 64, 64, 64, big, big);
    expect(wasmCallCount()).toBe(calls + 1);
  });
});
