// @ad/kernels public API: a plain list of named exports, one block per kernel file (types alongside).
export { gemm, gemmBatched, zgemm, GEMM_CROSSOVER } from './matmul.js';
export type { RealArray, ComplexTrans } from './matmul.js';
export {
  ready,
  setBackend,
  getBackend,
  wasmStatus,
  wasmError,
  setMemoryReservation,
  getMemoryReservation,
  DEFAULT_RESERVATION,
  FALLBACK_RESERVATION,
} from './backend.js';
export type { Backend, WasmStatus } from './backend.js';
export { symEig, SYMEIG_CROSSOVER, type EigOptions, type SymEigResult } from './symeig.js';
export { hermEig, type HermEigResult } from './hermeig.js';
export { findClusters, degeneracyTolerance, type Cluster, type DegeneracyTolerance } from './clusters.js';
export { fixSignPhase, fixSignPhaseComplex, pivotIndex, pivotIndexComplex, PIVOT_RTOL } from './phase.js';
export { eigGeneral, EIG_CROSSOVER, type EigGeneralOptions, type EigGeneralResult } from './eig.js';
export {
  luFactor,
  luSolve,
  luRcond,
  LU_CROSSOVER,
  type LuFactors,
  type LuFactorOptions,
  type LuSolveOptions,
  type LuSolution,
} from './lu.js';
export { svd, svdTs, SVD_MAX_SWEEPS, SVD_CROSSOVER } from './svd.js';
export type { SvdOptions, SvdResult } from './svd.js';
export { cholesky, solveTriangular } from './cholesky.js';
export type { CholeskyResult, SolveTriangularOptions } from './cholesky.js';
export { generalizedSymEig } from './geneig.js';
export type { GeneralizedSymEigOptions, GeneralizedSymEigResult } from './geneig.js';
