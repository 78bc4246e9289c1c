import { expect } from 'chai';
import { type Param, createParam } from '../../lib/param.js';
import { Random } from '../../lib/random.js';
import { decodeStateJSON, encodeStateJSON } from '../../lib/serialization/json.js';
import { decodeSafetensors, encodeSafetensors } from '../../lib/serialization/safetensors.js';
import { loadStateDict, stateDictOf } from '../../lib/serialization/state-dict.js';
import { type Tensor } from '../../lib/tensor.js';

/** A small LSTM-like parameter list filled with seeded random values (grads too). */
function model(seed: number, dtype: 'float32' | 'float64' = 'float32'): Param[] {
  const rng = new Random(seed);
  const params = [
    createParam('rnn.weight_ih_l0', [8, 3], dtype),
    createParam('rnn.weight_hh_l0', [8, 2], dtype),
    createParam('rnn.bias_ih_l0', [8], dtype),
    createParam('head.weight', [1, 2], dtype),
  ];
  for (const p of params) {
    for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal();
    for (let i = 0; i < p.grad.length; i++) p.grad[i] = rng.normal();
  }
  return params;
}

/** Every byte of every value and gradient, to prove a failed load changed nothing. */
function snapshot(params: readonly Param[]): number[][] {
  return params.flatMap((p) => [
    Array.from(new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength)),
    Array.from(new Uint8Array(p.grad.buffer, p.grad.byteOffset, p.grad.byteLength)),
  ]);
}

/** The source model's state dict as copies, so tests can spoil one tensor. */
function copyOf(params: readonly Param[]): Map<string, Tensor> {
  return new Map(params.map((p) => [p.name, { data: p.value.slice(), shape: p.shape.slice() }]));
}

