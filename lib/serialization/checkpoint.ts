/**
 * Checkpoints: a SequenceModel's parameters under PyTorch's state-dict names (so a PyTorch
 * user can load the tensors as they are), the optimizer's state buffers as tensors beside
 * them, and everything else rnnkit needs to rebuild and resume in the file's string metadata:
 *
 *   tensors
 *     <param>                          the model's parameters (weight_ih_l0, …, head.bias)
 *     optimizer.state.<param>.<buffer> each optimizer buffer, shaped and typed as its
 *                                      parameter (exp_avg, exp_avg_sq, momentum_buffer, …)
 *     extra.<name>                     the caller's own tensors (a training history, …)
 *   metadata (small strings only)
 *     rnnkit.format     "rnnkit-checkpoint/2"
 *     rnnkit.model      the model's options as JSON (mode, sizes, topology, loss, …)
 *     rnnkit.optimizer  the optimizer's name, hyper-parameters and step as JSON (optional)
 *     rnnkit.step       the training step
 *     rnnkit.extra      caller data as a JSON object of strings (vocabulary, PRNG state, …)
 *     rnnkit.schedule   the learning-rate schedule's state as JSON (optional)
 *     rnnkit.rng        the model's dropout generator state (a decimal uint32)
 *
 * The header therefore grows with the number of tensors, not their size: a 15 M-parameter
 * LSTM with Adam state has a header of a few kilobytes. Files of the first format,
 * "rnnkit-checkpoint/1" (optimizer buffers as base64 inside rnnkit.optimizer), still load.
 *
 * Either container works: safetensors (binary, `Uint8Array`) or rnnkit JSON (text).
 * Loading checks everything — the format tag, the model options, every tensor's name, shape
 * and dtype, the optimizer buffers — before anything is built or changed.
 */
import { ForwardSequenceModel, type SequenceModelOptions } from '../models/sequence-model-forward.js';
import { SequenceModel } from '../models/sequence-model.js';
import { OPTIMIZERS } from '../optimizers/create-optimizer.js';
import type { Optimizer, OptimizerState } from '../optimizers/optimizer.js';
import { Schedule, type ScheduleState, createScheduleFromState } from '../optimizers/schedules.js';
import type { Param } from '../param.js';
import { type FloatArray, type Tensor, formatShape } from '../tensor.js';
import { asOperation, checkObject, checkOptions, checkRecord, describe, sameShape, shapeText } from '../validate.js';
import { decodeBase64 } from './base64.js';
import { decodeStateJSON, encodeStateJSON } from './json.js';
import { decodeSafetensors, encodeSafetensors, readLittleEndian } from './safetensors.js';
import { FORBIDDEN_NAMES, type StateFile } from './format-rules.js';
import { checkStateDictFits, copyStateDict, stateDictOf } from './state-dict.js';

/** The format tag saveCheckpoint writes. */
export const CHECKPOINT_FORMAT = 'rnnkit-checkpoint/2';

/** The first format, which loadCheckpoint still reads: optimizer buffers as base64 in rnnkit.optimizer. */
export const CHECKPOINT_FORMAT_V1 = 'rnnkit-checkpoint/1';

/** Names of optimizer buffer tensors start with this: `optimizer.state.<param>.<buffer>`. */
export const OPTIMIZER_STATE_PREFIX = 'optimizer.state.';

/** Names of the caller's tensors start with this in the file: `extra.<name>`. */
export const EXTRA_TENSOR_PREFIX = 'extra.';

export interface CheckpointInput {
  model: SequenceModel;
  optimizer?: Optimizer | null;
  /** A learning-rate schedule over the optimizer, saved as rnnkit.schedule. */
  schedule?: Schedule | null;
  step?: number;
  /** Small strings (a vocabulary, a PRNG state, …), kept in the metadata. */
  extra?: Record<string, string>;
  /** The caller's own tensors (anything that grows with the run, such as a loss history), kept as `extra.<name>`. */
  tensors?: ReadonlyMap<string, Tensor>;
}

/** What `loadModel` reads: the model and the caller's data, without the training state. */
export interface SavedModel<M extends ForwardSequenceModel = SequenceModel> {
  model: M;
  step: number;
  extra: Record<string, string>;
  /** The caller's tensors, under the names they were saved with (empty for format 1). */
  tensors: Map<string, Tensor>;
}

