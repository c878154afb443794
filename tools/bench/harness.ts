/**
 * Shared benchmark harness for tools/bench: fixed-seed inputs, warm-up, median-of-N timing, the machine description
 * every table must carry, and the writer that stores results/<name>.json and regenerates that benchmark's section of
 * README.md.
 *
 * Adding a benchmark: write `tools/bench/<name>.bench.ts` that measures with {@link time} and ends with
 * {@link writeReport}; add `"bench:<name>": "tsx --conditions=@ad/source <name>.bench.ts"` to package.json.
 * `pnpm --filter @ad/bench bench` runs every `*.bench.ts` (run-all.ts), each in its own process.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** tools/bench */
export const benchDir = dirname(fileURLToPath(import.meta.url));

/** 1-minute load average when the benchmark started (the machine may be shared; reported with the results). */
export const loadAtStart = loadavg()[0] ?? 0;

/** `--quick` on the command line: a smoke run (short timings; results are not meant to be committed). */
export const quick = process.argv.includes('--quick');

/**
 * ml-matrix, loaded from its self-contained UMD build instead of through `import`.
 *
 * Why: importing a CommonJS package through tsx (which runs these benchmarks) detaches an ArrayBuffer on the main
 * thread. That invalidates V8's ArrayBufferDetaching protector, after which every typed-array loop in the process
 * carries detach checks and runs 15–20 % slower (measured: the TypeScript gemm at n = 512 drops from 5.9 to 4.8
 * GFLOP/s; `node --trace-protector-invalidation` shows it). Applications built with tsc or a bundler do not pay
 * this, so a benchmark must not either. Evaluating the UMD file directly involves no loader.
 */
export function loadMlMatrix(): typeof import('ml-matrix') {
  const source = readFileSync(join(benchDir, 'node_modules', 'ml-matrix', 'matrix.umd.js'), 'utf8');
  const exports: Record<string, unknown> = {};
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('exports', 'module', source)(exports, { exports });
  return exports as unknown as typeof import('ml-matrix');
}

/**
 * What `node --trace-protector-invalidation` shows for a benchmark that loads ml-matrix only through
 * {@link loadMlMatrix} and imports nothing that imports it: for its notes.
 */
export const protectorIntactNote =
  'ml-matrix is loaded with `loadMlMatrix()`, and nothing else in this process imports it: ' +
  "`node --trace-protector-invalidation` shows only the harmless invalidation of tsx's loader thread, so the " +
  'typed-array loops here run without detach checks.';

/**
 * The note for a benchmark that cannot keep the ArrayBufferDetaching protector: @ad/core imports ml-matrix (for
 * `toMatrix`), so importing @ad/core, or a package built on it, through tsx invalidates it (see {@link loadMlMatrix}).
 * `via` names what the benchmark imports.
 */
export function protectorInvalidatedNote(via: string): string {
  return (
    `Measured with V8's ArrayBufferDetaching protector invalidated: this benchmark imports ${via}, and @ad/core ` +
    'imports ml-matrix (for `toMatrix`), which tsx loads in a way that detaches an ArrayBuffer ' +
    "(`node --trace-protector-invalidation` reports it besides the harmless invalidation of tsx's loader thread). " +
    'Typed-array loops in JavaScript (TypeScript kernels, rule code, copies to and from WASM memory) then carry ' +
    'detach checks, 15–20 % on the TypeScript gemm (see "Do not detach an ArrayBuffer" at the top); loops inside ' +
    'WASM do not. Every column ran in the same process, under the same condition.'
  );
}

/** Mulberry32: a small, fast 32-bit generator; returns uniform numbers in [0, 1). Same seed → same sequence. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` uniform numbers in [−1, 1) from `rand`, as Float64Array (default) or Float32Array. */
export function randomArray(rand: () => number, length: number, dtype: 'float64' | 'float32' = 'float64'): Float64Array | Float32Array {
  const out = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = 2 * rand() - 1;
  return out;
}

