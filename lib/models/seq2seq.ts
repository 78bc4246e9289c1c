/**
 * Encoder–decoder for Tx ≠ Ty (translation, grapheme-to-phoneme, reversing), with token
 * embeddings on both sides and optional Luong attention, exactly as the `seq2seq` reference
 * fixtures define it (../shared/reference/README.md):
 *
 *   encoder   h̄⟨1…S⟩ = recurrent stack (optionally bidirectional) over W_src[src], each row
 *             read for its first srcLengths[b] steps (packed-sequence semantics)
 *   bridge    the decoder's initial state per layer = the encoder's final states of that
 *             layer, directions concatenated [h_fwd; h_bwd] (and so for c): Hd = D·H
 *   decoder   step t reads [W_tgt[y⟨t−1⟩]; h̃⟨t−1⟩] (h̃ only with input feeding, zeros at t = 0),
 *             h⟨t⟩ = its top layer, h̃⟨t⟩ = attention(h⟨t⟩, h̄) (or h⟨t⟩ without attention)
 *   output    logits⟨t⟩ = W_head h̃⟨t⟩ + b_head; the loss is the cross-entropy summed over
 *             every target position whose id is not padding, divided by B
 *
 * Training uses teacher forcing (`lossAndGrad` with tgtIn = start, y⟨1⟩, …); BPTT runs the
 * decoder backward step by step (input feeding carries dL/dh̃⟨t−1⟩ from step t), then the
 * attention's gradient into the memory and the bridge's into the encoder's final states.
 * Greedy decoding and beam search (`greedy`, `beamSearch`) live in generation/beam-search.ts.
 *
 * Parameter names: `encoder.embedding.weight`, `encoder.weight_ih_l0`, …,
 * `decoder.embedding.weight`, `decoder.weight_ih_l0`, …, `decoder.attention.*`,
 * `decoder.head.weight`, `decoder.head.bias`.
 */
import { type BeamSearchOptions, type Hypothesis, beamSearch } from '../generation/beam-search.js';
import { Attention, type AttentionScore, attentionScores } from '../layers/attention.js';
import { Embedding } from '../layers/embedding.js';
import { withFrozen } from '../layers/freeze.js';
import { Linear } from '../layers/linear.js';
import { Recurrent } from '../layers/recurrent.js';
import { bridge, bridgeBack } from './bridge.js';
import { checkLengths } from '../layers/stack.js';
import { copyRows, addRows } from '../kernels/elementwise.js';
import type { Loss } from '../losses/loss.js';
import { getLoss } from '../losses/registry.js';
import { type Param, initUniform, zeroGrads } from '../param.js';
import { Random } from '../random.js';
import { type DType, type FloatArray, type Tensor, allocate } from '../tensor.js';
import { asOperation, checkBoolean, checkChoice, checkInteger, checkKeys, checkObject, checkTokenIds, shapeText } from '../validate.js';

export interface Seq2SeqOptions {
  /** Cell of both sides: `rnn_tanh`, `rnn_relu`, `gru` or `lstm`. */
  mode: string;
  /** Source tokens (ids 0…srcVocab−1, padding included). */
  srcVocab: number;
  /** Target tokens (padding and start token included). */
  tgtVocab: number;
  /** E: embedding width of both sides. */
  embeddingDim: number;
  /** H: hidden units of each encoder direction; the decoder has D·H. */
  hiddenSize: number;
  /** L: layers of each side (default 1). */
  numLayers?: number;
  /** A bidirectional encoder (default false). */
  bidirectionalEncoder?: boolean;
  /** `none` (default), `dot`, `general` or `mlp`. */
  attention?: 'none' | AttentionScore;
  /** Feed h̃⟨t−1⟩ into the decoder's input at step t (default false). */
  inputFeed?: boolean;
  /** The padding id of both sides (default 0): no embedding gradient, no loss. */
  paddingIdx?: number;
  /** The decoder's first input (default 1). */
  startToken?: number;
  /** With false, no bias in the recurrent stacks and the head (default true). */
  bias?: boolean;
  dtype?: DType;
  seed?: number;
}

