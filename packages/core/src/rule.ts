/**
 * The rule interface: {@link defineRule} turns a primal function with its forward rule (pushforward) and reverse rule
 * (pullback) into a differentiable function that carries its rules with it. Nothing is registered anywhere: an unused
 * rule is tree-shaken away, and a package lists its rules in a plain `rules` export.
 * @module
 */
import { RuleError } from './errors.js';
import { Tensor, asTensor, isTensorLike, sameShape, zeros, type TensorLike } from './tensor.js';
import { NoTangent, ZeroTangent, Thunk, isZeroTangent, type NoTangentType, type Tangent, type ZeroTangentType } from './tangents.js';
import { checkAnomaly } from './anomaly.js';
import { ForwardTracer, Level, ReverseTracer, Tracer, anomalyModeOn, live } from './trace.js';

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
      if (!(a instanceof Tensor) || spec.structure?.[i] === 'nondiff') return NoTangent;
      return spec.zeroTangents === 'structural' ? ZeroTangent : zeros(a.shape, a.dtype);
    });
    const [y, dy] = spec.frule(primals as unknown as A, tangents as unknown as Tangents<A>);
    if (anomalyModeOn()) {
      checkAnomaly(spec.name, 'forward', primals, y);
      checkAnomaly(spec.name, 'pushforward', tangents, dy);
    }
    return wrapForward(level, spec.name, y, dy) as Y;
  }
  const [y, pullback] = spec.rrule(...(primals as unknown as A));
  if (anomalyModeOn()) checkAnomaly(spec.name, 'forward', primals, y);
  const output = wrapReverse(level, y);
  level.tape.push({
    name: spec.name,
    args,
    structure: spec.structure,
    output,
    pullback: pullback as (c: never) => readonly Tangent[],
  });
  return output as Y;
}

function wrapForward(level: Level, name: string, y: unknown, dyIn: unknown): unknown {
  // A thunk is forced before the structure is read, so a lazy tangent of a structured output works like a plain one.
  const dy = dyIn instanceof Thunk ? dyIn.force() : dyIn;
  if (y instanceof Tensor) {
    let t = dy as Tangent;
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

/** A short description of a tangent's kind, for error messages. */
export function describeTangent(t: unknown): string {
  if (t instanceof Tensor) return `Tensor [${t.shape.join(', ')}]`;
  if (t === null || t === undefined) return String(t);
  if (typeof t === 'object') return (t as object).constructor?.name ?? 'object';
  return typeof t;
}
