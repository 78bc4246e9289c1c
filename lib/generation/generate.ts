/**
 * One-to-many generation: a model that reads the tokens it predicts (through an embedding of
 * the vocabulary, or one-hot with inputSize = outputSize) reads a prime, then feeds each
 * output back as the next input.
 */
import type { ForwardSequenceModel } from '../models/sequence-model-forward.js';
import { Random } from '../random.js';
import { type FloatArray, type Tensor, allocate } from '../tensor.js';
import { StateCarry } from '../training/state-carry.js';
import { checkIndices, checkInteger, checkNumber, checkOptions, describe } from '../validate.js';
import { argmax, sampleLogits } from './sample.js';

export interface GenerateOptions {
  /** Tokens to read first (at least one). */
  prime: ArrayLike<number>;
  /** How many tokens to generate after the prime. */
  length: number;
  /** τ for sampling (default 1). */
  temperature?: number;
  /** Take the most likely token each step instead of sampling. */
  greedy?: boolean;
  /** Seed for the sampler (default 0); or pass `rng`. */
  seed?: number;
  rng?: Random;
}

/** Returns the generated tokens (without the prime). Same model and seed → same tokens. */
export function generate(model: ForwardSequenceModel, options: GenerateOptions): number[] {
  const op = 'generate';
  const V = model.outputSize, { inputSize, bidirectional } = model.rnn, emb = model.embedding;
  if (emb ? emb.numEmbeddings !== V : inputSize !== V) {
    throw new RangeError(`${op}: the model must read the tokens it predicts (${emb ? `embedding.numEmbeddings ${emb.numEmbeddings}` : `one-hot: inputSize ${inputSize}`} must equal outputSize ${V})`);
  }
  const kind = `${bidirectional ? 'bidirectional ' : ''}${model.topology} ${model.loss.name}`;
  if (kind !== 'many_to_many cross_entropy') throw new TypeError(`${op}: generation needs a unidirectional many_to_many cross_entropy model, got ${kind}`);
  checkOptions(op, options, ['prime', 'length', 'temperature', 'greedy', 'seed', 'rng']);
  const prime = options.prime;
  const list = typeof prime === 'object' && prime !== null && typeof prime.length === 'number';
  if (!list || !prime.length) throw new (list ? RangeError : TypeError)(`${op}: prime must be a non-empty array of token indices, got ${describe(prime)}`);
  checkIndices(op, 'prime', prime, V, 'token');
  const length = checkInteger(op, 'length', options.length, 0);
  const temperature = checkNumber(op, 'temperature', options.temperature ?? 1, Number.MIN_VALUE);
  const rng = options.rng ?? new Random(checkInteger(op, 'seed', options.seed ?? 0, 0));
  const carry = new StateCarry(model.rnn, 1);
  // one token: its id (embedding) or its one-hot vector
  const id = { data: new Int32Array(1), shape: [1, 1] };
  const oneHot: Tensor = { data: allocate(model.dtype, emb ? 0 : V), shape: [1, 1, V] };
  let z!: FloatArray, zOff = 0;
  // reads one token and keeps the state for the next
  const read = (token: number) => {
    if (emb) id.data[0] = token;
    else oneHot.data.fill(0)[token] = 1;
    const p = model.forward(emb ? id : oneHot, carry.inputs());
    carry.capture(p.state);
    z = p.z.data;
    zOff = 0;
  };
  // the prime in one forward, then one forward per token: the weights are packed once, not at every forward
  return model.withFrozenWeights(() => {
    // the prime in one forward over its T tokens (B = 1: time- and batch-major are one layout)
    const T = prime.length, shape = model.options.batchFirst ? [1, T] : [T, 1];
    const block = emb ? Int32Array.from(prime) : allocate(model.dtype, T * V);
    if (!emb) for (let t = 0; t < T; t++) block[t * V + prime[t]] = 1;
    const p = model.forward({ data: block, shape: emb ? shape : [...shape, V] }, carry.inputs());
    carry.capture(p.state);
    z = p.z.data;
    zOff = (T - 1) * V;
    const out: number[] = [];
    while (out.length < length) {
      const token = options.greedy ? argmax(z, zOff, V) : sampleLogits(z, zOff, V, temperature, rng);
      if (out.push(token) < length) read(token);
    }
    return out;
  });
}
