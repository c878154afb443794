/**
 * svd rule benchmark: what the rule layer of `@ad/rules-eigen` adds on top of the kernel (`svd` of @ad/kernels, whose
 * comparison with ml-matrix is svd.bench.ts), and the cost of the reverse rules relative to the forward
 * decomposition, on random uniform matrices (fixed seed), square, tall and wide.
 *
 * What is timed (no transformation active, so core ops run directly):
 * - "kernel": `svd(a, m, n)` of @ad/kernels on a Float64Array (U, S, V);
 * - "svd": the plain `svd(A)` call of @ad/rules-eigen (input checks, the kernel, the copy into row-major tensors);
 * - "pullback": svd's pullback alone (`svd.rule.rrule(A)` once, then `pullback({ U: Ū, S: s̄, Vt: V̄t })` with dense
 *   random cotangents): the gauge checks, J = UᵀŪ, K = VᵀV̄, the D± factors and four to six products;
 * - "values-only": svdvals's pullback, U diag(s̄) Vᵀ (one product).
 * Round-robin over the four (15 rounds), median CPU time per call of this process: the machine is shared, and CPU
 * time, unlike wall time, does not grow when other processes take the cores.
 *
 * Run: `pnpm exec tsx --conditions=@ad/source svd-rules.bench.ts` in tools/bench (add `--quick` for a smoke run that
 * writes nothing). Writes results/svd-rules.json and the "svd-rules" section of README.md.
 */
import { Tensor } from '@ad/core';
import { ready, svd as svdKernel, wasmStatus } from '@ad/kernels';
import { svd, svdvals } from '@ad/rules-eigen';
import { fmt, loadAtStart, protectorInvalidatedNote, quick, rng, timeInterleaved, writeReport, type Table } from './harness.js';

await ready();
if (wasmStatus() !== 'ready') throw new Error(`WASM module not ready: ${wasmStatus()}`);

const rand = rng(20240811);
const uniform = (size: number) => Float64Array.from({ length: size }, () => 2 * rand() - 1);

interface Row {
  m: number;
  n: number;
  kernelMs: number;
  svdMs: number;
  pullbackMs: number;
  valuesOnlyMs: number;
  /** Wall-clock medians of the four, for the record (JSON only). */
  wallMs: number[];
}

function measure(m: number, n: number): Row {
  const p = Math.min(m, n);
  const a = uniform(m * n);
  const A = new Tensor([m, n], 'float64', a);
  const Ubar = new Tensor([m, p], 'float64', uniform(m * p));
  const Vtbar = new Tensor([p, n], 'float64', uniform(p * n));
  const sbar = new Tensor([p], 'float64', uniform(p));
  const [, pullback] = svd.rule.rrule(A, undefined);
  const [, pullbackValues] = svdvals.rule.rrule(A, undefined);
  // Round-robin (see the header): 3 warm-up rounds; calls per sample calibrated once from one call so that a sample
  // lasts ≥ 10 ms; then rounds of one sample of each, no untimed calls in between.
  const t = timeInterleaved(
    {
      kernel: () => void svdKernel(a, m, n),
      svd: () => void svd(A),
      pullback: () => void pullback({ U: Ubar, S: sbar, Vt: Vtbar }),
      valuesOnly: () => void pullbackValues(sbar),
    },
    {
      rounds: quick ? 3 : 15,
      warmupRounds: 3,
      perCall: (ms) => ({ repsPerSample: Math.max(1, Math.ceil(10 / Math.max(ms, 1e-3))) }),
      warmupRuns: 0,
      warmupMs: 0,
      samples: 1,
    },
  );
  return {
    m,
    n,
    kernelMs: t.kernel.cpuMedianMs,
    svdMs: t.svd.cpuMedianMs,
    pullbackMs: t.pullback.cpuMedianMs,
    valuesOnlyMs: t.valuesOnly.cpuMedianMs,
    wallMs: [t.kernel.medianMs, t.svd.medianMs, t.pullback.medianMs, t.valuesOnly.medianMs],
  };
}

const shapes: [number, number][] = quick
  ? [
      [64, 64],
      [128, 32],
    ]
  : [
      [64, 64],
      [128, 128],
      [256, 256],
      [512, 64],
      [64, 512],
    ];
const rows = shapes.map(([m, n]) => {
  const r = measure(m, n);
  process.stdout.write(`${m}×${n}: kernel ${fmt(r.kernelMs)} ms, svd ${fmt(r.svdMs)} ms, pullback ${fmt(r.pullbackMs)} ms, values-only ${fmt(r.valuesOnlyMs, 3)} ms\n`);
  return r;
});

const table: Table = {
  title: 'Median CPU time per call, ms',
  columns: ['m × n', 'kernel `svd`', 'rule `svd(A)`', 'rule overhead', 'svd pullback (Ū, s̄, V̄t)', 'pullback / forward', 'svdvals pullback (s̄)'],
  rows: rows.map((r) => [
    `${r.m} × ${r.n}`,
    fmt(r.kernelMs),
    fmt(r.svdMs),
    `${fmt((r.svdMs / r.kernelMs - 1) * 100, 0)} %`,
    fmt(r.pullbackMs),
    fmt(r.pullbackMs / r.svdMs),
    fmt(r.valuesOnlyMs, 3),
  ]),
};

writeReport({
  name: 'svd-rules',
  title: 'svd rules (@ad/rules-eigen): rule overhead and pullback vs forward',
  description:
    'The `svd` rule of `@ad/rules-eigen` on random uniform matrices in [−1, 1) (fixed seed): the plain call against ' +
    'the `@ad/kernels` kernel it wraps (input checks and the copy into row-major `U`, `S`, `Vt`), and the reverse rules ' +
    'alone — svd\'s pullback with dense random cotangents for all three outputs (gauge checks, UᵀŪ, VᵀV̄, the D± ' +
    'factors, four to six products) and svdvals\'s (U diag(s̄) Vᵀ) — relative to the forward call. Round-robin over the ' +
    'four, 15 rounds, median CPU time per call of the process (the machine was shared: load average ' +
    `${loadAtStart.toFixed(1)} at start; wall times are in the JSON). The kernel against ml-matrix: ` +
    'the "svd" section above.',
  tables: [table],
  notes: [
    `The rule layer (input checks, copies into tensors) is below the noise of this shared machine: the "overhead" ` +
      `column ranges over ${fmt(Math.min(...rows.map((r) => (r.svdMs / r.kernelMs - 1) * 100)), 0)} … ` +
      `${fmt(Math.max(...rows.map((r) => (r.svdMs / r.kernelMs - 1) * 100)), 0)} %, both signs. The pullback is ` +
      'dominated by its products (O(m·n·p)), the forward one-sided Jacobi SVD by several O(p³) sweeps plus the QR ' +
      'preconditioning, so pullback/forward falls as p grows.',
    '',
    protectorInvalidatedNote('@ad/core and @ad/rules-eigen'),
  ],
  data: rows,
});
