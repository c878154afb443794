/**
 * The examples of docs/degeneracy.md (eigh, geigh, svd and eig sections) and of the package README, run as written
 * (with types added). If one of these fails, the documentation is wrong.
 */
import { describe, expect, it } from 'vitest';
import {
  DegenerateEigenvaluesError,
  GaugeDependenceError,
  Tensor,
  abs,
  add,
  diag,
  diagm,
  grad,
  hvp,
  jvp,
  matmul,
  max,
  mul,
  real,
  scale,
  slice,
  square,
  sub,
  sum,
  tensor,
  toArray,
  transpose,
} from '@ad/core';
import { checkGrad, spd } from '@ad/testing';
import { eig, eigh, eigvals, eigvalsh, geigh, svd, svdvals, type EighOptions, type GeighResult } from '../src/index.js';
import { axpy, catchError, centralFd, expectOk, flat, inner, relErr } from './helpers.js';
import { randomHermitian } from './eigh-helpers.js';

const close = (a: unknown, b: unknown, tol = 1e-12) => {
  const x = (a as number[][]).flat(3) as number[];
  const y = (b as number[][]).flat(3) as number[];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(tol * (1 + Math.abs(y[i]!))));
};

describe('docs/degeneracy.md examples', () => {
  it('eigenvalue averaging: the gradient of a repeated λ_max is U Uᵀ/2', () => {
    const A = tensor([[2, 0, 0], [0, 2, 0], [0, 0, 1]]);
    const lambdaMax = (X: Tensor) => sum(slice(eigvalsh(X), [2], [3]));
    close(toArray(grad(lambdaMax)(A) as Tensor), [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0]]);
  });

  const B = tensor([[2, 1, 0], [1, 2, 0], [0, 0, 1]]);
  const W = tensor([[1, 2, 0], [2, 0, 1], [0, 1, 1]]);
  const overlap = (opts?: EighOptions) => (X: Tensor) => {
    const U = slice(eigh(X, opts).vectors, [0, 0], [3, 2]);
    return sum(mul(W, matmul(U, transpose(U))));
  };

  it("'gauge': an eigenspace loss gets the exact gradient (finite differences agree)", () => {
    const G = grad(overlap())(B) as Tensor;
    close(toArray(G), [[-0.25, 0, -0.25], [0, 0.25, -0.25], [-0.25, -0.25, 0]], 1e-12);
    const E = randomHermitian(3, 5);
    const fd = centralFd((t) => flat(overlap()(axpy(B, E, t))), 1e-3)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9);
  });

  it("'gauge': a basis-dependent loss raises GaugeDependenceError with the message shown", () => {
    const entries = (X: Tensor) => {
      const V = eigh(X).vectors;
      return sum(mul(slice(V, [0, 1], [1, 2]), slice(V, [2, 1], [3, 2])));
    };
    expect(() => grad(entries)(B)).toThrow(GaugeDependenceError);
    expect(() => grad(entries)(B)).toThrow(
      /eigh: the loss depends on the choice of basis inside the degenerate cluster of eigenvalues 0\.\.1 \(λ = 1\.00000, 1\.00000; spread 2\.2e-16\): the skew part of Vᴴ V̄ on the cluster is 7\.1e-1·‖V̄‖/,
    );
  });

  it("'error': raises DegenerateEigenvaluesError with the message shown", () => {
    expect(() => grad(overlap({ degeneracy: { policy: 'error' } }))(B)).toThrow(DegenerateEigenvaluesError);
    expect(() => grad(overlap({ degeneracy: { policy: 'error' } }))(B)).toThrow(
      /eigh: eigenvalues 0\.\.1 \(λ = 1\.00000, 1\.00000; spread 2\.2e-16\) form a cluster \(gaps ≤ 4\.1e-10 \+ 5\.5e-7·max\|λ\|\) and the eigenvector cotangent has a component of 4\.5e-1·‖V̄‖ inside it/,
    );
  });

  it("'broaden' and 'nan' on a near tie: bounded and biased vs the O(1/gap) derivative", () => {
    const near = tensor([[1, 5e-10, 0], [5e-10, 1, 0], [0, 0, 3]]);
    const first = (opts?: EighOptions) => (X: Tensor) => sum(square(slice(eigh(X, opts).vectors, [0, 0], [1, 1])));
    expect(() => grad(first())(near)).toThrow(GaugeDependenceError);
    const b = grad(first({ degeneracy: { policy: 'broaden', epsilon: 1e-6 } }))(near) as Tensor;
    close(toArray(b), [[-5.0e-4, 0, 0], [0, 5.0e-4, 0], [0, 0, 0]], 1e-6);
    const n = grad(first({ degeneracy: { policy: 'nan' } }))(near) as Tensor;
    close(toArray(n), [[-5.0e8, 0, 0], [0, 5.0e8, 0], [0, 0, 0]], 1e-6);
  });

  it("'nan' at an exact tie gives NaN, 'gauge' a finite exact gradient", () => {
    const T = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 3]]);
    expect(flat(grad(overlap({ degeneracy: { policy: 'nan' } }))(T) as Tensor).every(Number.isNaN)).toBe(true);
    expect(flat(grad(overlap())(T) as Tensor).every(Number.isFinite)).toBe(true);
  });

  it('forward mode at a tie: the one-sided derivative, not linear in the direction', () => {
    const I = tensor([[1, 0], [0, 1]]);
    const E = tensor([[1, 1], [1, -1]]);
    close(toArray(jvp((X: Tensor) => eigvalsh(X), [I], [E])[1] as Tensor), [-Math.SQRT2, Math.SQRT2], 1e-14);
    close(toArray(jvp((X: Tensor) => eigvalsh(X), [I], [scale(E, -1)])[1] as Tensor), [-Math.SQRT2, Math.SQRT2], 1e-14);
  });

  it('cluster tolerances can be set per call', () => {
    const A = tensor([[1, 5e-10, 0], [5e-10, 1, 0], [0, 0, 3]]);
    const first = (opts?: EighOptions) => (X: Tensor) => sum(square(slice(eigh(X, opts).vectors, [0, 0], [1, 1])));
    expect(() => grad(first({ degeneracy: { atol: 0, rtol: 0 } }))(A)).not.toThrow();
    expect(() => grad(first({ degeneracy: { atol: 1e-8, rtol: 1e-5 } }))(A)).toThrow(GaugeDependenceError);
  });
});

