/**
 * The forward-only sequence model of `rnnkit/inference` (ForwardSequenceModel) and its
 * `loadModel`: a checkpoint written by a trained SequenceModel loads as a model without the
 * loss, BPTT or dropout whose predictions equal the trained model's (in eval mode) bit for bit,
 * and from which `generate` samples the same tokens, on both backends.
 */
import { expect } from 'chai';
import * as inference from '../../lib/inference.js';
import { Adam, SequenceModel, encodeSafetensors, SequenceTrainer, generate, loadModel, saveCheckpoint, type SequenceModelOptions } from '../../lib/index.js';
import { forEachBackend } from '../helpers/backends.js';
import { rng, uniformTensor } from '../helpers/tensors.js';

const V = 7, T = 5, B = 3;

/** A trained model (a few steps, so its weights are not the seeded initial ones) and its checkpoint. */
function trained(options: Partial<SequenceModelOptions>) {
  const model = new SequenceModel({ mode: 'lstm', hiddenSize: 8, outputSize: V, embedding: { numEmbeddings: V, embeddingDim: 4 }, seed: 3, ...options });
  const trainer = new SequenceTrainer(model, { optimizer: new Adam(model.params, { lr: 0.05 }) });
  const r = rng(2);
  const x = { data: Int32Array.from({ length: T * B }, () => r.int(V)), shape: [T, B] };
  const m2o = options.topology === 'many_to_one';
  const y = { data: Int32Array.from({ length: m2o ? B : T * B }, () => r.int(V)), shape: m2o ? [B] : [T, B] };
  for (let i = 0; i < 3; i++) trainer.step(x, y);
  return { model: model.eval(), x, file: saveCheckpoint({ model, step: 3, extra: { vocab: 'abcdefg' } }, 'safetensors') };
}

const bits = (a: ArrayLike<number>) => Array.from(a);

