import { AdError, ShapeError } from '@ad/core';
/**
 * Finite-difference methods with adaptive step selection and error estimates, after FiniteDifferences.jl.
 *
 * A method is a grid of integer offsets g₀ … g_{p−1} and weights c_j with f^{(q)}(x) ≈ Σ c_j f(x + g_j h) / h^q.
 * The step h balances the two errors of that formula: round-off, Σ|c_j|·δ / h^q for function values carrying noise δ,
 * and truncation, |f^{(p)}|·Σ|c_j g_j^p| / p! · h^{p−q}. The noise δ is measured from the function itself (Moré & Wild's
 * ECnoise on a tiny stencil), never assumed; |f^{(p)}| is estimated with a (p+2)-point method of order p on a coarse
 * step (FiniteDifferences.jl's bound estimator). Each estimate returns that error model evaluated at the chosen step.
 * @module
 */
import { factorial, rat, solveExact, toNumber, abs as rabs, add as radd, mul as rmul, isZero, ZERO, type Rational } from './internal/rational.js';

/** Which side of x the grid lies on. */
export type FdmKind = 'central' | 'forward' | 'backward';

/** Options of Richardson extrapolation ({@link FdmOptions.richardson}). */
export interface RichardsonOptions {
  /** First (largest) step, in units of the argument (default 0.1·max(1, |x|)). */
  initialStep?: number;
  /** Ratio between successive steps (default 0.125, Richardson.jl's). */
  contract?: number;
  /** Maximum number of tableau rows, i.e. stencil evaluations (default 8). */
  maxRows?: number;
}

/** Options of a finite-difference method. */
export interface FdmOptions {
  /**
   * Levels of step adaptation (default 1): 0 uses a heuristic step; 1 estimates |f^{(p)}| with a (p+2)-point method
   * which itself uses the heuristic; 2 adapts that one too, and so on.
   */
  adapt?: number;
  /** Assumed magnitude of |f^{(p)}| for the heuristic step (default 10, FiniteDifferences.jl's `condition`). */
  condition?: number;
  /** Multiplier of the round-off estimate (default 1). Raise it for functions noisier than they look. */
  factor?: number;
  /** Largest distance from x at which f may be evaluated (default ∞), e.g. to stay inside a domain. */
  maxRange?: number;
  /** Use this step instead of choosing one (error estimates are still computed when `adapt ≥ 1`). */
  step?: number;
  /**
   * Round-off level of f: `'estimate'` (default) measures it from f's own noise (ECnoise), never below one ulp of
   * |f|; `'ulp'` assumes one ulp of |f| (FiniteDifferences.jl's assumption); a number fixes the absolute noise.
   */
  noise?: 'estimate' | 'ulp' | number;
  /** Richardson extrapolation over a geometric sequence of steps instead of one adapted step. */
  richardson?: boolean | RichardsonOptions;
  /**
   * Check the error model a posteriori with a second stencil at h/2 and report the larger of the two error estimates
   * (default true; p − 1 more evaluations). False gives FiniteDifferences.jl's cost and its model-only estimate.
   */
  check?: boolean;
}

/** A scalar derivative estimate. */
export interface FdEstimate {
  /** The derivative estimate. */
  value: number;
  /** Estimated absolute error of `value` (round-off + truncation at the chosen step). */
  error: number;
  /** The step used (the step of the best tableau row under Richardson extrapolation). */
  step: number;
  /** Number of function evaluations spent. */
  evaluations: number;
}

/** A vector derivative estimate with one shared step. */
export interface FdVectorEstimate {
  /** Componentwise derivative estimate. */
  value: Float64Array;
  /** The largest componentwise error estimate. */
  error: number;
  /** Componentwise estimated absolute errors. */
  errors: Float64Array;
  /** The shared step. */
  step: number;
  /** Number of function evaluations spent. */
  evaluations: number;
}

