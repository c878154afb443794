import { describe, expect, it } from 'vitest';
import { complex, project, tensor, toArray, castTensor } from '../src/index.js';

describe('project', () => {
  it('projects onto symmetric, Hermitian and diagonal matrices (batched over leading axes)', () => {
    expect(toArray(project(tensor([[0, 2], [0, 0]]), 'symmetric'))).toEqual([[0, 1], [1, 0]]);
    expect(toArray(project(tensor([[[1, 4], [0, 2]], [[0, 0], [6, 0]]]), 'spd'))).toEqual([[[1, 2], [2, 2]], [[0, 3], [3, 0]]]);
    const z = complex(tensor([[1, 2], [0, 3]]), tensor([[5, 4], [0, -1]]));
    // (Z + Zᴴ)/2: real diagonal, conjugate-symmetric off-diagonal.
    expect(toArray(project(z, 'hermitian'))).toEqual([[[1, 0], [1, 2]], [[1, -2], [3, 0]]]);
    expect(toArray(project(tensor([[1, 2], [3, 4]]), 'diagonal'))).toEqual([[1, 0], [0, 4]]);
  });

  it('matches the primal’s dtype: real part for a real primal, float32 for a float32 primal', () => {
    const z = complex(tensor([1, 2]), tensor([3, 4]));
    expect(toArray(project(z, 'general', tensor([0, 0])))).toEqual([1, 2]);
    expect(toArray(project(z, 'real'))).toEqual([1, 2]);
    const p32 = castTensor(tensor([0, 0]), 'float32');
    expect(project(tensor([0.5, 1]), 'general', p32).dtype).toBe('float32');
  });
});
