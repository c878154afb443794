/**
 * `svdvals` and `svd`: singular values (and the thin singular value decomposition) of real matrices, batched over
 * leading dimensions, both orientations (m ≥ n and m < n), with their forward and reverse rules.
 *
 * The math (MATH.md, "SVD"), with A = U diag(s) Vᵀ thin (p = min(m, n), s descending), P = Uᵀ Ȧ V, J = Uᵀ Ū,
 * K = Vᵀ V̄, skew(X) = X − Xᵀ, and the two difference matrices
 *
 *   D⁻_jk = 1/(s_k − s_j),   D⁺_jk = 1/(s_k + s_j)   (j ≠ k; 0 on the diagonal):
 *
 *   forward:  ṡ = diag P;
 *             Uᵀ U̇ = ½ (D⁻ ∘ (P + Pᵀ) + D⁺ ∘ (P − Pᵀ)),   Vᵀ V̇ = ½ (D⁻ ∘ (P + Pᵀ) − D⁺ ∘ (P − Pᵀ)),
 *             U̇ += (I − U Uᵀ) Ȧ V S⁻¹ (m > n),   V̇ += (I − V Vᵀ) Ȧᵀ U S⁻¹ (m < n);
 *   reverse:  Ā = U [ diag(s̄) + ½ D⁻ ∘ (skew J + skew K) + ½ D⁺ ∘ (skew J − skew K) ] Vᵀ
 *                 + (I − U Uᵀ) Ū S⁻¹ Vᵀ (m > n) + U S⁻¹ V̄ᵀ (I − V Vᵀ) (m < n).
 *
 * Splitting 1/(s_k² − s_j²) of MATH.md's E into D⁻ and D⁺ (partial fractions: (a s_k + b s_j)/(s_k² − s_j²) =
 * ½(a + b)/(s_k − s_j) + ½(a − b)/(s_k + s_j)) is what makes degeneracy explicit: at a cluster of equal *nonzero*
 * singular values only D⁻ is singular, and it multiplies the joint-rotation part skew J + skew K (U_C, V_C → U_C Q,
 * V_C Q leaves A unchanged), which a gauge-invariant loss makes zero; the D⁺ part (relative rotation of U_C against
 * V_C, e.g. the loss ⟨W, U_C V_Cᵀ⟩) stays finite and must be kept. At singular values that are zero both D⁻ and D⁺ are
 * singular (U_Z and V_Z rotate independently), and so are the S⁻¹ terms (U_Z may turn into the complement of U when
 * m > n). The degeneracy policy (degeneracy.ts, DESIGN.md "Degeneracy") decides what happens there. Under
 * `'gauge'`/`'error'` the zero values enter every factor as the constant 0, and their coupling to the nonzero part that
 * is first order in them is written through A_Z = A − U₊S₊V₊ᵀ ({@link zeroCoupling}), so that nothing depends on the
 * arbitrary basis the solver chose for the null spaces — which keeps second derivatives exact there.
 *
 * References: Townsend (2016), "Differentiating the singular value decomposition" (rectangular terms); Giles (2008),
 * "An extended collection of matrix derivative results for forward and reverse mode algorithmic differentiation",
 * Oxford NA report 08/01; Seeger, Hetzel, Dai, Meissner & Lawrence (2017), "Auto-differentiating linear algebra",
 * arXiv:1710.08717; Wan & Zhang (2019), "Automatic differentiation for complex valued SVD", arXiv:1909.02659;
 * Ionescu, Vantzos & Sminchisescu (2015), "Matrix backpropagation for deep networks with structured layers"; PyTorch
 * `svd_backward` (FunctionsManual.cpp); Lewis & Sendov (2005), "Nonsmooth analysis of singular values" (Clarke
 * subdifferentials at repeated and zero singular values).
 * @module
 */
import {
  AdError,
  ConvergenceError,
  DTypeError,
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  NoTangent,
  ShapeError,
  Tensor,
  ZeroTangent,
  add,
  concat,
  defineRule,
  diag,
  diagm,
  div,
  matmul,
  mul,
  neg,
  realDType,
  reshape,
  scale,
  shapeSize,
  slice,
  square,
  stack,
  sub,
  transpose,
  where,
  zeros,
  type DifferentiableFunction,
} from '@ad/core';
import { SVD_MAX_SWEEPS, findClusters, svd as svdKernel, type Cluster } from '@ad/kernels';
import { storeColumnMajor } from './batch.js';
import { asCotangent, cotangentField, requireFinite, requireOptionsObject } from './checks.js';
import {
  adaptClusterBasis,
  averageOverClusters,
  blockNorms,
  broadeningOf,
  constant,
  oneSidedValues,
  resolveDegeneracy,
  smallestGap,
  spectrumValues,
  whichMatrix,
  type DegeneracyOptions,
  type ResolvedDegeneracy,
  type Spectrum,
} from './degeneracy.js';
import { eigh, eigvalsh } from './eigh.js';

/** Options of {@link svd} and {@link svdvals}. */
export interface SvdOptions {
  /**
   * Cluster tolerance and what to do with derivatives at repeated and at zero singular values (see
   * `DegeneracyOptions`; defaults: policy `'gauge'`, atol ε^0.6, rtol ε^0.4 of the dtype).
   */
  degeneracy?: DegeneracyOptions;
  /** Bound on the Jacobi sweeps of the kernel (default `SVD_MAX_SWEEPS` of @ad/kernels, 40); running out raises `ConvergenceError`. */
  maxSweeps?: number;
}

/** Result of {@link svd}: the thin SVD A = U diag(S) Vt. */
export interface SvdResult {
  /** Left singular vectors as the columns of `[..., m, p]`, p = min(m, n). */
  U: Tensor;
  /** Singular values `[..., p]`, descending, ≥ 0. */
  S: Tensor;
  /** Right singular vectors as the rows of `[..., p, n]` (Vt = Vᵀ). */
  Vt: Tensor;
}

// ---------------------------------------------------------------------------------------------------------------
// Primal: input checks, then one kernel call per matrix of the batch.

/** Geometry of a (batch of) matrices `[..., m, n]`. */
interface MatrixShape {
  readonly m: number;
  readonly n: number;
  readonly p: number;
  readonly batchShape: readonly number[];
  readonly count: number;
}

function checkOptions(opts: SvdOptions | undefined, A: Tensor, fname: string): ResolvedDegeneracy {
  requireOptionsObject(opts, fname, 'options', "{ degeneracy: { policy: 'gauge' } }");
  const ms = opts?.maxSweeps;
  if (ms !== undefined && !(Number.isInteger(ms) && ms >= 1)) {
    throw new AdError(`${fname}: options.maxSweeps must be an integer ≥ 1, got ${String(ms)}`, 'AD_OPTION');
  }
  return resolveDegeneracy(opts?.degeneracy, A.dtype, fname);
}

