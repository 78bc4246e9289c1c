import { getActivation } from '../activations/registry.js';
import { checkOptions } from '../validate.js';
import { LAYER_OPTION_KEYS } from './gru.js';
import { Recurrent, type RecurrentOptions } from './recurrent.js';

export interface RNNOptions extends Omit<RecurrentOptions, 'mode'> {
  /** g1: `tanh` (default), `relu` or any registered activation's name. */
  nonlinearity?: string;
}

/** an Elman RNN, a⟨t⟩ = g1(Wax·x⟨t⟩ + Waa·a⟨t−1⟩ + ba), g1 = tanh by default; PyTorch's nn.RNN. */
export class RNN extends Recurrent {
  constructor(options: RNNOptions) {
    const { nonlinearity = 'tanh', ...stack } = checkOptions('RNN', options, [...LAYER_OPTION_KEYS, 'nonlinearity']);
    getActivation(nonlinearity, 'RNN: nonlinearity'); // names RNN and the option in its error
    super({ ...stack, mode: `rnn_${nonlinearity}` });
  }
}
