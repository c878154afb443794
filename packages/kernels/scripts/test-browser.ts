/**
 * Runs the browser-loadability check (scripts/bundle-browser.ts) in headless Chromium through playwright-core:
 * the IIFE bundle is injected into a blank page's main thread, where the module must compile asynchronously,
 * serve calls on the TypeScript path until ready() resolves, then multiply in WASM.
 *
 * Usage: `pnpm --filter @ad/kernels test:browser`. Uses Debian's Chromium (`apt-get install chromium`) at
 * /usr/bin/chromium, or the path in CHROMIUM_PATH. Exits 0 with a clear SKIPPED line when no browser is installed;
 * CI does not depend on it (test/browser-bundle.test.ts runs the same check in a `vm` realm).
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { bundleForBrowser, checkScript, expectedProduct, type BrowserCheck } from './bundle-browser.js';

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  process.stdout.write(
    `test:browser SKIPPED: no Chromium at ${executablePath} (install Debian's chromium or set CHROMIUM_PATH). ` +
      'The vm-realm check in test/browser-bundle.test.ts still runs with the unit tests.\n',
  );
  process.exit(0);
}

const bundle = await bundleForBrowser();
if (bundle.externalImports.length) throw new Error(`bundle has external imports: ${bundle.externalImports.join(', ')}`);

const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let failures = 0;
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!doctype html><html><head><title>@ad/kernels</title></head><body></body></html>');
  await page.addScriptTag({ content: checkScript(bundle.code) });
  const result = (await page.evaluate('globalThis.__adKernelsCheck')) as BrowserCheck;
  const version = browser.version();
  const checks: [string, boolean][] = [
    [`status at load is 'pending' (asynchronous compilation): ${result.statusAtLoad}`, result.statusAtLoad === 'pending'],
    [`a call before ready() (WASM forced) runs on the TypeScript path: ${result.pathBeforeReady}`, result.pathBeforeReady === 'typescript'],
    ['  and gives the right product', JSON.stringify(result.productBeforeReady) === JSON.stringify(expectedProduct)],
    [`status after ready(): ${result.statusAfterReady}`, result.statusAfterReady === 'ready'],
    [`a call after ready() runs in WASM: ${result.pathAfterReady}`, result.pathAfterReady === 'wasm'],
    ['  and gives the right product', JSON.stringify(result.productAfterReady) === JSON.stringify(expectedProduct)],
    [`67×67 product matches a triple loop (max error ${result.maxErrorLarge.toExponential(1)})`, result.maxErrorLarge < 1e-12],
    [`no page errors${errors.length ? ': ' + errors.join('; ') : ''}`, errors.length === 0],
  ];
  process.stdout.write(`test:browser in Chromium ${version} (${(bundle.code.length / 1024).toFixed(0)} KiB bundle)\n`);
  for (const [label, ok] of checks) {
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${label}\n`);
    if (!ok) failures++;
  }
} finally {
  await browser.close();
}
if (failures) {
  process.stdout.write(`test:browser FAILED (${failures} check${failures > 1 ? 's' : ''})\n`);
  process.exit(1);
}
process.stdout.write('test:browser passed\n');