/** A teacher-forced batch: token ids, time-major. */
export interface Seq2SeqBatch {
  /** [S, B] source ids. */
  src: TokenTensor;
  /** B lengths in 1…S (default: every row is S long). */
  srcLengths?: ArrayLike<number> | null;
  /** [T, B] decoder inputs: the start token, then the target shifted right. */
  tgtIn: TokenTensor;
  /** [T, B] targets; the padding id where a row has ended. */
  tgtOut: TokenTensor;
}

export interface TokenTensor {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

export interface Seq2SeqOutput {
  /** [T, B, tgtVocab] */
  readonly logits: Tensor;
  /** α [T, B, S], or null without attention. */
  readonly attention: Tensor | null;
}

const OPTION_KEYS = ['mode', 'srcVocab', 'tgtVocab', 'embeddingDim', 'hiddenSize', 'numLayers', 'bidirectionalEncoder',
  'attention', 'inputFeed', 'paddingIdx', 'startToken', 'bias', 'dtype', 'seed'];

interface Workspace {
  S: number;
  T: number;
  B: number;
  srcEmbedded: Tensor;
  /** the decoder's initial states [L, B, Hd] */
  h0: FloatArray;
  c0: FloatArray | null;
  /** h̃ [T·B, Hd], logits and their gradient [T·B, V], loss weights */
  hTilde: FloatArray;
  z: FloatArray;
  dz: FloatArray;
  weights: Float64Array;
  dHTilde: FloatArray;
  /** dL/dh of the decoder's top layer [T·B, Hd] */
  dTop: FloatArray;
  /** dL/dH̄ without attention: zeros [S·B, Hd] */
  zeroMemoryGrad: FloatArray;
  /** the encoder's dL/dh_n, dL/dc_n [L·D, B, H] */
  dhN: FloatArray;
  dcN: FloatArray | null;
  lengths: Int32Array;
  output: Seq2SeqOutput;
}

export class Seq2Seq {
  readonly options: Readonly<Required<Seq2SeqOptions>>;
  readonly srcEmbedding: Embedding;
  readonly encoder: Recurrent;
  readonly tgtEmbedding: Embedding;
  readonly decoder: Recurrent;
  readonly attention: Attention | null;
  readonly head: Linear;
  readonly loss: Loss;
  readonly params: Param[];
  private ws: Workspace | null = null;
  /** ids of the last forward, for the embeddings' backward */
  private last: Seq2SeqBatch | null = null;

  constructor(options: Seq2SeqOptions) {
    const op = 'Seq2Seq';
    checkObject(op, 'options', options);
    checkKeys(op, 'options', options, OPTION_KEYS);
    const srcVocab = checkInteger(op, 'srcVocab', options.srcVocab);
    const tgtVocab = checkInteger(op, 'tgtVocab', options.tgtVocab);
    const E = checkInteger(op, 'embeddingDim', options.embeddingDim);
    const H = checkInteger(op, 'hiddenSize', options.hiddenSize);
    const L = checkInteger(op, 'numLayers', options.numLayers ?? 1);
    const bidirectional = checkBoolean(op, 'bidirectionalEncoder', options.bidirectionalEncoder ?? false);
    const attention = checkChoice(op, 'attention', options.attention ?? 'none', ['none', ...attentionScores] as const);
    const inputFeed = checkBoolean(op, 'inputFeed', options.inputFeed ?? false);
    const paddingIdx = checkInteger(op, 'paddingIdx', options.paddingIdx ?? 0, 0);
    const startToken = checkInteger(op, 'startToken', options.startToken ?? 1, 0);
    for (const [name, id] of [['paddingIdx', paddingIdx], ['startToken', startToken]] as const) {
      if (id >= tgtVocab) throw new RangeError(`${op}: ${name} must be a target id < tgtVocab (${tgtVocab}), got ${id}`);
    }
    if (paddingIdx >= srcVocab) throw new RangeError(`${op}: paddingIdx must be a source id < srcVocab (${srcVocab}), got ${paddingIdx}`);
    const seed = checkInteger(op, 'seed', options.seed ?? 0, 0);
    const bias = checkBoolean(op, 'bias', options.bias ?? true);
    const D = bidirectional ? 2 : 1, Hd = D * H;
    const shared = { mode: options.mode, numLayers: L, bias, dtype: options.dtype };
    this.encoder = asOperation(op, () => new Recurrent({ ...shared, inputSize: E, hiddenSize: H, bidirectional, seed, namePrefix: 'encoder.' }));
    const dtype = this.encoder.dtype;
    this.decoder = new Recurrent({ ...shared, inputSize: E + (inputFeed ? Hd : 0), hiddenSize: Hd, seed: seed + 1, namePrefix: 'decoder.' });
    this.srcEmbedding = new Embedding({ numEmbeddings: srcVocab, embeddingDim: E, paddingIdx }, dtype, 'encoder.', op);
    this.tgtEmbedding = new Embedding({ numEmbeddings: tgtVocab, embeddingDim: E, paddingIdx }, dtype, 'decoder.', op);
    this.attention = attention === 'none' ? null : new Attention(attention, Hd, dtype);
    this.head = new Linear(Hd, tgtVocab, bias, dtype, 'decoder.head');
    this.loss = getLoss('cross_entropy', op);
    this.params = [
      ...this.srcEmbedding.params, ...this.encoder.params, ...this.tgtEmbedding.params, ...this.decoder.params,
      ...(this.attention?.params ?? []), ...this.head.params,
    ];
    this.options = {
      mode: this.encoder.mode, srcVocab, tgtVocab, embeddingDim: E, hiddenSize: H, numLayers: L,
      bidirectionalEncoder: bidirectional, attention, inputFeed, paddingIdx, startToken, bias, dtype, seed,
    };
    this.resetParameters(seed);
  }

