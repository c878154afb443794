// Real symmetric eigensolver, WASM-SIMD path: the algorithm of src/symeig.ts (tred2 + tql2, eigenvectors
// column-major), operation for operation in its scalar parts, with f64x2 SIMD in the five inner loops:
//   1. the symmetric matrix-vector product p = A u (two columns per pass: dot products and an axpy),
//   2. the Householder rank-2 update A ← A − u wᵀ − w uᵀ (two columns per pass),
//   3. the accumulation of the reflectors, two per pass (dot products, then the update),
//   4. the single-reflector accumulation used when a reflector pairs with an identity,
//   5. the QL rotations, applied to blocks of 8 rows with the running column kept in four v128 registers.
// The complex Hermitian solver reuses the rotation kernel on stacked real/imaginary columns.
//
// Numerical notes: the SIMD loops sum in two interleaved lanes, so results differ from the TypeScript path by
// rounding only (the parity tests bound it by 10·n·ε·‖A‖). No fused multiply-add. The QL iteration is bounded by
// 30·n iterations in total; non-convergence or a non-finite number returns info = l + 1 as in the TypeScript path.
//
// References: Martin, Reinsch & Wilkinson (1968), Numer. Math. 11:181–195 (tred2); Bowdler, Martin, Reinsch &
// Wilkinson (1968), Numer. Math. 11:293–306 (tql2); JAMA EigenvalueDecomposition; LAPACK dlasr (rotation blocking).
//
// Exported functions take plain integers and byte pointers into the shared memory (no default parameters). They
// never allocate: scratch arrives in `work`.

const EPS: f64 = 2.220446049250313e-16; // 2⁻⁵²
const MAX_ITER_PER_VALUE: i32 = 30;

@inline function lf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** Bytes of scratch `symEigF64` needs (eight vectors of length n). */
export function symEigWorkBytes(n: i32): usize {
  return <usize>(8 * max(n, 1)) << 3;
}

/**
 * Leading dimension (in f64) of the working eigenvector matrix: n rounded up to whole 64-byte lines, plus one line
 * if that makes the stride an even number of lines. With a power-of-two stride (n = 256, 512) the 8-row blocks of
 * the rotation kernel map every column to the same few cache sets and the solver slows down 2–3× at n = 512;
 * an odd number of lines spreads the columns over all sets.
 */
export function symEigLd(n: i32): i32 {
  let ld = (n + 7) & ~7;
  if (((ld >> 3) & 1) == 0) ld += 8;
  return ld;
}

/** Bytes of the working matrix `v` of `symEigF64`: symEigLd(n)·n f64. */
export function symEigVBytes(n: i32): usize {
  return (<usize>symEigLd(n) * <usize>max(n, 1)) << 3;
}

/**
 * Eigen-decomposition of the real symmetric n×n matrix at `a` (row-major; only the lower triangle is read).
 * On return `d` holds the eigenvalues ascending and, if wantVectors ≠ 0, the first n·n f64 of `v` the eigenvectors
 * column-major (without the sign convention, which the JavaScript side applies). `v` (symEigVBytes(n)) is workspace
 * either way; `e` (n f64) is scratch; `work` holds symEigWorkBytes(n) bytes. Returns 0, or l + 1 on
 * non-convergence (then nothing is sorted or compacted).
 */
export function symEigF64(n: i32, wantVectors: i32, a: usize, v: usize, d: usize, e: usize, work: usize): i32 {
  if (n <= 0) return 0;
  const ldv = symEigLd(n);
  for (let c = 0; c < n; c++) {
    const col = c * ldv;
    for (let r = c; r < n; r++) st(v, col + r, lf(a, r * n + c));
  }
  tred2(v, d, e, n, ldv, wantVectors != 0, work);
  const cs = work + (<usize>(6 * n) << 3);
  const sn = cs + (<usize>n << 3);
  const info = tql2(d, e, wantVectors != 0 ? v : 0, n, n, ldv, cs, sn);
  if (info != 0) return info;
  sortEigen(d, wantVectors != 0 ? v : 0, n, n, ldv);
  // Compact the columns to stride n (front to back: a destination never overtakes its source).
  if (wantVectors != 0) for (let c = 1; c < n; c++) memory.copy(at(v, c * n), at(v, c * ldv), <usize>n << 3);
  return 0;
}

