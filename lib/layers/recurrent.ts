/**
 * `Recurrent`: a recurrent stack chosen by PyTorch's mode name (`rnn_tanh`, `rnn_relu`,
 * `rnn_<registered activation>`, `gru`, `lstm`), which is how models and fixtures name their
 * stacks, and which can also run one step at a time (a decoder whose input at step t depends on
 * its output at t − 1). The stack's machinery is `RecurrentStack` (stack.ts); `LSTM`, `GRU` and
 * `RNN` build theirs from their own cell, without the mode lookup (cells/mode.ts), and
 * SequenceModel builds a RecurrentStack by mode, without the step-by-step API.
 */
import { cellForMode, kindOfMode } from '../cells/mode.js';
import { copyRows } from '../kernels/elementwise.js';
import { type FloatArray, allocate } from '../tensor.js';
import { checkOptions } from '../validate.js';
import { RecurrentStack, type RecurrentGradients, STACK_OPTION_KEYS, type StackOptions, type Workspace } from './stack.js';

export type { RecurrentOutput, RecurrentGradients } from './stack.js';

export interface RecurrentOptions extends StackOptions {
  /** `rnn_tanh`, `rnn_relu`, `rnn_<registered activation>`, `gru` or `lstm`. */
  mode: string;
}

/** The keys of RecurrentOptions; any other key is refused. */
export const RECURRENT_OPTION_KEYS: readonly string[] = ['mode', ...STACK_OPTION_KEYS];

export class Recurrent extends RecurrentStack {
  constructor(options: RecurrentOptions) {
    const op = 'Recurrent';
    checkOptions(op, options, RECURRENT_OPTION_KEYS);
    super(cellForMode(options.mode, op), kindOfMode(options.mode), options);
  }

  /**
   * Runs the stack one step at a time, for a decoder whose input at step t depends on its
   * output at t − 1 (input feeding). Unidirectional, time-major, no lengths. Returns the input
   * buffer X [T·B, I]: fill the B rows of step t, then call `forwardStep(t)` for t = 0…T−1;
   * the top layer's a⟨t⟩ is then rows t·B… of `forwardOutput()`, and after the last step
   * `lastState()` holds h_n and c_n. h0, c0: [L, B, H] data, or null for zeros. Callers check
   * shapes (this is the unchecked path models build on).
   */
  beginSteps(T: number, B: number, h0: FloatArray | null, c0: FloatArray | null): FloatArray {
    if (this.bidirectional || this.batchFirst || this.dropout > 0) throw new TypeError(`${this.kind}.beginSteps: runs step by step only unidirectional, time-major stacks without dropout`);
    const ws = this.reserve(T, B) as Workspace, H = this.hiddenSize;
    ws.xSteps ??= allocate(this.dtype, T * B * this.inputSize);
    this.x = ws.xSteps;
    this.masked = false;
    this.layers.forEach(([dir], k) => dir.setInitial(h0, k * B * H, c0, k * B * H));
    this.backwardReady = true;
    return ws.xSteps;
  }

  /** Step t of a run begun by `beginSteps`: every layer, bottom to top. */
  forwardStep(t: number): void {
    const ws = this.ws!, { T, B } = ws, H = this.hiddenSize;
    for (let k = 0; k < this.numLayers; k++) {
      const width = k === 0 ? this.inputSize : H;
      const dir = this.layers[k][0];
      dir.forwardStep(k === 0 ? ws.xSteps! : ws.outputs[k - 1], t * B * width, width, t);
      if (t !== T - 1) continue;
      copyRows(ws.hN, k * B * H, H, dir.states, dir.finalOffset(), H, B, H);
      if (ws.cN) copyRows(ws.cN, k * B * H, H, dir.cellStates, dir.finalOffset(), H, B, H);
    }
  }

  /**
   * Starts BPTT for a run begun by `beginSteps`: dhN, dcN [L, B, H] data or null. Then call
   * `backwardStep(t, dTop)` for t = T−1…0 and `endStepBackward()`.
   */
  beginStepBackward(dhN: FloatArray | null, dcN: FloatArray | null): void {
    const B = this.ready(`${this.kind}.beginStepBackward`).B, H = this.hiddenSize;
    this.layers.forEach(([dir], k) => dir.beginBackward(dhN, k * B * H, dcN, k * B * H));
  }

  /**
   * One step of BPTT: dTop holds dL/da⟨t⟩ of the top layer (rows of step t, stride H, complete
   * by now). Returns the array whose rows of step t hold dL/dx⟨t⟩ [B, I] (valid until the next call).
   */
  backwardStep(t: number, dTop: FloatArray): FloatArray {
    const ws = this.ws!, B = ws.B, H = this.hiddenSize, L = this.numLayers;
    for (let k = L - 1; k >= 0; k--) {
      const dir = this.layers[k][0], width = k === 0 ? this.inputSize : H;
      dir.backwardStep(t, k === L - 1 ? dTop : ws.dOutputs[k], 0, H, ws.gradNorms, k * ws.T, null);
      dir.stepInputGrad(t, k === 0 ? ws.dx : ws.dOutputs[k - 1], t * B * width, width);
    }
    return ws.dx;
  }

  /** Ends BPTT of a step-by-step run: weight gradients (accumulated) and dL/dh0, dL/dc0. */
  endStepBackward(): RecurrentGradients {
    const ws = this.ready(`${this.kind}.endStepBackward`), B = ws.B, H = this.hiddenSize;
    this.backwardReady = false;
    this.layers.forEach(([dir], k) => {
      const width = k === 0 ? this.inputSize : H;
      dir.endBackward(k === 0 ? this.x! : ws.outputs[k - 1], 0, width);
      copyRows(ws.dh0, k * B * H, H, dir.initialGrad, 0, H, B, H);
      if (ws.dc0) copyRows(ws.dc0, k * B * H, H, dir.initialCellGrad, 0, H, B, H);
    });
    return ws.gradients;
  }

}
