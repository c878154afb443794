/**
 * Degeneracy handling shared by every rule with eigen-structure (eigh, eigvalsh, geigh, geigvalsh; svd reuses the
 * pieces that fit singular values, eig only the cluster tolerances): the policy options (and the options of the
 * symmetric rules that carry them), clusters of the computed spectrum, the F matrix of each policy, cluster averaging
 * of eigenvalue cotangents, the one-sided directional derivative of clustered eigenvalues, and the gauge checks of
 * eigenvector cotangents and tangents. DESIGN.md, "Degeneracy", is the contract; docs/degeneracy.md explains it to
 * users.
 *
 * Everything that enters a derivative (F, averaging, the directional eigenvalues) is built from core ops, so the rules
 * that use it stay differentiable (forward-over-reverse Hessian-vector products). Decisions — clusters, checks — read
 * the concrete numbers of possibly traced values and are not differentiated.
 * @module
 */
import {
  AdError,
  adjoint,
  eye,
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  Tracer,
  add,
  concat,
  div,
  epsOf,
  matmul,
  real,
  realDType,
  reshape,
  shapeSize,
  slice,
  square,
  stack,
  sub,
  where,
  zeros,
  type DType,
} from '@ad/core';
import { degeneracyTolerance, findClusters, type Cluster } from '@ad/kernels';
import { requireBooleanOptions, requireOptionsObject, whichMatrix } from './checks.js';

/**
 * What a rule does with eigenvector derivatives inside a cluster of (nearly) equal eigenvalues:
 * - `'gauge'` (default): the basis inside a cluster is arbitrary; the loss is taken to depend on the eigenspace only,
 *   the in-cluster 1/(λⱼ − λᵢ) terms are dropped, and a cotangent showing basis dependence raises
 *   `GaugeDependenceError`.
 * - `'error'`: a non-negligible eigenvector cotangent (or tangent) inside a cluster, or an eigenvalue cotangent that is
 *   not constant on a cluster, raises `DegenerateEigenvaluesError`.
 * - `'broaden'`: Lorentzian F_ij = (λⱼ − λᵢ)/((λⱼ − λᵢ)² + ε) for every pair; smooth and biased by O(ε/gap²).
 * - `'nan'`: the plain formulas, no handling (what PyTorch and JAX do): Inf/NaN at exact ties.
 */
export type DegeneracyPolicy = 'gauge' | 'error' | 'broaden' | 'nan';

/**
 * The degeneracy policies, in the order docs/degeneracy.md presents them — for option validation and for code that
 * loops over them (tests, benchmarks, UIs).
 *
 * **Method**: a constant list; `'gauge'` is the default of every rule with eigen-structure.
 *
 * **Numerical notes**: what each policy does with F_ij = 1/(λⱼ − λᵢ) inside a cluster is in {@link DegeneracyPolicy}.
 *
 * **References**: DESIGN.md, "Degeneracy".
 *
 * @example
 * ```ts
 * for (const policy of DEGENERACY_POLICIES) grad((X) => sum(eigvalsh(X, { degeneracy: { policy } })))(A);
 * ```
 */
export const DEGENERACY_POLICIES: readonly DegeneracyPolicy[] = ['gauge', 'error', 'broaden', 'nan'];

/** `{ degeneracy }` option of every rule with eigen-structure. */
export interface DegeneracyOptions {
  /** What to do inside clusters (default `'gauge'`). */
  policy?: DegeneracyPolicy;
  /** Absolute part of the cluster tolerance (default ε^0.6 of the dtype: 4.0e-10 in float64, 7.0e-5 in float32). */
  atol?: number;
  /** Relative part, times max|λ| (default ε^0.4 of the dtype: 5.5e-7 in float64, 1.7e-3 in float32). */
  rtol?: number;
  /** Lorentzian width of `'broaden'` (default (1e-8·max|λ|)², per matrix). */
  epsilon?: number;
}

/** Degeneracy options with defaults filled in for a dtype. */
export interface ResolvedDegeneracy {
  readonly policy: DegeneracyPolicy;
  readonly atol: number;
  readonly rtol: number;
  /** The user's broadening width, or undefined for the per-matrix default. */
  readonly epsilon: number | undefined;
  /**
   * Relative size (against ‖V̄‖_F or ‖K‖_F) above which a cotangent's (tangent's) in-cluster or phase component counts
   * as non-negligible: √ε of the dtype (1.5e-8 in float64, 3.5e-4 in float32). A gauge-invariant loss produces such
   * components only from rounding, O(n·ε).
   */
  readonly negligible: number;
}

