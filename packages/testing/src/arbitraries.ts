/**
 * fast-check arbitraries of structured matrices (returned as Tensors) whose shrinking keeps the structure: every value
 * is built by a `map` from parameters that shrink on their own (Householder vectors, spectra, gaps, edge weights), so a
 * shrunk symmetric matrix is still symmetric, a shrunk SPD matrix still within its condition bound, a shrunk
 * degenerate matrix still has the requested multiplicities.
 * @module
 */
import fc from 'fast-check';
import { AdError, Tensor } from '@ad/core';

/** A fixed size, or a range of sizes (shrinking towards `min`). */
export type SizeSpec = number | { min: number; max: number };

function sized<T>(n: SizeSpec | undefined, dflt: SizeSpec, build: (n: number) => fc.Arbitrary<T>): fc.Arbitrary<T> {
  const s = n ?? dflt;
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 1) throw new AdError(`arbitraries: n must be a positive integer, got ${s}`, 'AD_OPTION');
    return build(s);
  }
  if (!Number.isInteger(s.min) || !Number.isInteger(s.max) || s.min < 1 || s.max < s.min) {
    throw new AdError(`arbitraries: n must be { min, max } with 1 ≤ min ≤ max, got { min: ${s.min}, max: ${s.max} }`, 'AD_OPTION');
  }
  return fc.integer({ min: s.min, max: s.max }).chain(build);
}

// Parameters are uniform in value: fc.double is uniform over the representable doubles (most of them tiny) and its
// bias favours small values, either of which makes most matrices nearly diagonal with nearly equal eigenvalues. A
// 30-bit integer scaled to [−bound, bound], drawn without bias, is uniform and still shrinks towards 0.
const GRID = 2 ** 30;
const unitDouble = (bound: number) => fc.noBias(fc.integer({ min: -GRID, max: GRID })).map((k) => (bound * k) / GRID);
const nonNegDouble = (max: number) => fc.noBias(fc.integer({ min: 0, max: GRID })).map((k) => (max * k) / GRID);

function flatArray(len: number, arb: fc.Arbitrary<number>): fc.Arbitrary<number[]> {
  return fc.array(arb, { minLength: len, maxLength: len });
}

// ---------------------------------------------------------------------------------------------------------------
// Dense helpers on row-major Float64Arrays.

/**
 * Q = H₀ H₁ ⋯ H_{n−1}, Hₖ = I − 2 vₖvₖᵀ/‖vₖ‖² with vₖ = eₖ + wₖ: an orthogonal matrix for every w with |wᵢ| < 1
 * (|vₖₖ| ≥ 1 − |wₖₖ| > 0), which shrinks to −I as w → 0.
 */
function householderProduct(n: number, w: readonly number[]): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const v = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let nrm2 = 0;
    for (let i = 0; i < n; i++) {
      v[i] = (i === k ? 1 : 0) + w[k * n + i]!;
      nrm2 += v[i]! * v[i]!;
    }
    // Q ← Q Hₖ: Q − (2/‖v‖²) (Q v) vᵀ
    for (let r = 0; r < n; r++) {
      let qv = 0;
      for (let i = 0; i < n; i++) qv += Q[r * n + i]! * v[i]!;
      const f = (2 * qv) / nrm2;
      for (let i = 0; i < n; i++) Q[r * n + i] = Q[r * n + i]! - f * v[i]!;
    }
  }
  return Q;
}

/** Complex version: U = Π (I − 2 v vᴴ/‖v‖²), vₖ = eₖ + wₖ (complex w), unitary. Returns [re, im]. */
function householderProductComplex(n: number, wr: readonly number[], wi: readonly number[]): [Float64Array, Float64Array] {
  const Ur = new Float64Array(n * n);
  const Ui = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Ur[i * n + i] = 1;
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let nrm2 = 0;
    for (let i = 0; i < n; i++) {
      vr[i] = (i === k ? 1 : 0) + wr[k * n + i]!;
      vi[i] = wi[k * n + i]!;
      nrm2 += vr[i]! * vr[i]! + vi[i]! * vi[i]!;
    }
    for (let r = 0; r < n; r++) {
      // (U v)_r = Σ U_ri v_i
      let sr = 0;
      let si = 0;
      for (let i = 0; i < n; i++) {
        sr += Ur[r * n + i]! * vr[i]! - Ui[r * n + i]! * vi[i]!;
        si += Ur[r * n + i]! * vi[i]! + Ui[r * n + i]! * vr[i]!;
      }
      const fr = (2 * sr) / nrm2;
      const fi = (2 * si) / nrm2;
      // U_ri −= f · conj(v_i)
      for (let i = 0; i < n; i++) {
        Ur[r * n + i] = Ur[r * n + i]! - (fr * vr[i]! + fi * vi[i]!);
        Ui[r * n + i] = Ui[r * n + i]! - (fi * vr[i]! - fr * vi[i]!);
      }
    }
  }
  return [Ur, Ui];
}

