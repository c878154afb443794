/**
 * Loading of the WebAssembly-SIMD module, the backend switch, the one memory reservation and the arena API through
 * which kernels call into WASM.
 *
 * Lifecycle:
 * - At import the runtime is probed (`WebAssembly.validate` on a tiny SIMD module). In Node the module is compiled
 *   synchronously right there (no top-level await) and instantiated on first use; the memory is reserved then.
 * - Elsewhere (browsers, workers, embedded engines) compilation and instantiation are asynchronous: browsers may refuse
 *   synchronous compilation of modules over 4 KB on the main thread. Until {@link ready} resolves, every kernel runs
 *   its TypeScript path.
 * - One memory is reserved once, at full size (default 256 MiB, falling back to 64 MiB if the runtime refuses), and
 *   never grown: growing detaches its ArrayBuffer, and any detach slows every typed-array loop in the process by
 *   15–40 % for the rest of its life. Pages are committed by the OS only when touched.
 * - A call whose data does not fit what is free in the reservation runs on the TypeScript path.
 */
import { WasmHeap, alignBytes } from './heap.js';
import { decodeBase64 } from './wasm/base64.js';
import { simdWasmBase64 } from './wasm/simd.generated.js';

/** Which implementation kernels use: `'auto'` (WASM where available and worthwhile), or one path forced. */
export type Backend = 'auto' | 'typescript' | 'wasm';

/**
 * State of the WASM module: `'ready'` usable now; `'pending'` still compiling (browsers); `'unsupported'` the runtime
 * has no WebAssembly SIMD; `'failed'` compilation or the memory reservation failed (see {@link wasmError}).
 */
export type WasmStatus = 'ready' | 'pending' | 'unsupported' | 'failed';

const MiB = 1 << 20;
const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE; // wasm32: 4 GiB

/** Default memory reservation: 256 MiB. */
export const DEFAULT_RESERVATION = 256 * MiB;
/** Reservation tried when the runtime refuses a larger one: 64 MiB. */
export const FALLBACK_RESERVATION = 64 * MiB;

/** A function exported by the WASM module: integer/float arguments (pointers are byte offsets). */
export type WasmFunction = (...args: number[]) => number;
/** The WASM module's exports, by name (`dgemm`, `sgemm`, …; see assembly/index.ts). */
export type WasmExports = Readonly<Record<string, WasmFunction>>;

interface Loaded {
  readonly exports: WasmExports;
  readonly heap: WasmHeap;
  readonly reserved: number;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

// (i32.const 0; i8x16.splat; i8x16.popcnt) returning v128: validates only where SIMD is implemented.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

let backend: Backend = backendFromEnvironment();
let status: WasmStatus = 'pending';
let failure: unknown;
let compiled: WebAssembly.Module | undefined;
let loaded: Loaded | undefined;
let requestedBytes = DEFAULT_RESERVATION;
let readyPromise: Promise<void> = Promise.resolve();
let depth = 0;
let wasmCalls = 0;
let generation = 0; // bumped by setMemoryReservation: a stale asynchronous instantiation is discarded
const synchronous = isNode();

start();

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

// Reads AD_KERNELS once at load (Node and other runtimes with a `process.env`).
function backendFromEnvironment(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['AD_KERNELS'];
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'typescript' || value === 'wasm') return value;
  console.warn(`@ad/kernels: ignoring AD_KERNELS=${JSON.stringify(value)} (expected auto, typescript or wasm)`);
  return 'auto';
}

function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function fail(e: unknown): void {
  status = 'failed';
  failure = e;
  loaded = undefined;
}

function start(): void {
  if (!simdSupported()) {
    status = 'unsupported';
    return;
  }
  const bytes = decodeBase64(simdWasmBase64);
  if (synchronous) {
    try {
      compiled = new WebAssembly.Module(bytes);
      status = 'ready';
    } catch (e) {
      fail(e);
    }
    return;
  }
  status = 'pending';
  readyPromise = WebAssembly.compile(bytes).then(
    (m) => {
      compiled = m;
      return instantiateAsync(m);
    },
    (e: unknown) => fail(e),
  );
}

