import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/ad-check.js', import.meta.url));
const pkg = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));

function adCheck(args: string[], cwd = pkg): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ad-check', () => {
  it('exits 0 and prints the table for a module whose rules all pass', () => {
    const r = adCheck(['test/fixtures/cli-good.ts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rule\s+\| samples \| checks/);
    expect(r.stdout).toMatch(/fixture\/exp\s+\| 2\s+\|.*\| PASS/);
    expect(r.stdout).toMatch(/fixture\/cube\s+\| 1\s+\|.*\| PASS/);
    expect(r.stdout).toContain('2 of 2 rules passed');
  });

  it('exits 1 and names the failing rule and check for a module with a planted bad rule', () => {
    const r = adCheck(['test/fixtures/cli-bad.ts']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fixture\/bad-cube\s+\|.*\| FAIL/);
    expect(r.stdout).toContain('2 of 3 rules passed');
    expect(r.stdout).toMatch(/fixture\/bad-cube \(sample 0, testRrule\) ✗ vjp/);
  });

  it('resolves the module path against the working directory', () => {
    const r = adCheck(['cli-good.ts'], fixtures);
    expect(r.code).toBe(0);
  });

  it('treats a module without rules, a missing module and bad usage as errors (exit 2)', () => {
    const none = adCheck(['test/fixtures/cli-none.ts']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exports no rules/);
    const missing = adCheck(['test/fixtures/does-not-exist.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot find/);
    expect(adCheck([]).code).toBe(2);
    const order = adCheck(['test/fixtures/cli-good.ts', '--order', '3']);
    expect(order.code).toBe(2);
    expect(order.stderr).toMatch(/--order needs 1 or 2, got 3/);
    const help = adCheck(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: ad-check <module>/);
  });
});
