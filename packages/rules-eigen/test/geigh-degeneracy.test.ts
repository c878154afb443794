/**
 * geigh / geigvalsh at exactly and nearly repeated generalized eigenvalues, for every degeneracy policy.
 *
 * Pencils (A, B) = (Mᵀ diag(λ) M, Mᵀ M) with a pair separated by gap ∈ {0, 1e-12, 1e-8, 1e-4}; with the float64
 * defaults (atol 4e-10, rtol 5.5e-7, max|λ| = 3, threshold ≈ 1.7e-6) the first three are clusters and 1e-4 is not.
 * The exact eigenvectors Z = M⁻¹ are known, so exact B-orthogonal projectors are available without a solver.
 * Gauge-invariant losses: the B-orthogonal projector V_C V_Cᵀ B and Σ_{i∈C} vᵢᵀ W vᵢ.
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  add,
  grad,
  jvp,
  matmul,
  mul,
  slice,
  stack,
  sum,
  tensor,
  vjp,
} from '@ad/core';
import { centralFdm, checkGrad, spd, symmetric, testFrule, testRrule } from '@ad/testing';
import { geigh, geigvalsh, type GeighOptions, type GeighResult } from '../src/index.js';
import type { DegeneracyPolicy } from '../src/degeneracy.js';
import {
  catchError,
  columns,
  expectOk,
  flat,
  flatTree,
  GAPS,
  innerWith,
  isCluster,
  maxAbs,
  POLICIES,
  policyOptions,
  relErr,
} from './helpers.js';
import { bProjector, exactBProjector, exactZZ, outer, pencil, type Pencil } from './geigh-helpers.js';
import { randomHermitian } from './eigh-helpers.js';

/** A 5×5 pencil with the pair (0.5, 0.5 + gap) at indices [1, 3), κ(B) = 20. */
function middlePair(gap: number, seed = 7): Pencil {
  return pencil([-1, 0.5, 0.5 + gap, 2, 3], seed, { cond: 20 });
}

/** A 5×5 pencil with its top pair (3, 3 + gap) at indices [3, 5), κ(B) = 20. */
function topPair(gap: number, seed = 8): Pencil {
  return pencil([-1, 0.5, 2, 3, 3 + gap], seed, { cond: 20 });
}

/**
 * FD for functions that turn on the scale of a resolved small gap (eigenvectors of a pair 1e-4 apart move by O(1)
 * over a perturbation of O(gap)): the harness's step heuristic assumes the derivatives vary little over its stencil,
 * which is false for steps beyond the gap, so the stencil is kept within gap/30 — truncation then ≈ (1/30)⁴ of the
 * derivative, and the harness's error estimate covers it.
 */
function withinGap(gap: number) {
  return centralFdm(5, 1, { maxRange: gap / 30 });
}

/** Σ_{i∈[start,end)} vᵢᵀ W vᵢ. */
function clusterQuad(V: Tensor, W: Tensor, start: number, end: number): Tensor {
  const VC = columns(V, start, end);
  return sum(mul(VC, matmul(W, VC)));
}

