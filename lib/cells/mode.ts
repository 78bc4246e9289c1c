/**
 * PyTorch's mode names for recurrent cells: `rnn_tanh`, `rnn_relu`, `rnn_<registered
 * activation>`, `gru`, `lstm`. What a stack built by name (Recurrent, SequenceModel, Seq2Seq,
 * fixtures, checkpoints) goes through; `LSTM`, `GRU` and `RNN` construct their cell directly.
 */
import type { Activation } from '../activations/activation.js';
import { getActivation } from '../activations/registry.js';
import { describe } from '../validate.js';
import type { Cell } from './cell.js';
import { GRUCell } from './gru.js';
import { LSTMCell } from './lstm.js';
import { RNNCell } from './rnn.js';

/** The cell for a mode name; throws (naming `op`) listing the accepted modes. */
export function cellForMode(mode: string, op: string): Cell {
  if (mode === 'gru') return new GRUCell();
  if (mode === 'lstm') return new LSTMCell();
  if (typeof mode === 'string' && mode.startsWith('rnn_')) {
    let g1: Activation;
    try {
      g1 = getActivation(mode.slice(4), op);
    } catch (e) {
      throw new TypeError(`${op}: unknown mode "${mode}": ${(e as Error).message.split('; ')[1] ?? ''}`);
    }
    return new RNNCell(g1);
  }
  throw new TypeError(`${op}: mode must be "rnn_tanh", "rnn_relu", "rnn_<activation>", "gru" or "lstm", got ${describe(mode)}`);
}

/** The layer kind a mode names, as errors name the operation: `GRU`, `LSTM` or `RNN`. */
export function kindOfMode(mode: string): string {
  return mode === 'gru' ? 'GRU' : mode === 'lstm' ? 'LSTM' : 'RNN';
}
