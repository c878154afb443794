import { describe, expect, it } from 'vitest';
import { Matrix } from 'ml-matrix';
import {
  DTypeError,
  ShapeError,
  Tensor,
  add,
  asTensor,
  castTensor,
  complex,
  eye,
  fromMatrix,
  mul,
  scalar,
  tensor,
  toArray,
  toMatrix,
  zeros,
  grad,
  sum,
} from '../src/index.js';

describe('tensor construction and exits', () => {
  it('builds a float64 row-major tensor from nested arrays and gives the arrays back', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float64');
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toArray(t)).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('gives a plain number for a 0-d tensor and [re, im] for complex entries', () => {
    expect(toArray(scalar(2.5))).toBe(2.5);
    const z = tensor([[1, 2], [3, -4]], { dtype: 'complex128' });
    expect(z.shape).toEqual([2]);
    expect(toArray(z)).toEqual([[1, 2], [3, -4]]);
    expect(toArray(complex(tensor([1]), tensor([2])))).toEqual([[1, 2]]);
  });

  it('keeps float32 storage and reshapes typed arrays', () => {
    const t = tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(mul(t, 2).dtype).toBe('float32');
    expect(add(t, tensor([1, 1])).dtype).toBe('float64');
  });

  it('converts to and from ml-matrix matrices, and accepts a Matrix wherever a tensor is', () => {
    const m = new Matrix([[1, 2], [3, 4]]);
    expect(toArray(fromMatrix(m))).toEqual([[1, 2], [3, 4]]);
    const back = toMatrix(tensor([[5, 6], [7, 8]]));
    expect(back).toBeInstanceOf(Matrix);
    expect(back.to2DArray()).toEqual([[5, 6], [7, 8]]);
    expect(toArray(add(m, 1))).toEqual([[2, 3], [4, 5]]);
    expect(toArray(grad((x: Tensor) => sum(mul(x, x)))(m) as Tensor)).toEqual([[2, 4], [6, 8]]);
  });

  it('promotes real with complex to complex and float32 with float64 to float64', () => {
    const z = complex(tensor([1]), tensor([1]));
    expect(add(z, tensor([1])).dtype).toBe('complex128');
    expect(add(tensor(new Float32Array([1])), tensor([1])).dtype).toBe('float64');
  });

  it('builds identities and zeros', () => {
    expect(toArray(eye(2))).toEqual([[1, 0], [0, 1]]);
    expect(toArray(zeros([2], 'complex128'))).toEqual([[0, 0], [0, 0]]);
  });

  it('rejects ragged arrays, wrong sizes and unconvertible values with ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => tensor(new Float64Array(3), [2, 2])).toThrow(/3 entries/);
    expect(() => asTensor('x' as unknown)).toThrow(ShapeError);
    expect(() => castTensor(complex(tensor([1]), tensor([1])), 'float64')).toThrow(DTypeError);
  });
});

describe('printing', () => {
  it('shows the dtype, shape and values when inspected by Node', async () => {
    const { inspect } = await import('node:util');
    expect(inspect(tensor([[1, 0.5], [2, 3]]))).toBe('Tensor(float64 [2, 2]) [\n [1, 0.5],\n [2, 3]\n]');
    expect(inspect(complex(tensor([1]), tensor([-2])))).toBe('Tensor(complex128 [1]) [1-2i]');
    expect(inspect(scalar(1 / 3))).toBe('Tensor(float64 []) 0.333333');
  });
});
