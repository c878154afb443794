/**
 * `eigvals` and `eig`: eigenvalues (and right / left eigenvectors) of general real or complex square matrices, batched
 * over leading dimensions, with their forward and reverse rules. Outputs are complex128 even for a real spectrum.
 *
 * The math (MATH.md, "General (non-normal) eig"), with A V = V diag(λ), unit 2-norm columns, E_ij = λⱼ − λᵢ and
 * F_ij = 1/E_ij (i ≠ j), F_ii = 0:
 *
 *   forward:  K = V⁻¹ Ȧ V (a solve with V);  λ̇ = diag K;  X = V (F ∘ K);  V̇ = X − V Re diag(Vᴴ X)
 *   reverse:  X = Vᴴ V̄;  X ← X − Vᴴ V diag(Re diag X);  G = X ∘ conj(F) + diag(λ̄);  Ā = V⁻ᴴ G Vᴴ (a solve with Vᴴ)
 *             values only: Ā = V⁻ᴴ diag(λ̄) Vᴴ;  real A: Ā ← Re Ā
 *   left vectors W = V⁻ᴴ:  Ẇ = −W V̇ᴴ W;  their cotangent adds −W W̄ᴴ W to V̄.
 *
 * The last term of V̇ keeps ‖vⱼ‖ = 1 (Giles' and Boeddeker's formulas omit it); in reverse it is the correction of X.
 * Eigenvector derivatives are defined for phase-invariant uses of V only (|v|², v wᴴ, |⟨u, v⟩|): a cotangent with
 * Im(vⱼᴴ v̄ⱼ) ≠ 0 depends on the arbitrary phase of vⱼ and raises `GaugeDependenceError`.
 *
 * Degeneracy (DESIGN.md: general eig has no masking). A cluster is a set of eigenvalues linked by complex distances
 * |λᵢ − λⱼ| ≤ atol + rtol·max|λ|. Its eigenvectors V_C are either nearly parallel — a (nearly) defective eigenvalue,
 * where λ moves like a root of the perturbation and nothing is differentiable — or a well-conditioned basis of a
 * (nearly) semisimple eigenvalue, where symmetric functions of the cluster's eigenvalues and eigenspace-only functions
 * of its eigenvectors are differentiable and nothing else is. So, with cond(V_C) = σ_max(V_C)/σ_min(V_C):
 * - cond(V_C) > `maxCond`: any cotangent on the cluster (tangent, in forward mode) raises `DegenerateEigenvaluesError`;
 * - otherwise the rule goes on exactly when the derivative exists: an eigenvalue cotangent constant on the cluster, and
 *   an eigenvector cotangent whose corrected X has no in-cluster part (the loss is invariant under any change of basis
 *   of the eigenspace; the in-cluster 0/0 terms are then absent, not masked); anything else raises
 *   `DegenerateEigenvaluesError`. Forward mode gives the one-sided eigenvalue tangent (eigenvalues of the block K_CC).
 *
 * References: Magnus (1985), "On differentiating eigenvalues and eigenvectors", Econometric Theory 1:179–191; Giles
 * (2008), "An extended collection of matrix derivative results for forward and reverse mode AD", Oxford NA report
 * 08/01; Boeddeker, Hanebrink, Drude, Heymann & Haeb-Umbach (2017), arXiv:1701.00392; Kato (1995), "Perturbation
 * theory for linear operators", II §1–2 (semisimple and defective eigenvalues); PyTorch `linalg_eig_backward`
 * (FunctionsManual.cpp); JAX `eig_jvp_rule` (lax/linalg.py).
 * @module
 */
import {
  AdError,
  ConvergenceError,
  DegenerateEigenvaluesError,
  DomainError,
  GaugeDependenceError,
  NoTangent,
  ShapeError,
  Tensor,
  Tracer,
  ZeroTangent,
  add,
  adjoint,
  cast,
  complex,
  conj,
  defineRule,
  diag,
  diagm,
  div,
  epsOf,
  imag,
  isZeroTangent,
  matmul,
  mul,
  neg,
  real,
  reshape,
  shapeSize,
  slice,
  stack,
  sub,
  sum,
  transpose,
  where,
  zeros,
  type DifferentiableFunction,
} from '@ad/core';
import { eigGeneral, gemm, hermEig, luFactor, luSolve, solveTriangular, zgemm, type LuFactors } from '@ad/kernels';
import { float64View, storeColumnMajor } from './batch.js';
import { asCotangent, cotangentField, matrixForKernel, requireBooleanOptions, requireFinite, requireOptionsObject, requireSquare } from './checks.js';
import { blockNorms, resolveTolerances, whichMatrix } from './degeneracy.js';

// ---------------------------------------------------------------------------------------------------------------
// Options and results.

/**
 * What `eig`/`eigvals` do with derivatives at a cluster of (nearly) equal eigenvalues:
 * - `'error'` (default): differentiate where the derivative exists (symmetric functions of a well-conditioned
 *   cluster, eigenspace-only eigenvector losses) and raise `DegenerateEigenvaluesError` otherwise;
 * - `'nan'`: the plain formulas with no cluster handling (what PyTorch and JAX do): Inf/NaN at exact ties, huge and
 *   inaccurate numbers near them. The phase check of eigenvector cotangents still applies.
 * There is no `'gauge'` or `'broaden'` for general eig (DESIGN.md, "Degeneracy": no masking).
 */
export type EigDegeneracyPolicy = 'error' | 'nan';

/**
 * `{ degeneracy }` option of {@link eig} and {@link eigvals}. The defaults are float64's for every input dtype: the
 * outputs (and the user's cotangents) are complex128 even for float32 input.
 */
export interface EigDegeneracyOptions {
  /** What to do at clusters (default `'error'`). */
  policy?: EigDegeneracyPolicy;
  /** Absolute part of the cluster tolerance |λᵢ − λⱼ| ≤ atol + rtol·max|λ| (default ε^0.6 = 4.0e-10). */
  atol?: number;
  /** Relative part (default ε^0.4 = 5.5e-7). */
  rtol?: number;
  /**
   * A cluster whose eigenvectors have cond(V_C) = σ_max/σ_min above this is treated as defective (default
   * ε^(−1/4) ≈ 8.2e3; `Infinity` turns the check off). Nearly defective clusters inside the tolerance have
   * cond(V_C) ≳ 2/rtol ≈ 4e6; well-conditioned semisimple ones have cond(V_C) of order 1 to 1e2.
   */
  maxCond?: number;
}

/** Options of {@link eigvals}. */
export interface EigvalsOptions {
  /** Cluster tolerance and policy (see {@link EigDegeneracyOptions}). */
  degeneracy?: EigDegeneracyOptions;
}

/** Options of {@link eig}. */
export interface EigOptions extends EigvalsOptions {
  /** Also return the left eigenvectors W = V⁻ᴴ (Wᴴ V = I) as `leftVectors` (default false). */
  left?: boolean;
}

/** Result of {@link eig}. */
export interface EigResult {
  /** Eigenvalues `[..., n]`, complex128, ordered by real part, then imaginary part. */
  values: Tensor;
  /** Right eigenvectors as the columns of `[..., n, n]`, complex128, unit 2-norm, largest entry real positive. */
  vectors: Tensor;
  /** Left eigenvectors W = V⁻ᴴ (columns, Wᴴ V = I), complex128; present only with `{ left: true }`. */
  leftVectors?: Tensor;
}

interface ResolvedEig {
  readonly policy: EigDegeneracyPolicy;
  readonly atol: number;
  readonly rtol: number;
  readonly maxCond: number;
  /** Relative size above which a cotangent's (tangent's) component counts as non-negligible: √ε = 1.5e-8. */
  readonly negligible: number;
}