function requireMatrix(A: Tensor, fname: string): MatrixShape {
  const s = A.shape;
  if (s.length < 2) {
    throw new ShapeError(`${fname}: A must be a matrix (or a batch of them) of shape [..., m, n], got shape [${s.join(', ')}]`);
  }
  const m = s[s.length - 2]!;
  const n = s[s.length - 1]!;
  const batchShape = s.slice(0, -2);
  return { m, n, p: Math.min(m, n), batchShape, count: shapeSize(batchShape) };
}

/** The input checks of both rules, named after the function the user called. */
function checkInput(A: Tensor, opts: SvdOptions | undefined, fname: string): { res: ResolvedDegeneracy; shape: MatrixShape } {
  const res = checkOptions(opts, A, fname);
  const shape = requireMatrix(A, fname);
  if (A.isComplex) {
    throw new DTypeError(
      `${fname}: complex input is not supported yet (got complex128 of shape [${A.shape.join(', ')}]); ` +
        'for a complex A = B + iC the singular values of the real matrix [[B, −C], [C, B]] are those of A, each twice',
    );
  }
  requireFinite(A, fname);
  return { res, shape };
}

/** max over i ≠ j of |u_iᵀ u_j| for a column-major m×p matrix: how far the kernel's output is from converged. */
function offOrthogonality(U: Float64Array, m: number, p: number): number {
  let worst = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      let d = 0;
      for (let r = 0; r < m; r++) d += U[r + i * m]! * U[r + j * m]!;
      worst = Math.max(worst, Math.abs(d));
    }
  }
  return worst;
}

function decompose(A: Tensor, opts: SvdOptions | undefined, fname: string, wantVectors: boolean): { U?: Tensor; S: Tensor; Vt?: Tensor } {
  const { shape } = checkInput(A, opts, fname);
  const { m, n, p, batchShape, count } = shape;
  const dtype = realDType(A.dtype);
  const S = zeros([...batchShape, p], dtype);
  const U = wantVectors ? zeros([...batchShape, m, p], dtype) : undefined;
  const Vt = wantVectors ? zeros([...batchShape, p, n], dtype) : undefined;
  if (p === 0) return { U, S, Vt };
  const maxSweeps = opts?.maxSweeps ?? SVD_MAX_SWEEPS;
  for (let b = 0; b < count; b++) {
    const a = Float64Array.from(A.data.subarray(b * m * n, (b + 1) * m * n));
    const r = svdKernel(a, m, n, { vectors: wantVectors, maxSweeps });
    if (r.info !== 0) {
      // The residual is the largest cosine between computed singular vectors (the kernel's convergence measure: the
      // vectors taken from the Jacobi-rotated columns are the ones left non-orthogonal).
      const rv = r.U && r.V ? r : svdKernel(a, m, n, { vectors: true, maxSweeps });
      const residual = Math.max(offOrthogonality(rv.U!, m, p), offOrthogonality(rv.V!, n, p));
      const tolerance = 4 * p * 2 ** -53;
      throw new ConvergenceError(
        `${fname}: the one-sided Jacobi SVD did not converge${whichMatrix({ batchShape }, b)} of shape [${m}, ${n}] within ` +
          `${maxSweeps} sweeps (${r.info} column pairs still not orthogonal; largest cosine ${residual.toExponential(1)}, ` +
          `tolerance ${tolerance.toExponential(1)}); raise options.maxSweeps, or check the scaling of A`,
        maxSweeps,
        residual,
        tolerance,
      );
    }
    S.data.set(r.S, b * p);
    if (U && r.U) storeColumnMajor(r.U, U.data, b * m * p, m, p);
    // column-major n×p V is exactly row-major [p, n] Vt
    if (Vt && r.V) Vt.data.set(r.V, b * p * n);
  }
  return { U, S, Vt };
}

// ---------------------------------------------------------------------------------------------------------------
// Clusters of singular values: equal nonzero values, and the singular values that count as zero.

/**
 * The spectrum of a batch of singular value vectors for the degeneracy machinery of degeneracy.ts: `clusters` holds
 * the clusters of two or more equal *nonzero* singular values (so the shared helpers treat them as eigenvalue
 * clusters), and `zeroStart[b]` the index where the singular values that count as zero begin (p when none).
 */
interface SingularSpectrum extends Spectrum {
  /** Per matrix, the first index of the zero cluster (p = none). */
  readonly zeroStart: Int32Array;
  /** True if any matrix has a singular value that counts as zero. */
  readonly hasZero: boolean;
}

/**
 * Clusters of the singular values of each matrix: the zero cluster is the cluster of 0 when a virtual value 0 is
 * appended to the descending s (singular values joined to 0 by a chain of gaps ≤ atol + rtol·max s), the other
 * clusters are the runs of two or more values with gaps ≤ that threshold. One `findClusters` call per matrix.
 */
function singularSpectrum(S: Tensor, res: ResolvedDegeneracy): SingularSpectrum {
  const p = S.shape[S.shape.length - 1]!;
  const batchShape = S.shape.slice(0, -1);
  const count = shapeSize(batchShape);
  const values = Float64Array.from(S.data);
  const clusters: Cluster[][] = [];
  const zeroStart = new Int32Array(count);
  let degenerate = false;
  let hasZero = false;
  for (let b = 0; b < count; b++) {
    const ext = new Float64Array(p + 1);
    ext.set(values.subarray(b * p, (b + 1) * p));
    const cs = findClusters(ext, res);
    const z = cs[cs.length - 1]!.start;
    zeroStart[b] = z;
    if (z < p) hasZero = true;
    const nonzero = cs.filter((c) => c.end <= z && c.end - c.start > 1);
    if (nonzero.length > 0) degenerate = true;
    clusters.push(nonzero);
  }
  return { n: p, batchShape, count, values, clusters, degenerate, zeroStart, hasZero };
}

function describeRun(spec: SingularSpectrum, b: number, start: number, end: number): string {
  const vals = spectrumValues(spec, b, start, end);
  const shown = vals.length <= 4 ? vals.map((v) => v.toPrecision(6)).join(', ') : `${vals[0]!.toPrecision(6)}, …, ${vals[vals.length - 1]!.toPrecision(6)}`;
  const which = end - start === 1 ? `singular value ${start}` : `singular values ${start}..${end - 1}`;
  return `${which}${whichMatrix(spec, b)} (σ = ${shown})`;
}

