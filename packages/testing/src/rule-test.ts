/**
 * `testFrule` and `testRrule`: the checks every rule goes through — its pushforward and pullback against finite
 * differences along random (seeded) directions, frule against rrule by the dot-product test, and the contract checks
 * (tangent types, structure, zeros, thunks, non-differentiable arguments, no mutation, repeatable pullbacks), plus an
 * optional second-order check through the rule.
 * @module
 */
import {
  NoTangent,
  Tensor,
  Thunk,
  ZeroTangent,
  add,
  asTensor,
  conj,
  grad,
  isTensorLike,
  isZeroTangent,
  jvp,
  mul,
  real,
  sameShape,
  sum,
  unthunk,
  vjp,
  zeros,
  type AnyRule,
  type RuleSpec,
  type Tangent,
} from '@ad/core';
import { centralFdm, forwardFdm, type FiniteDifferenceMethod } from './fdm.js';
import { defaultFdm, argToFloat64, perturbArg, fdGradDetailed } from './fd.js';
import { Structured, checkInStructure, projectRaw, randomTangent, type StructureKind } from './structure.js';
import { Rng } from './internal/rng.js';
import { Recorder } from './internal/recorder.js';
import {
  absDotFlat,
  describe,
  dotFlat,
  entryName,
  findMutation,
  flatten,
  flattenLike,
  hasTensor,
  isPlainObject,
  layoutOf,
  maxAbsTree,
  multiIndex,
  snapshot,
  visitTensors,
} from './internal/tree.js';
import type { CheckName, TestReport } from './report.js';
import { formatNumber } from './report.js';

/** Options of {@link testRrule} and {@link testFrule}. */
export interface RuleTestOptions {
  /** Relative tolerance (default 1e-9 in float64, 1e-4 when a differentiable argument or an output is float32). */
  rtol?: number;
  /** Absolute tolerance (default 0: every comparison is relative, plus the FD error estimate). */
  atol?: number;
  /** Multiplier c of the FD error estimate in |rule − fd| ≤ atol + rtol·scale + c·fdError (default 10). */
  fdErrorFactor?: number;
  /** Finite-difference method (default `centralFdm(5, 1)`; `forwardFdm(5, 1)` with `oneSided`). */
  fdm?: FiniteDifferenceMethod;
  /** Run only these checks. */
  checks?: readonly CheckName[];
  /** Tangent per argument (entries left undefined are drawn at random inside the argument's structure). */
  tangents?: readonly unknown[];
  /** Cotangent of the output (of the `output` view when given); random when omitted. */
  cotangent?: unknown;
  /** Seed of the random tangents and cotangents (default 1). */
  seed?: number;
  /**
   * A view of the output to compare instead of the raw output, built from core ops — e.g. projectors V Vᵀ or |v|²
   * instead of sign-ambiguous eigenvectors. Tangents are pushed through it by jvp, cotangents pulled back by vjp.
   */
  output?: (y: never) => unknown;
  /**
   * At a non-differentiable point (an exact eigenvalue cluster): compare the frule with a one-sided (forward)
   * difference along +ẋ, skip the dot-product test, and test the rrule only with the given `cotangent` or `output`.
   */
  oneSided?: boolean;
  /** 2: also check second derivatives through the rule (hvp against FD of the gradient). */
  order?: 1 | 2;
  /** Throw an Error carrying the report when a check fails. */
  throws?: boolean;
  /** Name of a plain function in reports (default: its `name`). */
  name?: string;
  /** Extra text for failure messages (e.g. the fast-check seed and path that produced the arguments). */
  context?: string;
}

/** A differentiable function (with its rule) or a plain function built from differentiable ops. */
export type FunctionUnderTest = AnyRule | ((...args: never[]) => unknown);

interface Prepared {
  name: string;
  isRule: boolean;
  values: unknown[];
  diff: boolean[];
  structure: StructureKind[];
  call(vals: readonly unknown[]): unknown;
  frule(vals: readonly unknown[], tangents: readonly unknown[]): readonly [unknown, unknown];
  rrule(vals: readonly unknown[]): readonly [unknown, (ct: unknown) => readonly unknown[]];
  /** Tangent for an unperturbed differentiable argument. */
  zeroTangent(i: number): unknown;
}

function isRuleFn(f: unknown): f is AnyRule {
  return typeof f === 'function' && typeof (f as { rule?: unknown }).rule === 'object' && (f as { rule?: unknown }).rule !== null;
}