/**
 * Validates the `{ degeneracy }` option and fills in the defaults for a dtype.
 *
 * **Method**: atol/rtol default to {@link degeneracyTolerance} of the dtype (ε^0.6, ε^0.4); the policy to `'gauge'`.
 *
 * **Numerical notes**: float32 inputs use float32's ε even though the kernels run in float64, because the outputs
 * (and the user's cotangents) carry float32 rounding.
 *
 * **References**: DESIGN.md, "Degeneracy"; xitorch (Kasim 2020) for the ε^0.6 / ε^0.4 defaults.
 *
 * @throws AdError (code `AD_OPTION`) for an unknown policy or a negative / non-finite tolerance.
 * @example
 * ```ts
 * resolveDegeneracy({ policy: 'broaden' }, 'float64', 'eigh');   // { policy: 'broaden', atol: 4.0e-10, rtol: 5.5e-7, … }
 * ```
 */
export function resolveDegeneracy(opts: DegeneracyOptions | undefined, dtype: DType, fname: string): ResolvedDegeneracy {
  requireOptionsObject(opts, fname, 'the degeneracy option', "{ policy: 'gauge' }");
  const policy = opts?.policy ?? 'gauge';
  if (!DEGENERACY_POLICIES.includes(policy)) {
    throw new AdError(
      `${fname}: unknown degeneracy policy '${String(policy)}'; expected one of ${DEGENERACY_POLICIES.map((p) => `'${p}'`).join(', ')}`,
      'AD_OPTION',
    );
  }
  const { atol, rtol } = resolveTolerances(opts, dtype, fname);
  const epsilon = opts?.epsilon;
  if (epsilon !== undefined && !(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0)) {
    throw new AdError(`${fname}: degeneracy.epsilon must be a finite number > 0, got ${String(epsilon)}`, 'AD_OPTION');
  }
  return { policy, atol, rtol, epsilon, negligible: Math.sqrt(epsOf(dtype)) };
}

/**
 * The cluster tolerances of a `{ degeneracy }` option, validated, with the defaults of a dtype — shared by every rule
 * that forms clusters (general eig included, which has its own policies).
 *
 * **Method**: atol/rtol default to {@link degeneracyTolerance} of the real dtype (ε^0.6, ε^0.4).
 *
 * **Numerical notes**: 0 is allowed (only exact ties form clusters); negative, NaN or infinite values are not.
 *
 * **References**: DESIGN.md, "Degeneracy"; xitorch (Kasim 2020) for the defaults.
 *
 * @throws AdError (code `AD_OPTION`): `eigh: degeneracy.atol must be a finite number ≥ 0, got -1`.
 * @example
 * ```ts
 * resolveTolerances({ rtol: 1e-3 }, 'float64', 'eigh');   // { atol: 4.0e-10, rtol: 1e-3 }
 * ```
 */
export function resolveTolerances(
  opts: { readonly atol?: number; readonly rtol?: number } | undefined,
  dtype: DType,
  fname: string,
): { atol: number; rtol: number } {
  const defaults = degeneracyTolerance(realDType(dtype));
  const atol = opts?.atol ?? defaults.atol;
  const rtol = opts?.rtol ?? defaults.rtol;
  for (const [name, v] of [['atol', atol], ['rtol', rtol]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new AdError(`${fname}: degeneracy.${name} must be a finite number ≥ 0, got ${String(v)}`, 'AD_OPTION');
    }
  }
  return { atol, rtol };
}

/**
 * Validates the options of the symmetric rules (`eigh`/`eigvalsh`, `geigh`/`geigvalsh`: `{ symmetrize?, degeneracy? }`)
 * and resolves the degeneracy part for a dtype.
 *
 * **Method**: {@link requireOptionsObject}, `symmetrize` a boolean, then {@link resolveDegeneracy}.
 *
 * **Numerical notes**: the dtype is the output's (geigh's is float32 only when A and B both are).
 *
 * **References**: DESIGN.md, "Details" (`{ symmetrize: true }`) and "Degeneracy".
 *
 * @throws AdError (code `AD_OPTION`) as the two helpers above.
 * @example
 * ```ts
 * resolveSymmetricOptions({ symmetrize: true }, 'float64', 'eigh').policy;   // 'gauge'
 * ```
 */
export function resolveSymmetricOptions(
  opts: { readonly symmetrize?: boolean; readonly degeneracy?: DegeneracyOptions } | undefined,
  dtype: DType,
  fname: string,
): ResolvedDegeneracy {
  requireOptionsObject(opts, fname, 'options', '{ symmetrize: true }');
  requireBooleanOptions(opts, ['symmetrize'], fname);
  return resolveDegeneracy(opts?.degeneracy, dtype, fname);
}

/** The computed spectrum of a batch of matrices with its clusters (the numbers only; nothing here is differentiated). */
export interface Spectrum {
  /** Order of each matrix. */
  readonly n: number;
  /** Leading (batch) dimensions. */
  readonly batchShape: readonly number[];
  /** Number of matrices. */
  readonly count: number;
  /** The eigenvalues (singular values), `count·n`, each run sorted. */
  readonly values: Float64Array;
  /** Per matrix, the clusters of two or more values (singletons are left out). */
  readonly clusters: readonly (readonly Cluster[])[];
  /** True if any matrix has a cluster. */
  readonly degenerate: boolean;
}

