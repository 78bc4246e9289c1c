import { expect } from 'chai';
import { gemm } from '../../lib/kernels/gemm.js';

describe('smoke', () => {
  it('multiplies 2x2', () => {
    const C = new Float32Array(4);
    gemm(C, 0, 2, new Float32Array([1, 2, 3, 4]), 0, 2, false, new Float32Array([5, 6, 7, 8]), 0, 2, false, 2, 2, 2, 0);
    expect(Array.from(C)).to.deep.equal([19, 22, 43, 50]);
  });
});
