/**
 * Padded batches of token-id sequences, time-major as the models want them:
 * ids [T, B] (0 = padding past a row's length), lengths [B], and the model's input x: the ids
 * themselves for a model with an embedding, else one-hot vectors [T, B, V] (zero on padding).
 * The buffers are reused while T and B stay the same.
 */
import type { SequenceModel } from '../../models/sequence-model.js';
import { type FloatArray, type Tensor, allocate } from '../../tensor.js';
import type { Random } from '../../random.js';

export class TokenBatch {
  T = 0;
  B = 0;
  /** ids [T, B], 0 past each row's length. */
  ids = new Int32Array(0);
  lengths = new Int32Array(0);
  /** one-hot x [T, B, V] */
  private oneHot: FloatArray | null = null;
  private x: Tensor | null = null;

  /** vocabSize V; `ids`: the model reads token ids (an embedding), not one-hot vectors. */
  constructor(readonly vocabSize: number, readonly dtype: 'float32' | 'float64' = 'float32', readonly ids_ = false) {}

  /** A batch shaped for `model`'s input. */
  static for(model: SequenceModel): TokenBatch {
    const e = model.embedding;
    return new TokenBatch(e ? e.numEmbeddings : model.options.inputSize, model.dtype, e !== null);
  }

  /** Fills the batch with sequences[rows[0]], sequences[rows[1]], …, padded to the longest. */
  fill(sequences: readonly (readonly number[])[], rows: readonly number[]): this {
    const B = rows.length;
    let T = 1;
    for (const r of rows) T = Math.max(T, sequences[r].length);
    if (T !== this.T || B !== this.B) {
      this.T = T; this.B = B;
      this.ids = new Int32Array(T * B);
      this.lengths = new Int32Array(B);
      this.x = null;
    }
    this.ids.fill(0);
    rows.forEach((r, b) => {
      const s = sequences[r];
      this.lengths[b] = Math.max(1, s.length);
      for (let t = 0; t < s.length; t++) this.ids[t * B + b] = s[t];
    });
    return this;
  }

  /**
   * The model input: the ids [T, B] for a model with an embedding (typed as a Tensor for the
   * trainer's signature; the model tells ids from features by its own options), else one-hot
   * rows of the ids (zero rows on padding).
   */
  input(): Tensor {
    const { T, B } = this, V = this.vocabSize;
    if (this.ids_) return (this.x ??= { data: this.ids, shape: [T, B] } as unknown as Tensor);
    if (!this.x) {
      this.oneHot = allocate(this.dtype, T * B * V);
      this.x = { data: this.oneHot, shape: [T, B, V] };
    }
    const x = this.oneHot!;
    x.fill(0);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t < this.lengths[b]) x[(t * B + b) * V + this.ids[t * B + b]] = 1;
    return this.x;
  }
}

/**
 * Row orders for one epoch: a shuffle, then groups of similar length (sorted within windows of
 * 50 batches) so that little of each batch is padding, then the batches shuffled.
 */
export function epochBatches(lengths: readonly number[], batch: number, rng: Random): number[][] {
  const order = lengths.map((_, i) => i);
  shuffle(order, rng);
  const window = batch * 50, batches: number[][] = [];
  for (let w = 0; w < order.length; w += window) {
    const part = order.slice(w, w + window).sort((a, b) => lengths[a] - lengths[b]);
    for (let i = 0; i < part.length; i += batch) batches.push(part.slice(i, i + batch));
  }
  return shuffle(batches, rng);
}

/** Fisher–Yates, in place. */
export function shuffle<T>(a: T[], rng: Random): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Consecutive batches of at most `batch` rows, in order (evaluation, prediction). */
export function inOrder(n: number, batch: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i += batch) out.push(Array.from({ length: Math.min(batch, n - i) }, (_, k) => i + k));
  return out;
}
