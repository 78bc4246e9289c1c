/**
 * The rules every state file obeys whichever format carries it (safetensors.ts, json.ts): what
 * a name may be, what a shape may be, what metadata may hold, the decoders' options and
 * limits, and the checks both encoders make before writing. docs/formats.md states the same
 * rules for readers of the files. Internal to the formats, except StateFile and DecodeOptions.
 */
import { type FloatArray, type Tensor } from '../tensor.js';
import { checkBoolean, checkDataLength, checkFinite, checkInteger, checkKeys, checkOptions, checkRecord, checkTensorLike, describe, isFloatArray, shapeText } from '../validate.js';

/** What a decoder returns: the tensors in file order and the string-to-string metadata. */
export interface StateFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Options every decoder takes. */
export interface DecodeOptions {
  /** Refuse NaN and ±Infinity in tensor data (default false: they are loaded as stored). */
  requireFinite?: boolean;
  /** Most tensors a file may hold (default DEFAULT_MAX_TENSORS). */
  maxTensors?: number;
  /** Most metadata entries a file may hold (default DEFAULT_MAX_METADATA_ENTRIES). */
  maxMetadataEntries?: number;
}

/**
 * Default cap on the tensors in one file. Real checkpoints hold hundreds to a few tens of
 * thousands; the cap keeps a small hostile header from costing gigabytes of objects.
 */
export const DEFAULT_MAX_TENSORS = 100_000;

/** Default cap on metadata entries in one file (real files hold a handful to a few hundred). */
export const DEFAULT_MAX_METADATA_ENTRIES = 10_000;

/**
 * DecodeOptions with every default filled in, after checking the caller's values; a key
 * neither DecodeOptions nor `ownKeys` (a decoder's own options) name is refused. Internal.
 */
export function resolveDecodeOptions(op: string, options: unknown, ownKeys: readonly string[] = []): Required<DecodeOptions> {
  const o = checkOptions<DecodeOptions>(op, options as DecodeOptions, ['requireFinite', 'maxTensors', 'maxMetadataEntries', ...ownKeys]);
  const count = (name: 'maxTensors' | 'maxMetadataEntries', fallback: number) =>
    o[name] === undefined ? fallback : checkInteger(op, `options.${name}`, o[name], 0);
  return {
    requireFinite: o.requireFinite === undefined ? false : checkBoolean(op, 'options.requireFinite', o.requireFinite),
    maxTensors: count('maxTensors', DEFAULT_MAX_TENSORS),
    maxMetadataEntries: count('maxMetadataEntries', DEFAULT_MAX_METADATA_ENTRIES),
  };
}

/** Names that could alter objects built from a file if a reader used plain objects. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A UTF-16 unit that is half of no surrogate pair: a string holding one has no UTF-8 form.
 * In a `u` regex a pair is one code point, so only a lone half is in category Cs.
 */
export const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Checks a tensor name or metadata key: a string with a UTF-8 form (no lone surrogate) that
 * is not `__proto__`, `constructor` or `prototype`. Internal to the formats.
 */
