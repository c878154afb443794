/**
 * The error hierarchy of @ad. Every error a user can cause is a named subclass of {@link AdError} with a stable
 * `code` and a message that says what was wrong, with which value and shape, and what to do.
 *
 * @example
 * ```ts
 * try { eigh([[1, 2], [3, 4]]); } catch (e) { if (e instanceof NotSymmetricError) console.log(e.code); }
 * ```
 * @module
 */

/** Base class of every error `@ad` raises on purpose. `code` is stable across versions; match on it or on the class. */
export class AdError extends Error {
  /** A stable machine-readable code, e.g. `'AD_SHAPE'`. */
  readonly code: string;
  constructor(message: string, code = 'AD_ERROR') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument has the wrong shape (or rank, or the shapes of two arguments do not fit together). */
export class ShapeError extends AdError {
  constructor(message: string) {
    super(message, 'AD_SHAPE');
  }
}

/** An argument has a dtype the operation does not accept (e.g. complex input to a real-only op). */
export class DTypeError extends AdError {
  constructor(message: string) {
    super(message, 'AD_DTYPE');
  }
}

/** A symmetric (Hermitian) rule was given a matrix that is not symmetric (Hermitian) within tolerance. */
export class NotSymmetricError extends AdError {
  /** max |A − Aᴴ| over the matrix. */
  readonly asymmetry: number;
  /** Index [i, j] (within the matrix) where the asymmetry is largest. */
  readonly index: readonly number[];
  constructor(message: string, asymmetry: number, index: readonly number[]) {
    super(message, 'AD_NOT_SYMMETRIC');
    this.asymmetry = asymmetry;
    this.index = index;
  }
}

/** A rule that calls a kernel was given NaN or ±Inf. */
export class NonFiniteInputError extends AdError {
  /** Flat index of the first non-finite entry. */
  readonly index: number;
  /** The offending value. */
  readonly value: number;
  constructor(message: string, index: number, value: number) {
    super(message, 'AD_NON_FINITE');
    this.index = index;
    this.value = value;
  }
}

/** Eigenvalues (singular values) are degenerate and the chosen policy refuses to differentiate through them. */
export class DegenerateEigenvaluesError extends AdError {
  /** Indices [start, end) of the cluster. */
  readonly cluster: readonly [number, number];
  /** The eigenvalues in the cluster. */
  readonly values: readonly number[];
  /** The smallest gap inside the cluster, or the condition number of V for general eig. */
  readonly gap: number;
  constructor(message: string, cluster: readonly [number, number], values: readonly number[], gap: number) {
    super(message, 'AD_DEGENERATE');
    this.cluster = cluster;
    this.values = values;
    this.gap = gap;
  }
}

/** The cotangent shows that the loss depends on an arbitrary choice (a phase, or a basis inside a cluster). */
export class GaugeDependenceError extends AdError {
  /** Indices [start, end) of the offending cluster (a single column for a phase dependence). */
  readonly cluster: readonly [number, number];
  /** The eigenvalues of the cluster. */
  readonly values: readonly number[];
  /** Size of the offending (skew or imaginary) part, relative to the cotangent's norm. */
  readonly size: number;
  constructor(message: string, cluster: readonly [number, number], values: readonly number[], size: number) {
    super(message, 'AD_GAUGE');
    this.cluster = cluster;
    this.values = values;
    this.size = size;
  }
}

/** An iterative method did not reach its tolerance within its iteration bound. */
export class ConvergenceError extends AdError {
  readonly iterations: number;
  readonly residual: number;
  readonly tolerance: number;
  constructor(message: string, iterations: number, residual: number, tolerance: number) {
    super(message, 'AD_CONVERGENCE');
    this.iterations = iterations;
    this.residual = residual;
    this.tolerance = tolerance;
  }
}

/** A value lies outside a function's domain (log of a non-positive eigenvalue, inverse of a singular matrix). */
export class DomainError extends AdError {
  readonly value: number;
  readonly index: number;
  constructor(message: string, value: number, index: number) {
    super(message, 'AD_DOMAIN');
    this.value = value;
    this.index = index;
  }
}

/** A matrix required to be positive definite is not; `minor` is the order of the first failing leading minor. */
export class NotPositiveDefiniteError extends AdError {
  readonly minor: number;
  constructor(message: string, minor: number) {
    super(message, 'AD_NOT_POSITIVE_DEFINITE');
    this.minor = minor;
  }
}

/** A rule returned something that breaks the rule contract (wrong number or shape of cotangents, a missing rule). */
export class RuleError extends AdError {
  readonly rule: string;
  constructor(message: string, rule: string) {
    super(message, 'AD_RULE');
    this.rule = rule;
  }
}

/** Raised inside {@link detectAnomaly} by the first rule whose output or cotangent turned non-finite. */
export class AnomalyError extends AdError {
  readonly rule: string;
  readonly phase: 'forward' | 'pullback' | 'pushforward';
  constructor(message: string, rule: string, phase: 'forward' | 'pullback' | 'pushforward') {
    super(message, 'AD_ANOMALY');
    this.rule = rule;
    this.phase = phase;
  }
}
