import { expect } from 'chai';
import { Random } from '../../lib/random.js';
import { type DecodeStateJSONOptions, STATE_JSON_FORMAT, decodeStateJSON, encodeStateJSON } from '../../lib/serialization/json.js';
import { type FloatArray, type Tensor } from '../../lib/tensor.js';

function bitsOf(data: FloatArray): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** A state file built by hand around the given tensors object text. */
function doc(tensors: string, extra = ''): string {
  return `{"format":"${STATE_JSON_FORMAT}",${extra}"tensors":{${tensors}}}`;
}

function refuse(text: string, pattern: RegExp, options?: DecodeStateJSONOptions): void {
  expect(() => decodeStateJSON(text, options)).to.throw(Error, pattern);
}

const w = '"w":{"dtype":"float32","shape":[2],"data":[1,2]}';

describe('rnnkit JSON state format', () => {
  describe('round trip', () => {
    it('keeps float32 and float64 bits: -0, denormals, extremes, infinities', () => {
      const f32 = new Float32Array([0, -0, 1, -1, 0.1, 1 / 3, Math.PI, 2 ** -149, -(2 ** -149), 2 ** -126 - 2 ** -149, 2 ** -126,
        3.4028234663852886e38, -3.4028234663852886e38, 16777216, 1e-30, 6.02e23, 100, 1e21, Infinity, -Infinity]);
      const f64 = new Float64Array([0, -0, 1, -1, 0.1, 1 / 3, Math.PI, 5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308,
        Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 1e-300, 1e300, 100, 1e21, Infinity, -Infinity]);
      const tensors = new Map<string, Tensor>([['a', { data: f32, shape: [4, 5] }], ['b', { data: f64, shape: [20] }]]);
      const back = decodeStateJSON(encodeStateJSON(tensors)).tensors;
      expect(back.get('a')!.data).to.be.instanceOf(Float32Array);
      expect(back.get('b')!.data).to.be.instanceOf(Float64Array);
      expect(back.get('a')!.shape).to.deep.equal([4, 5]);
      expect(bitsOf(back.get('a')!.data)).to.deep.equal(bitsOf(f32));
      expect(bitsOf(back.get('b')!.data)).to.deep.equal(bitsOf(f64));
    });

    it('keeps the bits of 2000 random float32 and float64 values', () => {
      const rng = new Random(7);
      const f32 = new Float32Array(1000);
      const u32 = new Uint32Array(f32.buffer);
      for (let i = 0; i < u32.length; i++) {
        do u32[i] = rng.int(2 ** 32); while (Number.isNaN(f32[i]));
      }
      const f64 = new Float64Array(1000);
      const u32x2 = new Uint32Array(f64.buffer);
      for (let i = 0; i < f64.length; i++) {
        do {
          u32x2[2 * i] = rng.int(2 ** 32);
          u32x2[2 * i + 1] = rng.int(2 ** 32);
        } while (Number.isNaN(f64[i]));
      }
      const tensors = new Map<string, Tensor>([['f32', { data: f32, shape: [1000] }], ['f64', { data: f64, shape: [10, 100] }]]);
      const back = decodeStateJSON(encodeStateJSON(tensors)).tensors;
      expect(bitsOf(back.get('f32')!.data)).to.deep.equal(bitsOf(f32));
      expect(bitsOf(back.get('f64')!.data)).to.deep.equal(bitsOf(f64));
    });

    it('writes float32 values as their shortest decimal, not the double expansion', () => {
      const text = encodeStateJSON(new Map([['w', { data: new Float32Array([0.1, -0, 1e-7, 3.4028234663852886e38, 2 ** -149, 100]), shape: [6] }]]));
      expect(text).to.contain('"data": [0.1, -0, 1e-7, 3.4028235e+38, 1e-45, 100]');
    });

    it('writes non-finite values as the strings "NaN", "Infinity", "-Infinity" (NaN payloads are not kept)', () => {
      const data = new Float64Array([NaN, Infinity, -Infinity, 0]);
      new BigUint64Array(data.buffer)[3] = 0x7ff8000000000abcn; // a NaN with a payload
      const text = encodeStateJSON(new Map([['w', { data, shape: [4] }]]));
      expect(text).to.contain('"data": ["NaN", "Infinity", "-Infinity", "NaN"]');
      const back = decodeStateJSON(text).tensors.get('w')!.data;
      expect(Number.isNaN(back[0]) && back[1] === Infinity && back[2] === -Infinity && Number.isNaN(back[3])).to.equal(true);
    });

    it('round-trips metadata and writes a deterministic, documented layout', () => {
      const metadata = { b: '2', a: 'Γ "quoted"\n' };
      const tensors = new Map<string, Tensor>([
        ['z', { data: new Float64Array([0.5]), shape: [] }],
        ['e', { data: new Float32Array(0), shape: [0, 3] }],
        ['a', { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }],
      ]);
      const text = encodeStateJSON(tensors, metadata);
      expect(text).to.equal(
        '{\n' +
          '  "format": "rnnkit-state/1",\n' +
          '  "metadata": {"a": "Γ \\"quoted\\"\\n", "b": "2"},\n' +
          '  "tensors": {\n' +
          '    "a": {"dtype": "float32", "shape": [2, 2], "data": [1, 2, 3, 4]},\n' +
          '    "e": {"dtype": "float32", "shape": [0, 3], "data": []},\n' +
          '    "z": {"dtype": "float64", "shape": [], "data": [0.5]}\n' +
          '  }\n' +
          '}\n',
      );
      expect(JSON.parse(text).format).to.equal('rnnkit-state/1'); // plain JSON for any other reader
      const back = decodeStateJSON(text);
      expect(back.metadata).to.deep.equal(metadata);
      expect([...back.tensors.keys()]).to.deep.equal(['a', 'e', 'z']);
      expect(back.tensors.get('z')!.shape).to.deep.equal([]);
      expect(encodeStateJSON(back.tensors, back.metadata)).to.equal(text);
      expect(encodeStateJSON(new Map())).to.equal('{\n  "format": "rnnkit-state/1",\n  "metadata": {},\n  "tensors": {}\n}\n');
    });

    it('writes metadata keys in code-point order, integer-like keys included', () => {
      const text = encodeStateJSON(new Map(), { b: '1', 10: '2', 9: '3', a: '4' });
      expect(text).to.include('"metadata": {"10": "2", "9": "3", "a": "4", "b": "1"}');
    });

    it('reads hand-written files: no metadata, float32 values rounded to the nearest float32', () => {
      const back = decodeStateJSON(doc('"w":{"dtype":"float32","shape":[2],"data":[0.1, 1E2]}'));
      expect(back.metadata).to.deep.equal({});
      expect(Array.from(back.tensors.get('w')!.data)).to.deep.equal([Math.fround(0.1), 100]);
    });
  });

  describe('hostile text', () => {
    it('refuses text longer than maxLength before parsing it', () => {
      const text = doc(w);
      refuse(text, new RegExp(`decodeStateJSON: text has ${text.length} characters, more than the limit of 10 \\(options.maxLength\\)`), { maxLength: 10 });
      expect(decodeStateJSON(text, { maxLength: text.length }).tensors.size).to.equal(1);
    });

    it('refuses invalid JSON with a SyntaxError giving JSON.parse\'s reason', () => {
      for (const text of ['', doc(w).slice(0, -1), doc('"w":{"dtype":"float32","shape":[1],"data":[NaN]}'), doc('"w":{"dtype":"float32","shape":[1],"data":[.5]}'), `${doc(w)},`, doc(`${w},`)]) {
        expect(() => decodeStateJSON(text)).to.throw(SyntaxError, /^decodeStateJSON: text is not valid JSON: \S/);
      }
    });

    it('refuses numbers beyond the double range (which JSON.parse reads as Infinity)', () => {
      expect(() => decodeStateJSON(doc('"w":{"dtype":"float64","shape":[1],"data":[1e999]}'))).to.throw(RangeError, /tensor "w" data\[0\] = Infinity is beyond the float64 range/);
      expect(() => decodeStateJSON(doc('"w":{"dtype":"float32","shape":[2],"data":[0,-1e999]}'))).to.throw(RangeError, /tensor "w" data\[1\] = -Infinity is beyond the float32 range/);
      expect(() => decodeStateJSON(doc('"w":{"dtype":"float32","shape":[1e999],"data":[]}'))).to.throw(TypeError, /tensor "w" shape\[0\] must be a non-negative integer, got Infinity/);
    });

    it('refuses a wrong or missing format tag and unknown keys', () => {
      refuse('[]', /text must be a JSON object, got an array/);
      refuse('null', /text must be a JSON object, got null/);
      refuse('{"format":"rnnkit-state/2","tensors":{}}', /"format" must be "rnnkit-state\/1", got "rnnkit-state\/2"/);
      refuse('{"format":1,"tensors":{}}', /"format" must be "rnnkit-state\/1", got 1/);
      refuse('{"tensors":{}}', /"format" must be "rnnkit-state\/1", got undefined/);
      refuse(`{"format":"${STATE_JSON_FORMAT}"}`, /"tensors" must be an object, got undefined/);
      refuse(doc(w, '"version":2,'), /the top-level object has an unknown key "version"/);
      refuse(doc('"w":{"dtype":"float32","shape":[1],"data":[1],"grad":[0]}'), /tensor "w" has an unknown key "grad"/);
      refuse(doc('"w":{"dtype":"float32","data":[1]}'), /tensor "w" shape must be an array of non-negative integers, got undefined/);
      refuse(`{"format":"${STATE_JSON_FORMAT}","tensors":[]}`, /"tensors" must be an object, got an array/);
      refuse(doc('"w":[1]'), /tensor "w" must be an object \{dtype, shape, data\}, got an array/);
    });

    it('refuses unknown dtypes, saying which are supported', () => {
      refuse(doc('"w":{"dtype":"F32","shape":[1],"data":[1]}'), /tensor "w" has dtype "F32"; only "float32" and "float64" are supported/);
      refuse(doc('"w":{"dtype":"int32","shape":[1],"data":[1]}'), /dtype "int32"; only "float32" and "float64"/);
    });

    it('refuses bad shapes and data whose length does not match the shape', () => {
      refuse(doc('"w":{"dtype":"float32","shape":[-1],"data":[]}'), /tensor "w" shape\[0\] must be a non-negative safe integer, got -1/);
      refuse(doc('"w":{"dtype":"float32","shape":"2","data":[1,2]}'), /tensor "w" shape must be an array of non-negative integers, got "2"/);
      refuse(doc('"w":{"dtype":"float32","shape":[4294967296,4294967296],"data":[]}'), /tensor "w" shape \[4294967296, 4294967296\] has more than 2\^53 - 1 elements/);
      refuse(doc('"w":{"dtype":"float32","shape":[2,2],"data":[1,2,3]}'), /tensor "w" has 3 data values but shape \[2, 2\] needs 4/);
      refuse(doc('"w":{"dtype":"float64","shape":[1000000000],"data":[1]}'), /has 1 data values but shape \[1000000000\] needs 1000000000/);
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":{"0":1,"1":2}}'), /tensor "w" data must be an array of numbers, got an object/);
    });

    it('refuses non-numeric data', () => {
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":[1,"2"]}'), /tensor "w" data\[1\] must be a number or "NaN", "Infinity", "-Infinity", got "2"/);
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":[1,null]}'), /data\[1\] must be a number .*got null/);
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":[true,1]}'), /data\[0\] must be a number .*got true/);
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":[[1],2]}'), /data\[0\] must be a number .*got an array/);
      refuse(doc('"w":{"dtype":"float32","shape":[1],"data":["nan"]}'), /data\[0\] must be a number .*got "nan"/);
      refuse(doc('"w":{"dtype":"float32","shape":[1],"data":["toString"]}'), /data\[0\] must be a number .*got "toString"/);
    });

    it('refuses finite float32 values beyond the float32 range', () => {
      refuse(doc('"w":{"dtype":"float32","shape":[2],"data":[1,1e39]}'), /tensor "w" data\[1\] = 1e\+39 is beyond the float32 range/);
      expect(decodeStateJSON(doc('"w":{"dtype":"float64","shape":[1],"data":[1e39]}')).tensors.get('w')!.data[0]).to.equal(1e39);
    });

    it('reads a key given twice in one object as its last value, as JSON.parse and Python\'s json do', () => {
      const twice = decodeStateJSON(doc(`${w},"w":{"dtype":"float64","shape":[1],"data":[3]}`));
      expect([...twice.tensors.keys()]).to.deep.equal(['w']);
      expect(twice.tensors.get('w')!.data).to.deep.equal(Float64Array.of(3));
      expect(decodeStateJSON(doc('"w":{"dtype":"float32","dtype":"float64","shape":[1],"data":[1]}')).tensors.get('w')!.data).to.be.instanceOf(Float64Array);
      expect(decodeStateJSON(doc(w, '"metadata":{"a":"1","\\u0061":"2"},')).metadata).to.deep.equal({ a: '2' });
      // the last value is checked like any other
      refuse(doc(`${w},"w":{"dtype":"float32","shape":[3],"data":[1,2]}`), /tensor "w" has 2 data values but shape \[3\] needs 3/);
      refuse(doc(w, '"metadata":{},"metadata":{"n":1},'), /metadata value for "n" must be a string, got 1/);
    });

    it('refuses lone surrogates in names and metadata values', () => {
      refuse(doc('"w\\ud800":{"dtype":"float32","shape":[1],"data":[1]}'), /tensor name "w\\ud800" has a lone surrogate/);
      refuse(doc(w, '"metadata":{"\\udc00":"x"},'), /metadata key name "\\udc00" has a lone surrogate/);
      refuse(doc(w, '"metadata":{"k":"x\\ud800"},'), /metadata value for "k" has a lone surrogate/);
      refuse(doc(w, '"metadata":{"k":"x\ud800"},'), /metadata value for "k" has a lone surrogate/);
      expect(() => encodeStateJSON(new Map(), { k: '\udfff' })).to.throw(TypeError, /encodeStateJSON: metadata value for "k" has a lone surrogate/);
    });

    it('refuses __proto__, constructor and prototype names', () => {
      for (const name of ['__proto__', 'constructor', 'prototype']) {
        refuse(doc(`"${name}":{"dtype":"float32","shape":[1],"data":[1]}`), new RegExp(`tensor name "${name}" is refused`));
        refuse(doc(w, `"metadata":{"${name}":"x"},`), new RegExp(`metadata key name "${name}" is refused`));
      }
    });

    it('refuses non-string metadata', () => {
      refuse(doc(w, '"metadata":{"epochs":3},'), /metadata value for "epochs" must be a string, got 3/);
      refuse(doc(w, '"metadata":"x",'), /metadata must be an object of string values, got "x"/);
    });

    it('refuses non-finite values only when requireFinite', () => {
      const text = doc('"w":{"dtype":"float64","shape":[3],"data":[1,"Infinity","NaN"]}');
      expect(decodeStateJSON(text).tensors.get('w')!.data[1]).to.equal(Infinity);
      refuse(text, /tensor "w" \(requireFinite\) must be finite, but entry 1 is Infinity/, { requireFinite: true });
    });

    it('refuses more tensors or metadata entries than the caps', () => {
      const text = encodeStateJSON(new Map(['a', 'b', 'c'].map((k) => [k, { data: new Float32Array(1), shape: [1] }])), { x: '1', y: '2' });
      expect(decodeStateJSON(text, { maxTensors: 3, maxMetadataEntries: 2 }).tensors.size).to.equal(3);
      refuse(text, /the file holds more than 2 tensors \(options.maxTensors\)/, { maxTensors: 2 });
      refuse(text, /metadata has more than 1 entries \(options.maxMetadataEntries\)/, { maxMetadataEntries: 1 });
    });

    it('refuses data longer than its shape, whatever the key order', () => {
      refuse(doc(`"w":{"dtype":"float32","shape":[2],"data":[${'1,'.repeat(5_000_000)}1]}`), /tensor "w" has 5000001 data values but shape \[2\] needs 2/);
      const back = decodeStateJSON(doc('"w":{"data":[1,2,3],"shape":[3],"dtype":"float64"}'));
      expect(Array.from(back.tensors.get('w')!.data)).to.deep.equal([1, 2, 3]);
      refuse(doc('"w":{"data":[1,2,3],"shape":[2],"dtype":"float64"}'), /tensor "w" has 3 data values but shape \[2\] needs 2/);
      refuse(doc('"w":{"dtype":"float64","shape":[2]}'), /tensor "w" data must be an array of numbers, got undefined/);
      refuse(doc('"w":{"shape":[2],"data":[1,2]}'), /tensor "w" has dtype undefined; only "float32" and "float64" are supported/);
    });

    it('refuses text with more objects and arrays than maxTensors allow before parsing it; nesting never recurses', () => {
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      expect(() => decodeStateJSON(doc(`"w":{"dtype":"float32","shape":${'['.repeat(1_000_000)}`))).to.throw(RangeError, /decodeStateJSON: text has 1000003 JSON objects and arrays, more than the 400004 that 100000 tensors allow \(options.maxTensors\)/);
      refuse(doc(`"w":{"dtype":"float32","shape":[1],"data":${deep(1_000_000)}}`), /text has 1000004 JSON objects and arrays, more than the 400004/);
      refuse(doc(`"w":{"dtype":"float32","shape":[1],"data":[1]},"x":[${'[],'.repeat(20)}[]]`), /text has 27 JSON objects and arrays, more than the 12 that 2 tensors allow/, { maxTensors: 2 });
      // brackets inside strings do not count
      expect(decodeStateJSON(doc(w, `"metadata":{"k":"${'[{\\"'.repeat(1000)}"},`), { maxTensors: 1 }).metadata.k).to.have.length(3000);
      // within the cap, deep nesting is parsed without recursion, then refused by the schema
      refuse(doc(`"w":{"dtype":"float32","shape":${deep(1_000_000)},"data":[]}`), /tensor "w" shape\[0\] must be a non-negative integer, got an array of length 1/, { maxTensors: 1_000_000 });
      refuse(doc(`"w":{"dtype":"float32","shape":[1],"data":${deep(100)}}`), /data\[0\] must be a number .*got an array/);
    });

    it('refuses arguments of the wrong kind', () => {
      expect(() => decodeStateJSON(new Uint8Array(2) as unknown as string)).to.throw(TypeError, /text must be a string, got Uint8Array\(2\)/);
      expect(() => decodeStateJSON('{}', { maxLength: -1 })).to.throw(RangeError, /options.maxLength must be ≥ 0, got -1/);
    });
  });

  describe('encoding', () => {
    it('refuses what it could not read back', () => {
      const t = { data: new Float32Array(2), shape: [2] };
      expect(() => encodeStateJSON(new Map([['prototype', t]]))).to.throw(TypeError, /tensor name "prototype" is refused/);
      expect(() => encodeStateJSON(new Map([['w', { data: new Float64Array(1), shape: [2] }]]))).to.throw(RangeError, /tensor "w" has shape \[2\] but its data has 1 entries/);
      expect(() => encodeStateJSON(new Map([['w', { data: [1, 2] as unknown as Float32Array, shape: [2] }]]))).to.throw(TypeError, /tensor "w" has data an array of length 2/);
      expect(() => encodeStateJSON(new Map([['w', t]]), ['a'] as unknown as Record<string, string>)).to.throw(TypeError, /metadata must be an object of string values, got an array/);
    });
  });
});