const EPS = epsOf('float64');

function resolveOptions(opts: EigOptions | undefined, fname: string): ResolvedEig {
  requireOptionsObject(opts, fname, 'options', '{ left: true }');
  requireBooleanOptions(opts, ['left'], fname);
  const d = opts?.degeneracy;
  requireOptionsObject(d, fname, 'the degeneracy option', "{ policy: 'error' }");
  const policy = d?.policy ?? 'error';
  if (policy !== 'error' && policy !== 'nan') {
    throw new AdError(
      `${fname}: unknown degeneracy policy '${String(policy)}'; general eig has no masking (DESIGN.md, "Degeneracy"), ` +
        "so its policies are 'error' (default) and 'nan'",
      'AD_OPTION',
    );
  }
  // The outputs are complex128 whatever the input dtype, so the tolerances are those of float64.
  const { atol, rtol } = resolveTolerances(d, 'float64', fname);
  const maxCond = d?.maxCond ?? EPS ** -0.25;
  if (typeof maxCond !== 'number' || Number.isNaN(maxCond) || maxCond < 1) {
    throw new AdError(`${fname}: degeneracy.maxCond must be a number ≥ 1 (or Infinity), got ${String(maxCond)}`, 'AD_OPTION');
  }
  return { policy, atol, rtol, maxCond, negligible: Math.sqrt(EPS) };
}

// ---------------------------------------------------------------------------------------------------------------
// Primal: input checks, then one kernel call per matrix of the batch.

function checkInput(A: Tensor, opts: EigOptions | undefined, fname: string): ResolvedEig {
  const res = resolveOptions(opts, fname);
  requireSquare(A, fname);
  requireFinite(A, fname);
  return res;
}

interface Decomposition {
  values: Tensor;
  vectors?: Tensor;
  leftVectors?: Tensor;
}

function decompose(A: Tensor, opts: EigOptions | undefined, fname: string, want: 'values' | 'vectors' | 'left'): Decomposition {
  checkInput(A, opts, fname);
  const { n, batchShape, count } = requireSquare(A, fname);
  const nn = n * n;
  const values = zeros([...batchShape, n], 'complex128');
  const vectors = want === 'values' ? undefined : zeros(A.shape, 'complex128');
  const left = want === 'left' ? zeros(A.shape, 'complex128') : undefined;
  for (let b = 0; b < count; b++) {
    const { re, im } = matrixForKernel(A, b, n, false);
    const r = eigGeneral(re, im ?? null, n, { vectors: want !== 'values', left: want === 'left', cond: false });
    const where = whichMatrix({ batchShape }, b);
    if (r.info !== 0) {
      throw new ConvergenceError(
        `${fname}: the QR iteration did not converge for eigenvalue ${r.info - 1}${where} of a ${n}×${n} matrix within ` +
          `its bound of 30·max(10, n) sweeps per eigenvalue; the matrix may be badly scaled — try rescaling A`,
        30 * Math.max(10, n),
        Number.NaN,
        // QR deflates a subdiagonal entry below ε times its neighbours (Ahues–Tisseur): the tolerance is ε, relative
        Number.EPSILON,
      );
    }
    values.data.set(r.valuesRe, b * n);
    values.im!.set(r.valuesIm, b * n);
    if (vectors) {
      storeColumnMajor(r.vectorsRe!, vectors.data, b * nn, n, n);
      storeColumnMajor(r.vectorsIm!, vectors.im!, b * nn, n, n);
    }
    if (left) {
      if (r.leftRe === undefined || r.leftIm === undefined) {
        throw new DegenerateEigenvaluesError(
          `${fname}: the eigenvector matrix V${where} is exactly singular, so the left eigenvectors W = V⁻ᴴ do not exist: ` +
            'A is defective (a repeated eigenvalue with fewer independent eigenvectors than its multiplicity); ' +
            'call eig without { left: true }, or perturb A',
          [0, n],
          Array.from(r.valuesRe),
          Infinity,
        );
      }
      storeColumnMajor(r.leftRe, left.data, b * nn, n, n);
      storeColumnMajor(r.leftIm, left.im!, b * nn, n, n);
    }
  }
  return { values, vectors, leftVectors: left };
}

// ---------------------------------------------------------------------------------------------------------------
// A differentiable linear solve, so that the rules' K = V⁻¹ Ȧ V and Ā = V⁻ᴴ G Vᴴ stay differentiable (hvp).

function solveRaw(A: Tensor, B: Tensor): Tensor {
  const { n, batchShape, count } = requireSquare(A, 'solve');
  const bs = B.shape;
  if (bs.length !== A.shape.length || bs[bs.length - 2] !== n || bs.slice(0, -2).some((d, i) => d !== batchShape[i])) {
    throw new ShapeError(`solve: B must have shape [${[...batchShape, n].join(', ')}, k] to match A [${A.shape.join(', ')}], got [${bs.join(', ')}]`);
  }
  const k = bs[bs.length - 1]!;
  const isComplex = A.isComplex || B.isComplex;
  const out = zeros(bs, isComplex ? 'complex128' : 'float64');
  for (let b = 0; b < count; b++) {
    const fa = float64View(A.data, b * n * n, n * n);
    const f = luFactor(fa, A.im ? A.im.slice(b * n * n, (b + 1) * n * n) : null, n);
    if (f.info > 0) {
      throw new DomainError(
        `solve: the ${n}×${n} matrix${whichMatrix({ batchShape }, b)} is exactly singular (zero pivot in column ${f.info - 1}); ` +
          'for eig this means the eigenvector matrix V is singular — A is defective',
        0,
        f.info - 1,
      );
    }
    const x = luSolve(f, float64View(B.data, b * n * k, n * k), B.im ? B.im.slice(b * n * k, (b + 1) * n * k) : null, k);
    out.data.set(x.re, b * n * k);
    if (out.im && x.im) out.im.set(x.im, b * n * k);
  }
  return out;
}

/**
 * X = A⁻¹ B for square A `[..., n, n]` and B `[..., n, k]` (same batch shape), real or complex.
 *
 * **Method**: LU with partial pivoting per matrix (`luFactor` / `luSolve` of @ad/kernels). Derivative
 * Ẋ = A⁻¹ (Ḃ − Ȧ X); pullback B̄ = A⁻ᴴ X̄, Ā = −B̄ Xᴴ — both through `solve` itself, so the rule nests.
 *
 * **Numerical notes**: backward stable; the forward error is of order cond(A)·ε. An exactly singular A raises
 * `DomainError` (a zero pivot) instead of returning Inf/NaN. Used by the eig rules for V⁻¹ Ȧ V and V⁻ᴴ G Vᴴ; not part
 * of the public API of @ad/rules-eigen.
 *
 * **References**: Golub & Van Loan (2013), Matrix Computations §3.4; Giles (2008), Oxford NA report 08/01, §3.1.
 *
 * @example
 * ```ts
 * solve(tensor([[2, 0], [0, 4]]), tensor([[2], [4]]));   // [[1], [1]]
 * ```
 */
export const solve: DifferentiableFunction<[Tensor, Tensor], Tensor> = defineRule<[Tensor, Tensor], Tensor>({
  name: '@ad/rules-eigen/solve',
  structure: ['general', 'general'],
  zeroTangents: 'structural',
  primal: (A: Tensor, B: Tensor) => solveRaw(A, B),
  frule: ([A, B], [dA, dB]) => {
    const X = solve(A, B);
    const zA = isZeroTangent(dA);
    const zB = isZeroTangent(dB);
    if (zA && zB) return [X, ZeroTangent];
    const rhs = zA ? dB : zB ? neg(matmul(dA, X)) : sub(dB, matmul(dA, X));
    return [X, solve(A, rhs)];
  },
  rrule: (A: Tensor, B: Tensor) => {
    const X = solve(A, B);
    return [
      X,
      (dX) => {
        const Bbar = solve(adjoint(A), dX);
        return [neg(matmul(Bbar, adjoint(X))), Bbar];
      },
    ];
  },
  samples: () => [
    [new Tensor([3, 3], 'float64', Float64Array.from([4, 1, 0.5, -1, 3, 0.2, 0.3, 0.1, 2])), new Tensor([3, 2], 'float64', Float64Array.from([1, 2, 0, -1, 3, 0.5]))],
  ],
});