  /** Hd: the decoder's hidden size (D·H). */
  get decoderSize(): number {
    return this.decoder.hiddenSize;
  }

  get dtype(): DType {
    return this.encoder.dtype;
  }

  /**
   * PyTorch's default initialisation, seeded: N(0, 1) embeddings (padding rows zero),
   * U(−1/√H, 1/√H) recurrent weights, U(−1/√fan_in, 1/√fan_in) attention and head.
   */
  resetParameters(seed = 0): void {
    this.encoder.resetParameters(seed);
    this.decoder.resetParameters(seed + 1);
    const rng = new Random((seed ^ 0x5e92) >>> 0);
    this.srcEmbedding.resetParameters(rng);
    this.tgtEmbedding.resetParameters(rng);
    this.attention?.resetParameters(rng);
    const k = 1 / Math.sqrt(this.head.inFeatures);
    initUniform(this.head.params, k, rng);
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }

  /** Teacher-forced forward: logits [T, B, V] and α [T, B, S]; views valid until the next call. */
  forward(batch: Seq2SeqBatch): Seq2SeqOutput {
    this.checkBatch('Seq2Seq.forward', batch);
    return this.run(batch);
  }

  /** The logits and α of the last forward (lossAndGrad's included): views valid until the next call. */
  lastOutput(): Seq2SeqOutput {
    if (!this.ws) throw new Error('Seq2Seq.lastOutput: call forward or lossAndGrad first');
    return this.ws.output;
  }

  /** The teacher-forced loss without gradients. */
  evaluate(batch: Seq2SeqBatch): number {
    this.checkBatch('Seq2Seq.evaluate', batch);
    this.run(batch);
    return this.score(batch);
  }

  /**
   * Teacher-forced loss (cross-entropy summed over non-padding targets, divided by B) and
   * BPTT through decoder, attention, bridge and encoder: dL/dθ is added into every grad.
   */
  lossAndGrad(batch: Seq2SeqBatch): number {
    this.checkBatch('Seq2Seq.lossAndGrad', batch);
    return this.lossAndGradUnchecked(batch);
  }

  /** lossAndGrad for a batch the caller has checked with `checkBatch`. */
  lossAndGradUnchecked(batch: Seq2SeqBatch): number {
    this.run(batch);
    const loss = this.score(batch);
    this.backward();
    return loss;
  }

  /**
   * Beam search over one source (its token ids): see generation/beam-search.ts for the
   * length-normalized score and end-of-sequence handling.
   */
  beamSearch(src: ArrayLike<number>, options: BeamSearchOptions): Hypothesis {
    return beamSearch(this, src, options);
  }

