/**
 * The `rnn-reference/1` fixture format (see shared/reference/README.md): one recurrent
 * computation done by PyTorch in float64, with inputs, parameters, outputs and gradients.
 * `checkFixture` validates a parsed object before anything is computed from it; each tensor
 * is checked against the shape the config implies when it is read.
 */
import { type DType, type Tensor, formatShape } from '../tensor.js';
import { checkBoolean, checkChoice, checkDataLength, checkInteger, checkKeys, checkObject, describe, sameShape, shapeText } from '../validate.js';

/** A tensor as fixtures write it: row-major numbers and a shape. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

export type TensorMap = Record<string, FixtureTensor>;

export interface FixtureConfig {
  mode: string;
  input_size: number;
  hidden_size: number;
  num_layers: number;
  bidirectional: boolean;
  bias: boolean;
  seq_len: number;
  batch: number;
  /** model fixtures only */
  output_size?: number;
  topology?: 'many_to_many' | 'many_to_one';
  loss?: 'cross_entropy' | 'mse';
  clip_norm?: number | null;
  clip_value?: number | null;
  optimizer?: { name: string; [key: string]: unknown };
  steps?: number;
  [key: string]: unknown;
}

export interface StepRecord {
  loss: number;
  grad_norm: number;
  grads: TensorMap;
  clipped_grads: TensorMap;
  params_after: TensorMap;
  /** The learning rate the step used (present when a schedule or weight decay is configured). */
  lr?: number;
}

export interface ReferenceFixture {
  format: 'rnn-reference/1';
  kind: 'layer' | 'model' | 'seq2seq';
  name: string;
  generator?: string;
  config: FixtureConfig;
  params: TensorMap;
  inputs: TensorMap;
  upstream?: TensorMap;
  expected?: TensorMap & { loss?: number };
  grads?: TensorMap;
  steps?: StepRecord[];
}

/** The operation every fixture error names. */
export const OP = 'runReference';

/** The top-level keys each kind may hold: a key outside these is refused, never skipped. */
const TOP_KEYS = {
  layer: ['upstream', 'expected', 'grads'],
  model: ['steps'],
  seq2seq: ['expected', 'grads'],
} as const;

/** The config keys of layer and model fixtures (seq2seq fixtures have their own, see seq2seq.ts). */
export const STACK_CONFIG_KEYS = ['mode', 'input_size', 'hidden_size', 'num_layers', 'bidirectional', 'bias', 'seq_len', 'batch'];

/**
 * The required tensor `section.name` of a fixture, checked: {shape, data} of exactly `shape`,
 * with as many numbers as the shape holds. Only own entries of the JSON count: an inherited
 * name such as `constructor` is not a tensor and is refused like a missing one.
 */
export function fixtureTensor(f: ReferenceFixture, section: 'params' | 'inputs' | 'upstream', name: string, shape: readonly number[]): FixtureTensor {
  const where = `${section}.${name}`;
  const t = f[section]?.[name] as { shape?: unknown; data?: unknown[] } | undefined;
  // a missing tensor is `got undefined`
  if (!Array.isArray(t?.shape) || !Array.isArray(t.data)) throw new TypeError(`${OP}: ${where} must be {"shape": ${formatShape(shape)}, "data": [...]}, got ${describe(t)}`);
  if (!sameShape(t.shape, shape)) throw new RangeError(`${OP}: ${where} has shape ${shapeText(t.shape)} but ${formatShape(shape)} was expected`);
  checkDataLength(OP, where, t.data as number[], shape);
  const i = t.data.findIndex((v) => typeof v !== 'number');
  if (i >= 0) throw new TypeError(`${OP}: ${where}.data[${i}] must be a number, got ${describe(t.data[i])}`);
  return t as unknown as FixtureTensor;
}

/** `fixtureTensor` as a tensor of the computing dtype. */
export function fixtureInput(f: ReferenceFixture, section: 'inputs' | 'upstream', name: string, shape: number[], dtype: DType): Tensor {
  return { data: toTyped(fixtureTensor(f, section, name, shape), dtype), shape };
}

/**
 * Validates the common structure of a fixture (format, kind, its top-level keys, and for
 * layer and model fixtures the stack's config); throws an error naming what is wrong.
 */
export function checkFixture(f: unknown): ReferenceFixture {
  const { format, kind, config } = checkObject(OP, 'fixture', f);
  checkChoice(OP, 'format', format, ['rnn-reference/1']);
  const k = checkChoice(OP, 'kind', kind, ['layer', 'model', 'seq2seq']);
  checkKeys(OP, 'fixture', f as object, ['format', 'kind', 'name', 'generator', 'config', 'params', 'inputs', ...TOP_KEYS[k]]);
  for (const key of ['config', 'params', 'inputs']) checkObject(OP, key, (f as Record<string, unknown>)[key]);
  if (k === 'seq2seq') return f as ReferenceFixture;
  const c = config as Record<string, unknown>;
  for (const key of ['input_size', 'hidden_size', 'num_layers', 'seq_len', 'batch']) checkInteger(OP, `config.${key}`, c[key]);
  for (const key of ['bidirectional', 'bias']) checkBoolean(OP, `config.${key}`, c[key]);
  return f as ReferenceFixture;
}

/** Refuses any key of a section (inputs, upstream, …) outside `keys`: every key must be honoured. */
export function checkSection(f: ReferenceFixture, section: 'inputs' | 'upstream' | 'expected' | 'grads', keys: readonly string[]): void {
  const table = f[section];
  if (table !== undefined) checkKeys(OP, section, checkObject(OP, section, table), keys);
}

/** The recurrent stack a fixture's config describes. */
export function stackOptions(c: FixtureConfig, dtype: DType) {
  return { mode: c.mode, inputSize: c.input_size, hiddenSize: c.hidden_size, numLayers: c.num_layers, bidirectional: c.bidirectional, bias: c.bias, dtype };
}

/** Converts fixture data to a typed array of the computing dtype. */
export function toTyped(t: FixtureTensor, dtype: DType): Float32Array | Float64Array {
  return (dtype === 'float64' ? Float64Array : Float32Array).from(t.data);
}

/** A fixture tensor holding a copy of typed data. */
export function fromTyped(data: ArrayLike<number>, shape: readonly number[]): FixtureTensor {
  return { shape: shape.slice(), data: Array.from(data) };
}
