export { symEig, symEigTs, type EigOptions, type SymEigResult } from './symeig.js';
export { hermEig, hermEigTs, type HermEigResult } from './hermeig.js';
export { findClusters, degeneracyTolerance, type Cluster, type DegeneracyTolerance } from './clusters.js';
export { fixSignPhase, fixSignPhaseComplex, pivotIndex, pivotIndexComplex, PIVOT_RTOL } from './phase.js';
export { eigGeneral, type EigGeneralOptions, type EigGeneralResult } from './eig.js';
export {
  luFactor,
  luSolve,
  luRcond,
  type LuFactors,
  type LuFactorOptions,
  type LuSolveOptions,
  type LuSolution,
} from './lu.js';
