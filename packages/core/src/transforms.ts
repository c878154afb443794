/**
 * Transformations with JAX's shapes: `grad`, `valueAndGrad`, `vjp`, `jvp`, `jacobian`, `hessian`, `hvp`, plus
 * `stopGradient` and `detectAnomaly`. They take pytrees (nested arrays / plain objects of tensors) and return
 * derivatives in the same structure. Nested calls never confuse their perturbations (see trace.ts).
 * @module
 */
import { DTypeError, ShapeError } from './errors.js';
import { Tensor, asTensor, castTensor, ones, primalOf, sameShape, zeros } from './tensor.js';
import { type Tangent, isZeroTangent, unthunk } from './tangents.js';
import { ForwardTracer, Level, ReverseTracer, Tracer, live, popLevel, pushLevel, withAnomalyMode } from './trace.js';
import { backward } from './backward.js';
import { addTangents } from './accumulate.js';
import { treeMap, treeMap2, type PyTree } from './pytree.js';
import { reshape, stack } from './ops/shape.js';
import { real } from './ops/complex.js';

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** `f` returns `[value, aux]`; aux is passed through (with tracers stripped) and not differentiated. */
  hasAux?: boolean;
}

function wrapInputs(level: Level, tree: PyTree, path: string): PyTree {
  return treeMap(tree, (leaf, p) => new ReverseTracer(level, live(asTensor(leaf, `${path}${p}`)), level.newId()));
}

/** Replaces tracers of `level` by their primals throughout a structure. */
function strip(level: Level, tree: unknown): unknown {
  if (tree instanceof Tracer) return tree.level === level ? strip(level, tree.primal) : tree;
  if (tree instanceof Tensor) return tree;
  if (Array.isArray(tree)) return tree.map((t) => strip(level, t));
  if (typeof tree === 'object' && tree !== null && Object.getPrototypeOf(tree) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = strip(level, v);
    return out;
  }
  return tree;
}

function collectOutputSeeds(level: Level, out: unknown, seed: unknown, cot: Map<number, Tangent>, path: string): void {
  if (out instanceof Tensor) {
    if (!(out instanceof ReverseTracer) || out.level !== level) return;
    if (seed === undefined || isZeroTangent(seed)) return;
    const given = asTensor(seed, `cotangent${path}`);
    // A real output's cotangent is real: drop the imaginary part, as the core does for every rule's cotangent
    // (otherwise an input returned as it is would get a complex cotangent while any op on it would not).
    const s = given.dtype === 'complex128' && out.dtype !== 'complex128' ? real(given) : given;
    if (!sameShape(s.shape, out.shape)) {
      throw new ShapeError(`vjp: the cotangent${path ? ' at ' + path : ''} has shape [${s.shape.join(', ')}] but the output has shape [${out.shape.join(', ')}]`);
    }
    // The same value may appear at several places of the output: its cotangent is the sum of their seeds.
    const prev = cot.get(out.id);
    cot.set(out.id, prev === undefined ? s : addTangents(prev, s));
    return;
  }
  if (Array.isArray(out)) {
    const ss = Array.isArray(seed) ? seed : [];
    out.forEach((o, i) => collectOutputSeeds(level, o, ss[i], cot, `${path}[${i}]`));
    return;
  }
  if (typeof out === 'object' && out !== null) {
    const ss = (typeof seed === 'object' && seed !== null ? seed : {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(out)) collectOutputSeeds(level, v, ss[k], cot, path ? `${path}.${k}` : k);
  }
}

function gatherInputCotangents(wrapped: PyTree, cot: Map<number, Tangent>): PyTree {
  return treeMap(wrapped, (leaf) => {
    const t = leaf as ReverseTracer;
    const c = cot.get(t.id);
    if (c === undefined) return zeros(t.shape, t.dtype);
    // Rules' cotangents were already projected onto this input's dtype and structure by the core.
    return unthunk(c) as Tensor;
  });
}

/**
 * Reverse mode: evaluates `f(...args)` and returns `[y, pullback]`; `pullback(ȳ)` returns one cotangent per argument
 * (an array), each shaped like its argument (a pytree for a pytree argument; zeros where y does not depend on it).
 * The pullback may be called several times; its tape lives as long as the pullback does.
 *
 * @example
 * ```ts
 * const [y, pullback] = vjp((x) => mul(x, x), tensor([1, 2]));
 * pullback(tensor([1, 1]));   // [[2, 4]]
 * ```
 */
export function vjp<Y>(f: (...args: never[]) => Y, ...args: unknown[]): [Y, (cotangent: unknown) => PyTree[]] {
  const level = pushLevel('reverse');
  let wrapped: PyTree[];
  let out: unknown;
  try {
    wrapped = args.map((a, i) => wrapInputs(level, a, `vjp: argument ${i}`));
    out = (f as (...a: unknown[]) => unknown)(...wrapped);
  } finally {
    popLevel(level);
  }
  const y = strip(level, out) as Y;
  const pullback = (cotangent: unknown): PyTree[] => {
    const cot = new Map<number, Tangent>();
    collectOutputSeeds(level, out, cotangent, cot, '');
    backward(level, cot);
    return wrapped.map((w) => gatherInputCotangents(w, cot));
  };
  return [y, pullback];
}

function requireScalarOutput(value: unknown, who: string): Tensor | undefined {
  if (typeof value === 'number') return undefined;
  if (!(value instanceof Tensor)) {
    throw new ShapeError(`${who}: f must return a scalar (a 0-d Tensor or a number), got ${Array.isArray(value) ? 'an array' : typeof value}; use vjp or jacobian for non-scalar outputs, or { hasAux: true } to return [value, aux]`);
  }
  if (value.shape.length !== 0) {
    throw new ShapeError(`${who}: f must return a scalar (a 0-d Tensor), got shape [${value.shape.join(', ')}]; reduce it (sum, mean) or use vjp/jacobian`);
  }
  if (value.dtype === 'complex128') {
    throw new DTypeError(`${who}: f must return a real scalar, got complex128; take real(·) or abs(·) of the result`);
  }
  return value;
}

function selectArgs<T>(args: readonly T[], argnums: number | readonly number[], who: string): number[] {
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const n of nums) {
    if (!Number.isInteger(n) || n < 0 || n >= args.length) {
      throw new ShapeError(`${who}: argnums ${n} is out of range for ${args.length} argument(s)`);
    }
  }
  return nums;
}

