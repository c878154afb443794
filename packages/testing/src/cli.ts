/**
 * The `ad-check` command: imports a module, runs {@link runConformance} over the rules it exports and exits 0 iff
 * all pass — what a rule package puts in its CI (`ad-check src/index.ts`).
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyRule } from '@ad/core';
import { runConformance } from './conformance.js';

/** Where the command reads and writes (injectable for tests). */
export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage: ad-check <module> [--export <name>] [--allow-missing-samples] [--seed <n>] [--order 2]

Imports <module> (resolved against the working directory; .ts modules load through tsx when it is installed),
runs the @ad conformance suite (testRrule + testFrule on every declared sample) over the rules it exports
(the export named "rules" by default), prints a table and exits 0 iff every rule passed.
Exit codes: 0 all passed, 1 a rule failed (or has no samples), 2 usage or module error.`;

interface Args {
  module?: string;
  exportName: string;
  allowMissing: boolean;
  seed?: number;
  order?: 1 | 2;
  help: boolean;
  error?: string;
}

function parse(argv: readonly string[]): Args {
  const a: Args = { exportName: 'rules', allowMissing: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === '--help' || s === '-h') a.help = true;
    else if (s === '--allow-missing-samples') a.allowMissing = true;
    else if (s === '--export') a.exportName = argv[++i] ?? '';
    else if (s === '--seed') a.seed = Number(argv[++i]);
    else if (s === '--order') {
      const v = argv[++i];
      if (v === '1' || v === '2') a.order = v === '2' ? 2 : 1;
      else a.error = `--order needs 1 or 2, got ${v ?? 'nothing'}`;
    }
    else if (s.startsWith('-')) a.error = `unknown option ${s}`;
    else if (a.module === undefined) a.module = s;
    else a.error = `unexpected argument ${s}`;
  }
  if (a.seed !== undefined && !Number.isInteger(a.seed)) a.error = '--seed needs an integer';
  if (!a.exportName) a.error = '--export needs a name';
  return a;
}

function isRule(x: unknown): x is AnyRule {
  return typeof x === 'function' && typeof (x as { ruleName?: unknown }).ruleName === 'string' && typeof (x as { rule?: unknown }).rule === 'object';
}

/** Registers tsx's ESM loader, found next to this package or in the working directory's dependencies. */
async function registerTsx(cwd: string): Promise<boolean> {
  const candidates: (() => Promise<{ register: () => unknown }>)[] = [
    () => import('tsx/esm/api' as string) as Promise<{ register: () => unknown }>,
    () => import(pathToFileURL(createRequire(join(cwd, 'package.json')).resolve('tsx/esm/api')).href) as Promise<{ register: () => unknown }>,
  ];
  for (const load of candidates) {
    try {
      const api = await load();
      api.register();
      return true;
    } catch {
      // try the next place
    }
  }
  return false;
}

async function importModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(file)) throw e;
    if (!(await registerTsx(cwd))) {
      throw new Error(`${file} is TypeScript and tsx is not installed; install it (npm i -D tsx) or point ad-check at built JavaScript`);
    }
    return (await import(url)) as Record<string, unknown>;
  }
}

/**
 * Runs `ad-check` with the given arguments; resolves to the exit code.
 *
 * **Method**: resolves the module path against `io.cwd`, imports it (registering tsx for `.ts` files when needed),
 * takes its `rules` export (or `--export <name>`), checks that it is a non-empty list of differentiable functions, runs
 * {@link runConformance} (rules without samples fail unless `--allow-missing-samples`) and prints the table.
 *
 * **Numerical notes**: tolerances are the harness defaults; per-rule options belong in the rules' samples and tests.
 *
 * **References**: the conformance idea of ChainRulesTestUtils.jl, as a command for CI.
 *
 * @example
 * ```ts
 * const code = await main(['packages/rules-eigen/src/index.ts']);   // 0 when all rules pass
 * ```
 */
export async function main(argv: readonly string[], io: CliIo = { cwd: process.cwd(), stdout: (t) => console.log(t), stderr: (t) => console.error(t) }): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (args.error || args.module === undefined) {
    io.stderr(`ad-check: ${args.error ?? 'no module given'}\n${USAGE}`);
    return 2;
  }
  const file = resolve(io.cwd, args.module);
  if (!existsSync(file)) {
    io.stderr(`ad-check: cannot find ${args.module} (resolved to ${file})`);
    return 2;
  }
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file, io.cwd);
  } catch (e) {
    io.stderr(`ad-check: cannot import ${file}: ${(e as Error).message}`);
    return 2;
  }
  const list = mod[args.exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[args.exportName];
  if (!Array.isArray(list) || list.length === 0) {
    io.stderr(
      `ad-check: ${file} exports no rules: expected a non-empty array export named "${args.exportName}" of differentiable functions (defineRule results); got ${
        list === undefined ? 'no such export' : Array.isArray(list) ? 'an empty array' : typeof list
      }`,
    );
    return 2;
  }
  const bad = list.findIndex((r) => !isRule(r));
  if (bad >= 0) {
    io.stderr(`ad-check: ${args.exportName}[${bad}] in ${file} is not a differentiable function (made by defineRule)`);
    return 2;
  }
  const result = runConformance(list as AnyRule[], {
    requireSamples: !args.allowMissing,
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(args.order !== undefined ? { order: args.order } : {}),
  });
  io.stdout(result.table);
  return result.ok ? 0 : 1;
}
