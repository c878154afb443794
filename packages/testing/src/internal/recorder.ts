/**
 * Collects the checks run, failures and worst comparison of one test, and does the numerical comparisons
 * |rule − fd| ≤ atol + rtol·scale + c·fdError. Internal.
 * @module
 */
import { ALL_CHECKS, describeEntry, formatReport, type CheckFailure, type CheckName, type EntryComparison, type TestReport } from '../report.js';

/** Tolerances of a comparison. */
export interface Tolerances {
  rtol: number;
  atol: number;
  /** Multiplier of the finite-difference error estimate. */
  fdErrorFactor: number;
}

/** Options of one vector comparison. */
export interface CompareOptions {
  /** FD error estimate per entry (absent: the reference is exact up to rounding). */
  errors?: Float64Array | undefined;
  /** Names entries for messages. */
  name?: (i: number) => string;
  /** Override of the relative tolerance for this comparison. */
  rtol?: number;
  /** A scale floor: entries are compared relative to max(|a|, |b|, floor). Default 1e-2·max(‖a‖∞, ‖b‖∞). */
  floor?: number;
}

/**
 * An absolute floor under every tolerance: results of ~1e-300 and below (inputs a property test shrank to subnormal
 * values, say) have lost their relative precision, and rtol·scale would underflow to 0.
 */
const TINY = 1e-290;

export class Recorder {
  readonly checks = new Set<CheckName>();
  readonly failures: CheckFailure[] = [];
  worst: EntryComparison | undefined;
  private worstRatio = -1;
  worstRelError = 0;

  constructor(
    readonly test: TestReport['test'],
    readonly rule: string,
    readonly tol: Tolerances,
    readonly seed: number,
    private readonly enabled: ReadonlySet<CheckName> | undefined,
  ) {}

  /** Whether a check should run (all run unless the `checks` option names a subset). */
  wants(check: CheckName): boolean {
    return this.enabled === undefined || this.enabled.has(check) || check === 'setup';
  }

  ran(check: CheckName): void {
    this.checks.add(check);
  }

  fail(check: CheckName, message: string, entry?: EntryComparison): void {
    this.checks.add(check);
    this.failures.push(entry ? { check, rule: this.rule, message, entry } : { check, rule: this.rule, message });
  }

  /** Runs `body` as check `check`, turning an exception into a failure of that check. */
  guard(check: CheckName, what: string, body: () => void): void {
    if (!this.wants(check)) return;
    this.ran(check);
    try {
      body();
    } catch (e) {
      const err = e as Error;
      this.fail(check, `${what} threw ${err?.name ?? 'an error'}: ${err?.message ?? String(e)}`);
    }
  }

  /**
   * Compares a (rule) against b (reference) entrywise; records the worst entry and a failure when any entry exceeds
   * atol + rtol·max(|aᵢ|, |bᵢ|, floor) + c·errᵢ. Returns true when all entries pass.
   */
  compare(check: CheckName, where: string, a: Float64Array, b: Float64Array, o: CompareOptions = {}): boolean {
    this.checks.add(check);
    if (a.length !== b.length) {
      this.fail(check, `${where}: the rule gives ${a.length} values but the reference ${b.length}`);
      return false;
    }
    let norm = 0;
    for (let i = 0; i < a.length; i++) norm = Math.max(norm, Math.abs(a[i]!), Math.abs(b[i]!));
    const floor = o.floor ?? 1e-2 * norm;
    const rtol = o.rtol ?? this.tol.rtol;
    let worstI = -1;
    let worstRatio = -1;
    let worstTol = 0;
    let worstRel = 0;
    for (let i = 0; i < a.length; i++) {
      const ai = a[i]!;
      const bi = b[i]!;
      const err = o.errors?.[i] ?? 0;
      const d = Math.abs(ai - bi);
      const tol = this.tol.atol + rtol * Math.max(Math.abs(ai), Math.abs(bi), floor) + this.tol.fdErrorFactor * err + TINY;
      let ratio: number;
      if (Number.isNaN(ai) !== Number.isNaN(bi) || (Number.isNaN(ai) && Number.isNaN(bi))) ratio = Infinity;
      else if (ai === bi) ratio = 0;
      else ratio = tol > 0 ? d / tol : Infinity;
      if (Number.isNaN(ratio)) ratio = Infinity;
      // Relative error against the reference; values indistinguishable from zero within the FD error count as 0
      // (a linear function's FD second derivative is noise around an exact 0).
      const denom = Math.max(Math.abs(bi), floor);
      const noise = this.tol.fdErrorFactor * err;
      const rel = d === 0 || (noise > 0 && Math.max(Math.abs(ai), Math.abs(bi)) <= noise) ? 0 : denom > 0 ? d / denom : Infinity;
      this.worstRelError = Math.max(this.worstRelError, Number.isNaN(rel) ? Infinity : rel);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worstI = i;
        worstTol = tol;
        worstRel = Number.isNaN(rel) ? Infinity : rel;
      }
    }
    if (worstI < 0) return true;
    const entry: EntryComparison = {
      check,
      where,
      index: o.name ? o.name(worstI) : a.length === 1 ? '' : `[${worstI}]`,
      ruleValue: a[worstI]!,
      fdValue: b[worstI]!,
      fdError: o.errors?.[worstI] ?? 0,
      tolerance: worstTol,
      relError: worstRel,
    };
    if (worstRatio > this.worstRatio) {
      this.worstRatio = worstRatio;
      this.worst = entry;
    }
    if (worstRatio > 1) {
      this.failures.push({ check, rule: this.rule, message: describeEntry(entry), entry });
      return false;
    }
    return true;
  }

  /** Appends diagnostics to the last failure's message. */
  amendLast(extra: string): void {
    const f = this.failures[this.failures.length - 1];
    if (f) f.message += extra;
  }

  report(context?: string): TestReport {
    const order = (c: CheckName) => ALL_CHECKS.indexOf(c);
    const checks = [...this.checks].sort((x, y) => order(x) - order(y));
    const base = {
      ok: this.failures.length === 0,
      rule: this.rule,
      test: this.test,
      checks,
      failures: this.failures,
      worst: this.worst,
      worstRelError: this.worstRelError,
      seed: this.seed,
    };
    return { ...base, message: formatReport(base, context) };
  }
}