function tolText(res: ResolvedDegeneracy): string {
  return `gaps ≤ ${res.atol.toExponential(1)} + ${res.rtol.toExponential(1)}·max σ`;
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces of the rules (core ops wherever a value enters a derivative, so the rules stay differentiable).

/** The policy's D⁻, D⁺ (`[..., p, p]`) and S⁻¹ (`[..., 1, p]`, a row to scale columns). */
interface Factors {
  readonly Dm: Tensor;
  readonly Dp: Tensor;
  readonly Sinv: Tensor;
  /**
   * Under `'gauge'`/`'error'` with a zero cluster: s with its zero-cluster entries replaced by the constant 0
   * (`[..., p]`), the values every factor is built from; undefined otherwise.
   */
  readonly sPlus: Tensor | undefined;
}

/**
 * D⁻_jk = 1/(s_k − s_j), D⁺_jk = 1/(s_k + s_j) and S⁻¹ after the policy: masked to 0 on the diagonal always, and
 * under `'gauge'`/`'error'` D⁻ inside every cluster, D⁺ and S⁻¹ on the zero cluster; Lorentzian x/(x² + ε) under
 * `'broaden'`; plain under `'nan'`. Built from `s` with core ops (masked entries divide by 1, so their derivative is
 * exactly 0).
 *
 * Under `'gauge'`/`'error'` the singular values of the zero cluster enter as the constant 0 (not as their computed,
 * traced values): the pairs between a nonzero value s_k and a zero one then get D∓ = ∓1/s_k, the s_j → 0 limit, and the
 * first-order terms in s_j that this drops are added back in the basis-free form of {@link zeroCoupling}. The zero
 * cluster's basis is not adapted to Ȧ, so its individual ṡ_j must not enter any derivative.
 */
function factors(s: Tensor, spec: SingularSpectrum, res: ResolvedDegeneracy): Factors {
  const { n: p, batchShape, count } = spec;
  const dtype = realDType(s.dtype) as 'float64' | 'float32';
  const masked = res.policy === 'gauge' || res.policy === 'error';
  const sPlus = masked && spec.hasZero
    ? mul(s, constant([...batchShape, p], dtype, (d) => {
        for (let b = 0; b < count; b++) for (let i = 0; i < spec.zeroStart[b]!; i++) d[b * p + i] = 1;
      }))
    : undefined;
  const s0 = sPlus ?? s;
  const row = reshape(s0, [...batchShape, 1, p]);
  const col = reshape(s0, [...batchShape, p, 1]);
  const dif = sub(row, col);
  const sum = add(row, col);
  if (res.policy === 'broaden') {
    const eps = constant([...batchShape, 1, 1], dtype, (d) => {
      for (let b = 0; b < count; b++) d[b] = broadeningOf(spec, res, b);
    });
    return {
      Dm: div(dif, add(square(dif), eps)),
      Dp: div(sum, add(square(sum), eps)),
      Sinv: div(row, add(square(row), eps)),
      sPlus: undefined,
    };
  }
  const maskM = constant([...batchShape, p, p], dtype, (d) => {
    for (let b = 0; b < count; b++) {
      const o = b * p * p;
      for (let i = 0; i < p; i++) d[o + i * p + i] = 1;
      if (!masked) continue;
      const runs = spec.clusters[b]!.map((c) => [c.start, c.end] as const);
      runs.push([spec.zeroStart[b]!, p]);
      for (const [st, en] of runs) for (let i = st; i < en; i++) for (let j = st; j < en; j++) d[o + i * p + j] = 1;
    }
  });
  const maskP = constant([...batchShape, p, p], dtype, (d) => {
    for (let b = 0; b < count; b++) {
      const o = b * p * p;
      for (let i = 0; i < p; i++) d[o + i * p + i] = 1;
      if (!masked) continue;
      const z = spec.zeroStart[b]!;
      for (let i = z; i < p; i++) for (let j = z; j < p; j++) d[o + i * p + j] = 1;
    }
  });
  const maskS = constant([...batchShape, 1, p], dtype, (d) => {
    if (!masked) return;
    for (let b = 0; b < count; b++) for (let i = spec.zeroStart[b]!; i < p; i++) d[b * p + i] = 1;
  });
  const one = constant([], dtype, (d) => (d[0] = 1));
  const keep = (mask: Tensor) => constant(mask.shape, dtype, (d) => {
    for (let k = 0; k < d.length; k++) d[k] = 1 - mask.data[k]!;
  });
  return {
    Dm: div(keep(maskM), where(maskM, one, dif)),
    Dp: div(keep(maskP), where(maskP, one, sum)),
    Sinv: div(keep(maskS), where(maskS, one, row)),
    sPlus,
  };
}

/**
 * The part of A on its zero cluster, A_Z = A − U₊ diag(s₊) V₊ᵀ, computed from A and the nonzero part (so its
 * derivative is (I − U₊U₊ᵀ) Ȧ (I − V₊V₊ᵀ), whatever basis U_Z, V_Z the solver chose), with U diag(S₊⁻²) and V diag(S₊⁻²)
 * (zero on the zero cluster). Used for the coupling between nonzero singular values s_k and the zero cluster that is
 * first order in the zero values s_j:
 *
 *   forward:  U̇₊ += A_Z Ȧᵀ U₊ S₊⁻²,   V̇₊ += A_Zᵀ Ȧ V₊ S₊⁻²
 *   reverse:  Ā += U₊ S₊⁻² Ū₊ᵀ A_Z + A_Z V̄₊ S₊⁻² V₊ᵀ
 *
 * (the O(s_j) terms of (J_jk s_k + s_j K_jk)/(s_k² − s_j²) and its transpose, Σ_j u_j s_j v_jᵀ = A_Z). They vanish at
 * an exactly rank-deficient A, and their derivative is what makes second derivatives there exact for losses of the
 * nonzero part (U₊, s₊, V₊).
 */
function zeroCoupling(A: Tensor, U: Tensor, Vt: Tensor, F: Factors, shape: MatrixShape): { AZ: Tensor; US2: Tensor; VS2: Tensor } {
  const { p, batchShape } = shape;
  const AZ = sub(A, matmul(mul(U, reshape(F.sPlus!, [...batchShape, 1, p])), Vt));
  const S2 = square(F.Sinv);
  return { AZ, US2: mul(U, S2), VS2: mul(transpose(Vt), S2) };
}

/**
 * The singular value cotangent after the policy: averaged over clusters of equal nonzero values and dropped on the
 * zero cluster (`'gauge'`, `'broaden'`); checked instead under `'error'`; untouched under `'nan'`.
 *
 * Why drop it at zero: near a cluster of k zero singular values, those values are (to first order) the singular
 * values of a block B of Ȧ, an even, positively homogeneous function of B; the Clarke subdifferential of any function
 * of them is symmetric and convex, so it contains 0, which is its minimum-norm element — and the only gradient there
 * is when a derivative exists at all. For the nuclear norm Σ s this gives U₊V₊ᵀ (the minimum-norm subgradient).
 */
function valueCotangent(sbar: Tensor, spec: SingularSpectrum, res: ResolvedDegeneracy, fname: string): Tensor {
  if (res.policy === 'nan') return sbar;
  if (res.policy === 'error') requireValueCotangent(sbar, spec, res, fname);
  const g = averageOverClusters(sbar, spec);
  if (!spec.hasZero) return g;
  const { n: p, count } = spec;
  const keep = constant([count, p], realDType(g.dtype) as 'float64' | 'float32', (d) => {
    for (let b = 0; b < count; b++) for (let i = 0; i < spec.zeroStart[b]!; i++) d[b * p + i] = 1;
  });
  return mul(g, reshape(keep, g.shape));
}

/** Policy `'error'` for s̄: constant on each cluster of equal nonzero values, and zero on the zero cluster. */
function requireValueCotangent(sbar: Tensor, spec: SingularSpectrum, res: ResolvedDegeneracy, fname: string): void {
  const { n: p, count } = spec;
  const d = sbar.data;
  for (let b = 0; b < count; b++) {
    let scl = 0;
    for (let i = 0; i < p; i++) scl = Math.max(scl, Math.abs(d[b * p + i]!));
    if (!(scl > 0)) continue;
    for (const c of spec.clusters[b]!) {
      let mean = 0;
      for (let i = c.start; i < c.end; i++) mean += d[b * p + i]!;
      mean /= c.end - c.start;
      let dev = 0;
      for (let i = c.start; i < c.end; i++) dev = Math.max(dev, Math.abs(d[b * p + i]! - mean));
      if (dev > res.negligible * scl) {
        const vals = spectrumValues(spec, b, c.start, c.end);
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeRun(spec, b, c.start, c.end)} form a cluster (${tolText(res)}) and the singular value ` +
            `cotangent is not constant on it (it varies by ${(dev / scl).toExponential(1)} relative) under policy 'error'; ` +
            'individual values of a repeated singular value have no derivative — use a symmetric function of the cluster ' +
            "(their sum or mean), or policy 'gauge' for the minimum-norm generalized gradient (cluster average)",
          [c.start, c.end],
          vals,
          smallestGap(vals, false),
        );
      }
    }
    const z = spec.zeroStart[b]!;
    let worst = 0;
    for (let i = z; i < p; i++) worst = Math.max(worst, Math.abs(d[b * p + i]!));
    if (worst > res.negligible * scl) {
      const vals = spectrumValues(spec, b, z, p);
      throw new DegenerateEigenvaluesError(
        `${fname}: ${describeRun(spec, b, z, p)} count as zero (${tolText(res)}, chained from 0) and the singular value ` +
          `cotangent is ${(worst / scl).toExponential(1)} (relative) there under policy 'error'; a singular value at 0 has ` +
          "no derivative (it behaves like |x|) — use policy 'gauge' for the minimum-norm generalized gradient (which " +
          'drops that part), or a loss that is smooth there (such as Σ σ²)',
        [z, p],
        vals,
        smallestGap(vals, true),
      );
    }
  }
}

/** Matrix b of a batch `[..., r, c]` as an `[r, c]` tensor (core ops). */
function matrixOf(T: Tensor, count: number, b: number): Tensor {
  const r = T.shape[T.shape.length - 2]!;
  const c = T.shape[T.shape.length - 1]!;
  return reshape(slice(reshape(T, [count, r, c]), [b, 0, 0], [b + 1, r, c]), [r, c]);
}

/**
 * The one-sided directional derivative of the singular values of the zero cluster of matrix b: the singular values
 * of (I − U₊U₊ᵀ) Ȧ V_Z (m ≥ n, an m×k matrix) or U_Zᵀ Ȧ (I − V₊V₊ᵀ) (m < n, k×n), descending. These are the singular
 * values of the block N_Lᵀ Ȧ N_R of Ȧ between the full left and right null spaces (N_L N_Lᵀ = I − U₊U₊ᵀ), which is how
 * the k smallest singular values of A + tȦ leave 0 (Jordan–Wielandt matrix, first-order degenerate perturbation).
 */
function zeroClusterValues(
  b: number,
  spec: SingularSpectrum,
  shape: MatrixShape,
  U: Tensor,
  Vt: Tensor,
  P: Tensor,
  dA: Tensor,
  opts: SvdOptions | undefined,
): Tensor {
  const { m, n, p, count } = shape;
  const z = spec.zeroStart[b]!;
  const Ub = matrixOf(U, count, b);
  const Vtb = matrixOf(Vt, count, b);
  const Pb = matrixOf(P, count, b);
  const dAb = matrixOf(dA, count, b);
  let B: Tensor;
  if (m >= n) {
    B = matmul(dAb, transpose(slice(Vtb, [z, 0], [p, n])));
    if (z > 0) B = sub(B, matmul(slice(Ub, [0, 0], [m, z]), slice(Pb, [0, z], [z, p])));
  } else {
    B = matmul(transpose(slice(Ub, [0, z], [m, p])), dAb);
    if (z > 0) B = sub(B, matmul(slice(Pb, [z, 0], [p, z]), slice(Vtb, [0, 0], [z, n])));
  }
  return svdvals(B, opts);
}

/**
 * ṡ with the policy: diag P for simple values; at a cluster of equal nonzero values the eigenvalues of the symmetric
 * part of P_CC sorted descending (or diag P when the basis was already adapted to Ȧ); at the zero cluster the singular
 * values of the null-space block (see {@link zeroClusterValues}). Plain diag P under `'nan'`.
 */
function valueTangent(
  P: Tensor,
  U: Tensor,
  Vt: Tensor,
  dA: Tensor,
  spec: SingularSpectrum,
  shape: MatrixShape,
  res: ResolvedDegeneracy,
  opts: SvdOptions | undefined,
  adapted: boolean,
): Tensor {
  let d = diag(P);
  if (res.policy === 'nan') return d;
  // −eigvalsh(−sym B) lists the eigenvalues of sym B in descending order.
  if (!adapted) d = oneSidedValues(d, P, spec, (block) => neg(eigvalsh(neg(block), { symmetrize: true })));
  if (!spec.hasZero) return d;
  const { p, batchShape, count } = shape;
  const d2 = reshape(d, [count, p]);
  const rows: Tensor[] = [];
  for (let b = 0; b < count; b++) {
    const row = reshape(slice(d2, [b, 0], [b + 1, p]), [p]);
    const z = spec.zeroStart[b]!;
    if (z === p) {
      rows.push(row);
      continue;
    }
    const zv = zeroClusterValues(b, spec, shape, U, Vt, P, dA, opts);
    rows.push(z === 0 ? zv : concat([slice(row, [0], [z]), zv]));
  }
  return reshape(stack(rows), [...batchShape, p]);
}

/** Frobenius norms of the columns [start, end) of matrix b of a row-major batch `[count, r, c]`. */
function columnBlockNorm2(T: Float64Array | Float32Array, b: number, r: number, c: number, start: number, end: number): number {
  let s = 0;
  const o = b * r * c;
  for (let i = 0; i < r; i++) for (let j = start; j < end; j++) s += T[o + i * c + j]! ** 2;
  return s;
}

/**
 * The gauge checks of singular vector cotangents, from J = UᵀŪ, K = VᵀV̄ (`[..., p, p]`) and the complement parts
 * CU = (I − UUᵀ)Ū (`[..., m, p]`, m > n) and CV = (I − VVᵀ)V̄ (`[..., n, p]`, m < n):
 * - `'gauge'`: a cluster C of equal nonzero values leaves the joint rotation (U_C, V_C) → (U_C Q, V_C Q) free, so
 *   ‖(skew J_CC + skew K_CC)/2‖ must be negligible; the zero cluster Z leaves U_Z and V_Z free separately (and U_Z may
 *   turn into the complement of U when m > n, V_Z when m < n), so ‖skew J_ZZ/2‖, ‖skew K_ZZ/2‖ and the Z columns of
 *   CU, CV must be negligible. Else `GaugeDependenceError`.
 * - `'error'`: any off-diagonal in-cluster entry of J or K (and on the zero cluster any complement part) that is not
 *   negligible raises `DegenerateEigenvaluesError`.
 * "Negligible" is √ε of the dtype relative to (‖Ū‖² + ‖V̄‖²)^½ of the matrix.
 */
function checkVectorCotangents(
  J: Tensor | undefined,
  K: Tensor | undefined,
  CU: Tensor | undefined,
  CV: Tensor | undefined,
  scales: Float64Array,
  spec: SingularSpectrum,
  shape: MatrixShape,
  res: ResolvedDegeneracy,
  fname: string,
): void {
  if (res.policy !== 'gauge' && res.policy !== 'error') return;
  if (!spec.degenerate && !spec.hasZero) return;
  const { m, n, p, count } = shape;
  const err = res.policy === 'error';
  // Σ over off-diagonal (i, j) in the block of: (X_ij − X_ji)²/4 ('gauge') or X_ij² ('error'), for X = J and K,
  // or of the joint part ((J_ij − J_ji) + (K_ij − K_ji))²/4 ('gauge' at a nonzero cluster).
  const blockSum = (b: number, st: number, en: number, joint: boolean): number => {
    const o = b * p * p;
    let s = 0;
    for (let i = st; i < en; i++) {
      for (let j = st; j < en; j++) {
        if (i === j) continue;
        const jij = J ? J.data[o + i * p + j]! : 0;
        const jji = J ? J.data[o + j * p + i]! : 0;
        const kij = K ? K.data[o + i * p + j]! : 0;
        const kji = K ? K.data[o + j * p + i]! : 0;
        if (err) s += jij * jij + kij * kij;
        else if (joint) s += ((jij - jji + (kij - kji)) / 2) ** 2;
        else s += ((jij - jji) / 2) ** 2 + ((kij - kji) / 2) ** 2;
      }
    }
    return s;
  };
  for (let b = 0; b < count; b++) {
    const scl = scales[b]!;
    if (!(scl > 0)) continue;
    for (const c of spec.clusters[b]!) {
      const size = Math.sqrt(blockSum(b, c.start, c.end, true)) / scl;
      if (size <= res.negligible) continue;
      const vals = spectrumValues(spec, b, c.start, c.end);
      if (err) {
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeRun(spec, b, c.start, c.end)} form a cluster (${tolText(res)}) and the singular vector ` +
            `cotangent has a component of ${size.toExponential(1)}·‖(Ū, V̄)‖ inside it under policy 'error'. Singular vectors of a ` +
            "repeated singular value have no derivative; use policy 'gauge' if the loss depends on the singular subspaces only, " +
            "or 'broaden' for a smoothed (biased) gradient",
          [c.start, c.end],
          vals,
          smallestGap(vals, false),
        );
      }
      throw new GaugeDependenceError(
        `${fname}: the loss depends on the choice of basis inside the cluster of equal ${describeRun(spec, b, c.start, c.end)}: ` +
          `the joint-rotation part (skew(U_CᵀŪ_C) + skew(V_CᵀV̄_C))/2 is ${size.toExponential(1)}·‖(Ū, V̄)‖. Inside such a cluster ` +
          '(U_C, V_C) can be replaced by (U_C Q, V_C Q) for any orthogonal Q, so this gradient would be noise. Make the loss ' +
          'invariant under that rotation (the projectors U_C U_Cᵀ, V_C V_Cᵀ, or U_C V_Cᵀ), or pass ' +
          "{ degeneracy: { policy: 'broaden' } } for a smoothed, biased gradient",
        [c.start, c.end],
        vals,
        size,
      );
    }
    const z = spec.zeroStart[b]!;
    if (z === p) continue;
    let s2 = blockSum(b, z, p, false);
    if (CU) s2 += columnBlockNorm2(CU.data, b, m, p, z, p);
    if (CV) s2 += columnBlockNorm2(CV.data, b, n, p, z, p);
    const size = Math.sqrt(s2) / scl;
    if (size <= res.negligible) continue;
    const vals = spectrumValues(spec, b, z, p);
    const freedom =
      m > n ? 'U_Z may be any orthonormal basis of the left null space (which reaches outside the range of U), V_Z any basis of the right one' :
      m < n ? 'V_Z may be any orthonormal basis of the right null space (which reaches outside the range of V), U_Z any basis of the left one' :
      'U_Z and V_Z may be rotated independently';
    if (err) {
      throw new DegenerateEigenvaluesError(
        `${fname}: ${describeRun(spec, b, z, p)} count as zero (${tolText(res)}, chained from 0) and the singular vector ` +
          `cotangent has a component of ${size.toExponential(1)}·‖(Ū, V̄)‖ on their vectors under policy 'error'; ${freedom}, ` +
          "so they have no derivative. Use policy 'gauge' if the loss depends only on the vectors of the nonzero singular values",
        [z, p],
        vals,
        smallestGap(vals, true),
      );
    }
    throw new GaugeDependenceError(
      `${fname}: the loss depends on the singular vectors of ${describeRun(spec, b, z, p)}, which count as zero ` +
        `(${tolText(res)}, chained from 0): their component is ${size.toExponential(1)}·‖(Ū, V̄)‖. At zero singular values ` +
        `${freedom}, so this gradient would be noise. Make the loss depend on the vectors of the nonzero singular values ` +
        "only (e.g. the projector U₊U₊ᵀ), lower degeneracy.atol/rtol if these values are not really zero, or pass " +
        "{ degeneracy: { policy: 'broaden' } } for a smoothed, biased gradient",
      [z, p],
      vals,
      size,
    );
  }
}

