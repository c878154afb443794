/**
 * Derivatives of svd / svdvals at distinct nonzero singular values, through @ad/testing: the rules' own frules and
 * rrules against finite differences and each other (dot-product test), second order, scalar losses (spectral,
 * nuclear, Frobenius) through grad/hvp, float32, batches, structural zeros, and a fast-check property over random
 * shapes and spectra. Raw singular vectors are compared directly here: at simple nonzero singular values the sign
 * convention is locally constant, so U and Vt are differentiable outputs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Tensor,
  ZeroTangent,
  add,
  grad,
  hvp,
  jvp,
  matmul,
  max,
  reshape,
  scale,
  slice,
  square,
  sum,
  vjp,
} from '@ad/core';
import { checkGrad, runConformance, testFrule, testRrule } from '@ad/testing';
import { svd, svdvals, type SvdResult } from '../src/index.js';
import { innerWith, randomTensor, relErr, zerosLike } from './helpers.js';
import { cross, leftProjector, rightProjector, withSingularValues } from './svd-helpers.js';

const SHAPES: [number, number][] = [
  [5, 3],
  [3, 5],
  [4, 4],
  [6, 1],
  [1, 6],
];

/** Distinct, well-separated singular values (gaps ≥ 0.4) for an m×n matrix. */
function spectrum(m: number, n: number): number[] {
  return Array.from({ length: Math.min(m, n) }, (_, k) => 3 - 0.6 * k);
}

const kind = (m: number, n: number) => (m > n ? 'tall' : m < n ? 'wide' : 'square');

/** A scalar loss mixing values, left/right projectors and a cross term with fixed random weights. */
function mixedLoss(m: number, n: number, seed: number) {
  const p = Math.min(m, n);
  const c = randomTensor([p], seed);
  const W1 = randomTensor([m, m], seed + 1);
  const W2 = randomTensor([n, n], seed + 2);
  const W3 = randomTensor([m, n], seed + 3);
  const k = Math.min(2, p);
  return (A: Tensor): Tensor => {
    const { U, S, Vt } = svd(A);
    return add(add(sum(scale(square(S), 0.1)), innerWith(c, S)), add(innerWith(W1, leftProjector(U, 0, k)), add(innerWith(W2, rightProjector(Vt, p - 1, p)), innerWith(W3, cross(U, Vt, 0, 1)))));
  };
}

describe('svd / svdvals rules at distinct singular values', () => {
  for (const [m, n] of SHAPES) {
    it(`pass testRrule and testFrule on raw outputs, dot-product test included (${m}×${n}, ${kind(m, n)})`, () => {
      const { A } = withSingularValues(spectrum(m, n), m, n, 10 + m * 7 + n);
      for (const f of [svd, svdvals]) {
        for (const r of [testRrule(f, [A]), testFrule(f, [A])]) {
          expect(r.ok, r.message).toBe(true);
          expect(r.checks).toContain(r.test === 'testRrule' ? 'vjp' : 'jvp');
          expect(r.checks).toContain('dot-product');
        }
      }
    });
  }

  for (const [m, n] of SHAPES.slice(0, 3)) {
    it(`passes the second-order check through the rule (${m}×${n}, ${kind(m, n)})`, () => {
      const { A } = withSingularValues(spectrum(m, n), m, n, 20 + m * 7 + n);
      for (const f of [svd, svdvals]) {
        const r = testRrule(f, [A], { order: 2, checks: ['order2'] });
        expect(r.ok, r.message).toBe(true);
        const q = testFrule(f, [A], { order: 2, checks: ['order2'] });
        expect(q.ok, q.message).toBe(true);
      }
    });

    it(`gets gradients and Hessian-vector products of a mixed loss right (checkGrad order 2, ${m}×${n})`, () => {
      const { A } = withSingularValues(spectrum(m, n), m, n, 30 + m * 7 + n);
      const r = checkGrad(mixedLoss(m, n, 31), A, { order: 2 });
      expect(r.ok, r.message).toBe(true);
    });
  }

  it('works on random matrices without planted structure (the common case)', () => {
    for (const [m, n] of [
      [7, 4],
      [4, 7],
      [5, 5],
    ] as const) {
      const A = randomTensor([m, n], 40 + m + n);
      expect(testRrule(svd, [A]).ok).toBe(true);
      expect(testFrule(svd, [A]).ok).toBe(true);
    }
  });
});

