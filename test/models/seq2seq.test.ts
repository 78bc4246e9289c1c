/**
 * Seq2Seq (lib/models/seq2seq.ts), the encoder–decoder with embeddings and attention:
 * teacher-forced lossAndGrad against central finite differences in float64 for every score
 * function, input feeding, bidirectional and stacked encoders, every cell and length-masked
 * sources; the masks (no attention past a source's length, no loss on padding targets); beam
 * search (width 1 is greedy, logProb is the teacher-forced log-likelihood, a beam wide enough
 * to keep every prefix finds the exact best sequence, length normalization, end tokens, α
 * rows); and the boundary checks.
 */
import { expect } from 'chai';
import { Seq2Seq, type Seq2SeqBatch, type Seq2SeqOptions } from '../../lib/models/seq2seq.js';
import { type GradTarget, assertGradients, finiteDifferenceCheck } from '../helpers/gradcheck.js';
import { copy64, rng } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const SV = 7, TV = 6, E = 3, H = 3, S = 4, T = 3, B = 2;

function makeModel(options: Partial<Seq2SeqOptions> = {}): Seq2Seq {
  return new Seq2Seq({ mode: 'gru', srcVocab: SV, tgtVocab: TV, embeddingDim: E, hiddenSize: H, dtype: 'float64', seed: 31, ...options });
}

/** A random batch: source ids 1…SV−1 with the given lengths (0 past them), targets 2…TV−1, the last target of row 1 padding. */
function batchOf(seed: number, lengths: number[] | null = [S, S - 2], s = S, t = T, b = B): Seq2SeqBatch {
  const r = rng(seed);
  const src = Array.from({ length: s * b }, (_, i) => (lengths && Math.floor(i / b) >= lengths[i % b] ? 0 : 1 + r.int(SV - 1)));
  const tgt = Array.from({ length: t * b }, () => 2 + r.int(TV - 2));
  const tgtIn = tgt.map((_, i) => (i < b ? 1 : tgt[i - b]));
  const tgtOut = tgt.slice();
  if (b > 1) tgtOut[(t - 1) * b + 1] = 0;
  return { src: { data: src, shape: [s, b] }, srcLengths: lengths, tgtIn: { data: tgtIn, shape: [t, b] }, tgtOut: { data: tgtOut, shape: [t, b] } };
}

/** Σ log p(tokens | src) under teacher forcing, for one source. */
function logLikelihood(model: Seq2Seq, src: number[], tokens: number[]): number {
  const tgtIn = [model.options.startToken, ...tokens.slice(0, -1)];
  return -model.evaluate({ src: { data: src, shape: [src.length, 1] }, tgtIn: { data: tgtIn, shape: [tokens.length, 1] }, tgtOut: { data: tokens, shape: [tokens.length, 1] } });
}

