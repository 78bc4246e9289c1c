/**
 * The five application shapes (docs/math.md §9, docs/training.md), each trained on a small
 * synthetic task with a fixed seed and held to the accuracy or loss stated in its name:
 *
 *   one-to-one            T = 1:          XOR of two bits
 *   one-to-many           generation:     a char-level LM of "hello world " reproduces it
 *   many-to-one           many_to_one:    sign of a sum; parity of 4 bits
 *   many-to-many Tx = Ty  many_to_many:   running maximum (variable lengths); echo x⟨t−1⟩
 *   many-to-many Tx ≠ Ty  Seq2Seq:        reverse 4 symbols and append an end token
 *
 * Float32 (the default), small hidden sizes, a few hundred Adam steps each.
 */
import { expect } from 'chai';
import { generate } from '../../lib/generation/generate.js';
import { createOptimizer } from '../../lib/optimizers/create-optimizer.js';
import { Seq2Seq } from '../../lib/models/seq2seq.js';
import { SequenceModel } from '../../lib/models/sequence-model.js';
import { Random } from '../../lib/random.js';
import type { Tensor } from '../../lib/tensor.js';
import { SequenceTrainer, Trainer } from '../../lib/training/trainer.js';

type Labels = { data: number[]; shape: number[] };

/** Argmax of each of the `rows` rows of V logits. */
function predictions(z: ArrayLike<number>, rows: number, V: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (z[r * V + v] > z[r * V + best]) best = v;
    out.push(best);
  }
  return out;
}

