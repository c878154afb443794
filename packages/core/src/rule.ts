/**
 * The rule interface: {@link defineRule} turns a primal function with its forward rule (pushforward) and reverse rule
 * (pullback) into a differentiable function that carries its rules with it. Nothing is registered anywhere: an unused
 * rule is tree-shaken away, and a package lists its rules in a plain `rules` export.
 * @module
 */
import { AnomalyError, RuleError, ShapeError } from './errors.js';
import { Tensor, asTensor, isTensorLike, sameShape, zeros, type TensorLike } from './tensor.js';
import { NoTangent, ZeroTangent, Thunk, isZeroTangent, type NoTangentType, type Tangent, type ZeroTangentType } from './tangents.js';
import { ForwardTracer, Level, ReverseTracer, Tracer, anomalyModeOn, currentPullback, inPullback, live } from './trace.js';
import { projectCotangent } from './project.js';
import { addTangents } from './accumulate.js';

/** How an argument is constrained: the core projects cotangents onto it and the harness perturbs inside it. */
export type ArgStructure = 'general' | 'symmetric' | 'hermitian' | 'spd' | 'diagonal' | 'real' | 'nondiff';

/** The cotangent a pullback receives for an output of type `Y`: ZeroTangent marks unused parts of a structure. */
export type Cotangent<Y> = Y extends Tensor
  ? Tensor
  : Y extends number | string | boolean | undefined | null
    ? NoTangentType
    : Y extends readonly unknown[]
      ? { [K in keyof Y]: Cotangent<Y[K]> | ZeroTangentType }
      : { [K in keyof Y]: Cotangent<Y[K]> | ZeroTangentType };

/** The tangents an frule receives: one per argument (Tensors for tensor arguments, NoTangent for nondiff ones). */
export type Tangents<A extends readonly unknown[]> = { [K in keyof A]: A[K] extends Tensor ? Tensor : Tangent };

/** A pullback: maps an output cotangent to exactly one cotangent per argument (no entry for the function itself). */
export type Pullback<Y> = (cotangent: Cotangent<Y>) => readonly Tangent[];

/** Everything that defines a rule. */
export interface RuleSpec<A extends readonly unknown[], Y> {
  /** A unique, package-qualified name, e.g. `'@ad/rules-eigen/eigvalsh'`. Shown in errors and reports. */
  readonly name: string;
  /** The plain computation (no tracers ever reach it). */
  readonly primal: (...args: A) => Y;
  /** Forward rule: `(primals, tangents) → [y, ẏ]`. Compute `y` by calling the differentiable function itself. */
  readonly frule: (primals: A, tangents: Tangents<A>) => readonly [Y, Tangent];
  /** Reverse rule: `(...args) → [y, pullback]`. Compute with core ops so the rule itself is differentiable. */
  readonly rrule: (...args: A) => readonly [Y, Pullback<Y>];
  /** Structure of each argument (default `'general'` for tensors, `'nondiff'` for everything else). */
  readonly structure?: readonly ArgStructure[];
  /** Sample argument lists for the conformance suite. */
  readonly samples?: readonly A[] | (() => readonly A[]);
  /** `'structural'`: unperturbed tensor arguments get `ZeroTangent` in the frule instead of zero-filled tensors. */
  readonly zeroTangents?: 'zeros' | 'structural';
}

/** Loosens Tensor parameters to anything tensor-like, for the user-facing signature. */
export type Loosen<A extends readonly unknown[]> = { [K in keyof A]: A[K] extends Tensor ? TensorLike : A[K] };

/** A differentiable function: call it like the primal; it carries its rule as `.rule`. */
export interface DifferentiableFunction<A extends readonly unknown[], Y> {
  (...args: Loosen<A>): Y;
  readonly rule: RuleSpec<A, Y>;
  readonly ruleName: string;
}

