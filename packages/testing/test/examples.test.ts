import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import fc from 'fast-check';
import * as core from '@ad/core';
import * as testing from '../src/index.js';
import * as matchers from '../src/vitest.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

/** Every `@example` block of the package's source files (the CLI is tested by spawning it). */
function examples(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const file of readdirSync(srcDir).filter((f) => f.endsWith('.ts') && f !== 'cli.ts')) {
    const text = readFileSync(srcDir + file, 'utf8');
    const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const code = m[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, ''))
        .filter((l) => !/^import\s/.test(l))
        .join('\n');
      out.push({ file, code });
    }
  }
  return out;
}

/** Runs a TypeScript snippet with every export of @ad/core, @ad/testing and @ad/testing/vitest, fc and expect in scope. */
function run(code: string): void {
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const scope: Record<string, unknown> = { ...core, ...testing, ...matchers, fc, expect };
  const names = Object.keys(scope);
  new Function(...names, js)(...names.map((n) => scope[n]));
}

describe('TSDoc examples', () => {
  const all = examples();
  it('finds the examples', () => {
    expect(all.length).toBeGreaterThan(25);
  });
  for (const [k, ex] of all.entries()) {
    it(`runs example ${k + 1} of ${ex.file}`, () => {
      expect(() => run(ex.code), ex.code).not.toThrow();
    });
  }
});
