/**
 * eigh / eigvalsh at exactly and nearly repeated eigenvalues, for every degeneracy policy (DESIGN.md "Degeneracy").
 *
 * Spectra have a pair separated by gap ∈ {0, 1e-12, 1e-8, 1e-4}; with the float64 defaults (atol 4e-10,
 * rtol 5.5e-7, max|λ| = 3, threshold ≈ 1.7e-6) the first three are clusters and 1e-4 is not. Matrices are
 * Q diag(λ) Qᵀ with a known Q, so the exact spectral projectors are available independently of the solver.
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  add,
  conj,
  eye,
  grad,
  hvp,
  jvp,
  mul,
  real,
  slice,
  stack,
  sum,
  tensor,
  vjp,
} from '@ad/core';
import { eigh, eigvalsh, type EighOptions } from '../src/index.js';
import {
  axpy,
  catchError,
  centralFd,
  flat,
  flatTree,
  forwardFd,
  GAPS,
  inner,
  innerWith,
  isCluster,
  maxAbs,
  POLICIES,
  policyOptions,
  projector,
  relErr,
} from './helpers.js';
import { clusterWeight, diagonal, exactProjector, randomHermitian, withSpectrum } from './eigh-helpers.js';

/** A 5×5 matrix with the pair (0.5, 0.5 + gap) at indices [1, 3). */
function middlePair(gap: number, seed = 7, isComplex = false) {
  return withSpectrum([-1, 0.5, 0.5 + gap, 2, 3], seed, { complex: isComplex });
}

/** A 5×5 matrix with its top pair (3, 3 + gap) at indices [3, 5). */
function topPair(gap: number, seed = 8) {
  return withSpectrum([-1, 0.5, 2, 3, 3 + gap], seed);
}

/** Directional derivative ⟨G, E⟩ of the gradient against central FD of the loss along E. */
function expectGradMatchesFd(loss: (X: Tensor) => Tensor, A: Tensor, G: Tensor, seeds: number[], h: number, tol: number) {
  for (const seed of seeds) {
    const E = randomHermitian(A.shape[0]!, seed, A.isComplex);
    const fd = centralFd((t) => flat(loss(axpy(A, E, t))), h)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(tol * (Math.abs(fd) + 1));
  }
}

