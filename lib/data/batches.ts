/**
 * The order in which a training loop visits its examples: batches of indices, shuffled with a
 * seeded PRNG so the same seed gives the same batches in every runtime.
 *
 *     const order = new BatchOrder(1000, { batchSize: 32, seed: 7 });
 *     for (let epoch = 0; epoch < 10; epoch++) {
 *       for (const indices of order.epoch()) { … }   // a new permutation each epoch
 *     }
 */
import { Random } from '../random.js';
import { checkBoolean, checkInteger, checkOptions } from '../validate.js';

export interface BatchOrderOptions {
  /** Examples per batch (the last may be smaller unless `dropLast`). */
  batchSize: number;
  /** A new random permutation every epoch (default true); false keeps 0, 1, 2, … */
  shuffle?: boolean;
  /** Seed of the shuffling PRNG (default 0). */
  seed?: number;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

export class BatchOrder {
  readonly count: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rng: Random;
  private readonly order: Int32Array;

  constructor(count: number, options: BatchOrderOptions) {
    const op = 'BatchOrder';
    this.count = checkInteger(op, 'count', count);
    const o = checkOptions(op, options, ['batchSize', 'shuffle', 'seed', 'dropLast']);
    this.batchSize = checkInteger(op, 'options.batchSize', o.batchSize);
    this.shuffle = checkBoolean(op, 'options.shuffle', o.shuffle ?? true);
    this.dropLast = checkBoolean(op, 'options.dropLast', o.dropLast ?? false);
    this.rng = new Random(checkInteger(op, 'options.seed', o.seed ?? 0, 0));
    if (this.dropLast && this.batchSize > this.count) throw new RangeError(`${op}: batchSize ${this.batchSize} with dropLast leaves no batch of ${this.count} examples`);
    this.order = Int32Array.from({ length: count }, (_, i) => i);
  }

  /** Batches per epoch. */
  get batches(): number {
    return this.dropLast ? Math.floor(this.count / this.batchSize) : Math.ceil(this.count / this.batchSize);
  }

  /**
   * The next epoch's batches, each an array of example indices. With `shuffle` the order is
   * a Fisher–Yates permutation of the previous one, drawn from the seeded PRNG.
   */
  epoch(): Int32Array[] {
    const { order, rng, batchSize } = this;
    if (this.shuffle) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    const out: Int32Array[] = [];
    for (let k = 0; k < this.batches; k++) out.push(order.slice(k * batchSize, Math.min(order.length, (k + 1) * batchSize)));
    return out;
  }
}
