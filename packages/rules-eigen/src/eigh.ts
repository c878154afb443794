/**
 * `eigvalsh` and `eigh`: eigenvalues (and eigenvectors) of real symmetric and complex Hermitian matrices, batched over
 * leading dimensions, with their forward and reverse rules.
 *
 * The math (MATH.md, "Symmetric / Hermitian eigh"), with A = V Λ Vᴴ, λ ascending, F_ij = 1/(λⱼ − λᵢ) (i ≠ j), F_ii = 0:
 *
 *   forward:  K = Vᴴ Ȧ V;   λ̇ = Re diag K;   V̇ = V (F ∘ K)
 *   reverse:  Ā = sym( V (diag(λ̄) + F ∘ Vᴴ V̄) Vᴴ );   values only: Ā = V diag(λ̄) Vᴴ
 *
 * V̇ is the tangent in the parallel gauge (vᵢᴴ v̇ᵢ = 0): the derivative of every sign/phase-invariant function of V.
 * At a cluster of (nearly) equal eigenvalues the degeneracy policy decides (degeneracy.ts, DESIGN.md "Degeneracy"):
 * eigenvalue cotangents are averaged over the cluster, eigenvalue tangents are the one-sided directional derivative
 * (sorted eigenvalues of the cluster block of K), and the in-cluster F entries are dropped after a gauge check
 * (`'gauge'`), refused (`'error'`), broadened (`'broaden'`) or left alone (`'nan'`).
 *
 * References: Giles (2008), "An extended collection of matrix derivative results for forward and reverse mode
 * algorithmic differentiation", Oxford NA report 08/01; Boeddeker, Hanebrink, Drude, Heymann & Haeb-Umbach (2017),
 * "On the computation of complex-valued gradients with application to statistically optimum beamforming",
 * arXiv:1701.00392; Seeger, Hetzel, Dai, Meissner & Lawrence (2017), "Auto-differentiating linear algebra",
 * arXiv:1710.08717; ChainRules.jl `rulesets/LinearAlgebra/symmetric.jl`; Kasim (2020), xitorch `symeig`.
 * @module
 */
import {
  ConvergenceError,
  NoTangent,
  Tensor,
  Tracer,
  ZeroTangent,
  add,
  adjoint,
  defineRule,
  diag,
  diagm,
  matmul,
  mul,
  promoteTypes,
  real,
  realDType,
  reshape,
  scale,
  zeros,
  type DifferentiableFunction,
} from '@ad/core';
import { gemmBatched, hermEig, symEig, zgemm } from '@ad/kernels';
import { float64View, storeColumnMajor } from './batch.js';
import { asCotangent, cotangentField, matrixForKernel, requireFinite, requireHermitian, requireSquare } from './checks.js';
import {
  adaptClusterBasis,
  blockNorms,
  checkVectorCotangent,
  checkVectorTangent,
  eigenvalueCotangent,
  fMatrix,
  fMatrixNumeric,
  oneSidedValues,
  resolveSymmetricOptions,
  spectrumOf,
  whichMatrix,
  type DegeneracyOptions,
  type ResolvedDegeneracy,
  type Spectrum,
} from './degeneracy.js';

/** Options of {@link eigh} and {@link eigvalsh}. */
export interface EighOptions {
  /**
   * Use (A + Aᴴ)/2 without checking symmetry. By default A must be symmetric (Hermitian) within
   * max|A − Aᴴ| ≤ 1e-10·max|A| (1e-4 for float32), else `NotSymmetricError`.
   */
  symmetrize?: boolean;
  /** Cluster tolerance and what to do with derivatives inside clusters (see `DegeneracyOptions`). */
  degeneracy?: DegeneracyOptions;
}

/** Result of {@link eigh}: eigenvalues ascending `[..., n]` and unit eigenvectors as the columns of `[..., n, n]`. */
export interface EighResult {
  /** Eigenvalues, ascending, real (float32 for float32 input, float64 otherwise). */
  values: Tensor;
  /** Unit eigenvectors: column j of each matrix belongs to `values[j]`; same dtype as A. */
  vectors: Tensor;
}

