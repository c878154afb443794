/**
 * Derivatives of geigh / geigvalsh at separated generalized eigenvalues, in both arguments, through @ad/testing:
 * frules and rrules against finite differences (with the harness's FD error estimates) and against each other
 * (dot-product test), B = I against eigh, ill-conditioned B, second order, float32, batches and structural zeros.
 * At simple eigenvalues the raw eigenvectors are differentiable (the sign convention is locally constant), so the raw
 * outputs are compared; the B-orthogonal projector is compared as well.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import {
  Tensor,
  ZeroTangent,
  add,
  eye,
  grad,
  jvp,
  matmul,
  mul,
  reshape,
  slice,
  stack,
  sum,
  transpose,
  vjp,
} from '@ad/core';
import { checkGrad, spd, spdMatrix, symmetric, symmetricMatrix, testFrule, testRrule } from '@ad/testing';
import { eigh, eigvalsh, geigh, geigvalsh, type GeighResult } from '../src/index.js';
import { expectOk, flat, flatTree, innerWith, projector, randomTensor, relErr } from './helpers.js';
import { bProjector, outer, pencil } from './geigh-helpers.js';
import { randomHermitian } from './eigh-helpers.js';

const SPECTRUM = [-2, -0.7, 0.4, 1.3, 3];

/** A gauge-invariant scalar loss of (A, B) mixing eigenvalues and eigenspaces with fixed random weights. */
function makeLoss(n: number, seed: number, opts?: Parameters<typeof geigh>[2]) {
  const c = randomTensor([n], seed);
  const W1 = randomHermitian(n, seed + 1);
  const W2 = randomHermitian(n, seed + 2);
  return (A: Tensor, B: Tensor): Tensor => {
    const y = geigh(A, B, opts);
    return add(add(sum(mul(c, y.values)), innerWith(W1, bProjector(y.vectors, B, 0, 2))), innerWith(W2, outer(y.vectors, n - 1, n)));
  };
}

/** A = L C Lᵀ with B = L Lᵀ (ml-matrix's Cholesky): the generalized spectrum of (A, B) is the spectrum of C. */
function pencilFrom(C: Tensor, B: Tensor): Tensor {
  const n = B.shape[0]!;
  const rows = (t: Tensor) => Array.from({ length: n }, (_, i) => Array.from(t.data.subarray(i * n, (i + 1) * n)));
  const L = new CholeskyDecomposition(new Matrix(rows(B))).lowerTriangularMatrix;
  const A = L.mmul(new Matrix(rows(C))).mmul(L.transpose());
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * n + j] = out[j * n + i] = A.get(i, j);
  return new Tensor([n, n], 'float64', out);
}

