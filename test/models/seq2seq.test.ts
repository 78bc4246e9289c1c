/**
 * Seq2Seq (lib/models/seq2seq.ts), the encoder–decoder for Tx ≠ Ty: teacher-forced
 * lossAndGrad against finite differences in float64 (every encoder and decoder parameter, so
 * the gradient through the encoder's final state is checked), the teacher-forcing
 * input, and beam search: width 1 is greedy, each hypothesis' logProb is the teacher-forced
 * log-likelihood of its tokens, a beam wide enough to keep every prefix finds the exact best
 * sequence, and the boundary checks.
 */
import { expect } from 'chai';
import { Seq2Seq, type Seq2SeqOptions } from '../../lib/models/seq2seq.js';
import type { Tensor } from '../../lib/tensor.js';
import { type GradTarget, assertGradients, finiteDifferenceCheck } from '../helpers/gradcheck.js';
import { copy64, rng, uniformTensor } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const I = 3, H = 4, V = 5, Tx = 3, Ty = 4, B = 2;

function makeModel(options: Partial<Seq2SeqOptions> = {}): Seq2Seq {
  return new Seq2Seq({ mode: 'gru', inputSize: I, outputVocab: V, hiddenSize: H, dtype: 'float64', seed: 31, ...options });
}

function targetOf(seed: number, ty = Ty, b = B, v = V): { data: number[]; shape: number[] } {
  const r = rng(seed);
  return { data: Array.from({ length: ty * b }, () => r.int(v)), shape: [ty, b] };
}

/** −Σ log p(tokens | source) under teacher forcing, for one source [Tx, 1, I]. */
function logLikelihood(model: Seq2Seq, source: Tensor, tokens: number[]): number {
  const loss = model.lossAndGrad(source, { data: tokens, shape: [tokens.length, 1] });
  model.zeroGrad();
  return -loss;
}

