/**
 * Benchmark baseline only (not part of @ad/kernels): thin SVD by Golub–Kahan Householder bidiagonalization and
 * implicit-shift QR on the bidiagonal (the LINPACK dsvdc / JAMA algorithm), written in the same column-major
 * TypeScript style as `packages/kernels/src/svd.ts`, so that the benchmark compares algorithms rather than coding
 * styles. It is what the Jacobi SVD was measured against when choosing the algorithm (see README.md, "SVD").
 *
 * Input: column-major r×c G with r ≥ c (destroyed). Output: singular values `s` (descending, ≥ 0) and, when `want`,
 * U (r×c) and V (c×c) column-major, plus the number of QR steps.
 */
export function golubKahanSvd(G: Float64Array, r: number, c: number, want: boolean) {
  const s = new Float64Array(c), e = new Float64Array(c), work = new Float64Array(r);
  const U = want ? new Float64Array(r * c) : null;
  const V = want ? new Float64Array(c * c) : null;
  const nct = Math.min(r - 1, c), nrt = Math.max(0, Math.min(c - 2, r));
  for (let k = 0; k < Math.max(nct, nrt); k++) {
    const ok = k * r;
    if (k < nct) {
      let nrm = 0;
      for (let i = k; i < r; i++) nrm = Math.hypot(nrm, G[ok + i]);
      s[k] = nrm;
      if (nrm !== 0) {
        if (G[ok + k] < 0) s[k] = -nrm;
        const inv = 1 / s[k];
        for (let i = k; i < r; i++) G[ok + i] *= inv;
        G[ok + k] += 1;
      }
      s[k] = -s[k];
    }
    for (let j = k + 1; j < c; j++) {
      const oj = j * r;
      if (k < nct && s[k] !== 0) {
        let t = 0;
        for (let i = k; i < r; i++) t += G[ok + i] * G[oj + i];
        t = -t / G[ok + k];
        for (let i = k; i < r; i++) G[oj + i] += t * G[ok + i];
      }
      e[j] = G[oj + k];
    }
    if (U && k < nct) for (let i = k; i < r; i++) U[ok + i] = G[ok + i];
    if (k < nrt) {
      let nrm = 0;
      for (let i = k + 1; i < c; i++) nrm = Math.hypot(nrm, e[i]);
      e[k] = nrm;
      if (nrm !== 0) {
        if (e[k + 1] < 0) e[k] = -nrm;
        const inv = 1 / e[k];
        for (let i = k + 1; i < c; i++) e[i] *= inv;
        e[k + 1] += 1;
      }
      e[k] = -e[k];
      if (k + 1 < r && e[k] !== 0) {
        work.fill(0, k + 1, r);
        for (let j = k + 1; j < c; j++) {
          const ej = e[j], oj = j * r;
          for (let i = k + 1; i < r; i++) work[i] += ej * G[oj + i];
        }
        for (let j = k + 1; j < c; j++) {
          const t = -e[j] / e[k + 1], oj = j * r;
          for (let i = k + 1; i < r; i++) G[oj + i] += t * work[i];
        }
      }
      if (V) for (let i = k + 1; i < c; i++) V[k * c + i] = e[i];
    }
  }
  let p = c;
  if (nct < c) s[nct] = G[nct * r + nct];
  if (nrt + 1 < p) e[nrt] = G[(p - 1) * r + nrt];
  e[p - 1] = 0;
  if (U) {
    for (let j = nct; j < c; j++) { U.fill(0, j * r, j * r + r); U[j * r + j] = 1; }
    for (let k = nct - 1; k >= 0; k--) {
      const ok = k * r;
      if (s[k] !== 0) {
        for (let j = k + 1; j < c; j++) {
          const oj = j * r;
          let t = 0;
          for (let i = k; i < r; i++) t += U[ok + i] * U[oj + i];
          t = -t / U[ok + k];
          for (let i = k; i < r; i++) U[oj + i] += t * U[ok + i];
        }
        for (let i = k; i < r; i++) U[ok + i] = -U[ok + i];
        U[ok + k] = 1 + U[ok + k];
        for (let i = 0; i < k - 1; i++) U[ok + i] = 0;
        if (k > 0) U[ok + k - 1] = 0;
      } else {
        U.fill(0, ok, ok + r); U[ok + k] = 1;
      }
    }
  }
  if (V) {
    for (let k = c - 1; k >= 0; k--) {
      const ok = k * c;
      if (k < nrt && e[k] !== 0) {
        for (let j = k + 1; j < c; j++) {
          const oj = j * c;
          let t = 0;
          for (let i = k + 1; i < c; i++) t += V[ok + i] * V[oj + i];
          t = -t / V[ok + k + 1];
          for (let i = k + 1; i < c; i++) V[oj + i] += t * V[ok + i];
        }
      }
      V.fill(0, ok, ok + c); V[ok + k] = 1;
    }
  }
  const pp = p - 1;
  let iter = 0;
  const eps = 2 ** -52, tiny = 2 ** -966;
  let total = 0;
  const maxSteps = 75 * c;
  while (p > 0) {
    if (total > maxSteps) throw new Error('golubKahanSvd: QR iteration did not converge');
    let k: number, kase: number;
    for (k = p - 2; k >= -1; k--) {
      if (k === -1) break;
      if (Math.abs(e[k]) <= tiny + eps * (Math.abs(s[k]) + Math.abs(s[k + 1]))) { e[k] = 0; break; }
    }
    if (k === p - 2) kase = 4;
    else {
      let ks: number;
      for (ks = p - 1; ks >= k; ks--) {
        if (ks === k) break;
        const t = (ks !== p ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= tiny + eps * t) { s[ks] = 0; break; }
      }
      if (ks === k) kase = 3; else if (ks === p - 1) kase = 1; else { kase = 2; k = ks; }
    }
    k++;
    if (kase === 1) {
      let f = e[p - 2]; e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = Math.hypot(s[j], f), cs = s[j] / t, sn = f / t;
        s[j] = t;
        if (j !== k) { f = -sn * e[j - 1]; e[j - 1] = cs * e[j - 1]; }
        if (V) rot(V, c, j, p - 1, cs, sn);
      }
    } else if (kase === 2) {
      let f = e[k - 1]; e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = Math.hypot(s[j], f), cs = s[j] / t, sn = f / t;
        s[j] = t; f = -sn * e[j]; e[j] = cs * e[j];
        if (U) rot(U, r, j, k - 1, cs, sn);
      }
    } else if (kase === 3) {
      const scale = Math.max(Math.abs(s[p - 1]), Math.abs(s[p - 2]), Math.abs(e[p - 2]), Math.abs(s[k]), Math.abs(e[k]));
      const sp = s[p - 1] / scale, spm1 = s[p - 2] / scale, epm1 = e[p - 2] / scale, sk = s[k] / scale, ek = e[k] / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2, cc = sp * epm1 * (sp * epm1);
      let shift = 0;
      if (b !== 0 || cc !== 0) { shift = Math.sqrt(b * b + cc); if (b < 0) shift = -shift; shift = cc / (b + shift); }
      let f = (sk + sp) * (sk - sp) + shift, g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = Math.hypot(f, g), cs = f / t, sn = g / t;
        if (j !== k) e[j - 1] = t;
        f = cs * s[j] + sn * e[j]; e[j] = cs * e[j] - sn * s[j]; g = sn * s[j + 1]; s[j + 1] = cs * s[j + 1];
        if (V) rot(V, c, j, j + 1, cs, sn);
        t = Math.hypot(f, g); cs = f / t; sn = g / t; s[j] = t;
        f = cs * e[j] + sn * s[j + 1]; s[j + 1] = -sn * e[j] + cs * s[j + 1]; g = sn * e[j + 1]; e[j + 1] = cs * e[j + 1];
        if (U && j < r - 1) rot(U, r, j, j + 1, cs, sn);
      }
      e[p - 2] = f; iter++; total++;
    } else {
      if (s[k] <= 0) { s[k] = s[k] < 0 ? -s[k] : 0; if (V) for (let i = 0; i < c; i++) V[k * c + i] = -V[k * c + i]; }
      while (k < pp && s[k] < s[k + 1]) {
        const t = s[k]; s[k] = s[k + 1]; s[k + 1] = t;
        if (V) swap(V, c, k, k + 1);
        if (U) swap(U, r, k, k + 1);
        k++;
      }
      iter = 0; p--;
    }
  }
  return { s, U, V, total };
}
// (x_j, x_k) ← (cs x_j + sn x_k, −sn x_j + cs x_k) on columns j, k
function rot(M: Float64Array, r: number, j: number, k: number, cs: number, sn: number) {
  const oj = j * r, ok = k * r;
  for (let i = 0; i < r; i++) {
    const a = M[oj + i], b = M[ok + i];
    M[oj + i] = cs * a + sn * b;
    M[ok + i] = cs * b - sn * a;
  }
}
function swap(M: Float64Array, r: number, j: number, k: number) {
  const oj = j * r, ok = k * r;
  for (let i = 0; i < r; i++) { const t = M[oj + i]; M[oj + i] = M[ok + i]; M[ok + i] = t; }
}
