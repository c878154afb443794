import { describe, expect, it } from 'vitest';
import { fdGrad, fdJacobian } from '@ad/testing';
import {
  AnomalyError,
  DTypeError,
  ShapeError,
  Tensor,
  abs,
  add,
  complex,
  cos,
  detectAnomaly,
  div,
  exp,
  grad,
  hessian,
  hvp,
  imag,
  jacobian,
  jvp,
  log,
  matmul,
  mul,
  pow,
  real,
  reshape,
  sin,
  slice,
  sqrt,
  square,
  stopGradient,
  sum,
  tanh,
  tensor,
  toArray,
  transpose,
  valueAndGrad,
  vjp,
} from '../src/index.js';

const close = (a: Tensor, b: Tensor, tol: number): void => {
  expect(a.shape).toEqual(b.shape);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.size; i++) {
    worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
    scale = Math.max(scale, Math.abs(b.data[i]!));
  }
  expect(worst).toBeLessThanOrEqual(tol * Math.max(1, scale));
};

// A smooth test function of a 3×3 matrix that exercises many ops at once.
const f = (X: Tensor): Tensor => {
  const Y = matmul(X, transpose(X));
  return add(sum(mul(sin(Y), exp(div(X, 4)))), sum(tanh(pow(X, 2))));
};
const X0 = tensor([[0.3, -0.2, 0.5], [0.1, 0.7, -0.4], [-0.6, 0.2, 0.9]]);

describe('transformations agree with each other and with finite differences', () => {
  it('grad matches fdGrad on a composite function', () => {
    close(grad(f)(X0) as Tensor, fdGrad(f, X0), 1e-9);
  });

  it('jvp and vjp agree through the dot-product identity', () => {
    const V = tensor([[1, 0.5, -1], [0.2, 0.1, 0.3], [-0.4, 1, 0]]);
    const [, dy] = jvp(f, [X0], [V]);
    const g = grad(f)(X0) as Tensor;
    expect((dy as Tensor).data[0]!).toBeCloseTo(sum(mul(g, V)).data[0]!, 12);
  });

  it('jacobian in forward and reverse mode agree with each other and with fdJacobian', () => {
    const h = (x: Tensor) => mul(sin(x), sum(square(x)));
    const x = tensor([0.3, -1.2, 2]);
    const jr = jacobian(h, { mode: 'reverse' })(x);
    const jf = jacobian(h, { mode: 'forward' })(x);
    expect(jr.shape).toEqual([3, 3]);
    close(jr, jf, 1e-14);
    close(jr, fdJacobian(h, x), 1e-9);
  });

  it('hessian and hvp agree with finite differences of the gradient', () => {
    const g = (x: Tensor) => sum(mul(exp(x), sin(matmul(tensor([[1, 2], [0, 1]]), x))));
    const x = tensor([0.4, -0.3]);
    const H = hessian(g)(x);
    const Hfd = fdJacobian((y: Tensor) => grad(g)(y) as Tensor, x);
    close(H, Hfd, 1e-8);
    close(H, transpose(H), 1e-14);
    const v = tensor([1, 2]);
    close(hvp(g, x, v), matmul(H, v), 1e-13);
  });

  it('nested grad has no perturbation confusion: d/dx [x · (d/dy (x + y))(1)] = 1 at any x', () => {
    for (const x0 of [-2, 0, 3.5]) {
      const inner = (x: Tensor) => grad((y: Tensor) => add(x, y))(tensor(1)) as Tensor;
      const outer = grad((x: Tensor) => mul(x, inner(x)));
      expect(toArray(outer(tensor(x0)) as Tensor)).toBe(1);
    }
  });

  it('a nested third derivative matches the closed form', () => {
    // d³/dx³ sin(x²) evaluated by grad∘grad∘grad.
    const g1 = (x: Tensor) => grad((y: Tensor) => sin(mul(y, y)))(x) as Tensor;
    const g2 = (x: Tensor) => grad(g1)(x) as Tensor;
    const g3 = grad(g2);
    const x = 0.7;
    const exact = -12 * x * Math.sin(x * x) - 8 * x ** 3 * Math.cos(x * x);
    expect((g3(tensor(x)) as Tensor).data[0]!).toBeCloseTo(exact, 12);
  });
});

