import { describe, expect, it } from 'vitest';
import { ShapeError, ZeroTangent, addTangents, thunk, tensor, toArray, type Tangent, type Tensor } from '../src/index.js';

describe('addTangents', () => {
  it('skips structural zeros, forces thunks and adds structures field by field', () => {
    const x = tensor([1, 2]);
    expect(addTangents(x, ZeroTangent)).toBe(x);
    expect(toArray(addTangents(thunk(() => x), x) as Tensor)).toEqual([2, 4]);
    const s = addTangents({ a: tensor(1) }, { a: tensor(2), b: tensor(3) }) as Record<string, Tensor>;
    expect(toArray(s.a!)).toBe(3);
    expect(toArray(s.b!)).toBe(3);
    const l = addTangents([tensor(1), ZeroTangent], [tensor(2), tensor(5)]) as Tensor[];
    expect(l.map((t) => toArray(t))).toEqual([3, 5]);
  });

  it('refuses tensors of different shapes and tangents of different kinds instead of broadcasting or merging them', () => {
    expect(() => addTangents(tensor([1, 2]), tensor([[1, 2], [3, 4]]))).toThrow(ShapeError);
    expect(() => addTangents(tensor([1, 2]), tensor([[1, 2], [3, 4]]))).toThrow(/\[2\] and \[2, 2\]/);
    expect(() => addTangents(tensor([1, 2]), { a: tensor(1) } as Tangent)).toThrow(/cannot add Tensor \[2\] to Object/);
    expect(() => addTangents([tensor(1)], { a: tensor(1) })).toThrow(ShapeError);
  });
});
