/**
 * The rnnkit JSON state format.
 *
 *   {"format": "rnnkit-state/1",
 *    "metadata": {"key": "value", …},
 *    "tensors": {"name": {"dtype": "float32" | "float64", "shape": [d0, d1, …], "data": [v, …]}, …}}
 *
 * Values are written so they read back bit-exactly: float64 as the shortest decimal that
 * parses to the same double, float32 as the shortest decimal that parses (to the nearest
 * double, then Math.fround) to the same float32. JSON has no NaN or Infinity, so those are
 * written as the strings "NaN", "Infinity" and "-Infinity" (a NaN's payload bits are not
 * kept: every NaN reads back as the canonical NaN). docs/formats.md has the full rules.
 */
import { type Tensor, allocate } from '../tensor.js';
import { checkInteger, checkKeys, checkRecord, describe, shapeText } from '../validate.js';
import {
  type DecodeOptions,
  type StateFile,
  checkEncoderInput,
  checkFiniteData,
  checkTensorEntryValue,
  parseJSON,
  readMetadata,
  resolveDecodeOptions,
} from './format-rules.js';

/** The format tag every rnnkit JSON state file starts with. */
export const STATE_JSON_FORMAT = 'rnnkit-state/1';

/** Default cap on the text `decodeStateJSON` accepts: 64 Mi characters. */
export const STATE_JSON_MAX_LENGTH = 2 ** 26;

export interface DecodeStateJSONOptions extends DecodeOptions {
  /** Longest text accepted, in UTF-16 code units (default STATE_JSON_MAX_LENGTH). */
  maxLength?: number;
}

const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/**
 * Writes tensors and metadata as rnnkit JSON state text. Tensors are written in code-point
 * order of their names, metadata keys likewise, so equal inputs give equal text.
 */
export function encodeStateJSON(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): string {
  const { meta, entries } = checkEncoderInput('encodeStateJSON', tensors, metadata);
  const metaText = meta.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ');
  const lines = entries.map(({ name, data, shape }) => {
    const f64 = data instanceof Float64Array;
    const values = Array.from(data, f64 ? formatFloat64 : formatFloat32);
    return `    ${JSON.stringify(name)}: {"dtype": "float${f64 ? 64 : 32}", "shape": [${shape.join(', ')}], "data": [${values.join(', ')}]}`;
  });
  return (
    `{\n  "format": "${STATE_JSON_FORMAT}",\n  "metadata": {${metaText}},\n  "tensors": {` +
    (lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : '') +
    '}\n}\n'
  );
}

/**
 * Reads rnnkit JSON state text, treating it as hostile. It refuses text longer than
 * `maxLength`, more JSON objects and arrays than `maxTensors` tensors need (before parsing),
 * invalid JSON, unknown or missing keys, a wrong format tag, unknown dtypes, bad shapes, data
 * whose length does not match the shape, non-numeric data, numbers beyond the double range,
 * float32 values beyond the float32 range, the names __proto__/constructor/prototype,
 * non-string metadata, more than `maxTensors` tensors or `maxMetadataEntries` metadata
 * entries, and (with `requireFinite`) NaN and ±Infinity. A key given twice in one object
 * counts once, with its last value (as JSON.parse and Python's json do). Float32 values are
 * rounded to the nearest float32. The returned arrays are new, allocated once everything is
 * checked; tensors keep the file's order, except that names that are array indices ("0",
 * "1", …) come first, in numeric order (JavaScript's object key order).
 */
export function decodeStateJSON(text: string, options: DecodeStateJSONOptions = {}): StateFile {
  const op = 'decodeStateJSON';
  if (typeof text !== 'string') throw new TypeError(`${op}: text must be a string, got ${describe(text)}`);
  const opts = resolveDecodeOptions(op, options, ['maxLength']);
  const maxLength = options.maxLength === undefined ? STATE_JSON_MAX_LENGTH : checkInteger(op, 'options.maxLength', options.maxLength, 0);
  if (text.length > maxLength) {
    throw new RangeError(`${op}: text has ${text.length} characters, more than the limit of ${maxLength} (options.maxLength)`);
  }

  const doc = parseJSON(op, 'text', text, opts.maxTensors);
  checkKeys(op, 'the top-level object', doc, ['format', 'metadata', 'tensors']);
  if (doc.format !== STATE_JSON_FORMAT) throw new TypeError(`${op}: "format" must be "${STATE_JSON_FORMAT}", got ${describe(doc.format)}`);
  const metadata = doc.metadata === undefined ? {} : readMetadata(op, 'metadata', doc.metadata, opts.maxMetadataEntries);
  const plan = Object.entries(checkRecord(op, '"tensors"', doc.tensors)).map(([name, entry], count) => {
    const { what, dtype, shape, size, value: values } = checkTensorEntryValue(op, name, entry, count, opts.maxTensors, ['float32', 'float64'] as const, 'data');
    if (!Array.isArray(values)) throw new TypeError(`${op}: ${what} data must be an array of numbers, got ${describe(values)}`);
    if (values.length !== size) throw new RangeError(`${op}: ${what} has ${values.length} data values but shape ${shapeText(shape)} needs ${size}`);
    values.forEach((x: unknown, i) => {
      if (typeof x !== 'number') {
        if (!NON_FINITE.includes(x as string)) throw new TypeError(`${op}: ${what} data[${i}] must be a number or "NaN", "Infinity", "-Infinity", got ${describe(x)}`);
      } else if (!Number.isFinite(dtype === 'float32' ? Math.fround(x) : x)) {
        // JSON.parse reads a number beyond the double range (1e400) as ±Infinity
        throw new RangeError(`${op}: ${what} data[${i}] = ${x} is beyond the ${dtype} range`);
      }
    });
    if (opts.requireFinite) checkFiniteData(op, name, values);
    return { name, dtype, shape, values };
  });

  // Every check passed: only now are the typed arrays allocated. Storing converts each value
  // as Number() does ("NaN" to NaN, …), and a Float32Array rounds it as Math.fround does.
  const tensors = new Map(plan.map(({ name, dtype, shape, values }): [string, Tensor] => {
    const data = allocate(dtype, values.length);
    data.set(values);
    return [name, { data, shape }];
  }));
  return { tensors, metadata };
}

/** Shortest decimal that reads back (nearest double, then Math.fround) as the float32 `v`. */
function formatFloat32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatFloat64(v);
  const plain = String(v);
  if (plain.length <= 8) return plain; // short already: at most 7 significant digits and exact
  // Nine significant digits always identify a float32; weights mostly need 8 or 9, so search
  // down from 9 and stop at the first precision that no longer reads back.
  let best = v.toPrecision(9);
  for (let p = 8; p >= 1; p--) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) !== v) break;
    best = s;
  }
  const s = String(Number(best)); // canonical form: "100" rather than "1.00e+2"
  return Math.fround(Number(s)) === v ? s : plain;
}

/** Shortest decimal that reads back as the double `v` (JavaScript's own Number → string). */
function formatFloat64(v: number): string {
  if (!Number.isFinite(v)) return `"${v}"`;
  return Object.is(v, -0) ? '-0' : String(v);
}