describe('docs/degeneracy.md, geigh section', () => {
  const K = tensor([[2, 0, 0], [0, 4, 0], [0, 0, 3]]);
  const M = tensor([[1, 0, 0], [0, 2, 0], [0, 0, 1]]);
  const W = tensor([[1, 2, 0], [2, 0, 1], [0, 1, 1]]);
  const quad = (k: Tensor, m: Tensor) => {
    const VC = slice(geigh(k, m).vectors, [0, 0], [3, 2]);
    return sum(mul(VC, matmul(W, VC)));
  };

  it('an eigenspace loss at a tie gets the exact gradient in B (finite differences agree)', () => {
    const G = grad((m: Tensor) => quad(K, m))(M) as Tensor;
    close(toArray(G), [[-1, -1, 0], [-1, 0, 1], [0, 1, 0]], 1e-12);
    expectOk(checkGrad((m: Tensor) => quad(K, m), spd(M)));
  });

  it('Ḃ = B gives V̇ = −½V inside the cluster too (the −½K_B term) and λ̇ = −λ', () => {
    const [y, dy] = jvp((m: Tensor) => geigh(K, m), [M], [M]);
    close(toArray((dy as GeighResult).values), [-2, -2, -3], 1e-14);
    close(toArray((dy as GeighResult).vectors), toArray(scale((y as GeighResult).vectors, -0.5)), 1e-14);
  });

  it("MATH.md's B̄ with the in-cluster F dropped loses ½ sym(K̄)_CC; the form the code uses does not", () => {
    // V̄ of ⟨W, V_C V_Cᵀ⟩ is 2 W V_C on the cluster's columns; λ̄ = 0.
    const { values, vectors: V } = geigh(K, M);
    const lam = Array.from(values.data);
    const Vbar = matmul(mul(W, 2), mul(V, tensor([[1, 1, 0]])));
    const Kbar = matmul(transpose(V), Vbar);
    const inCluster = (i: number, j: number) => i < 2 && j < 2;
    const F = tensor(lam.map((li, i) => lam.map((lj, j) => (i === j || inCluster(i, j) ? 0 : 1 / (lj - li)))));
    const sym = (X: Tensor) => scale(add(X, transpose(X)), 0.5);
    const FK = mul(F, Kbar);
    const L = diagm(values);
    // MATH.md: B̄ = −sym(V (diag(λ̄∘λ) + (F∘K̄)Λ + ½ Diag(K̄)) Vᵀ);  the code: B̄ = −V (sym(ΛP) + ½ sym(K̄)) Vᵀ, P = sym(F∘K̄)
    const mathMd = scale(sym(matmul(V, matmul(add(matmul(FK, L), scale(diagm(diag(Kbar)), 0.5)), transpose(V)))), -1);
    const code = scale(matmul(V, matmul(add(sym(matmul(L, sym(FK))), scale(sym(Kbar), 0.5)), transpose(V))), -1);
    const G = grad((m: Tensor) => quad(K, m))(M) as Tensor;
    expect(relErr(flat(code), flat(G))).toBeLessThan(1e-14);
    expect(relErr(flat(mathMd), flat(G))).toBeGreaterThan(0.1);
    // and what it lost is exactly the in-cluster off-diagonal part of ½ sym(K̄)
    const offCC = tensor([0, 1, 2].map((i) => [0, 1, 2].map((j) => (i !== j && inCluster(i, j) ? 1 : 0))));
    const lost = matmul(V, matmul(mul(offCC, scale(sym(Kbar), 0.5)), transpose(V)));
    expect(relErr(flat(sub(mathMd, lost)), flat(G))).toBeLessThan(1e-14);
  });
});

