import { Recurrent, type RecurrentOptions } from './recurrent.js';

export type LSTMOptions = Omit<RecurrentOptions, 'mode'>;

/** an LSTM stack (gates i, f, g, o); PyTorch's nn.LSTM. */
export class LSTM extends Recurrent {
  constructor(options: LSTMOptions) {
    super({ ...options, mode: 'lstm' });
  }
}