/** A finite-difference method (see {@link centralFdm}). */
export interface FiniteDifferenceMethod {
  readonly kind: FdmKind;
  /** Number of grid points p. */
  readonly points: number;
  /** Order q of the derivative estimated. */
  readonly derivOrder: number;
  /** Integer grid offsets. */
  readonly grid: readonly number[];
  /** Stencil weights (exact rationals rounded once to double). */
  readonly coefs: readonly number[];
  /** Exponents of h in the truncation error, leading first (e.g. [4, 6, 8, …] for the 5-point central first derivative). */
  readonly errorExponents: readonly number[];
  /** The options in force. */
  readonly options: Readonly<Required<Omit<FdmOptions, 'step' | 'richardson'>>> & Pick<FdmOptions, 'step' | 'richardson'>;
  /** Estimates f^{(q)}(x) with an adapted step and an error estimate. */
  estimate(f: (x: number) => number, x: number): FdEstimate;
  /** Estimates the q-th derivative of a vector-valued g at t0, componentwise, with one shared step. */
  estimateVector(g: (t: number) => Float64Array | readonly number[], t0: number): FdVectorEstimate;
  /** Applies the stencil with a given step (no adaptation, no error estimate). */
  withStep(f: (x: number) => number, x: number, step: number): number;
}

interface Stencil {
  kind: FdmKind;
  p: number;
  q: number;
  grid: number[];
  coefs: number[];
  /** Weights of the same points estimating f^{(q)} at three neighbouring grid positions. */
  neighbourhood: [number[], number[], number[]];
  /** Σ|c_j g_j^p| / p!: truncation multiplier. */
  truncMult: number;
  /** Σ|c_j|: round-off multiplier. */
  roundMult: number;
  errorExponents: number[];
}

const stencilCache = new Map<string, Stencil>();

/** Grid of `p` points: central (odd p: −(p−1)/2 … (p−1)/2; even p: ±1 … ±p/2, skipping 0), forward, backward. */
function makeGrid(kind: FdmKind, p: number): number[] {
  if (kind === 'forward') return Array.from({ length: p }, (_, i) => i);
  if (kind === 'backward') return Array.from({ length: p }, (_, i) => i - p + 1);
  if (p % 2 === 1) return Array.from({ length: p }, (_, i) => i - (p - 1) / 2);
  const half = p / 2;
  const g: number[] = [];
  for (let i = -half; i <= half; i++) if (i !== 0) g.push(i);
  return g;
}

/**
 * Exact stencil weights: solve Σ_j c_j g_j^i = q!·δ_{iq}, i = 0 … p−1 (the Vandermonde system of Fornberg's
 * construction), in rational arithmetic.
 */
function exactCoefs(grid: readonly number[], q: number): Rational[] {
  const p = grid.length;
  const M: Rational[][] = [];
  for (let i = 0; i < p; i++) M.push(grid.map((g) => rat(BigInt(g) ** BigInt(i))));
  const b = Array.from({ length: p }, (_, i) => (i === q ? rat(factorial(q)) : ZERO));
  return solveExact(M, b);
}

function momentOf(coefs: readonly Rational[], grid: readonly number[], k: number): Rational {
  let s = ZERO;
  for (let j = 0; j < grid.length; j++) s = radd(s, rmul(coefs[j]!, rat(BigInt(grid[j]!) ** BigInt(k))));
  return s;
}