describe('docs/degeneracy.md, svd section', () => {
  const A = tensor([[3, 0], [0, 3], [0, 0]]);
  const W = tensor([[1, 2], [0, 1], [1, 0]]);

  it('a repeated singular value: exact polar-factor gradient, min-norm spectral-norm subgradient, a basis-dependent loss raises', () => {
    const polar = (X: Tensor) => {
      const { U, Vt } = svd(X);
      return sum(mul(W, matmul(U, Vt)));
    };
    close(toArray(grad(polar)(A) as Tensor), [[0, 1 / 3], [-1 / 3, 0], [1 / 3, 0]], 1e-14);
    expectOk(checkGrad(polar, A));
    close(toArray(grad((X: Tensor) => max(svdvals(X)))(A) as Tensor), [[0.5, 0], [0, 0.5], [0, 0]], 1e-14);
    expect(() => grad((X: Tensor) => sum(slice(svd(X).U, [0, 0], [3, 1])))(A)).toThrow(GaugeDependenceError);
    expect(() => grad((X: Tensor) => sum(slice(svd(X).U, [0, 0], [3, 1])))(A)).toThrow(
      /svd: the loss depends on the choice of basis inside the cluster of equal singular values 0\.\.1 \(σ = 3\.00000, 3\.00000\): the joint-rotation part \(skew\(U_CᵀŪ_C\) \+ skew\(V_CᵀV̄_C\)\)\/2 is 4\.1e-1·‖\(Ū, V̄\)‖/,
    );
  });

  it('a zero singular value: U₊V₊ᵀ for the nuclear norm, |t|-like one-sided tangent, and the hvp of ‖X‖²_F that is not 2Ȧ', () => {
    const R = tensor([[1, 0], [0, 0]]);
    close(toArray(grad((X: Tensor) => sum(svdvals(X)))(R) as Tensor), [[1, 0], [0, 0]], 1e-15);
    // svdvals(R + tȦ) = [1, 2t] for t ≥ 0: the one-sided derivative is [0, 2]
    close(toArray(jvp((X: Tensor) => svdvals(X), [R], [tensor([[0, 0], [0, -2]])])[1] as Tensor), [0, 2], 1e-15);
    const frob = (X: Tensor) => sum(square(svdvals(X)));
    const E1 = tensor([[0, 1], [1, 0]]);
    const E2 = tensor([[0, 0], [0, 1]]);
    close(toArray(hvp(frob, R, E1)), toArray(scale(E1, 2)), 1e-14);
    // 2(Ȧ − N_L N_Lᵀ Ȧ N_R N_Rᵀ) with N_L = N_R = e₂, by hand: 0 for Ȧ = e₂e₂ᵀ
    const N = tensor([[0, 0], [0, 1]]);
    close(toArray(hvp(frob, R, E2)), toArray(scale(sub(E2, matmul(N, matmul(E2, N))), 2)), 1e-14);
    close(toArray(hvp(frob, R, E2)), [[0, 0], [0, 0]], 1e-14);
  });
});