function prepare(f: FunctionUnderTest, args: readonly unknown[], name?: string): Prepared {
  if (isRuleFn(f)) {
    const spec = f.rule as RuleSpec<readonly unknown[], unknown>;
    const n = Math.max(args.length, spec.structure?.length ?? 0);
    const values: unknown[] = [];
    const diff: boolean[] = [];
    const structure: StructureKind[] = [];
    for (let i = 0; i < n; i++) {
      const raw = args[i];
      const mark = raw instanceof Structured ? raw : undefined;
      let v: unknown = mark ? mark.value : raw;
      const declared = spec.structure?.[i];
      if (declared !== 'nondiff' && !(v instanceof Tensor) && declared !== undefined && isTensorLike(v)) v = asTensor(v, `${spec.name}: argument ${i}`);
      const isDiff = declared !== 'nondiff' && v instanceof Tensor;
      values.push(v);
      diff.push(isDiff);
      structure.push(mark ? mark.structure : declared === undefined || declared === 'nondiff' ? 'general' : declared);
    }
    return {
      name: name ?? spec.name,
      isRule: true,
      values,
      diff,
      structure,
      call: (vals) => (f as unknown as (...a: unknown[]) => unknown)(...vals),
      frule: (vals, tangents) => spec.frule(vals as never, tangents as never) as readonly [unknown, unknown],
      rrule: (vals) => spec.rrule(...(vals as never[])) as unknown as readonly [unknown, (ct: unknown) => readonly unknown[]],
      zeroTangent: (i) => (spec.zeroTangents === 'structural' ? ZeroTangent : zeros((values[i] as Tensor).shape, (values[i] as Tensor).dtype)),
    };
  }
  const values = args.map((a) => (a instanceof Structured ? a.value : a));
  const diff = args.map((a) => a instanceof Structured || a instanceof Tensor || hasTensor(a));
  const structure = args.map((a) => (a instanceof Structured ? a.structure : 'general'));
  const idx = diff.flatMap((d, i) => (d ? [i] : []));
  const plain = f as (...a: unknown[]) => unknown;
  const merge = (vals: readonly unknown[], d: readonly unknown[]) => {
    const out = [...vals];
    idx.forEach((k, j) => (out[k] = d[j]));
    return out;
  };
  return {
    name: name ?? (f.name || '<anonymous function>'),
    isRule: false,
    values,
    diff,
    structure,
    call: (vals) => plain(...vals),
    frule: (vals, tangents) => {
      const g = (...d: unknown[]) => plain(...merge(vals, d));
      return jvp(g as (...a: never[]) => unknown, idx.map((k) => vals[k]), idx.map((k) => tangents[k]));
    },
    rrule: (vals) => {
      const g = (...d: unknown[]) => plain(...merge(vals, d));
      const [y, pb] = vjp(g as (...a: never[]) => unknown, ...idx.map((k) => vals[k]));
      return [
        y,
        (ct: unknown) => {
          const r = pb(ct);
          const full: unknown[] = vals.map(() => NoTangent);
          idx.forEach((k, j) => (full[k] = r[j]));
          return full;
        },
      ];
    },
    zeroTangent: () => undefined,
  };
}

function randomTree(rng: Rng, v: unknown, structure: StructureKind): unknown {
  if (v instanceof Tensor) return randomTangent(rng, v, structure);
  if (Array.isArray(v)) return v.map((x) => randomTree(rng, x, 'general'));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = randomTree(rng, v[k], 'general');
    return out;
  }
  return undefined;
}

/** Tensor leaves of y with tangent leaves made concrete: thunks forced, ZeroTangent → zeros; non-tensor leaves → undefined. */
function concreteTangent(y: unknown, t: unknown): unknown {
  if (t instanceof Thunk) t = unthunk(t as Tangent);
  if (y instanceof Tensor) return t instanceof Tensor ? t : zeros(y.shape, y.dtype);
  if (Array.isArray(y)) return y.map((v, i) => concreteTangent(v, Array.isArray(t) ? t[i] : undefined));
  if (isPlainObject(y)) {
    const out: Record<string, unknown> = {};
    const to = isPlainObject(t) ? t : {};
    for (const k of Object.keys(y)) out[k] = concreteTangent(y[k], to[k]);
    return out;
  }
  return undefined;
}

/** The pullback input for a raw output y: non-tensor leaves get NoTangent. */
function rawCotangent(y: unknown, c: unknown): unknown {
  if (y instanceof Tensor) return c instanceof Tensor ? c : asTensor(c, 'cotangent');
  if (Array.isArray(y)) return y.map((v, i) => rawCotangent(v, Array.isArray(c) ? c[i] : undefined));
  if (isPlainObject(y)) {
    const out: Record<string, unknown> = {};
    const co = isPlainObject(c) ? c : {};
    for (const k of Object.keys(y)) out[k] = rawCotangent(y[k], co[k]);
    return out;
  }
  return NoTangent;
}

function zerosLike(y: unknown): unknown {
  if (y instanceof Tensor) return zeros(y.shape, y.dtype);
  if (Array.isArray(y)) return y.map(zerosLike);
  if (isPlainObject(y)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(y)) out[k] = zerosLike(y[k]);
    return out;
  }
  return NoTangent;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** float32 tolerances apply when a differentiable argument or an output is float32. */
function isFloat32Case(p: Prepared): boolean {
  let f32 = false;
  p.values.forEach((v, i) => {
    if (p.diff[i]) visitTensors(v, (t) => (f32 ||= t.dtype === 'float32'));
  });
  if (!f32) {
    try {
      visitTensors(p.call(p.values), (t) => (f32 ||= t.dtype === 'float32'));
    } catch {
      // a failing primal is reported by the checks themselves
    }
  }
  return f32;
}

/** Shared state of one test run. */
class Run {
  readonly rec: Recorder;
  readonly rng: Rng;
  readonly fdm: FiniteDifferenceMethod;
  /** Central method for checks along directions where f is smooth (the pullback's dot products). */
  readonly central: FiniteDifferenceMethod;
  readonly view: ((y: unknown) => unknown) | undefined;
  readonly values64: unknown[];
  readonly diffIdx: number[];
  readonly primalRtol: number;
  readonly structureRtol: number;