describe('geigh / geigvalsh rules at separated eigenvalues, through @ad/testing', () => {
  it('pass testRrule and testFrule in both arguments (raw outputs, FD and dot-product checks)', () => {
    const p = pencil(SPECTRUM, 1, { cond: 30 });
    for (const f of [geigh, geigvalsh] as const) {
      expectOk(testRrule(f, [p.A, p.B], { seed: 2 }));
      expectOk(testFrule(f, [p.A, p.B], { seed: 3 }));
    }
  });

  it('pass testRrule / testFrule on random SPD pairs (fast-check: spdMatrix for B, separated spectra)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }).chain((n) => fc.tuple(symmetricMatrix({ n, minGap: 0.3 }), spdMatrix({ n, cond: 100 }), fc.integer({ min: 1, max: 1e6 }))),
        ([C, B, seed]) => {
          const A = pencilFrom(C, B);
          for (const f of [geigh, geigvalsh] as const) {
            expectOk(testRrule(f, [A, B], { seed }));
            expectOk(testFrule(f, [A, B], { seed: seed + 1 }));
          }
        },
      ),
      { numRuns: 25, seed: 20240607 },
    );
  });

  it('gives the B-orthogonal projector V_C V_Cᵀ B derivatives equal to FD (a plain function of A and B)', () => {
    const p = pencil(SPECTRUM, 4, { cond: 30 });
    const f = (A: Tensor, B: Tensor) => bProjector(geigh(A, B).vectors, B, 1, 3);
    expectOk(testRrule(f, [symmetric(p.A), spd(p.B)], { seed: 5 }));
    expectOk(testFrule(f, [symmetric(p.A), spd(p.B)], { seed: 6 }));
  });

  it('keeps the formula of MATH.md: B̄ = −sym(V(diag(λ̄∘λ) + (F∘K̄)Λ + ½ Diag K̄)Vᵀ) at distinct eigenvalues', () => {
    const p = pencil(SPECTRUM, 7, { cond: 30 });
    const { values, vectors: V } = geigh(p.A, p.B);
    const lbar = randomTensor([5], 8);
    const vbar = randomTensor([5, 5], 9);
    const [, pb] = vjp((A: Tensor, B: Tensor) => geigh(A, B), p.A, p.B);
    const [Abar, Bbar] = pb({ values: lbar, vectors: vbar }) as Tensor[];
    // written out entry by entry on plain numbers, independently of the rule's arrangement
    const n = 5;
    const lam = Array.from(values.data);
    const K = matmul(transpose(V), vbar).data;
    const midA = new Float64Array(n * n);
    const midB = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const fk = i === j ? 0 : K[i * n + j]! / (lam[j]! - lam[i]!);
        midA[i * n + j] = (i === j ? lbar.data[i]! : 0) + fk;
        midB[i * n + j] = (i === j ? lbar.data[i]! * lam[i]! + 0.5 * K[i * n + i]! : 0) + fk * lam[j]!;
      }
    }
    const sandwich = (X: Float64Array, sign: number) => {
      const Y = matmul(matmul(V, new Tensor([n, n], 'float64', X)), transpose(V));
      return flat(Y).map((_, k) => (sign * (Y.data[k]! + Y.data[(k % n) * n + Math.floor(k / n)]!)) / 2);
    };
    expect(relErr(flat(Abar), sandwich(midA, 1))).toBeLessThan(1e-13);
    expect(relErr(flat(Bbar), sandwich(midB, -1))).toBeLessThan(1e-13);
  });
});

describe('geigh with B = I agrees with eigh', () => {
  it('in values, projectors and gradients with respect to A', () => {
    const p = pencil(SPECTRUM, 11);
    const I = eye(5);
    const viewG = (A: Tensor) => {
      const y = geigh(A, I);
      return [y.values, projector(y.vectors, 0, 2), projector(y.vectors, 4, 5)];
    };
    const viewE = (A: Tensor) => {
      const y = eigh(A);
      return [y.values, projector(y.vectors, 0, 2), projector(y.vectors, 4, 5)];
    };
    expect(relErr(flatTree(viewG(p.A)), flatTree(viewE(p.A)))).toBeLessThan(1e-14);
    const c = randomTensor([5], 12);
    const W = randomHermitian(5, 13);
    const lossG = (A: Tensor) => add(sum(mul(c, geigvalsh(A, I))), innerWith(W, projector(geigh(A, I).vectors, 1, 3)));
    const lossE = (A: Tensor) => add(sum(mul(c, eigvalsh(A))), innerWith(W, projector(eigh(A).vectors, 1, 3)));
    expect(relErr(flat(grad(lossG)(p.A) as Tensor), flat(grad(lossE)(p.A) as Tensor))).toBeLessThan(1e-13);
    const E = randomHermitian(5, 14);
    const [, dG] = jvp(viewG, [p.A], [E]);
    const [, dE] = jvp(viewE, [p.A], [E]);
    expect(relErr(flatTree(dG), flatTree(dE))).toBeLessThan(1e-13);
  });

  it('gives the B-gradient at B = I of the eigenvalues as −V diag(λ̄∘λ) Vᵀ, and of Σλ as −A (since Σλ = tr(B⁻¹A))', () => {
    const p = pencil(SPECTRUM, 15);
    const I = eye(5);
    const GB = grad((B: Tensor) => sum(geigvalsh(p.A, B)))(I) as Tensor;
    // d tr(B⁻¹A) = −tr(B⁻¹ dB B⁻¹ A) → −A at B = I
    expect(relErr(flat(GB), flat(p.A).map((v) => -v))).toBeLessThan(1e-13);
    expectOk(checkGrad((B: Tensor) => sum(mul(randomTensor([5], 16), geigvalsh(p.A, B))), spd(I)));
  });
});

