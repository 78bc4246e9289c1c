import { Recurrent, type RecurrentOptions } from './recurrent.js';

export type GRUOptions = Omit<RecurrentOptions, 'mode'>;

/** a GRU stack (gates r, z, n); PyTorch's nn.GRU. */
export class GRU extends Recurrent {
  constructor(options: GRUOptions) {
    super({ ...options, mode: 'gru' });
  }
}
