// General real eigensolver, WASM-SIMD path: the reduction of src/eig.ts from a (balanced) real matrix to real Schur
// form — Householder Hessenberg reduction (xGEHD2), accumulation of Q (xORGHR), Francis double-shift QR with
// standardized 2×2 blocks (xLAHQR + xLANV2) — operation for operation in its scalar parts, with f64x2 SIMD in the
// inner loops:
//   1. Hessenberg: w = vᵀA (row axpys), the fused left update + right dot product, the right axpy;
//   2. Q accumulation: the column dot product and axpy;
//   3. Francis sweep: the 3-row (and 2-row) reflector update of H along a row, and the 3-column (2-column) update of
//      the column-major Z.
// The eigenvectors (back substitution), the ordering and the conventions stay in TypeScript.
//
// Layout: H row-major and Z column-major with padded leading dimensions (see eigLd): with a power-of-two stride
// the column updates of H map every row to the same few cache sets.
//
// Numerical notes: the elementwise SIMD updates perform exactly the scalar operations, so the Francis sweep is
// bitwise identical to the TypeScript path; the dot products of the Hessenberg reduction and of Q sum in two lanes,
// so results differ from the TypeScript path by rounding only. No fused multiply-add. The QR iteration is bounded by
// 30·max(10, n) sweeps per eigenvalue; non-convergence returns i + 1 as in the TypeScript path.
//
// References: as src/eig.ts (Francis 1961; Wilkinson & Reinsch 1971; Ahues & Tisseur, LAWN 122; LAPACK xGEHD2,
// xORGHR, xLAHQR, xLANV2).
//
// Exported functions take plain integers and byte pointers into the shared memory (no default parameters). They
// never allocate: scratch arrives in `work`.

const EPS: f64 = 2.220446049250313e-16; // 2⁻⁵²
const SAFMIN: f64 = 2.2250738585072014e-308; // 2⁻¹⁰²²

@inline function lf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

@inline function sgn(x: f64): f64 {
  return x >= 0 ? 1.0 : -1.0;
}

/** √(x² + y²), rescaling only when the squares would overflow or underflow (hypot2 of src/eig.ts). */
function hyp(x: f64, y: f64): f64 {
  const ax = abs(x);
  const ay = abs(y);
  const m = ax > ay ? ax : ay;
  if (m == 0) return 0;
  if (m > 1e-150 && m < 1e150) return sqrt(ax * ax + ay * ay);
  if (!isFinite(m)) return m;
  const a = ax / m;
  const b = ay / m;
  return m * sqrt(a * a + b * b);
}

/** Exact power of two lifting a magnitude below 2⁻⁶⁰⁰ to about 1 (tinyScale of src/eig.ts). */
function tinyScale(m: f64): f64 {
  if (m >= 2.409919865102884e-181 || m == 0) return 1; // 2⁻⁶⁰⁰
  const e = min<i32>(1000, -<i32>Math.floor(Math.log2(m)));
  return Math.pow(2, <f64>e);
}

/** Leading dimension (in f64) used for H and Z: n rounded up to whole 64-byte lines, plus a line if even. */
export function eigLd(n: i32): i32 {
  let ld = (n + 7) & ~7;
  if (((ld >> 3) & 1) == 0) ld += 8;
  return ld;
}

/** Bytes of scratch `eigRealSchurF64` needs. */
export function eigWorkBytes(n: i32): usize {
  return <usize>(3 * max(n, 1) + 16) << 3;
}

/**
 * Reduce the real n×n matrix at `h` (row-major, leading dimension ldh) to real Schur form T = Zᵀ A Z in place, with
 * Z (column-major, leading dimension ldz) if wantZ ≠ 0. On return T is quasi-upper-triangular with standardized 2×2
 * blocks (entries below the subdiagonal zero), and (wr, wi) hold the eigenvalues in Schur order, a complex pair
 * (i, i+1) with wi[i] > 0. With wantZ = 0 only the active blocks are updated (eigenvalues only). Returns 0, or
 * i + 1 when eigenvalue i failed to converge.
 */
export function eigRealSchurF64(
  n: i32,
  h: usize,
  ldh: i32,
  z: usize,
  ldz: i32,
  wantZ: i32,
  wr: usize,
  wi: usize,
  work: usize,
): i32 {
  if (n <= 0) return 0;
  const tau = work;
  const v = at(work, n);
  const w = at(work, 2 * n);
  const out = at(work, 3 * n);
  hessenberg(h, n, ldh, tau, v, w);
  if (wantZ != 0) formQ(h, n, ldh, tau, z, ldz, v);
  for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) st(h, i * ldh + j, 0);
  return francis(h, n, ldh, wantZ != 0 ? z : 0, ldz, wantZ != 0, wr, wi, out);
}

/** hessenbergReal of src/eig.ts with leading dimension ldh. */
function hessenberg(a: usize, n: i32, ld: i32, tau: usize, v: usize, w: usize): void {
  for (let k = 0; k + 2 < n; k++) {
    let alpha = lf(a, (k + 1) * ld + k);
    let scale: f64 = 0;
    for (let i = k + 2; i < n; i++) scale = max(scale, abs(lf(a, i * ld + k)));
    if (scale == 0) {
      st(tau, k, 0);
      continue;
    }
    const up = tinyScale(max(scale, abs(alpha)));
    if (up != 1) {
      for (let i = k + 2; i < n; i++) st(a, i * ld + k, lf(a, i * ld + k) * up);
      alpha *= up;
      scale *= up;
    }
    let ss: f64 = 0;
    for (let i = k + 2; i < n; i++) {
      const t = lf(a, i * ld + k) / scale;
      ss += t * t;
    }
    const xnorm = scale * sqrt(ss);
    const beta = -sgn(alpha) * hyp(alpha, xnorm);
    const t = (beta - alpha) / beta;
    const sc = 1 / (alpha - beta);
    for (let i = k + 2; i < n; i++) st(a, i * ld + k, lf(a, i * ld + k) * sc);
    st(a, (k + 1) * ld + k, beta / up);
    st(tau, k, t);
    st(v, k + 1, 1);
    for (let i = k + 2; i < n; i++) st(v, i, lf(a, i * ld + k));
    // w = vᵀ A[k+1.., k+1..], row axpys.
    const j0 = k + 1;
    const len = n - j0;
    memory.copy(at(w, j0), at(a, (k + 1) * ld + j0), <usize>len << 3);
    for (let i = k + 2; i < n; i++) {
      const vi = lf(v, i);
      if (vi == 0) continue;
      axpy(at(w, j0), at(a, i * ld + j0), vi, len);
    }
    // Row by row: left update (rows > k) fused with the right dot product, then the right axpy.
    for (let r = 0; r < n; r++) {
      const row = at(a, r * ld + j0);
      let s: f64;
      const f = r > k ? t * lf(v, r) : 0;
      if (f != 0) s = updateDot(row, at(w, j0), at(v, j0), f, len);
      else s = dot(row, at(v, j0), len);
      s *= t;
      if (s == 0) continue;
      axpy(row, at(v, j0), -s, len);
    }
  }
}

/** x += c·y over len entries. */
function axpy(x: usize, y: usize, c: f64, len: i32): void {
  const vc = f64x2.splat(c);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    v128.store(x + o, f64x2.add(v128.load(x + o), f64x2.mul(vc, v128.load(y + o))));
  }
  for (; j < len; j++) {
    const o = <usize>j << 3;
    store<f64>(x + o, load<f64>(x + o) + c * load<f64>(y + o));
  }
}

/** Σ x_j y_j (two lanes). */
function dot(x: usize, y: usize, len: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < len; j++) s += load<f64>(x + (<usize>j << 3)) * load<f64>(y + (<usize>j << 3));
  return s;
}

/** x ← x − f·w, returning Σ x_j v_j of the updated x (two lanes). */
function updateDot(x: usize, w: usize, v: usize, f: f64, len: i32): f64 {
  const vf = f64x2.splat(f);
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    const nx = f64x2.sub(v128.load(x + o), f64x2.mul(vf, v128.load(w + o)));
    v128.store(x + o, nx);
    acc = f64x2.add(acc, f64x2.mul(nx, v128.load(v + o)));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const nx = load<f64>(x + o) - f * load<f64>(w + o);
    store<f64>(x + o, nx);
    s += nx * load<f64>(v + o);
  }
  return s;
}

