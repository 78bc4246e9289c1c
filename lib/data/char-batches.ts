/**
 * Batches for a character-level language model: B windows of T+1 tokens from a token
 * stream; the input at t is token t (as an id for a model with an embedding, or one-hot), the
 * target at t is token t+1. Buffers are made once and refilled.
 */
import { Random } from '../random.js';
import { type DType, type Tensor, allocate } from '../tensor.js';
import { checkIndices, checkInteger, describe } from '../validate.js';

export class CharBatches {
  /** The inputs: token ids [T, B] (`ids`), or their one-hot vectors [T, B, V]. */
  readonly x: Tensor | { data: Int32Array; shape: number[] };
  /** [T, B] next-token targets */
  readonly y: { data: Int32Array; shape: number[] };

  constructor(
    readonly tokens: Int32Array,
    readonly vocabSize: number,
    readonly seqLen: number,
    readonly batch: number,
    dtype: DType = 'float32',
    /** Inputs as token ids (for a model with an embedding) instead of one-hot vectors. */
    readonly ids = false,
  ) {
    const op = 'CharBatches';
    if (!(tokens instanceof Int32Array)) throw new TypeError(`${op}: tokens must be an Int32Array, got ${describe(tokens)}`);
    checkInteger(op, 'vocabSize', vocabSize);
    checkIndices(op, 'tokens', tokens, vocabSize, 'token');
    checkInteger(op, 'seqLen', seqLen);
    checkInteger(op, 'batch', batch);
    if (tokens.length < seqLen + 1) {
      throw new RangeError(`${op}: the text has ${tokens.length} characters but one sequence needs seqLen + 1 = ${seqLen + 1}`);
    }
    this.x = ids ? { data: new Int32Array(seqLen * batch), shape: [seqLen, batch] } : { data: allocate(dtype, seqLen * batch * vocabSize), shape: [seqLen, batch, vocabSize] };
    this.y = { data: new Int32Array(seqLen * batch), shape: [seqLen, batch] };
  }

  /** How many distinct window starts there are. */
  get windows(): number {
    return this.tokens.length - this.seqLen;
  }

  /** Fills x and y from B windows starting at random offsets. */
  sample(rng: Random): this {
    for (let b = 0; b < this.batch; b++) this.fillRow(b, rng.int(this.windows));
    return this;
  }

  /** Fills x and y from B consecutive, non-overlapping windows starting at `start` (wrapping). */
  sequential(start: number): this {
    for (let b = 0; b < this.batch; b++) this.fillRow(b, (start + b * this.seqLen) % this.windows);
    return this;
  }

  private fillRow(b: number, start: number): void {
    const { seqLen: T, batch: B, vocabSize: V, tokens } = this;
    const x = this.x.data, y = this.y.data;
    for (let t = 0; t < T; t++) {
      if (this.ids) {
        x[t * B + b] = tokens[start + t];
      } else {
        const o = (t * B + b) * V;
        x.fill(0, o, o + V);
        x[o + tokens[start + t]] = 1;
      }
      y[t * B + b] = tokens[start + t + 1];
    }
  }
}