export interface Checkpoint extends SavedModel {
  /** The optimizer state to pass to `optimizer.setState` (or `createOptimizerFromState`). */
  optimizerState: OptimizerState | null;
  /** The schedule state to pass to `createScheduleFromState(optimizer, …)`, or null. */
  scheduleState: ScheduleState | null;
}

const OP_SAVE = 'saveCheckpoint';
const OP_LOAD = 'loadCheckpoint';
const OP_LOAD_MODEL = 'loadModel';

/** Writes a checkpoint as safetensors bytes (`format: 'safetensors'`) or JSON text (`'json'`). */
export function saveCheckpoint(input: CheckpointInput, format: 'safetensors'): Uint8Array;
export function saveCheckpoint(input: CheckpointInput, format: 'json'): string;
export function saveCheckpoint(input: CheckpointInput, format: 'safetensors' | 'json'): Uint8Array | string {
  checkOptions(OP_SAVE, input, ['model', 'optimizer', 'schedule', 'step', 'extra', 'tensors'], false, 'input');
  if (!(input.model instanceof SequenceModel)) {
    throw new TypeError(`${OP_SAVE}: input.model must be a SequenceModel, got ${describe(input?.model)}`);
  }
  if (format !== 'safetensors' && format !== 'json') {
    throw new TypeError(`${OP_SAVE}: format must be "safetensors" or "json", got ${describe(format)}`);
  }
  const step = checkStep(OP_SAVE, 'step', input.step ?? 0);
  const params = input.model.params;
  const clash = params.find((p) => p.name.startsWith('optimizer.') || p.name.startsWith(EXTRA_TENSOR_PREFIX));
  if (clash) throw new TypeError(`${OP_SAVE}: parameter name "${clash.name}" starts with "${clash.name.split('.')[0]}.", which checkpoints keep for optimizer state and the caller's tensors`);
  if (input.tensors !== undefined && !(input.tensors instanceof Map)) throw new TypeError(`${OP_SAVE}: input.tensors must be a Map of name to tensor, got ${describe(input.tensors)}`);
  const metadata: Record<string, string> = {
    'rnnkit.format': CHECKPOINT_FORMAT,
    'rnnkit.model': JSON.stringify(input.model.options),
    'rnnkit.step': String(step),
    'rnnkit.extra': JSON.stringify(input.extra ?? {}),
    // the dropout generator, so a resumed run draws the masks an uninterrupted one would
    'rnnkit.rng': String(input.model.rng.getState()),
  };
  if (input.schedule) {
    if (!(input.schedule instanceof Schedule) || input.schedule.optimizer !== input.optimizer) {
      throw new TypeError(`${OP_SAVE}: input.schedule must be a schedule over input.optimizer, got ${describe(input.schedule)}`);
    }
    metadata['rnnkit.schedule'] = JSON.stringify(input.schedule.getState());
  }
  const tensors = stateDictOf(params);
  if (input.optimizer) {
    const { buffers, ...rest } = input.optimizer.getState();
    metadata['rnnkit.optimizer'] = JSON.stringify(rest);
    const shapes = new Map(params.map((p) => [p.name, p.shape]));
    for (const [param, named] of Object.entries(buffers)) {
      const shape = shapes.get(param);
      if (!shape) throw new TypeError(`${OP_SAVE}: the optimizer holds state for "${param}", which is not a parameter of the model`);
      for (const [name, data] of Object.entries(named)) tensors.set(`${OPTIMIZER_STATE_PREFIX}${param}.${name}`, { data, shape: shape.slice() });
    }
  }
  for (const [name, t] of input.tensors ?? []) tensors.set(EXTRA_TENSOR_PREFIX + name, t); // the encoders check them
  return format === 'json' ? encodeStateJSON(tensors, metadata) : encodeSafetensors(tensors, metadata);
}

/**
 * Reads a checkpoint (safetensors bytes or JSON text) and rebuilds its model, with the
 * caller's data (step, extra strings and tensors) but not the training state: the optimizer
 * and schedule metadata are neither read nor checked (`loadCheckpoint` does both), so a page
 * that only runs the model carries no optimizer code. Values must be finite. Throws, naming
 * what is wrong, on anything that is not an rnnkit checkpoint.
 */
export function loadModel(file: Uint8Array | string): SavedModel {
  return readTrainedCheckpoint(file, OP_LOAD_MODEL).saved;
}

