import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser, checkScript, expectedProduct, type BrowserCheck } from '../scripts/bundle-browser.js';

// Browser-loadability in the normal suite: the package bundled by esbuild for `platform: 'browser'`, run in a V8
// context that has no Node globals (no process, Buffer, require, atob), like a browser realm. Without `process` the
// module takes the browser path: asynchronous compilation, TypeScript until ready() resolves.
describe('the browser bundle', () => {
  it('imports no Node built-ins and nothing external', async () => {
    const bundle = await bundleForBrowser();
    expect(bundle.externalImports).toEqual([]);
    expect(bundle.inputs.some((f) => f.endsWith('src/wasm/simd.generated.ts'))).toBe(true);
    expect(bundle.code).not.toMatch(/\brequire\(|from ["']node:|import\(["']node:/);
  });

  it('instantiates the WASM module asynchronously in a realm without Node globals and multiplies on both paths', async () => {
    const { code } = await bundleForBrowser();
    const context = createContext({});
    expect(runInContext('typeof process + typeof Buffer + typeof require + typeof atob', context)).toBe(
      'undefinedundefinedundefinedundefined',
    );
    runInContext(checkScript(code), context);
    const run = runInContext('__adKernelsCheck', context) as Promise<BrowserCheck>;
    const r = JSON.parse(JSON.stringify(await run)) as BrowserCheck;
    expect(r.statusAtLoad).toBe('pending');
    expect(r.pathBeforeReady).toBe('typescript');
    expect(r.productBeforeReady).toEqual(expectedProduct);
    expect(r.statusAfterReady).toBe('ready');
    expect(r.pathAfterReady).toBe('wasm');
    expect(r.productAfterReady).toEqual(expectedProduct);
    expect(r.maxErrorLarge).toBeLessThan(1e-12);
  });
});
