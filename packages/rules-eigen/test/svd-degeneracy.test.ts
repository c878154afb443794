/**
 * svd / svdvals at repeated and at zero singular values, for every degeneracy policy (DESIGN.md "Degeneracy").
 *
 * Matrices are planted as Q₁ diag(s) Q₂ᵀ with known Q₁, Q₂ (svd-helpers.ts), so the exact singular subspaces are
 * available independently of the solver. Repeated values: s = [3, 2, 2 + gap, 0.5] with gap ∈ {0, 1e-12, 1e-8, 1e-4};
 * with the float64 defaults (atol 4e-10, rtol 5.5e-7, max σ = 3: threshold ≈ 1.7e-6) the first three are clusters
 * and 1e-4 is not. Zero values: s = [3, 1.5, 0, 0] (a cluster at 0 of size 2) and single zeros.
 *
 * Finite differences of second derivatives at an exact tie use a fixed step (1e-3): the gradient evaluated at A ± hE
 * has rounding amplified by 1/gap(h) ∝ 1/h (the plain formula's 1/(s_k − s_j) terms cancel only up to rounding), so an
 * adaptively chosen tiny step sees that noise; at h = 1e-3 the truncation error is ≈ 1e-10 (measured while writing
 * these tests: 4e-10 at h = 1e-3, 1e-10 at 1e-4, 2e-7 at 1e-5 for the cluster projector).
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  grad,
  jvp,
  matmul,
  max,
  scale,
  slice,
  square,
  sum,
  tensor,
  transpose,
} from '@ad/core';
import { centralFdm, checkGrad, testFrule, testRrule } from '@ad/testing';
import { svd, svdvals, type SvdOptions, type SvdResult } from '../src/index.js';
import type { DegeneracyPolicy } from '../src/degeneracy.js';
import {
  axpy,
  catchError,
  columns,
  exactOuter,
  flat,
  forwardFd,
  GAPS,
  inner,
  innerWith,
  isCluster,
  policyOptions,
  randomTensor,
  relErr,
  rows,
} from './helpers.js';
import { cross, leftProjector, rightProjector, withSingularValues, type Planted } from './svd-helpers.js';

const SHAPES: [number, number][] = [
  [5, 4],
  [4, 6],
  [4, 4],
];
const kind = (m: number, n: number) => (m > n ? 'tall' : m < n ? 'wide' : 'square');
const FIXED = centralFdm(5, 1, { step: 1e-4 });

/** s = [3, 2, 2 + gap, 0.5]: a pair at indices [1, 3). */
function middlePair(m: number, n: number, gap: number, seed = 5): Planted {
  return withSingularValues([3, 2, 2 + gap, 0.5], m, n, seed);
}

/** The three subspace losses of the cluster [start, end): ⟨W₁, U_CU_Cᵀ⟩, ⟨W₂, V_CV_Cᵀ⟩, ⟨W₃, U_CV_Cᵀ⟩. */
function subspaceLosses(m: number, n: number, start: number, end: number, policy: DegeneracyPolicy = 'gauge') {
  const W1 = randomTensor([m, m], 1);
  const W2 = randomTensor([n, n], 2);
  const W3 = randomTensor([m, n], 3);
  return {
    left: (X: Tensor) => innerWith(W1, leftProjector(svd(X, policyOptions(policy)).U, start, end)),
    right: (X: Tensor) => innerWith(W2, rightProjector(svd(X, policyOptions(policy)).Vt, start, end)),
    cross: (X: Tensor) => {
      const y = svd(X, policyOptions(policy));
      return innerWith(W3, cross(y.U, y.Vt, start, end));
    },
  };
}

