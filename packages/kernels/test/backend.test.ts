import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RESERVATION,
  FALLBACK_RESERVATION,
  arenaBytes,
  getBackend,
  getMemoryReservation,
  ready,
  reserveMemory,
  setBackend,
  setMemoryReservation,
  wasmCallCount,
  wasmHeap,
  wasmStatus,
  withWasm,
  type MemoryDescriptor,
} from '../src/backend.js';
import { WasmHeap } from '../src/heap.js';
import { gemm } from '../src/matmul.js';
import { decodeBase64 } from '../src/wasm/base64.js';
import { randomF64, rng } from './matmul-helpers.js';

afterEach(() => setBackend('auto'));

describe('loading in Node', () => {
  it('compiles the module synchronously at import, so WASM runs before ready() is awaited', () => {
    expect(wasmStatus()).toBe('ready');
    setBackend('wasm');
    const calls = wasmCallCount();
    const C = gemm(false, false, 2, 2, 2, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]));
    expect(wasmCallCount()).toBe(calls + 1);
    expect(Array.from(C)).toEqual([19, 22, 43, 50]);
  });

  it('ready() resolves with the default 256 MiB requested (64 MiB if the runtime refused it)', async () => {
    await ready();
    expect(wasmStatus()).toBe('ready');
    const { requested, reserved } = getMemoryReservation();
    expect(requested).toBe(DEFAULT_RESERVATION);
    expect([DEFAULT_RESERVATION, FALLBACK_RESERVATION]).toContain(reserved);
  });
});

describe('backend switch', () => {
  it('accepts auto, typescript and wasm and rejects anything else', () => {
    for (const b of ['typescript', 'wasm', 'auto'] as const) {
      setBackend(b);
      expect(getBackend()).toBe(b);
    }
    expect(() => setBackend('gpu' as 'auto')).toThrow(/expected 'auto', 'typescript' or 'wasm', got "gpu"/);
    expect(getBackend()).toBe('auto');
  });

  it('forcing typescript keeps every call out of WASM, whatever its size', () => {
    setBackend('typescript');
    const calls = wasmCallCount();
    const A = randomF64(rng(1), 128 * 128);
    gemm(false, false, 128, 128, 128, A, A);
    expect(wasmCallCount()).toBe(calls);
    expect(withWasm(64, () => 1)).toBeUndefined();
  });

  it('honours AD_KERNELS=typescript, read once when the module loads', async () => {
    const saved = process.env['AD_KERNELS'];
    try {
      process.env['AD_KERNELS'] = 'typescript';
      vi.resetModules();
      const fresh = await import('../src/index.js');
      const freshBackend = await import('../src/backend.js');
      expect(fresh.getBackend()).toBe('typescript');
      fresh.gemm(false, false, 64, 64, 64, new Float64Array(4096), new Float64Array(4096));
      expect(freshBackend.wasmCallCount()).toBe(0);
      process.env['AD_KERNELS'] = 'auto'; // read once: changing it later has no effect
      expect(fresh.getBackend()).toBe('typescript');

      process.env['AD_KERNELS'] = 'fast';
      vi.resetModules();
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const other = await import('../src/backend.js');
      expect(other.getBackend()).toBe('auto');
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/ignoring AD_KERNELS="fast"/));
      warn.mockRestore();
    } finally {
      if (saved === undefined) delete process.env['AD_KERNELS'];
      else process.env['AD_KERNELS'] = saved;
      vi.resetModules();
    }
  });
});