/** formQReal of src/eig.ts: Q = P₀P₁… (column-major, leading dimension ldz) by backward accumulation. */
function formQ(a: usize, n: i32, lda: i32, tau: usize, q: usize, ldq: i32, v: usize): void {
  for (let j = 0; j < n; j++) {
    memory.fill(at(q, j * ldq), 0, <usize>n << 3);
    st(q, j * ldq + j, 1);
  }
  for (let k = n - 3; k >= 0; k--) {
    const t = lf(tau, k);
    if (t == 0) continue;
    st(v, k + 1, 1);
    for (let i = k + 2; i < n; i++) st(v, i, lf(a, i * lda + k));
    const i0 = k + 1;
    const len = n - i0;
    for (let j = k + 1; j < n; j++) {
      const col = at(q, j * ldq + i0);
      const s = dot(col, at(v, i0), len) * t;
      if (s == 0) continue;
      axpy(col, at(v, i0), -s, len);
    }
  }
}

/** schurReal of src/eig.ts (Francis double-shift QR with xLANV2 standardization) with leading dimensions. */
function francis(
  h: usize,
  n: i32,
  ld: i32,
  z: usize,
  ldz: i32,
  wantT: bool,
  wr: usize,
  wi: usize,
  out: usize,
): i32 {
  const smlnum = SAFMIN * (<f64>n / EPS);
  const itmax = 30 * max(10, n);
  const KEXSH = 10;
  let kdefl = 0;
  let i1 = 0;
  let i2 = n - 1;
  let i = n - 1;
  while (i >= 0) {
    let l = 0;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      let k = i;
      for (; k > l; k--) {
        const hkk1 = abs(lf(h, k * ld + k - 1));
        if (hkk1 <= smlnum) break;
        let tst = abs(lf(h, (k - 1) * ld + k - 1)) + abs(lf(h, k * ld + k));
        if (tst == 0) {
          if (k - 2 >= 0) tst += abs(lf(h, (k - 1) * ld + k - 2));
          if (k + 1 < n) tst += abs(lf(h, (k + 1) * ld + k));
        }
        if (hkk1 <= EPS * tst) {
          const hk1k = abs(lf(h, (k - 1) * ld + k));
          const ab = max(hkk1, hk1k);
          const ba = min(hkk1, hk1k);
          const hkk = abs(lf(h, k * ld + k));
          const dif = abs(lf(h, (k - 1) * ld + k - 1) - lf(h, k * ld + k));
          const aa = max(hkk, dif);
          const bb = min(hkk, dif);
          const s = aa + ab;
          if (ba * (ab / s) <= max(smlnum, EPS * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > 0) st(h, l * ld + l - 1, 0);
      if (l >= i - 1) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      let h11: f64;
      let h12: f64;
      let h21: f64;
      let h22: f64;
      if (kdefl % (2 * KEXSH) == 0) {
        const s = abs(lf(h, i * ld + i - 1)) + abs(lf(h, (i - 1) * ld + i - 2));
        h11 = 0.75 * s + lf(h, i * ld + i);
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else if (kdefl % KEXSH == 0) {
        const s = abs(lf(h, (l + 1) * ld + l)) + abs(lf(h, (l + 2) * ld + l + 1));
        h11 = 0.75 * s + lf(h, l * ld + l);
        h12 = -0.4375 * s;
        h21 = s;
        h22 = h11;
      } else {
        h11 = lf(h, (i - 1) * ld + i - 1);
        h21 = lf(h, i * ld + i - 1);
        h12 = lf(h, (i - 1) * ld + i);
        h22 = lf(h, i * ld + i);
      }
      let rt1r: f64;
      let rt1i: f64;
      let rt2r: f64;
      let rt2i: f64;
      const s0 = abs(h11) + abs(h12) + abs(h21) + abs(h22);
      if (s0 == 0) {
        rt1r = 0;
        rt1i = 0;
        rt2r = 0;
        rt2i = 0;
      } else {
        h11 /= s0;
        h21 /= s0;
        h12 /= s0;
        h22 /= s0;
        const tr = (h11 + h22) / 2;
        const det = (h11 - tr) * (h22 - tr) - h12 * h21;
        const rtdisc = sqrt(abs(det));
        if (det >= 0) {
          rt1r = tr * s0;
          rt2r = rt1r;
          rt1i = rtdisc * s0;
          rt2i = -rt1i;
        } else {
          rt1r = tr + rtdisc;
          rt2r = tr - rtdisc;
          if (abs(rt1r - h22) <= abs(rt2r - h22)) {
            rt1r *= s0;
            rt2r = rt1r;
          } else {
            rt2r *= s0;
            rt1r = rt2r;
          }
          rt1i = 0;
          rt2i = 0;
        }
      }
      let m = i - 2;
      let v0: f64 = 0;
      let v1: f64 = 0;
      let v2: f64 = 0;
      for (; m >= l; m--) {
        const hmm = lf(h, m * ld + m);
        let h21s = lf(h, (m + 1) * ld + m);
        const s = abs(hmm - rt2r) + abs(rt2i) + abs(h21s);
        h21s /= s;
        v0 = h21s * lf(h, m * ld + m + 1) + (hmm - rt1r) * ((hmm - rt2r) / s) - rt1i * (rt2i / s);
        v1 = h21s * (hmm + lf(h, (m + 1) * ld + m + 1) - rt1r - rt2r);
        v2 = h21s * lf(h, (m + 2) * ld + m + 1);
        const sv = abs(v0) + abs(v1) + abs(v2);
        v0 /= sv;
        v1 /= sv;
        v2 /= sv;
        if (m == l) break;
        const h00 = abs(lf(h, m * ld + m - 1)) * (abs(v1) + abs(v2));
        const h01 = abs(v0) * (abs(lf(h, (m - 1) * ld + m - 1)) + abs(hmm) + abs(lf(h, (m + 1) * ld + m + 1)));
        if (h00 <= EPS * h01) break;
      }
      for (let k2 = m; k2 <= i - 1; k2++) {
        const nr = min(3, i - k2 + 1);
        let x0: f64;
        let x1: f64;
        let x2: f64;
        if (k2 > m) {
          x0 = lf(h, k2 * ld + k2 - 1);
          x1 = lf(h, (k2 + 1) * ld + k2 - 1);
          x2 = nr == 3 ? lf(h, (k2 + 2) * ld + k2 - 1) : 0;
        } else {
          x0 = v0;
          x1 = v1;
          x2 = nr == 3 ? v2 : 0;
        }
        let t1: f64 = 0;
        let u2: f64 = 0;
        let u3: f64 = 0;
        let beta = x0;
        const xn = nr == 3 ? hyp(x1, x2) : abs(x1);
        if (xn != 0) {
          const up = tinyScale(max(xn, abs(x0)));
          const y0 = x0 * up;
          const b = -sgn(y0) * hyp(y0, xn * up);
          t1 = (b - y0) / b;
          const sc = 1 / (y0 - b);
          u2 = x1 * up * sc;
          u3 = x2 * up * sc;
          beta = b / up;
        }
        if (k2 > m) {
          st(h, k2 * ld + k2 - 1, beta);
          st(h, (k2 + 1) * ld + k2 - 1, 0);
          if (k2 < i - 1) st(h, (k2 + 2) * ld + k2 - 1, 0);
        } else if (m > l) {
          st(h, k2 * ld + k2 - 1, lf(h, k2 * ld + k2 - 1) * (1 - t1));
        }
        if (t1 == 0) continue;
        const t2 = t1 * u2;
        if (nr == 3) {
          const t3 = t1 * u3;
          reflectRows3(at(h, k2 * ld), at(h, (k2 + 1) * ld), at(h, (k2 + 2) * ld), k2, i2, u2, u3, t1, t2, t3);
          const jmax = min(k2 + 3, i);
          for (let j = i1; j <= jmax; j++) {
            const o = at(h, j * ld + k2);
            const a = load<f64>(o);
            const b = load<f64>(o, 8);
            const c = load<f64>(o, 16);
            const sum = a + u2 * b + u3 * c;
            store<f64>(o, a - sum * t1);
            store<f64>(o, b - sum * t2, 8);
            store<f64>(o, c - sum * t3, 16);
          }
          if (z != 0) reflectRows3(at(z, k2 * ldz), at(z, (k2 + 1) * ldz), at(z, (k2 + 2) * ldz), 0, n - 1, u2, u3, t1, t2, t3);
        } else {
          reflectRows2(at(h, k2 * ld), at(h, (k2 + 1) * ld), k2, i2, u2, t1, t2);
          for (let j = i1; j <= i; j++) {
            const o = at(h, j * ld + k2);
            const a = load<f64>(o);
            const b = load<f64>(o, 8);
            const sum = a + u2 * b;
            store<f64>(o, a - sum * t1);
            store<f64>(o, b - sum * t2, 8);
          }
          if (z != 0) reflectRows2(at(z, k2 * ldz), at(z, (k2 + 1) * ldz), 0, n - 1, u2, t1, t2);
        }
      }
    }
    if (!converged) return i + 1;
    if (l == i) {
      st(wr, i, lf(h, i * ld + i));
      st(wi, i, 0);
    } else {
      const p = (i - 1) * ld + i - 1;
      standardize2x2(lf(h, p), lf(h, p + 1), lf(h, p + ld), lf(h, p + ld + 1), out);
      st(h, p, lf(out, 0));
      st(h, p + 1, lf(out, 1));
      st(h, p + ld, lf(out, 2));
      st(h, p + ld + 1, lf(out, 3));
      st(wr, i - 1, lf(out, 4));
      st(wi, i - 1, lf(out, 5));
      st(wr, i, lf(out, 6));
      st(wi, i, lf(out, 7));
      const cs = lf(out, 8);
      const sn = lf(out, 9);
      if (wantT) {
        for (let j = i + 1; j <= i2; j++) {
          const x = lf(h, (i - 1) * ld + j);
          const y = lf(h, i * ld + j);
          st(h, (i - 1) * ld + j, cs * x + sn * y);
          st(h, i * ld + j, cs * y - sn * x);
        }
        for (let j = i1; j <= i - 2; j++) {
          const x = lf(h, j * ld + i - 1);
          const y = lf(h, j * ld + i);
          st(h, j * ld + i - 1, cs * x + sn * y);
          st(h, j * ld + i, cs * y - sn * x);
        }
      }
      if (z != 0) {
        for (let j = 0; j < n; j++) {
          const x = lf(z, (i - 1) * ldz + j);
          const y = lf(z, i * ldz + j);
          st(z, (i - 1) * ldz + j, cs * x + sn * y);
          st(z, i * ldz + j, cs * y - sn * x);
        }
      }
    }
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}

/**
 * Apply the reflector I − t (1, u2, u3)(1, u2, u3)ᵀ to three rows (r0, r1, r2) over entries j0..j1 — the rows of
 * H in the row update, or three columns of the column-major Z. The SIMD lanes perform exactly the scalar operations.
 */
function reflectRows3(
  r0: usize,
  r1: usize,
  r2: usize,
  j0: i32,
  j1: i32,
  u2: f64,
  u3: f64,
  t1: f64,
  t2: f64,
  t3: f64,
): void {
  const vu2 = f64x2.splat(u2);
  const vu3 = f64x2.splat(u3);
  const vt1 = f64x2.splat(t1);
  const vt2 = f64x2.splat(t2);
  const vt3 = f64x2.splat(t3);
  let j = j0;
  for (; j + 1 <= j1; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(r0 + o);
    const b = v128.load(r1 + o);
    const c = v128.load(r2 + o);
    const sum = f64x2.add(f64x2.add(a, f64x2.mul(vu2, b)), f64x2.mul(vu3, c));
    v128.store(r0 + o, f64x2.sub(a, f64x2.mul(sum, vt1)));
    v128.store(r1 + o, f64x2.sub(b, f64x2.mul(sum, vt2)));
    v128.store(r2 + o, f64x2.sub(c, f64x2.mul(sum, vt3)));
  }
  for (; j <= j1; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(r0 + o);
    const b = load<f64>(r1 + o);
    const c = load<f64>(r2 + o);
    const sum = a + u2 * b + u3 * c;
    store<f64>(r0 + o, a - sum * t1);
    store<f64>(r1 + o, b - sum * t2);
    store<f64>(r2 + o, c - sum * t3);
  }
}

/** Two-row version of {@link reflectRows3}. */
function reflectRows2(r0: usize, r1: usize, j0: i32, j1: i32, u2: f64, t1: f64, t2: f64): void {
  const vu2 = f64x2.splat(u2);
  const vt1 = f64x2.splat(t1);
  const vt2 = f64x2.splat(t2);
  let j = j0;
  for (; j + 1 <= j1; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(r0 + o);
    const b = v128.load(r1 + o);
    const sum = f64x2.add(a, f64x2.mul(vu2, b));
    v128.store(r0 + o, f64x2.sub(a, f64x2.mul(sum, vt1)));
    v128.store(r1 + o, f64x2.sub(b, f64x2.mul(sum, vt2)));
  }
  for (; j <= j1; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(r0 + o);
    const b = load<f64>(r1 + o);
    const sum = a + u2 * b;
    store<f64>(r0 + o, a - sum * t1);
    store<f64>(r1 + o, b - sum * t2);
  }
}

/**
 * standardize2x2 of src/eig.ts (xLANV2 with LAPACK 3.10's rescaling). Writes a, b, c, d, rt1r, rt1i, rt2r, rt2i,
 * cs, sn to out[0..9].
 */
function standardize2x2(a: f64, b: f64, c: f64, d: f64, out: usize): void {
  let cs: f64 = 1;
  let sn: f64 = 0;
  if (c == 0) {
    // already upper triangular
  } else if (b == 0) {
    cs = 0;
    sn = 1;
    const t = d;
    d = a;
    a = t;
    b = -c;
    c = 0;
  } else if (a - d == 0 && sgn(b) != sgn(c)) {
    // already standard
  } else {
    let temp = a - d;
    let p = 0.5 * temp;
    const bcmax = max(abs(b), abs(c));
    const bcmis = min(abs(b), abs(c)) * sgn(b) * sgn(c);
    const scale = max(abs(p), bcmax);
    let zz = (p / scale) * p + (bcmax / scale) * bcmis;
    if (zz >= 4 * EPS) {
      zz = p + sgn(p) * sqrt(scale) * sqrt(zz);
      a = d + zz;
      d = d - (bcmax / zz) * bcmis;
      const tau = hyp(c, zz);
      cs = zz / tau;
      sn = c / tau;
      b = b - c;
      c = 0;
    } else {
      let sigma = b + c;
      const big: f64 = 9.989595361011175e145; // 2⁴⁸⁵
      const small: f64 = 1.0010415475915505e-146; // 2⁻⁴⁸⁵
      for (let count = 0; count < 20; count++) {
        const sc = max(abs(temp), abs(sigma));
        if (sc >= big) {
          sigma *= small;
          temp *= small;
        } else if (sc <= small) {
          sigma *= big;
          temp *= big;
        } else break;
      }
      p = 0.5 * temp;
      const tau = hyp(sigma, temp);
      cs = sqrt(0.5 * (1 + abs(sigma) / tau));
      sn = -(p / (tau * cs)) * sgn(sigma);
      const aa = a * cs + b * sn;
      const bb = -a * sn + b * cs;
      const cc = c * cs + d * sn;
      const dd = -c * sn + d * cs;
      a = aa * cs + cc * sn;
      b = bb * cs + dd * sn;
      c = -aa * sn + cc * cs;
      d = -bb * sn + dd * cs;
      temp = 0.5 * (a + d);
      a = temp;
      d = temp;
      if (c != 0) {
        if (b != 0) {
          if (sgn(b) == sgn(c)) {
            const sab = sqrt(abs(b));
            const sac = sqrt(abs(c));
            p = sgn(c) * sab * sac;
            const tau2 = 1 / sqrt(abs(b + c));
            a = temp + p;
            d = temp - p;
            b = b - c;
            c = 0;
            const cs1 = sab * tau2;
            const sn1 = sac * tau2;
            const t = cs * cs1 - sn * sn1;
            sn = cs * sn1 + sn * cs1;
            cs = t;
          }
        } else {
          b = -c;
          c = 0;
          const t = cs;
          cs = -sn;
          sn = t;
        }
      }
    }
  }
  let rt1i: f64 = 0;
  let rt2i: f64 = 0;
  if (c != 0) {
    rt1i = sqrt(abs(b)) * sqrt(abs(c));
    rt2i = -rt1i;
  }
  st(out, 0, a);
  st(out, 1, b);
  st(out, 2, c);
  st(out, 3, d);
  st(out, 4, a);
  st(out, 5, rt1i);
  st(out, 6, d);
  st(out, 7, rt2i);
  st(out, 8, cs);
  st(out, 9, sn);
}

// ---------------------------------------------------------------------------------------------------------------
// Eigenvectors of the real Schur form (eigenvectorsRealSchur of src/eig.ts)
// ---------------------------------------------------------------------------------------------------------------

/** Bytes of scratch `eigRealVectorsF64` needs. */
export function eigVectorsWorkBytes(n: i32): usize {
  return <usize>(4 * max(n, 1) + 8) << 3;
}

/**
 * Overwrite the Schur vectors Z (column-major, leading dimension ldz) with the eigenvectors Z·x of A, where T x = λ x
 * is solved by back substitution on the quasi-triangular T (row-major, leading dimension ldt) left by
 * eigRealSchurF64. Real λ: column k holds the vector; a pair k, k+1 (wi[k] > 0): column k the real part and column
 * k+1 the imaginary part of the vector of wr[k] + i·wi[k]. Not normalized. Zero pivots are replaced by
 * smin = max(ε|λ|, n·safmin/ε) and partial vectors rescaled instead of overflowing, as in the TypeScript path.
 */
export function eigRealVectorsF64(n: i32, t: usize, ldt: i32, z: usize, ldz: i32, wr: usize, wi: usize, work: usize): void {
  if (n <= 0) return;
  const smlnum = SAFMIN * (<f64>n / EPS);
  const xr = work;
  const xi = at(work, n);
  const ur = at(work, 2 * n);
  const ui = at(work, 3 * n);
  const out = at(work, 4 * n);
  // Bound on |x_m| keeping every dot product and back-transformed entry below 2¹⁰²⁰ (backSubstitutionBound).
  let tau: f64 = 1;
  for (let i = 0; i < n; i++) for (let j = max(i - 1, 0); j < n; j++) tau = max(tau, abs(lf(t, i * ldt + j)));
  const xmax = 1.1235582092889474e307 / (<f64>n * tau); // 2¹⁰²⁰ / (n·τ)
  let ki = n - 1;
  while (ki >= 0) {
    const pair = ki > 0 && lf(t, ki * ldt + ki - 1) != 0;
    if (!pair) {
      const lam = lf(wr, ki);
      const smin = max(EPS * abs(lam), smlnum);
      memory.fill(xr, 0, <usize>(ki + 1) << 3);
      st(xr, ki, 1);
      let j = ki - 1;
      while (j >= 0) {
        if (j > 0 && lf(t, j * ldt + j - 1) != 0) {
          const r1 = -dot(at(t, (j - 1) * ldt + j + 1), at(xr, j + 1), ki - j);
          const r2 = -dot(at(t, j * ldt + j + 1), at(xr, j + 1), ki - j);
          const a11 = lf(t, (j - 1) * ldt + j - 1) - lam;
          const a12 = lf(t, (j - 1) * ldt + j);
          const a21 = lf(t, j * ldt + j - 1);
          const a22 = lf(t, j * ldt + j) - lam;
          solve2x2(a11, 0, a12, 0, a21, 0, a22, 0, r1, 0, r2, 0, smin, out);
          let s0 = lf(out, 0);
          let s2 = lf(out, 2);
          const m = max(abs(s0), abs(s2));
          if (!(m <= xmax)) {
            const ra = max(abs(r1), abs(r2));
            solve2x2(a11, 0, a12, 0, a21, 0, a22, 0, r1 / ra, 0, r2 / ra, 0, smin, out);
            const my = max(abs(lf(out, 0)), abs(lf(out, 2)));
            scaleVec(xr, 0, j + 1, ki, xmax / my / ra);
            s0 = lf(out, 0) * (xmax / my);
            s2 = lf(out, 2) * (xmax / my);
          }
          st(xr, j - 1, s0);
          st(xr, j, s2);
          j -= 2;
        } else {
          let dd = lf(t, j * ldt + j) - lam;
          if (abs(dd) < smin) dd = smin;
          const rhs = -dot(at(t, j * ldt + j + 1), at(xr, j + 1), ki - j);
          let v = rhs / dd;
          if (!(abs(v) <= xmax)) {
            const ra = abs(rhs);
            const y = rhs / ra / dd;
            const my = abs(y);
            scaleVec(xr, 0, j + 1, ki, xmax / my / ra);
            v = y * (xmax / my);
          }
          st(xr, j, v);
          j -= 1;
        }
      }
      combineColumns(z, ldz, n, xr, ki, ur);
      memory.copy(at(z, ki * ldz), ur, <usize>n << 3);
      ki -= 1;
    } else {
      const k0 = ki - 1;
      const lr = lf(wr, k0);
      const li = lf(wi, k0);
      const smin = max(EPS * (abs(lr) + abs(li)), smlnum);
      memory.fill(xr, 0, <usize>(ki + 1) << 3);
      memory.fill(xi, 0, <usize>(ki + 1) << 3);
      const b = lf(t, k0 * ldt + ki);
      const c = lf(t, ki * ldt + k0);
      if (abs(b) >= abs(c)) {
        st(xr, k0, 1);
        st(xi, ki, li / b);
      } else {
        st(xr, k0, -li / c);
        st(xi, ki, 1);
      }
      let j = k0 - 1;
      while (j >= 0) {
        if (j > 0 && lf(t, j * ldt + j - 1) != 0) {
          const len = ki - j;
          const r1r = -dot(at(t, (j - 1) * ldt + j + 1), at(xr, j + 1), len);
          const r1i = -dot(at(t, (j - 1) * ldt + j + 1), at(xi, j + 1), len);
          const r2r = -dot(at(t, j * ldt + j + 1), at(xr, j + 1), len);
          const r2i = -dot(at(t, j * ldt + j + 1), at(xi, j + 1), len);
          const a11 = lf(t, (j - 1) * ldt + j - 1) - lr;
          const a12 = lf(t, (j - 1) * ldt + j);
          const a21 = lf(t, j * ldt + j - 1);
          const a22 = lf(t, j * ldt + j) - lr;
          solve2x2(a11, -li, a12, 0, a21, 0, a22, -li, r1r, r1i, r2r, r2i, smin, out);
          const m = max(max(abs(lf(out, 0)), abs(lf(out, 1))), max(abs(lf(out, 2)), abs(lf(out, 3))));
          let f: f64 = 1;
          if (!(m <= xmax)) {
            const ra = max(max(abs(r1r), abs(r1i)), max(abs(r2r), abs(r2i)));
            solve2x2(a11, -li, a12, 0, a21, 0, a22, -li, r1r / ra, r1i / ra, r2r / ra, r2i / ra, smin, out);
            const my = max(max(abs(lf(out, 0)), abs(lf(out, 1))), max(abs(lf(out, 2)), abs(lf(out, 3))));
            scaleVec(xr, xi, j + 1, ki, xmax / my / ra);
            f = xmax / my;
          }
          st(xr, j - 1, lf(out, 0) * f);
          st(xi, j - 1, lf(out, 1) * f);
          st(xr, j, lf(out, 2) * f);
          st(xi, j, lf(out, 3) * f);
          j -= 2;
        } else {
          let dr = lf(t, j * ldt + j) - lr;
          let di = -li;
          if (abs(dr) + abs(di) < smin) {
            dr = smin;
            di = 0;
          }
          const len = ki - j;
          const sr = -dot(at(t, j * ldt + j + 1), at(xr, j + 1), len);
          const si = -dot(at(t, j * ldt + j + 1), at(xi, j + 1), len);
          cdiv(sr, si, dr, di, out);
          let qr = lf(out, 0);
          let qi = lf(out, 1);
          if (!(max(abs(qr), abs(qi)) <= xmax)) {
            const ra = max(abs(sr), abs(si));
            cdiv(sr / ra, si / ra, dr, di, out);
            const my = max(abs(lf(out, 0)), abs(lf(out, 1)));
            scaleVec(xr, xi, j + 1, ki, xmax / my / ra);
            qr = lf(out, 0) * (xmax / my);
            qi = lf(out, 1) * (xmax / my);
          }
          st(xr, j, qr);
          st(xi, j, qi);
          j -= 1;
        }
      }
      combineColumns(z, ldz, n, xr, ki, ur);
      combineColumns(z, ldz, n, xi, ki, ui);
      memory.copy(at(z, k0 * ldz), ur, <usize>n << 3);
      memory.copy(at(z, ki * ldz), ui, <usize>n << 3);
      ki -= 2;
    }
  }
}

function scaleVec(xr: usize, xi: usize, from: i32, to: i32, s: f64): void {
  for (let m = from; m <= to; m++) {
    st(xr, m, lf(xr, m) * s);
    if (xi != 0) st(xi, m, lf(xi, m) * s);
  }
}

/** out = Σ_{m=0}^{last} x_m · Z[:, m] (column-major Z, leading dimension ldz), four columns per pass, f64x2 rows. */
function combineColumns(z: usize, ldz: i32, n: i32, x: usize, last: i32, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  let m = 0;
  for (; m + 3 <= last; m += 4) {
    const c0 = lf(x, m);
    const c1 = lf(x, m + 1);
    const c2 = lf(x, m + 2);
    const c3 = lf(x, m + 3);
    const v0 = f64x2.splat(c0);
    const v1 = f64x2.splat(c1);
    const v2 = f64x2.splat(c2);
    const v3 = f64x2.splat(c3);
    const z0 = at(z, m * ldz);
    const z1 = at(z, (m + 1) * ldz);
    const z2 = at(z, (m + 2) * ldz);
    const z3 = at(z, (m + 3) * ldz);
    let r = 0;
    for (; r + 1 < n; r += 2) {
      const o = <usize>r << 3;
      const s = f64x2.add(
        f64x2.add(f64x2.mul(v0, v128.load(z0 + o)), f64x2.mul(v1, v128.load(z1 + o))),
        f64x2.add(f64x2.mul(v2, v128.load(z2 + o)), f64x2.mul(v3, v128.load(z3 + o))),
      );
      v128.store(out + o, f64x2.add(v128.load(out + o), s));
    }
    for (; r < n; r++) {
      const o = <usize>r << 3;
      store<f64>(
        out + o,
        load<f64>(out + o) + (c0 * load<f64>(z0 + o) + c1 * load<f64>(z1 + o) + (c2 * load<f64>(z2 + o) + c3 * load<f64>(z3 + o))),
      );
    }
  }
  for (; m <= last; m++) {
    const c = lf(x, m);
    if (c == 0) continue;
    axpy(out, at(z, m * ldz), c, n);
  }
}

/** (a + i·b) / (c + i·d) by Smith's algorithm, into out[0..1]. */
function cdiv(a: f64, b: f64, c: f64, d: f64, out: usize): void {
  if (abs(d) <= abs(c)) {
    const t = d / c;
    const den = c + d * t;
    st(out, 0, (a + b * t) / den);
    st(out, 1, (b - a * t) / den);
  } else {
    const t = c / d;
    const den = c * t + d;
    st(out, 0, (a * t + b) / den);
    st(out, 1, (b * t - a) / den);
  }
}

/**
 * solve2x2 of src/eig.ts: the complex 2×2 system [[a, b], [c, d]] (x1, x2) = (r1, r2) by Gaussian elimination with
 * complete pivoting, pivots below smin replaced by smin. Writes x1r, x1i, x2r, x2i to out[0..3] (uses out[4..7]).
 */
function solve2x2(
  ar: f64, ai: f64, br: f64, bi: f64,
  cr: f64, ci: f64, dr: f64, di: f64,
  r1r: f64, r1i: f64, r2r: f64, r2i: f64,
  smin: f64, out: usize,
): void {
  const ma = abs(ar) + abs(ai);
  const mb = abs(br) + abs(bi);
  const mc = abs(cr) + abs(ci);
  const md = abs(dr) + abs(di);
  let p = 0;
  let best = ma;
  if (mb > best) { p = 1; best = mb; }
  if (mc > best) { p = 2; best = mc; }
  if (md > best) { p = 3; best = md; }
  const rowSwap = p >= 2;
  const colSwap = p == 1 || p == 3;
  // Permuted entries p11, p12 / p21, p22 and right-hand side.
  let e0 = ar, e1 = ai, e2 = br, e3 = bi, e4 = cr, e5 = ci, e6 = dr, e7 = di;
  let q0 = r1r, q1 = r1i, q2 = r2r, q3 = r2i;
  if (rowSwap) {
    let t = e0; e0 = e4; e4 = t;
    t = e1; e1 = e5; e5 = t;
    t = e2; e2 = e6; e6 = t;
    t = e3; e3 = e7; e7 = t;
    t = q0; q0 = q2; q2 = t;
    t = q1; q1 = q3; q3 = t;
  }
  if (colSwap) {
    let t = e0; e0 = e2; e2 = t;
    t = e1; e1 = e3; e3 = t;
    t = e4; e4 = e6; e6 = t;
    t = e5; e5 = e7; e7 = t;
  }
  let p11r = e0, p11i = e1;
  const p12r = e2, p12i = e3, p21r = e4, p21i = e5;
  let p22r = e6, p22i = e7;
  if (abs(p11r) + abs(p11i) < smin) {
    p11r = smin;
    p11i = 0;
  }
  const tmp = out + 32;
  cdiv(p21r, p21i, p11r, p11i, tmp);
  const lr = lf(tmp, 0);
  const li = lf(tmp, 1);
  p22r -= lr * p12r - li * p12i;
  p22i -= lr * p12i + li * p12r;
  if (abs(p22r) + abs(p22i) < smin) {
    p22r = smin;
    p22i = 0;
  }
  const s2r = q2 - (lr * q0 - li * q1);
  const s2i = q3 - (lr * q1 + li * q0);
  cdiv(s2r, s2i, p22r, p22i, tmp);
  const y2r = lf(tmp, 0);
  const y2i = lf(tmp, 1);
  cdiv(q0 - (p12r * y2r - p12i * y2i), q1 - (p12r * y2i + p12i * y2r), p11r, p11i, tmp);
  const y1r = lf(tmp, 0);
  const y1i = lf(tmp, 1);
  if (colSwap) {
    st(out, 0, y2r);
    st(out, 1, y2i);
    st(out, 2, y1r);
    st(out, 3, y1i);
  } else {
    st(out, 0, y1r);
    st(out, 1, y1i);
    st(out, 2, y2r);
    st(out, 3, y2i);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Complex matrices (split real/imaginary storage): hessenbergComplex, formQComplex, schurComplex and
// eigenvectorsComplexSchur of src/eig.ts
// ---------------------------------------------------------------------------------------------------------------

/** Bytes of scratch `eigComplexSchurF64` and `eigComplexVectorsF64` need. */
export function eigComplexWorkBytes(n: i32): usize {
  return <usize>(8 * max(n, 1) + 16) << 3;
}

/**
 * Reduce the complex n×n matrix (hr, hi) (row-major, leading dimension ldh) to complex Schur form T = Zᴴ A Z in
 * place (upper triangular), with Z in (zr, zi) (column-major, leading dimension ldz) if wantZ ≠ 0; (wr, wi) receive
 * the diagonal of T. Returns 0, or i + 1 when eigenvalue i failed to converge.
 */
export function eigComplexSchurF64(
  n: i32,
  hr: usize,
  hi: usize,
  ldh: i32,
  zr: usize,
  zi: usize,
  ldz: i32,
  wantZ: i32,
  wr: usize,
  wi: usize,
  work: usize,
): i32 {
  if (n <= 0) return 0;
  const taur = work;
  const taui = at(work, n);
  const vr = at(work, 2 * n);
  const vi = at(work, 3 * n);
  const w1 = at(work, 4 * n);
  const w2 = at(work, 5 * n);
  const out = at(work, 8 * n);
  hessenbergC(hr, hi, n, ldh, taur, taui, vr, vi, w1, w2, out);
  if (wantZ != 0) formQC(hr, hi, n, ldh, taur, taui, zr, zi, ldz, vr, vi);
  for (let i = 2; i < n; i++) {
    for (let j = 0; j < i - 1; j++) {
      st(hr, i * ldh + j, 0);
      st(hi, i * ldh + j, 0);
    }
  }
  return francisC(hr, hi, n, ldh, wantZ != 0 ? zr : 0, wantZ != 0 ? zi : 0, ldz, wantZ != 0, wr, wi, out);
}

/** x += a·y over len complex entries (split storage). */
function caxpy(xr: usize, xi: usize, yr: usize, yi: usize, ar: f64, ai: f64, len: i32): void {
  const var_ = f64x2.splat(ar);
  const vai = f64x2.splat(ai);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(yr + o);
    const b = v128.load(yi + o);
    v128.store(xr + o, f64x2.add(v128.load(xr + o), f64x2.sub(f64x2.mul(var_, a), f64x2.mul(vai, b))));
    v128.store(xi + o, f64x2.add(v128.load(xi + o), f64x2.add(f64x2.mul(var_, b), f64x2.mul(vai, a))));
  }
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(yr + o);
    const b = load<f64>(yi + o);
    store<f64>(xr + o, load<f64>(xr + o) + (ar * a - ai * b));
    store<f64>(xi + o, load<f64>(xi + o) + (ar * b + ai * a));
  }
}

/** Σ x_j y_j (no conjugation) into out[0..1], two lanes. */
function cdotu(xr: usize, xi: usize, yr: usize, yi: usize, len: i32, out: usize): void {
  let sr = f64x2.splat(0);
  let si = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(xr + o);
    const b = v128.load(xi + o);
    const c = v128.load(yr + o);
    const d = v128.load(yi + o);
    sr = f64x2.add(sr, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, d)));
    si = f64x2.add(si, f64x2.add(f64x2.mul(a, d), f64x2.mul(b, c)));
  }
  let r = f64x2.extract_lane(sr, 0) + f64x2.extract_lane(sr, 1);
  let s = f64x2.extract_lane(si, 0) + f64x2.extract_lane(si, 1);
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(xr + o);
    const b = load<f64>(xi + o);
    const c = load<f64>(yr + o);
    const d = load<f64>(yi + o);
    r += a * c - b * d;
    s += a * d + b * c;
  }
  st(out, 0, r);
  st(out, 1, s);
}

