/**
 * Token embeddings (PyTorch's `nn.Embedding`): token id k → row k of W [N, E],
 *
 *     x⟨t⟩ = W[id⟨t⟩]                 dL/dW[k] = Σ over the rows r with id_r = k of dL/dx_r
 *
 * so a model reads token ids instead of one-hot vectors: the lookup costs E copies where a
 * one-hot input costs an N·E product, and W is the same matrix W_ih·one-hot would learn.
 * Row `paddingIdx` (if any) is a lookup like any other but never receives a gradient, as in
 * PyTorch (weight decay still reaches it: that is the optimizer's doing).
 * State-dict name: `<prefix>embedding.weight` [N, E].
 */
import { type Param, createParam } from '../param.js';
import type { Random } from '../random.js';
import type { DType, FloatArray } from '../tensor.js';
import { checkInteger, checkObject, checkKeys, describe } from '../validate.js';

export interface EmbeddingOptions {
  /** N: the vocabulary size (ids 0…N−1). */
  numEmbeddings: number;
  /** E: features per token. */
  embeddingDim: number;
  /** An id whose row gets no gradient and starts at zero (default none). */
  paddingIdx?: number | null;
}

export class Embedding {
  /** W: [N, E] */
  readonly weight: Param;
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly params: Param[];

  constructor(options: EmbeddingOptions, dtype: DType, prefix = '', op = 'Embedding') {
    checkObject(op, 'embedding', options);
    checkKeys(op, 'embedding', options, ['numEmbeddings', 'embeddingDim', 'paddingIdx']);
    const N = (this.numEmbeddings = checkInteger(op, 'embedding.numEmbeddings', options.numEmbeddings));
    this.embeddingDim = checkInteger(op, 'embedding.embeddingDim', options.embeddingDim);
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < 0 || p >= N)) {
      throw new RangeError(`${op}: embedding.paddingIdx must be an id in [0, ${N - 1}] or null, got ${describe(p)}`);
    }
    this.paddingIdx = p;
    this.weight = createParam(`${prefix}embedding.weight`, [N, this.embeddingDim], dtype);
    this.params = [this.weight];
  }

  /** PyTorch's initialisation: every entry N(0, 1), the padding row zero. */
  resetParameters(rng: Random): void {
    const W = this.weight.value, E = this.embeddingDim;
    for (let i = 0; i < W.length; i++) W[i] = rng.normal();
    if (this.paddingIdx !== null) W.fill(0, this.paddingIdx * E, (this.paddingIdx + 1) * E);
  }

  /** x[r, :] = W[ids[r], :] for r < rows; x rows of stride ldx at xOff. Ids must be checked. */
  forward(x: FloatArray, xOff: number, ldx: number, ids: ArrayLike<number>, rows: number): void {
    const W = this.weight.value, E = this.embeddingDim;
    for (let r = 0; r < rows; r++) {
      const from = ids[r] * E, to = xOff + r * ldx;
      for (let j = 0; j < E; j++) x[to + j] = W[from + j];
    }
  }

  /** dW[ids[r], :] += dx[r, :] for every row r whose id is not paddingIdx. */
  backward(dx: FloatArray, dxOff: number, ldx: number, ids: ArrayLike<number>, rows: number): void {
    const dW = this.weight.grad, E = this.embeddingDim, pad = this.paddingIdx;
    for (let r = 0; r < rows; r++) {
      if (ids[r] === pad) continue;
      const to = ids[r] * E, from = dxOff + r * ldx;
      for (let j = 0; j < E; j++) dW[to + j] += dx[from + j];
    }
  }
}
