/**
 * The LSTM cell, gate rows in PyTorch's order i, f, g, o (input gate Γi = i, called Γu in
 * some courses; forget gate Γf = f; candidate c̃ = g; output gate Γo = o):
 *
 *   Γi = σ(W_ii x + b_ii + W_hi a + b_hi)    Γf = σ(…)    c̃ = tanh(…)    Γo = σ(…)
 *   c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γi ⊙ c̃
 *   a⟨t⟩ = Γo ⊙ tanh(c⟨t⟩)
 *
 * The gate cache holds the activated gates; `extra` holds tanh(c⟨t⟩).
 */
import { sigmoid, tanh } from '../activations/builtins.js';
import { lstmStep } from '../kernels/wasm/cell-kernels.js';
import { addKernel } from '../kernels/wasm/gemm-wasm.js';
import type { Cell, CellBuffers, ForwardCell } from './cell.js';

// the wasm backend's fused LSTM step is part of the kernel module where this cell is
addKernel(lstmStep);

/** The forward step alone (rnnkit/inference); `LSTMCell` adds the backward step. */
export class ForwardLSTMCell implements ForwardCell {
  readonly mode = 'lstm';
  readonly gateCount = 4;
  readonly hasCellState = true;
  readonly usesExtra = true;

  stepForward(w: CellBuffers, B: number, H: number, g: number, prev: number, out: number): void {
    const { gates, hh, a, c, extra: tanhC } = w;
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const row = (g + b) * G, hrow = b * G, s = b * H, e = (g + b) * H;
      for (let j = 0; j < H; j++) {
        const gammaI = sigmoid(gates[row + j] + hh[hrow + j]);
        const gammaF = sigmoid(gates[row + H + j] + hh[hrow + H + j]);
        const cTilde = tanh(gates[row + 2 * H + j] + hh[hrow + 2 * H + j]);
        const gammaO = sigmoid(gates[row + 3 * H + j] + hh[hrow + 3 * H + j]);
        gates[row + j] = gammaI;
        gates[row + H + j] = gammaF;
        gates[row + 2 * H + j] = cTilde;
        gates[row + 3 * H + j] = gammaO;
        const ct = gammaF * c[prev + s + j] + gammaI * cTilde;
        c[out + s + j] = ct;
        const tc = tanh(ct);
        tanhC[e + j] = tc;
        a[out + s + j] = gammaO * tc;
      }
    }
  }
}

export class LSTMCell extends ForwardLSTMCell implements Cell {
  readonly separateRecurrentGradient = false;

  stepBackward(w: CellBuffers, B: number, H: number, g: number, prev: number, _out: number): void {
    const { gates, c, extra: tanhC, dGates, da, dc, dcPrev, daPrev } = w;
    const G = 4 * H;
    for (let b = 0; b < B; b++) {
      const row = (g + b) * G, s = b * H, e = (g + b) * H;
      for (let j = 0; j < H; j++) {
        const gammaI = gates[row + j], gammaF = gates[row + H + j];
        const cTilde = gates[row + 2 * H + j], gammaO = gates[row + 3 * H + j];
        const tc = tanhC[e + j], dat = da[s + j];
        // dL/dc⟨t⟩ = dcNext + da⟨t⟩ ⊙ Γo ⊙ (1 − tanh²c⟨t⟩)
        const dct = dc[s + j] + dat * gammaO * (1 - tc * tc);
        dGates[row + j] = dct * cTilde * gammaI * (1 - gammaI);
        dGates[row + H + j] = dct * c[prev + s + j] * gammaF * (1 - gammaF);
        dGates[row + 2 * H + j] = dct * gammaI * (1 - cTilde * cTilde);
        dGates[row + 3 * H + j] = dat * tc * gammaO * (1 - gammaO);
        dcPrev[s + j] = dct * gammaF;
        daPrev[s + j] = 0;
      }
    }
  }
}
