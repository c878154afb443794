// Dense matrix product C = op(A)·op(B), row-major, f64 (f64x2) and f32 (f32x4).
//
// Method: the GotoBLAS/BLIS loop nest. For each block of NC columns of op(B) and KC rows of the inner dimension,
// op(B) is packed into micro-panels of NR columns (kc × NR, contiguous, zero-padded past n); for each block of MC
// rows of op(A), op(A) is packed into micro-panels of MR = 2 rows (kc × 2, interleaved, zero-padded past m). The
// micro-kernel keeps an MR × NR block of C in eight v128 accumulators (2 rows × 4 vectors), and for each p loads
// four vectors of the B micro-panel and splats the two A values: 8 multiplies and 8 adds per 6 loads. The packed B
// micro-panel (KC·NR·8 bytes = 16 KiB in f64) stays in L1 while the A micro-panels stream from L2.
// Tiles cut by the edge of C (m or n not a multiple of the block) run the same kernel into a scratch tile and
// copy only the valid entries, so fringes cost one extra small copy and no special-cased arithmetic.
//
// Numerical notes: products are summed in increasing p within each KC block and the block sums are added to C in
// increasing block order; no fused multiply-add (relaxed-simd is not used), so each term is rounded twice, as in
// the TypeScript reference. The zero padding only feeds outputs that are discarded.
//
// References: K. Goto, R. van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008;
// F. Van Zee, R. van de Geijn, "BLIS: a framework for rapidly instantiating BLAS functionality", ACM TOMS 41(3), 2015.
//
// Exported functions take plain integers and byte pointers into the shared memory (no default parameters: the
// JavaScript side always passes every argument).

const KC: i32 = 256; // inner-dimension block
const MC: i32 = 96; // rows of op(A) packed at a time (multiple of MR)
const NC: i32 = 2048; // columns of op(B) packed at a time (multiple of NR64 and NR32)
const MR: i32 = 2;
const NR64: i32 = 8;
const NR32: i32 = 16;

@inline function roundUp(x: i32, b: i32): i32 {
  return ((x + b - 1) / b) * b;
}

// ---------------------------------------------------------------------------------------------------------------------
// f64

/** Bytes of scratch `dgemm` needs for an m×n×k product (packed panels and one fringe tile). */
export function dgemmWorkBytes(m: i32, n: i32, k: i32): usize {
  const kc = min(k, KC);
  const nc = roundUp(min(n, NC), NR64);
  const mc = roundUp(min(m, MC), MR);
  return (<usize>kc * <usize>nc + <usize>mc * <usize>kc + <usize>(MR * NR64)) << 3;
}

/**
 * C (m×n) = op(A)·op(B) in f64. `a`, `b`, `c`, `work` are byte offsets; op(A) is m×k (A stored k×m when transA ≠ 0),
 * op(B) is k×n (B stored n×k when transB ≠ 0). C is overwritten. `work` holds dgemmWorkBytes(m, n, k) bytes,
 * 16-byte aligned.
 */
export function dgemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    memory.fill(c, 0, (<usize>m * <usize>n) << 3);
    return;
  }
  const kcMax = min(k, KC);
  const pb = work;
  const pa = pb + ((<usize>kcMax * <usize>roundUp(min(n, NC), NR64)) << 3);
  const tmp = pa + ((<usize>roundUp(min(m, MC), MR) * <usize>kcMax) << 3);
  const ldc = <usize>n << 3;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      dpackB(transB, n, k, b, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        dpackA(transA, m, k, a, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR64) {
          const bp = pb + ((<usize>jr * <usize>kc) << 3);
          const nr = min(NR64, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const ap = pa + ((<usize>ir * <usize>kc) << 3);
            const mr = min(MR, mc - ir);
            const cp = c + (<usize>(ic + ir) * ldc) + (<usize>(jc + jr) << 3);
            if (mr == MR && nr == NR64) {
              dkernel(ap, bp, kc, cp, ldc, first);
            } else {
              dkernel(ap, bp, kc, tmp, NR64 << 3, true);
              dfringe(tmp, cp, ldc, mr, nr, first);
            }
          }
        }
      }
    }
  }
}

