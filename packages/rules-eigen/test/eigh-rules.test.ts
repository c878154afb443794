/**
 * Derivatives of eigh / eigvalsh away from degeneracy: frules against central finite differences, rrules against the
 * frules (dot-product test) and against finite differences of scalar losses, second order (hvp) against finite
 * differences of the gradient, float32, batches, and structural zeros. Eigenvectors are compared through
 * gauge-invariant quantities (projectors, |v|²), except raw real eigenvectors at simple eigenvalues, whose sign
 * convention is locally constant.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Tensor,
  ZeroTangent,
  add,
  adjoint,
  complex,
  grad,
  hvp,
  jvp,
  matmul,
  mul,
  real,
  reshape,
  slice,
  stack,
  sum,
  tensor,
  vjp,
} from '@ad/core';
import { eigh, eigvalsh, type EighResult } from '../src/index.js';
import {
  axpy,
  centralFd,
  flat,
  flatTree,
  inner,
  innerWith,
  projector,
  randomTensor,
  relErr,
  zerosLike,
} from './helpers.js';
import { asymmetry, clusterWeight, randomHermitian, withSpectrum } from './eigh-helpers.js';

const SPECTRUM = [-2, -0.7, 0.4, 1.3, 3];

/** An invariant view of eigh's output: values, the projector onto the lowest two vectors, and the top vector's |v|². */
function invariantView(y: EighResult): Tensor[] {
  const n = y.values.shape[y.values.shape.length - 1]!;
  return [y.values, projector(y.vectors, 0, 2), projector(y.vectors, n - 1, n)];
}

/** A scalar loss mixing eigenvalues and eigenspaces with fixed random weights (gauge-invariant). */
function makeLoss(n: number, isComplex: boolean, seed: number) {
  const c = randomTensor([n], seed);
  const W1 = randomHermitian(n, seed + 1, isComplex);
  const W2 = randomHermitian(n, seed + 2, isComplex);
  return (X: Tensor): Tensor => {
    const y = eigh(X);
    return add(add(sum(mul(c, y.values)), innerWith(W1, projector(y.vectors, 0, 2))), add(innerWith(W2, projector(y.vectors, n - 1, n)), clusterWeight(y.vectors, 1, 1, 3)));
  };
}

describe('eigh / eigvalsh frule at simple eigenvalues', () => {
  for (const isComplex of [false, true]) {
    const kind = isComplex ? 'Hermitian' : 'real symmetric';
    it(`agrees with central finite differences on values and projectors (${kind})`, () => {
      const { A } = withSpectrum(SPECTRUM, 31, { complex: isComplex });
      const E = randomHermitian(5, 32, isComplex);
      const [, dy] = jvp((X: Tensor) => invariantView(eigh(X)), [A], [E]);
      const fd = centralFd((t) => flatTree(invariantView(eigh(axpy(A, E, t)))), 1e-3);
      expect(relErr(flatTree(dy), fd)).toBeLessThan(1e-9);
      const [, dl] = jvp((X: Tensor) => eigvalsh(X), [A], [E]);
      expect(relErr(flat(dl as Tensor), centralFd((t) => flat(eigvalsh(axpy(A, E, t))), 1e-3))).toBeLessThan(1e-9);
    });
  }

  it('gives raw real eigenvector tangents equal to finite differences (the sign convention is locally constant)', () => {
    const { A } = withSpectrum(SPECTRUM, 33);
    const E = randomHermitian(5, 34);
    const [, dy] = jvp((X: Tensor) => eigh(X).vectors, [A], [E]);
    const fd = centralFd((t) => flat(eigh(axpy(A, E, t)).vectors), 1e-3);
    expect(relErr(flat(dy as Tensor), fd)).toBeLessThan(1e-9);
  });

  it('uses only the Hermitian part of the tangent (the primal is a function of (A + Aᴴ)/2)', () => {
    const { A } = withSpectrum(SPECTRUM, 35);
    const G = randomTensor([5, 5], 36);
    const Gs = tensor(Float64Array.from(G.data.map((_, k) => 0.5 * (G.data[k]! + G.data[(k % 5) * 5 + Math.floor(k / 5)]!))), [5, 5]);
    const a = jvp((X: Tensor) => invariantView(eigh(X)), [A], [G])[1];
    const b = jvp((X: Tensor) => invariantView(eigh(X)), [A], [Gs])[1];
    expect(relErr(flatTree(a), flatTree(b))).toBeLessThan(1e-14);
  });
});

