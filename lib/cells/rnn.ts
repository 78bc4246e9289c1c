/**
 * The vanilla RNN cell:  a⟨t⟩ = g1(Wax·x⟨t⟩ + ba_x + Waa·a⟨t−1⟩ + ba_a)
 * In PyTorch's names Wax = weight_ih, Waa = weight_hh, the two biases bias_ih, bias_hh.
 * g1 is tanh, ReLU, or any registered activation.
 */
import type { Activation } from '../activations/activation.js';
import type { Cell, CellBuffers, ForwardCell } from './cell.js';

/** The forward step alone (rnnkit/inference); `RNNCell` adds the backward step. */
export class ForwardRNNCell implements ForwardCell {
  readonly gateCount = 1;
  readonly hasCellState = false;
  readonly usesExtra = false;
  readonly mode: string;

  constructor(readonly g1: Activation) {
    this.mode = `rnn_${g1.name}`;
  }

  stepForward(w: CellBuffers, B: number, H: number, g: number, _prev: number, out: number): void {
    const { gates: z, hh, a } = w;
    const n = B * H, zOff = g * H;
    // z⟨t⟩ = (Wax·x⟨t⟩ + b) + (Waa·a⟨t−1⟩ + b), kept for backward; a⟨t⟩ = g1(z⟨t⟩)
    for (let i = 0; i < n; i++) z[zOff + i] += hh[i];
    this.g1.forward(a, out, z, zOff, n);
  }
}

export class RNNCell extends ForwardRNNCell implements Cell {
  readonly separateRecurrentGradient = false;

  stepBackward(w: CellBuffers, B: number, H: number, g: number, _prev: number, out: number): void {
    const n = B * H;
    // dz⟨t⟩ = da⟨t⟩ ⊙ g1'(z⟨t⟩); nothing reaches a⟨t−1⟩ except through Waa
    this.g1.backward(w.dGates, g * H, w.da, 0, w.gates, g * H, w.a, out, n);
    w.daPrev.fill(0, 0, n);
  }
}
