import { AdError } from '@ad/core';
import { describe, expect, it } from 'vitest';
import { backwardFdm, centralFdm, forwardFdm } from '../src/index.js';

/** Deterministic pseudo-random noise in [−1, 1] as a function of x (a hash of its bits). */
function hashNoise(x: number): number {
  const b = new Float64Array([x]);
  const u = new Uint32Array(b.buffer);
  let h = (u[0]! ^ Math.imul(u[1]!, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return (((h ^ (h >>> 15)) >>> 0) / 2 ** 32) * 2 - 1;
}

const smooth: [string, (x: number) => number, (x: number) => number, number][] = [
  ['sin', Math.sin, Math.cos, 1],
  ['exp', Math.exp, Math.exp, 1],
  ['exp∘sin', (x) => Math.exp(Math.sin(x)), (x) => Math.exp(Math.sin(x)) * Math.cos(x), 0.7],
  ['polynomial', (x) => x ** 5 - 3 * x ** 2 + 1, (x) => 5 * x ** 4 - 6 * x, 1.3],
  ['exp(10x)', (x) => Math.exp(10 * x), (x) => 10 * Math.exp(10 * x), 2],
  ['sin(exp(x))·x³', (x) => Math.sin(Math.exp(x)) * x ** 3, (x) => Math.cos(Math.exp(x)) * Math.exp(x) * x ** 3 + 3 * x * x * Math.sin(Math.exp(x)), -0.4],
];

describe('stencil weights', () => {
  it('reproduces the classical central, forward and second-derivative stencils exactly', () => {
    expect(centralFdm(3, 1).coefs).toEqual([-0.5, 0, 0.5]);
    expect(centralFdm(5, 1).coefs).toEqual([1 / 12, -2 / 3, 0, 2 / 3, -1 / 12]);
    expect(centralFdm(5, 2).coefs).toEqual([-1 / 12, 4 / 3, -5 / 2, 4 / 3, -1 / 12]);
    expect(forwardFdm(2, 1).coefs).toEqual([-1, 1]);
    expect(backwardFdm(3, 1).coefs).toEqual([0.5, -2, 1.5]);
    expect(centralFdm(4, 1).grid).toEqual([-2, -1, 1, 2]);
  });

  it('satisfies the moment conditions Σ c g^i = q!·δ_iq for 2 to 12 points', () => {
    for (let p = 2; p <= 12; p++) {
      for (let q = 1; q < Math.min(p, 4); q++) {
        for (const m of [centralFdm(p, q), forwardFdm(p, q)]) {
          for (let i = 0; i < p; i++) {
            let s = 0;
            let scale = 0;
            m.grid.forEach((g, j) => {
              s += m.coefs[j]! * g ** i;
              scale += Math.abs(m.coefs[j]! * g ** i);
            });
            const want = i === q ? [1, 1, 2, 6][q]! : 0;
            expect(Math.abs(s - want)).toBeLessThanOrEqual(1e-13 * Math.max(1, scale));
          }
        }
      }
    }
  });

  it('knows the exponents of its truncation error', () => {
    expect(centralFdm(5, 1).errorExponents.slice(0, 3)).toEqual([4, 6, 8]);
    expect(centralFdm(4, 1).errorExponents.slice(0, 2)).toEqual([4, 6]);
    expect(forwardFdm(5, 1).errorExponents.slice(0, 3)).toEqual([4, 5, 6]);
  });

  it('rejects impossible methods', () => {
    expect(() => centralFdm(1, 1)).toThrow(AdError);
    expect(() => centralFdm(3, 3)).toThrow(/derivOrder < points/);
    expect(() => centralFdm(2.5, 1)).toThrow(AdError);
  });
});

describe('adaptive first derivatives', () => {
  it('reaches a relative error ≤ 1e-10 on smooth functions with the default centralFdm(5, 1), and higher orders', () => {
    for (const p of [5, 6, 7, 8, 10]) {
      const m = centralFdm(p, 1);
      for (const [name, f, df, x] of smooth) {
        const r = m.estimate(f, x);
        const rel = Math.abs(r.value - df(x)) / Math.abs(df(x));
        expect(rel, `${name}, ${p} points`).toBeLessThanOrEqual(1e-10);
      }
    }
  });

  it('reaches ≤ 1e-9 with three points and ≤ 1e-10 one-sided with five', () => {
    for (const [name, f, df, x] of smooth) {
      expect(Math.abs(centralFdm(3, 1).estimate(f, x).value - df(x)) / Math.abs(df(x)), name).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(forwardFdm(5, 1).estimate(f, x).value - df(x)) / Math.abs(df(x)), name).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(backwardFdm(5, 1).estimate(f, x).value - df(x)) / Math.abs(df(x)), name).toBeLessThanOrEqual(1e-10);
    }
  });

  it('returns an error estimate that bounds the actual error within a factor 10 and is not vacuous', () => {
    for (const m of [centralFdm(5, 1), centralFdm(7, 1), centralFdm(3, 1), forwardFdm(5, 1)]) {
      for (const [name, f, df, x] of smooth) {
        const r = m.estimate(f, x);
        const err = Math.abs(r.value - df(x));
        expect(err, `${name} (${m.kind} ${m.points})`).toBeLessThanOrEqual(10 * r.error);
        expect(r.error / Math.abs(df(x)), name).toBeLessThan(1e-8);
      }
    }
  });

  it('measures the noise of a noisy function and stays honest where a one-ulp noise model is not', () => {
    for (const amp of [1e-12, 1e-10, 1e-8]) {
      const f = (x: number) => Math.sin(x) + amp * hashNoise(x);
      const measured = centralFdm(5, 1).estimate(f, 1);
      const assumed = centralFdm(5, 1, { noise: 'ulp', check: false }).estimate(f, 1);
      const errMeasured = Math.abs(measured.value - Math.cos(1));
      const errAssumed = Math.abs(assumed.value - Math.cos(1));
      expect(errMeasured).toBeLessThanOrEqual(measured.error);
      expect(errAssumed).toBeGreaterThan(10 * assumed.error); // the one-ulp model underestimates its error
      expect(errMeasured).toBeLessThan(errAssumed); // and measuring the noise picks a better step
      expect(measured.step).toBeGreaterThan(assumed.step);
      // the a posteriori check (second stencil at h/2) catches the underestimate even with the one-ulp model
      const checked = centralFdm(5, 1, { noise: 'ulp' }).estimate(f, 1);
      expect(Math.abs(checked.value - Math.cos(1))).toBeLessThanOrEqual(checked.error);
    }
  });

  it('accounts for cancellation in a sum of many large terms', () => {
    const c = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e3);
    const g = (x: number) => c.reduce((s, ci, i) => s + ci * Math.cos(x + i), 0);
    const dg = (x: number) => c.reduce((s, ci, i) => s - ci * Math.sin(x + i), 0);
    const r = centralFdm(5, 1).estimate(g, 0.3);
    expect(Math.abs(r.value - dg(0.3))).toBeLessThanOrEqual(10 * r.error);
    expect(Math.abs(r.value - dg(0.3)) / Math.abs(dg(0.3))).toBeLessThan(1e-9);
  });

  it('extrapolates with Richardson to ≤ 1e-10 and reports the tableau error', () => {
    const m = centralFdm(5, 1, { richardson: true });
    for (const [name, f, df, x] of smooth) {
      const r = m.estimate(f, x);
      expect(Math.abs(r.value - df(x)) / Math.abs(df(x)), name).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(r.value - df(x)), name).toBeLessThanOrEqual(10 * r.error);
    }
  });

  it('takes one-sided derivatives at a kink', () => {
    expect(forwardFdm(5, 1).estimate(Math.abs, 0).value).toBeCloseTo(1, 12);
    expect(backwardFdm(5, 1).estimate(Math.abs, 0).value).toBeCloseTo(-1, 12);
    expect(Math.abs(centralFdm(5, 1).estimate(Math.abs, 0).value)).toBeLessThan(1e-12);
  });

  it('estimates higher derivatives', () => {
    const d2 = centralFdm(5, 2).estimate(Math.sin, 1);
    expect(Math.abs(d2.value + Math.sin(1)) / Math.sin(1)).toBeLessThan(1e-7);
    const d3 = centralFdm(7, 3).estimate(Math.exp, 0.5);
    expect(Math.abs(d3.value - Math.exp(0.5)) / Math.exp(0.5)).toBeLessThan(1e-5);
    expect(centralFdm(3, 0).estimate(Math.exp, 1).value).toBe(Math.E);
  });

  it('never evaluates farther than maxRange from x', () => {
    const seen: number[] = [];
    const r = centralFdm(5, 1, { maxRange: 1e-4 }).estimate((x) => {
      seen.push(x);
      return Math.log(x);
    }, 1e-3);
    expect(Math.max(...seen.map((t) => Math.abs(t - 1e-3)))).toBeLessThanOrEqual(1e-4 * (1 + 1e-12));
    expect(Math.abs(r.value - 1e3) / 1e3).toBeLessThan(1e-8);
  });

  it('uses a fixed step when asked', () => {
    const r = centralFdm(3, 1, { step: 1e-3 }).estimate(Math.exp, 0);
    expect(r.step).toBe(1e-3);
    expect(r.value).toBeCloseTo((Math.exp(1e-3) - Math.exp(-1e-3)) / 2e-3, 15);
    expect(centralFdm(3, 1).withStep(Math.exp, 0, 1e-3)).toBe(r.value);
  });
});

describe('vector estimates', () => {
  it('differentiates every component with one shared step and per-component errors', () => {
    const g = (t: number) => Float64Array.of(Math.sin(t), 1e6 * Math.exp(t), Math.cos(3 * t), 0);
    const r = centralFdm(5, 1).estimateVector(g, 0.2);
    const want = [Math.cos(0.2), 1e6 * Math.exp(0.2), -3 * Math.sin(0.6), 0];
    want.forEach((w, i) => {
      expect(Math.abs(r.value[i]! - w)).toBeLessThanOrEqual(10 * r.errors[i]!);
      expect(Math.abs(r.value[i]! - w)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w)));
    });
    expect(r.error).toBe(Math.max(...r.errors));
    expect(r.errors[3]).toBeLessThan(r.errors[1]!); // the zero component is not charged the large one's noise
  });

  it('refuses a function whose output length changes', () => {
    let k = 0;
    expect(() => centralFdm(5, 1).estimateVector(() => new Float64Array(1 + (k++ % 2)), 0)).toThrow(/returned/);
  });
});
