/**
 * Linear-algebra ops: `matmul`, `transpose`, `adjoint`, `trace`, `dot`, `diag`, `diagm`.
 * Dense products run on @ad/kernels (`gemm`, `zgemm`), which picks its TypeScript or WebAssembly-SIMD path.
 * @module
 */
import { gemm, zgemm } from '@ad/kernels';
import { ShapeError } from '../errors.js';
import { Tensor, allocData, broadcastShapes, promoteTypes, sameShape, shapeSize, castTensor, zeros } from '../tensor.js';
import { coreSamples } from './samples.js';
import { defineRule } from '../rule.js';
import { conjIfComplex, type Op1, type Op2 } from './util.js';
import { broadcastOffsets, transposeRaw } from './raw.js';
import { add, mul } from './arithmetic.js';
import { concatN, reshape, sumTo, eyeLike } from './shape.js';
import { sum } from './reduce.js';

interface MatmulPlan {
  m: number;
  k: number;
  n: number;
  aBatch: number[];
  bBatch: number[];
  batch: number[];
  outShape: number[];
}

function planMatmul(aShape: readonly number[], bShape: readonly number[]): MatmulPlan {
  if (aShape.length === 0 || bShape.length === 0) {
    throw new ShapeError(`matmul: arguments must have at least one dimension, got shapes [${aShape.join(', ')}] and [${bShape.join(', ')}]; use mul for scalars`);
  }
  const a2 = aShape.length === 1 ? [1, aShape[0]!] : aShape;
  const b2 = bShape.length === 1 ? [bShape[0]!, 1] : bShape;
  const m = a2[a2.length - 2]!;
  const k = a2[a2.length - 1]!;
  const k2 = b2[b2.length - 2]!;
  const n = b2[b2.length - 1]!;
  if (k !== k2) {
    throw new ShapeError(`matmul: inner dimensions differ: [${aShape.join(', ')}] · [${bShape.join(', ')}] (${k} vs ${k2})`);
  }
  const aBatch = a2.slice(0, -2);
  const bBatch = b2.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch, 'matmul (batch dimensions)');
  const outShape = [...batch];
  if (aShape.length > 1) outShape.push(m);
  if (bShape.length > 1) outShape.push(n);
  return { m, k, n, aBatch, bBatch, batch, outShape };
}

function matmulRaw(a: Tensor, b: Tensor): Tensor {
  const p = planMatmul(a.shape, b.shape);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const A = a.dtype === dtype ? a : castTensor(a, dtype);
  const B = b.dtype === dtype ? b : castTensor(b, dtype);
  const nb = shapeSize(p.batch);
  const oa = broadcastOffsets(p.aBatch, p.batch);
  const ob = broadcastOffsets(p.bBatch, p.batch);
  const { m, k, n } = p;
  const size = nb * m * n;
  const re = allocData(dtype, size);
  const im = dtype === 'complex128' ? new Float64Array(size) : undefined;
  for (let t = 0; t < nb; t++) {
    const ao = oa[t]! * m * k;
    const bo = ob[t]! * k * n;
    if (dtype === 'complex128') {
      const r = zgemm('N', 'N', m, n, k, A.data.subarray(ao, ao + m * k) as Float64Array, A.im!.subarray(ao, ao + m * k), B.data.subarray(bo, bo + k * n) as Float64Array, B.im!.subarray(bo, bo + k * n));
      re.set(r.re, t * m * n);
      im!.set(r.im, t * m * n);
    } else {
      gemm(false, false, m, n, k, A.data.subarray(ao, ao + m * k), B.data.subarray(bo, bo + k * n), re.subarray(t * m * n, (t + 1) * m * n));
    }
  }
  return new Tensor(p.outShape, dtype, re, im);
}

