/**
 * eigh / eigvalsh through the shared checker of @ad/testing (testRrule, testFrule, checkGrad, runConformance and its
 * fast-check arbitraries), beside the direct tests of eigh-rules.test.ts and eigh-degeneracy.test.ts. Eigenvectors are
 * compared through gauge-invariant views (projectors, |v|²) wherever the raw output is not a function of A.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor, add, adjoint, matmul, mul, real, reshape, slice, stack, sum, tensor, type TensorLike } from '@ad/core';
import {
  centralFdm,
  checkGrad,
  degenerateSymmetric,
  hermitian,
  hermitianMatrix,
  runConformance,
  symmetric,
  symmetricMatrix,
  testFrule,
  testRrule,
} from '@ad/testing';
import { eigh, eigvalsh, type EighOptions, type EighResult } from '../src/index.js';

const NUM_RUNS = 12;

/** Gauge-invariant view of eigh's output: the values and the projector onto every eigenvector, as one [n, n, n] stack. */
const projectors = (y: EighResult) => {
  const n = y.values.shape[0]!;
  const ps = [];
  for (let j = 0; j < n; j++) {
    const v = slice(y.vectors, [0, j], [n, j + 1]);
    ps.push(matmul(v, adjoint(v)));
  }
  return { values: y.values, projectors: stack(ps) };
};

/** The projector onto columns [a, b) — for a cluster, its eigenspace — of each matrix of a batch. */
const clusterProjector = (a: number, b: number) => (y: EighResult) => {
  const shape = y.vectors.shape;
  const batch = shape.slice(0, -2);
  const U = slice(y.vectors, [...batch.map(() => 0), 0, a], [...batch, shape[shape.length - 2]!, b]);
  return matmul(U, adjoint(U));
};

describe('eigvalsh through testRrule / testFrule', () => {
  it('passes on random symmetric matrices with separated spectra, to second order', () => {
    fc.assert(
      fc.property(symmetricMatrix({ n: { min: 2, max: 5 }, minGap: 0.2 }), (A) => {
        testRrule(eigvalsh, [symmetric(A)], { throws: true, order: 2 });
        testFrule(eigvalsh, [symmetric(A)], { throws: true });
      }),
      { numRuns: NUM_RUNS, seed: 7 },
    );
  });

  it('passes on random Hermitian matrices with separated spectra', () => {
    fc.assert(
      fc.property(hermitianMatrix({ n: { min: 2, max: 5 }, minGap: 0.2 }), (A) => {
        testRrule(eigvalsh, [hermitian(A)], { throws: true });
        testFrule(eigvalsh, [hermitian(A)], { throws: true });
      }),
      { numRuns: NUM_RUNS, seed: 8 },
    );
  });

  it('matches one-sided finite differences at exactly repeated eigenvalues (forward mode)', () => {
    fc.assert(
      fc.property(degenerateSymmetric({ multiplicities: [1, 2, 1] }), (A) => {
        testFrule(eigvalsh, [symmetric(A)], { throws: true, oneSided: true });
      }),
      { numRuns: NUM_RUNS, seed: 9 },
    );
  });

  it('gives the exact gradient at exactly repeated eigenvalues for a cotangent constant on each cluster', () => {
    fc.assert(
      fc.property(degenerateSymmetric({ multiplicities: [2, 1, 2] }), (A) => {
        testRrule(eigvalsh, [symmetric(A)], { throws: true, oneSided: true, cotangent: tensor([0.3, 0.3, -1.2, 0.7, 0.7]) });
      }),
      { numRuns: NUM_RUNS, seed: 10 },
    );
  });
});

