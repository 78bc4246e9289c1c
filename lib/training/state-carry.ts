/**
 * Carries the hidden (and cell) state from one chunk of a long stream to the next, for
 * truncated BPTT (as min-char-rnn does): each chunk starts from the previous chunk's final
 * state, but the gradient is not propagated back across the boundary — the state is copied,
 * so the next backward stops at it.
 *
 *     const carry = new StateCarry(model.rnn, batch);
 *     for (const [x, y] of chunks) {
 *       trainer.step(x, y, carry.inputs());
 *       carry.capture(model.rnn.lastState());
 *     }
 */
import { ForwardStack, type RecurrentOutput } from '../layers/stack-forward.js';
import type { SequenceInputs } from '../models/sequence-model.js';
import { type Tensor, allocate } from '../tensor.js';
import { checkInteger, checkLength, describe } from '../validate.js';

export class StateCarry {
  /** [L·D, B, H] */
  readonly h: Tensor;
  /** [L·D, B, H] for LSTM, else null */
  readonly c: Tensor | null;
  private readonly inputsObject: SequenceInputs;

  constructor(rnn: ForwardStack, batch: number) {
    if (!(rnn instanceof ForwardStack)) throw new TypeError(`StateCarry: rnn must be a recurrent stack (RNN, GRU, LSTM or a model's .rnn), got ${describe(rnn)}`);
    const B = checkInteger('StateCarry', 'batch', batch);
    const shape = [rnn.numLayers * rnn.directions, B, rnn.hiddenSize];
    const n = shape[0] * B * rnn.hiddenSize;
    this.h = { data: allocate(rnn.dtype, n), shape };
    this.c = rnn.hasCellState ? { data: allocate(rnn.dtype, n), shape } : null;
    this.inputsObject = { h0: this.h, c0: this.c };
  }

  /** The {h0, c0} to pass to the next forward or training step. */
  inputs(): SequenceInputs {
    return this.inputsObject;
  }

  /** Copies a forward's final states (detached: no gradient flows back through them). */
  capture(state: RecurrentOutput): void {
    checkLength('StateCarry.capture', 'state.hN', state.hN.data, this.h.data.length);
    this.h.data.set(state.hN.data);
    if (this.c && state.cN) this.c.data.set(state.cN.data);
  }

  /** Back to zeros (the start of a new stream). */
  reset(): void {
    this.h.data.fill(0);
    this.c?.data.fill(0);
  }
}