  constructor(
    readonly p: Prepared,
    readonly opts: RuleTestOptions,
    test: TestReport['test'],
  ) {
    const f32 = isFloat32Case(p);
    const seed = opts.seed ?? 1;
    this.rec = new Recorder(
      test,
      p.name,
      { rtol: opts.rtol ?? (f32 ? 1e-4 : 1e-9), atol: opts.atol ?? 0, fdErrorFactor: opts.fdErrorFactor ?? 10 },
      seed,
      opts.checks ? new Set(opts.checks) : undefined,
    );
    this.rng = new Rng(seed);
    const base = opts.fdm ?? defaultFdm();
    this.fdm = opts.oneSided && base.kind !== 'forward' ? forwardFdm(opts.fdm?.points ?? 5, 1) : base;
    this.central = base.kind === 'central' ? base : centralFdm(base.points, 1, base.options);
    this.view = opts.output as ((y: unknown) => unknown) | undefined;
    this.values64 = p.values.map((v, i) => (p.diff[i] ? argToFloat64(v) : v));
    this.diffIdx = p.diff.flatMap((d, i) => (d ? [i] : []));
    this.primalRtol = f32 ? 1e-5 : 1e-12;
    this.structureRtol = f32 ? 1e-4 : 1e-10;
  }

  viewOf(y: unknown): unknown {
    return this.view ? this.view(y) : y;
  }

  /** Tangent of argument i: the given one or a random one inside its structure. */
  tangentFor(i: number): unknown {
    const given = this.opts.tangents?.[i];
    if (given !== undefined && !isZeroTangent(given)) {
      const v = this.p.values[i];
      return v instanceof Tensor && !(given instanceof Tensor) ? asTensor(given, `tangent ${i}`) : given;
    }
    return randomTree(this.rng, this.p.values[i], this.p.structure[i]!);
  }

  /** Full tangent list for the frule: `dirs[i]` for perturbed arguments, zeros/ZeroTangent/NoTangent otherwise. */
  fruleTangents(dirs: readonly unknown[]): unknown[] {
    return this.p.values.map((_, i) => (!this.p.diff[i] ? NoTangent : dirs[i] !== undefined ? dirs[i] : this.p.zeroTangent(i)));
  }

  /** d/dt of reduce(view(f(x + t·dirs))) at 0 by finite differences, on float64 copies of the arguments. */
  fd(dirs: readonly unknown[], reduce: (out: unknown) => Float64Array, method: FiniteDifferenceMethod = this.fdm): { value: Float64Array; errors: Float64Array } {
    const s = maxAbsTree(dirs);
    if (s === 0) {
      const n = reduce(this.viewOf(this.p.call(this.values64))).length;
      return { value: new Float64Array(n), errors: new Float64Array(n) };
    }
    const g = (t: number) =>
      reduce(this.viewOf(this.p.call(this.values64.map((a, i) => (dirs[i] === undefined ? a : perturbArg(a, dirs[i], t * (1 / s)))))));
    const r = method.estimateVector(g, 0);
    return { value: r.value.map((v) => v * s), errors: r.errors.map((e) => e * s) };
  }

  /** Flat tangent of the view at y along ẏ. */
  viewTangent(y: unknown, dy: unknown): { flat: Float64Array; layoutOwner: unknown; issues: string[] } {
    if (!this.view) {
      const r = flattenLike(y, dy);
      return { flat: r.flat, layoutOwner: y, issues: r.issues };
    }
    const [v, dv] = jvp(this.view as (...a: never[]) => unknown, [y], [concreteTangent(y, dy)]);
    const r = flattenLike(v, dv);
    return { flat: r.flat, layoutOwner: v, issues: r.issues };
  }

  /** The cotangent of the view output (given or random) and the raw output cotangent it pulls back to. */
  cotangents(y: unknown): { viewCt: unknown; rawCt: unknown; viewFlat: Float64Array; viewValue: unknown } {
    const viewValue = this.viewOf(y);
    let viewCt: unknown;
    if (this.opts.cotangent !== undefined) {
      viewCt = viewValue instanceof Tensor && !(this.opts.cotangent instanceof Tensor) ? asTensor(this.opts.cotangent, 'cotangent') : this.opts.cotangent;
    } else {
      viewCt = randomTree(this.rng, viewValue, 'general');
    }
    let rawCt: unknown = viewCt;
    if (this.view) {
      const [, pb] = vjp(this.view as (...a: never[]) => unknown, y);
      rawCt = pb(viewCt)[0];
    }
    return { viewCt, rawCt: rawCotangent(y, rawCt), viewFlat: flattenLike(viewValue, viewCt).flat, viewValue };
  }

  checkMutation(check: 'mutation', snap: ReturnType<typeof snapshot>, what: string): void {
    if (!this.rec.wants(check)) return;
    this.rec.ran(check);
    const m = findMutation(snap);
    if (m) {
      this.rec.fail(check, `${what} mutated its input ${m.path || 'argument'} at flat index ${m.index}: ${formatNumber(m.before)} → ${formatNumber(m.after)}`);
    }
  }

  /**
   * The rule's y against the plain call — through the `output` view when one is given, since a raw output may carry
   * an arbitrary gauge (eigenvectors at an exact tie, adapted to the tangent direction by a frule).
   */
  primalCheck(yRule: unknown, where: string): void {
    this.rec.guard('primal', 'the plain call', () => {
      const y = this.viewOf(yRule);
      const yPlain = this.viewOf(this.p.call(this.p.values));
      const a = flatten(y);
      const b = flatten(yPlain);
      const la = layoutOf(y);
      const lb = layoutOf(yPlain);
      if (la.leaves.length !== lb.leaves.length || la.leaves.some((l, k) => l.path !== lb.leaves[k]!.path || l.size !== lb.leaves[k]!.size)) {
        this.rec.fail('primal', `${where} returned an output of a different structure than the plain call (${describe(y)} vs ${describe(yPlain)})`);
        return;
      }
      this.rec.compare('primal', `${where}'s y vs the plain call${this.view ? ' (through the output view)' : ''}`, a, b, { rtol: this.primalRtol, name: (i) => entryName(la, i) });
    });
  }