describe('gauge-invariant eigenvector losses at (nearly) repeated eigenvalues', () => {
  for (const gap of GAPS) {
    for (const isComplex of [false, true]) {
      const kind = isComplex ? 'Hermitian' : 'real';
      it(`gets the exact gradient of the projector onto the cluster at gap ${gap} under 'gauge' and 'broaden' (${kind})`, () => {
        const { A } = middlePair(gap, 7, isComplex);
        const W = randomHermitian(5, 11, isComplex);
        for (const policy of ['gauge', 'broaden'] as const) {
          const loss = (X: Tensor) => innerWith(W, projector(eigh(X, policyOptions(policy)).vectors, 1, 3));
          const G = grad(loss)(A) as Tensor;
          // 'gauge' drops the in-cluster terms, which cancel exactly for an invariant loss. 'broaden' keeps them:
          // F_ij·(X_ij − X̄_ji) with X_CC symmetric only up to rounding (≈ 4ε‖X‖), amplified by up to 1/(2√ε_b) ≈ 1.7e7
          // at gap ≈ √ε_b = 3e-8 — about 2e-8 here. That amplified rounding is the documented price of 'broaden'.
          expectGradMatchesFd(loss, A, G, [12, 13], 3e-4, policy === 'gauge' ? 1e-8 : 5e-8);
        }
      });

      it(`gets the exact gradient of Σ|v|² over the cluster at gap ${gap} (${kind})`, () => {
        const { A } = middlePair(gap, 17, isComplex);
        const loss = (X: Tensor) => clusterWeight(eigh(X).vectors, 0, 1, 3);
        const G = grad(loss)(A) as Tensor;
        expectGradMatchesFd(loss, A, G, [18, 19], 1e-3, 1e-8);
      });
    }

    it(`under 'error' ${isCluster(gap) ? 'refuses' : 'differentiates'} an eigenspace loss at gap ${gap}`, () => {
      const { A } = middlePair(gap);
      const loss = (X: Tensor) => clusterWeight(eigh(X, policyOptions('error')).vectors, 0, 1, 3);
      if (isCluster(gap)) {
        const e = catchError(() => grad(loss)(A));
        expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
        const d = e as DegenerateEigenvaluesError;
        expect(d.cluster).toEqual([1, 3]);
        expect(d.values.length).toBe(2);
        expect(Math.abs(d.gap - gap)).toBeLessThan(1e-14);
        expect(d.message).toContain("policy 'error'");
        expect(d.message).toContain('eigenvalues 1..2');
      } else {
        expectGradMatchesFd(loss, A, grad(loss)(A) as Tensor, [21], 1e-3, 1e-8);
      }
    });

    if (gap > 0) it(`under 'nan' ${isCluster(gap) ? 'relies on in-cluster terms cancelling in floating point' : 'is exact'} for an eigenspace loss at gap ${gap}`, () => {
      const { A } = middlePair(gap);
      const W = randomHermitian(5, 11);
      const loss = (X: Tensor) => innerWith(W, projector(eigh(X, policyOptions('nan')).vectors, 1, 3));
      const G = grad(loss)(A) as Tensor;
      const Gref = grad((X: Tensor) => innerWith(W, projector(eigh(X).vectors, 1, 3)))(A) as Tensor;
      // the plain formula keeps F_ij (X_ij − X_ji)/2 in the cluster: the rounding of X (≈ ε‖X‖) times 1/gap (at
      // gap 0 the computed eigenvalues differ by rounding only and there is no bound: see the exact-tie test below)
      expect(relErr(flat(G), flat(Gref))).toBeLessThan((1e-15 * 10) / gap);
    });
  }

  it("'nan' gives non-finite gradients at an exact tie (as PyTorch and JAX do)", () => {
    const A = diagonal([-1, 0.5, 0.5, 2, 3]);
    const W = randomHermitian(5, 11);
    const G = grad((X: Tensor) => innerWith(W, projector(eigh(X, policyOptions('nan')).vectors, 1, 3)))(A) as Tensor;
    expect(flat(G).some((v) => !Number.isFinite(v))).toBe(true);
    const Gg = grad((X: Tensor) => innerWith(W, projector(eigh(X).vectors, 1, 3)))(A) as Tensor;
    expect(flat(Gg).every(Number.isFinite)).toBe(true);
    expectGradMatchesFd((X: Tensor) => innerWith(W, projector(eigh(X).vectors, 1, 3)), A, Gg, [23], 1e-3, 1e-8);
  });
});

