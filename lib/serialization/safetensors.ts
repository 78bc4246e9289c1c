/**
 * safetensors files (the Hugging Face format), F32 and F64 only:
 *
 *   [8 bytes]  N, the header length, unsigned 64-bit little-endian
 *   [N bytes]  UTF-8 JSON: {"__metadata__": {string: string}, "name": {"dtype": "F32" | "F64",
 *              "shape": [d0, …], "data_offsets": [begin, end]}, …}, padded with spaces
 *   [rest]     the data section: each tensor's values, row-major, little-endian, at
 *              [begin, end) relative to the start of this section
 *
 * The writer follows the reference implementation byte for byte: "__metadata__" first (when
 * there is any), tensors ordered by dtype alignment (F64 before F32) then by name in UTF-8
 * byte order, laid out contiguously in that order, the header padded with spaces to a
 * multiple of 8 so every tensor is aligned to its element size within the file.
 * The reader treats the file as hostile; docs/formats.md lists what it refuses.
 */
import { type DType, type FloatArray, type Tensor, allocate } from '../tensor.js';
import { describe, shapeText } from '../validate.js';
import {
  type DecodeOptions, type StateFile, checkEncoderInput, checkFiniteData, checkTensorEntryValue, parseJSON, quote, readMetadata, resolveDecodeOptions,
} from './format-rules.js';

/** Largest header accepted, in bytes: the reference implementation's limit (100 MB). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

/** The safetensors dtypes rnnkit reads and writes. */
export type SafetensorsDType = 'F32' | 'F64';

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Writes tensors (Float32Array → F32, Float64Array → F64) and optional string metadata as a
 * safetensors file. Equal inputs give identical bytes, whatever the Map's order.
 * Names must not be "__metadata__", "__proto__", "constructor" or "prototype", and the
 * header (names, shapes, metadata) must fit in SAFETENSORS_MAX_HEADER bytes.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const op = 'encodeSafetensors';
  const { meta, entries } = checkEncoderInput(op, tensors, metadata);
  if (tensors.has(METADATA_KEY)) throw new TypeError(`${op}: tensor name "${METADATA_KEY}" is reserved for metadata`);
  entries.sort((a, b) => b.data.BYTES_PER_ELEMENT - a.data.BYTES_PER_ELEMENT); // F64 first; stable, so by name within a dtype

  // The header, written by hand so its key order is ours (a JS object would move "0", "1"… first).
  const fields: string[] = meta.length > 0 ? [`"${METADATA_KEY}":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`] : [];
  let offset = 0;
  for (const { name, data, shape } of entries) {
    const begin = offset;
    offset += data.byteLength;
    fields.push(`${JSON.stringify(name)}:{"dtype":"F${8 * data.BYTES_PER_ELEMENT}","shape":[${shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
  }
  const json = utf8Encoder.encode(`{${fields.join(',')}}`);
  const n = json.length + ((8 - (json.length % 8)) % 8);
  if (n > SAFETENSORS_MAX_HEADER) {
    throw new RangeError(`${op}: the header would take ${n} bytes, more than the ${SAFETENSORS_MAX_HEADER} that readers accept`);
  }

  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setUint32(0, n, true); // n ≤ SAFETENSORS_MAX_HEADER < 2^32: the high 4 bytes stay 0
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const { data } of entries) at = writeLittleEndian(out, at, data);
  return out;
}

/**
 * Reads a safetensors file of F32 and F64 tensors, treating it as hostile. Before allocating
 * anything sized by the file it checks: the 8-byte length, the header length (≤ 100 MB and
 * within the file), UTF-8, no more JSON objects and arrays than `maxTensors` tensors need,
 * JSON syntax, a JSON object at the top, known keys and dtypes, shapes, byte ranges (in
 * range, matching shape × dtype, no overlap, no gap, covering the whole data section), names,
 * string metadata, and the `maxTensors` and `maxMetadataEntries` caps. With `requireFinite`
 * it also refuses NaN and ±Infinity. A key given twice in one object counts once, with its
 * last value. Returns new arrays (the file's bytes may be unaligned) and the tensors in
 * header order (names that are array indices first, as in decodeStateJSON).
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): StateFile {
  const op = 'decodeSafetensors';
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: bytes must be a Uint8Array, got ${describe(bytes)}`);
  const opts = resolveDecodeOptions(op, options);
  if (bytes.length < 8) {
    throw new RangeError(`${op}: the file has ${bytes.length} bytes, too short for the 8-byte header length`);
  }

  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  const n = Number(length); // exact up to the limit, and huge beyond it
  if (n > SAFETENSORS_MAX_HEADER) throw new RangeError(`${op}: header length ${length} exceeds the ${SAFETENSORS_MAX_HEADER}-byte limit`);
  if (n > bytes.length - 8) {
    throw new RangeError(`${op}: the file is truncated: its header length is ${n} but only ${bytes.length - 8} bytes follow the length field (${bytes.length} bytes in all)`);
  }
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;

  let text: string;
  try {
    text = utf8Decoder.decode(bytes.subarray(8, dataStart));
  } catch {
    throw new TypeError(`${op}: the header is not valid UTF-8`);
  }

  const header = parseJSON(op, 'the header', text, opts.maxTensors);
  let metadata: Record<string, string> = {};
  const plan: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = value === null ? {} : readMetadata(op, `"${METADATA_KEY}"`, value, opts.maxMetadataEntries);
    else plan.push(checkEntry(op, name, value, plan.length, opts.maxTensors, dataBytes));
  }

  // The ranges, sorted, must tile [0, dataBytes) exactly (empty tensors may sit at any
  // boundary); the last entry stands for the end of the data section.
  const sorted = [...plan.slice().sort((a, b) => a.begin - b.begin || a.end - b.end), { name: '', begin: dataBytes, end: dataBytes }];
  let covered = 0;
  for (const { name, begin, end } of sorted) {
    const range = name ? `tensor ${quote(name)} data_offsets [${begin}, ${end}]` : `the end of the ${dataBytes}-byte data section`;
    if (begin > covered) throw new RangeError(`${op}: bytes [${covered}, ${begin}) of the data section belong to no tensor (a gap before ${range})`);
    if (begin < covered) throw new RangeError(`${op}: ${range} overlap another tensor's bytes, which end at ${covered}`);
    covered = end;
  }

  // Every check passed; the arrays allocated below add up to the data section's size.
  const tensors = new Map<string, Tensor>();
  for (const { name, dtype, shape, begin, end } of plan) {
    const data = readLittleEndian(bytes.subarray(dataStart + begin, dataStart + end), dtype === 'F64' ? 'float64' : 'float32');
    if (opts.requireFinite) checkFiniteData(op, name, data);
    tensors.set(name, { data, shape });
  }
  return { tensors, metadata };
}

