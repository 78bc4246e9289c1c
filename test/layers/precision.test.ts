/**
 * float32 against float64 on configurations no public fixture covers: long sequences,
 * deep bidirectional stacks, saturated gates, a single batch row. Both nets hold the same
 * float64 parameters (the float32 net gets them rounded, as runReference does with fixtures),
 * see the same inputs and upstream gradients, and every output, state and gradient must meet
 * the reference tolerance:  max|f32 − f64| / max(max|f64|, 1e-3) ≤ 1e-5.
 *
 * No float32 engine can do better than the problem's conditioning allows, so each case also
 * measures it: a float64 net given the float32-rounded parameters and inputs. If that alone
 * moves a result by more than TOL / 2, the configuration (not the engine) is at fault, and
 * the test says so instead of blaming the arithmetic.
 */
import { expect } from 'chai';
import { Recurrent } from '../../lib/layers/recurrent.js';
import type { Tensor } from '../../lib/tensor.js';
import { copyTensor, normalTensor, relError, rng, uniformTensor } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const TOL = 1e-5;

interface Config {
  mode: string;
  T: number;
  B: number;
  I?: number;
  H?: number;
  L?: number;
  bidirectional?: boolean;
  /** Multiplies every parameter of the default initialisation. */
  scale?: number;
  seed: number;
}

type Results = Record<string, Float64Array>;

interface Agreement {
  /** f32 vs f64, per result. */
  errors: { name: string; error: number }[];
  /** The worst f64-with-rounded-inputs vs f64 error over all results. */
  conditioning: number;
  /** The float64 net and its inputs, for further checks. */
  net64: Recurrent;
  x: Tensor;
  h0: Tensor;
  output: Float64Array;
}

/** Forward and backward in float32, in float64, and in float64 from rounded values. */
function compareWidths(c: Config): Agreement {
  const I = c.I ?? 3, H = c.H ?? 4, L = c.L ?? 1, D = c.bidirectional ? 2 : 1;
  const opts = { mode: c.mode, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: c.bidirectional ?? false, seed: c.seed };
  const net64 = new Recurrent({ ...opts, dtype: 'float64' });
  const net32 = new Recurrent({ ...opts, dtype: 'float32' });
  const netRounded = new Recurrent({ ...opts, dtype: 'float64' });
  const scale = c.scale ?? 1;
  for (let i = 0; i < net64.params.length; i++) {
    const v64 = net64.params[i].value;
    for (let j = 0; j < v64.length; j++) v64[j] *= scale;
    net32.params[i].value.set(v64);
    netRounded.params[i].value.set(net32.params[i].value);
  }
  const r = rng(500 + c.seed);
  const stateShape = [L * D, c.B, H];
  const x = uniformTensor(r, [c.T, c.B, I]);
  const h0 = uniformTensor(r, stateShape, -0.5, 0.5);
  const c0 = c.mode === 'lstm' ? uniformTensor(r, stateShape, -0.5, 0.5) : null;
  const U = normalTensor(r, [c.T, c.B, D * H]);
  const Uh = normalTensor(r, stateShape);
  const Uc = c0 ? normalTensor(r, stateShape) : null;

  const run = (net: Recurrent, cast: (t: Tensor) => Tensor): Results => {
    const opt = (t: Tensor | null) => (t ? cast(t) : null);
    const out = net.forward(cast(x), opt(h0), opt(c0));
    const res: Results = { output: Float64Array.from(out.output.data), h_n: Float64Array.from(out.hN.data) };
    if (out.cN) res.c_n = Float64Array.from(out.cN.data);
    net.zeroGrad();
    const g = net.backward(cast(U), opt(Uh), opt(Uc));
    res.dx = Float64Array.from(g.dx.data);
    res.dh0 = Float64Array.from(g.dh0.data);
    if (g.dc0) res.dc0 = Float64Array.from(g.dc0.data);
    for (const p of net.params) res[`grad.${p.name}`] = Float64Array.from(p.grad);
    return res;
  };
  const want = run(net64, (t) => t);
  const got = run(net32, (t) => copyTensor(t, 'float32'));
  const rounded = run(netRounded, (t) => copyTensor(copyTensor(t, 'float32'), 'float64'));
  const names = Object.keys(want);
  expect(Object.keys(got)).to.deep.equal(names);
  return {
    errors: names.map((name) => ({ name, error: relError(got[name], want[name]) })),
    conditioning: Math.max(...names.map((name) => relError(rounded[name], want[name]))),
    net64, x, h0, output: want.output,
  };
}