// ---------------------------------------------------------------------------------------------------------------
// Primal: input checks, then one kernel call per matrix of the batch.

/** The input checks of both rules, named after the function the user called. */
function checkInput(A: Tensor, opts: EighOptions | undefined, fname: string): ResolvedDegeneracy {
  const res = resolveSymmetricOptions(opts, A.dtype, fname);
  requireSquare(A, fname);
  requireFinite(A, fname);
  if (opts?.symmetrize !== true) requireHermitian(A, fname);
  return res;
}

function decompose(A: Tensor, opts: EighOptions | undefined, fname: string, wantVectors: boolean): { values: Tensor; vectors: Tensor | undefined } {
  checkInput(A, opts, fname);
  const { n, batchShape, count } = requireSquare(A, fname);
  const symmetrize = opts?.symmetrize === true;
  const values = zeros([...batchShape, n], realDType(A.dtype));
  const vectors = wantVectors ? zeros(A.shape, A.dtype) : undefined;
  for (let b = 0; b < count; b++) {
    const { re, im } = matrixForKernel(A, b, n, symmetrize);
    let lam: Float64Array;
    let vr: Float64Array | null = null;
    let vi: Float64Array | null = null;
    let info: number;
    if (im) {
      const r = hermEig(re, im, n, { vectors: wantVectors });
      lam = r.values;
      vr = r.vectorsRe;
      vi = r.vectorsIm;
      info = r.info;
    } else {
      const r = symEig(re, n, { vectors: wantVectors });
      lam = r.values;
      vr = r.vectors;
      info = r.info;
    }
    if (info > 0) {
      const where = whichMatrix({ batchShape }, b);
      throw new ConvergenceError(
        `${fname}: the QL iteration did not converge for eigenvalue ${info - 1}${where} of a ${n}×${n} matrix within its bound ` +
          `of 30·n iterations; the input may be badly scaled — try rescaling A`,
        30 * n,
        // the kernel reports which eigenvalue failed, not a residual: there is no number to give here
        Number.NaN,
        // QL deflates when |e_m| ≤ ε·max(|d_k| + |e_k|): the tolerance is ε, relative
        Number.EPSILON,
      );
    }
    values.data.set(lam, b * n);
    if (vectors && vr) {
      storeColumnMajor(vr, vectors.data, b * n * n, n, n);
      if (vi) storeColumnMajor(vi, vectors.im!, b * n * n, n, n);
    }
  }
  return { values, vectors };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces of the rules.

/** (X + Xᴴ)/2 over the last two axes, with core ops. */
function hermPart(X: Tensor): Tensor {
  return scale(add(X, adjoint(X)), 0.5);
}

/** K = Vᴴ sym(Ȧ) V. The primal is a function of the Hermitian part of A, so only that part of Ȧ moves it. */
function tangentK(V: Tensor, dA: Tensor): Tensor {
  return matmul(adjoint(V), matmul(hermPart(dA), V));
}

/** λ̇: Re diag K, with the one-sided directional derivative at clusters (plain diagonal under 'nan'). */
function valueTangent(K: Tensor, spec: Spectrum, res: ResolvedDegeneracy): Tensor {
  const d = real(diag(K));
  if (res.policy === 'nan') return d;
  return oneSidedValues(d, K, spec, (block) => eigvalsh(block, { symmetrize: true }));
}

/**
 * Ā = sym( V (diag(λ̄) + F ∘ Vᴴ V̄) Vᴴ ) after the policy's checks; V diag(λ̄) Vᴴ when V̄ is zero. Core ops only, so
 * the pullback is itself differentiable (V and λ may be traced by outer levels).
 */
function pullbackA(
  V: Tensor,
  lam: Tensor,
  lbar: Tensor | undefined,
  vbar: Tensor | undefined,
  spec: Spectrum,
  res: ResolvedDegeneracy,
  fname: string,
): Tensor | typeof ZeroTangent {
  if (lbar === undefined && vbar === undefined) return ZeroTangent;
  const { n, batchShape, count } = spec;
  const g = lbar === undefined ? undefined : eigenvalueCotangent(lbar, spec, res, fname);
  if (![V, lam, g, vbar].some((t) => t instanceof Tracer)) return pullbackNumeric(V, g, vbar, spec, res, fname);
  if (vbar === undefined) {
    // V diag(g) Vᴴ: scale the columns, one product.
    return hermPart(matmul(mul(V, reshape(g!, [...batchShape, 1, n])), adjoint(V)));
  }
  const X = matmul(adjoint(V), vbar);
  checkVectorCotangent(X, blockNorms(vbar, count, n * n), spec, res, fname);
  let M = mul(fMatrix(lam, spec, res), X);
  if (g !== undefined) M = add(M, diagm(g));
  return hermPart(matmul(matmul(V, M), adjoint(V)));
}

/**
 * The same Ā as {@link pullbackA} computed on the numbers, for the usual case where no outer transformation traces
 * the pullback: X = Vᴴ V̄ and the two products with V run as (batched) gemm/zgemm with transposition flags, and
 * S = herm(diag(λ̄) + F ∘ X) is formed in one pass, so the cost is three n×n products and O(n²) besides
 * (tools/bench, "eigh pullback vs forward").
 */
function pullbackNumeric(
  V: Tensor,
  g: Tensor | undefined,
  vbar: Tensor | undefined,
  spec: Spectrum,
  res: ResolvedDegeneracy,
  fname: string,
): Tensor {
  const { n, batchShape, count } = spec;
  const nn = n * n;
  const shape = [...batchShape, n, n];
  const gd = g === undefined ? undefined : g.data;
  const F = vbar === undefined ? undefined : fMatrixNumeric(spec, res);
  let outDtype = g === undefined ? V.dtype : promoteTypes(V.dtype, g.dtype);
  if (vbar !== undefined) outDtype = promoteTypes(outDtype, V.isComplex ? vbar.dtype : realDType(vbar.dtype));
  if (!V.isComplex) {
    const Vd = float64View(V.data);
    const S = new Float64Array(count * nn);
    if (vbar !== undefined) {
      const X = gemmBatched(count, true, false, n, n, n, Vd, nn, float64View(vbar.data), nn);
      checkVectorCotangent(new Tensor(shape, 'float64', X), blockNorms(vbar, count, nn), spec, res, fname);
      for (let b = 0; b < count; b++) {
        const o = b * nn;
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const s = 0.5 * (F![o + i * n + j]! * X[o + i * n + j]! + F![o + j * n + i]! * X[o + j * n + i]!);
            S[o + i * n + j] = s;
            S[o + j * n + i] = s;
          }
        }
      }
    }
    if (gd !== undefined) for (let b = 0; b < count; b++) for (let i = 0; i < n; i++) S[b * nn + i * n + i] = gd[b * n + i]!;
    // values only: V diag(λ̄) is a column scaling, so one product suffices
    const B = vbar === undefined ? scaleColumns(Vd, undefined, gd!, count, n).re : gemmBatched(count, false, false, n, n, n, Vd, nn, S, nn);
    const out = gemmBatched(count, false, true, n, n, n, B, nn, Vd, nn);
    for (let b = 0; b < count; b++) {
      const o = b * nn;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const s = 0.5 * (out[o + i * n + j]! + out[o + j * n + i]!);
          out[o + i * n + j] = s;
          out[o + j * n + i] = s;
        }
      }
    }
    return new Tensor(shape, outDtype, outDtype === 'float32' ? Float32Array.from(out) : out);
  }
  const Vr = V.data as Float64Array;
  const Vi = V.im!;
  const outRe = new Float64Array(count * nn);
  const outIm = new Float64Array(count * nn);
  const Xr = new Float64Array(count * nn);
  const Xi = new Float64Array(count * nn);
  if (vbar !== undefined) {
    const Wr = float64View(vbar.data);
    const Wi = vbar.im ?? new Float64Array(vbar.size);
    for (let b = 0; b < count; b++) {
      const sl = (d: Float64Array) => d.subarray(b * nn, (b + 1) * nn);
      const X = zgemm('C', 'N', n, n, n, sl(Vr), sl(Vi), sl(Wr), sl(Wi));
      Xr.set(X.re, b * nn);
      Xi.set(X.im, b * nn);
    }
    checkVectorCotangent(new Tensor(shape, 'complex128', Xr, Xi), blockNorms(vbar, count, nn), spec, res, fname);
  }
  for (let b = 0; b < count; b++) {
    const o = b * nn;
    const Sr = new Float64Array(nn);
    const Si = new Float64Array(nn);
    if (vbar !== undefined) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          // S_ij = (F_ij X_ij + F_ji conj(X_ji)) / 2, S_ji = conj(S_ij)
          const fij = F![o + i * n + j]!;
          const fji = F![o + j * n + i]!;
          const sr = 0.5 * (fij * Xr[o + i * n + j]! + fji * Xr[o + j * n + i]!);
          const si = 0.5 * (fij * Xi[o + i * n + j]! - fji * Xi[o + j * n + i]!);
          Sr[i * n + j] = sr;
          Si[i * n + j] = si;
          Sr[j * n + i] = sr;
          Si[j * n + i] = -si;
        }
      }
    }
    if (gd !== undefined) for (let i = 0; i < n; i++) Sr[i * n + i] = gd[b * n + i]!;
    const Vbr = Vr.subarray(o, o + nn);
    const Vbi = Vi.subarray(o, o + nn);
    const B = vbar === undefined ? scaleColumns(Vbr, Vbi, gd!.subarray(b * n, (b + 1) * n), 1, n) : zgemm('N', 'N', n, n, n, Vbr, Vbi, Sr, Si);
    const C = zgemm('N', 'C', n, n, n, B.re, B.im, Vbr, Vbi);
    for (let i = 0; i < n; i++) {
      outRe[o + i * n + i] = C.re[i * n + i]!;
      for (let j = i + 1; j < n; j++) {
        const r = 0.5 * (C.re[i * n + j]! + C.re[j * n + i]!);
        const m = 0.5 * (C.im[i * n + j]! - C.im[j * n + i]!);
        outRe[o + i * n + j] = r;
        outIm[o + i * n + j] = m;
        outRe[o + j * n + i] = r;
        outIm[o + j * n + i] = -m;
      }
    }
  }
  return new Tensor(shape, 'complex128', outRe, outIm);
}