/**
 * Clusters of a batch of sorted spectra: maximal runs whose consecutive gaps are ≤ atol + rtol·max|λ| of their matrix.
 *
 * **Method**: `findClusters` of @ad/kernels on each matrix's values (the one helper every rule uses).
 *
 * **Numerical notes**: reads the concrete numbers of `values` (a traced value shares its primal's storage).
 *
 * **References**: DESIGN.md, "Degeneracy".
 *
 * @example
 * ```ts
 * spectrumOf(tensor([1, 1, 2]), resolveDegeneracy(undefined, 'float64', 'eigh')).clusters;   // [[{ start: 0, end: 2 }]]
 * ```
 */
export function spectrumOf(values: Tensor, tol: { atol: number; rtol: number }): Spectrum {
  const n = values.shape[values.shape.length - 1] ?? 0;
  const batchShape = values.shape.slice(0, -1);
  const count = shapeSize(batchShape);
  const vals = Float64Array.from(values.data);
  const clusters: Cluster[][] = [];
  let degenerate = false;
  for (let b = 0; b < count; b++) {
    const run = vals.subarray(b * n, (b + 1) * n);
    const cs = findClusters(run, tol).filter((c) => c.end - c.start > 1);
    if (cs.length > 0) degenerate = true;
    clusters.push(cs);
  }
  return { n, batchShape, count, values: vals, clusters, degenerate };
}

export { whichMatrix } from './checks.js';

/** The values [start, end) of matrix b of a spectrum, as plain numbers (for error messages and fields). */
export function spectrumValues(spec: Spectrum, b: number, start: number, end: number): number[] {
  return Array.from(spec.values.subarray(b * spec.n + start, b * spec.n + end));
}

function clusterValues(spec: Spectrum, b: number, c: Cluster): number[] {
  return spectrumValues(spec, b, c.start, c.end);
}

/**
 * The smallest gap between consecutive values of a cluster — with `toZero`, also the gap from its last value to 0 (a
 * cluster of singular values chained to 0). The `gap` field of `DegenerateEigenvaluesError`.
 */
export function smallestGap(vals: readonly number[], toZero = false): number {
  let g = toZero ? Math.abs(vals[vals.length - 1]!) : Infinity;
  for (let i = 1; i < vals.length; i++) g = Math.min(g, Math.abs(vals[i]! - vals[i - 1]!));
  return g;
}

function describeCluster(spec: Spectrum, b: number, c: Cluster, noun = 'eigenvalues'): string {
  const vals = clusterValues(spec, b, c);
  const shown = vals.length <= 4 ? vals.map((v) => v.toPrecision(6)).join(', ') : `${vals[0]!.toPrecision(6)}, …, ${vals[vals.length - 1]!.toPrecision(6)}`;
  const spread = Math.abs(vals[vals.length - 1]! - vals[0]!);
  return `${noun} ${c.start}..${c.end - 1}${whichMatrix(spec, b)} (λ = ${shown}; spread ${spread.toExponential(1)})`;
}

/** Frobenius norm of each trailing block of `size` entries (real and imaginary parts). */
export function blockNorms(t: Tensor, count: number, size: number): Float64Array {
  const out = new Float64Array(count);
  for (let b = 0; b < count; b++) {
    let s = 0;
    for (let k = b * size; k < (b + 1) * size; k++) {
      const r = t.data[k]!;
      s += r * r;
      if (t.im) s += t.im[k]! * t.im[k]!;
    }
    out[b] = Math.sqrt(s);
  }
  return out;
}

/** A constant (never differentiated) real tensor of a shape, its storage filled by `fill`: masks, weights, widths. */
export function constant(shape: readonly number[], dtype: 'float64' | 'float32', fill: (data: Float64Array | Float32Array) => void): Tensor {
  const t = zeros(shape, dtype);
  fill(t.data);
  return t;
}

