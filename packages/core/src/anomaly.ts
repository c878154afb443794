/**
 * Anomaly detection: under `detectAnomaly`, every rule application checks that finite inputs gave finite outputs,
 * tangents and cotangents, and the first one that did not is reported by name.
 * @module
 */
import { AnomalyError } from './errors.js';
import { Tensor } from './tensor.js';
import { Thunk } from './tangents.js';
import { currentPullback } from './trace.js';

function allFinite(x: unknown): boolean {
  if (x instanceof Tensor) {
    const d = x.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
    if (x.im) for (let i = 0; i < x.im.length; i++) if (!Number.isFinite(x.im[i]!)) return false;
    return true;
  }
  if (x instanceof Thunk) return true;
  if (Array.isArray(x)) return x.every(allFinite);
  if (typeof x === 'object' && x !== null) return Object.values(x).every(allFinite);
  if (typeof x === 'number') return Number.isFinite(x);
  return true;
}

/** Throws AnomalyError if `inputs` are all finite but `output` is not. */
export function checkAnomaly(name: string, phase: 'forward' | 'pullback' | 'pushforward', inputs: unknown, output: unknown): void {
  if (allFinite(inputs) && !allFinite(output)) {
    // An op that fails while some rule's pullback runs is part of that pullback: blame the rule.
    const outer = phase === 'forward' ? currentPullback() : undefined;
    const culprit = outer ?? name;
    const culpritPhase = outer ? 'pullback' : phase;
    const what = culpritPhase === 'forward' ? 'output' : culpritPhase === 'pullback' ? 'cotangent' : 'tangent';
    throw new AnomalyError(
      `detectAnomaly: ${culprit} turned finite inputs into a non-finite ${what} (in its ${culpritPhase === 'forward' ? 'primal' : culpritPhase}` +
        `${outer ? `, at its call of ${name}` : ''}); check the rule and its inputs (a degenerate spectrum? a division by zero?)`,
      culprit,
      culpritPhase,
    );
  }
}