describe('gauge-invariant eigenvector losses at (nearly) repeated generalized eigenvalues', () => {
  for (const gap of GAPS) {
    it(`gets the exact gradient in A and B of ⟨W, V_C V_Cᵀ B⟩ and Σ vᵢᵀ W vᵢ over the pair at gap ${gap} ('gauge')`, () => {
      const p = middlePair(gap);
      const W = randomHermitian(5, 11);
      const losses = [
        (A: Tensor, B: Tensor) => innerWith(W, bProjector(geigh(A, B).vectors, B, 1, 3)),
        (A: Tensor, B: Tensor) => clusterQuad(geigh(A, B).vectors, W, 1, 3),
      ];
      for (const loss of losses) {
        expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A)));
        expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B)));
      }
    });

    it(`passes testRrule in both arguments with a gauge-invariant view at gap ${gap}`, () => {
      const p = middlePair(gap, 12);
      // smooth functions of the output: eigenspaces of the pair and of the rest, the pair's sum, the simple values
      const view = (y: GeighResult) => [
        outer(y.vectors, 1, 3),
        outer(y.vectors, 0, 1),
        outer(y.vectors, 3, 5),
        sum(slice(y.values, [1], [3])),
        slice(y.values, [0], [1]),
        slice(y.values, [3], [5]),
      ];
      // at a cluster the frule/rrule dot product is not defined on raw outputs (the frule returns the basis adapted to
      // its tangent): oneSided skips it; the vjp is still checked against central differences of the smooth view
      expectOk(testRrule(geigh, [p.A, p.B], { output: view as never, oneSided: isCluster(gap), seed: 13 }));
    });
  }

  it("'broaden' gets the projector gradient at a tie to the rounding it amplifies (documented price)", () => {
    for (const gap of [0, 1e-8]) {
      const p = middlePair(gap, 14);
      const W = randomHermitian(5, 15);
      const loss = (A: Tensor, B: Tensor) => innerWith(W, bProjector(geigh(A, B, policyOptions('broaden')).vectors, B, 1, 3));
      const ref = (A: Tensor, B: Tensor) => innerWith(W, bProjector(geigh(A, B).vectors, B, 1, 3));
      const [gA, gB] = grad(loss, [0, 1])(p.A, p.B) as Tensor[];
      const [hA, hB] = grad(ref, [0, 1])(p.A, p.B) as Tensor[];
      // 'broaden' keeps F_ij·(K̄_ij − K̄_ji)/2 inside the cluster, where K̄_CC is symmetric only up to rounding
      // (≈ 10ε‖K̄‖), times up to 1/(2√ε_b) = 1/(2·1e-8·3) ≈ 1.7e7: ≈ 4e-8 relative at worst (0 when the gap is far from √ε_b)
      expect(relErr(flat(gA!), flat(hA!))).toBeLessThan(1e-7);
      expect(relErr(flat(gB!), flat(hB!))).toBeLessThan(1e-7);
    }
  });

  it("'nan' gives non-finite gradients at an exact tie where 'gauge' is finite and exact", () => {
    // a diagonal pencil whose Cholesky factor diag(1, 2, 2, 1) is exact: λ = −1, 0.5, 0.5, 3 with an exact tie
    const A = tensor([[-1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3]]);
    const B = tensor([[1, 0, 0, 0], [0, 4, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]]);
    expect(flat(geigvalsh(A, B))).toEqual([-1, 0.5, 0.5, 3]);
    const W = randomHermitian(4, 16);
    const loss = (policy: DegeneracyPolicy) => (X: Tensor) => innerWith(W, bProjector(geigh(X, B, policyOptions(policy)).vectors, B, 1, 3));
    const Gn = grad(loss('nan'))(A) as Tensor;
    expect(flat(Gn).some((v) => !Number.isFinite(v))).toBe(true);
    expectOk(checkGrad(loss('gauge'), symmetric(A)));
  });

  it('keeps the symmetric in-cluster term −½K_B: dropping it would break the B-gradient of Σ vᵢᵀ W vᵢ at a tie', () => {
    // With Ḃ = B the pencil (A, (1 + t)B) has eigenvectors V/√(1 + t): V̇ = −½V, which is pure −½K_B (K_B = I).
    // (At the tie the frule returns the basis adapted to its tangent, so compare with the vectors it returns.)
    const p = middlePair(0, 17);
    const [y, d] = jvp((B: Tensor) => geigh(p.A, B), [p.B], [p.B]);
    const { values: dl, vectors: dV } = d as GeighResult;
    const { values, vectors: V } = y as GeighResult;
    expect(relErr(flat(dl), flat(values).map((v) => -v))).toBeLessThan(1e-13);
    expect(relErr(flat(dV), flat(V).map((v) => -0.5 * v))).toBeLessThan(1e-13);
  });
});

