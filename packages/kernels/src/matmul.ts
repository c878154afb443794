/**
 * Dense matrix products on row-major Float64Array / Float32Array: `gemm`, `gemmBatched`, and complex `zgemm`.
 *
 * Two implementations with one contract:
 * - the TypeScript reference (this file): 3×4 register blocks over packed panels, accumulating in float64;
 * - the WebAssembly-SIMD kernel (assembly/matmul.ts): 2×8 f64x2 (2×16 f32x4) register blocks over packed panels.
 * `gemm` picks WASM when the backend allows it, the module is ready, the operands fit the memory reservation, and
 * m·n·k ≥ {@link GEMM_CROSSOVER} (below it, copying across the boundary costs more than the faster kernel saves).
 * The two agree elementwise within 4·k·ε·(|op(A)|·|op(B)|).
 *
 * References: K. Goto, R. van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008;
 * G. Golub, C. Van Loan, Matrix Computations, 4th ed., §1.1 (gemm), §2.7.1 (rounding error of inner products).
 */
import { preferWasm, withWasm } from './backend.js';

/** A real matrix as a flat row-major typed array. */
export type RealArray = Float64Array | Float32Array;

/** Transposition of a complex operand: none, transpose, or conjugate transpose. */
export type ComplexTrans = 'N' | 'T' | 'C';

/**
 * Products with m·n·k below this run on the TypeScript path under `setBackend('auto')`. Measured by
 * `pnpm --filter @ad/bench bench:matmul` (tools/bench/README.md, "matmul boundary cost").
 */
export const GEMM_CROSSOVER = 8 * 8 * 8;

// ---------------------------------------------------------------------------------------------------------------------
// Public API

/**
 * Matrix product C = op(A)·op(B) of row-major matrices, in the precision of the inputs.
 *
 * **Method**: op(A) is m×k (A is stored k×m when `transA`), op(B) is k×n (B stored n×k when `transB`); C is m×n.
 * Blocked as in GotoBLAS: op(B) is packed into panels of a few columns over blocks of the inner dimension, op(A) into
 * panels of a few rows, and a register-blocked micro-kernel accumulates each small block of C. The WASM path (f64x2
 * or f32x4 SIMD) is used when available and m·n·k ≥ {@link GEMM_CROSSOVER}; otherwise the TypeScript reference.
 *
 * **Numerical notes**: C is overwritten (not accumulated into); `C` may be passed to reuse storage and must not
 * overlap A or B. Only the first m·k, k·n, m·n elements of A, B, C are used. Each entry is an inner product summed
 * in increasing index order within blocks of 256, without fused multiply-add; the error is bounded by
 * k·u·(|op(A)|·|op(B)|) (Golub & Van Loan §2.7.1), and the two paths agree within 4·k·ε·(|op(A)|·|op(B)|).
 * The TypeScript path accumulates float32 inputs in float64 and rounds once; the WASM path accumulates in float32.
 * NaN and ±Inf propagate as in the naive triple loop. k = 0 gives zeros.
 *
 * **References**: Goto & van de Geijn, ACM TOMS 34(3), 2008; BLAS `dgemm` (row-major, α = 1, β = 0).
 *
 * @example
 * ```ts
 * const A = new Float64Array([1, 2, 3, 4, 5, 6]); // 2×3
 * const B = new Float64Array([1, 0, 0, 1, 1, 1]); // 3×2
 * gemm(false, false, 2, 2, 3, A, B); // Float64Array [4, 5, 10, 11]
 * gemm(true, false, 3, 3, 2, A, A);  // AᵀA, 3×3
 * ```
 */