forEachBackend('Seq2Seq', () => {
  describe('lossAndGrad against finite differences (float64, rel err ≤ 1e-7)', () => {
    const cases: { label: string; options: Partial<Seq2SeqOptions> }[] = [
      { label: 'GRU, 2 layers', options: { mode: 'gru', numLayers: 2 } },
      { label: 'LSTM (dc0 flows into the encoder)', options: { mode: 'lstm' } },
      { label: 'LSTM, 2 layers, start token 2', options: { mode: 'lstm', numLayers: 2, startToken: 2 } },
      { label: 'rnn_tanh, no bias', options: { mode: 'rnn_tanh', bias: false } },
    ];
    cases.forEach(({ label, options }, i) => {
      it(label, () => {
        const model = makeModel({ ...options, seed: 40 + i });
        const source = uniformTensor(rng(50 + i), [Tx, B, I]);
        const target = targetOf(60 + i);
        model.zeroGrad();
        model.lossAndGrad(source, target);
        const targets: GradTarget[] = model.params.map((p) => ({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) }));
        const encoderGrads = targets.filter((t) => t.name.startsWith('encoder.'));
        expect(encoderGrads.length).to.be.above(0);
        expect(encoderGrads.some((t) => Array.from(t.grad).some((g) => Math.abs(g) > 1e-4)), 'the encoder learns through h0').to.equal(true);
        const loss = () => model.lossAndGrad(source, target);
        // ε = 1e-4: the deep encoder's gradients are ~1e-5 against a loss of ~6, so rounding
        // noise (ε_mach·L/ε) dominates at smaller ε; truncation at 1e-4 stays ≲ 1e-8
        assertGradients(finiteDifferenceCheck(loss, targets, { eps: 1e-4 }), 1e-7, `Seq2Seq ${label}`);
      });
    });
  });

  it('parameter names: encoder.* (no head), then decoder.* with decoder.head.*', () => {
    const model = makeModel({ mode: 'rnn_tanh' });
    expect(model.params.map((p) => p.name)).to.deep.equal([
      'encoder.weight_ih_l0', 'encoder.weight_hh_l0', 'encoder.bias_ih_l0', 'encoder.bias_hh_l0',
      'decoder.weight_ih_l0', 'decoder.weight_hh_l0', 'decoder.bias_ih_l0', 'decoder.bias_hh_l0',
      'decoder.head.weight', 'decoder.head.bias',
    ]);
    expect(model.decoder.rnn.inputSize).to.equal(V);
    expect(model.decoder.outputSize).to.equal(V);
  });

  it('teacher forcing: the decoder reads start, y⟨1⟩ … y⟨Ty−1⟩ (one-hot) from the encoder\'s h_n, c_n', () => {
    const model = makeModel({ mode: 'lstm', startToken: 1 });
    const source = uniformTensor(rng(1), [Tx, B, I]);
    const target = targetOf(2);
    model.zeroGrad();
    const loss = model.lossAndGrad(source, target);
    // the same by hand
    const enc = model.encoder.forward(source);
    const h0 = { data: copy64(enc.hN.data), shape: enc.hN.shape }, c0 = { data: copy64(enc.cN!.data), shape: enc.cN!.shape };
    const x = { data: new Float64Array(Ty * B * V), shape: [Ty, B, V] };
    for (let b = 0; b < B; b++) {
      x.data[b * V + 1] = 1;
      for (let t = 1; t < Ty; t++) x.data[(t * B + b) * V + target.data[(t - 1) * B + b]] = 1;
    }
    expect(model.decoder.lossAndGrad(x, target, { h0, c0 })).to.equal(loss);
  });

  describe('decoding', () => {
    const source1 = () => uniformTensor(rng(7), [Tx, 1, I]);

    it('greedy = beam search of width 1; every hypothesis\' logProb = Σ log p of its tokens under teacher forcing', () => {
      for (const mode of ['gru', 'lstm']) {
        const model = makeModel({ mode, numLayers: 2 });
        const source = source1();
        const greedy = model.greedy(source, 5);
        const beam1 = model.beamSearch(source, { beamWidth: 1, maxLength: 5 });
        expect(beam1.tokens).to.deep.equal(greedy);
        expect(greedy.length).to.equal(5);
        for (const k of [1, 2, 4]) {
          const h = model.beamSearch(source, { beamWidth: k, maxLength: 5 });
          expect(h.logProb).to.be.closeTo(logLikelihood(model, source, h.tokens), 1e-12);
          expect(h.logProb).to.be.at.most(0);
        }
      }
    });

    it('a beam that keeps every prefix (width V^(n−1)) returns the exact most likely sequence of n tokens', () => {
      const Vs = 3, n = 3;
      const model = makeModel({ mode: 'gru', outputVocab: Vs });
      const source = source1();
      let best = -Infinity, bestTokens: number[] = [];
      for (let code = 0; code < Vs ** n; code++) {
        const tokens = Array.from({ length: n }, (_, t) => Math.floor(code / Vs ** t) % Vs);
        const lp = logLikelihood(model, source, tokens);
        if (lp > best) { best = lp; bestTokens = tokens; }
      }
      const exact = model.beamSearch(source, { beamWidth: Vs ** (n - 1), maxLength: n });
      expect(exact.tokens).to.deep.equal(bestTokens);
      expect(exact.logProb).to.be.closeTo(best, 1e-12);
      for (const k of [1, 2, 3]) expect(model.beamSearch(source, { beamWidth: k, maxLength: n }).logProb).to.be.at.most(exact.logProb + 1e-12);
    });

    it('endToken: a hypothesis stops after it (kept in the output), and its logProb stops growing', () => {
      const model = makeModel({ mode: 'gru' });
      const source = source1();
      // pick as end the token greedy emits second, so decoding must stop early
      const free = model.greedy(source, 6);
      const end = free[1];
      const stopped = model.greedy(source, 6, end);
      const cut = free.indexOf(end) + 1;
      expect(stopped).to.deep.equal(free.slice(0, cut));
      const h = model.beamSearch(source, { beamWidth: 3, maxLength: 6, endToken: end });
      if (h.tokens.length < 6) expect(h.tokens[h.tokens.length - 1]).to.equal(end);
      expect(h.tokens.slice(0, -1)).to.not.include(end);
      expect(h.logProb).to.be.closeTo(logLikelihood(model, source, h.tokens), 1e-12);
    });

    it('decoding changes no parameter and no gradient', () => {
      const model = makeModel({ mode: 'lstm' });
      const values = model.params.map((p) => copy64(p.value));
      model.beamSearch(source1(), { beamWidth: 3, maxLength: 4 });
      model.greedy(source1(), 4);
      model.params.forEach((p, k) => {
        expect(Array.from(p.value)).to.deep.equal(Array.from(values[k]));
        expect(p.grad.every((g) => g === 0)).to.equal(true);
      });
    });
  });

  describe('boundary checks', () => {
    it('rejects bad options, sources and targets, naming the operation; a bad target changes nothing', () => {
      const model = makeModel();
      const source = uniformTensor(rng(3), [Tx, B, I]);
      expect(() => makeModel({ startToken: V })).to.throw(RangeError, /Seq2Seq: startToken must be < outputVocab \(5\), got 5/);
      expect(() => new Seq2Seq(null as never)).to.throw(TypeError, /Seq2Seq: options must be an object/);
      expect(() => model.lossAndGrad(source, { data: [0, 1, 2], shape: [3] })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: target has shape \[3\] but \[Ty, 2\] was expected/);
      expect(() => model.lossAndGrad(source, { data: [0, 1, 2], shape: [3, 1] })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: target has shape \[3, 1\] but \[Ty, 2\] was expected/);
      expect(() => model.lossAndGrad({ data: new Float64Array(Tx * B * 2), shape: [Tx, B, 2] }, targetOf(1))).to.throw(RangeError, /Seq2Seq\.lossAndGrad: x has shape \[3, 2, 2\] but input_size is 3/);
      const one = uniformTensor(rng(4), [Tx, 1, I]);
      expect(() => model.beamSearch(source, { beamWidth: 2, maxLength: 3 })).to.throw(RangeError, /Seq2Seq\.beamSearch: source has shape \[3, 2, 3\] but \[Tx, 1, 3\] was expected \(one source at a time\)/);
      expect(() => model.beamSearch(one, { beamWidth: 0, maxLength: 3 })).to.throw(RangeError, /Seq2Seq\.beamSearch: beamWidth must be ≥ 1/);
      expect(() => model.beamSearch(one, { beamWidth: 2, maxLength: 0 })).to.throw(RangeError, /Seq2Seq\.beamSearch: maxLength must be ≥ 1/);
      expect(() => model.beamSearch(one, { beamWidth: 2, maxLength: 3, endToken: -1 })).to.throw(RangeError, /Seq2Seq\.beamSearch: endToken must be ≥ 0/);
      const nan = uniformTensor(rng(5), [Tx, 1, I]);
      nan.data[2] = NaN;
      expect(() => model.beamSearch(nan, { beamWidth: 2, maxLength: 3 })).to.throw(RangeError, /^Seq2Seq\.beamSearch: x must be finite, but entry 2 is NaN/);
      expect(() => model.beamSearch({ data: new Float32Array(Tx * 2), shape: [Tx, 1, 2] }, { beamWidth: 2, maxLength: 3 })).to.throw(RangeError, /^Seq2Seq\.beamSearch: x has shape \[3, 1, 2\] but input_size is 3/);

      model.zeroGrad();
      model.lossAndGrad(source, targetOf(5));
      const values = model.params.map((p) => copy64(p.value)), grads = model.params.map((p) => copy64(p.grad));
      const bad = targetOf(5);
      bad.data[3] = V;
      expect(() => model.lossAndGrad(source, bad)).to.throw(RangeError, /Seq2Seq\.lossAndGrad: target\[3\] must be a token index in \[0, 4\], got 5/);
      bad.data[3] = 0.5;
      expect(() => model.lossAndGrad(source, bad)).to.throw(RangeError, /Seq2Seq\.lossAndGrad: target\[3\] must be a token index/);
      model.params.forEach((p, k) => {
        expect(Array.from(p.value)).to.deep.equal(Array.from(values[k]));
        expect(Array.from(p.grad)).to.deep.equal(Array.from(grads[k]));
      });
    });

    // BUG (lib/models/seq2seq.ts:90–96): the target's shape is checked against source.shape[1]
    // before the source is validated, so a missing source is reported as a target error
    // ("target has shape [4, 2] but [Ty, undefined] was expected"), and a missing target is a
    // RangeError ("target has shape undefined …") although it is a wrong kind (STYLE §7:
    // TypeError for kinds). Fix: validate source first (e.g. run the encoder's input check
    // before looking at target) and throw TypeError when target is not a {data, shape} object.
    it('a missing source or target is a TypeError that names it', () => {
      const model = makeModel();
      const source = uniformTensor(rng(3), [Tx, B, I]);
      expect(() => model.lossAndGrad(null as never, targetOf(1))).to.throw(TypeError, /(source|x) must be a tensor/);
      expect(() => model.lossAndGrad(source, null as never)).to.throw(TypeError, /Seq2Seq\.lossAndGrad: target must be/);
    });

    // BUG (lib/models/seq2seq.ts:104): a bad token in the target is reported by the decoder as
    // "SequenceModel.lossAndGrad: target[3] must be a class index …", naming an operation the
    // caller never called. Fix: check the target's tokens in Seq2Seq.lossAndGrad (integers in
    // [0, outputVocab − 1]) before the teacher-forcing loop, which now silently skips them.
    it('a bad target token names Seq2Seq.lossAndGrad', () => {
      const model = makeModel();
      const source = uniformTensor(rng(3), [Tx, B, I]);
      const bad = targetOf(5);
      bad.data[3] = V;
      expect(() => model.lossAndGrad(source, bad)).to.throw(RangeError, /^Seq2Seq\.lossAndGrad: target\[3\]/);
    });

    // BUG (lib/models/seq2seq.ts:126): endToken is checked to be ≥ 0 but not < outputVocab, so
    // an endToken that can never be produced is accepted and decoding silently runs to maxLength.
    // Fix: `if (end !== undefined && checkInteger(op, 'endToken', end, 0) >= V) throw new RangeError(…)`.
    it('beamSearch rejects an endToken ≥ outputVocab', () => {
      const model = makeModel();
      const one = uniformTensor(rng(4), [Tx, 1, I]);
      expect(() => model.beamSearch(one, { beamWidth: 2, maxLength: 3, endToken: V })).to.throw(RangeError, /Seq2Seq\.beamSearch: endToken/);
    });
  });
});