describe('scalar losses of the singular values', () => {
  for (const [m, n] of SHAPES.slice(0, 3)) {
    it(`gives the Frobenius identity: grad Σσ² = 2A and hvp = 2Ȧ (${m}×${n})`, () => {
      const A = randomTensor([m, n], 50 + m + n);
      const f = (X: Tensor) => sum(square(svdvals(X)));
      expect(relErr(grad(f)(A) as Tensor, scale(A, 2))).toBeLessThan(1e-14);
      const E = randomTensor([m, n], 51);
      expect(relErr(hvp(f, A, E) as Tensor, scale(E, 2))).toBeLessThan(1e-13);
    });

    it(`gives the nuclear norm gradient U Vᵀ and the spectral norm gradient u₁v₁ᵀ, checked by FD (${m}×${n})`, () => {
      const { A, Q1, Q2 } = withSingularValues(spectrum(m, n), m, n, 60 + m + n);
      const nuclear = (X: Tensor) => sum(svdvals(X));
      const spectral = (X: Tensor) => max(svdvals(X));
      for (const f of [nuclear, spectral]) expect(checkGrad(f, A, { order: 2 }).ok).toBe(true);
      // against the planted factors (independent of the solver)
      const p = Math.min(m, n);
      const UVt = new Float64Array(m * n);
      const u1v1 = new Float64Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          for (let k = 0; k < p; k++) UVt[i * n + j] += Q1[i * m + k]! * Q2[j * n + k]!;
          u1v1[i * n + j] = Q1[i * m]! * Q2[j * n]!;
        }
      }
      expect(relErr(grad(nuclear)(A) as Tensor, Array.from(UVt))).toBeLessThan(1e-13);
      expect(relErr(grad(spectral)(A) as Tensor, Array.from(u1v1))).toBeLessThan(1e-13);
    });
  }
});

describe('svd / svdvals in float32', () => {
  for (const [m, n] of SHAPES.slice(0, 3)) {
    it(`pass the rule tests at float32 tolerances and keep float32 tangents and cotangents (${m}×${n})`, () => {
      const { A } = withSingularValues(spectrum(m, n), m, n, 70 + m + n, 'float32');
      for (const f of [svd, svdvals]) {
        const r = testRrule(f, [A]);
        expect(r.ok, r.message).toBe(true);
        const q = testFrule(f, [A]);
        expect(q.ok, q.message).toBe(true);
      }
      const g = grad((X: Tensor) => sum(svdvals(X)))(A) as Tensor;
      expect(g.dtype).toBe('float32');
      const [, dy] = jvp((X: Tensor) => svd(X), [A], [randomTensor([m, n], 71, { dtype: 'float32' })]);
      for (const t of Object.values(dy as SvdResult)) expect(t.dtype).toBe('float32');
    });
  }
});