  /**
   * Runs `fn` with the weights frozen: the forwards inside it reuse the weights the first of
   * them packs instead of packing them at every call (decoding runs one forward per target
   * step; beamSearch, greedy and greedyBatch do this). `fn` must not change a weight; returns
   * what it returns.
   */
  withFrozenWeights<T>(fn: () => T): T {
    return withFrozen([...this.encoder.layers.flat(), ...this.decoder.layers.flat(), this.head, this.attention], fn);
  }

  /** Greedy decoding of one source: the most likely token at every step (a beam of one). */
  greedy(src: ArrayLike<number>, options: Omit<BeamSearchOptions, 'beamWidth'>): Hypothesis {
    return beamSearch(this, src, { ...options, beamWidth: 1 });
  }

  /** Checks a batch (ids in range, shapes, lengths), naming `op`; returns [S, T, B]. */
  checkBatch(op: string, batch: Seq2SeqBatch): [number, number, number] {
    checkObject(op, 'batch', batch);
    checkKeys(op, 'batch', batch, ['src', 'srcLengths', 'tgtIn', 'tgtOut']);
    const [S, B] = checkTokenIds(op, 'src', batch.src, this.options.srcVocab, '[steps, B]');
    const [T, B2] = checkTokenIds(op, 'tgtIn', batch.tgtIn, this.options.tgtVocab, '[steps, B]');
    const [T2, B3] = checkTokenIds(op, 'tgtOut', batch.tgtOut, this.options.tgtVocab, '[steps, B]');
    if (B2 !== B || B3 !== B || T2 !== T) {
      throw new RangeError(`${op}: src ${shapeText(batch.src.shape)}, tgtIn ${shapeText(batch.tgtIn.shape)} and tgtOut ${shapeText(batch.tgtOut.shape)} must share B, and tgtIn and tgtOut T`);
    }
    if (batch.srcLengths != null) checkLengths(op, batch.srcLengths, S, B, 'srcLengths');
    return [S, T, B];
  }

  /** Encoder, bridge, decoder steps with attention, head: a checked batch forward. */
  private run(batch: Seq2SeqBatch): Seq2SeqOutput {
    const S = batch.src.shape[0], B = batch.src.shape[1], T = batch.tgtIn.shape[0];
    const ws = this.reserve(S, T, B);
    const E = this.options.embeddingDim, Hd = this.decoderSize, feed = this.options.inputFeed;
    const I = this.decoder.inputSize;
    this.last = batch;
    for (let b = 0; b < B; b++) ws.lengths[b] = batch.srcLengths ? batch.srcLengths[b] : S;
    this.srcEmbedding.forward(ws.srcEmbedded.data, 0, E, batch.src.data, S * B);
    const enc = this.encoder.forwardUnchecked(ws.srcEmbedded, null, null, batch.srcLengths ? ws.lengths : null);
    const { numLayers: L, directions: D, hiddenSize: H } = this.encoder;
    bridge(ws.h0, enc.hN.data, L, D, H, B);
    if (ws.c0) bridge(ws.c0, enc.cN!.data, L, D, H, B);
    const X = this.decoder.beginSteps(T, B, ws.h0, ws.c0);
    this.tgtEmbedding.forward(X, 0, I, batch.tgtIn.data, T * B);
    if (feed) for (let b = 0; b < B; b++) X.fill(0, b * I + E, (b + 1) * I); // h̃⟨−1⟩ = 0
    if (this.attention) {
      this.attention.begin(T, B, S, enc.output.data, ws.lengths);
      // α lives in the attention's workspace, which decoding at other sizes may have replaced
      if (ws.output.attention?.data !== this.attention.alpha) ws.output = { logits: ws.output.logits, attention: { data: this.attention.alpha, shape: [T, B, S] } };
    }
    const h = this.decoder.forwardOutput(); // the top layer's a⟨t⟩, rows t·B…
    for (let t = 0; t < T; t++) {
      this.decoder.forwardStep(t);
      const o = t * B * Hd;
      if (this.attention) this.attention.forward(t, h, o, Hd, ws.hTilde, o);
      else copyRows(ws.hTilde, o, Hd, h, o, Hd, B, Hd);
      if (feed && t < T - 1) copyRows(X, (t + 1) * B * I + E, I, ws.hTilde, o, Hd, B, Hd);
    }
    this.head.forward(ws.z, ws.hTilde, 0, Hd, T * B);
    return ws.output;
  }

