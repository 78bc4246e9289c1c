/**
 * One catalogue of bad inputs across the public API (issue 7). Every row is a call that must be
 * refused at the boundary (STYLE §7): an Error of exactly the expected class (RangeError for
 * sizes, shapes and ranges; TypeError for kinds and names), a message naming the operation, the
 * operand, what was expected and what was got, and nothing changed: after the call every
 * parameter value, gradient and optimizer buffer of every object in the fixture is
 * bit-identical to before (compared as bytes), and so are step counts and carried states.
 *
 * The fixture is rebuilt for every row and has done real work first (a forward and backward,
 * a training step), so gradients and optimizer buffers hold non-zero values that a careless
 * failure path would overwrite.
 *
 * Conventions taken from lib/validate.ts: a non-finite number given as an *option* (lr: NaN) is
 * a TypeError ("must be a finite number"), while non-finite *data* (NaN in x) is a RangeError.
 */
import { expect } from 'chai';
import {
  Adagrad, Adam, type FloatArray, GRU, LSTM, type Optimizer, type OptimizerState, type Param, RMSprop, RNN, Random,
  Recurrent, SGD, Seq2Seq, StepLR, createSchedule, SequenceModel, type SequenceModelOptions, SequenceTrainer, StateCarry,
  type Tensor, clipGradNorm, clipGradValue, createOptimizer, createOptimizerFromState, createParam, decodeSafetensors,
  decodeStateJSON, defineActivation, encodeSafetensors, encodeStateJSON, generate, getActivation, getLoss, gradNorm,
  loadCheckpoint, loadStateDict, registerActivation, runReference, sampleLogits, saveCheckpoint, stateDictOf, tensor,
} from '../../lib/index.js';
import { CharBatches } from '../../lib/data/char-batches.js';
import { CharVocabulary } from '../../lib/data/char-vocabulary.js';
import { type ErrorClass, type Watched, changedEntries, expectError, snapshot } from './helpers.js';

// ——— The fixture every row runs against ———

const T = 5, B = 2, I = 3, H = 4; // layers
const TM = 3, BM = 2, V = 5; // models

const f32 = (n: number, r: Random, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => r.uniform(lo, hi));
const t32 = (shape: number[], r: Random, lo = -1, hi = 1): Tensor => ({ data: f32(shape.reduce((a, b) => a * b, 1), r, lo, hi), shape });
const zeros = (shape: number[], n = shape.reduce((a, b) => a * b, 1)): Tensor => ({ data: new Float32Array(n), shape });
const withValue = (t: Tensor, i: number, v: number): Tensor => {
  const data = t.data.slice();
  data[i] = v;
  return { data, shape: t.shape.slice() };
};

/** Two parameters of different dtypes with non-zero gradients, for the optimizers. */
function optimizerParams(r: Random): Param[] {
  const a = createParam('w', [2, 3], 'float32'), b = createParam('b', [2], 'float64');
  for (const p of [a, b]) for (let i = 0; i < p.value.length; i++) { p.value[i] = r.uniform(-1, 1); p.grad[i] = r.uniform(-1, 1); }
  return [a, b];
}

function build() {
  const r = new Random(17);
  // layers, each after one forward and backward (gradients non-zero)
  const rnn = new RNN({ inputSize: I, hiddenSize: H, seed: 1 });
  const gru = new GRU({ inputSize: I, hiddenSize: H, seed: 2, bidirectional: true });
  const lstm = new LSTM({ inputSize: I, hiddenSize: H, seed: 3 });
  const x = t32([T, B, I], r);
  const h0 = t32([1, B, H], r, -0.5, 0.5), c0 = t32([1, B, H], r, -0.5, 0.5);
  const dOut = t32([T, B, H], r), dhN = t32([1, B, H], r);
  for (const net of [rnn, gru, lstm]) {
    const D = net.directions;
    net.forward(x, null, null);
    net.backward(t32([T, B, D * H], r), t32([D, B, H], r));
  }
  // a model and its trainer, one Adam step taken
  const model = new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: H, outputSize: V, seed: 4 });
  const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.01 }) });
  const xm = t32([TM, BM, I], r);
  const ym = { data: Int32Array.from({ length: TM * BM }, (_, i) => i % V), shape: [TM, BM] };
  trainer.step(xm, ym);
  const mse = new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: H, outputSize: 2, loss: 'mse', seed: 5 });
  mse.lossAndGrad(xm, t32([TM, BM, 2], r));
  const m2o = new SequenceModel({ mode: 'rnn_tanh', inputSize: I, hiddenSize: H, outputSize: V, topology: 'many_to_one', seed: 6 });
  m2o.lossAndGrad(xm, { data: [0, 1], shape: [BM] });
  // an encoder–decoder after one teacher-forced pass
  const seq = new Seq2Seq({ mode: 'gru', srcVocab: 6, tgtVocab: V, embeddingDim: I, hiddenSize: H, attention: 'general', inputFeed: true, seed: 7 });
  const batch = { src: { data: [1, 2, 3, 4, 5, 1, 2, 0], shape: [4, BM] }, srcLengths: [4, 3], tgtIn: { data: [1, 1, 2, 3, 4, 0], shape: [3, BM] }, tgtOut: { data: [2, 3, 4, 0, 4, 0], shape: [3, BM] } };
  seq.lossAndGrad(batch);
  // a one-hot language model for generate
  const lm = new SequenceModel({ mode: 'rnn_tanh', inputSize: 4, hiddenSize: H, outputSize: 4, seed: 8 });
  // every optimizer over its own parameters, one step taken
  const opt = {
    sgd: new SGD(optimizerParams(r), { lr: 0.1, momentum: 0.9 }),
    adam: new Adam(optimizerParams(r), { lr: 0.01, amsgrad: true }),
    rmsprop: new RMSprop(optimizerParams(r), { lr: 0.01, momentum: 0.5, centered: true }),
    adagrad: new Adagrad(optimizerParams(r), { lr: 0.1 }),
  };
  for (const o of Object.values(opt)) o.step();
  const carry = new StateCarry(model.rnn, BM);
  carry.capture(model.rnn.forward(xm));
  const vocab = CharVocabulary.fromText('hello');
  const watched: Watched[] = [
    { label: 'rnn', params: rnn.params }, { label: 'gru', params: gru.params }, { label: 'lstm', params: lstm.params },
    { label: 'model', params: model.params, optimizer: trainer.optimizer, numbers: () => [trainer.steps] },
    { label: 'mse', params: mse.params }, { label: 'm2o', params: m2o.params },
    { label: 'seq2seq', params: seq.params }, { label: 'lm', params: lm.params },
    ...Object.entries(opt).map(([label, o]): Watched => ({ label, params: o.params, optimizer: o })),
    { label: 'carry', arrays: carry.c ? [carry.h.data, carry.c.data] : [carry.h.data] },
  ];
  return { r, rnn, gru, lstm, x, h0, c0, dOut, dhN, model, trainer, xm, ym, mse, m2o, seq, batch, lm, opt, carry, vocab, watched };
}

type Ctx = ReturnType<typeof build>;

/** A state with one thing spoiled, for setState rows. */
function spoil(o: Optimizer, edit: (s: { optimizer: string; hyperParameters: Record<string, unknown>; step: number; buffers: Record<string, Record<string, FloatArray>> }) => void): OptimizerState {
  const s = o.getState() as unknown as Parameters<typeof edit>[0];
  edit(s);
  return s as unknown as OptimizerState;
}

/** A map of the model's parameters (copies), for loadStateDict rows. */
function dictOf(params: readonly Param[]): Map<string, Tensor> {
  return new Map(params.map((p) => [p.name, { data: p.value.slice(), shape: p.shape.slice() }]));
}

// ——— Reference fixtures built in code (no files needed) ———

const plain = (p: { shape: readonly number[]; value: ArrayLike<number> }) => ({ shape: p.shape.slice(), data: Array.from(p.value) });

function layerFixture(): Record<string, any> {
  const net = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3, dtype: 'float64', seed: 1 });
  const r = new Random(5);
  const vals = (n: number) => Array.from({ length: n }, () => r.uniform(-1, 1));
  return {
    format: 'rnn-reference/1', kind: 'layer', name: 'catalogue',
    config: { mode: 'gru', input_size: 2, hidden_size: 3, num_layers: 1, bidirectional: false, bias: true, seq_len: 2, batch: 1 },
    params: Object.fromEntries(net.params.map((p) => [p.name, plain(p)])),
    inputs: { x: { shape: [2, 1, 2], data: vals(4) }, h0: { shape: [1, 1, 3], data: vals(3) } },
    upstream: { output: { shape: [2, 1, 3], data: vals(6) }, h_n: { shape: [1, 1, 3], data: vals(3) } },
  };
}

