/**
 * loadCheckpoint on hostile and broken files, in both containers (safetensors bytes and rnnkit
 * JSON text). Every case must be refused with an Error of the expected class whose message says
 * what is wrong; nothing may leak into Object.prototype; the input is never modified. Then a
 * bounded fuzz (fixed seed) of a valid checkpoint per container: each mutated file either loads,
 * and then holds exactly the tensors the file says, or throws an Error — never anything else,
 * never a hang.
 *
 * The files here are of the first format, "rnnkit-checkpoint/1" (optimizer buffers as base64
 * in the metadata), which loadCheckpoint still reads: its many metadata cases exercise that
 * reader. test/serialization/checkpoint.test.ts covers what format 2 adds (optimizer state
 * as tensors).
 */
import { expect } from 'chai';
import {
  Adam, type Checkpoint, Random, SequenceModel, type Tensor, createOptimizerFromState, decodeSafetensors, decodeStateJSON,
  encodeSafetensors, encodeStateJSON, loadCheckpoint,
} from '../../lib/index.js';
import { saveCheckpointV1 } from '../helpers/legacy-checkpoint.js';
import { type ErrorClass, expectError, sameBytes } from './helpers.js';

// ——— A valid checkpoint: an LSTM trained two Adam steps, step 7, a vocabulary in extra ———

function trained(): { model: SequenceModel; optimizer: Adam } {
  const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 5, seed: 3 });
  const optimizer = new Adam(model.params, { lr: 0.01 });
  const r = new Random(9);
  const x = { data: Float32Array.from({ length: 18 }, () => r.uniform(-1, 1)), shape: [3, 2, 3] };
  const y = { data: [0, 1, 2, 3, 4, 0], shape: [3, 2] };
  for (let s = 0; s < 2; s++) {
    model.zeroGrad();
    model.lossAndGrad(x, y);
    optimizer.step();
  }
  return { model, optimizer };
}

const source = trained();
const input = { model: source.model, optimizer: source.optimizer, step: 7, extra: { vocab: 'abc' } };
const GOOD_ST = saveCheckpointV1(input, 'safetensors');
const GOOD_JSON = saveCheckpointV1(input, 'json');

// ——— Editing files at the level of their structure ———

type Meta = Record<string, string>;
type Obj = Record<string, any>;

/** The 8-byte length, the header text (padding included) and the data section. */
function split(bytes: Uint8Array): { header: string; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { header: new TextDecoder().decode(bytes.subarray(8, 8 + n)), data: bytes.slice(8 + n) };
}