  /** The loss of the last forward; leaves dL/dlogits in the workspace. */
  private score(batch: Seq2SeqBatch): number {
    const ws = this.ws!, rows = ws.T * ws.B, pad = this.options.paddingIdx;
    for (let r = 0; r < rows; r++) ws.weights[r] = batch.tgtOut.data[r] === pad ? 0 : 1;
    return this.loss.lossAndGrad(ws.dz, ws.z, 0, rows, this.options.tgtVocab, batch.tgtOut.data, 0, ws.weights, 0, 1 / ws.B);
  }

  private backward(): void {
    const ws = this.ws!, batch = this.last!, { S, T, B } = ws;
    const E = this.options.embeddingDim, Hd = this.decoderSize, I = this.decoder.inputSize, feed = this.options.inputFeed;
    this.head.backward(ws.dz, ws.hTilde, 0, Hd, T * B, ws.dHTilde, 0, false);
    this.decoder.beginStepBackward(null, null);
    this.attention?.beginBackward();
    const h = this.decoder.forwardOutput();
    let dX: FloatArray = ws.dTop;
    for (let t = T - 1; t >= 0; t--) {
      const o = t * B * Hd;
      // dL/dh̃⟨t⟩ is complete: the head's part, and step t+1's input-feeding part
      if (this.attention) {
        ws.dTop.fill(0, o, o + B * Hd);
        this.attention.backward(t, ws.dHTilde, o, ws.hTilde, o, h, o, Hd, ws.dTop, o);
      } else {
        copyRows(ws.dTop, o, Hd, ws.dHTilde, o, Hd, B, Hd);
      }
      dX = this.decoder.backwardStep(t, ws.dTop);
      if (feed && t > 0) addRows(ws.dHTilde, (t - 1) * B * Hd, Hd, dX, t * B * I + E, I, B, Hd);
    }
    const g = this.decoder.endStepBackward();
    this.tgtEmbedding.backward(dX, 0, I, batch.tgtIn.data, T * B);
    const dMemory = this.attention ? this.attention.endBackward() : ws.zeroMemoryGrad;
    const { numLayers: L, directions: D, hiddenSize: H } = this.encoder;
    bridgeBack(ws.dhN, g.dh0.data, L, D, H, B);
    if (ws.dcN) bridgeBack(ws.dcN, g.dc0!.data, L, D, H, B);
    const enc = this.encoder.backwardUnchecked(dMemory, ws.dhN, ws.dcN);
    this.srcEmbedding.backward(enc.dx.data, 0, E, batch.src.data, S * B);
  }

  private reserve(S: number, T: number, B: number): Workspace {
    const ws = this.ws;
    if (ws && ws.S === S && ws.T === T && ws.B === B) return ws;
    const f = (n: number) => allocate(this.dtype, n);
    const E = this.options.embeddingDim, Hd = this.decoderSize, V = this.options.tgtVocab, L = this.options.numLayers;
    const lstm = this.encoder.hasCellState, nEnc = L * this.encoder.directions * B * this.encoder.hiddenSize;
    const z = f(T * B * V);
    const next: Workspace = {
      S, T, B,
      srcEmbedded: { data: f(S * B * E), shape: [S, B, E] },
      h0: f(L * B * Hd), c0: lstm ? f(L * B * Hd) : null,
      hTilde: f(T * B * Hd), z, dz: f(T * B * V), weights: new Float64Array(T * B),
      dHTilde: f(T * B * Hd), dTop: f(T * B * Hd), zeroMemoryGrad: f(this.attention ? 0 : S * B * Hd),
      dhN: f(nEnc), dcN: lstm ? f(nEnc) : null,
      lengths: new Int32Array(B),
      output: { logits: { data: z, shape: [T, B, V] }, attention: null },
    };
    return (this.ws = next);
  }
}