/** A symmetric n×n matrix (row-major) with entries uniform in [−1, 1) from `rand`, drawn row by row over j ≤ i. */
export function randomSymmetric(rand: () => number, n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = 2 * rand() - 1;
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

export interface TimeOptions {
  /** Minimum warm-up calls (default 5; 2 with --quick). */
  warmupRuns?: number;
  /** Minimum warm-up time in ms (default 300; 20 with --quick): lets the JIT and WASM tier-up finish. */
  warmupMs?: number;
  /** Number of timed samples (default 15; 5 with --quick). */
  samples?: number;
  /** Each sample repeats the call until it lasts at least this long, in ms (default 20; 2 with --quick). */
  minSampleMs?: number;
  /**
   * Calls per sample, fixed (skips the calibration against `minSampleMs`); 1 times single calls. With `warmupRuns`
   * and `warmupMs` both 0 there is then no untimed call at all.
   */
  repsPerSample?: number;
}

export interface Timing {
  /** Median time per call over the samples, ms (wall clock). */
  medianMs: number;
  /**
   * Median CPU time per call (user + system of this process), ms. Unlike wall time it does not grow when other
   * processes share the cores, so on a loaded machine it is the steadier measure of the code itself.
   */
  cpuMedianMs: number;
  /** Fastest sample's time per call, ms. */
  minMs: number;
  /** Number of samples. */
  samples: number;
  /** Calls per sample. */
  repsPerSample: number;
}

/** Times `fn`: warm-up, calibration of calls per sample, then the median and minimum time per call. */
export function time(fn: () => void, opts: TimeOptions = {}): Timing {
  const warmupRuns = opts.warmupRuns ?? (quick ? 2 : 5);
  const warmupMs = opts.warmupMs ?? (quick ? 20 : 300);
  const samples = opts.samples ?? (quick ? 5 : 15);
  const minSampleMs = opts.minSampleMs ?? (quick ? 2 : 20);
  let t0 = performance.now();
  let calls = 0;
  while (calls < warmupRuns || performance.now() - t0 < warmupMs) {
    fn();
    calls++;
  }
  let reps = opts.repsPerSample;
  if (reps === undefined) {
    // Calibrate: calls per sample so that one sample lasts ≥ minSampleMs (from one call when there was no warm-up).
    if (calls === 0) {
      t0 = performance.now();
      fn();
      calls = 1;
    }
    const single = (performance.now() - t0) / calls;
    reps = Math.max(1, Math.ceil(minSampleMs / Math.max(single, 1e-6)));
  }
  const perCall: number[] = [];
  const cpuPerCall: number[] = [];
  for (let s = 0; s < samples; s++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    perCall.push((performance.now() - t0) / reps);
    const c = process.cpuUsage(c0);
    cpuPerCall.push((c.user + c.system) / 1000 / reps);
  }
  perCall.sort((a, b) => a - b);
  return { medianMs: median(perCall), cpuMedianMs: median(cpuPerCall), minMs: perCall[0]!, samples, repsPerSample: reps };
}

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Options of {@link timeInterleaved}: the {@link TimeOptions} of every round, and how the rounds go. */
export interface InterleavedOptions<K extends string> extends TimeOptions {
  /** Timed rounds, at least (default 5; 1 with --quick). */
  rounds?: number;
  /** Keep adding rounds until the timed rounds have taken at least this long in all, ms (default 0: just `rounds`). */
  budgetMs?: number;
  /** Untimed rounds of one call of each function, before anything else (default 0). */
  warmupRounds?: number;
  /**
   * Options per function, from the wall time of one untimed call of each (made after the warm-up rounds); they
   * override the shared ones. E.g. one sample a round for a call that takes a second, or calls per sample calibrated
   * once for all rounds (`repsPerSample`).
   */
  perCall?: (ms: number, name: K) => TimeOptions;
}

/**
 * Times several functions interleaved: `rounds` rounds, each warming up and sampling every function in turn, so a
 * burst of load on a shared machine hits all of them alike and their ratios stay fair. Returns, per name, the median
 * over the rounds of each round's median (wall and CPU time) and the minimum over all samples of all rounds.
 *
 * Per round the defaults are 3 warm-up calls and ≥ 60 ms of warm-up, then 3 samples; {@link timeRoundRobin} times
 * single calls instead.
 */
export function timeInterleaved<K extends string>(fns: Record<K, () => void>, opts: InterleavedOptions<K> = {}): Record<K, Timing> {
  const rounds = opts.rounds ?? (quick ? 1 : 5);
  const names = Object.keys(fns) as K[];
  const shared: TimeOptions = {
    warmupRuns: opts.warmupRuns ?? 3,
    warmupMs: opts.warmupMs ?? (quick ? 10 : 60),
    samples: opts.samples ?? (quick ? 3 : 3),
    minSampleMs: opts.minSampleMs,
    repsPerSample: opts.repsPerSample,
  };
  for (let r = 0; r < (opts.warmupRounds ?? 0); r++) for (const name of names) fns[name]();
  const perRound = {} as Record<K, TimeOptions>;
  for (const name of names) {
    if (opts.perCall) {
      const t0 = performance.now();
      fns[name]();
      perRound[name] = { ...shared, ...opts.perCall(performance.now() - t0, name) };
    } else perRound[name] = shared;
  }
  const all = {} as Record<K, { medians: number[]; cpu: number[]; min: number; samples: number; reps: number }>;
  const t0 = performance.now();
  for (let r = 0; r < rounds || performance.now() - t0 < (opts.budgetMs ?? 0); r++) {
    for (const name of names) {
      const t = time(fns[name], perRound[name]);
      const acc = (all[name] ??= { medians: [], cpu: [], min: Infinity, samples: 0, reps: t.repsPerSample });
      acc.medians.push(t.medianMs);
      acc.cpu.push(t.cpuMedianMs);
      acc.min = Math.min(acc.min, t.minMs);
      acc.samples += t.samples;
    }
  }
  const out = {} as Record<K, Timing>;
  for (const name of names) {
    const a = all[name];
    out[name] = {
      medianMs: median(a.medians),
      cpuMedianMs: median(a.cpu),
      minMs: a.min,
      samples: a.samples,
      repsPerSample: a.reps,
    };
  }
  return out;
}

/**
 * Single calls timed round-robin with {@link timeInterleaved}: untimed warm-up rounds (3; 1 with --quick), then rounds
 * of one timed call of each function, nothing untimed in between, at least 5 (2 with --quick) and until
 * `msPerFunction` × the number of functions have passed. For calls of milliseconds and more, where one call is a
 * sample: the median and minimum are over single calls.
 */
export function timeRoundRobin<K extends string>(fns: Record<K, () => void>, msPerFunction = quick ? 200 : 2000): Record<K, Timing> {
  return timeInterleaved(fns, {
    warmupRounds: quick ? 1 : 3,
    rounds: quick ? 2 : 5,
    budgetMs: msPerFunction * Object.keys(fns).length,
    warmupRuns: 0,
    warmupMs: 0,
    samples: 1,
    repsPerSample: 1,
  });
}

export interface Environment {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  platform: string;
  date: string;
  /** 1-minute load average at the start and at the end of the run. */
  load: { start: number; end: number };
}

/** CPU model (from /proc/cpuinfo where available, else os.cpus()), core count, Node and V8 versions, date. */
export function environment(): Environment {
  let cpu = cpus()[0]?.model?.trim() ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
    if (model) cpu = model;
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString().slice(0, 10),
    load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
}

export interface Table {
  /** Rendered as a bold line above the table. */
  title?: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Report {
  /** File-safe name: results/<name>.json and the README markers `<!-- bench:<name>:begin/end -->`. */
  name: string;
  /** Section heading in README.md. */
  title: string;
  /** Markdown paragraph(s) under the heading: what is measured and how. */
  description: string;
  tables: Table[];
  /** Markdown lines after the tables (observations, targets). */
  notes?: string[];
  /** Raw measurements, stored in the JSON only. */
  data?: unknown;
}

/** Renders a Markdown table (numbers as given: format them before). */
export function markdownTable(t: Table): string {
  const lines: string[] = [];
  if (t.title) lines.push(`**${t.title}**`, '');
  lines.push(`| ${t.columns.join(' | ')} |`);
  lines.push(`|${t.columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of t.rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/** Formats a number with `digits` significant decimals after the point. */
export function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * Writes results/<name>.json (environment, tables, raw data) and replaces the benchmark's section of README.md
 * (between its markers; appended at the end the first time). With --quick nothing is written unless `force`.
 */
export function writeReport(report: Report, force = false): void {
  const env = environment();
  const section = [
    `<!-- bench:${report.name}:begin -->`,
    `## ${report.title}`,
    '',
    report.description.trim(),
    '',
    `Measured on ${env.cpu} (${env.cores} cores), Node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.date}; ` +
      `1-minute load average ${env.load.start.toFixed(1)} at start, ${env.load.end.toFixed(1)} at end. ` +
      `Regenerate: \`pnpm --filter @ad/bench bench:${report.name}\`.`,
    '',
    ...report.tables.flatMap((t) => [markdownTable(t), '']),
    ...(report.notes?.length ? [...report.notes, ''] : []),
    `<!-- bench:${report.name}:end -->`,
  ].join('\n');
  if (quick && !force) {
    process.stdout.write(`${section}\n(--quick: results not written)\n`);
    return;
  }
  const resultsDir = join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `${report.name}.json`),
    JSON.stringify({ name: report.name, environment: env, tables: report.tables, notes: report.notes ?? [], data: report.data ?? null }, null, 2) + '\n',
  );
  const readmePath = join(benchDir, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# Benchmarks\n';
  const begin = `<!-- bench:${report.name}:begin -->`;
  const end = `<!-- bench:${report.name}:end -->`;
  const i = readme.indexOf(begin);
  const j = readme.indexOf(end);
  const next =
    i >= 0 && j > i ? readme.slice(0, i) + section + readme.slice(j + end.length) : readme.trimEnd() + '\n\n' + section + '\n';
  writeFileSync(readmePath, next);
  process.stdout.write(`${section}\nwrote results/${report.name}.json and README.md\n`);
}
