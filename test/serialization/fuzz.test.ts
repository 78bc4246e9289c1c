// Bounded fuzzing of both decoders with a fixed seed: every mutated file must either decode
// into consistent tensors or throw one of the decoder's own errors; nothing else, never a hang.
import { expect } from 'chai';
import { Random } from '../../lib/random.js';
import { decodeStateJSON, encodeStateJSON } from '../../lib/serialization/json.js';
import { decodeSafetensors, encodeSafetensors } from '../../lib/serialization/safetensors.js';
import { type StateFile } from '../../lib/serialization/format-rules.js';
import { type Tensor, sizeOf } from '../../lib/tensor.js';

const CASES = 300;
const INTERESTING_NUMBERS = ['0', '-1', '1.5', '1e400', '4294967296', '9007199254740993', '18446744073709551616', '-0', '1e2', '00', '7'];
const INTERESTING_TEXT = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', ' ', '\0', 'é', '\ud800', 'null', 'true', '__proto__', '__metadata__', 'NaN', 'F16', 'float16'];

function sampleTensors(rng: Random): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  const shapes = [[3, 2], [4], [], [0, 2], [2, 1, 2]];
  shapes.forEach((shape, k) => {
    const n = sizeOf(shape);
    const data = k % 2 === 0 ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.normal();
    tensors.set(`layer.${k}.weight`, { data, shape });
  });
  return tensors;
}

/** Checks a successful decode is self-consistent. */
function expectConsistent(result: StateFile): void {
  for (const [name, t] of result.tensors) {
    expect(typeof name).to.equal('string');
    expect(t.data instanceof Float32Array || t.data instanceof Float64Array, `${name} data kind`).to.equal(true);
    expect(Array.isArray(t.shape)).to.equal(true);
    for (const d of t.shape) expect(Number.isSafeInteger(d) && d >= 0, `${name} shape`).to.equal(true);
    expect(t.data.length, `${name} length`).to.equal(sizeOf(t.shape));
  }
  for (const value of Object.values(result.metadata)) expect(typeof value).to.equal('string');
}

/** Runs one decode; returns whether it succeeded. Any throw must be the decoder's own Error. */
function attempt(op: string, decode: () => StateFile): boolean {
  let result: StateFile;
  try {
    result = decode();
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    expect((e as Error).message).to.match(new RegExp(`^${op}: `));
    return false;
  }
  expectConsistent(result);
  return true;
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

/** Replaces a random number in `text` by an interesting one. */
function editNumber(rng: Random, text: string): string {
  const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
  if (numbers.length === 0) return text;
  const m = pick(rng, numbers);
  return text.slice(0, m.index) + pick(rng, INTERESTING_NUMBERS) + text.slice(m.index! + m[0].length);
}

/** One random edit of JSON text: a number, a character, a deleted, duplicated or inserted span. */
function editText(rng: Random, text: string): string {
  const at = rng.int(text.length + 1);
  const span = 1 + rng.int(12);
  switch (rng.int(5)) {
    case 0:
      return editNumber(rng, text);
    case 1:
      return text.slice(0, at) + pick(rng, INTERESTING_TEXT) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + text.slice(at + span);
    case 3:
      return text.slice(0, at) + text.slice(at, at + span) + text.slice(at);
    default:
      return text.slice(0, at) + pick(rng, INTERESTING_TEXT) + text.slice(at);
  }
}

function withHeader(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function mutateSafetensors(rng: Random, base: Uint8Array): Uint8Array {
  const n = new DataView(base.buffer, base.byteOffset).getUint32(0, true);
  const b = base.slice();
  switch (rng.int(7)) {
    case 0: { // bit flips anywhere
      for (let k = 1 + rng.int(8); k > 0; k--) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return b;
    }
    case 1: { // bit flips in the header
      for (let k = 1 + rng.int(3); k > 0; k--) b[8 + rng.int(n)] ^= 1 << rng.int(8);
      return b;
    }
    case 2: // truncation
      return b.slice(0, rng.int(b.length));
    case 3: { // trailing bytes
      const extra = new Uint8Array(1 + rng.int(16)).map(() => rng.int(256));
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return out;
    }
    case 4: { // the header length field
      const view = new DataView(b.buffer);
      const r = rng.int(3);
      if (r === 0) view.setUint32(0, Math.max(0, n + rng.int(33) - 16), true);
      else if (r === 1) view.setUint32(0, rng.int(2 ** 32), true);
      else b[1 + rng.int(7)] = rng.int(256);
      return b;
    }
    case 5: { // one header byte replaced by a JSON-significant or invalid UTF-8 byte
      b[8 + rng.int(n)] = pick(rng, [0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x3a, 0x2c, 0x30, 0x39, 0x2d, 0x2e, 0x65, 0x5c, 0x20, 0x00, 0xff, 0xc3]);
      return b;
    }
    default: { // a header text edit, with the length field kept right
      const header = new TextDecoder().decode(b.subarray(8, 8 + n));
      return withHeader(editText(rng, header), b.subarray(8 + n));
    }
  }
}

describe('fuzzing the decoders (fixed seed, bounded)', function () {
  this.timeout(30000);

  it(`decodeSafetensors: ${CASES} mutated files either decode consistently or throw its own Error`, () => {
    const rng = new Random(20240601);
    const base = encodeSafetensors(sampleTensors(rng), { format: 'pt', note: 'fuzz' });
    expect(attempt('decodeSafetensors', () => decodeSafetensors(base))).to.equal(true);
    let ok = 0;
    for (let c = 0; c < CASES; c++) {
      const bytes = mutateSafetensors(rng, base);
      const requireFinite = rng.next() < 0.3;
      if (attempt('decodeSafetensors', () => decodeSafetensors(bytes, { requireFinite }))) ok++;
    }
    expect(ok, 'some mutations (in tensor data) still decode').to.be.above(0);
    expect(ok, `most mutations are refused: ${CASES - ok} of ${CASES}`).to.be.below(CASES / 2);
  });

  it(`decodeStateJSON: ${CASES} mutated texts either decode consistently or throw its own Error`, () => {
    const rng = new Random(20240602);
    const base = encodeStateJSON(sampleTensors(rng), { format: 'pt', note: 'fuzz' });
    expect(attempt('decodeStateJSON', () => decodeStateJSON(base))).to.equal(true);
    let ok = 0;
    for (let c = 0; c < CASES; c++) {
      let text = base;
      for (let k = 1 + rng.int(3); k > 0; k--) text = rng.next() < 0.1 ? text.slice(0, rng.int(text.length)) : editText(rng, text);
      const requireFinite = rng.next() < 0.3;
      if (attempt('decodeStateJSON', () => decodeStateJSON(text, { requireFinite }))) ok++;
    }
    expect(ok, 'some mutations still decode').to.be.above(0);
    expect(ok, `most mutations are refused: ${CASES - ok} of ${CASES}`).to.be.below(CASES / 2);
  });
});
