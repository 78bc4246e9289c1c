/**
 * Truncated BPTT with StateCarry (lib/training/state-carry.ts): a long stream is trained in
 * chunks; each chunk starts from the previous chunk's final state (a copy), and the gradient
 * stops at the chunk boundary. Plus the gradient-norm diagnostics Recurrent.gradNorms()
 * ([L·D, T] of ‖dL/da⟨t⟩‖) and what they show: vanishing gradients in a tanh RNN, and an LSTM
 * with a high forget bias that keeps them.
 */
import { expect } from 'chai';
import { SequenceModel, type SequenceModelOptions } from '../../lib/models/sequence-model.js';
import { createOptimizer } from '../../lib/optimizers/create-optimizer.js';
import { SGD } from '../../lib/optimizers/sgd.js';
import type { Tensor } from '../../lib/tensor.js';
import { StateCarry } from '../../lib/training/state-carry.js';
import { SequenceTrainer } from '../../lib/training/trainer.js';
import { assertGradients, finiteDifferenceCheck, type GradTarget } from '../helpers/gradcheck.js';
import { copy64, copyTensor, rng, uniformTensor } from '../helpers/tensors.js';

const I = 3, H = 4, V = 5, T = 5, B = 2, CHUNKS = 3;

function makeModel(options: Partial<SequenceModelOptions> = {}): SequenceModel {
  return new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: H, outputSize: V, dtype: 'float64', seed: 11, ...options });
}

/** A stream of CHUNKS·T steps cut into CHUNKS chunks of T steps: x [T, B, I], y [T, B]. */
function stream(seed: number): { x: Tensor; y: { data: number[]; shape: number[] } }[] {
  const r = rng(seed);
  return Array.from({ length: CHUNKS }, () => ({
    x: uniformTensor(r, [T, B, I]),
    y: { data: Array.from({ length: T * B }, () => r.int(V)), shape: [T, B] },
  }));
}

/** The whole stream as one [CHUNKS·T, B, I] tensor. */
function concat(chunks: { x: Tensor }[]): Tensor {
  const data = new Float64Array(CHUNKS * T * B * I);
  chunks.forEach((c, k) => data.set(c.x.data, k * T * B * I));
  return { data, shape: [CHUNKS * T, B, I] };
}