// ---------------------------------------------------------------------------------------------------------------
// The spectrum with its clusters (numbers only; nothing here is differentiated).

/** A cluster of eigenvalues of one matrix: the indices (ascending) and the condition number of their eigenvectors. */
interface EigCluster {
  readonly indices: readonly number[];
  /** cond(V_C) = σ_max(V_C)/σ_min(V_C) (NaN when not computed, Infinity when V_C is numerically rank deficient). */
  readonly cond: number;
}

interface EigSpectrum {
  readonly n: number;
  readonly batchShape: readonly number[];
  readonly count: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** Per matrix, the clusters of two or more eigenvalues. */
  readonly clusters: readonly (readonly EigCluster[])[];
  readonly degenerate: boolean;
}

/**
 * Clusters: connected components of the graph |λᵢ − λⱼ| ≤ atol + rtol·max|λ| (complex distances; the sort order by
 * real part does not keep close eigenvalues adjacent), with cond(V_C) from the Gram matrix V_Cᴴ V_C when V is given.
 */
function spectrumOf(values: Tensor, V: Tensor | undefined, res: ResolvedEig): EigSpectrum {
  const n = values.shape[values.shape.length - 1]!;
  const batchShape = values.shape.slice(0, -1);
  const count = shapeSize(batchShape);
  const re = Float64Array.from(values.data);
  const im = values.im ? Float64Array.from(values.im) : new Float64Array(values.size);
  const clusters: EigCluster[][] = [];
  let degenerate = false;
  for (let b = 0; b < count; b++) {
    const o = b * n;
    let maxAbs = 0;
    for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.hypot(re[o + i]!, im[o + i]!));
    const tol = res.atol + res.rtol * maxAbs;
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
      return i;
    };
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (Math.hypot(re[o + i]! - re[o + j]!, im[o + i]! - im[o + j]!) <= tol) parent[find(j)] = find(i);
      }
    }
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = find(i);
      const g = groups.get(r);
      if (g) g.push(i);
      else groups.set(r, [i]);
    }
    const cs: EigCluster[] = [];
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      cs.push({ indices: g, cond: V === undefined ? Number.NaN : clusterCond(V, b, n, g) });
    }
    if (cs.length > 0) degenerate = true;
    clusters.push(cs);
  }
  return { n, batchShape, count, re, im, clusters, degenerate };
}

/** σ_max/σ_min of the columns `idx` of matrix b of V, from the eigenvalues of their Gram matrix. */
function clusterCond(V: Tensor, b: number, n: number, idx: readonly number[]): number {
  const m = idx.length;
  const o = b * n * n;
  const gr = new Float64Array(m * m);
  const gi = new Float64Array(m * m);
  const vr = V.data;
  const vi = V.im ?? new Float64Array(V.size);
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < m; q++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const ar = vr[o + k * n + idx[p]!]!;
        const ai = vi[o + k * n + idx[p]!]!;
        const br = vr[o + k * n + idx[q]!]!;
        const bi = vi[o + k * n + idx[q]!]!;
        sr += ar * br + ai * bi;
        si += ar * bi - ai * br;
      }
      gr[p * m + q] = sr;
      gi[p * m + q] = si;
    }
  }
  const mu = hermEig(gr, gi, m, { vectors: false }).values;
  const lo = mu[0]!;
  const hi = mu[m - 1]!;
  // The Gram matrix squares the condition: below m·ε·σ²_max its smallest eigenvalue is rounding.
  return lo <= m * EPS * hi ? Infinity : Math.sqrt(hi / lo);
}

function fmtC(re: number, im: number): string {
  if (im === 0) return re.toPrecision(6);
  return `${re.toPrecision(6)} ${im < 0 ? '−' : '+'} ${Math.abs(im).toPrecision(6)}i`;
}

function describeEigCluster(spec: EigSpectrum, b: number, c: EigCluster): string {
  const o = b * spec.n;
  const idx = c.indices;
  const vals = idx.map((i) => fmtC(spec.re[o + i]!, spec.im[o + i]!));
  let spread = 0;
  for (const i of idx) for (const j of idx) spread = Math.max(spread, Math.hypot(spec.re[o + i]! - spec.re[o + j]!, spec.im[o + i]! - spec.im[o + j]!));
  const shown = vals.length <= 4 ? vals.join(', ') : `${vals[0]}, …, ${vals[vals.length - 1]}`;
  return `eigenvalues [${idx.join(', ')}]${whichMatrix(spec, b)} (λ = ${shown}; spread ${spread.toExponential(1)})`;
}