describe('docs/degeneracy.md, eig section', () => {
  it('a nearly defective cluster refuses even the sum of its eigenvalues, carrying cond(V_C)', () => {
    const J = tensor([[1, 1], [1e-14, 1]]);
    const caught = catchError(() => grad((X: Tensor) => sum(real(eigvals(X))))(J));
    expect(caught).toBeInstanceOf(DegenerateEigenvaluesError);
    const d = caught as DegenerateEigenvaluesError;
    expect(Math.abs(d.gap / 1e7 - 1)).toBeLessThan(1e-2);
    expect(d.message).toMatch(
      /eigvals: eigenvalues \[0, 1\] \(λ = 1\.00000, 1\.00000; spread 2\.0e-7\) form a cluster .* whose eigenvectors have cond\(V_C\) = 1\.0e\+7 > maxCond = 8\.2e\+3: A is \(nearly\) defective there/,
    );
  });

  it('a semisimple cluster: symmetric functions exact, an individual eigenvalue refused', () => {
    // C = T diag(1, 1, 2) T⁻¹ with T = [[1, 1, 0], [0, 1, 1], [1, 0, 1]]; the spectral projector onto the eigenvalue 1
    // is I − v₃w₃ᵀ with v₃ = T e₃ = (0, 1, 1), w₃ᵀ = e₃ᵀ T⁻¹ = (−1, 1, 1)/2, and ∂(λ₀ + λ₁)/∂S is its transpose.
    const C = tensor([[1, 0, 0], [-0.5, 1.5, 0.5], [-0.5, 0.5, 1.5]]);
    close(toArray(grad((X: Tensor) => sum(real(slice(eigvals(X), [0], [2]))))(C) as Tensor), [[1, 0.5, 0.5], [0, 0.5, -0.5], [0, -0.5, 0.5]], 1e-14);
    close(toArray(grad((X: Tensor) => sum(square(abs(eigvals(X)))))(C) as Tensor), toArray(scale(transpose(C), 2)), 1e-14);
    expect(() => grad((X: Tensor) => sum(real(slice(eigvals(X), [0], [1]))))(C)).toThrow(DegenerateEigenvaluesError);
  });

  it('the phase check: |V₁₀|² is differentiable, Re V₁₀ raises', () => {
    const B = tensor([[1, 2], [-1.5, 0.5]]);
    const weight = (X: Tensor) => sum(square(abs(slice(eig(X).vectors, [1, 0], [2, 1]))));
    expectOk(checkGrad(weight, B));
    expect(() => grad((X: Tensor) => sum(real(slice(eig(X).vectors, [1, 0], [2, 1]))))(B)).toThrow(GaugeDependenceError);
  });
});

describe('README example', () => {
  it('runs as written', () => {
    const A = tensor([[2, 1, 0], [1, 2, 0], [0, 0, 1]]);
    close(toArray(grad((X: Tensor) => sum(slice(eigvalsh(X), [2], [3])))(A) as Tensor), [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 0]]);
    const W = tensor([[1, 2, 0], [2, 0, 1], [0, 1, 1]]);
    const P = (X: Tensor, opts?: EighOptions) => {
      const U = slice(eigh(X, opts).vectors, [0, 0], [3, 2]);
      return matmul(U, transpose(U));
    };
    const G = grad((X: Tensor) => sum(mul(W, P(X))))(A) as Tensor;
    const E = randomHermitian(3, 9);
    const fd = centralFd((t) => flat(sum(mul(W, P(axpy(A, E, t))))), 1e-3)[0]!;
    expect(Math.abs(inner(G, E) - fd)).toBeLessThan(1e-9);
    expect(() => grad((X: Tensor) => sum(mul(W, P(X, { degeneracy: { policy: 'error' } }))))(A)).toThrow(DegenerateEigenvaluesError);
  });
});

describe('TSDoc examples of eigh and eigvalsh', () => {
  it('run as written', () => {
    const A = tensor([[2, 1], [1, 2]]);
    close(toArray(eigvalsh(A)), [1, 3], 1e-15);
    close(toArray(grad((X: Tensor) => sum(slice(eigvalsh(X), [1], [2])))(A) as Tensor), [[0.5, 0.5], [0.5, 0.5]], 1e-15);
    const { values, vectors } = eigh(A);
    close(toArray(values), [1, 3], 1e-15);
    close(toArray(vectors), [[Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2]], 1e-15);
    const weight = (X: Tensor) => sum(square(slice(eigh(X).vectors, [0, 1], [1, 2])));
    close(toArray(grad(weight)(A) as Tensor), [[0.25, 0], [0, -0.25]], 1e-14);
  });
});
