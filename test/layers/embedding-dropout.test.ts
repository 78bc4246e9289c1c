/**
 * The Embedding layer (lib/layers/embedding.ts) and dropout (lib/layers/dropout.ts) in the
 * recurrent stack and the sequence model: lookups, the padding row's missing gradient,
 * finite differences through an embedded model, and dropout's masks: inverted scaling,
 * training and evaluation modes, same seed → same masks, gradients with the masks held fixed
 * (by replaying the generator's state), and nothing drawn or allocated for p = 0.
 */
import { expect } from 'chai';
import { Embedding } from '../../lib/layers/embedding.js';
import { Recurrent } from '../../lib/layers/recurrent.js';
import { SequenceModel, type SequenceModelOptions } from '../../lib/models/sequence-model.js';
import { Random } from '../../lib/random.js';
import { type GradTarget, assertGradients, finiteDifferenceCheck } from '../helpers/gradcheck.js';
import { copy64, rng, uniformTensor } from '../helpers/tensors.js';

const N = 7, E = 3, H = 4, T = 5, B = 3, V = 4;

function ids(seed: number, n = T * B, max = N): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => r.int(max));
}

describe('Embedding', () => {
  it('forward is a row lookup; backward adds each row\'s gradient to its id\'s row, none to padding', () => {
    const emb = new Embedding({ numEmbeddings: N, embeddingDim: E, paddingIdx: 2 }, 'float64');
    emb.resetParameters(new Random(1));
    const W = emb.weight.value;
    expect(Array.from(W.subarray(2 * E, 3 * E))).to.deep.equal([0, 0, 0]);
    const tokens = [4, 2, 4, 0];
    const x = new Float64Array(tokens.length * E);
    emb.forward(x, 0, E, tokens, tokens.length);
    tokens.forEach((k, r) => expect(Array.from(x.subarray(r * E, (r + 1) * E))).to.deep.equal(Array.from(W.subarray(k * E, (k + 1) * E))));
    const dx = Float64Array.from({ length: tokens.length * E }, (_, i) => i + 1);
    emb.backward(dx, 0, E, tokens, tokens.length);
    const g = emb.weight.grad;
    expect(Array.from(g.subarray(4 * E, 5 * E))).to.deep.equal([1 + 7, 2 + 8, 3 + 9]);
    expect(Array.from(g.subarray(0, E))).to.deep.equal([10, 11, 12]);
    expect(Array.from(g.subarray(2 * E, 3 * E))).to.deep.equal([0, 0, 0]);
  });

  it('refuses a padding id outside the vocabulary and unknown keys, naming the operation', () => {
    expect(() => new Embedding({ numEmbeddings: N, embeddingDim: E, paddingIdx: N }, 'float32')).to.throw(RangeError, /Embedding: embedding\.paddingIdx must be an id in \[0, 6\] or null, got 7/);
    expect(() => new Embedding({ numEmbeddings: N, embeddingDim: E, padding: 1 } as never, 'float32')).to.throw(TypeError, /unknown key "padding"/);
  });

  it('SequenceModel with an embedding: ids in, embedding.weight first, gradients by finite differences (float64 ≤ 1e-7)', () => {
    for (const topology of ['many_to_many', 'many_to_one'] as const) {
      const model = new SequenceModel({ mode: 'lstm', hiddenSize: H, outputSize: V, topology, bidirectional: true, embedding: { numEmbeddings: N, embeddingDim: E, paddingIdx: 0 }, dtype: 'float64', seed: 3 });
      expect(model.params[0].name).to.equal('embedding.weight');
      expect(model.rnn.inputSize).to.equal(E);
      const x = { data: ids(5), shape: [T, B] };
      const r = rng(6);
      const y = { data: Array.from({ length: topology === 'many_to_one' ? B : T * B }, () => r.int(V)), shape: topology === 'many_to_one' ? [B] : [T, B] };
      model.zeroGrad();
      model.lossAndGrad(x, y, { lengths: [T, 2, 4] });
      const pad = model.params[0].grad.subarray(0, E);
      expect(Array.from(pad)).to.deep.equal([0, 0, 0]);
      const targets: GradTarget[] = model.params.slice(1).map((p) => ({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) }));
      // the embedding rows other than padding's (padding has no gradient by definition)
      const W = model.params[0];
      targets.push({ name: 'embedding.weight[1:]', data: (W.value as Float64Array).subarray(E), grad: copy64(W.grad.subarray(E)) });
      // ε = 1e-5: at 1e-6 rounding noise (ε_mach·L/ε) reaches 1e-7 of the smallest gradients here
      assertGradients(finiteDifferenceCheck(() => model.lossAndGrad(x, y, { lengths: [T, 2, 4] }), targets, { eps: 1e-5 }), 1e-7, `embedding ${topology}`);
    }
  });

  it('refuses ids out of range and float inputs, naming SequenceModel', () => {
    const model = new SequenceModel({ mode: 'gru', hiddenSize: H, outputSize: V, embedding: { numEmbeddings: N, embeddingDim: E } });
    const x = { data: ids(1), shape: [T, B] };
    x.data[4] = N;
    expect(() => model.forward(x)).to.throw(RangeError, /SequenceModel\.forward: x\[4\] must be a token index in \[0, 6\], got 7/);
    expect(() => model.forward(uniformTensor(rng(1), [T, B, E], -1, 1, 'float32'))).to.throw(RangeError, /SequenceModel\.forward: x must be token ids of shape \[T, B\]/);
    expect(() => new SequenceModel({ mode: 'gru', inputSize: 5, hiddenSize: H, outputSize: V, embedding: { numEmbeddings: N, embeddingDim: E } })).to.throw(RangeError, /inputSize is 5 but embedding\.embeddingDim is 3/);
  });
});