function tred2(V: usize, d: usize, e: usize, n: i32, ld: i32, wantVectors: bool, work: usize): void {
  const last = n - 1;
  for (let j = 0; j < n; j++) st(d, j, lf(V, last + j * ld));
  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += abs<f64>(lf(d, k));
    if (scale == 0) {
      st(e, i, lf(d, i - 1));
      for (let j = 0; j < i; j++) {
        st(d, j, lf(V, i - 1 + j * ld));
        st(V, i + j * ld, 0);
        st(V, j + i * ld, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const x = lf(d, k) / scale;
        st(d, k, x);
        h += x * x;
      }
      let f = lf(d, i - 1);
      let g = sqrt<f64>(h);
      if (f > 0) g = -g;
      st(e, i, scale * g);
      h -= f * g;
      st(d, i - 1, f - g);
      for (let j = 0; j < i; j++) st(e, j, 0);
      for (let j = 0; j < i; j++) st(V, i * ld + j, lf(d, j));
      symvLower(V, ld, i, d, e);
      f = 0;
      for (let j = 0; j < i; j++) {
        const x = lf(e, j) / h;
        st(e, j, x);
        f += x * lf(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) st(e, j, lf(e, j) - hh * lf(d, j));
      syr2Lower(V, ld, i, d, e);
      for (let j = 0; j < i; j++) {
        st(d, j, lf(V, i - 1 + j * ld));
        st(V, i + j * ld, 0);
      }
    }
    st(d, i, h);
  }
  const hs = work;
  if (wantVectors) memory.copy(hs, d, <usize>n << 3);
  for (let j = 0; j < n; j++) st(d, j, lf(V, j + j * ld));
  st(e, 0, 0);
  if (wantVectors) accumulateReflectors(V, hs, n, ld, work + (<usize>n << 3));
}

// Loop 1: p ← p + A u over the leading i×i block, two columns per pass.
function symvLower(V: usize, ld: i32, i: i32, u: usize, p: usize): void {
  let j = 0;
  for (; j + 1 < i; j += 2) {
    const c0 = j * ld;
    const c1 = c0 + ld;
    const f0 = lf(u, j);
    const f1 = lf(u, j + 1);
    const a10 = lf(V, c0 + j + 1);
    let g0 = lf(p, j) + lf(V, c0 + j) * f0 + a10 * f1;
    let g1 = lf(p, j + 1) + a10 * f0 + lf(V, c1 + j + 1) * f1;
    const vf0 = f64x2.splat(f0);
    const vf1 = f64x2.splat(f1);
    let vg0 = f64x2.splat(0);
    let vg1 = f64x2.splat(0);
    let k = j + 2;
    const p0 = at(V, c0);
    const p1 = at(V, c1);
    for (; k + 1 < i; k += 2) {
      const off = <usize>k << 3;
      const a0 = v128.load(p0 + off);
      const a1 = v128.load(p1 + off);
      const uk = v128.load(u + off);
      vg0 = f64x2.add(vg0, f64x2.mul(a0, uk));
      vg1 = f64x2.add(vg1, f64x2.mul(a1, uk));
      v128.store(p + off, f64x2.add(v128.load(p + off), f64x2.add(f64x2.mul(a0, vf0), f64x2.mul(a1, vf1))));
    }
    g0 += f64x2.extract_lane(vg0, 0) + f64x2.extract_lane(vg0, 1);
    g1 += f64x2.extract_lane(vg1, 0) + f64x2.extract_lane(vg1, 1);
    if (k < i) {
      const a0 = lf(V, c0 + k);
      const a1 = lf(V, c1 + k);
      const uk = lf(u, k);
      g0 += a0 * uk;
      g1 += a1 * uk;
      st(p, k, lf(p, k) + (a0 * f0 + a1 * f1));
    }
    st(p, j, g0);
    st(p, j + 1, g1);
  }
  if (j < i) st(p, j, lf(p, j) + lf(V, j * ld + j) * lf(u, j));
}

// Loop 2: A ← A − u wᵀ − w uᵀ on the lower triangle of the leading i×i block, two columns per pass.
function syr2Lower(V: usize, ld: i32, i: i32, u: usize, w: usize): void {
  let j = 0;
  for (; j + 1 < i; j += 2) {
    const c0 = j * ld;
    const c1 = c0 + ld;
    const f0 = lf(u, j);
    const g0 = lf(w, j);
    const f1 = lf(u, j + 1);
    const g1 = lf(w, j + 1);
    st(V, c0 + j, lf(V, c0 + j) - (f0 * g0 + g0 * f0));
    const vf0 = f64x2.splat(f0);
    const vg0 = f64x2.splat(g0);
    const vf1 = f64x2.splat(f1);
    const vg1 = f64x2.splat(g1);
    const p0 = at(V, c0);
    const p1 = at(V, c1);
    let k = j + 1;
    for (; k + 1 < i; k += 2) {
      const off = <usize>k << 3;
      const uk = v128.load(u + off);
      const wk = v128.load(w + off);
      v128.store(p0 + off, f64x2.sub(v128.load(p0 + off), f64x2.add(f64x2.mul(vf0, wk), f64x2.mul(vg0, uk))));
      v128.store(p1 + off, f64x2.sub(v128.load(p1 + off), f64x2.add(f64x2.mul(vf1, wk), f64x2.mul(vg1, uk))));
    }
    if (k < i) {
      const uk = lf(u, k);
      const wk = lf(w, k);
      st(V, c0 + k, lf(V, c0 + k) - (f0 * wk + g0 * uk));
      st(V, c1 + k, lf(V, c1 + k) - (f1 * wk + g1 * uk));
    }
  }
  if (j < i) {
    const c = j * ld + j;
    st(V, c, lf(V, c) - 2 * lf(u, j) * lf(w, j));
  }
}

// Loops 3 and 4: Q = P_{n−1} ⋯ P_1 from the reflectors in V (u_i in rows 0 … i−1 of column i, h_i in hs[i]), two
// reflectors per pass over the leading block where both are non-trivial (see accumulateReflectors in src/symeig.ts).
function accumulateReflectors(V: usize, hs: usize, n: i32, ld: i32, work: usize): void {
  const u1 = work;
  const d1 = u1 + (<usize>n << 3);
  const d2 = d1 + (<usize>n << 3);
  let i = 0;
  while (i < n - 1) {
    const ci1 = (i + 1) * ld;
    st(V, i + i * ld, 1);
    const h1 = lf(hs, i + 1);
    const h2 = i + 2 < n ? lf(hs, i + 2) : 0;
    if (h1 != 0 && h2 != 0) {
      const ci2 = ci1 + ld;
      st(V, i + 1 + ci1, 1);
      let c12: f64 = 0;
      for (let k = 0; k <= i; k++) {
        const u = lf(V, ci1 + k);
        st(u1, k, u);
        const dk = u / h1;
        st(d1, k, dk);
        c12 += lf(V, ci2 + k) * dk;
      }
      for (let k = 0; k <= i + 1; k++) st(d2, k, lf(V, ci2 + k) / h2);
      const d2last = lf(d2, i + 1);
      const pu2 = at(V, ci2);
      for (let j = 0; j <= i; j++) {
        const pj = at(V, j * ld);
        let vt1 = f64x2.splat(0);
        let vt2 = f64x2.splat(0);
        let k = 0;
        for (; k + 1 <= i; k += 2) {
          const off = <usize>k << 3;
          const x = v128.load(pj + off);
          vt1 = f64x2.add(vt1, f64x2.mul(v128.load(u1 + off), x));
          vt2 = f64x2.add(vt2, f64x2.mul(v128.load(pu2 + off), x));
        }
        let t1 = f64x2.extract_lane(vt1, 0) + f64x2.extract_lane(vt1, 1);
        let t2 = f64x2.extract_lane(vt2, 0) + f64x2.extract_lane(vt2, 1);
        if (k <= i) {
          const x = lf(pj, k);
          t1 += lf(u1, k) * x;
          t2 += lf(pu2, k) * x;
        }
        const g2 = t2 - t1 * c12;
        const vt = f64x2.splat(t1);
        const vg = f64x2.splat(g2);
        k = 0;
        for (; k + 1 <= i; k += 2) {
          const off = <usize>k << 3;
          const upd = f64x2.add(f64x2.mul(vt, v128.load(d1 + off)), f64x2.mul(vg, v128.load(d2 + off)));
          v128.store(pj + off, f64x2.sub(v128.load(pj + off), upd));
        }
        if (k <= i) st(pj, k, lf(pj, k) - (t1 * lf(d1, k) + g2 * lf(d2, k)));
        st(pj, i + 1, -g2 * d2last);
      }
      const g = lf(V, ci2 + i + 1);
      for (let k = 0; k <= i; k++) st(V, ci1 + k, -g * lf(d2, k));
      st(V, ci1 + i + 1, 1 - g * d2last);
      for (let k = 0; k <= i + 1; k++) st(V, ci2 + k, 0);
      i += 2;
    } else {
      if (h1 != 0) {
        for (let k = 0; k <= i; k++) st(d1, k, lf(V, ci1 + k) / h1);
        const pu = at(V, ci1);
        for (let j = 0; j <= i; j++) {
          const pj = at(V, j * ld);
          let vg = f64x2.splat(0);
          let k = 0;
          for (; k + 1 <= i; k += 2) {
            const off = <usize>k << 3;
            vg = f64x2.add(vg, f64x2.mul(v128.load(pu + off), v128.load(pj + off)));
          }
          let g = f64x2.extract_lane(vg, 0) + f64x2.extract_lane(vg, 1);
          if (k <= i) g += lf(pu, k) * lf(pj, k);
          const vgs = f64x2.splat(g);
          k = 0;
          for (; k + 1 <= i; k += 2) {
            const off = <usize>k << 3;
            v128.store(pj + off, f64x2.sub(v128.load(pj + off), f64x2.mul(vgs, v128.load(d1 + off))));
          }
          if (k <= i) st(pj, k, lf(pj, k) - g * lf(d1, k));
        }
      }
      for (let k = 0; k <= i; k++) st(V, ci1 + k, 0);
      i += 1;
    }
  }
  st(V, n - 1 + (n - 1) * ld, 1);
}

@inline function hypot(a: f64, b: f64): f64 {
  const x = abs<f64>(a);
  const y = abs<f64>(b);
  if (x > y) {
    const t = y / x;
    return x * sqrt<f64>(1 + t * t);
  }
  if (y == 0) return 0;
  const t = x / y;
  return y * sqrt<f64>(1 + t * t);
}

// Implicit QL (tql2), scalar chase identical to src/symeig.ts; the rotations go to applyRotations.
function tql2(d: usize, e: usize, V: usize, n: i32, rows: i32, stride: i32, cs: usize, sn: usize): i32 {
  for (let i = 1; i < n; i++) st(e, i - 1, lf(e, i));
  st(e, n - 1, 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  let budget = MAX_ITER_PER_VALUE * n;
  for (let l = 0; l < n; l++) {
    tst1 = max<f64>(tst1, abs<f64>(lf(d, l)) + abs<f64>(lf(e, l)));
    if (!isFinite<f64>(tst1)) return l + 1;
    const tol = EPS * tst1;
    let m = l;
    while (m < n - 1 && !(abs<f64>(lf(e, m)) <= tol)) m++;
    if (m > l) {
      do {
        if (budget-- <= 0) return l + 1;
        let g = lf(d, l);
        let p = (lf(d, l + 1) - g) / (2 * lf(e, l));
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        st(d, l, lf(e, l) / (p + r));
        st(d, l + 1, lf(e, l) * (p + r));
        const dl1 = lf(d, l + 1);
        let h = g - lf(d, l);
        for (let i = l + 2; i < n; i++) st(d, i, lf(d, i) - h);
        f += h;
        p = lf(d, m);
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = lf(e, l + 1);
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * lf(e, i);
          h = c * p;
          r = hypot(p, lf(e, i));
          st(e, i + 1, s * r);
          s = lf(e, i) / r;
          c = p / r;
          p = c * lf(d, i) - s * g;
          st(d, i + 1, h + s * (c * g + s * lf(d, i)));
          st(cs, i, c);
          st(sn, i, s);
        }
        if (V != 0) applyRotations(V, rows, stride, cs, sn, l, m);
        p = (-s * s2 * c3 * el1 * lf(e, l)) / dl1;
        st(e, l, s * p);
        st(d, l, c * p);
        if (!isFinite<f64>(p)) return l + 1;
      } while (!(abs<f64>(lf(e, l)) <= tol));
    }
    st(d, l, lf(d, l) + f);
    st(e, l, 0);
  }
  return 0;
}

// Loop 5: for i = m−1 down to l, (v_i, v_{i+1}) ← (c_i v_i − s_i v_{i+1}, s_i v_i + c_i v_{i+1}), 8 rows at a time
// with the running column in four v128 registers (each entry loaded and stored once per sweep).
function applyRotations(V: usize, rows: i32, stride: i32, cs: usize, sn: usize, l: i32, m: i32): void {
  const ld8 = <usize>stride << 3;
  let k = 0;
  for (; k + 8 <= rows; k += 8) {
    const pm = V + ((<usize>m * <usize>stride + <usize>k) << 3);
    let a0 = v128.load(pm);
    let a1 = v128.load(pm, 16);
    let a2 = v128.load(pm, 32);
    let a3 = v128.load(pm, 48);
    let q = pm;
    for (let i = m - 1; i >= l; i--) {
      const c = v128.load64_splat(cs + (<usize>i << 3));
      const s = v128.load64_splat(sn + (<usize>i << 3));
      const p = q - ld8;
      let y = v128.load(p);
      v128.store(q, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, a0)));
      a0 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, a0));
      y = v128.load(p, 16);
      v128.store(q, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, a1)), 16);
      a1 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, a1));
      y = v128.load(p, 32);
      v128.store(q, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, a2)), 32);
      a2 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, a2));
      y = v128.load(p, 48);
      v128.store(q, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, a3)), 48);
      a3 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, a3));
      q = p;
    }
    v128.store(q, a0);
    v128.store(q, a1, 16);
    v128.store(q, a2, 32);
    v128.store(q, a3, 48);
  }
  for (; k + 2 <= rows; k += 2) {
    let q = V + ((<usize>m * <usize>stride + <usize>k) << 3);
    let a = v128.load(q);
    for (let i = m - 1; i >= l; i--) {
      const c = v128.load64_splat(cs + (<usize>i << 3));
      const s = v128.load64_splat(sn + (<usize>i << 3));
      const p = q - ld8;
      const y = v128.load(p);
      v128.store(q, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, a)));
      a = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, a));
      q = p;
    }
    v128.store(q, a);
  }
  if (k < rows) {
    let q = V + ((<usize>m * <usize>stride + <usize>k) << 3);
    let a = load<f64>(q);
    for (let i = m - 1; i >= l; i--) {
      const c = lf(cs, i);
      const s = lf(sn, i);
      const p = q - ld8;
      const y = load<f64>(p);
      store<f64>(q, s * y + c * a);
      a = c * y - s * a;
      q = p;
    }
    store<f64>(q, a);
  }
}

