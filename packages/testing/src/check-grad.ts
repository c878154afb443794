/**
 * `checkGrad`: the one-line gradient check for application code — grad(f) (and with `order: 2` the Hessian-vector
 * product) against finite differences.
 * @module
 */
import { Tensor, asTensor, grad, hvp, type TensorLike } from '@ad/core';
import type { FiniteDifferenceMethod } from './fdm.js';
import { defaultFdm, fdGradDetailed, scalarOf } from './fd.js';
import { Structured, projectRaw, randomTangent, structureDirections, type StructureKind } from './structure.js';
import { Recorder } from './internal/recorder.js';
import { Rng } from './internal/rng.js';
import { axpy, dotFlat, absDotFlat, entryName, flatten, layoutOf, toFloat64 } from './internal/tree.js';
import type { TestReport } from './report.js';

/** Options of {@link checkGrad}. */
export interface CheckGradOptions {
  /** 1 (default): the gradient; 2: also Hessian-vector products (forward-over-reverse) against FD of the gradient. */
  order?: 1 | 2;
  /** Relative tolerance (default 1e-9; 1e-4 for a float32 input). */
  rtol?: number;
  /** Absolute tolerance (default 0). */
  atol?: number;
  /** Multiplier of the FD error estimate (default 10). */
  fdErrorFactor?: number;
  /** Finite-difference method (default `centralFdm(5, 1)`). */
  fdm?: FiniteDifferenceMethod;
  /** Seed of the random directions (default 1). */
  seed?: number;
  /** Gradients with at most this many coordinates are checked entry by entry (default 64); larger ones along `directions` random directions. */
  fullGradientLimit?: number;
  /** Number of random directions for large inputs and for the Hessian check (default 3 and 1). */
  directions?: number;
  /** Throw an Error carrying the report when a check fails. */
  throws?: boolean;
  /** Name in reports (default: f's name). */
  name?: string;
  /** Extra text for failure messages (e.g. a fast-check seed and path). */
  context?: string;
}

/**
 * Checks `grad(f)(x)` against finite differences (and, with `{ order: 2 }`, `hvp(f, x, v)` against finite
 * differences of the gradient along v) — JAX's `check_grads`, PyTorch's `gradcheck`/`gradgradcheck`.
 *
 * **Method**: inputs with at most `fullGradientLimit` coordinates get the full FD gradient ({@link fdGradDetailed})
 * compared entry by entry; larger ones are checked along random directions v by ⟨∇f, v⟩ against d/dt f(x + t v).
 * Order 2 compares H v with the FD derivative of t ↦ ∇f(x + t v), entry by entry. A structure-marked x
 * (`symmetric(A)`, …) is perturbed inside its structure and the AD gradient is compared after projection onto it (the
 * gradient on the subspace).
 *
 * **Numerical notes**: entries pass when |ad − fd| ≤ atol + rtol·max(|ad|, |fd|, 1e-2·‖·‖∞) + c·fdError. float32
 * inputs are differenced in float64 and compared at rtol 1e-4. f must return a real scalar.
 *
 * **References**: JAX `jax.test_util.check_grads` (orders 1 and 2); PyTorch `torch.autograd.gradcheck`,
 * `gradgradcheck`; FiniteDifferences.jl.
 *
 * @example
 * ```ts
 * checkGrad((x) => sum(mul(exp(x), sin(x))), tensor([0.1, 0.2]), { order: 2 }).ok;   // true
 * ```
 */
export function checkGrad(f: (x: Tensor) => unknown, x0: TensorLike | Structured, opts: CheckGradOptions = {}): TestReport {
  const structure: StructureKind = x0 instanceof Structured ? x0.structure : 'general';
  const x = x0 instanceof Structured ? x0.value : asTensor(x0, 'checkGrad');
  const f32 = x.dtype === 'float32';
  const seed = opts.seed ?? 1;
  const rec = new Recorder(
    'checkGrad',
    opts.name ?? (f.name || '<anonymous function>'),
    { rtol: opts.rtol ?? (f32 ? 1e-4 : 1e-9), atol: opts.atol ?? 0, fdErrorFactor: opts.fdErrorFactor ?? 10 },
    seed,
    undefined,
  );
  const rng = new Rng(seed);
  const fdm = opts.fdm ?? defaultFdm();
  const g = grad(f as (...a: never[]) => unknown);
  const lay = layoutOf(x);
  const x64 = toFloat64(x);

  rec.guard('grad', 'grad(f)', () => {
    const gAd = projectRaw(g(x) as Tensor, structure);
    const ndirs = structureDirections(x, structure).length;
    if (ndirs <= (opts.fullGradientLimit ?? 64)) {
      const fd = fdGradDetailed(f, new Structured(x, structure), { fdm });
      rec.compare('grad', 'grad(f)', flatten(gAd), flatten(fd.value), { errors: flatten(fd.error), name: (i) => entryName(lay, i) });
    } else {
      const k = opts.directions ?? 3;
      for (let d = 0; d < k; d++) {
        const v = randomTangent(rng, x, structure);
        const vf = flatten(toFloat64(v));
        const a = dotFlat(flatten(gAd), vf);
        const r = fdm.estimate((t) => scalarOf(f(axpy(x64, t, v)), 'checkGrad'), 0);
        rec.compare('grad', `⟨grad(f), v⟩ along random direction ${d + 1} of ${k}`, Float64Array.of(a), Float64Array.of(r.value), {
          errors: Float64Array.of(r.error),
          floor: 1e-3 * absDotFlat(flatten(gAd), vf),
        });
      }
    }
  });

  if (opts.order === 2) {
    rec.guard('hvp', 'hvp(f, x, v)', () => {
      const k = opts.directions ?? 1;
      for (let d = 0; d < k; d++) {
        const v = randomTangent(rng, x, structure);
        const hv = projectRaw(hvp(f, x, v), structure);
        const r = fdm.estimateVector((t) => flatten(projectRaw(g(axpy(x64, t, v)) as Tensor, structure)), 0);
        rec.compare('hvp', `hvp(f, x, v) along random direction ${d + 1} of ${k}`, flatten(hv), r.value, {
          errors: r.errors,
          name: (i) => entryName(lay, i),
        });
      }
    });
  }
  const report = rec.report(opts.context);
  if (opts.throws && !report.ok) {
    const err = new Error(report.message);
    (err as Error & { report: TestReport }).report = report;
    throw err;
  }
  return report;
}