/**
 * `loadModel` of `rnnkit/inference`: the checkpoint's model run forward only (a
 * ForwardSequenceModel: no loss gradient, no training mode or dropout), with its step, extra
 * strings and tensors. The same checks as loadModel; the dropout generator's state is checked
 * and not kept (the model draws no masks).
 */
export function loadForwardModel(file: Uint8Array | string): SavedModel<ForwardSequenceModel> {
  return readCheckpoint(file, OP_LOAD_MODEL, (options) => new ForwardSequenceModel(options)).saved;
}

/** readCheckpoint into a trainable SequenceModel, with the file's dropout generator state restored. */
function readTrainedCheckpoint(file: Uint8Array | string, op: string) {
  const read = readCheckpoint(file, op, (options) => new SequenceModel(options));
  if (read.rng !== null) read.saved.model.rng.setState(read.rng);
  return read;
}

/**
 * Reads a checkpoint (safetensors bytes or JSON text) and rebuilds its model, and checks the
 * optimizer and schedule state it holds (by building them once) before returning it. Values
 * must be finite. Throws, naming what is wrong, on anything that is not an rnnkit checkpoint.
 */
export function loadCheckpoint(file: Uint8Array | string): Checkpoint {
  const { saved, format, meta, optimizerTensors } = readTrainedCheckpoint(file, OP_LOAD);
  const params = saved.model.params;
  let optimizerState: OptimizerState | null = null;
  if (format === CHECKPOINT_FORMAT) {
    if (meta['rnnkit.optimizer']) optimizerState = optimizerStateFromTensors(meta['rnnkit.optimizer'], optimizerTensors, params);
    else if (optimizerTensors.size > 0) throw new TypeError(`${OP_LOAD}: the file holds optimizer state tensors (${[...optimizerTensors.keys()][0]}, …) but no rnnkit.optimizer metadata`);
  } else if (meta['rnnkit.optimizer']) {
    optimizerState = decodeOptimizerState(meta['rnnkit.optimizer'], params);
  }
  // every buffer name, length and hyper-parameter is checked here, not later
  const optimizer = optimizerState && asOperation(`${OP_LOAD}: optimizer state`, () => createOptimizerFromState(params, optimizerState));
  let scheduleState: ScheduleState | null = null;
  if (meta['rnnkit.schedule'] !== undefined) {
    if (!optimizer) throw new TypeError(`${OP_LOAD}: the file holds rnnkit.schedule but no optimizer state for it to schedule`);
    scheduleState = parseJSONObject(meta['rnnkit.schedule'], 'rnnkit.schedule') as unknown as ScheduleState;
    asOperation(`${OP_LOAD}: rnnkit.schedule`, () => createScheduleFromState(optimizer, scheduleState!));
  }
  return { ...saved, optimizerState, scheduleState };
}

/**
 * What the loaders share: the file, its format, the model (made by `build`), step, extra, the
 * optimizer's tensors set aside, and the dropout generator's state (checked; null when absent).
 */
