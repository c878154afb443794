/**
 * Levels, tracers and the tape: the machinery under every transformation.
 *
 * Every transformation (jvp, vjp, grad, …) opens a *level* on one stack. A traced value ({@link Tracer}) belongs to
 * one level and wraps a primal value one level down. An op called with traced arguments runs the rule of the innermost
 * (deepest active) level among its arguments on the values one level down: the frule for a forward level, the rrule
 * recorded on the level's tape for a reverse level. Because those values may themselves be traced by outer levels,
 * rules run traced too, which is what makes nested derivatives and forward-over-reverse Hessian products work — and
 * because each level is its own object, nested transformations never confuse their perturbations
 * (Siskind & Pearlmutter 2005, "Perturbation confusion and referential transparency"; JAX's trace levels).
 *
 * The level stack and the anomaly flag are the only global state of @ad.
 * @module
 */
import { Tensor } from './tensor.js';
import type { Tangent } from './tangents.js';

/** One transformation in flight. */
export class Level {
  readonly depth: number;
  readonly kind: 'forward' | 'reverse';
  active = true;
  /** Reverse levels: the recorded rule applications, in execution order. */
  tape: TapeEntry[] = [];
  private nextId = 0;
  constructor(depth: number, kind: 'forward' | 'reverse') {
    this.depth = depth;
    this.kind = kind;
  }
  /** A fresh identifier for a value recorded on this level. */
  newId(): number {
    return this.nextId++;
  }
}

/** A recorded rule application on a reverse level. */
export interface TapeEntry {
  readonly name: string;
  /**
   * The arguments as the rule was called with them: a ReverseTracer of this level marks an argument being
   * differentiated (its `id` receives the cotangent, its `primal` is the value projected onto). Kept instead of
   * separate id and value arrays because long tapes are dominated by what each entry keeps alive.
   */
  readonly args: readonly unknown[];
  /** Declared structure of each argument. */
  readonly structure: readonly string[] | undefined;
  /** The output as returned to the caller (tracers of this level at its tensor leaves). */
  readonly output: unknown;
  readonly pullback: (cotangent: never) => readonly Tangent[];
}

/** A value traced by a level: a Tensor that shares its primal's storage and shape. */
export class Tracer extends Tensor {
  readonly level: Level;
  readonly primal: Tensor;
  constructor(level: Level, primal: Tensor) {
    super(primal.shape, primal.dtype, primal.data, primal.im, true);
    this.level = level;
    this.primal = primal;
  }
}

/** A value traced by a forward (jvp) level, with its tangent. */
export class ForwardTracer extends Tracer {
  readonly tangent: Tensor;
  constructor(level: Level, primal: Tensor, tangent: Tensor) {
    super(level, primal);
    this.tangent = tangent;
  }
}

/** A value traced by a reverse (vjp/grad) level, identified on the level's tape. */
export class ReverseTracer extends Tracer {
  readonly id: number;
  constructor(level: Level, primal: Tensor, id: number) {
    super(level, primal);
    this.id = id;
  }
}

const levels: Level[] = [];
let anomalyMode = 0;

/** Opens a new innermost level. Always pair with {@link popLevel} in a `finally`. */
export function pushLevel(kind: 'forward' | 'reverse'): Level {
  const level = new Level(levels.length, kind);
  levels.push(level);
  return level;
}

/** Closes `level`, which must be the innermost one. Its tracers become plain values to everyone after. */
export function popLevel(level: Level): void {
  const top = levels.pop();
  if (top !== level) throw new Error('@ad/core internal error: transformation levels closed out of order');
  level.active = false;
}

/** Strips tracers of closed levels (values that leaked out of a finished transformation). */
export function live(x: Tensor): Tensor {
  let cur = x;
  while (cur instanceof Tracer && !cur.level.active) cur = cur.primal;
  return cur;
}

/** Whether {@link detectAnomaly} is active. */
export function anomalyModeOn(): boolean {
  return anomalyMode > 0;
}

const pullbackContext: string[] = [];

/** The rule whose pullback is running (in anomaly mode), if any: anomalies inside it are blamed on it. */
export function currentPullback(): string | undefined {
  return pullbackContext[pullbackContext.length - 1];
}

/** Runs a pullback of rule `name`, remembering it for anomaly reports. */
export function inPullback<T>(name: string, fn: () => T): T {
  if (anomalyMode === 0) return fn();
  pullbackContext.push(name);
  try {
    return fn();
  } finally {
    pullbackContext.pop();
  }
}

/** Runs `fn` with anomaly detection on (see `detectAnomaly` in transforms). */
export function withAnomalyMode<T>(fn: () => T): T {
  anomalyMode++;
  try {
    return fn();
  } finally {
    anomalyMode--;
  }
}
