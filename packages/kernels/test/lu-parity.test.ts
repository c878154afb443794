import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready, setBackend, wasmCallCount, wasmStatus } from '../src/backend.js';
import { LU_CROSSOVER, luFactor, luSolve } from '../src/lu.js';
import { randomMatrix } from './eig-helpers.js';

beforeAll(async () => {
  await ready();
});
afterEach(() => setBackend('auto'));

describe('luFactor: WASM-SIMD and TypeScript paths', () => {
  it('factor real matrices bitwise alike (same operations in the same order)', () => {
    expect(wasmStatus()).toBe('ready');
    for (const n of [1, 5, LU_CROSSOVER, 33, 100]) {
      const A = randomMatrix(n, 70 + n);
      setBackend('typescript');
      const ts = luFactor(A, null, n);
      setBackend('wasm');
      const before = wasmCallCount();
      const wasm = luFactor(A, null, n);
      expect(wasmCallCount() - before).toBe(1);
      expect(wasm.info).toBe(ts.info);
      expect(Array.from(wasm.piv)).toEqual(Array.from(ts.piv));
      expect(wasm.re).toEqual(ts.re);
      expect(wasm.growth).toBe(ts.growth);
    }
  });

  it('reports the same singular pivot on both paths', () => {
    const n = 20;
    const A = randomMatrix(n, 3);
    for (let j = 0; j < n; j++) A[7 * n + j] = 2 * A[3 * n + j]!; // row 7 = 2·row 3
    for (let j = 0; j < n; j++) A[11 * n + j] = 0;
    setBackend('typescript');
    const ts = luFactor(A, null, n);
    setBackend('wasm');
    const wasm = luFactor(A, null, n);
    expect(ts.info).toBeGreaterThan(0);
    expect(wasm.info).toBe(ts.info);
    expect(() => luSolve(wasm, new Float64Array(n), null, 1)).toThrow(RangeError);
  });

  it('uses WASM under the auto backend only from LU_CROSSOVER on, and never for complex matrices', () => {
    setBackend('auto');
    let before = wasmCallCount();
    luFactor(randomMatrix(LU_CROSSOVER - 1, 1), null, LU_CROSSOVER - 1);
    expect(wasmCallCount() - before).toBe(0);
    luFactor(randomMatrix(LU_CROSSOVER, 1), null, LU_CROSSOVER);
    expect(wasmCallCount() - before).toBe(1);
    before = wasmCallCount();
    luFactor(randomMatrix(40, 1), randomMatrix(40, 2), 40);
    expect(wasmCallCount() - before).toBe(0);
  });
});