describe('basis-dependent eigenvector losses inside a cluster', () => {
  for (const gap of GAPS) {
    for (const isComplex of [false, true]) {
      const kind = isComplex ? 'Hermitian' : 'real';
      it(`${isCluster(gap) ? "raises GaugeDependenceError under 'gauge'" : 'is differentiated exactly'} for |v₁[0]|² at gap ${gap} (${kind})`, () => {
        const { A } = middlePair(gap, 27, isComplex);
        const loss = (X: Tensor) => clusterWeight(eigh(X).vectors, 0, 1, 2);
        if (isCluster(gap)) {
          const e = catchError(() => grad(loss)(A));
          expect(e).toBeInstanceOf(GaugeDependenceError);
          const g = e as GaugeDependenceError;
          expect(g.cluster).toEqual([1, 3]);
          expect(g.values.length).toBe(2);
          expect(Math.abs(g.values[0]! - 0.5)).toBeLessThan(1e-12);
          // the size is the first-order basis dependence, here |v₂[0]|-like: small if the solver's basis happens to
          // make it small, but always above the √ε threshold that separates it from rounding
          expect(g.size).toBeGreaterThan(Math.sqrt(2 ** -52));
          expect(g.message).toContain('choice of basis inside the degenerate cluster');
          expect(g.message).toContain("policy: 'broaden'");
        } else {
          // |v₁[0]|² moves by O(1/gap): FD needs a step well below the gap, (h‖E‖/gap)⁴ ≈ 1e-10 at h = 3e-7;
          // the eigenvectors themselves carry an error ε‖A‖/gap ≈ 1e-12, i.e. 1e-12/h ≈ 3e-6 in the FD quotient
          const G = grad(loss)(A) as Tensor;
          expect(maxAbs(G)).toBeGreaterThan(10);
          expectGradMatchesFd(loss, A, G, [28], 3e-7, 1e-6);
        }
      });
    }

    it(`${isCluster(gap) ? 'raises DegenerateEigenvaluesError' : 'is exact'} under 'error' for |v₁[0]|² at gap ${gap}`, () => {
      const { A } = middlePair(gap, 27);
      const loss = (X: Tensor) => clusterWeight(eigh(X, policyOptions('error')).vectors, 0, 1, 2);
      if (isCluster(gap)) expect(() => grad(loss)(A)).toThrow(DegenerateEigenvaluesError);
      else expectGradMatchesFd(loss, A, grad(loss)(A) as Tensor, [28], 3e-7, 1e-6);
    });

    it(`stays finite under 'broaden' for |v₁[0]|² at gap ${gap}, and is unbiased to ε/gap² at a resolved gap`, () => {
      const { A } = middlePair(gap, 27);
      const loss = (X: Tensor) => clusterWeight(eigh(X, policyOptions('broaden')).vectors, 0, 1, 2);
      const G = grad(loss)(A) as Tensor;
      expect(flat(G).every(Number.isFinite)).toBe(true);
      // ε = (1e-8·max|λ|)² = 9e-16: in-cluster factors are at most 1/(2√ε) ≈ 1.7e7
      expect(maxAbs(G)).toBeLessThan(1e8);
      if (!isCluster(gap)) {
        const Gnan = grad((X: Tensor) => clusterWeight(eigh(X, policyOptions('nan')).vectors, 0, 1, 2))(A) as Tensor;
        expect(relErr(flat(G), flat(Gnan))).toBeLessThan(1e-6); // bias ε/gap² = 9e-8
      }
    });
  }

  it("'broaden' takes a user ε: a wider Lorentzian bounds the in-cluster coefficients by 1/(2√ε)", () => {
    const { A } = middlePair(1e-8, 27);
    const loss = (X: Tensor) => clusterWeight(eigh(X, { degeneracy: { policy: 'broaden', epsilon: 1e-4 } }).vectors, 0, 1, 2);
    const G = grad(loss)(A) as Tensor;
    expect(maxAbs(G)).toBeLessThan(2 * (1 / (2 * Math.sqrt(1e-4))));
  });

  it('custom tolerances decide what a cluster is', () => {
    const loss = (o: EighOptions) => (X: Tensor) => clusterWeight(eigh(X, o).vectors, 0, 1, 2);
    const { A } = middlePair(1e-4, 27);
    expect(() => grad(loss({ degeneracy: { rtol: 1e-3 } }))(A)).toThrow(GaugeDependenceError);
    const { A: B } = middlePair(1e-12, 27);
    const G = grad(loss({ degeneracy: { atol: 0, rtol: 0 } }))(B) as Tensor;
    expect(maxAbs(G)).toBeGreaterThan(1e6); // resolved as distinct: the derivative is O(1/gap)
  });
});