/** hessenbergComplex of src/eig.ts with leading dimension ld. */
function hessenbergC(
  ar: usize,
  ai: usize,
  n: i32,
  ld: i32,
  taur: usize,
  taui: usize,
  vr: usize,
  vi: usize,
  wr: usize,
  wi: usize,
  out: usize,
): void {
  for (let k = 0; k + 2 < n; k++) {
    const p = (k + 1) * ld + k;
    let alr = lf(ar, p);
    let ali = lf(ai, p);
    let scale: f64 = 0;
    for (let i = k + 2; i < n; i++) scale = max(scale, max(abs(lf(ar, i * ld + k)), abs(lf(ai, i * ld + k))));
    if (scale == 0 && ali == 0) {
      st(taur, k, 0);
      st(taui, k, 0);
      continue;
    }
    const up = tinyScale(max(scale, max(abs(alr), abs(ali))));
    if (up != 1) {
      for (let i = k + 2; i < n; i++) {
        st(ar, i * ld + k, lf(ar, i * ld + k) * up);
        st(ai, i * ld + k, lf(ai, i * ld + k) * up);
      }
      alr *= up;
      ali *= up;
      scale *= up;
    }
    let ss: f64 = 0;
    if (scale > 0) {
      for (let i = k + 2; i < n; i++) {
        const x = lf(ar, i * ld + k) / scale;
        const y = lf(ai, i * ld + k) / scale;
        ss += x * x + y * y;
      }
    }
    const xnorm = scale * sqrt(ss);
    const beta = -sgn(alr) * hyp(hyp(alr, ali), xnorm);
    const tr = (beta - alr) / beta;
    const ti = -ali / beta;
    cdiv(1, 0, alr - beta, ali, out);
    const sr = lf(out, 0);
    const si = lf(out, 1);
    for (let i = k + 2; i < n; i++) {
      const x = lf(ar, i * ld + k);
      const y = lf(ai, i * ld + k);
      st(ar, i * ld + k, x * sr - y * si);
      st(ai, i * ld + k, x * si + y * sr);
    }
    st(ar, p, beta / up);
    st(ai, p, 0);
    st(taur, k, tr);
    st(taui, k, ti);
    st(vr, k + 1, 1);
    st(vi, k + 1, 0);
    for (let i = k + 2; i < n; i++) {
      st(vr, i, lf(ar, i * ld + k));
      st(vi, i, lf(ai, i * ld + k));
    }
    // Left: w = vᴴ A[k+1.., k+1..] (row axpys with conj(v_i)), then A −= conj(τ) v w.
    const j0 = k + 1;
    const len = n - j0;
    memory.copy(at(wr, j0), at(ar, (k + 1) * ld + j0), <usize>len << 3);
    memory.copy(at(wi, j0), at(ai, (k + 1) * ld + j0), <usize>len << 3);
    for (let i = k + 2; i < n; i++) {
      const cr = lf(vr, i);
      const ci = -lf(vi, i);
      if (cr == 0 && ci == 0) continue;
      caxpy(at(wr, j0), at(wi, j0), at(ar, i * ld + j0), at(ai, i * ld + j0), cr, ci, len);
    }
    const ctr = tr;
    const cti = -ti;
    for (let i = k + 1; i < n; i++) {
      const fr = ctr * lf(vr, i) - cti * lf(vi, i);
      const fi = ctr * lf(vi, i) + cti * lf(vr, i);
      if (fr == 0 && fi == 0) continue;
      caxpy(at(ar, i * ld + j0), at(ai, i * ld + j0), at(wr, j0), at(wi, j0), -fr, -fi, len);
    }
    // Right: A ← A (I − τ v vᴴ): s_r = Σ_i A_ri v_i, A_ri −= τ s_r conj(v_i).
    for (let r = 0; r < n; r++) {
      const rowr = at(ar, r * ld + j0);
      const rowi = at(ai, r * ld + j0);
      cdotu(rowr, rowi, at(vr, j0), at(vi, j0), len, out);
      const s_r = lf(out, 0);
      const s_i = lf(out, 1);
      const gr = tr * s_r - ti * s_i;
      const gi = tr * s_i + ti * s_r;
      if (gr == 0 && gi == 0) continue;
      // x −= g·conj(v): (−g)·conj(v) = (−gr·vr − gi·vi) + i(−gi·vr + gr·vi)
      caxpyConj(rowr, rowi, at(vr, j0), at(vi, j0), -gr, -gi, len);
    }
  }
}

