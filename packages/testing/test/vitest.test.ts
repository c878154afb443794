import { describe, expect, it } from 'vitest';
import '@ad/testing/vitest';
import { exp, mul, sum, tensor, type Tensor } from '@ad/core';
import { symmetric } from '@ad/testing';
import * as P from './fixtures/planted.js';

const x = tensor([0.3, -0.7, 1.1]);

describe('vitest matchers from @ad/testing/vitest', () => {
  it('pass correct rules and functions', () => {
    expect(mul).toPassRruleTest([x, tensor([1, 2, 3])]);
    expect(exp).toPassFruleTest([x], { order: 2 });
    expect((v: Tensor) => sum(exp(v))).toPassGradCheck(x, { order: 2 });
    expect(P.goodSymTrace).toPassRruleTest([symmetric(tensor([[1, 2, 0], [2, 1, 0], [0, 0, 3]]))]);
  });

  it('fail wrong rules with the harness report as the message', () => {
    expect(() => expect(P.signErrorExp).toPassRruleTest([x])).toThrow(/testRrule\(planted\/sign-error\) failed[\s\S]*✗ vjp/);
    expect(() => expect(P.missingFactor2Square).toPassFruleTest([x])).toThrow(/✗ jvp/);
    expect(() => expect((v: Tensor) => sum(P.signErrorExp(v))).toPassGradCheck(x)).toThrow(/checkGrad\(.*\) failed/);
  });

  it('support .not', () => {
    expect(P.signErrorExp).not.toPassRruleTest([x]);
    expect(() => expect(exp).not.toPassRruleTest([x])).toThrow(/expected testRrule\(@ad\/core\/exp\) to fail, but it passed/);
  });

  it('refuse a non-function', () => {
    expect(() => expect(42).toPassRruleTest([x])).toThrow(/must receive a function/);
  });
});
