/**
 * A sequence model run forward: a recurrent stack and an output head,
 *
 *     a⟨t⟩ = recurrent stack(x⟨t⟩, a⟨t−1⟩)        y⟨t⟩ = g2(Wya·a⟨t⟩ + by)
 *
 * Topologies: `many_to_many` predicts at every step (tagging, language models, the decoder of
 * an encoder–decoder); `many_to_one` predicts once from each sequence's last valid step.
 * g2 is softmax for cross-entropy, σ for binary cross-entropy, and for MSE any registered
 * activation (identity by default).
 *
 * With `embedding`, the model reads token ids instead of feature vectors:
 * x⟨t⟩ = W_emb[id⟨t⟩] (PyTorch's nn.Embedding, parameter `embedding.weight`, listed first).
 *
 * This is the inference half of `SequenceModel` (sequence-model.ts), which adds the loss, its
 * gradient through the head, the stack and the embedding, training mode and dropout:
 * `rnnkit/inference` builds its `loadModel` on this half alone, so a page that generates text
 * from a checkpoint carries no backward pass.
 */
import type { Activation } from '../activations/activation.js';
import { getActivation } from '../activations/registry.js';
import { cellForMode, kindOfMode } from '../cells/mode.js';
import type { Cell } from '../cells/cell.js';
import { copyRows, swapLeadingAxes } from '../kernels/elementwise.js';
import { ForwardDirection } from '../layers/direction-forward.js';
import { checkDropout } from '../layers/dropout.js';
import { withFrozen } from '../layers/freeze.js';
import { Embedding, type EmbeddingOptions } from '../layers/embedding.js';
import { ForwardLinear } from '../layers/linear.js';
import { ForwardStack, type RecurrentOutput, type StackOptions, pickStackOptions } from '../layers/stack-forward.js';
import type { Loss } from '../losses/loss.js';
import { getLoss } from '../losses/registry.js';
import { type Param, initUniform } from '../param.js';
import { Random } from '../random.js';
import { type DType, type FloatArray, type Tensor, allocate } from '../tensor.js';
import { asOperation, describe, checkBoolean, checkChoice, checkOptions, checkInteger, checkObject, checkTokenIds } from '../validate.js';

export type Topology = 'many_to_many' | 'many_to_one';

/** Every option SequenceModel takes: any other key is refused, with the closest one suggested. */
export const SEQUENCE_MODEL_OPTION_KEYS = ['mode', 'inputSize', 'hiddenSize', 'outputSize', 'numLayers', 'bidirectional', 'bias', 'headBias', 'dtype', 'seed',
  'topology', 'loss', 'outputActivation', 'namePrefix', 'embedding', 'dropout', 'embeddingDropout', 'headDropout', 'batchFirst'];

export interface SequenceModelOptions {
  /** `rnn_tanh`, `rnn_relu`, `rnn_<activation>`, `gru` or `lstm`. */
  mode: string;
  /** I: features per step; with `embedding`, optional and equal to embeddingDim. */
  inputSize?: number;
  hiddenSize: number;
  /** V: outputs per prediction (classes for cross-entropy). */
  outputSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  /** With false, no bias tensors in the recurrent stack (and by default none in the head). */
  bias?: boolean;
  /** Whether the head has `head.bias` (default: as `bias`). */
  headBias?: boolean;
  dtype?: DType;
  seed?: number;
  /** Default `many_to_many`. */
  topology?: Topology;
  /** Default `cross_entropy`. */
  loss?: 'cross_entropy' | 'mse' | 'bce';
  /** g2 for MSE (a registered activation name); default `identity`. */
  outputActivation?: string;
  /** Prefix for every parameter name, e.g. `decoder.` (default none). */
  namePrefix?: string;
  /** Token ids in, through an embedding [N, E] (default none: x is [T, B, I] features). */
  embedding?: EmbeddingOptions | null;
  /** p in [0, 1): dropout between stacked recurrent layers, as PyTorch's `dropout` (default 0). */
  dropout?: number;
  /** p in [0, 1): dropout on the embedding's output (default 0). */
  embeddingDropout?: number;
  /** p in [0, 1): dropout on the recurrent output, before the head (default 0). */
  headDropout?: number;
  /**
   * Batch-major tensors (default false): x [B, T, I] (token ids [B, T]), many_to_many targets
   * [B, T] or [B, T, V] and predictions [B, T, V], as PyTorch's batch_first.
   */
  batchFirst?: boolean;
}

