/**
 * The conformance suite: every rule of a package's `rules` list through `testRrule` and `testFrule` on each of its
 * declared samples, summarised in a table (rule, samples, checks run, worst relative error, pass/fail).
 * @module
 */
import type { AnyRule } from '@ad/core';
import { testFrule, testRrule, type RuleTestOptions } from './rule-test.js';
import type { CheckFailure, CheckName } from './report.js';

/** Options of {@link runConformance}. */
export interface ConformanceOptions extends Omit<RuleTestOptions, 'tangents' | 'cotangent' | 'throws' | 'name'> {
  /** Samples for rules that declare none (or extra ones), keyed by rule name: a list of argument lists. */
  samples?: Readonly<Record<string, readonly (readonly unknown[])[]>>;
  /** Per-rule test options (e.g. an `output` view or `oneSided`), keyed by rule name. */
  ruleOptions?: Readonly<Record<string, RuleTestOptions>>;
  /** A rule without samples fails the suite (default true); false reports it as skipped. */
  requireSamples?: boolean;
  /** Print the table: true for console.log, or a function receiving it. */
  print?: boolean | ((table: string) => void);
}

/** One row of the conformance table. */
export interface ConformanceRow {
  /** The rule's name. */
  rule: string;
  /** Number of samples tested. */
  samples: number;
  /** The checks that ran (union over samples and both tests). */
  checks: CheckName[];
  /** Largest relative error over all numerical comparisons. */
  worstRelError: number;
  /** Whether the rule passed (false for a rule without samples unless `requireSamples: false`). */
  ok: boolean;
  /** `'pass'`, `'fail'`, `'no samples'`, or `'duplicate'` (two rules with one name). */
  status: 'pass' | 'fail' | 'no samples' | 'duplicate';
  /** The failures, each prefixed with the sample it came from. */
  failures: (CheckFailure & { sample: number; test: 'testRrule' | 'testFrule' })[];
}

/** The result of {@link runConformance}. */
export interface ConformanceResult {
  /** True when every row passed. */
  ok: boolean;
  rows: ConformanceRow[];
  /** The table as text. */
  table: string;
}

function samplesOf(rule: AnyRule): readonly (readonly unknown[])[] {
  const s = rule.rule.samples as readonly (readonly unknown[])[] | (() => readonly (readonly unknown[])[]) | undefined;
  if (s === undefined) return [];
  return typeof s === 'function' ? s() : s;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/**
 * Renders conformance rows as the fixed-width table `runConformance` prints, followed by a summary line and the first
 * failures of each failing rule.
 *
 * **Method**: one row per rule: name, samples, the checks run, the worst relative error, PASS/FAIL/SKIP.
 *
 * **Numerical notes**: relative errors are printed with 3 significant digits.
 *
 * **References**: ChainRulesTestUtils.jl's test summaries.
 *
 * @example
 * ```ts
 * const { rows } = runConformance([exp], { samples: { '@ad/core/exp': [[tensor([0.5])]] } });
 * formatConformanceTable(rows);   // "rule | samples | checks | worst rel. error | result …"
 * ```
 */
export function formatConformanceTable(rows: readonly ConformanceRow[]): string {
  const header = ['rule', 'samples', 'checks', 'worst rel. error', 'result'];
  const body = rows.map((r) => [
    r.rule,
    String(r.samples),
    r.checks.length ? `${r.checks.length}: ${r.checks.join(', ')}` : '—',
    r.samples > 0 ? r.worstRelError.toExponential(2) : '—',
    r.status === 'pass' ? 'PASS' : r.status === 'fail' ? 'FAIL' : r.status === 'duplicate' ? 'FAIL (duplicate name)' : r.ok ? 'SKIP (no samples)' : 'FAIL (no samples)',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, widths[i]!)).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)];
  const failed = rows.filter((r) => !r.ok);
  out.push('', `${rows.length - failed.length} of ${rows.length} rules passed`);
  for (const r of failed) {
    for (const f of r.failures.slice(0, 5)) out.push(`  ${r.rule} (sample ${f.sample}, ${f.test}) ✗ ${f.check}: ${f.message}`);
    if (r.failures.length > 5) out.push(`  ${r.rule}: … ${r.failures.length - 5} more failures`);
  }
  return out.join('\n');
}

/**
 * Runs the conformance suite over a list of rules (a package's `rules` export).
 *
 * **Method**: for each rule, each declared sample (`defineRule({ samples })`, an argument list or a function returning
 * them) and each sample given in `opts.samples[rule name]` is run through {@link testRrule} and {@link testFrule}
 * with the rule's options (`opts.ruleOptions[rule name]` over the shared ones). A rule without samples is reported as
 * such and fails the suite unless `requireSamples: false` — never silently passed. Two rules sharing a name fail.
 *
 * **Numerical notes**: tolerances as in {@link testRrule}; the worst relative error is over every numerical comparison
 * (FD checks, the dot-product test, primal agreement).
 *
 * **References**: ChainRulesTestUtils.jl (`test_rrule`, `test_frule`), whose per-rule checks this runs in bulk.
 *
 * @example
 * ```ts
 * const { ok, table } = runConformance(rules, { samples: { '@ad/core/exp': [[tensor([0.5, 1])]] }, requireSamples: false });
 * console.log(table);
 * ```
 */
export function runConformance(rules: readonly AnyRule[], opts: ConformanceOptions = {}): ConformanceResult {
  const { samples: extra, ruleOptions, requireSamples = true, print, ...shared } = opts;
  const rows: ConformanceRow[] = [];
  const seen = new Map<string, number>();
  for (const r of rules) seen.set(r.ruleName, (seen.get(r.ruleName) ?? 0) + 1);
  for (const rule of rules) {
    const name = rule.ruleName;
    const list = [...samplesOf(rule), ...(extra?.[name] ?? [])];
    const o: RuleTestOptions = { ...shared, ...(ruleOptions?.[name] ?? {}) };
    const row: ConformanceRow = { rule: name, samples: list.length, checks: [], worstRelError: 0, ok: true, status: 'pass', failures: [] };
    const checks = new Set<CheckName>();
    list.forEach((args, k) => {
      for (const [test, fn] of [
        ['testRrule', testRrule],
        ['testFrule', testFrule],
      ] as const) {
        let rep;
        try {
          rep = fn(rule, args, o);
        } catch (e) {
          row.failures.push({ check: 'setup', rule: name, message: `${test} threw: ${(e as Error).message}`, sample: k, test });
          continue;
        }
        rep.checks.forEach((c) => checks.add(c));
        row.worstRelError = Math.max(row.worstRelError, rep.worstRelError);
        for (const f of rep.failures) row.failures.push({ ...f, sample: k, test });
      }
    });
    row.checks = [...checks];
    if ((seen.get(name) ?? 0) > 1) {
      row.status = 'duplicate';
      row.ok = false;
    } else if (list.length === 0) {
      row.status = 'no samples';
      row.ok = !requireSamples;
    } else if (row.failures.length > 0) {
      row.status = 'fail';
      row.ok = false;
    }
    rows.push(row);
  }
  const table = formatConformanceTable(rows);
  if (print === true) console.log(table);
  else if (typeof print === 'function') print(table);
  return { ok: rows.every((r) => r.ok), rows, table };
}
