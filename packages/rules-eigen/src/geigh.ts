/**
 * `geigvalsh` and `geigh`: the generalized symmetric-definite eigenproblem A v = λ B v (A real symmetric, B real
 * symmetric positive definite), batched over leading dimensions, with forward and reverse rules in both A and B.
 *
 * The math (MATH.md, "Generalized symmetric-definite"), with A V = B V Λ, Vᵀ B V = I, λ ascending,
 * F_ij = 1/(λⱼ − λᵢ) (i ≠ j), F_ii = 0, K_A = Vᵀ Ȧ V, K_B = Vᵀ Ḃ V and the symmetric "shifted" tangent
 *
 *   S = K_A − ½ (Λ K_B + K_B Λ),   i.e.  S_ij = vᵢᵀ (Ȧ − ½(λᵢ + λⱼ) Ḃ) vⱼ:
 *
 *   forward:  λ̇ = diag S  (= vᵢᵀ(Ȧ − λᵢḂ)vᵢ);   V̇ = V C,  C = F ∘ S − ½ K_B
 *   reverse:  K̄ = Vᵀ V̄,  P = diag(λ̄) + sym(F ∘ K̄);   Ā = V P Vᵀ;   B̄ = −V ( sym(Λ P) + ½ sym(K̄) ) Vᵀ
 *
 * C = F ∘ S − ½ K_B is MATH.md's v̇ⱼ = Σ_{i≠j} vᵢ vᵢᵀ(Ȧ − λⱼḂ)vⱼ/(λⱼ − λᵢ) − ½ vⱼ(vⱼᵀḂvⱼ) rewritten: since
 * λⱼ = ½(λᵢ + λⱼ) + ½(λⱼ − λᵢ), F_ij (K_A − K_B Λ)_ij = F_ij S_ij − ½ (K_B)_ij. Likewise B̄ above equals MATH.md's
 * −sym(V(diag(λ̄∘λ) + (F∘K̄)Λ + ½ Diag K̄)Vᵀ) wherever F is the plain 1/(λⱼ − λᵢ). The split matters at clusters:
 * B-orthonormality fixes the symmetric part of C (C + Cᵀ = −K_B) whatever the eigenvalues do, and only the skew
 * part — a rotation of the basis inside a cluster — has the 1/(λⱼ − λᵢ) singularity. Masking F (policy `'gauge'`)
 * therefore drops exactly the arbitrary part and keeps −½K_B on the cluster block, which the projector V_C V_Cᵀ B and
 * Σ_{i∈C} vᵢᵀ W vᵢ do depend on. (Masking F in MATH.md's form would lose that term.)
 *
 * Degeneracy follows eigh (degeneracy.ts, DESIGN.md "Degeneracy"): eigenvalue cotangents averaged over clusters,
 * eigenvalue tangents the one-sided directional derivative (sorted eigenvalues of S_CC = U_Cᵀ(Ȧ − λḂ)U_C), the gauge
 * check on the skew part of K̄_CC, and F per policy.
 *
 * References: Kasim (2020), xitorch `symeig` (the generalized case, with the same three terms in B̄); Magnus (1985),
 * "On differentiating eigenvalues and eigenvectors", Econometric Theory 1:179–191 (normalization derivatives);
 * Nelson (1976), "Simplified calculation of eigenvector derivatives", AIAA J. 14:1201–1205 (structural dynamics,
 * mass-normalized modes); Martin & Wilkinson (1968), Numer. Math. 11:99–110 (the Cholesky reduction).
 * @module
 */
