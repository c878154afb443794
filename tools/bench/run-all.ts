/**
 * Runs every `*.bench.ts` in tools/bench, one process each (so one benchmark's JIT and memory state cannot affect
 * another), in alphabetical order. Extra arguments (e.g. `--quick`) are passed on. Exits non-zero if any failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './harness.js';

const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const failed: string[] = [];
for (const f of files) {
  process.stdout.write(`\n=== ${f} ===\n`);
  const r = spawnSync(process.execPath, [...process.execArgv, join(benchDir, f), ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: benchDir,
  });
  if (r.status !== 0) failed.push(f);
}
if (failed.length) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