function degenerateError(spec: EigSpectrum, b: number, c: EigCluster, res: ResolvedEig, fname: string, what: string): DegenerateEigenvaluesError {
  const idx = c.indices;
  const o = b * spec.n;
  const defective = c.cond > res.maxCond;
  const condText = Number.isFinite(c.cond) ? c.cond.toExponential(1) : '∞ (numerically parallel)';
  const msg =
    `${fname}: ${describeEigCluster(spec, b, c)} form a cluster (|λᵢ − λⱼ| ≤ ${res.atol.toExponential(1)} + ` +
    `${res.rtol.toExponential(1)}·max|λ|) whose eigenvectors have cond(V_C) = ${condText}` +
    (defective
      ? ` > maxCond = ${res.maxCond.toExponential(1)}: A is (nearly) defective there — its eigenvalues move like a root of ` +
        'the perturbation and its eigenvectors are nearly parallel, so no derivative through this cluster can be computed ' +
        `reliably (${what}). Perturb or regularize A, keep the loss away from these eigenvalues, or pass ` +
        "{ degeneracy: { policy: 'nan' } } for the plain formulas (huge, inaccurate numbers)"
      : ` (a semisimple repeated eigenvalue), and ${what}. Only symmetric functions of a repeated eigenvalue (the sum or ` +
        'mean of the cluster) and losses that depend on its eigenspace alone are differentiable there; ' +
        "pass { degeneracy: { policy: 'nan' } } for the plain formulas");
  return new DegenerateEigenvaluesError(
    msg,
    [idx[0]!, idx[idx.length - 1]! + 1],
    idx.map((i) => spec.re[o + i]!),
    c.cond,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces of the rules (core ops, so the rules nest).

/** Constant real [count, n, n] tensor reshaped to `[...batch, n, n]`. */
function constantMatrices(spec: EigSpectrum, fill: (d: Float64Array, b: number, o: number) => void): Tensor {
  const { n, batchShape, count } = spec;
  const t = zeros([...batchShape, n, n], 'float64');
  for (let b = 0; b < count; b++) fill(t.data as Float64Array, b, b * n * n);
  return t;
}

/**
 * F with F_ij = 1/(λⱼ − λᵢ) off the diagonal, 0 on it, and 0 on the in-cluster entries under `'error'` (only used once
 * the checks have shown that those entries multiply a negligible X_ij or K_ij, i.e. they are 0/0 terms that are
 * absent, not masked). Differentiable in λ.
 */
function fMatrix(lam: Tensor, spec: EigSpectrum, res: ResolvedEig): Tensor {
  const { n, batchShape } = spec;
  const M = constantMatrices(spec, (d, b, o) => {
    for (let i = 0; i < n; i++) d[o + i * n + i] = 1;
    if (res.policy === 'error') {
      for (const c of spec.clusters[b]!) for (const i of c.indices) for (const j of c.indices) d[o + i * n + j] = 1;
    }
  });
  const E = sub(reshape(lam, [...batchShape, 1, n]), reshape(lam, [...batchShape, n, 1]));
  return div(sub(1, M), where(M, 1, E));
}

/** K = V⁻¹ Ȧ V through a solve with V. */
function tangentK(V: Tensor, dA: Tensor): Tensor {
  return solve(V, matmul(dA, V));
}

/** The column selection P (n×m, P_{idx[k], k} = 1) of a cluster. */
function selection(n: number, idx: readonly number[]): Tensor {
  const P = zeros([n, idx.length], 'float64');
  idx.forEach((i, k) => (P.data[i * idx.length + k] = 1));
  return P;
}

/**
 * λ̇: diag K, and at each well-conditioned cluster the eigenvalues of the block K_CC = W_Cᴴ Ȧ V_C in the output order
 * (by real part, then imaginary part) — the one-sided directional derivative lim_{t→0⁺} (λ(A + tȦ) − λ(A))/t of a
 * semisimple eigenvalue (Kato II §2). Defective clusters raise before this point.
 */
function valueTangent(K: Tensor, spec: EigSpectrum, res: ResolvedEig): Tensor {
  const d = diag(K);
  if (res.policy === 'nan' || !spec.degenerate) return d;
  const { n, batchShape, count } = spec;
  const K3 = reshape(K, [count, n, n]);
  const d2 = reshape(d, [count, n]);
  const rows: Tensor[] = [];
  for (let b = 0; b < count; b++) {
    let row = reshape(slice(d2, [b, 0], [b + 1, n]), [n]);
    const cs = spec.clusters[b]!;
    if (cs.length > 0) {
      const Kb = reshape(slice(K3, [b, 0, 0], [b + 1, n, n]), [n, n]);
      const keep = new Float64Array(n).fill(1);
      for (const c of cs) for (const i of c.indices) keep[i] = 0;
      row = mul(row, new Tensor([n], 'float64', keep));
      for (const c of cs) {
        const P = selection(n, c.indices);
        const mu = eigvals(matmul(transpose(P), matmul(Kb, P)));
        row = add(row, matmul(P, mu));
      }
    }
    rows.push(row);
  }
  return reshape(stack(rows), [...batchShape, n]);
}

/** Checks of a tangent at clusters: defective clusters refuse any tangent; `eig` refuses in-cluster rotations. */
function checkTangent(K: Tensor, spec: EigSpectrum, res: ResolvedEig, fname: string, vectorsToo: boolean): void {
  if (res.policy === 'nan' || !spec.degenerate) return;
  const { n, count } = spec;
  const norms = blockNorms(K, count, n * n);
  const kr = K.data;
  const ki = K.im ?? new Float64Array(K.size);
  for (let b = 0; b < count; b++) {
    if (!(norms[b]! > 0)) continue;
    const o = b * n * n;
    for (const c of spec.clusters[b]!) {
      if (c.cond > res.maxCond) throw degenerateError(spec, b, c, res, fname, 'the tangent Ȧ is not zero');
      if (!vectorsToo) continue;
      let s = 0;
      for (const i of c.indices) for (const j of c.indices) if (i !== j) s += kr[o + i * n + j]! ** 2 + ki[o + i * n + j]! ** 2;
      const size = Math.sqrt(s) / norms[b]!;
      if (size > res.negligible) {
        throw degenerateError(
          spec,
          b,
          c,
          res,
          fname,
          `the tangent turns the eigenvectors inside the cluster (in-cluster part of V⁻¹ Ȧ V = ${size.toExponential(1)}·‖V⁻¹ Ȧ V‖), ` +
            'where eigenvectors have no derivative; eigvals gives the one-sided eigenvalue tangent',
        );
      }
    }
  }
}

/**
 * V̇ = X − V Re diag(Vᴴ X) with X = V (F ∘ K): the eigenvector tangent that keeps ‖vⱼ‖ = 1 (the real part of vⱼᴴ v̇ⱼ
 * is zero; the imaginary part, a phase rotation, is whatever the formula gives — a phase-invariant use ignores it).
 */
function vectorTangent(V: Tensor, lam: Tensor, K: Tensor, spec: EigSpectrum, res: ResolvedEig): Tensor {
  const { n, batchShape } = spec;
  const X = matmul(V, mul(fMatrix(lam, spec, res), K));
  const r = real(sum(mul(conj(V), X), -2));
  return sub(X, mul(V, reshape(r, [...batchShape, 1, n])));
}

/** Real input: columns of real eigenvalues are real vectors, whose tangents are real, so only Re V̄ matters there. */
function realColumns(vbar: Tensor, spec: EigSpectrum): Tensor {
  const { n, batchShape, count } = spec;
  if (!vbar.isComplex) return vbar;
  const mask = zeros([...batchShape, 1, n], 'float64');
  for (let b = 0; b < count; b++) for (let j = 0; j < n; j++) mask.data[b * n + j] = spec.im[b * n + j] === 0 ? 0 : 1;
  return complex(real(vbar), mul(imag(vbar), mask));
}

/** Phase check: Im(vⱼᴴ v̄ⱼ) (given as `d`, [..., n]) must vanish for a loss that does not depend on the phase of vⱼ. */
function checkPhase(d: Tensor, vbarNorms: Float64Array, spec: EigSpectrum, res: ResolvedEig, fname: string): void {
  if (!d.im) return;
  const { n, count } = spec;
  for (let b = 0; b < count; b++) {
    const scale = vbarNorms[b]!;
    if (!(scale > 0)) continue;
    for (let j = 0; j < n; j++) {
      const size = Math.abs(d.im[b * n + j]!) / scale;
      if (size > res.negligible) {
        const lr = spec.re[b * n + j]!;
        const li = spec.im[b * n + j]!;
        throw new GaugeDependenceError(
          `${fname}: the loss depends on the phase of eigenvector ${j}${whichMatrix(spec, b)} (λ = ${fmtC(lr, li)}): ` +
            `Im(vⱼᴴ v̄ⱼ) = ${size.toExponential(1)}·‖V̄‖. Eigenvectors are defined up to a factor e^{iφ}; a real loss must not ` +
            'depend on it — use |v|², v wᴴ with the left vectors, or |⟨u, v⟩|, not the raw entries of v',
          [j, j + 1],
          [lr],
          size,
        );
      }
    }
  }
}

/**
 * Cluster checks of a cotangent (after the normalization correction of X): a defective cluster refuses any cotangent
 * on it; a well-conditioned one needs λ̄ constant on it and no in-cluster off-diagonal part of X.
 */
function checkCotangent(
  lbar: Tensor | undefined,
  X: Tensor | undefined,
  vbar: Tensor | undefined,
  spec: EigSpectrum,
  res: ResolvedEig,
  fname: string,
): void {
  if (res.policy === 'nan' || !spec.degenerate) return;
  const { n, count } = spec;
  const vnorms = vbar ? blockNorms(vbar, count, n * n) : undefined;
  for (let b = 0; b < count; b++) {
    let lscale = 0;
    if (lbar) for (let i = 0; i < n; i++) lscale = Math.max(lscale, Math.hypot(lbar.data[b * n + i]!, lbar.im?.[b * n + i] ?? 0));
    const vscale = vnorms?.[b] ?? 0;
    for (const c of spec.clusters[b]!) {
      const idx = c.indices;
      // eigenvalue cotangent: its size on the cluster and its deviation from the cluster mean
      let on = 0;
      let dev = 0;
      if (lbar && lscale > 0) {
        let mr = 0;
        let mi = 0;
        for (const i of idx) {
          mr += lbar.data[b * n + i]!;
          mi += lbar.im?.[b * n + i] ?? 0;
        }
        mr /= idx.length;
        mi /= idx.length;
        for (const i of idx) {
          const r = lbar.data[b * n + i]!;
          const m = lbar.im?.[b * n + i] ?? 0;
          on = Math.max(on, Math.hypot(r, m) / lscale);
          dev = Math.max(dev, Math.hypot(r - mr, m - mi) / lscale);
        }
      }
      // eigenvector cotangent on the cluster's columns, and the in-cluster off-diagonal part of X
      let vOn = 0;
      let xOff = 0;
      if (vbar && X && vscale > 0) {
        let s = 0;
        let t = 0;
        for (const j of idx) {
          for (let i = 0; i < n; i++) s += vbar.data[b * n * n + i * n + j]! ** 2 + (vbar.im?.[b * n * n + i * n + j] ?? 0) ** 2;
          for (const i of idx) if (i !== j) t += X.data[b * n * n + i * n + j]! ** 2 + (X.im?.[b * n * n + i * n + j] ?? 0) ** 2;
        }
        vOn = Math.sqrt(s) / vscale;
        xOff = Math.sqrt(t) / vscale;
      }
      if (c.cond > res.maxCond) {
        if (on > res.negligible || vOn > res.negligible) {
          throw degenerateError(spec, b, c, res, fname, on > res.negligible ? 'the loss depends on these eigenvalues' : 'the loss depends on these eigenvectors');
        }
        continue;
      }
      if (dev > res.negligible) {
        throw degenerateError(
          spec,
          b,
          c,
          res,
          fname,
          `the eigenvalue cotangent is not constant on it (it varies by ${dev.toExponential(1)} relative): individual eigenvalues ` +
            'of a repeated eigenvalue have no derivative',
        );
      }
      if (xOff > res.negligible) {
        throw degenerateError(
          spec,
          b,
          c,
          res,
          fname,
          `the eigenvector cotangent has a component of ${xOff.toExponential(1)}·‖V̄‖ inside it: the loss depends on which ` +
            'basis of the eigenspace the solver returned (any basis is as good), not on the eigenspace alone',
        );
      }
    }
  }
}

interface PullbackContext {
  readonly V: Tensor;
  readonly W: Tensor | undefined;
  readonly lam: Tensor;
  readonly spec: EigSpectrum;
  readonly res: ResolvedEig;
  readonly fname: string;
  /** dtype of A: real input gets Re Ā (cast to float32 for float32 input). */
  readonly inputDtype: Tensor['dtype'];
}

/**
 * Ā = V⁻ᴴ (X ∘ conj(F) + diag(λ̄)) Vᴴ after the checks, with X = Vᴴ V̄ corrected for the unit norm; values only:
 * V⁻ᴴ diag(λ̄) Vᴴ. Core ops only (and the differentiable `solve`), so the pullback is itself differentiable.
 */
function pullbackA(ctx: PullbackContext, lbar: Tensor | undefined, vbar0: Tensor | undefined, wbar: Tensor | undefined): Tensor | typeof ZeroTangent {
  const { V, W, lam, spec, res, fname } = ctx;
  const { n, batchShape, count } = spec;
  if (![V, W, lam, lbar, vbar0, wbar].some((t) => t instanceof Tracer)) {
    const out = pullbackNumeric(ctx, lbar, vbar0, wbar);
    if (out !== undefined) return out;
  }
  let vbar = vbar0;
  if (wbar !== undefined) {
    // W = V⁻ᴴ: dW = −W dVᴴ W, so ⟨W̄, dW⟩ = ⟨−W W̄ᴴ W, dV⟩.
    const t = neg(matmul(W!, matmul(adjoint(wbar), W!)));
    vbar = vbar === undefined ? t : add(vbar, t);
  }
  if (lbar === undefined && vbar === undefined) return ZeroTangent;
  if (vbar !== undefined && ctx.inputDtype !== 'complex128') vbar = realColumns(vbar, spec);
  const Vh = adjoint(V);
  let rhs: Tensor;
  if (vbar === undefined) {
    checkCotangent(lbar, undefined, undefined, spec, res, fname);
    rhs = mul(reshape(lbar!, [...batchShape, n, 1]), Vh);
  } else {
    // diag(Vᴴ V̄) by a column reduction (O(n²)); then X − Vᴴ V diag(Re diag X) = Vᴴ (V̄ − V diag(Re diag X)), one product.
    const dX = sum(mul(conj(V), vbar), -2);
    checkPhase(dX, blockNorms(vbar, count, n * n), spec, res, fname);
    const X = matmul(Vh, sub(vbar, mul(V, reshape(real(dX), [...batchShape, 1, n]))));
    checkCotangent(lbar, X, vbar, spec, res, fname);
    let G = mul(X, conj(fMatrix(lam, spec, res)));
    if (lbar !== undefined) G = add(G, diagm(lbar));
    rhs = matmul(G, Vh);
  }
  const Abar = solve(Vh, rhs);
  if (ctx.inputDtype === 'complex128') return Abar;
  const r = real(Abar);
  return ctx.inputDtype === 'float32' ? cast(r, 'float32') : r;
}

/**
 * The same Ā as the core-op route of {@link pullbackA}, on the numbers, for the usual case where no outer
 * transformation traces the pullback. Complex A: X = Vᴴ V̄′ and G Vᴴ by `zgemm`, then an LU solve with Vᴴ. Real A: V =
 * Ṽ U with the real Ṽ of the pairs' real and imaginary parts (√2·Re v, √2·Im v; real vectors kept) and U unitary
 * (2×2 blocks [[1, 1], [i, −i]]/√2), as in the kernel, so X = Uᴴ (Ṽᵀ V̄′) takes two real products and
 * Ā = Re(V⁻ᴴ G Vᴴ) = Ṽ⁻ᵀ Re(U G Uᴴ) Ṽᵀ one real product and one real LU solve — about a quarter of the complex work.
 * Returns undefined when the pairs cannot be matched (then the core-op route runs).
 */
function pullbackNumeric(
  ctx: PullbackContext,
  lbar: Tensor | undefined,
  vbar0: Tensor | undefined,
  wbar: Tensor | undefined,
): Tensor | typeof ZeroTangent | undefined {
  const { V, W, spec, res, fname } = ctx;
  const { n, batchShape, count, re: lr, im: li } = spec;
  const nn = n * n;
  const realInput = ctx.inputDtype !== 'complex128';
  const Vr = V.data as Float64Array;
  const Vi = V.im!;
  const partner = realInput ? pairPartners(spec) : undefined;
  if (realInput && partner === undefined) return undefined;
  // V̄ (complex, with the left-vector part folded in)
  let br: Float64Array | undefined;
  let bi: Float64Array | undefined;
  if (vbar0 !== undefined || wbar !== undefined) {
    br = new Float64Array(count * nn);
    bi = new Float64Array(count * nn);
    if (vbar0 !== undefined) {
      br.set(vbar0.data);
      if (vbar0.im) bi.set(vbar0.im);
    }
    if (wbar !== undefined) {
      for (let b = 0; b < count; b++) {
        const sl = (d: Float64Array) => d.subarray(b * nn, (b + 1) * nn);
        const Wr = sl(W!.data as Float64Array);
        const Wi = sl(W!.im!);
        const M = zgemm('C', 'N', n, n, n, float64View(wbar.data, b * nn, nn), wbar.im ? sl(wbar.im) : new Float64Array(nn), Wr, Wi);
        const T = zgemm('N', 'N', n, n, n, Wr, Wi, M.re, M.im);
        for (let k = 0; k < nn; k++) {
          br[b * nn + k] -= T.re[k]!;
          bi[b * nn + k] -= T.im[k]!;
        }
      }
    }
  }
  if (lbar === undefined && br === undefined) return ZeroTangent;
  const out = new Float64Array(count * nn);
  const outIm = realInput ? undefined : new Float64Array(count * nn);
  let Xr: Float64Array | undefined;
  let Xi: Float64Array | undefined;
  if (br !== undefined) {
    if (realInput) {
      for (let b = 0; b < count; b++) for (let j = 0; j < n; j++) if (li[b * n + j] === 0) for (let i = 0; i < n; i++) bi![b * nn + i * n + j] = 0;
    }
    const vbarT = new Tensor([...batchShape, n, n], 'complex128', br, bi);
    const norms = blockNorms(vbarT, count, nn);
    // d = diag(Vᴴ V̄) by columns; the phase check reads Im d
    const dr = new Float64Array(count * n);
    const di = new Float64Array(count * n);
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < n; i++) {
        const o = b * nn + i * n;
        for (let j = 0; j < n; j++) {
          dr[b * n + j] += Vr[o + j]! * br[o + j]! + Vi[o + j]! * bi![o + j]!;
          di[b * n + j] += Vr[o + j]! * bi![o + j]! - Vi[o + j]! * br[o + j]!;
        }
      }
    }
    checkPhase(new Tensor([...batchShape, n], 'complex128', dr, di), norms, spec, res, fname);
    // V̄′ = V̄ − V diag(Re d)
    const pr = new Float64Array(count * nn);
    const pi = new Float64Array(count * nn);
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < n; i++) {
        const o = b * nn + i * n;
        for (let j = 0; j < n; j++) {
          pr[o + j] = br[o + j]! - Vr[o + j]! * dr[b * n + j]!;
          pi[o + j] = bi![o + j]! - Vi[o + j]! * dr[b * n + j]!;
        }
      }
    }
    Xr = new Float64Array(count * nn);
    Xi = new Float64Array(count * nn);
    for (let b = 0; b < count; b++) {
      const sl = (d: Float64Array) => d.subarray(b * nn, (b + 1) * nn);
      if (realInput) {
        // X = Uᴴ (Ṽᵀ V̄′): rows p, q of a pair become (Y_p − i Y_q)/√2, (Y_p + i Y_q)/√2
        const Vt = realBasis(Vr, Vi, b, n, partner![b]!);
        const Yr = gemm(true, false, n, n, n, Vt, sl(pr));
        const Yi = gemm(true, false, n, n, n, Vt, sl(pi));
        const X = unitaryRows(Yr, Yi, n, partner![b]!);
        Xr.set(X.re, b * nn);
        Xi.set(X.im, b * nn);
      } else {
        const X = zgemm('C', 'N', n, n, n, sl(Vr), sl(Vi), sl(pr), sl(pi));
        Xr.set(X.re, b * nn);
        Xi.set(X.im, b * nn);
      }
    }
    checkCotangent(lbar, new Tensor([...batchShape, n, n], 'complex128', Xr, Xi), vbarT, spec, res, fname);
  } else {
    checkCotangent(lbar, undefined, undefined, spec, res, fname);
  }
  const mask = res.policy === 'error' ? clusterMask(spec) : undefined;
  for (let b = 0; b < count; b++) {
    const o = b * nn;
    // G = X ∘ conj(F) + diag(λ̄), F_ij = 1/(λⱼ − λᵢ)
    const Gr = new Float64Array(nn);
    const Gi = new Float64Array(nn);
    if (Xr !== undefined) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (i === j || (mask !== undefined && mask[o + i * n + j] === 1)) continue;
          // X / conj(E), E = λⱼ − λᵢ
          const er = lr[b * n + j]! - lr[b * n + i]!;
          const ei = -(li[b * n + j]! - li[b * n + i]!);
          const den = er * er + ei * ei;
          const xr = Xr[o + i * n + j]!;
          const xi = Xi![o + i * n + j]!;
          Gr[i * n + j] = (xr * er + xi * ei) / den;
          Gi[i * n + j] = (xi * er - xr * ei) / den;
        }
      }
    }
    if (lbar !== undefined) {
      for (let i = 0; i < n; i++) {
        Gr[i * n + i] = lbar.data[b * n + i]!;
        Gi[i * n + i] = lbar.im?.[b * n + i] ?? 0;
      }
    }
    if (realInput) {
      // Ā = Ṽ⁻ᵀ H Ṽᵀ with H = Re(U G Uᴴ)
      const Vt = realBasis(Vr, Vi, b, n, partner![b]!);
      const H = realConjugation(Gr, Gi, n, partner![b]!);
      const R = gemm(false, true, n, n, n, H, Vt);
      const f = luFactor(Vt, null, n);
      if (f.info > 0) throw singularV(spec, b, fname);
      out.set(solveTransposedLu(f, R, n), o);
    } else {
      const sl = (d: Float64Array) => d.subarray(o, o + nn);
      const R = zgemm('N', 'C', n, n, n, Gr, Gi, sl(Vr), sl(Vi));
      const f = luFactor(sl(Vr), sl(Vi), n);
      if (f.info > 0) throw singularV(spec, b, fname);
      const x = luSolve(f, R.re, R.im, n, { trans: 'C' });
      out.set(x.re, o);
      outIm!.set(x.im!, o);
    }
  }
  const shape = [...batchShape, n, n];
  if (!realInput) return new Tensor(shape, 'complex128', out, outIm);
  return ctx.inputDtype === 'float32' ? new Tensor(shape, 'float32', Float32Array.from(out)) : new Tensor(shape, 'float64', out);
}

