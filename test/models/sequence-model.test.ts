/**
 * SequenceModel (lib/models/sequence-model.ts): recurrent stack + head Wya·a + by + loss.
 *
 * - lossAndGrad against central finite differences in float64 (every parameter, x, h0, c0;
 *   rel err ≤ 1e-7) for each topology × loss, bidirectional, stacked, bias-free, and with
 *   variable lengths;
 * - variable-length batches: padding contributes nothing, and a padded batch equals its rows
 *   run one by one (loss = mean of the row losses, grads = Σ row grads / B);
 * - bad targets and inputs throw, naming operation and operand, and change nothing.
 */
import { expect } from 'chai';
import { type SequenceInputs, SequenceModel, type SequenceModelOptions } from '../../lib/models/sequence-model.js';
import type { Random } from '../../lib/random.js';
import type { Tensor } from '../../lib/tensor.js';
import { type GradTarget, assertGradients, finiteDifferenceCheck } from '../helpers/gradcheck.js';
import { copy64, relError, rng, uniformTensor } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const I = 3, H = 4, V = 5;

type Target = { data: Float64Array; shape: number[] };

function makeModel(options: Partial<SequenceModelOptions> = {}): SequenceModel {
  return new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: H, outputSize: V, dtype: 'float64', seed: 5, ...options });
}

/** A valid random target for the model's topology and loss, for x of shape [T, B, ·]. */
function randomTarget(model: SequenceModel, r: Random, T: number, B: number): Target {
  const lead = model.topology === 'many_to_one' ? [B] : [T, B];
  if (model.loss.targets === 'class') {
    const n = lead.reduce((a, b) => a * b, 1);
    return { data: Float64Array.from({ length: n }, () => r.int(V)), shape: lead };
  }
  const shape = [...lead, V];
  const n = shape.reduce((a, b) => a * b, 1);
  const bce = model.loss.name === 'bce';
  return { data: Float64Array.from({ length: n }, () => (bce ? r.next() : r.uniform(-0.9, 0.9))), shape };
}

/** Random h0 (and c0 for LSTM) of shape [L·D, B, H]. */
function randomState(model: SequenceModel, r: Random, B: number): SequenceInputs {
  const shape = [model.rnn.numLayers * model.rnn.directions, B, H];
  return {
    h0: uniformTensor(r, shape, -0.5, 0.5),
    c0: model.rnn.hasCellState ? uniformTensor(r, shape, -0.5, 0.5) : null,
  };
}

/** FD check of lossAndGrad over every parameter, x, h0 and c0. */
function gradcheckModel(model: SequenceModel, x: Tensor, target: Target, inputs: SequenceInputs = {}): void {
  model.zeroGrad();
  model.lossAndGrad(x, target, inputs);
  const g = model.stateGradients!;
  const targets: GradTarget[] = [{ name: 'x', data: x.data as Float64Array, grad: copy64(g.dx.data) }];
  if (inputs.h0) targets.push({ name: 'h0', data: inputs.h0.data as Float64Array, grad: copy64(g.dh0.data) });
  if (inputs.c0 && g.dc0) targets.push({ name: 'c0', data: inputs.c0.data as Float64Array, grad: copy64(g.dc0.data) });
  for (const p of model.params) targets.push({ name: p.name, data: p.value as Float64Array, grad: copy64(p.grad) });
  const loss = () => model.lossAndGrad(x, target, inputs);
  // ε = 1e-5: the loss is O(10) while some gradients are O(1e-3), so ε = 1e-6 would leave
  // rounding noise ε_mach·L/ε ≈ 1e-9 (1e-6 relative); truncation at 1e-5 is O(ε²) ≈ 1e-10
  assertGradients(finiteDifferenceCheck(loss, targets, { eps: 1e-5 }), 1e-7, `${model.options.mode} ${model.topology} ${model.loss.name}`);
}

interface Case {
  label: string;
  options: Partial<SequenceModelOptions>;
  T?: number;
  B?: number;
  lengths?: number[];
  state?: boolean;
}