describe('eigh through testRrule / testFrule', () => {
  it('passes with raw real eigenvectors on separated spectra (the sign convention is locally constant)', () => {
    fc.assert(
      fc.property(symmetricMatrix({ n: { min: 2, max: 5 }, minGap: 0.2 }), (A) => {
        testRrule(eigh, [symmetric(A)], { throws: true });
        testFrule(eigh, [symmetric(A)], { throws: true });
      }),
      { numRuns: NUM_RUNS, seed: 11 },
    );
  });

  it('passes through projectors on Hermitian matrices, to second order', () => {
    fc.assert(
      fc.property(hermitianMatrix({ n: { min: 2, max: 4 }, minGap: 0.2 }), (A) => {
        testRrule(eigh, [hermitian(A)], { throws: true, output: projectors as never, order: 2 });
        testFrule(eigh, [hermitian(A)], { throws: true, output: projectors as never });
      }),
      { numRuns: NUM_RUNS, seed: 12 },
    );
  });

  it('passes through the projector onto an exact cluster (the eigenspace is smooth even where the vectors are not)', () => {
    fc.assert(
      fc.property(degenerateSymmetric({ multiplicities: [1, 3, 1] }), (A) => {
        testRrule(eigh, [symmetric(A)], { throws: true, output: clusterProjector(1, 4) as never, order: 2 });
        testFrule(eigh, [symmetric(A)], { throws: true, output: clusterProjector(1, 4) as never });
      }),
      { numRuns: NUM_RUNS, seed: 13 },
    );
  });

  it('passes with float32 input at float32 tolerances', () => {
    fc.assert(
      fc.property(symmetricMatrix({ n: 4, minGap: 0.3 }), (A) => {
        const A32 = tensor(Float32Array.from(A.data), [4, 4]);
        testRrule(eigh, [symmetric(A32)], { throws: true, output: projectors as never });
        testFrule(eigvalsh, [symmetric(A32)], { throws: true });
      }),
      { numRuns: 6, seed: 14 },
    );
  });

  it('passes on a batch of Hermitian matrices', () => {
    fc.assert(
      fc.property(fc.array(hermitianMatrix({ n: 3, minGap: 0.3 }), { minLength: 2, maxLength: 3 }), (mats) => {
        const batch = stack(mats);
        const view = (y: EighResult) => ({ values: y.values, P: clusterProjector(0, 1)(y) });
        testRrule(eigh, [hermitian(batch)], { throws: true, output: view as never });
        testFrule(eigh, [hermitian(batch)], { throws: true, output: view as never });
      }),
      { numRuns: 6, seed: 15 },
    );
  });
});

describe('checkGrad of losses built on eigh', () => {
  const lossAt = (W: Tensor, opts?: EighOptions) => (X: Tensor) => {
    const y = eigh(X, opts);
    const n = X.shape[0]!;
    return add(sum(real(mul(W, clusterProjector(0, 2)(y)))), sum(slice(y.values, [n - 1], [n])));
  };

  it('passes to second order for an eigenspace loss on separated spectra (real and Hermitian)', () => {
    fc.assert(
      fc.property(fc.oneof(symmetricMatrix({ n: 4, minGap: 0.3 }), hermitianMatrix({ n: 4, minGap: 0.3 })), (A) => {
        const W = reshape(tensor(Array.from({ length: 16 }, (_, k) => Math.sin(k + 1))), [4, 4]);
        checkGrad(lossAt(W), (A.isComplex ? hermitian(A) : symmetric(A)) as never, { order: 2, throws: true });
      }),
      { numRuns: NUM_RUNS, seed: 16 },
    );
  });

  it('passes to second order for the projector onto an exactly repeated eigenvalue', () => {
    fc.assert(
      fc.property(degenerateSymmetric({ multiplicities: [2, 1, 1] }), (A) => {
        const W = reshape(tensor(Array.from({ length: 16 }, (_, k) => Math.cos(2 * k + 1))), [4, 4]);
        // The default adaptive step (≈ 2e-3 here) leaves a truncation error of up to 3e-8 in the FD of the gradient
        // while estimating 2e-11 (measured on fast-check's sample 10: halving the step converges to the AD value to
        // 2e-12). Richardson extrapolation over a sequence of steps gives an estimate with an honest error bound.
        checkGrad(lossAt(W), symmetric(A) as never, { order: 2, throws: true, fdm: centralFdm(5, 1, { richardson: true }) });
      }),
      { numRuns: NUM_RUNS, seed: 17 },
    );
  });
});

describe('conformance', () => {
  it('runConformance passes on the package rules with their declared samples', () => {
    const { ok, table } = runConformance([eigvalsh, eigh]);
    expect(ok, table).toBe(true);
  });

  it('accepts plain nested arrays as input (TensorLike)', () => {
    const A: TensorLike = [[2, 1], [1, 2]];
    const v = Array.from(eigvalsh(A).data);
    expect(v[0]).toBeCloseTo(1, 14);
    expect(v[1]).toBeCloseTo(3, 14);
  });
});