describe('pytrees, argnums and aux', () => {
  it('differentiates nested objects and arrays and returns gradients in the same structure', () => {
    const loss = (p: { w: Tensor; b: [Tensor, Tensor] }) => sum(add(mul(p.w, p.b[0]), square(p.b[1])));
    const params = { w: tensor([1, 2]), b: [tensor([3, 4]), tensor([5, 6])] as [Tensor, Tensor] };
    const g = grad(loss)(params) as { w: Tensor; b: Tensor[] };
    expect(toArray(g.w)).toEqual([3, 4]);
    expect(toArray(g.b[0]!)).toEqual([1, 2]);
    expect(toArray(g.b[1]!)).toEqual([10, 12]);
  });

  it('selects arguments with argnums and returns an array for an array of argnums', () => {
    const h = (a: Tensor, b: Tensor) => sum(mul(a, square(b)));
    const [ga, gb] = grad(h, [0, 1])(tensor([2]), tensor([3])) as Tensor[];
    expect(toArray(ga!)).toEqual([9]);
    expect(toArray(gb!)).toEqual([12]);
    expect(toArray(grad(h, 1)(tensor([2]), tensor([3])) as Tensor)).toEqual([12]);
  });

  it('gives an argument listed twice in argnums its gradient twice', () => {
    const g = grad((a: Tensor, b: Tensor) => sum(mul(a, b)), [0, 0])(tensor([1, 2]), tensor([3, 4])) as Tensor[];
    expect(g.map((t) => toArray(t))).toEqual([[3, 4], [3, 4]]);
  });

  it('returns [value, aux] with hasAux and strips tracers from aux', () => {
    const [[value, aux], g] = valueAndGrad((x: Tensor) => [sum(square(x)), { doubled: mul(x, 2) }], 0, { hasAux: true })(tensor([1, 2])) as [[Tensor, { doubled: Tensor }], Tensor];
    expect(toArray(value)).toBe(5);
    expect(aux.doubled.constructor.name).toBe('Tensor');
    expect(toArray(aux.doubled)).toEqual([2, 4]);
    expect(toArray(g)).toEqual([2, 4]);
  });

  it('gives zeros for arguments the output does not depend on', () => {
    expect(toArray(grad((_x: Tensor) => sum(tensor([1, 2])))(tensor([5, 6])) as Tensor)).toEqual([0, 0]);
  });

  it('stopGradient blocks derivatives', () => {
    expect(toArray(grad((x: Tensor) => mul(x, stopGradient(x)))(tensor(3)) as Tensor)).toBe(3);
  });

  it('vjp works on structured outputs with partial cotangents', () => {
    const [y, pb] = vjp((x: Tensor) => ({ a: square(x), b: sin(x) }), tensor([1, 2]));
    expect(toArray(y.a)).toEqual([1, 4]);
    const [g] = pb({ a: tensor([1, 1]) });
    expect(toArray(g as Tensor)).toEqual([2, 4]);
  });

  it('vjp takes the real part of a complex cotangent for a real output, whether or not an op touched it', () => {
    const c = complex(tensor([1, 2]), tensor([5, 6]));
    for (const f of [(x: Tensor) => x, (x: Tensor) => mul(x, 1)]) {
      const g = vjp(f, tensor([1, 2]))[1](c)[0] as Tensor;
      expect(g.dtype).toBe('float64');
      expect(toArray(g)).toEqual([1, 2]);
    }
  });

  it('vjp sums the cotangents of a value returned at several places of the output', () => {
    const [, pb] = vjp((x: Tensor) => {
      const y = square(x);
      return [y, { again: y }];
    }, tensor([1, 2]));
    const [g] = pb([tensor([1, 1]), { again: tensor([3, -1]) }]);
    // d/dx Σ (c₁ + c₂) x² = 2x (c₁ + c₂) = [2·1·4, 2·2·0]
    expect(toArray(g as Tensor)).toEqual([8, 0]);
  });
});

describe('complex inputs', () => {
  it('gives dL/dRe + i dL/dIm for a real loss of a complex input', () => {
    // L = |z|² summed = Σ (re² + im²), so the gradient is 2z.
    const z = complex(tensor([1, -2]), tensor([3, 0.5]));
    const g = grad((w: Tensor) => sum(square(abs(w))))(z) as Tensor;
    expect(g.dtype).toBe('complex128');
    expect(toArray(g)).toEqual([[2, 6], [-4, 1]]);
  });

  it('matches finite differences on real and imaginary parts for a holomorphic composition', () => {
    const L = (w: Tensor) => sum(add(real(mul(exp(w), w)), imag(mul(sqrt(w), cos(w)))));
    const z = complex(tensor([0.4, 1.1]), tensor([-0.3, 0.6]));
    const g = grad(L)(z) as Tensor;
    const gre = fdGrad((x: Tensor) => L(complex(x, imag(z))), real(z));
    const gim = fdGrad((y: Tensor) => L(complex(real(z), y)), imag(z));
    close(real(g), gre, 1e-9);
    close(imag(g), gim, 1e-9);
  });
});

describe('errors', () => {
  it('grad of a non-scalar output says what was expected', () => {
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(/must return a scalar.*got shape \[2\]/);
  });

  it('grad of a complex output is refused', () => {
    expect(() => grad((x: Tensor) => sum(complex(x, x)))(tensor([1]))).toThrow(DTypeError);
  });

  it('argnums out of range is a ShapeError', () => {
    expect(() => grad((x: Tensor) => sum(x), 2)(tensor([1]))).toThrow(/argnums 2/);
  });

  it('jvp with a tangent of the wrong shape is a ShapeError', () => {
    expect(() => jvp((x: Tensor) => x, [tensor([1, 2])], [tensor([1])])).toThrow(/tangent 0 has shape \[1\]/);
  });

  it('jvp with a complex tangent for a real primal is a DTypeError naming the tangent', () => {
    expect(() => jvp((x: Tensor) => x, [tensor([1, 2])], [complex(tensor([1, 0]), tensor([0, 1]))])).toThrow(DTypeError);
    expect(() => jvp((x: Tensor) => x, [tensor([1, 2])], [complex(tensor([1, 0]), tensor([0, 1]))])).toThrow(/jvp: tangent 0 is complex128 but its primal is float64/);
  });

  it('detectAnomaly names the first rule that turned a finite value non-finite', () => {
    const run = () => detectAnomaly(() => grad((x: Tensor) => sum(sqrt(x)))(tensor([0, 1])));
    expect(run).toThrow(AnomalyError);
    expect(run).toThrow(/@ad\/core\/sqrt/);
    // Without detectAnomaly, IEEE semantics: the derivative of sqrt at 0 is +Inf.
    expect((grad((x: Tensor) => sum(sqrt(x)))(tensor([0, 1])) as Tensor).data[0]).toBe(Infinity);
    expect(toArray(detectAnomaly(() => log(tensor([1]))))).toEqual([0]);
  });

  it('reshape and slice report impossible shapes', () => {
    expect(() => reshape(tensor([1, 2, 3]), [2, 2])).toThrow(/cannot reshape 3 entries/);
    expect(() => slice(tensor([1, 2, 3]), [2], [5])).toThrow(ShapeError);
  });
});