/**
 * X = Ṽ⁻ᵀ R for n right-hand sides from P Ṽ = L U: Uᵀ Y = R, Lᵀ Z = Y (unit diagonal), X = Pᵀ Z — two row-streaming
 * triangular solves (`solveTriangular`), about 2.5× faster here than `luSolve` with many right-hand sides.
 */
function solveTransposedLu(f: LuFactors, R: Float64Array, n: number): Float64Array {
  const Y = solveTriangular(f.re, n, R, n, { lower: false, transpose: true });
  const Z = solveTriangular(f.re, n, Y, n, { lower: true, transpose: true, unitDiagonal: true });
  for (let k = n - 1; k >= 0; k--) {
    const p = f.piv[k]!;
    if (p === k) continue;
    for (let j = 0; j < n; j++) {
      const t = Z[k * n + j]!;
      Z[k * n + j] = Z[p * n + j]!;
      Z[p * n + j] = t;
    }
  }
  return Z;
}

function singularV(spec: EigSpectrum, b: number, fname: string): DomainError {
  return new DomainError(
    `${fname}: the eigenvector matrix V${whichMatrix(spec, b)} is exactly singular (A is defective), so the pullback ` +
      "V⁻ᴴ G Vᴴ does not exist; this happens only under { degeneracy: { policy: 'nan' } }",
    0,
    b,
  );
}

