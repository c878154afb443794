import { describe, expect, it } from 'vitest';
import { Tensor, complex, scalar, tensor, castTensor } from '@ad/core';
import { symEig } from '@ad/kernels';
import { fdGrad, fdGradDetailed, fdJacobian, fdJvp, hermitian, structured, symmetric } from '../src/index.js';

function maxRelErr(got: Float64Array | Float32Array, want: ArrayLike<number>): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    e = Math.max(e, Math.abs(got[i]! - want[i]!));
    s = Math.max(s, Math.abs(want[i]!));
  }
  return e / s;
}

/** A plain (non-AD) weighted sum of eigenvalues through the kernel eigensolver: FD needs values only. */
function weightedEigvals(w: readonly number[]) {
  return (A: Tensor): number => {
    const n = A.shape[0]!;
    const { values } = symEig(Float64Array.from(A.data), n, { vectors: false });
    return values.reduce((s, v, k) => s + w[k]! * v, 0);
  };
}

describe('fdGrad', () => {
  it('reaches ≤ 1e-10 relative error on compositions of exp, sin and polynomials', () => {
    const x = tensor([0.3, -1.1, 0.8, 2.0]);
    const f = (v: Tensor) => {
      let s = 0;
      for (let i = 0; i < v.size; i++) s += Math.exp(Math.sin(v.data[i]!)) * v.data[i]! ** 3 - 2 * v.data[i]! ** 2;
      return s;
    };
    const want = Array.from(x.data, (v) => Math.exp(Math.sin(v)) * (Math.cos(v) * v ** 3 + 3 * v * v) - 4 * v);
    expect(maxRelErr(fdGrad(f, x).data, want)).toBeLessThanOrEqual(1e-10);
  });

  it('reaches ≤ 1e-8 relative error on a function of 100 inputs, entry by entry', () => {
    const n = 100;
    const x = tensor(Array.from({ length: n }, (_, i) => 1.5 * Math.sin(1.3 * i)));
    const f = (v: Tensor) => {
      let s = 0;
      let t = 0;
      for (let i = 0; i < n; i++) {
        s += Math.exp(Math.sin(v.data[i]!)) * v.data[i]! ** 2;
        t += v.data[i]!;
      }
      return s + t * t;
    };
    const T = Array.from(x.data).reduce((a, b) => a + b, 0);
    const want = Array.from(x.data, (v) => Math.exp(Math.sin(v)) * (Math.cos(v) * v * v + 2 * v) + 2 * T);
    const g = fdGradDetailed(f, x);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(g.value.data[i]! - want[i]!) / Math.abs(want[i]!)).toBeLessThanOrEqual(1e-8);
      expect(Math.abs(g.value.data[i]! - want[i]!)).toBeLessThanOrEqual(10 * g.error.data[i]!);
    }
  });

  it('reaches ≤ 1e-10 on eigenvalues of a matrix with well-separated eigenvalues (symmetric directions)', () => {
    // ∇ Σ wₖ λₖ = Σ wₖ vₖ vₖᵀ (the kernel's eigenvectors are the independent route).
    const A = tensor([
      [3, 1, 0.5, 0.2],
      [1, 4, 0.3, 0.1],
      [0.5, 0.3, 2, 0.7],
      [0.2, 0.1, 0.7, 5],
    ]);
    const w = [0.3, -1.2, 0.5, 2];
    const { values, vectors } = symEig(Float64Array.from(A.data), 4);
    const gaps = values.slice(1).map((v, i) => v - values[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(0.5);
    const want = new Float64Array(16);
    for (let k = 0; k < 4; k++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) want[i * 4 + j] += w[k]! * vectors![i + 4 * k]! * vectors![j + 4 * k]!;
    const g = fdGrad(weightedEigvals(w), symmetric(A));
    expect(maxRelErr(g.data, want)).toBeLessThanOrEqual(1e-10);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(g.data[i * 4 + j]).toBe(g.data[j * 4 + i]);
  });

  it('returns ∂L/∂Re + i ∂L/∂Im for a complex input', () => {
    const z = complex(tensor([0.3, -1.2]), tensor([0.7, 0.4]));
    const normSq = (v: Tensor) => Array.from(v.data).reduce((s, r, i) => s + r * r + v.im![i]! ** 2, 0);
    const g = fdGrad(normSq, z);
    expect(g.dtype).toBe('complex128');
    expect(maxRelErr(g.data, [0.6, -2.4])).toBeLessThan(1e-12);
    expect(maxRelErr(g.im!, [1.4, 0.8])).toBeLessThan(1e-12);
    // L = Σ a Re z + b Im z → a + ib
    const lin = (v: Tensor) => 2 * v.data[0]! - 3 * v.im![0]! + 5 * v.im![1]!;
    const h = fdGrad(lin, z);
    expect(maxRelErr(h.data, [2, 0])).toBeLessThan(1e-12);
    expect(maxRelErr(h.im!, [-3, 5])).toBeLessThan(1e-12);
  });

  it('gives the symmetric, Hermitian and diagonal gradients for structure-marked inputs', () => {
    const B = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const frob = (X: Tensor) => Array.from(X.data).reduce((s, v, i) => s + v * B[i]!, 0);
    const A = tensor([[2, 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 1]]);
    expect(maxRelErr(fdGrad(frob, symmetric(A)).data, [1, 3, 5, 3, 5, 7, 5, 7, 9])).toBeLessThan(1e-12);
    expect(maxRelErr(fdGrad(frob, structured(A, 'diagonal')).data, [1, 0, 0, 0, 5, 0, 0, 0, 9])).toBeLessThan(1e-12);
    expect(maxRelErr(fdGrad(frob, A).data, B)).toBeLessThan(1e-12);
    // L = Re tr(Cᴴ H) over Hermitian H: gradient (C + Cᴴ)/2
    const Cr = [1, 2, 3, 4];
    const Ci = [0.5, -1, 2, 0.25];
    const reInner = (X: Tensor) => Array.from(X.data).reduce((s, v, i) => s + v * Cr[i]! + X.im![i]! * Ci[i]!, 0);
    const H = complex(tensor([[2, 1], [1, 3]]), tensor([[0, 1], [-1, 0]]));
    const g = fdGrad(reInner, hermitian(H));
    expect(maxRelErr(g.data, [1, 2.5, 2.5, 4])).toBeLessThan(1e-12);
    expect(maxRelErr(g.im!, [0, -1.5, 1.5, 0])).toBeLessThan(1e-12);
  });

  it('differentiates functions of a scalar (0-d) input', () => {
    const g = fdGrad((v: Tensor) => v.data[0]! ** 3, scalar(2));
    expect(g.shape).toEqual([]);
    expect(Math.abs(g.data[0]! - 12) / 12).toBeLessThan(1e-12);
  });

  it('evaluates float32 inputs in float64', () => {
    const x = castTensor(tensor([0.1, 0.2]), 'float32');
    const dtypes = new Set<string>();
    const g = fdGrad((v: Tensor) => {
      dtypes.add(v.dtype);
      return Math.exp(v.data[0]!) * Math.sin(v.data[1]!);
    }, x);
    expect([...dtypes]).toEqual(['float64']);
    const x0 = x.data[0]!;
    const x1 = x.data[1]!;
    expect(maxRelErr(g.data, [Math.exp(x0) * Math.sin(x1), Math.exp(x0) * Math.cos(x1)])).toBeLessThan(1e-11);
  });
});