/** x += a·conj(y) over len complex entries. */
function caxpyConj(xr: usize, xi: usize, yr: usize, yi: usize, ar: f64, ai: f64, len: i32): void {
  const var_ = f64x2.splat(ar);
  const vai = f64x2.splat(ai);
  let j = 0;
  for (; j + 1 < len; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(yr + o);
    const b = v128.load(yi + o);
    v128.store(xr + o, f64x2.add(v128.load(xr + o), f64x2.add(f64x2.mul(var_, a), f64x2.mul(vai, b))));
    v128.store(xi + o, f64x2.add(v128.load(xi + o), f64x2.sub(f64x2.mul(vai, a), f64x2.mul(var_, b))));
  }
  for (; j < len; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(yr + o);
    const b = load<f64>(yi + o);
    store<f64>(xr + o, load<f64>(xr + o) + (ar * a + ai * b));
    store<f64>(xi + o, load<f64>(xi + o) + (ai * a - ar * b));
  }
}

/** formQComplex of src/eig.ts: Q ← (I − τ v vᴴ) Q backwards, column-major with leading dimension ldq. */
function formQC(
  ar: usize,
  ai: usize,
  n: i32,
  lda: i32,
  taur: usize,
  taui: usize,
  qr: usize,
  qi: usize,
  ldq: i32,
  vr: usize,
  vi: usize,
): void {
  for (let j = 0; j < n; j++) {
    memory.fill(at(qr, j * ldq), 0, <usize>n << 3);
    memory.fill(at(qi, j * ldq), 0, <usize>n << 3);
    st(qr, j * ldq + j, 1);
  }
  for (let k = n - 3; k >= 0; k--) {
    const tr = lf(taur, k);
    const ti = lf(taui, k);
    if (tr == 0 && ti == 0) continue;
    // Store conj(v) so that an unconjugated dot gives vᴴ q.
    st(vr, k + 1, 1);
    st(vi, k + 1, 0);
    for (let i = k + 2; i < n; i++) {
      st(vr, i, lf(ar, i * lda + k));
      st(vi, i, -lf(ai, i * lda + k));
    }
    const i0 = k + 1;
    const len = n - i0;
    for (let j = k + 1; j < n; j++) {
      const cr = at(qr, j * ldq + i0);
      const ci = at(qi, j * ldq + i0);
      let sr: f64 = 0;
      let si: f64 = 0;
      {
        let accr = f64x2.splat(0);
        let acci = f64x2.splat(0);
        let m = 0;
        for (; m + 1 < len; m += 2) {
          const o = <usize>m << 3;
          const a = v128.load(at(vr, i0) + o);
          const b = v128.load(at(vi, i0) + o);
          const c = v128.load(cr + o);
          const d = v128.load(ci + o);
          accr = f64x2.add(accr, f64x2.sub(f64x2.mul(a, c), f64x2.mul(b, d)));
          acci = f64x2.add(acci, f64x2.add(f64x2.mul(a, d), f64x2.mul(b, c)));
        }
        sr = f64x2.extract_lane(accr, 0) + f64x2.extract_lane(accr, 1);
        si = f64x2.extract_lane(acci, 0) + f64x2.extract_lane(acci, 1);
        for (; m < len; m++) {
          const a = lf(vr, i0 + m);
          const b = lf(vi, i0 + m);
          const c = load<f64>(cr + (<usize>m << 3));
          const d = load<f64>(ci + (<usize>m << 3));
          sr += a * c - b * d;
          si += a * d + b * c;
        }
      }
      const gr = tr * sr - ti * si;
      const gi = tr * si + ti * sr;
      if (gr == 0 && gi == 0) continue;
      // q −= g·v = g·conj(stored)
      caxpyConj(cr, ci, at(vr, i0), at(vi, i0), -gr, -gi, len);
    }
  }
}