/** Any differentiable function, for lists such as a package's `rules`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = DifferentiableFunction<any, any>;

/**
 * Defines a differentiable function from its primal, forward rule and reverse rule.
 *
 * **Method**: with no transformation active, a call runs `primal` directly. Under a transformation, the innermost
 * level among the arguments runs `frule` (forward levels) or `rrule` (reverse levels, recording the pullback on its
 * tape) on the arguments one level down. Cotangents returned by the pullback are projected onto each argument's
 * declared `structure` and dtype (like ChainRulesCore's `ProjectTo`), and checked for shape.
 *
 * @example
 * ```ts
 * const cube = defineRule({
 *   name: 'my/cube',
 *   primal: (x: Tensor) => mul(x, mul(x, x)),
 *   frule: ([x], [dx]) => [cube(x), mul(scale(square(x), 3), dx)],
 *   rrule: (x: Tensor) => [cube(x), (dy) => [mul(dy, scale(square(x), 3))]],
 * });
 * grad((x) => sum(cube(x)))(tensor([1, 2]));   // [3, 12]
 * ```
 */
export function defineRule<A extends readonly unknown[], Y>(spec: RuleSpec<A, Y>): DifferentiableFunction<A, Y> {
  const fn = function (...rawArgs: unknown[]): Y {
    return callRule(spec, rawArgs);
  } as unknown as DifferentiableFunction<A, Y>;
  Object.defineProperty(fn, 'rule', { value: spec, enumerable: true });
  Object.defineProperty(fn, 'ruleName', { value: spec.name, enumerable: true });
  Object.defineProperty(fn, 'name', { value: spec.name.split('/').pop() ?? spec.name });
  return fn;
}

function argStructure(spec: RuleSpec<readonly unknown[], unknown>, i: number, arg: unknown): ArgStructure {
  const s = spec.structure?.[i];
  if (s !== undefined) return s;
  return arg instanceof Tensor ? 'general' : 'nondiff';
}

function normalizeArgs(spec: RuleSpec<readonly unknown[], unknown>, rawArgs: readonly unknown[]): unknown[] {
  // Omitted optional arguments are passed as undefined, so a pullback always returns one cotangent per declared one.
  const n = Math.max(rawArgs.length, spec.structure?.length ?? 0);
  const args = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const a = rawArgs[i];
    const declared = spec.structure?.[i];
    if (a instanceof Tensor) args[i] = live(a);
    else if (declared !== undefined && declared !== 'nondiff' && isTensorLike(a)) args[i] = asTensor(a, `${spec.name}: argument ${i}`);
    else args[i] = a;
  }
  return args;
}

function innermostLevel(args: readonly unknown[]): Level | undefined {
  let top: Level | undefined;
  for (const a of args) {
    if (a instanceof Tracer && (top === undefined || a.level.depth > top.depth)) top = a.level;
  }
  return top;
}

function callRule<A extends readonly unknown[], Y>(spec: RuleSpec<A, Y>, rawArgs: readonly unknown[]): Y {
  const args = normalizeArgs(spec as never, rawArgs);
  const level = innermostLevel(args);
  if (level === undefined) {
    const y = spec.primal(...(args as unknown as A));
    if (anomalyModeOn()) checkAnomaly(spec.name, 'forward', args, y);
    return y;
  }
  const primals = args.map((a) => (a instanceof Tracer && a.level === level ? a.primal : a));
  if (level.kind === 'forward') {
    const tangents = args.map((a, i) => {
      if (a instanceof ForwardTracer && a.level === level) return a.tangent;
      if (argStructure(spec as never, i, a) === 'nondiff' || !(a instanceof Tensor)) return NoTangent;
      return spec.zeroTangents === 'structural' ? ZeroTangent : zeros(a.shape, a.dtype);
    });
    const [y, dy] = spec.frule(primals as unknown as A, tangents as unknown as Tangents<A>);
    if (anomalyModeOn()) {
      checkAnomaly(spec.name, 'forward', primals, y);
      checkAnomaly(spec.name, 'pushforward', tangents, dy);
    }
    return wrapForward(level, spec.name, y, dy) as Y;
  }
  const inputIds = args.map((a) => (a instanceof ReverseTracer && a.level === level ? a.id : -1));
  const [y, pullback] = spec.rrule(...(primals as unknown as A));
  if (anomalyModeOn()) checkAnomaly(spec.name, 'forward', primals, y);
  const output = wrapReverse(level, y);
  level.tape.push({
    name: spec.name,
    inputIds,
    inputs: primals,
    structure: spec.structure,
    output,
    pullback: pullback as (c: never) => readonly Tangent[],
  });
  return output as Y;
}

