/**
 * Structure marks for arguments of plain functions under test (`symmetric(A)`, `hermitian(A)`, `spd(A)`), and the
 * harness's handling of structured inputs: random tangents inside the structure, the coordinate directions of the
 * structure (for finite-difference gradients), and the test that a cotangent lies in it.
 * @module
 */
import { asTensor, ShapeError, Tensor, type TensorLike } from '@ad/core';
import type { Rng } from './internal/rng.js';

/** The structures the harness knows (a rule's `structure` entries other than `'nondiff'`). */
export type StructureKind = 'general' | 'symmetric' | 'hermitian' | 'spd' | 'diagonal' | 'real';

/**
 * An argument marked with a structure: the harness perturbs it inside the structure and checks its cotangent.
 * Made by {@link symmetric}, {@link hermitian}, {@link spd} and {@link structured}.
 *
 * **Method**: a plain wrapper (value + structure); the harness unwraps it before calling the function under test.
 *
 * **Numerical notes**: the value is not modified or checked beyond being square.
 *
 * **References**: ChainRulesCore's `ProjectTo` names the same structures.
 *
 * @example
 * ```ts
 * const m = symmetric(tensor([[1, 2], [2, 1]]));
 * m.structure;   // 'symmetric'
 * ```
 */
export class Structured {
  /** The argument's value. */
  readonly value: Tensor;
  /** Its structure. */
  readonly structure: StructureKind;
  constructor(value: Tensor, structure: StructureKind) {
    this.value = value;
    this.structure = structure;
  }
}

function requireSquare(t: Tensor, what: string): void {
  const n = t.ndim;
  if (n < 2 || t.shape[n - 1] !== t.shape[n - 2]) {
    throw new ShapeError(`${what}: expected a square matrix (or a batch of them), got shape [${t.shape.join(', ')}]`);
  }
}

/**
 * Marks `A` as a symmetric argument: tangents are symmetric (E + Eᵀ) and the cotangent must be symmetric.
 *
 * **Method**: wraps the tensor in a {@link Structured} mark; `testRrule`/`testFrule`/`checkGrad`/`fdGrad` unwrap it.
 *
 * **Numerical notes**: the value itself is not symmetrised; pass a symmetric matrix.
 *
 * **References**: JAX `tests/linalg_test.py` (testEighGrad had to be skipped because its checker perturbed symmetric
 * inputs in non-symmetric directions).
 *
 * @example
 * ```ts
 * testRrule((A) => sum(mul(A, A)), [symmetric(tensor([[2, 1], [1, 3]]))]);
 * ```
 */
export function symmetric(A: TensorLike): Structured {
  const t = asTensor(A, 'symmetric');
  requireSquare(t, 'symmetric');
  return new Structured(t, 'symmetric');
}

/**
 * Marks `A` as a Hermitian argument: tangents are Hermitian (E + Eᴴ) and the cotangent must be Hermitian.
 *
 * **Method**: as {@link symmetric}; for a real `A` this is the same as symmetric.
 *
 * **Numerical notes**: the diagonal of a Hermitian tangent is real.
 *
 * **References**: ChainRules.jl `Hermitian` rules.
 *
 * @example
 * ```ts
 * testRrule((H) => real(trace(matmul(H, H))), [hermitian(complex(tensor([[2, 1], [1, 3]]), tensor([[0, 1], [-1, 0]])))], { throws: true });
 * ```
 */
export function hermitian(A: TensorLike): Structured {
  const t = asTensor(A, 'hermitian');
  requireSquare(t, 'hermitian');
  return new Structured(t, 'hermitian');
}

/**
 * Marks `A` as a symmetric positive-definite argument: perturbed in symmetric directions (small enough steps keep it
 * definite), cotangent symmetric.
 *
 * **Method**: as {@link symmetric}.
 *
 * **Numerical notes**: a nearly singular `A` may leave the cone at the finite-difference step; pass an `fdm` with
 * `maxRange` below its smallest eigenvalue then.
 *
 * **References**: as {@link symmetric}.
 *
 * @example
 * ```ts
 * checkGrad((A) => sum(log(diag(A))), spd(tensor([[2, 1], [1, 3]])), { throws: true });
 * ```
 */
export function spd(A: TensorLike): Structured {
  const t = asTensor(A, 'spd');
  requireSquare(t, 'spd');
  return new Structured(t, 'spd');
}

/**
 * Marks `A` with any structure the harness knows (`'diagonal'`, `'real'` for a complex-typed argument that is real, …).
 *
 * **Method**: as {@link symmetric}.
 *
 * **Numerical notes**: `'general'` is the same as no mark.
 *
 * **References**: ChainRulesCore `ProjectTo`.
 *
 * @example
 * ```ts
 * checkGrad((D) => sum(exp(D)), structured(diagm(tensor([1, 2])), 'diagonal'));
 * ```
 */