function sortEigen(d: usize, V: usize, n: i32, rows: i32, stride: i32): void {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = lf(d, i);
    for (let j = i + 1; j < n; j++) {
      if (lf(d, j) < p) {
        k = j;
        p = lf(d, j);
      }
    }
    if (k != i) {
      st(d, k, lf(d, i));
      st(d, i, p);
      if (V != 0) {
        const ci = at(V, i * stride);
        const ck = at(V, k * stride);
        for (let r = 0; r < rows; r++) {
          const off = <usize>r << 3;
          const t = load<f64>(ci + off);
          store<f64>(ci + off, load<f64>(ck + off));
          store<f64>(ck + off, t);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Complex Hermitian: unitary reduction to real symmetric tridiagonal form (zhetd2), Q formed explicitly (zung2r), the
// QL rotations above applied to Q's columns stored as [Re; Im] stacks of 2n rows. Same algorithm, same scalar
// operations as src/hermeig.ts; f64x2 in the matrix-vector product, the rank-2 update and the formation of Q.

/** Column stride (in f64) of the stacked [Re; Im] eigenvector matrix of `hermEigF64`. */
export function hermEigLd(n: i32): i32 {
  return symEigLd(2 * n);
}

/** Bytes of the stacked eigenvector matrix `q` of `hermEigF64`: hermEigLd(n)·n f64. */
export function hermEigQBytes(n: i32): usize {
  return (<usize>hermEigLd(n) * <usize>max(n, 1)) << 3;
}

/** Bytes of scratch `hermEigF64` needs (eight vectors of length n). */
export function hermEigWorkBytes(n: i32): usize {
  return <usize>(8 * max(n, 1)) << 3;
}

/**
 * Eigen-decomposition of the Hermitian n×n matrix (are, aim) (row-major; only the lower triangle and the real part of
 * the diagonal are read). `hr`, `hi` (n·n f64 each) are workspace. On return `d` holds the eigenvalues ascending and,
 * if wantVectors ≠ 0, column j of `q` (stride hermEigLd(n)) holds Re v_j in rows 0 … n−1 and Im v_j in rows n … 2n−1
 * (without the phase convention). `e` (n f64) is scratch, `work` hermEigWorkBytes(n) bytes. Returns 0 or l + 1.
 */
export function hermEigF64(
  n: i32,
  wantVectors: i32,
  are: usize,
  aim: usize,
  hr: usize,
  hi: usize,
  q: usize,
  d: usize,
  e: usize,
  work: usize,
): i32 {
  if (n <= 0) return 0;
  for (let c = 0; c < n; c++) {
    const col = c * n;
    st(hr, col + c, lf(are, c * n + c));
    st(hi, col + c, 0);
    for (let r = c + 1; r < n; r++) {
      st(hr, col + r, lf(are, r * n + c));
      st(hi, col + r, lf(aim, r * n + c));
    }
  }
  const tauRe = work;
  const tauIm = tauRe + (<usize>n << 3);
  const scratch = tauIm + (<usize>n << 3); // 4n: v and p (re, im)
  hetrd(hr, hi, d, e, tauRe, tauIm, n, scratch);
  const cs = scratch + (<usize>(4 * n) << 3);
  const sn = cs + (<usize>n << 3);
  const rows = 2 * n;
  const stride = hermEigLd(n);
  if (wantVectors != 0) ungtr(hr, hi, tauRe, tauIm, q, n, stride);
  const qq: usize = wantVectors != 0 ? q : 0;
  const info = tql2(d, e, qq, n, rows, stride, cs, sn);
  if (info == 0) sortEigen(d, qq, n, rows, stride);
  return info;
}

function hetrd(hr: usize, hi: usize, d: usize, e: usize, tauRe: usize, tauIm: usize, n: i32, scratch: usize): void {
  const vr = scratch;
  const vi = vr + (<usize>n << 3);
  const pr = vi + (<usize>n << 3);
  const pi = pr + (<usize>n << 3);
  st(e, 0, 0);
  for (let k = 0; k < n - 1; k++) {
    const ck = k * n;
    const k1 = k + 1;
    const ar = lf(hr, ck + k1);
    const ai = lf(hi, ck + k1);
    let scale = max<f64>(abs<f64>(ar), abs<f64>(ai));
    for (let r = k1 + 1; r < n; r++) scale = max<f64>(scale, max<f64>(abs<f64>(lf(hr, ck + r)), abs<f64>(lf(hi, ck + r))));
    let tr: f64 = 0;
    let ti: f64 = 0;
    let beta = ar;
    if (scale > 0) {
      let ss: f64 = 0;
      for (let r = k1 + 1; r < n; r++) {
        const x = lf(hr, ck + r) / scale;
        const y = lf(hi, ck + r) / scale;
        ss += x * x + y * y;
      }
      if (ss != 0 || ai != 0) {
        const xr = ar / scale;
        const xi = ai / scale;
        const normS = sqrt<f64>(xr * xr + xi * xi + ss);
        const betaS = ar >= 0 ? -normS : normS;
        beta = scale * betaS;
        tr = (betaS - xr) / betaS;
        ti = -xi / betaS;
        const dr = xr - betaS;
        const di = xi;
        let qr: f64;
        let qi: f64;
        if (abs<f64>(dr) >= abs<f64>(di)) {
          const t = di / dr;
          qr = 1 / (dr + di * t);
          qi = -t * qr;
        } else {
          const t = dr / di;
          qi = -1 / (di + dr * t);
          qr = -t * qi;
        }
        for (let r = k1 + 1; r < n; r++) {
          const x = lf(hr, ck + r) / scale;
          const y = lf(hi, ck + r) / scale;
          st(hr, ck + r, x * qr - y * qi);
          st(hi, ck + r, x * qi + y * qr);
        }
      }
    }
    st(hr, ck + k1, beta);
    st(hi, ck + k1, 0);
    st(e, k1, beta);
    st(tauRe, k, tr);
    st(tauIm, k, ti);
    if (tr != 0 || ti != 0) {
      const m = n - k1;
      st(vr, 0, 1);
      st(vi, 0, 0);
      for (let r = 1; r < m; r++) {
        st(vr, r, lf(hr, ck + k1 + r));
        st(vi, r, lf(hi, ck + k1 + r));
      }
      hemvLower(hr, hi, n, k1, vr, vi, pr, pi);
      let sr: f64 = 0;
      let si: f64 = 0;
      for (let r = 0; r < m; r++) {
        const xr = lf(pr, r);
        const xi = lf(pi, r);
        const yr = tr * xr - ti * xi;
        const yi = tr * xi + ti * xr;
        st(pr, r, yr);
        st(pi, r, yi);
        sr += yr * lf(vr, r) + yi * lf(vi, r);
        si += yr * lf(vi, r) - yi * lf(vr, r);
      }
      const alr = -0.5 * (tr * sr - ti * si);
      const ali = -0.5 * (tr * si + ti * sr);
      for (let r = 0; r < m; r++) {
        st(pr, r, lf(pr, r) + (alr * lf(vr, r) - ali * lf(vi, r)));
        st(pi, r, lf(pi, r) + (alr * lf(vi, r) + ali * lf(vr, r)));
      }
      her2Lower(hr, hi, n, k1, vr, vi, pr, pi);
    }
    st(d, k, lf(hr, ck + k));
  }
  st(d, n - 1, lf(hr, n * n - 1));
}

// p = B v for the trailing block B = A[o:, o:] (lower triangle, column-major stride n); v, p indexed within the block.
function hemvLower(hr: usize, hi: usize, n: i32, o: i32, vr: usize, vi: usize, pr: usize, pi: usize): void {
  const m = n - o;
  memory.fill(pr, 0, <usize>m << 3);
  memory.fill(pi, 0, <usize>m << 3);
  for (let j = 0; j < m; j++) {
    const cj = (o + j) * n + o;
    const fr = lf(vr, j);
    const fi = lf(vi, j);
    const bjj = lf(hr, cj + j);
    let gr = lf(pr, j) + bjj * fr;
    let gi = lf(pi, j) + bjj * fi;
    const br0 = at(hr, cj);
    const bi0 = at(hi, cj);
    const vfr = f64x2.splat(fr);
    const vfi = f64x2.splat(fi);
    let vgr = f64x2.splat(0);
    let vgi = f64x2.splat(0);
    let i = j + 1;
    for (; i + 1 < m; i += 2) {
      const off = <usize>i << 3;
      const br = v128.load(br0 + off);
      const bi = v128.load(bi0 + off);
      const xr = v128.load(vr + off);
      const xi = v128.load(vi + off);
      vgr = f64x2.add(vgr, f64x2.add(f64x2.mul(br, xr), f64x2.mul(bi, xi)));
      vgi = f64x2.add(vgi, f64x2.sub(f64x2.mul(br, xi), f64x2.mul(bi, xr)));
      v128.store(pr + off, f64x2.add(v128.load(pr + off), f64x2.sub(f64x2.mul(br, vfr), f64x2.mul(bi, vfi))));
      v128.store(pi + off, f64x2.add(v128.load(pi + off), f64x2.add(f64x2.mul(br, vfi), f64x2.mul(bi, vfr))));
    }
    gr += f64x2.extract_lane(vgr, 0) + f64x2.extract_lane(vgr, 1);
    gi += f64x2.extract_lane(vgi, 0) + f64x2.extract_lane(vgi, 1);
    if (i < m) {
      const br = lf(br0, i);
      const bi = lf(bi0, i);
      const xr = lf(vr, i);
      const xi = lf(vi, i);
      gr += br * xr + bi * xi;
      gi += br * xi - bi * xr;
      st(pr, i, lf(pr, i) + (br * fr - bi * fi));
      st(pi, i, lf(pi, i) + (br * fi + bi * fr));
    }
    st(pr, j, gr);
    st(pi, j, gi);
  }
}

// B ← B − v wᴴ − w vᴴ on the lower triangle of the trailing block B = A[o:, o:].
function her2Lower(hr: usize, hi: usize, n: i32, o: i32, vr: usize, vi: usize, wr: usize, wi: usize): void {
  const m = n - o;
  for (let j = 0; j < m; j++) {
    const cj = (o + j) * n + o;
    const awr = lf(wr, j);
    const awi = -lf(wi, j);
    const avr = lf(vr, j);
    const avi = -lf(vi, j);
    st(hr, cj + j, lf(hr, cj + j) - 2 * (avr * awr + lf(vi, j) * lf(wi, j)));
    const br0 = at(hr, cj);
    const bi0 = at(hi, cj);
    const vawr = f64x2.splat(awr);
    const vawi = f64x2.splat(awi);
    const vavr = f64x2.splat(avr);
    const vavi = f64x2.splat(avi);
    let i = j + 1;
    for (; i + 1 < m; i += 2) {
      const off = <usize>i << 3;
      const xr = v128.load(vr + off);
      const xi = v128.load(vi + off);
      const yr = v128.load(wr + off);
      const yi = v128.load(wi + off);
      const ur = f64x2.add(f64x2.sub(f64x2.mul(xr, vawr), f64x2.mul(xi, vawi)), f64x2.sub(f64x2.mul(yr, vavr), f64x2.mul(yi, vavi)));
      const ui = f64x2.add(f64x2.add(f64x2.mul(xr, vawi), f64x2.mul(xi, vawr)), f64x2.add(f64x2.mul(yr, vavi), f64x2.mul(yi, vavr)));
      v128.store(br0 + off, f64x2.sub(v128.load(br0 + off), ur));
      v128.store(bi0 + off, f64x2.sub(v128.load(bi0 + off), ui));
    }
    if (i < m) {
      const xr = lf(vr, i);
      const xi = lf(vi, i);
      const yr = lf(wr, i);
      const yi = lf(wi, i);
      st(br0, i, lf(br0, i) - (xr * awr - xi * awi + (yr * avr - yi * avi)));
      st(bi0, i, lf(bi0, i) - (xr * awi + xi * awr + (yr * avi + yi * avr)));
    }
  }
}

// Q = H_0 ⋯ H_{n−2} into q (stacked [Re; Im] columns at stride `ld`), backward accumulation.
function ungtr(hr: usize, hi: usize, tauRe: usize, tauIm: usize, q: usize, n: i32, ld: i32): void {
  memory.fill(q, 0, (<usize>ld * <usize>n) << 3);
  for (let c = 0; c < n; c++) st(q, c * ld + c, 1);
  for (let k = n - 2; k >= 0; k--) {
    const tr = lf(tauRe, k);
    const ti = lf(tauIm, k);
    if (tr == 0 && ti == 0) continue;
    const k1 = k + 1;
    const ck = k * n;
    const qk1 = k1 * ld;
    st(q, qk1 + k1, 1 - tr);
    st(q, qk1 + n + k1, -ti);
    for (let r = k1 + 1; r < n; r++) {
      const xr = lf(hr, ck + r);
      const xi = lf(hi, ck + r);
      st(q, qk1 + r, -(tr * xr - ti * xi));
      st(q, qk1 + n + r, -(tr * xi + ti * xr));
    }
    const xr0 = at(hr, ck);
    const xi0 = at(hi, ck);
    for (let c = k1 + 1; c < n; c++) {
      const qr0 = at(q, c * ld);
      const qi0 = at(q, c * ld + n);
      let vsr = f64x2.splat(0);
      let vsi = f64x2.splat(0);
      let r = k1 + 1;
      for (; r + 1 < n; r += 2) {
        const off = <usize>r << 3;
        const xr = v128.load(xr0 + off);
        const xi = v128.load(xi0 + off);
        const yr = v128.load(qr0 + off);
        const yi = v128.load(qi0 + off);
        vsr = f64x2.add(vsr, f64x2.add(f64x2.mul(xr, yr), f64x2.mul(xi, yi)));
        vsi = f64x2.add(vsi, f64x2.sub(f64x2.mul(xr, yi), f64x2.mul(xi, yr)));
      }
      let sr = f64x2.extract_lane(vsr, 0) + f64x2.extract_lane(vsr, 1);
      let si = f64x2.extract_lane(vsi, 0) + f64x2.extract_lane(vsi, 1);
      if (r < n) {
        const xr = lf(xr0, r);
        const xi = lf(xi0, r);
        const yr = lf(qr0, r);
        const yi = lf(qi0, r);
        sr += xr * yr + xi * yi;
        si += xr * yi - xi * yr;
      }
      const gr = tr * sr - ti * si;
      const gi = tr * si + ti * sr;
      st(qr0, k1, -gr);
      st(qi0, k1, -gi);
      const vgr = f64x2.splat(gr);
      const vgi = f64x2.splat(gi);
      r = k1 + 1;
      for (; r + 1 < n; r += 2) {
        const off = <usize>r << 3;
        const xr = v128.load(xr0 + off);
        const xi = v128.load(xi0 + off);
        v128.store(qr0 + off, f64x2.sub(v128.load(qr0 + off), f64x2.sub(f64x2.mul(vgr, xr), f64x2.mul(vgi, xi))));
        v128.store(qi0 + off, f64x2.sub(v128.load(qi0 + off), f64x2.add(f64x2.mul(vgr, xi), f64x2.mul(vgi, xr))));
      }
      if (r < n) {
        const xr = lf(xr0, r);
        const xi = lf(xi0, r);
        st(qr0, r, lf(qr0, r) - (gr * xr - gi * xi));
        st(qi0, r, lf(qi0, r) - (gr * xi + gi * xr));
      }
    }
  }
}