/**
 * Policy `'error'` in forward mode: raises if Ȧ rotates the singular vectors of a cluster (the symmetric part of P_CC
 * has a non-negligible off-diagonal part, relative to ‖Ȧ‖) or of the zero cluster (any off-diagonal part of P_ZZ, or
 * a component of Ȧ V_Z outside the range of U when m > n, of Ȧᵀ U_Z outside the range of V when m < n).
 */
function checkVectorTangent(
  P: Tensor,
  U: Tensor,
  Vt: Tensor,
  dA: Tensor,
  spec: SingularSpectrum,
  shape: MatrixShape,
  res: ResolvedDegeneracy,
  fname: string,
): void {
  if (res.policy !== 'error' || (!spec.degenerate && !spec.hasZero)) return;
  const { m, n, p, count } = shape;
  const norms = blockNorms(dA, count, m * n);
  const CA = spec.hasZero && m !== n
    ? m > n
      ? sub(matmul(dA, transpose(Vt)), matmul(U, P))
      : sub(matmul(transpose(dA), U), matmul(transpose(Vt), transpose(P)))
    : undefined;
  for (let b = 0; b < count; b++) {
    if (!(norms[b]! > 0)) continue;
    const o = b * p * p;
    const runs: [number, number, boolean][] = spec.clusters[b]!.map((c) => [c.start, c.end, false]);
    if (spec.zeroStart[b]! < p) runs.push([spec.zeroStart[b]!, p, true]);
    for (const [st, en, isZero] of runs) {
      let s = 0;
      for (let i = st; i < en; i++) {
        for (let j = st; j < en; j++) {
          if (i === j) continue;
          const v = isZero ? P.data[o + i * p + j]! : (P.data[o + i * p + j]! + P.data[o + j * p + i]!) / 2;
          s += v * v;
        }
      }
      if (isZero && CA) s += columnBlockNorm2(CA.data, b, m > n ? m : n, p, st, en);
      const size = Math.sqrt(s) / norms[b]!;
      if (size > res.negligible) {
        const vals = spectrumValues(spec, b, st, en);
        throw new DegenerateEigenvaluesError(
          `${fname}: ${describeRun(spec, b, st, en)} ${isZero ? 'count as zero' : 'form a cluster'} (${tolText(res)}) and the ` +
            `tangent rotates their singular vectors (${size.toExponential(1)}·‖Ȧ‖) under policy 'error'; singular vectors there ` +
            "have no derivative — use policy 'gauge' (zero in-cluster coefficients, right for any subspace-only use) or separate the singular values",
          [st, en],
          vals,
          smallestGap(vals, isZero),
        );
      }
    }
  }
}