  /** Tangent type check: each output leaf's tangent is a Tensor (or ZeroTangent) of the primal's shape and dtype. */
  tangentTypeCheck(y: unknown, dy: unknown): void {
    if (!this.rec.wants('tangent-type')) return;
    this.rec.ran('tangent-type');
    const issues = flattenLike(y, dy).issues;
    const walk = (p: unknown, t: unknown, path: string): void => {
      if (t instanceof Thunk) t = unthunk(t as Tangent);
      if (p instanceof Tensor) {
        if (t instanceof Tensor && t.dtype !== p.dtype) issues.push(`${path || 'output'}: tangent dtype ${t.dtype} but the output is ${p.dtype}`);
        return;
      }
      if (Array.isArray(p) && Array.isArray(t)) p.forEach((v, i) => walk(v, t[i], `${path}[${i}]`));
      else if (isPlainObject(p) && isPlainObject(t)) for (const k of Object.keys(p)) walk(p[k], t[k], path ? `${path}.${k}` : k);
    };
    walk(y, dy, '');
    for (const msg of issues) this.rec.fail('tangent-type', `frule tangent ${msg}`);
  }

  /**
   * Dot-product test ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩ between the frule and the rrule with a joint random ẋ (no finite
   * differences: both sides come from the rules, so the tolerance is rtol only). With an `output` view, ȳ lives on the
   * view: the frule's tangent is pushed through the view at the frule's own y, and ȳ is pulled back through the view at
   * the rrule's own y, so each rule may use its own gauge.
   */
  dotProductCheck(): void {
    if (this.opts.oneSided || !this.rec.wants('dot-product') || this.diffIdx.length === 0) return;
    this.rec.guard('dot-product', 'the frule/rrule pair', () => {
      const dirs: unknown[] = this.p.values.map((_, i) => (this.p.diff[i] ? this.tangentFor(i) : undefined));
      const [yF, dyF] = this.p.frule(this.p.values, this.fruleTangents(dirs));
      const [yR, pb] = this.p.rrule(this.p.values);
      const ct = this.cotangents(yR);
      const cts = pb(ct.rawCt);
      const ydot = this.viewTangent(yF, dyF).flat;
      const lhs = dotFlat(ct.viewFlat, ydot);
      let rhs = 0;
      let scale = absDotFlat(ct.viewFlat, ydot);
      for (const i of this.diffIdx) {
        const c = flattenLike(this.p.values[i], cts[i] instanceof Thunk ? unthunk(cts[i] as Tangent) : cts[i]).flat;
        const dx = flattenLike(this.p.values[i], dirs[i]).flat;
        rhs += dotFlat(c, dx);
        scale += absDotFlat(c, dx);
      }
      this.rec.compare('dot-product', '⟨ȳ, frule(ẋ)⟩ vs ⟨rrule(ȳ), ẋ⟩', Float64Array.of(lhs), Float64Array.of(rhs), { floor: 1e-3 * scale });
    });
  }

  /** The scalar s(args) = ⟨ȳ, view(f(args))⟩ built from core ops, for second-order checks. */
  private scalarLoss(viewCt: unknown): (...d: unknown[]) => Tensor {
    return (...d: unknown[]) => {
      const vals = [...this.p.values];
      this.diffIdx.forEach((k, j) => (vals[k] = d[j]));
      const out = this.viewOf(this.p.call(vals));
      const cts: Tensor[] = [];
      visitTensors(viewCt, (t) => cts.push(t));
      let k = 0;
      let acc: Tensor | undefined;
      visitTensors(out, (leaf) => {
        const c = cts[k++];
        if (c === undefined) return;
        const term = leaf.dtype === 'complex128' || c.dtype === 'complex128' ? sum(real(mul(conj(c), leaf))) : sum(mul(c, leaf));
        acc = acc === undefined ? term : add(acc, term);
      });
      return acc ?? zeros([]);
    };
  }

  /**
   * Second order through the rule: with s = ⟨ȳ, view(f(x))⟩ and a random ẋ, the forward-over-reverse product
   * H ẋ = jvp(grad s)(x; ẋ) against finite differences of grad s along ẋ.
   */
  order2Rrule(viewCt: unknown): void {
    if (this.diffIdx.length === 0) return;
    this.rec.guard('order2', 'the second-order check (jvp of grad through the rule)', () => {
      const s = this.scalarLoss(viewCt);
      const argnums = this.diffIdx.map((_, j) => j);
      const g = (...d: unknown[]) => grad(s as (...a: never[]) => unknown, argnums)(...d) as unknown[];
      const x = this.diffIdx.map((k) => this.p.values[k]);
      const dirs = this.diffIdx.map((k) => this.tangentFor(k));
      const [g0, hv] = jvp(g as (...a: never[]) => unknown, x, dirs);
      const ruleFlat = flattenLike(g0, hv).flat;
      const x64 = this.diffIdx.map((k) => this.values64[k]);
      const fdVals = this.fdOver(x64, dirs, (xs) => flatten(g(...xs)));
      const lay = layoutOf(g0);
      this.rec.compare('order2', 'H·ẋ of ⟨ȳ, f⟩ (jvp of grad) vs FD of grad', ruleFlat, fdVals.value, {
        errors: fdVals.errors,
        name: (i) => `argument ${this.diffIdx[Number(/^\[(\d+)\]/.exec(entryName(lay, i))?.[1] ?? 0)]} ${entryName(lay, i).replace(/^\[\d+\]/, '')}`,
      });
    });
  }