describe('eigh / eigvalsh rrule at simple eigenvalues', () => {
  for (const isComplex of [false, true]) {
    const kind = isComplex ? 'Hermitian' : 'real symmetric';
    it(`passes the dot-product test against the frule: ⟨Ā, Ȧ⟩ = ⟨λ̄, λ̇⟩ + ⟨V̄, V̇⟩ (${kind})`, () => {
      const { A } = withSpectrum(SPECTRUM, 41, { complex: isComplex });
      const E = randomHermitian(5, 42, isComplex);
      const [y, pb] = eigh.rule.rrule(A, undefined);
      const lbar = randomTensor([5], 43);
      let vbar = randomTensor([5, 5], 44, { complex: isComplex });
      if (isComplex) {
        // remove the phase-dependent part: V̄ ← V̄ − V·diag(i·Im(vᵢᴴ v̄ᵢ)), so that Im(vᵢᴴ v̄ᵢ) = 0
        const X = matmul(adjoint(y.vectors), vbar);
        const diagIm = new Float64Array(25);
        for (let i = 0; i < 5; i++) diagIm[i * 5 + i] = -X.im![i * 5 + i]!;
        vbar = add(vbar, matmul(y.vectors, complex(new Tensor([5, 5], 'float64', new Float64Array(25)), new Tensor([5, 5], 'float64', diagIm))));
      }
      const [Abar] = pb({ values: lbar, vectors: vbar });
      const [, dy] = eigh.rule.frule([A, undefined], [E, undefined as never]);
      const { values: dl, vectors: dV } = dy as { values: Tensor; vectors: Tensor };
      const lhs = inner(Abar as Tensor, E);
      const rhs = inner(lbar, dl) + inner(vbar, dV);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * (Math.abs(lhs) + Math.abs(rhs) + 1));
      expect(asymmetry(Abar as Tensor)).toBe(0);
    });

    it(`gives the gradient of a gauge-invariant loss equal to finite differences (${kind})`, () => {
      const { A } = withSpectrum(SPECTRUM, 51, { complex: isComplex });
      const loss = makeLoss(5, isComplex, 52);
      const G = grad(loss)(A) as Tensor;
      expect(G.dtype).toBe(A.dtype);
      expect(asymmetry(G)).toBeLessThan(1e-15);
      for (const seed of [53, 54, 55]) {
        const E = randomHermitian(5, seed, isComplex);
        const fd = centralFd((t) => flat(loss(axpy(A, E, t))), 1e-3)[0]!;
        expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9 * (Math.abs(fd) + 1));
      }
    });

    it(`gives Hessian-vector products equal to finite differences of the gradient (${kind})`, () => {
      const { A } = withSpectrum(SPECTRUM, 61, { complex: isComplex });
      const loss = makeLoss(5, isComplex, 62);
      const E = randomHermitian(5, 63, isComplex);
      const H = hvp(loss, A, E);
      const fd = centralFd((t) => flat(grad(loss)(axpy(A, E, t)) as Tensor), 1e-3);
      expect(relErr(flat(H), fd)).toBeLessThan(1e-7);
    });
  }

  it('gives raw real eigenvector cotangents that match finite differences of ⟨V̄, V⟩', () => {
    const { A } = withSpectrum(SPECTRUM, 71);
    const Vbar = randomTensor([5, 5], 72);
    const lbar = randomTensor([5], 73);
    const loss = (X: Tensor) => add(sum(mul(Vbar, eigh(X).vectors)), sum(mul(lbar, eigh(X).values)));
    const G = grad(loss)(A) as Tensor;
    const E = randomHermitian(5, 74);
    const fd = centralFd((t) => flat(loss(axpy(A, E, t))), 1e-3)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9 * (Math.abs(fd) + 1));
  });

  it('eigvalsh pullback is V diag(λ̄) Vᴴ, equal to eigh with a zero vector cotangent', () => {
    const { A } = withSpectrum(SPECTRUM, 81, { complex: true });
    const lbar = randomTensor([5], 82);
    const [, pb1] = eigvalsh.rule.rrule(A, undefined);
    const [, pb2] = eigh.rule.rrule(A, undefined);
    const a = pb1(lbar)[0] as Tensor;
    const b = pb2({ values: lbar, vectors: ZeroTangent })[0] as Tensor;
    expect(relErr(flat(a), flat(b))).toBeLessThan(1e-15);
    const { vectors: V } = eigh(A);
    // V diag(λ̄) Vᴴ, column by column
    const cols = [0, 1, 2, 3, 4].map((j) => mul(projector(V, j, j + 1), lbar.data[j]!));
    const direct = cols.reduce((p, q) => add(p, q));
    expect(relErr(flat(a), flat(direct))).toBeLessThan(1e-14);
  });

  it('short-circuits structural zeros: a zero cotangent gives ZeroTangent and no work', () => {
    const { A } = withSpectrum(SPECTRUM, 91);
    const [, pb] = eigh.rule.rrule(A, undefined);
    expect(pb({ values: ZeroTangent, vectors: ZeroTangent })[0]).toBe(ZeroTangent);
    expect(pb(ZeroTangent as never)[0]).toBe(ZeroTangent);
    expect(pb({ values: ZeroTangent, vectors: ZeroTangent }).length).toBe(2);
  });
});