/**
 * Matrix product with NumPy semantics: matrix·matrix, matrix·vector, vector·matrix, and batched over leading
 * dimensions (broadcast). Derivative: Ċ = Ȧ B + A Ḃ; pullback Ā = C̄ Bᴴ, B̄ = Aᴴ C̄ (summed over broadcast batches).
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1]));   // [3, 7]
 * ```
 */
export const matmul: Op2 = defineRule({
  name: '@ad/core/matmul',
  samples: coreSamples('matmul'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => matmulRaw(a, b),
  frule: ([a, b], [da, db]) => [matmul(a, b), add(matmul(da, b), matmul(a, db))],
  rrule: (a: Tensor, b: Tensor) => {
    const p = planMatmul(a.shape, b.shape);
    return [
      matmul(a, b),
      (dy) => {
        // Work with ≥ 2-d views so vectors follow the matrix formulas, then undo the views.
        const a2 = a.ndim === 1 ? reshape(a, [1, p.k]) : a;
        const b2 = b.ndim === 1 ? reshape(b, [p.k, 1]) : b;
        const y2 = reshape(dy, [...p.batch, p.m, p.n]);
        const abar = sumTo(matmul(y2, adjoint(b2)), a2.shape);
        const bbar = sumTo(matmul(adjoint(a2), y2), b2.shape);
        return [reshape(abar, a.shape), reshape(bbar, b.shape)];
      },
    ];
  },
});

/**
 * Swaps the last two axes (no conjugation; a vector is returned as it is). Pullback: transpose(ȳ).
 * @example
 * ```ts
 * transpose(tensor([[1, 2], [3, 4]]));   // [[1, 3], [2, 4]]
 * ```
 */
export const transpose: Op1 = defineRule({
  name: '@ad/core/transpose',
  samples: coreSamples('transpose'),
  structure: ['general'],
  primal: (x: Tensor) => transposeRaw(x, false),
  frule: ([x], [dx]) => [transpose(x), transpose(dx)],
  rrule: (x: Tensor) => [transpose(x), (dy) => [transpose(dy)]],
});

/**
 * Conjugate transpose Xᴴ of the last two axes. Pullback: adjoint(ȳ).
 * @example
 * ```ts
 * adjoint(tensor([[1, 2], [3, 4]]));   // [[1, 3], [2, 4]]
 * ```
 */
export const adjoint: Op1 = defineRule({
  name: '@ad/core/adjoint',
  samples: coreSamples('adjoint'),
  structure: ['general'],
  primal: (x: Tensor) => transposeRaw(x, true),
  frule: ([x], [dx]) => [adjoint(x), adjoint(dx)],
  rrule: (x: Tensor) => [adjoint(x), (dy) => [adjoint(dy)]],
});

function requireMatrix(x: Tensor, op: string): [number, number] {
  if (x.ndim < 2) throw new ShapeError(`${op}: expected a matrix (or batch of matrices), got shape [${x.shape.join(', ')}]`);
  return [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
}

function diagRaw(x: Tensor): Tensor {
  const [m, n] = requireMatrix(x, 'diag');
  const p = Math.min(m, n);
  const batch = x.shape.slice(0, -2);
  const nb = shapeSize(batch);
  const out = zeros([...batch, p], x.dtype);
  for (let b = 0; b < nb; b++) {
    for (let i = 0; i < p; i++) {
      out.data[b * p + i] = x.data[b * m * n + i * n + i]!;
      if (out.im) out.im[b * p + i] = x.im![b * m * n + i * n + i]!;
    }
  }
  return out;
}

function diagmRaw(v: Tensor): Tensor {
  if (v.ndim < 1) throw new ShapeError('diagm: expected a vector (or batch of vectors), got a scalar');
  const p = v.shape[v.ndim - 1]!;
  const batch = v.shape.slice(0, -1);
  const nb = shapeSize(batch);
  const out = zeros([...batch, p, p], v.dtype);
  for (let b = 0; b < nb; b++) {
    for (let i = 0; i < p; i++) {
      out.data[b * p * p + i * p + i] = v.data[b * p + i]!;
      if (out.im) out.im[b * p * p + i * p + i] = v.im![b * p + i]!;
    }
  }
  return out;
}

/**
 * The diagonal of each trailing matrix: [..., m, n] → [..., min(m, n)]. Pullback: ȳ placed on the diagonal.
 * @example
 * ```ts
 * diag(tensor([[1, 2], [3, 4]]));   // [1, 4]
 * ```
 */
export const diag: Op1 = defineRule({
  name: '@ad/core/diag',
  samples: coreSamples('diag'),
  structure: ['general'],
  primal: (x: Tensor) => diagRaw(x),
  frule: ([x], [dx]) => [diag(x), diag(dx)],
  rrule: (x: Tensor) => {
    const [m, n] = requireMatrix(x, 'diag');
    return [
      diag(x),
      (dy) => {
        let d = diagm(dy);
        const p = Math.min(m, n);
        const batch = x.shape.slice(0, -2);
        if (m > p) d = concatN(-2, d, zeros([...batch, m - p, p], d.dtype));
        if (n > p) d = concatN(-1, d, zeros([...batch, m, n - p], d.dtype));
        return [d];
      },
    ];
  },
});

/**
 * The diagonal matrix of a vector: [..., p] → [..., p, p]. Pullback: diag(ȳ).
 * @example
 * ```ts
 * diagm(tensor([1, 2]));   // [[1, 0], [0, 2]]
 * ```
 */
export const diagm: Op1 = defineRule({
  name: '@ad/core/diagm',
  samples: coreSamples('diagm'),
  structure: ['general'],
  primal: (v: Tensor) => diagmRaw(v),
  frule: ([v], [dv]) => [diagm(v), diagm(dv)],
  rrule: (v: Tensor) => [diagm(v), (dy) => [diag(dy)]],
});

/**
 * The trace of each trailing square matrix: [..., n, n] → [...]. Derivative tr(Ȧ); pullback Ā = ȳ I.
 * @example
 * ```ts
 * trace(tensor([[1, 2], [3, 4]]));   // 5
 * ```
 */
export const trace: Op1 = defineRule({
  name: '@ad/core/trace',
  samples: coreSamples('trace'),
  structure: ['general'],
  primal: (x: Tensor) => {
    const [m, n] = requireMatrix(x, 'trace');
    if (m !== n) throw new ShapeError(`trace: expected square matrices, got shape [${x.shape.join(', ')}]`);
    return sum(diagRaw(x), -1);
  },
  frule: ([x], [dx]) => [trace(x), trace(dx)],
  rrule: (x: Tensor) => [
    trace(x),
    (dy) => [mul(reshape(dy, [...dy.shape, 1, 1]), eyeLike(x))],
  ],
});

/**
 * Σᵢ aᵢ bᵢ over all entries of two equally shaped tensors (no conjugation; for ⟨a, b⟩ = Re Σ conj(aᵢ) bᵢ use
 * dot(conj(a), b)). Derivative dot(ȧ, b) + dot(a, ḃ); pullback ā = ȳ conj(b), b̄ = ȳ conj(a).
 * @example
 * ```ts
 * dot(tensor([1, 2]), tensor([3, 4]));   // 11
 * ```
 */
export const dot: Op2 = defineRule({
  name: '@ad/core/dot',
  samples: coreSamples('dot'),
  structure: ['general', 'general'],
  primal: (a: Tensor, b: Tensor) => {
    if (!sameShape(a.shape, b.shape)) {
      throw new ShapeError(`dot: expected two tensors of the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
    }
    return sum(mul(a, b));
  },
  frule: ([a, b], [da, db]) => [dot(a, b), add(dot(da, b), dot(a, db))],
  rrule: (a: Tensor, b: Tensor) => [dot(a, b), (dy) => [mul(dy, conjIfComplex(b)), mul(dy, conjIfComplex(a))]],
});