function imports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: (msg: number, file: number, line: number, column: number) => {
        throw new Error(`@ad/kernels: WASM abort: ${readString(memory, msg)} (${readString(memory, file)}:${line}:${column})`);
      },
    },
  };
}

// AssemblyScript strings: UTF-16 code units, byte length stored in the 4 bytes before the pointer.
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr < 4 || ptr + 4 > memory.buffer.byteLength) return '';
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0]! >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, Math.min(len, 1000)));
}

/** Memory constructor argument, as `WebAssembly.Memory` takes it. */
export interface MemoryDescriptor {
  initial: number;
  maximum: number;
}

/**
 * Reserves the WASM memory: `bytes` (rounded up to 64 KiB pages) with maximum = initial, so it can never grow;
 * if the runtime refuses, {@link FALLBACK_RESERVATION} (when smaller). Throws when even that is refused.
 * `create` is injectable for tests.
 */
export function reserveMemory(
  bytes: number,
  create: (d: MemoryDescriptor) => WebAssembly.Memory = (d) => new WebAssembly.Memory(d),
): { memory: WebAssembly.Memory; bytes: number } {
  const sizes = bytes > FALLBACK_RESERVATION ? [bytes, FALLBACK_RESERVATION] : [bytes];
  const errors: string[] = [];
  for (const size of sizes) {
    const pages = Math.ceil(size / PAGE);
    try {
      return { memory: create({ initial: pages, maximum: pages }), bytes: pages * PAGE };
    } catch (e) {
      errors.push(`${size / MiB} MiB: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new RangeError(`@ad/kernels: the runtime refused a WebAssembly memory reservation (${errors.join('; ')})`);
}

function finish(instance: WebAssembly.Instance, memory: WebAssembly.Memory, reserved: number): Loaded {
  const exports = instance.exports as unknown as WasmExports;
  const base = exports['heapBase']!();
  const buffer = memory.buffer;
  return {
    exports,
    heap: new WasmHeap(base, reserved),
    reserved,
    u8: new Uint8Array(buffer),
    i32: new Int32Array(buffer),
    f32: new Float32Array(buffer),
    f64: new Float64Array(buffer),
  };
}

function instantiateSync(): void {
  if (loaded || !compiled || status !== 'ready') return;
  try {
    const { memory, bytes } = reserveMemory(requestedBytes);
    loaded = finish(new WebAssembly.Instance(compiled, imports(memory)), memory, bytes);
  } catch (e) {
    fail(e);
  }
}

async function instantiateAsync(m: WebAssembly.Module): Promise<void> {
  const gen = generation;
  try {
    const { memory, bytes } = reserveMemory(requestedBytes);
    const instance = await WebAssembly.instantiate(m, imports(memory));
    if (gen !== generation) return;
    loaded = finish(instance, memory, bytes);
    status = 'ready';
  } catch (e) {
    if (gen === generation) fail(e);
  }
}

/**
 * Resolves once the WASM module is usable or known to be unusable; never rejects (the TypeScript path always works).
 *
 * **Method**: in Node the module is compiled synchronously at import, and `ready()` instantiates it (reserving the
 * memory) if no kernel has yet; in browsers it resolves when the asynchronous compilation and instantiation started at
 * import (or by {@link setMemoryReservation}) settle. Check {@link wasmStatus} afterwards to learn the outcome.
 *
 * **Numerical notes**: both paths agree to rounding (elementwise within 4·k·ε·(|A|·|B|) for a product of inner size
 * k), so awaiting is about speed only.
 *
 * **References**: WebAssembly JS API, `WebAssembly.compile` / `WebAssembly.instantiate`.
 *
 * @example
 * ```ts
 * await ready();
 * wasmStatus(); // 'ready' where WebAssembly SIMD is available
 * ```
 */
export function ready(): Promise<void> {
  if (synchronous) {
    instantiateSync();
    return Promise.resolve();
  }
  return readyPromise;
}

/**
 * Current state of the WASM module.
 *
 * **Method**: `'unsupported'` when `WebAssembly.validate` rejects a SIMD probe; `'pending'` while an asynchronous
 * compilation or instantiation runs; `'failed'` when either threw or no memory could be reserved; else `'ready'`.
 *
 * **Numerical notes**: in Node `'ready'` is reported as soon as the module is compiled; the memory is reserved on
 * first use, and a refusal there turns the status to `'failed'`.
 *
 * **References**: see {@link ready}.
 *
 * @example
 * ```ts
 * if (wasmStatus() !== 'ready') console.log('kernels run on the TypeScript path');
 * ```
 */
export function wasmStatus(): WasmStatus {
  return status;
}

/**
 * The error that made {@link wasmStatus} `'failed'`, if any.
 *
 * **Method**: the exception thrown by compilation, instantiation or the memory reservation, kept as thrown.
 *
 * **Numerical notes**: none: a failure only means the TypeScript path serves every call.
 *
 * **References**: see {@link ready}.
 *
 * @example
 * ```ts
 * if (wasmStatus() === 'failed') console.warn('@ad/kernels runs without WASM:', wasmError());
 * ```
 */
export function wasmError(): unknown {
  return failure;
}

/**
 * Forces a path for every kernel, or restores automatic selection.
 *
 * **Method**: `'auto'` (default) uses WASM when the module is ready, the data fits the reservation, and the problem
 * is above the kernel's crossover size; `'typescript'` always runs the TypeScript reference (debugging, parity
 * tests); `'wasm'` uses WASM for every size that fits, ignoring crossovers (still TypeScript while a browser is
 * compiling, or for data that does not fit). In Node the environment variable `AD_KERNELS=typescript` (or `wasm`,
 * `auto`) sets the initial value, read once at load.
 *
 * **Numerical notes**: results of the two paths differ by rounding only; the switch never changes an algorithm.
 *
 * **References**: DESIGN.md, "Kernels".
 *
 * @example
 * ```ts
 * setBackend('typescript');
 * const C = gemm(false, false, 2, 2, 2, A, B); // TypeScript reference
 * setBackend('auto');
 * ```
 */
export function setBackend(value: Backend): void {
  if (value !== 'auto' && value !== 'typescript' && value !== 'wasm') {
    throw new TypeError(`setBackend: expected 'auto', 'typescript' or 'wasm', got ${JSON.stringify(value)}`);
  }
  if (value === 'wasm' && (status === 'unsupported' || status === 'failed')) {
    throw new Error(
      `setBackend('wasm'): the WASM module is ${status}` +
        (status === 'unsupported' ? ' (this runtime has no WebAssembly SIMD)' : `: ${String(failure)}`),
    );
  }
  backend = value;
}

/**
 * The current backend setting (see {@link setBackend}).
 *
 * **Method**: returns the value last set, or the one read from `AD_KERNELS` at load (default `'auto'`). It is the
 * request, not the outcome: under `'auto'` or `'wasm'` a call still runs in TypeScript while the module is pending or
 * when its data do not fit; {@link wasmStatus} tells whether WASM is usable.
 *
 * **Numerical notes**: none.
 *
 * **References**: DESIGN.md, "Kernels".
 *
 * @example
 * ```ts
 * const saved = getBackend();
 * setBackend('typescript');
 * try { runParityCheck(); } finally { setBackend(saved); }
 * ```
 */
export function getBackend(): Backend {
  return backend;
}

/**
 * Sets the size of the WASM memory reservation (default 256 MiB), in bytes rounded up to 64 KiB.
 *
 * **Method**: the memory is created with maximum = initial and never grown. If a module is already instantiated it
 * is dropped (not grown: no buffer is detached) and a new one is instantiated with the new size — synchronously on
 * next use in Node, asynchronously elsewhere (await {@link ready}). A runtime that refuses a reservation above 64 MiB
 * gets 64 MiB. Throws if called while a kernel is running in WASM.
 *
 * **Numerical notes**: products whose operands, result and scratch do not fit in the free part of the reservation
 * run on the TypeScript path; nothing else changes. The OS commits pages only when touched, so a large reservation
 * costs address space, not RAM.
 *
 * **References**: WebAssembly JS API, `WebAssembly.Memory({ initial, maximum })`.
 *
 * @example
 * ```ts
 * setMemoryReservation(1024 * 1024 * 1024); // 1 GiB for large batched products
 * await ready();
 * getMemoryReservation(); // { requested: 1073741824, reserved: 1073741824 }
 * ```
 */
export function setMemoryReservation(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < PAGE || bytes > MAX_BYTES) {
    throw new RangeError(`setMemoryReservation: bytes must be between 65536 and 4294967296, got ${bytes}`);
  }
  if (depth > 0) throw new Error('setMemoryReservation: cannot change the reservation while a WASM kernel runs');
  requestedBytes = Math.ceil(bytes / PAGE) * PAGE;
  loaded = undefined;
  generation++;
  if (!compiled) return; // unsupported, still compiling (picks up the new size), or compilation failed
  if (status === 'failed') {
    status = 'ready';
    failure = undefined;
  }
  if (!synchronous) {
    status = 'pending';
    readyPromise = instantiateAsync(compiled);
  }
}

/**
 * Requested and actually reserved bytes of WASM memory.
 *
 * **Method**: `requested` is the last {@link setMemoryReservation} value (default 256 MiB); `reserved` the size of the
 * live memory — the request, or 64 MiB if the runtime refused it, or 0 before instantiation (Node instantiates on
 * first use or {@link ready}) and after a failure.
 *
 * **Numerical notes**: a product whose operands, result and scratch exceed the free part of `reserved` runs on the
 * TypeScript path.
 *
 * **References**: WebAssembly JS API, `WebAssembly.Memory`.
 *
 * @example
 * ```ts
 * await ready();
 * const { reserved } = getMemoryReservation(); // 268435456 where 256 MiB was granted
 * ```
 */
export function getMemoryReservation(): { requested: number; reserved: number } {
  return { requested: requestedBytes, reserved: loaded?.reserved ?? 0 };
}

// ---------------------------------------------------------------------------------------------------------------------
// Internal API for kernel authors (not exported from the package barrel).

/** Typed arrays that can cross the boundary. */
export type WasmArray = Float64Array | Float32Array | Int32Array | Uint8Array;

/**
 * One call's slice of the WASM memory. Pointers are byte offsets, 64-byte aligned. Views are valid until the
 * `withWasm` callback returns; the whole arena is released then.
 */
export interface WasmArena {
  /** Takes `bytes` (rounded up to 64) from the arena; throws if the arena's declared size is exceeded. */
  alloc(bytes: number): number;
  /** Allocates room for `src` and copies it in; returns its pointer. */
  put(src: WasmArray): number;
  /** Copies `dst.length` elements of `dst`'s type from `ptr` into `dst`; returns `dst`. */
  get<T extends WasmArray>(ptr: number, dst: T): T;
  /** Copies all of `src` to `ptr` (already allocated in this arena), without creating a view. */
  write(ptr: number, src: WasmArray): void;
  /** A Float64Array view of `length` elements at `ptr`. */
  f64(ptr: number, length: number): Float64Array;
  /** A Float32Array view of `length` elements at `ptr`. */
  f32(ptr: number, length: number): Float32Array;
  /** An Int32Array view of `length` elements at `ptr`. */
  i32(ptr: number, length: number): Int32Array;
}

/** Bytes an arena needs for blocks of the given byte sizes (each rounded up to 64). */
export function arenaBytes(...sizes: number[]): number {
  let total = 0;
  for (const s of sizes) total += alignBytes(Math.max(s, 1));
  return total;
}

class Arena implements WasmArena {
  private top: number;
  constructor(
    private readonly l: Loaded,
    base: number,
    private readonly end: number,
  ) {
    this.top = base;
  }
  alloc(bytes: number): number {
    const size = alignBytes(Math.max(bytes, 1));
    if (this.top + size > this.end) {
      throw new RangeError(`WasmArena.alloc: ${bytes} bytes exceed the arena (declare them in withWasm's size)`);
    }
    const p = this.top;
    this.top += size;
    return p;
  }
  put(src: WasmArray): number {
    const p = this.alloc(src.byteLength);
    this.write(p, src);
    return p;
  }
  get<T extends WasmArray>(ptr: number, dst: T): T {
    dst.set(this.view(dst, ptr, dst.length) as never);
    return dst;
  }
  write(ptr: number, src: WasmArray): void {
    if (src instanceof Float64Array) this.l.f64.set(src, ptr >> 3);
    else if (src instanceof Float32Array) this.l.f32.set(src, ptr >> 2);
    else if (src instanceof Int32Array) this.l.i32.set(src, ptr >> 2);
    else this.l.u8.set(src, ptr);
  }
  f64(ptr: number, length: number): Float64Array {
    return this.l.f64.subarray(ptr >> 3, (ptr >> 3) + length);
  }
  f32(ptr: number, length: number): Float32Array {
    return this.l.f32.subarray(ptr >> 2, (ptr >> 2) + length);
  }
  i32(ptr: number, length: number): Int32Array {
    return this.l.i32.subarray(ptr >> 2, (ptr >> 2) + length);
  }
  private view(like: WasmArray, ptr: number, length: number): WasmArray {
    if (like instanceof Float64Array) return this.f64(ptr, length);
    if (like instanceof Float32Array) return this.f32(ptr, length);
    if (like instanceof Int32Array) return this.i32(ptr, length);
    return this.l.u8.subarray(ptr, ptr + length);
  }
}

/**
 * Runs `fn` with the WASM exports and an arena of `bytes` bytes, or returns `undefined` (without calling `fn`) when
 * the WASM path is not available: backend forced to `'typescript'`, module not ready, or `bytes` not free in the
 * reservation. The caller then runs its TypeScript path. `fn` should not return `undefined`. `bytes` may be a
 * function of the exports, for kernels whose scratch size the module computes (`dgemmWorkBytes`).
 *
 * @example
 * ```ts
 * const out = withWasm(arenaBytes(x.byteLength, x.byteLength), (wasm, arena) => {
 *   const px = arena.put(x);
 *   const py = arena.alloc(x.byteLength);
 *   wasm.myKernel!(px, py, x.length);
 *   return arena.get(py, new Float64Array(x.length));
 * });
 * return out ?? myKernelTs(x);
 * ```
 */
export function withWasm<T>(
  bytes: number | ((wasm: WasmExports) => number),
  fn: (wasm: WasmExports, arena: WasmArena) => T,
): T | undefined {
  if (backend === 'typescript') return undefined;
  if (!loaded) {
    if (!synchronous || status !== 'ready') return undefined;
    instantiateSync();
    if (!loaded) return undefined;
  }
  const l: Loaded = loaded;
  const base = l.heap.alloc(typeof bytes === 'number' ? bytes : bytes(l.exports));
  if (base === 0) return undefined;
  depth++;
  wasmCalls++;
  try {
    return fn(l.exports, new Arena(l, base, base + l.heap.sizeOf(base)));
  } finally {
    depth--;
    l.heap.free(base);
  }
}

/**
 * Whether a problem of `work` units should go to WASM under the current setting: never for `'typescript'`, always
 * for `'wasm'`, and for `'auto'` when `work ≥ crossover` (each kernel measures and documents its own crossover).
 * Availability and fit are decided by {@link withWasm}.
 */
export function preferWasm(work: number, crossover: number): boolean {
  return backend === 'wasm' || (backend === 'auto' && work >= crossover);
}

/** Number of `withWasm` calls that ran in WASM so far (tests use it to see which path a call took). */
export function wasmCallCount(): number {
  return wasmCalls;
}

/** The global WASM heap (for kernels that keep data resident across calls), or undefined if not instantiated. */
export function wasmHeap(): WasmHeap | undefined {
  return loaded?.heap;
}