describe('eigh / eigvalsh in float32', () => {
  it('computes gradients in float32 that agree with float64 to float32 accuracy', () => {
    const { A: A64 } = withSpectrum(SPECTRUM, 101);
    const A32 = tensor(Float32Array.from(A64.data), [5, 5]);
    const loss = makeLoss(5, false, 102);
    const g64 = grad(loss)(A64) as Tensor;
    const g32 = grad(loss)(A32) as Tensor;
    expect(g32.dtype).toBe('float32');
    // float32 rounding of A (6e-8) moves eigenvectors by ~6e-8·‖A‖/gap; the pullback itself runs in float32
    expect(relErr(flat(g32), flat(g64))).toBeLessThan(2e-6);
    const E = randomHermitian(5, 103);
    const [, d32] = jvp((X: Tensor) => invariantView(eigh(X)), [A32], [tensor(Float32Array.from(E.data), [5, 5])]);
    const [, d64] = jvp((X: Tensor) => invariantView(eigh(X)), [A64], [E]);
    expect(relErr(flatTree(d32), flatTree(d64))).toBeLessThan(2e-6);
  });
});

describe('eigh / eigvalsh on batches', () => {
  it('gives gradients and tangents of a batch equal to the loop over its matrices', () => {
    // real and Hermitian matrices in one complex batch (a real matrix lifted to complex128)
    const mats = [0, 1, 2, 3].map((s) => {
      const M = withSpectrum([s - 2, s - 1, s + 0.5, s + 2, s + 4], 110 + s, { complex: s % 2 === 1 }).A;
      return M.isComplex ? M : complex(M, tensor(new Float64Array(25), [5, 5]));
    });
    const batch = reshape(stack(mats), [2, 2, 5, 5]);
    const W = randomHermitian(5, 120, true);
    const c = randomTensor([5], 121);
    const lossOf = (X: Tensor) => {
      const y = eigh(X);
      return add(sum(mul(y.values, c)), sum(real(mul(projector(y.vectors, 1, 3), W))));
    };
    const G = grad(lossOf)(batch) as Tensor;
    const E = stack([0, 1, 2, 3].map((s) => randomHermitian(5, 130 + s, true)));
    const [, dB] = jvp((X: Tensor) => invariantView(eigh(X)), [batch], [reshape(E, [2, 2, 5, 5])]);
    mats.forEach((M, b) => {
      const g = grad(lossOf)(M) as Tensor;
      expect(relErr(Array.from(G.data.subarray(b * 25, (b + 1) * 25)), Array.from(g.data))).toBeLessThan(1e-14);
      expect(relErr(Array.from(G.im!.subarray(b * 25, (b + 1) * 25)), Array.from(g.im!))).toBeLessThan(1e-14);
      const Eb = reshape(slice(E, [b, 0, 0], [b + 1, 5, 5]), [5, 5]);
      const [, d] = jvp((X: Tensor) => invariantView(eigh(X)), [M], [Eb]);
      const batched = (dB as Tensor[]).map((t) => reshape(slice(reshape(t, [4, ...t.shape.slice(2)]), [b], [b + 1]), t.shape.slice(2)));
      expect(relErr(flatTree(batched), flatTree(d))).toBeLessThan(1e-14);
    });
    const [, pbv] = vjp((X: Tensor) => eigvalsh(X), batch);
    const lb = randomTensor([2, 2, 5], 140);
    const Gv = pbv(lb)[0] as Tensor;
    mats.forEach((M, b) => {
      const [, pb1] = vjp((X: Tensor) => eigvalsh(X), M);
      const g = pb1(reshape(slice(reshape(lb, [4, 5]), [b, 0], [b + 1, 5]), [5]))[0] as Tensor;
      expect(relErr(Array.from(Gv.data.subarray(b * 25, (b + 1) * 25)), Array.from(g.data))).toBeLessThan(1e-14);
    });
  });
});