function stencil(kind: FdmKind, p: number, q: number): Stencil {
  const key = `${kind}:${p}:${q}`;
  const cached = stencilCache.get(key);
  if (cached) return cached;
  const grid = makeGrid(kind, p);
  const exact = exactCoefs(grid, q);
  const shifted = (s: number) => exactCoefs(grid.map((g) => g - s), q).map(toNumber);
  // Estimates at neighbouring positions reuse the same function values (FiniteDifferences.jl's neighbourhood).
  const neighbourhood: [number[], number[], number[]] =
    kind === 'forward' ? [shifted(2), shifted(1), shifted(0)] : kind === 'backward' ? [shifted(0), shifted(-1), shifted(-2)] : [shifted(-1), shifted(0), shifted(1)];
  let truncMult = ZERO;
  let roundMult = ZERO;
  for (let j = 0; j < p; j++) {
    truncMult = radd(truncMult, rabs(rmul(exact[j]!, rat(BigInt(grid[j]!) ** BigInt(p)))));
    roundMult = radd(roundMult, rabs(exact[j]!));
  }
  const errorExponents: number[] = [];
  for (let k = p; errorExponents.length < 12 && k < p + 40; k++) {
    if (!isZero(momentOf(exact, grid, k))) errorExponents.push(k - q);
  }
  const s: Stencil = {
    kind,
    p,
    q,
    grid,
    coefs: exact.map(toNumber),
    neighbourhood,
    truncMult: toNumber(truncMult) / Number(factorial(p)),
    roundMult: toNumber(roundMult),
    errorExponents,
  };
  stencilCache.set(key, s);
  return s;
}

/** One unit in the last place of |v| (the spacing of doubles at |v|); 0 for 0. */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a === 0 || !Number.isFinite(a)) return 0;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

const EPS = 2 ** -52;

type VecFn = (t: number) => Float64Array;

/**
 * Moré & Wild's ECnoise on one component: the k-th differences of values on a tiny equispaced stencil, normalised by
 * γ_k = (k!)²/(2k)!, estimate the standard deviation of the noise once three consecutive levels agree within a factor
 * 4 and the differences change sign. Returns the noise, or `undefined` when the stencil was too wide to see it.
 */
function ecNoise(vals: readonly number[]): { noise: number | undefined; zero: boolean } {
  const nf = vals.length;
  let fmin = Infinity;
  let fmax = -Infinity;
  for (const v of vals) {
    fmin = Math.min(fmin, v);
    fmax = Math.max(fmax, v);
  }
  const mag = Math.max(Math.abs(fmin), Math.abs(fmax));
  if (mag > 0 && (fmax - fmin) / mag > 0.1) return { noise: undefined, zero: false };
  const d = [...vals];
  const level: number[] = [];
  const signChange: boolean[] = [];
  let gamma = 1;
  for (let j = 1; j < nf; j++) {
    for (let i = 0; i < nf - j; i++) d[i] = d[i + 1]! - d[i]!;
    let allZero = true;
    let s2 = 0;
    let emin = Infinity;
    let emax = -Infinity;
    for (let i = 0; i < nf - j; i++) {
      const v = d[i]!;
      if (v !== 0) allZero = false;
      s2 += v * v;
      emin = Math.min(emin, v);
      emax = Math.max(emax, v);
    }
    if (j === 1 && allZero) return { noise: 0, zero: true };
    gamma *= 0.5 * (j / (2 * j - 1));
    level.push(Math.sqrt((gamma * s2) / (nf - j)));
    signChange.push(emin * emax < 0);
  }
  for (let k = 0; k + 2 < level.length; k++) {
    const a = level[k]!;
    const b = level[k + 1]!;
    const c = level[k + 2]!;
    if (Math.max(a, b, c) <= 4 * Math.min(a, b, c) && signChange[k]) return { noise: a, zero: false };
  }
  return { noise: undefined, zero: false };
}

/**
 * Per-component noise amplitude of g near t0 (3σ of ECnoise; 0 where none is visible). Tries spacings 1e-6, 1e-8,
 * 1e-10 (in units of t) for components whose smooth variation still dominates.
 */