export function checkEntryName(op: string, kind: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${op}: a ${kind} name must be a string, got ${describe(name)}`);
  if (FORBIDDEN_NAMES.has(name)) {
    throw new TypeError(`${op}: ${kind} name "${name}" is refused: __proto__, constructor and prototype are never valid names`);
  }
  if (LONE_SURROGATE.test(name)) throw new TypeError(`${op}: ${kind} name ${quote(name)} has a lone surrogate, so it has no UTF-8 form`);
  return name;
}

/** Most dimensions a stored shape may have (numpy's limit); no RNN tensor comes close. */
export const MAX_RANK = 64;

/**
 * Checks a shape read from a file or given to an encoder: an array of at most MAX_RANK
 * non-negative safe integers whose product (the element count) is itself a safe integer.
 * Returns a copy and the count. Internal to the formats.
 */
export function checkShapeValue(op: string, what: string, value: unknown): { shape: number[]; size: number } {
  if (!Array.isArray(value)) throw new TypeError(`${op}: ${what} must be an array of non-negative integers, got ${describe(value)}`);
  if (value.length > MAX_RANK) throw new RangeError(`${op}: ${what} has ${value.length} dimensions, more than the limit of ${MAX_RANK}`);
  const shape: number[] = [];
  let size = 1;
  for (let i = 0; i < value.length; i++) {
    const d: unknown = value[i];
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw new TypeError(`${op}: ${what}[${i}] must be a non-negative integer, got ${describe(d)}`);
    }
    if (d < 0 || d > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`${op}: ${what}[${i}] must be a non-negative safe integer, got ${d}`);
    }
    size *= d;
    if (size > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`${op}: ${what} ${shapeText(value)} has more than 2^53 - 1 elements`);
    }
    shape.push(d + 0); // + 0 turns -0 into 0
  }
  return { shape, size };
}

/**
 * Checks metadata given to an encoder or read from a file: an object whose keys pass
 * `checkEntryName` and whose values are all strings with a UTF-8 form. Returns a copy with sorted keys.
 * Internal to the formats.
 */
export function checkMetadata(op: string, what: string, entries: Iterable<[string, unknown]>): Record<string, string> {
  const pairs: [string, string][] = [];
  for (const [key, value] of entries) {
    checkEntryName(op, `${what} key`, key);
    if (typeof value !== 'string') {
      throw new TypeError(`${op}: ${what} value for ${quote(key)} must be a string, got ${describe(value)}`);
    }
    if (LONE_SURROGATE.test(value)) throw new TypeError(`${op}: ${what} value for ${quote(key)} has a lone surrogate, so it has no UTF-8 form`);
    pairs.push([key, value]);
  }
  pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
  return Object.fromEntries(pairs); // safe: forbidden names were refused
}

const STRINGS = 'an object of string values';

/**
 * Parses a file's JSON text (the JSON state file, the safetensors header) into an object.
 * JSON.parse spends 15 to 30 bytes of memory a character on objects and arrays (a 100 MB
 * header of "[[[…]]]" would take 3 GB), and a file of `maxTensors` tensors holds at most
 * 3 · maxTensors + 3 of them, so text holding more than 4 · (maxTensors + 1) is refused
 * before parsing; the rest costs at most about 7 bytes a character (docs/formats.md). A syntax error
 * is rethrown as a SyntaxError naming `op` and `what`. Internal to the formats.
 */
export function parseJSON(op: string, what: string, text: string, maxTensors: number): Record<string, unknown> {
  let n = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else inString = c !== 0x22;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) n++;
  }
  const max = 4 * (maxTensors + 1);
  if (n > max) throw new RangeError(`${op}: ${what} has ${n} JSON objects and arrays, more than the ${max} that ${maxTensors} tensors allow (options.maxTensors)`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${op}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
  return checkRecord(op, what, value, 'a JSON object');
}

/**
 * Checks one parsed tensor entry {dtype, shape, <key>} (keys in any order, no others) and
 * its name, the `count`th of at most `max` tensors. Returns the dtype, the checked shape and
 * element count, and the third value for the caller to check. Internal to the formats.
 */
export function checkTensorEntryValue<D extends string>(
  op: string, name: string, entry: unknown, count: number, max: number, dtypes: readonly D[], key: string,
): { what: string; dtype: D; shape: number[]; size: number; value: unknown } {
  checkEntryName(op, 'tensor', name);
  if (count === max) throw new RangeError(`${op}: the file holds more than ${max} tensors (options.maxTensors)`);
  const what = `tensor ${quote(name)}`;
  const keys = ['dtype', 'shape', key];
  const e = checkRecord(op, what, entry, `an object {${keys.join(', ')}}`);
  checkKeys(op, what, e, keys);
  if (!dtypes.includes(e.dtype as D)) {
    throw new TypeError(`${op}: ${what} has dtype ${describe(e.dtype)}; only "${dtypes.join('" and "')}" are supported`);
  }
  return { what, dtype: e.dtype as D, ...checkShapeValue(op, `${what} shape`, e.shape), value: e[key] };
}

/** Checks parsed metadata: at most `max` entries, then `checkMetadata`. Internal to the formats. */
export function readMetadata(op: string, what: string, value: unknown, max: number): Record<string, string> {
  const entries = Object.entries(checkRecord(op, what, value, STRINGS));
  if (entries.length > max) throw new RangeError(`${op}: ${what} has more than ${max} entries (options.maxMetadataEntries)`);
  return checkMetadata(op, what, entries);
}

/** A tensor as an encoder writes it. */
export interface EncoderEntry {
  name: string;
  data: FloatArray;
  shape: number[];
}

/**
 * What both encoders check before writing: a Map of tensors with valid names, Float32Array or
 * Float64Array data whose length matches a valid shape, and metadata as a plain object of
 * strings. Returns the metadata with sorted keys and the tensors sorted by name. Internal.
 */
export function checkEncoderInput(op: string, tensors: unknown, metadata: unknown): { meta: [string, string][]; entries: EncoderEntry[] } {
  checkMap(op, tensors);
  const record = checkMetadata(op, 'metadata', Object.entries(metadata === undefined ? {} : checkRecord(op, 'metadata', metadata, STRINGS)));
  // as pairs: an object would list keys such as "0", "1" before the others whatever their order
  const meta = Object.keys(record).sort(compareCodePoints).map((k): [string, string] => [k, record[k]]);
  const entries: EncoderEntry[] = [];
  for (const [name, t] of tensors) {
    checkEntryName(op, 'tensor', name);
    const what = `tensor ${quote(name)}`;
    const { data } = checkTensorEntry(op, what, t);
    const { shape } = checkShapeValue(op, `${what} shape`, (t as Tensor).shape);
    checkDataLength(op, what, data, shape);
    entries.push({ name, data, shape });
  }
  entries.sort((a, b) => compareCodePoints(a.name, b.name));
  return { meta, entries };
}

/** Refuses NaN and ±Infinity, naming the tensor and the first offending entry. Internal. */
export function checkFiniteData(op: string, name: string, data: ArrayLike<number>): void {
  checkFinite(op, `tensor ${quote(name)} (requireFinite)`, data);
}

/**
 * Orders strings by code point, which is UTF-8 byte order (UTF-16 order differs above
 * U+D7FF). While the strings agree, `i` stays on a code point boundary of both, so
 * codePointAt compares whole code points. Internal.
 */
export function compareCodePoints(a: string, b: string): number {
  for (let i = 0; ; i++) {
    const x = a.codePointAt(i) ?? -1, y = b.codePointAt(i) ?? -1;
    if (x !== y || x < 0) return x - y;
  }
}

/** A name for an error message: JSON-quoted, cut to 80 characters. */
export function quote(name: string): string {
  return JSON.stringify(name.length > 80 ? name.slice(0, 80) + '…' : name);
}

export function checkMap(op: string, tensors: unknown): asserts tensors is ReadonlyMap<string, unknown> {
  if (!(tensors instanceof Map)) throw new TypeError(`${op}: tensors must be a Map of name to tensor, got ${describe(tensors)}`);
}

/** Checks a tensor's kind and that its data is a Float32Array or Float64Array. */
export function checkTensorEntry(op: string, what: string, t: unknown): Tensor {
  const { data } = checkTensorLike<Tensor>(op, what, t);
  if (!isFloatArray(data)) throw new TypeError(`${op}: ${what} has data ${describe(data)} but a Float32Array or Float64Array was expected`);
  return t as Tensor;
}