/** Cotangent scales (‖Ū‖² + ‖V̄‖²)^½ per matrix. */
function cotangentScales(Ubar: Tensor | undefined, Vtbar: Tensor | undefined, shape: MatrixShape): Float64Array {
  const { m, n, p, count } = shape;
  const a = Ubar ? blockNorms(Ubar, count, m * p) : new Float64Array(count);
  const c = Vtbar ? blockNorms(Vtbar, count, p * n) : new Float64Array(count);
  return a.map((x, b) => Math.hypot(x, c[b]!));
}

/**
 * Ā after the policy's checks (see the module header). Core ops only: U, S, Vt may be traced by outer levels, which
 * is what makes second derivatives (jvp of this pullback) work.
 */
function pullbackA(
  A: Tensor,
  y: SvdResult,
  sbar: Tensor | undefined,
  Ubar: Tensor | undefined,
  Vtbar: Tensor | undefined,
  spec: SingularSpectrum,
  shape: MatrixShape,
  res: ResolvedDegeneracy,
  fname: string,
): Tensor | typeof ZeroTangent {
  if (sbar === undefined && Ubar === undefined && Vtbar === undefined) return ZeroTangent;
  const { m, n, p, batchShape } = shape;
  if (p === 0) return zeros([...batchShape, m, n], y.S.dtype);
  const { U, S, Vt } = y;
  const g = sbar === undefined ? undefined : valueCotangent(sbar, spec, res, fname);
  if (Ubar === undefined && Vtbar === undefined) {
    // U diag(s̄) Vᵀ: scale the columns of U, one product.
    return matmul(mul(U, reshape(g!, [...batchShape, 1, p])), Vt);
  }
  const V = transpose(Vt);
  const J = Ubar === undefined ? undefined : matmul(transpose(U), Ubar);
  const K = Vtbar === undefined ? undefined : matmul(Vt, transpose(Vtbar));
  const CU = Ubar !== undefined && m > p ? sub(Ubar, matmul(U, J!)) : undefined;
  const CV = Vtbar !== undefined && n > p ? sub(transpose(Vtbar), matmul(V, K!)) : undefined;
  checkVectorCotangents(J, K, CU, CV, cotangentScales(Ubar, Vtbar, shape), spec, shape, res, fname);
  const F = factors(S, spec, res);
  const skJ = J === undefined ? undefined : sub(J, transpose(J));
  const skK = K === undefined ? undefined : sub(K, transpose(K));
  const plus = skJ && skK ? add(skJ, skK) : (skJ ?? skK)!;
  const minus = skJ && skK ? sub(skJ, skK) : skJ ?? neg(skK!);
  let M = scale(add(mul(F.Dm, plus), mul(F.Dp, minus)), 0.5);
  if (g !== undefined) M = add(M, diagm(g));
  let Abar = matmul(matmul(U, M), Vt);
  if (CU) Abar = add(Abar, matmul(mul(CU, F.Sinv), Vt));
  if (CV) Abar = add(Abar, matmul(mul(U, F.Sinv), transpose(CV)));
  if (F.sPlus) {
    const { AZ, US2, VS2 } = zeroCoupling(A, U, Vt, F, shape);
    if (Ubar) Abar = add(Abar, matmul(US2, matmul(transpose(Ubar), AZ)));
    if (Vtbar) Abar = add(Abar, matmul(AZ, matmul(transpose(Vtbar), transpose(VS2))));
  }
  return Abar;
}