describe('state dicts', () => {
  describe('stateDictOf', () => {
    it('returns views of the values, not copies', () => {
      const params = model(1);
      const dict = stateDictOf(params);
      expect([...dict.keys()]).to.deep.equal(params.map((p) => p.name));
      params.forEach((p) => {
        expect(dict.get(p.name)!.data).to.equal(p.value);
        expect(dict.get(p.name)!.shape).to.deep.equal(p.shape);
      });
      params[0].value[0] = 42;
      expect(dict.get('rnn.weight_ih_l0')!.data[0]).to.equal(42);
    });

    it('refuses two parameters with one name', () => {
      const params = [createParam('w', [1], 'float32'), createParam('w', [2], 'float32')];
      expect(() => stateDictOf(params)).to.throw(RangeError, /stateDictOf: two parameters are named "w"/);
    });
  });

  describe('loadStateDict', () => {
    it('copies values and leaves gradients alone', () => {
      const source = model(1);
      const target = model(2);
      const grads = target.map((p) => Array.from(p.grad));
      loadStateDict(target, stateDictOf(source));
      target.forEach((p, i) => {
        expect(Array.from(p.value)).to.deep.equal(Array.from(source[i].value));
        expect(p.value).to.not.equal(source[i].value);
        expect(Array.from(p.grad)).to.deep.equal(grads[i]);
      });
      loadStateDict(target, stateDictOf(target)); // loading a model into itself is a no-op
      target.forEach((p, i) => expect(Array.from(p.value)).to.deep.equal(Array.from(source[i].value)));
    });

    it('loads float64 into float32 with rounding, and float32 into float64 exactly', () => {
      const f64 = model(3, 'float64');
      const f32 = model(4, 'float32');
      loadStateDict(f32, stateDictOf(f64));
      f32.forEach((p, i) => expect(Array.from(p.value)).to.deep.equal(Array.from(f64[i].value, Math.fround)));
      const back = model(5, 'float64');
      loadStateDict(back, stateDictOf(f32));
      back.forEach((p, i) => expect(Array.from(p.value)).to.deep.equal(Array.from(f32[i].value)));
    });

    it('ignores extra tensors only when strict is false', () => {
      const target = model(2);
      const dict = copyOf(model(1));
      dict.set('extra.weight', { data: new Float32Array(1), shape: [1] });
      const before = snapshot(target);
      expect(() => loadStateDict(target, dict)).to.throw(RangeError, /loadStateDict: the state dict does not match the model's 4 parameters: unexpected "extra.weight" \(strict: false ignores them\)/);
      expect(snapshot(target)).to.deep.equal(before);
      loadStateDict(target, dict, { strict: false });
      expect(Array.from(target[3].value)).to.deep.equal(Array.from(dict.get('head.weight')!.data));
    });

    // Each spoils the LAST parameter, so a loader that copied as it checked would already
    // have overwritten the first three.
    const failures: [string, (dict: Map<string, Tensor>) => void, RegExp, { strict?: boolean }?][] = [
      ['a missing tensor', (d) => d.delete('head.weight'), /does not match the model's 4 parameters: missing "head.weight"/],
      ['a missing tensor even when not strict', (d) => d.delete('head.weight'), /missing "head.weight"/, { strict: false }],
      ['missing and unexpected tensors together', (d) => {
        d.delete('head.weight');
        d.set('head.wieght', { data: new Float32Array(2), shape: [1, 2] });
      }, /missing "head.weight"; unexpected "head.wieght"/],
      ['a wrong shape', (d) => d.set('head.weight', { data: new Float32Array(2), shape: [2, 1] }), /tensor "head.weight" has shape \[2, 1\] but the model expects \[1, 2\]/],
      ['a wrong rank', (d) => d.set('head.weight', { data: new Float32Array(2), shape: [2] }), /tensor "head.weight" has shape \[2\] but the model expects \[1, 2\]/],
      ['data shorter than its shape', (d) => d.set('head.weight', { data: new Float32Array(1), shape: [1, 2] }), /tensor "head.weight" has shape \[1, 2\] but its data has 1 entries/],
      ['an integer dtype', (d) => d.set('head.weight', { data: new Int32Array(2) as unknown as Float32Array, shape: [1, 2] }), /tensor "head.weight" has data Int32Array\(2\) but a Float32Array or Float64Array was expected/],
      ['a plain array', (d) => d.set('head.weight', { data: [1, 2] as unknown as Float32Array, shape: [1, 2] }), /has data an array of length 2 but a Float32Array or Float64Array was expected/],
      ['not a tensor', (d) => d.set('head.weight', null as unknown as Tensor), /tensor "head.weight" must be a tensor \{data, shape\}, got null/],
      ['a float64 value beyond the float32 range', (d) => d.set('head.weight', { data: new Float64Array([1, 1e39]), shape: [1, 2] }), /tensor "head.weight" entry 1 = 1e\+39 \(float64\) is beyond the float32 range/],
    ];
    for (const [label, spoil, pattern, options] of failures) {
      it(`changes nothing when it refuses ${label}`, () => {
        const target = model(2);
        const dict = copyOf(model(1));
        spoil(dict);
        const before = snapshot(target);
        expect(() => loadStateDict(target, dict, options)).to.throw(Error, pattern);
        expect(snapshot(target)).to.deep.equal(before);
      });
    }

    it('loads float64 infinities and NaN into float32 as they are (only finite overflow is refused)', () => {
      const target = [createParam('w', [3], 'float32')];
      loadStateDict(target, new Map([['w', { data: new Float64Array([Infinity, -Infinity, NaN]), shape: [3] }]]));
      expect(target[0].value[0]).to.equal(Infinity);
      expect(Number.isNaN(target[0].value[2])).to.equal(true);
    });

    it('refuses arguments of the wrong kind', () => {
      const params = model(1);
      expect(() => loadStateDict(params, { a: 1 } as unknown as Map<string, Tensor>)).to.throw(TypeError, /loadStateDict: tensors must be a Map of name to tensor, got an object/);
      expect(() => loadStateDict(params, stateDictOf(params), { strict: 'no' as unknown as boolean })).to.throw(TypeError, /options.strict must be a boolean, got "no"/);
    });
  });

  describe('through both file formats', () => {
    it('saves a model and loads it into another, bit-identical', () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const source = model(10, dtype);
        const viaSafetensors = model(11, dtype);
        loadStateDict(viaSafetensors, decodeSafetensors(encodeSafetensors(stateDictOf(source), { epoch: '3' })).tensors);
        const viaJSON = model(12, dtype);
        loadStateDict(viaJSON, decodeStateJSON(encodeStateJSON(stateDictOf(source))).tensors);
        for (const target of [viaSafetensors, viaJSON]) {
          target.forEach((p, i) => {
            expect(p.value.constructor).to.equal(source[i].value.constructor);
            expect(Array.from(new Uint8Array(p.value.buffer))).to.deep.equal(Array.from(new Uint8Array(source[i].value.buffer)));
          });
        }
      }
    });
  });
});
