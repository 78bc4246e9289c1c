/**
 * The GRU cell, gate rows in PyTorch's order r, z, n (Γr = r, Γu = z):
 *
 *   Γr = σ(W_ir x + b_ir + W_hr a + b_hr)
 *   Γu = σ(W_iz x + b_iz + W_hz a + b_hz)
 *   n  = tanh(W_in x + b_in + Γr ⊙ (W_hn a + b_hn))      (b_hn sits inside the product)
 *   a⟨t⟩ = (1 − Γu) ⊙ n + Γu ⊙ a⟨t−1⟩
 *
 * The gate cache holds Γr, Γu, n; `extra` holds W_hn a⟨t−1⟩ + b_hn. Because of Γr ⊙ (…),
 * the n-rows of the gradient seen by W_hh differ from those seen by W_ih.
 */
import { sigmoid, tanh } from '../activations/builtins.js';
import { gruStep } from '../kernels/wasm/cell-kernels.js';
import { addKernel } from '../kernels/wasm/gemm-wasm.js';
import type { Cell, CellBuffers, ForwardCell } from './cell.js';

// the wasm backend's fused GRU step is part of the kernel module where this cell is
addKernel(gruStep);

/** The forward step alone (rnnkit/inference); `GRUCell` adds the backward step. */
export class ForwardGRUCell implements ForwardCell {
  readonly mode = 'gru';
  readonly gateCount = 3;
  readonly hasCellState = false;
  readonly usesExtra = true;

  stepForward(w: CellBuffers, B: number, H: number, g: number, prev: number, out: number): void {
    const { gates, hh, a, extra: hn } = w;
    const G = 3 * H;
    for (let b = 0; b < B; b++) {
      const row = (g + b) * G, hrow = b * G, s = b * H, e = (g + b) * H;
      for (let j = 0; j < H; j++) {
        const gammaR = sigmoid(gates[row + j] + hh[hrow + j]);
        const gammaU = sigmoid(gates[row + H + j] + hh[hrow + H + j]);
        const hnj = hh[hrow + 2 * H + j];
        const n = tanh(gates[row + 2 * H + j] + gammaR * hnj);
        gates[row + j] = gammaR;
        gates[row + H + j] = gammaU;
        gates[row + 2 * H + j] = n;
        hn[e + j] = hnj;
        a[out + s + j] = (1 - gammaU) * n + gammaU * a[prev + s + j];
      }
    }
  }
}

export class GRUCell extends ForwardGRUCell implements Cell {
  readonly separateRecurrentGradient = true;

  stepBackward(w: CellBuffers, B: number, H: number, g: number, prev: number, _out: number): void {
    const { gates, a, extra: hn, dGates, dGatesHh, da, daPrev } = w;
    const G = 3 * H;
    for (let b = 0; b < B; b++) {
      const row = (g + b) * G, s = b * H, e = (g + b) * H;
      for (let j = 0; j < H; j++) {
        const gammaR = gates[row + j], gammaU = gates[row + H + j], n = gates[row + 2 * H + j];
        const dat = da[s + j];
        // through n: dL/d(pre-n) = da ⊙ (1 − Γu) ⊙ (1 − n²)
        const dn = dat * (1 - gammaU) * (1 - n * n);
        // through Γu: da ⊙ (a⟨t−1⟩ − n) ⊙ Γu(1 − Γu)
        const du = dat * (a[prev + s + j] - n) * gammaU * (1 - gammaU);
        // through Γr: dn ⊙ (W_hn a + b_hn) ⊙ Γr(1 − Γr)
        const dr = dn * hn[e + j] * gammaR * (1 - gammaR);
        dGates[row + j] = dr;
        dGates[row + H + j] = du;
        dGates[row + 2 * H + j] = dn;
        dGatesHh[row + j] = dr;
        dGatesHh[row + H + j] = du;
        dGatesHh[row + 2 * H + j] = dn * gammaR;
        // the direct path a⟨t⟩ = … + Γu ⊙ a⟨t−1⟩
        daPrev[s + j] = dat * gammaU;
      }
    }
  }
}
