import { expect } from 'chai';
import { Random } from '../../lib/random.js';
import { decodeSafetensors, encodeSafetensors } from '../../lib/serialization/safetensors.js';
import { type DecodeOptions } from '../../lib/serialization/format-rules.js';
import { type FloatArray, type Tensor, sizeOf } from '../../lib/tensor.js';

/** A safetensors file built by hand: 8-byte LE length, the header text as given, then `data`. */
function file(header: string, data: ArrayLike<number> = [], length?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  const n = length ?? json.length;
  for (let i = 0; i < 8; i++) out[i] = Math.floor(n / 2 ** (8 * i)) % 256;
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

/** A header entry. */
function entry(dtype: string, shape: unknown, begin: unknown, end: unknown): string {
  return `{"dtype":${JSON.stringify(dtype)},"shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;
}

function bytesOf(data: FloatArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function expectSameBits(got: Tensor | undefined, want: Tensor): void {
  expect(got, 'tensor present').to.not.equal(undefined);
  expect(got!.data.constructor).to.equal(want.data.constructor);
  expect(got!.shape).to.deep.equal(want.shape);
  expect(Array.from(bytesOf(got!.data))).to.deep.equal(Array.from(bytesOf(want.data)));
}

function refuse(bytes: Uint8Array, pattern: RegExp, options?: DecodeOptions): void {
  expect(() => decodeSafetensors(bytes, options)).to.throw(Error, pattern);
}

// Values whose bits are easy to lose: signed zeros, denormals, extremes, infinities, NaN payloads.
function specialFloat32(): Float32Array {
  const a = new Float32Array([0, -0, 1, -1, 0.1, 1 / 3, Math.PI, 2 ** -149, -(2 ** -149), 2 ** -126 - 2 ** -149, 2 ** -126,
    3.4028234663852886e38, -3.4028234663852886e38, 16777216, 1e-30, 6.02e23, Infinity, -Infinity, 0, 0]);
  const bits = new Uint32Array(a.buffer);
  bits[18] = 0x7fc00001; // quiet NaN with a payload
  bits[19] = 0xff800001; // negative signalling NaN
  return a;
}

function specialFloat64(): Float64Array {
  const a = new Float64Array([0, -0, 1, -1, 0.1, 1 / 3, Math.PI, 5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308,
    Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 1e-300, 1e300, Infinity, -Infinity, 0, 0]);
  const bits = new BigUint64Array(a.buffer);
  bits[18] = 0x7ff8000000000abcn;
  bits[19] = 0xfff0000000000001n;
  return a;
}

describe('safetensors', () => {
  describe('round trip', () => {
    it('keeps F32 and F64 bits, including -0, denormals, extremes, infinities and NaN payloads', () => {
      const tensors = new Map<string, Tensor>([
        ['rnn.weight_ih_l0', { data: specialFloat32(), shape: [4, 5] }],
        ['rnn.bias_ih_l0', { data: specialFloat64(), shape: [20] }],
        ['scalar', { data: new Float32Array([-2.5]), shape: [] }],
        ['empty', { data: new Float64Array(0), shape: [3, 0] }],
      ]);
      const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors));
      expect(metadata).to.deep.equal({});
      expect([...back.keys()].sort()).to.deep.equal([...tensors.keys()].sort());
      for (const [name, t] of tensors) expectSameBits(back.get(name), t);
    });

    it('round-trips metadata', () => {
      const metadata = { format: 'pt', 'rnnkit.model': 'lstm', empty: '', unicode: 'Γ·σ ✓ 𝔼', 'quote"back\\slash': 'line\nbreak\ttab\u0001' };
      const bytes = encodeSafetensors(new Map([['w', { data: new Float32Array([1]), shape: [1] }]]), metadata);
      expect(decodeSafetensors(bytes).metadata).to.deep.equal(metadata);
    });

    it('round-trips 50 random state dicts of random shapes and dtypes', () => {
      const rng = new Random(1234);
      for (let c = 0; c < 50; c++) {
        const tensors = new Map<string, Tensor>();
        const count = rng.int(5);
        for (let k = 0; k < count; k++) {
          const shape = Array.from({ length: rng.int(4) }, () => rng.int(4));
          const n = sizeOf(shape);
          const data = rng.next() < 0.5 ? new Float32Array(n) : new Float64Array(n);
          // Random bit patterns: every value a float can hold, NaNs included.
          const raw = new Uint8Array(data.buffer);
          for (let i = 0; i < raw.length; i++) raw[i] = rng.int(256);
          tensors.set(`layer${rng.int(100)}.p${k}`, { data, shape });
        }
        const bytes = encodeSafetensors(tensors, { case: String(c) });
        const back = decodeSafetensors(bytes);
        expect(back.metadata).to.deep.equal({ case: String(c) });
        expect(back.tensors.size).to.equal(tensors.size);
        for (const [name, t] of tensors) expectSameBits(back.tensors.get(name), t);
        expect(Array.from(encodeSafetensors(back.tensors, back.metadata))).to.deep.equal(Array.from(bytes));
      }
    });

    it('reads views at unaligned offsets and headers that are not padded', () => {
      const data = new Float32Array([1.5, -2.25, 3e-40]);
      const header = `{"x":${entry('F32', [3], 0, 12)}}`; // 55 bytes: the data starts at byte 63, unaligned
      expect((8 + header.length) % 4).to.not.equal(0);
      const plain = file(header, bytesOf(data));
      const shifted = new Uint8Array(plain.length + 3);
      shifted.set(plain, 3);
      for (const bytes of [plain, shifted.subarray(3)]) {
        const t = decodeSafetensors(bytes).tensors.get('x')!;
        expect(t.data).to.be.instanceOf(Float32Array);
        expect(Array.from(t.data)).to.deep.equal(Array.from(data));
      }
    });

    it('returns copies, not views of the file', () => {
      const bytes = encodeSafetensors(new Map([['w', { data: new Float64Array([1, 2]), shape: [2] }]]));
      const t = decodeSafetensors(bytes).tensors.get('w')!;
      bytes.fill(0, bytes.length - 16);
      expect(Array.from(t.data)).to.deep.equal([1, 2]);
    });
  });

  describe('byte layout', () => {
    it('writes metadata keys in code-point order, integer-like keys included (a JS object would put "9", "10" first)', () => {
      const bytes = encodeSafetensors(new Map([['w', { data: new Float32Array([1]), shape: [1] }]]), { b: '1', 10: '2', 9: '3', a: '4' });
      const n = new DataView(bytes.buffer).getUint32(0, true);
      const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(header).to.match(/^\{"__metadata__":\{"10":"2","9":"3","a":"4","b":"1"\},"w":/);
    });

    it('matches a hand-built file: LE header length, __metadata__ first, F64 before F32, names sorted, space padding', () => {
      const tensors = new Map<string, Tensor>([
        ['c', { data: new Float32Array([-0]), shape: [1, 1] }],
        ['b', { data: new Float32Array([1, 2]), shape: [2] }],
        ['a', { data: new Float64Array([0.5]), shape: [1] }],
      ]);
      const header =
        '{"__metadata__":{"format":"pt","x":"y"},' +
        '"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},' +
        '"c":{"dtype":"F32","shape":[1,1],"data_offsets":[16,20]}}';
      expect(header.length).to.equal(204);
      const padded = header + ' '.repeat(4); // 208 = 26 · 8
      const expected = [
        208, 0, 0, 0, 0, 0, 0, 0, // N = 208, u64 little-endian
        ...Array.from(padded, (ch) => ch.charCodeAt(0)),
        0, 0, 0, 0, 0, 0, 0xe0, 0x3f, // a: 0.5 as F64 LE
        0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, // b: 1, 2 as F32 LE
        0, 0, 0, 0x80, // c: -0 as F32 LE
      ];
      const bytes = encodeSafetensors(tensors, { x: 'y', format: 'pt' });
      expect(Array.from(bytes)).to.deep.equal(expected);
      const back = decodeSafetensors(new Uint8Array(expected));
      expect([...back.tensors.keys()]).to.deep.equal(['a', 'b', 'c']);
      expect(Object.is(back.tensors.get('c')!.data[0], -0)).to.equal(true);
    });

    it('writes the same bytes as the reference implementation for one F32 tensor', () => {
      const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
      expect(header.length).to.equal(64); // already a multiple of 8: no padding
      const bytes = encodeSafetensors(new Map([['attn.0', { data: new Float32Array([0, 1, 2, 3, 4, 5]), shape: [1, 2, 3] }]]));
      expect(Array.from(bytes)).to.deep.equal([
        64, 0, 0, 0, 0, 0, 0, 0,
        ...Array.from(header, (ch) => ch.charCodeAt(0)),
        0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
      ]);
    });

    it('writes an empty state dict as "{}" padded to 8 bytes', () => {
      expect(Array.from(encodeSafetensors(new Map()))).to.deep.equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
      expect(Array.from(encodeSafetensors(new Map(), {}))).to.deep.equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    });

    it('orders names by UTF-8 bytes, not UTF-16 code units', () => {
      // U+FF21 is below U+1D400 as a code point, but above its surrogates in UTF-16.
      const bytes = encodeSafetensors(new Map([
        ['\u{1d400}', { data: new Float32Array([1]), shape: [1] }],
        ['\uff21', { data: new Float32Array([2]), shape: [1] }],
      ]));
      expect([...decodeSafetensors(bytes).tensors.keys()]).to.deep.equal(['\uff21', '\u{1d400}']);
    });

    it('reads tensors whose header order differs from their data order', () => {
      const header = `{"second":${entry('F32', [1], 4, 8)},"first":${entry('F32', [1], 0, 4)}}`;
      const back = decodeSafetensors(file(header, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]));
      expect(Array.from(back.tensors.get('first')!.data)).to.deep.equal([1]);
      expect(Array.from(back.tensors.get('second')!.data)).to.deep.equal([2]);
    });

    it('accepts empty tensors at a boundary, a null __metadata__, and JSON whitespace', () => {
      const header = ` {"__metadata__" : null, "e":${entry('F64', [0, 5], 4, 4)}, "w":${entry('F32', [1], 0, 4)}}\n\t `;
      const back = decodeSafetensors(file(header, [0, 0, 0x80, 0x3f]));
      expect(back.metadata).to.deep.equal({});
      expect(back.tensors.get('e')!.data).to.be.instanceOf(Float64Array);
      expect(back.tensors.get('e')!.data.length).to.equal(0);
    });
  });

  describe('hostile files', () => {
    const w = `"w":${entry('F32', [2], 0, 8)}`;
    const eight = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];

    it('refuses files shorter than 8 bytes', () => {
      refuse(new Uint8Array(0), /decodeSafetensors: the file has 0 bytes, too short for the 8-byte header length/);
      refuse(new Uint8Array(7), /the file has 7 bytes, too short/);
    });

    it('refuses header lengths above 100 MB or beyond the file, before reading them', () => {
      refuse(file('{}', [], 100_000_001), /header length 100000001 exceeds the 100000000-byte limit/);
      const max = new Uint8Array(16).fill(0xff);
      refuse(max, /header length 18446744073709551615 exceeds the 100000000-byte limit/);
      refuse(file('{}', [], 100_000_000), /the file is truncated: its header length is 100000000 but only 2 bytes follow the length field \(10 bytes in all\)/);
      refuse(file('{}', [], 3), /the file is truncated: its header length is 3 but only 2 bytes follow/);
    });

    it('refuses a header that is not UTF-8', () => {
      const bad = file('{"w":1}');
      bad[10] = 0xff;
      refuse(bad, /the header is not valid UTF-8/);
      const overlong = file('{"..":1}');
      overlong.set([0xc0, 0xae], 10); // an overlong "."
      refuse(overlong, /not valid UTF-8/);
    });

    it('refuses invalid JSON with a SyntaxError giving JSON.parse\'s reason', () => {
      const invalid = ['{"w":', '{} x', '{}\0\0\0\0\0\0', '\ufeff{}', "{'w':1}", '{"w":{"dtype":"F32","shape":[1,],"data_offsets":[0,4]}}',
        '{"w":{"dtype":"F32","shape":[2],"data_offsets":[01,8]}}', '{"w":{"dtype":"F32" "shape":[2]}}', '{"w":NaN}', '{"w\u0001":1}', '{"\\x":1}'];
      for (const header of invalid) expect(() => decodeSafetensors(file(header))).to.throw(SyntaxError, /^decodeSafetensors: the header is not valid JSON: \S/);
    });

    it('refuses lone surrogates in names and metadata values, and numbers beyond the double range', () => {
      refuse(file('{"\\ud800":1}'), /tensor name "\\ud800" has a lone surrogate/);
      refuse(file('{"\\udc00x":1}'), /tensor name "\\udc00x" has a lone surrogate/);
      refuse(file(`{"__metadata__":{"k":"\\udc00"},${w}}`, eight), /"__metadata__" value for "k" has a lone surrogate/);
      refuse(file('{"w":1e400}'), /tensor "w" must be an object \{dtype, shape, data_offsets\}, got Infinity/);
      refuse(file(`{"w":${entry('F32', [2], 0, '1e400')}}`, eight), /data_offsets end must be a non-negative integer, got Infinity/);
    });

    it('refuses a header that is not a JSON object', () => {
      refuse(file('[]'), /the header must be a JSON object, got an array/);
      refuse(file('null'), /must be a JSON object, got null/);
      refuse(file('"{}"'), /must be a JSON object, got "{}"/);
      refuse(file('8'), /must be a JSON object, got 8/);
    });

    it('refuses unknown dtypes, saying which are supported', () => {
      refuse(file(`{"w":${entry('F16', [4], 0, 8)}}`, eight), /tensor "w" has dtype "F16"; only "F32" and "F64" are supported/);
      refuse(file(`{"w":${entry('f32', [2], 0, 8)}}`, eight), /dtype "f32"; only "F32" and "F64"/);
      refuse(file('{"w":{"dtype":4,"shape":[2],"data_offsets":[0,8]}}', eight), /dtype 4; only/);
    });

    it('refuses malformed entries', () => {
      refuse(file('{"w":[1,2]}'), /tensor "w" must be an object \{dtype, shape, data_offsets\}, got an array/);
      refuse(file('{"w":{"dtype":"F32","shape":[2],"offsets":[0,8]}}', eight), /tensor "w" has an unknown key "offsets"/);
      refuse(file('{"w":{"dtype":"F32","shape":[2]}}', eight), /tensor "w" data_offsets must be an array \[begin, end\], got undefined/);
    });

    it('refuses bad shapes: not arrays of non-negative safe integers, overflowing, or not matching the bytes', () => {
      refuse(file(`{"w":${entry('F32', 2, 0, 8)}}`, eight), /tensor "w" shape must be an array of non-negative integers, got 2/);
      refuse(file(`{"w":${entry('F32', [-2], 0, 8)}}`, eight), /tensor "w" shape\[0\] must be a non-negative safe integer, got -2/);
      refuse(file(`{"w":${entry('F32', [1.5], 0, 8)}}`, eight), /shape\[0\] must be a non-negative integer, got 1.5/);
      refuse(file(`{"w":${entry('F32', ['2'], 0, 8)}}`, eight), /shape\[0\] must be a non-negative integer, got "2"/);
      refuse(file(`{"w":${entry('F32', [2 ** 53], 0, 8)}}`, eight), /shape\[0\] must be a non-negative safe integer, got 9007199254740992/);
      refuse(file(`{"w":${entry('F32', [2 ** 32, 2 ** 32, 0], 0, 8)}}`, eight), /shape \[4294967296, 4294967296, 0\] has more than 2\^53 - 1 elements/);
      refuse(file(`{"w":${entry('F32', [3], 0, 8)}}`, eight), /tensor "w" has shape \[3\] \(3 elements, 12 bytes as F32\) but data_offsets \[0, 8\] span 8 bytes/);
      refuse(file(`{"w":${entry('F64', [2], 0, 8)}}`, eight), /shape \[2\] \(2 elements, 16 bytes as F64\) but data_offsets \[0, 8\] span 8 bytes/);
      // A huge claimed size is refused by arithmetic alone, never allocated.
      refuse(file(`{"w":${entry('F64', [2 ** 50], 0, 8)}}`, eight), /\(1125899906842624 elements, 9007199254740992 bytes as F64\)/);
    });

    it('refuses data_offsets that are malformed or out of range', () => {
      refuse(file(`{"w":${entry('F32', [2], 0, 1000)}}`, eight), /tensor "w" data_offsets \[0, 1000\] are out of range: the data section has 8 bytes/);
      refuse(file(`{"w":${entry('F32', [0], 8, 0)}}`, eight), /data_offsets \[8, 0\] end before they begin/);
      refuse(file(`{"w":${entry('F32', [2], -8, 0)}}`, eight), /data_offsets begin must be a non-negative integer, got -8/);
      refuse(file(`{"w":${entry('F32', [2], 0, 8.5)}}`, eight), /data_offsets end must be a non-negative integer, got 8.5/);
      refuse(file(`{"w":${entry('F32', [2], 0, 2 ** 60)}}`, eight), /data_offsets end must be a non-negative integer, got 1152921504606847000/);
      refuse(file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,16]}}', eight), /data_offsets must be an array \[begin, end\], got an array of length 3/);
      refuse(file('{"w":{"dtype":"F32","shape":[2],"data_offsets":"0-8"}}', eight), /data_offsets must be an array \[begin, end\], got "0-8"/);
      refuse(file('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0]}}'), /data_offsets must be an array \[begin, end\], got an array of length 1/);
      refuse(file('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,"0"]}}'), /data_offsets end must be a non-negative integer, got "0"/);
    });

    it('refuses overlapping ranges, gaps, and data the tensors do not cover', () => {
      const twelve = [...eight, 0, 0, 0x40, 0x40];
      refuse(file(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 4, 12)}}`, twelve), /tensor "b" data_offsets \[4, 12\] overlap another tensor's bytes, which end at 8/);
      refuse(file(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [2], 0, 8)}}`, eight), /tensor "b" data_offsets \[0, 8\] overlap/);
      refuse(file(`{"a":${entry('F32', [1], 0, 4)},"b":${entry('F32', [1], 8, 12)}}`, twelve), /bytes \[4, 8\) of the data section belong to no tensor \(a gap before tensor "b" data_offsets \[8, 12\]\)/);
      refuse(file(`{"a":${entry('F32', [2], 4, 12)}}`, twelve), /bytes \[0, 4\) of the data section belong to no tensor \(a gap before tensor "a"/);
      refuse(file(`{${w}}`, twelve), /bytes \[8, 12\) of the data section belong to no tensor \(a gap before the end of the 12-byte data section\)/);
      refuse(file('{}', [1, 2, 3]), /bytes \[0, 3\) of the data section belong to no tensor \(a gap before the end of the 3-byte data section\)/);
    });

    it('reads a key given twice in one object as its last value, as JSON.parse and Python\'s json do', () => {
      expect([...decodeSafetensors(file(`{${w},${w}}`, eight)).tensors.keys()]).to.deep.equal(['w']);
      const meta = decodeSafetensors(file(`{"__metadata__":{"k":"1","k":"2"},${w},"__metadata__":{"a":"b","\\u0061":"c"}}`, eight)).metadata;
      expect(meta).to.deep.equal({ a: 'c' });
      // the last value is checked like any other: here the first range is then left uncovered
      refuse(file(`{${w},"\\u0077":${entry('F32', [0], 8, 8)}}`, eight), /bytes \[0, 8\) of the data section belong to no tensor \(a gap before tensor "w" data_offsets \[8, 8\]\)/);
      refuse(file('{"w":{"dtype":"F32","dtype":"F64","shape":[2],"data_offsets":[0,8]}}', eight), /shape \[2\] \(2 elements, 16 bytes as F64\) but data_offsets \[0, 8\] span 8 bytes/);
    });

    it('refuses __proto__, constructor and prototype as tensor names or metadata keys', () => {
      for (const name of ['__proto__', 'constructor', 'prototype']) {
        refuse(file(`{"${name}":${entry('F32', [2], 0, 8)}}`, eight), new RegExp(`tensor name "${name}" is refused`));
        refuse(file(`{"__metadata__":{"${name}":"x"},${w}}`, eight), new RegExp(`"__metadata__" key name "${name}" is refused`));
      }
    });

    it('refuses metadata that is not an object of strings', () => {
      refuse(file(`{"__metadata__":{"epochs":3},${w}}`, eight), /"__metadata__" value for "epochs" must be a string, got 3/);
      refuse(file(`{"__metadata__":{"nested":{}},${w}}`, eight), /value for "nested" must be a string, got an object/);
      refuse(file(`{"__metadata__":["a"],${w}}`, eight), /"__metadata__" must be an object of string values, got an array/);
    });

    it('refuses NaN and infinities only when requireFinite', () => {
      const nan = new Float32Array([1, NaN]);
      const inf = new Float64Array([-Infinity]);
      const bytes = encodeSafetensors(new Map([['a', { data: inf, shape: [1] }], ['w', { data: nan, shape: [2] }]]));
      expect(Number.isNaN(decodeSafetensors(bytes).tensors.get('w')!.data[1])).to.equal(true);
      expect(decodeSafetensors(bytes, { requireFinite: false }).tensors.size).to.equal(2);
      refuse(bytes, /tensor "a" \(requireFinite\) must be finite, but entry 0 is -Infinity/, { requireFinite: true });
      const onlyNaN = encodeSafetensors(new Map([['w', { data: nan, shape: [2] }]]));
      refuse(onlyNaN, /tensor "w" \(requireFinite\) must be finite, but entry 1 is NaN/, { requireFinite: true });
    });

    it('refuses more tensors or metadata entries than the caps, and shapes of more than 64 dimensions', () => {
      const three = encodeSafetensors(new Map(['a', 'b', 'c'].map((k) => [k, { data: new Float32Array(1), shape: [1] }])), { x: '1', y: '2' });
      expect(decodeSafetensors(three, { maxTensors: 3, maxMetadataEntries: 2 }).tensors.size).to.equal(3);
      refuse(three, /the file holds more than 2 tensors \(options.maxTensors\)/, { maxTensors: 2 });
      refuse(three, /"__metadata__" has more than 1 entries \(options.maxMetadataEntries\)/, { maxMetadataEntries: 1 });
      const rank64 = new Array(64).fill(1);
      expect(decodeSafetensors(file(`{"w":${entry('F32', rank64, 0, 4)}}`, [0, 0, 0x80, 0x3f])).tensors.get('w')!.shape).to.deep.equal(rank64);
      refuse(file(`{"w":${entry('F32', [...rank64, 1], 0, 4)}}`, [0, 0, 0x80, 0x3f]), /tensor "w" shape has 65 dimensions, more than the limit of 64/);
      expect(() => encodeSafetensors(new Map([['w', { data: new Float32Array(1), shape: [...rank64, 1] }]]))).to.throw(RangeError, /shape has 65 dimensions, more than the limit of 64/);
    });

    it('refuses cheaply what would be costly to build: deep nesting, many objects and arrays, long arrays, many tiny entries', () => {
      // JSON.parse would spend 15-30 bytes a character on these: refused before parsing
      expect(() => decodeSafetensors(file('['.repeat(1_000_000)))).to.throw(RangeError, /decodeSafetensors: the header has 1000000 JSON objects and arrays, more than the 400004 that 100000 tensors allow \(options.maxTensors\)/);
      refuse(file(`{"w":{"dtype":"F32","shape":${'['.repeat(1_000_000)}`), /the header has 1000002 JSON objects and arrays, more than the 400004/);
      refuse(file(`[${'{},'.repeat(500_000)}{}]`), /the header has 500002 JSON objects and arrays/);
      refuse(file(`{${w},"x":[${'[],'.repeat(10)}[]]}`, eight), /the header has 16 JSON objects and arrays, more than the 12 that 2 tensors allow/, { maxTensors: 2 });
      // brackets inside strings do not count; nesting within the cap is parsed without recursion
      expect(decodeSafetensors(file(`{"__metadata__":{"k":"${'[{\\"'.repeat(1000)}"},${w}}`, eight), { maxTensors: 1 }).metadata.k).to.have.length(3000);
      refuse(file(`{"w":{"dtype":"F32","shape":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)},"data_offsets":[0,0]}}`), /tensor "w" shape\[0\] must be a non-negative integer, got an array of length 1/, { maxTensors: 1_000_000 });
      refuse(file(`{"w":{"dtype":"F32","shape":[${'0,'.repeat(1_000_000)}0],"data_offsets":[0,0]}}`), /shape has 1000001 dimensions, more than the limit of 64/);
      const tiny = Array.from({ length: 100_001 }, (_, i) => `"${i}":${entry('F32', [0], 0, 0)}`).join(',');
      refuse(file(`{${tiny}}`), /the file holds more than 100000 tensors \(options.maxTensors\)/);
    });

    it('refuses arguments of the wrong kind', () => {
      expect(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array)).to.throw(TypeError, /bytes must be a Uint8Array, got an array of length 3/);
      expect(() => decodeSafetensors(file('{}'), { requireFinite: 1 as unknown as boolean })).to.throw(TypeError, /options.requireFinite must be a boolean, got 1/);
    });
  });

  describe('encoding', () => {
    it('refuses what it could not read back', () => {
      const t = { data: new Float32Array(2), shape: [2] };
      expect(() => encodeSafetensors(new Map([['__metadata__', t]]))).to.throw(TypeError, /tensor name "__metadata__" is reserved for metadata/);
      expect(() => encodeSafetensors(new Map([['__proto__', t]]))).to.throw(TypeError, /tensor name "__proto__" is refused/);
      expect(() => encodeSafetensors(new Map([['bad\ud800', t]]))).to.throw(TypeError, /has a lone surrogate/);
      expect(() => encodeSafetensors(new Map([['w', { data: new Float32Array(3), shape: [2] }]]))).to.throw(RangeError, /tensor "w" has shape \[2\] but its data has 3 entries/);
      expect(() => encodeSafetensors(new Map([['w', { data: new Int32Array(2) as unknown as Float32Array, shape: [2] }]]))).to.throw(TypeError, /tensor "w" has data Int32Array\(2\) but a Float32Array or Float64Array was expected/);
      expect(() => encodeSafetensors(new Map([['w', t]]), { epochs: 3 } as unknown as Record<string, string>)).to.throw(TypeError, /metadata value for "epochs" must be a string, got 3/);
      expect(() => encodeSafetensors({ w: t } as unknown as Map<string, Tensor>)).to.throw(TypeError, /tensors must be a Map/);
    });

    it('refuses to write a header the readers would refuse (over 100 MB)', () => {
      const t = new Map([['w', { data: new Float32Array(1), shape: [1] }]]);
      expect(() => encodeSafetensors(t, { big: 'x'.repeat(100_000_000) })).to.throw(RangeError, /encodeSafetensors: the header would take 1000000\d\d bytes, more than the 100000000 that readers accept/);
    });

    it('writes a Float32Array view at an odd byte offset correctly', () => {
      const backing = new Float32Array([9, 1, 2, 9]);
      const view = backing.subarray(1, 3);
      const back = decodeSafetensors(encodeSafetensors(new Map([['v', { data: view, shape: [2] }]])));
      expect(Array.from(back.tensors.get('v')!.data)).to.deep.equal([1, 2]);
    });
  });
});