describe('memory reservation', () => {
  it('reserves with maximum = initial, so the memory can never grow (and never detach its buffer)', () => {
    const { memory, bytes } = reserveMemory(4 * 65536);
    expect(bytes).toBe(4 * 65536);
    const buffer = memory.buffer;
    expect(() => memory.grow(1)).toThrow(RangeError);
    expect(memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(4 * 65536);
  });

  it('falls back to 64 MiB when the runtime refuses the requested size', () => {
    const asked: number[] = [];
    const create = (d: MemoryDescriptor) => {
      asked.push(d.initial);
      if (d.initial * 65536 > FALLBACK_RESERVATION) throw new RangeError('could not allocate memory');
      return new WebAssembly.Memory({ initial: 1, maximum: 1 }); // stand-in: the size is what is checked
    };
    const r = reserveMemory(DEFAULT_RESERVATION, create);
    expect(r.bytes).toBe(FALLBACK_RESERVATION);
    expect(asked).toEqual([DEFAULT_RESERVATION / 65536, FALLBACK_RESERVATION / 65536]);
    expect(() =>
      reserveMemory(DEFAULT_RESERVATION, () => {
        throw new RangeError('no');
      }),
    ).toThrow(/refused a WebAssembly memory reservation \(256 MiB: no; 64 MiB: no\)/);
  });

  it('runs a product whose data does not fit the reservation on the TypeScript path, with the same result', () => {
    try {
      setMemoryReservation(1 << 20); // 1 MiB: one 256×256 f64 operand is 512 KiB
      expect(getMemoryReservation().requested).toBe(1 << 20);
      setBackend('wasm');
      const n = 256;
      const A = randomF64(rng(2), n * n);
      const B = randomF64(rng(3), n * n);
      let calls = wasmCallCount();
      const big = gemm(false, false, n, n, n, A, B);
      expect(wasmCallCount(), 'too large for 1 MiB: TypeScript path').toBe(calls);
      expect(getMemoryReservation().reserved).toBe(1 << 20);
      setBackend('typescript');
      expect(big).toEqual(gemm(false, false, n, n, n, A, B));
      setBackend('wasm');
      calls = wasmCallCount();
      gemm(false, false, 64, 64, 64, A, B); // 3 × 32 KiB + scratch fits
      expect(wasmCallCount()).toBe(calls + 1);
    } finally {
      setMemoryReservation(DEFAULT_RESERVATION);
    }
    expect(getMemoryReservation().requested).toBe(DEFAULT_RESERVATION);
  });

  it('validates the requested size and refuses to change it while a WASM kernel runs', () => {
    expect(() => setMemoryReservation(1000)).toThrow(/between 65536 and 4294967296/);
    expect(() => setMemoryReservation(2 ** 33)).toThrow(RangeError);
    expect(withWasm(64, () => expect(() => setMemoryReservation(1 << 20)).toThrow(/while a WASM kernel runs/))).not.toBe(
      undefined,
    );
  });
});

describe('WasmHeap (first-fit free list)', () => {
  it('hands out 64-byte aligned, non-overlapping blocks and returns 0 when nothing fits', () => {
    const heap = new WasmHeap(1000, 1000 + 64 * 10);
    expect(heap.start % 64).toBe(0);
    const a = heap.alloc(1);
    const b = heap.alloc(65);
    const c = heap.alloc(64);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(heap.sizeOf(a)).toBe(64);
    expect(heap.sizeOf(b)).toBe(128);
    expect(b).toBeGreaterThanOrEqual(a + 64);
    expect(c).toBeGreaterThanOrEqual(b + 128);
    expect(heap.alloc(heap.largestFree() + 1)).toBe(0);
    expect(heap.usedBytes()).toBe(256);
  });

  it('coalesces freed neighbours in any order, restoring one free range', () => {
    const heap = new WasmHeap(64, 64 + 64 * 100);
    const total = heap.largestFree();
    const blocks = [10, 200, 64, 3000, 1].map((s) => heap.alloc(s));
    for (const i of [1, 3, 0, 4, 2]) heap.free(blocks[i]!);
    expect(heap.largestFree()).toBe(total);
    expect(heap.usedBytes()).toBe(0);
    // a freed hole is reused first-fit
    const x = heap.alloc(128);
    const y = heap.alloc(128);
    heap.free(x);
    expect(heap.alloc(64)).toBe(x);
    expect(y).toBe(x + 128);
  });

  it('rejects freeing a pointer that is not a live block', () => {
    const heap = new WasmHeap(64, 64 * 10);
    const p = heap.alloc(64);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(/not an allocated block/);
    expect(() => heap.alloc(-1)).toThrow(RangeError);
  });
});

describe('withWasm arenas', () => {
  it('copies typed arrays in and out, and releases the arena afterwards', () => {
    const heap = wasmHeap();
    const before = heap?.usedBytes() ?? 0;
    const f64 = new Float64Array([1.5, -2, 3e300]);
    const f32 = new Float32Array([0.25, 7]);
    const i32 = new Int32Array([-1, 2 ** 31 - 1]);
    const u8 = new Uint8Array([0, 255, 7]);
    const out = withWasm(arenaBytes(f64.byteLength, f32.byteLength, i32.byteLength, u8.byteLength), (_w, arena) => {
      const p = [arena.put(f64), arena.put(f32), arena.put(i32), arena.put(u8)];
      expect(p.every((x) => x % 64 === 0)).toBe(true);
      expect(Array.from(arena.f64(p[0]!, 3))).toEqual([1.5, -2, 3e300]);
      return {
        f64: arena.get(p[0]!, new Float64Array(3)),
        f32: arena.get(p[1]!, new Float32Array(2)),
        i32: arena.get(p[2]!, new Int32Array(2)),
        u8: arena.get(p[3]!, new Uint8Array(3)),
      };
    });
    expect(out).toEqual({ f64, f32, i32, u8 });
    expect(wasmHeap()?.usedBytes()).toBe(before);
  });

  it('throws when a kernel takes more than it declared, and still releases the arena', () => {
    const before = wasmHeap()?.usedBytes() ?? 0;
    expect(() => withWasm(128, (_w, arena) => (arena.alloc(64), arena.alloc(64), arena.alloc(1)))).toThrow(
      /exceed the arena/,
    );
    expect(wasmHeap()?.usedBytes()).toBe(before);
  });

  it('gives nested calls disjoint arenas', () => {
    const r = withWasm(256, (_w, outer) => {
      const a = outer.alloc(256);
      const b = withWasm(256, (_w2, inner) => inner.alloc(256));
      return [a, b!];
    });
    expect(r).toBeDefined();
    const [a, b] = r!;
    expect(Math.abs(a! - b!)).toBeGreaterThanOrEqual(256);
  });

  it('returns undefined (the caller then runs TypeScript) when the request exceeds the free reservation', () => {
    expect(withWasm(DEFAULT_RESERVATION, () => 1)).toBeUndefined();
  });

  it('computes the arena size from the module when given a function', () => {
    const r = withWasm(
      (w) => w['dgemmWorkBytes']!(4, 4, 4),
      (w, arena) => arena.alloc(w['dgemmWorkBytes']!(4, 4, 4)),
    );
    expect(typeof r).toBe('number');
  });
});

describe('decodeBase64', () => {
  it('decodes what Buffer encodes, for every length modulo 3, and rejects foreign characters', () => {
    const rand = rng(4);
    for (let len = 0; len < 40; len++) {
      const bytes = Uint8Array.from({ length: len }, () => Math.floor((rand() + 1) * 128));
      expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    }
    expect(() => decodeBase64('AG*z')).toThrow(/invalid character "\*" at offset 2/);
  });
});