/** Q diag(λ) Qᵀ, computed on the upper triangle and mirrored so the result is exactly symmetric. */
function symmetricFromSpectrum(n: number, Q: Float64Array, lambda: readonly number[]): Tensor {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
      A[i * n + j] = s;
      A[j * n + i] = s;
    }
  }
  return new Tensor([n, n], 'float64', A);
}

/** U diag(λ) Uᴴ, exactly Hermitian (mirrored upper triangle, real diagonal). */
function hermitianFromSpectrum(n: number, Ur: Float64Array, Ui: Float64Array, lambda: readonly number[]): Tensor {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        // U_ik λ_k conj(U_jk)
        const ar = Ur[i * n + k]!;
        const ai = Ui[i * n + k]!;
        const br = Ur[j * n + k]!;
        const bi = -Ui[j * n + k]!;
        sr += lambda[k]! * (ar * br - ai * bi);
        si += lambda[k]! * (ar * bi + ai * br);
      }
      re[i * n + j] = sr;
      re[j * n + i] = sr;
      im[i * n + j] = i === j ? 0 : si;
      im[j * n + i] = i === j ? 0 : -si;
    }
  }
  return new Tensor([n, n], 'complex128', re, im);
}

/** Ascending spectrum base + cumulative (minGap + gᵢ). */
function spectrumWithGaps(base: number, minGap: number, extra: readonly number[]): number[] {
  const out = [base];
  for (const g of extra) out.push(out[out.length - 1]! + minGap + g);
  return out;
}

/** Inverse of a small well-conditioned matrix by Gauss–Jordan with partial pivoting. */
function invert(n: number, S: Float64Array): Float64Array {
  const A = Float64Array.from(S);
  const X = new Float64Array(n * n);
  for (let i = 0; i < n; i++) X[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[p * n + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        [A[c * n + k], A[p * n + k]] = [A[p * n + k]!, A[c * n + k]!];
        [X[c * n + k], X[p * n + k]] = [X[p * n + k]!, X[c * n + k]!];
      }
    }
    const piv = A[c * n + c]!;
    for (let k = 0; k < n; k++) {
      A[c * n + k] = A[c * n + k]! / piv;
      X[c * n + k] = X[c * n + k]! / piv;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c]!;
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        A[r * n + k] = A[r * n + k]! - f * A[c * n + k]!;
        X[r * n + k] = X[r * n + k]! - f * X[c * n + k]!;
      }
    }
  }
  return X;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Random orthogonal n×n matrices.
 *
 * **Method**: a product of n Householder reflections I − 2vvᵀ/‖v‖² with vₖ = eₖ + wₖ, |wₖᵢ| ≤ 0.9; w shrinks to 0,
 * so every shrunk value is still a product of reflections (orthogonal to rounding), ending at −I.
 *
 * **Numerical notes**: ‖QᵀQ − I‖ ≈ n·ε. Both determinants occur: n reflections give (−1)ⁿ, and a drawn flag (shrinking
 * to false) negates the first column.
 *
 * **References**: G. W. Stewart, "The efficient generation of random orthogonal matrices", SIAM J. Numer. Anal. 17
 * (1980) (products of Householder reflections).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(orthogonalMatrix({ n: 3 }), (Q) => {
 *   const I = matmul(transpose(Q), Q);   // ≈ the identity
 *   return Math.abs(trace(I).data[0] - 3) < 1e-12;
 * }));
 * ```
 */
export function orthogonalMatrix(opts: { n?: SizeSpec } = {}): fc.Arbitrary<Tensor> {
  return sized(opts.n, 3, (n) =>
    fc.tuple(flatArray(n * n, unitDouble(0.9)), fc.boolean()).map(([w, flip]) => {
      const Q = householderProduct(n, w);
      if (flip) for (let i = 0; i < n; i++) Q[i * n] = -Q[i * n]!;
      return new Tensor([n, n], 'float64', Q);
    }),
  );
}

/**
 * Random symmetric n×n matrices whose consecutive eigenvalues are at least `minGap` apart.
 *
 * **Method**: A = Q diag(λ) Qᵀ with Q from {@link orthogonalMatrix}'s parameters and λ₀ ∈ [−2, 2],
 * λₖ₊₁ = λₖ + minGap + gₖ, gₖ ∈ [0, 2]. Shrinking moves gₖ → 0 (gaps → exactly minGap) and λ₀ → 0, never below the
 * gap. A is assembled on its upper triangle and mirrored, so it is exactly symmetric.
 *
 * **Numerical notes**: the computed spectrum of A differs from λ by O(n·ε·‖A‖), so gaps hold to that accuracy.
 * The default `minGap` is 0.1: fast-check biases towards small draws, so with `minGap: 0` many values have (nearly)
 * repeated eigenvalues and shrinking reaches λ₀·I — ask for that explicitly (or use {@link degenerateSymmetric}).
 *
 * **References**: ChainRules.jl tests build symmetric test matrices the same way (`Q Λ Qᵀ`).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(symmetricMatrix({ n: 3, minGap: 0.1 }), (A) => {
 *   testRrule((M) => trace(matmul(M, matmul(M, M))), [symmetric(A)], { throws: true });
 * }), { numRuns: 20 });
 * ```
 */
