import { describe, expect, it } from 'vitest';
import { castTensor, complex, defineRule, exp, mul, rules, tensor, type DifferentiableFunction, type Tensor } from '@ad/core';
import { runConformance } from '../src/index.js';
import * as P from './fixtures/planted.js';

const x = tensor([0.3, -0.7, 1.1]);
const y = tensor([1.5, 0.2, -0.4]);
const pos = tensor([0.5, 1.3, 2.2]);
const M = tensor([[0.5, -1.2, 0.3], [0.8, 0.1, -0.6]]);
const S = tensor([[2, 0.5, -0.3], [0.5, 1, 0.8], [-0.3, 0.8, 3]]);
const z = complex(tensor([0.3, -1.2, 0.5]), tensor([0.7, 0.4, -0.9]));
const w = complex(tensor([1.1, 0.2, -0.5]), tensor([-0.3, 0.6, 0.25]));

/** Samples for each of the core's rules, passed explicitly (runConformance runs them besides the rules' own declared samples). */
const coreSamples: Record<string, unknown[][]> = {
  '@ad/core/add': [[x, y], [M, tensor([1, 2, 3])], [z, x]],
  '@ad/core/sub': [[x, y], [z, w]],
  '@ad/core/mul': [[x, y], [M, tensor([[2], [-1]])], [z, w], [x, z]],
  '@ad/core/div': [[x, pos], [z, w]],
  '@ad/core/neg': [[x], [z]],
  '@ad/core/scale': [[x, 2.5], [z, -1.5]],
  '@ad/core/exp': [[x], [z], [castTensor(x, 'float32')]],
  '@ad/core/log': [[pos], [z]],
  '@ad/core/sqrt': [[pos], [z]],
  '@ad/core/pow': [[pos, 2.5], [x, 3]],
  '@ad/core/abs': [[x], [z]],
  '@ad/core/square': [[x], [z]],
  '@ad/core/sin': [[x], [z]],
  '@ad/core/cos': [[x], [z]],
  '@ad/core/tanh': [[x], [z]],
  '@ad/core/real': [[z], [x]],
  '@ad/core/imag': [[z]],
  '@ad/core/conj': [[z], [x]],
  '@ad/core/complex': [[x, y]],
  '@ad/core/cast': [[x, 'complex128'], [x, 'float32']],
  '@ad/core/matmul': [[S, M.shape[0] === 2 ? tensor([[1, 2], [0.5, -1], [3, 0.25]]) : S], [M, x], [x, S]],
  '@ad/core/transpose': [[M]],
  '@ad/core/adjoint': [[M]],
  '@ad/core/trace': [[S]],
  '@ad/core/dot': [[x, y], [M, M]],
  '@ad/core/diag': [[S], [M]],
  '@ad/core/diagm': [[x]],
  '@ad/core/sum': [[M], [M, 1], [z]],
  '@ad/core/mean': [[M], [M, 0]],
  '@ad/core/max': [[x], [M, 1]],
  '@ad/core/min': [[x], [M, 0]],
  '@ad/core/reshape': [[M, [3, 2]]],
  '@ad/core/slice': [[M, [0, 1], [2, 3]]],
  '@ad/core/concat': [[0, x, y], [1, M, M]],
  '@ad/core/broadcastTo': [[x, [2, 3]]],
  '@ad/core/sumTo': [[M, [3]]],
  '@ad/core/where': [[tensor([1, 0, 1]), x, y]],
};

describe('runConformance', () => {
  it('passes every core rule on samples given to runConformance (in addition to the samples the rules declare)', () => {
    const res = runConformance(rules, { samples: coreSamples, order: 2 });
    const failed = res.rows.filter((r) => !r.ok);
    expect(failed.map((r) => r.rule), res.table).toEqual([]);
    expect(res.ok).toBe(true);
    for (const row of res.rows) {
      expect(row.samples).toBeGreaterThan(0);
      expect(row.checks).toEqual(expect.arrayContaining(['primal', 'vjp', 'jvp', 'dot-product', 'mutation']));
      expect(row.worstRelError).toBeLessThan(1e-4);
    }
  });

  it('prints a table with rule, samples, checks run, worst relative error and result', () => {
    const lines: string[] = [];
    const res = runConformance([P.goodExp, P.signErrorExp], { samples: { 'good/exp': [[x]], 'planted/sign-error': [[x]] }, print: (t) => lines.push(t) });
    expect(res.ok).toBe(false);
    expect(lines).toHaveLength(1);
    const table = lines[0]!;
    expect(table.split('\n')[0]).toMatch(/^rule\s+\| samples \| checks\s+\| worst rel\. error \| result$/);
    expect(table).toMatch(/good\/exp\s+\| 1\s+\| \d+: primal, vjp/);
    expect(table).toMatch(/planted\/sign-error .*\| 2\.00e\+0\s+\| FAIL/);
    expect(table).toContain('1 of 2 rules passed');
    expect(table).toMatch(/planted\/sign-error \(sample 0, testRrule\) ✗ vjp/);
    expect(res.rows[0]).toMatchObject({ rule: 'good/exp', ok: true, status: 'pass', samples: 1 });
  });

  it('reports rules without samples instead of silently passing them', () => {
    const res = runConformance([P.goodExp]);
    expect(res.ok).toBe(false);
    expect(res.rows[0]).toMatchObject({ status: 'no samples', ok: false, samples: 0 });
    expect(res.table).toContain('FAIL (no samples)');
    const lenient = runConformance([P.goodExp], { requireSamples: false });
    expect(lenient.ok).toBe(true);
    expect(lenient.table).toContain('SKIP (no samples)');
  });

  it('uses samples declared on the rule, per-rule options, and rejects duplicate names', () => {
    const sampled: DifferentiableFunction<[Tensor], Tensor> = defineRule({
      name: 'good/sampled-exp',
      structure: ['general'],
      samples: (): [Tensor][] => [[x], [z]],
      primal: (a: Tensor) => exp(a),
      frule: ([a], [da]) => [sampled(a), mul(exp(a), da)],
      rrule: (a: Tensor) => [sampled(a), (dy: Tensor) => [mul(dy, exp(a))]],
    });
    // real-only pullback: right for x, wrong (conjugate convention) for z
    const res = runConformance([sampled]);
    expect(res.rows[0]!.samples).toBe(2);
    expect(res.rows[0]!.failures.every((f) => f.sample === 1)).toBe(true);
    expect(res.ok).toBe(false);
    const only = runConformance([sampled], { ruleOptions: { 'good/sampled-exp': { checks: ['primal', 'mutation'] } } });
    expect(only.ok).toBe(true);
    expect(only.rows[0]!.checks.sort()).toEqual(['mutation', 'primal']);
    const dup = runConformance([P.goodExp, P.goodExp], { samples: { 'good/exp': [[x]] } });
    expect(dup.rows.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
  });
});