export function gemm<T extends RealArray>(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: T,
  B: T,
  C?: T,
): T {
  checkDims('gemm', m, n, k);
  checkOperand('gemm', 'A', A, m * k, `m·k = ${m}·${k}`);
  checkOperand('gemm', 'B', B, k * n, `k·n = ${k}·${n}`);
  const out = outputFor('gemm', A, B, C, m * n);
  if (m === 0 || n === 0) return out;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return out;
  }
  if (preferWasm(m * n * k, GEMM_CROSSOVER) && gemmWasm(1, transA, transB, m, n, k, A, 0, B, 0, out)) return out;
  gemmTs(transA, transB, m, n, k, A, 0, B, 0, out, 0);
  return out;
}

/**
 * A batch of products C[b] = op(A[b])·op(B[b]), b = 0 … batch−1, with C[b] stored contiguously (m·n apart).
 *
 * **Method**: A[b] starts at element b·strideA of A and B[b] at b·strideB of B; a stride of 0 broadcasts one matrix
 * to every product (the shared operand is copied into WASM once). Each product is a {@link gemm}; the path is chosen
 * once for the whole batch from one product's size.
 *
 * **Numerical notes**: as {@link gemm}, per product. Returns a new array of batch·m·n elements unless `C` is given.
 *
 * **References**: cuBLAS / MKL `gemmStridedBatched`.
 *
 * @example
 * ```ts
 * // two 2×2 products sharing B (stride 0)
 * const A = new Float64Array([1, 0, 0, 1, 2, 0, 0, 2]);
 * const B = new Float64Array([1, 2, 3, 4]);
 * gemmBatched(2, false, false, 2, 2, 2, A, 4, B, 0); // [1, 2, 3, 4, 2, 4, 6, 8]
 * ```
 */
export function gemmBatched<T extends RealArray>(
  batch: number,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: T,
  strideA: number,
  B: T,
  strideB: number,
  C?: T,
): T {
  checkDims('gemmBatched', m, n, k);
  if (!Number.isInteger(batch) || batch < 0) throw new RangeError(`gemmBatched: batch must be a non-negative integer, got ${batch}`);
  for (const [name, s] of [['strideA', strideA], ['strideB', strideB]] as const) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`gemmBatched: ${name} must be a non-negative integer, got ${s}`);
  }
  if (batch > 0) {
    checkOperand('gemmBatched', 'A', A, (batch - 1) * strideA + m * k, `(batch−1)·strideA + m·k`);
    checkOperand('gemmBatched', 'B', B, (batch - 1) * strideB + k * n, `(batch−1)·strideB + k·n`);
  }
  const out = outputFor('gemmBatched', A, B, C, batch * m * n);
  if (batch === 0 || m === 0 || n === 0) return out;
  if (k === 0) {
    out.fill(0, 0, batch * m * n);
    return out;
  }
  if (preferWasm(m * n * k, GEMM_CROSSOVER) && gemmWasm(batch, transA, transB, m, n, k, A, strideA, B, strideB, out)) {
    return out;
  }
  for (let b = 0; b < batch; b++) gemmTs(transA, transB, m, n, k, A, b * strideA, B, b * strideB, out, b * m * n);
  return out;
}

/**
 * Complex matrix product C = op(A)·op(B) with real and imaginary parts in separate row-major Float64Arrays.
 *
 * **Method**: with op(A) = Ar' + i·sa·Ai' (Ar', Ai' the parts, transposed for 'T'/'C'; sa = −1 for the conjugate
 * transpose 'C', else 1) and likewise op(B): Re C = Ar'Br' − sa·sb·Ai'Bi', Im C = sb·Ar'Bi' + sa·Ai'Br' — four real
 * {@link gemm} calls (the 4M method).
 *
 * **Numerical notes**: each part has the real-gemm error bound on |A|·|B| of the parts; the 4M method is used instead
 * of the 3M (Gauss) trick, which saves a product but loses accuracy in the imaginary part when |Re| ≫ |Im|.
 *
 * **References**: N. Higham, "Stability of a method for multiplying complex matrices with three real matrix
 * multiplications", SIAM J. Matrix Anal. Appl. 13(3), 1992.
 *
 * @example
 * ```ts
 * // (1 + 2i)·(3 − i) = 5 + 5i, as 1×1 matrices
 * const f = (x: number) => new Float64Array([x]);
 * const { re, im } = zgemm('N', 'N', 1, 1, 1, f(1), f(2), f(3), f(-1));
 * // re = [5], im = [5]
 * ```
 */
