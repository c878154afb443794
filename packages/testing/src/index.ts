/**
 * @ad/testing — the shared gradient test harness of @ad: finite differences with error estimates, rule tests
 * (`testRrule`, `testFrule`, `checkGrad`), the conformance suite (`runConformance`, the `ad-check` command), fast-check
 * arbitraries for structured matrices, and vitest matchers (`@ad/testing/vitest`).
 *
 * @example
 * ```ts
 * import { testRrule, symmetric } from '@ad/testing';
 * import { mul, tensor } from '@ad/core';
 * testRrule(mul, [tensor([1, 2]), tensor([3, 4])], { throws: true });
 * ```
 * @packageDocumentation
 */
export { centralFdm, forwardFdm, backwardFdm } from './fdm.js';
export type { FdEstimate, FdVectorEstimate, FdmKind, FdmOptions, FiniteDifferenceMethod, RichardsonOptions } from './fdm.js';
export { fdGrad, fdGradDetailed, fdJacobian, fdJvp } from './fd.js';
export type { FdGradResult, FdJvpResult, FdOptions } from './fd.js';
export { Structured, hermitian, spd, structured, symmetric } from './structure.js';
export type { StructureKind } from './structure.js';
export { testFrule, testRrule } from './rule-test.js';
export type { FunctionUnderTest, RuleTestOptions } from './rule-test.js';
export type { CheckFailure, CheckName, EntryComparison, TestReport } from './report.js';
export { checkGrad } from './check-grad.js';
export type { CheckGradOptions } from './check-grad.js';
export { runConformance, formatConformanceTable } from './conformance.js';
export type { ConformanceOptions, ConformanceResult, ConformanceRow } from './conformance.js';
export {
  degenerateSymmetric,
  generalMatrix,
  hermitianMatrix,
  matrixWithSpectrum,
  orthogonalMatrix,
  spdMatrix,
  symmetricMatrix,
  weightedGraph,
} from './arbitraries.js';
export type { SizeSpec } from './arbitraries.js';
