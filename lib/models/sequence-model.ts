/**
 * A sequence model, trained: the forward pass of `ForwardSequenceModel`
 * (sequence-model-forward.ts), with a loss summed over time steps and outputs and averaged over
 * the batch, its gradient through the head, the recurrent stack (BPTT) and the embedding,
 * training mode and dropout (between stacked layers, on the embedding's output, before the head).
 */
import { applyMask, drawMask } from '../layers/dropout.js';
import { Linear } from '../layers/linear.js';
import { RecurrentStack, type RecurrentGradients, type RecurrentOutput } from '../layers/stack.js';
import { zeroGrads } from '../param.js';
import type { Random } from '../random.js';
import { type FloatArray, type Tensor, allocate, formatShape } from '../tensor.js';
import { checkDataLength, checkFinite, checkIndices, checkTensorLike, sameShape, shapeText } from '../validate.js';
import {
  ForwardSequenceModel, type ForwardModelWorkspace, type ModelInput, type ModelParts, type SequenceInputs, type SequenceModelOptions,
} from './sequence-model-forward.js';

export {
  ForwardSequenceModel, type Topology, type SequenceModelOptions, type TokenIds, type ModelInput, type SequenceInputs, type Prediction,
} from './sequence-model-forward.js';

interface ModelWorkspace extends ForwardModelWorkspace {
  /** dL/dz [rows, V] (dL/dy for mse, until the head's backward turns it into dL/dz). */
  dz: FloatArray;
  /** dL/doutput of the recurrent stack [T·B, D·H]. */
  dOutput: FloatArray;
  /** per-row loss weights (0 on padding) */
  weights: Float64Array;
  /** headDropout only: the head's input after dropout [rows, D·H] and its mask */
  aDropped: FloatArray;
  headMask: FloatArray;
}

const TRAINED_PARTS: ModelParts<RecurrentStack, Linear> = {
  stack: (...args) => new RecurrentStack(...args),
  head: (...args) => new Linear(...args),
};

export class SequenceModel extends ForwardSequenceModel<RecurrentStack, Linear> {
  /** dL/dh0 and dL/dc0 of the last lossAndGrad (what an encoder feeding h0 needs). */
  stateGradients: RecurrentGradients | null = null;
  protected declare ws: ModelWorkspace | null;
  /** With an embedding: the ids of the last forward and its dropout mask. */
  private ids: ArrayLike<number> = [];
  private embeddedMask: FloatArray | null = null;
  /** Whether the last forward applied embedding / head dropout. */
  private droppedEmbedding = false;
  private droppedHead = false;

  constructor(options: SequenceModelOptions) {
    super(options, TRAINED_PARTS);
  }

  zeroGrad(): void {
    zeroGrads(this.params);
  }

  /** Training mode (the default, as PyTorch's): dropout applies. Returns this. */
  train(mode = true): this {
    this.rnn.train(mode);
    return this;
  }

  /** Evaluation mode: no dropout (predictions, validation). Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Whether the model is in training mode. */
  get training(): boolean {
    return this.rnn.training;
  }

  /** The generator every dropout mask is drawn from (seeded by `seed`): `rnn.rng`. */
  get rng(): Random {
    return this.rnn.rng;
  }

  /** Keeps the ids (for the embedding's backward) and, in training, drops some of the embedded input out. */
  protected override embeddingDone(t: Tensor, ids: ArrayLike<number>): void {
    this.ids = ids;
    const p = this.options.embeddingDropout, n = t.data.length;
    this.droppedEmbedding = p > 0 && this.training;
    if (this.droppedEmbedding) {
      if (this.embeddedMask?.length !== n) this.embeddedMask = allocate(this.dtype, n);
      applyMask(t.data, t.data, drawMask(this.embeddedMask, 0, n, p, this.rng), n);
    }
  }

  /** In training with headDropout, the head's input with some of it dropped out. */
  protected override inputToHead(a: FloatArray): FloatArray {
    const ws = this.ws!, p = this.options.headDropout, n = ws.rows * this.head.inFeatures;
    this.droppedHead = p > 0 && this.training;
    return this.droppedHead ? applyMask(ws.aDropped, a, drawMask(ws.headMask, 0, n, p, this.rng), n) : a;
  }

