/**
 * Every backward pass against central finite differences in float64 (STYLE §9): dx, dh0,
 * dc0 and every parameter gradient of the loss Σ output⊙U + Σ h_n⊙U_h (+ Σ c_n⊙U_c), for
 * each cell and each way of stacking it. Relative error per tensor ≤ 1e-7.
 */
import { expect } from 'chai';
import { Recurrent } from '../../lib/layers/recurrent.js';
import type { Tensor } from '../../lib/tensor.js';
import { finiteDifferenceCheck, formatResults, gradcheckRecurrent, worstResult } from '../helpers/gradcheck.js';
import { rng, uniformTensor } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const TOL = 1e-7;

interface Variant {
  label: string;
  T: number;
  B: number;
  L: number;
  bidirectional: boolean;
  bias: boolean;
  batchFirst: boolean;
  /** Per-row valid lengths (variable-length batch), if any. */
  lengths?: number[];
}

const base: Variant = { label: 'single layer', T: 5, B: 2, L: 1, bidirectional: false, bias: true, batchFirst: false };
const variants: Variant[] = [
  base,
  { ...base, label: '2 layers', L: 2 },
  { ...base, label: 'bidirectional', bidirectional: true },
  { ...base, label: '2 layers bidirectional', L: 2, bidirectional: true },
  { ...base, label: 'bias false', bias: false },
  { ...base, label: 'batchFirst', batchFirst: true },
  { ...base, label: 'T = 1', T: 1 },
  { ...base, label: 'B = 1', B: 1 },
  { ...base, label: '3 layers', L: 3 },
  { ...base, label: 'variable lengths [5, 2, 4]', B: 3, L: 2, bidirectional: true, lengths: [5, 2, 4] },
];

const I = 3, H = 4;

/**
 * ReLU has a kink at 0, where finite differences are meaningless. Make every pre-activation
 * stay at least ~0.4 away from it: small weights (|w| ≤ 0.03) and a per-unit offset of +1
 * (even units: always active) or −1 (odd units: always dead), from the biases or, without
 * bias, from a constant input feature x[…, 0] = 1. Both ReLU branches are exercised.
 */
function keepReluAwayFromKink(net: Recurrent, x: Tensor): void {
  const k = 0.03 * Math.sqrt(H); // init is U(−1/√H, 1/√H): this maps it to U(−0.03, 0.03)
  for (const p of net.params) {
    if (p.name.startsWith('weight')) for (let i = 0; i < p.value.length; i++) p.value[i] *= k;
    else for (let j = 0; j < p.value.length; j++) p.value[j] = j % 2 === 0 ? 0.5 : -0.5;
  }
  if (!net.bias) {
    if (net.numLayers > 1) throw new Error('keepReluAwayFromKink: no bias needs a single layer');
    for (let r = 0; r < x.data.length; r += I) x.data[r] = 1;
    for (const p of net.params) {
      if (!p.name.startsWith('weight_ih_l0')) continue;
      for (let j = 0; j < H; j++) p.value[j * I] = j % 2 === 0 ? 1 : -1;
    }
  }
}

function run(mode: string, v: Variant, seed: number): void {
  const net = new Recurrent({
    mode, inputSize: I, hiddenSize: H, numLayers: v.L, bidirectional: v.bidirectional,
    bias: v.bias, batchFirst: v.batchFirst, dtype: 'float64', seed,
  });
  const r = rng(1000 + seed);
  const D = v.bidirectional ? 2 : 1;
  const x = uniformTensor(r, v.batchFirst ? [v.B, v.T, I] : [v.T, v.B, I]);
  const relu = mode === 'rnn_relu';
  const h0 = uniformTensor(r, [v.L * D, v.B, H], relu ? 0 : -0.5, 0.5);
  const c0 = mode === 'lstm' ? uniformTensor(r, [v.L * D, v.B, H], -0.5, 0.5) : null;
  if (relu) {
    keepReluAwayFromKink(net, x);
    // the visible states must be either exactly 0 (dead) or well above it (active)
    const { output, hN } = net.forward(x, h0, null, v.lengths);
    for (const a of [...output.data, ...hN.data]) expect(a === 0 || a > 0.3, `ReLU state ${a} too near the kink`).to.equal(true);
  }
  // Away from its kink the ReLU net is piecewise linear, so central differences have no
  // truncation error and a larger ε (well inside the ≥ 0.4 margin) just cuts rounding noise:
  // its gradients are small (|w| ≤ 0.03), which makes that noise count against the 1e-3 floor.
  const eps = relu ? 1e-5 : 1e-6;
  const results = gradcheckRecurrent(net, x, h0, c0, { upstreamSeed: 7 + seed, eps, lengths: v.lengths });
  const expectedNames = 1 + 1 + (c0 ? 1 : 0) + net.params.length;
  expect(results.length).to.equal(expectedNames);
  const worst = worstResult(results);
  expect(worst.error, `${mode} ${v.label}: worst ${worst.name}\n${formatResults(results)}`).to.be.at.most(TOL);
  // a check that compares zeros with zeros proves nothing: every gradient must be alive
  // (dead ReLU units give zero rows, never whole zero tensors)
  for (const res of results) {
    expect(res.scale, `${mode} ${v.label}: ${res.name} has an all-zero gradient`).to.be.greaterThan(1e-6);
  }
  if (process.env.RNNKIT_GRADCHECK_VERBOSE) console.log(mode, v.label, worst.name, worst.error.toExponential(2), worst.scale.toExponential(2));
}

// float64 always runs on the TypeScript kernels: under the wasm backend too, nothing changes
forEachBackend('gradcheck', () => {
for (const mode of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm']) {
  describe(`gradcheck ${mode} (float64 central differences, rel. error ≤ ${TOL})`, () => {
    variants.forEach((v, i) => {
      it(`${v.label} (T=${v.T}, B=${v.B}, L=${v.L}, D=${v.bidirectional ? 2 : 1}${v.bias ? '' : ', no bias'}${v.batchFirst ? ', batch-first' : ''}${v.lengths ? `, lengths [${v.lengths}]` : ''})`, () => {
        run(mode, v, 11 + i);
      });
    });
  });
}
});

describe('finiteDifferenceCheck (the checker itself)', () => {
  it('passes a correct gradient and catches one wrong entry', () => {
    const theta = Float64Array.from([0.3, -1.2, 2.5, 0.01]);
    const loss = () => theta.reduce((s, v, i) => s + Math.sin(v) * (i + 1), 0);
    const good = Array.from(theta, (v, i) => Math.cos(v) * (i + 1));
    const before = Float64Array.from(theta);
    const [ok] = finiteDifferenceCheck(loss, [{ name: 'theta', data: theta, grad: good }]);
    expect(ok.error).to.be.at.most(1e-8);
    expect(Array.from(theta), 'values restored exactly').to.deep.equal(Array.from(before));
    const bad = good.slice();
    bad[2] += 1e-4;
    const [ko] = finiteDifferenceCheck(loss, [{ name: 'theta', data: theta, grad: bad }]);
    expect(ko.worstIndex).to.equal(2);
    expect(ko.error).to.be.greaterThan(1e-5);
  });
});