import {
  ConvergenceError,
  DTypeError,
  NoTangent,
  NotPositiveDefiniteError,
  ShapeError,
  Tensor,
  Tracer,
  ZeroTangent,
  add,
  cast,
  defineRule,
  diag,
  diagm,
  isZeroTangent,
  matmul,
  mul,
  neg,
  promoteTypes,
  reshape,
  scale,
  sub,
  sum,
  thunk,
  transpose,
  zeros,
  type DType,
  type DifferentiableFunction,
  type Tangent,
} from '@ad/core';
import { generalizedSymEig } from '@ad/kernels';
import { storeColumnMajor } from './batch.js';
import { asCotangent, cotangentField, matrixForKernel, requireFinite, requireHermitian, requireSquare, unravel } from './checks.js';
import {
  adaptClusterBasis,
  blockNorms,
  checkVectorCotangent,
  checkVectorTangent,
  eigenvalueCotangent,
  fMatrix,
  oneSidedValues,
  resolveSymmetricOptions,
  spectrumOf,
  type DegeneracyOptions,
  type ResolvedDegeneracy,
  type Spectrum,
} from './degeneracy.js';
import { eigh, eigvalsh } from './eigh.js';

/** Options of {@link geigh} and {@link geigvalsh}. */
export interface GeighOptions {
  /**
   * Use (A + Aᵀ)/2 and (B + Bᵀ)/2 without checking symmetry. By default A and B must each be symmetric within
   * max|X − Xᵀ| ≤ 1e-10·max|X| (1e-4 for float32), else `NotSymmetricError`.
   */
  symmetrize?: boolean;
  /** Cluster tolerance and what to do with derivatives inside clusters (see `DegeneracyOptions`). */
  degeneracy?: DegeneracyOptions;
}

/**
 * Result of {@link geigh}: generalized eigenvalues ascending `[..., n]` and B-orthonormal eigenvectors as the columns
 * of `[..., n, n]` (Vᵀ B V = I).
 */
export interface GeighResult {
  /** Generalized eigenvalues, ascending (float32 if A and B are both float32, float64 otherwise). */
  values: Tensor;
  /** Eigenvectors: column j belongs to `values[j]`; Vᵀ B V = I; same dtype as `values`. */
  vectors: Tensor;
}

// ---------------------------------------------------------------------------------------------------------------
// Primal: input checks, then one kernel call per matrix of the batch.

/** The output dtype: float32 only when both inputs are float32 (the kernel runs in float64 either way). */
function outDType(A: Tensor, B: Tensor): 'float64' | 'float32' {
  return promoteTypes(A.dtype, B.dtype) === 'float32' ? 'float32' : 'float64';
}

/** Every input check of both rules, named after the function the user called. */
function checkInput(A: Tensor, B: Tensor, opts: GeighOptions | undefined, fname: string): ResolvedDegeneracy {
  for (const [X, arg] of [[A, 'A'], [B, 'B']] as const) {
    if (X.dtype === 'complex128') {
      throw new DTypeError(
        `${fname}: ${arg} must be real (float64 or float32), got complex128; the generalized problem is implemented for real ` +
          'symmetric A and real symmetric positive definite B',
      );
    }
  }
  const res = resolveSymmetricOptions(opts, outDType(A, B), fname);
  const { n } = requireSquare(A, fname, 'A');
  requireSquare(B, fname, 'B');
  if (A.shape.length !== B.shape.length || A.shape.some((d, k) => d !== B.shape[k])) {
    throw new ShapeError(
      `${fname}: A and B must have the same shape [..., n, n], got A [${A.shape.join(', ')}] and B [${B.shape.join(', ')}]` +
        (B.shape.length === 2 && B.shape[0] === n && A.shape.length > 2 ? '; to share one B across a batch, pass broadcastTo(B, A.shape)' : ''),
    );
  }
  requireFinite(A, fname, 'A');
  requireFinite(B, fname, 'B');
  if (opts?.symmetrize !== true) {
    requireHermitian(A, fname, 'A');
    requireHermitian(B, fname, 'B');
  }
  return res;
}

