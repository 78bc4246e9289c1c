/**
 * One-to-many generation (lib/generation/generate.ts): read a prime, then feed each output
 * token back as the next one-hot input. Checked against the same loop written out with
 * SequenceModel.forward and StateCarry; seeds, temperature, and the boundary checks.
 */
import { expect } from 'chai';
import { generate } from '../../lib/generation/generate.js';
import { argmax, sampleLogits } from '../../lib/generation/sample.js';
import { SequenceModel, type SequenceModelOptions } from '../../lib/models/sequence-model.js';
import { Random } from '../../lib/random.js';
import { StateCarry } from '../../lib/training/state-carry.js';
import { copy64 } from '../helpers/tensors.js';
import { getBackend, setBackend } from '../../lib/index.js';

const V = 6;

function makeLM(options: Partial<SequenceModelOptions> = {}): SequenceModel {
  return new SequenceModel({ mode: 'gru', inputSize: V, hiddenSize: 8, outputSize: V, dtype: 'float64', seed: 21, ...options });
}

/** generate, written out: one forward per token from a carried state. */
function byHand(model: SequenceModel, prime: number[], length: number, pick: (z: Float64Array) => number): number[] {
  const carry = new StateCarry(model.rnn, 1);
  const x = { data: new Float64Array(V), shape: [1, 1, V] };
  let z: Float64Array = new Float64Array(V);
  const step = (token: number) => {
    x.data.fill(0);
    x.data[token] = 1;
    const out = model.forward(x, carry.inputs());
    carry.capture(out.state);
    z = copy64(out.z.data);
  };
  for (const t of prime) step(t);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const t = pick(z);
    out.push(t);
    step(t);
  }
  return out;
}

