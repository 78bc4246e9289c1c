/**
 * The `rnn-reference/1` fixture format (see shared/reference/README.md): one recurrent
 * computation done by PyTorch in float64, with inputs, parameters, outputs and gradients.
 * `checkFixture` validates a parsed object before anything is computed from it.
 */
import { formatShape, sizeOf } from '../tensor.js';
import { describe, sameShape } from '../validate.js';

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
}

export interface ReferenceFixture {
  format: 'rnn-reference/1';
  kind: 'layer' | 'model';
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

const OP = 'runReference';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one fixture tensor: integer shape, numeric data of the right length. */
export function checkFixtureTensor(where: string, t: unknown, shape?: readonly number[]): FixtureTensor {
  if (!isObject(t) || !Array.isArray(t.shape) || !Array.isArray(t.data)) {
    throw new TypeError(`${OP}: ${where} must be {"shape": [...], "data": [...]}, got ${describe(t)}`);
  }
  const s = t.shape as unknown[];
  if (!s.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new TypeError(`${OP}: ${where}.shape must hold non-negative integers, got ${JSON.stringify(s).slice(0, 60)}`);
  }
  const n = sizeOf(s as number[]);
  if (t.data.length !== n) {
    throw new RangeError(`${OP}: ${where} has shape ${formatShape(s as number[])} (${n} entries) but ${t.data.length} data values`);
  }
  for (let i = 0; i < t.data.length; i++) {
    if (typeof t.data[i] !== 'number') throw new TypeError(`${OP}: ${where}.data[${i}] must be a number, got ${describe(t.data[i])}`);
  }
  if (shape && !sameShape(s, shape)) {
    throw new RangeError(`${OP}: ${where} has shape ${formatShape(s as number[])} but ${formatShape(shape)} was expected`);
  }
  return t as unknown as FixtureTensor;
}

/** A required tensor from a map, with its shape checked. */
export function fixtureTensor(map: TensorMap | undefined, section: string, name: string, shape: readonly number[]): FixtureTensor {
  if (!map || !Object.prototype.hasOwnProperty.call(map, name)) throw new TypeError(`${OP}: ${section}.${name} is missing (expected shape ${formatShape(shape)})`);
  return checkFixtureTensor(`${section}.${name}`, map[name], shape);
}

/** Validates the common structure of a fixture; throws a TypeError naming what is wrong. */
export function checkFixture(f: unknown): ReferenceFixture {
  if (!isObject(f)) throw new TypeError(`${OP}: a fixture must be a JSON object, got ${describe(f)}`);
  if (f.format !== 'rnn-reference/1') {
    throw new TypeError(`${OP}: format must be "rnn-reference/1", got ${describe(f.format)}`);
  }
  if (f.kind !== 'layer' && f.kind !== 'model') {
    throw new TypeError(`${OP}: kind must be "layer" or "model", got ${describe(f.kind)}`);
  }
  for (const key of ['config', 'params', 'inputs']) {
    if (!isObject(f[key])) throw new TypeError(`${OP}: ${key} must be an object, got ${describe(f[key])}`);
  }
  const c = f.config as Record<string, unknown>;
  for (const key of ['input_size', 'hidden_size', 'num_layers', 'seq_len', 'batch']) {
    if (!Number.isSafeInteger(c[key]) || (c[key] as number) < 1) {
      throw new RangeError(`${OP}: config.${key} must be a positive integer, got ${describe(c[key])}`);
    }
  }
  for (const [key, kind] of [['bidirectional', 'boolean'], ['bias', 'boolean'], ['mode', 'string']]) {
    if (typeof c[key] !== kind) throw new TypeError(`${OP}: config.${key} must be a ${kind}, got ${describe(c[key])}`);
  }
  return f as unknown as ReferenceFixture;
}

/** Converts fixture data to a typed array of the computing dtype. */
export function toTyped(t: FixtureTensor, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  return dtype === 'float64' ? Float64Array.from(t.data) : Float32Array.from(t.data);
}

/** A fixture tensor holding a copy of typed data. */
export function fromTyped(data: ArrayLike<number>, shape: readonly number[]): FixtureTensor {
  return { shape: shape.slice(), data: Array.from(data) };
}