function wrapForward(level: Level, name: string, y: unknown, dy: unknown): unknown {
  if (y instanceof Tensor) {
    let t: Tangent = dy instanceof Thunk ? dy.force() : (dy as Tangent);
    if (isZeroTangent(t)) t = zeros(y.shape, y.dtype);
    if (!(t instanceof Tensor)) throw new RuleError(`${name}: frule returned a ${describeTangent(t)} tangent for a Tensor output`, name);
    if (!sameShape(t.shape, y.shape)) {
      throw new RuleError(`${name}: frule returned a tangent of shape [${t.shape.join(', ')}] for an output of shape [${y.shape.join(', ')}]`, name);
    }
    return new ForwardTracer(level, y, t);
  }
  if (Array.isArray(y)) {
    const d = Array.isArray(dy) ? dy : [];
    return y.map((v, i) => wrapForward(level, name, v, isZeroTangent(dy) ? ZeroTangent : d[i]));
  }
  if (typeof y === 'object' && y !== null) {
    const d = (typeof dy === 'object' && dy !== null ? dy : {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(y)) out[k] = wrapForward(level, name, (y as Record<string, unknown>)[k], isZeroTangent(dy) ? ZeroTangent : d[k]);
    return out;
  }
  return y;
}

function wrapReverse(level: Level, y: unknown): unknown {
  if (y instanceof Tensor) return new ReverseTracer(level, y, level.newId());
  if (Array.isArray(y)) return y.map((v) => wrapReverse(level, v));
  if (typeof y === 'object' && y !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(y)) out[k] = wrapReverse(level, (y as Record<string, unknown>)[k]);
    return out;
  }
  return y;
}

function describeTangent(t: unknown): string {
  if (t instanceof Tensor) return `Tensor [${t.shape.join(', ')}]`;
  if (t === null || t === undefined) return String(t);
  if (typeof t === 'object') return (t as object).constructor?.name ?? 'object';
  return typeof t;
}

/** Builds the cotangent structure a tape entry's pullback receives from the accumulated cotangents. */
function outputCotangent(output: unknown, cot: Map<number, Tangent>): { value: unknown; any: boolean } {
  if (output instanceof ReverseTracer) {
    const c = cot.get(output.id);
    return c === undefined ? { value: ZeroTangent, any: false } : { value: c, any: true };
  }
  if (Array.isArray(output)) {
    let any = false;
    const value = output.map((o) => {
      const r = outputCotangent(o, cot);
      any ||= r.any;
      return r.value;
    });
    return { value, any };
  }
  if (typeof output === 'object' && output !== null && !(output instanceof Tensor)) {
    let any = false;
    const value: Record<string, unknown> = {};
    for (const k of Object.keys(output)) {
      const r = outputCotangent((output as Record<string, unknown>)[k], cot);
      any ||= r.any;
      value[k] = r.value;
    }
    return { value, any };
  }
  return { value: NoTangent, any: false };
}

function forgetOutputs(output: unknown, cot: Map<number, Tangent>): void {
  if (output instanceof ReverseTracer) cot.delete(output.id);
  else if (Array.isArray(output)) output.forEach((o) => forgetOutputs(o, cot));
  else if (typeof output === 'object' && output !== null && !(output instanceof Tensor)) {
    for (const v of Object.values(output)) forgetOutputs(v, cot);
  }
}