  /** Second order forward: jvp of jvp along ẋ against FD of the jvp. */
  order2Frule(): void {
    if (this.diffIdx.length === 0) return;
    this.rec.guard('order2', 'the second-order check (jvp of jvp through the rule)', () => {
      const dirs = this.diffIdx.map((k) => this.tangentFor(k));
      const inner = (...d: unknown[]) => {
        const vals = [...this.p.values];
        this.diffIdx.forEach((k, j) => (vals[k] = d[j]));
        const f = (...dd: unknown[]) => {
          const vv = [...vals];
          this.diffIdx.forEach((k, j) => (vv[k] = dd[j]));
          return this.viewOf(this.p.call(vv));
        };
        return jvp(f as (...a: never[]) => unknown, d, dirs)[1];
      };
      const x = this.diffIdx.map((k) => this.p.values[k]);
      const [t0, tt] = jvp(inner as (...a: never[]) => unknown, x, dirs);
      const ruleFlat = flattenLike(t0, tt).flat;
      const x64 = this.diffIdx.map((k) => this.values64[k]);
      const fdVals = this.fdOver(x64, dirs, (xs) => flatten(inner(...xs)));
      const lay = layoutOf(t0);
      this.rec.compare('order2', 'd²/dt² f(x + tẋ) (jvp of jvp) vs FD of the jvp', ruleFlat, fdVals.value, {
        errors: fdVals.errors,
        name: (i) => entryName(lay, i),
      });
    });
  }

  /** FD of an arbitrary flat function of the differentiable arguments along dirs. */
  private fdOver(x64: unknown[], dirs: unknown[], fn: (xs: unknown[]) => Float64Array): { value: Float64Array; errors: Float64Array } {
    const s = maxAbsTree(dirs);
    if (s === 0) {
      // All-zero directions (given by the caller): the derivative is exactly 0; t / s below would be NaN.
      const n = fn(x64).length;
      return { value: new Float64Array(n), errors: new Float64Array(n) };
    }
    const m = this.opts.oneSided ? this.fdm : this.central;
    const r = m.estimateVector((t) => fn(x64.map((a, j) => perturbArg(a, dirs[j], t / s))), 0);
    return { value: r.value.map((v) => v * s), errors: r.errors.map((e) => e * s) };
  }

  /** Keeps 'setup' in the list of checks only when it failed. */
  endSetup(): void {
    if (!this.rec.failures.some((f) => f.check === 'setup')) this.rec.checks.delete('setup');
  }

  finish(): TestReport {
    const report = this.rec.report(this.opts.context);
    if (this.opts.throws && !report.ok) {
      const err = new Error(report.message);
      (err as Error & { report: TestReport }).report = report;
      throw err;
    }
    return report;
  }
}

function tensorDescription(x: unknown): string {
  return x instanceof Tensor ? `${x.dtype} [${x.shape.join(', ')}]` : describe(x);
}

/**
 * Tests a reverse rule (or a plain function through `vjp`) against finite differences and the rule contract.
 *
 * **Method**: with a seeded random cotangent ȳ (of the `output` view when given) and, for each differentiable argument
 * k, a random tangent ẋₖ inside the argument's structure (symmetric E + Eᵀ, Hermitian, diagonal, real):
 * - `vjp`: ⟨x̄ₖ, ẋₖ⟩ from the pullback against the finite-difference derivative of t ↦ ⟨ȳ, f(x + t ẋₖ)⟩ — the
 *   dot-product identity ⟨ȳ, J ẋ⟩ = ⟨Jᵀ ȳ, ẋ⟩, one directional derivative per argument, no Jacobian. On failure the
 *   full FD gradient of ⟨ȳ, f⟩ (arguments up to 400 entries) locates the worst entry.
 * - `dot-product`: frule against rrule on a joint ẋ; `primal`: y against the plain call; `cotangent-type`: one
 *   cotangent per argument, each a Tensor of the argument's shape and dtype (a complex cotangent for a real argument
 *   and float32/float64 differences are allowed: the core projects them); `structure`: the rule's own cotangent lies in
 *   the argument's structure (before the core's projection); `nondiff`: NoTangent for non-differentiable arguments;
 *   `zero-tangent`: a zero cotangent gives zero cotangents, and a structured output's fields may be ZeroTangent;
 *   `thunks`: thunked cotangents are forced; `mutation`: neither arguments nor ȳ are modified; `repeatable`: a second
 *   pullback call gives the same cotangents; `order2` (with `order: 2`): hvp through the rule against FD of the
 *   gradient.
 *
 * **Numerical notes**: an entry passes when |rule − fd| ≤ atol + rtol·max(|rule|, |fd|, 1e-2·‖·‖∞) + c·fdError, so the
 * tolerance is justified by the finite-difference error estimate (c = 10 by default). float32 arguments are
 * evaluated in float64 for the finite differences and compared at rtol 1e-4. With `oneSided`, the dot-product test is
 * skipped (the derivative is not linear there) and a `cotangent` or `output` must be given.
 *
 * **References**: ChainRulesTestUtils.jl `test_rrule`; JAX `check_grads`/`check_vjp`; PyTorch `gradcheck` (fast mode
 * uses the same random-projection idea); FiniteDifferences.jl.
 *
 * @example
 * ```ts
 * const report = testRrule(mul, [tensor([1, 2]), tensor([3, 4])]);
 * report.ok;   // true
 * testRrule((A) => sum(matmul(A, A)), [symmetric(tensor([[1, 2], [2, 1]]))], { throws: true });
 * ```
 */
