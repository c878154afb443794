/**
 * Eigenvalue (singular value) clusters under a tolerance: the one helper every rule with eigen-structure uses to decide
 * which eigenvalues count as degenerate (DESIGN.md, "Degeneracy").
 */

/** Absolute and relative parts of the cluster tolerance: gaps ≤ atol + rtol·max|λ| join a cluster. */
export interface DegeneracyTolerance {
  /** Absolute part of the gap tolerance. */
  atol: number;
  /** Relative part, multiplied by the largest magnitude among the values. */
  rtol: number;
}

/** A cluster as a half-open index range `[start, end)` into the sorted values. */
export interface Cluster {
  /** Index of the first value of the cluster. */
  start: number;
  /** One past the index of the last value of the cluster. */
  end: number;
}

/** Machine epsilon of each dtype (the spacing of floating-point numbers at 1). */
const EPSILON = { float64: 2 ** -52, float32: 2 ** -23 } as const;

/**
 * Default degeneracy tolerance of a dtype: atol = ε^0.6, rtol = ε^0.4.
 *
 * **Method**: ε is the dtype's machine epsilon (2⁻⁵² for float64 and complex128, 2⁻²³ for float32).
 *
 * **Numerical notes**: float64 gives atol ≈ 4.0e-10, rtol ≈ 5.5e-7; float32 gives atol ≈ 7.0e-5, rtol ≈ 1.7e-3. The
 * exponents sit between ε (rounding noise, which must never split a true tie) and 1 (which would merge everything):
 * eigenvalues computed by a backward-stable solver are accurate to O(ε‖A‖), eigenvectors to O(ε‖A‖/gap), so a gap
 * of ε^0.4·‖A‖ still leaves eigenvector derivatives O(1/gap) = O(ε^−0.4) — large but finite.
 *
 * **References**: xitorch (Kasim 2020), `xitorch/_impls/linalg/symeig.py` defaults; DESIGN.md "Degeneracy".
 *
 * @example
 * ```ts
 * degeneracyTolerance('float64'); // { atol: 4.03e-10, rtol: 5.48e-7 } (rounded)
 * ```
 */
export function degeneracyTolerance(dtype: 'float64' | 'float32' | 'complex128'): DegeneracyTolerance {
  const eps = dtype === 'float32' ? EPSILON.float32 : EPSILON.float64;
  return { atol: eps ** 0.6, rtol: eps ** 0.4 };
}

/**
 * Splits sorted eigenvalues (or singular values) into clusters: maximal runs whose consecutive gaps are all
 * ≤ atol + rtol·max|λ|.
 *
 * **Method**: one pass; a new cluster starts wherever the gap to the previous value exceeds the threshold. Every value
 * belongs to exactly one cluster; singletons are returned too, so the result partitions `[0, n)` in order.
 *
 * **Numerical notes**: the values may be ascending (eigenvalues) or descending (singular values); the gap is taken in
 * absolute value. Clustering is by consecutive gaps, so a chain of small gaps can join values whose ends differ by
 * more than the threshold (that is what "maximal run" means, and what makes the partition well defined). Missing
 * fields of `tol` default to {@link degeneracyTolerance}('float64').
 *
 * @throws RangeError if the values are not monotone (this includes NaN) or a tolerance is negative or not finite.
 *
 * **References**: DESIGN.md, "Degeneracy"; MATH.md, "Symmetric / Hermitian eigh" (gauge).
 *
 * @example
 * ```ts
 * findClusters([1, 2, 2 + 1e-12, 3]); // [{ start: 0, end: 1 }, { start: 1, end: 3 }, { start: 3, end: 4 }]
 * ```
 */
export function findClusters(sortedValues: ArrayLike<number>, tol?: { atol?: number; rtol?: number }): Cluster[] {
  const defaults = degeneracyTolerance('float64');
  const atol = tol?.atol ?? defaults.atol;
  const rtol = tol?.rtol ?? defaults.rtol;
  if (!(atol >= 0 && rtol >= 0 && Number.isFinite(atol) && Number.isFinite(rtol))) {
    throw new RangeError(`findClusters: atol and rtol must be finite and ≥ 0, got atol = ${atol}, rtol = ${rtol}`);
  }
  const n = sortedValues.length;
  if (n === 0) return [];
  let ascending = true;
  let descending = true;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const v = sortedValues[i]!;
    if (Number.isNaN(v)) {
      throw new RangeError(`findClusters: value ${i} is NaN; clusters need sorted, comparable values`);
    }
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (i > 0) {
      const prev = sortedValues[i - 1]!;
      if (v < prev) ascending = false;
      if (v > prev) descending = false;
    }
  }
  if (!ascending && !descending) {
    throw new RangeError('findClusters: values must be sorted (ascending or descending)');
  }
  const threshold = atol + rtol * maxAbs;
  const clusters: Cluster[] = [];
  let start = 0;
  for (let i = 1; i < n; i++) {
    if (!(Math.abs(sortedValues[i]! - sortedValues[i - 1]!) <= threshold)) {
      clusters.push({ start, end: i });
      start = i;
    }
  }
  clusters.push({ start, end: n });
  return clusters;
}
