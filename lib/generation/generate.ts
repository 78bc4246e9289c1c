/**
 * One-to-many generation: a model whose inputs are one-hot tokens (inputSize = outputSize =
 * the vocabulary) reads a prime, then feeds each output back as the next input.
 */
import type { SequenceModel } from '../models/sequence-model.js';
import { Random } from '../random.js';
import { type Tensor, allocate } from '../tensor.js';
import { StateCarry } from '../training/state-carry.js';
import { checkIndices, checkInteger, checkNumber, describe } from '../validate.js';
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
export function generate(model: SequenceModel, options: GenerateOptions): number[] {
  const op = 'generate';
  const V = model.outputSize, { inputSize, bidirectional } = model.rnn;
  if (inputSize !== V) throw new RangeError(`${op}: the model must read one-hot tokens (inputSize ${inputSize} must equal outputSize ${V})`);
  const kind = `${bidirectional ? 'bidirectional ' : ''}${model.topology} ${model.loss.name}`;
  if (kind !== 'many_to_many cross_entropy') throw new TypeError(`${op}: generation needs a unidirectional many_to_many cross_entropy model, got ${kind}`);
  const prime = options?.prime;
  const list = typeof prime === 'object' && prime !== null && typeof prime.length === 'number';
  if (!list || !prime.length) throw new (list ? RangeError : TypeError)(`${op}: prime must be a non-empty array of token indices, got ${describe(prime)}`);
  checkIndices(op, 'prime', prime, V, 'token');
  const length = checkInteger(op, 'length', options.length, 0);
  const temperature = checkNumber(op, 'temperature', options.temperature ?? 1, Number.MIN_VALUE);
  const rng = options.rng ?? new Random(checkInteger(op, 'seed', options.seed ?? 0, 0));
  const carry = new StateCarry(model.rnn, 1);
  const x: Tensor = { data: allocate(model.dtype, V), shape: [1, 1, V] };
  const step = (token: number) => {
    const { z, state } = model.forward(oneHot(x, token), carry.inputs());
    carry.capture(state);
    return z.data;
  };
  let z = step(prime[0]);
  for (let i = 1; i < prime.length; i++) z = step(prime[i]);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const token = options.greedy ? argmax(z, 0, V) : sampleLogits(z, 0, V, temperature, rng);
    out.push(token);
    if (i + 1 < length) z = step(token);
  }
  return out;
}

function oneHot(x: Tensor, token: number): Tensor {
  x.data.fill(0);
  x.data[token] = 1;
  return x;
}
