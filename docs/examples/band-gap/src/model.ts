/**
 * The model of the demo: a one-dimensional s–p chain of spin-½ electrons. Each site carries an s orbital (energy +1)
 * and a p orbital (energy −1), each for both spins; neighbouring sites are coupled by s–s hopping t_s, p–p hopping t_p
 * and s–p hybridization t_sp, all independent of spin. The orbital Bloch Hamiltonian at crystal momentum k is
 *
 *   h(k) = [[ 1 + 2 t_s cos k,   2i t_sp sin k   ],
 *           [ −2i t_sp sin k,    −1 − 2 t_p cos k ]]
 *
 * and the full one is H(k) = h(k) ⊗ I₂ (basis s↑, s↓, p↑, p↓): without spin–orbit coupling every band is exactly
 * spin-degenerate, at every k and for every choice of hoppings. Its eigenvalues E₁ = E₂ ≤ E₃ = E₄ are the valence and
 * conduction bands; the band gap is min_k E₃(k) − max_k E₂(k). The hoppings share a budget t_s² + t_p² + t_sp² = 1.
 *
 * Everything the optimizer differentiates is built from @ad/core ops (so `grad` flows through it into `eigh`);
 * {@link bandsClosedForm} computes the same bands and orbital weights from the 2×2 formula, as an independent check.
 */
import { Tensor, add, complex, conj, div, exp, log, mean, mul, real, reshape, scale, slice, sqrt, square, sub, sum } from '@ad/core';

/** Crystal momenta k_j = 2πj/N with their cosines and sines (exact at the high-symmetry points 0, ±π/2, π). */
export interface KGrid {
  readonly k: Float64Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

/** N evenly spaced momenta in [0, 2π); N a multiple of 4 puts 0, π/2, π and 3π/2 on the grid exactly. */
export function kGrid(n: number): KGrid {
  const k = Float64Array.from({ length: n }, (_, j) => (2 * Math.PI * j) / n);
  // Math.sin(π) is 1.2e-16, not 0: snap the high-symmetry points so that the band touching is exact.
  const snap = (x: number) => (Math.abs(x) < 1e-15 ? 0 : Math.abs(Math.abs(x) - 1) < 1e-15 ? Math.sign(x) : x);
  return { k, cos: k.map((x) => snap(Math.cos(x))), sin: k.map((x) => snap(Math.sin(x))) };
}

/** The constant pieces of H(k) = H₀ + t_s H_s + t_p H_p + t_sp H_sp, each a complex tensor of shape [N, 4, 4]. */
export interface BlochTerms {
  readonly H0: Tensor;
  readonly Hs: Tensor;
  readonly Hp: Tensor;
  readonly Hsp: Tensor;
}

/** Builds the four constant terms of the Bloch Hamiltonian on a k-grid: h(k) ⊗ I₂ in the basis s↑, s↓, p↑, p↓. */
export function blochTerms(grid: KGrid): BlochTerms {
  const n = grid.k.length;
  // h's entry (a, b) goes to (2a + σ, 2b + σ) for both spins σ
  const make = (entries: (j: number) => [number, number, number, number][]): Tensor => {
    const re = new Float64Array(n * 16);
    const im = new Float64Array(n * 16);
    for (let j = 0; j < n; j++) {
      for (const [a, b, vr, vi] of entries(j)) {
        for (let sigma = 0; sigma < 2; sigma++) {
          re[16 * j + 4 * (2 * a + sigma) + 2 * b + sigma] = vr;
          im[16 * j + 4 * (2 * a + sigma) + 2 * b + sigma] = vi;
        }
      }
    }
    return complex(new Tensor([n, 4, 4], 'float64', re), new Tensor([n, 4, 4], 'float64', im));
  };
  return {
    H0: make(() => [[0, 0, 1, 0], [1, 1, -1, 0]]),
    Hs: make((j) => [[0, 0, 2 * grid.cos[j]!, 0]]),
    Hp: make((j) => [[1, 1, -2 * grid.cos[j]!, 0]]),
    Hsp: make((j) => [[0, 1, 0, 2 * grid.sin[j]!], [1, 0, 0, -2 * grid.sin[j]!]]),
  };
}

/** The hoppings θ = φ/‖φ‖ on the unit sphere (the budget constraint), from unconstrained parameters φ. */
export function hoppings(phi: Tensor): Tensor {
  return div(phi, sqrt(sum(square(phi))));
}

/** H(k) for every k of the grid, [N, 4, 4], as a differentiable function of the hoppings θ = (t_s, t_p, t_sp). */
export function hamiltonian(theta: Tensor, terms: BlochTerms): Tensor {
  const coef = (i: number) => reshape(slice(theta, [i], [i + 1]), [1, 1, 1]);
  return add(add(terms.H0, mul(coef(0), terms.Hs)), add(mul(coef(1), terms.Hp), mul(coef(2), terms.Hsp)));
}

/**
 * A smooth band gap: softmin_k E₃ − softmax_k E₂ with softmin_τ(x) = −τ log mean exp(−x/τ) (and softmax likewise),
 * which tends to the band gap min E₃ − max E₂ as τ → 0 (within τ·log N of it). `bands` is [N, 4], ascending per k.
 */
export function softGap(bands: Tensor, tau: number): Tensor {
  const n = bands.shape[0]!;
  const lower = reshape(slice(bands, [0, 1], [n, 2]), [n]);
  const upper = reshape(slice(bands, [0, 2], [n, 3]), [n]);
  // shift by the (undifferentiated) extreme value so the exponentials stay in range
  const lo = Math.min(...Array.from(upper.data));
  const hi = Math.max(...Array.from(lower.data));
  const softMin = sub(lo, scale(log(mean(exp(scale(sub(upper, lo), -1 / tau)))), tau));
  const softMax = add(hi, scale(log(mean(exp(scale(sub(lower, hi), 1 / tau)))), tau));
  return sub(softMin, softMax);
}

/**
 * The s weight of the valence band averaged over k: mean_k Σ_{n ∈ valence} (|v_n[s↑]|² + |v_n[s↓]|²)/2, from the
 * eigenvectors [N, 4, 4]. It sums |v|² over the whole (spin-degenerate) valence pair, so it does not depend on which
 * basis of the pair the solver returned — a gauge-invariant use of eigenvectors.
 */
export function valenceSWeight(vectors: Tensor): Tensor {
  const n = vectors.shape[0]!;
  const block = slice(vectors, [0, 0, 0], [n, 2, 2]); // rows s↑, s↓; columns: the two valence states
  // per k, the four |v|² sum to 2·w_s(k) (each spin carries w_s); averaging the 4N entries gives w̄_s / 2
  return scale(mean(real(mul(block, conj(block)))), 2);
}

/** The band gap min_k E₃(k) − max_k E₂(k) on plain numbers. */
export function bandGapOf(bands: Tensor): number {
  const n = bands.shape[0]!;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < n; j++) {
    lo = Math.min(lo, bands.data[4 * j + 2]!);
    hi = Math.max(hi, bands.data[4 * j + 1]!);
  }
  return lo - hi;
}