/** 1 on the in-cluster entries of each matrix, [count·n·n]. */
function clusterMask(spec: EigSpectrum): Uint8Array {
  const { n, count } = spec;
  const m = new Uint8Array(count * n * n);
  for (let b = 0; b < count; b++) for (const c of spec.clusters[b]!) for (const i of c.indices) for (const j of c.indices) m[b * n * n + i * n + j] = 1;
  return m;
}

/**
 * For real input: per matrix, partner[j] = the index of conj(λⱼ) for a complex λⱼ (−1 for real ones), matched by
 * exact values (the kernel returns a pair as exact conjugates); undefined if some complex eigenvalue has no partner.
 */
function pairPartners(spec: EigSpectrum): Int32Array[] | undefined {
  const { n, count, re, im } = spec;
  const out: Int32Array[] = [];
  for (let b = 0; b < count; b++) {
    const p = new Int32Array(n).fill(-1);
    for (let j = 0; j < n; j++) {
      if (im[b * n + j] === 0 || p[j] !== -1) continue;
      let q = -1;
      for (let k = 0; k < n; k++) {
        if (k !== j && p[k] === -1 && re[b * n + k] === re[b * n + j] && im[b * n + k] === -im[b * n + j]!) {
          q = k;
          break;
        }
      }
      if (q < 0) return undefined;
      p[j] = q;
      p[q] = j;
    }
    out.push(p);
  }
  return out;
}

