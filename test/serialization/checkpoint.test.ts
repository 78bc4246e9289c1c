/**
 * Checkpoints, format 2 (issue 14): optimizer state as tensors beside the parameters, a
 * header of small strings whatever the model's size, files of format 1 still loading.
 */
import { expect } from 'chai';
import {
  Adam, CHECKPOINT_FORMAT, type OptimizerState, Random, SGD, SequenceModel, createOptimizerFromState, decodeSafetensors,
  decodeStateJSON, encodeSafetensors, loadCheckpoint, saveCheckpoint,
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

  it('refuses to save a model whose parameter names could be taken for optimizer state', () => {
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 2, outputSize: 2, namePrefix: 'optimizer.' });
    expect(() => saveCheckpoint({ model }, 'json')).to.throw(TypeError, 'saveCheckpoint: parameter name "optimizer.weight_ih_l0" starts with "optimizer."');
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