describe('eigh property tests over random well-separated spectra', () => {
  const spectrum = (n: number) =>
    fc
      .array(fc.double({ min: 0.2, max: 1.5, noNaN: true }), { minLength: n - 1, maxLength: n - 1 })
      .chain((gaps) => fc.double({ min: -3, max: 3, noNaN: true }).map((start) => gaps.reduce((acc, g) => [...acc, acc[acc.length - 1]! + g], [start])));

  it('frule matches finite differences and the rrule passes the dot-product test (real and Hermitian)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }).chain((n) => fc.tuple(spectrum(n), fc.integer({ min: 1, max: 1e6 }), fc.boolean())), ([lam, seed, isComplex]) => {
        const n = lam.length;
        const { A } = withSpectrum(lam, seed, { complex: isComplex });
        const E = randomHermitian(n, seed + 1, isComplex);
        const view = (X: Tensor) => [eigvalsh(X), projector(eigh(X).vectors, 0, 1), projector(eigh(X).vectors, n - 1, n)];
        const [, dy] = jvp(view, [A], [E]);
        // step 1e-4: the smallest gap is 0.2 and ‖E‖ ≈ n, so the truncation error (h‖E‖/gap)⁴ stays below 1e-10
        const fd = centralFd((t) => flatTree(view(axpy(A, E, t))), 1e-4);
        expect(relErr(flatTree(dy), fd)).toBeLessThan(1e-7);
        const W = randomHermitian(n, seed + 2, isComplex);
        const lbar = randomTensor([n], seed + 3);
        const [, pb] = vjp((X: Tensor) => eigh(X), A);
        const { vectors: V } = eigh(A);
        const vbar = matmul(W, V); // phase-invariant: vᴴ W v is real
        const Abar = pb({ values: lbar, vectors: vbar })[0] as Tensor;
        const [, d] = jvp((X: Tensor) => eigh(X), [A], [E]);
        const { values: dl, vectors: dV } = d as { values: Tensor; vectors: Tensor };
        const lhs = inner(Abar, E);
        const rhs = inner(lbar, dl) + inner(vbar, dV);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * (Math.abs(lhs) + 1));
      }),
      { numRuns: 40, seed: 20240601 },
    );
  });
});

describe('the two routes of the pullback', () => {
  // With no outer transformation the pullback runs on the numbers (gemm with transposition flags); under an outer
  // transformation it runs through core ops so that it can be differentiated. Both must give the same Ā.
  const throughCoreOps = (f: (X: Tensor) => Tensor, A: Tensor): Tensor =>
    jvp((X: Tensor) => grad(f)(X) as Tensor, [A], [zerosLike(A)])[0] as Tensor;
  const cases: [string, Tensor][] = [
    ['real', withSpectrum(SPECTRUM, 151).A],
    ['Hermitian', withSpectrum(SPECTRUM, 152, { complex: true }).A],
    ['float32', withSpectrum(SPECTRUM, 153, { dtype: 'float32' }).A],
    ['real with a cluster', withSpectrum([-1, 0.5, 0.5, 2, 3], 154).A],
    ['Hermitian with a cluster', withSpectrum([-1, 0.5, 0.5, 2, 3], 155, { complex: true }).A],
    ['a batch', reshape(stack([withSpectrum(SPECTRUM, 156).A, withSpectrum([-1, 0.5, 0.5, 2, 3], 157).A]), [2, 5, 5])],
  ];
  for (const [name, A] of cases) {
    it(`gives the same cotangent on the numbers and through core ops (${name})`, () => {
      const W = randomHermitian(5, 160, A.isComplex);
      const c = randomTensor([5], 161);
      // ('nan' at an exact tie multiplies rounding by 1/(rounding-level gap): its two routes agree on nothing there)
      const policies = name.includes('cluster') || name === 'a batch' ? (['gauge', 'broaden'] as const) : (['gauge', 'broaden', 'nan'] as const);
      for (const policy of policies) {
        const f = (X: Tensor) => {
          const y = eigh(X, { degeneracy: { policy } });
          return add(sum(mul(y.values, c)), sum(real(mul(projector(y.vectors, 1, 3), W))));
        };
        const valuesOnly = (X: Tensor) => sum(mul(eigvalsh(X, { degeneracy: { policy } }), c));
        const tol = A.dtype === 'float32' ? 1e-5 : 1e-13;
        for (const loss of [f, valuesOnly]) {
          const direct = grad(loss)(A) as Tensor;
          const traced = throughCoreOps(loss, A);
          expect(direct.dtype).toBe(traced.dtype);
          expect(relErr(flat(direct), flat(traced))).toBeLessThan(tol);
        }
      }
    });
  }
});