/**
 * The real Ṽ (row-major) of matrix b with V = Ṽ U: real columns copied; for a pair at positions p < q (v_q = conj(v_p)),
 * Ṽ_:p = √2·Re v_p and Ṽ_:q = √2·Im v_p, so that U's block on (p, q) is [[1, 1], [i, −i]]/√2.
 */
function realBasis(Vr: Float64Array, Vi: Float64Array, b: number, n: number, partner: Int32Array): Float64Array {
  const o = b * n * n;
  const out = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const q = partner[j]!;
    for (let i = 0; i < n; i++) {
      if (q < 0) out[i * n + j] = Vr[o + i * n + j]!;
      else if (j < q) {
        out[i * n + j] = Math.SQRT2 * Vr[o + i * n + j]!;
        out[i * n + q] = Math.SQRT2 * Vi[o + i * n + j]!;
      }
    }
  }
  return out;
}

/** Uᴴ Y (rows of each pair p < q become (Y_p − i Y_q)/√2 and (Y_p + i Y_q)/√2) for Y given as re/im parts. */
function unitaryRows(Yr: Float64Array, Yi: Float64Array, n: number, partner: Int32Array): { re: Float64Array; im: Float64Array } {
  const re = Float64Array.from(Yr);
  const im = Float64Array.from(Yi);
  const h = Math.SQRT1_2;
  for (let p = 0; p < n; p++) {
    const q = partner[p]!;
    if (q < 0 || q < p) continue;
    for (let j = 0; j < n; j++) {
      const ar = Yr[p * n + j]!;
      const ai = Yi[p * n + j]!;
      const cr = Yr[q * n + j]!;
      const ci = Yi[q * n + j]!;
      // (a − i c)/√2 and (a + i c)/√2 with complex a, c
      re[p * n + j] = h * (ar + ci);
      im[p * n + j] = h * (ai - cr);
      re[q * n + j] = h * (ar - ci);
      im[q * n + j] = h * (ai + cr);
    }
  }
  return { re, im };
}

/** Re(U G Uᴴ) for complex G (parts Gr, Gi), U the pair blocks [[1, 1], [i, −i]]/√2 on (p, q), identity elsewhere. */
function realConjugation(Gr: Float64Array, Gi: Float64Array, n: number, partner: Int32Array): Float64Array {
  // M = U G: rows p, q → (G_p + G_q)/√2, i(G_p − G_q)/√2
  const Mr = Float64Array.from(Gr);
  const Mi = Float64Array.from(Gi);
  const h = Math.SQRT1_2;
  for (let p = 0; p < n; p++) {
    const q = partner[p]!;
    if (q < 0 || q < p) continue;
    for (let j = 0; j < n; j++) {
      const ar = Gr[p * n + j]!;
      const ai = Gi[p * n + j]!;
      const cr = Gr[q * n + j]!;
      const ci = Gi[q * n + j]!;
      Mr[p * n + j] = h * (ar + cr);
      Mi[p * n + j] = h * (ai + ci);
      Mr[q * n + j] = -h * (ai - ci);
      Mi[q * n + j] = h * (ar - cr);
    }
  }
  // H = Re(M Uᴴ): columns p, q → (M_p + M_q)/√2, (−i M_p + i M_q)/√2; real part
  const H = Float64Array.from(Mr);
  for (let p = 0; p < n; p++) {
    const q = partner[p]!;
    if (q < 0 || q < p) continue;
    for (let i = 0; i < n; i++) {
      const ar = Mr[i * n + p]!;
      const ai = Mi[i * n + p]!;
      const cr = Mr[i * n + q]!;
      const ci = Mi[i * n + q]!;
      H[i * n + p] = h * (ar + cr);
      H[i * n + q] = h * (ai - ci);
    }
  }
  return H;
}

/**
 * Conformance samples: non-normal matrices with well-separated eigenvalues. `eigvals` gets a real matrix with a complex
 * pair, one with a real spectrum and a complex one. `eig` gets real matrices with real spectra only: the suite compares
 * raw outputs, and a complex eigenvector's phase convention is a gauge the rule does not differentiate (the package
 * tests cover complex eigenvectors through phase-invariant views); real eigenvectors have a locally constant sign.
 */
function samples(which: 'values' | 'vectors'): [Tensor, EigOptions | undefined][] {
  const pair = new Tensor([3, 3], 'float64', Float64Array.from([1, 2, 0, -1.5, 0.5, 1, 0.3, 0, 3]));
  const realSpectrum = new Tensor([3, 3], 'float64', Float64Array.from([4, 1, 2, 0.5, 2, -1, 0, 0.3, -1]));
  const C = new Tensor([2, 2], 'complex128', Float64Array.from([1, 2, 0, -1]), Float64Array.from([0.5, 0, 1, 0.25]));
  const upper = new Tensor([4, 4], 'float64', Float64Array.from([3, 1, -1, 0.5, 0.2, 1, 2, 0, 0, 0.3, -2, 1, 0.1, 0, 0.4, 0]));
  if (which === 'values') return [[pair, undefined], [realSpectrum, undefined], [C, undefined]];
  return [[realSpectrum, undefined], [upper, { left: true }]];
}

// ---------------------------------------------------------------------------------------------------------------
// The rules.

/**
 * Eigenvalues of a general real or complex square matrix (or a batch), complex128 `[..., n]`, ordered by real part,
 * then imaginary part.
 *
 * **Method**: balancing, Hessenberg reduction and Francis double-shift (real) / single-shift (complex) QR to Schur form
 * (`eigGeneral` of @ad/kernels), one matrix of the batch at a time; float32 input is computed in float64 and the result
 * is complex128 like every eig output. Derivative: λ̇ = diag(V⁻¹ Ȧ V); pullback Ā = V⁻ᴴ diag(λ̄) Vᴴ (Re of it for real
 * A), both through solves with V, never an inverse.
 *
 * **Numerical notes**: the derivative of a simple eigenvalue is wᴴ Ȧ v / (wᴴ v): large when the eigenvalue is
 * ill-conditioned (nearly defective), which is genuine. Derivatives go through solves with V, so their relative
 * accuracy is about cond(V)·ε — even for eigenvalues far from an ill-conditioned pair (cond(V) = 1e7: ≈ 2e-9). Degeneracy (`opts.degeneracy`, clusters by complex distance
 * ≤ atol + rtol·max|λ|): at a nearly defective cluster (cond(V_C) > maxCond) any cotangent on it raises
 * `DegenerateEigenvaluesError` carrying cond(V_C); at a well-conditioned (semisimple) repeated eigenvalue an
 * eigenvalue cotangent constant on the cluster — any symmetric function of it, e.g. Σ|λ|² or the trace — is exact,
 * and one that is not raises. Forward mode at a well-conditioned cluster gives the one-sided directional derivative
 * (eigenvalues of the block K_CC), which is not linear in Ȧ. Second derivatives at a cluster raise. `'nan'` skips all of
 * this. The order (by real part) is not differentiable where distinct eigenvalues of a complex matrix have equal real
 * parts; losses independent of the order (Σ f(λ), max |λ|) do not see it. Input checks: `ShapeError`,
 * `NonFiniteInputError`, `ConvergenceError`.
 *
 * **References**: Magnus (1985), Econometric Theory 1:179–191; Giles (2008), Oxford NA report 08/01; Kato (1995), II §2;
 * MATH.md, "General (non-normal) eig".
 *
 * @example
 * ```ts
 * import { abs, grad, max, tensor } from '@ad/core';
 * import { eigvals } from '@ad/rules-eigen';
 * eigvals(tensor([[0, -1], [1, 0]]));                               // [[0, -1], [0, 1]]  (−i, +i)
 * grad((A) => max(abs(eigvals(A))))(tensor([[2, 1], [0, 1]]));      // spectral radius λ = 2: w vᵀ = [[1, 0], [1, 0]]
 * ```
 */
