/**
 * fusedStep (kernels/recurrence.ts): one cell step of a direction's own time loop on the wasm
 * fused cell, biases included, writes what the TypeScript cell's stepForward writes once the
 * biases are added (activated gates, states, the extra cache), rows and slots at offsets; the
 * TypeScript backend and float64 decline and change nothing.
 */
import { expect } from 'chai';
import { getBackend, setBackend } from '../../lib/index.js';
import { fusedStep, type StepBuffers } from '../../lib/kernels/recurrence.js';
import type { CellBuffers } from '../../lib/cells/cell.js';
import { LSTMCell } from '../../lib/cells/lstm.js';
import { GRUCell } from '../../lib/cells/gru.js';
import { loadGemmKernel } from '../../lib/kernels/wasm/gemm-wasm.js';
import { GRU } from '../../lib/index.js';
import { relError, rng, uniformTensor } from '../helpers/tensors.js';

function buffers(B: number, H: number, G: number, make: (n: number, seed: number) => Float32Array | Float64Array): StepBuffers {
  // gates of 3 steps (step 1 runs), hh of one, 3 state slots (slot 1 → slot 2), extra of 3 steps
  return { gates: make(3 * B * G, 1), hh: make(B * G, 2), a: make(3 * B * H, 3), c: make(3 * B * H, 4), extra: make(3 * B * H, 5) };
}
const f32 = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => 2 * Math.sin(i * 1.7 + seed));
const f64 = (n: number, seed: number) => Float64Array.from(f32(n, seed));
const copy = (w: StepBuffers): StepBuffers => ({ gates: w.gates.slice(), hh: w.hh.slice(), a: w.a.slice(), c: w.c.slice(), extra: w.extra.slice() });

describe('fusedStep: the wasm cell step of a direction\'s own loop', () => {
  let previous: 'js' | 'wasm';
  before(() => { previous = getBackend(); });
  after(() => setBackend(previous));

  for (const [mode, cell, gateCount] of [['lstm', new LSTMCell(), 4], ['gru', new GRUCell(), 3]] as const) {
    for (const [B, H, biases] of [[1, 8, 'both'], [7, 12, 'both'], [32, 8, 'both'], [7, 12, 'none'], [7, 12, 'b_ih'], [7, 12, 'b_hh']] as const) {
      it(`${mode} B=${B} H=${H}, biases: ${biases}: writes what the TypeScript cell writes after adding the biases, within 1e-6`, () => {
        setBackend('wasm');
        const G = gateCount * H, w = buffers(B, H, G, f32), want = copy(w);
        const bIh = biases === 'both' || biases === 'b_ih' ? f32(G, 6) : null;
        const bHh = biases === 'both' || biases === 'b_hh' ? f32(G, 7) : null;
        expect(fusedStep(mode, w, bIh, bHh, B, H, B, B * H, 2 * B * H)).to.equal(true);
        // the TypeScript step: step 1's gate rows += b_ih, hh += b_hh, then the cell
        for (let r = 0; r < B; r++) for (let j = 0; j < G; j++) {
          if (bIh) want.gates[(B + r) * G + j] += bIh[j];
          if (bHh) want.hh[r * G + j] += bHh[j];
        }
        cell.stepForward(want as CellBuffers, B, H, B, B * H, 2 * B * H);
        for (const k of ['gates', 'a', 'c', 'extra'] as const) expect(relError(w[k], want[k]), k).to.be.at.most(1e-6);
        // gate rows of the other steps are untouched
        for (const r of [0, 2]) expect(Array.from(w.gates.subarray(r * B * G, (r + 1) * B * G))).to.deep.equal(Array.from(f32(3 * B * G, 1).subarray(r * B * G, (r + 1) * B * G)));
      });
    }
  }

  it('declines (changing nothing) on the TypeScript backend, for float64, other cells and H not a multiple of 4', () => {
    const cases: [string, 'js' | 'wasm', number, typeof f32 | typeof f64][] = [
      ['lstm', 'js', 8, f32], ['lstm', 'wasm', 8, f64], ['rnn_tanh', 'wasm', 8, f32], ['lstm', 'wasm', 6, f32],
    ];
    for (const [mode, backend, H, make] of cases) {
      setBackend(backend);
      const w = buffers(3, H, 4 * H, make), before = copy(w);
      expect(fusedStep(mode, w, make(4 * H, 6), make(4 * H, 7), 3, H, 3, 3 * H, 6 * H), `${mode} ${backend} H=${H}`).to.equal(false);
      for (const k of ['gates', 'a', 'c', 'extra', 'hh'] as const) expect(Array.from(w[k])).to.deep.equal(Array.from(before[k]));
    }
  });
});

describe('cell steps in the kernel module, added by the cells (addKernel)', () => {
  let previous: 'js' | 'wasm';
  before(function () {
    if (!loadGemmKernel()) this.skip();
    previous = getBackend();
  });
  after(() => setBackend(previous));

  it('the module holds the LSTM and GRU steps that lib/cells/lstm.ts and gru.ts add, beside the GEMM', () => {
    const exports = loadGemmKernel()!.exports;
    for (const name of ['gemm', 'packRows', 'lstmStep', 'gruStep']) expect(typeof exports[name], name).to.equal('function');
  });

  it("a module compiled without a cell's step (its module evaluated after the first compile) runs the TypeScript steps, biases included", () => {
    const k = loadGemmKernel()!, exports = k.exports;
    const I = 3, T = 5, B = 2;
    const x = uniformTensor(rng(4), [T, B, I], -1, 1, 'float32');
    // H = 8: the fused whole-sequence forward; H = 5 with lengths: the layer's own loop and fusedStep
    for (const [H, lengths] of [[8, null], [5, [T, 3]]] as const) {
      const net = new GRU({ inputSize: I, hiddenSize: H, seed: 2 });
      setBackend('js');
      const want = Float32Array.from(net.forward(x, null, null, lengths).output.data);
      setBackend('wasm');
      const fused = Float32Array.from(net.forward(x, null, null, lengths).output.data);
      const { gruStep: _, ...withoutGru } = exports; // (the instance's exports object is frozen)
      k.exports = withoutGru;
      try {
        expect(fusedStep('gru', buffers(B, H, 3 * H, f32), null, null, B, H, 0, 0, B * H), 'fusedStep declines').to.equal(false);
        const without = net.forward(x, null, null, lengths).output.data;
        expect(relError(without, want), `H=${H}: the TypeScript steps`).to.be.at.most(1e-6);
        expect(relError(fused, want), `H=${H}: the fused steps`).to.be.at.most(1e-5);
      } finally {
        k.exports = exports;
      }
    }
  });
});
