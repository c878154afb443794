/**
 * The spring–mass chain: n masses in a line, mass 1 tied to a wall by spring 1, mass i tied to mass i − 1 by spring
 * i, the last mass free (a fixed–free chain, the textbook model of a shear building or a drive train).
 *
 * With displacements x, the potential energy is ½ Σᵢ kᵢ (xᵢ − xᵢ₋₁)² (x₀ = 0, the wall) = ½ xᵀ K x with K = Dᵀ diag(k) D,
 * D the difference matrix (row i = eᵢ − eᵢ₋₁): K is tridiagonal with K_ii = kᵢ + kᵢ₊₁ (k_{n+1} = 0) and
 * K_{i,i+1} = −kᵢ₊₁. The kinetic energy is ½ ẋᵀ M ẋ with M = diag(m). Free vibrations x = v·sin(ωt) solve the
 * generalized eigenproblem K v = ω² M v: natural frequencies ωᵢ = √λᵢ (rad/s), fᵢ = ωᵢ/2π (Hz), mode shapes vᵢ with
 * vᵢᵀ M vⱼ = δᵢⱼ. Everything here is built from @ad/core ops, so derivatives flow from the frequencies back to the
 * stiffnesses k (through A = K) and to the masses m (through B = M).
 */
import { Tensor, diagm, div, exp, matmul, mul, reshape, scale, slice, sqrt, sub, tensor, transpose } from '@ad/core';
import { geigh, geigvalsh } from '@ad/rules-eigen';

/** The n×n difference matrix D (row i = eᵢ − eᵢ₋₁; row 0 = e₀, the spring to the wall). */
export function differenceMatrix(n: number): Tensor {
  return tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j === i ? 1 : j === i - 1 ? -1 : 0))));
}

/** Stiffness matrix K = Dᵀ diag(k) D of the fixed–free chain (exactly symmetric: D has entries 0, ±1). */
export function stiffness(k: Tensor): Tensor {
  const n = k.shape[0]!;
  const D = differenceMatrix(n);
  return matmul(transpose(D), mul(reshape(k, [n, 1]), D));
}

/** Mass matrix M = diag(m). */
export function massMatrix(m: Tensor): Tensor {
  return diagm(m);
}

/** Natural frequencies fᵢ = √λᵢ / 2π in Hz, ascending, of the chain with stiffnesses k and masses m. */
export function frequencies(k: Tensor, m: Tensor): Tensor {
  return scale(sqrt(geigvalsh(stiffness(k), massMatrix(m))), 1 / (2 * Math.PI));
}

/** Stiffnesses from log-stiffnesses: k = exp(θ) keeps every spring positive whatever the optimizer does. */
export function stiffnessOf(theta: Tensor): Tensor {
  return exp(theta);
}

/** Relative frequency errors rᵢ = fᵢ / f*ᵢ − 1 of the first `targets.size` modes. */
export function residuals(theta: Tensor, m: Tensor, targets: Tensor): Tensor {
  const f = frequencies(stiffnessOf(theta), m);
  return sub(div(slice(f, [0], [targets.shape[0]!]), targets), 1);
}

/** Mass-normalized mode shapes (columns, vᵢᵀ M vⱼ = δᵢⱼ). */
export function modes(k: Tensor, m: Tensor): Tensor {
  return geigh(stiffness(k), massMatrix(m)).vectors;
}