/** Principal square root of x + i·y into out[0..1] (csqrt of src/eig.ts). */
function csqrt(x: f64, y: f64, out: usize): void {
  if (x == 0 && y == 0) {
    st(out, 0, 0);
    st(out, 1, 0);
    return;
  }
  const m = hyp(x, y);
  if (m < 2.409919865102884e-181) {
    csqrt(x * 4.149515568880993e180, y * 4.149515568880993e180, out); // 2⁶⁰⁰
    st(out, 0, lf(out, 0) * 4.909093465297727e-91); // 2⁻³⁰⁰
    st(out, 1, lf(out, 1) * 4.909093465297727e-91);
    return;
  }
  if (m > 4.149515568880993e180) {
    csqrt(x * 2.409919865102884e-181, y * 2.409919865102884e-181, out);
    st(out, 0, lf(out, 0) * 2.037035976334486e90); // 2³⁰⁰
    st(out, 1, lf(out, 1) * 2.037035976334486e90);
    return;
  }
  if (x >= 0) {
    const t = sqrt(0.5 * (m + x));
    st(out, 0, t);
    st(out, 1, y / (2 * t));
  } else {
    const t = sqrt(0.5 * (m - x));
    st(out, 0, abs(y) / (2 * t));
    st(out, 1, y >= 0 ? t : -t);
  }
}