/**
 * The matrix F of the eigenvector derivative, per policy: F_ij = 1/(λⱼ − λᵢ) off the diagonal, 0 on it; in-cluster
 * entries 0 (`'gauge'`, `'error'`), Lorentzian (`'broaden'`) or plain (`'nan'`).
 *
 * **Method**: D = λ[..., None, :] − λ[..., :, None] with core ops, then F = (1 − M)/where(M, 1, D) for the mask M of
 * dropped entries, or D/(D² + ε) for `'broaden'`. Built with core ops, so F is differentiable in λ (second-order
 * derivatives of the rules need dF/dλ).
 *
 * **Numerical notes**: masked entries divide by 1, never by 0, so no Inf·0 appears under `'gauge'`/`'error'`, and
 * their derivative is exactly 0. Under `'nan'` an exact tie gives ±Inf (and NaN once multiplied by 0), by design.
 * The default broadening is ε = (1e-8·max|λ|)² per matrix (floored at the smallest positive double for the zero
 * matrix); the bias on a separated pair is ε/gap² relative. `'broaden'` keeps the in-cluster terms, whose
 * contribution for an eigenspace-only loss is F_ij times the rounding of the (mathematically symmetric) X_CC — about
 * ε_mach·‖X‖ amplified by up to 1/(2√ε) at gaps near √ε (≈ 1e-8 relative in float64 with the default ε).
 *
 * **References**: MATH.md, "Symmetric / Hermitian eigh"; Giles (2008), "An extended collection of matrix derivative
 * results for forward and reverse mode AD"; Liao, Liu, Wang & Xiang (2019), "Differentiable programming tensor
 * networks", PRX 9, 031041 (Lorentzian broadening).
 *
 * @example
 * ```ts
 * const spec = spectrumOf(tensor([1, 2]), res);
 * fMatrix(tensor([1, 2]), spec, res);   // [[0, 1], [-1, 0]]
 * ```
 */
export function fMatrix(values: Tensor, spec: Spectrum, res: ResolvedDegeneracy): Tensor {
  const { n, batchShape, count } = spec;
  const dtype = realDType(values.dtype);
  if (!(values instanceof Tracer)) {
    // Nothing differentiates F: fill it directly (the core-op route below costs a dozen n×n temporaries).
    const F = fMatrixNumeric(spec, res);
    return new Tensor([...batchShape, n, n], dtype, dtype === 'float32' ? Float32Array.from(F) : F);
  }
  const lam = values.isComplex ? real(values) : values;
  const D = sub(reshape(lam, [...batchShape, 1, n]), reshape(lam, [...batchShape, n, 1]));
  if (res.policy === 'broaden') {
    const eps = constant([...batchShape, 1, 1], dtype, (d) => {
      for (let b = 0; b < count; b++) d[b] = broadeningOf(spec, res, b);
    });
    return div(D, add(square(D), eps));
  }
  const mask = constant([...batchShape, n, n], dtype, (d) => {
    for (let b = 0; b < count; b++) {
      const o = b * n * n;
      for (let i = 0; i < n; i++) d[o + i * n + i] = 1;
      if (res.policy === 'nan') continue;
      for (const c of spec.clusters[b]!) {
        for (let i = c.start; i < c.end; i++) for (let j = c.start; j < c.end; j++) d[o + i * n + j] = 1;
      }
    }
  });
  const keep = constant([...batchShape, n, n], dtype, (d) => {
    for (let k = 0; k < d.length; k++) d[k] = 1 - mask.data[k]!;
  });
  return div(keep, where(mask, constant([], dtype, (d) => (d[0] = 1)), D));
}

/**
 * The Lorentzian width of `'broaden'` for matrix b: the user's ε, or (1e-8·max|λ|)² floored at the smallest positive
 * double (for singular values, max|λ| is σ_max).
 */
export function broadeningOf(spec: Spectrum, res: ResolvedDegeneracy, b: number): number {
  if (res.epsilon !== undefined) return res.epsilon;
  let maxAbs = 0;
  for (let i = 0; i < spec.n; i++) maxAbs = Math.max(maxAbs, Math.abs(spec.values[b * spec.n + i]!));
  const e = (1e-8 * maxAbs) ** 2;
  return e > 0 ? e : Number.MIN_VALUE;
}

/**
 * The numbers of {@link fMatrix} (`count·n·n`, row-major per matrix), computed from the spectrum's concrete values:
 * for rules whose F is not differentiated further (no outer transformation).
 *
 * **Method**: F_ij = 1/(λⱼ − λᵢ), 0 on the diagonal and, under `'gauge'`/`'error'`, inside clusters;
 * (λⱼ − λᵢ)/((λⱼ − λᵢ)² + ε) under `'broaden'`; plain under `'nan'` (±Inf at exact ties).
 *
 * **Numerical notes**: as {@link fMatrix}; differences are taken in float64 even for float32 spectra.
 *
 * **References**: MATH.md, "Symmetric / Hermitian eigh".
 *
 * @example
 * ```ts
 * fMatrixNumeric(spectrumOf(tensor([1, 3]), res), res);   // Float64Array [0, 0.5, -0.5, 0]
 * ```
 */
export function fMatrixNumeric(spec: Spectrum, res: ResolvedDegeneracy): Float64Array {
  const { n, count } = spec;
  const lam = spec.values;
  const F = new Float64Array(count * n * n);
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    const l = b * n;
    if (res.policy === 'broaden') {
      const eps = broadeningOf(spec, res, b);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const d = lam[l + j]! - lam[l + i]!;
          F[o + i * n + j] = d / (d * d + eps);
        }
      }
      continue;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) F[o + i * n + j] = 1 / (lam[l + j]! - lam[l + i]!);
    if (res.policy === 'nan') continue;
    for (const c of spec.clusters[b]!) {
      for (let i = c.start; i < c.end; i++) for (let j = c.start; j < c.end; j++) F[o + i * n + j] = 0;
    }
  }
  return F;
}