function measureNoise(kind: FdmKind, g: VecFn, t0: number, n: number): Noise {
  const out = new Float64Array(n);
  let rel = 0;
  let pending = Array.from({ length: n }, (_, i) => i);
  const nf = 8;
  for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
    const hn = 1e-6 * 1e-2 ** attempt * Math.max(1, Math.abs(t0));
    const offsets = Array.from({ length: nf }, (_, i) => (kind === 'forward' ? i : kind === 'backward' ? i - nf + 1 : i - nf / 2));
    const vals = offsets.map((o) => g(t0 + o * hn));
    const next: number[] = [];
    for (const i of pending) {
      const r = ecNoise(vals.map((v) => v[i]!));
      if (r.noise === undefined) next.push(i);
      else {
        out[i] = 3 * r.noise;
        const mag = Math.max(...vals.map((v) => Math.abs(v[i]!)));
        if (mag > 0) rel = Math.max(rel, out[i]! / mag);
      }
    }
    pending = next;
  }
  return { abs: out, rel };
}

/** Measured noise: absolute amplitude per component, and the largest amplitude relative to |f|. */
interface Noise {
  abs: Float64Array;
  rel: number;
}

interface StepChoice {
  step: number;
  errors: Float64Array;
}

function applyStencil(coefs: readonly number[], grid: readonly number[], fs: readonly Float64Array[], n: number, h: number, q: number): Float64Array {
  const out = new Float64Array(n);
  const hq = h ** q;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < grid.length; j++) if (coefs[j] !== 0) s += coefs[j]! * fs[j]![i]!;
    out[i] = s / hq;
  }
  return out;
}

/** Evaluates g on the grid (skipping points whose weight is exactly zero unless `all`). */
function evalGrid(st: Stencil, g: VecFn, t0: number, h: number, all: boolean, n: number): Float64Array[] {
  return st.grid.map((gj, j) => (all || st.coefs[j] !== 0 ? g(t0 + gj * h) : new Float64Array(n)));
}

class Method implements FiniteDifferenceMethod {
  readonly kind: FdmKind;
  readonly points: number;
  readonly derivOrder: number;
  readonly grid: readonly number[];
  readonly coefs: readonly number[];
  readonly errorExponents: readonly number[];
  readonly options: FiniteDifferenceMethod['options'];
  private readonly st: Stencil;
  private readonly bound: Method | undefined;

  constructor(kind: FdmKind, p: number, q: number, opts: FdmOptions) {
    if (!Number.isInteger(p) || !Number.isInteger(q) || q < 0 || p < 2 || q >= p) {
      throw new AdError(`${kind}Fdm: need integers 0 ≤ derivOrder < points and points ≥ 2, got points = ${p}, derivOrder = ${q}`, 'AD_OPTION');
    }
    this.options = {
      adapt: opts.adapt ?? 1,
      condition: opts.condition ?? 10,
      factor: opts.factor ?? 1,
      maxRange: opts.maxRange ?? Infinity,
      noise: opts.noise ?? 'estimate',
      check: opts.check ?? true,
      step: opts.step,
      richardson: opts.richardson,
    };
    this.kind = kind;
    this.points = p;
    this.derivOrder = q;
    this.st = stencil(kind, p, q);
    this.grid = this.st.grid;
    this.coefs = this.st.coefs;
    this.errorExponents = this.st.errorExponents;
    this.bound =
      this.options.adapt >= 1
        ? new Method(kind, p + 2, p, { ...this.options, adapt: this.options.adapt - 1, step: undefined, richardson: undefined, check: false })
        : undefined;
  }

  /**
   * The heuristic step: |f^{(p)}|/|f| assumed to be `condition`, relative round-off at the measured relative noise
   * level (ε when none was measured), so a noisy function's bound estimator does not difference noise on a tiny step.
   */
  private defaultStep(noiseLevel = 0): StepChoice & { c1: number; c2: number } {
    const { p, q, roundMult, truncMult } = this.st;
    const c1 = Math.max(EPS, noiseLevel) * roundMult * this.options.factor;
    const c2 = this.options.condition * truncMult;
    const step = ((q / (p - q)) * (c1 / c2)) ** (1 / p);
    return { step, errors: new Float64Array(0), c1, c2 };
  }

