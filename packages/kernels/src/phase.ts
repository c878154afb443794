/**
 * The one sign/phase convention of @ad (DESIGN.md, "Values"): every eigenvector, singular vector and Lanczos/power
 * iteration vector is scaled so that its entry of largest magnitude is real and positive. Ties go to the lowest
 * index among the entries whose magnitude is within a relative {@link PIVOT_RTOL} of the largest, so two kernels whose
 * outputs differ only by rounding (the TypeScript and WASM paths) choose the same entry.
 *
 * The convention only makes outputs deterministic; it is not differentiated.
 */

/** Relative window within which entries count as tied for the largest magnitude (DESIGN.md: 1e-8). */
export const PIVOT_RTOL = 1e-8;

/**
 * Index of the entry that fixes the sign of a real vector: the lowest `i` with |x_i| ≥ (1 − 1e-8)·max|x|.
 *
 * **Method**: one pass for max|x|, one pass for the first entry inside the tie window.
 *
 * **Numerical notes**: returns −1 for a zero vector (nothing to fix). Reads `x[offset + i]` for `0 ≤ i < length`.
 *
 * **References**: DESIGN.md, "Values" (sign/phase convention).
 *
 * @example
 * ```ts
 * pivotIndex(new Float64Array([0.5, -0.7, 0.7]), 0, 3); // 1 (|−0.7| ties with 0.7, lower index wins)
 * ```
 */
export function pivotIndex(x: Float64Array, offset: number, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) {
    const a = Math.abs(x[offset + i]!);
    if (a > max) max = a;
  }
  if (!(max > 0)) return -1;
  const threshold = max * (1 - PIVOT_RTOL);
  for (let i = 0; i < length; i++) {
    if (Math.abs(x[offset + i]!) >= threshold) return i;
  }
  return -1; // unreachable for finite input: the maximum itself passes
}

/**
 * Index of the entry that fixes the phase of a complex vector: the lowest `i` with |z_i| ≥ (1 − 1e-8)·max|z|.
 *
 * **Method**: compares squared moduli against (1 − 1e-8)²·max|z|², which avoids a square root per entry.
 *
 * **Numerical notes**: returns −1 for a zero vector. Squared moduli underflow for entries below ~1e-154; eigenvectors
 * are unit vectors, so their largest entry is at least 1/√n and never in that range.
 *
 * **References**: DESIGN.md, "Values" (sign/phase convention).
 *
 * @example
 * ```ts
 * pivotIndexComplex(new Float64Array([0, 0.6]), new Float64Array([0.8, 0]), 0, 2); // 0 (|0.8i| > |0.6|)
 * ```
 */
export function pivotIndexComplex(re: Float64Array, im: Float64Array, offset: number, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) {
    const a = re[offset + i]!;
    const b = im[offset + i]!;
    const m = a * a + b * b;
    if (m > max) max = m;
  }
  if (!(max > 0)) return -1;
  const window = 1 - PIVOT_RTOL;
  const threshold = max * window * window;
  for (let i = 0; i < length; i++) {
    const a = re[offset + i]!;
    const b = im[offset + i]!;
    if (a * a + b * b >= threshold) return i;
  }
  return -1;
}

/**
 * Applies the sign convention in place to the `cols` columns of a real column-major `rows × cols` matrix.
 *
 * **Method**: for each column, find its pivot entry ({@link pivotIndex}) and negate the column if that entry is
 * negative. Zero columns are left alone.
 *
 * **Numerical notes**: negation is exact, so the column's norm and orthogonality are unchanged bit for bit.
 * Column `j` occupies `V[j*rows .. j*rows + rows − 1]`.
 *
 * **References**: DESIGN.md, "Values" (sign/phase convention).
 *
 * @example
 * ```ts
 * const V = new Float64Array([0.6, -0.8, 0.8, 0.6]); // columns (0.6, −0.8) and (0.8, 0.6)
 * fixSignPhase(V, 2, 2); // V = [-0.6, 0.8, 0.8, 0.6]
 * ```
 */
export function fixSignPhase(V: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    const off = j * rows;
    const p = pivotIndex(V, off, rows);
    if (p >= 0 && V[off + p]! < 0) {
      for (let i = 0; i < rows; i++) V[off + i] = -V[off + i]!;
    }
  }
}

/**
 * Applies the phase convention in place to the `cols` columns of a complex column-major `rows × cols` matrix given as
 * real and imaginary parts.
 *
 * **Method**: for each column v with pivot entry v_p = |v_p|·e^{iφ} ({@link pivotIndexComplex}), multiply the column by
 * e^{−iφ} = conj(v_p)/|v_p|; the pivot is then set to exactly (|v_p|, 0). Zero columns are left alone.
 *
 * **Numerical notes**: the unit factor is formed with `Math.hypot`, so the rescaling changes the column's norm by at
 * most a few ulps; columns already in convention (pivot real positive) are left bit-for-bit unchanged.
 *
 * **References**: DESIGN.md, "Values" (sign/phase convention).
 *
 * @example
 * ```ts
 * const re = new Float64Array([0, 0.6]);
 * const im = new Float64Array([0.8, 0]);
 * fixSignPhaseComplex(re, im, 2, 1); // column becomes (0.8, −0.6i): re = [0.8, 0], im = [0, -0.6]
 * ```
 */
export function fixSignPhaseComplex(re: Float64Array, im: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    const off = j * rows;
    const p = pivotIndexComplex(re, im, off, rows);
    if (p < 0) continue;
    const a = re[off + p]!;
    const b = im[off + p]!;
    if (b === 0 && a > 0) continue;
    const r = Math.hypot(a, b);
    const cr = a / r; // e^{−iφ} = cr − i·ci with cr + i·ci = e^{iφ}
    const ci = b / r;
    for (let i = 0; i < rows; i++) {
      const x = re[off + i]!;
      const y = im[off + i]!;
      re[off + i] = x * cr + y * ci;
      im[off + i] = y * cr - x * ci;
    }
    re[off + p] = r;
    im[off + p] = 0;
  }
}