describe('eigenvalue cotangents at clusters', () => {
  for (const gap of GAPS) {
    it(`averages over the cluster at gap ${gap}: the top eigenvalue's gradient is ${isCluster(gap) ? 'U Uᵀ/2' : 'v vᵀ'}`, () => {
      const { A, Q } = topPair(gap);
      const P = exactProjector(Q, 5, 3, 5, false);
      const top = (o?: EighOptions) => (X: Tensor) => sum(slice(eigvalsh(X, o), [4], [5]));
      for (const policy of ['gauge', 'broaden'] as const) {
        const G = grad(top(policyOptions(policy)))(A) as Tensor;
        if (isCluster(gap)) expect(relErr(flat(G), flat(mul(P, 0.5)))).toBeLessThan(1e-12);
        // the top eigenvalue's curvature is O(‖E‖²/gap): (h‖E‖/gap)⁴ ≈ 1e-10 needs h = 1e-7; round-off ε‖A‖/h ≈ 1e-8
        else expectGradMatchesFd(top(), A, G, [31, 32], 1e-7, 1e-7);
      }
      // eigh's values go through the same averaging
      const Gh = grad((X: Tensor) => sum(slice(eigh(X).values, [4], [5])))(A) as Tensor;
      expect(relErr(flat(Gh), flat(grad(top())(A) as Tensor))).toBeLessThan(1e-14);
    });

    it(`gives the exact gradient of the sum of the cluster's eigenvalues under every policy at gap ${gap}`, () => {
      const { A, Q } = topPair(gap);
      const P = exactProjector(Q, 5, 3, 5, false);
      for (const policy of POLICIES) {
        const G = grad((X: Tensor) => sum(slice(eigvalsh(X, policyOptions(policy)), [3], [5])))(A) as Tensor;
        expect(relErr(flat(G), flat(P))).toBeLessThan(1e-12);
      }
    });

    it(`under 'error' ${isCluster(gap) ? 'refuses' : 'accepts'} an eigenvalue cotangent not constant on the pair at gap ${gap}`, () => {
      const { A } = topPair(gap);
      const f = (X: Tensor) => sum(slice(eigvalsh(X, policyOptions('error')), [4], [5]));
      if (!isCluster(gap)) {
        expectGradMatchesFd(f, A, grad(f)(A) as Tensor, [33], 1e-7, 1e-7);
        return;
      }
      const e = catchError(() => grad(f)(A));
      expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
      expect((e as DegenerateEigenvaluesError).cluster).toEqual([3, 5]);
      expect((e as DegenerateEigenvaluesError).message).toContain('eigenvalue cotangent is not constant');
      expect(() => grad((X: Tensor) => sum(slice(eigh(X, policyOptions('error')).values, [4], [5])))(A)).toThrow(DegenerateEigenvaluesError);
    });
  }

  it("under 'nan' does not average: the top eigenvalue's gradient is the returned v vᵀ", () => {
    const { A, Q } = topPair(0);
    const G = grad((X: Tensor) => sum(slice(eigvalsh(X, policyOptions('nan')), [4], [5])))(A) as Tensor;
    const v = projector(eigh(A).vectors, 4, 5);
    expect(relErr(flat(G), flat(v))).toBeLessThan(1e-14);
    expect(relErr(flat(G), flat(mul(exactProjector(Q, 5, 3, 5, false), 0.5)))).toBeGreaterThan(0.1);
  });

  it('gives U Uᵀ/m, the minimum-norm generalized gradient, for a triple top eigenvalue (as lambdaMax does)', () => {
    const { A, Q } = withSpectrum([-1, 0.5, 2, 2, 2], 9);
    const G = grad((X: Tensor) => sum(slice(eigvalsh(X), [4], [5])))(A) as Tensor;
    expect(relErr(flat(G), flat(mul(exactProjector(Q, 5, 2, 5, false), 1 / 3)))).toBeLessThan(1e-12);
    // every eigenvalue of the cluster gets the same gradient
    const G0 = grad((X: Tensor) => sum(slice(eigvalsh(X), [2], [3])))(A) as Tensor;
    expect(relErr(flat(G0), flat(G))).toBeLessThan(1e-14);
  });

  it('averages per matrix in a batch: only the matrix with a cluster is affected', () => {
    const mats = [topPair(0).A, topPair(0.5, 3).A];
    const batch = stack(mats);
    const f = (X: Tensor) => sum(slice(eigvalsh(X), [0, 4], [2, 5]));
    const G = grad(f)(batch) as Tensor;
    mats.forEach((M, b) => {
      const g = grad((X: Tensor) => sum(slice(eigvalsh(X), [4], [5])))(M) as Tensor;
      expect(relErr(Array.from(G.data.subarray(b * 25, (b + 1) * 25)), flat(g))).toBeLessThan(1e-14);
    });
  });
});

