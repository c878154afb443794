/**
 * Exact rational arithmetic on BigInt, used to solve the Vandermonde systems of finite-difference stencils without
 * rounding (as FiniteDifferences.jl does with `Rational{BigInt}`). Internal.
 * @module
 */

/** A reduced fraction n/d with d > 0. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The reduced fraction n/d. */
export function rat(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError('rational: division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const ZERO = rat(0n);

export const add = (a: Rational, b: Rational): Rational => rat(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => rat(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rat(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => rat(a.n * b.d, a.d * b.n);
export const isZero = (a: Rational): boolean => a.n === 0n;
export const abs = (a: Rational): Rational => (a.n < 0n ? { n: -a.n, d: a.d } : a);

/** The nearest double (one rounding when both parts fit in 53 bits; otherwise scaled BigInt division). */
export function toNumber(a: Rational): number {
  const LIM = 2n ** 53n;
  const an = a.n < 0n ? -a.n : a.n;
  if (an < LIM && a.d < LIM) return Number(a.n) / Number(a.d);
  // Scale so the integer quotient carries ≥ 64 significant bits, then convert once.
  const shift = BigInt(Math.max(0, 64 - (an.toString(2).length - a.d.toString(2).length)));
  const q = (a.n * 2n ** shift) / a.d;
  return Number(q) / 2 ** Number(shift);
}

/** n! as a BigInt. */
export function factorial(n: number): bigint {
  let f = 1n;
  for (let i = 2n; i <= BigInt(n); i++) f *= i;
  return f;
}

/**
 * Solves the square system M x = b exactly by Gaussian elimination (first non-zero pivot; exact arithmetic needs no
 * pivoting for stability). Throws when M is singular.
 */
export function solveExact(M: Rational[][], b: Rational[]): Rational[] {
  const n = b.length;
  const A = M.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    while (p < n && isZero(A[p]![c]!)) p++;
    if (p === n) throw new RangeError('solveExact: singular system');
    if (p !== c) [A[p], A[c]] = [A[c]!, A[p]!];
    const piv = A[c]![c]!;
    for (let r = 0; r < n; r++) {
      if (r === c || isZero(A[r]![c]!)) continue;
      const f = div(A[r]![c]!, piv);
      for (let k = c; k <= n; k++) A[r]![k] = sub(A[r]![k]!, mul(f, A[c]![k]!));
    }
  }
  return A.map((row, i) => div(row[n]!, row[i]!));
}
