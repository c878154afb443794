/**
 * The `@example` blocks of src/geigh.ts run as written (imports dropped; @ad/core's exports and geigh/geigvalsh in
 * scope), and the numbers their comments state hold.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as core from '@ad/core';
import { Tensor, grad, matmul, slice, sum, tensor, transpose } from '@ad/core';
import { geigh, geigvalsh } from '../src/index.js';
import { flat, relErr } from './helpers.js';

function examples(file: string): string[] {
  const text = readFileSync(fileURLToPath(new URL(`../src/${file}`, import.meta.url)), 'utf8');
  const out: string[] = [];
  const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).filter((l) => !/^import\s/.test(l)).join('\n'));
  }
  return out;
}

describe('geigh TSDoc examples', () => {
  const blocks = examples('geigh.ts');

  it('finds one example per export', () => {
    expect(blocks.length).toBe(2);
  });

  blocks.forEach((code, k) => {
    it(`runs example ${k + 1}`, () => {
      const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
      const scope: Record<string, unknown> = { ...core, geigh, geigvalsh };
      const names = Object.keys(scope);
      expect(() => new Function(...names, js)(...names.map((n) => scope[n]))).not.toThrow();
    });
  });

  it('states the right numbers: λ = (3 ∓ √3)/2 and the gradient v₁v₁ᵀ with v₁ᵀ M v₁ = 1', () => {
    const K = tensor([[2, -1], [-1, 2]]);
    const M = tensor([[1, 0], [0, 2]]);
    expect(relErr(flat(geigvalsh(K, M)), [(3 - Math.sqrt(3)) / 2, (3 + Math.sqrt(3)) / 2])).toBeLessThan(1e-15);
    const v = slice(geigh(K, M).vectors, [0, 0], [2, 1]);
    const G = grad((k: Tensor) => sum(slice(geigvalsh(k, M), [0], [1])))(K) as Tensor;
    expect(relErr(flat(G), flat(matmul(v, transpose(v))))).toBeLessThan(1e-14);
    expect(flat(matmul(transpose(v), matmul(M, v)))[0]).toBeCloseTo(1, 14);
  });
});

describe('README section on geigh', () => {
  it('runs as written and states the right numbers', () => {
    const K = tensor([[3, -1], [-1, 2]]);
    const M = tensor([[1, 0], [0, 2]]);
    const w2 = geigvalsh(K, M);
    expect(relErr(flat(w2), [2 - Math.sqrt(6) / 2, 2 + Math.sqrt(6) / 2])).toBeLessThan(1e-15);
    const { vectors: V } = geigh(K, M);
    expect(relErr(flat(matmul(transpose(V), matmul(M, V))), [1, 0, 0, 1])).toBeLessThan(1e-15);
    const G = grad((m: Tensor) => sum(slice(geigvalsh(K, m), [0], [1])))(M) as Tensor;
    const v = slice(V, [0, 0], [2, 1]);
    expect(relErr(flat(G), flat(matmul(v, transpose(v))).map((x) => -w2.data[0]! * x))).toBeLessThan(1e-14);
  });
});