function decompose(
  A: Tensor,
  B: Tensor,
  opts: GeighOptions | undefined,
  fname: string,
  wantVectors: boolean,
): { values: Tensor; vectors: Tensor | undefined } {
  checkInput(A, B, opts, fname);
  const { n, batchShape, count } = requireSquare(A, fname);
  const symmetrize = opts?.symmetrize === true;
  const dtype = outDType(A, B);
  const values = zeros([...batchShape, n], dtype);
  const vectors = wantVectors ? zeros(A.shape, dtype) : undefined;
  for (let b = 0; b < count; b++) {
    const where = batchShape.length > 0 ? ` (matrix [${unravel(b, batchShape).join(', ')}] of the batch)` : '';
    const r = generalizedSymEig(matrixForKernel(A, b, n, symmetrize).re, matrixForKernel(B, b, n, symmetrize).re, n, { vectors: wantVectors });
    if (r.choleskyInfo > 0) {
      const k = r.choleskyInfo;
      throw new NotPositiveDefiniteError(
        `${fname}: B is not positive definite${where}: its leading minor of order ${k} (B[0:${k}, 0:${k}]) is not — the Cholesky ` +
          `factorization B = L Lᵀ met a non-positive pivot at row ${k - 1}. B must be symmetric positive definite (a mass, ` +
          'metric or covariance matrix); check how it was built, or add a small multiple of the identity if it is only semidefinite',
        k,
      );
    }
    if (r.info > 0) {
      throw new ConvergenceError(
        `${fname}: the QL iteration on L⁻¹ A L⁻ᵀ did not converge for eigenvalue ${r.info - 1}${where} of a ${n}×${n} problem ` +
          'within its bound of 30·n iterations; A or B may be badly scaled — try rescaling them',
        30 * n,
        Number.NaN,
        // QL deflates when |e_m| ≤ ε·max(|d_k| + |e_k|): the tolerance is ε, relative
        Number.EPSILON,
      );
    }
    values.data.set(r.values, b * n);
    if (vectors && r.vectors) storeColumnMajor(r.vectors, vectors.data, b * n * n, n, n);
  }
  return { values, vectors };
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces of the rules (core ops only, so that they can be differentiated again).

/** (X + Xᵀ)/2 over the last two axes. */
function symPart(X: Tensor): Tensor {
  return scale(add(X, transpose(X)), 0.5);
}

/** Vᵀ X V. */
function sandwich(V: Tensor, X: Tensor): Tensor {
  return matmul(transpose(V), matmul(X, V));
}

/** diag(Vᵀ X V) without forming the product: column sums of V ∘ (X V). */
function diagSandwich(V: Tensor, X: Tensor): Tensor {
  return sum(mul(V, matmul(X, V)), -2);
}

/** λ as a column [..., n, 1] (scales rows) and as a row [..., 1, n] (scales columns). */
function asColumn(lam: Tensor): Tensor {
  return reshape(lam, [...lam.shape, 1]);
}
function asRow(lam: Tensor): Tensor {
  return reshape(lam, [...lam.shape.slice(0, -1), 1, lam.shape[lam.shape.length - 1]!]);
}

/** S = K_A − ½(Λ K_B + K_B Λ): the symmetric tangent whose diagonal is λ̇ and whose off-diagonal drives V̇. */
function shiftedTangent(KA: Tensor, KB: Tensor, lam: Tensor): Tensor {
  return sub(KA, scale(add(mul(asColumn(lam), KB), mul(KB, asRow(lam))), 0.5));
}

/**
 * True when a tangent is known to be zero without looking below this level: ZeroTangent, or a plain (untraced)
 * tensor of zeros. A traced zero may carry an outer level's perturbation, so it is never skipped.
 */
function isKnownZero(t: unknown): boolean {
  if (isZeroTangent(t)) return true;
  if (!(t instanceof Tensor) || t instanceof Tracer) return false;
  for (let k = 0; k < t.size; k++) if (t.data[k] !== 0) return false;
  return true;
}

/** A tensor tangent of the expected dtype (frule tangents must match the output's dtype). */
function asDType(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : cast(t, dtype);
}

/**
 * S = Vᵀ Ȧ V − sym(Λ Vᵀ Ḃ V) for tangents that may be known zeros (undefined), with K_B = Vᵀ Ḃ V when Ḃ is given.
 * Differentiating in one argument only costs two products instead of four.
 */
function tangentS(V: Tensor, lam: Tensor, dA: Tensor | undefined, dB: Tensor | undefined): { S: Tensor; KB: Tensor | undefined } {
  const KA = dA === undefined ? undefined : sandwich(V, dA);
  const KB = dB === undefined ? undefined : sandwich(V, dB);
  if (KB === undefined) return { S: KA ?? zeros(V.shape, V.dtype), KB };
  return { S: shiftedTangent(KA ?? zeros(V.shape, V.dtype), KB, lam), KB };
}

/** The symmetric part of a tangent, or undefined for a known zero. */
function symTangent(t: unknown): Tensor | undefined {
  return isKnownZero(t) ? undefined : symPart(t as Tensor);
}

/** λ̇ = diag S, with the one-sided directional derivative at clusters (plain diagonal under 'nan'). */
function valueTangent(V: Tensor, lam: Tensor, dA: Tensor | undefined, dB: Tensor | undefined, spec: Spectrum, res: ResolvedDegeneracy): Tensor {
  if (res.policy === 'nan' || !spec.degenerate) {
    // diag S = diag(VᵀȦV) − λ ∘ diag(VᵀḂV), without forming the full products
    const a = dA === undefined ? undefined : diagSandwich(V, dA);
    const b = dB === undefined ? undefined : mul(lam, diagSandwich(V, dB));
    if (a === undefined) return b === undefined ? zeros(lam.shape, lam.dtype) : neg(b);
    return b === undefined ? a : sub(a, b);
  }
  const { S } = tangentS(V, lam, dA, dB);
  return oneSidedValues(diag(S), S, spec, (block) => eigvalsh(block, { symmetrize: true }));
}

/**
 * The pullback in both arguments, after the policy's checks:
 * Ā = V P Vᵀ, B̄ = −V (sym(Λ P) + ½ sym(K̄)) Vᵀ with P = diag(λ̄) + sym(F ∘ K̄), K̄ = Vᵀ V̄; values only:
 * Ā = V diag(λ̄) Vᵀ, B̄ = −V diag(λ̄ ∘ λ) Vᵀ. Each cotangent is a thunk (a caller differentiating in one argument
 * only never pays for the other); the checks run eagerly.
 */
function pullbackAB(
  V: Tensor,
  lam: Tensor,
  lbar: Tensor | undefined,
  vbar: Tensor | undefined,
  spec: Spectrum,
  res: ResolvedDegeneracy,
  fname: string,
): Tangent[] {
  if (lbar === undefined && vbar === undefined) return [ZeroTangent, ZeroTangent, NoTangent];
  const g = lbar === undefined ? undefined : eigenvalueCotangent(lbar, spec, res, fname);
  const Vt = transpose(V);
  if (vbar === undefined) {
    // V diag(d) Vᵀ: scale the columns, one product.
    const outer = (d: Tensor) => symPart(matmul(mul(V, asRow(d)), Vt));
    return [thunk(() => outer(g!)), thunk(() => neg(outer(mul(g!, lam)))), NoTangent];
  }
  const { n, count } = spec;
  const Kbar = matmul(Vt, vbar);
  checkVectorCotangent(Kbar, blockNorms(Kbar, count, n * n), spec, res, fname, '‖VᵀV̄‖');
  let P = symPart(mul(fMatrix(lam, spec, res), Kbar));
  if (g !== undefined) P = add(P, diagm(g));
  const PB = add(symPart(mul(asColumn(lam), P)), scale(symPart(Kbar), 0.5));
  return [thunk(() => symPart(matmul(matmul(V, P), Vt))), thunk(() => neg(symPart(matmul(matmul(V, PB), Vt)))), NoTangent];
}

function samples(): [Tensor, Tensor, GeighOptions | undefined][] {
  // Generalized eigenvalues ≈ 0.20, 1.00, 2.07, 3.71 (gaps ≥ 0.8) and 0.38, 1.25, 3.31: raw eigenvectors are
  // differentiable and finite differences clean; B well conditioned (κ ≈ 3 and 2).
  const A4 = new Tensor([4, 4], 'float64', Float64Array.from([4, 1, 0.5, 0, 1, 3, 0.2, 0.1, 0.5, 0.2, 2, 0.3, 0, 0.1, 0.3, 1]));
  const B4 = new Tensor([4, 4], 'float64', Float64Array.from([2, 0.3, 0, 0.1, 0.3, 1.5, 0.2, 0, 0, 0.2, 1, 0.1, 0.1, 0, 0.1, 1.2]));
  const A3 = new Tensor([3, 3], 'float64', Float64Array.from([2, -1, 0, -1, 2, -1, 0, -1, 2]));
  const B3 = new Tensor([3, 3], 'float64', Float64Array.from([2, 0.5, 0, 0.5, 1, 0, 0, 0, 1.5]));
  return [
    [A4, B4, undefined],
    [A3, B3, { degeneracy: { policy: 'gauge' } }],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The rules.

/**
 * Generalized eigenvalues of A v = λ B v — A real symmetric, B real symmetric positive definite — ascending (batched
 * over leading dimensions).
 *
 * **Method**: B = L Lᵀ (Cholesky), C = L⁻¹ A L⁻ᵀ, eigenvalues of C by Householder tridiagonalization and implicit QL
 * (`generalizedSymEig` of @ad/kernels), one matrix of the batch at a time; float32 input is computed in float64 and
 * rounded. Derivative: λ̇ᵢ = vᵢᵀ(Ȧ − λᵢḂ)vᵢ with B-normalized vᵢ; pullback Ā = V diag(λ̄) Vᵀ,
 * B̄ = −V diag(λ̄∘λ) Vᵀ.
 *
 * **Numerical notes**: degeneracy — the eigenvalue cotangent is averaged over each cluster (gaps ≤ atol + rtol·max|λ|,
 * defaults ε^0.6 and ε^0.4 of the dtype), which is exact wherever the sorted eigenvalues are differentiable (e.g. for
 * the sum over a cluster) and otherwise the basis-independent minimum-norm choice; `policy: 'error'` raises
 * `DegenerateEigenvaluesError` when λ̄ is not constant on a cluster, `'nan'` skips the averaging. Forward mode at a
 * cluster returns the one-sided directional derivative: the eigenvalues of U_Cᵀ(Ȧ − λḂ)U_C sorted ascending (not
 * linear in the tangent). Accuracy: eigenvalue errors grow like n·ε·‖A‖·‖B⁻¹‖, so an ill-conditioned B costs digits
 * (κ(B) = 1e8 leaves ≈ 1e-9 relative). Input checks: `ShapeError` (not square, or A and B of different shapes),
 * `DTypeError` (complex), `NonFiniteInputError`, `NotSymmetricError` (A or B beyond 1e-10·max|X|, 1e-4 in float32;
 * `{ symmetrize: true }` uses the symmetric parts), `NotPositiveDefiniteError` (naming the failing leading minor of B),
 * `ConvergenceError`.
 *
 * **References**: Martin & Wilkinson (1968), "Reduction of the symmetric eigenproblem Ax = λBx and related problems to
 * standard form", Numer. Math. 11:99–110; Golub & Van Loan, *Matrix Computations*, 4th ed., §8.7; MATH.md,
 * "Generalized symmetric-definite".
 *
 * @example
 * ```ts
 * import { grad, slice, sum, tensor } from '@ad/core';
 * import { geigvalsh } from '@ad/rules-eigen';
 * const K = tensor([[2, -1], [-1, 2]]);
 * const M = tensor([[1, 0], [0, 2]]);
 * geigvalsh(K, M);                                              // [(3 − √3)/2, (3 + √3)/2] ≈ [0.634, 2.366]
 * grad((k) => sum(slice(geigvalsh(k, M), [0], [1])))(K);        // v₁v₁ᵀ with v₁ᵀ M v₁ = 1
 * ```
 */
export const geigvalsh: DifferentiableFunction<[Tensor, Tensor, GeighOptions?], Tensor> = defineRule<[Tensor, Tensor, GeighOptions?], Tensor>({
  name: '@ad/rules-eigen/geigvalsh',
  structure: ['symmetric', 'spd', 'nondiff'],
  primal: (A: Tensor, B: Tensor, opts?: GeighOptions) => decompose(A, B, opts, 'geigvalsh', false).values,
  frule: ([A, B, opts], [dA, dB]) => {
    const res = checkInput(A, B, opts, 'geigvalsh');
    const { values, vectors: V } = geigh(A, B, opts);
    const spec = spectrumOf(values, res);
    const dl = valueTangent(V, values, symTangent(dA), symTangent(dB), spec, res);
    return [values, asDType(dl, values.dtype)];
  },
  rrule: (A: Tensor, B: Tensor, opts?: GeighOptions) => {
    const res = checkInput(A, B, opts, 'geigvalsh');
    const { values, vectors: V } = geigh(A, B, opts);
    const spec = spectrumOf(values, res);
    return [values, (ybar) => pullbackAB(V, values, asCotangent(ybar), undefined, spec, res, 'geigvalsh')];
  },
  samples: () => samples(),
});

/**
 * Generalized eigenvalues (ascending) and B-orthonormal eigenvectors of A v = λ B v — A real symmetric, B real
 * symmetric positive definite — batched over leading dimensions: `{ values: [..., n], vectors: [..., n, n] }` with
 * A V = B V diag(λ) and Vᵀ B V = I.
 *
 * **Method**: B = L Lᵀ, C = L⁻¹ A L⁻ᵀ = W Λ Wᵀ, V = L⁻ᵀ W (`generalizedSymEig` of @ad/kernels); column j of `vectors`
 * scaled so its largest-magnitude entry is positive (DESIGN.md's sign convention; not differentiated). Derivatives,
 * with S = Vᵀ Ȧ V − sym(Λ Vᵀ Ḃ V): λ̇ = diag S, V̇ = V (F ∘ S − ½ Vᵀ Ḃ V), i.e.
 * v̇ⱼ = Σ_{i≠j} vᵢ vᵢᵀ(Ȧ − λⱼḂ)vⱼ/(λⱼ − λᵢ) − ½ vⱼ (vⱼᵀ Ḃ vⱼ); pullback, with K̄ = Vᵀ V̄ and
 * P = diag(λ̄) + sym(F ∘ K̄): Ā = V P Vᵀ, B̄ = −V (sym(Λ P) + ½ sym(K̄)) Vᵀ
 * (= −sym(V(diag(λ̄∘λ) + (F∘K̄)Λ + ½ Diag K̄)Vᵀ) for distinct eigenvalues).
 *
 * **Numerical notes**: eigenvector derivatives are defined for sign-invariant uses of V (v vᵀ, the B-orthogonal
 * projector V_C V_Cᵀ B, vᵢᵀ W vᵢ); at simple eigenvalues the raw vectors are differentiable too (the sign convention is
 * locally constant). Degeneracy (`opts.degeneracy`, as {@link eigh}): eigenvalue cotangents are averaged over
 * clusters; only the skew part of C inside a cluster (a rotation of the cluster's B-orthonormal basis) is
 * arbitrary, so the policies act on it alone — `'gauge'` (default) drops it and raises `GaugeDependenceError` if the
 * skew part of K̄_CC is non-negligible against ‖K̄‖ (the loss depends on the basis inside the cluster); `'error'`
 * raises `DegenerateEigenvaluesError` for any in-cluster off-diagonal component of K̄ (or, forward, of S); `'broaden'`
 * uses (λⱼ − λᵢ)/((λⱼ − λᵢ)² + ε) for F; `'nan'` applies the plain formula (Inf/NaN at exact ties). The symmetric part
 * −½ K_B of the cluster block is kept under every policy: B-orthonormality determines it. Forward mode at a cluster
 * returns the basis adapted to the tangent (the t → 0⁺ limit of the eigenvectors), one-sided eigenvalue tangents and
 * zero in-cluster rotation. A near tie inside the cluster tolerance (gap g > 0) is treated as a tie: first
 * derivatives of eigenspace-only losses stay exact, second derivatives (hvp) in B are off by O(g) relative (the
 * adapted columns are eigenvectors only to O(g) and B̄ weighs them by their own λ; measured ≈ 3·g). Accuracy degrades
 * with κ(B) (|VᵀBV − I| ≈ n·ε·κ(B)). Input checks as {@link geigvalsh}.
 *
 * **References**: Kasim (2020), xitorch `symeig` (generalized backward); Nelson (1976), AIAA J. 14:1201–1205; Magnus
 * (1985), Econometric Theory 1:179–191; Giles (2008), Oxford NA report 08/01; MATH.md, "Generalized
 * symmetric-definite".
 *
 * @example
 * ```ts
 * import { grad, matmul, slice, sum, mul, tensor, transpose } from '@ad/core';
 * import { geigh } from '@ad/rules-eigen';
 * const K = tensor([[2, -1], [-1, 2]]);
 * const M = tensor([[1, 0], [0, 2]]);
 * const { values, vectors } = geigh(K, M);       // K V = M V diag(values), Vᵀ M V = I
 * // a sign-invariant loss: the squared first component of the lowest mode
 * const loss = (k) => { const v = slice(geigh(k, M).vectors, [0, 0], [1, 1]); return sum(mul(v, v)); };
 * grad(loss)(K);
 * ```
 */
export const geigh: DifferentiableFunction<[Tensor, Tensor, GeighOptions?], GeighResult> = defineRule<[Tensor, Tensor, GeighOptions?], GeighResult>({
  name: '@ad/rules-eigen/geigh',
  structure: ['symmetric', 'spd', 'nondiff'],
  primal: (A: Tensor, B: Tensor, opts?: GeighOptions) => {
    const { values, vectors } = decompose(A, B, opts, 'geigh', true);
    return { values, vectors: vectors! };
  },
  frule: ([A, B, opts], [dA, dB]) => {
    const res = resolveSymmetricOptions(opts, outDType(A, B), 'geigh');
    const y = geigh(A, B, opts);
    const spec = spectrumOf(y.values, res);
    const lam = y.values;
    const dAs = symTangent(dA);
    const dBs = symTangent(dB);
    let V = y.vectors;
    let { S, KB } = tangentS(V, lam, dAs, dBs);
    checkVectorTangent(S, spec, res, 'geigh');
    if (res.policy !== 'nan' && spec.degenerate) {
      // At a cluster, return the basis adapted to the tangent (the t → 0⁺ limit of the eigenvectors of
      // (A + tȦ, B + tḂ)): then λ̇ = diag S is the one-sided directional derivative and belongs to its column.
      ({ V, K: S } = adaptClusterBasis(V, S, spec, (block) => eigh(block, { symmetrize: true }).vectors));
      if (dBs !== undefined) KB = sandwich(V, dBs);
    }
    let C = mul(fMatrix(lam, spec, res), S);
    if (KB !== undefined) C = sub(C, scale(KB, 0.5));
    const dvalues = asDType(diag(S), lam.dtype);
    const dvectors = asDType(matmul(V, C), lam.dtype);
    return [V === y.vectors ? y : { values: lam, vectors: V }, { values: dvalues, vectors: dvectors }];
  },
  rrule: (A: Tensor, B: Tensor, opts?: GeighOptions) => {
    const res = resolveSymmetricOptions(opts, outDType(A, B), 'geigh');
    const y = geigh(A, B, opts);
    const spec = spectrumOf(y.values, res);
    return [
      y,
      (ybar) => {
        const lbar = cotangentField(ybar, 'values');
        const vbar = cotangentField(ybar, 'vectors');
        return pullbackAB(y.vectors, y.values, lbar, vbar, spec, res, 'geigh');
      },
    ];
  },
  samples: () => samples(),
});
