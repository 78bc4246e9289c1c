/**
 * `kind: "model"` fixtures: token ids through an optional embedding, a recurrent stack, and
 * the head y⟨t⟩ = Wya·a⟨t⟩ + by, trained for `config.steps` steps on one batch from zero
 * initial states. Each step records the loss before the update, the global gradient norm,
 * the raw and clipped gradients, the parameters after the optimizer step and the learning
 * rate it used; all recomputed here from the fixture's inputs. Optional config keys:
 * `embedding`, `scheduler`, and the optimizer's `weight_decay` (see the format's README).
 */
import { clipGradNorm, gradNorm } from '../clipping/clip-grad-norm.js';
import { clipGradValue } from '../clipping/clip-grad-value.js';
import { SequenceModel } from '../models/sequence-model.js';
import { createOptimizer } from '../optimizers/create-optimizer.js';
import { type Schedule, createSchedule } from '../optimizers/schedules.js';
import type { DType } from '../tensor.js';
import { asOperation, checkChoice, checkIndices, checkInteger, checkKeys, checkObject, describe } from '../validate.js';
import { OP, type ReferenceFixture, STACK_CONFIG_KEYS, type StepRecord, type TensorMap, checkSection, fixtureTensor, fromTyped, stackOptions, toTyped } from './fixture.js';
import { loadFixtureParams } from './params.js';

const MODEL_CONFIG_KEYS = [...STACK_CONFIG_KEYS, 'output_size', 'topology', 'loss', 'clip_norm', 'clip_value', 'optimizer', 'steps', 'embedding', 'scheduler'];

/** config.embedding → the model's embedding option (null when absent). */
function embeddingOf(c: Record<string, unknown>) {
  if (c.embedding == null) return null;
  const e = checkObject(OP, 'config.embedding', c.embedding);
  checkKeys(OP, 'config.embedding', e, ['num_embeddings', 'embedding_dim', 'padding_idx']);
  return {
    numEmbeddings: checkInteger(OP, 'config.embedding.num_embeddings', e.num_embeddings),
    embeddingDim: checkInteger(OP, 'config.embedding.embedding_dim', e.embedding_dim),
    paddingIdx: e.padding_idx == null ? null : checkInteger(OP, 'config.embedding.padding_idx', e.padding_idx, 0),
  };
}

export function runModelFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config;
  checkKeys(OP, 'config', c, MODEL_CONFIG_KEYS);
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
  const embedding = embeddingOf(c);
  // config.bias is the recurrent stack's (README: "false: no bias tensors at all"); whether the
  // head has a bias is read from the params, so either reading of a bias-free model is honoured
  const headBias = Object.prototype.hasOwnProperty.call(f.params, 'head.bias');
  const model = asOperation(OP, () => new SequenceModel({ ...stackOptions(c, dtype), outputSize: V, topology, loss, embedding, headBias }));
  const params = model.params;
  loadFixtureParams(params, f);
  checkSection(f, 'inputs', ['x', 'y']);
  const T = c.seq_len, B = c.batch;
  const xRaw = fixtureTensor(f, 'inputs', 'x', embedding ? [T, B] : [T, B, c.input_size]);
  if (embedding) checkIndices(OP, 'inputs.x.data', xRaw.data, embedding.numEmbeddings, 'token');
  const x = embedding ? { data: Int32Array.from(xRaw.data), shape: [T, B] } : { data: toTyped(xRaw, dtype), shape: [T, B, c.input_size] };
  const lead = topology === 'many_to_one' ? [B] : [T, B];
  const classes = loss === 'cross_entropy';
  const yShape = classes ? lead : [...lead, V];
  const y = fixtureTensor(f, 'inputs', 'y', yShape);
  if (classes) checkIndices(OP, 'inputs.y.data', y.data, V, 'class');
  const target = { data: classes ? y.data : toTyped(y, dtype), shape: yShape };
  const optimizer = createOptimizer(params, checkObject(OP, 'config.optimizer', c.optimizer));
  const schedule: Schedule | null = c.scheduler == null ? null : createSchedule(optimizer, checkObject(OP, 'config.scheduler', c.scheduler));
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
    const lr = optimizer.lr;
    optimizer.step();
    schedule?.step();
    records.push({ loss: value, grad_norm: norm, grads, clipped_grads: clipped, params_after: snapshot(), lr });
  }
  for (const [i, record] of (f.steps ?? []).entries()) {
    checkKeys(OP, `steps[${i}]`, checkObject(OP, `steps[${i}]`, record), ['loss', 'grad_norm', 'grads', 'clipped_grads', 'params_after', 'lr']);
  }
  return { ...f, steps: records, generator: 'rnnkit' };
}