describe('application shapes', () => {
  it('one-to-one (T = 1): XOR of two bits, 100% accuracy and loss < 0.01', () => {
    const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 8, outputSize: 2, topology: 'many_to_one', seed: 1 });
    const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.05 }) });
    const x: Tensor = { data: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), shape: [1, 4, 2] }; // T = 1, B = 4
    const y: Labels = { data: [0, 1, 1, 0], shape: [4] };
    let loss = Infinity;
    for (let i = 0; i < 200; i++) loss = trainer.step(x, y).loss;
    expect(loss).to.be.below(0.01);
    expect(predictions(model.forward(x).z.data, 4, 2)).to.deep.equal(y.data);
  });

  describe('one-to-many: a char-level LM trained on "hello world "', () => {
    const text = 'hello world ';
    const chars = [...new Set(text)];
    const V = chars.length;
    const ids = [...text].map((c) => chars.indexOf(c));
    let model: SequenceModel;

    before(() => {
      model = new SequenceModel({ mode: 'lstm', inputSize: V, hiddenSize: 16, outputSize: V, seed: 4 });
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.02 }) });
      const T = 12, B = 8, rng = new Random(7);
      const x: Tensor = { data: new Float32Array(T * B * V), shape: [T, B, V] };
      const y: Labels = { data: new Array(T * B).fill(0), shape: [T, B] };
      for (let i = 0; i < 200; i++) {
        // B windows of the endless string at random offsets; the target is the next character
        x.data.fill(0);
        for (let b = 0; b < B; b++) {
          const o = rng.int(text.length);
          for (let t = 0; t < T; t++) {
            x.data[(t * B + b) * V + ids[(o + t) % ids.length]] = 1;
            y.data[t * B + b] = ids[(o + t + 1) % ids.length];
          }
        }
        trainer.step(x, y);
      }
    });

    const decode = (tokens: number[]) => tokens.map((i) => chars[i]).join('');

    it('greedy generation from "h" reproduces "ello world hello world hello world " exactly (35 characters)', () => {
      const out = generate(model, { prime: [chars.indexOf('h')], length: 35, greedy: true });
      expect(decode(out)).to.equal('ello world hello world hello world ');
      const fromMiddle = generate(model, { prime: [...'o wo'].map((c) => chars.indexOf(c)), length: 11, greedy: true });
      expect(decode(fromMiddle)).to.equal('rld hello w');
    });

    it('temperature sampling (τ = 3): the same seed gives the same text, another seed another', () => {
      const prime = [chars.indexOf('h')];
      const a = generate(model, { prime, length: 40, temperature: 3, seed: 1 });
      const b = generate(model, { prime, length: 40, temperature: 3, seed: 1 });
      const c = generate(model, { prime, length: 40, temperature: 3, seed: 2 });
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
    });

    it('a very low temperature (τ = 1e-3) equals greedy for every seed', () => {
      const prime = [chars.indexOf('w')];
      const greedy = generate(model, { prime, length: 30, greedy: true });
      for (const seed of [1, 2, 3, 4]) expect(generate(model, { prime, length: 30, temperature: 1e-3, seed })).to.deep.equal(greedy);
    });
  });

  describe('many-to-one', () => {
    it('sign of the sum of 8 numbers in [−1, 1]: ≥ 90% accuracy on 500 new sequences', () => {
      const T = 8, rng = new Random(3);
      const batch = (B: number): [Tensor, Labels] => {
        const x = new Float32Array(T * B), y: number[] = [];
        for (let b = 0; b < B; b++) {
          let s = 0;
          for (let t = 0; t < T; t++) {
            const v = rng.uniform(-1, 1);
            x[t * B + b] = v;
            s += v;
          }
          y.push(s > 0 ? 1 : 0);
        }
        return [{ data: x, shape: [T, B, 1] }, { data: y, shape: [B] }];
      };
      const model = new SequenceModel({ mode: 'gru', inputSize: 1, hiddenSize: 8, outputSize: 2, topology: 'many_to_one', seed: 2 });
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.02 }) });
      for (let i = 0; i < 200; i++) trainer.step(...batch(32));
      const [x, y] = batch(500);
      const pred = predictions(model.forward(x).z.data, 500, 2);
      const accuracy = pred.filter((p, b) => p === y.data[b]).length / 500;
      expect(accuracy).to.be.at.least(0.9);
    });

    it('parity of 4-bit strings: 100% on all 16 strings', () => {
      const T = 4, B = 16;
      const x = new Float32Array(T * B), y: number[] = [];
      for (let b = 0; b < B; b++) {
        let ones = 0;
        for (let t = 0; t < T; t++) {
          const bit = (b >> t) & 1;
          x[t * B + b] = bit;
          ones += bit;
        }
        y.push(ones % 2);
      }
      const xs: Tensor = { data: x, shape: [T, B, 1] };
      const model = new SequenceModel({ mode: 'gru', inputSize: 1, hiddenSize: 12, outputSize: 2, topology: 'many_to_one', seed: 2 });
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.03 }) });
      for (let i = 0; i < 300; i++) trainer.step(xs, { data: y, shape: [B] });
      expect(predictions(model.forward(xs).z.data, B, 2)).to.deep.equal(y);
    });
  });

  describe('many-to-many, Tx = Ty (tagging)', () => {
    const K = 4;

    it('running maximum of symbols 0–3, variable lengths 1–6: ≥ 95% of valid steps correct', () => {
      const T = 6, rng = new Random(5);
      const batch = (B: number): [Tensor, Labels, number[]] => {
        const x = new Float32Array(T * B * K), y = new Array(T * B).fill(0), lengths: number[] = [];
        for (let b = 0; b < B; b++) {
          lengths.push(1 + rng.int(T));
          let max = 0;
          for (let t = 0; t < T; t++) {
            const v = rng.int(K);
            x[(t * B + b) * K + v] = 1;
            max = Math.max(max, v);
            y[t * B + b] = max; // a valid label everywhere; steps past lengths[b] are ignored
          }
        }
        return [{ data: x, shape: [T, B, K] }, { data: y, shape: [T, B] }, lengths];
      };
      const model = new SequenceModel({ mode: 'gru', inputSize: K, hiddenSize: 12, outputSize: K, seed: 2 });
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.02 }) });
      for (let i = 0; i < 200; i++) {
        const [x, y, lengths] = batch(32);
        trainer.step(x, y, { lengths });
      }
      const B = 200;
      const [x, y, lengths] = batch(B);
      const pred = predictions(model.forward(x, { lengths }).z.data, T * B, K);
      let right = 0, total = 0;
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          if (t >= lengths[b]) continue;
          total++;
          if (pred[t * B + b] === y.data[t * B + b]) right++;
        }
      }
      expect(right / total).to.be.at.least(0.95);
    });

    it('echo with delay 1 (y⟨t⟩ = x⟨t−1⟩, y⟨0⟩ = 0), rnn_tanh: ≥ 95% of steps correct', () => {
      const T = 8, rng = new Random(6);
      const batch = (B: number): [Tensor, Labels] => {
        const x = new Float32Array(T * B * K), y = new Array(T * B).fill(0);
        for (let b = 0; b < B; b++) {
          let prev = 0;
          for (let t = 0; t < T; t++) {
            const v = rng.int(K);
            x[(t * B + b) * K + v] = 1;
            y[t * B + b] = prev;
            prev = v;
          }
        }
        return [{ data: x, shape: [T, B, K] }, { data: y, shape: [T, B] }];
      };
      const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: K, hiddenSize: 12, outputSize: K, seed: 2 });
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.02 }) });
      for (let i = 0; i < 150; i++) trainer.step(...batch(32));
      const [x, y] = batch(200);
      const pred = predictions(model.forward(x).z.data, T * 200, K);
      expect(pred.filter((p, r) => p === y.data[r]).length / (T * 200)).to.be.at.least(0.95);
    });
  });

  describe('many-to-many, Tx ≠ Ty (encoder–decoder with attention): reverse 4 symbols, then an end token (Tx = 4, Ty = 5)', () => {
    // source ids 1…K (0 is padding); target ids: 0 padding, 1 start, 2…K+1 symbols, K+2 end
    const Tx = 4, K = 4, V = K + 3, END = K + 2;
    let model: Seq2Seq;
    const all: { src: number[]; want: number[] }[] = [];

    before(() => {
      model = new Seq2Seq({ mode: 'gru', srcVocab: K + 1, tgtVocab: V, embeddingDim: 8, hiddenSize: 32, attention: 'dot', seed: 3 });
      const trainer = new Trainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.01 }), clipNorm: 5 });
      const B = 32, rng = new Random(9);
      const src = { data: new Int32Array(Tx * B), shape: [Tx, B] };
      const tgtIn = { data: new Int32Array((Tx + 1) * B), shape: [Tx + 1, B] };
      const tgtOut = { data: new Int32Array((Tx + 1) * B), shape: [Tx + 1, B] };
      for (let i = 0; i < 300; i++) {
        for (let b = 0; b < B; b++) {
          for (let t = 0; t < Tx; t++) {
            const v = rng.int(K);
            src.data[t * B + b] = v + 1;
            tgtOut.data[(Tx - 1 - t) * B + b] = v + 2;
          }
          tgtOut.data[Tx * B + b] = END;
          tgtIn.data[b] = 1;
          for (let t = 1; t <= Tx; t++) tgtIn.data[t * B + b] = tgtOut.data[(t - 1) * B + b];
        }
        trainer.run(() => model.lossAndGrad({ src, tgtIn, tgtOut }));
      }
      // every one of the K^Tx = 256 inputs, one at a time
      for (let n = 0; n < K ** Tx; n++) {
        const seq = Array.from({ length: Tx }, (_, t) => Math.floor(n / K ** t) % K);
        all.push({ src: seq.map((v) => v + 1), want: [...seq.reverse().map((v) => v + 2), END] });
      }
    });

    it('greedy decoding: ≥ 90% exact match over all 256 inputs', () => {
      const right = all.filter(({ src, want }) => model.greedy(src, { maxLength: Tx + 2, endToken: END }).tokens.join() === want.join()).length;
      expect(right / all.length).to.be.at.least(0.9);
    });

    it('beam search (width 3): ≥ 90% exact match over all 256 inputs', () => {
      const right = all.filter(({ src, want }) => model.beamSearch(src, { beamWidth: 3, maxLength: Tx + 2, endToken: END }).tokens.join() === want.join()).length;
      expect(right / all.length).to.be.at.least(0.9);
    });

    it('beam search with width k = 1…4 (α = 0) scores ≥ greedy\'s log-prob on every input (width 1 is greedy)', () => {
      for (const { src } of all) {
        const greedy = model.beamSearch(src, { beamWidth: 1, maxLength: Tx + 2, endToken: END, alpha: 0 });
        expect(greedy.tokens).to.deep.equal(model.greedy(src, { maxLength: Tx + 2, endToken: END }).tokens);
        for (const k of [2, 3, 4]) {
          // up to float32 rounding: the wasm GEMM's sums depend on how many rows (beams) a step
          // runs, so the same tokens can score 1e-11 apart at width 1 and width k
          const rounding = 4 * 2 ** -24 * Math.abs(greedy.logProb) * (Tx + 2);
          expect(model.beamSearch(src, { beamWidth: k, maxLength: Tx + 2, endToken: END, alpha: 0 }).logProb).to.be.at.least(greedy.logProb - rounding);
        }
      }
    });
  });
});
