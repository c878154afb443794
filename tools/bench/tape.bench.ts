/**
 * Tape overhead of @ad/core: grad of a scalar function built from 10⁵ elementwise ops on small tensors, against the
 * same function evaluated plainly (no transformation active). The cheap-gradient principle bounds the ratio of a
 * reverse sweep by about 4–5 (Griewank & Walther, "Evaluating Derivatives", 2008, §4.6); target ≤ 4.
 */
import { add, grad, jvp, mul, sin, sum, tensor, type Tensor } from '@ad/core';
import { fmt, quick, rng, randomArray, time, writeReport } from './harness.js';

const OPS = 100_000;
const rand = rng(20261122);

function chain(x: Tensor, c: Tensor): Tensor {
  // 4 elementwise ops per step (mul, sin, mul, add) until OPS ops, then one reduction.
  let y = x;
  for (let i = 0; i < OPS / 4; i++) y = add(mul(sin(y), c), mul(y, 0.5));
  return sum(y);
}

const rows: (string | number)[][] = [];
const data: Record<string, unknown>[] = [];
for (const size of [1, 4, 16]) {
  const x = tensor(randomArray(rand, size) as Float64Array, [size]);
  const c = tensor(randomArray(rand, size) as Float64Array, [size]);
  const f = (v: Tensor) => chain(v, c);
  const opts = { samples: quick ? 3 : 9, minSampleMs: 1, warmupMs: quick ? 50 : 1000 };
  const primal = time(() => f(x), opts);
  const reverse = time(() => grad(f)(x), opts);
  const forward = time(() => jvp(f, [x], [x]), opts);
  const ratio = reverse.medianMs / primal.medianMs;
  rows.push([size, fmt(primal.medianMs, 1), fmt(reverse.medianMs, 1), fmt(ratio, 2), fmt(forward.medianMs / primal.medianMs, 2)]);
  data.push({ size, ops: OPS, primalMs: primal.medianMs, gradMs: reverse.medianMs, jvpMs: forward.medianMs, ratio });
}

writeReport({
  name: 'tape',
  title: 'Tape overhead (@ad/core)',
  description:
    `grad of a scalar function made of ${OPS.toLocaleString('en-US')} elementwise ops (mul, sin, add on tensors of the ` +
    'given size) against the plain evaluation of the same function (no transformation active), medians of repeated runs ' +
    'after a warm-up; jvp (forward mode through every frule) for comparison. Target: grad / primal ≤ 4.',
  tables: [{ columns: ['tensor size', 'primal ms', 'grad ms', 'grad / primal', 'jvp / primal'], rows }],
  data,
});