export function testRrule(f: FunctionUnderTest, args: readonly unknown[], opts: RuleTestOptions = {}): TestReport {
  const p = prepare(f, args, opts.name);
  const run = new Run(p, opts, 'testRrule');
  const rec = run.rec;
  const st: { y?: unknown; pb?: (ct: unknown) => readonly unknown[]; cts?: unknown[] } = {};
  rec.guard('setup', 'the rrule', () => {
    const snap = snapshot(p.values);
    const [y, pb] = p.rrule(p.values);
    if (typeof pb !== 'function') throw new TypeError(`the rrule must return [y, pullback], got a ${describe(pb)} pullback`);
    st.y = y;
    st.pb = pb;
    run.checkMutation('mutation', snap, 'the rrule');
  });
  run.endSetup();
  if (st.pb === undefined) return run.finish();
  const pullback = st.pb;
  const y = st.y;
  run.primalCheck(y, 'the rrule');

  if (opts.oneSided && opts.cotangent === undefined && opts.output === undefined) {
    rec.fail(
      'setup',
      'oneSided: at a non-differentiable point the pullback can only be checked along cotangents for which a derivative exists; pass { cotangent } (e.g. eigenvalue cotangents constant on each cluster) or a gauge-invariant { output } view',
    );
    return run.finish();
  }

  let ct = { viewCt: undefined as unknown, rawCt: undefined as unknown, viewFlat: new Float64Array(0) as Float64Array, viewValue: undefined as unknown };
  rec.guard('setup', 'the pullback', () => {
    ct = run.cotangents(y);
    const snapArgs = snapshot(p.values);
    const snapCt = snapshot(ct.rawCt);
    const raw = pullback(ct.rawCt);
    run.checkMutation('mutation', snapArgs, 'the pullback');
    run.checkMutation('mutation', snapCt, 'the pullback (its cotangent ȳ)');
    if (!Array.isArray(raw)) throw new TypeError(`the pullback must return an array of cotangents, got ${describe(raw)}`);
    st.cts = [...raw];
  });
  run.endSetup();
  if (st.cts === undefined) return run.finish();
  const cot = st.cts;

  // Arity and non-differentiable arguments.
  if (rec.wants('nondiff') || rec.wants('cotangent-type')) {
    if (cot.length !== p.values.length) {
      rec.fail('cotangent-type', `the pullback returned ${cot.length} cotangents for ${p.values.length} arguments (it must return exactly one per argument, none for the function itself)`);
    }
  }
  if (p.isRule && rec.wants('nondiff')) {
    rec.ran('nondiff');
    p.values.forEach((_, i) => {
      if (!p.diff[i] && i < cot.length && cot[i] !== NoTangent) {
        rec.fail('nondiff', `argument ${i} is not differentiable (${describe(p.values[i])}) but its cotangent is ${describe(cot[i])}, expected NoTangent`);
      }
    });
  }

  // Thunks: force them once (the core forces them when consumed).
  if (cot.some((c) => c instanceof Thunk)) {
    rec.guard('thunks', 'forcing a thunked cotangent', () => {
      cot.forEach((c, i) => {
        if (c instanceof Thunk) {
          const forced = unthunk(c as Tangent);
          if (forced instanceof Thunk || (p.diff[i] && !(forced instanceof Tensor) && !isZeroTangent(forced) && !hasTensor(forced))) {
            rec.fail('thunks', `argument ${i}: the thunk forced to ${describe(forced)}, expected a Tensor`);
          }
          cot[i] = forced;
        }
      });
    });
  }

  // Types and structure of the rule's own cotangents.
  if (rec.wants('cotangent-type')) {
    rec.ran('cotangent-type');
    for (const i of run.diffIdx) {
      const v = p.values[i];
      const c = cot[i];
      if (c === undefined) continue;
      if (v instanceof Tensor) {
        if (isZeroTangent(c)) {
          if (c === NoTangent) rec.fail('cotangent-type', `argument ${i} (${tensorDescription(v)}) is differentiable but its cotangent is NoTangent`);
          continue;
        }
        if (!(c instanceof Tensor)) {
          rec.fail('cotangent-type', `argument ${i}: expected a Tensor cotangent of shape [${v.shape.join(', ')}], got ${describe(c)}`);
          continue;
        }
        if (!sameShape(c.shape, v.shape)) {
          rec.fail('cotangent-type', `argument ${i}: cotangent shape [${c.shape.join(', ')}] but the argument has shape [${v.shape.join(', ')}]`);
        } else if (v.dtype === 'complex128' && c.dtype !== 'complex128') {
          rec.fail('cotangent-type', `argument ${i}: the argument is complex128 but its cotangent is ${c.dtype} (the imaginary part ∂L/∂Im is lost)`);
        }
      } else {
        for (const msg of flattenLike(v, c).issues) rec.fail('cotangent-type', `argument ${i}: ${msg}`);
      }
    }
  }
  if (rec.wants('structure')) {
    for (const i of run.diffIdx) {
      const s = p.structure[i]!;
      const c = cot[i];
      if (s === 'general' || !(c instanceof Tensor)) continue;
      rec.ran('structure');
      const viol = checkInStructure(c, s, run.structureRtol);
      if (viol) {
        const v = p.values[i] as Tensor;
        rec.fail(
          'structure',
          `argument ${i} is ${s} but the rule's cotangent is ${viol.what} = ${viol.amount.toExponential(2)} at [${multiIndex(v.shape, viol.index).join(', ')}] ` +
            `(max |X| = ${viol.scale.toExponential(2)}, tolerance ${run.structureRtol}·max|X|); project it (e.g. (X + Xᵀ)/2) inside the rule`,
        );
      }
    }
  }

  // Pullback against finite differences, one argument at a time.
  if (rec.wants('vjp')) {
    for (const i of run.diffIdx) {
      rec.guard('vjp', `argument ${i}`, () => {
        const dir = run.tangentFor(i);
        const dirs = p.values.map((_, k) => (k === i ? dir : undefined));
        const ctFlat = flattenLike(p.values[i], cot[i]).flat;
        const dxFlat = flattenLike(p.values[i], dir).flat;
        const ruleVal = dotFlat(ctFlat, dxFlat);
        const fd = run.fd(dirs, (out) => Float64Array.of(dotFlat(ct.viewFlat, flattenLike(ct.viewValue, out).flat)), run.central);
        const ok = rec.compare('vjp', `⟨x̄, ẋ⟩ for argument ${i}`, Float64Array.of(ruleVal), fd.value, {
          errors: fd.errors,
          floor: 1e-3 * absDotFlat(ctFlat, dxFlat),
        });
        if (!ok) rec.amendLast(locateWorstEntry(run, i, ctFlat, ct));
      });
    }
  }

  // A second call of the pullback gives the same cotangents.
  rec.guard('repeatable', 'the second pullback call', () => {
    const again = pullback(ct.rawCt);
    for (const i of run.diffIdx) {
      const a = flattenLike(p.values[i], again[i]).flat;
      const b = flattenLike(p.values[i], cot[i]).flat;
      rec.compare('repeatable', `argument ${i}: second pullback call vs first`, a, b, { rtol: 1e-14, name: (k) => entryName(layoutOf(p.values[i]), k) });
    }
  });

  // Zero cotangents.
  rec.guard('zero-tangent', 'the pullback of a zero cotangent', () => {
    const z = pullback(zerosLike(y));
    for (const i of run.diffIdx) {
      const c = z[i];
      const flat = flattenLike(p.values[i], c).flat;
      const m = maxAbs(flat);
      if (m !== 0) rec.fail('zero-tangent', `argument ${i}: a zero output cotangent gave a cotangent with max |x̄| = ${m.toExponential(2)} (expected exactly zero)`);
    }
    // Structured outputs: each top-level field as ZeroTangent must act like a zero tensor there.
    const raw = ct.rawCt;
    const fields = Array.isArray(raw) ? raw.map((_, k) => k) : isPlainObject(raw) ? Object.keys(raw) : [];
    if (fields.length >= 2) {
      for (const key of fields) {
        const withZero = Array.isArray(raw) ? [...raw] : { ...(raw as Record<string, unknown>) };
        const withZeros = Array.isArray(raw) ? [...raw] : { ...(raw as Record<string, unknown>) };
        const yField = (y as Record<string | number, unknown>)[key];
        if (!(yField instanceof Tensor)) continue;
        (withZero as Record<string | number, unknown>)[key] = ZeroTangent;
        (withZeros as Record<string | number, unknown>)[key] = zeros(yField.shape, yField.dtype);
        const a = pullback(withZero);
        const b = pullback(withZeros);
        for (const i of run.diffIdx) {
          rec.compare('zero-tangent', `argument ${i} with ZeroTangent for output field ${String(key)} vs a zero tensor there`, flattenLike(p.values[i], a[i]).flat, flattenLike(p.values[i], b[i]).flat, {
            rtol: 1e-12,
            name: (k) => entryName(layoutOf(p.values[i]), k),
          });
        }
      }
    }
  });

  run.dotProductCheck();
  if (opts.order === 2 || (opts.checks?.includes('order2') ?? false)) run.order2Rrule(ct.viewCt);
  return run.finish();
}