describe('fdJvp', () => {
  it('differentiates pytree outputs (complex leaves included) along pytree tangents', () => {
    const f = (p: { w: Tensor; b: Tensor }) => {
      const w = p.w.data;
      const b = p.b.data[0]!;
      return {
        y: tensor([Math.sin(w[0]! * b), Math.exp(w[1]!)]),
        z: complex(tensor([w[0]! * w[1]!]), tensor([b * b])),
      };
    };
    const p = { w: tensor([0.5, -0.3]), b: tensor([1.5]) };
    const v = { w: tensor([1, 2]), b: tensor([-1]) };
    const r = fdJvp(f, [p], [v]);
    const value = r.value as { y: Tensor; z: Tensor };
    const [w0, w1, b] = [0.5, -0.3, 1.5];
    const dy = [Math.cos(w0 * b) * (1 * b + w0 * -1), Math.exp(w1) * 2];
    expect(maxRelErr(value.y.data, dy)).toBeLessThan(1e-10);
    expect(value.z.dtype).toBe('complex128');
    expect(value.z.data[0]).toBeCloseTo(1 * w1 + w0 * 2, 10);
    expect(value.z.im![0]).toBeCloseTo(2 * b * -1, 10);
    expect(r.error).toBeLessThan(1e-9);
    expect(r.errors.length).toBe(4);
  });

  it('holds arguments without a tangent fixed and returns zeros for a zero tangent', () => {
    const f = (a: Tensor, k: number) => tensor([a.data[0]! ** k]);
    const r = fdJvp(f as (...a: never[]) => unknown, [tensor([2]), 3], [tensor([1]), undefined]);
    expect((r.value as Tensor).data[0]).toBeCloseTo(12, 9);
    const z = fdJvp(f as (...a: never[]) => unknown, [tensor([2]), 3], [tensor([0]), undefined]);
    expect((z.value as Tensor).data[0]).toBe(0);
  });
});

describe('fdJacobian', () => {
  it('builds the Jacobian column by column, shaped [...out, ...in]', () => {
    const f = (x: Tensor) => tensor([x.data[0]! * x.data[1]!, Math.sin(x.data[0]!), Math.exp(x.data[1]!)]);
    const J = fdJacobian(f, tensor([0.5, -0.25]));
    expect(J.shape).toEqual([3, 2]);
    expect(maxRelErr(J.data, [-0.25, 0.5, Math.cos(0.5), 0, 0, Math.exp(-0.25)])).toBeLessThan(1e-10);
  });

  it('gives a complex Jacobian for complex outputs and refuses complex inputs', () => {
    const f = (x: Tensor) => complex(tensor([x.data[0]! ** 2]), tensor([3 * x.data[0]!]));
    const J = fdJacobian(f, tensor([2]));
    expect(J.dtype).toBe('complex128');
    expect(J.data[0]).toBeCloseTo(4, 9);
    expect(J.im![0]).toBeCloseTo(3, 9);
    expect(() => fdJacobian(f, complex(tensor([1]), tensor([1])))).toThrow(/complex inputs/);
  });
});