/** V diag(d) for each of `count` row-major n×n matrices (d holds count·n scales). */
function scaleColumns(
  re: Float64Array,
  im: Float64Array | undefined,
  d: Float64Array | Float32Array,
  count: number,
  n: number,
): { re: Float64Array; im: Float64Array } {
  const outRe = new Float64Array(count * n * n);
  const outIm = new Float64Array(im ? count * n * n : 0);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < n; i++) {
      const o = b * n * n + i * n;
      for (let j = 0; j < n; j++) {
        const g = d[b * n + j]!;
        outRe[o + j] = re[o + j]! * g;
        if (im) outIm[o + j] = im[o + j]! * g;
      }
    }
  }
  return { re: outRe, im: outIm };
}

function samples(): [Tensor, EighOptions | undefined][] {
  // Well-separated spectra (gaps ≥ 0.4) and, in every eigenvector, a largest entry at least 1.29× the next one, so
  // the sign convention is locally constant and raw eigenvectors are differentiable (a tie in magnitude, as in the
  // middle eigenvector (1, 0, −1)/√2 of tridiag(−1, 2, −1), would flip signs under perturbation).
  const A = new Tensor([4, 4], 'float64', Float64Array.from([4, 1, 0.5, 0, 1, 3, 0.2, 0.1, 0.5, 0.2, 2, 0.3, 0, 0.1, 0.3, 1]));
  const B = new Tensor([3, 3], 'float64', Float64Array.from([3, 1, 0.2, 1, 2, 0.5, 0.2, 0.5, 1]));
  return [
    [A, undefined],
    [B, { degeneracy: { policy: 'gauge' } }],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The rules.

/**
 * Eigenvalues of a real symmetric or complex Hermitian matrix (or a batch), ascending.
 *
 * **Method**: Householder tridiagonalization and implicit QL (`symEig` / `hermEig` of @ad/kernels), one matrix of the
 * batch at a time; float32 input is computed in float64 and rounded. Derivative: dλᵢ = Re vᵢᴴ dA vᵢ; pullback
 * Ā = V diag(λ̄) Vᴴ.
 *
 * **Numerical notes**: degeneracy — the eigenvalue cotangent is averaged over each cluster (gaps ≤ atol + rtol·max|λ|),
 * which is exact where the sorted eigenvalues are differentiable and otherwise the minimum-norm generalized gradient
 * (for a repeated λ_max of multiplicity m: U Uᴴ/m); `policy: 'error'` raises `DegenerateEigenvaluesError` instead
 * when λ̄ is not constant on a cluster, `'nan'` skips the averaging. Forward mode at a cluster returns the one-sided
 * directional derivative (eigenvalues of Uᴴ Ȧ U sorted ascending), which is not linear in Ȧ. Input checks:
 * `ShapeError` (not square), `NonFiniteInputError`, `NotSymmetricError` (beyond 1e-10·max|A|, 1e-4 in float32;
 * `{ symmetrize: true }` uses (A + Aᴴ)/2), `ConvergenceError`.
 *
 * **References**: Magnus (1985), "On differentiating eigenvalues and eigenvectors", Econometric Theory 1:179–191;
 * Overton (1992), SIAM J. Optim. 2:88–120 (nonsmooth eigenvalue optimization); MATH.md, "Symmetric / Hermitian eigh".
 *
 * @example
 * ```ts
 * import { grad, slice, sum, tensor } from '@ad/core';
 * import { eigvalsh } from '@ad/rules-eigen';
 * eigvalsh(tensor([[2, 1], [1, 2]]));                                       // [1, 3]
 * grad((A) => sum(slice(eigvalsh(A), [1], [2])))(tensor([[2, 1], [1, 2]])); // v₂v₂ᵀ = [[0.5, 0.5], [0.5, 0.5]]
 * ```
 */
export const eigvalsh: DifferentiableFunction<[Tensor, EighOptions?], Tensor> = defineRule<[Tensor, EighOptions?], Tensor>({
  name: '@ad/rules-eigen/eigvalsh',
  structure: ['hermitian', 'nondiff'],
  primal: (A: Tensor, opts?: EighOptions) => decompose(A, opts, 'eigvalsh', false).values,
  frule: ([A, opts], [dA]) => {
    const res = checkInput(A, opts, 'eigvalsh');
    const { values, vectors: V } = eigh(A, opts);
    const spec = spectrumOf(values, res);
    return [values, valueTangent(tangentK(V, dA as Tensor), spec, res)];
  },
  rrule: (A: Tensor, opts?: EighOptions) => {
    const res = checkInput(A, opts, 'eigvalsh');
    const { values, vectors: V } = eigh(A, opts);
    const spec = spectrumOf(values, res);
    return [values, (ybar) => [pullbackA(V, values, asCotangent(ybar), undefined, spec, res, 'eigvalsh'), NoTangent]];
  },
  samples: () => samples(),
});

/**
 * Eigenvalues (ascending) and unit eigenvectors of a real symmetric or complex Hermitian matrix (or a batch):
 * `{ values: [..., n], vectors: [..., n, n] }` with A = V diag(λ) Vᴴ.
 *
 * **Method**: Householder tridiagonalization and implicit QL with eigenvector accumulation (`symEig` / `hermEig` of
 * @ad/kernels), column j of `vectors` scaled so its largest-magnitude entry is real and positive (DESIGN.md's one
 * sign/phase convention; not differentiated). Derivatives: K = Vᴴ Ȧ V, λ̇ = Re diag K, V̇ = V (F ∘ K); pullback
 * Ā = sym(V (diag(λ̄) + F ∘ Vᴴ V̄) Vᴴ) with F_ij = 1/(λⱼ − λᵢ).
 *
 * **Numerical notes**: eigenvector derivatives are defined for sign/phase-invariant uses of V (|v|², v vᴴ,
 * projectors); V̇ is the parallel-gauge tangent. Complex input: a cotangent with Im(vᵢᴴ v̄ᵢ) ≠ 0 means the loss
 * depends on the arbitrary phase and raises `GaugeDependenceError` (every policy). Degeneracy (`opts.degeneracy`,
 * clusters by gaps ≤ atol + rtol·max|λ|, defaults ε^0.6 and ε^0.4): eigenvalue cotangents are averaged over clusters;
 * in-cluster eigenvector terms follow the policy — `'gauge'` (default) drops them and raises `GaugeDependenceError`
 * if the skew part of (Vᴴ V̄)_CC is non-negligible (the loss depends on the basis inside the cluster); `'error'`
 * raises `DegenerateEigenvaluesError` for any in-cluster component; `'broaden'` uses (λⱼ − λᵢ)/((λⱼ − λᵢ)² + ε),
 * ε = (1e-8·max|λ|)² by default (smooth, biased by O(ε/gap²)); `'nan'` applies the plain formula (Inf/NaN at ties,
 * as PyTorch and JAX). Forward mode at a cluster: one-sided eigenvalue tangents, zero in-cluster eigenvector
 * coefficients under `'gauge'`, an error under `'error'`. Input checks as {@link eigvalsh}.
 *
 * **References**: Giles (2008), Oxford NA report 08/01; Seeger et al. (2017), arXiv:1710.08717; Boeddeker et al.
 * (2017), arXiv:1701.00392 (complex case); Kasim (2020), xitorch (degenerate eigenvalues); MATH.md.
 *
 * @example
 * ```ts
 * import { grad, slice, square, sum, tensor } from '@ad/core';
 * import { eigh } from '@ad/rules-eigen';
 * const { values, vectors } = eigh(tensor([[2, 1], [1, 2]]));   // values [1, 3], vectors [[0.7071, 0.7071], [-0.7071, 0.7071]]
 * // a sign-invariant loss: the weight |v₂[0]|² of the top eigenvector on the first coordinate,
 * // which for [[a, b], [b, d]] is (1 + (a − d)/√((a − d)² + 4b²))/2
 * const weight = (A) => sum(square(slice(eigh(A).vectors, [0, 1], [1, 2])));
 * grad(weight)(tensor([[2, 1], [1, 2]]));   // [[0.25, 0], [0, -0.25]]
 * ```
 */
export const eigh: DifferentiableFunction<[Tensor, EighOptions?], EighResult> = defineRule<[Tensor, EighOptions?], EighResult>({
  name: '@ad/rules-eigen/eigh',
  structure: ['hermitian', 'nondiff'],
  primal: (A: Tensor, opts?: EighOptions) => {
    const { values, vectors } = decompose(A, opts, 'eigh', true);
    return { values, vectors: vectors! };
  },
  frule: ([A, opts], [dA]) => {
    const res = resolveSymmetricOptions(opts, A.dtype, 'eigh');
    const y = eigh(A, opts);
    const spec = spectrumOf(y.values, res);
    let V = y.vectors;
    let K = tangentK(V, dA as Tensor);
    checkVectorTangent(K, spec, res, 'eigh');
    if (res.policy !== 'nan' && spec.degenerate) {
      // At a cluster, return the basis adapted to Ȧ (the t → 0⁺ limit of the eigenvectors of A + tȦ): then λ̇ = Re diag K
      // is the one-sided directional derivative and belongs to its column.
      ({ V, K } = adaptClusterBasis(V, K, spec, (block) => eigh(block, { symmetrize: true }).vectors));
    }
    const dvalues = real(diag(K));
    const dvectors = matmul(V, mul(fMatrix(y.values, spec, res), K));
    return [V === y.vectors ? y : { values: y.values, vectors: V }, { values: dvalues, vectors: dvectors }];
  },
  rrule: (A: Tensor, opts?: EighOptions) => {
    const res = resolveSymmetricOptions(opts, A.dtype, 'eigh');
    const y = eigh(A, opts);
    const spec = spectrumOf(y.values, res);
    return [
      y,
      (ybar) => {
        const lbar = cotangentField(ybar, 'values');
        const vbar = cotangentField(ybar, 'vectors');
        return [pullbackA(y.vectors, y.values, lbar, vbar, spec, res, 'eigh'), NoTangent];
      },
    ];
  },
  samples: () => samples(),
});
