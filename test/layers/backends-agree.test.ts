/**
 * The two kernel backends agree on whole layers: forward outputs, final states and every
 * gradient of a float32 Recurrent, for shapes that take the fused wasm time loop (LSTM with
 * H % 4 = 0, GRU with H % 8 = 0) and shapes that do not, with batches that leave edge tiles;
 * and runs that take the layer's own time loop (fused wasm cell steps, packed W_ih): step by
 * step as a decoder runs, and with lengths.
 */
import { expect } from 'chai';
import { getBackend, Recurrent, setBackend } from '../../lib/index.js';
import { setWasmCrossover } from '../../lib/kernels/gemm.js';
import { relError, rng, uniformTensor } from '../helpers/tensors.js';

const TOL = 1e-5;

function run(mode: string, H: number, B: number, bidirectional: boolean, numLayers: number): Float64Array[] {
  const T = 6, I = 5;
  const net = new Recurrent({ mode, inputSize: I, hiddenSize: H, bidirectional, numLayers, seed: 4, dtype: 'float32' });
  const r = rng(8);
  const x = uniformTensor(r, [T, B, I], -1, 1, 'float32');
  const { output } = net.forward(x);
  const dOut = uniformTensor(r, output.shape, -1, 1, 'float32');
  net.zeroGrad();
  net.backward(dOut);
  return [Float64Array.from(output.data), ...net.params.map((p) => Float64Array.from(p.grad))];
}

/** A decoder-style run: beginSteps, forwardStep per step, then step-by-step BPTT; outputs, dX and grads. */
function runSteps(mode: string, H: number, B: number, numLayers: number): Float64Array[] {
  const T = 5, I = 6;
  const net = new Recurrent({ mode, inputSize: I, hiddenSize: H, numLayers, seed: 3, dtype: 'float32' });
  const r = rng(9);
  const x = uniformTensor(r, [T, B, I], -1, 1, 'float32').data;
  const h0 = uniformTensor(r, [numLayers, B, H], -1, 1, 'float32').data;
  const c0 = net.hasCellState ? uniformTensor(r, [numLayers, B, H], -1, 1, 'float32').data : null;
  const dTop = uniformTensor(r, [T, B, H], -1, 1, 'float32').data;
  const X = net.beginSteps(T, B, h0, c0);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < B * I; i++) X[t * B * I + i] = x[t * B * I + i];
    net.forwardStep(t);
  }
  const output = Float64Array.from(net.forwardOutput().subarray(0, T * B * H));
  net.zeroGrad();
  net.beginStepBackward(null, null);
  const dX = new Float64Array(T * B * I);
  for (let t = T - 1; t >= 0; t--) {
    const d = net.backwardStep(t, dTop);
    for (let i = 0; i < B * I; i++) dX[t * B * I + i] = d[t * B * I + i];
  }
  const g = net.endStepBackward();
  return [output, dX, Float64Array.from(g.dh0.data), ...net.params.map((p) => Float64Array.from(p.grad))];
}

/** A bidirectional run with lengths (packed-sequence semantics; `full`: every row T long): outputs, dX and gradients. */
function runLengths(mode: string, H: number, B: number, full = false): Float64Array[] {
  const T = 6, I = 5;
  const net = new Recurrent({ mode, inputSize: I, hiddenSize: H, bidirectional: true, seed: 5, dtype: 'float32' });
  const r = rng(10);
  const x = uniformTensor(r, [T, B, I], -1, 1, 'float32');
  const lengths = Int32Array.from({ length: B }, (_, b) => (full ? T : 1 + (b * 5) % T));
  const { output } = net.forward(x, null, null, lengths);
  const dOut = uniformTensor(r, output.shape, -1, 1, 'float32');
  net.zeroGrad();
  const { dx } = net.backward(dOut);
  return [Float64Array.from(output.data), Float64Array.from(dx.data), ...net.params.map((p) => Float64Array.from(p.grad))];
}

/** Runs `run` under js, then under wasm, and expects every array it returns to agree within TOL. */
function expectAgree(label: string, run: () => Float64Array[]): void {
  setBackend('js');
  const js = run();
  setBackend('wasm');
  const wasm = run();
  js.forEach((want, i) => expect(relError(wasm[i], want), `${label}: array ${i}`).to.be.at.most(TOL));
}

describe('js and wasm backends agree on whole layers (float32)', () => {
  let previous: 'js' | 'wasm', gain: number;
  before(() => { previous = getBackend(); gain = setWasmCrossover(Infinity); });
  after(() => { setBackend(previous); setWasmCrossover(gain); });

  for (const mode of ['lstm', 'gru', 'rnn_tanh']) {
    for (const H of [8, 12]) {
      it(`${mode} H=${H}: outputs and gradients within ${TOL}, B = 1, 7, 32, bidirectional, 2 layers`, () => {
        for (const [B, bidirectional, numLayers] of [[1, false, 1], [7, true, 2], [32, false, 1]] as const) {
          expectAgree(`${mode} H=${H} B=${B} bidirectional=${bidirectional} L=${numLayers}`, () => run(mode, H, B, bidirectional, numLayers));
        }
      });
    }
  }
});

describe('js and wasm backends agree on the layer\'s own time loop (float32)', () => {
  let previous: 'js' | 'wasm', gain: number;
  before(() => { previous = getBackend(); gain = setWasmCrossover(Infinity); });
  after(() => { setBackend(previous); setWasmCrossover(gain); });

  for (const mode of ['lstm', 'gru', 'rnn_tanh']) {
    for (const H of [8, 12]) {
      it(`${mode} H=${H}: step by step (decoder), with lengths and with lengths that pad nothing, within ${TOL}, B = 1, 7, 32`, () => {
        for (const B of [1, 7, 32]) {
          const runs = [['steps L=2', () => runSteps(mode, H, B, 2)], ['lengths', () => runLengths(mode, H, B)], ['full lengths', () => runLengths(mode, H, B, true)]] as const;
          for (const [name, run] of runs) expectAgree(`${mode} H=${H} B=${B} ${name}`, run);
        }
      });
    }
  }
});