describe('forward mode at clusters', () => {
  for (const gap of [0, 1e-12]) {
    it(`gives eigenvalue tangents equal to the one-sided directional derivative at gap ${gap} (testFrule oneSided)`, () => {
      const p = middlePair(gap, 21);
      expectOk(testFrule(geigvalsh, [p.A, p.B], { oneSided: true, seed: 22 }));
      const view = (y: GeighResult) => [y.values, outer(y.vectors, 1, 3), outer(y.vectors, 0, 1), outer(y.vectors, 3, 5)];
      // At a cluster the frule returns the basis adapted to its tangent — another B-orthonormal basis of the same
      // eigenspace — so its primal is compared with the plain call through the view (as the harness does with `output`).
      expectOk(testFrule(geigh, [p.A, p.B], { oneSided: true, output: view as never, seed: 23 }));
      const [y] = jvp((A: Tensor, B: Tensor) => geigh(A, B), [p.A, p.B], [randomHermitian(5, 24), randomHermitian(5, 25)]);
      expect(relErr(flatTree(view(y as GeighResult)), flatTree(view(geigh(p.A, p.B))))).toBeLessThan(1e-13);
    });
  }

  it('is not linear at a tie: the pair’s tangent along −(Ȧ, Ḃ) is the reversed negation', () => {
    const p = middlePair(0, 24);
    const EA = randomHermitian(5, 25);
    const EB = randomHermitian(5, 26);
    const [, a] = jvp((A: Tensor, B: Tensor) => geigvalsh(A, B), [p.A, p.B], [EA, EB]);
    const [, b] = jvp((A: Tensor, B: Tensor) => geigvalsh(A, B), [p.A, p.B], [mul(EA, -1), mul(EB, -1)]);
    const x = flat(a as Tensor);
    const y = flat(b as Tensor);
    expect(Math.abs(y[1]! + x[2]!)).toBeLessThan(1e-12);
    expect(Math.abs(y[2]! + x[1]!)).toBeLessThan(1e-12);
    expect(Math.abs(x[1]! - x[2]!)).toBeGreaterThan(1e-3);
  });

  it('returns, at an exact tie, the basis adapted to the direction: the t → 0⁺ limit of the eigenvectors', () => {
    const p = middlePair(0, 27);
    const EA = randomHermitian(5, 28);
    const EB = randomHermitian(5, 29);
    const [y] = jvp((A: Tensor, B: Tensor) => geigh(A, B), [p.A, p.B], [EA, EB]);
    const V = (y as GeighResult).vectors;
    const t = 1e-6;
    const At = add(p.A, mul(EA, t));
    const Bt = add(p.B, mul(EB, t));
    const Vt = geigh(At, Bt).vectors;
    for (const j of [1, 2]) {
      // |vⱼᵀ B vⱼ(t)| → 1 for B-normalized vectors pointing the same way
      let d = 0;
      for (let i = 0; i < 5; i++) for (let k = 0; k < 5; k++) d += V.data[i * 5 + j]! * p.B.data[i * 5 + k]! * Vt.data[k * 5 + j]!;
      expect(Math.abs(d)).toBeGreaterThan(1 - 1e-5);
    }
  });

  it("under 'error' raises when the tangent rotates a cluster's eigenvectors, and not for Ȧ = B or Ḃ = B", () => {
    const p = middlePair(0, 30);
    const f = (A: Tensor, B: Tensor) => geigh(A, B, policyOptions('error'));
    expect(() => jvp(f, [p.A, p.B], [randomHermitian(5, 31), randomHermitian(5, 32)])).toThrow(DegenerateEigenvaluesError);
    // (A + tB, B) has eigenvalues λ + t and the same eigenvectors
    const [, d] = jvp((A: Tensor) => f(A, p.B), [p.A], [p.B]);
    expect(relErr(flat((d as GeighResult).values), [1, 1, 1, 1, 1])).toBeLessThan(1e-13);
    expect(maxAbs((d as GeighResult).vectors)).toBeLessThan(1e-12);
    // eigenvalues alone are fine in forward mode under 'error' (the one-sided derivative exists)
    expect(() => jvp((A: Tensor, B: Tensor) => geigvalsh(A, B, policyOptions('error')), [p.A, p.B], [randomHermitian(5, 31), randomHermitian(5, 32)])).not.toThrow();
  });
});

