import { checkOptions } from '../validate.js';
import { LAYER_OPTION_KEYS } from './gru.js';
import { Recurrent, type RecurrentOptions } from './recurrent.js';

export type LSTMOptions = Omit<RecurrentOptions, 'mode'>;

/** an LSTM stack (gates i, f, g, o); PyTorch's nn.LSTM. */
export class LSTM extends Recurrent {
  constructor(options: LSTMOptions) {
    super({ ...checkOptions('LSTM', options, LAYER_OPTION_KEYS), mode: 'lstm' });
  }
}
