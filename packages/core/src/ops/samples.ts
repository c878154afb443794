/**
 * Sample arguments for each core rule, declared on the rules (`samples`) so that `runConformance(rules)` and
 * `ad-check` of @ad/testing can check the core like any rule package. Built lazily, on demand: nothing is allocated at
 * import. Inputs avoid the points where a rule is not differentiable (ties for max/min, 0 for abs, the branch cut of
 * log and sqrt).
 * @module
 */
import { Tensor, castTensor, tensor } from '../tensor.js';

function complexOf(re: readonly number[], im: readonly number[]): Tensor {
  return new Tensor([re.length], 'complex128', Float64Array.from(re), Float64Array.from(im));
}

function build(): Record<string, unknown[][]> {
  const x = tensor([0.3, -0.7, 1.1]);
  const y = tensor([1.5, 0.2, -0.4]);
  const pos = tensor([0.5, 1.3, 2.2]);
  const M = tensor([[0.5, -1.2, 0.3], [0.8, 0.1, -0.6]]);
  const S = tensor([[2, 0.5, -0.3], [0.5, 1, 0.8], [-0.3, 0.8, 3]]);
  const z = complexOf([0.3, -1.2, 0.5], [0.7, 0.4, -0.9]);
  const w = complexOf([1.1, 0.2, -0.5], [-0.3, 0.6, 0.25]);
  return {
    add: [[x, y], [M, tensor([1, 2, 3])], [z, x]],
    sub: [[x, y], [z, w]],
    mul: [[x, y], [M, tensor([[2], [-1]])], [z, w], [x, z]],
    div: [[x, pos], [z, w]],
    neg: [[x], [z]],
    scale: [[x, 2.5], [z, -1.5]],
    exp: [[x], [z], [castTensor(x, 'float32')]],
    log: [[pos], [z]],
    sqrt: [[pos], [z]],
    pow: [[pos, 2.5], [x, 3]],
    abs: [[x], [z]],
    square: [[x], [z]],
    sin: [[x], [z]],
    cos: [[x], [z]],
    tanh: [[x], [z]],
    real: [[z], [x]],
    imag: [[z]],
    conj: [[z], [x]],
    complex: [[x, y]],
    cast: [[x, 'complex128'], [x, 'float32']],
    matmul: [[S, tensor([[1, 2], [0.5, -1], [3, 0.25]])], [M, x], [x, S]],
    transpose: [[M]],
    adjoint: [[M]],
    trace: [[S]],
    dot: [[x, y], [M, M]],
    diag: [[S], [M]],
    diagm: [[x]],
    sum: [[M], [M, 1], [z]],
    mean: [[M], [M, 0]],
    max: [[x], [M, 1]],
    min: [[x], [M, 0]],
    reshape: [[M, [3, 2]]],
    slice: [[M, [0, 1], [2, 3]]],
    concat: [[0, x, y], [1, M, M]],
    broadcastTo: [[x, [2, 3]]],
    sumTo: [[M, [3]]],
    where: [[tensor([1, 0, 1]), x, y]],
  };
}

/** The sample argument lists of core rule `name` (the part after `@ad/core/`). */
export function coreSamples<A extends readonly unknown[]>(name: string): () => readonly A[] {
  return () => (build()[name] ?? []) as unknown as readonly A[];
}