/**
 * Replaces an eigenvalue cotangent by its mean over each cluster.
 *
 * **Method**: λ̄ ← λ̄·Π with Π the block-diagonal averaging matrix (1/m on each m×m cluster block, 1 on singletons), a
 * batched matmul with a constant, so it is linear and differentiable.
 *
 * **Numerical notes**: exact wherever the sorted-eigenvalue map is differentiable (λ̄ constant on clusters is left
 * unchanged); elsewhere it gives the basis-independent minimum-norm generalized gradient (for λ_max of multiplicity m,
 * U Uᴴ/m), instead of an answer that depends on the basis the solver happened to return. A complex cotangent of the
 * real eigenvalues is reduced to its real part first.
 *
 * **References**: MATH.md, "Symmetric / Hermitian eigh"; Overton (1992), "Large-scale optimization of eigenvalues",
 * SIAM J. Optim. 2:88–120; Lewis (1996), "Convex analysis on the Hermitian matrices", SIAM J. Optim. 6:164–177.
 *
 * @example
 * ```ts
 * averageOverClusters(tensor([0, 0, 1]), spectrumOf(tensor([2, 2, 2]), res));   // [1/3, 1/3, 1/3]
 * ```
 */
export function averageOverClusters(vbar: Tensor, spec: Spectrum): Tensor {
  const g = vbar.isComplex ? real(vbar) : vbar;
  if (!spec.degenerate) return g;
  const { n, count } = spec;
  const dtype = realDType(g.dtype);
  const P = constant([count, n, n], dtype, (d) => {
    for (let b = 0; b < count; b++) {
      const o = b * n * n;
      for (let i = 0; i < n; i++) d[o + i * n + i] = 1;
      for (const c of spec.clusters[b]!) {
        const w = 1 / (c.end - c.start);
        for (let i = c.start; i < c.end; i++) for (let j = c.start; j < c.end; j++) d[o + i * n + j] = w;
      }
    }
  });
  return reshape(matmul(reshape(g, [count, 1, n]), P), g.shape);
}

/**
 * Policy `'error'` for eigenvalue cotangents: raises unless λ̄ is constant on every cluster (only then does the sorted
 * eigenvalue map have a derivative along every direction).
 *
 * **Method**: max over a cluster of |λ̄ᵢ − mean| against `negligible`·max|λ̄| of the matrix.
 *
 * **Numerical notes**: a cotangent such as `sum(values)` or a function of the trace is constant on every cluster and
 * passes; `values[k]` inside a cluster does not.
 *
 * **References**: DESIGN.md, "Degeneracy".
 *
 * @throws DegenerateEigenvaluesError naming the cluster, its eigenvalues and its smallest gap.
 * @example
 * ```ts
 * requireClusterConstant(tensor([1, 0]), spectrumOf(tensor([1, 1]), res), res, 'eigvalsh');   // throws
 * ```
 */