const cases: Case[] = [
  { label: 'many_to_many cross_entropy (GRU, h0)', options: { mode: 'gru' }, state: true },
  { label: 'many_to_many cross_entropy (rnn_tanh)', options: { mode: 'rnn_tanh' } },
  { label: 'many_to_one mse with outputActivation tanh (LSTM, h0, c0)', options: { mode: 'lstm', topology: 'many_to_one', loss: 'mse', outputActivation: 'tanh' }, state: true },
  { label: 'many_to_one mse with outputActivation sigmoid (rnn_tanh)', options: { mode: 'rnn_tanh', topology: 'many_to_one', loss: 'mse', outputActivation: 'sigmoid' } },
  { label: 'many_to_many mse, identity (GRU)', options: { mode: 'gru', loss: 'mse' } },
  { label: 'many_to_many bce (rnn_tanh, h0)', options: { mode: 'rnn_tanh', loss: 'bce' }, state: true },
  { label: 'many_to_one bce (LSTM)', options: { mode: 'lstm', topology: 'many_to_one', loss: 'bce' } },
  { label: 'bidirectional many_to_one cross_entropy (GRU)', options: { mode: 'gru', bidirectional: true, topology: 'many_to_one' }, state: true },
  { label: 'bidirectional many_to_many cross_entropy (LSTM)', options: { mode: 'lstm', bidirectional: true } },
  { label: '2 layers many_to_many cross_entropy (LSTM, h0, c0)', options: { mode: 'lstm', numLayers: 2 }, state: true },
  { label: '2 layers bidirectional many_to_one mse (GRU)', options: { mode: 'gru', numLayers: 2, bidirectional: true, topology: 'many_to_one', loss: 'mse' } },
  { label: 'bias false, many_to_many cross_entropy (GRU)', options: { mode: 'gru', bias: false }, state: true },
  { label: 'T = 1, B = 1 (one-to-one), cross_entropy', options: { mode: 'lstm', topology: 'many_to_one' }, T: 1, B: 1 },
  { label: 'variable lengths [4, 2, 3], many_to_many cross_entropy (LSTM, bidirectional, 2 layers)', options: { mode: 'lstm', bidirectional: true, numLayers: 2 }, lengths: [4, 2, 3], state: true },
  { label: 'variable lengths [2, 4, 1], many_to_one mse tanh (GRU, bidirectional)', options: { mode: 'gru', bidirectional: true, topology: 'many_to_one', loss: 'mse', outputActivation: 'tanh' }, lengths: [2, 4, 1], state: true },
  { label: 'variable lengths [3, 1, 4], many_to_many bce (rnn_tanh)', options: { mode: 'rnn_tanh', loss: 'bce' }, lengths: [3, 1, 4] },
];

