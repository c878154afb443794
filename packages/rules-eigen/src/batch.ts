/**
 * Moving numbers between the row-major batches of a Tensor and the Float64Arrays the kernels read and write, shared by
 * the rules' primal wrappers and numeric pullbacks: one matrix of a batch as float64, and a column-major kernel result
 * stored into its slot of a row-major output.
 *
 * Plain copies on concrete numbers; nothing here is differentiated.
 * @module
 */

/**
 * `len` entries of a storage array from `start`, as float64: a view of the storage itself for float64, a widened copy
 * for float32.
 *
 * **Method**: `subarray` (no copy) or `Float64Array.from` of it.
 *
 * **Numerical notes**: widening float32 to float64 is exact; the kernels always run in float64. A view shares the
 * caller's storage, so callers must not write into it.
 *
 * **References**: DESIGN.md, "Kernels" (float64 kernels).
 *
 * @example
 * ```ts
 * float64View(V.data, b * n * n, n * n);   // matrix b of a batch of n×n matrices
 * ```
 */
export function float64View(d: Float64Array | Float32Array, start = 0, len = d.length - start): Float64Array {
  return d instanceof Float64Array ? d.subarray(start, start + len) : Float64Array.from(d.subarray(start, start + len));
}

/**
 * Stores a column-major `rows`×`cols` kernel result into row-major storage at `offset`: vectors that the kernels
 * return as contiguous columns become the columns of a `[rows, cols]` matrix of the batch.
 *
 * **Method**: out[offset + i·cols + j] = src[i + j·rows].
 *
 * **Numerical notes**: exact copy (a float32 `out` rounds, as every float32 output does).
 *
 * **References**: DESIGN.md, "Kernels" (eigenvectors column-major in the kernels).
 *
 * @example
 * ```ts
 * storeColumnMajor(r.vectors, vectors.data, b * n * n, n, n);   // eigenvectors of matrix b as columns
 * ```
 */
export function storeColumnMajor(src: Float64Array, out: Float64Array | Float32Array, offset: number, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out[offset + i * cols + j] = src[i + j * rows]!;
}
