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
import { type FloatArray, type Tensor, allocate } from '../tensor.js';
import { checkInteger, describe } from '../validate.js';
import {
  type DecodeOptions,
  type StateFile,
  MAX_RANK,
  checkEntryName,
  checkMetadata,
  checkShapeValue,
  checkTensorValue,
  compareCodePoints,
  metadataEntries,
  quote,
  resolveDecodeOptions,
  shapeText,
} from './state-dict.js';

/** The format tag every rnnkit JSON state file starts with. */
export const STATE_JSON_FORMAT = 'rnnkit-state/1';

/** Default cap on the text `decodeStateJSON` accepts: 64 Mi characters. */
export const STATE_JSON_MAX_LENGTH = 64 * 1024 * 1024;

export interface DecodeStateJSONOptions extends DecodeOptions {
  /** Longest text accepted, in UTF-16 code units (default STATE_JSON_MAX_LENGTH). */
  maxLength?: number;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * Writes tensors and metadata as rnnkit JSON state text. Tensors are written in code-point
 * order of their names, metadata keys likewise, so equal inputs give equal text.
 */
export function encodeStateJSON(tensors: ReadonlyMap<string, Tensor>, metadata?: Readonly<Record<string, string>>): string {
  const op = 'encodeStateJSON';
  if (!(tensors instanceof Map)) throw new TypeError(`${op}: tensors must be a Map of name to tensor, got ${describe(tensors)}`);
  const meta = checkMetadata(op, 'metadata', metadataEntries(op, metadata));
  const entries: { name: string; data: FloatArray; shape: number[] }[] = [];
  for (const [name, t] of tensors) {
    checkEntryName(op, 'tensor', name);
    entries.push({ name, ...checkTensorValue(op, name, t) });
  }
  entries.sort((a, b) => compareCodePoints(a.name, b.name));

  const metaText = Object.keys(meta).map((k) => `${JSON.stringify(k)}: ${JSON.stringify(meta[k])}`).join(', ');
  const lines = entries.map(({ name, data, shape }) => {
    const dtype = data instanceof Float64Array ? 'float64' : 'float32';
    const format = data instanceof Float64Array ? formatFloat64 : formatFloat32;
    const values = new Array<string>(data.length);
    for (let i = 0; i < data.length; i++) values[i] = format(data[i]);
    return `    ${JSON.stringify(name)}: {"dtype": "${dtype}", "shape": [${shape.join(', ')}], "data": [${values.join(', ')}]}`;
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
  if (r.next() !== LBRACE) throw new TypeError(`${op}: text must hold a JSON object, got ${r.describe()}`);
  let format: string | undefined;
  let metadata: Record<string, string> = {};
  let plan: Map<string, Planned> | undefined;
  r.object((key) => {
    if (key === 'format') {
      const got = r.next() === QUOTE ? r.string() : undefined;
      if (got !== STATE_JSON_FORMAT) {
        throw new TypeError(`${op}: "format" must be "${STATE_JSON_FORMAT}", got ${got === undefined ? r.describe() : describe(got)}`);
      }
      format = got;
    } else if (key === 'metadata') {
      metadata = readMetadata(r, 'metadata', opts.maxMetadataEntries, false);
    } else if (key === 'tensors') {
      plan = readStateTensors(r, opts);
    } else {
      throw new TypeError(`${op}: the top-level object has an unknown key ${quote(key)}; the keys are "format", "metadata", "tensors"`);
    }
  });
  r.end();
  if (format === undefined) throw new TypeError(`${op}: the top-level object has no "format" key`);
  if (plan === undefined) throw new TypeError(`${op}: the top-level object has no "tensors" key`);

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

function readStateTensors(r: JsonReader, opts: Required<DecodeOptions>): Map<string, Planned> {
  const op = r.op;
  if (r.next() !== LBRACE) throw new TypeError(`${op}: "tensors" must be an object, got ${r.describe()}`);
  const tensors = new Map<string, Planned>();
  r.object((name) => {
    checkEntryName(op, 'tensor', name);
    if (tensors.size === opts.maxTensors) throw new RangeError(`${op}: the file holds more than ${opts.maxTensors} tensors (options.maxTensors)`);
    tensors.set(name, readStateTensor(r, name, opts.requireFinite));
  });
  return tensors;
}

/** One {"dtype", "shape", "data"} entry, fully checked; its keys may come in any order. */
function readStateTensor(r: JsonReader, name: string, requireFinite: boolean): Planned {
  const op = r.op;
  const what = `tensor ${quote(name)}`;
  if (r.next() !== LBRACE) throw new TypeError(`${op}: ${what} must be an object {dtype, shape, data}, got ${r.describe()}`);
  let dtype: 'float32' | 'float64' | undefined;
  let shape: { shape: number[]; size: number } | undefined;
  let values: number[] | undefined;
  r.object((key) => {
    if (key === 'dtype') {
      const got = r.next() === QUOTE ? r.string() : undefined;
      if (got !== 'float32' && got !== 'float64') {
        throw new TypeError(`${op}: ${what} has dtype ${got === undefined ? r.describe() : describe(got)}; only "float32" and "float64" are supported`);
      }
      dtype = got;
    } else if (key === 'shape') {
      shape = readShape(r, `${what} shape`);
    } else if (key === 'data') {
      values = readValues(r, what, shape?.size);
    } else {
      throw new TypeError(`${op}: ${what} has an unknown key ${quote(key)}; the keys are "dtype", "shape", "data"`);
    }
  });
  if (dtype === undefined) throw new TypeError(`${op}: ${what} has no "dtype" key`);
  if (shape === undefined) throw new TypeError(`${op}: ${what} has no "shape" key`);
  if (values === undefined) throw new TypeError(`${op}: ${what} has no "data" key`);
  if (values.length !== shape.size) {
    throw new RangeError(`${op}: ${what} has ${values.length} data values but shape ${shapeText(shape.shape)} needs ${shape.size}`);
  }
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (requireFinite && !Number.isFinite(x)) {
      throw new RangeError(`${op}: tensor ${quote(name)} entry ${i} is ${x} but finite values were required (requireFinite)`);
    }
    if (dtype === 'float32' && Number.isFinite(x) && !Number.isFinite(Math.fround(x))) {
      throw new RangeError(`${op}: ${what} data[${i}] = ${x} is beyond the float32 range`);
    }
  }
  return { dtype, shape: shape.shape, values };
}

/** The "data" array: numbers, or the strings "NaN", "Infinity", "-Infinity". */
function readValues(r: JsonReader, what: string, size: number | undefined): number[] {
  const op = r.op;
  if (r.next() !== LBRACKET) throw new TypeError(`${op}: ${what} data must be an array of numbers, got ${r.describe()}`);
  const values: number[] = [];
  r.array((i) => {
    if (size !== undefined && i === size) {
      throw new RangeError(`${op}: ${what} has more than ${size} data values but its shape needs ${size}`);
    }
    const c = r.next();
    let x: number | undefined;
    if (isNumberStart(c)) {
      x = r.number();
    } else if (c === QUOTE) {
      const s = r.string();
      x = Object.prototype.hasOwnProperty.call(NON_FINITE, s) ? NON_FINITE[s] : undefined;
      if (x === undefined) throw new TypeError(`${op}: ${what} data[${i}] must be a number or "NaN", "Infinity", "-Infinity", got ${describe(s)}`);
    } else {
      throw new TypeError(`${op}: ${what} data[${i}] must be a number or "NaN", "Infinity", "-Infinity", got ${r.describe()}`);
    }
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

// ——— Strict JSON reading, shared with safetensors.ts ———

/**
 * Reads a shape: an array of at most MAX_RANK numbers, then checked by `checkShapeValue`.
 * Internal to the formats.
 */
export function readShape(r: JsonReader, what: string): { shape: number[]; size: number } {
  const op = r.op;
  if (r.next() !== LBRACKET) throw new TypeError(`${op}: ${what} must be an array of non-negative integers, got ${r.describe()}`);
  const dims: number[] = [];
  r.array((i) => {
    if (i === MAX_RANK) throw new RangeError(`${op}: ${what} has more than ${MAX_RANK} dimensions, the limit`);
    if (!isNumberStart(r.next())) throw new TypeError(`${op}: ${what}[${i}] must be a non-negative integer, got ${r.describe()}`);
    dims.push(r.number());
  });
  return checkShapeValue(op, what, dims);
}

/**
 * Reads metadata: an object of at most `max` string values (or null when `allowNull`).
 * Internal to the formats.
 */
export function readMetadata(r: JsonReader, what: string, max: number, allowNull: boolean): Record<string, string> {
  const op = r.op;
  if (allowNull && r.literal('null')) return {};
  if (r.next() !== LBRACE) throw new TypeError(`${op}: ${what} must be an object of string values, got ${r.describe()}`);
  const entries: [string, string][] = [];
  r.object((key) => {
    checkEntryName(op, `${what} key`, key);
    if (entries.length === max) throw new RangeError(`${op}: ${what} has more than ${max} entries (options.maxMetadataEntries)`);
    if (r.next() !== QUOTE) throw new TypeError(`${op}: ${what} value for ${quote(key)} must be a string, got ${r.describe()}`);
    entries.push([key, r.string()]);
  });
  return checkMetadata(op, what, entries);
}

export const LBRACE = 0x7b;
export const LBRACKET = 0x5b;
export const QUOTE = 0x22;

/** Whether a character code starts a JSON number. */
export function isNumberStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39);
}

/**
 * A strict JSON (RFC 8259) reader driven by the format's schema: the caller asks for the
 * value it expects next (`object`, `array`, `string`, `number`) and checks it at once, so a
 * hostile file never makes it build structures the format does not need. Unlike JSON.parse
 * it refuses duplicate keys in an object (JSON.parse keeps the last one silently), lone
 * surrogates, and numbers beyond the double range. Syntax errors are SyntaxErrors naming
 * `op`, `what` and the character position. Nothing here recurses. Internal to the formats.
 */
export class JsonReader {
  private pos = 0;

  constructor(
    readonly op: string,
    readonly what: string,
    private readonly text: string,
  ) {}

  /** Skips whitespace and returns the next character code (NaN at the end). */
  next(): number {
    const t = this.text;
    let i = this.pos;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.pos = i;
    return t.charCodeAt(i);
  }

  /** Refuses anything but whitespace after the document's value. */
  end(): void {
    if (!Number.isNaN(this.next())) this.fail(`unexpected ${this.found()} after the value`);
  }

  /** Describes the value that starts here, for an error about its kind; scalars are read. */
  describe(): string {
    const c = this.next();
    if (c === LBRACE) return 'an object';
    if (c === LBRACKET) return 'an array';
    if (c === QUOTE) return describe(this.string());
    if (isNumberStart(c)) return String(this.number());
    for (const word of ['true', 'false', 'null']) if (this.literal(word)) return word;
    return this.fail(`unexpected ${this.found()} where a value was expected`);
  }

  /** Consumes `word` (true, false, null) if it is next. */
  literal(word: string): boolean {
    this.next();
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  /**
   * Reads an object (the caller has seen "{"), calling `onMember` with each key; the callback
   * must read the key's value. A key seen twice in the object is refused.
   */
  object(onMember: (key: string) => void): void {
    this.pos++;
    const seen = new Set<string>();
    if (this.next() === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      if (this.next() !== QUOTE) this.fail(`expected a string key, found ${this.found()}`);
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) {
        throw new SyntaxError(`${this.op}: ${this.what} has the key ${quote(key)} twice in one object (again at character ${keyAt}); duplicate keys are refused`);
      }
      seen.add(key);
      if (this.next() !== 0x3a) this.fail(`expected ":" after a key, found ${this.found()}`);
      this.pos++;
      onMember(key);
      const c = this.next();
      if (c === 0x7d) {
        this.pos++;
        return;
      }
      if (c !== 0x2c) this.fail(`expected "," or "}" in an object, found ${this.found()}`);
      this.pos++;
    }
  }

  /** Reads an array (the caller has seen "["), calling `onElement`, which must read the element. */
  array(onElement: (index: number) => void): void {
    this.pos++;
    if (this.next() === 0x5d) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      onElement(i);
      const c = this.next();
      if (c === 0x5d) {
        this.pos++;
        return;
      }
      if (c !== 0x2c) this.fail(`expected "," or "]" in an array, found ${this.found()}`);
      this.pos++;
    }
  }

  /** Reads a string (the caller has seen the opening quote). */
  string(): string {
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= t.length) this.fail('unterminated string', start);
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return out + t.slice(chunk, i);
      }
      if (c === 0x5c) {
        out += t.slice(chunk, i);
        const e = t.charCodeAt(i + 1);
        const simple = ESCAPES.get(e);
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 0x75) {
          const unit = this.hex4(i + 2);
          if (unit >= 0xdc00 && unit <= 0xdfff) this.fail('lone low surrogate escape', i);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = t.charCodeAt(i + 6) === 0x5c && t.charCodeAt(i + 7) === 0x75 ? this.hex4(i + 8) : -1;
            if (!(low >= 0xdc00 && low <= 0xdfff)) this.fail('lone high surrogate escape', i);
            out += String.fromCharCode(unit, low);
            i += 12;
          } else {
            out += String.fromCharCode(unit);
            i += 6;
          }
        } else {
          this.fail(`invalid escape "\\${i + 1 < t.length ? t[i + 1] : ''}"`, i);
        }
        chunk = i;
        continue;
      }
      if (c < 0x20) this.fail(`unescaped control character U+${hex(c)} in a string`, i);
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = t.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) this.fail('lone surrogate in a string', i);
        i += 2;
        continue;
      }
      i++;
    }
  }

  /** Reads a number (the caller has seen "-" or a digit). */
  number(): number {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const first = t.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) i = this.digits(i);
    else this.fail(`expected a digit, found ${this.found(i)}`, i);
    if (t.charCodeAt(i) === 0x2e) {
      if (!isDigit(t.charCodeAt(i + 1))) this.fail(`expected a digit after ".", found ${this.found(i + 1)}`, i + 1);
      i = this.digits(i + 1);
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = t.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(t.charCodeAt(i))) this.fail(`expected a digit in the exponent, found ${this.found(i)}`, i);
      i = this.digits(i);
    }
    const value = Number(t.slice(start, i));
    if (!Number.isFinite(value)) this.fail(`number ${t.slice(start, Math.min(i, start + 40))} is beyond the double range`, start);
    this.pos = i;
    return value;
  }

  private fail(reason: string, at = this.pos): never {
    throw new SyntaxError(`${this.op}: ${this.what} is not valid JSON: ${reason} at character ${at}`);
  }

  private found(at = this.pos): string {
    if (at >= this.text.length) return 'end of text';
    const c = this.text.charCodeAt(at);
    if (c < 0x20 || c > 0x7e) return `character U+${hex(c)}`;
    return c === QUOTE ? `'"'` : `"${this.text[at]}"`;
  }

  private hex4(at: number): number {
    let unit = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.text.charCodeAt(at + k);
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (digit < 0) this.fail('\\u escape needs four hex digits', at - 2);
      unit = unit * 16 + digit;
    }
    return unit;
  }

  private digits(i: number): number {
    while (isDigit(this.text.charCodeAt(i))) i++;
    return i;
  }
}

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x5c, '\\'],
  [0x2f, '/'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hex(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
