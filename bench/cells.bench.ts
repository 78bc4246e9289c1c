/**
 * Cell suite: one time step's element-wise work of each cell (gates, state update, and the
 * backward step), B = 32, H = 256, apart from the GEMMs the layer runs around it.
 */
import type { Cell, CellBuffers } from '../lib/cells/cell.js';
import { GRUCell } from '../lib/cells/gru.js';
import { LSTMCell } from '../lib/cells/lstm.js';
import { RNNCell } from '../lib/cells/rnn.js';
import { getActivation } from '../lib/activations/registry.js';
import { Random } from '../lib/random.js';
import { type Row, runCases } from './suite.js';

function buffers(cell: Cell, B: number, H: number, rng: Random): CellBuffers {
  const GH = cell.gateCount * H;
  const f = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const dGates = f(B * GH);
  return {
    gates: f(B * GH), hh: f(B * GH), a: f(2 * B * H), c: f(2 * B * H), extra: f(B * H),
    dGates, dGatesHh: cell.separateRecurrentGradient ? f(B * GH) : dGates,
    da: f(B * H), daPrev: f(B * H), dc: f(B * H), dcPrev: f(B * H),
  };
}

export function runCellSuite(maxTime = 1): Row[] {
  const B = 32, H = 256, rng = new Random(5);
  const cells: Cell[] = [new LSTMCell(), new GRUCell(), new RNNCell(getActivation('tanh'))];
  const cases = cells.flatMap((cell) => {
    const w = buffers(cell, B, H, rng);
    const saved = w.gates.slice();
    // forward overwrites the gate block with its cache, so each call starts from the same values
    const forward = () => { w.gates.set(saved); cell.stepForward(w, B, H, 0, 0, B * H); };
    forward();
    return [
      { name: `${cell.mode} step forward, B=${B} H=${H}`, fn: forward, flops: null, elements: B * H * cell.gateCount },
      { name: `${cell.mode} step backward, B=${B} H=${H}`, fn: () => cell.stepBackward(w, B, H, 0, 0, B * H), flops: null, elements: B * H * cell.gateCount },
    ];
  });
  return runCases('Cell steps (element-wise part of one time step, float32)', cases, maxTime);
}