// Packs op(B)[pc:pc+kc, jc:jc+nc] into micro-panels of NR64 columns: panel q holds element (p, j) at q·kc·8 + p·8 + j.
function dpackB(transB: i32, n: i32, k: i32, b: usize, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR64) {
    const nr = min(NR64, nc - jr);
    const panel = dst + ((<usize>jr * <usize>kc) << 3);
    if (transB == 0) {
      // op(B)[p, j] = B[p·n + j]: each panel row is a contiguous run of one row of B.
      let src = b + ((<usize>pc * <usize>n + <usize>(jc + jr)) << 3);
      const ldb = <usize>n << 3;
      if (nr == NR64) {
        for (let p = 0; p < kc; p++) {
          const d = panel + (<usize>p << 6);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          v128.store(d, v128.load(src, 32), 32);
          v128.store(d, v128.load(src, 48), 48);
          src += ldb;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + (<usize>p << 6);
          for (let j = 0; j < NR64; j++) {
            store<f64>(d + (<usize>j << 3), j < nr ? load<f64>(src + (<usize>j << 3)) : 0.0);
          }
          src += ldb;
        }
      }
    } else {
      // op(B)[p, j] = B[j·k + p]: each column of the panel is a contiguous run of one row of B.
      for (let j = 0; j < NR64; j++) {
        const d = panel + (<usize>j << 3);
        if (j < nr) {
          const src = b + ((<usize>(jc + jr + j) * <usize>k + <usize>pc) << 3);
          for (let p = 0; p < kc; p++) store<f64>(d + (<usize>p << 6), load<f64>(src + (<usize>p << 3)));
        } else {
          for (let p = 0; p < kc; p++) store<f64>(d + (<usize>p << 6), 0.0);
        }
      }
    }
  }
}

// Packs op(A)[ic:ic+mc, pc:pc+kc] into micro-panels of MR rows: panel r holds element (i, p) at r·kc·2 + p·2 + i.
function dpackA(transA: i32, m: i32, k: i32, a: usize, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = dst + ((<usize>ir * <usize>kc) << 3);
    const full = ir + 1 < mc;
    if (transA == 0) {
      // op(A)[i, p] = A[i·k + p]: interleave two contiguous rows.
      const r0 = a + ((<usize>(ic + ir) * <usize>k + <usize>pc) << 3);
      const r1 = r0 + (<usize>k << 3);
      if (full) {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          store<f64>(panel + (o << 1), load<f64>(r0 + o));
          store<f64>(panel + (o << 1), load<f64>(r1 + o), 8);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 3;
          store<f64>(panel + (o << 1), load<f64>(r0 + o));
          store<f64>(panel + (o << 1), 0.0, 8);
        }
      }
    } else {
      // op(A)[i, p] = A[p·m + i]: the two rows of the panel are adjacent in each row of A.
      let src = a + ((<usize>pc * <usize>m + <usize>(ic + ir)) << 3);
      const lda = <usize>m << 3;
      if (full) {
        for (let p = 0; p < kc; p++) {
          v128.store(panel + (<usize>p << 4), v128.load(src));
          src += lda;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          store<f64>(panel + (<usize>p << 4), load<f64>(src));
          store<f64>(panel + (<usize>p << 4), 0.0, 8);
          src += lda;
        }
      }
    }
  }
}