function modelFixture(): Record<string, any> {
  const m = new SequenceModel({ mode: 'rnn_tanh', inputSize: 2, hiddenSize: 3, outputSize: 3, dtype: 'float64', seed: 1 });
  return {
    format: 'rnn-reference/1', kind: 'model', name: 'catalogue-model',
    config: {
      mode: 'rnn_tanh', input_size: 2, hidden_size: 3, num_layers: 1, bidirectional: false, bias: true, seq_len: 2, batch: 1,
      output_size: 3, topology: 'many_to_many', loss: 'cross_entropy', optimizer: { name: 'sgd', lr: 0.1 }, steps: 1,
    },
    params: Object.fromEntries(m.params.map((p) => [p.name, plain(p)])),
    inputs: { x: { shape: [2, 1, 2], data: [0.5, -0.25, 0.125, 1] }, y: { shape: [2, 1], data: [2, 0] } },
  };
}

const edited = (base: () => Record<string, any>, edit: (f: Record<string, any>) => void) => {
  const f = base();
  edit(f);
  return f;
};

// ——— The catalogue ———

interface Row {
  /** The API under test, e.g. `LSTM.forward`. */
  api: string;
  label: string;
  call: (c: Ctx) => unknown;
  /** Sets the scene before the snapshot (a NaN gradient, say). */
  prepare?: (c: Ctx) => void;
  cls: ErrorClass;
  /** Substrings the message must contain: the operation, the operand, expected and got. */
  parts: string[];
}

const base = { inputSize: I, hiddenSize: H };
const modelBase: SequenceModelOptions = { mode: 'lstm', inputSize: I, hiddenSize: H, outputSize: V };
const seqBase = { mode: 'gru', srcVocab: 6, tgtVocab: V, embeddingDim: I, hiddenSize: H };
const ident = (z: number) => z;

