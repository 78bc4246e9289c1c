/**
 * The encoder–decoder behind `rnnkit translate`, behind one small interface so that the
 * command does not depend on the model's API:
 *
 *   lossAndGrad(batch) / evaluate(batch)   teacher-forced loss of a padded batch of pairs
 *   decode(source, options)                the best target for one source (beam search) and α
 *   decodeGreedy(sources, maxLength)       greedy targets of many sources at once (batched)
 *   options / params                       what a checkpoint stores
 *
 * It wraps lib/models/seq2seq.ts's `Seq2Seq`: token embeddings on both sides, an optionally
 * bidirectional encoder over variable-length sources, the bridge to the decoder, Luong
 * attention (`dot`, `general`, `mlp`) with input feeding, padding masks, and beam search with
 * length normalization.
 */
import { greedyBatch } from '../../generation/greedy-batch.js';
import { Seq2Seq } from '../../models/seq2seq.js';
import type { Param } from '../../param.js';

/** Target ids: 0 padding, 1 start (what the decoder reads first), 2 end (what it writes last). */
export const TGT_PAD = 0, TGT_START = 1, TGT_END = 2;

export interface TranslatorOptions {
  mode: string;
  srcVocab: number;
  tgtVocab: number;
  embeddingDim: number;
  hiddenSize: number;
  numLayers: number;
  bidirectionalEncoder: boolean;
  attention: 'none' | 'dot' | 'general' | 'mlp';
  inputFeed: boolean;
  seed: number;
}

export interface PairBatch {
  /** Source ids [S, B] (0 past a row's length) and lengths [B]. */
  src: Int32Array;
  srcLengths: Int32Array;
  S: number;
  /** Decoder inputs [T, B]: the start token, then the target shifted right (0 past the end). */
  tgtIn: Int32Array;
  /** Targets [T, B]: the target and the end token (0 past the end). */
  tgtOut: Int32Array;
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
  /** Teacher-forced loss summed over the target tokens (padding excluded), divided by B; accumulates gradients. */
  lossAndGrad(batch: PairBatch): number;
  /** The same loss without gradients. */
  evaluate(batch: PairBatch): number;
  decode(source: readonly number[], o: { beam: number; alpha: number; maxLength: number }): Decoded;
  /** Greedy decoding of many sources side by side (the same outputs as decode with beam 1): target ids without the end token. */
  decodeGreedy(sources: readonly (readonly number[])[], maxLength: number): number[][];
}

export function createTranslator(_command: string, options: TranslatorOptions): Translator {
  return new AttentionSeq2Seq(options);
}

class AttentionSeq2Seq implements Translator {
  readonly model: Seq2Seq;
  readonly params: Param[];

  constructor(readonly options: TranslatorOptions) {
    const o = options;
    this.model = new Seq2Seq({
      mode: o.mode, srcVocab: o.srcVocab, tgtVocab: o.tgtVocab, embeddingDim: o.embeddingDim, hiddenSize: o.hiddenSize,
      numLayers: o.numLayers, bidirectionalEncoder: o.bidirectionalEncoder, attention: o.attention,
      inputFeed: o.inputFeed && o.attention !== 'none', paddingIdx: TGT_PAD, startToken: TGT_START, seed: o.seed,
    });
    this.params = this.model.params;
  }

  zeroGrad(): void {
    this.model.zeroGrad();
  }

  private batch(b: PairBatch) {
    return {
      src: { data: b.src, shape: [b.S, b.B] }, srcLengths: b.srcLengths,
      tgtIn: { data: b.tgtIn, shape: [b.T, b.B] }, tgtOut: { data: b.tgtOut, shape: [b.T, b.B] },
    };
  }

  lossAndGrad(b: PairBatch): number {
    return this.model.lossAndGrad(this.batch(b));
  }

  evaluate(b: PairBatch): number {
    return this.model.evaluate(this.batch(b));
  }

  decode(source: readonly number[], o: { beam: number; alpha: number; maxLength: number }): Decoded {
    const h = this.model.beamSearch(source, { beamWidth: o.beam, maxLength: o.maxLength, endToken: TGT_END, alpha: o.alpha });
    const ended = h.tokens[h.tokens.length - 1] === TGT_END;
    const tokens = ended ? h.tokens.slice(0, -1) : h.tokens;
    const attention = h.attention ? h.attention.slice(0, tokens.length).map((row) => Array.from(row)) : null;
    return { tokens, attention };
  }

  decodeGreedy(sources: readonly (readonly number[])[], maxLength: number): number[][] {
    return greedyBatch(this.model, sources, { maxLength, endToken: TGT_END }).map((t) => (t[t.length - 1] === TGT_END ? t.slice(0, -1) : t));
  }
}