/**
 * Value and gradient of a scalar function in one pass: `valueAndGrad(f, argnums)(...args)` → `[value, gradient]`
 * (with `{ hasAux: true }`: `[[value, aux], gradient]`). The gradient is shaped like the selected argument(s): a
 * single one for a numeric `argnums`, an array for an array.
 *
 * @example
 * ```ts
 * const [v, g] = valueAndGrad((x) => sum(square(x)))(tensor([1, 2]));   // v = 5, g = [2, 4]
 * ```
 */
export function valueAndGrad(
  f: (...args: never[]) => unknown,
  argnums: number | readonly number[] = 0,
  options: GradOptions = {},
): (...args: unknown[]) => [unknown, PyTree] {
  return (...args: unknown[]) => {
    const nums = selectArgs(args, argnums, 'grad');
    const level = pushLevel('reverse');
    let out: unknown;
    const wrappedArgs = [...args];
    try {
      // An argument listed twice in argnums is traced once (and gets its gradient twice).
      for (const n of new Set(nums)) wrappedArgs[n] = wrapInputs(level, args[n], `grad: argument ${n}`);
      out = (f as (...a: unknown[]) => unknown)(...wrappedArgs);
    } finally {
      popLevel(level);
    }
    let value: unknown = out;
    let aux: unknown;
    if (options.hasAux) {
      if (!Array.isArray(out) || out.length !== 2) throw new ShapeError('grad: with { hasAux: true }, f must return [value, aux]');
      [value, aux] = out as [unknown, unknown];
    }
    const scalarOut = requireScalarOutput(value, 'grad');
    const cot = new Map<number, Tangent>();
    if (scalarOut instanceof ReverseTracer && scalarOut.level === level) {
      cot.set(scalarOut.id, ones([], scalarOut.dtype));
      backward(level, cot);
    }
    const grads = nums.map((n) => gatherInputCotangents(wrappedArgs[n], cot));
    level.tape = [];
    const primalValue = strip(level, value);
    const result = options.hasAux ? [primalValue, strip(level, aux)] : primalValue;
    return [result, typeof argnums === 'number' ? grads[0] : grads];
  };
}