const rows: Row[] = [
  // ——— layers: constructors ———
  { api: 'GRU', label: 'hiddenSize −4', call: () => new GRU({ ...base, hiddenSize: -4 }), cls: RangeError, parts: ['GRU', 'hiddenSize', '≥ 1', 'got -4'] },
  { api: 'LSTM', label: 'inputSize NaN', call: () => new LSTM({ ...base, inputSize: NaN }), cls: RangeError, parts: ['LSTM', 'inputSize', 'integer', 'got NaN'] },
  { api: 'RNN', label: 'numLayers 0', call: () => new RNN({ ...base, numLayers: 0 }), cls: RangeError, parts: ['RNN', 'numLayers', '≥ 1', 'got 0'] },
  { api: 'LSTM', label: 'numLayers 1.5', call: () => new LSTM({ ...base, numLayers: 1.5 }), cls: RangeError, parts: ['LSTM', 'numLayers', 'integer', 'got 1.5'] },
  { api: 'LSTM', label: 'bias "false" (a string)', call: () => new LSTM({ ...base, bias: 'false' as unknown as boolean }), cls: TypeError, parts: ['LSTM', 'bias', 'boolean', 'got "false"'] },
  { api: 'Recurrent', label: 'mode "LSTM" (names are lower case)', call: () => new Recurrent({ ...base, mode: 'LSTM' }), cls: TypeError, parts: ['Recurrent', 'mode', '"lstm"', 'got "LSTM"'] },
  { api: 'Recurrent', label: 'mode 42 (a number)', call: () => new Recurrent({ ...base, mode: 42 as unknown as string }), cls: TypeError, parts: ['Recurrent', 'mode', '"gru"', 'got 42'] },
  { api: 'RNN', label: 'nonlinearity "gelu" (unregistered)', call: () => new RNN({ ...base, nonlinearity: 'gelu' }), cls: TypeError, parts: ['RNN', 'nonlinearity', '"gelu"', 'registered:', 'tanh'] },
  { api: 'GRU', label: 'namePrefix 5', call: () => new GRU({ ...base, namePrefix: 5 as unknown as string }), cls: TypeError, parts: ['GRU', 'namePrefix', 'string', 'got 5'] },
  { api: 'LSTM', label: 'seed 1.5', call: () => new LSTM({ ...base, seed: 1.5 }), cls: RangeError, parts: ['LSTM', 'seed', 'integer', 'got 1.5'] },
  { api: 'GRU', label: 'dtype "int32"', call: () => new GRU({ ...base, dtype: 'int32' as 'float32' }), cls: TypeError, parts: ['GRU', 'dtype', '"float64"', 'got "int32"'] },
  { api: 'LSTM.resetParameters', label: 'seed −1', call: (c) => c.lstm.resetParameters(-1), cls: RangeError, parts: ['LSTM.resetParameters', 'seed', '≥ 0', 'got -1'] },

  // ——— layers: forward and backward ———
  { api: 'RNN.forward', label: 'x.data a plain array', call: (c) => c.rnn.forward({ data: Array.from(c.x.data), shape: [T, B, I] } as unknown as Tensor), cls: TypeError, parts: ['RNN.forward', 'x.data', 'Float32Array or Float64Array', 'got an array of length 30'] },
  { api: 'GRU.forward', label: 'x.data a Float16-like Uint16Array', call: (c) => c.gru.forward({ data: new Uint16Array(T * B * I), shape: [T, B, I] } as unknown as Tensor), cls: TypeError, parts: ['GRU.forward', 'x.data', 'Float32Array or Float64Array', 'got Uint16Array(30)'] },
  { api: 'LSTM.forward', label: 'x with T = 0', call: (c) => c.lstm.forward(zeros([0, B, I])), cls: RangeError, parts: ['LSTM.forward', 'x must have shape [T, B, input_size]', 'positive sizes', 'got [0, 2, 3]'] },
  { api: 'LSTM.forward', label: 'x with a non-integer batch size', call: (c) => c.lstm.forward(zeros([T, 1.5, I], 15)), cls: RangeError, parts: ['LSTM.forward', 'x must have shape', 'got [5, 1.5, 3]'] },
  { api: 'RNN.forward', label: 'x.shape a string', call: (c) => c.rnn.forward({ data: new Float32Array(30), shape: '5,2,3' } as unknown as Tensor), cls: TypeError, parts: ['RNN.forward', 'x', 'shape', 'got "5,2,3"'] },
  { api: 'GRU.forward', label: 'x data longer than its shape', call: (c) => c.gru.forward(zeros([T, B, I], T * B * I + 1)), cls: RangeError, parts: ['GRU.forward', 'x has shape [5, 2, 3]', '30 entries', 'has 31'] },
  { api: 'LSTM.forward', label: '+Infinity in x', call: (c) => c.lstm.forward(withValue(c.x, 11, Infinity)), cls: RangeError, parts: ['LSTM.forward', 'x must be finite', 'entry 11 is Infinity'] },
  { api: 'LSTM.forward', label: 'h0.data an Int32Array', call: (c) => c.lstm.forward(c.x, { data: new Int32Array(B * H), shape: [1, B, H] } as unknown as Tensor), cls: TypeError, parts: ['LSTM.forward', 'h0.data', 'Float32Array or Float64Array', 'got Int32Array(8)'] },
  { api: 'LSTM.forward', label: 'NaN in c0', call: (c) => c.lstm.forward(c.x, c.h0, withValue(c.c0, 5, NaN)), cls: RangeError, parts: ['LSTM.forward', 'c0 must be finite', 'entry 5 is NaN'] },
  { api: 'RNN.forward', label: 'h0 for a bidirectional net ([2, B, H]) on a unidirectional one', call: (c) => c.rnn.forward(c.x, zeros([2, B, H])), cls: RangeError, parts: ['RNN.forward', 'h0 has shape [2, 2, 4]', '[1, 2, 4] was expected'] },
  { api: 'GRU.forward', label: 'lengths[1] = 9 > T', call: (c) => c.gru.forward(c.x, null, null, [3, 9]), cls: RangeError, parts: ['GRU.forward', 'lengths[1]', 'integer in [1, 5]', 'got 9'] },
  { api: 'LSTM.forward', label: 'lengths with one entry for a batch of two', call: (c) => c.lstm.forward(c.x, null, null, [5]), cls: RangeError, parts: ['LSTM.forward', 'lengths has 1 entries', 'the batch has 2 rows'] },
  { api: 'LSTM.forward', label: 'lengths[0] = 2.5', call: (c) => c.lstm.forward(c.x, null, null, [2.5, 3]), cls: RangeError, parts: ['LSTM.forward', 'lengths[0]', 'integer in [1, 5]', 'got 2.5'] },
  { api: 'RNN.forward', label: 'lengths a number', call: (c) => c.rnn.forward(c.x, null, null, 5 as unknown as number[]), cls: TypeError, parts: ['RNN.forward', 'lengths must be an array of 2 integers', 'got 5'] },
  { api: 'LSTM.backward', label: '−Infinity in dhN', call: (c) => c.lstm.backward(c.dOut, withValue(c.dhN, 2, -Infinity)), cls: RangeError, parts: ['LSTM.backward', 'dhN must be finite', 'entry 2 is -Infinity'] },
  { api: 'LSTM.backward', label: 'dcN of the wrong shape', call: (c) => c.lstm.backward(c.dOut, c.dhN, zeros([1, B + 1, H])), cls: RangeError, parts: ['LSTM.backward', 'dcN has shape [1, 3, 4]', '[1, 2, 4] was expected'] },
  { api: 'GRU.backward', label: 'dOutput of a unidirectional shape on a bidirectional GRU', call: (c) => c.gru.backward(c.dOut), cls: RangeError, parts: ['GRU.backward', 'dOutput has shape [5, 2, 4]', '[5, 2, 8] was expected'] },

  // ——— SequenceModel ———
  { api: 'SequenceModel', label: 'outputSize 0', call: () => new SequenceModel({ ...modelBase, outputSize: 0 }), cls: RangeError, parts: ['SequenceModel', 'outputSize', '≥ 1', 'got 0'] },
  { api: 'SequenceModel', label: 'loss "hinge"', call: () => new SequenceModel({ ...modelBase, loss: 'hinge' as 'mse' }), cls: TypeError, parts: ['SequenceModel', 'loss', '"cross_entropy"', 'got "hinge"'] },
  { api: 'SequenceModel', label: 'topology "one_to_many"', call: () => new SequenceModel({ ...modelBase, topology: 'one_to_many' as 'many_to_one' }), cls: TypeError, parts: ['SequenceModel', 'topology', '"many_to_one"', 'got "one_to_many"'] },
  { api: 'SequenceModel', label: 'outputActivation "softmax" (unregistered) for mse', call: () => new SequenceModel({ ...modelBase, loss: 'mse', outputActivation: 'softmax' }), cls: TypeError, parts: ['SequenceModel', 'unknown activation', '"softmax"', 'registered:'] },
  { api: 'SequenceModel', label: 'outputActivation with cross_entropy', call: () => new SequenceModel({ ...modelBase, outputActivation: 'tanh' }), cls: TypeError, parts: ['SequenceModel', 'outputActivation', 'mse loss only', 'cross_entropy'] },
  // the model's own operation should be named, as lossAndGrad does since b8e1942
  { api: 'SequenceModel', label: 'mode "xyz"', call: () => new SequenceModel({ ...modelBase, mode: 'xyz' }), cls: TypeError, parts: ['SequenceModel', 'mode', '"lstm"', 'got "xyz"'] },
  { api: 'SequenceModel', label: 'hiddenSize 0', call: () => new SequenceModel({ ...modelBase, hiddenSize: 0 }), cls: RangeError, parts: ['SequenceModel', 'hiddenSize', '≥ 1', 'got 0'] },
  { api: 'SequenceModel.lossAndGrad', label: 'class label 7 ≥ V', call: (c) => c.model.lossAndGrad(c.xm, { data: [0, 1, 7, 2, 3, 4], shape: [TM, BM] }), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'target[2]', 'class index in [0, 4]', 'got 7'] },
  { api: 'SequenceModel.lossAndGrad', label: 'target shape [B, T] (transposed)', call: (c) => c.model.lossAndGrad(c.xm, { data: new Int32Array(6), shape: [BM, TM] }), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'target has shape [2, 3]', '[3, 2] was expected'] },
  { api: 'SequenceModel.lossAndGrad', label: 'x.data an Int32Array', call: (c) => c.model.lossAndGrad({ data: new Int32Array(TM * BM * I), shape: [TM, BM, I] } as unknown as Tensor, c.ym), cls: TypeError, parts: ['SequenceModel.lossAndGrad', 'x.data', 'Float32Array or Float64Array', 'got Int32Array(18)'] },
  { api: 'SequenceModel.lossAndGrad', label: 'target a string', call: (c) => c.model.lossAndGrad(c.xm, 'abc' as never), cls: TypeError, parts: ['SequenceModel.lossAndGrad', 'target must be a tensor', 'got "abc"'] },
  { api: 'SequenceModel.lossAndGrad', label: 'lengths[0] = 4 > T', call: (c) => c.model.lossAndGrad(c.xm, c.ym, { lengths: [4, 2] }), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'lengths[0]', '[1, 3]', 'got 4'] },
  { api: 'SequenceModel.forward', label: 'c0 given to a GRU model', call: (c) => c.mse.forward(c.xm, { c0: zeros([1, BM, H]) }), cls: TypeError, parts: ['SequenceModel.forward', 'c0', 'only for LSTM', 'gru'] },
  { api: 'SequenceModel.evaluate', label: 'target data shorter than its shape', call: (c) => c.model.evaluate(c.xm, { data: [0, 1, 2], shape: [TM, BM] }), cls: RangeError, parts: ['SequenceModel.evaluate', 'target has shape [3, 2]', 'data has 3 entries'] },
  { api: 'SequenceModel.lossAndGrad', label: 'mse target with −Infinity', call: (c) => c.mse.lossAndGrad(c.xm, withValue(zeros([TM, BM, 2]), 9, -Infinity)), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'target must be finite', 'entry 9 is -Infinity'] },
  { api: 'SequenceModel.lossAndGrad', label: 'many_to_one target [T, B]', call: (c) => c.m2o.lossAndGrad(c.xm, c.ym), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'target has shape [3, 2]', '[2] was expected', 'many_to_one'] },

  // ——— Seq2Seq ———
  { api: 'Seq2Seq', label: 'tgtVocab 0', call: () => new Seq2Seq({ ...seqBase, tgtVocab: 0 }), cls: RangeError, parts: ['Seq2Seq', 'tgtVocab', '≥ 1', 'got 0'] },
  { api: 'Seq2Seq', label: 'startToken = tgtVocab', call: () => new Seq2Seq({ ...seqBase, startToken: V }), cls: RangeError, parts: ['Seq2Seq', 'startToken', '< tgtVocab (5)', 'got 5'] },
  { api: 'Seq2Seq', label: 'startToken "0"', call: () => new Seq2Seq({ ...seqBase, startToken: '0' as unknown as number }), cls: TypeError, parts: ['Seq2Seq', 'startToken', 'integer', 'got "0"'] },
  { api: 'Seq2Seq', label: 'mode "tcn"', call: () => new Seq2Seq({ ...seqBase, mode: 'tcn' }), cls: TypeError, parts: ['Seq2Seq', 'mode', '"gru"', 'got "tcn"'] },
  { api: 'Seq2Seq', label: 'attention "luong"', call: () => new Seq2Seq({ ...seqBase, attention: 'luong' as never }), cls: TypeError, parts: ['Seq2Seq', 'attention', '"mlp"', 'got "luong"'] },
  { api: 'Seq2Seq', label: 'paddingIdx = srcVocab', call: () => new Seq2Seq({ ...seqBase, srcVocab: 3, tgtVocab: 5, paddingIdx: 3 }), cls: RangeError, parts: ['Seq2Seq', 'paddingIdx', '< srcVocab (3)', 'got 3'] },
  { api: 'Seq2Seq.lossAndGrad', label: 'target token = tgtVocab', call: (c) => c.seq.lossAndGrad({ ...c.batch, tgtOut: { data: [2, 3, 5, 0, 4, 0], shape: [3, BM] } }), cls: RangeError, parts: ['Seq2Seq.lossAndGrad', 'tgtOut[2]', 'token index in [0, 4]', 'got 5'] },
  { api: 'Seq2Seq.lossAndGrad', label: 'source length 0', call: (c) => c.seq.lossAndGrad({ ...c.batch, srcLengths: [4, 0] }), cls: RangeError, parts: ['Seq2Seq.lossAndGrad', 'srcLengths[1]', 'integer in [1, 4]', 'got 0'] },
  { api: 'Seq2Seq.lossAndGrad', label: 'source length beyond the source', call: (c) => c.seq.lossAndGrad({ ...c.batch, srcLengths: [5, 1] }), cls: RangeError, parts: ['Seq2Seq.lossAndGrad', 'srcLengths[0]', 'integer in [1, 4]', 'got 5'] },
  { api: 'Seq2Seq.lossAndGrad', label: 'targets for a batch of 3 with a source batch of 2', call: (c) => c.seq.lossAndGrad({ ...c.batch, tgtIn: { data: new Array(9).fill(1), shape: [3, 3] } }), cls: RangeError, parts: ['Seq2Seq.lossAndGrad', 'tgtIn [3, 3]', 'must share B'] },
  { api: 'Seq2Seq.lossAndGrad', label: 'a source id out of range', call: (c) => c.seq.lossAndGrad({ ...c.batch, src: { data: [1, 2, 3, 4, 5, 1, 2, 6], shape: [4, BM] } }), cls: RangeError, parts: ['Seq2Seq.lossAndGrad', 'src[7]', 'token index in [0, 5]', 'got 6'] },
  { api: 'Seq2Seq.beamSearch', label: 'beamWidth 0', call: (c) => c.seq.beamSearch([1, 2], { beamWidth: 0, maxLength: 3 }), cls: RangeError, parts: ['beamSearch', 'beamWidth', '≥ 1', 'got 0'] },
  { api: 'Seq2Seq.greedy', label: 'maxLength 2.5', call: (c) => c.seq.greedy([1, 2], { maxLength: 2.5 }), cls: RangeError, parts: ['beamSearch', 'maxLength', 'integer', 'got 2.5'] },
  { api: 'Seq2Seq.beamSearch', label: 'endToken −1', call: (c) => c.seq.beamSearch([1, 2], { beamWidth: 2, maxLength: 3, endToken: -1 }), cls: RangeError, parts: ['beamSearch', 'endToken', '≥ 0', 'got -1'] },
  { api: 'Seq2Seq.beamSearch', label: 'alpha 1.5', call: (c) => c.seq.beamSearch([1, 2], { maxLength: 3, alpha: 1.5 }), cls: RangeError, parts: ['beamSearch', 'alpha', '[0, 1]', 'got 1.5'] },

  // ——— Trainer ———
  { api: 'SequenceTrainer', label: 'an optimizer spec instead of an optimizer', call: (c) => new SequenceTrainer(c.model, { optimizer: { name: 'adam', lr: 0.01 } as never }), cls: TypeError, parts: ['Trainer', 'optimizer must be an optimizer over model.params', 'createOptimizer(model.params, spec)', 'got an object'] },
  { api: 'createOptimizer', label: 'optimizer name "adamax"', call: (c) => createOptimizer(c.model.params, { name: 'adamax' }), cls: TypeError, parts: ['createOptimizer', 'spec.name', '"adamw"', 'got "adamax"'] },
  { api: 'SequenceTrainer', label: 'clipNorm 0', call: (c) => new SequenceTrainer(c.model, { optimizer: c.trainer.optimizer, clipNorm: 0 }), cls: RangeError, parts: ['Trainer', 'clipNorm', 'got 0'] },
  { api: 'SequenceTrainer', label: 'clipNorm "1"', call: (c) => new SequenceTrainer(c.model, { optimizer: c.trainer.optimizer, clipNorm: '1' as unknown as number }), cls: TypeError, parts: ['Trainer', 'clipNorm', 'finite number', 'got "1"'] },
  { api: 'SequenceTrainer', label: 'clipValue −1', call: (c) => new SequenceTrainer(c.model, { optimizer: c.trainer.optimizer, clipValue: -1 }), cls: RangeError, parts: ['Trainer', 'clipValue', 'got -1'] },
  { api: 'SequenceTrainer', label: 'nonFinite "ignore"', call: (c) => new SequenceTrainer(c.model, { optimizer: c.trainer.optimizer, nonFinite: 'ignore' as 'skip' }), cls: TypeError, parts: ['Trainer', 'nonFinite', '"throw", "skip"', 'got "ignore"'] },
  { api: 'SequenceTrainer', label: 'an optimizer over another model', call: (c) => new SequenceTrainer(c.model, { optimizer: c.opt.adam }), cls: TypeError, parts: ['Trainer', 'optimizer', 'model.params'] },
  { api: 'SequenceTrainer', label: 'options null', call: (c) => new SequenceTrainer(c.model, null as never), cls: TypeError, parts: ['Trainer', 'options', 'object', 'got null'] },
  { api: 'SequenceTrainer.step', label: 'class label −1 (the step must change nothing, gradients included)', call: (c) => c.trainer.step(c.xm, { data: [0, 1, -1, 2, 3, 4], shape: [TM, BM] }), cls: RangeError, parts: ['SequenceModel.lossAndGrad', 'target[2]', 'class index in [0, 4]', 'got -1'] },

  // ——— optimizers: constructors ———
  { api: 'SGD', label: 'lr missing', call: (c) => new SGD(c.opt.sgd.params as Param[], {} as never), cls: TypeError, parts: ['SGD', 'lr', 'finite number', 'got undefined'] },
  { api: 'SGD', label: 'nesterov without momentum', call: (c) => new SGD(c.opt.sgd.params as Param[], { lr: 0.1, nesterov: true }), cls: RangeError, parts: ['SGD', 'nesterov', 'momentum > 0', 'got momentum 0'] },
  { api: 'SGD', label: 'dampening 2', call: (c) => new SGD(c.opt.sgd.params as Param[], { lr: 0.1, momentum: 0.9, dampening: 2 }), cls: RangeError, parts: ['SGD', 'dampening', '[0, 1]', 'got 2'] },
  { api: 'Adam', label: 'betas [0.9, 1]', call: (c) => new Adam(c.opt.adam.params as Param[], { betas: [0.9, 1] }), cls: RangeError, parts: ['Adam', 'betas[1]', '[0, 1)', 'got 1'] },
  { api: 'Adam', label: 'betas 0.9 (not a pair)', call: (c) => new Adam(c.opt.adam.params as Param[], { betas: 0.9 as unknown as number[] }), cls: TypeError, parts: ['Adam', 'betas', '[beta1, beta2]', 'got 0.9'] },
  { api: 'Adam', label: 'lr NaN', call: (c) => new Adam(c.opt.adam.params as Param[], { lr: NaN }), cls: TypeError, parts: ['Adam', 'lr', 'finite number', 'got NaN'] },
  { api: 'Adam', label: 'no parameters', call: () => new Adam([]), cls: RangeError, parts: ['Adam', 'params is empty'] },
  { api: 'RMSprop', label: 'alpha 1.5', call: (c) => new RMSprop(c.opt.rmsprop.params as Param[], { alpha: 1.5 }), cls: RangeError, parts: ['RMSprop', 'alpha', '[0, 1]', 'got 1.5'] },
  { api: 'RMSprop', label: 'centered 1', call: (c) => new RMSprop(c.opt.rmsprop.params as Param[], { centered: 1 as unknown as boolean }), cls: TypeError, parts: ['RMSprop', 'centered', 'boolean', 'got 1'] },
  { api: 'Adagrad', label: 'lrDecay −0.1', call: (c) => new Adagrad(c.opt.adagrad.params as Param[], { lrDecay: -0.1 }), cls: RangeError, parts: ['Adagrad', 'lrDecay', '[0, Infinity]', 'got -0.1'] },
  { api: 'Adagrad', label: 'lr_decay (PyTorch spelling) as an option', call: (c) => new Adagrad(c.opt.adagrad.params as Param[], { lr_decay: 0.1 } as never), cls: TypeError, parts: ['Adagrad', 'options', 'unknown key "lr_decay"', '"lrDecay"'] },
  { api: 'SGD', label: 'a parameter whose value is an Int32Array', call: () => new SGD([{ name: 'w', shape: [2], value: new Int32Array(2), grad: new Float32Array(2) } as unknown as Param], { lr: 0.1 }), cls: TypeError, parts: ['SGD', 'params[0] ("w").value', 'Float32Array or Float64Array', 'got Int32Array(2)'] },
  { api: 'Adam', label: 'two parameters with one name', call: () => new Adam([createParam('w', [2], 'float32'), createParam('w', [3], 'float32')]), cls: RangeError, parts: ['Adam', 'params[1].name "w"', 'twice'] },
  { api: 'RMSprop', label: 'a float32 value with a float64 grad', call: () => new RMSprop([{ name: 'w', shape: [2], value: new Float32Array(2), grad: new Float64Array(2) }]), cls: TypeError, parts: ['RMSprop', 'params[0] ("w").grad', 'float32', 'got Float64Array(2)'] },
  { api: 'createOptimizer', label: 'sgd_momentum without momentum', call: (c) => createOptimizer(c.opt.sgd.params as Param[], { name: 'sgd_momentum', lr: 0.1 }), cls: RangeError, parts: ['createOptimizer', 'sgd_momentum', 'momentum > 0', 'got undefined'] },
  { api: 'createOptimizer', label: 'weight_decay -0.01', call: (c) => createOptimizer(c.opt.adam.params as Param[], { name: 'adam', weight_decay: -0.01 }), cls: RangeError, parts: ['Adam', 'weightDecay', '[0, Infinity]', 'got -0.01'] },

  // ——— optimizers: setState ———
  { api: 'Adam.setState', label: 'state of an SGD', call: (c) => c.opt.adam.setState(c.opt.sgd.getState()), cls: TypeError, parts: ['Adam.setState', 'state.optimizer', 'one of "adam"', 'got "sgd"'] },
  { api: 'Adam.setState', label: 'exp_avg one entry short', call: (c) => c.opt.adam.setState(spoil(c.opt.adam, (s) => { s.buffers.w.exp_avg = new Float32Array(5); })), cls: RangeError, parts: ['Adam.setState', 'state.buffers["w"].exp_avg', 'has 5 entries', '6 were expected'] },
  { api: 'Adam.setState', label: 'exp_avg_sq a Float64Array for a float32 parameter', call: (c) => c.opt.adam.setState(spoil(c.opt.adam, (s) => { s.buffers.w.exp_avg_sq = new Float64Array(6); })), cls: TypeError, parts: ['Adam.setState', 'state.buffers["w"].exp_avg_sq', 'Float32Array', 'got Float64Array(6)'] },
  { api: 'Adam.setState', label: 'hyperParameters without amsgrad', call: (c) => c.opt.adam.setState(spoil(c.opt.adam, (s) => { delete s.hyperParameters.amsgrad; })), cls: TypeError, parts: ['Adam.setState', 'state.hyperParameters.amsgrad', 'boolean', 'got undefined'] },
  { api: 'Adam.setState', label: 'buffers for a parameter it does not have', call: (c) => c.opt.adam.setState(spoil(c.opt.adam, (s) => { s.buffers.ghost = s.buffers.w; })), cls: RangeError, parts: ['Adam.setState', 'state.buffers', 'unknown key "ghost"', 'the keys are "w", "b"'] },
  { api: 'Adam.setState', label: 'amsgrad false in the state of an amsgrad Adam', call: (c) => c.opt.adam.setState(spoil(c.opt.adam, (s) => { s.hyperParameters.amsgrad = false; })), cls: RangeError, parts: ['Adam.setState', 'call for buffers [exp_avg, exp_avg_sq]', 'holds [exp_avg, exp_avg_sq, max_exp_avg_sq]'] },
  { api: 'RMSprop.setState', label: 'a negative square_avg', call: (c) => c.opt.rmsprop.setState(spoil(c.opt.rmsprop, (s) => { s.buffers.b.square_avg[1] = -1; })), cls: RangeError, parts: ['RMSprop.setState', 'state.buffers["b"].square_avg', 'finite and non-negative', 'entry 1 is -1'] },
  { api: 'SGD.setState', label: 'step −1', call: (c) => c.opt.sgd.setState(spoil(c.opt.sgd, (s) => { s.step = -1; })), cls: RangeError, parts: ['SGD.setState', 'state.step', '≥ 0', 'got -1'] },
  { api: 'SGD.setState', label: 'a buffer it does not keep (exp_avg)', call: (c) => c.opt.sgd.setState(spoil(c.opt.sgd, (s) => { s.buffers.w.exp_avg = new Float32Array(6); })), cls: RangeError, parts: ['SGD.setState', 'state.buffers["w"]', 'unknown key "exp_avg"', 'the keys are "momentum_buffer"'] },
  { api: 'Adagrad.setState', label: 'NaN in sum', call: (c) => c.opt.adagrad.setState(spoil(c.opt.adagrad, (s) => { s.buffers.w.sum[0] = NaN; })), cls: RangeError, parts: ['Adagrad.setState', 'state.buffers["w"].sum', 'finite', 'entry 0 is NaN'] },
  { api: 'RMSprop.setState', label: 'state null', call: (c) => c.opt.rmsprop.setState(null as never), cls: TypeError, parts: ['RMSprop.setState', 'state must be an object', 'got null'] },

  // ——— clipping ———
  { api: 'clipGradNorm', label: 'maxNorm 0', call: (c) => clipGradNorm(c.model.params, 0), cls: RangeError, parts: ['clipGradNorm', 'maxNorm', '> 0', 'got 0'] },
  { api: 'clipGradNorm', label: 'maxNorm "1"', call: (c) => clipGradNorm(c.model.params, '1' as unknown as number), cls: TypeError, parts: ['clipGradNorm', 'maxNorm', 'finite number', 'got "1"'] },
  { api: 'clipGradNorm', label: 'errorIfNonfinite "yes"', call: (c) => clipGradNorm(c.model.params, 1, { errorIfNonfinite: 'yes' as unknown as boolean }), cls: TypeError, parts: ['clipGradNorm', 'errorIfNonfinite', 'boolean', 'got "yes"'] },
  { api: 'clipGradNorm', label: 'a NaN gradient with errorIfNonfinite', prepare: (c) => { c.opt.sgd.params[1].grad[1] = NaN; }, call: (c) => clipGradNorm(c.opt.sgd.params, 1, { errorIfNonfinite: true }), cls: RangeError, parts: ['clipGradNorm', 'norm is NaN', 'b[1] is NaN'] },
  { api: 'clipGradValue', label: 'clipValue −0.5', call: (c) => clipGradValue(c.model.params, -0.5), cls: RangeError, parts: ['clipGradValue', 'clipValue', '[0, Infinity]', 'got -0.5'] },
  { api: 'clipGradValue', label: 'a grad that is a plain array', call: (c) => clipGradValue([...c.model.params, { name: 'odd', shape: [2], value: new Float32Array(2), grad: [1, 2] } as unknown as Param], 1), cls: TypeError, parts: ['clipGradValue', 'params[6]', '"odd"', 'grad must be a Float32Array or Float64Array', 'got an array of length 2'] },
  { api: 'gradNorm', label: 'params a string', call: () => gradNorm('params' as never), cls: TypeError, parts: ['gradNorm', 'params must be an array', 'got "params"'] },

  // ——— loadStateDict ———
  { api: 'loadStateDict', label: 'head.bias missing', call: (c) => { const d = dictOf(c.model.params); d.delete('head.bias'); loadStateDict(c.model.params, d); }, cls: RangeError, parts: ['loadStateDict', 'missing "head.bias"'] },
  { api: 'loadStateDict', label: 'an extra tensor (strict)', call: (c) => { const d = dictOf(c.model.params); d.set('extra.weight', { data: new Float32Array(1), shape: [1] }); loadStateDict(c.model.params, d); }, cls: RangeError, parts: ['loadStateDict', 'unexpected "extra.weight"', 'strict: false'] },
  { api: 'loadStateDict', label: 'head.weight transposed', call: (c) => { const d = dictOf(c.model.params); d.set('head.weight', { data: new Float32Array(H * V), shape: [H, V] }); loadStateDict(c.model.params, d); }, cls: RangeError, parts: ['loadStateDict', '"head.weight"', 'has shape [4, 5]', 'expects [5, 4]'] },
  { api: 'loadStateDict', label: 'data an Int32Array', call: (c) => { const d = dictOf(c.model.params); d.set('head.bias', { data: new Int32Array(V), shape: [V] } as unknown as Tensor); loadStateDict(c.model.params, d); }, cls: TypeError, parts: ['loadStateDict', '"head.bias"', 'Float32Array or Float64Array', 'Int32Array(5)'] },
  { api: 'loadStateDict', label: 'a plain object instead of a Map', call: (c) => loadStateDict(c.model.params, Object.fromEntries(dictOf(c.model.params)) as never), cls: TypeError, parts: ['loadStateDict', 'tensors must be a Map', 'got an object'] },
  { api: 'loadStateDict', label: 'a float64 value beyond float32 into a float32 model', call: (c) => { const d = dictOf(c.model.params); d.set('head.bias', { data: Float64Array.of(0, 0, 1e39, 0, 0), shape: [V] }); loadStateDict(c.model.params, d); }, cls: RangeError, parts: ['loadStateDict', '"head.bias"', 'entry 2 = 1e+39', 'beyond the float32 range'] },
  { api: 'loadStateDict', label: 'strict "no"', call: (c) => loadStateDict(c.model.params, dictOf(c.model.params), { strict: 'no' as unknown as boolean }), cls: TypeError, parts: ['loadStateDict', 'options.strict', 'boolean', 'got "no"'] },

  // ——— checkpoints (the hostile-file cases are in checkpoint-hostile.test.ts) ———
  { api: 'loadCheckpoint', label: 'a number', call: () => loadCheckpoint(42 as never), cls: TypeError, parts: ['loadCheckpoint', 'file must be a Uint8Array (safetensors) or a string (JSON)', 'got 42'] },
  { api: 'loadCheckpoint', label: 'a state dict without checkpoint metadata', call: (c) => loadCheckpoint(encodeSafetensors(stateDictOf(c.model.params))), cls: TypeError, parts: ['loadCheckpoint', 'not an rnnkit checkpoint', 'rnnkit.format', 'undefined', '"rnnkit-checkpoint/2" or "rnnkit-checkpoint/1"'] },
  { api: 'saveCheckpoint', label: 'format "pt"', call: (c) => saveCheckpoint({ model: c.model }, 'pt' as 'json'), cls: TypeError, parts: ['saveCheckpoint', 'format', '"safetensors" or "json"', 'got "pt"'] },
  { api: 'saveCheckpoint', label: 'step −1', call: (c) => saveCheckpoint({ model: c.model, step: -1 }, 'json'), cls: RangeError, parts: ['saveCheckpoint', 'step', 'non-negative integer', 'got -1'] },
  { api: 'createOptimizerFromState', label: 'state null', call: (c) => createOptimizerFromState(c.model.params, null as never), cls: TypeError, parts: ['createOptimizerFromState', 'state', 'got null'] },
  { api: 'createOptimizerFromState', label: 'optimizer "lion"', call: (c) => createOptimizerFromState(c.model.params, { ...c.trainer.optimizer.getState(), optimizer: 'lion' as 'adam' }), cls: TypeError, parts: ['createOptimizerFromState', 'unknown optimizer', '"lion"', 'sgd, adam, rmsprop, adagrad'] },

  // ——— decoders and encoders ———
  { api: 'decodeSafetensors', label: 'a string', call: () => decodeSafetensors('abc' as never), cls: TypeError, parts: ['decodeSafetensors', 'bytes must be a Uint8Array', 'got "abc"'] },
  { api: 'decodeSafetensors', label: 'maxTensors −1', call: (c) => decodeSafetensors(encodeSafetensors(stateDictOf(c.model.params)), { maxTensors: -1 }), cls: RangeError, parts: ['decodeSafetensors', 'options.maxTensors', '≥ 0', 'got -1'] },
  { api: 'decodeSafetensors', label: 'five bytes', call: () => decodeSafetensors(new Uint8Array(5)), cls: RangeError, parts: ['decodeSafetensors', 'the file has 5 bytes', '8-byte header length'] },
  { api: 'decodeStateJSON', label: 'a Uint8Array', call: () => decodeStateJSON(new Uint8Array(4) as never), cls: TypeError, parts: ['decodeStateJSON', 'text must be a string', 'got Uint8Array(4)'] },
  { api: 'decodeStateJSON', label: 'requireFinite 1', call: () => decodeStateJSON('{}', { requireFinite: 1 as unknown as boolean }), cls: TypeError, parts: ['decodeStateJSON', 'options.requireFinite', 'boolean', 'got 1'] },
  { api: 'decodeStateJSON', label: 'text longer than maxLength', call: (c) => decodeStateJSON(encodeStateJSON(stateDictOf(c.model.params)), { maxLength: 10 }), cls: RangeError, parts: ['decodeStateJSON', 'characters, more than the limit of 10', 'maxLength'] },
  { api: 'encodeSafetensors', label: 'an Int32Array tensor', call: () => encodeSafetensors(new Map([['w', { data: new Int32Array(2), shape: [2] } as unknown as Tensor]])), cls: TypeError, parts: ['encodeSafetensors', '"w"', 'Int32Array(2)', 'a Float32Array or Float64Array was expected'] },
  { api: 'encodeStateJSON', label: 'a metadata value that is a number', call: (c) => encodeStateJSON(stateDictOf(c.model.params), { epoch: 5 } as never), cls: TypeError, parts: ['encodeStateJSON', 'metadata value for "epoch"', 'string', 'got 5'] },
  { api: 'encodeSafetensors', label: 'a tensor named __proto__', call: () => encodeSafetensors(new Map([['__proto__', { data: new Float32Array(1), shape: [1] }]])), cls: TypeError, parts: ['encodeSafetensors', '"__proto__"', 'refused'] },
  { api: 'tensor', label: 'data of 5 for a shape of 6', call: () => tensor(new Float32Array(5), [2, 3]), cls: RangeError, parts: ['tensor', 'data has length 5', 'shape [2, 3] needs 6'] },

  // ——— runReference (malformed fixtures) ———
  { api: 'runReference', label: 'null', call: () => runReference(null), cls: TypeError, parts: ['runReference', 'fixture must be an object', 'got null'] },
  { api: 'runReference', label: 'format "rnn-reference/2"', call: () => runReference(edited(layerFixture, (f) => { f.format = 'rnn-reference/2'; })), cls: TypeError, parts: ['runReference', 'format', '"rnn-reference/1"', 'got "rnn-reference/2"'] },
  { api: 'runReference', label: 'kind "cell"', call: () => runReference(edited(layerFixture, (f) => { f.kind = 'cell'; })), cls: TypeError, parts: ['runReference', 'kind', '"layer", "model"', 'got "cell"'] },
  { api: 'runReference', label: 'config.hidden_size 0', call: () => runReference(edited(layerFixture, (f) => { f.config.hidden_size = 0; })), cls: RangeError, parts: ['runReference', 'config.hidden_size', '≥ 1', 'got 0'] },
  { api: 'runReference', label: 'config.bias "yes"', call: () => runReference(edited(layerFixture, (f) => { f.config.bias = 'yes'; })), cls: TypeError, parts: ['runReference', 'config.bias', 'boolean', 'got "yes"'] },
  { api: 'runReference', label: 'weight_ih_l0 of the wrong shape', call: () => runReference(edited(layerFixture, (f) => { f.params.weight_ih_l0 = { shape: [2, 9], data: new Array(18).fill(0) }; })), cls: RangeError, parts: ['runReference', 'params.weight_ih_l0', 'has shape [2, 9]', '[9, 2] was expected'] },
  { api: 'runReference', label: 'a parameter the model does not have', call: () => runReference(edited(layerFixture, (f) => { f.params.weight_ih_l1 = f.params.weight_ih_l0; })), cls: TypeError, parts: ['runReference', 'params.weight_ih_l1', 'not a parameter', 'weight_ih_l0'] },
  { api: 'runReference', label: 'a string in inputs.x', call: () => runReference(edited(layerFixture, (f) => { f.inputs.x.data[2] = 'a'; })), cls: TypeError, parts: ['runReference', 'inputs.x.data[2]', 'number', 'got "a"'] },
  { api: 'runReference', label: 'upstream.h_n missing', call: () => runReference(edited(layerFixture, (f) => { delete f.upstream.h_n; })), cls: TypeError, parts: ['runReference', 'upstream.h_n', '{"shape": [1, 1, 3]', 'got undefined'] },
  { api: 'runReference', label: 'dtype "float16"', call: () => runReference(layerFixture(), { dtype: 'float16' as 'float32' }), cls: TypeError, parts: ['runReference', 'dtype', '"float64"', 'got "float16"'] },
  { api: 'runReference', label: 'model config.loss "hinge"', call: () => runReference(edited(modelFixture, (f) => { f.config.loss = 'hinge'; })), cls: TypeError, parts: ['runReference', 'config.loss', '"mse"', 'got "hinge"'] },
  { api: 'runReference', label: 'model config.clip_norm −1', call: () => runReference(edited(modelFixture, (f) => { f.config.clip_norm = -1; })), cls: RangeError, parts: ['runReference', 'config.clip_norm', 'positive number or null', 'got -1'] },
  { api: 'runReference', label: 'model inputs.y holding 1.5', call: () => runReference(edited(modelFixture, (f) => { f.inputs.y.data[1] = 1.5; })), cls: RangeError, parts: ['runReference', 'inputs.y.data[1]', 'class index in [0, 2]', 'got 1.5'] },
  { api: 'runReference', label: 'model inputs.y holding class 3 = output_size', call: () => runReference(edited(modelFixture, (f) => { f.inputs.y.data[0] = 3; })), cls: RangeError, parts: ['runReference', 'inputs.y.data[0]', 'class index in [0, 2]', 'got 3'] },
  { api: 'runReference', label: 'model optimizer "lbfgs"', call: () => runReference(edited(modelFixture, (f) => { f.config.optimizer = { name: 'lbfgs' }; })), cls: TypeError, parts: ['createOptimizer', 'spec.name', 'got "lbfgs"'] },

  // ——— generation ———
  { api: 'generate', label: 'a model whose inputSize ≠ outputSize', call: (c) => generate(c.model, { prime: [0], length: 2 }), cls: RangeError, parts: ['generate', 'one-hot', 'inputSize 3', 'outputSize 5'] },
  { api: 'generate', label: 'prime token 4 = V', call: (c) => generate(c.lm, { prime: [1, 4], length: 2 }), cls: RangeError, parts: ['generate', 'prime[1]', 'token index in [0, 3]', 'got 4'] },
  { api: 'generate', label: 'length −1', call: (c) => generate(c.lm, { prime: [0], length: -1 }), cls: RangeError, parts: ['generate', 'length', '≥ 0', 'got -1'] },
  { api: 'generate', label: 'temperature 0', call: (c) => generate(c.lm, { prime: [0], length: 2, temperature: 0 }), cls: RangeError, parts: ['generate', 'temperature', 'got 0'] },
  { api: 'generate', label: 'seed "a"', call: (c) => generate(c.lm, { prime: [0], length: 2, seed: 'a' as unknown as number }), cls: TypeError, parts: ['generate', 'seed', 'integer', 'got "a"'] },
  { api: 'generate', label: 'a many_to_one model', call: (c) => generate(new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 2, outputSize: 3, topology: 'many_to_one' }), { prime: [0], length: 1 }), cls: TypeError, parts: ['generate', 'many_to_many cross_entropy', 'got many_to_one'] },
  { api: 'generate', label: 'an empty prime (a size of 0)', call: (c) => generate(c.lm, { prime: [], length: 2 }), cls: RangeError, parts: ['generate', 'prime', 'non-empty', 'got an array of length 0'] },
  { api: 'sampleLogits', label: 'temperature −1', call: (c) => sampleLogits(Float32Array.of(1, 2, 3), 0, 3, -1, c.r), cls: RangeError, parts: ['sampleLogits', 'temperature', 'got -1'] },
  { api: 'sampleLogits', label: 'V = 0', call: (c) => sampleLogits(Float32Array.of(1, 2, 3), 0, 0, 1, c.r), cls: RangeError, parts: ['sampleLogits', 'V', '≥ 1', 'got 0'] },
  { api: 'sampleLogits', label: 'a row past the end of z', call: (c) => sampleLogits(Float32Array.of(1, 2, 3), 2, 3, 1, c.r), cls: RangeError, parts: ['sampleLogits', 'z has 3 entries', 'off + V = 5'] },

  // ——— data ———
  { api: 'CharVocabulary', label: 'an entry of two characters', call: () => new CharVocabulary(['a', 'bc']), cls: TypeError, parts: ['CharVocabulary', 'chars[1]', 'one character', 'got "bc"'] },
  { api: 'CharVocabulary', label: 'an empty array (a size of 0)', call: () => new CharVocabulary([]), cls: RangeError, parts: ['CharVocabulary', 'chars', 'non-empty', 'got an array of length 0'] },
  { api: 'CharVocabulary', label: 'a duplicate character (a value, like the duplicate names loadStateDict and the optimizers refuse with RangeError)', call: () => new CharVocabulary(['a', 'b', 'a']), cls: RangeError, parts: ['CharVocabulary', 'chars[2]', '"a"', 'twice'] },
  { api: 'CharVocabulary.fromText', label: 'a number', call: () => CharVocabulary.fromText(5 as never), cls: TypeError, parts: ['CharVocabulary.fromText', 'text', 'string', 'got 5'] },
  { api: 'CharVocabulary.encode', label: 'a character outside the vocabulary', call: (c) => c.vocab.encode('hex'), cls: RangeError, parts: ['CharVocabulary.encode', 'character "x" at 2', 'vocabulary of 4'] },
  { api: 'CharVocabulary.encode', label: 'null', call: (c) => c.vocab.encode(null as never), cls: TypeError, parts: ['CharVocabulary.encode', 'text', 'string', 'got null'] },
  { api: 'CharVocabulary.decode', label: 'token 99 (out of range)', call: (c) => c.vocab.decode([1, 99]), cls: RangeError, parts: ['CharVocabulary.decode', 'tokens[1]', '[0, 3]', 'got 99'] },
  { api: 'CharVocabulary.decode', label: 'null', call: (c) => c.vocab.decode(null as never), cls: TypeError, parts: ['CharVocabulary.decode', 'tokens', 'got null'] },
  { api: 'CharBatches', label: 'vocabSize 0', call: () => new CharBatches(Int32Array.of(0, 1, 2, 1, 0), 0, 2, 2), cls: RangeError, parts: ['CharBatches', 'vocabSize', '≥ 1', 'got 0'] },
  { api: 'CharBatches', label: 'a token ≥ vocabSize', call: () => new CharBatches(Int32Array.of(0, 1, 7, 1, 0), 3, 2, 2), cls: RangeError, parts: ['CharBatches', 'tokens[2]', '[0, 2]', 'got 7'] },
  { api: 'CharBatches', label: 'seqLen 0', call: () => new CharBatches(Int32Array.of(0, 1, 2), 3, 0, 1), cls: RangeError, parts: ['CharBatches', 'seqLen', '≥ 1', 'got 0'] },
  { api: 'CharBatches', label: 'a text shorter than seqLen + 1', call: () => new CharBatches(Int32Array.of(0, 1, 2), 3, 4, 1), cls: RangeError, parts: ['CharBatches', 'the text has 3 characters', 'seqLen + 1 = 5'] },

  // ——— registries and the state carry ———
  { api: 'getActivation', label: '"gelu"', call: () => getActivation('gelu'), cls: TypeError, parts: ['getActivation', 'unknown activation "gelu"', 'registered:', 'sigmoid'] },
  { api: 'getLoss', label: '"hinge"', call: () => getLoss('hinge'), cls: TypeError, parts: ['getLoss', 'loss must be one of', '"bce"', 'got "hinge"'] },
  { api: 'registerActivation', label: '"tanh" again without replace', call: () => registerActivation(defineActivation('tanh', ident, () => 1)), cls: TypeError, parts: ['registerActivation', '"tanh" is already registered', 'replace: true'] },
  { api: 'registerActivation', label: 'a name that is not an identifier', call: () => registerActivation(defineActivation('1st', ident, () => 1)), cls: TypeError, parts: ['registerActivation', 'activation.name', 'identifier-like', 'got "1st"'] },
  { api: 'registerActivation', label: 'no backward', call: () => registerActivation({ name: 'halfdone', forward: () => undefined } as never), cls: TypeError, parts: ['registerActivation', '"halfdone"', 'forward and backward functions'] },
  { api: 'StateCarry', label: 'a model instead of its stack', call: (c) => new StateCarry(c.model as never, 2), cls: TypeError, parts: ['StateCarry', 'rnn must be a recurrent stack', "a model's .rnn", 'got an object'] },
  { api: 'StateCarry', label: 'batch 0', call: (c) => new StateCarry(c.model.rnn, 0), cls: RangeError, parts: ['StateCarry', 'batch', '≥ 1', 'got 0'] },
  // ——— strict options (issue 14): a misspelt key names the closest known one ———
  { api: 'GRU', label: 'bidirectonal (misspelt)', call: () => new GRU({ inputSize: 4, hiddenSize: 3, bidirectonal: true } as never), cls: TypeError, parts: ['GRU: options has unknown key "bidirectonal"', '(did you mean "bidirectional"?)'] },
  { api: 'LSTM', label: 'mode (fixed by the class)', call: () => new LSTM({ inputSize: 4, hiddenSize: 3, mode: 'gru' } as never), cls: TypeError, parts: ['LSTM: options has unknown key "mode"', 'the keys are', '"inputSize"'] },
  { api: 'RNN', label: 'nonlinerity (misspelt)', call: () => new RNN({ inputSize: 4, hiddenSize: 3, nonlinerity: 'relu' } as never), cls: TypeError, parts: ['RNN: options has unknown key "nonlinerity"', '(did you mean "nonlinearity"?)'] },
  { api: 'Recurrent', label: 'dropout 1', call: () => new Recurrent({ mode: 'gru', inputSize: 4, hiddenSize: 3, dropout: 1 }), cls: RangeError, parts: ['GRU', 'dropout', 'must be in [0, 1)', 'got 1'] },
  { api: 'SequenceModel', label: 'headDropout −0.5', call: () => new SequenceModel({ mode: 'gru', inputSize: 4, hiddenSize: 3, outputSize: 2, headDropout: -0.5 }), cls: RangeError, parts: ['SequenceModel', 'headDropout', '[0, 1]', 'got -0.5'] },
  { api: 'SequenceModel', label: 'embedding paddingIdx outside the vocabulary', call: () => new SequenceModel({ mode: 'gru', hiddenSize: 3, outputSize: 2, embedding: { numEmbeddings: 5, embeddingDim: 3, paddingIdx: 5 } }), cls: RangeError, parts: ['SequenceModel', 'embedding.paddingIdx', '[0, 4]', 'got 5'] },
  { api: 'createSchedule', label: 'an unknown schedule name', call: (c) => createSchedule(c.opt.adam, { name: 'one_cycle' }), cls: TypeError, parts: ['createSchedule', 'spec.name', '"step_lr"', 'got "one_cycle"'] },
  { api: 'StepLR', label: 'stepSize 0', call: (c) => new StepLR(c.opt.adam, { stepSize: 0 }), cls: RangeError, parts: ['StepLR', 'options.stepSize', '≥ 1', 'got 0'] },
  { api: 'SequenceTrainer', label: 'a schedule spec instead of a schedule', call: (c) => new SequenceTrainer(c.model, { optimizer: c.trainer.optimizer, schedule: { name: 'step_lr', step_size: 2 } as never }), cls: TypeError, parts: ['Trainer', 'schedule must be a schedule over the trainer\'s optimizer', 'createSchedule(optimizer, spec)', 'got an object'] },
  { api: 'createSchedule', label: 'a misspelt option', call: (c) => createSchedule(c.trainer.optimizer, { name: 'step_lr', step_sise: 2 }), cls: TypeError, parts: ['createSchedule', 'unknown key "step_sise"', 'did you mean "step_size"'] },
  { api: 'GRU', label: 'hiddenSize 1e9 (buffers too large to allocate)', call: () => new GRU({ inputSize: 4, hiddenSize: 1e9 }), cls: RangeError, parts: ['GRU', 'weight_ih_l0', '[3000000000, 4]', '48000000000 bytes as float32', 'limit'] },
  { api: 'LSTM', label: 'hiddenSize 30000 in float64 (weight_hh too large)', call: () => new LSTM({ inputSize: 4, hiddenSize: 30000, dtype: 'float64' }), cls: RangeError, parts: ['LSTM', 'weight_hh_l0', '[120000, 30000]', '28800000000 bytes as float64'] },
  { api: 'SequenceTrainer', label: 'clipnorm (misspelt)', call: (c) => new SequenceTrainer(c.model, { optimizer: createOptimizer(c.model.params, { name: 'sgd', lr: 0.1 }), clipnorm: 1 } as never), cls: TypeError, parts: ['Trainer: options has unknown key "clipnorm"', '(did you mean "clipNorm"?)'] },
  { api: 'generate', label: 'temprature (misspelt)', call: (c) => generate(c.lm, { prime: [0], length: 2, temprature: 0.5 } as never), cls: TypeError, parts: ['generate: options has unknown key "temprature"', '(did you mean "temperature"?)'] },
  { api: 'saveCheckpoint', label: 'optimiser (British spelling)', call: (c) => saveCheckpoint({ model: c.model, optimiser: c.trainer.optimizer } as never, 'json'), cls: TypeError, parts: ['saveCheckpoint: input has unknown key "optimiser"', '(did you mean "optimizer"?)'] },
  { api: 'decodeSafetensors', label: 'requirefinite (case)', call: () => decodeSafetensors(encodeSafetensors(new Map()), { requirefinite: true } as never), cls: TypeError, parts: ['decodeSafetensors: options has unknown key "requirefinite"', '(did you mean "requireFinite"?)'] },
  { api: 'clipGradNorm', label: 'error_if_nonfinite (PyTorch spelling)', call: (c) => clipGradNorm(c.model.params, 1, { error_if_nonfinite: true } as never), cls: TypeError, parts: ['clipGradNorm: options has unknown key "error_if_nonfinite"', '(did you mean "errorIfNonfinite"?)'] },
  { api: 'registerActivation', label: 'replce (misspelt)', call: () => registerActivation(defineActivation('tanh', ident, () => 1), { replce: true } as never), cls: TypeError, parts: ['registerActivation: options has unknown key "replce"', '(did you mean "replace"?)'] },
  { api: 'StateCarry.capture', label: 'the state of another batch size', call: (c) => c.carry.capture(c.model.rnn.forward(zeros([TM, BM + 1, I]))), cls: RangeError, parts: ['StateCarry.capture', 'state.hN', 'has 12 entries', '8 were expected'] },
];


