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
import type { DType } from '../tensor.js';
import { asOperation, checkChoice, checkIndices, checkInteger, checkObject, describe } from '../validate.js';
import { OP, type ReferenceFixture, type StepRecord, type TensorMap, fixtureInput, fixtureTensor, fromTyped, stackOptions, toTyped } from './fixture.js';
import { loadFixtureParams } from './params.js';

export function runModelFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config;
  const topology = checkChoice(OP, 'config.topology', c.topology, ['many_to_many', 'many_to_one'] as const);
  const loss = checkChoice(OP, 'config.loss', c.loss, ['cross_entropy', 'mse', 'bce'] as const);
  const V = checkInteger(OP, 'config.output_size', c.output_size);
  const steps = checkInteger(OP, 'config.steps', c.steps ?? f.steps?.length, 0);
  // clip_norm, clip_value: a positive number or null
  const [clipNorm, clipValue] = [c.clip_norm, c.clip_value].map((v, i) => {
    if (v != null && (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) {
      throw new RangeError(`${OP}: config.clip_${i ? 'value' : 'norm'} must be a positive number or null, got ${describe(v)}`);
    }
    return v ?? null;
  });
  const model = asOperation(OP, () => new SequenceModel({ ...stackOptions(c, dtype), outputSize: V, topology, loss }));
  const params = model.params;
  loadFixtureParams(params, f);
  const T = c.seq_len, B = c.batch;
  const x = fixtureInput(f, 'inputs', 'x', [T, B, c.input_size], dtype);
  const lead = topology === 'many_to_one' ? [B] : [T, B];
  const classes = loss === 'cross_entropy';
  const yShape = classes ? lead : [...lead, V];
  const y = fixtureTensor(f, 'inputs', 'y', yShape);
  if (classes) checkIndices(OP, 'inputs.y.data', y.data, V, 'class');
  const target = { data: classes ? y.data : toTyped(y, dtype), shape: yShape };
  const optimizer = createOptimizer(params, checkObject(OP, 'config.optimizer', c.optimizer));
  const snapshot = (grad?: 1): TensorMap => Object.fromEntries(params.map((p) => [p.name, fromTyped(grad ? p.grad : p.value, p.shape)]));
  const records: StepRecord[] = [];
  for (let s = 0; s < steps; s++) {
    model.zeroGrad();
    const value = model.lossAndGrad(x, target);
    const grads = snapshot(1);
    const norm = gradNorm(params);
    if (clipNorm !== null) clipGradNorm(params, clipNorm);
    if (clipValue !== null) clipGradValue(params, clipValue);
    const clipped = snapshot(1);
    optimizer.step();
    records.push({ loss: value, grad_norm: norm, grads, clipped_grads: clipped, params_after: snapshot() });
  }
  return { ...f, steps: records, generator: 'rnnkit' };
}