export function requireClusterConstant(vbar: Tensor, spec: Spectrum, res: ResolvedDegeneracy, fname: string): void {
  if (!spec.degenerate) return;
  const { n, count } = spec;
  for (let b = 0; b < count; b++) {
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(vbar.data[b * n + i]!));
    for (const c of spec.clusters[b]!) {
      let mean = 0;
      for (let i = c.start; i < c.end; i++) mean += vbar.data[b * n + i]!;
      mean /= c.end - c.start;
      let dev = 0;
      for (let i = c.start; i < c.end; i++) dev = Math.max(dev, Math.abs(vbar.data[b * n + i]! - mean));
      if (dev > res.negligible * scale) {
        const vals = clusterValues(spec, b, c);
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeCluster(spec, b, c)} form a cluster (gaps ≤ ${res.atol.toExponential(1)} + ${res.rtol.toExponential(1)}·max|λ|) ` +
            `and the eigenvalue cotangent is not constant on it (it varies by ${(dev / scale).toExponential(1)} relative) under policy 'error'; ` +
            'individual eigenvalues of a repeated eigenvalue have no derivative — use a symmetric function of the cluster ' +
            "(their sum or mean), or policy 'gauge' for the minimum-norm generalized gradient (cluster average)",
          [c.start, c.end],
          vals,
          smallestGap(vals),
        );
      }
    }
  }
}

/**
 * The eigenvalue cotangent after the policy: averaged over clusters ({@link averageOverClusters}), checked constant on
 * them first under `'error'` ({@link requireClusterConstant}), untouched under `'nan'`; a complex cotangent of the real
 * eigenvalues is reduced to its real part.
 *
 * **Method**: dispatch on the policy; the averaging is a core-op product, so the result stays differentiable.
 *
 * **Numerical notes**: exact wherever the sorted eigenvalues are differentiable; elsewhere the minimum-norm
 * generalized gradient (see {@link averageOverClusters}).
 *
 * **References**: DESIGN.md, "Degeneracy"; MATH.md, "Symmetric / Hermitian eigh".
 *
 * @throws DegenerateEigenvaluesError under `'error'` (see {@link requireClusterConstant}).
 * @example
 * ```ts
 * eigenvalueCotangent(tensor([0, 1]), spectrumOf(tensor([2, 2]), res), res, 'eigvalsh');   // [0.5, 0.5]
 * ```
 */
export function eigenvalueCotangent(lbar: Tensor, spec: Spectrum, res: ResolvedDegeneracy, fname: string): Tensor {
  const g = lbar.isComplex ? real(lbar) : lbar;
  if (res.policy === 'nan') return g;
  if (res.policy === 'error') requireClusterConstant(g, spec, res, fname);
  return averageOverClusters(g, spec);
}

/**
 * The gauge checks of an eigenvector cotangent V̄, given X = Vᴴ V̄ (shape [..., n, n]) and ‖V̄‖_F per matrix.
 *
 * **Method**:
 * - phase (complex only, every policy): a real loss of complex eigenvectors must be invariant under vᵢ → e^{iφ} vᵢ,
 *   i.e. Im Xᵢᵢ = 0; |Im Xᵢᵢ| > negligible·‖V̄‖ raises `GaugeDependenceError` for column i;
 * - `'gauge'`: for each cluster C the block X_CC must be Hermitian (the loss is invariant under rotations of the
 *   cluster's basis); ‖(X_CC − X_CCᴴ)/2‖_F > negligible·‖V̄‖ raises `GaugeDependenceError`;
 * - `'error'`: any off-diagonal in-cluster component, ‖X_CC − diag X_CC‖_F > negligible·‖V̄‖, raises
 *   `DegenerateEigenvaluesError`;
 * - `'broaden'`, `'nan'`: no cluster check.
 *
 * **Numerical notes**: for a gauge-invariant loss these components are O(n·ε)·‖V̄‖ (rounding of V's orthonormality);
 * the threshold √ε (1.5e-8 in float64, 3.5e-4 in float32) sits far above that and far below any genuine dependence.
 * Matrices with V̄ = 0 are skipped. `vbarNorms` is the scale the components are measured against (‖V̄‖_F for
 * orthonormal V, where it equals ‖Vᴴ V̄‖_F); `scaleName` names it in messages (geigh, whose V is only B-orthonormal,
 * passes ‖Vᵀ V̄‖_F and `'‖VᵀV̄‖'`, so the test does not depend on the scaling of B).
 *
 * **References**: MATH.md, "Symmetric / Hermitian eigh" (gauge); PyTorch `linalg_eig_backward` (phase check, with
 * looser absolute tolerances); ChainRules.jl `_eigvecs_stabilize_mat`.
 *
 * @throws GaugeDependenceError | DegenerateEigenvaluesError as above.
 * @example
 * ```ts
 * checkVectorCotangent(matmul(adjoint(V), Vbar), blockNorms(Vbar, 1, n * n), spec, res, 'eigh');
 * ```
 */
export function checkVectorCotangent(
  X: Tensor,
  vbarNorms: Float64Array,
  spec: Spectrum,
  res: ResolvedDegeneracy,
  fname: string,
  scaleName = '‖V̄‖',
): void {
  const { n, count } = spec;
  const re = X.data;
  const im = X.im;
  for (let b = 0; b < count; b++) {
    const scale = vbarNorms[b]!;
    if (!(scale > 0)) continue;
    const o = b * n * n;
    if (im) {
      for (let i = 0; i < n; i++) {
        const size = Math.abs(im[o + i * n + i]!) / scale;
        if (size > res.negligible) {
          const lam = spec.values[b * n + i]!;
          throw new GaugeDependenceError(
            `${fname}: the loss depends on the phase of eigenvector ${i}${whichMatrix(spec, b)} (λ = ${lam.toPrecision(6)}): ` +
              `Im(vᵢᴴ v̄ᵢ) = ${size.toExponential(1)}·‖V̄‖. Complex eigenvectors are defined up to a phase e^{iφ}; a real loss ` +
              'must not depend on it — use |v|², v vᴴ, projectors or |⟨u, v⟩|, not the raw entries of v',
            [i, i + 1],
            [lam],
            size,
          );
        }
      }
    }
    if (res.policy !== 'gauge' && res.policy !== 'error') continue;
    for (const c of spec.clusters[b]!) {
      let s = 0;
      for (let i = c.start; i < c.end; i++) {
        for (let j = c.start; j < c.end; j++) {
          if (i === j) continue;
          const xr = re[o + i * n + j]!;
          const xi = im ? im[o + i * n + j]! : 0;
          if (res.policy === 'error') {
            s += xr * xr + xi * xi;
          } else {
            // (X − Xᴴ)/2 at (i, j): (X_ij − conj(X_ji))/2
            const yr = re[o + j * n + i]!;
            const yi = im ? im[o + j * n + i]! : 0;
            const dr = 0.5 * (xr - yr);
            const di = 0.5 * (xi + yi);
            s += dr * dr + di * di;
          }
        }
      }
      const size = Math.sqrt(s) / scale;
      if (size <= res.negligible) continue;
      const vals = clusterValues(spec, b, c);
      if (res.policy === 'error') {
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeCluster(spec, b, c)} form a cluster (gaps ≤ ${res.atol.toExponential(1)} + ${res.rtol.toExponential(1)}·max|λ|) ` +
            `and the eigenvector cotangent has a component of ${size.toExponential(1)}·${scaleName} inside it under policy 'error'. ` +
            "Eigenvectors of a repeated eigenvalue have no derivative; use policy 'gauge' if the loss depends on the eigenspace only, " +
            "or 'broaden' for a smoothed (biased) gradient",
          [c.start, c.end],
          vals,
          smallestGap(vals),
        );
      }
      throw new GaugeDependenceError(
        `${fname}: the loss depends on the choice of basis inside the degenerate cluster of ${describeCluster(spec, b, c)}: ` +
          `the skew part of Vᴴ V̄ on the cluster is ${size.toExponential(1)}·${scaleName}. Inside a cluster the eigenvectors are arbitrary ` +
          '(any rotation of them is as good), so this gradient would be noise. Make the loss depend on the eigenspace only ' +
          "(a projector V_C V_Cᴴ, Σ|v|² over the cluster), or pass { degeneracy: { policy: 'broaden' } } for a smoothed, biased gradient",
        [c.start, c.end],
        vals,
        size,
      );
    }
  }
}