/** Token ids [T, B] (integers in [0, N)), the input of a model with an embedding. */
export interface TokenIds {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** What a model reads: features [T, B, I], or token ids [T, B] when it has an embedding. */
export type ModelInput = Tensor | TokenIds;

/** Extra inputs of a forward pass. */
export interface SequenceInputs {
  h0?: Tensor | null;
  c0?: Tensor | null;
  /** B lengths in 1…T: steps past a row's length are padding. */
  lengths?: ArrayLike<number> | null;
}

export interface Prediction {
  /** y = g2(z): [T, B, V] for many_to_many, [B, V] for many_to_one. */
  readonly y: Tensor;
  /** z = Wya·a + by, same shape (logits for cross-entropy). */
  readonly z: Tensor;
  /** The recurrent stack's final states. */
  readonly state: RecurrentOutput;
}

/** The forward's buffers, sized per (T, B); a trained model adds the loss's and BPTT's. */
export interface ForwardModelWorkspace {
  T: number;
  B: number;
  rows: number;
  z: FloatArray;
  y: FloatArray;
  /** many_to_one: the last valid output of each row [B, D·H] (and, training, its gradient). */
  aLast: FloatArray;
  prediction: Prediction;
}

/** Builds a model's recurrent stack and head: forward only, or trained. */
export interface ModelParts<S extends ForwardStack, H extends ForwardLinear> {
  stack(cell: Cell, kind: string, options: StackOptions): S;
  head(inFeatures: number, outFeatures: number, bias: boolean, dtype: DType, prefix: string): H;
}

const FORWARD_PARTS: ModelParts<ForwardStack, ForwardLinear> = {
  stack: (cell, kind, options) => new ForwardStack(cell, kind, options, ForwardDirection),
  head: (...args) => new ForwardLinear(...args),
};

/** The model run forward; SequenceModel is this trained. */
export class ForwardSequenceModel<S extends ForwardStack = ForwardStack, H extends ForwardLinear = ForwardLinear> {
  /** The recurrent stack, built by mode name. */
  readonly rnn: S;
  /** The input embedding, or null when the model reads features. */
  readonly embedding: Embedding | null;
  readonly head: H;
  readonly loss: Loss;
  readonly g2: Activation;
  readonly topology: Topology;
  readonly outputSize: number;
  readonly options: Readonly<Required<SequenceModelOptions>>;
  /** Every parameter: embedding.weight (if any), the recurrent stack's in PyTorch order, then head.weight, head.bias. */
  readonly params: Param[];
  protected ws: ForwardModelWorkspace | null = null;
  /** With an embedding: the embedded input of the last forward [T, B, E]. */
  protected embedded: Tensor | null = null;
  /** batchFirst: time-major copies of x and the target, and batch-major predictions. */
  private readonly transposed: { x?: { data: FloatArray | Int32Array; shape: number[] }; target?: { data: FloatArray | Int32Array; shape: number[] } } = {};
  private transposedPrediction: Prediction | null = null;

  /** `parts` build the recurrent stack and the head (forward only by default; SequenceModel's are trained). */
  constructor(options: SequenceModelOptions, parts: ModelParts<S, H> = FORWARD_PARTS as unknown as ModelParts<S, H>) {
    const op = 'SequenceModel';
    checkOptions(op, options, SEQUENCE_MODEL_OPTION_KEYS);
    const outputSize = checkInteger(op, 'outputSize', options.outputSize);
    const topology = checkChoice(op, 'topology', options.topology ?? 'many_to_many', ['many_to_many', 'many_to_one'] as const);
    const loss = getLoss(options.loss ?? 'cross_entropy', op);
    const g2Name = options.outputActivation ?? 'identity';
    if (loss.name !== 'mse' && g2Name !== 'identity') {
      throw new TypeError(`${op}: outputActivation applies to the mse loss only, got ${loss.name}`);
    }
    this.g2 = getActivation(g2Name, op);
    const e = options.embedding ?? null;
    const inputSize = options.inputSize ?? (e === null ? undefined : checkObject<EmbeddingOptions>(op, 'embedding', e).embeddingDim);
    this.rnn = asOperation(op, () => parts.stack(cellForMode(options.mode, op), kindOfMode(options.mode), { ...pickStackOptions(options), inputSize: inputSize!, batchFirst: false }));
    const namePrefix = options.namePrefix;
    const embeddingDropout = checkDropout(op, 'embeddingDropout', options.embeddingDropout ?? 0);
    const headDropout = checkDropout(op, 'headDropout', options.headDropout ?? 0);
    if (embeddingDropout > 0 && e === null) throw new TypeError(`${op}: embeddingDropout needs an embedding, got embedding ${describe(e)}`);
    this.embedding = e === null ? null : new Embedding(e, this.rnn.dtype, namePrefix ?? '', op);
    if (this.embedding && this.embedding.embeddingDim !== this.rnn.inputSize) {
      throw new RangeError(`${op}: inputSize is ${this.rnn.inputSize} but embedding.embeddingDim is ${this.embedding.embeddingDim}; they must be equal`);
    }
    this.outputSize = outputSize;
    this.topology = topology;
    this.loss = loss;
    const rnn = this.rnn;
    const headBias = checkBoolean(op, 'headBias', options.headBias ?? rnn.bias);
    this.head = parts.head(rnn.directions * rnn.hiddenSize, outputSize, headBias, rnn.dtype, `${options.namePrefix ?? ''}head`);
    this.params = [...(this.embedding?.params ?? []), ...rnn.params, ...this.head.params];
    this.options = {
      mode: rnn.mode, inputSize: rnn.inputSize, hiddenSize: rnn.hiddenSize, outputSize,
      numLayers: rnn.numLayers, bidirectional: rnn.bidirectional, bias: rnn.bias, headBias, dtype: rnn.dtype,
      seed: options.seed ?? 0, topology, loss: loss.name, outputActivation: g2Name,
      namePrefix: options.namePrefix ?? '',
      embedding: this.embedding && { numEmbeddings: this.embedding.numEmbeddings, embeddingDim: this.embedding.embeddingDim, paddingIdx: this.embedding.paddingIdx },
      dropout: rnn.dropout, embeddingDropout, headDropout,
      batchFirst: checkBoolean(op, 'batchFirst', options.batchFirst ?? false),
    };
    this.resetParameters(this.options.seed);
  }