export function structured(A: TensorLike, structure: StructureKind): Structured {
  const t = asTensor(A, 'structured');
  if (structure !== 'general' && structure !== 'real') requireSquare(t, `structured(${structure})`);
  return new Structured(t, structure);
}

// ---------------------------------------------------------------------------------------------------------------
// Internal helpers (not exported from the package index).

/** Matrix geometry of a tensor with square trailing axes: batch count and n. */
function geometry(shape: readonly number[]): { batch: number; n: number } {
  const k = shape.length;
  const n = shape[k - 1]!;
  return { batch: shape.slice(0, -2).reduce((a, b) => a * b, 1), n };
}

/**
 * Visits each entry pair of a batch of square matrices once: the upper triangle's flat index `a` = (i, j), j ≥ i, with
 * its mirror `c` = (j, i) (`a === c` on the diagonal).
 */
function forEachPair(shape: readonly number[], visit: (a: number, c: number) => void): void {
  const { batch, n } = geometry(shape);
  for (let b = 0; b < batch; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) visit(o + i * n + j, o + j * n + i);
    }
  }
}

/**
 * Moves raw (re, im) arrays of a batch of square matrices, in place, onto a square structure. Each off-diagonal pair
 * (x_ij, x_ji) becomes s·(x_ij + x_ji) for symmetric/spd and s·(x_ij + conj x_ji) (with its conjugate below) for
 * Hermitian, where s is `pairScale`; diagonal structure zeroes the off-diagonal entries. The real diagonal is kept, the
 * imaginary diagonal is zeroed for Hermitian and kept otherwise. `pairScale` ½ is the orthogonal projection (the
 * symmetric/Hermitian part, {@link projectRaw}); 1 turns a random R into R + Rᵀ or R + Rᴴ ({@link randomTangent}).
 */
function projectSquareInPlace(
  re: Float64Array,
  im: Float64Array | undefined,
  shape: readonly number[],
  structure: 'symmetric' | 'spd' | 'hermitian' | 'diagonal',
  pairScale: number,
): void {
  const conjSign = structure === 'hermitian' ? -1 : 1;
  forEachPair(shape, (a, c) => {
    if (a === c) {
      if (im && conjSign < 0) im[a] = 0;
    } else if (structure === 'diagonal') {
      re[a] = re[c] = 0;
      if (im) im[a] = im[c] = 0;
    } else {
      re[a] = re[c] = (re[a]! + re[c]!) * pairScale;
      if (im) {
        const s = (im[a]! + conjSign * im[c]!) * pairScale;
        im[a] = s;
        im[c] = conjSign * s;
      }
    }
  });
}

/**
 * A random tangent for `primal` inside `structure`: standard normal entries (complex: both parts), symmetrised
 * (R + Rᵀ), Hermitised (R + Rᴴ), restricted to the diagonal, or made real. float32 primals get float32 tangents.
 */
export function randomTangent(rng: Rng, primal: Tensor, structure: StructureKind): Tensor {
  const size = primal.size;
  const complex = primal.dtype === 'complex128';
  const re = new Float64Array(size);
  const im = complex ? new Float64Array(size) : undefined;
  for (let i = 0; i < size; i++) {
    re[i] = rng.normal();
    if (im) im[i] = structure === 'real' ? 0 : rng.normal();
  }
  if (structure === 'symmetric' || structure === 'spd' || structure === 'hermitian' || structure === 'diagonal') {
    projectSquareInPlace(re, im, primal.shape, structure, 1);
  }
  const data = primal.dtype === 'float32' ? Float32Array.from(re) : re;
  return new Tensor(primal.shape, primal.dtype, data, im);
}

/** One coordinate direction of a structure: sparse entries (flat index, real part, imaginary part). */
export interface Direction {
  readonly entries: readonly { index: number; re: number; im: number }[];
  /** Writes the directional derivative `d` into the gradient (re/im arrays) at the right entries. */
  assign(d: number, gre: Float64Array, gim: Float64Array | undefined): void;
}

/**
 * The coordinate directions of the structure at `primal`, with the rule that turns directional derivatives into the
 * gradient under the real Frobenius inner product ⟨G, E⟩ = Re tr(Gᴴ E): general real: eᵢ; complex: eᵢ and i·eᵢ
 * (G = ∂L/∂Re + i ∂L/∂Im); symmetric: eᵢᵢ and eᵢⱼ + eⱼᵢ (G_ij = G_ji = D/2); Hermitian adds i(eᵢⱼ − eⱼᵢ)
 * (Im G_ij = D/2 = −Im G_ji); diagonal: eᵢᵢ; real: the real parts only.
 */