describe('batched svd', () => {
  it('gives the same pullback and pushforward as a loop over the matrices', () => {
    const A = randomTensor([2, 3, 5, 3], 80);
    const E = randomTensor([2, 3, 5, 3], 81);
    const f = mixedLoss(5, 3, 82);
    const batched = (X: Tensor) => {
      let acc: Tensor | undefined;
      for (let b = 0; b < 6; b++) {
        const Xb = reshape(slice(reshape(X, [6, 5, 3]), [b, 0, 0], [b + 1, 5, 3]), [5, 3]);
        acc = acc === undefined ? f(Xb) : add(acc, f(Xb));
      }
      return acc!;
    };
    // the same loss, computed from one batched svd call
    const W = [83, 84, 85, 86].map((s, k) => randomTensor(k === 0 ? [3] : k === 1 ? [5, 5] : k === 2 ? [3, 3] : [5, 3], s));
    const one = (X: Tensor): Tensor => {
      const { U, S, Vt } = svd(X);
      return add(add(sum(scale(square(S), 0.1)), sum(matmul(reshape(S, [2, 3, 1, 3]), reshape(W[0]!, [3, 1])))), add(innerWith(W[1]!, leftProjector(U, 0, 2)), add(innerWith(W[2]!, rightProjector(Vt, 2, 3)), innerWith(W[3]!, cross(U, Vt, 0, 1)))));
    };
    const loop = (X: Tensor): Tensor => {
      let acc: Tensor | undefined;
      for (let b = 0; b < 6; b++) {
        const Xb = reshape(slice(reshape(X, [6, 5, 3]), [b, 0, 0], [b + 1, 5, 3]), [5, 3]);
        const { U, S, Vt } = svd(Xb);
        const t = add(add(sum(scale(square(S), 0.1)), sum(matmul(reshape(S, [1, 3]), reshape(W[0]!, [3, 1])))), add(innerWith(W[1]!, leftProjector(U, 0, 2)), add(innerWith(W[2]!, rightProjector(Vt, 2, 3)), innerWith(W[3]!, cross(U, Vt, 0, 1)))));
        acc = acc === undefined ? t : add(acc, t);
      }
      return acc!;
    };
    expect(relErr(grad(one)(A) as Tensor, grad(loop)(A) as Tensor)).toBeLessThan(1e-13);
    expect(relErr(jvp(one, [A], [E])[1] as Tensor, jvp(loop, [A], [E])[1] as Tensor)).toBeLessThan(1e-13);
    expect(checkGrad(batched, A, { directions: 2 }).ok).toBe(true);
    expect(testRrule(svd, [A]).ok).toBe(true);
    expect(testFrule(svdvals, [A]).ok).toBe(true);
  });
});

describe('structural zeros', () => {
  it('gives the svdvals pullback when only S is used, and ZeroTangent when nothing is', () => {
    const A = randomTensor([5, 3], 90);
    const sbar = randomTensor([3], 91);
    const [, pb] = svd.rule.rrule(A, undefined);
    const [a1] = pb({ U: ZeroTangent, S: sbar, Vt: ZeroTangent });
    const [, pbv] = svdvals.rule.rrule(A, undefined);
    const [a2] = pbv(sbar);
    expect(relErr(a1 as Tensor, a2 as Tensor)).toBeLessThan(1e-15);
    expect(pb(ZeroTangent as never)[0]).toBe(ZeroTangent);
    expect(pb({ U: ZeroTangent, S: ZeroTangent, Vt: ZeroTangent })[0]).toBe(ZeroTangent);
  });

  it('matches vjp of the whole output against the sum of per-output pullbacks (linearity)', () => {
    const A = randomTensor([3, 5], 92);
    const [y, pb] = vjp((X: Tensor) => svd(X), A);
    const ct = { U: randomTensor(y.U.shape, 93), S: randomTensor(y.S.shape, 94), Vt: randomTensor(y.Vt.shape, 95) };
    const whole = pb(ct)[0] as Tensor;
    const parts = (['U', 'S', 'Vt'] as const).map((k) => pb({ U: zerosLike(y.U), S: zerosLike(y.S), Vt: zerosLike(y.Vt), [k]: ct[k] })[0] as Tensor);
    expect(relErr(whole, add(add(parts[0]!, parts[1]!), parts[2]!))).toBeLessThan(1e-14);
  });
});

describe('property: random shapes and spectra', () => {
  it('passes testRrule for svd on random planted matrices with gaps ≥ 0.2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.double({ min: 0.2, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, gaps, seed) => {
          const p = Math.min(m, n);
          const s: number[] = [];
          let v = 0.3;
          for (let k = 0; k < p; k++) s.unshift((v += gaps[k]!));
          const { A } = withSingularValues(s, m, n, seed);
          const r = testRrule(svd, [A], { seed });
          if (!r.ok) throw new Error(`${m}×${n}, s = [${s.join(', ')}], seed ${seed}: ${r.message}`);
          return true;
        },
      ),
      { numRuns: 25, seed: 4242 },
    );
  });
});

describe('conformance', () => {
  it('passes runConformance on its declared samples (tall and wide)', () => {
    const r = runConformance([svdvals, svd]);
    expect(r.ok, r.table).toBe(true);
    expect(r.rows.map((row) => row.rule)).toEqual(['@ad/rules-eigen/svdvals', '@ad/rules-eigen/svd']);
  });
});
