import fc from 'fast-check';
import { Tensor, complex, tensor } from '../src/index.js';

/** A real float64 tensor of the given shape with entries in [lo, hi], shrinking towards small entries. */
export function realTensor(shape: number[], lo = -2, hi = 2): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  // Entries on a 1e-6 grid: no subnormals (whose derivatives no finite difference can resolve), shrinking towards 0.
  return fc
    .array(fc.integer({ min: Math.ceil(lo * 1e6), max: Math.floor(hi * 1e6) }), { minLength: size, maxLength: size })
    .map((xs) => tensor(Float64Array.from(xs, (v) => v / 1e6), shape));
}

/** A complex128 tensor of the given shape. */
export function complexTensor(shape: number[], lo = -2, hi = 2): fc.Arbitrary<Tensor> {
  return fc.tuple(realTensor(shape, lo, hi), realTensor(shape, lo, hi)).map(([re, im]) => complex(re, im));
}

/** Runs `check` on `runs` samples of `arb` with a fixed seed; the fast-check report names the seed and path. */
export function forAll<T>(arb: fc.Arbitrary<T>, check: (x: T) => void, runs = 12): void {
  fc.assert(
    fc.property(arb, (x) => {
      check(x);
    }),
    { numRuns: runs, seed: 20261122 },
  );
}

/** A real tensor whose entries are pairwise at least 0.01 apart (no ties, so max/min are differentiable there). */
export function distinctTensor(shape: number[]): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .uniqueArray(fc.integer({ min: -300, max: 300 }), { minLength: size, maxLength: size })
    .map((xs) => tensor(Float64Array.from(xs, (v) => v / 100), shape));
}