/** A safetensors file from header text and data, with the true header length unless one is given. */
function pack(header: string, data: Uint8Array, length?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Edits the parsed safetensors header object (and optionally the data) and repacks. */
function editHeader(edit: (h: Obj, data: Uint8Array) => Uint8Array | void): Uint8Array {
  const { header, data } = split(GOOD_ST);
  const h = JSON.parse(header) as Obj;
  const newData = edit(h, data) ?? data;
  return pack(JSON.stringify(h), newData);
}

/** Edits the parsed JSON checkpoint object and writes it back as text. */
function editJSON(edit: (f: Obj) => void): string {
  const f = JSON.parse(GOOD_JSON) as Obj;
  edit(f);
  return JSON.stringify(f);
}

/** Rewrites a checkpoint's metadata and tensors through the public encoders (both containers). */
function rewrite(edit: (tensors: Map<string, Tensor>, meta: Meta) => void): { st: Uint8Array; json: string } {
  const { tensors, metadata } = decodeSafetensors(GOOD_ST);
  const meta = { ...metadata };
  edit(tensors, meta);
  return { st: encodeSafetensors(tensors, meta), json: encodeStateJSON(tensors, meta) };
}

/** Both containers with one metadata entry's JSON value edited (parsed, changed, re-serialized). */
function editMetaJSON(key: string, edit: (value: Obj) => void): { st: Uint8Array; json: string } {
  return rewrite((_, meta) => {
    const v = JSON.parse(meta[key]) as Obj;
    edit(v);
    meta[key] = JSON.stringify(v);
  });
}

/** Both containers with one metadata entry replaced by raw text (undefined deletes it). */
function setMeta(key: string, text: string | undefined): { st: Uint8Array; json: string } {
  return rewrite((_, meta) => {
    if (text === undefined) delete meta[key];
    else meta[key] = text;
  });
}

/** Both containers with one optimizer buffer replaced by raw bytes (F32 unless told). */
function setBuffer(param: string, name: string, bytes: Uint8Array, dtype = 'F32'): { st: Uint8Array; json: string } {
  return editMetaJSON('rnnkit.optimizer', (o) => {
    o.buffers[param][name] = { dtype, data: btoa(String.fromCharCode(...bytes)) };
  });
}

const f32Bytes = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

// ——— The cases ———

interface Expectation {
  cls: ErrorClass;
  parts: string[];
}

interface Case {
  label: string;
  /** The hostile file(s): a Uint8Array is safetensors, a string JSON. */
  files: () => { st?: Uint8Array; json?: string };
  st?: Expectation;
  json?: Expectation;
  /** One expectation for both containers. */
  both?: Expectation;
  /**
   * Bad optimizer state. checkpoint.ts promises that loading checks the optimizer buffers
   * before anything is built: with 'strict' a load that succeeds is a failure even if
   * createOptimizerFromState refuses the state later; with 'later' the refusal may come from
   * createOptimizerFromState (the next call of a resume), with the same clear message.
   */
  optimizer?: 'strict' | 'later';
}

const refusedBy = (cls: ErrorClass, ...parts: string[]): Expectation => ({ cls, parts });

const cases: Case[] = [
  // containers
  {
    label: 'truncated to 4 bytes', files: () => ({ st: GOOD_ST.slice(0, 4), json: GOOD_JSON.slice(0, 4) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'the file has 4 bytes', '8-byte header length'),
    json: refusedBy(SyntaxError, 'decodeStateJSON', 'not valid JSON'),
  },
  {
    label: 'truncated in the middle of the header', files: () => ({ st: GOOD_ST.slice(0, 1000), json: GOOD_JSON.slice(0, 1000) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'the file is truncated', 'only 992 bytes follow the length field'),
    json: refusedBy(SyntaxError, 'decodeStateJSON', 'text is not valid JSON'),
  },
  {
    label: 'truncated in the middle of the data', files: () => ({ st: GOOD_ST.slice(0, GOOD_ST.length - 6), json: GOOD_JSON.slice(0, GOOD_JSON.length - 40) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'data_offsets', 'out of range', 'the file is truncated, or its header is wrong'),
    json: refusedBy(SyntaxError, 'decodeStateJSON', 'not valid JSON'),
  },
  {
    label: 'header length larger than the file', files: () => ({ st: pack(split(GOOD_ST).header, split(GOOD_ST).data, BigInt(GOOD_ST.length)) }),
    st: refusedBy(RangeError, 'decodeSafetensors', `the file is truncated: its header length is ${GOOD_ST.length} but only ${GOOD_ST.length - 8} bytes follow`),
  },
  {
    label: 'header length over 100 MB (100,000,001)', files: () => ({ st: pack(split(GOOD_ST).header, split(GOOD_ST).data, 100_000_001n) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'header length 100000001', '100000000-byte limit'),
  },
  {
    label: 'header length 2^64 − 1', files: () => ({ st: pack(split(GOOD_ST).header, split(GOOD_ST).data, 2n ** 64n - 1n) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'header length 18446744073709551615', 'limit'),
  },
  {
    label: 'invalid JSON (an unquoted dtype)',
    files: () => ({ st: pack(split(GOOD_ST).header.replace('"dtype":"F32"', '"dtype":F32 '), split(GOOD_ST).data), json: GOOD_JSON.replace('"dtype": "float32"', '"dtype": float32') }),
    both: refusedBy(SyntaxError, 'is not valid JSON'),
  },
  {
    label: 'header not UTF-8', files: () => { const b = GOOD_ST.slice(); b[20] = 0xff; return { st: b }; },
    st: refusedBy(TypeError, 'decodeSafetensors', 'not valid UTF-8'),
  },
  {
    label: 'unknown dtype (F16 / float16)',
    files: () => ({ st: editHeader((h) => { h['head.bias'].dtype = 'F16'; }), json: editJSON((f) => { f.tensors['head.bias'].dtype = 'float16'; }) }),
    st: refusedBy(TypeError, 'decodeSafetensors', '"head.bias"', 'dtype "F16"', 'only "F32" and "F64"'),
    json: refusedBy(TypeError, 'decodeStateJSON', '"head.bias"', 'dtype "float16"', 'only "float32" and "float64"'),
  },
  {
    label: 'shape and bytes disagree (head.bias [6] over 5 values)',
    files: () => ({ st: editHeader((h) => { h['head.bias'].shape = [6]; }), json: editJSON((f) => { f.tensors['head.bias'].shape = [6]; }) }),
    st: refusedBy(RangeError, 'decodeSafetensors', '"head.bias"', 'shape [6]', '24 bytes', 'span 20 bytes'),
    json: refusedBy(RangeError, 'decodeStateJSON', '"head.bias"', '5 data values', 'shape [6] needs 6'),
  },
  {
    label: 'overlapping data_offsets',
    files: () => ({ st: editHeader((h) => { const [b] = h['head.bias'].data_offsets; h['head.bias'].data_offsets = [b - 4, b + 16]; }) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'overlap'),
  },
  {
    label: 'a gap in the data section',
    files: () => ({ st: editHeader((h, data) => { const e = data.length; h['head.bias'].data_offsets = [e, e + 20]; const d = new Uint8Array(e + 20); d.set(data); d.set(data.subarray(h['bias_hh_l0'].data_offsets[1], h['bias_hh_l0'].data_offsets[1] + 20), e); return d; }) }),
    st: refusedBy(RangeError, 'decodeSafetensors', 'gap'),
  },
  // A key given twice counts once, with its last value (as JSON.parse does): a bad last copy is refused.
  {
    label: 'a duplicate tensor name whose last copy has shape [6]',
    files: () => {
      const { header, data } = split(GOOD_ST);
      const h = header.trimEnd();
      const entry = h.match(/"head\.bias":\{[^}]*\}/)![0].replace('"shape":[5]', '"shape":[6]');
      const text = GOOD_JSON.replace(/(\n\s*"head\.bias": \{[^\n]*\})/, (line) => `${line},${line.replace('"shape": [5]', '"shape": [6]')}`);
      return { st: pack(h.slice(0, -1) + ',' + entry + '}', data), json: text };
    },
    st: refusedBy(RangeError, 'decodeSafetensors', '"head.bias"', 'shape [6]', '24 bytes', 'span 20 bytes'),
    json: refusedBy(RangeError, 'decodeStateJSON', '"head.bias"', '5 data values', 'shape [6] needs 6'),
  },
  {
    label: 'a duplicate metadata key whose last copy is bad (rnnkit.step "-3" after "7")',
    files: () => {
      const { header, data } = split(GOOD_ST);
      return { st: pack(header.replace('"rnnkit.step":"7"', '"rnnkit.step":"7","rnnkit.step":"-3"'), data), json: GOOD_JSON.replace('"rnnkit.step": "7"', '"rnnkit.step": "7", "rnnkit.step": "-3"') };
    },
    both: refusedBy(RangeError, 'loadCheckpoint', 'rnnkit.step', 'non-negative integer', 'got "-3"'),
  },
  // tensors against the model the metadata describes
  {
    label: 'a tensor missing (head.bias)', files: () => rewrite((t) => { t.delete('head.bias'); }),
    both: refusedBy(RangeError, 'the state dict does not match', 'missing "head.bias"'),
  },
  {
    label: 'an extra tensor', files: () => rewrite((t) => { t.set('head.extra', { data: new Float32Array(2), shape: [2] }); }),
    both: refusedBy(RangeError, 'the state dict does not match', 'unexpected "head.extra"'),
  },
  {
    label: 'tensors of another hidden size than rnnkit.model says', files: () => editMetaJSON('rnnkit.model', (m) => { m.hiddenSize = 5; }),
    both: refusedBy(RangeError, '"weight_ih_l0"', 'has shape [16, 3]', 'expects [20, 3]'),
  },
  {
    label: 'a tensor of the right size but the wrong shape (weight_hh_l0 [4, 16])',
    files: () => rewrite((t) => { const w = t.get('weight_hh_l0')!; t.set('weight_hh_l0', { data: w.data, shape: [4, 16] }); }),
    both: refusedBy(RangeError, '"weight_hh_l0"', 'has shape [4, 16]', 'expects [16, 4]'),
  },
  // forbidden names
  {
    label: 'a tensor named __proto__',
    files: () => ({ st: pack(split(GOOD_ST).header.replace('"head.bias":', '"__proto__":'), split(GOOD_ST).data), json: GOOD_JSON.replace('"head.bias":', '"__proto__":') }),
    both: refusedBy(TypeError, 'tensor name "__proto__" is refused'),
  },
  {
    label: 'a tensor named constructor',
    files: () => ({ st: pack(split(GOOD_ST).header.replace('"head.bias":', '"constructor":'), split(GOOD_ST).data), json: GOOD_JSON.replace('"head.bias":', '"constructor":') }),
    both: refusedBy(TypeError, 'tensor name "constructor" is refused'),
  },
  {
    label: 'a metadata key constructor',
    files: () => ({ st: pack(split(GOOD_ST).header.replace('"__metadata__":{', '"__metadata__":{"constructor":"x",'), split(GOOD_ST).data), json: GOOD_JSON.replace('"metadata": {', '"metadata": {"constructor": "x", ') }),
    both: refusedBy(TypeError, 'name "constructor" is refused'),
  },
  {
    label: '__proto__ as a key of rnnkit.model',
    files: () => setMeta('rnnkit.model', JSON.parse(GOOD_JSON).metadata['rnnkit.model'].replace('{', '{"__proto__":{"hiddenSize":4},')),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.model', 'forbidden key "__proto__"'),
  },
  {
    label: 'constructor as a key of rnnkit.extra', files: () => setMeta('rnnkit.extra', '{"constructor":"x"}'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.extra', 'forbidden key "constructor"'),
  },
  {
    label: '__proto__ as a key of rnnkit.optimizer',
    files: () => setMeta('rnnkit.optimizer', JSON.parse(GOOD_JSON).metadata['rnnkit.optimizer'].replace('{', '{"__proto__":{"polluted":true},')),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.optimizer', 'forbidden key "__proto__"'),
  },
  {
    label: '__proto__ as a parameter name in the optimizer buffers',
    files: () => setMeta('rnnkit.optimizer', JSON.parse(GOOD_JSON).metadata['rnnkit.optimizer'].replace('"buffers":{', '"buffers":{"__proto__":{},')),
    both: refusedBy(TypeError, 'loadCheckpoint', '"__proto__"', 'not a parameter of the model'),
  },
  {
    label: '__proto__ inside the optimizer hyperParameters', optimizer: 'strict',
    files: () => setMeta('rnnkit.optimizer', JSON.parse(GOOD_JSON).metadata['rnnkit.optimizer'].replace('"hyperParameters":{', '"hyperParameters":{"__proto__":{"lr":1e9},')),
    both: refusedBy(TypeError, 'loadCheckpoint', '"__proto__"'),
  },
  // values
  {
    label: 'NaN in a weight',
    files: () => rewrite((t) => { t.get('weight_hh_l0')!.data[3] = NaN; }),
    st: refusedBy(RangeError, 'decodeSafetensors', '"weight_hh_l0"', 'must be finite', 'entry 3 is NaN'),
    json: refusedBy(RangeError, 'decodeStateJSON', '"weight_hh_l0"', 'must be finite', 'entry 3 is NaN'),
  },
  {
    label: '−Infinity in a bias',
    files: () => rewrite((t) => { t.get('head.bias')!.data[0] = -Infinity; }),
    st: refusedBy(RangeError, 'decodeSafetensors', '"head.bias"', 'must be finite', 'entry 0 is -Infinity'),
    json: refusedBy(RangeError, 'decodeStateJSON', '"head.bias"', 'must be finite', 'entry 0 is -Infinity'),
  },
  // the model metadata (the messages must say the problem is in the file's rnnkit.model)
  {
    label: 'rnnkit.model with hiddenSize −1', files: () => editMetaJSON('rnnkit.model', (m) => { m.hiddenSize = -1; }),
    both: refusedBy(RangeError, 'rnnkit.model', 'hiddenSize', 'got -1'),
  },
  {
    label: 'rnnkit.model with numLayers 100,000,000 (more layers than the file has tensors)', files: () => editMetaJSON('rnnkit.model', (m) => { m.numLayers = 1e8; }),
    both: refusedBy(RangeError, 'loadCheckpoint', 'rnnkit.model numLayers 100000000', 'at least 200000000 tensors', 'the file holds 6'),
  },
  {
    label: 'rnnkit.model with mode "xyz"', files: () => editMetaJSON('rnnkit.model', (m) => { m.mode = 'xyz'; }),
    both: refusedBy(TypeError, 'rnnkit.model', 'mode', 'got "xyz"'),
  },
  {
    label: 'rnnkit.model with outputSize "5" (a string)', files: () => editMetaJSON('rnnkit.model', (m) => { m.outputSize = '5'; }),
    both: refusedBy(TypeError, 'outputSize', 'integer', 'got "5"'),
  },
  {
    label: 'rnnkit.model with loss "hinge"', files: () => editMetaJSON('rnnkit.model', (m) => { m.loss = 'hinge'; }),
    both: refusedBy(TypeError, 'loss', '"cross_entropy"', 'got "hinge"'),
  },
  {
    label: 'rnnkit.model not JSON', files: () => setMeta('rnnkit.model', '{mode: lstm}'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.model', 'not valid JSON'),
  },
  {
    label: 'rnnkit.model a JSON array', files: () => setMeta('rnnkit.model', '[1, 2]'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.model', 'must be a JSON object', 'got an array of length 2'),
  },
  {
    label: 'rnnkit.model missing', files: () => setMeta('rnnkit.model', undefined),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.model', 'missing'),
  },
  {
    label: 'rnnkit.format of another program', files: () => setMeta('rnnkit.format', 'other-checkpoint/2'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'not an rnnkit checkpoint', '"other-checkpoint/2"', '"rnnkit-checkpoint/1"'),
  },
  {
    label: 'rnnkit.step "-3"', files: () => setMeta('rnnkit.step', '-3'),
    both: refusedBy(RangeError, 'loadCheckpoint', 'rnnkit.step', 'non-negative integer', 'got "-3"'),
  },
  {
    label: 'rnnkit.step "seven"', files: () => setMeta('rnnkit.step', 'seven'),
    both: refusedBy(RangeError, 'loadCheckpoint', 'rnnkit.step', 'got "seven"'),
  },
  {
    label: 'rnnkit.extra with a number value', files: () => setMeta('rnnkit.extra', '{"vocab":5}'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'rnnkit.extra.vocab', 'string', 'got 5'),
  },
  // the optimizer state
  {
    label: 'optimizer state for a parameter the model lacks',
    files: () => editMetaJSON('rnnkit.optimizer', (o) => { o.buffers.weight_ih_l9 = o.buffers.weight_ih_l0; }),
    both: refusedBy(TypeError, 'loadCheckpoint', '"weight_ih_l9"', 'not a parameter of the model'),
  },
  {
    label: 'optimizer buffer not base64', files: () => editMetaJSON('rnnkit.optimizer', (o) => { o.buffers['head.bias'].exp_avg.data = 'AAAA!AAA'; }),
    both: refusedBy(RangeError, 'head.bias.exp_avg', 'invalid character at 4'),
  },
  {
    label: 'optimizer buffer of 6 bytes (not whole float32s)', files: () => setBuffer('head.bias', 'exp_avg', new Uint8Array(6)),
    both: refusedBy(RangeError, 'loadCheckpoint', 'head.bias.exp_avg', '6 bytes', 'multiple of 4'),
  },
  {
    label: 'optimizer buffer dtype "F16"', files: () => setBuffer('head.bias', 'exp_avg', f32Bytes(0, 0, 0, 0, 0), 'F16'),
    both: refusedBy(TypeError, 'loadCheckpoint', 'head.bias.exp_avg', '"F32"|"F64"'),
  },
  {
    label: 'optimizer buffer one entry short (4 values for head.bias [5])', optimizer: 'strict', files: () => setBuffer('head.bias', 'exp_avg', f32Bytes(0, 0, 0, 0)),
    both: refusedBy(RangeError, 'loadCheckpoint', 'head.bias', 'exp_avg', '4 entries', '5'),
  },
  {
    label: 'optimizer buffer F64 for a float32 parameter', optimizer: 'later', files: () => setBuffer('head.bias', 'exp_avg', new Uint8Array(new Float64Array(5).buffer), 'F64'),
    both: refusedBy(TypeError, '"head.bias"', 'exp_avg', 'Float32Array', 'got Float64Array(5)'),
  },
  {
    label: 'optimizer buffer with an unknown name (exp_avg_cubed)', optimizer: 'strict', files: () => setBuffer('head.bias', 'exp_avg_cubed', f32Bytes(0, 0, 0, 0, 0)),
    both: refusedBy(RangeError, 'loadCheckpoint', 'head.bias', '"exp_avg_cubed"'),
  },
  {
    label: 'optimizer buffers missing for one parameter', optimizer: 'later', files: () => editMetaJSON('rnnkit.optimizer', (o) => { delete o.buffers['head.bias']; }),
    both: refusedBy(TypeError, 'state.buffers["head.bias"]', 'must be an object', 'got undefined'),
  },
  {
    label: 'NaN in an optimizer buffer', optimizer: 'later', files: () => setBuffer('head.bias', 'exp_avg', f32Bytes(0, NaN, 0, 0, 0)),
    both: refusedBy(RangeError, '"head.bias"', 'exp_avg', 'finite', 'entry 1 is NaN'),
  },
  {
    label: 'a negative exp_avg_sq', optimizer: 'later', files: () => setBuffer('head.bias', 'exp_avg_sq', f32Bytes(0, 0, -1, 0, 0)),
    both: refusedBy(RangeError, '"head.bias"', 'exp_avg_sq', 'non-negative', 'entry 2 is -1'),
  },
  {
    label: 'optimizer "lion"', optimizer: 'later', files: () => editMetaJSON('rnnkit.optimizer', (o) => { o.optimizer = 'lion'; }),
    both: refusedBy(TypeError, 'unknown optimizer', '"lion"', 'sgd, adam, rmsprop, adagrad'),
  },
  {
    label: 'optimizer step −2', optimizer: 'later', files: () => editMetaJSON('rnnkit.optimizer', (o) => { o.step = -2; }),
    both: refusedBy(RangeError, 'state.step', '≥ 0', 'got -2'),
  },
  {
    label: 'optimizer lr −1', optimizer: 'later', files: () => editMetaJSON('rnnkit.optimizer', (o) => { o.hyperParameters.lr = -1; }),
    both: refusedBy(RangeError, 'lr', '[0, Infinity]', 'got -1'),
  },
];

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join();
const PROTOTYPE_KEYS = prototypeKeys();

/** Runs one load, checking the outcome against the expectation, with the optimizer rule. */
function checkRefused(label: string, file: Uint8Array | string, want: Expectation, optimizer?: 'strict' | 'later'): void {
  const copy = typeof file === 'string' ? file : file.slice();
  let loaded: Checkpoint | null = null;
  let refusal: unknown = null;
  try {
    loaded = loadCheckpoint(file);
  } catch (e) {
    refusal = e;
  }
  // the input is never modified, and nothing leaks into Object.prototype
  if (typeof file !== 'string') expect(sameBytes(file as unknown as Float32Array, copy as unknown as Float32Array), `${label}: input modified`).to.equal(true);
  expect(prototypeKeys(), `${label}: Object.prototype changed`).to.equal(PROTOTYPE_KEYS);
  expect(({} as Record<string, unknown>).polluted, `${label}: prototype polluted`).to.equal(undefined);
  if (loaded && optimizer && loaded.optimizerState) {
    // what happens next in a resume: is the state refused there at least?
    const state = loaded.optimizerState, params = loaded.model.params;
    if (optimizer === 'later') {
      expectError(() => createOptimizerFromState(params, state), want.cls, want.parts, `${label} (refused by createOptimizerFromState)`);
      return;
    }
    let later: unknown = null;
    try {
      createOptimizerFromState(params, state);
    } catch (e) {
      later = e;
    }
    expect(later, `${label}: the bad optimizer state was accepted by loadCheckpoint AND by createOptimizerFromState`).to.be.instanceOf(Error);
    expect.fail(`${label}: loadCheckpoint accepted the file; the bad optimizer state is refused only later, by createOptimizerFromState: ${(later as Error).constructor.name}: ${(later as Error).message}`);
  }
  expectError(() => {
    if (refusal !== null) throw refusal;
  }, want.cls, want.parts, label);
}

describe('loadCheckpoint on hostile files', () => {
  it('the valid checkpoints load in both containers, bit-identical, with the optimizer state and extra', () => {
    for (const file of [GOOD_ST, GOOD_JSON]) {
      const ck = loadCheckpoint(file);
      ck.model.params.forEach((p, i) => expect(sameBytes(p.value, source.model.params[i].value), p.name).to.equal(true));
      expect(ck.step).to.equal(7);
      expect(ck.extra).to.deep.equal({ vocab: 'abc' });
      const opt = createOptimizerFromState(ck.model.params, ck.optimizerState!);
      expect(opt.stepCount).to.equal(2);
    }
  });

  let files = 0;
  for (const c of cases) {
    for (const kind of ['st', 'json'] as const) {
      const want = c[kind] ?? c.both;
      if (!want) continue;
      files++;
      it(`${kind === 'st' ? 'safetensors' : 'JSON'}: ${c.label} → ${want.cls.name}`, () => {
        const file = c.files()[kind];
        expect(file, 'the case builds this container').to.not.equal(undefined);
        checkRefused(c.label, file!, want, c.optimizer);
      });
    }
  }
  it(`(${cases.length} hostile cases, ${files} files)`, () => expect(files).to.be.at.least(60));

  // Guards: loadCheckpoint compares the file's tensors with the shapes rnnkit.model implies
  // before it builds the model, so a 1 KB file claiming a huge model (hiddenSize 2000 and
  // numLayers 4 would be ~855 MB of parameters and gradients) is refused without allocating it.
  it('a file claiming a huge model is refused before that model is built (no allocation sized by metadata alone)', () => {
    const { st } = editMetaJSON('rnnkit.model', (m) => { m.hiddenSize = 600; m.numLayers = 2; });
    const built: number[] = [];
    const original = SequenceModel.prototype.resetParameters;
    SequenceModel.prototype.resetParameters = function (this: SequenceModel, seed?: number) {
      built.push(this.params.reduce((n, p) => n + p.value.length, 0));
      return original.call(this, seed);
    };
    try {
      expect(() => loadCheckpoint(st)).to.throw(RangeError, /does not match|expects/);
    } finally {
      SequenceModel.prototype.resetParameters = original;
    }
    const fileValues = source.model.params.reduce((n, p) => n + p.value.length, 0);
    expect(built, `models built while refusing a file of ${fileValues} values (parameter counts)`).to.deep.equal([]);
  });
});

// ——— Bounded fuzz ———

const MUTATIONS = 200;
/** Numbers to splice in: small, malformed, or far beyond any allocation (never in between). */
const NUMBERS = ['0', '-1', '1.5', '2', '7', '1e2', '-0', '00', '1e400', '4294967296', '9007199254740993', '18446744073709551616'];
const SNIPPETS = ['{', '}', '[', ']', '"', ':', ',', '\\', ' ', 'null', 'true', '__proto__', '__metadata__', 'NaN', 'F64', 'float64', '\\u0000', 'é'];

function pick<T>(r: Random, items: readonly T[]): T {
  return items[r.int(items.length)];
}

/** One random edit of text: a number swapped, a snippet inserted or replacing a char, a span deleted or doubled. */
function editText(r: Random, text: string): string {
  const at = r.int(text.length + 1), span = 1 + r.int(12);
  switch (r.int(5)) {
    case 0: {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = pick(r, numbers);
      return text.slice(0, m.index) + pick(r, NUMBERS) + text.slice(m.index! + m[0].length);
    }
    case 1: return text.slice(0, at) + pick(r, SNIPPETS) + text.slice(at + 1);
    case 2: return text.slice(0, at) + text.slice(at + span);
    case 3: return text.slice(0, at) + text.slice(at, at + span) + text.slice(at);
    default: return text.slice(0, at) + pick(r, SNIPPETS) + text.slice(at);
  }
}

interface Mutant {
  kind: string;
  file: Uint8Array | string;
  /** Whether the tensor data is certainly untouched (then a successful load must equal the source). */
  dataIntact: boolean;
}

function mutateSafetensors(r: Random): Mutant {
  const { header, data } = split(GOOD_ST);
  const dataStart = GOOD_ST.length - data.length;
  switch (r.int(4)) {
    case 0: { // flip 1–3 bits anywhere
      const b = GOOD_ST.slice();
      let intact = true;
      for (let k = 1 + r.int(3); k > 0; k--) {
        const i = r.int(b.length);
        b[i] ^= 1 << r.int(8);
        if (i >= dataStart) intact = false;
      }
      return { kind: 'bit flip', file: b, dataIntact: intact };
    }
    case 1: // truncate
      return { kind: 'truncation', file: GOOD_ST.slice(0, r.int(GOOD_ST.length)), dataIntact: false };
    case 2: { // edit the header text, repacked with its true length
      let h = header;
      for (let k = 1 + r.int(2); k > 0; k--) h = editText(r, h);
      return { kind: 'header edit', file: pack(h, data), dataIntact: true };
    }
    default: { // edit the header text but keep the old length field
      const h = editText(r, header);
      const b = pack(h, data, BigInt(new TextEncoder().encode(header).length));
      return { kind: 'header edit, stale length', file: b, dataIntact: false };
    }
  }
}

function mutateJSON(r: Random): Mutant {
  switch (r.int(3)) {
    case 0: { // flip a bit of 1–3 characters
      const chars = [...GOOD_JSON];
      for (let k = 1 + r.int(3); k > 0; k--) {
        const i = r.int(chars.length);
        chars[i] = String.fromCharCode(chars[i].charCodeAt(0) ^ (1 << r.int(7)));
      }
      return { kind: 'bit flip', file: chars.join(''), dataIntact: false };
    }
    case 1:
      return { kind: 'truncation', file: GOOD_JSON.slice(0, r.int(GOOD_JSON.length)), dataIntact: false };
    default: {
      let t = GOOD_JSON;
      for (let k = 1 + r.int(2); k > 0; k--) t = editText(r, t);
      return { kind: 'text edit', file: t, dataIntact: false };
    }
  }
}

interface FuzzStats {
  loaded: number;
  loadedIdentical: number;
  refused: number;
  engineErrors: string[];
  slowest: number;
  resumed: number;
  resumeRefused: number;
}

function fuzz(mutate: (r: Random) => Mutant, decode: (file: Uint8Array | string) => Map<string, Tensor>, seed: number): FuzzStats {
  const r = new Random(seed);
  const stats: FuzzStats = { loaded: 0, loadedIdentical: 0, refused: 0, engineErrors: [], slowest: 0, resumed: 0, resumeRefused: 0 };
  for (let i = 0; i < MUTATIONS; i++) {
    const m = mutate(r);
    const started = performance.now();
    let ck: Checkpoint | null = null;
    try {
      ck = loadCheckpoint(m.file);
    } catch (e) {
      expect(e, `mutation ${i} (${m.kind}) threw a non-Error: ${String(e)}`).to.be.instanceOf(Error);
      expect((e as Error).message.length, `mutation ${i}: empty message`).to.be.greaterThan(0);
      stats.refused++;
      // rnnkit's own errors start with "operation: "; anything else escaped from the engine
      if (!/^[A-Za-z][\w.]*: /.test((e as Error).message)) stats.engineErrors.push(`${m.kind}: ${(e as Error).constructor.name}: ${(e as Error).message}`);
    }
    stats.slowest = Math.max(stats.slowest, performance.now() - started);
    expect(prototypeKeys(), `mutation ${i}: Object.prototype changed`).to.equal(PROTOTYPE_KEYS);
    if (!ck) continue;
    stats.loaded++;
    // the loaded model holds exactly what the file says (converted to the model's dtype) …
    const fileTensors = decode(m.file);
    for (const p of ck.model.params) {
      const t = fileTensors.get(p.name)!;
      const want = p.value instanceof Float64Array ? Float64Array.from(t.data) : Float32Array.from(t.data);
      expect(sameBytes(p.value, want), `mutation ${i} (${m.kind}): ${p.name} differs from the file`).to.equal(true);
      expect(p.value.every(Number.isFinite), `mutation ${i}: non-finite ${p.name} loaded`).to.equal(true);
    }
    // … and, when the data was not touched, exactly the source model's values
    const identical = ck.model.params.length === source.model.params.length &&
      ck.model.params.every((p, k) => p.name === source.model.params[k].name && sameBytes(p.value, source.model.params[k].value));
    if (m.dataIntact && ck.model.dtype === 'float32') expect(identical, `mutation ${i} (${m.kind}): tensors changed though the data is intact`).to.equal(true);
    if (identical) stats.loadedIdentical++;
    // resuming from it either works or throws an Error
    if (ck.optimizerState) {
      try {
        createOptimizerFromState(ck.model.params, ck.optimizerState);
        stats.resumed++;
      } catch (e) {
        expect(e, `mutation ${i}: createOptimizerFromState threw a non-Error`).to.be.instanceOf(Error);
        stats.resumeRefused++;
      }
    }
  }
  return stats;
}

describe(`fuzzing loadCheckpoint (fixed seeds, ${MUTATIONS} mutations per container)`, function () {
  this.timeout(60_000);
  const report = (s: FuzzStats) =>
    `${s.loaded} loaded (${s.loadedIdentical} identical to the source), ${s.refused} refused, ${s.engineErrors.length} engine errors, slowest ${s.slowest.toFixed(0)} ms, optimizer resumed ${s.resumed} / refused ${s.resumeRefused}`;

  const runs = new Map<string, FuzzStats>();
  for (const [label, mutate, decode, seed] of [
    ['safetensors', mutateSafetensors, (f: Uint8Array | string) => decodeSafetensors(f as Uint8Array).tensors, 0x5afe],
    ['JSON', mutateJSON, (f: Uint8Array | string) => decodeStateJSON(f as string).tensors, 0x150],
  ] as const) {
    it(`${label}: every mutated file loads exactly what it holds or throws an Error, each within 2 s`, () => {
      const s = fuzz(mutate, decode, seed);
      runs.set(label, s);
      console.log(`      ${label}: ${report(s)}`);
      for (const e of s.engineErrors.slice(0, 5)) console.log(`        engine error: ${e.slice(0, 160)}`);
      expect(s.loaded + s.refused).to.equal(MUTATIONS);
      expect(s.refused, 'most mutations must be refused').to.be.greaterThan(MUTATIONS / 2);
    });
  }

  // Every refusal should be one of rnnkit's own errors ("op: what is wrong"), not an engine
  // error such as "Invalid typed array length" or "Cannot read properties of undefined".
  it('every refusal is an rnnkit error naming an operation, not an engine error', () => {
    expect(runs.size, 'the fuzz runs above').to.equal(2);
    const engine = [...runs.values()].flatMap((s) => s.engineErrors);
    expect(engine, 'engine errors').to.deep.equal([]);
  });
});