export function zgemm(
  transA: ComplexTrans,
  transB: ComplexTrans,
  m: number,
  n: number,
  k: number,
  Are: Float64Array,
  Aim: Float64Array,
  Bre: Float64Array,
  Bim: Float64Array,
): { re: Float64Array; im: Float64Array } {
  for (const [name, t] of [['transA', transA], ['transB', transB]] as const) {
    if (t !== 'N' && t !== 'T' && t !== 'C') throw new TypeError(`zgemm: ${name} must be 'N', 'T' or 'C', got ${JSON.stringify(t)}`);
  }
  checkDims('zgemm', m, n, k);
  for (const [name, X, len, what] of [
    ['Are', Are, m * k, 'm·k'],
    ['Aim', Aim, m * k, 'm·k'],
    ['Bre', Bre, k * n, 'k·n'],
    ['Bim', Bim, k * n, 'k·n'],
  ] as const) {
    if (!(X instanceof Float64Array)) throw new TypeError(`zgemm: ${name} must be a Float64Array (complex is complex128 only)`);
    checkOperand('zgemm', name, X, len, what);
  }
  const tA = transA !== 'N';
  const tB = transB !== 'N';
  const sa = transA === 'C' ? -1 : 1;
  const sb = transB === 'C' ? -1 : 1;
  const re = gemm(tA, tB, m, n, k, Are, Bre);
  const im = gemm(tA, tB, m, n, k, Are, Bim);
  const p = gemm(tA, tB, m, n, k, Aim, Bim);
  const q = gemm(tA, tB, m, n, k, Aim, Bre);
  const cr = -sa * sb;
  const len = m * n;
  for (let i = 0; i < len; i++) {
    re[i] = re[i]! + cr * p[i]!;
    im[i] = sb * im[i]! + sa * q[i]!;
  }
  return { re, im };
}

// ---------------------------------------------------------------------------------------------------------------------
// Argument checks

function checkDims(fn: string, m: number, n: number, k: number): void {
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${v}`);
  }
}

function checkOperand(fn: string, name: string, X: unknown, need: number, what: string): void {
  if (!(X instanceof Float64Array) && !(X instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float64Array or Float32Array`);
  }
  if (X.length < need) {
    throw new RangeError(`${fn}: ${name} has ${X.length} elements, expected at least ${need} (${what})`);
  }
}

function outputFor<T extends RealArray>(fn: string, A: T, B: T, C: T | undefined, len: number): T {
  const f64 = A instanceof Float64Array;
  if ((B instanceof Float64Array) !== f64) {
    throw new TypeError(`${fn}: A and B must have the same type, got ${A.constructor.name} and ${B.constructor.name}`);
  }
  if (C === undefined) return (f64 ? new Float64Array(len) : new Float32Array(len)) as T;
  if ((C instanceof Float64Array) !== f64 || !(C instanceof Float64Array || C instanceof Float32Array)) {
    throw new TypeError(`${fn}: C must have the type of A and B (${A.constructor.name})`);
  }
  if (C.length < len) throw new RangeError(`${fn}: C has ${C.length} elements, expected at least ${len}`);
  return C;
}

// ---------------------------------------------------------------------------------------------------------------------
// WASM path