describe('forward mode at clusters', () => {
  for (const gap of [0, 1e-12, 1e-8]) {
    it(`gives eigenvalue tangents equal to the one-sided directional derivative at gap ${gap}`, () => {
      const { A } = middlePair(gap, 41);
      const E = randomHermitian(5, 42);
      // forward 3-point FD: truncation O(h²‖E‖²) ≈ 1e-7 at h = 1e-4, plus O(gap/h) from the unresolved split
      const h = gap === 1e-8 ? 1e-3 : 1e-4;
      const tol = gap === 1e-8 ? 1e-4 : 1e-6;
      const fd = forwardFd((t) => flat(eigvalsh(axpy(A, E, t))), h);
      const [, dl] = jvp((X: Tensor) => eigvalsh(X), [A], [E]);
      expect(relErr(flat(dl as Tensor), fd)).toBeLessThan(tol);
      const [, dy] = jvp((X: Tensor) => eigh(X), [A], [E]);
      expect(relErr(flat((dy as { values: Tensor }).values), flat(dl as Tensor))).toBeLessThan(1e-12);
      // not linear in Ȧ: the pair's tangent along −E is the reversed negation
      const [, dm] = jvp((X: Tensor) => eigvalsh(X), [A], [mul(E, -1)]);
      const a = flat(dl as Tensor);
      const b = flat(dm as Tensor);
      expect(Math.abs(b[1]! + a[2]!)).toBeLessThan(1e-12);
      expect(Math.abs(b[2]! + a[1]!)).toBeLessThan(1e-12);
      expect(Math.abs(a[1]! - a[2]!)).toBeGreaterThan(1e-3);
    });

    it(`gives eigenvector tangents right for eigenspace quantities at gap ${gap} (projectors against FD)`, () => {
      const { A } = middlePair(gap, 43, true);
      const E = randomHermitian(5, 44, true);
      const view = (X: Tensor) => {
        const V = eigh(X).vectors;
        return [projector(V, 1, 3), projector(V, 0, 1), projector(V, 3, 5)];
      };
      const [, dy] = jvp(view, [A], [E]);
      expect(relErr(flatTree(dy), centralFd((t) => flatTree(view(axpy(A, E, t))), 1e-3))).toBeLessThan(1e-8);
    });
  }

  it('returns, at an exact tie, the basis adapted to the direction: the t → 0⁺ limit of the eigenvectors of A + tȦ', () => {
    const { A } = middlePair(0, 45);
    const E = randomHermitian(5, 46);
    const [y] = jvp((X: Tensor) => eigh(X), [A], [E]);
    const V = (y as { vectors: Tensor }).vectors;
    const Vt = eigh(axpy(A, E, 1e-6)).vectors;
    for (const j of [1, 2]) {
      let d = 0;
      for (let i = 0; i < 5; i++) d += V.data[i * 5 + j]! * Vt.data[i * 5 + j]!;
      expect(Math.abs(d)).toBeGreaterThan(1 - 1e-5);
    }
  });

  it("under 'nan' returns the plain diagonal Re diag(VᴴȦV), which is not the one-sided derivative", () => {
    const { A } = middlePair(0, 41);
    const E = randomHermitian(5, 42);
    const [, dl] = jvp((X: Tensor) => eigvalsh(X, policyOptions('nan')), [A], [E]);
    const V = eigh(A).vectors;
    const expected = [0, 1, 2, 3, 4].map((j) => inner(projector(V, j, j + 1), E));
    expect(relErr(flat(dl as Tensor), expected)).toBeLessThan(1e-12);
    expect(relErr(flat(dl as Tensor), forwardFd((t) => flat(eigvalsh(axpy(A, E, t))), 1e-4))).toBeGreaterThan(1e-3);
  });

  it("under 'error' raises when the tangent rotates a cluster's eigenvectors, and not for Ȧ = I", () => {
    const { A } = middlePair(0, 47);
    const E = randomHermitian(5, 48);
    expect(() => jvp((X: Tensor) => eigh(X, policyOptions('error')), [A], [E])).toThrow(DegenerateEigenvaluesError);
    const [, d] = jvp((X: Tensor) => eigh(X, policyOptions('error')), [A], [eye(5)]);
    expect(flat((d as { values: Tensor }).values).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 1, 1, 1, 1]);
    expect(maxAbs((d as { vectors: Tensor }).vectors)).toBeLessThan(1e-12);
    // eigenvalues alone are fine in forward mode under 'error' (the one-sided derivative exists)
    expect(() => jvp((X: Tensor) => eigvalsh(X, policyOptions('error')), [A], [E])).not.toThrow();
  });
});

