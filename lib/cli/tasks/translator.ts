/**
 * The encoder–decoder behind `rnnkit translate`, behind one small interface so that the
 * command does not depend on which model it is:
 *
 *   lossAndGrad(batch)      teacher-forced loss of a batch of pairs, gradients accumulated
 *   decode(source, options) the best target for one source (beam search)
 *   options / params        what a checkpoint stores
 *
 * TODO(issue 12): today this wraps lib/models/seq2seq.ts's `Seq2Seq` — one-hot source, no
 * source lengths and no attention — so batches hold pairs of one source length and one target
 * length (no padding anywhere), `--attention` must be `none` and `--alpha` must be 0. When
 * the encoder–decoder with attention lands (token ids, srcLengths, padding masks, beamSearch
 * with alpha and α), only this file changes: build it in `createTranslator`, pass ids and
 * lengths in `lossAndGrad`, and return `attention` from `decode`.
 */
import { Seq2Seq } from '../../models/seq2seq.js';
import type { Param } from '../../param.js';
import { type Tensor, allocate } from '../../tensor.js';
import { UsageError } from '../args.js';

/** Target ids: 0 padding, 1 start (what the decoder reads first), 2 end (what it writes last). */
export const TGT_PAD = 0, TGT_START = 1, TGT_END = 2;

export interface TranslatorOptions {
  mode: string;
  srcVocab: number;
  tgtVocab: number;
  hiddenSize: number;
  numLayers: number;
  attention: 'none' | 'dot' | 'general' | 'mlp';
  seed: number;
}

export interface PairBatch {
  /** Source ids [S, B] and lengths [B]. */
  src: Int32Array;
  srcLengths: Int32Array;
  S: number;
  /** Target ids with the end token [T, B] (what the decoder must write) and lengths [B]. */
  tgtOut: Int32Array;
  tgtLengths: Int32Array;
  T: number;
  B: number;
}

export interface Decoded {
  /** Target ids without the end token. */
  tokens: number[];
  /** α [output step][source step], or null for a model without attention. */
  attention: number[][] | null;
}

export interface Translator {
  readonly options: TranslatorOptions;
  readonly params: Param[];
  zeroGrad(): void;
  /** Teacher-forced loss summed over target steps, averaged over the batch; accumulates gradients. */
  lossAndGrad(batch: PairBatch): number;
  decode(source: readonly number[], o: { beam: number; alpha: number; maxLength: number }): Decoded;
  /** True when pairs of different lengths may share a batch (the model masks padding). */
  readonly padding: boolean;
  /** True when decode honours alpha (length-normalized beam search). */
  readonly lengthNormalization: boolean;
}

export function createTranslator(command: string, o: TranslatorOptions): Translator {
  if (o.attention !== 'none') {
    throw new UsageError(`${command}: --attention ${o.attention} needs the encoder–decoder with attention (issue 12), not yet in this build; use --attention none`);
  }
  return new OneHotSeq2Seq(o);
}

/** The current Seq2Seq: one-hot sources of one length per batch, no attention. */
class OneHotSeq2Seq implements Translator {
  readonly model: Seq2Seq;
  readonly params: Param[];
  readonly padding = false;
  readonly lengthNormalization = false;
  private x: Tensor | null = null;

  constructor(readonly options: TranslatorOptions) {
    this.model = new Seq2Seq({
      mode: options.mode, inputSize: options.srcVocab, outputVocab: options.tgtVocab, hiddenSize: options.hiddenSize,
      numLayers: options.numLayers, seed: options.seed, startToken: TGT_START,
    });
    this.params = this.model.params;
  }

  zeroGrad(): void {
    this.model.zeroGrad();
  }

  private oneHot(src: ArrayLike<number>, S: number, B: number): Tensor {
    const V = this.options.srcVocab;
    if (!this.x || this.x.shape[0] !== S || this.x.shape[1] !== B) this.x = { data: allocate('float32', S * B * V), shape: [S, B, V] };
    const x = this.x.data;
    x.fill(0);
    for (let i = 0; i < S * B; i++) x[i * V + src[i]] = 1;
    return this.x;
  }

  lossAndGrad(b: PairBatch): number {
    return this.model.lossAndGrad(this.oneHot(b.src, b.S, b.B), { data: b.tgtOut, shape: [b.T, b.B] });
  }

  decode(source: readonly number[], o: { beam: number; alpha: number; maxLength: number }): Decoded {
    const h = this.model.beamSearch(this.oneHot(source, source.length, 1), { beamWidth: o.beam, maxLength: o.maxLength, endToken: TGT_END });
    const tokens = h.tokens[h.tokens.length - 1] === TGT_END ? h.tokens.slice(0, -1) : h.tokens;
    return { tokens, attention: null };
  }
}