function expectAgreement(c: Config): Agreement {
  const a = compareWidths(c);
  let worst = a.errors[0];
  for (const e of a.errors) if (!(e.error <= worst.error)) worst = e;
  const detail = a.errors.map((e) => `${e.name} ${e.error.toExponential(2)}`).join(', ');
  if (process.env.RNNKIT_PRECISION_VERBOSE) {
    console.log(JSON.stringify(c), worst.name, worst.error.toExponential(2), 'conditioning', a.conditioning.toExponential(2));
  }
  expect(a.conditioning, `ill-conditioned test configuration ${JSON.stringify(c)}: rounding the inputs to float32 alone ` +
    `moves the float64 results by ${a.conditioning.toExponential(2)}; pick another seed or a shorter sequence`).to.be.at.most(TOL / 2);
  expect(worst.error, `worst: ${worst.name} (${detail})`).to.be.at.most(TOL);
  return a;
}

/**
 * For a one-layer, one-direction float64 net: the fraction of sigmoid-gate pre-activations
 * beyond ±3 (σ outside (0.047, 0.953), σ' < 0.05: a fifth of its peak slope), or for an RNN
 * of tanh pre-activations beyond ±2.65 (|tanh| > 0.99). Recomputed from the params, x, h0
 * and the output sequence (GRU: gates r and z; LSTM: gates i, f and o).
 */
function saturatedFraction(net: Recurrent, x: Tensor, h0: Tensor, output: Float64Array): number {
  const [T, B, I] = x.shape, H = net.hiddenSize;
  const p = Object.fromEntries(net.params.map((q) => [q.name, q.value]));
  const rows: number[] = net.mode === 'lstm' ? [0, 1, 3] : net.mode === 'gru' ? [0, 1] : [0];
  const limit = net.mode.startsWith('rnn_') ? 2.65 : 3;
  const G = net.mode === 'lstm' ? 4 : net.mode === 'gru' ? 3 : 1;
  let saturated = 0, total = 0;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const prev = (j: number) => (t === 0 ? h0.data[b * H + j] : output[((t - 1) * B + b) * H + j]);
      for (const g of rows) {
        for (let u = 0; u < H; u++) {
          const row = g * H + u;
          let z = (p.bias_ih_l0?.[row] ?? 0) + (p.bias_hh_l0?.[row] ?? 0);
          for (let i = 0; i < I; i++) z += p.weight_ih_l0[row * I + i] * x.data[(t * B + b) * I + i];
          for (let j = 0; j < H; j++) z += p.weight_hh_l0[row * H + j] * prev(j);
          if (Math.abs(z) > limit) saturated++;
          total++;
        }
      }
    }
  }
  expect(G * H * I).to.equal(p.weight_ih_l0.length);
  return saturated / total;
}

const CELLS = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];

forEachBackend(`float32 agrees with float64 within ${TOL} (reference tolerance)`, () => {
  describe('long sequences, T = 300', () => {
    CELLS.forEach((mode, i) => {
      it(mode, () => { expectAgreement({ mode, T: 300, B: 2, H: 8, seed: 31 + i }); });
    });
  });

  it('3-layer bidirectional LSTM (T = 40)', () => {
    expectAgreement({ mode: 'lstm', T: 40, B: 3, I: 5, H: 6, L: 3, bidirectional: true, seed: 41 });
  });

  describe('large weights (every parameter ×8): saturated gates', () => {
    ['rnn_tanh', 'gru', 'lstm'].forEach((mode, i) => {
      it(`${mode}: ≥ 40% of gates saturated, results still within tolerance`, () => {
        const a = expectAgreement({ mode, T: 12, B: 3, H: 4, scale: 8, seed: 51 + i });
        const sat = saturatedFraction(a.net64, a.x, a.h0, a.output);
        if (process.env.RNNKIT_PRECISION_VERBOSE) console.log(mode, 'saturated', sat);
        expect(sat, 'the ×8 weights should saturate a large share of the gates').to.be.at.least(0.4);
      });
    });
    it('rnn_relu (large, growing activations)', () => {
      expectAgreement({ mode: 'rnn_relu', T: 12, B: 3, H: 4, scale: 8, seed: 54 });
    });
  });

  describe('B = 1 (2-layer bidirectional, T = 50)', () => {
    CELLS.forEach((mode, i) => {
      it(mode, () => { expectAgreement({ mode, T: 50, B: 1, H: 5, L: 2, bidirectional: true, seed: 61 + i }); });
    });
  });
});
