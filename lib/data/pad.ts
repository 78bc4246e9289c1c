/**
 * Padding variable-length sequences into one batch, as PyTorch's pad_sequence does, with the
 * lengths and mask a model needs to ignore the padding:
 *
 *     const { data, shape, lengths } = padSequences([[[1, 0], [0, 1]], [[1, 1]]]);
 *     // shape [2, 2, 2] (T, B, I); lengths [2, 1]; step 1 of row 1 is padding
 *     model.forward({ data, shape }, { lengths });
 *
 * Time-major ([T, B, ·], what SequenceModel reads) unless `batchFirst` ([B, T, ·]). T is the
 * longest sequence; the padded steps hold `padValue` (default 0). `mask` has the layout of the
 * first two axes: 1 at a valid step, 0 at padding.
 */
import { type DType, type FloatArray, allocate } from '../tensor.js';
import { checkBoolean, checkChoice, checkIndices, checkInteger, checkNumber, checkOptions, describe } from '../validate.js';

export interface PadOptions {
  /** [B, T, ·] instead of [T, B, ·] (default false). */
  batchFirst?: boolean;
  /** The value of padded entries (default 0). */
  padValue?: number;
}

export interface PadFeaturesOptions extends PadOptions {
  /** Storage of the padded features (default float32). */
  dtype?: DType;
}

/** A padded batch: the data, its shape, each row's length and the valid-step mask. */
export interface PaddedBatch<D extends FloatArray | Int32Array = FloatArray> {
  readonly data: D;
  /** [T, B, I] / [T, B] time-major, [B, T, I] / [B, T] batch-first. */
  readonly shape: number[];
  /** B lengths in 1…T. */
  readonly lengths: Int32Array;
  /** [T, B] (or [B, T]): 1 where step t of row b is valid, 0 where it is padding. */
  readonly mask: Uint8Array;
}

/**
 * Pads sequences of feature vectors: `sequences[b][t]` holds the I features of step t of
 * row b (every step of every row the same I). Returns float data [T, B, I] (or [B, T, I]).
 */
export function padSequences(sequences: readonly (readonly ArrayLike<number>[])[], options: PadFeaturesOptions = {}): PaddedBatch<FloatArray> {
  const op = 'padSequences';
  const { batchFirst, padValue, dtype } = resolve(op, options, ['batchFirst', 'padValue', 'dtype']);
  const lengths = checkRows(op, sequences);
  const I = sequences[0][0]?.length;
  if (typeof I !== 'number' || !Number.isInteger(I) || I < 1) throw new TypeError(`${op}: sequences[0][0] must be a non-empty array of features, got ${describe(sequences[0][0])}`);
  sequences.forEach((s, b) => s.forEach((step, t) => {
    if (step?.length !== I) throw new RangeError(`${op}: sequences[${b}][${t}] has ${describe(step?.length)} features but sequences[0][0] has ${I}`);
    for (let i = 0; i < I; i++) if (!Number.isFinite(step[i])) throw new RangeError(`${op}: sequences[${b}][${t}][${i}] must be a finite number, got ${describe(step[i])}`);
  }));
  const B = sequences.length, T = max(lengths);
  const data = allocate(dtype, T * B * I);
  if (padValue !== 0) data.fill(padValue);
  sequences.forEach((s, b) => s.forEach((step, t) => data.set(step, (batchFirst ? b * T + t : t * B + b) * I)));
  return { data, shape: batchFirst ? [B, T, I] : [T, B, I], lengths, mask: maskOf(lengths, T, batchFirst) };
}

/**
 * Pads sequences of integer token ids (`sequences[b]` holds row b's ids, each ≥ 0). Returns
 * Int32Array data [T, B] (or [B, T]): targets of a many_to_many classifier as they are, or the
 * input of `oneHot`.
 */
export function padTokens(sequences: readonly ArrayLike<number>[], options: PadOptions = {}): PaddedBatch<Int32Array> {
  const op = 'padTokens';
  const { batchFirst, padValue } = resolve(op, options, ['batchFirst', 'padValue']);
  if (!Number.isInteger(padValue) || padValue < 0) throw new RangeError(`${op}: padValue must be a token id (an integer ≥ 0), got ${padValue}`);
  const lengths = checkRows(op, sequences);
  sequences.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) {
      const k = s[t];
      if (!Number.isInteger(k) || k < 0 || k > 0x7fffffff) throw new RangeError(`${op}: sequences[${b}][${t}] must be a token id (an integer ≥ 0), got ${describe(k)}`);
    }
  });
  const B = sequences.length, T = max(lengths);
  const data = new Int32Array(T * B).fill(padValue);
  sequences.forEach((s, b) => {
    for (let t = 0; t < s.length; t++) data[batchFirst ? b * T + t : t * B + b] = s[t];
  });
  return { data, shape: batchFirst ? [B, T] : [T, B], lengths, mask: maskOf(lengths, T, batchFirst) };
}

/**
 * One-hot vectors of token ids: ids of shape S (e.g. [T, B]) → float data of shape [...S, V]
 * with a 1 at each id. Ids must be in [0, V).
 */
export function oneHot(ids: { data: ArrayLike<number>; shape: readonly number[] }, V: number, dtype: DType = 'float32'): { data: FloatArray; shape: number[] } {
  const op = 'oneHot';
  checkInteger(op, 'V', V);
  checkChoice(op, 'dtype', dtype, ['float32', 'float64'] as const);
  const n = ids?.data?.length;
  if (typeof n !== 'number' || !Array.isArray(ids.shape)) throw new TypeError(`${op}: ids must be {data, shape}, got ${describe(ids)}`);
  if (ids.shape.reduce((a, d) => a * d, 1) !== n) throw new RangeError(`${op}: ids has shape [${ids.shape.join(', ')}] but ${n} entries`);
  checkIndices(op, 'ids', ids.data, V, 'token');
  const data = allocate(dtype, n * V);
  for (let i = 0; i < n; i++) data[i * V + ids.data[i]] = 1;
  return { data, shape: [...ids.shape, V] };
}

function resolve(op: string, options: PadFeaturesOptions, keys: string[]): Required<PadFeaturesOptions> {
  const o = checkOptions(op, options, keys, true);
  return {
    batchFirst: checkBoolean(op, 'options.batchFirst', o.batchFirst ?? false),
    padValue: checkNumber(op, 'options.padValue', o.padValue ?? 0),
    dtype: checkChoice(op, 'options.dtype', o.dtype ?? 'float32', ['float32', 'float64'] as const),
  };
}

/** Checks a non-empty array of non-empty sequences; returns their lengths. */
function checkRows(op: string, sequences: readonly ArrayLike<unknown>[]): Int32Array {
  if (!Array.isArray(sequences) || sequences.length === 0) throw new TypeError(`${op}: sequences must be a non-empty array of sequences, got ${describe(sequences)}`);
  return Int32Array.from(sequences, (s, b) => {
    const n = (s as ArrayLike<unknown> | null)?.length;
    if (typeof n !== 'number') throw new TypeError(`${op}: sequences[${b}] must be an array, got ${describe(s)}`);
    if (n === 0) throw new RangeError(`${op}: sequences[${b}] is empty; every sequence needs at least one step`);
    return n;
  });
}

function max(lengths: Int32Array): number {
  let m = 0;
  for (const n of lengths) m = Math.max(m, n);
  return m;
}

function maskOf(lengths: Int32Array, T: number, batchFirst: boolean): Uint8Array {
  const B = lengths.length, mask = new Uint8Array(T * B);
  for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) mask[batchFirst ? b * T + t : t * B + b] = 1;
  return mask;
}