describe(`bad inputs across the public API: ${rows.length} rows, each refused with the right class and a precise message, changing nothing`, () => {
  it('the fixture is sound: the good versions of the calls succeed', () => {
    const c = build();
    expect(() => c.lstm.forward(c.x, c.h0, c.c0, [5, 3])).not.to.throw();
    expect(() => c.seq.beamSearch([1, 2], { beamWidth: 2, maxLength: 3, endToken: 4 })).not.to.throw();
    expect(() => runReference(layerFixture())).not.to.throw();
    expect(() => runReference(modelFixture())).not.to.throw();
    expect(() => loadStateDict(c.model.params, dictOf(c.model.params))).not.to.throw();
    expect(generate(c.lm, { prime: [0, 1], length: 3, seed: 2 })).to.have.length(3);
    expect(c.vocab.decode(c.vocab.encode('hello'))).to.equal('hello');
  });

  for (const row of rows) {
    it(`${row.api}: ${row.label} → ${row.cls.name}`, () => {
      const c = build();
      row.prepare?.(c);
      const before = snapshot(c.watched);
      let problem: unknown = null;
      try {
        expectError(() => row.call(c), row.cls, row.parts);
      } catch (e) {
        problem = e;
      }
      // checked even when the error itself was wrong: a refused call must never change state
      const changed = changedEntries(before, snapshot(c.watched));
      if (problem) {
        if (changed.length > 0 && problem instanceof Error) problem.message += `; and it changed ${changed.join(', ')}`;
        throw problem;
      }
      expect(changed, 'buffers changed by the failed call').to.deep.equal([]);
    });
  }

  it(`the catalogue covers at least 60 rows across at least 25 operations (${rows.length} rows, ${new Set(rows.map((r) => r.api)).size} operations)`, () => {
    expect(rows.length).to.be.at.least(60);
    expect(new Set(rows.map((r) => r.api)).size).to.be.at.least(25);
  });
});
