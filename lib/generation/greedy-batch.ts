/**
 * Greedy decoding of many sources at once: the most likely token at every step, as
 * `Seq2Seq.greedy` gives for each source alone, but with the sources side by side in one
 * batch, so that every step of the decoder is one matrix product over all rows instead of
 * one per source. It is what scoring a validation set during training needs (thousands of
 * short sources), where decoding them one by one costs more than the training steps between.
 *
 * The encoder reads the padded sources [S, B] with their lengths (packed semantics: padding
 * never attended to); each row starts from its bridged encoder state and feeds back its own
 * previous token (and h̃ with input feeding). A row is finished after `endToken`; the batch
 * stops when every row is finished or after maxLength tokens. Padding is never emitted.
 */
import { copyRows } from '../kernels/elementwise.js';
import { bridge } from '../models/bridge.js';
import type { Seq2Seq } from '../models/seq2seq.js';
import { type Tensor, allocate } from '../tensor.js';
import { checkIndices, checkInteger, checkKeys, checkObject, describe } from '../validate.js';
import { argmax } from './sample.js';

export interface GreedyBatchOptions {
  /** At most this many tokens per source. */
  maxLength: number;
  /** A row is finished after this token (kept in its output). Default: none. */
  endToken?: number;
}

/** Greedy outputs of `sources` (token ids each), in their order; a finished row ends with endToken. */
export function greedyBatch(model: Seq2Seq, sources: readonly ArrayLike<number>[], options: GreedyBatchOptions): number[][] {
  const op = 'greedyBatch';
  checkObject(op, 'options', options);
  checkKeys(op, 'options', options, ['maxLength', 'endToken']);
  const maxLength = checkInteger(op, 'maxLength', options.maxLength);
  const { srcVocab, tgtVocab: V, embeddingDim: E, startToken, inputFeed, paddingIdx: pad } = model.options;
  const end = options.endToken;
  if (end !== undefined && checkInteger(op, 'endToken', end, 0) >= V) throw new RangeError(`${op}: endToken must be a target id < tgtVocab (${V}), got ${end}`);
  if (!Array.isArray(sources) || sources.length === 0) throw new TypeError(`${op}: sources must be a non-empty array of token id arrays, got ${describe(sources)}`);
  sources.forEach((src, i) => {
    if (typeof src !== 'object' || src === null || typeof src.length !== 'number' || src.length === 0) {
      throw new TypeError(`${op}: sources[${i}] must be a non-empty array of source token ids, got ${describe(src)}`);
    }
    checkIndices(op, `sources[${i}]`, src, srcVocab, 'token');
  });

  const B = sources.length, S = sources.reduce((m, s) => Math.max(m, s.length), 0);
  const Hd = model.decoderSize, I = model.decoder.inputSize, L = model.decoder.numLayers;
  const H = model.encoder.hiddenSize, D = model.encoder.directions, f = (n: number) => allocate(model.dtype, n);
  // sources time-major [S, B], padded with 0 (never read: the lengths mask them)
  const src = new Int32Array(S * B), lengths = new Int32Array(B);
  sources.forEach((s, b) => {
    lengths[b] = s.length;
    for (let t = 0; t < s.length; t++) src[t * B + b] = s[t];
  });
  const srcX: Tensor = { data: f(S * B * E), shape: [S, B, E] };
  model.srcEmbedding.forward(srcX.data, 0, E, src, S * B);
  const enc = model.encoder.forwardUnchecked(srcX, null, null, lengths);
  // the encoder's outputs stay in its workspace while the decoder (another layer) runs
  const memory = enc.output.data.subarray(0, S * B * Hd);
  // the decoder's initial state per layer: [h_fwd; h_bwd] of the encoder's layer (the bridge)
  const h: Tensor = { data: f(L * B * Hd), shape: [L, B, Hd] };
  const c: Tensor | null = enc.cN ? { data: f(L * B * Hd), shape: [L, B, Hd] } : null;
  bridge(h.data, enc.hN.data, L, D, H, B);
  if (c) bridge(c.data, enc.cN!.data, L, D, H, B);

  const x: Tensor = { data: f(B * I), shape: [1, B, I] };
  const hTilde = f(B * Hd), z = f(B * V);
  const outputs: number[][] = sources.map(() => []);
  const ids = new Int32Array(B).fill(startToken);
  let live = B;
  // one decoder forward per step: the weights are packed once, not at every step
  return model.withFrozenWeights(() => {
    for (let step = 0; step < maxLength && live > 0; step++) {
      model.tgtEmbedding.forward(x.data, 0, I, ids, B);
      if (inputFeed) copyRows(x.data, E, I, hTilde, 0, Hd, B, Hd);
      const state = model.decoder.forwardUnchecked(x, h, c);
      if (model.attention) {
        model.attention.begin(1, B, S, memory, lengths);
        model.attention.forward(0, state.output.data, 0, Hd, hTilde, 0);
      } else {
        copyRows(hTilde, 0, Hd, state.output.data, 0, Hd, B, Hd);
      }
      model.head.forward(z, hTilde, 0, Hd, B);
      h.data.set(state.hN.data.subarray(0, L * B * Hd));
      if (c) c.data.set(state.cN!.data.subarray(0, L * B * Hd));
      for (let b = 0; b < B; b++) {
        const out = outputs[b];
        if (end !== undefined && out.length > 0 && out[out.length - 1] === end) continue;
        z[b * V + pad] = -Infinity; // padding is never emitted
        const best = argmax(z, b * V, V);
        out.push(best);
        ids[b] = best;
        if (best === end) live--;
      }
    }
    return outputs;
  });
}