  /**
   * Forward, loss and backward in one call: returns the loss (summed over steps and outputs,
   * averaged over the batch) and accumulates dL/dθ into every param's grad.
   * target: class indices [T, B] / [B] for cross-entropy; values [T, B, V] / [B, V] otherwise.
   */
  lossAndGrad(x: ModelInput, target: Tensor | { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): number {
    this.checkBatch('SequenceModel.lossAndGrad', x, target, inputs);
    return this.lossAndGradUnchecked(x, target, inputs);
  }

  /**
   * lossAndGrad without the batch checks, for a caller that has just made them with
   * `checkBatch` (the trainer checks before it zeroes the gradients).
   */
  lossAndGradUnchecked(x: ModelInput, target: Tensor | { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): number {
    const loss = this.score(x, target, inputs);
    const ws = this.ws!, DH = this.head.inFeatures;
    // for mse the loss gave dL/dy; dz = g2'(z) ⊙ dy
    if (this.loss.name === 'mse') this.g2.backward(ws.dz, 0, ws.dz, 0, ws.z, 0, ws.y, 0, ws.rows * this.outputSize);
    const m2o = this.topology === 'many_to_one', n = ws.rows * DH;
    // dL/d(head input): through the head, then through its dropout
    const headInput = this.droppedHead ? ws.aDropped : m2o ? ws.aLast : this.rnn.forwardOutput();
    const dA = m2o ? ws.aLast : ws.dOutput;
    this.head.backward(ws.dz, headInput, 0, DH, ws.rows, dA, 0, false);
    if (this.droppedHead) applyMask(dA, dA, ws.headMask, n);
    if (m2o) {
      // only each row's last valid step receives a gradient
      ws.dOutput.fill(0);
      this.lastSteps(ws.dOutput, inputs, true);
    }
    this.stateGradients = this.rnn.backwardUnchecked(ws.dOutput, null, null);
    if (this.embedding) {
      const dx = this.stateGradients.dx.data, E = this.embedding.embeddingDim;
      if (this.droppedEmbedding) applyMask(dx, dx, this.embeddedMask!, ws.T * ws.B * E);
      this.embedding.backward(dx, 0, E, this.ids, ws.T * ws.B);
    }
    return loss;
  }

  /** The loss on a batch without gradients (validation). Same shapes as lossAndGrad. */
  evaluate(x: ModelInput, target: Tensor | { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): number {
    this.checkBatch('SequenceModel.evaluate', x, target, inputs);
    return this.score(x, target, inputs);
  }

  /** Runs a checked batch forward and returns the loss; dL/dz (dL/dy for mse) is left in the workspace. */
  private score(x: ModelInput, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs): number {
    this.run(x, inputs);
    const ws = this.ws!, { T, B } = ws;
    // padding steps weigh nothing in the loss
    ws.weights.fill(1);
    if (inputs.lengths && this.topology === 'many_to_many') {
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= inputs.lengths[b]) ws.weights[t * B + b] = 0;
    }
    if (this.options.batchFirst && this.topology === 'many_to_many') target = this.timeMajor('target', target, this.loss.targets === 'class');
    return this.loss.lossAndGrad(ws.dz, this.loss.name === 'mse' ? ws.y : ws.z, 0, ws.rows, this.outputSize, target.data, 0, ws.weights, 0, 1 / ws.B);
  }

  /** Every check lossAndGrad makes on a batch (x, h0, c0, lengths, then target), named by `op`; changes nothing. */
  checkBatch(op: string, x: ModelInput, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs: SequenceInputs = {}): void {
    const [T, B] = this.checkInputs(op, x, inputs);
    const { data, shape } = checkTensorLike<typeof target>(op, 'target', target);
    const V = this.outputSize;
    const classes = this.loss.targets === 'class';
    const lead = this.topology === 'many_to_one' ? [B] : this.options.batchFirst ? [B, T] : [T, B];
    const want = classes ? lead : [...lead, V];
    if (!sameShape(shape, want)) {
      throw new RangeError(`${op}: target has shape ${shapeText(shape)} but ${formatShape(want)} was expected (${this.topology}, ${this.loss.name})`);
    }
    checkDataLength(op, 'target', data, want);
    if (classes) return checkIndices(op, 'target', data, V, 'class');
    checkFinite(op, 'target', data);
    for (let i = 0; this.loss.name === 'bce' && i < data.length; i++) {
      if (data[i] < 0 || data[i] > 1) throw new RangeError(`${op}: bce targets must be in [0, 1], but entry ${i} is ${data[i]}`);
    }
  }

  /** The forward's buffers plus the loss's, BPTT's and head dropout's. */
  protected override workspace(T: number, B: number, state: RecurrentOutput): ModelWorkspace {
    const ws = super.workspace(T, B, state), DH = this.head.inFeatures, rows = ws.rows, hd = this.options.headDropout > 0 ? rows * DH : 0;
    const f = (n: number) => allocate(this.dtype, n);
    return { ...ws, dz: f(rows * this.outputSize), dOutput: f(T * B * DH), weights: new Float64Array(rows), aDropped: f(hd), headMask: f(hd) };
  }
}