forEachBackend('Seq2Seq', () => {
  describe('lossAndGrad against finite differences (float64, rel err ≤ 1e-7)', () => {
    const cases: { label: string; options: Partial<Seq2SeqOptions>; lengths?: number[] | null }[] = [
      { label: 'GRU, no attention', options: { attention: 'none' } },
      { label: 'GRU, dot, masked sources', options: { attention: 'dot' } },
      { label: 'LSTM, general, input feeding, bidirectional encoder', options: { mode: 'lstm', attention: 'general', inputFeed: true, bidirectionalEncoder: true } },
      { label: 'LSTM, mlp, input feeding, 2 layers', options: { mode: 'lstm', attention: 'mlp', inputFeed: true, numLayers: 2 } },
      { label: 'GRU, mlp, bidirectional, 2 layers, full-length sources', options: { attention: 'mlp', bidirectionalEncoder: true, numLayers: 2 }, lengths: null },
      { label: 'rnn_tanh, dot, input feeding, no bias', options: { mode: 'rnn_tanh', attention: 'dot', inputFeed: true, bias: false } },
      { label: 'LSTM, no attention, input feeding, bidirectional', options: { mode: 'lstm', inputFeed: true, bidirectionalEncoder: true } },
    ];
    cases.forEach(({ label, options, lengths }, i) => {
      it(label, () => {
        const model = makeModel({ ...options, seed: 40 + i });
        const batch = batchOf(60 + i, lengths === undefined ? [S, S - 2] : lengths);
        model.zeroGrad();
        model.lossAndGrad(batch);
        const targets: GradTarget[] = model.params.map((p) => ({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) }));
        for (const side of ['encoder.', 'decoder.attention.']) {
          const grads = targets.filter((t) => t.name.startsWith(side));
          if (side === 'decoder.attention.' && (options.attention ?? 'none') === 'none') continue;
          expect(grads.some((t) => Array.from(t.grad).some((g) => Math.abs(g) > 1e-5)), `${side} learns`).to.equal(true);
        }
        assertGradients(finiteDifferenceCheck(() => model.lossAndGrad(batch), targets, { eps: 1e-5 }), 1e-7, `Seq2Seq ${label}`);
      });
    });
  });

  it('parameter names: encoder embedding and stack, decoder embedding, stack, attention and head', () => {
    const model = makeModel({ mode: 'rnn_tanh', attention: 'mlp', inputFeed: true });
    expect(model.params.map((p) => p.name)).to.deep.equal([
      'encoder.embedding.weight', 'encoder.weight_ih_l0', 'encoder.weight_hh_l0', 'encoder.bias_ih_l0', 'encoder.bias_hh_l0',
      'decoder.embedding.weight', 'decoder.weight_ih_l0', 'decoder.weight_hh_l0', 'decoder.bias_ih_l0', 'decoder.bias_hh_l0',
      'decoder.attention.linear_query.weight', 'decoder.attention.linear_query.bias', 'decoder.attention.linear_context.weight',
      'decoder.attention.v.weight', 'decoder.attention.linear_out.weight',
      'decoder.head.weight', 'decoder.head.bias',
    ]);
    expect(model.decoder.inputSize).to.equal(E + H);
    const bi = makeModel({ bidirectionalEncoder: true, attention: 'general' });
    expect(bi.decoderSize).to.equal(2 * H);
    expect(bi.params.find((p) => p.name === 'decoder.attention.linear_in.weight')!.shape).to.deep.equal([2 * H, 2 * H]);
    expect(bi.params.find((p) => p.name === 'decoder.attention.linear_out.weight')!.shape).to.deep.equal([2 * H, 4 * H]);
  });

  it('attention: α rows sum to 1 over each source\'s length and are 0 past it', () => {
    const model = makeModel({ attention: 'general', inputFeed: true });
    const batch = batchOf(3, [S, 1]);
    const { attention } = model.forward(batch);
    expect(attention!.shape).to.deep.equal([T, B, S]);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = Array.from(attention!.data.subarray((t * B + b) * S, (t * B + b + 1) * S));
        const n = batch.srcLengths![b];
        expect(row.slice(0, n).reduce((x, y) => x + y, 0)).to.be.closeTo(1, 1e-12);
        expect(row.slice(n)).to.deep.equal(new Array(S - n).fill(0));
      }
    }
  });

  it('padding: a source\'s steps past its length and targets of id 0 change nothing', () => {
    const model = makeModel({ attention: 'dot' });
    const batch = batchOf(4, [S, 2]);
    const loss = model.evaluate(batch);
    // other ids in row 1's padded source steps: same loss
    const src = Array.from(batch.src.data);
    for (let s = 2; s < S; s++) src[s * B + 1] = 5;
    expect(model.evaluate({ ...batch, src: { data: src, shape: [S, B] } })).to.equal(loss);
    // the loss is Σ over targets ≠ 0 of −log softmax(logits)[target], divided by B
    const z = model.forward(batch).logits.data;
    let sum = 0, counted = 0;
    for (let r = 0; r < T * B; r++) {
      const y = batch.tgtOut.data[r];
      if (y === 0) continue;
      const row = Array.from(z.subarray(r * TV, (r + 1) * TV)), max = Math.max(...row);
      sum += max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0)) - row[y];
      counted++;
    }
    expect(counted).to.equal(T * B - 1);
    expect(loss).to.be.closeTo(sum / B, 1e-12);
  });

  describe('decoding', () => {
    const src = [3, 1, 4, 1];

    it('greedy = beam search of width 1; each hypothesis\' logProb = Σ log p of its tokens under teacher forcing', () => {
      for (const options of [{ mode: 'gru', attention: 'dot' }, { mode: 'lstm', attention: 'mlp', inputFeed: true, numLayers: 2, bidirectionalEncoder: true }] as Partial<Seq2SeqOptions>[]) {
        const model = makeModel(options);
        const greedy = model.greedy(src, { maxLength: 5 });
        expect(greedy.tokens.length).to.equal(5);
        expect(model.beamSearch(src, { beamWidth: 1, maxLength: 5 }).tokens).to.deep.equal(greedy.tokens);
        for (const k of [1, 2, 4]) {
          const h = model.beamSearch(src, { beamWidth: k, maxLength: 5, alpha: 0 });
          expect(h.logProb).to.be.closeTo(logLikelihood(model, src, h.tokens), 1e-12);
          expect(h.score).to.equal(h.logProb);
        }
      }
    });

    it('a beam that keeps every prefix returns the exact most likely sequence of n tokens (padding never emitted)', () => {
      const n = 3, V = 4, W = V - 1; // ids 1…3: every id but padding
      const model = new Seq2Seq({ mode: 'gru', srcVocab: SV, tgtVocab: V, embeddingDim: E, hiddenSize: H, attention: 'general', inputFeed: true, dtype: 'float64', seed: 5 });
      let best = -Infinity, bestTokens: number[] = [];
      for (let code = 0; code < W ** n; code++) {
        const tokens = Array.from({ length: n }, (_, t) => 1 + (Math.floor(code / W ** t) % W));
        const lp = logLikelihood(model, src, tokens);
        if (lp > best) { best = lp; bestTokens = tokens; }
      }
      const exact = model.beamSearch(src, { beamWidth: W ** (n - 1), maxLength: n, alpha: 0 });
      expect(exact.tokens).to.deep.equal(bestTokens);
      expect(exact.logProb).to.be.closeTo(best, 1e-12);
      for (const k of [1, 2, 3]) expect(model.beamSearch(src, { beamWidth: k, maxLength: n, alpha: 0 }).logProb).to.be.at.most(exact.logProb + 1e-12);
    });

    it('length normalization: score = logProb / |Y|^α (average) or / ((5 + |Y|)/6)^α (gnmt)', () => {
      const model = makeModel({ attention: 'dot' });
      const a = model.beamSearch(src, { beamWidth: 3, maxLength: 4, alpha: 0.7 });
      expect(a.score).to.be.closeTo(a.logProb / a.tokens.length ** 0.7, 1e-12);
      const g = model.beamSearch(src, { beamWidth: 3, maxLength: 4, alpha: 1, lengthPenalty: 'gnmt' });
      expect(g.score).to.be.closeTo(g.logProb / ((5 + g.tokens.length) / 6), 1e-12);
    });

    it('endToken: a hypothesis is finished after it (kept in the output) and stops growing', () => {
      const model = makeModel({ attention: 'general' });
      const free = model.greedy(src, { maxLength: 6 }).tokens;
      const end = free[1];
      const stopped = model.greedy(src, { maxLength: 6, endToken: end });
      expect(stopped.tokens).to.deep.equal(free.slice(0, free.indexOf(end) + 1));
      const h = model.beamSearch(src, { beamWidth: 3, maxLength: 6, endToken: end });
      if (h.tokens.length < 6) expect(h.tokens[h.tokens.length - 1]).to.equal(end);
      expect(h.tokens.slice(0, -1)).to.not.include(end);
      expect(h.logProb).to.be.closeTo(logLikelihood(model, src, h.tokens), 1e-12);
    });

    it('returns one α row per output token, equal to teacher-forced α', () => {
      const model = makeModel({ attention: 'mlp', inputFeed: true });
      const h = model.beamSearch(src, { beamWidth: 2, maxLength: 4 });
      expect(h.attention).to.have.length(h.tokens.length);
      const tgtIn = [1, ...h.tokens.slice(0, -1)];
      const forced = model.forward({ src: { data: src, shape: [src.length, 1] }, tgtIn: { data: tgtIn, shape: [tgtIn.length, 1] }, tgtOut: { data: h.tokens, shape: [h.tokens.length, 1] } });
      h.attention!.forEach((row, t) => {
        for (let s = 0; s < src.length; s++) expect(row[s]).to.be.closeTo(forced.attention!.data[t * src.length + s], 1e-12);
      });
      expect(makeModel().greedy(src, { maxLength: 2 }).attention).to.equal(null);
    });

    it('withFrozenWeights: forwards inside it reuse the first one\'s packed weights (a change is seen only after it), and decoding equals that of a thawed model', () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const model = makeModel({ mode: 'lstm', attention: 'general', inputFeed: true, numLayers: 2, dtype });
        const batch = batchOf(3);
        const logits = () => Array.from(model.forward(batch).logits.data);
        const before = logits();
        const W = [model.head.weight.value, model.attention!.linearOut.value, model.decoder.layers[0][0].weightIh.value, model.encoder.layers[0][0].weightHh.value];
        const saved = W.map((w) => w[0]);
        const [first, again] = model.withFrozenWeights(() => {
          const a = logits();
          for (const w of W) w[0] += 0.5;
          return [a, logits()];
        });
        expect(first).to.deep.equal(before);
        expect(again, 'the changed weights are not seen while frozen').to.deep.equal(first);
        expect(logits(), 'thawed: the changed weights are seen').to.not.deep.equal(first);
        W.forEach((w, i) => { w[0] = saved[i]; });
        expect(logits()).to.deep.equal(before);
        // beamSearch and greedy decode inside withFrozenWeights; their hypotheses keep the teacher-forced log-likelihood
        const h = model.beamSearch(src, { beamWidth: 2, maxLength: 3 });
        expect(h.logProb).to.be.closeTo(logLikelihood(model, src, h.tokens), dtype === 'float64' ? 1e-12 : 1e-5);
      }
    });

    it('decoding changes no parameter and no gradient', () => {
      const model = makeModel({ mode: 'lstm', attention: 'dot' });
      const values = model.params.map((p) => copy64(p.value));
      model.beamSearch(src, { beamWidth: 3, maxLength: 4 });
      model.greedy(src, { maxLength: 4 });
      model.params.forEach((p, k) => {
        expect(Array.from(p.value)).to.deep.equal(Array.from(values[k]));
        expect(p.grad.every((g) => g === 0)).to.equal(true);
      });
    });
  });

  describe('boundary checks', () => {
    it('refuses bad options, naming the option', () => {
      expect(() => makeModel({ startToken: TV })).to.throw(RangeError, /Seq2Seq: startToken must be a target id < tgtVocab \(6\), got 6/);
      expect(() => makeModel({ attention: 'luong' as never })).to.throw(TypeError, /Seq2Seq: attention must be one of "none", "dot", "general", "mlp", got "luong"/);
      expect(() => makeModel({ inputFeeding: true } as never)).to.throw(TypeError, /Seq2Seq: options has an unknown key "inputFeeding"/);
      expect(() => new Seq2Seq(null as never)).to.throw(TypeError, /Seq2Seq: options must be an object/);
      expect(() => makeModel().lastOutput()).to.throw(Error, /Seq2Seq\.lastOutput: call forward or lossAndGrad first/);
    });

    it('refuses bad batches before changing anything', () => {
      const model = makeModel({ attention: 'dot' });
      model.zeroGrad();
      model.lossAndGrad(batchOf(5));
      const values = model.params.map((p) => copy64(p.value)), grads = model.params.map((p) => copy64(p.grad));
      const bad = (edit: (b: Seq2SeqBatch) => void) => {
        const b = batchOf(5);
        edit(b);
        return () => model.lossAndGrad(b);
      };
      expect(bad((b) => { (b.src.data as number[])[3] = SV; })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: src\[3\] must be a token index in \[0, 6\], got 7/);
      expect(bad((b) => { (b.tgtOut.data as number[])[1] = 0.5; })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: tgtOut\[1\] must be a token index/);
      expect(bad((b) => { b.srcLengths = [S, 0]; })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: srcLengths\[1\] must be an integer in \[1, 4\], got 0/);
      expect(bad((b) => { b.srcLengths = [S + 1, 1]; })).to.throw(RangeError, /srcLengths\[0\] must be an integer in \[1, 4\], got 5/);
      expect(bad((b) => { b.tgtIn = { data: [1, 1], shape: [1, 2] }; })).to.throw(RangeError, /must share B, and tgtIn and tgtOut T/);
      expect(bad((b) => { b.src = { data: [1, 2, 3], shape: [3] }; })).to.throw(RangeError, /Seq2Seq\.lossAndGrad: src must be token ids of shape \[steps, B\]/);
      expect(() => model.lossAndGrad(null as never)).to.throw(TypeError, /Seq2Seq\.lossAndGrad: batch must be an object/);
      model.params.forEach((p, k) => {
        expect(Array.from(p.value)).to.deep.equal(Array.from(values[k]));
        expect(Array.from(p.grad)).to.deep.equal(Array.from(grads[k]));
      });
    });

    it('refuses bad decoding options and sources', () => {
      const model = makeModel();
      expect(() => model.beamSearch([1, 2], { beamWidth: 0, maxLength: 3 })).to.throw(RangeError, /beamSearch: beamWidth must be ≥ 1/);
      expect(() => model.beamSearch([1, 2], { maxLength: 0 })).to.throw(RangeError, /beamSearch: maxLength must be ≥ 1/);
      expect(() => model.beamSearch([1, 2], { maxLength: 3, endToken: TV })).to.throw(RangeError, /beamSearch: endToken must be a target id < tgtVocab \(6\), got 6/);
      expect(() => model.beamSearch([1, 2], { maxLength: 3, alpha: 2 })).to.throw(RangeError, /beamSearch: alpha must be in \[0, 1\], got 2/);
      expect(() => model.beamSearch([], { maxLength: 3 })).to.throw(TypeError, /beamSearch: src must be a non-empty array of source token ids/);
      expect(() => model.beamSearch([1, SV], { maxLength: 3 })).to.throw(RangeError, /beamSearch: src\[1\] must be a token index in \[0, 6\], got 7/);
    });
  });
});