/**
 * Writes `data` as little-endian bytes into `out` at byte `at`; returns the byte after them.
 * Internal to serialization.
 */
export function writeLittleEndian(out: Uint8Array, at: number, data: FloatArray): number {
  const end = at + data.byteLength;
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
  if (!LITTLE_ENDIAN_HOST) swapBytes(out.subarray(at, end), data.BYTES_PER_ELEMENT);
  return end;
}

/**
 * A new array of `dtype` holding the little-endian values in `bytes` (a byte copy: any
 * alignment). `bytes.length` must be a multiple of the element size. Internal to serialization.
 */
export function readLittleEndian(bytes: Uint8Array, dtype: DType): FloatArray {
  const data = allocate(dtype, bytes.length / (dtype === 'float64' ? 8 : 4));
  const target = new Uint8Array(data.buffer);
  target.set(bytes);
  if (!LITTLE_ENDIAN_HOST) swapBytes(target, data.BYTES_PER_ELEMENT);
  return data;
}

interface Entry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Checks one header entry {dtype, shape, data_offsets} against the data section. */
function checkEntry(op: string, name: string, value: unknown, count: number, max: number, dataBytes: number): Entry {
  const { what, dtype, shape, size, value: offsets } = checkTensorEntryValue(op, name, value, count, max, ['F32', 'F64'] as const, 'data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2) throw new TypeError(`${op}: ${what} data_offsets must be an array [begin, end], got ${describe(offsets)}`);
  offsets.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${op}: ${what} data_offsets ${i ? 'end' : 'begin'} must be a non-negative integer, got ${describe(v)}`);
  });
  const [b, e]: number[] = offsets;
  const range = `${what} data_offsets [${b}, ${e}]`;
  if (b > e) throw new RangeError(`${op}: ${range} end before they begin`);
  if (e > dataBytes) throw new RangeError(`${op}: ${range} are out of range: the data section has ${dataBytes} bytes (the file is truncated, or its header is wrong)`);
  // May pass 2^53 for a hostile shape, but then it cannot equal e - b ≤ dataBytes.
  const needed = size * (dtype === 'F64' ? 8 : 4);
  if (e - b !== needed) {
    throw new RangeError(`${op}: ${what} has shape ${shapeText(shape)} (${size} elements, ${needed} bytes as ${dtype}) but data_offsets [${b}, ${e}] span ${e - b} bytes`);
  }
  return { name, dtype, shape, begin: b, end: e };
}

/** Reverses the bytes of each `size`-byte element in place (for big-endian hosts). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = bytes[lo];
      bytes[lo] = bytes[hi];
      bytes[hi] = t;
    }
  }
}