describe('geigh with ill-conditioned B (κ(B) = 1e6)', () => {
  // B = MᵀM with M's singular values log-spaced in [1, 1e3]: λ(B) ∈ [1, 1e6], so FD steps stay inside the SPD cone.
  // The harness holds each entry to rtol·scale + 10·(FD error estimate); no tolerance is loosened here.
  const p = pencil(SPECTRUM, 21, { cond: 1e6 });

  it('passes testRrule and testFrule in both arguments at the default tolerances', () => {
    for (const f of [geigh, geigvalsh] as const) {
      expectOk(testRrule(f, [p.A, p.B], { seed: 22 }));
      expectOk(testFrule(f, [p.A, p.B], { seed: 23 }));
    }
  });

  it('gives gradients of an invariant loss equal to FD entry by entry (checkGrad in A and in B)', () => {
    const loss = makeLoss(5, 24);
    expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A)));
    expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B)));
  });
});

describe('second order through geigh', () => {
  it('gives Hessian-vector products equal to FD of the gradient (checkGrad order 2, in A and in B)', () => {
    const p = pencil(SPECTRUM, 31, { cond: 30 });
    const loss = makeLoss(5, 32);
    expectOk(checkGrad((A: Tensor) => loss(A, p.B), symmetric(p.A), { order: 2, directions: 2 }));
    expectOk(checkGrad((B: Tensor) => loss(p.A, B), spd(p.B), { order: 2, directions: 2 }));
  });

  it('passes the joint second-order check of testRrule (jvp of grad in A and B together)', () => {
    const p = pencil(SPECTRUM, 33, { cond: 30 });
    const view = (y: GeighResult) => [y.values, outer(y.vectors, 0, 2), outer(y.vectors, 3, 4)];
    expectOk(testRrule(geigh, [p.A, p.B], { output: view as never, order: 2, seed: 34 }));
    expectOk(testRrule(geigvalsh, [p.A, p.B], { order: 2, seed: 35 }));
  });
});

describe('geigh in float32', () => {
  it('passes the rule tests at float32 tolerances and agrees with float64 to float32 accuracy', () => {
    const p = pencil(SPECTRUM, 41, { cond: 30, dtype: 'float32' });
    for (const f of [geigh, geigvalsh] as const) {
      expectOk(testRrule(f, [p.A, p.B], { seed: 42 }));
      expectOk(testFrule(f, [p.A, p.B], { seed: 43 }));
    }
    const loss = makeLoss(5, 44);
    const to64 = (t: Tensor) => new Tensor(t.shape, 'float64', Float64Array.from(t.data));
    const [gA, gB] = grad(loss, [0, 1])(p.A, p.B) as Tensor[];
    const [hA, hB] = grad(loss, [0, 1])(to64(p.A), to64(p.B)) as Tensor[];
    expect(gA!.dtype).toBe('float32');
    expect(gB!.dtype).toBe('float32');
    // the pullback runs in float32 on O(1) quantities with gaps ≥ 0.9: a few float32 ulps
    expect(relErr(flat(gA!), flat(hA!))).toBeLessThan(1e-5);
    expect(relErr(flat(gB!), flat(hB!))).toBeLessThan(1e-5);
  });
});