function readCheckpoint<M extends ForwardSequenceModel>(file: Uint8Array | string, op: string, build: (options: SequenceModelOptions) => M) {
  let state: StateFile;
  if (typeof file === 'string') state = decodeStateJSON(file, { requireFinite: true });
  else if (file instanceof Uint8Array) state = decodeSafetensors(file, { requireFinite: true });
  else throw new TypeError(`${op}: file must be a Uint8Array (safetensors) or a string (JSON), got ${describe(file)}`);
  const meta = state.metadata, format = meta['rnnkit.format'];
  if (format !== CHECKPOINT_FORMAT && format !== CHECKPOINT_FORMAT_V1) {
    throw new TypeError(`${op}: not an rnnkit checkpoint (metadata rnnkit.format is ${describe(format)}, expected "${CHECKPOINT_FORMAT}" or "${CHECKPOINT_FORMAT_V1}")`);
  }
  // format 2: the optimizer's buffers are tensors beside the parameters
  const optimizerTensors = new Map<string, Tensor>(), extraTensors = new Map<string, Tensor>();
  if (format === CHECKPOINT_FORMAT) {
    for (const [name, t] of state.tensors) {
      if (name.startsWith(OPTIMIZER_STATE_PREFIX)) optimizerTensors.set(name, t);
      else if (name.startsWith(EXTRA_TENSOR_PREFIX)) extraTensors.set(name.slice(EXTRA_TENSOR_PREFIX.length), t);
      else continue;
      state.tensors.delete(name);
    }
  }
  const options = parseJSONObject(meta['rnnkit.model'], 'rnnkit.model', op) as unknown as SequenceModelOptions;
  // compare the file's tensors with the shapes the options imply before building anything,
  // so a small file cannot make the loader allocate a huge model
  const shapes = expectedShapes(options, state.tensors.size, op);
  if (shapes) checkStateDictFits(op, shapes, state.tensors, true, ' in rnnkit.model');
  const model = asOperation(`${op}: metadata rnnkit.model`, () => build(options));
  copyStateDict(model.params, state.tensors, true);
  const step = checkStep(op, 'rnnkit.step', Number(meta['rnnkit.step'] ?? '0'), meta['rnnkit.step']);
  const extra = mapValues(parseJSONObject(meta['rnnkit.extra'] ?? '{}', 'rnnkit.extra', op), (v, k) => {
    if (typeof v !== 'string') throw new TypeError(`${op}: rnnkit.extra.${k} must be a string, got ${describe(v)}`);
    return v;
  });
  const rngText = meta['rnnkit.rng'];
  const rng = rngText === undefined ? null : Number(rngText);
  if (rng !== null && (!/^\d+$/.test(rngText!) || rng > 0xffffffff)) throw new TypeError(`${op}: metadata rnnkit.rng must be an integer in [0, 4294967295], got ${describe(rngText)}`);
  const saved: SavedModel<M> = { model, step, extra, tensors: extraTensors };
  return { saved, format, meta, optimizerTensors, rng };
}

/**
 * Format 2: the optimizer state from rnnkit.optimizer (name, hyper-parameters, step) and the
 * `optimizer.state.<param>.<buffer>` tensors. A tensor must name a parameter of the model
 * and have its shape; buffer names, dtypes and values are checked by setState afterwards.
 */
function optimizerStateFromTensors(text: string, tensors: ReadonlyMap<string, Tensor>, params: readonly Param[]): OptimizerState {
  const raw = parseJSONObject(text, 'rnnkit.optimizer');
  if ('buffers' in raw) throw new TypeError(`${OP_LOAD}: metadata rnnkit.optimizer has buffers, which format "${CHECKPOINT_FORMAT}" keeps as tensors`);
  const byName = new Map(params.map((p) => [p.name, p]));
  const buffers: Record<string, Record<string, FloatArray>> = Object.fromEntries(params.map((p) => [p.name, {}]));
  for (const [name, t] of tensors) {
    // buffer names have no dots; parameter names may (head.weight)
    const rest = name.slice(OPTIMIZER_STATE_PREFIX.length), dot = rest.lastIndexOf('.');
    const p = dot > 0 ? byName.get(rest.slice(0, dot)) : undefined;
    if (!p) throw new TypeError(`${OP_LOAD}: optimizer state tensor ${JSON.stringify(name)} names no parameter of the model (expected ${OPTIMIZER_STATE_PREFIX}<parameter>.<buffer>)`);
    const buffer = rest.slice(dot + 1);
    if (FORBIDDEN_NAMES.has(buffer)) throw new TypeError(`${OP_LOAD}: optimizer state tensor ${JSON.stringify(name)} has the forbidden buffer name "${buffer}"`);
    if (!sameShape(t.shape, p.shape)) throw new RangeError(`${OP_LOAD}: optimizer state tensor ${JSON.stringify(name)} has shape ${shapeText(t.shape)} but its parameter has ${formatShape(p.shape)}`);
    buffers[p.name][buffer] = t.data;
  }
  return { ...raw, buffers } as unknown as OptimizerState;
}

/**
 * The parameter names and shapes of a SequenceModel with these options, worked out without
 * building it; null when the options are not plain sizes (the constructor then says why).
 * A model of L layers has at least 2 · L tensors per direction: one claiming more than the
 * file's `count` tensors is refused before its names are listed (numLayers 1e8 would take
 * minutes and gigabytes to list).
 */
