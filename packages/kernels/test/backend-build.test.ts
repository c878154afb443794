import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The committed src/wasm/simd.generated.ts must be what `pnpm --filter @ad/kernels build:wasm` produces from
// assembly/ now. Rebuilt in memory with the asc from node_modules; skipped (with a message) only if asc cannot run.
let build: typeof import('../scripts/build-wasm.js') | undefined;
let skipReason = '';
try {
  build = await import('../scripts/build-wasm.js');
} catch (e) {
  skipReason = `AssemblyScript compiler unavailable (${e instanceof Error ? e.message : String(e)})`;
}
if (skipReason) console.warn(`[backend-build] SKIPPED: ${skipReason}; the committed WASM module is not checked.`);

describe('the generated WASM module', () => {
  it.skipIf(!build)('is up to date with assembly/ (else run `pnpm --filter @ad/kernels build:wasm`)', async () => {
    const { buildWasm, generatedFile } = build!;
    const dir = mkdtempSync(join(tmpdir(), 'ad-kernels-wasm-'));
    let expected: string;
    try {
      await buildWasm(join(dir, 'simd.generated.ts'));
      expected = readFileSync(join(dir, 'simd.generated.ts'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const committed = readFileSync(generatedFile, 'utf8');
    expect(committed === expected, 'src/wasm/simd.generated.ts is stale: run `pnpm --filter @ad/kernels build:wasm`').toBe(true);
  });

  it.skipIf(!build)('would be rejected by the build if a kernel allocated managed memory', async () => {
    const asc = (await import('assemblyscript/asc')).default;
    const r = await asc.compileString('export function f(n: i32): f64 { const a = new Float64Array(n); return a[0]; }', {
      optimizeLevel: 3,
      runtime: 'stub',
      noAssert: true,
    } as never);
    expect(() => build!.assertNoRuntimeAllocator(r.text ?? '')).toThrow(/allocates managed memory/);
  });
});