describe('geigh on batches', () => {
  it('gives gradients and tangents of a batch equal to the loop over its pencils', () => {
    const ps = [0, 1, 2, 3].map((s) => pencil([s - 2, s - 1, s + 0.5, s + 2, s + 4], 50 + s, { cond: 10 ** (1 + s) }));
    const A = reshape(stack(ps.map((p) => p.A)), [2, 2, 5, 5]);
    const B = reshape(stack(ps.map((p) => p.B)), [2, 2, 5, 5]);
    const c = randomTensor([5], 60);
    const W = randomHermitian(5, 61);
    const lossOf = (X: Tensor, Y: Tensor) => {
      const y = geigh(X, Y);
      return add(sum(mul(y.values, c)), sum(mul(bProjector(y.vectors, Y, 1, 3), W)));
    };
    const [GA, GB] = grad(lossOf, [0, 1])(A, B) as Tensor[];
    const EA = reshape(stack([0, 1, 2, 3].map((s) => randomHermitian(5, 70 + s))), [2, 2, 5, 5]);
    const EB = reshape(stack([0, 1, 2, 3].map((s) => randomHermitian(5, 80 + s))), [2, 2, 5, 5]);
    const view = (X: Tensor, Y: Tensor) => {
      const y = geigh(X, Y);
      return [y.values, outer(y.vectors, 0, 2)];
    };
    const [, dB] = jvp(view, [A, B], [EA, EB]);
    const part = (t: Tensor, b: number) => reshape(slice(reshape(t, [4, ...t.shape.slice(2)]), [b], [b + 1]), t.shape.slice(2));
    ps.forEach((p, b) => {
      const [gA, gB] = grad(lossOf, [0, 1])(p.A, p.B) as Tensor[];
      expect(relErr(flat(part(GA!, b)), flat(gA!))).toBeLessThan(1e-14);
      expect(relErr(flat(part(GB!, b)), flat(gB!))).toBeLessThan(1e-14);
      const [, d] = jvp(view, [p.A, p.B], [part(EA, b), part(EB, b)]);
      expect(relErr(flatTree((dB as Tensor[]).map((t) => part(t, b))), flatTree(d))).toBeLessThan(1e-14);
    });
  });
});

describe('structural zeros and the values-only pullback', () => {
  it('short-circuits a zero cotangent: ZeroTangent for both arguments and NoTangent for the options', () => {
    const p = pencil(SPECTRUM, 91);
    const [, pb] = geigh.rule.rrule(p.A, p.B, undefined);
    expect(pb({ values: ZeroTangent, vectors: ZeroTangent } as never)).toEqual([ZeroTangent, ZeroTangent, expect.anything()]);
    expect(pb(ZeroTangent as never).length).toBe(3);
  });

  it('geigvalsh pullback equals geigh with a zero vector cotangent, and is V diag(λ̄) Vᵀ and −V diag(λ̄∘λ) Vᵀ', () => {
    const p = pencil(SPECTRUM, 92, { cond: 100 });
    const lbar = randomTensor([5], 93);
    const [, pv] = vjp((A: Tensor, B: Tensor) => geigvalsh(A, B), p.A, p.B);
    const [, ph] = vjp((A: Tensor, B: Tensor) => geigh(A, B), p.A, p.B);
    const [a1, b1] = pv(lbar) as Tensor[];
    const [a2, b2] = ph({ values: lbar, vectors: ZeroTangent }) as Tensor[];
    expect(relErr(flat(a1!), flat(a2!))).toBeLessThan(1e-15);
    expect(relErr(flat(b1!), flat(b2!))).toBeLessThan(1e-15);
    const { values, vectors: V } = geigh(p.A, p.B);
    let A2 = new Tensor([5, 5], 'float64', new Float64Array(25));
    let B2 = new Tensor([5, 5], 'float64', new Float64Array(25));
    for (let j = 0; j < 5; j++) {
      A2 = add(A2, mul(outer(V, j, j + 1), lbar.data[j]!));
      B2 = add(B2, mul(outer(V, j, j + 1), -lbar.data[j]! * values.data[j]!));
    }
    expect(relErr(flat(a1!), flat(A2))).toBeLessThan(1e-13);
    expect(relErr(flat(b1!), flat(B2))).toBeLessThan(1e-13);
  });

  it('differentiating in A only never forces the B cotangent (thunks), and vice versa gives the same numbers', () => {
    const p = pencil(SPECTRUM, 94);
    const loss = makeLoss(5, 95);
    const gA = grad((A: Tensor) => loss(A, p.B))(p.A) as Tensor;
    const gB = grad((B: Tensor) => loss(p.A, B))(p.B) as Tensor;
    const [hA, hB] = grad(loss, [0, 1])(p.A, p.B) as Tensor[];
    expect(relErr(flat(gA), flat(hA!))).toBe(0);
    expect(relErr(flat(gB), flat(hB!))).toBe(0);
    const [, pb] = geigh.rule.rrule(p.A, p.B, undefined);
    const cts = pb({ values: randomTensor([5], 96), vectors: randomTensor([5, 5], 97) });
    expect(cts[0]!.constructor.name).toBe('Thunk');
    expect(cts[1]!.constructor.name).toBe('Thunk');
  });
});
