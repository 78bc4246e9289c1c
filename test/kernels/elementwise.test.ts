/**
 * The element kernels around the GEMMs (kernels/elementwise.ts). addColumnSums is the bias
 * gradient: each column summed over every row, in float64, added to out (and to `also`, the
 * second bias of a cell whose two biases share one gradient).
 */
import { expect } from 'chai';
import { addColumnSums } from '../../lib/kernels/elementwise.js';

describe('addColumnSums', () => {
  it('adds each column sum of a strided block to out at an offset, and the same sums to also', () => {
    // 3 rows of a [3 × 4] block inside rows of stride 5, from offset 1
    const src = Float32Array.from([9, 1, 2, 3, 4, 9, 10, 20, 30, 40, 9, 100, 200, 300, 400, 9]);
    const out = Float32Array.from([7, 1, 1, 1, 1]);
    const also = Float32Array.from([7, -1, -1, -1, -1]);
    addColumnSums(out, 1, src, 1, 5, 3, 4, also);
    expect(Array.from(out)).to.deep.equal([7, 112, 223, 334, 445]);
    expect(Array.from(also)).to.deep.equal([7, 110, 221, 332, 443]);
    addColumnSums(out, 1, src, 1, 5, 1, 4);
    expect(Array.from(out)).to.deep.equal([7, 113, 225, 337, 449]);
    expect(also[1], 'untouched without also').to.equal(110);
  });

  it('sums in float64 before the one add (float32 entries whose float32 running sum would lose them)', () => {
    const rows = 3, src = Float32Array.from([2 ** 24, 1, 1]);
    const out = new Float32Array(1), also = new Float64Array(1);
    addColumnSums(out, 0, src, 0, 1, rows, 1, also);
    expect(also[0]).to.equal(2 ** 24 + 2);
    expect(out[0]).to.equal(Math.fround(2 ** 24 + 2));
  });
});