/** The tangent of svd's output along Ȧ, with the policy (see the module header). */
function pushforward(
  A: Tensor,
  dA: Tensor,
  opts: SvdOptions | undefined,
  fname: string,
): [SvdResult, { U: Tensor; S: Tensor; Vt: Tensor }] {
  const res = checkOptions(opts, A, fname);
  const shape = requireMatrix(A, fname);
  const { m, n, p } = shape;
  const y = svd(A, opts);
  if (p === 0) return [y, { U: zeros(y.U.shape, y.U.dtype), S: zeros(y.S.shape, y.S.dtype), Vt: zeros(y.Vt.shape, y.Vt.dtype) }];
  const spec = singularSpectrum(y.S, res);
  let { U } = y;
  let V = transpose(y.Vt);
  let P = matmul(transpose(U), matmul(dA, V));
  checkVectorTangent(P, U, y.Vt, dA, spec, shape, res, fname);
  const adapt = res.policy !== 'nan' && spec.degenerate;
  if (adapt) {
    // At a cluster of equal nonzero values, turn (U_C, V_C) jointly to the basis adapted to Ȧ (the t → 0⁺ limit of the
    // singular vectors of A + tȦ): sym(P_CC) = W diag(μ) Wᵀ, μ descending. Then diag P is the one-sided ṡ and belongs
    // to its column, which is what makes second derivatives of subspace losses exact at ties.
    const r = adaptClusterBasis(concat([U, V], -2), P, spec, (block) => eigh(neg(block), { symmetrize: true }).vectors);
    const UV = r.V;
    const lead = UV.shape.slice(0, -2);
    U = slice(UV, [...lead.map(() => 0), 0, 0], [...lead, m, p]);
    V = slice(UV, [...lead.map(() => 0), m, 0], [...lead, m + n, p]);
    P = r.K;
  }
  const Vt = adapt ? transpose(V) : y.Vt;
  const dS = valueTangent(P, U, Vt, dA, spec, shape, res, opts, adapt);
  const F = factors(y.S, spec, res);
  const Psym = add(P, transpose(P));
  const Pskew = sub(P, transpose(P));
  let dU = matmul(U, scale(add(mul(F.Dm, Psym), mul(F.Dp, Pskew)), 0.5));
  let dV = matmul(V, scale(sub(mul(F.Dm, Psym), mul(F.Dp, Pskew)), 0.5));
  if (m > p) dU = add(dU, mul(sub(matmul(dA, V), matmul(U, P)), F.Sinv));
  if (n > p) dV = add(dV, mul(sub(matmul(transpose(dA), U), matmul(V, transpose(P))), F.Sinv));
  if (F.sPlus) {
    const { AZ, US2, VS2 } = zeroCoupling(A, U, Vt, F, shape);
    dU = add(dU, matmul(AZ, matmul(transpose(dA), US2)));
    dV = add(dV, matmul(transpose(AZ), matmul(dA, VS2)));
  }
  return [adapt ? { U, S: y.S, Vt } : y, { U: dU, S: dS, Vt: transpose(dV) }];
}

