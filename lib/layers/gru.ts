import { checkOptions } from '../validate.js';
import { RECURRENT_OPTION_KEYS, Recurrent, type RecurrentOptions } from './recurrent.js';

export type GRUOptions = Omit<RecurrentOptions, 'mode'>;

/** The keys GRUOptions and LSTMOptions accept: RecurrentOptions less `mode`. */
export const LAYER_OPTION_KEYS: readonly string[] = RECURRENT_OPTION_KEYS.filter((k) => k !== 'mode');

/** a GRU stack (gates r, z, n); PyTorch's nn.GRU. */
export class GRU extends Recurrent {
  constructor(options: GRUOptions) {
    super({ ...checkOptions('GRU', options, LAYER_OPTION_KEYS), mode: 'gru' });
  }
}