  /**
   * PyTorch's default initialisation, seeded: U(−1/√H, 1/√H) for the stack, U(−1/√F, 1/√F)
   * for the head, N(0, 1) for the embedding (its padding row zero).
   */
  resetParameters(seed = 0): void {
    this.rnn.resetParameters(seed);
    this.embedding?.resetParameters(new Random((seed ^ 0xe3bed) >>> 0));
    const rng = new Random((seed ^ 0x5eed) >>> 0);
    const k = 1 / Math.sqrt(this.head.inFeatures);
    initUniform(this.head.params, k, rng);
  }

  /**
   * Runs `fn` with the weights frozen: the forward passes inside it reuse the weights the first
   * of them packs instead of packing them at every call (generation runs one forward per token:
   * this makes it several times faster). `fn` must not change a weight; returns what it returns.
   */
  withFrozenWeights<T>(fn: () => T): T {
    return withFrozen([...this.rnn.layers.flat(), this.head], fn);
  }

  get dtype(): DType {
    return this.rnn.dtype;
  }

  /**
   * Runs the model on x [T, B, I] (token ids [T, B] with an embedding). The returned tensors
   * are views valid until the next call.
   */
  forward(x: ModelInput, inputs: SequenceInputs = {}): Prediction {
    // checked here (not through asOperation, whose closure would allocate on every call)
    this.checkInputs('SequenceModel.forward', x, inputs);
    const p = this.run(x, inputs);
    return this.options.batchFirst && this.topology === 'many_to_many' ? this.batchMajor(p) : p;
  }

  /** batchFirst: [B, T, …] data as the time-major [T, B, …] the stack runs on, in a buffer kept per size. */
  protected timeMajor(key: 'x' | 'target', t: { data: ArrayLike<number>; shape: readonly number[] }, ints: boolean): { data: FloatArray | Int32Array; shape: number[] } {
    const [B, T] = t.shape, F = t.shape.length > 2 ? t.shape[2] : 1;
    let out = this.transposed[key];
    if (out?.data.length !== T * B * F || (out.data instanceof Int32Array) !== ints) {
      out = this.transposed[key] = { data: ints ? new Int32Array(T * B * F) : allocate(this.dtype, T * B * F), shape: [] };
    }
    out.shape = t.shape.length > 2 ? [T, B, F] : [T, B];
    swapLeadingAxes(out.data, t.data, B, T, F);
    return out;
  }

  /** batchFirst many_to_many: predictions [T, B, V] as [B, T, V] (buffers kept per size). */
  private batchMajor(p: Prediction): Prediction {
    const [T, B, V] = p.z.shape;
    let out = this.transposedPrediction;
    if (out?.z.data.length !== T * B * V) {
      const shape = [B, T, V];
      out = this.transposedPrediction = { y: { data: allocate(this.dtype, T * B * V), shape }, z: { data: allocate(this.dtype, T * B * V), shape }, state: p.state };
    }
    swapLeadingAxes(out.z.data, p.z.data, T, B, V);
    swapLeadingAxes(out.y.data, p.y.data, T, B, V);
    return out.state === p.state ? out : (this.transposedPrediction = { ...out, state: p.state });
  }