/** schurComplex of src/eig.ts (single-shift QR with Givens rotations) with leading dimensions. */
function francisC(
  hr: usize,
  hi: usize,
  n: i32,
  ld: i32,
  zr: usize,
  zi: usize,
  ldz: i32,
  wantT: bool,
  wr: usize,
  wi: usize,
  out: usize,
): i32 {
  const smlnum = SAFMIN * (<f64>n / EPS);
  const itmax = 30 * max(10, n);
  const KEXSH = 10;
  let kdefl = 0;
  let i1 = 0;
  let i2 = n - 1;
  let i = n - 1;
  while (i >= 0) {
    let l = 0;
    let converged = false;
    for (let its = 0; its <= itmax; its++) {
      let k = i;
      for (; k > l; k--) {
        const sub = cabs1(hr, hi, k * ld + k - 1);
        if (sub <= smlnum) break;
        let tst = cabs1(hr, hi, (k - 1) * ld + k - 1) + cabs1(hr, hi, k * ld + k);
        if (tst == 0) {
          if (k - 2 >= 0) tst += cabs1(hr, hi, (k - 1) * ld + k - 2);
          if (k + 1 < n) tst += cabs1(hr, hi, (k + 1) * ld + k);
        }
        if (sub <= EPS * tst) {
          const sup = cabs1(hr, hi, (k - 1) * ld + k);
          const ab = max(sub, sup);
          const ba = min(sub, sup);
          const hkk = cabs1(hr, hi, k * ld + k);
          const dif =
            abs(lf(hr, (k - 1) * ld + k - 1) - lf(hr, k * ld + k)) + abs(lf(hi, (k - 1) * ld + k - 1) - lf(hi, k * ld + k));
          const aa = max(hkk, dif);
          const bb = min(hkk, dif);
          const s = aa + ab;
          if (ba * (ab / s) <= max(smlnum, EPS * (bb * (aa / s)))) break;
        }
      }
      l = k;
      if (l > 0) {
        st(hr, l * ld + l - 1, 0);
        st(hi, l * ld + l - 1, 0);
      }
      if (l >= i) {
        converged = true;
        break;
      }
      kdefl++;
      if (!wantT) {
        i1 = l;
        i2 = i;
      }
      let sgr: f64;
      let sgi: f64;
      if (kdefl % (2 * KEXSH) == 0) {
        const s = 0.75 * cabs1(hr, hi, i * ld + i - 1);
        sgr = s + lf(hr, i * ld + i);
        sgi = lf(hi, i * ld + i);
      } else if (kdefl % KEXSH == 0) {
        const s = 0.75 * cabs1(hr, hi, (l + 1) * ld + l);
        sgr = s + lf(hr, l * ld + l);
        sgi = lf(hi, l * ld + l);
      } else {
        sgr = lf(hr, i * ld + i);
        sgi = lf(hi, i * ld + i);
        csqrt(lf(hr, (i - 1) * ld + i), lf(hi, (i - 1) * ld + i), out);
        const u1r = lf(out, 0);
        const u1i = lf(out, 1);
        csqrt(lf(hr, i * ld + i - 1), lf(hi, i * ld + i - 1), out);
        const u2r = lf(out, 0);
        const u2i = lf(out, 1);
        const ur = u1r * u2r - u1i * u2i;
        const ui = u1r * u2i + u1i * u2r;
        let s = abs(ur) + abs(ui);
        if (s != 0) {
          const xr = 0.5 * (lf(hr, (i - 1) * ld + i - 1) - sgr);
          const xi = 0.5 * (lf(hi, (i - 1) * ld + i - 1) - sgi);
          const sx = abs(xr) + abs(xi);
          s = max(s, sx);
          const xsr = xr / s;
          const xsi = xi / s;
          const usr = ur / s;
          const usi = ui / s;
          csqrt(xsr * xsr - xsi * xsi + usr * usr - usi * usi, 2 * xsr * xsi + 2 * usr * usi, out);
          let yr = s * lf(out, 0);
          let yi = s * lf(out, 1);
          if (sx > 0 && (xr / sx) * yr + (xi / sx) * yi < 0) {
            yr = -yr;
            yi = -yi;
          }
          cdiv(ur, ui, xr + yr, xi + yi, out);
          const dr = lf(out, 0);
          const di = lf(out, 1);
          sgr -= ur * dr - ui * di;
          sgi -= ur * di + ui * dr;
        }
      }
      let m = i - 1;
      let ar: f64 = 0;
      let ai: f64 = 0;
      let br: f64 = 0;
      let bi: f64 = 0;
      for (; m >= l; m--) {
        const mm = m * ld + m;
        ar = lf(hr, mm) - sgr;
        ai = lf(hi, mm) - sgi;
        br = lf(hr, mm + ld);
        bi = lf(hi, mm + ld);
        const s = abs(ar) + abs(ai) + abs(br) + abs(bi);
        ar /= s;
        ai /= s;
        br /= s;
        bi /= s;
        if (m == l) break;
        const h10 = cabs1(hr, hi, mm - 1);
        const h21 = abs(br) + abs(bi);
        if (h10 * h21 <= EPS * ((abs(ar) + abs(ai)) * (cabs1(hr, hi, mm) + cabs1(hr, hi, mm + ld + 1)))) break;
      }
      for (let k2 = m; k2 < i; k2++) {
        let xr0: f64;
        let xi0: f64;
        let xr1: f64;
        let xi1: f64;
        if (k2 == m) {
          xr0 = ar;
          xi0 = ai;
          xr1 = br;
          xi1 = bi;
        } else {
          xr0 = lf(hr, k2 * ld + k2 - 1);
          xi0 = lf(hi, k2 * ld + k2 - 1);
          xr1 = lf(hr, (k2 + 1) * ld + k2 - 1);
          xi1 = lf(hi, (k2 + 1) * ld + k2 - 1);
        }
        givens(xr0, xi0, xr1, xi1, out);
        const c = lf(out, 0);
        const sr = lf(out, 1);
        const si = lf(out, 2);
        if (k2 > m) {
          st(hr, k2 * ld + k2 - 1, lf(out, 3));
          st(hi, k2 * ld + k2 - 1, lf(out, 4));
          st(hr, (k2 + 1) * ld + k2 - 1, 0);
          st(hi, (k2 + 1) * ld + k2 - 1, 0);
        }
        rotateRowsC(at(hr, k2 * ld), at(hi, k2 * ld), at(hr, (k2 + 1) * ld), at(hi, (k2 + 1) * ld), k2, i2, c, sr, si);
        const jmax = min(k2 + 2, i);
        for (let j = i1; j <= jmax; j++) {
          const o = j * ld + k2;
          const x_r = lf(hr, o);
          const x_i = lf(hi, o);
          const y_r = lf(hr, o + 1);
          const y_i = lf(hi, o + 1);
          st(hr, o, c * x_r + sr * y_r + si * y_i);
          st(hi, o, c * x_i + sr * y_i - si * y_r);
          st(hr, o + 1, c * y_r - (sr * x_r - si * x_i));
          st(hi, o + 1, c * y_i - (sr * x_i + si * x_r));
        }
        if (zr != 0) rotateColsC(at(zr, k2 * ldz), at(zi, k2 * ldz), at(zr, (k2 + 1) * ldz), at(zi, (k2 + 1) * ldz), n, c, sr, si);
      }
    }
    if (!converged) return i + 1;
    st(wr, i, lf(hr, i * ld + i));
    st(wi, i, lf(hi, i * ld + i));
    kdefl = 0;
    i = l - 1;
  }
  return 0;
}

