/**
 * Derivatives of eig / eigvals at simple eigenvalues: the rules through @ad/testing (frules against central finite
 * differences, rrules against the frules and against finite differences) on real matrices with real spectra and with
 * complex-conjugate pairs and on complex matrices; phase-invariant losses (Σ|λ|², spectral radius and abscissa,
 * normalized |v|² weights, spectral projectors v wᴴ) to first and second order; closed forms (∂λ = w vᴴ / wᴴv);
 * agreement with eigh on symmetric input; the phase check; float32; batches; and the differentiable solve.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DomainError,
  GaugeDependenceError,
  Tensor,
  ZeroTangent,
  abs,
  adjoint,
  add,
  hvp,
  jvp,
  matmul,
  max,
  mul,
  real,
  slice,
  square,
  stack,
  sum,
  tensor,
  transpose,
  vjp,
} from '@ad/core';

import { checkGrad, generalMatrix, runConformance, testFrule, testRrule } from '@ad/testing';
import { eig, eigh, eigvals, eigvalsh } from '../src/index.js';
import { solve } from '../src/eig.js';
import { rng, zerosLike } from './helpers.js';
import { absSquared, gradT, invariantView, leftView, randomMatrix, realWithSpectrum } from './eig-helpers.js';

const REAL_SPECTRUM = realWithSpectrum([-1.5, -0.2, 0.7, 2.1], 5);
const REAL_PAIRS = realWithSpectrum([-1, [0.5, 1.2], [2, 0.6]], 6, 0.4); // cond(V) ≈ 7
const COMPLEX = randomMatrix(4, 9, { complex: true });
const CASES: [string, Tensor][] = [
  ['a real matrix with a real spectrum', REAL_SPECTRUM],
  ['a real matrix with complex-conjugate pairs', REAL_PAIRS],
  ['a complex matrix', COMPLEX],
];

/** Σᵢ wᵢ |V_ik|² for every column k with fixed random weights wᵢ: a normalized, phase-invariant eigenvector loss. */
function weightLoss(n: number, seed: number) {
  const r = rng(seed);
  const w = new Tensor([n, 1], 'float64', Float64Array.from({ length: n }, () => r()));
  const c = new Tensor([1, n], 'float64', Float64Array.from({ length: n }, () => 2 * r() - 1));
  return (A: Tensor) => sum(mul(mul(absSquared(eig(A).vectors), w), c));
}