// Runs the batch in WASM, one product at a time through one arena (operands, result, scratch); a broadcast operand
// (stride 0) is copied in once. Returns false if WASM was not available or the arena did not fit.
function gemmWasm(
  batch: number,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: RealArray,
  strideA: number,
  B: RealArray,
  strideB: number,
  C: RealArray,
): boolean {
  const f64 = A instanceof Float64Array;
  const es = f64 ? 8 : 4;
  const sa = m * k;
  const sb = k * n;
  const sc = m * n;
  let workBytes = 0;
  const ran = withWasm(
    (w) => {
      workBytes = (f64 ? w['dgemmWorkBytes']! : w['sgemmWorkBytes']!)(m, n, k);
      return align(sa * es) + align(sb * es) + align(sc * es) + align(workBytes);
    },
    (w, arena) => {
      const kernel = f64 ? w['dgemm']! : w['sgemm']!;
      const pa = arena.alloc(sa * es);
      const pb = arena.alloc(sb * es);
      const pc = arena.alloc(sc * es);
      const work = arena.alloc(workBytes);
      const vc = f64 ? arena.f64(pc, sc) : arena.f32(pc, sc);
      for (let b = 0; b < batch; b++) {
        if (b === 0 || strideA !== 0) arena.write(pa, A.length === sa ? A : A.subarray(b * strideA, b * strideA + sa));
        if (b === 0 || strideB !== 0) arena.write(pb, B.length === sb ? B : B.subarray(b * strideB, b * strideB + sb));
        kernel(transA ? 1 : 0, transB ? 1 : 0, m, n, k, pa, pb, pc, work);
        C.set(vc, b * sc);
      }
      return true;
    },
  );
  return ran === true;
}

function align(bytes: number): number {
  return Math.ceil(Math.max(bytes, 1) / 64) * 64;
}

// ---------------------------------------------------------------------------------------------------------------------
// TypeScript reference

const KC = 256; // inner-dimension block: a 4-column panel of B (KC·4 doubles = 8 KiB) stays in L1
const MC = 120; // rows of op(A) packed at a time (a multiple of MR)
const MR = 3; // register block: 3 rows × 4 columns = 12 accumulators (4×4 spills: V8 has 16 float registers)
const NR = 4;

/**
 * The TypeScript reference kernel: C[offC …] = op(A[offA …])·op(B[offB …]), overwriting m·n entries of C.
 * op(B) is packed into 4-column panels (float64) per KC block, op(A) into 3-row panels per MC block, and a 3×4
 * register block of C is accumulated in 12 locals. Fringe panels are zero-padded; only valid entries are written.
 */
function gemmTs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: RealArray,
  offA: number,
  B: RealArray,
  offB: number,
  C: RealArray,
  offC: number,
): void {
  if (m * n * k <= SMALL) {
    gemmSmall(transA, transB, m, n, k, A, offA, B, offB, C, offC);
    return;
  }
  if (!(A instanceof Float64Array) || !(B instanceof Float64Array) || !(C instanceof Float64Array)) {
    // float32: widen the operands once (O(mk + kn)) and round the float64 result once at the end, so the blocked
    // loops below only ever see Float64Array (one element kind keeps V8's element loads monomorphic).
    const A64 = Float64Array.from(A.subarray(offA, offA + m * k));
    const B64 = Float64Array.from(B.subarray(offB, offB + k * n));
    const C64 = new Float64Array(m * n);
    gemmBlocked(transA, transB, m, n, k, A64, 0, B64, 0, C64, 0);
    C.set(C64, offC);
    return;
  }
  gemmBlocked(transA, transB, m, n, k, A, offA, B, offB, C, offC);
}

function gemmBlocked(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  offA: number,
  B: Float64Array,
  offB: number,
  C: Float64Array,
  offC: number,
): void {
  const kcMax = Math.min(k, KC);
  const nPad = Math.ceil(n / NR) * NR;
  const mcMax = Math.ceil(Math.min(m, MC) / MR) * MR;
  const pb = new Float64Array(kcMax * nPad);
  const pa = new Float64Array(kcMax * mcMax);
  const tile = new Float64Array(MR * NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    const first = pc === 0;
    packB(transB, n, k, B, offB, pc, kc, pb);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      packA(transA, m, k, A, offA, ic, mc, pc, kc, pa);
      for (let jr = 0; jr < n; jr += NR) {
        const nr = Math.min(NR, n - jr);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = Math.min(MR, mc - ir);
          micro3x4(pa, ir * kc, pb, jr * kc, kc, tile);
          storeTile(tile, C, offC + (ic + ir) * n + jr, n, mr, nr, first);
        }
      }
    }
  }
}