export function symmetricMatrix(opts: { n?: SizeSpec; minGap?: number } = {}): fc.Arbitrary<Tensor> {
  const minGap = opts.minGap ?? 0.1;
  if (!(minGap >= 0)) throw new AdError(`symmetricMatrix: minGap must be ≥ 0, got ${minGap}`, 'AD_OPTION');
  return sized(opts.n, 3, (n) =>
    fc
      .tuple(flatArray(n * n, unitDouble(0.9)), unitDouble(2), flatArray(n - 1, nonNegDouble(2)))
      .map(([w, base, gaps]) => symmetricFromSpectrum(n, householderProduct(n, w), spectrumWithGaps(base, minGap, gaps))),
  );
}

/**
 * Random symmetric positive-definite n×n matrices with condition number at most `cond` (default 100).
 *
 * **Method**: A = Q diag(λ) Qᵀ with λᵢ = cond^{uᵢ}, uᵢ ∈ [0, 1], so 1 ≤ λᵢ ≤ cond; u shrinks to 0 (A → I).
 *
 * **Numerical notes**: the computed condition number is ≤ cond up to O(n·ε·cond).
 *
 * **References**: G. W. Stewart (1980) for the orthogonal factor.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(spdMatrix({ n: 3, cond: 10 }), (A) => {
 *   checkGrad((M) => sum(log(diag(M))), spd(A), { throws: true });   // diagonal entries of an SPD matrix are > 0
 * }), { numRuns: 20 });
 * ```
 */
export function spdMatrix(opts: { n?: SizeSpec; cond?: number } = {}): fc.Arbitrary<Tensor> {
  const cond = opts.cond ?? 100;
  if (!(cond >= 1)) throw new AdError(`spdMatrix: cond must be ≥ 1, got ${cond}`, 'AD_OPTION');
  return sized(opts.n, 3, (n) =>
    fc
      .tuple(flatArray(n * n, unitDouble(0.9)), flatArray(n, nonNegDouble(1)))
      .map(([w, u]) => symmetricFromSpectrum(n, householderProduct(n, w), u.map((ui) => cond ** ui))),
  );
}

/**
 * Random symmetric matrices with exactly the given eigenvalues (in any order): Q diag(values) Qᵀ for random
 * orthogonal Q.
 *
 * **Method**: Q from {@link orthogonalMatrix}'s parameters; only Q varies (and shrinks).
 *
 * **Numerical notes**: the computed spectrum equals `values` to O(n·ε·max|values|); repeated values give exactly
 * repeated eigenvalues up to that accuracy.
 *
 * **References**: G. W. Stewart (1980) for the orthogonal factor.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(matrixWithSpectrum([1, 1, 3]), (A) => Math.abs(trace(A).data[0] - 5) < 1e-12));
 * ```
 */
export function matrixWithSpectrum(values: readonly number[]): fc.Arbitrary<Tensor> {
  const n = values.length;
  if (n < 1 || values.some((v) => !Number.isFinite(v))) throw new AdError('matrixWithSpectrum: values must be a non-empty list of finite numbers', 'AD_OPTION');
  const lam = [...values];
  return flatArray(n * n, unitDouble(0.9)).map((w) => symmetricFromSpectrum(n, householderProduct(n, w), lam));
}

