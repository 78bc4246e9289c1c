/**
 * Decoding a Seq2Seq model: beam search with length normalization, and greedy decoding as a
 * beam of one. The encoder reads the source once; each step runs the decoder one token ahead
 * for every live hypothesis at once (a batch of beamWidth rows), with attention over the
 * same memory, and keeps the beamWidth best continuations by their normalized score
 *
 *     score(Y) = (1 / lp(|Y|)) · Σ_t log p(y⟨t⟩ | y⟨<t⟩, x)
 *     lp(n) = n^α                 'average' (the normalized log-likelihood; α = 1: the mean)
 *     lp(n) = ((5 + n) / 6)^α     'gnmt' (Wu et al. 2016)
 *
 * α ∈ [0, 1]; α = 0 is the raw log-likelihood, which favours short outputs. Default:
 * 'average' with α = 0.7. A hypothesis that emits `endToken` is finished: it keeps its tokens
 * (the end token included) and its score, and competes with the live ones at every later
 * step; the search stops when every kept hypothesis is finished or after maxLength tokens.
 * The padding id is never emitted (it marks the end of a target in training).
 */
import { copyRows } from '../kernels/elementwise.js';
import { bridge } from '../models/bridge.js';
import type { Seq2Seq } from '../models/seq2seq.js';
import { type FloatArray, type Tensor, allocate } from '../tensor.js';
import { checkChoice, checkIndices, checkInteger, checkKeys, checkNumber, checkObject, describe } from '../validate.js';
import { argmax, logSoftmax } from './sample.js';

export interface BeamSearchOptions {
  /** Hypotheses kept at each step (default 1: greedy decoding). */
  beamWidth?: number;
  /** At most this many tokens are generated. */
  maxLength: number;
  /** A hypothesis is finished after this token (kept in its output). Default: none. */
  endToken?: number;
  /** α of the length normalization, in [0, 1] (default 0.7). */
  alpha?: number;
  /** `average` (default): Σ log p / |Y|^α; `gnmt`: Σ log p / ((5 + |Y|)/6)^α. */
  lengthPenalty?: 'average' | 'gnmt';
}

export interface Hypothesis {
  tokens: number[];
  /** Σ log p of its tokens. */
  logProb: number;
  /** logProb / lp(|tokens|): what the search ranks by. */
  score: number;
  /** α for each output token over the source steps (attention models), else null. */
  attention: Float64Array[] | null;
}

