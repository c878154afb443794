/**
 * eigh pullback benchmark: the time of eigh's reverse rule (Ā = sym(V (diag(λ̄) + F ∘ VᴴV̄) Vᴴ)) relative to the
 * forward decomposition, with an eigenvector loss (a dense V̄), at n = 64, 128, 256 — on the WASM-SIMD and TypeScript
 * kernel paths. Target (issue 5): pullback/forward ≤ 0.5 at n = 256; PyTorch's ratio is 0.45–0.54.
 *
 * What is timed: "forward" is the plain `eigh(A)` call (input checks + tridiagonalization + QL with vectors);
 * "pullback" is the rule's pullback alone (`eigh.rule.rrule(A)` once, then `pullback({ values: ZeroTangent,
 * vectors: V̄ })`), which does the gauge checks, three n×n products and the elementwise F ∘ X; "values-only" is the
 * pullback with λ̄ only (V diag(λ̄) Vᴴ: one product). No transformation is active, so the core ops run directly.
 *
 * Run: `pnpm --filter @ad/bench bench:eigh-pullback` (add `-- --quick` for a smoke run that writes nothing).
 * Writes results/eigh-pullback.json and the "eigh-pullback" section of README.md.
 */
import { loadavg } from 'node:os';
import { Tensor, ZeroTangent, complex, matmul } from '@ad/core';
import { ready, setBackend, wasmStatus } from '@ad/kernels';
import { eigh } from '@ad/rules-eigen';
import { fmt, loadAtStart, protectorInvalidatedNote, quick, randomSymmetric, rng, timeInterleaved, writeReport, type Table } from './harness.js';

await ready();
if (wasmStatus() !== 'ready') throw new Error(`WASM module not ready: ${wasmStatus()}`);

const rand = rng(20240705);

function randomMatrix(n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) A[k] = 2 * rand() - 1;
  return A;
}

interface Row {
  kind: 'real' | 'complex';
  backend: 'wasm' | 'typescript';
  n: number;
  forwardMs: number;
  pullbackMs: number;
  valuesOnlyMs: number;
  ratio: number;
}

function measure(kind: 'real' | 'complex', backend: 'wasm' | 'typescript', n: number): Row {
  setBackend(backend);
  let A: Tensor;
  let Vbar: Tensor;
  if (kind === 'real') {
    A = new Tensor([n, n], 'float64', randomSymmetric(rand, n));
    Vbar = new Tensor([n, n], 'float64', randomMatrix(n));
  } else {
    const im = randomMatrix(n);
    for (let i = 0; i < n; i++) {
      im[i * n + i] = 0;
      for (let j = 0; j < i; j++) im[j * n + i] = -im[i * n + j]!;
    }
    A = complex(new Tensor([n, n], 'float64', randomSymmetric(rand, n)), new Tensor([n, n], 'float64', im));
    // a phase-invariant eigenvector cotangent: V̄ = W V with W Hermitian (vᴴ W v is real); W = A will do
    Vbar = matmul(A, eigh(A).vectors);
  }
  const [, pullback] = eigh.rule.rrule(A, undefined);
  const lbar = new Tensor([n], 'float64', Float64Array.from({ length: n }, () => 2 * rand() - 1));
  // Three interleaved rounds (forward, pullback, values-only), median of the round medians: the machine is shared, and
  // interleaving keeps a load change from landing on one side of the ratio only. Each round: the warm-up and calls per
  // sample of the harness's `time`, 9 samples.
  const t = timeInterleaved(
    {
      forward: () => void eigh(A),
      pullback: () => void pullback({ values: ZeroTangent, vectors: Vbar }),
      valuesOnly: () => void pullback({ values: lbar, vectors: ZeroTangent }),
    },
    quick ? { rounds: 1, warmupRuns: 2, warmupMs: 20, samples: 5 } : { rounds: 3, warmupRuns: 5, warmupMs: 300, samples: 9 },
  );
  const [f, p, v] = [t.forward.medianMs, t.pullback.medianMs, t.valuesOnly.medianMs];
  return { kind, backend, n, forwardMs: f, pullbackMs: p, valuesOnlyMs: v, ratio: p / f };
}

const sizes = [64, 128, 256];
const rows: Row[] = [];
for (const backend of ['wasm', 'typescript'] as const) {
  for (const n of sizes) rows.push(measure('real', backend, n));
}
for (const n of [128, 256]) rows.push(measure('complex', 'wasm', n));
setBackend('auto');

const table = (title: string, sel: Row[]): Table => ({
  title,
  columns: ['n', 'forward eigh (ms)', 'pullback, eigenvector loss (ms)', 'pullback / forward', 'values-only pullback (ms)'],
  rows: sel.map((r) => [r.n, fmt(r.forwardMs, 2), fmt(r.pullbackMs, 2), fmt(r.ratio, 2), fmt(r.valuesOnlyMs, 2)]),
});

const at256 = rows.find((r) => r.kind === 'real' && r.backend === 'wasm' && r.n === 256)!;
writeReport({
  name: 'eigh-pullback',
  title: 'eigh pullback vs forward',
  description: [
    "Time of `eigh`'s reverse rule relative to the forward decomposition, real symmetric (entries uniform in [−1, 1)),",
    'with a dense eigenvector cotangent V̄ (a loss ⟨W, V⟩). "forward" is `eigh(A)`; "pullback" is the rule\'s pullback',
    'alone: gauge checks, X = VᴴV̄, F ∘ X, V·M·Vᴴ and the symmetrization (three n×n products). Medians.',
    'Target (issue 5): pullback / forward ≤ 0.5 at n = 256; PyTorch measures 0.45–0.54.',
  ].join(' '),
  tables: [
    table('WASM-SIMD kernels (default path)', rows.filter((r) => r.kind === 'real' && r.backend === 'wasm')),
    table('TypeScript kernels', rows.filter((r) => r.kind === 'real' && r.backend === 'typescript')),
    table('Complex Hermitian, WASM-SIMD kernels (V̄ = A·V, phase-invariant)', rows.filter((r) => r.kind === 'complex')),
  ],
  notes: [
    `At n = 256 (WASM): pullback / forward = ${fmt(at256.ratio, 2)} — target ≤ 0.5 ${at256.ratio <= 0.5 ? 'met' : 'NOT met'}.`,
    `Three interleaved rounds per row (median of round medians); 1-minute load average ${fmt(loadAtStart, 1)} at start, ` +
      `${fmt(loadavg()[0]!, 1)} at end (a shared machine: absolute times are noisy, the ratios less so).`,
    'The complex pullback runs three `zgemm` (each four real products), hence its higher ratio; a 3M (three-product) ' +
      'complex product in @ad/kernels would bring it down by about a quarter.',
    '',
    protectorInvalidatedNote('@ad/core and @ad/rules-eigen'),
  ],
  data: rows,
});