  private limit(step: number): number {
    const maxGrid = Math.max(...this.st.grid.map(Math.abs));
    let h = Math.min(step, this.options.maxRange / maxGrid);
    // Slowly varying or high-order cases can ask for huge steps: cap at 1000× the heuristic step.
    h = Math.min(h, 1000 * this.defaultStep().step);
    return h;
  }

  /** Chooses the step for g at t0 and the componentwise error model at it. */
  chooseStep(g: VecFn, t0: number, n: number, noise: Noise | undefined): StepChoice {
    const { p, q, roundMult, truncMult } = this.st;
    if (this.bound === undefined) {
      const d = this.defaultStep(noise?.rel ?? 0);
      const h = this.options.step ?? this.limit(d.step);
      const errors = new Float64Array(n).fill(d.c1 * h ** -q + d.c2 * h ** (p - q));
      return { step: h, errors };
    }
    const b = this.bound;
    const hb = b.chooseStep(g, t0, n, noise).step;
    const fs = evalGrid(b.st, g, t0, hb, true, n);
    const dmag = new Float64Array(n);
    const noiseOf = new Float64Array(n);
    let c1 = 0;
    let c2 = 0;
    for (let i = 0; i < n; i++) {
      let fmag = 0;
      for (const f of fs) fmag = Math.max(fmag, Math.abs(f[i]!));
      let dm = 0;
      for (const w of b.st.neighbourhood) {
        let s = 0;
        for (let j = 0; j < w.length; j++) s += w[j]! * fs[j]![i]!;
        dm = Math.max(dm, Math.abs(s / hb ** b.st.q));
      }
      dmag[i] = dm;
      const fixed = typeof this.options.noise === 'number' ? this.options.noise : undefined;
      noiseOf[i] = fixed ?? Math.max(ulp(fmag), noise?.abs[i] ?? 0);
      c1 = Math.max(c1, noiseOf[i]! * roundMult * this.options.factor);
      c2 = Math.max(c2, dm * truncMult);
    }
    let h: number;
    if (this.options.step !== undefined) h = this.options.step;
    else if (!(c1 > 0) || !(c2 > 0) || !Number.isFinite(c1) || !Number.isFinite(c2)) h = this.limit(this.defaultStep().step);
    else h = this.limit(((q / (p - q)) * (c1 / c2)) ** (1 / p));
    const errors = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      errors[i] = noiseOf[i]! * roundMult * this.options.factor * h ** -q + dmag[i]! * truncMult * h ** (p - q);
    }
    return { step: h, errors };
  }

  estimateVector(g0: (t: number) => Float64Array | readonly number[], t0: number): FdVectorEstimate {
    let evaluations = 0;
    let n = -1;
    const g: VecFn = (t) => {
      evaluations++;
      const r = g0(t);
      const v = r instanceof Float64Array ? r : Float64Array.from(r);
      if (n < 0) n = v.length;
      else if (v.length !== n) throw new ShapeError(`finite differences: the function returned ${v.length} values at t = ${t}, but ${n} before`);
      return v;
    };
    const y0 = g(t0);
    if (this.st.q === 0) return { value: y0, error: 0, errors: new Float64Array(n), step: 0, evaluations };
    const noise =
      this.options.noise === 'estimate' && this.options.adapt >= 1 ? measureNoise(this.kind, g, t0, n) : undefined;
    if (this.options.richardson) {
      const r = this.richardson(g, t0, n, typeof this.options.richardson === 'object' ? this.options.richardson : {});
      return { ...r, evaluations };
    }
    const chosen = this.chooseStep(g, t0, n, noise);
    const errors = chosen.errors;
    // Round the step to a multiple of ulp(t0) so every grid point t0 + g·h is exactly representable.
    const step = t0 === 0 ? chosen.step : t0 + chosen.step - t0 || chosen.step;
    const fs = evalGrid(this.st, g, t0, step, false, n);
    const value = applyStencil(this.st.coefs, this.st.grid, fs, n, step, this.st.q);
    // A posteriori check of the error model: the same stencil at h/2. With truncation C·h^e, D(h) − D(h/2) ≈
    // C·h^e·(1 − 2^−e), so |D(h) − D(h/2)|/(1 − 2^−e) estimates the error of D(h) (round-off of both included). Where
    // the (p+2)-point bound estimator misjudged |f^{(p)}| (a step near a singularity of f's continuation, say), this
    // keeps the reported error honest.
    if (this.options.check) {
      const half = t0 === 0 ? step / 2 : t0 + step / 2 - t0 || step / 2;
      const v2 = applyStencil(this.st.coefs, this.st.grid, evalGrid(this.st, g, t0, half, false, n), n, half, this.st.q);
      const e = this.st.errorExponents[0] ?? this.st.p - this.st.q;
      const k = 1 / (1 - 2 ** -e);
      for (let i = 0; i < n; i++) errors[i] = Math.max(errors[i]!, k * Math.abs(value[i]! - v2[i]!));
    }
    let error = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(value[i]!)) errors[i] = Infinity;
      error = Math.max(error, errors[i]!);
    }
    return { value, error, errors, step, evaluations };
  }

  /**
   * Richardson extrapolation: D(h₀), D(h₀c), D(h₀c²), … combined in a Neville tableau that cancels the stencil's
   * truncation exponents one by one; stops when the tableau's error estimate (the difference of successive diagonal
   * entries) stops improving, which is where round-off takes over.
   */
  private richardson(g: VecFn, t0: number, n: number, o: RichardsonOptions): Omit<FdVectorEstimate, 'evaluations'> {
    const c = o.contract ?? 0.125;
    const h0 = o.initialStep ?? 0.1 * Math.max(1, Math.abs(t0));
    const maxRows = o.maxRows ?? 8;
    const exps = this.st.errorExponents;
    let prev: Float64Array[] = [];
    let best: Omit<FdVectorEstimate, 'evaluations'> | undefined;
    let worse = 0;
    for (let i = 0; i < maxRows; i++) {
      const h = h0 * c ** i;
      const row: Float64Array[] = [applyStencil(this.st.coefs, this.st.grid, evalGrid(this.st, g, t0, h, false, n), n, h, this.st.q)];
      for (let k = 1; k <= i; k++) {
        const r = (1 / c) ** exps[k - 1]! - 1;
        const a = row[k - 1]!;
        const b = prev[k - 1]!;
        row.push(a.map((v, idx) => v + (v - b[idx]!) / r));
      }
      if (i >= 1) {
        const cur = row[i]!;
        const last = prev[i - 1]!;
        const errors = cur.map((v, idx) => Math.abs(v - last[idx]!));
        const error = Math.max(...errors);
        if (best === undefined || error < best.error) {
          best = { value: cur, errors, error, step: h };
          worse = 0;
        } else if (++worse >= 2) break;
      }
      prev = row;
    }
    return best!;
  }

  estimate(f: (x: number) => number, x: number): FdEstimate {
    const r = this.estimateVector((t) => Float64Array.of(f(t)), x);
    return { value: r.value[0]!, error: r.errors[0]!, step: r.step, evaluations: r.evaluations };
  }

  withStep(f: (x: number) => number, x: number, step: number): number {
    let s = 0;
    for (let j = 0; j < this.st.grid.length; j++) if (this.st.coefs[j] !== 0) s += this.st.coefs[j]! * f(x + this.st.grid[j]! * step);
    return s / step ** this.st.q;
  }
}

