/**
 * Checkpoints, format 2 (issue 14): optimizer state as tensors beside the parameters, a
 * header of small strings whatever the model's size, files of format 1 still loading.
 */
import { expect } from 'chai';
import {
  Adam, CHECKPOINT_FORMAT, type OptimizerState, Random, SGD, SequenceModel, SequenceTrainer, createOptimizerFromState, createScheduleFromState, decodeSafetensors,
  decodeStateJSON, encodeSafetensors, loadCheckpoint, loadModel, saveCheckpoint,
  createOptimizer, createSchedule,
} from '../../lib/index.js';
import { saveCheckpointV1 } from '../helpers/legacy-checkpoint.js';

/** The header length of a safetensors file (the first 8 bytes, little-endian). */
const headerBytes = (file: Uint8Array) => Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));

function trained(mode = 'lstm', numLayers = 1) {
  const model = new SequenceModel({ mode, inputSize: 3, hiddenSize: 4, outputSize: 5, numLayers, seed: 3 });
  const optimizer = new Adam(model.params, { lr: 0.01, amsgrad: true });
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

function expectSameState(a: OptimizerState, b: OptimizerState): void {
  expect(b.optimizer).to.equal(a.optimizer);
  expect(b.step).to.equal(a.step);
  expect(b.hyperParameters).to.deep.equal(a.hyperParameters);
  expect(Object.keys(b.buffers)).to.deep.equal(Object.keys(a.buffers));
  for (const [param, named] of Object.entries(a.buffers)) {
    expect(Object.keys(b.buffers[param]).sort()).to.deep.equal(Object.keys(named).sort());
    for (const [name, data] of Object.entries(named)) {
      const got = b.buffers[param][name];
      expect(got.constructor).to.equal(data.constructor);
      expect(new Uint8Array(got.buffer, got.byteOffset, got.byteLength)).to.deep.equal(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
  }
}

describe('checkpoints (format 2)', () => {
  it('writes the optimizer buffers as tensors optimizer.state.<param>.<buffer>, shaped like their parameter, and no buffers in the metadata', () => {
    const { model, optimizer } = trained();
    const { tensors, metadata } = decodeSafetensors(saveCheckpoint({ model, optimizer, step: 7 }, 'safetensors'));
    expect(metadata['rnnkit.format']).to.equal('rnnkit-checkpoint/2').and.to.equal(CHECKPOINT_FORMAT);
    const hp = JSON.parse(metadata['rnnkit.optimizer']);
    expect(hp).to.deep.equal({ optimizer: 'adam', hyperParameters: optimizer.hyperParameters, step: 2 });
    for (const p of model.params) {
      expect(tensors.get(p.name)?.shape).to.deep.equal(p.shape);
      for (const b of ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']) {
        const t = tensors.get(`optimizer.state.${p.name}.${b}`);
        expect(t?.shape, `${p.name}.${b}`).to.deep.equal(p.shape);
        expect(t?.data).to.deep.equal(optimizer.getState().buffers[p.name][b]);
      }
    }
    expect(tensors.size).to.equal(4 * model.params.length);
    for (const v of Object.values(metadata)) expect(v.length).to.be.below(400);
  });

  it('round-trips model, optimizer state, step and extra bit for bit in both containers', () => {
    const { model, optimizer } = trained('gru', 2);
    const input = { model, optimizer, step: 11, extra: { vocab: '["a","b"]' } };
    for (const file of [saveCheckpoint(input, 'safetensors'), saveCheckpoint(input, 'json')]) {
      const ck = loadCheckpoint(file);
      expect(ck.step).to.equal(11);
      expect(ck.extra).to.deep.equal({ vocab: '["a","b"]' });
      expect(ck.model.options).to.deep.equal(model.options);
      ck.model.params.forEach((p, i) => expect(p.value).to.deep.equal(model.params[i].value));
      expectSameState(optimizer.getState(), ck.optimizerState!);
    }
  });

  it('an optimizer without buffers (plain SGD) and no optimizer at all both round-trip', () => {
    const { model } = trained();
    const sgd = new SGD(model.params, { lr: 0.1 });
    const ck = loadCheckpoint(saveCheckpoint({ model, optimizer: sgd }, 'safetensors'));
    expect(ck.optimizerState?.optimizer).to.equal('sgd');
    expect(Object.values(ck.optimizerState!.buffers).every((b) => Object.keys(b).length === 0)).to.equal(true);
    expect(createOptimizerFromState(ck.model.params, ck.optimizerState!).hyperParameters).to.deep.equal(sgd.hyperParameters);
    expect(loadCheckpoint(saveCheckpoint({ model }, 'json')).optimizerState).to.equal(null);
  });

  it('files of format 1 (buffers as base64 in the metadata) still load, to the same state as format 2', () => {
    const { model, optimizer } = trained();
    const input = { model, optimizer, step: 7, extra: { vocab: 'abc' } };
    for (const format of ['safetensors', 'json'] as const) {
      const old = format === 'json' ? saveCheckpointV1(input, 'json') : saveCheckpointV1(input, 'safetensors');
      const meta = typeof old === 'string' ? decodeStateJSON(old).metadata : decodeSafetensors(old).metadata;
      expect(meta['rnnkit.format']).to.equal('rnnkit-checkpoint/1');
      expect(JSON.parse(meta['rnnkit.optimizer']).buffers).to.be.an('object');
      const a = loadCheckpoint(old), b = loadCheckpoint(format === 'json' ? saveCheckpoint(input, 'json') : saveCheckpoint(input, 'safetensors'));
      expect(a.step).to.equal(7);
      expect(a.extra).to.deep.equal(b.extra);
      a.model.params.forEach((p, i) => expect(p.value).to.deep.equal(b.model.params[i].value));
      expectSameState(b.optimizerState!, a.optimizerState!);
    }
  });

  it('refuses optimizer state tensors that name no parameter, have another shape, or come without rnnkit.optimizer', () => {
    const { model, optimizer } = trained();
    const file = saveCheckpoint({ model, optimizer }, 'safetensors');
    const edit = (f: (tensors: Map<string, { data: Float32Array | Float64Array; shape: readonly number[] }>, meta: Record<string, string>) => void) => {
      const { tensors, metadata } = decodeSafetensors(file);
      f(tensors, metadata);
      return encodeSafetensors(tensors, metadata);
    };
    expect(() => loadCheckpoint(edit((t) => { t.set('optimizer.state.ghost.exp_avg', t.get('optimizer.state.head.bias.exp_avg')!); })))
      .to.throw(TypeError, 'loadCheckpoint: optimizer state tensor "optimizer.state.ghost.exp_avg" names no parameter of the model');
    expect(() => loadCheckpoint(edit((t) => { t.set('optimizer.state.head.bias.exp_avg', { data: new Float32Array(4), shape: [4] }); })))
      .to.throw(RangeError, 'optimizer state tensor "optimizer.state.head.bias.exp_avg" has shape [4] but its parameter has [5]');
    expect(() => loadCheckpoint(edit((_, m) => { delete m['rnnkit.optimizer']; })))
      .to.throw(TypeError, 'holds optimizer state tensors');
    expect(() => loadCheckpoint(edit((t) => { t.delete('optimizer.state.head.bias.exp_avg'); })))
      .to.throw(/optimizer state.*exp_avg/);
    expect(() => loadCheckpoint(edit((t) => { t.set('optimizer.state.head.bias.momentum', t.get('optimizer.state.head.bias.exp_avg')!); })))
      .to.throw(/unknown key "momentum"/);
    expect(() => loadCheckpoint(edit((_, m) => { m['rnnkit.optimizer'] = JSON.stringify({ ...JSON.parse(m['rnnkit.optimizer']), buffers: {} }); })))
      .to.throw(TypeError, 'rnnkit.optimizer has buffers');
  });

  it('loadModel rebuilds the model, step, extra and tensors that loadCheckpoint does, without reading the optimizer state', () => {
    const { model, optimizer } = trained();
    const history = { data: Float64Array.from([1, 2]), shape: [2] };
    for (const format of ['safetensors', 'json'] as const) {
      const file = saveCheckpoint({ model, optimizer, step: 7, extra: { vocab: 'abc' }, tensors: new Map([['history', history]]) }, format as 'json');
      const full = loadCheckpoint(file), only = loadModel(file);
      expect(Object.keys(only).sort()).to.deep.equal(['extra', 'model', 'step', 'tensors']);
      expect(only.step).to.equal(7);
      expect(only.extra).to.deep.equal({ vocab: 'abc' });
      expect(only.tensors.get('history')).to.deep.equal(history);
      expect(only.model.options).to.deep.equal(full.model.options);
      expect(only.model.rng.getState()).to.equal(full.model.rng.getState());
      only.model.params.forEach((p, i) => expect(p.value, p.name).to.deep.equal(model.params[i].value));
    }
    // the optimizer's metadata is not read: a broken one stops loadCheckpoint, not loadModel
    const { tensors, metadata } = decodeSafetensors(saveCheckpoint({ model, optimizer }, 'safetensors'));
    const broken = encodeSafetensors(tensors, { ...metadata, 'rnnkit.optimizer': '{"optimizer": "lbfgs"}' });
    expect(() => loadCheckpoint(broken)).to.throw(TypeError, 'loadCheckpoint');
    expect(loadModel(broken).model.params.length).to.equal(model.params.length);
    // errors name loadModel
    expect(() => loadModel(42 as never)).to.throw(TypeError, 'loadModel: file must be a Uint8Array (safetensors) or a string (JSON), got 42');
    expect(() => loadModel(encodeSafetensors(tensors, { ...metadata, 'rnnkit.format': 'x' }))).to.throw(TypeError, 'loadModel: not an rnnkit checkpoint (metadata rnnkit.format is "x"');
    expect(() => loadModel(encodeSafetensors(tensors, { ...metadata, 'rnnkit.model': '[' }))).to.throw(TypeError, 'loadModel: metadata rnnkit.model is missing or not valid JSON');
  });

  it('refuses to save a model whose parameter names could be taken for optimizer state or caller tensors', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 2, outputSize: 2, namePrefix: 'optimizer.' });
    expect(() => saveCheckpoint({ model }, 'json')).to.throw(TypeError, 'saveCheckpoint: parameter name "optimizer.weight_ih_l0" starts with "optimizer."');
    const other = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 2, outputSize: 2, namePrefix: 'extra.' });
    expect(() => saveCheckpoint({ model: other }, 'json')).to.throw(TypeError, 'saveCheckpoint: parameter name "extra.weight_ih_l0" starts with "extra."');
  });

  it('keeps the caller\'s tensors as extra.<name> and gives them back under their own names', () => {
    const { model, optimizer } = trained();
    const history = { data: Float64Array.from([1, 2.5, 2, 2.25]), shape: [2, 2] };
    const file = saveCheckpoint({ model, optimizer, tensors: new Map([['history.train', history]]) }, 'safetensors');
    expect(decodeSafetensors(file).tensors.get('extra.history.train')).to.deep.equal(history);
    const ck = loadCheckpoint(file);
    expect([...ck.tensors.keys()]).to.deep.equal(['history.train']);
    expect(ck.tensors.get('history.train')).to.deep.equal(history);
    expect(loadCheckpoint(saveCheckpoint({ model }, 'json')).tensors.size).to.equal(0);
    expect(() => saveCheckpoint({ model, tensors: { a: history } as never }, 'json')).to.throw(TypeError, 'saveCheckpoint: input.tensors must be a Map');
    expect(() => saveCheckpoint({ model, tensors: new Map([['bad', { data: [1], shape: [1] } as never]]) }, 'json')).to.throw(TypeError, '"extra.bad"');
  });

  it('round-trips a 17.8 M-parameter float32 LSTM (H = 1024, 2 layers) with Adam state; the header stays under 64 KB', function () {
    this.timeout(120_000);
    const model = new SequenceModel({ mode: 'lstm', inputSize: 1024, hiddenSize: 1024, numLayers: 2, outputSize: 1024, seed: 1 });
    const count = model.params.reduce((n, p) => n + p.value.length, 0);
    expect(count).to.be.at.least(15_000_000);
    // one Adam step on a made-up gradient, so every buffer holds non-zero values
    for (const p of model.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = ((i % 13) - 6) * 1e-3;
    const optimizer = new Adam(model.params, { lr: 1e-3 });
    optimizer.step();
    const file = saveCheckpoint({ model, optimizer, step: 1, extra: { vocab: '["a"]' } }, 'safetensors');
    expect(headerBytes(file)).to.be.below(64 * 1024);
    expect(file.length).to.be.above(3 * 4 * count); // weights and two moments, as tensors
    const ck = loadCheckpoint(file);
    // compare a sample of each tensor (the whole is 200 MB of bytes)
    const state = optimizer.getState();
    ck.model.params.forEach((p, i) => {
      const q = model.params[i];
      for (let j = 0; j < p.value.length; j += 997) expect(p.value[j]).to.equal(q.value[j]);
      expect(p.value[p.value.length - 1]).to.equal(q.value[q.value.length - 1]);
      for (const b of ['exp_avg', 'exp_avg_sq']) {
        const got = ck.optimizerState!.buffers[p.name][b], want = state.buffers[p.name][b];
        expect(got.length).to.equal(want.length);
        for (let j = 0; j < got.length; j += 997) expect(got[j]).to.equal(want[j]);
      }
    });
    expect(ck.optimizerState!.step).to.equal(1);
  });
});