function expectedShapes(o: SequenceModelOptions, count: number, op: string): { name: string; shape: number[] }[] | null {
  const e = o.embedding as { numEmbeddings?: unknown; embeddingDim?: unknown } | null | undefined;
  if (e != null && (typeof e !== 'object' || !Number.isSafeInteger(e.numEmbeddings) || !Number.isSafeInteger(e.embeddingDim))) return null;
  const L = o.numLayers ?? 1, I = o.inputSize ?? (e?.embeddingDim as number), H = o.hiddenSize, V = o.outputSize, prefix = o.namePrefix ?? '';
  const G = o.mode === 'lstm' ? 4 : o.mode === 'gru' ? 3 : typeof o.mode === 'string' && o.mode.startsWith('rnn_') ? 1 : 0;
  if (!G || typeof prefix !== 'string' || ![I, H, V, L].every((v) => Number.isSafeInteger(v) && v >= 1)) return null;
  const D = o.bidirectional === true ? 2 : 1, GH = G * H, bias = o.bias !== false;
  if (2 * L * D > count) throw new RangeError(`${op}: rnnkit.model numLayers ${L} needs at least ${2 * L * D} tensors, but the file holds ${count}`);
  const shapes: { name: string; shape: number[] }[] = [];
  const add = (name: string, ...shape: number[]) => shapes.push({ name: prefix + name, shape });
  if (e) add('embedding.weight', e.numEmbeddings as number, e.embeddingDim as number);
  for (let k = 0; k < L; k++) {
    for (const suffix of D > 1 ? [`l${k}`, `l${k}_reverse`] : [`l${k}`]) {
      add(`weight_ih_${suffix}`, GH, k ? D * H : I);
      add(`weight_hh_${suffix}`, GH, H);
      if (bias) add(`bias_ih_${suffix}`, GH), add(`bias_hh_${suffix}`, GH);
    }
  }
  add('head.weight', V, D * H);
  if (o.headBias ?? bias) add('head.bias', V);
  return shapes;
}

/** Builds the optimizer a saved state describes, over `params`, and restores its state. */
export function createOptimizerFromState(params: Param[], state: OptimizerState): Optimizer {
  const op = 'createOptimizerFromState';
  const name = checkObject<OptimizerState>(op, 'state', state).optimizer;
  if (!Object.keys(OPTIMIZERS).includes(name)) throw new TypeError(`${op}: unknown optimizer ${describe(name)} (sgd, adam, rmsprop, adagrad)`);
  const optimizer = new OPTIMIZERS[name][0](params, state.hyperParameters as never);
  optimizer.setState(state);
  return optimizer;
}

function checkStep(op: string, name: string, step: number, got: unknown = step): number {
  if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${describe(got)}`);
  return step;
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, f: (value: T, key: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v, k)]));
}

/** Format 1: decodes the base64 buffers of rnnkit.optimizer; the rest (the optimizer's name too) is checked by createOptimizerFromState. */
function decodeOptimizerState(text: string, params: readonly Param[]): OptimizerState {
  const raw = parseJSONObject(text, 'rnnkit.optimizer');
  const names = params.map((p) => p.name);
  const buffers = mapValues(checkRecord(OP_LOAD, 'rnnkit.optimizer.buffers', raw.buffers), (named, param) => {
    if (!names.includes(param)) throw new TypeError(`${OP_LOAD}: optimizer state names "${param}", which is not a parameter of the model`);
    return mapValues(checkRecord(OP_LOAD, `optimizer buffers of "${param}"`, named), (entry, name) => {
      const what = `optimizer buffer ${param}.${name}`;
      const { dtype, data } = Object(entry) as { dtype?: unknown; data?: unknown };
      const size = dtype === 'F64' ? 8 : dtype === 'F32' ? 4 : 0;
      if (!size || typeof data !== 'string') throw new TypeError(`${OP_LOAD}: ${what} must be {dtype: "F32"|"F64", data: base64}, got ${describe(entry)}`);
      const bytes = decodeBase64(data, what);
      if (bytes.length % size !== 0) throw new RangeError(`${OP_LOAD}: ${what} has ${bytes.length} bytes, not a multiple of ${size}`);
      return readLittleEndian(bytes, size === 8 ? 'float64' : 'float32');
    });
  });
  return { optimizer: raw.optimizer, hyperParameters: raw.hyperParameters, step: raw.step, buffers } as OptimizerState;
}

function parseJSONObject(text: string | undefined, what: string, op = OP_LOAD): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new TypeError(`${op}: metadata ${what} is missing or not valid JSON`);
  }
  const o = checkRecord(op, `metadata ${what}`, value, 'a JSON object');
  const key = Object.keys(o).find((k) => FORBIDDEN_NAMES.has(k));
  if (key !== undefined) throw new TypeError(`${op}: metadata ${what} has the forbidden key "${key}"`);
  return o;
}