// The 2×8 micro-kernel: eight f64x2 accumulators. Writes (first) or adds (later KC blocks) the tile at cp.
@inline function dkernel(ap: usize, bp: usize, kc: i32, cp: usize, ldc: usize, first: bool): void {
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0), c02 = f64x2.splat(0.0), c03 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0), c12 = f64x2.splat(0.0), c13 = f64x2.splat(0.0);
  for (let p = 0; p < kc; p++) {
    const a0 = v128.load64_splat(ap);
    const a1 = v128.load64_splat(ap, 8);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    const b3 = v128.load(bp, 48);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    c02 = f64x2.add(c02, f64x2.mul(a0, b2));
    c03 = f64x2.add(c03, f64x2.mul(a0, b3));
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    c12 = f64x2.add(c12, f64x2.mul(a1, b2));
    c13 = f64x2.add(c13, f64x2.mul(a1, b3));
    ap += 16;
    bp += 64;
  }
  const c1 = cp + ldc;
  if (!first) {
    c00 = f64x2.add(c00, v128.load(cp));
    c01 = f64x2.add(c01, v128.load(cp, 16));
    c02 = f64x2.add(c02, v128.load(cp, 32));
    c03 = f64x2.add(c03, v128.load(cp, 48));
    c10 = f64x2.add(c10, v128.load(c1));
    c11 = f64x2.add(c11, v128.load(c1, 16));
    c12 = f64x2.add(c12, v128.load(c1, 32));
    c13 = f64x2.add(c13, v128.load(c1, 48));
  }
  v128.store(cp, c00);
  v128.store(cp, c01, 16);
  v128.store(cp, c02, 32);
  v128.store(cp, c03, 48);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c1, c12, 32);
  v128.store(c1, c13, 48);
}

// Copies the valid mr×nr corner of a 2×8 scratch tile into C (or adds it for later KC blocks).
function dfringe(tmp: usize, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool): void {
  for (let i = 0; i < mr; i++) {
    const src = tmp + (<usize>i << 6);
    const dst = cp + <usize>i * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 3;
      const v = load<f64>(src + o);
      store<f64>(dst + o, first ? v : load<f64>(dst + o) + v);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// f32: the same nest with a 2×16 micro-kernel of eight f32x4 accumulators.

/** Bytes of scratch `sgemm` needs for an m×n×k product. */
export function sgemmWorkBytes(m: i32, n: i32, k: i32): usize {
  const kc = min(k, KC);
  const nc = roundUp(min(n, NC), NR32);
  const mc = roundUp(min(m, MC), MR);
  return (<usize>kc * <usize>nc + <usize>mc * <usize>kc + <usize>(MR * NR32)) << 2;
}

/** C (m×n) = op(A)·op(B) in f32; arguments as for `dgemm`, with `work` holding sgemmWorkBytes(m, n, k) bytes. */
export function sgemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    memory.fill(c, 0, (<usize>m * <usize>n) << 2);
    return;
  }
  const kcMax = min(k, KC);
  const pb = work;
  const pa = pb + ((<usize>kcMax * <usize>roundUp(min(n, NC), NR32)) << 2);
  const tmp = pa + ((<usize>roundUp(min(m, MC), MR) * <usize>kcMax) << 2);
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      spackB(transB, n, k, b, pc, kc, jc, nc, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        spackA(transA, m, k, a, ic, mc, pc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR32) {
          const bp = pb + ((<usize>jr * <usize>kc) << 2);
          const nr = min(NR32, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const ap = pa + ((<usize>ir * <usize>kc) << 2);
            const mr = min(MR, mc - ir);
            const cp = c + (<usize>(ic + ir) * ldc) + (<usize>(jc + jr) << 2);
            if (mr == MR && nr == NR32) {
              skernel(ap, bp, kc, cp, ldc, first);
            } else {
              skernel(ap, bp, kc, tmp, NR32 << 2, true);
              sfringe(tmp, cp, ldc, mr, nr, first);
            }
          }
        }
      }
    }
  }
}

