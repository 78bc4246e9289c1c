/**
 * What a recurrent cell is to the layer that runs it over a sequence.
 *
 * The layer does the heavy, cell-independent work: the input projections of all time steps
 * in one GEMM before the time loop, the recurrent product a⟨t−1⟩·W_hhᵀ inside it, and the
 * weight gradients in one GEMM after backward. A cell supplies only the per-step element-wise
 * equations, reading and writing the buffers below at the offsets it is given. Forward writes
 * what backward needs (gate activations, states) into explicit caches: no tape, no closures.
 *
 * Shapes use T time steps, B batch rows, H hidden units and G gates (G·H pre-activations).
 */
import type { FloatArray } from '../tensor.js';

export interface CellBuffers {
  /** `[T·B, G·H]`: on entry to step t, x⟨t⟩·W_ihᵀ + b_ih; after it, the cell's gate cache. */
  gates: FloatArray;
  /** `[B, G·H]`: a⟨t−1⟩·W_hhᵀ + b_hh for the current step. */
  hh: FloatArray;
  /** `[(T+1)·B, H]`: hidden states a, one slot per step plus the initial state. */
  a: FloatArray;
  /** `[(T+1)·B, H]`: LSTM cell states c, laid out like `a` (empty for other cells). */
  c: FloatArray;
  /** `[T·B, H]`: a per-step cache of the cell's choosing (LSTM tanh(c⟨t⟩), GRU W_hn·a⟨t−1⟩ + b_hn). */
  extra: FloatArray;
  /**
   * `[T·B, G·H]`: dL/d(pre-activation) as seen by W_ih and b_ih. The same array as `gates`:
   * step backward must read a row's gate values before it writes their gradients.
   */
  dGates: FloatArray;
  /** `[T·B, G·H]`: dL/d(pre-activation) as seen by W_hh and b_hh (the same array as dGates but for GRU). */
  dGatesHh: FloatArray;
  /** `[B, H]`: in step backward, dL/da⟨t⟩. */
  da: FloatArray;
  /** `[B, H]`: written by step backward: the part of dL/da⟨t−1⟩ that does not pass through W_hh. */
  daPrev: FloatArray;
  /** `[B, H]`: LSTM only: in step backward, dL/dc⟨t⟩ (dcNext carried from step t+1). */
  dc: FloatArray;
  /** `[B, H]`: LSTM only: written by step backward: dL/dc⟨t−1⟩. */
  dcPrev: FloatArray;
}

/**
 * A cell run forward only (what a forward-only layer of `rnnkit/inference` holds, so that a page
 * that only runs models carries no backward step); `Cell` adds the backward step.
 */
export interface ForwardCell {
  /** PyTorch's mode name: rnn_tanh, rnn_relu, rnn_<activation>, gru or lstm. */
  readonly mode: string;
  /** G: how many H-row blocks W_ih and W_hh stack (1 RNN, 3 GRU, 4 LSTM). */
  readonly gateCount: number;
  /** Whether the cell carries c⟨t⟩ beside a⟨t⟩ (LSTM). */
  readonly hasCellState: boolean;
  /** Whether the `extra` cache is used. */
  readonly usesExtra: boolean;
  /**
   * One forward step for all B rows. `g` is the first row of step t in gates/extra (t·B),
   * `prev` and `out` the element offsets of a⟨t−1⟩ and a⟨t⟩ (and c) in `a` (and `c`).
   */
  stepForward(w: CellBuffers, B: number, H: number, g: number, prev: number, out: number): void;
}

export interface Cell extends ForwardCell {
  /** Whether dGatesHh differs from dGates (GRU, where b_hn sits inside r ⊙ (…)). */
  readonly separateRecurrentGradient: boolean;
  /** One backward step: reads da (and dc), writes dGates/dGatesHh rows g…g+B−1, daPrev (and dcPrev). */
  stepBackward(w: CellBuffers, B: number, H: number, g: number, prev: number, out: number): void;
}