/**
 * E₋(k), E₊(k) and the s weight of the lower band from the 2×2 formula: with h = a·I + b σ_z + c σ_y,
 * E± = a ± √(b² + c²) and |⟨s|v₋⟩|² = (1 − b/√(b² + c²))/2 — an independent route to the bands and to the weight.
 */
export function bandsClosedForm(theta: readonly number[], grid: KGrid): { lower: Float64Array; upper: Float64Array; sWeight: number } {
  const [ts, tp, tsp] = theta as [number, number, number];
  const n = grid.k.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  let w = 0;
  for (let j = 0; j < n; j++) {
    const c = grid.cos[j]!;
    const a = (ts - tp) * c;
    const b = 1 + (ts + tp) * c;
    const r = Math.hypot(b, 2 * tsp * grid.sin[j]!);
    lower[j] = a - r;
    upper[j] = a + r;
    w += r > 0 ? (1 - b / r) / 2 : 0.5;
  }
  return { lower, upper, sWeight: w / n };
}

/** {@link softGap} on plain numbers (for the brute-force search). */
export function softGapNumbers(lower: Float64Array, upper: Float64Array, tau: number): number {
  const n = lower.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < n; j++) {
    lo = Math.min(lo, upper[j]!);
    hi = Math.max(hi, lower[j]!);
  }
  let a = 0;
  let b = 0;
  for (let j = 0; j < n; j++) {
    a += Math.exp(-(upper[j]! - lo) / tau);
    b += Math.exp((lower[j]! - hi) / tau);
  }
  return lo - tau * Math.log(a / n) - (hi + tau * Math.log(b / n));
}