forEachBackend('ForwardSequenceModel and rnnkit/inference loadModel', () => {
  for (const [label, options] of [
    ['lstm, embedding, dropout everywhere', { dropout: 0.3, numLayers: 2, embeddingDropout: 0.2, headDropout: 0.4 }],
    ['gru, 2 layers, batch-first', { mode: 'gru', numLayers: 2, batchFirst: true }],
    ['rnn_relu, bidirectional, many_to_one, float64', { mode: 'rnn_relu', bidirectional: true, topology: 'many_to_one', dtype: 'float64' }],
  ] as [string, Partial<SequenceModelOptions>][]) {
    it(`${label}: predictions equal the trained model's in eval mode, bit for bit`, () => {
      const { model, x, file } = trained(options);
      const saved = inference.loadModel(file);
      expect(saved.model).to.be.an.instanceOf(inference.ForwardSequenceModel);
      expect(saved.model).to.not.be.an.instanceOf(SequenceModel);
      expect(saved.step).to.equal(3);
      expect(saved.extra).to.deep.equal({ vocab: 'abcdefg' });
      expect(saved.model.options).to.deep.equal(model.options);
      const input = model.options.batchFirst ? { data: x.data, shape: [B, T] } : x;
      const lengths = [T, 2, 4];
      for (const inputs of [{}, { lengths }]) {
        const a = model.forward(input, inputs), b = saved.model.forward(input, inputs);
        expect(bits(b.z.data)).to.deep.equal(bits(a.z.data));
        expect(bits(b.y.data)).to.deep.equal(bits(a.y.data));
        expect(b.y.shape).to.deep.equal(a.y.shape);
        expect(bits(b.state.hN.data)).to.deep.equal(bits(a.state.hN.data));
      }
    });
  }

  it('generate samples the same tokens from the forward-only model as from the trained one', () => {
    const { file } = trained({ numLayers: 2 });
    const a = generate(loadModel(file).model, { prime: [1, 2, 3], length: 20, seed: 5 });
    const b = inference.generate(inference.loadModel(file).model, { prime: [1, 2, 3], length: 20, seed: 5 });
    expect(b).to.deep.equal(a);
    const greedy = inference.generate(inference.loadModel(file).model, { prime: [4], length: 10, greedy: true });
    expect(greedy).to.deep.equal(generate(loadModel(file).model, { prime: [4], length: 10, greedy: true }));
  });

  it('withFrozenWeights: forwards inside give the same predictions, pack once, and later forwards see new weights', () => {
    for (const m of [new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 8, numLayers: 2, outputSize: V, seed: 2 }),
      new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 5, bidirectional: true, outputSize: V, seed: 2 }).eval()]) {
      const xs = [0, 1, 2].map((i) => uniformTensor(rng(10 + i), [1, B, 3], -1, 1, 'float32'));
      const plain = xs.map((x) => bits(m.forward(x).z.data));
      const direction = m.rnn.layers[0][0];
      const frozen = m.withFrozenWeights(() => {
        const first = bits(m.forward(xs[0]).z.data);
        const allocations = direction.allocations;
        const rest = xs.slice(1).map((x) => bits(m.forward(x).z.data));
        expect(direction.allocations, 'no packing buffer made after the first frozen forward').to.equal(allocations);
        return [first, ...rest];
      });
      expect(frozen).to.deep.equal(plain);
      // thawed: a changed weight is seen again
      const head = m.head.weight.value, w = m.rnn.layers[0][0].weightIh.value; // (W_hh meets a zero state at T = 1)
      const [h0, w0] = [head[0], w[0]];
      head[0] += 1;
      expect(bits(m.forward(xs[0]).z.data)).to.not.deep.equal(plain[0]);
      head[0] = h0;
      w[0] += 1;
      expect(bits(m.forward(xs[0]).z.data)).to.not.deep.equal(plain[0]);
      w[0] = w0;
      expect(bits(m.forward(xs[0]).z.data)).to.deep.equal(plain[0]);
    }
  });

  it('withFrozenWeights packs once: a weight changed inside it is not seen until it returns (the contract it states)', () => {
    const m = new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: V, seed: 4 });
    const x = uniformTensor(rng(5), [1, B, 3], -1, 1, 'float32');
    const Wih = m.rnn.layers[0][0].weightIh.value, Wya = m.head.weight.value;
    const [first, again] = m.withFrozenWeights(() => {
      const a = bits(m.forward(x).z.data);
      Wih[0] += 1;
      Wya[0] += 1;
      return [a, bits(m.forward(x).z.data)];
    });
    expect(again).to.deep.equal(first);
    expect(bits(m.forward(x).z.data)).to.not.deep.equal(first);
  });

  it('withFrozenWeights thaws the weights when its function throws, and returns what it returns', () => {
    const m = new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: V });
    const x = uniformTensor(rng(3), [1, B, 3], -1, 1, 'float32');
    expect(() => m.withFrozenWeights(() => { m.forward(x); throw new Error('stop'); })).to.throw('stop');
    const before = bits(m.forward(x).z.data);
    m.rnn.layers[0][0].weightIh.value[1] += 0.5;
    expect(bits(m.forward(x).z.data)).to.not.deep.equal(before);
    expect(m.withFrozenWeights(() => 42)).to.equal(42);
  });

  it('withFrozenWeights inside withFrozenWeights (generate inside a loop of your own) leaves the weights frozen until the outer call returns', () => {
    const m = new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: V, seed: 6 });
    const x = uniformTensor(rng(9), [1, B, 3], -1, 1, 'float32');
    const Wih = m.rnn.layers[0][0].weightIh.value;
    const [first, afterInner] = m.withFrozenWeights(() => {
      const a = bits(m.forward(x).z.data);
      expect(m.withFrozenWeights(() => bits(m.forward(x).z.data))).to.deep.equal(a);
      Wih[0] += 1; // the outer call still holds the weights frozen: not seen
      return [a, bits(m.forward(x).z.data)];
    });
    expect(afterInner).to.deep.equal(first);
    expect(bits(m.forward(x).z.data), 'thawed when the outer call returns').to.not.deep.equal(first);
    Wih[0] -= 1;
    expect(bits(m.forward(x).z.data)).to.deep.equal(first);
  });

  it('a repeated forward of one shape allocates no new workspace', () => {
    const m = new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 8, outputSize: V });
    const x = uniformTensor(rng(1), [T, B, 3], -1, 1, 'float32');
    const first = m.forward(x);
    const z = first.z.data, values = bits(z), allocations = m.rnn.workspaceAllocations;
    for (let i = 0; i < 3; i++) {
      const p = m.forward(x);
      expect(p.z.data).to.equal(z);
      expect(bits(p.z.data)).to.deep.equal(values);
    }
    expect(m.rnn.workspaceAllocations).to.equal(allocations);
  });
});

describe('ForwardSequenceModel: API and errors', () => {
  it('has no loss gradient, training mode or dropout generator; the trained model has them', () => {
    const m = new inference.ForwardSequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2 }) as unknown as Record<string, unknown>;
    for (const key of ['lossAndGrad', 'lossAndGradUnchecked', 'evaluate', 'zeroGrad', 'train', 'eval', 'rng', 'training']) expect(key in m, key).to.equal(false);
    const t = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, outputSize: 2 }) as unknown as Record<string, unknown>;
    for (const key of ['lossAndGrad', 'zeroGrad', 'train', 'eval', 'rng', 'training']) expect(key in t, key).to.equal(true);
  });

  it('checks options and inputs as SequenceModel does', () => {
    expect(() => new inference.ForwardSequenceModel({ mode: 'lsmt', inputSize: 3, hiddenSize: 4, outputSize: 2 })).to.throw(TypeError, /SequenceModel: .*lsmt/);
    expect(() => new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2, los: 'mse' } as never)).to.throw(TypeError, /did you mean "loss"/);
    const m = new inference.ForwardSequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 2 });
    expect(() => m.forward(uniformTensor(rng(1), [T, B, 2], -1, 1, 'float32'))).to.throw(RangeError, `SequenceModel.forward: x has shape [${T}, ${B}, 2] but input_size is 3`);
  });

  it('loadModel refuses what is not an rnnkit checkpoint, naming loadModel', () => {
    expect(() => inference.loadModel(encodeSafetensors(new Map(), { purpose: 'other' }))).to.throw(TypeError, /^loadModel: not an rnnkit checkpoint/);
    expect(() => inference.loadModel(42 as never)).to.throw(TypeError, 'loadModel: file must be a Uint8Array (safetensors) or a string (JSON), got 42');
  });
});