function spackB(transB: i32, n: i32, k: i32, b: usize, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR32) {
    const nr = min(NR32, nc - jr);
    const panel = dst + ((<usize>jr * <usize>kc) << 2);
    if (transB == 0) {
      let src = b + ((<usize>pc * <usize>n + <usize>(jc + jr)) << 2);
      const ldb = <usize>n << 2;
      if (nr == NR32) {
        for (let p = 0; p < kc; p++) {
          const d = panel + (<usize>p << 6);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          v128.store(d, v128.load(src, 32), 32);
          v128.store(d, v128.load(src, 48), 48);
          src += ldb;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + (<usize>p << 6);
          for (let j = 0; j < NR32; j++) {
            store<f32>(d + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : <f32>0.0);
          }
          src += ldb;
        }
      }
    } else {
      for (let j = 0; j < NR32; j++) {
        const d = panel + (<usize>j << 2);
        if (j < nr) {
          const src = b + ((<usize>(jc + jr + j) * <usize>k + <usize>pc) << 2);
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p << 6), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + (<usize>p << 6), <f32>0.0);
        }
      }
    }
  }
}

function spackA(transA: i32, m: i32, k: i32, a: usize, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = dst + ((<usize>ir * <usize>kc) << 2);
    const full = ir + 1 < mc;
    if (transA == 0) {
      const r0 = a + ((<usize>(ic + ir) * <usize>k + <usize>pc) << 2);
      const r1 = r0 + (<usize>k << 2);
      for (let p = 0; p < kc; p++) {
        const o = <usize>p << 2;
        store<f32>(panel + (o << 1), load<f32>(r0 + o));
        store<f32>(panel + (o << 1), full ? load<f32>(r1 + o) : <f32>0.0, 4);
      }
    } else {
      let src = a + ((<usize>pc * <usize>m + <usize>(ic + ir)) << 2);
      const lda = <usize>m << 2;
      for (let p = 0; p < kc; p++) {
        store<f32>(panel + (<usize>p << 3), load<f32>(src));
        store<f32>(panel + (<usize>p << 3), full ? load<f32>(src, 4) : <f32>0.0, 4);
        src += lda;
      }
    }
  }
}

@inline function skernel(ap: usize, bp: usize, kc: i32, cp: usize, ldc: usize, first: bool): void {
  let c00 = f32x4.splat(0.0), c01 = f32x4.splat(0.0), c02 = f32x4.splat(0.0), c03 = f32x4.splat(0.0);
  let c10 = f32x4.splat(0.0), c11 = f32x4.splat(0.0), c12 = f32x4.splat(0.0), c13 = f32x4.splat(0.0);
  for (let p = 0; p < kc; p++) {
    const a0 = v128.load32_splat(ap);
    const a1 = v128.load32_splat(ap, 4);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const b2 = v128.load(bp, 32);
    const b3 = v128.load(bp, 48);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c02 = f32x4.add(c02, f32x4.mul(a0, b2));
    c03 = f32x4.add(c03, f32x4.mul(a0, b3));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c12 = f32x4.add(c12, f32x4.mul(a1, b2));
    c13 = f32x4.add(c13, f32x4.mul(a1, b3));
    ap += 8;
    bp += 64;
  }
  const c1 = cp + ldc;
  if (!first) {
    c00 = f32x4.add(c00, v128.load(cp));
    c01 = f32x4.add(c01, v128.load(cp, 16));
    c02 = f32x4.add(c02, v128.load(cp, 32));
    c03 = f32x4.add(c03, v128.load(cp, 48));
    c10 = f32x4.add(c10, v128.load(c1));
    c11 = f32x4.add(c11, v128.load(c1, 16));
    c12 = f32x4.add(c12, v128.load(c1, 32));
    c13 = f32x4.add(c13, v128.load(c1, 48));
  }
  v128.store(cp, c00);
  v128.store(cp, c01, 16);
  v128.store(cp, c02, 32);
  v128.store(cp, c03, 48);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c1, c12, 32);
  v128.store(c1, c13, 48);
}

function sfringe(tmp: usize, cp: usize, ldc: usize, mr: i32, nr: i32, first: bool): void {
  for (let i = 0; i < mr; i++) {
    const src = tmp + (<usize>i << 6);
    const dst = cp + <usize>i * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o);
      store<f32>(dst + o, first ? v : load<f32>(dst + o) + v);
    }
  }
}
