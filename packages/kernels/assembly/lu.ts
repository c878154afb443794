// Dense LU factorization with partial pivoting, WASM-SIMD path: the real case of luFactor in src/lu.ts (right-looking
// kij Gaussian elimination on a row-major matrix), with the row update a_i ← a_i − ℓ_ik·a_k in f64x2.
//
// Numerical notes: the same operations in the same order as the TypeScript path elementwise (the SIMD lanes are
// independent entries of a row), so the factors are bitwise identical. The pivot is the first entry of largest
// magnitude in the column, as in the TypeScript path. An exactly zero pivot skips its elimination step.
//
// References: as src/lu.ts (Golub & Van Loan, Matrix Computations, Alg. 3.4.1; LAPACK xGETF2).
//
// Exported functions take plain integers and byte pointers into the shared memory (no default parameters). They
// never allocate.

@inline function lf(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, x: f64): void {
  store<f64>(p + (<usize>i << 3), x);
}

/**
 * Factor the real n×n row-major matrix at `a` in place as P·A = L·U (unit L below the diagonal, U on and above);
 * `piv` (n i32) receives the row interchanges (step k swapped rows k and piv[k]). Returns 0, or k + 1 for the first
 * exactly zero pivot U[k][k].
 */
export function luFactorF64(n: i32, a: usize, piv: usize): i32 {
  let info = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best: f64 = -1;
    for (let i = k; i < n; i++) {
      const x = lf(a, i * n + k);
      const m = x * x;
      if (m > best) {
        best = m;
        p = i;
      }
    }
    store<i32>(piv + (<usize>k << 2), p);
    if (p != k) {
      const rk = a + (<usize>(k * n) << 3);
      const rp = a + (<usize>(p * n) << 3);
      let j = 0;
      for (; j + 1 < n; j += 2) {
        const o = <usize>j << 3;
        const t = v128.load(rk + o);
        v128.store(rk + o, v128.load(rp + o));
        v128.store(rp + o, t);
      }
      for (; j < n; j++) {
        const o = <usize>j << 3;
        const t = load<f64>(rk + o);
        store<f64>(rk + o, load<f64>(rp + o));
        store<f64>(rp + o, t);
      }
    }
    const pr = lf(a, k * n + k);
    if (pr == 0) {
      if (info == 0) info = k + 1;
      continue;
    }
    const inv = 1 / pr;
    const rk = a + (<usize>(k * n) << 3);
    for (let i = k + 1; i < n; i++) {
      const l = lf(a, i * n + k) * inv;
      st(a, i * n + k, l);
      if (l == 0) continue;
      const ri = a + (<usize>(i * n) << 3);
      const vl = f64x2.splat(l);
      let j = k + 1;
      for (; j + 1 < n; j += 2) {
        const o = <usize>j << 3;
        v128.store(ri + o, f64x2.sub(v128.load(ri + o), f64x2.mul(vl, v128.load(rk + o))));
      }
      for (; j < n; j++) {
        const o = <usize>j << 3;
        store<f64>(ri + o, load<f64>(ri + o) - l * load<f64>(rk + o));
      }
    }
  }
  return info;
}