describe('subspace losses at repeated nonzero singular values', () => {
  for (const [m, n] of SHAPES) {
    for (const gap of GAPS) {
      it(`gets the exact gradient of U_CU_Cᵀ, V_CV_Cᵀ and U_CV_Cᵀ losses under 'gauge' at gap ${gap} (${m}×${n}, ${kind(m, n)})`, () => {
        const { A } = middlePair(m, n, gap);
        for (const [name, f] of Object.entries(subspaceLosses(m, n, 1, 3))) {
          const r = checkGrad(f, A, { name });
          expect(r.ok, r.message).toBe(true);
        }
      });
    }

    for (const gap of [0, 1e-12]) {
      it(`gets exact second derivatives of those losses and of the nuclear norm at an exact tie, gap ${gap} (${m}×${n})`, () => {
        const { A } = middlePair(m, n, gap);
        const losses = { ...subspaceLosses(m, n, 1, 3), nuclear: (X: Tensor) => sum(svdvals(X)) };
        for (const [name, f] of Object.entries(losses)) {
          const r = checkGrad(f, A, { order: 2, fdm: FIXED, name });
          expect(r.ok, r.message).toBe(true);
        }
      });
    }

    it(`gives 'broaden' the gradient of 'gauge' up to its documented O(ε/gap²) bias and amplified rounding (${m}×${n})`, () => {
      for (const gap of GAPS) {
        const { A } = middlePair(m, n, gap);
        const g = subspaceLosses(m, n, 1, 3, 'gauge');
        const b = subspaceLosses(m, n, 1, 3, 'broaden');
        for (const k of ['left', 'right', 'cross'] as const) {
          const Gb = grad(b[k])(A) as Tensor;
          // ε = (1e-8·3)²; bias ε/gap² ≤ 1e-7 at gap 1e-4; in-cluster terms multiply rounding of ~ε_mach by ≤ 1/(2√ε)
          expect(relErr(Gb, grad(g[k])(A) as Tensor)).toBeLessThan(gap === 1e-4 ? 2e-7 : 5e-8);
        }
      }
    });
  }

  it('returns the exact cluster projectors (against the planted subspaces) at an exact tie', () => {
    for (const [m, n] of SHAPES) {
      const P = middlePair(m, n, 0);
      const { U, Vt } = svd(P.A);
      expect(relErr(leftProjector(U, 1, 3), exactOuter(P.Q1, m, P.Q1, m, 1, 3))).toBeLessThan(1e-14);
      expect(relErr(rightProjector(Vt, 1, 3), exactOuter(P.Q2, n, P.Q2, n, 1, 3))).toBeLessThan(1e-14);
      expect(relErr(cross(U, Vt, 1, 3), exactOuter(P.Q1, m, P.Q2, n, 1, 3))).toBeLessThan(1e-14);
    }
  });
  for (const [m, n] of SHAPES) {
    it(`passes the rule's own testRrule and testFrule through subspace views at an exact tie, dot-product included (${m}×${n})`, () => {
      const { A } = middlePair(m, n, 0);
      const output = (y: SvdResult) => [leftProjector(y.U, 1, 3), rightProjector(y.Vt, 1, 3), cross(y.U, y.Vt, 1, 3), cross(y.U, y.Vt, 0, 1)];
      for (const seed of [1, 2]) {
        // Not 'zero-tangent': it zeroes one output field's cotangent at a time, which turns the invariant (Ū, V̄t) pair of
        // a cross term U_CV_Cᵀ into a basis-dependent one — rightly a GaugeDependenceError here (tested elsewhere).
        const checks = ['primal', 'vjp', 'dot-product', 'cotangent-type', 'nondiff', 'mutation', 'repeatable'] as const;
        const r = testRrule(svd, [A], { output: output as never, seed, checks });
        expect(r.ok, r.message).toBe(true);
        expect(r.checks).toContain('dot-product');
        const q = testFrule(svd, [A], { output: output as never, seed, checks: ['jvp', 'tangent-type', 'zero-tangent', 'mutation'] });
        expect(q.ok, q.message).toBe(true);
      }
    });
  }

  it("gives finite forward tangents under 'broaden' and non-finite ones under 'nan' at an exact tie", () => {
    const A = tensor([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    const E = randomTensor([4, 3], 17);
    const [, db] = jvp((X: Tensor) => svd(X, policyOptions('broaden')), [A], [E]);
    for (const t of Object.values(db as SvdResult)) expect(flat(t).every(Number.isFinite)).toBe(true);
    const [, dn] = jvp((X: Tensor) => svd(X, policyOptions('nan')).U, [A], [E]);
    expect(flat(dn as Tensor).some((v) => !Number.isFinite(v))).toBe(true);
    // 'gauge' and 'broaden' agree on the cluster projector's tangent
    const view = (o: SvdOptions) => (X: Tensor) => leftProjector(svd(X, o).U, 0, 2);
    const a = jvp(view(policyOptions('gauge')), [A], [E])[1] as Tensor;
    const b = jvp(view(policyOptions('broaden')), [A], [E])[1] as Tensor;
    expect(relErr(b, a)).toBeLessThan(1e-14);
  });
});

describe('singular value losses at repeated values', () => {
  for (const [m, n] of SHAPES) {
    it(`gives the spectral norm at a repeated top value the minimum-norm subgradient U_CV_Cᵀ/k (${m}×${n})`, () => {
      for (const k of [2, 3]) {
        const s = [2, 2, 2, 0.5].map((v, i) => (i < k ? v : i === 3 ? 0.5 : 1));
        const P = withSingularValues(s, m, n, 6);
        const G = grad((X: Tensor) => max(svdvals(X)))(P.A) as Tensor;
        expect(relErr(G, scale(exactOuter(P.Q1, m, P.Q2, n, 0, k), 1 / k))).toBeLessThan(1e-14);
        // a subgradient of the convex σ_max: the one-sided derivative along E dominates ⟨G, E⟩
        for (const seed of [7, 8, 9]) {
          const E = randomTensor([m, n], seed);
          const d = forwardFd((t) => [svdvals(axpy(P.A, E, t)).data[0]!], 1e-6)[0]!;
          expect(d).toBeGreaterThanOrEqual(inner(G, E) - 1e-6);
        }
      }
    });

    it(`gives the nuclear norm the exact gradient U Vᵀ at ties, and Σσ² the gradient 2A (${m}×${n})`, () => {
      const P = withSingularValues([2, 2, 2, 1], m, n, 10);
      expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(P.A) as Tensor, exactOuter(P.Q1, m, P.Q2, n, 0, 4))).toBeLessThan(1e-14);
      expect(relErr(grad((X: Tensor) => sum(square(svdvals(X))))(P.A) as Tensor, scale(P.A, 2))).toBeLessThan(1e-14);
    });
  }

  it("averages the cotangent over the cluster (policies 'gauge' and 'broaden') and refuses non-constant ones under 'error'", () => {
    const P = middlePair(5, 4, 0);
    const top1 = (policy: DegeneracyPolicy) => (X: Tensor) => sum(slice(svdvals(X, policyOptions(policy)), [1], [2]));
    const half = scale(exactOuter(P.Q1, 5, P.Q2, 4, 1, 3), 0.5);
    expect(relErr(grad(top1('gauge'))(P.A) as Tensor, half)).toBeLessThan(1e-14);
    expect(relErr(grad(top1('broaden'))(P.A) as Tensor, half)).toBeLessThan(1e-14);
    const e = catchError(() => grad(top1('error'))(P.A));
    expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
    const d = e as DegenerateEigenvaluesError;
    expect(d.cluster).toEqual([1, 3]);
    expect(d.values.length).toBe(2);
    expect(d.message).toContain('singular values 1..2');
    // a symmetric function of the cluster is fine under 'error'
    expect(() => grad((X: Tensor) => sum(svdvals(X, policyOptions('error'))))(P.A)).not.toThrow();
  });
});