describe('second order at clusters', () => {
  for (const gap of [0, 1e-8]) {
    it(`gives exact Hessian-vector products of a projector loss at gap ${gap}`, () => {
      const { A } = middlePair(gap, 51, true);
      const W = randomHermitian(5, 52, true);
      const loss = (X: Tensor) => add(innerWith(W, projector(eigh(X).vectors, 1, 3)), sum(slice(eigvalsh(X), [1], [3])));
      const E = randomHermitian(5, 53, true);
      const H = hvp(loss, A, E);
      const fd = centralFd((t) => flat(grad(loss)(axpy(A, E, t)) as Tensor), 1e-4);
      expect(relErr(flat(H), fd)).toBeLessThan(1e-6);
    });
  }
});

describe('complex phase', () => {
  for (const policy of POLICIES) {
    it(`raises GaugeDependenceError for a loss that depends on an eigenvector's phase (policy '${policy}')`, () => {
      const { A } = withSpectrum([-1, 0.5, 2, 3], 61, { complex: true });
      const loss = (X: Tensor) => sum(real(slice(eigh(X, policyOptions(policy)).vectors, [0, 2], [1, 3])));
      const e = catchError(() => grad(loss)(A));
      expect(e).toBeInstanceOf(GaugeDependenceError);
      const g = e as GaugeDependenceError;
      expect(g.cluster).toEqual([2, 3]);
      expect(g.values).toEqual([expect.closeTo(2, 12)]);
      expect(g.message).toContain('phase of eigenvector 2');
    });
  }

  it('differentiates phase-invariant products of eigenvector entries exactly', () => {
    const { A } = withSpectrum([-1, 0.5, 2, 3], 62, { complex: true });
    const loss = (X: Tensor) => {
      const V = eigh(X).vectors;
      const a = slice(V, [0, 2], [1, 3]);
      const b = slice(V, [3, 2], [4, 3]);
      return add(sum(real(mul(a, conj(b)))), sum(real(mul(a, conj(a)))));
    };
    expectGradMatchesFd(loss, A, grad(loss)(A) as Tensor, [63, 64], 1e-3, 1e-9);
  });
});

describe('float32 at its tolerances', () => {
  it('uses float32 cluster tolerances (ε^0.6, ε^0.4 of float32): a gap of 1e-4 is a cluster in float32, not in float64', () => {
    const { A } = middlePair(1e-4, 71);
    const A32 = tensor(Float32Array.from(A.data), [5, 5]);
    const basisLoss = (X: Tensor) => clusterWeight(eigh(X).vectors, 0, 1, 2);
    expect(() => grad(basisLoss)(A)).not.toThrow();
    expect(() => grad(basisLoss)(A32)).toThrow(GaugeDependenceError);
    const W = randomHermitian(5, 72);
    const projLoss = (X: Tensor) => innerWith(W, projector(eigh(X).vectors, 1, 3));
    const g32 = grad(projLoss)(A32) as Tensor;
    const g64 = grad(projLoss)(tensor(Float64Array.from(A32.data), [5, 5])) as Tensor;
    expect(g32.dtype).toBe('float32');
    // float32 pullback arithmetic on O(1) quantities with gaps ≥ 1.5 outside the cluster
    expect(relErr(flat(g32), flat(g64))).toBeLessThan(1e-5);
  });
});

describe('vjp through a batch with clusters', () => {
  it('applies the gauge check to the matrix that has the cluster and names it', () => {
    const batch = stack([middlePair(0.7, 81).A, middlePair(0, 82).A]);
    const [, pb] = vjp((X: Tensor) => eigh(X), batch);
    const vbar = tensor(new Float64Array(50), [2, 5, 5]);
    vbar.data[25 + 0 * 5 + 1] = 1; // d/dV[1][0, 1]: one column inside the cluster of matrix 1
    const e = catchError(() => pb({ values: tensor(new Float64Array(10), [2, 5]), vectors: vbar }));
    expect(e).toBeInstanceOf(GaugeDependenceError);
    expect((e as GaugeDependenceError).message).toContain('of matrix [1]');
  });
});