/** Decodes one source (token ids) by beam search; returns the best hypothesis. */
export function beamSearch(model: Seq2Seq, src: ArrayLike<number>, options: BeamSearchOptions): Hypothesis {
  const op = 'beamSearch';
  checkObject(op, 'options', options);
  checkKeys(op, 'options', options, ['beamWidth', 'maxLength', 'endToken', 'alpha', 'lengthPenalty']);
  const k = checkInteger(op, 'beamWidth', options.beamWidth ?? 1);
  const maxLength = checkInteger(op, 'maxLength', options.maxLength);
  const alpha = checkNumber(op, 'alpha', options.alpha ?? 0.7, 0, 1);
  const gnmt = checkChoice(op, 'lengthPenalty', options.lengthPenalty ?? 'average', ['average', 'gnmt'] as const) === 'gnmt';
  const { srcVocab, tgtVocab: V, embeddingDim: E, startToken, inputFeed, paddingIdx: pad } = model.options;
  const end = options.endToken;
  if (end !== undefined && (checkInteger(op, 'endToken', end, 0) >= V)) throw new RangeError(`${op}: endToken must be a target id < tgtVocab (${V}), got ${end}`);
  if (typeof src !== 'object' || src === null || typeof src.length !== 'number' || src.length === 0) {
    throw new TypeError(`${op}: src must be a non-empty array of source token ids, got ${describe(src)}`);
  }
  checkIndices(op, 'src', src, srcVocab, 'token');
  const lp = (n: number) => (gnmt ? ((5 + n) / 6) ** alpha : n ** alpha);

  const S = src.length, dtype = model.dtype, Hd = model.decoderSize, I = model.decoder.inputSize;
  const L = model.decoder.numLayers, f = (n: number) => allocate(dtype, n);
  // the encoder reads the source once
  const srcX: Tensor = { data: f(S * E), shape: [S, 1, E] };
  model.srcEmbedding.forward(srcX.data, 0, E, src, S);
  const enc = model.encoder.forwardUnchecked(srcX);
  // every live row attends to the same memory: H̄ repeated n times, time-major [S·n, Hd]
  const memory = f(S * k * Hd), lengths = new Int32Array(k).fill(S);
  let memoryRows = 0;
  const repeatMemory = (n: number) => {
    if (n === memoryRows) return;
    for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) copyRows(memory, (s * n + i) * Hd, Hd, enc.output.data, s * Hd, Hd, 1, Hd);
    memoryRows = n;
  };
  // the decoder's states for k rows, all starting from the bridged encoder state
  const h: Tensor = { data: f(L * k * Hd), shape: [L, k, Hd] };
  const c: Tensor | null = enc.cN ? { data: f(L * k * Hd), shape: [L, k, Hd] } : null;
  const H = model.encoder.hiddenSize, D = model.encoder.directions;
  bridge(h.data, enc.hN.data, L, D, H, 1, k);
  if (c) bridge(c.data, enc.cN!.data, L, D, H, 1, k);
  const x: Tensor = { data: f(k * I), shape: [1, k, I] }; // the first step has one live row, later ones k
  const hTilde = f(k * Hd), z = f(k * V), logp = new Float64Array(V);
  const nextH = f(h.data.length), nextC = c ? f(c.data.length) : null, nextTilde = f(k * Hd);

  let beams: Hypothesis[] = [{ tokens: [], logProb: 0, score: 0, attention: model.attention ? [] : null }];
  const last = (b: Hypothesis) => b.tokens[b.tokens.length - 1];
  const finished = (b: Hypothesis) => end !== undefined && b.tokens.length > 0 && last(b) === end;
  // one decoder forward per step: the weights are packed once, not at every step
  return model.withFrozenWeights(() => {
    for (let step = 0; step < maxLength && !beams.every(finished); step++) {
      const n = beams.length;
      // input of each live row: [W_tgt[previous token]; h̃⟨t−1⟩]
      const ids = beams.map((b) => (b.tokens.length ? last(b) : startToken));
      model.tgtEmbedding.forward(x.data, 0, I, ids, n);
      if (inputFeed) copyRows(x.data, E, I, hTilde, 0, Hd, n, Hd);
      const state = model.decoder.forwardUnchecked({ data: x.data.subarray(0, n * I), shape: [1, n, I] }, rows(h, n, L, k, Hd), c && rows(c, n, L, k, Hd));
      if (model.attention) {
        repeatMemory(n);
        model.attention.begin(1, n, S, memory.subarray(0, S * n * Hd), lengths);
        model.attention.forward(0, state.output.data, 0, Hd, hTilde, 0);
      } else {
        copyRows(hTilde, 0, Hd, state.output.data, 0, Hd, n, Hd);
      }
      model.head.forward(z, hTilde, 0, Hd, n);
      // [score, logProb, parent, token (−1: the finished parent itself)]
      const candidates: [number, number, number, number][] = [];
      beams.forEach((b, i) => {
        if (finished(b)) return candidates.push([b.score, b.logProb, i, -1]);
        logSoftmax(logp, z, i * V, V);
        logp[pad] = -Infinity;
        const best = argmax(logp, 0, V); // a beam of one keeps only the most likely token
        for (let v = 0; v < V; v++) {
          if (v !== pad && (k > 1 || v === best)) candidates.push([(b.logProb + logp[v]) / lp(b.tokens.length + 1), b.logProb + logp[v], i, v]);
        }
      });
      const chosen = candidates.sort((a, b) => b[0] - a[0]).slice(0, k);
      // row i of the next step continues from its parent's states and h̃
      chosen.forEach(([, , p], i) => {
        for (let l = 0; l < L; l++) {
          copyRows(nextH, (l * k + i) * Hd, Hd, state.hN.data, (l * n + p) * Hd, Hd, 1, Hd);
          if (nextC) copyRows(nextC, (l * k + i) * Hd, Hd, state.cN!.data, (l * n + p) * Hd, Hd, 1, Hd);
        }
        copyRows(nextTilde, i * Hd, Hd, hTilde, p * Hd, Hd, 1, Hd);
      });
      h.data.set(nextH);
      if (c) c.data.set(nextC!);
      hTilde.set(nextTilde);
      const alphaRow = (p: number) => Float64Array.from(model.attention!.alpha.subarray(p * S, (p + 1) * S));
      beams = chosen.map(([score, logProb, p, token]) => {
        const parent = beams[p];
        if (token < 0) return parent;
        return { tokens: [...parent.tokens, token], logProb, score, attention: parent.attention && [...parent.attention, alphaRow(p)] };
      });
    }
    return beams.reduce((a, b) => (b.score > a.score ? b : a));
  });
}

/** The first n rows (of k) of each layer's state data [L, k, Hd], as a tensor [L, n, Hd] (a copy when n < k). */
function rows(state: Tensor, n: number, L: number, k: number, Hd: number): Tensor {
  if (n === k) return state;
  const out: FloatArray = allocate(state.data instanceof Float64Array ? 'float64' : 'float32', L * n * Hd);
  for (let l = 0; l < L; l++) copyRows(out, l * n * Hd, Hd, state.data, l * k * Hd, Hd, n, Hd);
  return { data: out, shape: [L, n, Hd] };
}