/**
 * Random symmetric matrices with exactly repeated eigenvalues of the given multiplicities, e.g. `[2, 1, 3]`: a double
 * eigenvalue, a simple one and a triple one (n = 6), the distinct values at least `gap` (default 0.5) apart.
 *
 * **Method**: Q diag(λ) Qᵀ with cluster values c₀ ∈ [−2, 2], cₖ₊₁ = cₖ + gap + gₖ (gₖ ∈ [0, 2]), each repeated
 * `multiplicities[k]` times; Q, c₀ and g shrink, the multiplicities never change.
 *
 * **Numerical notes**: eigenvalues inside a cluster agree to O(n·ε·‖A‖) — an exact cluster for any degeneracy
 * tolerance of `@ad` (ε^0.6 absolute).
 *
 * **References**: G. W. Stewart (1980) for the orthogonal factor; exact clusters are where eigen rules need their
 * degeneracy policy (DESIGN.md, "Degeneracy").
 *
 * @example
 * ```ts
 * const [A] = fc.sample(degenerateSymmetric({ multiplicities: [2, 1] }), { seed: 1, numRuns: 1 });
 * A.shape;   // [3, 3], eigenvalues c, c, c' with c' ≥ c + 0.5
 * ```
 */
export function degenerateSymmetric(opts: { multiplicities: readonly number[]; gap?: number }): fc.Arbitrary<Tensor> {
  const mult = opts.multiplicities;
  const gap = opts.gap ?? 0.5;
  if (mult.length < 1 || mult.some((m) => !Number.isInteger(m) || m < 1)) {
    throw new AdError(`degenerateSymmetric: multiplicities must be positive integers, got [${mult.join(', ')}]`, 'AD_OPTION');
  }
  if (!(gap > 0)) throw new AdError(`degenerateSymmetric: gap must be > 0, got ${gap}`, 'AD_OPTION');
  const n = mult.reduce((a, b) => a + b, 0);
  return fc.tuple(flatArray(n * n, unitDouble(0.9)), unitDouble(2), flatArray(mult.length - 1, nonNegDouble(2))).map(([w, base, gaps]) => {
    const centers = spectrumWithGaps(base, gap, gaps);
    const lam = mult.flatMap((m, k) => Array.from({ length: m }, () => centers[k]!));
    return symmetricFromSpectrum(n, householderProduct(n, w), lam);
  });
}

/**
 * Random complex Hermitian n×n matrices (complex128) with eigenvalue gaps ≥ `minGap`.
 *
 * **Method**: U diag(λ) Uᴴ with U a product of complex Householder reflections I − 2vvᴴ/‖v‖², vₖ = eₖ + wₖ
 * (complex w, |Re|, |Im| ≤ 0.6), spectrum as in {@link symmetricMatrix}. Exactly Hermitian (mirrored, real diagonal).
 *
 * **Numerical notes**: shrinking w → 0 gives a real diagonal matrix (still Hermitian). Default `minGap` 0.1, as in
 * {@link symmetricMatrix}.
 *
 * **References**: G. W. Stewart (1980), whose Householder construction extends to complex reflections.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(hermitianMatrix({ n: 3 }), (H) => {
 *   testRrule((M) => real(trace(matmul(M, M))), [hermitian(H)], { throws: true });
 * }), { numRuns: 20 });
 * ```
 */
export function hermitianMatrix(opts: { n?: SizeSpec; minGap?: number } = {}): fc.Arbitrary<Tensor> {
  const minGap = opts.minGap ?? 0.1;
  if (!(minGap >= 0)) throw new AdError(`hermitianMatrix: minGap must be ≥ 0, got ${minGap}`, 'AD_OPTION');
  return sized(opts.n, 3, (n) =>
    fc
      .tuple(flatArray(n * n, unitDouble(0.6)), flatArray(n * n, unitDouble(0.6)), unitDouble(2), flatArray(n - 1, nonNegDouble(2)))
      .map(([wr, wi, base, gaps]) => {
        const [Ur, Ui] = householderProductComplex(n, wr, wi);
        return hermitianFromSpectrum(n, Ur, Ui, spectrumWithGaps(base, minGap, gaps));
      }),
  );
}

