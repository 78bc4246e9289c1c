import { expect } from 'chai';
import { BatchOrder, oneHot, padSequences, padTokens } from '../../lib/index.js';

describe('data: padding and batch order', () => {
  const seqs = [[[1, 2], [3, 4], [5, 6]], [[7, 8]], [[9, 10], [11, 12]]];

  it('padSequences: time-major [T, B, I] with lengths and a [T, B] mask', () => {
    const p = padSequences(seqs);
    expect(p.shape).to.deep.equal([3, 3, 2]);
    expect(p.data).to.be.instanceOf(Float32Array);
    expect([...p.lengths]).to.deep.equal([3, 1, 2]);
    // step t, row b at (t·B + b)·I
    expect([...p.data]).to.deep.equal([1, 2, 7, 8, 9, 10, 3, 4, 0, 0, 11, 12, 5, 6, 0, 0, 0, 0]);
    expect([...p.mask]).to.deep.equal([1, 1, 1, 1, 0, 1, 1, 0, 0]);
  });

  it('padSequences: batch-first [B, T, I], float64, another pad value', () => {
    const p = padSequences(seqs, { batchFirst: true, dtype: 'float64', padValue: -1 });
    expect(p.shape).to.deep.equal([3, 3, 2]);
    expect(p.data).to.be.instanceOf(Float64Array);
    expect([...p.data]).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1, 9, 10, 11, 12, -1, -1]);
    expect([...p.mask]).to.deep.equal([1, 1, 1, 1, 0, 0, 1, 1, 0]);
  });

  it('padTokens: integer ids [T, B] or [B, T], and oneHot of them', () => {
    const p = padTokens([[4, 1, 2], [3]]);
    expect(p.data).to.be.instanceOf(Int32Array);
    expect(p.shape).to.deep.equal([3, 2]);
    expect([...p.data]).to.deep.equal([4, 3, 1, 0, 2, 0]);
    expect([...p.mask]).to.deep.equal([1, 1, 1, 0, 1, 0]);
    const q = padTokens([[4, 1, 2], [3]], { batchFirst: true, padValue: 9 });
    expect(q.shape).to.deep.equal([2, 3]);
    expect([...q.data]).to.deep.equal([4, 1, 2, 3, 9, 9]);
    const h = oneHot({ data: [2, 0], shape: [2] }, 3);
    expect(h.shape).to.deep.equal([2, 3]);
    expect([...h.data]).to.deep.equal([0, 0, 1, 1, 0, 0]);
  });

  it('refuses bad input, naming the operation and the entry', () => {
    expect(() => padSequences([])).to.throw(TypeError, 'padSequences: sequences must be a non-empty array');
    expect(() => padSequences([[[1]], []])).to.throw(RangeError, 'padSequences: sequences[1] is empty');
    expect(() => padSequences([[[1, 2]], [[1]]])).to.throw(RangeError, 'padSequences: sequences[1][0] has 1 features but sequences[0][0] has 2');
    expect(() => padSequences([[[1, NaN]]])).to.throw(RangeError, 'padSequences: sequences[0][0][1] must be a finite number, got NaN');
    expect(() => padSequences(seqs, { batch_first: true } as never)).to.throw(TypeError, 'padSequences: options has unknown key "batch_first" (did you mean "batchFirst"?)');
    expect(() => padTokens([[1, 2.5]])).to.throw(RangeError, 'padTokens: sequences[0][1] must be a token id');
    expect(() => padTokens([[1]], { padValue: -1 })).to.throw(RangeError, 'padTokens: padValue must be a token id');
    expect(() => oneHot({ data: [3], shape: [1] }, 3)).to.throw(RangeError, 'oneHot: ids[0] must be a token index in [0, 2], got 3');
  });

  it('BatchOrder: every index once per epoch, a new seeded permutation each epoch, the same for the same seed', () => {
    const a = new BatchOrder(10, { batchSize: 4, seed: 3 }), b = new BatchOrder(10, { batchSize: 4, seed: 3 });
    const e1 = a.epoch(), e2 = a.epoch();
    expect(e1.map((x) => x.length)).to.deep.equal([4, 4, 2]);
    for (const e of [e1, e2]) expect(e.flatMap((x) => [...x]).sort((p, q) => p - q)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(e1.flatMap((x) => [...x])).to.not.deep.equal(e2.flatMap((x) => [...x]));
    expect(b.epoch()).to.deep.equal(e1);
    expect(b.epoch()).to.deep.equal(e2);
    expect(new BatchOrder(10, { batchSize: 4, seed: 4 }).epoch()).to.not.deep.equal(e1);
  });

  it('BatchOrder: no shuffle keeps the order; dropLast leaves out the short batch', () => {
    expect(new BatchOrder(5, { batchSize: 2, shuffle: false }).epoch().map((x) => [...x])).to.deep.equal([[0, 1], [2, 3], [4]]);
    expect(new BatchOrder(5, { batchSize: 2, shuffle: false, dropLast: true }).epoch().map((x) => [...x])).to.deep.equal([[0, 1], [2, 3]]);
    expect(() => new BatchOrder(5, { batchSize: 0 })).to.throw(RangeError, 'BatchOrder: options.batchSize must be ≥ 1, got 0');
    expect(() => new BatchOrder(5, { batchsize: 2 } as never)).to.throw(TypeError, 'did you mean "batchSize"?');
  });
});
