/**
 * The rnnkit JSON state format, and the strict JSON reader both formats parse with.
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
import { checkInteger, describe, shapeText } from '../validate.js';
import { JsonReader, readFields, readMetadata, readTensorEntry } from './json-reader.js';
import {
  type DecodeOptions,
  type StateFile,
  beyondFloat32,
  checkEncoderInput,
  checkFiniteData,
  checkNextTensor,
  quote,
  resolveDecodeOptions,
} from './state-dict.js';

/** The format tag every rnnkit JSON state file starts with. */
export const STATE_JSON_FORMAT = 'rnnkit-state/1';

/** Default cap on the text `decodeStateJSON` accepts: 64 Mi characters. */
export const STATE_JSON_MAX_LENGTH = 64 * 1024 * 1024;

export interface DecodeStateJSONOptions extends DecodeOptions {
  /** Longest text accepted, in UTF-16 code units (default STATE_JSON_MAX_LENGTH). */
  maxLength?: number;
}

const NON_FINITE: ReadonlyMap<string, number> = new Map([['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]]);

/**
 * Writes tensors and metadata as rnnkit JSON state text. Tensors are written in code-point
 * order of their names, metadata keys likewise, so equal inputs give equal text.
 */
export function encodeStateJSON(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): string {
  const { meta, entries } = checkEncoderInput('encodeStateJSON', tensors, metadata);
  const metaText = Object.keys(meta).map((k) => `${JSON.stringify(k)}: ${JSON.stringify(meta[k])}`).join(', ');
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
 * `maxLength`, invalid JSON, duplicate keys anywhere, unknown or missing keys, a wrong format
 * tag, unknown dtypes, bad shapes, data whose length does not match the shape, non-numeric
 * data, float32 values beyond the float32 range, the names __proto__/constructor/prototype,
 * non-string metadata, more than `maxTensors` tensors or `maxMetadataEntries` metadata entries,
 * and (with `requireFinite`) NaN and ±Infinity. Each value is checked as it is read, so memory
 * stays proportional to what is returned. Float32 values are rounded to the nearest float32.
 * The returned arrays are new; tensors keep the file's order.
 */
export function decodeStateJSON(text: string, options: DecodeStateJSONOptions = {}): StateFile {
  const op = 'decodeStateJSON';
  if (typeof text !== 'string') throw new TypeError(`${op}: text must be a string, got ${describe(text)}`);
  const opts = resolveDecodeOptions(op, options);
  const maxLength = options.maxLength === undefined ? STATE_JSON_MAX_LENGTH : checkInteger(op, 'options.maxLength', options.maxLength, 0);
  if (text.length > maxLength) {
    throw new RangeError(`${op}: text has ${text.length} characters, more than the limit of ${maxLength} (options.maxLength)`);
  }

  const r = new JsonReader(op, 'text', text);
  r.expect('{', 'text must hold a JSON object');
  let metadata: Record<string, string> = {};
  const plan = new Map<string, Planned>();
  readFields(r, 'the top-level object', ['format', 'metadata', 'tensors'], (key) => {
    if (key === 'format') {
      const got = r.stringOr();
      if (got !== STATE_JSON_FORMAT) throw new TypeError(`${op}: "format" must be "${STATE_JSON_FORMAT}", got ${r.got(got)}`);
    } else if (key === 'metadata') {
      metadata = readMetadata(r, 'metadata', opts.maxMetadataEntries, false);
    } else {
      r.expect('{', '"tensors" must be an object');
      r.object((name) => {
        checkNextTensor(op, name, plan.size, opts.maxTensors);
        plan.set(name, readStateTensor(r, name, opts.requireFinite));
      });
    }
  }, 'metadata');
  r.end();

  // Every check passed: only now are the typed arrays allocated.
  const tensors = new Map<string, Tensor>();
  for (const [name, { dtype, shape, values }] of plan) {
    const data = allocate(dtype, values.length);
    data.set(values); // a Float32Array rounds each value to the nearest float32, as Math.fround does
    tensors.set(name, { data, shape });
  }
  return { tensors, metadata };
}

/** A checked tensor entry, not yet copied into a typed array. */
interface Planned {
  dtype: 'float32' | 'float64';
  shape: number[];
  values: number[];
}

/** One {"dtype", "shape", "data"} entry, fully checked; its keys may come in any order. */
function readStateTensor(r: JsonReader, name: string, requireFinite: boolean): Planned {
  const op = r.op;
  const what = `tensor ${quote(name)}`;
  const { dtype, shape, size, value: values } = readTensorEntry(r, what, ['float32', 'float64'] as const, 'data', (n) => readValues(r, what, n));
  if (values.length !== size) throw new RangeError(`${op}: ${what} has ${values.length} data values but shape ${shapeText(shape)} needs ${size}`);
  if (requireFinite) checkFiniteData(op, name, values);
  const i = dtype === 'float32' ? beyondFloat32(values) : -1;
  if (i >= 0) throw new RangeError(`${op}: ${what} data[${i}] = ${values[i]} is beyond the float32 range`);
  return { dtype, shape, values };
}

/** The "data" array: numbers, or the strings "NaN", "Infinity", "-Infinity". */
function readValues(r: JsonReader, what: string, size: number | undefined): number[] {
  const op = r.op;
  r.expect('[', `${what} data must be an array of numbers`);
  const values: number[] = [];
  r.array((i) => {
    if (i === size) throw new RangeError(`${op}: ${what} has more than ${size} data values but its shape needs ${size}`);
    let s: string | undefined;
    const x = r.atNumber() ? r.number() : NON_FINITE.get((s = r.stringOr()) as string);
    if (x === undefined) throw new TypeError(`${op}: ${what} data[${i}] must be a number or "NaN", "Infinity", "-Infinity", got ${r.got(s)}`);
    values.push(x);
  });
  return values;
}

/** Shortest decimal that reads back (nearest double, then Math.fround) as the float32 `v`. */
function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return `"${v}"`;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
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