describe('generation/generate', () => {
  it('greedy: after the whole prime, each token is the argmax, fed back as the next input', () => {
    for (const mode of ['gru', 'lstm', 'rnn_tanh']) {
      const model = makeLM({ mode, numLayers: 2 });
      const prime = [3, 1, 4, 1, 5];
      const got = generate(model, { prime, length: 12, greedy: true });
      expect(got).to.deep.equal(byHand(model, prime, 12, (z) => argmax(z, 0, V)));
    }
  });

  it('sampling: the draws of sampleLogits(z, τ) from Random(seed), token by token', () => {
    const model = makeLM();
    const r = new Random(5);
    const want = byHand(model, [2], 20, (z) => sampleLogits(z, 0, V, 1.5, r));
    expect(generate(model, { prime: [2], length: 20, temperature: 1.5, seed: 5 })).to.deep.equal(want);
    expect(generate(model, { prime: [2], length: 20, temperature: 1.5, rng: new Random(5) })).to.deep.equal(want);
  });

  it('the same seed gives the same tokens, another seed others; the default seed is 0 and τ = 1', () => {
    const model = makeLM();
    const a = generate(model, { prime: [0, 1], length: 30, temperature: 3, seed: 1 });
    const b = generate(model, { prime: [0, 1], length: 30, temperature: 3, seed: 1 });
    const c = generate(model, { prime: [0, 1], length: 30, temperature: 3, seed: 2 });
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    expect(generate(model, { prime: [0, 1], length: 30 })).to.deep.equal(generate(model, { prime: [0, 1], length: 30, temperature: 1, seed: 0 }));
    for (const t of a) expect(Number.isInteger(t) && t >= 0 && t < V).to.equal(true);
  });

  it('τ → 0 gives the greedy tokens; length 0 gives []; generation leaves params and grads alone', () => {
    const model = makeLM({ mode: 'lstm' });
    const values = model.params.map((p) => copy64(p.value));
    const greedy = generate(model, { prime: [4], length: 25, greedy: true });
    for (const seed of [1, 2, 3]) expect(generate(model, { prime: [4], length: 25, temperature: 1e-9, seed })).to.deep.equal(greedy);
    expect(generate(model, { prime: [4], length: 0 })).to.deep.equal([]);
    model.params.forEach((p, k) => {
      expect(Array.from(p.value)).to.deep.equal(Array.from(values[k]));
      expect(p.grad.every((g) => g === 0)).to.equal(true);
    });
  });

  it('a model with an embedding reads token ids: the same tokens as feeding their ids one forward at a time', () => {
    const model = new SequenceModel({ mode: 'gru', hiddenSize: 5, outputSize: V, embedding: { numEmbeddings: V, embeddingDim: 3 }, seed: 2 });
    const tokens = generate(model, { prime: [1, 4], length: 6, greedy: true });
    // by hand: the whole sequence so far, greedy at the last step
    const seq = [1, 4];
    for (let i = 0; i < 6; i++) {
      const z = model.forward({ data: Int32Array.from(seq), shape: [seq.length, 1] }).z.data;
      const last = Array.from(z.subarray((seq.length - 1) * V, seq.length * V));
      seq.push(last.indexOf(Math.max(...last)));
    }
    expect(tokens).to.deep.equal(seq.slice(2));
    expect(() => generate(new SequenceModel({ mode: 'gru', hiddenSize: 5, outputSize: V, embedding: { numEmbeddings: V + 1, embeddingDim: 3 } }), { prime: [0], length: 2 }))
      .to.throw(RangeError, /generate: the model must read the tokens it predicts \(embedding\.numEmbeddings 7 must equal outputSize 6\)/);
  });

  it('reads the prime in one forward: the logits of one forward per prime token, bit for bit, and their draws (float32, both backends, the fused wasm pass)', () => {
    for (const backend of ['js', 'wasm'] as const) {
      const previous = getBackend();
      setBackend(backend);
      try {
        for (const options of [{ mode: 'lstm', numLayers: 2 }, { mode: 'gru', inputSize: 4, embedding: { numEmbeddings: V, embeddingDim: 4 } }, { mode: 'lstm', batchFirst: true }] as const) {
          const model = new SequenceModel({ inputSize: V, hiddenSize: 8, outputSize: V, seed: 3, ...options });
          const prime = [3, 1, 4, 1, 5, 2, 0, 5, 3];
          // by hand, one forward per prime token, then the draws of sampleLogits from the last logits
          const carry = new StateCarry(model.rnn, 1);
          let last: number[] = [];
          for (const t of prime) {
            const x = model.embedding ? { data: Int32Array.of(t), shape: [1, 1] } : { data: Float32Array.from({ length: V }, (_, j) => (j === t ? 1 : 0)), shape: [1, 1, V] };
            const out = model.forward(x, carry.inputs());
            carry.capture(out.state);
            last = Array.from(out.z.data.subarray(0, V));
          }
          // the prime as one forward (what generate does) gives those logits bit for bit
          const T = prime.length, shape = options.mode === 'lstm' && 'batchFirst' in options ? [1, T] : [T, 1];
          const block = model.embedding ? { data: Int32Array.from(prime), shape } : { data: Float32Array.from({ length: T * V }, (_, i) => (prime[Math.floor(i / V)] === i % V ? 1 : 0)), shape: [...shape, V] };
          const whole = model.forward(block, new StateCarry(model.rnn, 1).inputs()).z.data;
          expect(Array.from(whole.subarray((T - 1) * V, T * V)), `${backend} ${JSON.stringify(options)}: logits`).to.deep.equal(last);
          const r = new Random(9), first = sampleLogits(Float32Array.from(last), 0, V, 0.7, r);
          const got = generate(model, { prime, length: 1, temperature: 0.7, seed: 9 });
          expect(got, `${backend} ${JSON.stringify(options)}`).to.deep.equal([first]);
          // the logits themselves: generate's first draw under many seeds equals the draw from `last`
          for (let seed = 0; seed < 20; seed++) {
            expect(generate(model, { prime, length: 1, temperature: 0.7, seed })).to.deep.equal([sampleLogits(Float32Array.from(last), 0, V, 0.7, new Random(seed))]);
          }
        }
      } finally {
        setBackend(previous);
      }
    }
  });

  it('refuses models and options it cannot use, naming generate and the operand', () => {
    const model = makeLM();
    expect(() => generate(makeLM({ bidirectional: true }), { prime: [0], length: 2 })).to.throw(TypeError, /generate: generation needs a unidirectional many_to_many cross_entropy model, got bidirectional many_to_many cross_entropy/);
    expect(() => generate(new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 4, outputSize: V }), { prime: [0], length: 2 }))
      .to.throw(RangeError, /generate: the model must read the tokens it predicts \(one-hot: inputSize 3 must equal outputSize 6\)/);
    expect(() => generate(makeLM({ topology: 'many_to_one' }), { prime: [0], length: 2 })).to.throw(TypeError, /generate: generation needs a unidirectional many_to_many cross_entropy model, got many_to_one cross_entropy/);
    expect(() => generate(makeLM({ loss: 'mse' }), { prime: [0], length: 2 })).to.throw(TypeError, /got many_to_many mse/);
    expect(() => generate(model, { prime: [], length: 2 })).to.throw(RangeError, /generate: prime must be a non-empty array/);
    expect(() => generate(model, { prime: [0, V], length: 2 })).to.throw(RangeError, /generate: prime\[1\] must be a token index in \[0, 5\], got 6/);
    expect(() => generate(model, { prime: [0.5], length: 2 })).to.throw(RangeError, /generate: prime\[0\] must be a token index/);
    expect(() => generate(model, { prime: [0], length: -1 })).to.throw(RangeError, /generate: length must be ≥ 0/);
    expect(() => generate(model, { prime: [0], length: 2, temperature: 0 })).to.throw(RangeError, /generate: temperature/);
    expect(() => generate(model, { prime: [0], length: 2, temperature: NaN })).to.throw(TypeError, /generate: temperature must be a finite number/);
    expect(() => generate(model, { prime: [0], length: 2, seed: 1.5 })).to.throw(RangeError, /generate: seed must be an integer, got 1.5/);
  });
});