  /** Checks x (features or token ids), h0, c0 and lengths as forward does, named by `op`; returns [T, B]. */
  checkInputs(op: string, x: ModelInput, inputs: SequenceInputs = {}): [number, number] {
    const bf = this.options.batchFirst;
    let T: number, B: number;
    if (this.embedding) {
      const [d0, d1] = checkTokenIds(op, 'x', x, this.embedding.numEmbeddings, bf ? '[B, T]' : '[T, B]');
      [T, B] = bf ? [d1, d0] : [d0, d1];
    } else {
      [T, B] = this.rnn.checkInput(op, x as Tensor, bf);
    }
    this.rnn.checkStatesAndLengths(op, T, B, inputs?.h0, inputs?.c0, inputs?.lengths);
    return [T, B];
  }

  /** With an embedding: x⟨t⟩ = W_emb[id⟨t⟩] into a buffer kept per (T, B). */
  private embed(x: TokenIds): Tensor {
    const emb = this.embedding!, T = x.shape[0], B = x.shape[1], E = emb.embeddingDim;
    let t = this.embedded;
    if (!t || t.shape[0] !== T || t.shape[1] !== B) t = this.embedded = { data: allocate(this.dtype, T * B * E), shape: [T, B, E] };
    emb.forward(t.data, 0, E, x.data, T * B);
    this.embeddingDone(t, x.data);
    return t;
  }

  /** After the embedding of `ids` into `t`: a trained model keeps the ids and may drop some of t out. */
  protected embeddingDone(_t: Tensor, _ids: ArrayLike<number>): void {}

  /** The head's input `a` ([rows, D·H]); a trained model may drop some of it out (into its workspace). */
  protected inputToHead(a: FloatArray): FloatArray {
    return a;
  }

  /** The forward pass of a checked batch (time-major predictions). */
  protected run(x: ModelInput, inputs: SequenceInputs): Prediction {
    if (this.options.batchFirst) x = this.timeMajor('x', x, this.embedding !== null) as ModelInput;
    const input = this.embedding ? this.embed(x) : (x as Tensor);
    const state = this.rnn.forwardUnchecked(input, inputs.h0, inputs.c0, inputs.lengths); // callers checked
    const T = x.shape[0], B = x.shape[1];
    const ws = this.reserve(T, B, state);
    const V = this.outputSize;
    let a: FloatArray = state.output.data;
    if (this.topology === 'many_to_one') {
      this.lastSteps(a, inputs);
      a = ws.aLast;
    }
    this.head.forward(ws.z, this.inputToHead(a), 0, this.head.inFeatures, ws.rows);
    for (let r = 0; r < ws.rows; r++) {
      if (this.loss.name === 'mse') this.g2.forward(ws.y, r * V, ws.z, r * V, V);
      else this.loss.predict(ws.y, r * V, ws.z, r * V, V);
    }
    return ws.prediction;
  }

  /**
   * many_to_one: copies each row's last valid step of the stack's output `out` [T·B, D·H]
   * into aLast [B, D·H], or (`back`) aLast into those rows of `out`.
   */
  protected lastSteps(out: FloatArray, inputs: SequenceInputs, back?: boolean): void {
    const { T, B, aLast } = this.ws!, DH = this.head.inFeatures;
    for (let b = 0; b < B; b++) {
      const o = ((inputs.lengths ? inputs.lengths[b] - 1 : T - 1) * B + b) * DH;
      // copyRows, not subarray views: a training step allocates nothing
      if (back) copyRows(out, o, DH, aLast, b * DH, DH, 1, DH);
      else copyRows(aLast, b * DH, DH, out, o, DH, 1, DH);
    }
  }

  /** The workspace for (T, B) and the stack's result object: the last one when unchanged. */
  private reserve(T: number, B: number, state: RecurrentOutput): ForwardModelWorkspace {
    const ws = this.ws;
    if (ws && ws.T === T && ws.B === B && ws.prediction.state === state) return ws;
    return (this.ws = this.workspace(T, B, state));
  }

  /** New buffers for (T, B); a trained model adds the loss's and BPTT's. */
  protected workspace(T: number, B: number, state: RecurrentOutput): ForwardModelWorkspace {
    const V = this.outputSize, DH = this.head.inFeatures, m2o = this.topology === 'many_to_one';
    const rows = m2o ? B : T * B, shape = m2o ? [B, V] : [T, B, V];
    const z = allocate(this.dtype, rows * V), y = allocate(this.dtype, rows * V);
    return { T, B, rows, z, y, aLast: allocate(this.dtype, B * DH), prediction: { y: { data: y, shape }, z: { data: z, shape }, state } };
  }
}
