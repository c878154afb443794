import { describe, expect, it } from 'vitest';
import { runConformance } from '@ad/testing';
import { rules } from '../src/index.js';

describe('the core’s rules list', () => {
  it('names every base op once, and each passes the conformance suite on its declared samples, to second order', () => {
    const names = rules.map((r) => r.ruleName);
    expect(new Set(names).size).toBe(names.length);
    const res = runConformance(rules, { order: 2 });
    const failing = res.rows.filter((r) => !r.ok);
    expect(failing.map((r) => `${r.rule}: ${r.status}`)).toEqual([]);
    expect(res.ok).toBe(true);
    for (const row of res.rows) expect(row.samples).toBeGreaterThan(0);
  });
});