describe('one-sided forward derivatives at repeated values', () => {
  for (const [m, n] of SHAPES) {
    it(`gives svdvals the one-sided derivative: eigenvalues of sym(U_CᵀȦV_C), descending (${m}×${n})`, () => {
      for (const s of [
        [3, 2, 2, 0.5],
        [2, 2, 2, 1],
        [2, 2, 1, 1],
      ]) {
        const { A } = withSingularValues(s, m, n, 11);
        for (const seed of [1, 2]) {
          const r = testFrule(svdvals, [A], { oneSided: true, seed });
          expect(r.ok, r.message).toBe(true);
        }
      }
    });

    it(`gives svd's frule one-sided values and exact subspace tangents at a tie, in the basis adapted to Ȧ (${m}×${n})`, () => {
      const { A } = middlePair(m, n, 0);
      const view = (X: Tensor) => {
        const y = svd(X);
        return [y.S, leftProjector(y.U, 1, 3), rightProjector(y.Vt, 1, 3), cross(y.U, y.Vt, 1, 3), cross(y.U, y.Vt, 0, 1), leftProjector(y.U, 3, 4)];
      };
      const r = testFrule(view, [A], { oneSided: true });
      expect(r.ok, r.message).toBe(true);
      // the returned basis diagonalizes sym(U_CᵀȦV_C) and is still a valid SVD of A
      const E = randomTensor([m, n], 12);
      const [y, dy] = svd.rule.frule([A, undefined], [E, undefined as never]) as [{ U: Tensor; S: Tensor; Vt: Tensor }, { S: Tensor }];
      const P = matmul(transpose(y.U), matmul(E, transpose(y.Vt)));
      expect(Math.abs(P.data[1 * 4 + 2]! + P.data[2 * 4 + 1]!)).toBeLessThan(1e-14);
      expect(Math.abs(dy.S.data[1]! - P.data[1 * 4 + 1]!)).toBeLessThan(1e-14);
      expect(dy.S.data[1]!).toBeGreaterThanOrEqual(dy.S.data[2]!);
      const US = matmul(columns(y.U, 0, 4), matmul(tensor([[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0.5]]), rows(y.Vt, 0, 4)));
      expect(relErr(US, A)).toBeLessThan(1e-14);
    });
  }

  it("refuses tangents that rotate a cluster's vectors under 'error', and accepts those that keep them (Ȧ = A)", () => {
    const { A } = middlePair(5, 4, 0);
    const E = randomTensor([5, 4], 13);
    const e = catchError(() => jvp((X: Tensor) => svd(X, policyOptions('error')), [A], [E]));
    expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
    expect((e as DegenerateEigenvaluesError).cluster).toEqual([1, 3]);
    expect((e as Error).message).toContain('rotates their singular vectors');
    const [, dy] = jvp((X: Tensor) => svd(X, policyOptions('error')), [A], [A]);
    expect(relErr((dy as { S: Tensor }).S, [3, 2, 2, 0.5])).toBeLessThan(1e-14);
  });
});