describe('basis-dependent eigenvector losses inside a cluster', () => {
  for (const gap of GAPS) {
    it(`${isCluster(gap) ? "raises GaugeDependenceError under 'gauge'" : 'is differentiated exactly'} for v₁ᵀ W v₁ alone at gap ${gap}`, () => {
      const p = middlePair(gap, 41);
      const W = randomHermitian(5, 42);
      const loss = (A: Tensor, B: Tensor) => clusterQuad(geigh(A, B).vectors, W, 1, 2);
      if (isCluster(gap)) {
        const e = catchError(() => grad(loss, [0, 1])(p.A, p.B));
        expect(e).toBeInstanceOf(GaugeDependenceError);
        const g = e as GaugeDependenceError;
        expect(g.cluster).toEqual([1, 3]);
        expect(g.values.length).toBe(2);
        expect(Math.abs(g.values[0]! - 0.5)).toBeLessThan(1e-12);
        expect(g.size).toBeGreaterThan(Math.sqrt(2 ** -52));
        expect(g.message).toContain('geigh: the loss depends on the choice of basis inside the degenerate cluster');
        expect(g.message).toContain('·‖VᵀV̄‖');
        // the same in B alone
        expect(() => grad((B: Tensor) => loss(p.A, B))(p.B)).toThrow(GaugeDependenceError);
      } else {
        // v₁ turns by O(1) over perturbations of O(gap): finite differences must stay within the gap
        expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A), { fdm: withinGap(gap) }));
        expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B), { fdm: withinGap(gap) }));
      }
    });

    it(`${isCluster(gap) ? 'raises DegenerateEigenvaluesError' : 'is exact'} under 'error' for an eigenspace loss at gap ${gap}`, () => {
      const p = middlePair(gap, 43);
      const W = randomHermitian(5, 44);
      const loss = (A: Tensor) => clusterQuad(geigh(A, p.B, policyOptions('error')).vectors, W, 1, 3);
      if (isCluster(gap)) {
        const e = catchError(() => grad(loss)(p.A)) as DegenerateEigenvaluesError;
        expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
        expect(e.cluster).toEqual([1, 3]);
        expect(Math.abs(e.gap - gap)).toBeLessThan(1e-13);
        expect(e.message).toContain("policy 'error'");
      } else {
        expectOk(checkGrad(loss, symmetric(p.A), { fdm: withinGap(gap) }));
      }
    });

    it(`stays finite under 'broaden' for v₁ᵀ W v₁ at gap ${gap}, and is unbiased to ε/gap² at a resolved gap`, () => {
      const p = middlePair(gap, 45);
      const W = randomHermitian(5, 46);
      const loss = (policy: DegeneracyPolicy) => (A: Tensor, B: Tensor) => clusterQuad(geigh(A, B, policyOptions(policy)).vectors, W, 1, 2);
      const [gA, gB] = grad(loss('broaden'), [0, 1])(p.A, p.B) as Tensor[];
      expect([...flat(gA!), ...flat(gB!)].every(Number.isFinite)).toBe(true);
      // in-cluster factors are at most 1/(2√ε) with ε = (1e-8·3)²: ≈ 1.7e7, times O(‖V‖²‖W‖)
      expect(Math.max(maxAbs(gA!), maxAbs(gB!))).toBeLessThan(1e9);
      if (!isCluster(gap)) {
        const [hA, hB] = grad(loss('nan'), [0, 1])(p.A, p.B) as Tensor[];
        expect(relErr(flat(gA!), flat(hA!))).toBeLessThan(1e-6); // bias ε/gap² = 9e-8
        expect(relErr(flat(gB!), flat(hB!))).toBeLessThan(1e-6);
      }
    });
  }
});

