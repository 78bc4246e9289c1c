import { GRUCell } from '../cells/gru.js';
import { checkOptions } from '../validate.js';
import { RecurrentStack, STACK_OPTION_KEYS, type StackOptions } from './stack.js';

export type GRUOptions = StackOptions;

/** a GRU stack (gates r, z, n); PyTorch's nn.GRU. */
export class GRU extends RecurrentStack {
  constructor(options: GRUOptions) {
    super(new GRUCell(), 'GRU', checkOptions('GRU', options, STACK_OPTION_KEYS));
  }
}
