/**
 * The reverse sweep: runs a level's tape backwards, calling each recorded pullback with the cotangents of its outputs,
 * projecting what comes back onto each argument's structure and dtype, and accumulating it.
 *
 * Kept apart from rule.ts on purpose: it uses core ops (projection, accumulation), and the op modules import rule.ts,
 * so rule.ts must not import them back (a module cycle would run `defineRule` before rule.ts is initialised).
 * @module
 */
import { RuleError, ShapeError } from './errors.js';
import { Tensor, sameShape } from './tensor.js';
import { NoTangent, Thunk, ZeroTangent, isZeroTangent, type Tangent } from './tangents.js';
import { Level, ReverseTracer, anomalyModeOn, inPullback } from './trace.js';
import { describeTangent, type ArgStructure } from './rule.js';
import { projectCotangent } from './project.js';
import { addTangents } from './accumulate.js';
import { checkAnomaly } from './anomaly.js';

/** Builds the cotangent structure a tape entry's pullback receives from the accumulated cotangents. */
function outputCotangent(output: unknown, cot: Map<number, Tangent>): { value: unknown; any: boolean } {
  if (output instanceof ReverseTracer) {
    const c = cot.get(output.id);
    return c === undefined ? { value: ZeroTangent, any: false } : { value: c, any: true };
  }
  if (Array.isArray(output)) {
    let any = false;
    const value = output.map((o) => {
      const r = outputCotangent(o, cot);
      any ||= r.any;
      return r.value;
    });
    return { value, any };
  }
  if (typeof output === 'object' && output !== null && !(output instanceof Tensor)) {
    let any = false;
    const value: Record<string, unknown> = {};
    for (const k of Object.keys(output)) {
      const r = outputCotangent((output as Record<string, unknown>)[k], cot);
      any ||= r.any;
      value[k] = r.value;
    }
    return { value, any };
  }
  return { value: NoTangent, any: false };
}

function forgetOutputs(output: unknown, cot: Map<number, Tangent>): void {
  if (output instanceof ReverseTracer) cot.delete(output.id);
  else if (Array.isArray(output)) output.forEach((o) => forgetOutputs(o, cot));
  else if (typeof output === 'object' && output !== null && !(output instanceof Tensor)) {
    for (const v of Object.values(output)) forgetOutputs(v, cot);
  }
}

/**
 * Runs the reverse sweep of `level`'s tape from the seed cotangents in `cot` (keyed by tape id), accumulating
 * cotangents of every recorded value. Pullbacks run after the level is closed, so the core ops they use are traced by
 * the outer levels only (this is what makes reverse-over-anything work).
 */
export function backward(level: Level, cot: Map<number, Tangent>): void {
  const tape = level.tape;
  for (let e = tape.length - 1; e >= 0; e--) {
    const entry = tape[e]!;
    // Fast path for the common single-tensor output: no cotangent structure to build.
    let ybar: unknown;
    if (entry.output instanceof ReverseTracer) {
      ybar = cot.get(entry.output.id);
      if (ybar === undefined) continue;
    } else {
      const r = outputCotangent(entry.output, cot);
      if (!r.any) continue;
      ybar = r.value;
    }
    const cts = anomalyModeOn() ? inPullback(entry.name, () => entry.pullback(ybar as never)) : entry.pullback(ybar as never);
    const args = entry.args;
    if (!Array.isArray(cts) || cts.length !== args.length) {
      throw new RuleError(
        `${entry.name}: pullback returned ${Array.isArray(cts) ? cts.length : typeof cts} cotangents, expected exactly ${args.length} (one per argument, none for the function itself)`,
        entry.name,
      );
    }
    for (let i = 0; i < cts.length; i++) {
      const arg = args[i];
      if (!(arg instanceof ReverseTracer) || arg.level !== level) continue;
      const id = arg.id;
      let ct = cts[i] as Tangent;
      if (ct instanceof Thunk) ct = ct.force();
      if (isZeroTangent(ct)) continue;
      const input = arg.primal;
      if (!(ct instanceof Tensor)) {
        throw new RuleError(`${entry.name}: pullback returned a ${describeTangent(ct)} cotangent for tensor argument ${i}`, entry.name);
      }
      if (!sameShape(ct.shape, input.shape)) {
        throw new ShapeError(
          `${entry.name}: pullback returned a cotangent of shape [${ct.shape.join(', ')}] for argument ${i} of shape [${input.shape.join(', ')}]`,
        );
      }
      ct = projectCotangent(ct, input, (entry.structure?.[i] ?? 'general') as ArgStructure);
      if (anomalyModeOn()) checkAnomaly(entry.name, 'pullback', [ybar], ct);
      const prev = cot.get(id);
      cot.set(id, prev === undefined ? ct : addTangents(prev, ct));
    }
    forgetOutputs(entry.output, cot);
  }
}