/**
 * The gradient of a scalar function: `grad(f, argnums = 0)(...args)`. A real loss of a complex input gets
 * ∂L/∂Re + i ∂L/∂Im. The tape is released once the pullback has run.
 *
 * @example
 * ```ts
 * grad((x) => sum(square(x)))(tensor([1, 2]));   // [2, 4]
 * ```
 */
export function grad(
  f: (...args: never[]) => unknown,
  argnums: number | readonly number[] = 0,
  options: GradOptions = {},
): (...args: unknown[]) => PyTree {
  const vg = valueAndGrad(f, argnums, options);
  return (...args: unknown[]) => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as unknown[])[1]] : g;
  };
}

/**
 * Forward mode: `jvp(f, primals, tangents)` → `[y, ẏ]`, pushing the tangents through every rule's frule.
 *
 * @example
 * ```ts
 * jvp((x) => mul(x, x), [tensor([3])], [tensor([1])]);   // [[9], [6]]
 * ```
 */
export function jvp<Y>(f: (...args: never[]) => Y, primals: readonly unknown[], tangents: readonly unknown[]): [Y, PyTree] {
  if (primals.length !== tangents.length) {
    throw new ShapeError(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  }
  const level = pushLevel('forward');
  let out: unknown;
  try {
    const wrapped = primals.map((p, i) =>
      treeMap2(p, tangents[i], (leaf, tan, path) => {
        const x = live(asTensor(leaf, `jvp: primal ${i}${path}`));
        const t = tan === undefined ? zeros(x.shape, x.dtype) : asTensor(tan, `jvp: tangent ${i}${path}`);
        if (!sameShape(x.shape, t.shape)) {
          throw new ShapeError(`jvp: tangent ${i}${path} has shape [${t.shape.join(', ')}] but its primal has shape [${x.shape.join(', ')}]`);
        }
        if (t.dtype === 'complex128' && x.dtype !== 'complex128') {
          throw new DTypeError(`jvp: tangent ${i}${path} is complex128 but its primal is ${x.dtype}; a real input has real tangents (pass real(ẋ), or make the primal complex)`);
        }
        return new ForwardTracer(level, x, x.dtype === t.dtype || t instanceof Tracer ? t : castTensor(t, x.dtype));
      }),
    );
    out = (f as (...a: unknown[]) => unknown)(...wrapped);
  } finally {
    popLevel(level);
  }
  const y = strip(level, out) as Y;
  const dy = tangentOf(level, out);
  return [y, dy];
}

function tangentOf(level: Level, tree: unknown): unknown {
  if (tree instanceof Tensor) {
    if (tree instanceof ForwardTracer && tree.level === level) return tree.tangent;
    return zeros(tree.shape, tree.dtype);
  }
  if (Array.isArray(tree)) return tree.map((t) => tangentOf(level, t));
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) out[k] = tangentOf(level, v);
    return out;
  }
  return undefined;
}

/** Options of {@link jacobian}. */
export interface JacobianOptions {
  /** `'reverse'` (one pullback per output entry), `'forward'` (one jvp per input entry), or `'auto'` (fewer calls). */
  mode?: 'auto' | 'forward' | 'reverse';
}

