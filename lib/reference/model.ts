/**
 * `kind: "model"` fixtures: a recurrent stack plus the head y⟨t⟩ = Wya·a⟨t⟩ + by, trained for
 * `config.steps` steps on one batch from zero initial states. Each step records the loss
 * before the update, the global gradient norm, the raw and clipped gradients, and the
 * parameters after the optimizer step; all recomputed here from the fixture's inputs.
 */
import { clipGradNorm, gradNorm } from '../clipping/clip-grad-norm.js';
import { clipGradValue } from '../clipping/clip-grad-value.js';
import { SequenceModel } from '../models/sequence-model.js';
import { createOptimizer } from '../optimizers/create-optimizer.js';
import type { Param } from '../param.js';
import type { DType } from '../tensor.js';
import { checkChoice, checkInteger, describe } from '../validate.js';
import { type ReferenceFixture, type StepRecord, type TensorMap, fixtureTensor, fromTyped, toTyped } from './fixture.js';
import { loadFixtureParams } from './params.js';

const OP = 'runReference';

function snapshot(params: readonly Param[], pick: (p: Param) => ArrayLike<number>): TensorMap {
  const map: TensorMap = {};
  for (const p of params) map[p.name] = fromTyped(pick(p), p.shape);
  return map;
}

function optionalPositive(name: string, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`${OP}: config.${name} must be a positive number or null, got ${describe(v)}`);
  }
  return v;
}

export function runModelFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config;
  const topology = checkChoice(OP, 'config.topology', c.topology, ['many_to_many', 'many_to_one'] as const);
  const loss = checkChoice(OP, 'config.loss', c.loss, ['cross_entropy', 'mse', 'bce'] as const);
  const V = checkInteger(OP, 'config.output_size', c.output_size);
  const steps = checkInteger(OP, 'config.steps', c.steps ?? f.steps?.length, 0);
  const clipNorm = optionalPositive('clip_norm', c.clip_norm);
  const clipValue = optionalPositive('clip_value', c.clip_value);
  const model = new SequenceModel({
    mode: c.mode, inputSize: c.input_size, hiddenSize: c.hidden_size, outputSize: V,
    numLayers: c.num_layers, bidirectional: c.bidirectional, bias: c.bias, dtype, topology, loss,
  });
  loadFixtureParams(model.params, f.params);
  const T = c.seq_len, B = c.batch;
  const xShape = [T, B, c.input_size];
  const x = { data: toTyped(fixtureTensor(f.inputs, 'inputs', 'x', xShape), dtype), shape: xShape };
  const lead = topology === 'many_to_one' ? [B] : [T, B];
  const yShape = loss === 'cross_entropy' ? lead : [...lead, V];
  const y = fixtureTensor(f.inputs, 'inputs', 'y', yShape);
  const target = { data: loss === 'cross_entropy' ? Int32Array.from(y.data) : toTyped(y, dtype), shape: yShape };
  if (loss === 'cross_entropy' && y.data.some((k, i) => k !== target.data[i])) {
    throw new TypeError(`${OP}: inputs.y must hold integer class indices for cross_entropy`);
  }
  if (typeof c.optimizer !== 'object' || c.optimizer === null) {
    throw new TypeError(`${OP}: config.optimizer must be an object {name, …}, got ${describe(c.optimizer)}`);
  }
  const optimizer = createOptimizer(model.params, c.optimizer);
  const records: StepRecord[] = [];
  for (let s = 0; s < steps; s++) {
    model.zeroGrad();
    const value = model.lossAndGrad(x, target);
    const grads = snapshot(model.params, (p) => p.grad);
    const norm = gradNorm(model.params);
    if (clipNorm !== null) clipGradNorm(model.params, clipNorm);
    if (clipValue !== null) clipGradValue(model.params, clipValue);
    const clipped = snapshot(model.params, (p) => p.grad);
    optimizer.step();
    records.push({ loss: value, grad_norm: norm, grads, clipped_grads: clipped, params_after: snapshot(model.params, (p) => p.value) });
  }
  return { ...f, steps: records, generator: 'rnnkit' };
}