describe('eigenvalue cotangents at clusters', () => {
  for (const gap of GAPS) {
    it(`averages over the cluster at gap ${gap}: the top eigenvalue's gradients are ${isCluster(gap) ? '½Z_CZ_Cᵀ and −½λZ_CZ_Cᵀ' : 'exact'}`, () => {
      const p = topPair(gap);
      const top = (o?: GeighOptions) => (A: Tensor, B: Tensor) => sum(slice(geigvalsh(A, B, o), [4], [5]));
      for (const policy of ['gauge', 'broaden'] as const) {
        const [gA, gB] = grad(top(policyOptions(policy)), [0, 1])(p.A, p.B) as Tensor[];
        if (isCluster(gap)) {
          // Ā = ½ Z_C Z_Cᵀ; B̄ = −½ Σ_{k∈C} λ_k z_k z_kᵀ (the pair's λ_k differ by the gap, so B̄ is not quite −½λ̄ Z_C Z_Cᵀ)
          const P = exactZZ(p, 3, 5);
          const PB = add(mul(exactZZ(p, 3, 4), -0.5 * 3), mul(exactZZ(p, 4, 5), -0.5 * (3 + gap)));
          expect(relErr(flat(gA!), flat(mul(P, 0.5)))).toBeLessThan(1e-12);
          expect(relErr(flat(gB!), flat(PB))).toBeLessThan(1e-12);
        } else {
          // the top eigenvalue's curvature is O(1/gap): finite differences must stay within the gap
          expectOk(checkGrad((A: Tensor) => top()(A, p.B), symmetric(p.A), { fdm: withinGap(gap) }));
          expectOk(checkGrad((B: Tensor) => top()(p.A, B), spd(p.B), { fdm: withinGap(gap) }));
        }
      }
      // geigh's values go through the same averaging
      const [hA] = grad((A: Tensor, B: Tensor) => sum(slice(geigh(A, B).values, [4], [5])), [0, 1])(p.A, p.B) as Tensor[];
      expect(relErr(flat(hA!), flat(grad((A: Tensor) => top()(A, p.B))(p.A) as Tensor))).toBeLessThan(1e-14);
    });

    it(`gives the exact gradient of the sum of the pair under every policy at gap ${gap}`, () => {
      const p = topPair(gap, 51);
      for (const policy of POLICIES) {
        const f = (A: Tensor, B: Tensor) => sum(slice(geigvalsh(A, B, policyOptions(policy)), [3], [5]));
        expectOk(checkGrad((A: Tensor) => f(A, p.B), symmetric(p.A)));
        expectOk(checkGrad((B: Tensor) => f(p.A, B), spd(p.B)));
        if (gap === 0) {
          const [gA] = grad(f, [0, 1])(p.A, p.B) as Tensor[];
          expect(relErr(flat(gA!), flat(exactZZ(p, 3, 5)))).toBeLessThan(1e-12);
        }
      }
    });

    it(`under 'error' ${isCluster(gap) ? 'refuses' : 'accepts'} an eigenvalue cotangent not constant on the pair at gap ${gap}`, () => {
      const p = topPair(gap, 52);
      const f = (A: Tensor) => sum(slice(geigvalsh(A, p.B, policyOptions('error')), [4], [5]));
      if (!isCluster(gap)) {
        expectOk(checkGrad(f, symmetric(p.A), { fdm: withinGap(gap) }));
        return;
      }
      const e = catchError(() => grad(f)(p.A)) as DegenerateEigenvaluesError;
      expect(e).toBeInstanceOf(DegenerateEigenvaluesError);
      expect(e.cluster).toEqual([3, 5]);
      expect(e.message).toContain('geigvalsh:');
      expect(e.message).toContain('eigenvalue cotangent is not constant');
    });
  }

  it("under 'nan' does not average: the top eigenvalue's A-gradient is the returned v vᵀ", () => {
    const p = topPair(0, 53);
    const G = grad((A: Tensor) => sum(slice(geigvalsh(A, p.B, policyOptions('nan')), [4], [5])))(p.A) as Tensor;
    const v = outer(geigh(p.A, p.B).vectors, 4, 5);
    expect(relErr(flat(G), flat(v))).toBeLessThan(1e-14);
    expect(relErr(flat(G), flat(mul(exactZZ(p, 3, 5), 0.5)))).toBeGreaterThan(0.1);
  });
});

