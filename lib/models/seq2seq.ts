/**
 * Encoder–decoder for Tx ≠ Ty (translation, reversing, sorting): the encoder reads x⟨1…Tx⟩
 * and its final state a⟨Tx⟩ (and c⟨Tx⟩) starts the decoder, a many-to-many model over
 * output tokens whose input at step t is the previous token (one-hot).
 *
 * Training uses teacher forcing: the decoder reads  start, y⟨1⟩, …, y⟨Ty−1⟩  and predicts
 * y⟨1⟩ … y⟨Ty⟩; the gradient reaching the decoder's initial state flows into the encoder
 * as dL/da⟨Tx⟩. Inference decodes greedily or by beam search.
 *
 * Parameter names: `encoder.weight_ih_l0`, …, `decoder.weight_ih_l0`, …, `decoder.head.weight`.
 */
import { Recurrent, type RecurrentOutput } from '../layers/recurrent.js';
import { type Param, zeroGrads } from '../param.js';
import { type DType, type Tensor, allocate, sizeOf } from '../tensor.js';
import { StateCarry } from '../training/state-carry.js';
import { asOperation, checkDataLength, checkIndices, checkInteger, checkObject, checkTensorLike, sameShape, shapeText } from '../validate.js';
import { argmax, logSoftmax } from '../generation/sample.js';
import { SequenceModel } from './sequence-model.js';

export interface Seq2SeqOptions {
  /** Cell of both encoder and decoder: `rnn_tanh`, `gru`, `lstm`, … */
  mode: string;
  /** Features per source step (the source vocabulary for one-hot sources). */
  inputSize: number;
  /** Output tokens, the start token included. */
  outputVocab: number;
  hiddenSize: number;
  numLayers?: number;
  bias?: boolean;
  dtype?: DType;
  seed?: number;
  /** The token the decoder reads first (default 0). */
  startToken?: number;
}

export interface BeamSearchOptions {
  beamWidth: number;
  maxLength: number;
  /** Decoding of a hypothesis stops after this token (kept in the output). */
  endToken?: number;
}

export interface Hypothesis {
  tokens: number[];
  /** Σ log p of its tokens. */
  logProb: number;
}

export class Seq2Seq {
  readonly encoder: Recurrent;
  readonly decoder: SequenceModel;
  readonly params: Param[];
  readonly startToken: number;
  readonly outputVocab: number;
  private decoderInput: Tensor | null = null;
  private encoderGrad: Tensor | null = null;

  constructor(options: Seq2SeqOptions) {
    const op = 'Seq2Seq';
    checkObject(op, 'options', options);
    const V = (this.outputVocab = checkInteger(op, 'outputVocab', options.outputVocab));
    this.startToken = this.checkToken(op, 'startToken', options.startToken ?? 0);
    const seed = options.seed ?? 0;
    const shared = {
      mode: options.mode, hiddenSize: options.hiddenSize, numLayers: options.numLayers,
      bias: options.bias, dtype: options.dtype,
    };
    [this.encoder, this.decoder] = asOperation(op, () => [
      new Recurrent({ ...shared, inputSize: options.inputSize, seed, namePrefix: 'encoder.' }),
      new SequenceModel({ ...shared, inputSize: V, outputSize: V, seed: seed + 1, namePrefix: 'decoder.' }),
    ] as const);
    this.params = [...this.encoder.params, ...this.decoder.params];
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }

  /**
   * Teacher-forced loss (summed over target steps, averaged over the batch) and BPTT through
   * decoder and encoder. source [Tx, B, I]; target token indices [Ty, B].
   */
  lossAndGrad(source: Tensor, target: { data: ArrayLike<number>; shape: readonly number[] }): number {
    const op = 'Seq2Seq.lossAndGrad';
    const [Tx, B] = this.encoder.checkInput(op, source);
    const ts = checkTensorLike<typeof target>(op, 'target', target).shape;
    const Ty = ts?.[0], V = this.outputVocab;
    if (!sameShape(ts, [Ty, B]) || !(Ty >= 1) || !Number.isInteger(Ty)) {
      throw new RangeError(`${op}: target has shape ${shapeText(ts)} but [Ty, ${B}] was expected`);
    }
    checkDataLength(op, 'target', target.data, ts);
    checkIndices(op, 'target', target.data, V, 'token');
    const enc = this.encoder.forwardUnchecked(source); // checked above
    // the decoder reads start, y⟨1⟩, …, y⟨Ty−1⟩, one-hot
    const x = (this.decoderInput = reuse(this.decoderInput, [Ty, B, V], this.decoder.dtype));
    x.data.fill(0);
    for (let i = 0; i < Ty * B; i++) x.data[i * V + (i < B ? this.startToken : target.data[i - B])] = 1;
    const loss = this.decoder.lossAndGrad(x, target, { h0: enc.hN, c0: enc.cN });
    const g = this.decoder.stateGradients!;
    // the encoder's outputs get no gradient: only its final state feeds the decoder
    this.encoderGrad = reuse(this.encoderGrad, [Tx, B, this.encoder.hiddenSize], this.encoder.dtype);
    this.encoder.backwardUnchecked(this.encoderGrad.data, g.dh0.data, g.dc0 && g.dc0.data);
    return loss;
  }