describe('truncated BPTT (StateCarry)', () => {
  it('a forward over chunks with carried state equals one forward over the whole stream', () => {
    for (const mode of ['gru', 'lstm']) {
      const model = makeModel({ mode, numLayers: 2 });
      const chunks = stream(1);
      const full = model.forward(concat(chunks));
      const fullY = copy64(full.y.data), fullH = copy64(full.state.hN.data);
      const fullC = full.state.cN ? copy64(full.state.cN.data) : null;
      const carry = new StateCarry(model.rnn, B);
      chunks.forEach((c, k) => {
        const { y, state } = model.forward(c.x, carry.inputs());
        for (let i = 0; i < y.data.length; i++) expect(y.data[i]).to.be.closeTo(fullY[k * T * B * V + i], 1e-14);
        carry.capture(state);
      });
      for (let i = 0; i < fullH.length; i++) expect(carry.h.data[i]).to.be.closeTo(fullH[i], 1e-14);
      if (fullC) for (let i = 0; i < fullC.length; i++) expect(carry.c!.data[i]).to.be.closeTo(fullC[i], 1e-14);
    }
  });

  it('training in chunks with the carry = each chunk run with h0, c0 = copies of the previous chunk\'s final state (bit for bit)', () => {
    const a = makeModel(), b = makeModel();
    const chunks = [...stream(2), ...stream(3)]; // two passes' worth of chunks
    const trainer = new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 0.1 }) });
    const carry = new StateCarry(a.rnn, B);
    const opt = new SGD(b.params, { lr: 0.1 });
    let h0: Tensor | null = null, c0: Tensor | null = null;
    for (const { x, y } of chunks) {
      const la = trainer.step(x, y, carry.inputs()).loss;
      carry.capture(a.rnn.lastState());

      b.zeroGrad();
      const lb = b.lossAndGrad(x, y, { h0, c0 });
      const s = b.rnn.lastState();
      h0 = copyTensor(s.hN);
      c0 = copyTensor(s.cN!);
      opt.step();

      expect(la).to.equal(lb);
      a.params.forEach((p, k) => expect(Array.from(p.value)).to.deep.equal(Array.from(b.params[k].value)));
    }
    expect(Array.from(carry.h.data)).to.deep.equal(Array.from(h0!.data));
    expect(Array.from(carry.c!.data)).to.deep.equal(Array.from(c0!.data));
  });

  it('the gradient stops at the boundary: chunk 2\'s dL/dθ = that with a fresh constant h0, c0 (and ≠ full BPTT)', () => {
    const model = makeModel({ mode: 'lstm' });
    const [c1, c2] = stream(4);
    const carry = new StateCarry(model.rnn, B);
    model.forward(c1.x, carry.inputs());
    carry.capture(model.rnn.lastState());
    model.zeroGrad();
    const loss2 = model.lossAndGrad(c2.x, c2.y, carry.inputs());
    const truncated = model.params.map((p) => copy64(p.grad));
    const dh0 = copy64(model.stateGradients!.dh0.data);
    expect(dh0.some((g) => Math.abs(g) > 1e-3), 'dL2/dh0 is there, it is just not followed into chunk 1').to.equal(true);

    // a fresh constant state with the carried values gives the same gradient, bit for bit
    const h0 = copyTensor(carry.h), c0 = copyTensor(carry.c!);
    model.zeroGrad();
    expect(model.lossAndGrad(c2.x, c2.y, { h0, c0 })).to.equal(loss2);
    model.params.forEach((p, k) => expect(Array.from(p.grad)).to.deep.equal(Array.from(truncated[k])));

    // it is the derivative of L2(θ) with h0, c0 held constant (finite differences, ≤ 1e-7) …
    const targets: GradTarget[] = model.params.map((p, k) => ({ name: p.name, data: p.value as Float64Array, grad: truncated[k] }));
    const constantState = () => model.lossAndGrad(c2.x, c2.y, { h0, c0 });
    assertGradients(finiteDifferenceCheck(constantState, targets, { eps: 1e-5 }), 1e-7, 'truncated gradient');

    // … and not of L2(θ) with h0, c0 = chunk 1's final state recomputed from θ (full BPTT)
    const fullPath = () => {
      const s = model.forward(c1.x).state;
      const carried = { h0: copyTensor(s.hN), c0: copyTensor(s.cN!) };
      return model.lossAndGrad(c2.x, c2.y, carried);
    };
    const full = finiteDifferenceCheck(fullPath, targets.filter((t) => t.name.startsWith('weight')), { eps: 1e-5 });
    expect(Math.max(...full.map((r) => r.error)), 'full BPTT differs from the truncated gradient').to.be.above(1e-3);
  });

  it('reset() zeros h and c; inputs() is one object that sees the carried values; capture checks the size', () => {
    const model = makeModel({ numLayers: 2, bidirectional: true });
    const carry = new StateCarry(model.rnn, B);
    expect(carry.h.shape).to.deep.equal([4, B, H]);
    expect(carry.c!.shape).to.deep.equal([4, B, H]);
    expect(carry.h.data).to.be.instanceOf(Float64Array);
    const inputs = carry.inputs();
    expect(inputs.h0).to.equal(carry.h);
    expect(inputs.c0).to.equal(carry.c);
    expect(carry.inputs()).to.equal(inputs);
    const [c1] = stream(5);
    model.forward(c1.x, inputs);
    carry.capture(model.rnn.lastState());
    expect(carry.h.data.some((v) => v !== 0)).to.equal(true);
    expect(carry.c!.data.some((v) => v !== 0)).to.equal(true);
    carry.reset();
    expect(carry.h.data.every((v) => v === 0)).to.equal(true);
    expect(carry.c!.data.every((v) => v === 0)).to.equal(true);
    // after reset, a forward from the carry equals one from zeros
    const fromCarry = copy64(model.forward(c1.x, carry.inputs()).y.data);
    expect(Array.from(model.forward(c1.x).y.data)).to.deep.equal(Array.from(fromCarry));
    // a GRU carry has no c
    expect(new StateCarry(makeModel({ mode: 'gru' }).rnn, 3).c).to.equal(null);
    // a state of another batch size is refused
    const other = makeModel({ numLayers: 2, bidirectional: true });
    other.forward(uniformTensor(rng(6), [T, 3, I]));
    expect(() => carry.capture(other.rnn.lastState())).to.throw(RangeError, /StateCarry\.capture: state\.hN has 48 entries but 32 were expected/);
    expect(() => new StateCarry(model.rnn, 0)).to.throw(RangeError, /StateCarry: batch must be ≥ 1/);
  });

  describe('gradient-norm diagnostics', () => {
    it('gradNorms() after backward is [L·D, T] of ‖dL/da⟨t⟩‖; at the last step of many_to_one it is ‖dz·Wya‖', () => {
      const model = makeModel({ mode: 'gru', numLayers: 2, bidirectional: true, topology: 'many_to_one' });
      const [c] = stream(7);
      model.zeroGrad();
      model.lossAndGrad(c.x, { data: [1, 3], shape: [B] });
      const g = model.rnn.gradNorms();
      expect(g.shape).to.deep.equal([4, T]);
      expect(g.data.length).to.equal(4 * T);
      for (const v of g.data) expect(Number.isFinite(v) && v >= 0).to.equal(true);

      const single = makeModel({ mode: 'rnn_tanh', topology: 'many_to_one' });
      single.zeroGrad();
      const target = { data: [1, 3], shape: [B] };
      single.lossAndGrad(c.x, target);
      const norms = single.rnn.gradNorms();
      expect(norms.shape).to.deep.equal([1, T]);
      // dz = (softmax(z) − onehot)/B, dL/da⟨T−1⟩ = dz·Wya
      const { y } = single.forward(c.x);
      const W = single.head.weight.value;
      let sq = 0;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          let s = 0;
          for (let v = 0; v < V; v++) s += ((y.data[b * V + v] - (v === target.data[b] ? 1 : 0)) / B) * W[v * H + j];
          sq += s * s;
        }
      }
      expect(norms.data[T - 1]).to.be.closeTo(Math.sqrt(sq), 1e-15);
    });

    const LONG = 50, HV = 8;
    /** ‖dL/da⟨t⟩‖ for t = 0…49 of a loss at the last step only, weights scaled by `scale`. */
    function norms(mode: string, scale: number, forgetBias: number | null): Float64Array {
      const model = new SequenceModel({ mode, inputSize: I, hiddenSize: HV, outputSize: 2, topology: 'many_to_one', dtype: 'float64', seed: 1 });
      for (const p of model.rnn.params) if (p.name.startsWith('weight')) for (let i = 0; i < p.value.length; i++) p.value[i] *= scale;
      if (forgetBias !== null) {
        // LSTM gate rows i, f, g, o: the f rows are [H, 2H)
        for (const p of model.rnn.params) if (p.name.startsWith('bias_ih')) p.value.fill(forgetBias, HV, 2 * HV);
      }
      const x = uniformTensor(rng(2), [LONG, B, I]);
      model.zeroGrad();
      model.lossAndGrad(x, { data: [0, 1], shape: [B] });
      return copy64(model.rnn.gradNorms().data);
    }

    it('vanishing: a tanh RNN with small weights, T = 50, loss at the last step: ‖dL/da⟨0⟩‖ / ‖dL/da⟨49⟩‖ < 1e-2, shrinking toward t = 0', () => {
      const g = norms('rnn_tanh', 0.5, null);
      expect(g[0] / g[LONG - 1]).to.be.below(1e-2);
      // geometric decay: every 10 steps back lose at least a factor 10
      for (let t = 0; t + 10 < LONG; t += 10) expect(g[t] / g[t + 10], `t = ${t}`).to.be.below(0.1);
    });

    it('an LSTM with forget bias 5 (same small weights) keeps ‖dL/da⟨t⟩‖ from vanishing; without it, it vanishes too', () => {
      const rnn = norms('rnn_tanh', 0.5, null);
      const keep = norms('lstm', 0.5, 5);
      const plain = norms('lstm', 0.5, null);
      const ratio = (g: Float64Array) => g[0] / g[LONG - 1];
      expect(ratio(keep)).to.be.above(1e-3);
      expect(ratio(keep)).to.be.above(1e10 * ratio(rnn));
      // past the first few steps back the LSTM's gradient no longer shrinks: c carries it (dcPrev = dc ⊙ Γf, Γf ≈ 0.99)
      expect(keep[0] / keep[LONG - 10]).to.be.above(0.5);
      expect(ratio(plain)).to.be.below(1e-6);
    });
  });
});