describe('second order at clusters', () => {
  const lossWith = (W: Tensor) => (A: Tensor, B: Tensor) => {
    const y = geigh(A, B);
    return add(add(innerWith(W, bProjector(y.vectors, B, 1, 3)), clusterQuad(y.vectors, W, 1, 3)), sum(slice(y.values, [1], [3])));
  };

  for (const gap of [0, 1e-12, 1e-10]) {
    it(`gives exact Hessian-vector products of eigenspace losses at gap ${gap}, in A and in B`, () => {
      const p = middlePair(gap, 61);
      const loss = lossWith(randomHermitian(5, 62));
      expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A), { order: 2 }));
      expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B), { order: 2 }));
    });
  }

  it('treats a near tie inside the cluster tolerance as a tie: second derivatives in B carry an O(gap) error', () => {
    // Forward mode at a cluster returns the basis adapted to the tangent and the pair's values in sorted order, but
    // at gap g > 0 those columns are eigenvectors only to O(g), and B̄ = −V(sym(ΛP) + ½sym K̄)Vᵀ weighs the columns by
    // their individual λ — so the hvp in B is off by O(g) relative (first derivatives stay exact; in A the λ enter
    // only through F and the error stays below the FD noise). Measured: 3.2·g at g = 1e-8 and 3e-8 (linear).
    for (const gap of [1e-8, 3e-8]) {
      const p = middlePair(gap, 61);
      const loss = lossWith(randomHermitian(5, 62));
      expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A), { order: 2 }));
      expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B), { order: 2, rtol: 10 * gap }));
      const strict = checkGrad((B: Tensor) => loss(p.A, B), spd(p.B), { order: 2, rtol: 0.3 * gap });
      expect(strict.ok).toBe(false); // the O(gap) error is real (not FD noise) and grows with the gap
    }
  });
});

describe('batches with clusters', () => {
  it('applies the gauge check to the pencil that has the cluster and names it', () => {
    const ps = [middlePair(0.7, 71), middlePair(0, 72)];
    const [, pb] = vjp((A: Tensor, B: Tensor) => geigh(A, B), stack(ps.map((p) => p.A)), stack(ps.map((p) => p.B)));
    const vbar = tensor(new Float64Array(50), [2, 5, 5]);
    vbar.data[25 + 0 * 5 + 1] = 1; // d/dV[1][0, 1]: one column inside the cluster of pencil 1
    const e = catchError(() => pb({ values: tensor(new Float64Array(10), [2, 5]), vectors: vbar }));
    expect(e).toBeInstanceOf(GaugeDependenceError);
    expect((e as GaugeDependenceError).message).toContain('of matrix [1]');
  });

  it('matches the exact B-projector gradient per pencil: Σ over a batch of ⟨W, V_C V_Cᵀ B⟩', () => {
    const ps = [middlePair(0, 73), middlePair(1e-12, 74), middlePair(0.3, 75)];
    const W = randomHermitian(5, 76);
    const loss = (A: Tensor, B: Tensor) => innerWith(stack([W, W, W]), bProjector(geigh(A, B).vectors, B, 1, 3));
    const [GA] = grad(loss, [0, 1])(stack(ps.map((p) => p.A)), stack(ps.map((p) => p.B))) as Tensor[];
    ps.forEach((p, b) => {
      const g = grad((A: Tensor) => innerWith(W, bProjector(geigh(A, p.B).vectors, p.B, 1, 3)))(p.A) as Tensor;
      expect(relErr(Array.from(GA!.data.subarray(b * 25, (b + 1) * 25)), flat(g))).toBeLessThan(1e-14);
    });
    // and the projector itself is the exact one
    const P = bProjector(geigh(ps[0]!.A, ps[0]!.B).vectors, ps[0]!.B, 1, 3);
    expect(relErr(flat(P), flat(exactBProjector(ps[0]!, 1, 3)))).toBeLessThan(1e-12);
  });
});