@inline function cabs1(re: usize, im: usize, k: i32): f64 {
  return abs(lf(re, k)) + abs(lf(im, k));
}

/** givens of src/eig.ts: G = [[c, s], [−s̄, c]] with G·(a, b)ᵀ = (r, 0)ᵀ; out = [c, Re s, Im s, Re r, Im r]. */
function givens(ar: f64, ai: f64, br: f64, bi: f64, out: usize): void {
  const na = hyp(ar, ai);
  const nb = hyp(br, bi);
  if (nb == 0) {
    st(out, 0, 1);
    st(out, 1, 0);
    st(out, 2, 0);
    st(out, 3, ar);
    st(out, 4, ai);
    return;
  }
  if (na == 0) {
    st(out, 0, 0);
    st(out, 1, br / nb);
    st(out, 2, -bi / nb);
    st(out, 3, nb);
    st(out, 4, 0);
    return;
  }
  const rho = hyp(na, nb);
  const pr = ar / na;
  const pi = ai / na;
  st(out, 0, na / rho);
  st(out, 1, (pr * br + pi * bi) / rho);
  st(out, 2, (pi * br - pr * bi) / rho);
  st(out, 3, pr * rho);
  st(out, 4, pi * rho);
}

/** Rows (x, y) ← G·(x, y) over entries j0..j1: x' = c x + s y, y' = c y − s̄ x (SIMD lanes = scalar ops). */
function rotateRowsC(xr: usize, xi: usize, yr: usize, yi: usize, j0: i32, j1: i32, c: f64, sr: f64, si: f64): void {
  const vc = f64x2.splat(c);
  const vsr = f64x2.splat(sr);
  const vsi = f64x2.splat(si);
  let j = j0;
  for (; j + 1 <= j1; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(xr + o);
    const b = v128.load(xi + o);
    const p = v128.load(yr + o);
    const q = v128.load(yi + o);
    v128.store(xr + o, f64x2.sub(f64x2.add(f64x2.mul(vc, a), f64x2.mul(vsr, p)), f64x2.mul(vsi, q)));
    v128.store(xi + o, f64x2.add(f64x2.add(f64x2.mul(vc, b), f64x2.mul(vsr, q)), f64x2.mul(vsi, p)));
    v128.store(yr + o, f64x2.sub(f64x2.mul(vc, p), f64x2.add(f64x2.mul(vsr, a), f64x2.mul(vsi, b))));
    v128.store(yi + o, f64x2.sub(f64x2.mul(vc, q), f64x2.sub(f64x2.mul(vsr, b), f64x2.mul(vsi, a))));
  }
  for (; j <= j1; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(xr + o);
    const b = load<f64>(xi + o);
    const p = load<f64>(yr + o);
    const q = load<f64>(yi + o);
    store<f64>(xr + o, c * a + sr * p - si * q);
    store<f64>(xi + o, c * b + sr * q + si * p);
    store<f64>(yr + o, c * p - (sr * a + si * b));
    store<f64>(yi + o, c * q - (sr * b - si * a));
  }
}