/** On a failed vjp check: the full FD gradient of ⟨ȳ, f⟩ in argument i, to name the worst entry. */
function locateWorstEntry(run: Run, i: number, ctFlat: Float64Array, ct: { viewFlat: Float64Array; viewValue: unknown }): string {
  const v = run.p.values[i];
  if (!(v instanceof Tensor) || v.size > 400) return '';
  try {
    const s = (xi: Tensor) => {
      const vals = run.values64.map((a, k) => (k === i ? xi : a));
      return dotFlat(ct.viewFlat, flattenLike(ct.viewValue, run.viewOf(run.p.call(vals))).flat);
    };
    const structure = run.p.structure[i]!;
    const g = fdGradDetailed(s, new Structured(v, structure), { fdm: run.central });
    const ruleCt = projectRaw(new Tensor(v.shape, v.dtype === 'complex128' ? 'complex128' : 'float64', ctFlat.slice(0, v.size), v.dtype === 'complex128' ? ctFlat.slice(v.size) : undefined), structure);
    const a = flatten(ruleCt);
    const b = flatten(g.value);
    const e = flatten(g.error);
    let worst = -1;
    let wd = -1;
    for (let k = 0; k < a.length; k++) {
      const d = Math.abs(a[k]! - b[k]!) - run.rec.tol.fdErrorFactor * e[k]!;
      if (d > wd) {
        wd = d;
        worst = k;
      }
    }
    if (worst < 0) return '';
    const lay = layoutOf(v);
    const name = entryName(lay, worst);
    return `; worst gradient entry ${name}: rule ${formatNumber(a[worst]!)}, FD ${formatNumber(b[worst]!)} (±${e[worst]!.toExponential(2)})${
      structure !== 'general' ? ` (rule cotangent projected onto ${structure})` : ''
    }`;
  } catch {
    return '';
  }
}

