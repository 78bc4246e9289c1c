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
import { Recurrent } from '../layers/recurrent.js';
import type { Param } from '../param.js';
import { type DType, type FloatArray, type Tensor, allocate, sizeOf } from '../tensor.js';
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
    const V = checkInteger(op, 'outputVocab', options.outputVocab);
    this.startToken = checkInteger(op, 'startToken', options.startToken ?? 0, 0);
    if (this.startToken >= V) throw new RangeError(`${op}: startToken must be < outputVocab (${V}), got ${this.startToken}`);
    const seed = options.seed ?? 0;
    const shared = {
      mode: options.mode, hiddenSize: options.hiddenSize, numLayers: options.numLayers,
      bias: options.bias, dtype: options.dtype,
    };
    this.encoder = asOperation(op, () => new Recurrent({ ...shared, inputSize: options.inputSize, seed, namePrefix: 'encoder.' }));
    this.decoder = asOperation(op, () => new SequenceModel({
      ...shared, inputSize: V, outputSize: V, seed: seed + 1, namePrefix: 'decoder.',
      topology: 'many_to_many', loss: 'cross_entropy',
    }));
    this.outputVocab = V;
    this.params = [...this.encoder.params, ...this.decoder.params];
  }

  zeroGrad(): void {
    this.encoder.zeroGrad();
    this.decoder.zeroGrad();
  }

  /**
   * Teacher-forced loss (summed over target steps, averaged over the batch) and BPTT through
   * decoder and encoder. source [Tx, B, I]; target token indices [Ty, B].
   */
  lossAndGrad(source: Tensor, target: { data: ArrayLike<number>; shape: readonly number[] }): number {
    const op = 'Seq2Seq.lossAndGrad';
    const [, B] = this.encoder.checkInput(op, source);
    const ts = checkTensorLike<typeof target>(op, 'target', target).shape;
    if (!Array.isArray(ts) || ts.length !== 2 || ts[1] !== B || !Number.isInteger(ts[0]) || ts[0] < 1) {
      throw new RangeError(`${op}: target has shape ${shapeText(ts)} but [Ty, ${B}] was expected`);
    }
    const Ty = ts[0], V = this.outputVocab, H = this.encoder.hiddenSize;
    checkDataLength(op, 'target', target.data, ts);
    checkIndices(op, 'target', target.data, V, 'token');
    const enc = this.encoder.forward(source);
    const x = this.teacherInput(Ty, B);
    for (let t = 0; t < Ty; t++) {
      for (let b = 0; b < B; b++) {
        const prev = t === 0 ? this.startToken : target.data[(t - 1) * B + b];
        x.data[(t * B + b) * V + prev] = 1;
      }
    }
    const loss = this.decoder.lossAndGrad(x, target, { h0: enc.hN, c0: enc.cN });
    const g = this.decoder.stateGradients!;
    const Tx = source.shape[0];
    const zeros = this.zeroGrad3(Tx, B, H);
    this.encoder.backwardUnchecked(zeros.data, g.dh0.data, g.dc0 ? g.dc0.data : null);
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
    if (end !== undefined) {
      checkInteger(op, 'endToken', end, 0);
      if (end >= this.outputVocab) throw new RangeError(`${op}: endToken must be < outputVocab (${this.outputVocab}), got ${end}`);
    }
    if (source?.shape?.[1] !== 1) throw new RangeError(`${op}: decode one source at a time: source must be [Tx, 1, ${this.encoder.inputSize}], got ${shapeText(source?.shape)}`);
    const V = this.outputVocab, H = this.encoder.hiddenSize, rows = this.encoder.numLayers;
    const enc = this.encoder.forward(source);
    const carry = new StateCarry(this.decoder.rnn, k);
    // carry row (l, i) = row (l, parentOf(i)) of states with `width` rows a layer, h and c alike
    const gather = (h: FloatArray, c: FloatArray | undefined, width: number, parentOf: (i: number) => number, n: number) => {
      for (let i = 0; i < n; i++) {
        for (let l = 0; l < rows; l++) {
          const from = (l * width + parentOf(i)) * H;
          carry.h.data.set(h.subarray(from, from + H), (l * k + i) * H);
          if (carry.c && c) carry.c.data.set(c.subarray(from, from + H), (l * k + i) * H);
        }
      }
    };
    gather(enc.hN.data, enc.cN?.data, 1, () => 0, k); // every beam starts from the encoder's final state
    let beams: Hypothesis[] = [{ tokens: [], logProb: 0 }];
    const x: Tensor = { data: allocate(this.decoder.dtype, k * V), shape: [1, k, V] };
    const logp = new Float64Array(V);
    const ended = (h: Hypothesis) => end !== undefined && h.tokens[h.tokens.length - 1] === end;
    for (let step = 0; step < maxLength; step++) {
      x.data.fill(0);
      beams.forEach((h, b) => { x.data[b * V + (h.tokens.length ? h.tokens[h.tokens.length - 1] : this.startToken)] = 1; });
      const { z, state } = this.decoder.forward(x, carry.inputs());
      const candidates: { parent: number; token: number; logProb: number }[] = [];
      beams.forEach((h, b) => {
        if (ended(h)) {
          candidates.push({ parent: b, token: -1, logProb: h.logProb });
        } else {
          logSoftmax(logp, z.data, b * V, V);
          const best = argmax(z.data, b * V, V); // a beam of one keeps only the most likely token
          for (let v = 0; v < V; v++) if (k > 1 || v === best) candidates.push({ parent: b, token: v, logProb: h.logProb + logp[v] });
        }
      });
      candidates.sort((a, b) => b.logProb - a.logProb);
      const chosen = candidates.slice(0, k);
      // beam i continues from its parent's state
      gather(state.hN.data, state.cN?.data, k, (i) => chosen[i].parent, chosen.length);
      beams = chosen.map((cand) => ({
        tokens: cand.token < 0 ? beams[cand.parent].tokens : [...beams[cand.parent].tokens, cand.token],
        logProb: cand.logProb,
      }));
      if (beams.every(ended)) break;
    }
    return beams[0];
  }

  private teacherInput(Ty: number, B: number): Tensor {
    this.decoderInput = reuse(this.decoderInput, [Ty, B, this.outputVocab], this.decoder.dtype);
    this.decoderInput.data.fill(0);
    return this.decoderInput;
  }

  private zeroGrad3(T: number, B: number, H: number): Tensor {
    return (this.encoderGrad = reuse(this.encoderGrad, [T, B, H], this.encoder.dtype));
  }
}

/** `t` if it has `shape`, else a new zero tensor of that shape. */
function reuse(t: Tensor | null, shape: number[], dtype: DType): Tensor {
  return t && sameShape(t.shape, shape) ? t : { data: allocate(dtype, sizeOf(shape)), shape };
}