describe('checkpoints: schedules and dropout resume exactly', () => {
  it('a run with dropout, AdamW and a cosine schedule, saved at step 3 and resumed, equals the uninterrupted run bit for bit', () => {
    const options = { mode: 'lstm', hiddenSize: 6, outputSize: 4, numLayers: 2, dropout: 0.3, headDropout: 0.2,
      embedding: { numEmbeddings: 9, embeddingDim: 4, paddingIdx: 0 }, seed: 4 };
    const batch = (i: number) => ({ x: { data: Int32Array.from({ length: 15 }, (_, k) => (k * 7 + i) % 9), shape: [5, 3] }, y: { data: Array.from({ length: 15 }, (_, k) => (k + i) % 4), shape: [5, 3] } });
    const a = new SequenceModel(options);
    const adamw = createOptimizer(a.params, { name: 'adamw', lr: 0.02, weight_decay: 0.01 });
    const ta = new SequenceTrainer(a, { optimizer: adamw, schedule: createSchedule(adamw, { name: 'cosine_annealing_lr', t_max: 4, eta_min: 0.001 }) });
    for (let i = 0; i < 3; i++) ta.step(batch(i).x, batch(i).y);
    const file = saveCheckpoint({ model: a, optimizer: ta.optimizer, schedule: ta.schedule, step: 3 }, 'safetensors');
    const lrAtSave = ta.optimizer.lr;
    for (let i = 3; i < 7; i++) ta.step(batch(i).x, batch(i).y);

    const ck = loadCheckpoint(file);
    expect(ck.scheduleState).to.include({ name: 'cosine_annealing_lr', lastEpoch: 3 });
    const optimizer = createOptimizerFromState(ck.model.params, ck.optimizerState!);
    const tb = new SequenceTrainer(ck.model, { optimizer, schedule: createScheduleFromState(optimizer, ck.scheduleState!) });
    expect(tb.optimizer.lr).to.equal(lrAtSave);
    for (let i = 3; i < 7; i++) tb.step(batch(i).x, batch(i).y);
    ck.model.params.forEach((p, k) => expect(Array.from(p.value), p.name).to.deep.equal(Array.from(a.params[k].value)));
    expect(tb.optimizer.lr).to.equal(ta.optimizer.lr);
  });

  it('refuses a schedule over another optimizer, a schedule without optimizer state, and a bad rnnkit.rng', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 3, outputSize: 2 });
    const sgd = createOptimizer(model.params, { name: 'sgd', lr: 0.1 });
    const t = new SequenceTrainer(model, { optimizer: sgd, schedule: createSchedule(sgd, { name: 'step_lr', step_size: 2 }) });
    expect(() => saveCheckpoint({ model, schedule: t.schedule }, 'json')).to.throw(TypeError, /saveCheckpoint: input\.schedule must be a schedule over input\.optimizer/);
    const text = saveCheckpoint({ model, optimizer: t.optimizer, schedule: t.schedule }, 'json');
    expect(loadCheckpoint(text).scheduleState).to.include({ name: 'step_lr', lastEpoch: 0 });
    const noOptimizer = text.replace(/"rnnkit\.optimizer":\s*"(\\.|[^"\\])*",?\s*/, '');
    expect(noOptimizer).to.not.include('rnnkit.optimizer');
    expect(() => loadCheckpoint(noOptimizer)).to.throw(TypeError, /loadCheckpoint: the file holds rnnkit\.schedule but no optimizer state/);
    const badRng = text.replace(/"rnnkit\.rng":\s*"\d+"/, '"rnnkit.rng": "-1"');
    expect(badRng).to.include('"rnnkit.rng": "-1"');
    expect(() => loadCheckpoint(badRng)).to.throw(TypeError, /rnnkit\.rng must be an integer in \[0, 4294967295\], got "-1"/);
  });
});
