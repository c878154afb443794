// One-sided Jacobi sweeps of the SVD, WASM-SIMD path: the loop `oneSidedJacobi` of src/svd.ts (Hestenes rotations
// with de Rijk pivoting, rotation threshold √rows·u, stopping threshold 4·rows·u, norm updates with cancellation
// guard), operation for operation in its scalar parts, with f64x2 SIMD in the three inner loops:
//   1. the dot product of two columns (two v128 accumulators, i.e. four partial sums),
//   2. the rotation of two columns fused with the dot product of the new first column and the next column,
//   3. the plain rotation of two columns (the last pair of a row, and the accumulated rotations W).
// The QR preconditioning, the sorting and the assembly of U and V stay in TypeScript (O(r·c²) once, against
// O(c³) per sweep here).
//
// Numerical notes: the SIMD loops sum in other orders than the TypeScript path, so results differ by rounding only;
// the rotations are the same 2×2 orthogonal maps. No fused multiply-add.
//
// References: as src/svd.ts (Hestenes 1958; de Rijk 1989; Demmel & Veselić 1992; Drmač & Veselić 2008).
//
// Exported functions take plain integers and byte pointers into the shared memory (no default parameters). They
// never allocate: the squared-norm scratch arrives in `nrm`.

const U_ROUND: f64 = 1.1102230246251565e-16; // 2⁻⁵³, the unit roundoff (EPS of src/svd.ts)

@inline function lf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline function col(p: usize, j: i32, rows: i32): usize {
  return p + ((<usize>j * <usize>rows) << 3);
}

/** Dot product of two columns of length `len` at byte addresses a, b. */
function dotCols(a: usize, b: usize, len: i32): f64 {
  let v0 = f64x2.splat(0);
  let v1 = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const off = <usize>k << 3;
    v0 = f64x2.add(v0, f64x2.mul(v128.load(a + off), v128.load(b + off)));
    v1 = f64x2.add(v1, f64x2.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
  }
  let s = 0.0;
  for (; k < len; k++) s += load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  const v = f64x2.add(v0, v1);
  return s + (f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1));
}

/** (xₐ, x_b) ← (c·xₐ − s·x_b, s·xₐ + c·x_b). */
function rotateCols(a: usize, b: usize, len: i32, cs: f64, sn: f64): void {
  const vc = f64x2.splat(cs);
  const vs = f64x2.splat(sn);
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const off = <usize>k << 3;
    const x = v128.load(a + off);
    const y = v128.load(b + off);
    v128.store(a + off, f64x2.sub(f64x2.mul(vc, x), f64x2.mul(vs, y)));
    v128.store(b + off, f64x2.add(f64x2.mul(vs, x), f64x2.mul(vc, y)));
  }
  for (; k < len; k++) {
    const off = <usize>k << 3;
    const x = load<f64>(a + off);
    const y = load<f64>(b + off);
    store<f64>(a + off, cs * x - sn * y);
    store<f64>(b + off, sn * x + cs * y);
  }
}

/** {@link rotateCols}, returning (new xₐ)·x_next. */
function rotateAndDotCols(a: usize, b: usize, next: usize, len: i32, cs: f64, sn: f64): f64 {
  const vc = f64x2.splat(cs);
  const vs = f64x2.splat(sn);
  let acc = f64x2.splat(0);
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const off = <usize>k << 3;
    const x = v128.load(a + off);
    const y = v128.load(b + off);
    const u = f64x2.sub(f64x2.mul(vc, x), f64x2.mul(vs, y));
    v128.store(a + off, u);
    v128.store(b + off, f64x2.add(f64x2.mul(vs, x), f64x2.mul(vc, y)));
    acc = f64x2.add(acc, f64x2.mul(u, v128.load(next + off)));
  }
  let s = 0.0;
  for (; k < len; k++) {
    const off = <usize>k << 3;
    const x = load<f64>(a + off);
    const y = load<f64>(b + off);
    const u = cs * x - sn * y;
    store<f64>(a + off, u);
    store<f64>(b + off, sn * x + cs * y);
    s += u * load<f64>(next + off);
  }
  return s + (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
}

function swapCols(a: usize, b: usize, len: i32): void {
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const off = <usize>k << 3;
    const x = v128.load(a + off);
    v128.store(a + off, v128.load(b + off));
    v128.store(b + off, x);
  }
  for (; k < len; k++) {
    const off = <usize>k << 3;
    const x = load<f64>(a + off);
    store<f64>(a + off, load<f64>(b + off));
    store<f64>(b + off, x);
  }
}

/**
 * One-sided Jacobi on the columns of column-major rows×c X (byte pointer `x`), accumulating the rotations into the
 * c×c W (byte pointer `w`) when `wantW` is 1. `nrm` is scratch for c doubles. Returns 0 on convergence, else the
 * number of rotations in the last allowed sweep (as the TypeScript path).
 */
export function svdJacobiF64(x: usize, rows: i32, c: i32, w: usize, wantW: i32, maxSweeps: i32, nrm: usize): i32 {
  const tol = Math.sqrt(<f64>rows) * U_ROUND;
  const tolStop = 4.0 * <f64>rows * U_ROUND;
  let rotated = 0;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    for (let j = 0; j < c; j++) st(nrm, j, dotCols(col(x, j, rows), col(x, j, rows), rows));
    rotated = 0;
    let maxCos = 0.0;
    for (let i = 0; i < c - 1; i++) {
      let best = i;
      for (let j = i + 1; j < c; j++) if (lf(nrm, j) > lf(nrm, best)) best = j;
      if (best != i) {
        swapCols(col(x, i, rows), col(x, best, rows), rows);
        if (wantW) swapCols(col(w, i, c), col(w, best, c), c);
        const t = lf(nrm, i);
        st(nrm, i, lf(nrm, best));
        st(nrm, best, t);
      }
      const oi = col(x, i, rows);
      let g = dotCols(oi, col(x, i + 1, rows), rows);
      for (let j = i + 1; j < c; j++) {
        const oj = col(x, j, rows);
        const hasNext = j + 1 < c;
        const alpha = lf(nrm, i);
        const beta = lf(nrm, j);
        const cosAbs = alpha == 0 || beta == 0 ? 0.0 : Math.abs(g) / (Math.sqrt(alpha) * Math.sqrt(beta));
        if (!(cosAbs > tol)) {
          if (hasNext) g = dotCols(oi, col(x, j + 1, rows), rows);
          continue;
        }
        rotated++;
        if (cosAbs > maxCos) maxCos = cosAbs;
        const zeta = (beta - alpha) / (2 * g);
        const az = Math.abs(zeta);
        const t = az > 1e150 ? 0.5 / zeta : (zeta >= 0 ? 1.0 : -1.0) / (az + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        let gNext = 0.0;
        if (hasNext) gNext = rotateAndDotCols(oi, oj, col(x, j + 1, rows), rows, cs, sn);
        else rotateCols(oi, oj, rows, cs, sn);
        if (wantW) rotateCols(col(w, i, c), col(w, j, c), c, cs, sn);
        let a2 = alpha - t * g;
        let b2 = beta + t * g;
        if (!(a2 > 0.01 * alpha)) a2 = dotCols(oi, oi, rows);
        if (!(b2 > 0.01 * beta)) b2 = dotCols(oj, oj, rows);
        st(nrm, i, a2);
        st(nrm, j, b2);
        g = gNext;
      }
    }
    if (rotated == 0 || maxCos <= tolStop) return 0;
  }
  return rotated;
}