/**
 * Random real non-symmetric n×n matrices; with `distinctEigs: true`, matrices whose eigenvalues are real and at least
 * `minGap` (default 0.1) apart.
 *
 * **Method**: without `distinctEigs`, entries in [−2, 2] (shrinking to 0). With it, A = S diag(λ) S⁻¹ where
 * S = I + E, |Eᵢⱼ| ≤ 0.4/n (so ‖E‖₂ ≤ 0.4 and cond₂(S) ≤ 7/3: eigenvectors well conditioned) and λ spaced as in
 * {@link symmetricMatrix}. Shrinking E → 0 leaves a diagonal matrix with the same gaps.
 *
 * **Numerical notes**: the eigenvalues of the computed A are within cond(S)·O(n·ε·‖A‖) of λ.
 *
 * **References**: the eigenvector condition bound cond(S) ≤ (1 + ‖E‖)/(1 − ‖E‖) is the Neumann-series bound (Golub &
 * Van Loan, Matrix Computations, §2.3.4).
 *
 * @example
 * ```ts
 * const samples = fc.sample(generalMatrix({ n: 4, distinctEigs: true }), { seed: 1, numRuns: 3 });
 * samples[0].shape;   // [4, 4], real eigenvalues ≥ 0.1 apart
 * ```
 */
export function generalMatrix(opts: { n?: SizeSpec; distinctEigs?: boolean; minGap?: number } = {}): fc.Arbitrary<Tensor> {
  const minGap = opts.minGap ?? 0.1;
  return sized(opts.n, 3, (n) => {
    if (!opts.distinctEigs) return flatArray(n * n, unitDouble(2)).map((a) => new Tensor([n, n], 'float64', Float64Array.from(a)));
    return fc.tuple(flatArray(n * n, unitDouble(0.4 / n)), unitDouble(2), flatArray(n - 1, nonNegDouble(2))).map(([e, base, gaps]) => {
      const S = Float64Array.from(e);
      for (let i = 0; i < n; i++) S[i * n + i] = S[i * n + i]! + 1;
      const Si = invert(n, S);
      const lam = spectrumWithGaps(base, minGap, gaps);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += S[i * n + k]! * lam[k]! * Si[k * n + j]!;
          A[i * n + j] = s;
        }
      }
      return new Tensor([n, n], 'float64', A);
    });
  });
}

/**
 * Random weighted undirected graphs on n nodes as symmetric n×n weight (adjacency) matrices: zero diagonal,
 * non-negative weights. With `connected: true` every value (shrunk ones included) is connected.
 *
 * **Method**: connected graphs contain a random spanning tree (node k attaches to a parent pₖ < k, weight
 * ≥ `minWeight` (default 0.1)) plus extra edges with weights in [0, 1] (0 = no edge). Shrinking sends parents to 0
 * (a star), tree weights to `minWeight` and extra weights to 0 — the tree stays. Without `connected`, all edges are
 * extra (shrinking to the empty graph).
 *
 * **Numerical notes**: weights are exact doubles; the Laplacian of a connected graph has a simple zero eigenvalue.
 *
 * **References**: M. Fiedler, "Algebraic connectivity of graphs", Czech. Math. J. 23 (1973) (a connected graph's
 * Laplacian has a simple zero eigenvalue).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(weightedGraph({ n: 6, connected: true }), (W) => W.data.every((w) => w >= 0)));
 * ```
 */
export function weightedGraph(opts: { n?: SizeSpec; connected?: boolean; minWeight?: number } = {}): fc.Arbitrary<Tensor> {
  const minW = opts.minWeight ?? 0.1;
  if (!(minW > 0)) throw new AdError(`weightedGraph: minWeight must be > 0, got ${minW}`, 'AD_OPTION');
  return sized(opts.n, 4, (n) => {
    const pairs = (n * (n - 1)) / 2;
    const parents = fc.tuple(...Array.from({ length: Math.max(n - 1, 0) }, (_, k) => fc.integer({ min: 0, max: k })));
    return fc
      .tuple(parents, flatArray(Math.max(n - 1, 0), nonNegDouble(1)), flatArray(pairs, nonNegDouble(1)))
      .map(([par, treeW, extra]) => {
        const W = new Float64Array(n * n);
        let p = 0;
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const w = extra[p++]!;
            W[i * n + j] = W[j * n + i] = w;
          }
        }
        if (opts.connected) {
          for (let k = 1; k < n; k++) {
            const a = par[k - 1] as number;
            const w = minW + treeW[k - 1]!;
            W[a * n + k] = W[k * n + a] = w;
          }
        }
        return new Tensor([n, n], 'float64', W);
      });
  });
}