/**
 * A central finite-difference method on `points` grid points for the derivative of order `derivOrder`, with adaptive
 * step selection and an error estimate — FiniteDifferences.jl's `central_fdm(p, q)`.
 *
 * **Method**: weights solve the Vandermonde system Σ_j c_j g_j^i = q!·δ_{iq} exactly (rational arithmetic), on the
 * grid −(p−1)/2 … (p−1)/2 (odd p) or ±1 … ±p/2 (even p). The step minimises the error bound
 * δ·Σ|c_j| / h^q + M·Σ|c_j g_j^p|/p! · h^{p−q}, with M = max |f^{(p)}| near x estimated by a (p+2)-point method of
 * order p (its step chosen the same way, `adapt` levels deep) and δ the noise of f measured by ECnoise (never below one
 * ulp of max |f| on the stencil). The reported error is the larger of that model at the chosen h and the a posteriori
 * estimate |D(h) − D(h/2)|/(1 − 2^{−e}) from a second stencil at h/2 (e the leading truncation exponent). With
 * `{ richardson: true }` the estimate is extrapolated over steps h₀·c^k instead.
 *
 * **Numerical notes**: ≈ 1e-12 relative error on smooth double-precision functions with the default `centralFdm(5, 1)`;
 * every estimate carries its error estimate, which is an estimate, not a rigorous bound (the harness multiplies it by
 * a safety factor). Functions defined only on part of the line need `maxRange`. Costs 2p + (p + 2) + 8 evaluations
 * (24 for the default; fewer when a weight is exactly zero; `check: false` saves p − 1).
 *
 * **References**: FiniteDifferences.jl (JuliaDiff), `central_fdm` and `estimate_step`; B. Fornberg, "Generation of
 * finite difference formulas on arbitrarily spaced grids", Math. Comp. 51 (1988) 699–706; J. J. Moré & S. M. Wild,
 * "Estimating computational noise", SIAM J. Sci. Comput. 33 (2011) 1292–1314; L. F. Richardson (1911).
 *
 * @example
 * ```ts
 * const m = centralFdm(5, 1);
 * const { value, error } = m.estimate(Math.sin, 1);   // value ≈ cos(1), error ≈ 1e-13
 * ```
 */
