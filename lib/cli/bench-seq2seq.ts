/**
 * `rnnkit bench --config seq2seq`: one teacher-forced training step (forward, loss, BPTT
 * through decoder, attention, bridge and encoder, Adam update) and one teacher-forced
 * forward of the encoder–decoder the seq2seq fixtures define, at a grapheme-to-phoneme size:
 * B = 32 words of S = 12 letters into T = 12 phonemes, embeddings E = 64, a bidirectional
 * LSTM encoder of H = 128 a direction (Hd = 256), general attention with input feeding.
 * FLOPs count the recurrent products, 2·B·(S·D·(E+H)·4H + T·(E+Hd+Hd)·4Hd), and attention
 * and head, 2·B·T·(S·Hd·2 + Hd·Hd + 2Hd·Hd + Hd·V); ×3 for a training step.
 */
import { Seq2Seq, type Seq2SeqBatch } from '../models/seq2seq.js';
import { Adam } from '../optimizers/adam.js';
import { Random } from '../random.js';

export const SEQ2SEQ_BENCH = { B: 32, S: 12, T: 12, E: 64, H: 128, srcVocab: 30, tgtVocab: 42 } as const;

export class Seq2SeqHarness {
  readonly model: Seq2Seq;
  readonly batch: Seq2SeqBatch;
  private readonly adam: Adam;
  readonly flops: number;

  constructor(seed = 1) {
    const { B, S, T, E, H, srcVocab, tgtVocab } = SEQ2SEQ_BENCH;
    this.model = new Seq2Seq({ mode: 'lstm', srcVocab, tgtVocab, embeddingDim: E, hiddenSize: H, bidirectionalEncoder: true, attention: 'general', inputFeed: true, seed });
    const rng = new Random(seed);
    const ids = (n: number, V: number) => Int32Array.from({ length: n }, () => 2 + rng.int(V - 2));
    const tgtOut = ids(T * B, tgtVocab), tgtIn = new Int32Array(T * B);
    tgtIn.fill(1, 0, B);
    tgtIn.set(tgtOut.subarray(0, (T - 1) * B), B);
    const srcLengths = Int32Array.from({ length: B }, () => 4 + rng.int(S - 3));
    this.batch = { src: { data: ids(S * B, srcVocab), shape: [S, B] }, srcLengths, tgtIn: { data: tgtIn, shape: [T, B] }, tgtOut: { data: tgtOut, shape: [T, B] } };
    this.adam = new Adam(this.model.params, { lr: 1e-3 });
    const Hd = 2 * H;
    this.flops = 2 * B * (S * 2 * (E + H) * 4 * H + T * (E + 2 * Hd) * 4 * Hd) + 2 * B * T * (2 * S * Hd + 3 * Hd * Hd + Hd * tgtVocab);
  }

  infer(): void {
    this.model.forward(this.batch);
  }

  train(): number {
    this.model.zeroGrad();
    const loss = this.model.lossAndGrad(this.batch);
    this.adam.step();
    return loss;
  }
}