describe('eigvals / eig: rules at simple eigenvalues', () => {
  for (const [what, A] of CASES) {
    it(`eigvals passes testRrule and testFrule (with second order) on ${what}`, () => {
      expect(testRrule(eigvals, [A], { order: 2 }).ok).toBe(true);
      expect(testFrule(eigvals, [A], { order: 2 }).ok).toBe(true);
    });

    it(`eig passes testRrule and testFrule through the phase-invariant view (λ, |V|²) on ${what}`, () => {
      expect(testRrule(eig, [A], { output: invariantView as never, order: 2 }).ok).toBe(true);
      expect(testFrule(eig, [A], { output: invariantView as never }).ok).toBe(true);
    });

    it(`eig with left vectors passes through the projector-diagonal view V ∘ conj(W) on ${what}`, () => {
      // The view is phase-invariant only jointly in (V, W) (both columns turn by the same e^{iφ}); the structured
      // zero-tangent check zeroes one field at a time, which leaves a phase-dependent cotangent that eig rightly refuses.
      const checks = ['primal', 'vjp', 'dot-product', 'cotangent-type', 'nondiff', 'mutation', 'repeatable'] as const;
      expect(testRrule(eig, [A, { left: true }], { output: leftView as never, checks }).ok).toBe(true);
      expect(testFrule(eig, [A, { left: true }], { output: leftView as never }).ok).toBe(true);
    });

    it(`gradients of phase-invariant losses match finite differences to second order on ${what}`, () => {
      const n = A.shape[0]!;
      const sumSq = (X: Tensor) => sum(square(abs(eigvals(X))));
      const radius = (X: Tensor) => max(abs(eigvals(X)));
      const abscissa = (X: Tensor) => max(real(eigvals(X)));
      for (const f of [sumSq, radius, abscissa, weightLoss(n, 3)]) {
        const r = checkGrad(f, A, { order: 2 });
        expect(r.ok, r.message).toBe(true);
      }
    });
  }

  it('passes the conformance suite on its own samples, and on complex samples through the phase-invariant view', () => {
    expect(runConformance([eigvals, eig]).ok).toBe(true);
    const r = runConformance([eig], {
      samples: { '@ad/rules-eigen/eig': [[REAL_PAIRS], [COMPLEX]] },
      ruleOptions: { '@ad/rules-eigen/eig': { output: invariantView as never } },
    });
    expect(r.ok, r.table).toBe(true);
  });

  it('passes testRrule on random non-normal matrices with distinct eigenvalues (fast-check generalMatrix)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain((n) => generalMatrix({ n, distinctEigs: true, minGap: 0.2 })), (A) => {
        const r1 = testRrule(eigvals, [A]);
        const r2 = testRrule(eig, [A], { output: invariantView as never });
        return r1.ok && r2.ok;
      }),
      { numRuns: 12, seed: 20240611 },
    );
  });

  it('gives the closed form ∂λ/∂A = w vᴴ / (wᴴ v) for the spectral radius and abscissa (left vectors from the kernel)', () => {
    for (const A of [REAL_PAIRS, COMPLEX, REAL_SPECTRUM]) {
      const n = A.shape[0]!;
      const { values, vectors: V, leftVectors: W } = eig(A, { left: true });
      let k = 0;
      for (let i = 1; i < n; i++) if (Math.hypot(values.data[i]!, values.im![i]!) > Math.hypot(values.data[k]!, values.im![k]!) + 1e-12) k = i;
      const lr = values.data[k]!;
      const li = values.im![k]!;
      const m = Math.hypot(lr, li);
      const g = gradT((X: Tensor) => max(abs(eigvals(X))))(A);
      // (λ/|λ|) w vᴴ  (W = V⁻ᴴ, so wᴴ v = 1); real part for real A
      const wv = matmul(slice(W!, [0, k], [n, k + 1]), adjoint(slice(V, [0, k], [n, k + 1])));
      for (let i = 0; i < n * n; i++) {
        const er = (lr * wv.data[i]! - li * wv.im![i]!) / m;
        const ei = (lr * wv.im![i]! + li * wv.data[i]!) / m;
        expect(Math.abs(g.data[i]! - er)).toBeLessThan(1e-12);
        if (A.isComplex) expect(Math.abs(g.im![i]! - ei)).toBeLessThan(1e-12);
      }
      expect(g.dtype).toBe(A.dtype);
    }
  });

  it('computes the exact Hessian-vector product on a strongly non-normal matrix (cond(V) ≈ 150): FD steps converge to it', () => {
    // The harness's adaptive step is too coarse here (large higher derivatives); a step sequence shows the convergence.
    const A = realWithSpectrum([-1, [0.5, 1.2], [2, 0.6]], 6, 0.5);
    const f = (X: Tensor) => sum(square(abs(eigvals(X))));
    const r = rng(3);
    const v = new Tensor([5, 5], 'float64', Float64Array.from({ length: 25 }, () => 2 * r() - 1));
    const hv = hvp(f, A, v);
    const g = gradT(f);
    const at = (t: number) => g(new Tensor([5, 5], 'float64', A.data.map((x, k) => x + t * v.data[k]!) as Float64Array)).data;
    const errs = [1e-2, 1e-3, 1e-4].map((h) => {
      const [a, b, c, d] = [at(h), at(-h), at(2 * h), at(-2 * h)];
      let e = 0;
      let s = 0;
      for (let k = 0; k < 25; k++) {
        const fd = (8 * (a[k]! - b[k]!) - (c[k]! - d[k]!)) / (12 * h);
        e = Math.max(e, Math.abs(hv.data[k]! - fd));
        s = Math.max(s, Math.abs(fd));
      }
      return e / s;
    });
    // fourth-order stencil: the error falls ~10⁴ per decade of h until rounding
    expect(errs[0]!).toBeGreaterThan(1e-6);
    expect(errs[2]!).toBeLessThan(1e-9);
    expect(errs[2]!).toBeLessThan(errs[1]! / 100);
  });

  it('shares the spectral abscissa of a rightmost conjugate pair between the pair, which is exact (equal real parts move alike)', () => {
    const A = realWithSpectrum([-1, 0.3, [1.5, 0.8]], 12);
    const r = checkGrad((X: Tensor) => max(real(eigvals(X))), A, { order: 2 });
    expect(r.ok, r.message).toBe(true);
  });

  it('agrees with eigh on symmetric input: eigenvalues, gradients of eigenvalue losses, and symmetrized eigenvector-loss gradients', () => {
    const r = rng(77);
    const n = 5;
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) S[i * n + j] = S[j * n + i] = 2 * r() - 1;
    const A = new Tensor([n, n], 'float64', S);
    const ev = eigvals(A);
    const evh = eigvalsh(A);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(ev.data[i]! - evh.data[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(ev.im![i]!)).toBe(0);
    }
    const c = new Tensor([n], 'float64', Float64Array.from({ length: n }, () => 2 * r() - 1));
    const gEig = gradT((X: Tensor) => add(sum(mul(real(eigvals(X)), c)), max(abs(eigvals(X)))))(A);
    const gEigh = gradT((X: Tensor) => add(sum(mul(eigvalsh(X), c)), max(abs(eigvalsh(X)))))(A);
    for (let i = 0; i < n * n; i++) expect(Math.abs(gEig.data[i]! - gEigh.data[i]!)).toBeLessThan(1e-12);
    // an eigenvector loss: eig's gradient is w.r.t. general perturbations, eigh's on symmetric ones — sym(∇eig) = ∇eigh
    const w = new Tensor([n, 1], 'float64', Float64Array.from({ length: n }, () => r()));
    const gV = gradT((X: Tensor) => sum(mul(absSquared(eig(X).vectors), w)))(A);
    const gVh = gradT((X: Tensor) => sum(mul(square(eigh(X).vectors), w)))(A);
    const symV = mul(add(gV, transpose(gV)), 0.5);
    for (let i = 0; i < n * n; i++) expect(Math.abs(symV.data[i]! - gVh.data[i]!)).toBeLessThan(1e-11);
  });

  it('raises GaugeDependenceError naming the eigenvector for a loss that depends on the phase (Re V₀ⱼ of a complex eigenvector)', () => {
    for (const A of [REAL_PAIRS, COMPLEX]) {
      const V = eig(A).vectors;
      // a column whose entry 0 is complex (not the one the phase convention made real)
      let j = 0;
      while (Math.abs(V.im![j]!) < 1e-3) j++;
      const loss = (X: Tensor) => sum(real(slice(eig(X).vectors, [0, j], [1, j + 1])));
      let err: unknown;
      try {
        gradT(loss)(A);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GaugeDependenceError);
      const g = err as GaugeDependenceError;
      expect(g.cluster).toEqual([j, j + 1]);
      expect(g.size).toBeGreaterThan(1e-3);
      expect(g.message).toMatch(new RegExp(`phase of eigenvector ${j}`));
      // its phase-invariant cousin |V₀ⱼ|² is fine
      expect(checkGrad((X: Tensor) => sum(absSquared(slice(eig(X).vectors, [0, j], [1, j + 1]))), A).ok).toBe(true);
    }
  });

  it('differentiates raw entries of real eigenvectors of a real matrix (their sign is locally constant), with no phase error', () => {
    const loss = (X: Tensor) => sum(real(slice(eig(X).vectors, [0, 2], [2, 3])));
    const r = checkGrad(loss, REAL_SPECTRUM, { order: 2 });
    expect(r.ok, r.message).toBe(true);
  });

  it('returns a real cotangent for real input, a complex one for complex input, and float32 for float32 input', () => {
    const f = (X: Tensor) => sum(square(abs(eigvals(X))));
    expect(gradT(f)(REAL_PAIRS).dtype).toBe('float64');
    expect(gradT(f)(COMPLEX).dtype).toBe('complex128');
    // the rule's own cotangent (before the core's projection) is already real / float32
    for (const A of [REAL_PAIRS, randomMatrix(4, 13, { dtype: 'float32' })]) {
      const [, pb] = eigvals.rule.rrule(A, undefined);
      const ct = pb(eigvals(A))[0] as Tensor;
      expect(ct.dtype).toBe(A.dtype);
    }
    const A32 = randomMatrix(4, 13, { dtype: 'float32' });
    const A64 = new Tensor([4, 4], 'float64', Float64Array.from(A32.data));
    expect(testFrule(eigvals, [A32]).ok).toBe(true);
    expect(testRrule(eig, [A32], { output: invariantView as never }).ok).toBe(true);
    const g32 = gradT(weightLoss(4, 5))(A32);
    const g64 = gradT(weightLoss(4, 5))(A64);
    expect(g32.dtype).toBe('float32');
    for (let i = 0; i < 16; i++) expect(Math.abs(g32.data[i]! - g64.data[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(g64.data[i]!)));
  });

  it('differentiates a batch exactly as the loop over its matrices', () => {
    const mats = [REAL_PAIRS, realWithSpectrum([0.1, 1, [2, 0.5], -2], 14, 0.3), realWithSpectrum([[-1, 1], 0, 1, 3], 15, 0.3)];
    const flat = stack(mats);
    const batch = new Tensor([3, 5, 5], 'float64', flat.data);
    const loss = (X: Tensor) => add(sum(square(abs(eigvals(X)))), sum(mul(absSquared(eig(X).vectors), 0.3)));
    const g = gradT(loss)(batch);
    mats.forEach((M, b) => {
      const gb = gradT(loss)(M);
      for (let i = 0; i < 25; i++) expect(Math.abs(g.data[b * 25 + i]! - gb.data[i]!)).toBeLessThan(1e-12);
    });
    const cb = stack([COMPLEX, randomMatrix(4, 15, { complex: true })]);
    expect(testRrule(eig, [cb], { output: invariantView as never }).ok).toBe(true);
    expect(testFrule(eigvals, [cb]).ok).toBe(true);
  });

  it('short-circuits unused outputs: zero cotangents give ZeroTangent, and a values-only cotangent matches eigvals', () => {
    const [, pb] = eig.rule.rrule(REAL_PAIRS, undefined);
    expect(pb({ values: ZeroTangent, vectors: ZeroTangent } as never)[0]).toBe(ZeroTangent);
    const lbar = eigvals(REAL_PAIRS);
    const a = pb({ values: lbar, vectors: ZeroTangent } as never)[0] as Tensor;
    const [, pv] = eigvals.rule.rrule(REAL_PAIRS, undefined);
    const b = pv(lbar)[0] as Tensor;
    for (let i = 0; i < 25; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThan(1e-13);
  });

  it('computes the same pullback on the numbers (no tracer) as through core ops (traced cotangent), for every input kind', () => {
    const r0 = rng(41);
    const cases: [string, Tensor, boolean][] = [
      ['real spectrum', REAL_SPECTRUM, false],
      ['conjugate pairs', REAL_PAIRS, true],
      // two pairs with equal real parts come out interleaved (1 − 2i, 1 − ½i, 1 + ½i, 1 + 2i): partners are not adjacent
      ['interleaved pairs', realWithSpectrum([[1, 0.5], [1, 2], -1], 43, 0.3), true],
      ['complex', COMPLEX, true],
      ['float32', randomMatrix(4, 13, { dtype: 'float32' }), true],
      ['batch', stack([REAL_PAIRS, realWithSpectrum([0.1, 1, [2, 0.5], -2], 14, 0.3)]), true],
      ['semisimple cluster', realWithSpectrum([-1, 1, 1, 2], 1, 0.4), false],
    ];
    for (const [what, A, left] of cases) {
      const y = eig(A, { left });
      // phase-invariant cotangents: V̄ = V ∘ M, W̄ = W ∘ N with real M, N (loss ½Σ M|V|² + ½Σ N|W|²), λ̄ = λ;
      // at the cluster only λ̄ (constant on it) and the projector-type W̄ = 0, V̄ = 0
      const M = new Tensor(y.vectors.shape, 'float64', Float64Array.from({ length: y.vectors.size }, () => r0()));
      const N = new Tensor(y.vectors.shape, 'float64', Float64Array.from({ length: y.vectors.size }, () => r0()));
      const cluster = what === 'semisimple cluster';
      const vb = cluster ? zerosLike(y.vectors) : mul(y.vectors, M);
      const wb = left ? mul(y.leftVectors!, N) : undefined;
      const [, pb] = eig.rule.rrule(A, { left });
      const ct = (l: Tensor, v: Tensor) => (left ? { values: l, vectors: v, leftVectors: wb! } : { values: l, vectors: v });
      const direct = pb(ct(y.values, vb) as never)[0] as Tensor;
      // the same pullback with a traced λ̄ runs the core-op route
      const [viaOps] = jvp((l: Tensor) => pb(ct(l, vb) as never)[0] as Tensor, [y.values], [zerosLike(y.values)]) as [Tensor, unknown];
      expect(direct.dtype, what).toBe(viaOps.dtype);
      let err = 0;
      let scale = 0;
      for (let k = 0; k < direct.size; k++) {
        err = Math.max(err, Math.hypot(direct.data[k]! - viaOps.data[k]!, (direct.im?.[k] ?? 0) - (viaOps.im?.[k] ?? 0)));
        scale = Math.max(scale, Math.hypot(viaOps.data[k]!, viaOps.im?.[k] ?? 0));
      }
      expect(err / scale, what).toBeLessThan(A.dtype === 'float32' ? 1e-6 : 1e-12);
    }
  });

  it('differentiates left vectors (Ẇ = −W V̇ᴴ W and its pullback) in a loss of |W|² and |V|², to second order', () => {
    const inv = (X: Tensor) => {
      const { vectors, leftVectors } = eig(X, { left: true });
      return sum(mul(absSquared(leftVectors!), add(absSquared(vectors), 1)));
    };
    for (const A of [REAL_PAIRS, COMPLEX]) {
      const r = checkGrad(inv, A, { order: 2 });
      expect(r.ok, r.message).toBe(true);
    }
  });
});

