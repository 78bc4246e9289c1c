import { getActivation } from '../activations/registry.js';
import { RNNCell } from '../cells/rnn.js';
import { checkOptions } from '../validate.js';
import { RecurrentStack, STACK_OPTION_KEYS, type StackOptions } from './stack.js';

export interface RNNOptions extends StackOptions {
  /** g1: `tanh` (default), `relu` or any registered activation's name. */
  nonlinearity?: string;
}

/** an Elman RNN, a⟨t⟩ = g1(Wax·x⟨t⟩ + Waa·a⟨t−1⟩ + ba), g1 = tanh by default; PyTorch's nn.RNN. */
export class RNN extends RecurrentStack {
  constructor(options: RNNOptions) {
    const { nonlinearity = 'tanh', ...stack } = checkOptions('RNN', options, [...STACK_OPTION_KEYS, 'nonlinearity']);
    super(new RNNCell(getActivation(nonlinearity, 'RNN: nonlinearity')), 'RNN', stack);
  }
}