/**
 * Runs the reverse sweep of `level`'s tape from the seed cotangents in `cot` (keyed by tape id), accumulating
 * cotangents of every recorded value. Pullbacks run after the level is closed, so the core ops they use are traced by
 * the outer levels only (this is what makes reverse-over-anything work).
 */
export function backward(level: Level, cot: Map<number, Tangent>): void {
  const tape = level.tape;
  for (let e = tape.length - 1; e >= 0; e--) {
    const entry = tape[e]!;
    const { value: ybar, any } = outputCotangent(entry.output, cot);
    if (!any) continue;
    const cts = inPullback(entry.name, () => entry.pullback(ybar as never));
    if (!Array.isArray(cts) || cts.length !== entry.inputIds.length) {
      throw new RuleError(
        `${entry.name}: pullback returned ${Array.isArray(cts) ? cts.length : typeof cts} cotangents, expected exactly ${entry.inputIds.length} (one per argument, none for the function itself)`,
        entry.name,
      );
    }
    for (let i = 0; i < cts.length; i++) {
      const id = entry.inputIds[i]!;
      if (id < 0) continue;
      let ct = cts[i] as Tangent;
      if (ct instanceof Thunk) ct = ct.force();
      if (isZeroTangent(ct)) continue;
      const input = entry.inputs[i];
      if (!(ct instanceof Tensor)) {
        throw new RuleError(`${entry.name}: pullback returned a ${describeTangent(ct)} cotangent for tensor argument ${i}`, entry.name);
      }
      if (!(input instanceof Tensor)) continue;
      if (!sameShape(ct.shape, input.shape)) {
        throw new ShapeError(
          `${entry.name}: pullback returned a cotangent of shape [${ct.shape.join(', ')}] for argument ${i} of shape [${input.shape.join(', ')}]`,
        );
      }
      ct = projectCotangent(ct, input, (entry.structure?.[i] ?? 'general') as ArgStructure);
      if (anomalyModeOn()) checkAnomaly(entry.name, 'pullback', [ybar], ct);
      const prev = cot.get(id);
      cot.set(id, prev === undefined ? ct : addTangents(prev, ct));
    }
    forgetOutputs(entry.output, cot);
  }
}

function allFinite(x: unknown): boolean {
  if (x instanceof Tensor) {
    const d = x.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
    if (x.im) for (let i = 0; i < x.im.length; i++) if (!Number.isFinite(x.im[i]!)) return false;
    return true;
  }
  if (x instanceof Thunk) return true;
  if (Array.isArray(x)) return x.every(allFinite);
  if (typeof x === 'object' && x !== null) return Object.values(x).every(allFinite);
  if (typeof x === 'number') return Number.isFinite(x);
  return true;
}

function checkAnomaly(name: string, phase: 'forward' | 'pullback' | 'pushforward', inputs: unknown, output: unknown): void {
  if (allFinite(inputs) && !allFinite(output)) {
    // An op that fails while some rule's pullback runs is part of that pullback: blame the rule.
    const outer = phase === 'forward' ? currentPullback() : undefined;
    const culprit = outer ?? name;
    const culpritPhase = outer ? 'pullback' : phase;
    const what = culpritPhase === 'forward' ? 'output' : culpritPhase === 'pullback' ? 'cotangent' : 'tangent';
    throw new AnomalyError(
      `detectAnomaly: ${culprit} turned finite inputs into a non-finite ${what} (in its ${culpritPhase === 'forward' ? 'primal' : culpritPhase}` +
        `${outer ? `, at its call of ${name}` : ''}); check the rule and its inputs (a degenerate spectrum? a division by zero?)`,
      culprit,
      culpritPhase,
    );
  }
}