export function centralFdm(points: number, derivOrder: number, opts: FdmOptions = {}): FiniteDifferenceMethod {
  return new Method('central', points, derivOrder, opts);
}

/**
 * A forward (one-sided, grid 0 … p−1) finite-difference method: evaluates f only at x + t with t ≥ 0. Used for
 * one-sided derivatives at non-differentiable points (an exactly repeated eigenvalue moves as a sorted set).
 *
 * **Method**: as {@link centralFdm}, on the grid 0 … p−1; truncation error h^{p−q}.
 *
 * **Numerical notes**: less accurate than a central method of the same size (no cancellation of odd error terms);
 * ≈ 1e-10 relative on smooth functions with the default 5 points.
 *
 * **References**: FiniteDifferences.jl `forward_fdm`; Fornberg (1988).
 *
 * @example
 * ```ts
 * forwardFdm(5, 1).estimate(Math.abs, 0).value;   // 1 (the right derivative)
 * ```
 */
export function forwardFdm(points: number, derivOrder: number, opts: FdmOptions = {}): FiniteDifferenceMethod {
  return new Method('forward', points, derivOrder, opts);
}

/**
 * A backward (one-sided, grid −(p−1) … 0) finite-difference method.
 *
 * **Method**: as {@link forwardFdm}, mirrored.
 *
 * **Numerical notes**: see {@link forwardFdm}.
 *
 * **References**: FiniteDifferences.jl `backward_fdm`.
 *
 * @example
 * ```ts
 * backwardFdm(5, 1).estimate(Math.abs, 0).value;   // −1 (the left derivative)
 * ```
 */
export function backwardFdm(points: number, derivOrder: number, opts: FdmOptions = {}): FiniteDifferenceMethod {
  return new Method('backward', points, derivOrder, opts);
}
