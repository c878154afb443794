#!/usr/bin/env node
// ad-check <module>: runs the @ad conformance suite over a module's `rules` export (see src/cli.ts).
// Built package: runs dist/cli.js. Inside the @ad workspace (no dist/, or a dist/ whose dependencies are not built):
// loads src/cli.ts through tsx and resolves workspace packages to their TypeScript sources (the `@ad/source` export
// condition), as the tests do.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

async function fromSources() {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    console.error('ad-check: @ad/testing is not built (no dist/) and tsx is not installed to run its sources');
    process.exit(2);
  }
  tsx.register();
  const hook = `export async function resolve(specifier, context, next) {
    const conditions = context.conditions.includes('@ad/source') ? context.conditions : [...context.conditions, '@ad/source'];
    return next(specifier, { ...context, conditions });
  }`;
  registerHooks(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url);
  return (await import(new URL('../src/cli.ts', import.meta.url).href)).main;
}

const dist = new URL('../dist/cli.js', import.meta.url);
let main;
if (existsSync(fileURLToPath(dist))) {
  try {
    ({ main } = await import(dist.href));
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !existsSync(fileURLToPath(new URL('../src/cli.ts', import.meta.url)))) throw e;
    main = await fromSources();
  }
} else {
  main = await fromSources();
}
process.exitCode = await main(process.argv.slice(2));
