/**
 * greedyBatch (lib/generation/greedy-batch.ts): many sources decoded side by side give, row
 * by row, what greedy decoding gives each source alone — for sources of different lengths
 * (the encoder's length masks), every attention score, input feeding, stacked and
 * bidirectional encoders, GRU and LSTM — and end tokens finish rows independently.
 */
import { expect } from 'chai';
import { greedyBatch } from '../../lib/generation/greedy-batch.js';
import * as root from '../../lib/index.js';
import { Seq2Seq, type Seq2SeqOptions } from '../../lib/models/seq2seq.js';
import { forEachBackend } from '../helpers/backends.js';
import { rng } from '../helpers/tensors.js';

const SV = 9, TV = 7;

/** A model whose outputs depend on its source: PyTorch's initial weights ×3 (at ×1 every source gets the same tokens). */
function makeModel(options: Partial<Seq2SeqOptions>): Seq2Seq {
  const model = new Seq2Seq({ mode: 'gru', srcVocab: SV, tgtVocab: TV, embeddingDim: 4, hiddenSize: 5, dtype: 'float64', seed: 7, ...options });
  for (const p of model.params) for (let i = 0; i < p.value.length; i++) p.value[i] *= 3;
  return model;
}

function sourcesOf(seed: number, n: number): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 1 + r.int(6) }, () => 1 + r.int(SV - 1)));
}

it('greedyBatch is exported by the package root', () => {
  expect(root.greedyBatch).to.equal(greedyBatch);
});

forEachBackend('greedyBatch', () => {
  const cases: Partial<Seq2SeqOptions>[] = [
    { attention: 'none' },
    { attention: 'dot', inputFeed: true },
    { mode: 'lstm', attention: 'general', inputFeed: true, bidirectionalEncoder: true },
    { mode: 'lstm', attention: 'mlp', numLayers: 2, bidirectionalEncoder: true, inputFeed: true },
  ];
  cases.forEach((options, i) => {
    it(`equals greedy decoding of each source alone: ${JSON.stringify(options)}`, () => {
      const model = makeModel({ ...options, seed: 11 + i });
      const sources = sourcesOf(30 + i, 9);
      const batch = greedyBatch(model, sources, { maxLength: 6 });
      expect(batch).to.have.length(sources.length);
      sources.forEach((src, b) => expect(batch[b], `source ${b}`).to.deep.equal(model.greedy(src, { maxLength: 6 }).tokens));
      expect(new Set(batch.map((t) => t.join(' '))).size, 'rows differ').to.be.greaterThan(1);
    });
  });

  it('an end token finishes its row (kept) while the others go on; padding is never emitted', () => {
    const model = makeModel({ attention: 'general', inputFeed: true, seed: 3 });
    const sources = sourcesOf(5, 12);
    const free = greedyBatch(model, sources, { maxLength: 8 });
    const end = free[0][1];
    const stopped = greedyBatch(model, sources, { maxLength: 8, endToken: end });
    sources.forEach((src, b) => {
      const at = free[b].indexOf(end);
      expect(stopped[b]).to.deep.equal(at < 0 ? free[b] : free[b].slice(0, at + 1));
      expect(stopped[b]).to.deep.equal(model.greedy(src, { maxLength: 8, endToken: end }).tokens);
      expect(free[b]).to.not.include(0);
    });
    expect(stopped.some((row) => row.length === 8), 'some row runs to maxLength').to.equal(stopped.some((row) => !row.includes(end)));
  });

  it('names the operation and operand in its errors', () => {
    const model = makeModel({ attention: 'dot' });
    expect(() => greedyBatch(model, [], { maxLength: 3 })).to.throw(/greedyBatch: sources must be a non-empty array/);
    expect(() => greedyBatch(model, [[1, 2], []], { maxLength: 3 })).to.throw(/greedyBatch: sources\[1\] must be a non-empty array/);
    expect(() => greedyBatch(model, [[1, SV]], { maxLength: 3 })).to.throw(/greedyBatch: sources\[0\].*token/);
    expect(() => greedyBatch(model, [[1]], { maxLength: 3, endToken: TV })).to.throw(/greedyBatch: endToken must be a target id < tgtVocab \(7\)/);
    expect(() => greedyBatch(model, [[1]], { maxLength: 3, beam: 2 } as never)).to.throw(/greedyBatch/);
  });
});
