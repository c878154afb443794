/**
 * @ad/rules-eigen — differentiable eigensolvers with explicit degeneracy policies.
 *
 * `eigvalsh` / `eigh` (real symmetric and complex Hermitian), `geigvalsh` / `geigh` (A v = λ B v, B positive definite),
 * `eigvals` / `eig` (general matrices) and `svdvals` / `svd`, batched, each with its forward and reverse rule; what
 * happens at repeated eigenvalues (singular values) is decided by `{ degeneracy: { policy } }` (docs/degeneracy.md).
 *
 * @example
 * ```ts
 * import { grad, sum, tensor } from '@ad/core';
 * import { eigvalsh } from '@ad/rules-eigen';
 * grad((A) => sum(eigvalsh(A)))(tensor([[2, 1], [1, 2]]));   // the identity (Σλ = tr A)
 * ```
 * @packageDocumentation
 */
import type { AnyRule } from '@ad/core';
import { eigh, eigvalsh } from './eigh.js';
import { svd, svdvals } from './svd.js';
import { geigh, geigvalsh } from './geigh.js';
import { eig, eigvals } from './eig.js';

export { eigh, eigvalsh } from './eigh.js';
export type { EighOptions, EighResult } from './eigh.js';
export { svd, svdvals } from './svd.js';
export type { SvdOptions, SvdResult } from './svd.js';
export { geigh, geigvalsh } from './geigh.js';
export type { GeighOptions, GeighResult } from './geigh.js';
export { eig, eigvals } from './eig.js';
export type { EigDegeneracyOptions, EigDegeneracyPolicy, EigOptions, EigResult, EigvalsOptions } from './eig.js';
export { DEGENERACY_POLICIES } from './degeneracy.js';
export type { DegeneracyOptions, DegeneracyPolicy } from './degeneracy.js';

/** Every rule of @ad/rules-eigen, for the conformance suite (`runConformance(rules)` of @ad/testing). */
export const rules: readonly AnyRule[] = [eigvalsh, eigh, geigvalsh, geigh, eigvals, eig, svdvals, svd];