/** Columns (x, y) ← (x, y)·Gᴴ over n entries: x' = c x + s̄ y, y' = c y − s x. */
function rotateColsC(xr: usize, xi: usize, yr: usize, yi: usize, n: i32, c: f64, sr: f64, si: f64): void {
  const vc = f64x2.splat(c);
  const vsr = f64x2.splat(sr);
  const vsi = f64x2.splat(si);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const o = <usize>j << 3;
    const a = v128.load(xr + o);
    const b = v128.load(xi + o);
    const p = v128.load(yr + o);
    const q = v128.load(yi + o);
    v128.store(xr + o, f64x2.add(f64x2.add(f64x2.mul(vc, a), f64x2.mul(vsr, p)), f64x2.mul(vsi, q)));
    v128.store(xi + o, f64x2.sub(f64x2.add(f64x2.mul(vc, b), f64x2.mul(vsr, q)), f64x2.mul(vsi, p)));
    v128.store(yr + o, f64x2.sub(f64x2.mul(vc, p), f64x2.sub(f64x2.mul(vsr, a), f64x2.mul(vsi, b))));
    v128.store(yi + o, f64x2.sub(f64x2.mul(vc, q), f64x2.add(f64x2.mul(vsr, b), f64x2.mul(vsi, a))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 3;
    const a = load<f64>(xr + o);
    const b = load<f64>(xi + o);
    const p = load<f64>(yr + o);
    const q = load<f64>(yi + o);
    store<f64>(xr + o, c * a + sr * p + si * q);
    store<f64>(xi + o, c * b + sr * q - si * p);
    store<f64>(yr + o, c * p - (sr * a - si * b));
    store<f64>(yi + o, c * q - (sr * b + si * a));
  }
}

/**
 * Overwrite (zr, zi) (column-major, leading dimension ldz) with the eigenvectors Z·x of A, T x = T_kk x solved by
 * back substitution on the upper triangular (tr, ti) (row-major, leading dimension ldt) left by eigComplexSchurF64.
 * Not normalized; zero pivots replaced by smin and partial vectors rescaled, as in the TypeScript path.
 */
export function eigComplexVectorsF64(n: i32, tr: usize, ti: usize, ldt: i32, zr: usize, zi: usize, ldz: i32, work: usize): void {
  if (n <= 0) return;
  const smlnum = SAFMIN * (<f64>n / EPS);
  const xr = work;
  const xi = at(work, n);
  const ur = at(work, 2 * n);
  const ui = at(work, 3 * n);
  const out = at(work, 8 * n);
  let tau: f64 = 1;
  for (let i = 0; i < n; i++) {
    for (let j = max(i - 1, 0); j < n; j++) tau = max(tau, abs(lf(tr, i * ldt + j)) + abs(lf(ti, i * ldt + j)));
  }
  const xmax = 1.1235582092889474e307 / (<f64>n * tau); // 2¹⁰²⁰ / (n·τ)
  for (let k = n - 1; k >= 0; k--) {
    const lr = lf(tr, k * ldt + k);
    const li = lf(ti, k * ldt + k);
    const smin = max(EPS * (abs(lr) + abs(li)), smlnum);
    memory.fill(xr, 0, <usize>(k + 1) << 3);
    memory.fill(xi, 0, <usize>(k + 1) << 3);
    st(xr, k, 1);
    for (let j = k - 1; j >= 0; j--) {
      cdotu(at(tr, j * ldt + j + 1), at(ti, j * ldt + j + 1), at(xr, j + 1), at(xi, j + 1), k - j, out);
      const sr = lf(out, 0);
      const si = lf(out, 1);
      let dr = lf(tr, j * ldt + j) - lr;
      let di = lf(ti, j * ldt + j) - li;
      if (abs(dr) + abs(di) < smin) {
        dr = smin;
        di = 0;
      }
      cdiv(-sr, -si, dr, di, out);
      let qr = lf(out, 0);
      let qi = lf(out, 1);
      if (!(max(abs(qr), abs(qi)) <= xmax)) {
        const ra = max(abs(sr), abs(si));
        cdiv(-sr / ra, -si / ra, dr, di, out);
        const my = max(abs(lf(out, 0)), abs(lf(out, 1)));
        scaleVec(xr, xi, j + 1, k, xmax / my / ra);
        qr = lf(out, 0) * (xmax / my);
        qi = lf(out, 1) * (xmax / my);
      }
      st(xr, j, qr);
      st(xi, j, qi);
    }
    // (ur, ui) = Σ_{m ≤ k} x_m Z[:, m], two columns per pass.
    memory.fill(ur, 0, <usize>n << 3);
    memory.fill(ui, 0, <usize>n << 3);
    for (let m = 0; m <= k; m++) {
      const cr = lf(xr, m);
      const ci = lf(xi, m);
      if (cr == 0 && ci == 0) continue;
      caxpy(ur, ui, at(zr, m * ldz), at(zi, m * ldz), cr, ci, n);
    }
    memory.copy(at(zr, k * ldz), ur, <usize>n << 3);
    memory.copy(at(zi, k * ldz), ui, <usize>n << 3);
  }
}
