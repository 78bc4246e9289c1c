import { LSTMCell } from '../cells/lstm.js';
import { checkOptions } from '../validate.js';
import { RecurrentStack, STACK_OPTION_KEYS, type StackOptions } from './stack.js';

export type LSTMOptions = StackOptions;

/** an LSTM stack (gates i, f, g, o); PyTorch's nn.LSTM. */
export class LSTM extends RecurrentStack {
  constructor(options: LSTMOptions) {
    super(new LSTMCell(), 'LSTM', checkOptions('LSTM', options, STACK_OPTION_KEYS));
  }
}