/**
 * The Jacobian of a tensor function of one tensor argument: shape `[...outShape, ...inShape]`.
 *
 * **Method**: reverse mode records f once and pulls back one unit cotangent per output entry; forward mode pushes one
 * unit tangent per input entry (no tape). `'auto'` records f, then takes whichever needs fewer passes.
 *
 * @example
 * ```ts
 * jacobian((x) => mul(x, x))(tensor([1, 2]));   // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian(f: (x: Tensor) => Tensor, options: JacobianOptions = {}): (x: unknown) => Tensor {
  return (x0: unknown) => {
    const x = asTensor(x0, 'jacobian');
    if (x.dtype === 'complex128') throw new DTypeError('jacobian: complex inputs are not supported; split into real and imaginary parts');
    const n = x.size;
    const unit = (like: Tensor, i: number): Tensor => {
      const e = zeros(like.shape, like.dtype);
      e.data[i] = 1;
      return e;
    };
    const mode = options.mode ?? 'auto';
    let yt: Tensor | undefined;
    if (mode !== 'forward') {
      const [y, pullback] = vjp(f as (...a: never[]) => Tensor, x);
      yt = asTensor(y, 'jacobian: output');
      const m = yt.size;
      if (mode === 'reverse' || m <= n) {
        const rows: Tensor[] = [];
        for (let i = 0; i < m; i++) rows.push(reshape(pullback(unit(yt, i))[0] as Tensor, [n]));
        return reshape(m === 0 ? zeros([0, n]) : stack(rows), [...yt.shape, ...x.shape]);
      }
    }
    // Forward mode needs no tape: the output's shape comes with the first jvp (hessian relies on this path).
    const cols: Tensor[] = [];
    for (let j = 0; j < n; j++) {
      const [y, dy] = jvp(f as (...a: never[]) => Tensor, [x], [unit(x, j)]);
      yt ??= asTensor(y, 'jacobian: output');
      cols.push(reshape(asTensor(dy, 'jacobian'), [yt.size]));
    }
    yt ??= asTensor(f(x), 'jacobian: output');
    const m = yt.size;
    return reshape(n === 0 ? zeros([m, 0]) : stack(cols, 1), [...yt.shape, ...x.shape]);
  };
}

/**
 * The Hessian of a scalar function of one tensor, shape `[...inShape, ...inShape]`, by forward-over-reverse
 * (one Hessian-vector product per input entry).
 *
 * @example
 * ```ts
 * hessian((x) => sum(pow(x, 3)))(tensor([1, 2]));   // [[6, 0], [0, 12]]
 * ```
 */
export function hessian(f: (x: Tensor) => Tensor): (x: unknown) => Tensor {
  return jacobian((x: Tensor) => grad(f as (...a: never[]) => unknown)(x) as Tensor, { mode: 'forward' });
}

/**
 * The Hessian-vector product H(x)·v of a scalar function, by forward-over-reverse: jvp of grad.
 *
 * @example
 * ```ts
 * hvp((x) => sum(pow(x, 3)), tensor([1, 2]), tensor([1, 0]));   // [6, 0]
 * ```
 */
export function hvp(f: (x: Tensor) => unknown, x: unknown, v: unknown): Tensor {
  const g = (y: Tensor) => grad(f as (...a: never[]) => unknown)(y) as Tensor;
  return jvp(g, [x], [v])[1] as Tensor;
}

/**
 * Returns the value of `x` with every perturbation removed: derivatives do not flow through it.
 *
 * @example
 * ```ts
 * grad((x) => mul(x, stopGradient(x)))(tensor(3));   // 3 (not 6)
 * ```
 */
export function stopGradient<T>(x: T): T {
  return treeMap(x, (leaf) => (leaf instanceof Tensor ? primalOf(leaf) : leaf)) as T;
}

/**
 * Runs `fn` with anomaly detection: the first rule whose output, tangent or cotangent turns non-finite from finite
 * inputs raises `AnomalyError` naming the rule. Slower; for debugging.
 *
 * @example
 * ```ts
 * detectAnomaly(() => grad((x) => sum(sqrt(x)))(tensor([0])));   // AnomalyError: @ad/core/sqrt …
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  return withAnomalyMode(fn);
}

/**
 * Lets a rule differentiate a user-supplied function by calling back into the AD (ChainRulesCore's RuleConfig):
 * matrix functions `f`, matrix-free operators.
 */
export const ruleConfig = {
  /** `[y, pullback]` of `f` at `args`, computed by the AD. */
  rruleViaAd<Y>(f: (...args: never[]) => Y, ...args: unknown[]): [Y, (cotangent: unknown) => PyTree[]] {
    return vjp(f, ...args);
  },
  /** `[y, ẏ]` of `f` at `primals` along `tangents`, computed by the AD. */
  fruleViaAd<Y>(f: (...args: never[]) => Y, primals: readonly unknown[], tangents: readonly unknown[]): [Y, PyTree] {
    return jvp(f, primals, tangents);
  },
};