  /** Greedy decoding of one source [Tx, 1, I]: up to maxLength tokens, stopping after endToken. */
  greedy(source: Tensor, maxLength: number, endToken?: number): number[] {
    return this.beamSearch(source, { beamWidth: 1, maxLength, endToken }).tokens;
  }

  /**
   * Beam search over one source [Tx, 1, I]: keeps the beamWidth most likely prefixes
   * (by Σ log p), runs them as one batch, and returns the best hypothesis.
   */
  beamSearch(source: Tensor, options: BeamSearchOptions): Hypothesis {
    const op = 'Seq2Seq.beamSearch';
    const k = checkInteger(op, 'beamWidth', options?.beamWidth);
    const maxLength = checkInteger(op, 'maxLength', options.maxLength);
    const end = options.endToken;
    if (end !== undefined) this.checkToken(op, 'endToken', end);
    if (this.encoder.checkInput(op, source)[1] !== 1) throw new RangeError(`${op}: source has shape ${shapeText(source.shape)} but [Tx, 1, ${this.encoder.inputSize}] was expected (one source at a time)`);
    const V = this.outputVocab, H = this.encoder.hiddenSize, L = this.encoder.numLayers;
    const carry = new StateCarry(this.decoder.rnn, k);
    // carry row (l, i) = row (l, parents[i]) of a state with `width` rows a layer, h and c alike
    const gather = (state: RecurrentOutput, width: number, parents: number[]) => {
      for (const [to, from] of [[carry.h, state.hN], [carry.c, state.cN]]) {
        parents.forEach((p, i) => {
          for (let l = 0; to && from && l < L; l++) to.data.set(from.data.subarray((l * width + p) * H, (l * width + p + 1) * H), (l * k + i) * H);
        });
      }
    };
    gather(this.encoder.forwardUnchecked(source), 1, new Array(k).fill(0)); // every beam starts from the encoder's final state
    let beams: Hypothesis[] = [{ tokens: [], logProb: 0 }];
    const x: Tensor = { data: allocate(this.decoder.dtype, k * V), shape: [1, k, V] };
    const logp = new Float64Array(V);
    const last = (h: Hypothesis): number | undefined => h.tokens[h.tokens.length - 1];
    const ended = (h: Hypothesis) => end !== undefined && last(h) === end;
    for (let step = 0; step < maxLength && !beams.every(ended); step++) {
      x.data.fill(0);
      beams.forEach((h, b) => { x.data[b * V + (last(h) ?? this.startToken)] = 1; });
      const { z, state } = this.decoder.forward(x, carry.inputs());
      // [Σ log p, parent beam, token (−1: the ended parent itself)]
      const candidates: [number, number, number][] = [];
      beams.forEach((h, b) => {
        if (ended(h)) return candidates.push([h.logProb, b, -1]);
        logSoftmax(logp, z.data, b * V, V);
        const best = argmax(z.data, b * V, V); // a beam of one keeps only the most likely token
        for (let v = 0; v < V; v++) if (k > 1 || v === best) candidates.push([h.logProb + logp[v], b, v]);
      });
      const chosen = candidates.sort((a, b) => b[0] - a[0]).slice(0, k);
      // beam i continues from its parent's state
      gather(state, k, chosen.map((c) => c[1]));
      beams = chosen.map(([logProb, p, token]) => ({ tokens: token < 0 ? beams[p].tokens : [...beams[p].tokens, token], logProb }));
    }
    return beams[0];
  }

  /** Checks a token option: an integer in [0, outputVocab). */
  private checkToken(op: string, name: string, token: unknown): number {
    if (checkInteger(op, name, token, 0) >= this.outputVocab) throw new RangeError(`${op}: ${name} must be < outputVocab (${this.outputVocab}), got ${token}`);
    return token as number;
  }
}

/** `t` if it has `shape`, else a new zero tensor of that shape. */
function reuse(t: Tensor | null, shape: number[], dtype: DType): Tensor {
  return t && sameShape(t.shape, shape) ? t : { data: allocate(dtype, sizeOf(shape)), shape };
}