/**
 * Tests a forward rule (or a plain function through `jvp`) against finite differences and the rule contract.
 *
 * **Method**: for each differentiable argument k a seeded random tangent ẋₖ inside its structure (and, with several
 * differentiable arguments, all of them jointly): `jvp` compares the frule's ẏ (through the `output` view when given)
 * with the finite-difference derivative of t ↦ f(x + t ẋ), entry by entry, each with its own error estimate. Also
 * `primal`, `tangent-type` (a Tensor or ZeroTangent of the output's shape and dtype per output leaf), `zero-tangent`
 * (zero tangents in — `ZeroTangent` for rules declaring `zeroTangents: 'structural'` — give zero out), `mutation`,
 * `dot-product` against the rrule, and with `order: 2` the forward-over-forward second derivative against FD of the
 * jvp.
 *
 * **Numerical notes**: as {@link testRrule}. With `oneSided: true` the reference is a forward (one-sided) difference
 * along +ẋ, which is what the frule must return at an exactly repeated eigenvalue (eigenvalues of Uᵀ Ȧ U, sorted).
 *
 * **References**: ChainRulesTestUtils.jl `test_frule`; JAX `check_jvp`; FiniteDifferences.jl `jvp`.
 *
 * @example
 * ```ts
 * testFrule(exp, [tensor([0, 1])]).ok;   // true
 * // forward-over-forward too, through a plain function of two arguments
 * testFrule((a, b) => mul(sin(a), b), [tensor([0.5]), tensor([2])], { order: 2, throws: true });
 * ```
 */
export function testFrule(f: FunctionUnderTest, args: readonly unknown[], opts: RuleTestOptions = {}): TestReport {
  const p = prepare(f, args, opts.name);
  const run = new Run(p, opts, 'testFrule');
  const rec = run.rec;
  const joint: unknown[] = p.values.map((_, i) => (p.diff[i] ? run.tangentFor(i) : undefined));
  const st: { y?: unknown; dy?: unknown; ok?: boolean } = {};
  rec.guard('setup', 'the frule', () => {
    const tangents = run.fruleTangents(joint);
    const snapArgs = snapshot(p.values);
    const snapTan = snapshot(tangents);
    [st.y, st.dy] = p.frule(p.values, tangents);
    run.checkMutation('mutation', snapArgs, 'the frule');
    run.checkMutation('mutation', snapTan, 'the frule (its tangents)');
    st.ok = true;
  });
  run.endSetup();
  if (!st.ok) return run.finish();
  const y = st.y;
  const dy = st.dy;
  run.primalCheck(y, 'the frule');
  run.tangentTypeCheck(y, dy);

  // Pushforward against finite differences: each argument alone, then all together.
  if (rec.wants('jvp')) {
    const cases: { where: string; dirs: unknown[] }[] = [];
    if (run.diffIdx.length > 1) {
      for (const i of run.diffIdx) cases.push({ where: `argument ${i}`, dirs: p.values.map((_, k) => (k === i ? run.tangentFor(i) : undefined)) });
    }
    if (run.diffIdx.length > 0) cases.push({ where: run.diffIdx.length > 1 ? 'all arguments' : `argument ${run.diffIdx[0]}`, dirs: joint });
    for (const c of cases) {
      rec.guard('jvp', c.where, () => {
        const [yc, dyc] = c.dirs === joint ? [y, dy] : p.frule(p.values, run.fruleTangents(c.dirs));
        const t = run.viewTangent(yc, dyc);
        const fd = run.fd(c.dirs, (out) => flattenLike(t.layoutOwner, out).flat);
        const lay = layoutOf(t.layoutOwner);
        rec.compare('jvp', `ẏ along ${c.where}${opts.oneSided ? ' (one-sided, t → 0⁺)' : ''}`, t.flat, fd.value, {
          errors: fd.errors,
          name: (k) => `output ${entryName(lay, k)}`,
        });
      });
    }
  }

  rec.guard('zero-tangent', 'the frule with zero tangents', () => {
    const [, dz] = p.frule(p.values, run.fruleTangents([]));
    const flat = flattenLike(y, dz).flat;
    const m = maxAbs(flat);
    if (m !== 0) rec.fail('zero-tangent', `zero tangents in gave an output tangent with max |ẏ| = ${m.toExponential(2)} (expected exactly zero)`);
  });

  run.dotProductCheck();
  if (opts.order === 2 || (opts.checks?.includes('order2') ?? false)) run.order2Frule();
  return run.finish();
}