function samples(): [Tensor, SvdOptions | undefined][] {
  // Well-separated singular values, so raw singular vectors are differentiable and finite differences are clean.
  const tall = new Tensor([4, 3], 'float64', Float64Array.from([3, 1, 0.5, 0.2, 2, -0.4, 0.1, 0.3, 1, -0.6, 0.2, 0.4]));
  const wide = new Tensor([2, 4], 'float64', Float64Array.from([2, -1, 0.3, 0.5, 0.4, 1, -0.7, 0.2]));
  return [
    [tall, undefined],
    [wide, { degeneracy: { policy: 'gauge' } }],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The rules.

/**
 * Singular values of a real matrix (or a batch), descending: `[..., m, n]` → `[..., min(m, n)]`.
 *
 * **Method**: preconditioned one-sided Jacobi (`svd` of @ad/kernels: QR with column pivoting, then Hestenes
 * rotations), one matrix of the batch at a time; float32 input is computed in float64 and rounded. Derivative:
 * ṡᵢ = uᵢᵀ Ȧ vᵢ; pullback Ā = U diag(s̄) Vᵀ.
 *
 * **Numerical notes**: small singular values are computed to high relative accuracy (see the kernel). Degeneracy
 * (`opts.degeneracy`, clusters by gaps ≤ atol + rtol·max σ, defaults ε^0.6 and ε^0.4): s̄ is averaged over each
 * cluster of equal nonzero values (exact where a derivative exists, else the minimum-norm generalized gradient: for a
 * repeated σ_max of multiplicity k, U_C V_Cᵀ/k), and dropped on the singular values that count as zero (joined to 0 by
 * such gaps): there 0 is the minimum-norm generalized gradient, so the nuclear norm Σσ gets U₊V₊ᵀ at a rank-deficient
 * matrix (raise the precision of that decision with smaller atol/rtol: a value of 1e-9·σ_max counts as zero by
 * default). Second derivatives there are those of this answer: hvp of Σσ² at a rank-deficient matrix is
 * 2(Ȧ − N_LN_LᵀȦN_RN_Rᵀ) (N_L, N_R: null-space bases), not 2Ȧ. `'error'` raises `DegenerateEigenvaluesError` instead when s̄ is not constant on a cluster or not zero at 0;
 * `'nan'` applies U diag(s̄) Vᵀ as it is. Forward mode returns the one-sided directional derivative: at a cluster the
 * eigenvalues of sym(U_Cᵀ Ȧ V_C) sorted descending, at the zero cluster the singular values of (I − U₊U₊ᵀ) Ȧ V_Z (m ≥ n)
 * or U_Zᵀ Ȧ (I − V₊V₊ᵀ) (m < n) — not linear in Ȧ there. Input checks: `ShapeError` (rank < 2), `DTypeError`
 * (complex input, not supported yet), `NonFiniteInputError`, `ConvergenceError` (Jacobi sweeps exhausted).
 *
 * **References**: MATH.md, "SVD"; Lewis & Sendov (2005), "Nonsmooth analysis of singular values. Part I: theory",
 * Set-Valued Analysis 13:213–241; Drmač & Veselić (2008), SIAM J. Matrix Anal. Appl. 29:1322–1362 (the kernel).
 *
 * @example
 * ```ts
 * import { grad, sum, tensor } from '@ad/core';
 * import { svdvals } from '@ad/rules-eigen';
 * svdvals(tensor([[3, 0], [0, -2], [0, 0]]));                    // [3, 2]
 * grad((A) => sum(svdvals(A)))(tensor([[3, 0], [0, -2], [0, 0]])); // nuclear norm: U Vᵀ = [[1, 0], [0, -1], [0, 0]]
 * ```
 */
export const svdvals: DifferentiableFunction<[Tensor, SvdOptions?], Tensor> = defineRule<[Tensor, SvdOptions?], Tensor>({
  name: '@ad/rules-eigen/svdvals',
  structure: ['general', 'nondiff'],
  primal: (A: Tensor, opts?: SvdOptions) => decompose(A, opts, 'svdvals', false).S,
  frule: ([A, opts], [dA]) => {
    const { res, shape } = checkInput(A, opts, 'svdvals');
    const y = svd(A, opts);
    if (shape.p === 0) return [y.S, zeros(y.S.shape, y.S.dtype)];
    const spec = singularSpectrum(y.S, res);
    const P = matmul(transpose(y.U), matmul(dA as Tensor, transpose(y.Vt)));
    return [y.S, valueTangent(P, y.U, y.Vt, dA as Tensor, spec, shape, res, opts, false)];
  },
  rrule: (A: Tensor, opts?: SvdOptions) => {
    const { res, shape } = checkInput(A, opts, 'svdvals');
    const y = svd(A, opts);
    const spec = singularSpectrum(y.S, res);
    return [y.S, (sbar) => [pullbackA(A, y, asCotangent(sbar), undefined, undefined, spec, shape, res, 'svdvals'), NoTangent]];
  },
  samples: () => samples(),
});

/**
 * Thin singular value decomposition of a real matrix (or a batch): `{ U: [..., m, p], S: [..., p], Vt: [..., p, n] }`
 * with A = U diag(S) Vt, p = min(m, n), S descending, UᵀU = VtVtᵀ = I.
 *
 * **Method**: preconditioned one-sided Jacobi (`svd` of @ad/kernels), each column of V scaled so that its
 * largest-magnitude entry is positive and U's column flipped with it (DESIGN.md's sign convention; not
 * differentiated). Derivatives (module header): with P = UᵀȦV, ṡ = diag P and
 * Ā = U[diag(s̄) + ½D⁻∘(skew UᵀŪ + skew VᵀV̄) + ½D⁺∘(skew UᵀŪ − skew VᵀV̄)]Vᵀ + (I − UUᵀ)ŪS⁻¹Vᵀ (m > n)
 * + US⁻¹V̄ᵀ(I − VVᵀ) (m < n), D⁻_jk = 1/(s_k − s_j), D⁺_jk = 1/(s_k + s_j) — MATH.md's formula, split so that each
 * singular factor appears alone.
 *
 * **Numerical notes**: singular vector derivatives are defined for sign-invariant uses (u vᵀ, projectors); at simple
 * nonzero values the raw outputs are differentiable (the sign convention is locally constant). Degeneracy
 * (`opts.degeneracy`): s̄ as in {@link svdvals}. A cluster C of equal nonzero values leaves (U_C, V_C) → (U_C Q, V_C Q)
 * free; `'gauge'` (default) drops the in-cluster D⁻ terms after checking that the joint-rotation part
 * skew(U_CᵀŪ_C) + skew(V_CᵀV̄_C) is negligible (else `GaugeDependenceError` naming the cluster), and keeps the finite D⁺
 * terms, so U_CU_Cᵀ, V_CV_Cᵀ and U_CV_Cᵀ all get their exact gradients at exact ties. Singular values that count as
 * zero (chained to 0 by gaps ≤ atol + rtol·max σ) are a cluster at 0: their vectors are arbitrary bases of the null
 * spaces, so `'gauge'` requires the loss not to depend on them (skew J_ZZ, skew K_ZZ and, when m ≠ n, the complement
 * part (I − UUᵀ)Ū_Z or (I − VVᵀ)V̄_Z negligible) and returns the gradient with every 1/0 term (in-cluster D±, S⁻¹ on
 * those columns) set to 0, the zero values entering as the constant 0 and their O(σ) coupling to the nonzero part
 * written through A_Z = A − U₊S₊V₊ᵀ — exact, to first and second order, for losses of the nonzero part (U₊U₊ᵀ, V₊V₊ᵀ,
 * U₊V₊ᵀ, the top singular triplets).
 * `'error'` raises `DegenerateEigenvaluesError` for any singular vector cotangent (or tangent) inside a cluster or on
 * the zero cluster; `'broaden'` replaces each 1/x (D⁻, D⁺, S⁻¹) by x/(x² + ε), ε = (1e-8·max σ)² by default (smooth,
 * biased by O(ε/gap²)); `'nan'` is the plain formula (Inf/NaN at ties and zeros, as PyTorch and JAX). Forward mode:
 * ṡ is the one-sided derivative (see {@link svdvals}); at a nonzero cluster the returned U_C, V_C are the basis adapted
 * to Ȧ, so ṡ belongs to its column. Not covered: the zero cluster's basis is not adapted to Ȧ, so second derivatives
 * at exactly zero singular values are not exact for losses whose cotangent reaches the zero values or their vectors
 * at first order in Ȧ — the Hessian-vector product of Σσ² at a rank-deficient matrix is 2(Ȧ − N_LN_LᵀȦN_RN_Rᵀ) instead
 * of 2Ȧ (N_L, N_R: bases of the null spaces), and losses of U_Z, V_Z (e.g. U_ZU_Zᵀ when m = n) get exact gradients but
 * not exact Hessians. Input checks as {@link svdvals}.
 *
 * **References**: Townsend (2016), "Differentiating the singular value decomposition"; Seeger et al. (2017),
 * arXiv:1710.08717; Ionescu et al. (2015), "Matrix backpropagation for deep networks with structured layers", ICCV;
 * PyTorch `svd_backward`; MATH.md, "SVD".
 *
 * @example
 * ```ts
 * import { grad, mul, slice, sum, tensor } from '@ad/core';
 * import { svd } from '@ad/rules-eigen';
 * const A = tensor([[3, 0], [0, -2], [0, 0]]);
 * svd(A);   // { U: [[1, 0], [0, -1], [0, 0]], S: [3, 2], Vt: [[1, 0], [0, 1]] }
 * // a sign-invariant loss: u₁[1]·v₁[0], an entry of the top pair's u₁v₁ᵀ
 * const loss = (X) => { const y = svd(X); return sum(mul(slice(y.U, [1, 0], [2, 1]), slice(y.Vt, [0, 0], [1, 1]))); };
 * grad(loss)(A);   // [[0, -0.4], [0.6, 0], [0, 0]]
 * ```
 */
export const svd: DifferentiableFunction<[Tensor, SvdOptions?], SvdResult> = defineRule<[Tensor, SvdOptions?], SvdResult>({
  name: '@ad/rules-eigen/svd',
  structure: ['general', 'nondiff'],
  primal: (A: Tensor, opts?: SvdOptions) => {
    const { U, S, Vt } = decompose(A, opts, 'svd', true);
    return { U: U!, S, Vt: Vt! };
  },
  frule: ([A, opts], [dA]) => pushforward(A, dA as Tensor, opts, 'svd'),
  rrule: (A: Tensor, opts?: SvdOptions) => {
    const { res, shape } = checkInput(A, opts, 'svd');
    const y = svd(A, opts);
    const spec = singularSpectrum(y.S, res);
    return [
      y,
      (ybar) => {
        const get = (k: 'U' | 'S' | 'Vt') => cotangentField(ybar, k);
        return [pullbackA(A, y, get('S'), get('U'), get('Vt'), spec, shape, res, 'svd'), NoTangent];
      },
    ];
  },
  samples: () => samples(),
});
