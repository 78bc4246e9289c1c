/**
 * LSTM, GRU and RNN that run forward only: the classes `rnnkit/inference` exports. Each takes
 * the same options, has the same parameters (names, shapes, order, initialisation) and gives
 * exactly the same forward results as the trainable LSTM, GRU and RNN of the package root,
 * without BPTT, training mode or dropout (a stack built with `dropout` runs as in eval mode).
 * A page that only runs trained models forward imports these and carries no backward pass:
 * load weights with `loadStateDict(lstm.params, …)`, or write into `params[i].value`.
 */
import { getActivation } from '../activations/registry.js';
import { ForwardGRUCell } from '../cells/gru.js';
import { ForwardLSTMCell } from '../cells/lstm.js';
import { ForwardRNNCell } from '../cells/rnn.js';
import { checkOptions } from '../validate.js';
import { ForwardDirection } from './direction-forward.js';
import { ForwardStack, STACK_OPTION_KEYS, type StackOptions } from './stack-forward.js';
import type { RNNOptions } from './rnn.js';

/** an LSTM stack (gates i, f, g, o) run forward only; PyTorch's nn.LSTM in eval mode. */
export class LSTM extends ForwardStack {
  constructor(options: StackOptions) {
    super(new ForwardLSTMCell(), 'LSTM', checkOptions('LSTM', options, STACK_OPTION_KEYS), ForwardDirection);
  }
}

/** a GRU stack (gates r, z, n) run forward only; PyTorch's nn.GRU in eval mode. */
export class GRU extends ForwardStack {
  constructor(options: StackOptions) {
    super(new ForwardGRUCell(), 'GRU', checkOptions('GRU', options, STACK_OPTION_KEYS), ForwardDirection);
  }
}

/** an Elman RNN (g1 = tanh by default) run forward only; PyTorch's nn.RNN in eval mode. */
export class RNN extends ForwardStack {
  constructor(options: RNNOptions) {
    const { nonlinearity = 'tanh', ...stack } = checkOptions('RNN', options, [...STACK_OPTION_KEYS, 'nonlinearity']);
    super(new ForwardRNNCell(getActivation(nonlinearity, 'RNN: nonlinearity')), 'RNN', stack, ForwardDirection);
  }
}