describe('solve (the differentiable linear solve used by the eig rules)', () => {
  const A = tensor([
    [4, 1, 0.5],
    [-1, 3, 0.2],
    [0.3, 0.1, 2],
  ]);
  const B = tensor([
    [1, 2],
    [0, -1],
    [3, 0.5],
  ]);

  it('solves A X = B (real, complex, batched) and passes testRrule / testFrule with second order', () => {
    const X = solve(A, B);
    const AX = matmul(A, X);
    for (let i = 0; i < 6; i++) expect(Math.abs(AX.data[i]! - B.data[i]!)).toBeLessThan(1e-14);
    const Ac = randomMatrix(3, 31, { complex: true });
    for (const args of [
      [A, B],
      [Ac, B],
      [A, solve(Ac, B)],
      [stack([A, add(A, 1)]), stack([B, B])],
    ] as [Tensor, Tensor][]) {
      expect(testRrule(solve, args, { order: 2 }).ok).toBe(true);
      expect(testFrule(solve, args, { order: 2 }).ok).toBe(true);
    }
  });

  it('raises DomainError for an exactly singular matrix and ShapeError for mismatched shapes', () => {
    expect(() => solve(tensor([[1, 2], [2, 4]]), tensor([[1], [1]]))).toThrow(DomainError);
    expect(() => solve(A, tensor([[1], [2]]))).toThrow(/B must have shape/);
    expect(() => vjp((X: Tensor) => solve(X, B), A)).not.toThrow();
  });
});