// Products this small are dominated by allocating and filling the packed panels: one inner product per entry,
// summed in increasing p as in the blocked kernel.
const SMALL = 16 * 16 * 16;

function gemmSmall(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: RealArray,
  offA: number,
  B: RealArray,
  offB: number,
  C: RealArray,
  offC: number,
): void {
  const sai = transA ? 1 : k; // stride of op(A) along i
  const sap = transA ? m : 1; // … along p
  const sbp = transB ? 1 : n; // stride of op(B) along p
  const sbj = transB ? k : 1; // … along j
  for (let i = 0; i < m; i++) {
    const ai = offA + i * sai;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let a = ai;
      let b = offB + j * sbj;
      for (let p = 0; p < k; p++, a += sap, b += sbp) s += A[a]! * B[b]!;
      C[offC + i * n + j] = s;
    }
  }
}

// op(B)[pc + p, j] → pb[(j − j mod NR)·kc + NR·p + j mod NR], zero past n.
function packB(transB: boolean, n: number, k: number, B: Float64Array, off: number, pc: number, kc: number, pb: Float64Array): void {
  for (let jr = 0; jr < n; jr += NR) {
    const nr = Math.min(NR, n - jr);
    const base = jr * kc;
    for (let j = 0; j < NR; j++) {
      let d = base + j;
      if (j >= nr) {
        for (let p = 0; p < kc; p++, d += NR) pb[d] = 0;
      } else if (transB) {
        let s = off + (jr + j) * k + pc; // B is n×k: column j of op(B) is row j of B
        for (let p = 0; p < kc; p++, d += NR) pb[d] = B[s++]!;
      } else {
        let s = off + pc * n + jr + j;
        for (let p = 0; p < kc; p++, d += NR, s += n) pb[d] = B[s]!;
      }
    }
  }
}

// op(A)[ic + i, pc + p] → pa[(i − i mod MR)·kc + MR·p + i mod MR], zero past m.
function packA(
  transA: boolean,
  m: number,
  k: number,
  A: Float64Array,
  off: number,
  ic: number,
  mc: number,
  pc: number,
  kc: number,
  pa: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = Math.min(MR, mc - ir);
    const base = ir * kc;
    for (let i = 0; i < MR; i++) {
      let d = base + i;
      if (i >= mr) {
        for (let p = 0; p < kc; p++, d += MR) pa[d] = 0;
      } else if (transA) {
        let s = off + pc * m + ic + ir + i; // A is k×m: row i of op(A) is column i of A
        for (let p = 0; p < kc; p++, d += MR, s += m) pa[d] = A[s]!;
      } else {
        let s = off + (ic + ir + i) * k + pc;
        for (let p = 0; p < kc; p++, d += MR) pa[d] = A[s++]!;
      }
    }
  }
}

// 3×4 block of C from a 3-row panel of A and a 4-column panel of B: 12 accumulators, 7 loads per 12 multiply-adds.
function micro3x4(a: Float64Array, ai: number, b: Float64Array, bi: number, kc: number, t: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  const end = ai + MR * kc;
  for (; ai < end; ai += MR, bi += NR) {
    const a0 = a[ai]!, a1 = a[ai + 1]!, a2 = a[ai + 2]!;
    const b0 = b[bi]!, b1 = b[bi + 1]!, b2 = b[bi + 2]!, b3 = b[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
  }
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
}

function storeTile(t: Float64Array, C: Float64Array, at: number, ldc: number, mr: number, nr: number, first: boolean): void {
  for (let i = 0; i < mr; i++) {
    const row = at + i * ldc;
    for (let j = 0; j < nr; j++) C[row + j] = first ? t[NR * i + j]! : C[row + j]! + t[NR * i + j]!;
  }
}
