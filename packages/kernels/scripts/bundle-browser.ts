/**
 * Browser-loadability of @ad/kernels: bundles the package for `platform: 'browser'` with esbuild and provides the
 * check both test/browser-bundle.test.ts (in a `vm` context with no Node globals) and scripts/test-browser.ts (in
 * headless Chromium) run against the bundle.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Name of the global the IIFE bundle defines. */
export const globalName = 'AdKernels';

export interface BrowserBundle {
  /** The IIFE bundle's source. */
  code: string;
  /** Every import esbuild left unresolved or external (must be empty: no Node built-ins, no runtime fetch). */
  externalImports: string[];
  /** Input files bundled, relative to the package. */
  inputs: string[];
}

/**
 * Bundles src/index.ts (plus the internal call counter, so the check can see which path ran) as an IIFE for the
 * browser platform. esbuild fails on any Node built-in under `platform: 'browser'`, and nothing is marked external.
 */
export async function bundleForBrowser(): Promise<BrowserBundle> {
  const result = await build({
    stdin: {
      contents: "export * from './src/index.ts';\nexport { wasmCallCount } from './src/backend.ts';\n",
      resolveDir: packageDir,
      sourcefile: 'browser-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName,
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const externalImports: string[] = [];
  for (const [, input] of Object.entries(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external) externalImports.push(imp.path);
  }
  return {
    code: result.outputFiles[0]!.text,
    externalImports,
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** Result of {@link checkSource}, as plain JSON. */
export interface BrowserCheck {
  statusAtLoad: string;
  pathBeforeReady: 'typescript' | 'wasm';
  productBeforeReady: number[];
  statusAfterReady: string;
  pathAfterReady: 'typescript' | 'wasm';
  productAfterReady: number[];
  maxErrorLarge: number;
}

/** The expected product in {@link checkSource}: [[1, 2], [3, 4]]·[[5, 6], [7, 8]]. */
export const expectedProduct = [19, 22, 43, 50];

/**
 * JavaScript source of an async function taking the bundle's global and returning a {@link BrowserCheck}: forces
 * the WASM backend and calls `gemm` before `ready()` (must still run on the TypeScript path while the module
 * compiles asynchronously), awaits `ready()`, multiplies again (now in WASM) and compares a 67×67 product with a
 * triple loop. Plain source text, so it runs unchanged in a `vm` context and in a browser page. Run it in the same
 * script as the bundle (see {@link checkScript}) so that its synchronous part precedes any compilation callback.
 */
export const checkSource = `async (K) => {
  const statusAtLoad = K.wasmStatus();
  const A = new Float64Array([1, 2, 3, 4]);
  const B = new Float64Array([5, 6, 7, 8]);
  let calls = K.wasmCallCount();
  K.setBackend('wasm'); // allowed while pending: calls still run on the TypeScript path until the module is ready
  const before = K.gemm(false, false, 2, 2, 2, A, B);
  const pathBeforeReady = K.wasmCallCount() > calls ? 'wasm' : 'typescript';
  await K.ready();
  const statusAfterReady = K.wasmStatus();
  calls = K.wasmCallCount();
  const after = K.gemm(false, false, 2, 2, 2, A, B);
  const pathAfterReady = K.wasmCallCount() > calls ? 'wasm' : 'typescript';
  const n = 67;
  const X = new Float64Array(n * n).map((_, i) => Math.sin(i));
  const Y = new Float64Array(n * n).map((_, i) => Math.cos(3 * i));
  const Z = K.gemm(false, false, n, n, n, X, Y);
  let maxErrorLarge = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += X[i * n + p] * Y[p * n + j];
    maxErrorLarge = Math.max(maxErrorLarge, Math.abs(s - Z[i * n + j]));
  }
  K.setBackend('auto');
  return { statusAtLoad, pathBeforeReady, productBeforeReady: Array.from(before), statusAfterReady, pathAfterReady,
    productAfterReady: Array.from(after), maxErrorLarge };
}`;

/**
 * One classic script: the bundle, then the check started synchronously; the check's promise is left in
 * `globalThis.__adKernelsCheck`.
 */
export function checkScript(code: string): string {
  return `${code}\n;globalThis.__adKernelsCheck = (${checkSource})(${globalName});\n`;
}