forEachBackend('SequenceModel', () => {
  describe('lossAndGrad against finite differences (float64, rel err ≤ 1e-7)', () => {
    cases.forEach((c, i) => {
      it(c.label, () => {
        const model = makeModel({ ...c.options, seed: 20 + i });
        const T = c.T ?? 4, B = c.B ?? 3;
        const r = rng(100 + i);
        const x = uniformTensor(r, [T, B, I]);
        const target = randomTarget(model, r, T, B);
        const inputs: SequenceInputs = c.state ? randomState(model, r, B) : {};
        if (c.lengths) inputs.lengths = c.lengths;
        gradcheckModel(model, x, target, inputs);
      });
    });
  });

  describe('forward and the loss definition', () => {
    it('loss = (1/B)·Σ_t Σ_b ℓ(z⟨t⟩_b), with y = softmax(z) for cross-entropy', () => {
      const model = makeModel();
      const r = rng(1);
      const T = 3, B = 2;
      const x = uniformTensor(r, [T, B, I]);
      const target = randomTarget(model, r, T, B);
      const { y, z } = model.forward(x);
      expect(y.shape).to.deep.equal([T, B, V]);
      expect(z.shape).to.deep.equal([T, B, V]);
      let want = 0;
      for (let row = 0; row < T * B; row++) {
        let sum = 0;
        for (let v = 0; v < V; v++) sum += Math.exp(z.data[row * V + v]);
        for (let v = 0; v < V; v++) expect(y.data[row * V + v]).to.be.closeTo(Math.exp(z.data[row * V + v]) / sum, 1e-15);
        want -= Math.log(y.data[row * V + target.data[row]]);
      }
      const zCopy = copy64(z.data);
      expect(model.lossAndGrad(x, target)).to.be.closeTo(want / B, 1e-13);
      expect(Array.from(model.forward(x).z.data)).to.deep.equal(Array.from(zCopy));
    });

    it('z = Wya·a + by from the stack output (many_to_many) or output[T−1] (many_to_one); y = g2(z) for mse, σ(z) for bce', () => {
      const r = rng(2);
      const T = 3, B = 2, x = uniformTensor(r, [T, B, I]);
      for (const options of [
        { topology: 'many_to_one', loss: 'mse', outputActivation: 'tanh' },
        { topology: 'many_to_many', loss: 'bce' },
      ] as Partial<SequenceModelOptions>[]) {
        const model = makeModel(options);
        const { y, z, state } = model.forward(x);
        const W = model.head.weight.value, by = model.head.bias!.value;
        const m2o = model.topology === 'many_to_one';
        expect(z.shape).to.deep.equal(m2o ? [B, V] : [T, B, V]);
        const rows = m2o ? B : T * B;
        for (let row = 0; row < rows; row++) {
          const arow = m2o ? (T - 1) * B + row : row;
          for (let v = 0; v < V; v++) {
            let s = by[v];
            for (let j = 0; j < H; j++) s += W[v * H + j] * state.output.data[arow * H + j];
            expect(z.data[row * V + v]).to.be.closeTo(s, 1e-15);
            const g2 = m2o ? Math.tanh(s) : 1 / (1 + Math.exp(-s));
            expect(y.data[row * V + v]).to.be.closeTo(g2, 1e-15);
          }
        }
      }
    });

    it('lossAndGrad accumulates into grads: two calls give exactly twice one call; zeroGrad clears', () => {
      const model = makeModel({ mode: 'lstm', numLayers: 2 });
      const r = rng(3);
      const x = uniformTensor(r, [4, 2, I]);
      const target = randomTarget(model, r, 4, 2);
      model.zeroGrad();
      const l1 = model.lossAndGrad(x, target);
      const once = model.params.map((p) => copy64(p.grad));
      const l2 = model.lossAndGrad(x, target);
      expect(l2).to.equal(l1);
      model.params.forEach((p, k) => { for (let i = 0; i < p.grad.length; i++) expect(p.grad[i]).to.equal(2 * once[k][i]); });
      model.zeroGrad();
      for (const p of model.params) expect(p.grad.every((g) => g === 0)).to.equal(true);
    });

    it('params are the stack in PyTorch order, then head.weight, head.bias (with namePrefix)', () => {
      const model = makeModel({ mode: 'rnn_tanh', namePrefix: 'dec.' });
      expect(model.params.map((p) => p.name)).to.deep.equal([
        'dec.weight_ih_l0', 'dec.weight_hh_l0', 'dec.bias_ih_l0', 'dec.bias_hh_l0', 'dec.head.weight', 'dec.head.bias',
      ]);
      expect(model.head.weight.shape).to.deep.equal([V, H]);
      const noBias = makeModel({ mode: 'rnn_tanh', bias: false, bidirectional: true });
      expect(noBias.params.map((p) => p.name)).to.deep.equal(['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'head.weight']);
      expect(noBias.head.weight.shape).to.deep.equal([V, 2 * H]);
    });

    it('the same seed gives bit-identical parameters; another seed differs', () => {
      const a = makeModel({ seed: 9 }), b = makeModel({ seed: 9 }), c = makeModel({ seed: 10 });
      a.params.forEach((p, k) => expect(Array.from(p.value)).to.deep.equal(Array.from(b.params[k].value)));
      expect(Array.from(a.head.weight.value)).to.not.deep.equal(Array.from(c.head.weight.value));
    });

    it('outputActivation is for mse only; unknown options are rejected with the operation named', () => {
      expect(() => makeModel({ loss: 'cross_entropy', outputActivation: 'tanh' })).to.throw(TypeError, /SequenceModel: outputActivation applies to the mse loss only/);
      expect(() => makeModel({ loss: 'hinge' as 'mse' })).to.throw(TypeError, /SequenceModel: loss must be one of/);
      expect(() => makeModel({ topology: 'one_to_many' as 'many_to_one' })).to.throw(TypeError, /SequenceModel: topology must be one of/);
      expect(() => makeModel({ outputSize: 0 })).to.throw(RangeError, /SequenceModel: outputSize must be ≥ 1/);
      expect(() => makeModel({ loss: 'mse', outputActivation: 'nope' })).to.throw(TypeError, /SequenceModel/);
    });
  });

  describe('variable-length batches', () => {
    const lengths = [5, 2, 4];
    const T = 5, B = 3;

    /** Row b of a [T, B, F] tensor, cut to its first n steps: [n, 1, F]. */
    function rowOf(t: Tensor, b: number, n: number): Tensor {
      const F = t.shape[2], Bt = t.shape[1];
      const data = new Float64Array(n * F);
      for (let s = 0; s < n; s++) for (let f = 0; f < F; f++) data[s * F + f] = t.data[(s * Bt + b) * F + f];
      return { data, shape: [n, 1, F] };
    }

    /** Row b of a [L·D, B, H] state: [L·D, 1, H]. */
    function stateRow(s: Tensor | null | undefined, b: number): Tensor | null {
      if (!s) return null;
      const [LD, Bs, Hs] = s.shape;
      const data = new Float64Array(LD * Hs);
      for (let k = 0; k < LD; k++) for (let j = 0; j < Hs; j++) data[k * Hs + j] = s.data[(k * Bs + b) * Hs + j];
      return { data, shape: [LD, 1, Hs] };
    }

    /** Row b of a target, cut to n steps. */
    function targetRow(model: SequenceModel, target: Target, b: number, n: number): Target {
      const per = model.loss.targets === 'class' ? 1 : V;
      if (model.topology === 'many_to_one') {
        return { data: target.data.slice(b * per, b * per + per), shape: per === 1 ? [1] : [1, V] };
      }
      const data = new Float64Array(n * per);
      for (let s = 0; s < n; s++) for (let v = 0; v < per; v++) data[s * per + v] = target.data[(s * B + b) * per + v];
      return { data, shape: per === 1 ? [n, 1] : [n, 1, V] };
    }

    const variants: { label: string; options: Partial<SequenceModelOptions> }[] = [
      { label: 'many_to_many cross_entropy, LSTM, 2 layers', options: { mode: 'lstm', numLayers: 2 } },
      { label: 'many_to_many bce, bidirectional GRU', options: { mode: 'gru', bidirectional: true, loss: 'bce' } },
      { label: 'many_to_one mse tanh, bidirectional LSTM', options: { mode: 'lstm', bidirectional: true, topology: 'many_to_one', loss: 'mse', outputActivation: 'tanh' } },
      { label: 'many_to_one cross_entropy, rnn_tanh, 2 layers', options: { mode: 'rnn_tanh', numLayers: 2, topology: 'many_to_one' } },
    ];

    for (const { label, options } of variants) {
      it(`${label}: loss = mean of the rows run alone, grads = Σ row grads / B, padding ignored`, () => {
        const model = makeModel(options);
        const r = rng(40);
        const x = uniformTensor(r, [T, B, I], -1, 1);
        // padding holds large junk: it must not matter
        for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let f = 0; f < I; f++) x.data[(t * B + b) * I + f] = 50 + t + f;
        const target = randomTarget(model, r, T, B);
        const state = randomState(model, r, B);
        model.zeroGrad();
        const loss = model.lossAndGrad(x, target, { ...state, lengths });
        const grads = model.params.map((p) => copy64(p.grad));
        const dx = copy64(model.stateGradients!.dx.data);
        const dh0 = copy64(model.stateGradients!.dh0.data);
        const zBatch = copy64(model.forward(x, { ...state, lengths }).z.data);

        // padded inputs get exactly zero gradient
        for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) for (let f = 0; f < I; f++) expect(dx[(t * B + b) * I + f]).to.equal(0);

        // each row alone, unpadded, with B = 1
        model.zeroGrad();
        let sum = 0;
        for (let b = 0; b < B; b++) {
          const n = lengths[b];
          const inputs = { h0: stateRow(state.h0, b), c0: stateRow(state.c0, b) };
          const xb = rowOf(x, b, n);
          const tb = targetRow(model, target, b, n);
          sum += model.lossAndGrad(xb, tb, inputs);
          // dx of the valid steps and dh0 match the batch's row b, divided by B
          const g = model.stateGradients!;
          for (let s = 0; s < n; s++) for (let f = 0; f < I; f++) expect(g.dx.data[s * I + f] / B).to.be.closeTo(dx[(s * B + b) * I + f], 1e-13);
          const LD = model.rnn.numLayers * model.rnn.directions;
          for (let k = 0; k < LD; k++) for (let j = 0; j < H; j++) expect(g.dh0.data[k * H + j] / B).to.be.closeTo(dh0[(k * B + b) * H + j], 1e-13);
          // many_to_one reads row b's last valid step: its z equals the batch's z[b]
          const z = model.forward(xb, inputs).z.data;
          const zRows = model.topology === 'many_to_one' ? [[0, b]] : Array.from({ length: n }, (_, s) => [s, s * B + b]);
          for (const [zr, br] of zRows) for (let v = 0; v < V; v++) expect(z[zr * V + v]).to.be.closeTo(zBatch[br * V + v], 1e-13);
        }
        expect(loss).to.be.closeTo(sum / B, 1e-13 * Math.abs(loss));
        model.params.forEach((p, k) => {
          const perRow = Float64Array.from(p.grad, (g) => g / B);
          expect(relError(grads[k], perRow, 1e-6), p.name).to.be.below(1e-12);
        });
      });
    }

    it('many_to_many: targets at padded steps are ignored (changing them changes neither loss nor grads)', () => {
      const model = makeModel({ mode: 'gru' });
      const r = rng(41);
      const x = uniformTensor(r, [T, B, I]);
      const target = randomTarget(model, r, T, B);
      model.zeroGrad();
      const l1 = model.lossAndGrad(x, target, { lengths });
      const g1 = model.params.map((p) => copy64(p.grad));
      const other: Target = { data: target.data.slice(), shape: target.shape };
      for (let b = 0; b < B; b++) for (let t = lengths[b]; t < T; t++) other.data[t * B + b] = (other.data[t * B + b] + 1) % V;
      model.zeroGrad();
      expect(model.lossAndGrad(x, other, { lengths })).to.equal(l1);
      model.params.forEach((p, k) => expect(Array.from(p.grad)).to.deep.equal(Array.from(g1[k])));
    });

    it('many_to_one: z[b] is the head on output[lengths[b] − 1, b] (not output[T − 1])', () => {
      const model = makeModel({ mode: 'lstm', topology: 'many_to_one' });
      const r = rng(42);
      const x = uniformTensor(r, [T, B, I]);
      const { z, state } = model.forward(x, { lengths });
      const W = model.head.weight.value, by = model.head.bias!.value;
      for (let b = 0; b < B; b++) {
        const row = (lengths[b] - 1) * B + b;
        for (let v = 0; v < V; v++) {
          let s = by[v];
          for (let j = 0; j < H; j++) s += W[v * H + j] * state.output.data[row * H + j];
          expect(z.data[b * V + v]).to.be.closeTo(s, 1e-15);
        }
        // and the stack's output at that step is h_n for this row
        for (let j = 0; j < H; j++) expect(state.output.data[row * H + j]).to.equal(state.hN.data[b * H + j]);
      }
    });
  });

  describe('bad targets and inputs throw and change nothing', () => {
    interface Bad {
      label: string;
      options: Partial<SequenceModelOptions>;
      /** Builds the bad call's arguments from a valid target. */
      make: (x: Tensor, good: Target) => { x?: Tensor; target?: unknown; inputs?: SequenceInputs };
      error: typeof RangeError | typeof TypeError;
      message: RegExp;
    }
    const T = 3, B = 2;
    const withValue = (good: Target, i: number, v: number): Target => {
      const data = good.data.slice();
      data[i] = v;
      return { data, shape: good.shape };
    };
    const bads: Bad[] = [
      { label: 'class label = V (out of range)', options: {}, make: (_x, g) => ({ target: withValue(g, 3, V) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target\[3\] must be a class index in \[0, 4\], got 5/ },
      { label: 'class label −1', options: {}, make: (_x, g) => ({ target: withValue(g, 0, -1) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target\[0\] must be a class index/ },
      { label: 'non-integer class label 1.5', options: {}, make: (_x, g) => ({ target: withValue(g, 5, 1.5) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target\[5\] must be a class index .* got 1\.5/ },
      { label: 'NaN class label', options: {}, make: (_x, g) => ({ target: withValue(g, 1, NaN) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target\[1\] must be a class index .* got NaN/ },
      { label: 'class target of shape [T, B, V] for cross_entropy', options: {}, make: () => ({ target: { data: new Float64Array(T * B * V), shape: [T, B, V] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: target has shape \[3, 2, 5\] but \[3, 2\] was expected/ },
      { label: 'target [T, B] for many_to_one', options: { topology: 'many_to_one' }, make: () => ({ target: { data: new Float64Array(T * B), shape: [T, B] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: target has shape \[3, 2\] but \[2\] was expected \(many_to_one, cross_entropy\)/ },
      { label: 'target data shorter than its shape', options: {}, make: () => ({ target: { data: new Float64Array(T * B - 1), shape: [T, B] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: target has shape \[3, 2\] but its data has 5 entries/ },
      { label: 'target null', options: {}, make: () => ({ target: null }), error: TypeError, message: /SequenceModel\.lossAndGrad: target must be a tensor/ },
      { label: 'mse target with NaN', options: { loss: 'mse' }, make: (_x, g) => ({ target: withValue(g, 7, NaN) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target must be finite, but entry 7 is NaN/ },
      { label: 'mse target with Infinity', options: { loss: 'mse', topology: 'many_to_one' }, make: (_x, g) => ({ target: withValue(g, 2, Infinity) }), error: RangeError, message: /SequenceModel\.lossAndGrad: target must be finite, but entry 2 is Infinity/ },
      { label: 'mse target [T, B] (class-shaped)', options: { loss: 'mse' }, make: () => ({ target: { data: new Float64Array(T * B), shape: [T, B] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: target has shape \[3, 2\] but \[3, 2, 5\] was expected/ },
      { label: 'bce target 1.5 (outside [0, 1])', options: { loss: 'bce' }, make: (_x, g) => ({ target: withValue(g, 4, 1.5) }), error: RangeError, message: /SequenceModel\.lossAndGrad: bce targets must be in \[0, 1\], but entry 4 is 1\.5/ },
      { label: 'bce target −0.1', options: { loss: 'bce' }, make: (_x, g) => ({ target: withValue(g, 0, -0.1) }), error: RangeError, message: /bce targets must be in \[0, 1\], but entry 0 is -0\.1/ },
      { label: 'x with the wrong input size', options: {}, make: () => ({ x: { data: new Float64Array(T * B * 4), shape: [T, B, 4] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: x has shape \[3, 2, 4\] but input_size is 3/ },
      { label: 'x with NaN', options: {}, make: (x) => ({ x: { data: Float64Array.from(x.data, (v, i) => (i === 4 ? NaN : v)), shape: x.shape } }), error: RangeError, message: /SequenceModel\.lossAndGrad: x must be finite, but entry 4 is NaN/ },
      { label: 'lengths with a 0', options: { topology: 'many_to_one' }, make: () => ({ inputs: { lengths: [3, 0] } }), error: RangeError, message: /SequenceModel\.lossAndGrad: lengths\[1\] must be an integer in \[1, 3\], got 0/ },
      { label: 'h0 of the wrong shape', options: {}, make: () => ({ inputs: { h0: { data: new Float64Array(H), shape: [1, 1, H] } } }), error: RangeError, message: /SequenceModel\.lossAndGrad: h0 has shape \[1, 1, 4\] but \[1, 2, 4\] was expected/ },
    ];

    // Guards: lossAndGrad validates x before checking the target against x's shape, so a
    // missing x (null, undefined, {}) is a TypeError about x, not a RangeError blaming the target.
    it('a missing x is a TypeError about x, not about the target', () => {
      const model = makeModel();
      const good = randomTarget(model, rng(61), T, B);
      for (const x of [null, undefined, {}]) {
        expect(() => model.lossAndGrad(x as never, good)).to.throw(TypeError, /x must be a tensor/);
      }
    });

    for (const bad of bads) {
      it(`${bad.label}: ${bad.error.name}, params and grads bit-identical`, () => {
        const model = makeModel(bad.options);
        const r = rng(60);
        const x = uniformTensor(r, [T, B, I]);
        const good = randomTarget(model, r, T, B);
        model.zeroGrad();
        model.lossAndGrad(x, good); // grads now hold something
        const values = model.params.map((p) => copy64(p.value));
        const grads = model.params.map((p) => copy64(p.grad));
        const args = bad.make(x, good);
        expect(() => model.lossAndGrad(args.x ?? x, ('target' in args ? args.target : good) as Target, args.inputs ?? {})).to.throw(bad.error, bad.message);
        model.params.forEach((p, k) => {
          for (let i = 0; i < p.value.length; i++) {
            expect(Object.is(p.value[i], values[k][i]), `${p.name}.value[${i}]`).to.equal(true);
            expect(Object.is(p.grad[i], grads[k][i]), `${p.name}.grad[${i}]`).to.equal(true);
          }
        });
        // and the model still works
        model.zeroGrad();
        expect(Number.isFinite(model.lossAndGrad(x, good))).to.equal(true);
      });
    }
  });
});

describe('SequenceModel batchFirst', () => {
  const T = 5, B = 3, I = 4, V = 3, N = 6;
  /** [P, Q, F] → [Q, P, F] */
  const swap = (src: ArrayLike<number>, P: number, Q: number, F = 1): number[] => {
    const out = new Array<number>(P * Q * F);
    for (let p = 0; p < P; p++) for (let q = 0; q < Q; q++) for (let f = 0; f < F; f++) out[(q * P + p) * F + f] = src[(p * Q + q) * F + f];
    return out;
  };
  const cases = [
    { label: 'features, many_to_many, cross-entropy, lengths', options: { inputSize: I, topology: 'many_to_many' as const }, ids: false, m2o: false },
    { label: 'token ids, many_to_many, mse', options: { embedding: { numEmbeddings: N, embeddingDim: I }, loss: 'mse' as const }, ids: true, m2o: false },
    { label: 'features, many_to_one', options: { inputSize: I, topology: 'many_to_one' as const, bidirectional: true }, ids: false, m2o: true },
  ];
  for (const { label, options, ids, m2o } of cases) {
    it(`[B, T, …] in and out equals the time-major model on transposed data: ${label}`, () => {
      const base = { mode: 'lstm', hiddenSize: 4, outputSize: V, dtype: 'float64' as const, seed: 3, ...options };
      const tm = new SequenceModel(base), bf = new SequenceModel({ ...base, batchFirst: true });
      const r = rng(4);
      const xT = ids ? { data: Int32Array.from({ length: T * B }, () => r.int(N)), shape: [T, B] } : uniformTensor(r, [T, B, I]);
      const xB = ids ? { data: Int32Array.from(swap(xT.data, T, B)), shape: [B, T] } : { data: Float64Array.from(swap(xT.data, T, B, I)), shape: [B, T, I] };
      const mse = base.loss === 'mse';
      const yT = m2o ? { data: Array.from({ length: B }, () => r.int(V)), shape: [B] }
        : mse ? { data: Array.from({ length: T * B * V }, () => r.uniform(-1, 1)), shape: [T, B, V] } : { data: Array.from({ length: T * B }, () => r.int(V)), shape: [T, B] };
      const yB = m2o ? yT : mse ? { data: swap(yT.data, T, B, V), shape: [B, T, V] } : { data: swap(yT.data, T, B), shape: [B, T] };
      const inputs = { lengths: [T, 2, 4] };
      tm.zeroGrad();
      bf.zeroGrad();
      expect(bf.lossAndGrad(xB as never, yB, inputs)).to.equal(tm.lossAndGrad(xT as never, yT, inputs));
      bf.params.forEach((p, k) => expect(Array.from(p.grad), p.name).to.deep.equal(Array.from(tm.params[k].grad)));
      const pT = tm.forward(xT as never, inputs), pB = bf.forward(xB as never, inputs);
      expect(pB.z.shape).to.deep.equal(m2o ? [B, V] : [B, T, V]);
      expect(Array.from(pB.z.data)).to.deep.equal(m2o ? Array.from(pT.z.data) : swap(pT.z.data, T, B, V));
      expect(Array.from(pB.y.data)).to.deep.equal(m2o ? Array.from(pT.y.data) : swap(pT.y.data, T, B, V));
    });
  }

  it('checks shapes as batch-major, naming the expected layout', () => {
    const bf = new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: 4, outputSize: V, batchFirst: true });
    const x = uniformTensor(rng(1), [B, T, I], -1, 1, 'float32');
    expect(() => bf.forward({ data: x.data, shape: [B, T] } as never)).to.throw(RangeError, /SequenceModel\.forward: x must have shape \[B, T, input_size\]/);
    expect(() => bf.lossAndGrad(x, { data: new Array(T * B).fill(0), shape: [T, B] })).to.throw(RangeError, /target has shape \[5, 3\] but \[3, 5\] was expected/);
    expect(() => bf.forward(x, { lengths: [T, T] })).to.throw(RangeError, /lengths has 2 entries but the batch has 3 rows/);
    expect(() => new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: 4, outputSize: V, batchFirst: 1 as never })).to.throw(TypeError, /SequenceModel: batchFirst must be a boolean, got 1/);
  });
});
