/**
 * The two kernel backends agree on whole layers: forward outputs, final states and every
 * gradient of a float32 Recurrent, for shapes that take the fused wasm time loop (LSTM with
 * H % 4 = 0, GRU with H % 8 = 0) and shapes that do not, with batches that leave edge tiles.
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

describe('js and wasm backends agree on whole layers (float32)', () => {
  let previous: 'js' | 'wasm', gain: number;
  before(() => { previous = getBackend(); gain = setWasmCrossover(Infinity); });
  after(() => { setBackend(previous); setWasmCrossover(gain); });

  for (const mode of ['lstm', 'gru', 'rnn_tanh']) {
    for (const H of [8, 12]) {
      it(`${mode} H=${H}: outputs and gradients within ${TOL}, B = 1, 7, 32, bidirectional, 2 layers`, () => {
        for (const [B, bidirectional, numLayers] of [[1, false, 1], [7, true, 2], [32, false, 1]] as const) {
          setBackend('js');
          const js = run(mode, H, B, bidirectional, numLayers);
          setBackend('wasm');
          const wasm = run(mode, H, B, bidirectional, numLayers);
          js.forEach((want, i) => {
            expect(relError(wasm[i], want), `${mode} H=${H} B=${B} bidirectional=${bidirectional} L=${numLayers}: array ${i}`).to.be.at.most(TOL);
          });
        }
      });
    }
  }
});