/**
 * Policy `'error'` in forward mode: raises if the tangent K = Vᴴ Ȧ V has a non-negligible off-diagonal component
 * inside a cluster (the eigenvectors would turn by O(‖K_CC‖/gap) — they have no derivative there).
 *
 * **Method**: ‖K_CC − diag K_CC‖_F against negligible·‖K‖_F, per matrix and cluster.
 *
 * **Numerical notes**: a perturbation that keeps the cluster's basis (K_CC diagonal, e.g. Ȧ = I) passes.
 *
 * **References**: DESIGN.md, "Degeneracy" (forward mode at a cluster).
 *
 * @throws DegenerateEigenvaluesError naming the cluster.
 * @example
 * ```ts
 * checkVectorTangent(matmul(adjoint(V), matmul(dA, V)), spec, res, 'eigh');
 * ```
 */
export function checkVectorTangent(K: Tensor, spec: Spectrum, res: ResolvedDegeneracy, fname: string): void {
  if (res.policy !== 'error' || !spec.degenerate) return;
  const { n, count } = spec;
  const norms = blockNorms(K, count, n * n);
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (const c of spec.clusters[b]!) {
      let s = 0;
      for (let i = c.start; i < c.end; i++) {
        for (let j = c.start; j < c.end; j++) {
          if (i === j) continue;
          const xr = K.data[o + i * n + j]!;
          const xi = K.im ? K.im[o + i * n + j]! : 0;
          s += xr * xr + xi * xi;
        }
      }
      const size = Math.sqrt(s) / norms[b]!;
      if (size > res.negligible) {
        const vals = clusterValues(spec, b, c);
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeCluster(spec, b, c)} form a cluster and the tangent rotates its eigenvectors ` +
            `(in-cluster part of Vᴴ Ȧ V = ${size.toExponential(1)}·‖Vᴴ Ȧ V‖) under policy 'error'; ` +
            "eigenvectors of a repeated eigenvalue have no derivative — use policy 'gauge' (zero in-cluster coefficients, " +
            'right for any eigenspace-only use) or separate the eigenvalues',
          [c.start, c.end],
          vals,
          smallestGap(vals),
        );
      }
    }
  }
}

/**
 * Eigenvalue tangents with clusters: the diagonal of K for simple eigenvalues, and for each cluster C the eigenvalues
 * of the block K_CC, sorted ascending — the one-sided directional derivative lim_{t→0⁺} (λ(A + tȦ) − λ(A))/t.
 *
 * **Method**: per matrix, the run of diagonal entries between clusters is sliced from `diagK`, each cluster block from
 * `K`, and `blockValues` (an eigenvalue rule, so the result stays differentiable) gives its sorted eigenvalues; the
 * pieces are concatenated and stacked.
 *
 * **Numerical notes**: this map is positively homogeneous but not linear in Ȧ at a cluster, so the dot-product test
 * does not apply there; test it against one-sided finite differences. Without clusters it returns `diagK` untouched.
 *
 * **References**: MATH.md, "Symmetric / Hermitian eigh" (one-sided directional derivative); Kato (1995),
 * "Perturbation theory for linear operators", II §5.
 *
 * @example
 * ```ts
 * oneSidedValues(real(diag(K)), K, spec, (B) => eigvalsh(B, { symmetrize: true }));
 * ```
 */
export function oneSidedValues(diagK: Tensor, K: Tensor, spec: Spectrum, blockValues: (block: Tensor) => Tensor): Tensor {
  if (!spec.degenerate) return diagK;
  const { n, count } = spec;
  const d2 = reshape(diagK, [count, n]);
  const K2 = reshape(K, [count, n, n]);
  const rows: Tensor[] = [];
  for (let b = 0; b < count; b++) {
    const cs = spec.clusters[b]!;
    const row = reshape(slice(d2, [b, 0], [b + 1, n]), [n]);
    if (cs.length === 0) {
      rows.push(row);
      continue;
    }
    const pieces: Tensor[] = [];
    let at = 0;
    for (const c of cs) {
      if (c.start > at) pieces.push(slice(row, [at], [c.start]));
      const m = c.end - c.start;
      const block = reshape(slice(K2, [b, c.start, c.start], [b + 1, c.end, c.end]), [m, m]);
      pieces.push(blockValues(block));
      at = c.end;
    }
    if (at < n) pieces.push(slice(row, [at], [n]));
    rows.push(pieces.length === 1 ? pieces[0]! : concat(pieces));
  }
  return reshape(stack(rows), diagK.shape);
}

/**
 * Rotates the basis of each cluster to the one adapted to a tangent direction: V_C ← V_C W with K_CC = W diag(μ) Wᴴ
 * (μ ascending), and K ← Qᴴ K Q for the block-diagonal rotation Q, so that K_CC becomes diag(μ).
 *
 * **Method**: W = `blockVectors(K_CC)` per cluster (an eigenvector rule, so the result stays differentiable); Q is the
 * identity with the W blocks on the cluster diagonals, assembled with core ops; V' = V Q, K' = Qᴴ K Q.
 *
 * **Numerical notes**: the columns of V_C W are the limits of the eigenvectors of A + tȦ as t → 0⁺ (first-order
 * degenerate perturbation theory), still an orthonormal basis of the cluster's eigenspace, so it is as valid an
 * output as V. In that basis the simple formulas λ̇ = Re diag K', V̇ = V'(F ∘ K') with zero in-cluster F hold: λ̇ is the
 * one-sided directional derivative and matches its column, which is what makes second derivatives (jvp of a pullback)
 * of eigenspace-only losses exact at exact ties. The sign/phase convention is not reapplied to rotated columns.
 * Without clusters, returns its inputs.
 *
 * **References**: Kato (1995), "Perturbation theory for linear operators", II §2 (reduction process); MATH.md,
 * "Symmetric / Hermitian eigh" (one-sided directional derivative).
 *
 * @example
 * ```ts
 * const { V: V2, K: K2 } = adaptClusterBasis(V, K, spec, (B) => eigh(B, { symmetrize: true }).vectors);
 * ```
 */
export function adaptClusterBasis(
  V: Tensor,
  K: Tensor,
  spec: Spectrum,
  blockVectors: (block: Tensor) => Tensor,
): { V: Tensor; K: Tensor } {
  if (!spec.degenerate) return { V, K };
  const { n, batchShape, count } = spec;
  const K2 = reshape(K, [count, n, n]);
  const dtype = K.dtype;
  const I = eye(n, n, dtype);
  const Qs: Tensor[] = [];
  for (let b = 0; b < count; b++) {
    const cs = spec.clusters[b]!;
    if (cs.length === 0) {
      Qs.push(I);
      continue;
    }
    const cols: Tensor[] = [];
    let at = 0;
    for (const c of cs) {
      if (c.start > at) cols.push(slice(I, [0, at], [n, c.start]));
      const m = c.end - c.start;
      const W = blockVectors(reshape(slice(K2, [b, c.start, c.start], [b + 1, c.end, c.end]), [m, m]));
      const parts: Tensor[] = [];
      if (c.start > 0) parts.push(zeros([c.start, m], dtype));
      parts.push(W);
      if (c.end < n) parts.push(zeros([n - c.end, m], dtype));
      cols.push(parts.length === 1 ? parts[0]! : concat(parts, 0));
      at = c.end;
    }
    if (at < n) cols.push(slice(I, [0, at], [n, n]));
    Qs.push(cols.length === 1 ? cols[0]! : concat(cols, 1));
  }
  const Q = reshape(stack(Qs), [...batchShape, n, n]);
  return { V: matmul(V, Q), K: matmul(adjoint(Q), matmul(K, Q)) };
}
