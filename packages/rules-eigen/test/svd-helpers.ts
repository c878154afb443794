/**
 * Test helpers for the svd tests: seeded random matrices with prescribed singular values, built independently of the
 * code under test as A = Q₁[:, :p] diag(s) Q₂[:, :p]ᵀ from Gram–Schmidt orthonormalized Gaussians (so the exact
 * singular subspaces are known), and sign-invariant views of singular vectors built from core ops. The generic pieces
 * (PRNG, plain-number finite differences and norms, column/row blocks) are in helpers.ts.
 */
import { Tensor, matmul, transpose, type DType } from '@ad/core';
import { columns, projector, randomUnitary, rng, rows } from './helpers.js';

/** A matrix with known SVD: A = Q₁[:, :p] diag(s) Q₂[:, :p]ᵀ (m×n, p = s.length = min(m, n)), with Q₁ and Q₂. */
export interface Planted {
  A: Tensor;
  /** m×m orthogonal, row-major; its first p columns are the left singular vectors. */
  Q1: Float64Array;
  /** n×n orthogonal, row-major; its first p columns are the right singular vectors. */
  Q2: Float64Array;
  m: number;
  n: number;
}

export function withSingularValues(s: readonly number[], m: number, n: number, seed: number, dtype: DType = 'float64'): Planted {
  const p = Math.min(m, n);
  if (s.length !== p) throw new Error(`withSingularValues: need ${p} values, got ${s.length}`);
  const r = rng(seed);
  const Q1 = randomUnitary(m, r, false).re;
  const Q2 = randomUnitary(n, r, false).re;
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let k = 0; k < p; k++) t += Q1[i * m + k]! * s[k]! * Q2[j * n + k]!;
      a[i * n + j] = t;
    }
  }
  return { A: new Tensor([m, n], dtype, dtype === 'float32' ? Float32Array.from(a) : a), Q1, Q2, m, n };
}

/** Left singular projector U_C U_Cᵀ over columns [start, end) (the column projector of helpers.ts). */
export const leftProjector = projector;

/** Right singular projector V_C V_Cᵀ = Vt_Cᵀ Vt_C over rows [start, end) of Vt. */
export function rightProjector(Vt: Tensor, start: number, end: number): Tensor {
  const VC = rows(Vt, start, end);
  return matmul(transpose(VC), VC);
}

/** U_C V_Cᵀ over [start, end): invariant under the joint rotation (U_C, V_C) → (U_C Q, V_C Q). */
export function cross(U: Tensor, Vt: Tensor, start: number, end: number): Tensor {
  return matmul(columns(U, start, end), rows(Vt, start, end));
}