export function structureDirections(primal: Tensor, structure: StructureKind): Direction[] {
  const complex = primal.dtype === 'complex128';
  const dirs: Direction[] = [];
  const one = (index: number, re: number, im: number, set: Direction['assign']): void => {
    dirs.push({ entries: [{ index, re, im }], assign: set });
  };
  if (structure === 'general' || structure === 'real') {
    for (let i = 0; i < primal.size; i++) {
      one(i, 1, 0, (d, gre) => {
        gre[i] = d;
      });
      if (complex && structure === 'general') {
        one(i, 0, 1, (d, _gre, gim) => {
          gim![i] = d;
        });
      }
    }
    return dirs;
  }
  const herm = structure === 'hermitian';
  forEachPair(primal.shape, (a, c) => {
    if (a === c) {
      one(a, 1, 0, (d, gre) => {
        gre[a] = d;
      });
      // complex symmetric and complex diagonal (not Hermitian) matrices have a free imaginary diagonal
      if (complex && !herm) {
        one(a, 0, 1, (d, _gre, gim) => {
          gim![a] = d;
        });
      }
      return;
    }
    if (structure === 'diagonal') return;
    dirs.push({
      entries: [
        { index: a, re: 1, im: 0 },
        { index: c, re: 1, im: 0 },
      ],
      assign: (d, gre) => {
        gre[a] = gre[c] = d / 2;
      },
    });
    if (complex) {
      dirs.push({
        entries: [
          { index: a, re: 0, im: 1 },
          { index: c, re: 0, im: herm ? -1 : 1 },
        ],
        assign: (d, _gre, gim) => {
          gim![a] = d / 2;
          gim![c] = herm ? -d / 2 : d / 2;
        },
      });
    }
  });
  return dirs;
}

/** Result of {@link checkInStructure}. */
export interface StructureViolation {
  /** Size of the violation (max |X − Xᵀ|, max |off-diagonal|, max |Im X|). */
  amount: number;
  /** Largest |X| entry (the scale the violation is relative to). */
  scale: number;
  /** Flat index of the worst entry. */
  index: number;
  /** What was violated, e.g. 'not symmetric (max |X − Xᵀ|)'. */
  what: string;
}

/** Checks that a cotangent lies in the structure: returns the violation when it exceeds `rtol`·max|X|. */
export function checkInStructure(x: Tensor, structure: StructureKind, rtol: number): StructureViolation | undefined {
  if (structure === 'general') return undefined;
  let scale = 0;
  for (let i = 0; i < x.size; i++) scale = Math.max(scale, Math.hypot(x.data[i]!, x.im?.[i] ?? 0));
  let amount = 0;
  let index = -1;
  let what = '';
  const note = (v: number, i: number, w: string): void => {
    if (v > amount) {
      amount = v;
      index = i;
      what = w;
    }
  };
  if (structure === 'real') {
    if (x.im) for (let i = 0; i < x.size; i++) note(Math.abs(x.im[i]!), i, 'not real (max |Im X|)');
  } else {
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) return { amount: Infinity, scale, index: 0, what: 'not a square matrix' };
    const herm = structure === 'hermitian';
    forEachPair(x.shape, (a, c) => {
      if (structure === 'diagonal') {
        if (a !== c) {
          note(Math.hypot(x.data[a]!, x.im?.[a] ?? 0), a, 'not diagonal (max |off-diagonal entry|)');
          note(Math.hypot(x.data[c]!, x.im?.[c] ?? 0), c, 'not diagonal (max |off-diagonal entry|)');
        }
        return;
      }
      const dre = x.data[a]! - x.data[c]!;
      const dim = x.im ? x.im[a]! - (herm ? -x.im[c]! : x.im[c]!) : 0;
      note(Math.hypot(dre, dim), a, herm ? 'not Hermitian (max |X − Xᴴ|)' : 'not symmetric (max |X − Xᵀ|)');
    });
  }
  return amount > rtol * scale ? { amount, scale, index, what } : undefined;
}

/** Projects a tensor onto the structure (sym/herm part, diagonal, real part), on raw arrays; float64/complex128. */
export function projectRaw(x: Tensor, structure: StructureKind): Tensor {
  const re = Float64Array.from(x.data);
  const im = x.im ? Float64Array.from(x.im) : undefined;
  const dtype = x.dtype === 'float32' ? 'float64' : x.dtype;
  if (structure === 'general') return new Tensor(x.shape, dtype, re, im);
  if (structure === 'real') return new Tensor(x.shape, dtype, re, im ? new Float64Array(x.size) : undefined);
  projectSquareInPlace(re, im, x.shape, structure, 1 / 2);
  return new Tensor(x.shape, dtype, re, im);
}