export const eigvals: DifferentiableFunction<[Tensor, EigvalsOptions?], Tensor> = defineRule<[Tensor, EigvalsOptions?], Tensor>({
  name: '@ad/rules-eigen/eigvals',
  structure: ['general', 'nondiff'],
  primal: (A: Tensor, opts?: EigvalsOptions) => decompose(A, opts, 'eigvals', 'values').values,
  frule: ([A, opts], [dA]) => {
    const res = checkInput(A, opts, 'eigvals');
    const { values, vectors: V } = eig(A, { degeneracy: opts?.degeneracy });
    const K = tangentK(V, dA as Tensor);
    const spec = spectrumOf(values, V, res);
    checkTangent(K, spec, res, 'eigvals', false);
    return [values, valueTangent(K, spec, res)];
  },
  rrule: (A: Tensor, opts?: EigvalsOptions) => {
    const res = checkInput(A, opts, 'eigvals');
    const { values, vectors: V } = eig(A, { degeneracy: opts?.degeneracy });
    const ctx = { V, W: undefined, lam: values, spec: spectrumOf(values, V, res), res, fname: 'eigvals', inputDtype: A.dtype };
    return [values, (ybar) => [pullbackA(ctx, asCotangent(ybar), undefined, undefined), NoTangent]];
  },
  samples: () => samples('values'),
});

/**
 * Eigenvalues and right eigenvectors (and with `{ left: true }` the left eigenvectors) of a general real or complex
 * square matrix (or a batch): `{ values: [..., n], vectors: [..., n, n], leftVectors? }`, all complex128, with
 * A V = V diag(λ) and Wᴴ V = I.
 *
 * **Method**: `eigGeneral` of @ad/kernels (balancing, Hessenberg, Francis QR, back substitution; W = V⁻ᴴ by an LU
 * solve); columns of V have unit 2-norm and their largest entry real and positive (DESIGN.md's phase convention, not
 * differentiated). Derivatives: K = V⁻¹ Ȧ V, λ̇ = diag K, V̇ = X − V Re diag(Vᴴ X) with X = V (F ∘ K), Ẇ = −W V̇ᴴ W;
 * pullback Ā = V⁻ᴴ (X̃ ∘ conj(F) + diag(λ̄)) Vᴴ with X̃ = Vᴴ V̄ − Vᴴ V diag(Re diag Vᴴ V̄), V̄ += −W W̄ᴴ W, Re of it for real A.
 *
 * **Numerical notes**: eigenvector derivatives are defined for phase-invariant uses of V (|v|², v wᴴ, |⟨u, v⟩|); a
 * cotangent with Im(vⱼᴴ v̄ⱼ) ≠ 0 raises `GaugeDependenceError` naming eigenvector j (every policy). For real A, real
 * eigenvalues have real eigenvectors and only Re V̄ enters on their columns. `leftVectors` share V's phase (W = V⁻ᴴ), so
 * v wᴴ is invariant. Degeneracy — no masking: at a nearly defective cluster (cond(V_C) > maxCond) any cotangent on it
 * raises `DegenerateEigenvaluesError` carrying cond(V_C); at a well-conditioned repeated eigenvalue the rule is exact
 * for eigenvalue cotangents constant on the cluster and eigenvector cotangents invariant under any change of basis of
 * the eigenspace (e.g. Σ over the cluster of v wᴴ) and raises for everything else; forward mode raises for tangents
 * that turn the eigenvectors inside a cluster (use {@link eigvals} for the one-sided eigenvalue tangent). Derivatives
 * near a nearly defective eigenvalue outside the tolerance are large and genuine. Both errors' `values` hold the real
 * parts of the eigenvalues concerned (their messages show the complex values); `DegenerateEigenvaluesError.gap` holds
 * cond(V_C). Input checks as {@link eigvals}.
 *
 * **References**: Giles (2008), Oxford NA report 08/01; Boeddeker et al. (2017), arXiv:1701.00392 (complex case);
 * PyTorch `linalg_eig_backward` (phase check, unit-norm correction); MATH.md, "General (non-normal) eig".
 *
 * @example
 * ```ts
 * import { abs, grad, mul, slice, square, sum, tensor } from '@ad/core';
 * import { eig } from '@ad/rules-eigen';
 * const A = tensor([[1, 2], [-1.5, 0.5]]);                   // a complex pair 0.75 ∓ 1.71i
 * const { values, vectors, leftVectors } = eig(A, { left: true });
 * // a phase-invariant loss: the weight of the first eigenvector's second component, |V₁₀|²
 * grad((M) => sum(square(abs(slice(eig(M).vectors, [1, 0], [2, 1])))))(A);   // ≈ [[0, −0.1224], [−0.1633, 0]]
 * // a phase-dependent one raises: grad((M) => sum(real(slice(eig(M).vectors, [1, 0], [2, 1]))))(A) → GaugeDependenceError
 * ```
 */
export const eig: DifferentiableFunction<[Tensor, EigOptions?], EigResult> = defineRule<[Tensor, EigOptions?], EigResult>({
  name: '@ad/rules-eigen/eig',
  structure: ['general', 'nondiff'],
  primal: (A: Tensor, opts?: EigOptions) => {
    const d = decompose(A, opts, 'eig', opts?.left === true ? 'left' : 'vectors');
    return d.leftVectors ? { values: d.values, vectors: d.vectors!, leftVectors: d.leftVectors } : { values: d.values, vectors: d.vectors! };
  },
  frule: ([A, opts], [dA]) => {
    const res = checkInput(A, opts, 'eig');
    const y = eig(A, opts);
    const V = y.vectors;
    const K = tangentK(V, dA as Tensor);
    const spec = spectrumOf(y.values, V, res);
    checkTangent(K, spec, res, 'eig', true);
    const dV = vectorTangent(V, y.values, K, spec, res);
    const dy: Record<string, Tensor> = { values: valueTangent(K, spec, res), vectors: dV };
    if (y.leftVectors) dy.leftVectors = neg(matmul(y.leftVectors, matmul(adjoint(dV), y.leftVectors)));
    return [y, dy];
  },
  rrule: (A: Tensor, opts?: EigOptions) => {
    const res = checkInput(A, opts, 'eig');
    const y = eig(A, opts);
    const spec = spectrumOf(y.values, y.vectors, res);
    const ctx = { V: y.vectors, W: y.leftVectors, lam: y.values, spec, res, fname: 'eig', inputDtype: A.dtype };
    return [
      y,
      (ybar) => {
        const get = (k: string) => cotangentField(ybar, k);
        return [pullbackA(ctx, get('values'), get('vectors'), y.leftVectors ? get('leftVectors') : undefined), NoTangent];
      },
    ];
  },
  samples: () => samples('vectors'),
});
