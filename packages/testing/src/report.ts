/**
 * Reports of the rule tests: which checks ran, what failed (with the worst entry and the seed that reproduces it), and
 * the formatted message a rule author reads.
 * @module
 */

/** The checks of {@link testRrule} / {@link testFrule} / {@link checkGrad}. */
export type CheckName =
  | 'primal'
  | 'jvp'
  | 'vjp'
  | 'dot-product'
  | 'tangent-type'
  | 'cotangent-type'
  | 'structure'
  | 'zero-tangent'
  | 'nondiff'
  | 'thunks'
  | 'mutation'
  | 'repeatable'
  | 'order2'
  | 'grad'
  | 'hvp'
  | 'setup';

/** Every check name, in the order reports list them. */
export const ALL_CHECKS: readonly CheckName[] = [
  'primal',
  'jvp',
  'vjp',
  'dot-product',
  'tangent-type',
  'cotangent-type',
  'structure',
  'zero-tangent',
  'nondiff',
  'thunks',
  'mutation',
  'repeatable',
  'order2',
  'grad',
  'hvp',
  'setup',
];

/** The numbers behind a numerical comparison's worst entry. */
export interface EntryComparison {
  /** Which check. */
  check: CheckName;
  /** Where: `argument 0`, `output values[2]`, `⟨x̄, ẋ⟩ for argument 1`. */
  where: string;
  /** Entry name, e.g. `[1, 0]` or `vectors[0, 2] (imag)`; empty for a scalar comparison. */
  index: string;
  /** The rule's (or the AD's) value. */
  ruleValue: number;
  /** The finite-difference (or reference) value. */
  fdValue: number;
  /** The finite-difference error estimate for this entry (0 when the reference is not a finite difference). */
  fdError: number;
  /** The tolerance the entry was held to: atol + rtol·scale + c·fdError. */
  tolerance: number;
  /** |rule − fd| / max(|fd|, scale floor). */
  relError: number;
}

/** One failed check. */
export interface CheckFailure {
  /** Which check failed. */
  check: CheckName;
  /** The rule (or function) tested. */
  rule: string;
  /** What went wrong, in one sentence. */
  message: string;
  /** The worst entry, for numerical checks. */
  entry?: EntryComparison;
}

/** The result of {@link testRrule}, {@link testFrule} or {@link checkGrad}. */
export interface TestReport {
  /** True when every check passed. */
  ok: boolean;
  /** The rule's name (or the function's). */
  rule: string;
  /** Which test produced the report. */
  test: 'testRrule' | 'testFrule' | 'checkGrad';
  /** The checks that ran. */
  checks: CheckName[];
  /** The failures, in the order found. */
  failures: CheckFailure[];
  /** The numerical comparison with the largest error relative to its tolerance (passed or not). */
  worst: EntryComparison | undefined;
  /** Largest relative error over all numerical comparisons. */
  worstRelError: number;
  /** The seed of the random tangents and cotangents. */
  seed: number;
  /** The formatted report (what `throws: true` throws). */
  message: string;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? x.toPrecision(12).replace(/\.?0+$/, '') : x.toExponential(6);
}

function fmtErr(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/** One line describing an entry comparison. */
const LABELS: Partial<Record<CheckName, [string, string]>> = {
  'dot-product': ['frule side', 'rrule side'],
  primal: ['rule', 'plain call'],
  repeatable: ['second call', 'first call'],
  'zero-tangent': ['with ZeroTangent', 'with zeros'],
  grad: ['AD', 'FD'],
  hvp: ['AD', 'FD'],
};

export function describeEntry(e: EntryComparison): string {
  const at = e.index ? ` at ${e.index}` : '';
  const [a, b] = LABELS[e.check] ?? ['rule', 'FD'];
  return (
    `${e.where}${at}: ${a} ${fmt(e.ruleValue)}, ${b} ${fmt(e.fdValue)}` +
    (e.fdError > 0 ? ` (FD error estimate ±${fmtErr(e.fdError)})` : '') +
    `, |difference| ${fmtErr(Math.abs(e.ruleValue - e.fdValue))} > tolerance ${fmtErr(e.tolerance)} (relative error ${fmtErr(e.relError)})`
  );
}

/** Formats a report as the text a rule author reads. */
export function formatReport(r: Omit<TestReport, 'message'>, context?: string): string {
  const head = `${r.test}(${r.rule}) ${r.ok ? 'passed' : `failed ${new Set(r.failures.map((f) => f.check)).size} of ${r.checks.length} checks`} (seed ${r.seed})`;
  const lines = [head + (r.ok ? `: ${r.checks.join(', ')}; worst relative error ${fmtErr(r.worstRelError)}` : ':')];
  for (const f of r.failures) lines.push(`  ✗ ${f.check}: ${f.message}`);
  if (!r.ok) {
    lines.push(`  checks run: ${r.checks.join(', ')}`);
    lines.push(`  reproduce with { seed: ${r.seed} }${context ? `; ${context}` : ''}`);
  }
  return lines.join('\n');
}

export { fmt as formatNumber };
