/**
 * A strict JSON (RFC 8259) reader driven by a format's schema, shared by both state formats:
 * the caller asks for the value it expects next (`object`, `array`, `string`, `number`) and
 * checks it at once, so a hostile file never makes it build structures the format does not
 * need, and nothing here recurses. Unlike JSON.parse it refuses duplicate keys in an object
 * (JSON.parse keeps the last one silently), lone surrogates, and numbers beyond the double
 * range. Syntax errors are SyntaxErrors naming `op`, `what` and the character position.
 * Internal to the formats.
 */
import { describe } from '../validate.js';
import { LONE_SURROGATE, MAX_RANK, checkEntryName, checkMetadata, checkShapeValue, quote } from './state-dict.js';

// One string token: unescaped characters other than controls and lone surrogates, surrogate
// pairs, and the escapes JSON allows. The final group is empty when the token stops early.
const STRING = /"(?:[^"\\\u0000-\u001f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff]|\\(?:["\\/bfnrt]|u[\da-fA-F]{4}))*("?)/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export class JsonReader {
  private pos = 0;

  constructor(
    readonly op: string,
    readonly what: string,
    private readonly text: string,
  ) {}

  /** Skips whitespace and returns the next character ('' at the end). */
  next(): string {
    const t = this.text;
    let i = this.pos;
    for (let c = t.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++i));
    this.pos = i;
    return t.charAt(i);
  }

  /** Whether a number starts here. */
  atNumber(): boolean {
    const c = this.next();
    return c === '-' || (c >= '0' && c <= '9');
  }

  /** Throws a TypeError `op: message, got <the value here>` unless the next character is `c`. */
  expect(c: string, message: string): void {
    if (this.next() !== c) throw new TypeError(`${this.op}: ${message}, got ${this.describe()}`);
  }

  /** Refuses anything but whitespace after the document's value. */
  end(): void {
    if (this.next()) this.fail(`unexpected ${this.found()} after the value`);
  }

  /** Describes the value that starts here, for an error about its kind; scalars are read. */
  describe(): string {
    const c = this.next();
    if (c === '{') return 'an object';
    if (c === '[') return 'an array';
    if (c === '"') return describe(this.string());
    if (this.atNumber()) return String(this.number());
    for (const word of ['true', 'false', 'null']) if (this.literal(word)) return word;
    return this.fail(`unexpected ${this.found()} where a value was expected`);
  }

  /** Describes `s` if the caller read it, else the value here. */
  got(s: string | undefined): string {
    return s === undefined ? this.describe() : describe(s);
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
   * must read the key's value. A key seen twice in the object is refused. Returns the keys.
   */
  object(onMember: (key: string) => void): Set<string> {
    const seen = new Set<string>();
    this.list('}', 'an object', () => {
      if (this.next() !== '"') this.fail(`expected a string key, found ${this.found()}`);
      const keyAt = this.pos;
      const key = this.string();
      if (seen.has(key)) {
        throw new SyntaxError(`${this.op}: ${this.what} has the key ${quote(key)} twice in one object (again at character ${keyAt}); duplicate keys are refused`);
      }
      seen.add(key);
      if (this.next() !== ':') this.fail(`expected ":" after a key, found ${this.found()}`);
      this.pos++;
      onMember(key);
    });
    return seen;
  }

  /** Reads an array (the caller has seen "["), calling `onElement`, which must read the element. */
  array(onElement: (index: number) => void): void {
    this.list(']', 'an array', onElement);
  }

  /** A string if one is next (else undefined, leaving the value for `got`). */
  stringOr(): string | undefined {
    return this.next() === '"' ? this.string() : undefined;
  }

  /** Reads a string (the caller has seen the opening quote). */
  string(): string {
    const t = this.text, start = this.pos;
    STRING.lastIndex = start;
    const m = STRING.exec(t) as RegExpExecArray;
    const at = STRING.lastIndex;
    if (!m[1]) {
      // the token stops early: say why at the character that stopped it
      const c = t.charCodeAt(at);
      if (at >= t.length) this.fail('unterminated string', start);
      if (c === 0x5c) this.fail(t[at + 1] === 'u' ? '\\u escape needs four hex digits' : `invalid escape "\\${t.charAt(at + 1)}"`, at);
      this.fail(c < 0x20 ? `unescaped control character U+${hex(c)} in a string` : 'lone surrogate in a string', at);
    }
    this.pos = at;
    const token = m[0];
    if (!token.includes('\\')) return token.slice(1, -1);
    const s: string = JSON.parse(token); // a checked token: JSON.parse only decodes its escapes
    const lone = s.search(LONE_SURROGATE);
    if (lone >= 0) this.fail(`lone ${s.charCodeAt(lone) < 0xdc00 ? 'high' : 'low'} surrogate escape in the string`, start);
    return s;
  }

  /** Reads a number (the caller has seen "-" or a digit). */
  number(): number {
    const at = this.pos;
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail(`expected a digit, found ${this.found(at + 1)}`, at + 1);
    const value = Number(m[0]);
    if (!Number.isFinite(value)) this.fail(`number ${m[0].slice(0, 40)} is beyond the double range`, at);
    this.pos = NUMBER.lastIndex;
    return value;
  }

  /** The members of an object or the elements of an array, up to `close`. */
  private list(close: string, kind: string, onItem: (index: number) => void): void {
    this.pos++;
    if (this.next() === close) {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      onItem(i);
      const c = this.next();
      if (c !== ',' && c !== close) this.fail(`expected "," or "${close}" in ${kind}, found ${this.found()}`);
      this.pos++;
      if (c === close) return;
    }
  }

  private fail(reason: string, at = this.pos): never {
    throw new SyntaxError(`${this.op}: ${this.what} is not valid JSON: ${reason} at character ${at}`);
  }

  private found(at = this.pos): string {
    const c = this.text.charCodeAt(at);
    if (!(c >= 0)) return 'end of text';
    return c < 0x20 || c > 0x7e ? `character U+${hex(c)}` : c === 0x22 ? `'"'` : `"${this.text[at]}"`;
  }
}

function hex(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Reads an object whose keys are exactly `keys` in any order (`optional` may be absent),
 * calling `read` for each, which must read the value. Refuses unknown and missing keys,
 * naming `what`. The caller has checked that an object is next.
 */
export function readFields(r: JsonReader, what: string, keys: readonly string[], read: (key: string) => void, optional?: string): void {
  const seen = r.object((key) => {
    if (!keys.includes(key)) {
      throw new TypeError(`${r.op}: ${what} has an unknown key ${quote(key)}; the keys are ${keys.map((k) => `"${k}"`).join(', ')}`);
    }
    read(key);
  });
  for (const k of keys) if (k !== optional && !seen.has(k)) throw new TypeError(`${r.op}: ${what} has no "${k}" key`);
}

/**
 * Reads a tensor entry {dtype, shape, <key>}, keys in any order: the dtype among `dtypes`, the
 * shape, and `read(size)` for the third, given the element count when the shape came first.
 */
export function readTensorEntry<D extends string, V>(
  r: JsonReader, what: string, dtypes: readonly D[], key: string, read: (size: number | undefined) => V,
): { dtype: D; shape: number[]; size: number; value: V } {
  r.expect('{', `${what} must be an object {dtype, shape, ${key}}`);
  let dtype: D | undefined;
  let shape: { shape: number[]; size: number } | undefined;
  let value: V | undefined;
  readFields(r, what, ['dtype', 'shape', key], (k) => {
    if (k === 'dtype') dtype = readDtype(r, what, dtypes);
    else if (k === 'shape') shape = readShape(r, `${what} shape`);
    else value = read(shape?.size);
  });
  // readFields refused a missing key, so all three are set
  return { dtype: dtype!, ...shape!, value: value! };
}

/** Reads a dtype: a string among `dtypes`. */
function readDtype<T extends string>(r: JsonReader, what: string, dtypes: readonly T[]): T {
  const s = r.stringOr();
  if (!dtypes.includes(s as T)) {
    throw new TypeError(`${r.op}: ${what} has dtype ${r.got(s)}; only ${dtypes.map((d) => `"${d}"`).join(' and ')} are supported`);
  }
  return s as T;
}

/** Reads a shape: an array of at most MAX_RANK numbers, then checked by `checkShapeValue`. */
export function readShape(r: JsonReader, what: string): { shape: number[]; size: number } {
  const op = r.op;
  r.expect('[', `${what} must be an array of non-negative integers`);
  const dims: number[] = [];
  r.array((i) => {
    if (i === MAX_RANK) throw new RangeError(`${op}: ${what} has more than ${MAX_RANK} dimensions, the limit`);
    if (!r.atNumber()) throw new TypeError(`${op}: ${what}[${i}] must be a non-negative integer, got ${r.describe()}`);
    dims.push(r.number());
  });
  return checkShapeValue(op, what, dims);
}

/** Reads metadata: an object of at most `max` string values (or null when `allowNull`). */
export function readMetadata(r: JsonReader, what: string, max: number, allowNull: boolean): Record<string, string> {
  const op = r.op;
  if (allowNull && r.literal('null')) return {};
  r.expect('{', `${what} must be an object of string values`);
  const entries: [string, string][] = [];
  r.object((key) => {
    checkEntryName(op, `${what} key`, key);
    if (entries.length === max) throw new RangeError(`${op}: ${what} has more than ${max} entries (options.maxMetadataEntries)`);
    if (r.next() !== '"') throw new TypeError(`${op}: ${what} value for ${quote(key)} must be a string, got ${r.describe()}`);
    entries.push([key, r.string()]);
  });
  return checkMetadata(op, what, entries);
}