describe('dropout', () => {
  const base: SequenceModelOptions = { mode: 'gru', hiddenSize: H, outputSize: V, numLayers: 3, embedding: { numEmbeddings: N, embeddingDim: E }, dtype: 'float64', seed: 9 };
  const x = { data: ids(11), shape: [T, B] };
  const y = { data: Array.from(ids(12, T * B, V)), shape: [T, B] };

  it('masks: entries 0 or 1/(1 − p), about a fraction p dropped; same seed → same masks and loss; evaluation mode uses none', () => {
    const model = new SequenceModel({ ...base, dropout: 0.4, embeddingDropout: 0.2, headDropout: 0.3 });
    const twin = new SequenceModel({ ...base, dropout: 0.4, embeddingDropout: 0.2, headDropout: 0.3 });
    const a = model.evaluate(x, y), b = twin.evaluate(x, y);
    expect(a).to.equal(b);
    expect(model.evaluate(x, y)).to.not.equal(a); // the next masks differ
    const rnn = new Recurrent({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 50, numLayers: 2, dropout: 0.4, seed: 1 });
    rnn.forward(uniformTensor(rng(2), [20, 10, 2], -1, 1, 'float32'));
    const mask = (rnn as unknown as { ws: { masks: Float32Array[] } }).ws.masks[0];
    const values = new Set(Array.from(mask));
    expect([...values].sort()).to.deep.equal([0, Math.fround(1 / 0.6)].sort());
    const dropped = mask.filter((m) => m === 0).length / mask.length;
    expect(dropped).to.be.within(0.37, 0.43);
    model.eval();
    const e1 = model.evaluate(x, y), e2 = model.evaluate(x, y);
    expect(e1).to.equal(e2);
    const plain = new SequenceModel(base);
    expect(e1).to.equal(plain.evaluate(x, y)); // same seed, same weights: evaluation ignores dropout
    model.train();
    expect(model.training).to.equal(true);
  });

  it('gradients with the masks held fixed match finite differences (float64 ≤ 1e-7), every dropout site', () => {
    for (const options of [{ dropout: 0.5 }, { embeddingDropout: 0.3 }, { headDropout: 0.4, topology: 'many_to_one' as const }, { dropout: 0.3, embeddingDropout: 0.2, headDropout: 0.2, bidirectional: true }]) {
      const model = new SequenceModel({ ...base, ...options });
      const target = options.topology === 'many_to_one' ? { data: y.data.slice(0, B), shape: [B] } : y;
      const state = model.rng.getState();
      const loss = () => {
        model.rng.setState(state); // the same masks at every evaluation
        return model.lossAndGrad(x, target);
      };
      model.zeroGrad();
      loss();
      const targets: GradTarget[] = model.params.map((p) => ({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) }));
      assertGradients(finiteDifferenceCheck(loss, targets, { eps: 1e-5 }), 1e-7, `dropout ${JSON.stringify(options)}`);
    }
  });

  it('p = 0 draws nothing and allocates no mask: results equal a model without the option', () => {
    const model = new SequenceModel({ ...base, dropout: 0, embeddingDropout: 0, headDropout: 0 });
    const plain = new SequenceModel(base);
    const before = model.rng.getState();
    expect(model.lossAndGrad(x, y)).to.equal(plain.lossAndGrad(x, y));
    expect(model.rng.getState()).to.equal(before);
    const ws = (model.rnn as unknown as { ws: { masks: unknown[]; dropped: unknown[] } }).ws;
    expect(ws.masks).to.deep.equal([]);
    expect(ws.dropped).to.deep.equal([]);
  });

  it('refuses p outside [0, 1), naming the option', () => {
    expect(() => new SequenceModel({ ...base, dropout: 1 })).to.throw(RangeError, /SequenceModel: dropout must be in \[0, 1\), got 1/);
    expect(() => new SequenceModel({ ...base, headDropout: -0.1 })).to.throw(RangeError, /SequenceModel: headDropout must be in \[0, 1\], got -0\.1/);
    expect(() => new SequenceModel({ ...base, embedding: null, inputSize: 2, embeddingDropout: 0.1 })).to.throw(TypeError, /embeddingDropout needs an embedding/);
  });
});