describe('policies at repeated values', () => {
  for (const gap of GAPS) {
    it(`under 'error' ${isCluster(gap) ? 'refuses' : 'differentiates'} a subspace loss at gap ${gap}`, () => {
      const { A } = middlePair(5, 4, gap);
      const f = subspaceLosses(5, 4, 1, 3, 'error').left;
      if (isCluster(gap)) {
        const e = catchError(() => grad(f)(A));
        expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
        const d = e as DegenerateEigenvaluesError;
        expect(d.cluster).toEqual([1, 3]);
        expect(Math.abs(d.gap - gap)).toBeLessThan(1e-14);
        expect(d.message).toContain("policy 'error'");
      } else {
        expect(checkGrad(f, A).ok).toBe(true);
      }
    });
  }

  it("raises GaugeDependenceError under 'gauge' for a loss that depends on the basis inside a cluster, naming it", () => {
    for (const [m, n] of SHAPES) {
      const { A } = middlePair(m, n, 0);
      const W = randomTensor([m, n], 14);
      // u₁v₁ᵀ alone: one vector pair of the cluster [1, 3)
      const f = (X: Tensor) => {
        const y = svd(X);
        return innerWith(W, cross(y.U, y.Vt, 1, 2));
      };
      const e = catchError(() => grad(f)(A));
      expect(e).toBeInstanceOf(GaugeDependenceError);
      const g = e as GaugeDependenceError;
      expect(g.cluster).toEqual([1, 3]);
      expect(g.values.map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 2]);
      expect(g.size).toBeGreaterThan(1e-3);
      expect(g.message).toContain('singular values 1..2');
      expect(g.message).toContain('skew(U_CᵀŪ_C) + skew(V_CᵀV̄_C)');
      // only U: the relative rotation is fine, the joint one is not
      const h = (X: Tensor) => innerWith(randomTensor([m, m], 15), matmul(columns(svd(X).U, 1, 2), transpose(columns(svd(X).U, 2, 3))));
      expect(catchError(() => grad(h)(A))).toBeInstanceOf(GaugeDependenceError);
    }
  });

  it("returns non-finite gradients under 'nan' at an exact tie, finite ones under 'broaden'", () => {
    const A = tensor([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    const W = randomTensor([4, 4], 16);
    const loss = (policy: DegeneracyPolicy) => (X: Tensor) => innerWith(W, leftProjector(svd(X, policyOptions(policy)).U, 0, 2));
    expect(flat(grad(loss('nan'))(A) as Tensor).some((v) => !Number.isFinite(v))).toBe(true);
    const Gb = grad(loss('broaden'))(A) as Tensor;
    expect(flat(Gb).every(Number.isFinite)).toBe(true);
    expect(relErr(Gb, grad(loss('gauge'))(A) as Tensor)).toBeLessThan(1e-14);
  });
});

describe('zero singular values (rank-deficient matrices)', () => {
  const ZSHAPES: [number, number][] = [
    [6, 4],
    [4, 6],
    [4, 4],
  ];
  const deficient = (m: number, n: number, seed = 20) => withSingularValues([3, 1.5, 0, 0], m, n, seed);

  for (const [m, n] of ZSHAPES) {
    it(`gives the nuclear norm the minimum-norm subgradient U₊V₊ᵀ and Σσ² the gradient 2A (${m}×${n}, ${kind(m, n)})`, () => {
      const P = deficient(m, n);
      const G = grad((X: Tensor) => sum(svdvals(X)))(P.A) as Tensor;
      expect(relErr(G, exactOuter(P.Q1, m, P.Q2, n, 0, 2))).toBeLessThan(1e-14);
      // a subgradient of the convex nuclear norm: its one-sided derivative dominates ⟨G, E⟩
      for (const seed of [21, 22]) {
        const E = randomTensor([m, n], seed);
        const d = forwardFd((t) => [sum(svdvals(axpy(P.A, E, t))).data[0]!], 1e-6)[0]!;
        expect(d).toBeGreaterThan(inner(G, E));
      }
      expect(relErr(grad((X: Tensor) => sum(square(svdvals(X))))(P.A) as Tensor, scale(P.A, 2))).toBeLessThan(1e-14);
    });

    it(`gets the exact gradient and Hessian of losses of the nonzero part: σ₀ + σ₁, U₊U₊ᵀ, V₊V₊ᵀ, U₊V₊ᵀ (${m}×${n})`, () => {
      const { A } = deficient(m, n);
      const losses = { ...subspaceLosses(m, n, 0, 2), kyFan: (X: Tensor) => sum(slice(svdvals(X), [0], [2])) };
      for (const [name, f] of Object.entries(losses)) {
        const r = checkGrad(f, A, { order: 2, fdm: FIXED, name });
        expect(r.ok, r.message).toBe(true);
      }
    });

    it(`gives svdvals the one-sided derivative at 0: the singular values of the null-space block of Ȧ (${m}×${n})`, () => {
      for (const s of [
        [3, 1.5, 0, 0],
        [3, 1.5, 1, 0],
        [0, 0, 0, 0],
      ]) {
        const { A } = withSingularValues(s, m, n, 23);
        for (const seed of [1, 2]) {
          const r = testFrule(svdvals, [A], { oneSided: true, seed });
          expect(r.ok, r.message).toBe(true);
        }
      }
    });

    it(`refuses the nuclear norm at a rank-deficient matrix under 'error', accepts Σσ² (${m}×${n})`, () => {
      const { A } = deficient(m, n);
      const e = catchError(() => grad((X: Tensor) => sum(svdvals(X, policyOptions('error'))))(A));
      expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
      const d = e as DegenerateEigenvaluesError;
      expect(d.cluster).toEqual([2, 4]);
      expect(d.message).toContain('count as zero');
      expect(relErr(grad((X: Tensor) => sum(square(svdvals(X, policyOptions('error')))))(A) as Tensor, scale(A, 2))).toBeLessThan(1e-14);
    });
  }

  for (const [m, n] of ZSHAPES) {
    it(`passes testRrule and testFrule (dot-product included) through views of the nonzero part (${m}×${n})`, () => {
      const { A } = deficient(m, n);
      const view = (X: Tensor) => {
        const y = svd(X);
        return [slice(y.S, [0], [2]), leftProjector(y.U, 0, 2), rightProjector(y.Vt, 0, 2), cross(y.U, y.Vt, 0, 2), cross(y.U, y.Vt, 1, 2)];
      };
      const r = testRrule(view, [A]);
      expect(r.ok, r.message).toBe(true);
      const q = testFrule(view, [A]);
      expect(q.ok, q.message).toBe(true);
    });
  }

  it("refuses tangents that move the zero values' vectors under 'error', and accepts Ȧ = A (which keeps the null spaces)", () => {
    for (const [m, n] of ZSHAPES) {
      const { A } = deficient(m, n);
      const e = catchError(() => jvp((X: Tensor) => svd(X, policyOptions('error')), [A], [randomTensor([m, n], 29)]));
      expect(e, `${m}×${n}`).toBeInstanceOf(DegenerateEigenvaluesError);
      expect((e as DegenerateEigenvaluesError).cluster).toEqual([2, 4]);
      const [, dy] = jvp((X: Tensor) => svd(X, policyOptions('error')), [A], [A]);
      expect(relErr(slice((dy as SvdResult).S, [0], [2]), [3, 1.5])).toBeLessThan(1e-14);
    }
  });

  it('gives the square case the exact gradient of the null-space projector U_ZU_Zᵀ = I − U₊U₊ᵀ', () => {
    const { A } = deficient(4, 4);
    const W = randomTensor([4, 4], 24);
    const f = (X: Tensor) => innerWith(W, leftProjector(svd(X).U, 2, 4));
    const r = checkGrad(f, A);
    expect(r.ok, r.message).toBe(true);
    const g = grad((X: Tensor) => innerWith(W, leftProjector(svd(X).U, 0, 2)))(A) as Tensor;
    expect(relErr(grad(f)(A) as Tensor, scale(g, -1))).toBeLessThan(1e-12);
  });

  it('raises GaugeDependenceError for losses of the zero values\' vectors, naming the null spaces that make them arbitrary', () => {
    const cases: [number, number, (y: { U: Tensor; Vt: Tensor }) => Tensor, string][] = [
      [6, 4, (y) => leftProjector(y.U, 2, 4), 'left null space'],
      [4, 6, (y) => rightProjector(y.Vt, 2, 4), 'right null space'],
      [4, 4, (y) => cross(y.U, y.Vt, 2, 4), 'rotated independently'],
    ];
    for (const [m, n, view, words] of cases) {
      const { A } = deficient(m, n);
      const W = randomTensor(view(svd(A)).shape, 25);
      const e = catchError(() => grad((X: Tensor) => innerWith(W, view(svd(X))))(A));
      expect(e, `${m}×${n}`).toBeInstanceOf(GaugeDependenceError);
      const g = e as GaugeDependenceError;
      expect(g.cluster).toEqual([2, 4]);
      expect(g.message).toContain(words);
      expect(g.message).toContain('count as zero');
      // under 'error' the same loss is a DegenerateEigenvaluesError; under 'broaden' it is finite
      const err = catchError(() => grad((X: Tensor) => innerWith(W, view(svd(X, policyOptions('error')))))(A));
      expect(err).toBeInstanceOf(DegenerateEigenvaluesError);
      const Gb = grad((X: Tensor) => innerWith(W, view(svd(X, policyOptions('broaden')))))(A) as Tensor;
      expect(flat(Gb).every(Number.isFinite)).toBe(true);
    }
  });

  it("applies the plain formula under 'nan': U Vᵀ for the nuclear norm, non-finite at exact zeros", () => {
    const A = tensor([
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
    const y = svd(A);
    expect(Array.from(y.S.data)).toEqual([1, 0]);
    const Gn = grad((X: Tensor) => sum(svdvals(X, policyOptions('nan'))))(A) as Tensor;
    expect(relErr(Gn, matmul(y.U, y.Vt))).toBeLessThan(1e-15);
    expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(A) as Tensor, [1, 0, 0, 0, 0, 0])).toBe(0);
    const W = randomTensor([3, 3], 26);
    const top = (policy: DegeneracyPolicy) => (X: Tensor) => innerWith(W, leftProjector(svd(X, policyOptions(policy)).U, 0, 1));
    expect(flat(grad(top('nan'))(A) as Tensor).some((v) => !Number.isFinite(v))).toBe(true);
    const G = grad(top('gauge'))(A) as Tensor;
    expect(flat(G).every(Number.isFinite)).toBe(true);
    expect(checkGrad(top('gauge'), A).ok).toBe(true);
  });

  it('treats values joined to 0 by gaps within the tolerance as zero, and lower tolerances make them simple again', () => {
    const P = withSingularValues([3, 1.5, 1e-9, 0], 6, 4, 27);
    const G = grad((X: Tensor) => sum(svdvals(X)))(P.A) as Tensor;
    expect(relErr(G, exactOuter(P.Q1, 6, P.Q2, 4, 0, 2))).toBeLessThan(1e-12);
    const tight: SvdOptions = { degeneracy: { atol: 1e-300, rtol: 0 } };
    const Gt = grad((X: Tensor) => sum(slice(svdvals(X, tight), [0], [3])))(P.A) as Tensor;
    expect(relErr(Gt, exactOuter(P.Q1, 6, P.Q2, 4, 0, 3))).toBeLessThan(1e-6);
  });

  it('handles a zero cluster next to a cluster of equal nonzero values', () => {
    const P = withSingularValues([2, 2, 0, 0], 5, 4, 28);
    for (const [name, f] of Object.entries(subspaceLosses(5, 4, 0, 2))) {
      const r = checkGrad(f, P.A, { order: 2, fdm: FIXED, name });
      expect(r.ok, r.message).toBe(true);
    }
    const r = testFrule(svdvals, [P.A], { oneSided: true });
    expect(r.ok, r.message).toBe(true);
    // nonsmooth there: the minimum-norm subgradients of the nuclear and the spectral norm
    expect(relErr(grad((X: Tensor) => sum(svdvals(X)))(P.A) as Tensor, exactOuter(P.Q1, 5, P.Q2, 4, 0, 2))).toBeLessThan(1e-14);
    expect(relErr(grad((X: Tensor) => max(svdvals(X)))(P.A) as Tensor, scale(exactOuter(P.Q1, 5, P.Q2, 4, 0, 2), 0.5))).toBeLessThan(1e-14);
  });
});
