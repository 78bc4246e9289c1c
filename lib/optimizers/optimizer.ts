/**
 * What every optimizer shares: the `Optimizer` interface, the checkpoint format
 * (`OptimizerState`) and a base class that owns the parameter list, the step count t and the
 * per-parameter state buffers, and implements `getState`/`setState` once for all of them.
 *
 * Optimizers act on a flat list of `Param`s (value and grad side by side) and know nothing of
 * cells. State buffers have their parameter's dtype and are allocated once, in the
 * constructor; `step()` reads `p.grad`, updates `p.value` in place, computes in float64
 * locals and allocates nothing.
 */
import type { Param } from '../param.js';
import { type FloatArray, allocate, dtypeOf, formatShape, sizeOf } from '../tensor.js';
import { checkInteger, checkNumber, describe } from '../validate.js';

/** The optimizers rnnkit implements (PyTorch 1.13 `torch.optim` semantics, no weight decay). */
export type OptimizerName = 'sgd' | 'adam' | 'rmsprop' | 'adagrad';

/** A hyper-parameter value: a number, a flag, or a tuple such as Adam's `betas`. */
export type HyperParameterValue = number | boolean | readonly number[];

/** Hyper-parameters by name (the constructor's option names, e.g. `lr`, `betas`, `lrDecay`). */
export interface HyperParameters {
  readonly [name: string]: HyperParameterValue;
}

/**
 * A checkpoint of an optimizer: plain data a serializer can write as it is (strings,
 * numbers, booleans, number arrays and typed arrays).
 *
 *     {
 *       optimizer: 'adam',
 *       hyperParameters: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false },
 *       step: 3,                                  // t, the number of steps taken
 *       buffers: {                                // by Param.name, then by buffer name
 *         weight_ih_l0: { exp_avg: Float32Array, exp_avg_sq: Float32Array },
 *         …
 *       },
 *     }
 *
 * Buffer names are PyTorch's (`momentum_buffer`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`,
 * `square_avg`, `grad_avg`, `sum`); each buffer has its parameter's dtype and length.
 */
export interface OptimizerState {
  readonly optimizer: OptimizerName;
  readonly hyperParameters: HyperParameters;
  readonly step: number;
  readonly buffers: { readonly [paramName: string]: { readonly [bufferName: string]: FloatArray } };
}

/** An optimizer over a flat list of parameters. */
export interface Optimizer {
  /** Which update rule this is. */
  readonly name: OptimizerName;
  /** The parameters it updates, in the order given to the constructor. */
  readonly params: readonly Param[];
  /** t: the number of steps taken so far (restored by `setState`). */
  readonly stepCount: number;
  /** The current hyper-parameters (a copy). */
  readonly hyperParameters: HyperParameters;
  /** One update: reads every `p.grad`, writes every `p.value` in place. Allocates nothing. */
  step(): void;
  /** A snapshot of hyper-parameters, step count and buffers (copies, not views). */
  getState(): OptimizerState;
  /**
   * Restores a snapshot: adopts its hyper-parameters and step count and copies its buffers
   * into this optimizer's own. Everything is checked first; on any error nothing changes.
   */
  setState(state: OptimizerState): void;
}

/**
 * The shared machinery. A subclass passes its validated hyper-parameters and the names of the
 * buffers they call for, and implements `step`, `resolve` (validates a complete
 * hyper-parameter object from a checkpoint) and `bufferNamesFor`.
 */
export abstract class OptimizerBase<H extends HyperParameters> implements Optimizer {
  readonly name: OptimizerName;
  readonly params: readonly Param[];
  /** The class name used in error messages, e.g. `Adam`. */
  protected readonly op: string;
  protected hp: H;
  /** t: steps taken. */
  protected t = 0;
  /** Buffer names, e.g. ['exp_avg', 'exp_avg_sq']. */
  protected readonly bufferNames: readonly string[];
  /** bufferArrays[k][i]: buffer bufferNames[k] of params[i], in that parameter's dtype. */
  protected readonly bufferArrays: readonly FloatArray[][];

  protected constructor(op: string, name: OptimizerName, params: readonly Param[], hp: H, initial: Readonly<Record<string, number>> = {}) {
    this.op = op;
    this.name = name;
    this.params = checkParams(op, params);
    this.hp = hp;
    this.bufferNames = this.bufferNamesFor(hp);
    this.bufferArrays = this.bufferNames.map((b) =>
      this.params.map((p) => {
        const buf = allocate(dtypeOf(p.value), p.value.length);
        if (initial[b]) buf.fill(initial[b]);
        return buf;
      }));
  }

  get stepCount(): number {
    return this.t;
  }

  get hyperParameters(): H {
    return copyHyperParameters(this.hp);
  }

  abstract step(): void;

  /** Validates a complete hyper-parameter object (every key present, no others). */
  protected abstract resolve(op: string, raw: unknown): H;

  /** The buffers these hyper-parameters call for, e.g. SGD: ['momentum_buffer'] iff momentum ≠ 0. */
  protected abstract bufferNamesFor(hp: H): string[];

  /** Buffers whose entries can never be negative (sums of squares); setState checks them. */
  protected nonNegativeBuffers(): readonly string[] {
    return [];
  }

  /** The per-parameter arrays of one buffer, e.g. `this.buffer('exp_avg')[i]`. */
  protected buffer(name: string): FloatArray[] {
    const k = this.bufferNames.indexOf(name);
    return k < 0 ? [] : this.bufferArrays[k];
  }

  getState(): OptimizerState {
    const buffers: { [paramName: string]: { [bufferName: string]: FloatArray } } = {};
    this.params.forEach((p, i) => {
      const own: { [bufferName: string]: FloatArray } = {};
      this.bufferNames.forEach((b, k) => {
        own[b] = this.bufferArrays[k][i].slice();
      });
      buffers[p.name] = own;
    });
    return { optimizer: this.name, hyperParameters: copyHyperParameters(this.hp), step: this.t, buffers };
  }

  setState(state: OptimizerState): void {
    const op = `${this.op}.setState`;
    if (typeof state !== 'object' || state === null) {
      throw new TypeError(`${op}: state must be an object {optimizer, hyperParameters, step, buffers}, got ${describe(state)}`);
    }
    if (state.optimizer !== this.name) {
      throw new TypeError(`${op}: state.optimizer must be "${this.name}", got ${describe(state.optimizer)}`);
    }
    const step = checkInteger(op, 'state.step', state.step, 0);
    const hp = this.resolve(op, state.hyperParameters);
    const names = this.bufferNamesFor(hp);
    if (names.join() !== this.bufferNames.join()) {
      throw new RangeError(
        `${op}: state.hyperParameters call for buffers [${names.join(', ')}] but this ${this.op} holds ` +
        `[${this.bufferNames.join(', ')}]; construct it with the hyper-parameters the state was saved with`);
    }
    const buffers = state.buffers as unknown;
    if (typeof buffers !== 'object' || buffers === null) {
      throw new TypeError(`${op}: state.buffers must be an object keyed by parameter name, got ${describe(buffers)}`);
    }
    const table = buffers as Record<string, unknown>;
    const paramNames = new Set(this.params.map((p) => p.name));
    for (const key of Object.keys(table)) {
      if (!paramNames.has(key)) {
        throw new RangeError(`${op}: state.buffers has an entry for "${key}", which is not one of this ${this.op}'s parameters (${[...paramNames].join(', ')})`);
      }
    }
    const nonNegative = this.nonNegativeBuffers();
    for (const p of this.params) {
      const own = table[p.name];
      if (typeof own !== 'object' || own === null) {
        throw new TypeError(`${op}: state.buffers["${p.name}"] must be an object {${this.bufferNames.join(', ')}}, got ${describe(own)}`);
      }
      const record = own as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!this.bufferNames.includes(key)) {
          throw new RangeError(`${op}: state.buffers["${p.name}"] has a buffer "${key}" but ${this.op} keeps only [${this.bufferNames.join(', ')}]`);
        }
      }
      const dtype = dtypeOf(p.value);
      for (const b of this.bufferNames) {
        const where = `state.buffers["${p.name}"].${b}`;
        const data = record[b];
        const ok = dtype === 'float64' ? data instanceof Float64Array : data instanceof Float32Array;
        if (!ok) {
          throw new TypeError(`${op}: ${where} must be a ${dtype === 'float64' ? 'Float64Array' : 'Float32Array'} (the dtype of parameter "${p.name}"), got ${describe(data)}`);
        }
        const arr = data as FloatArray;
        if (arr.length !== p.value.length) {
          throw new RangeError(`${op}: ${where} has ${arr.length} entries but parameter "${p.name}" (shape ${formatShape(p.shape)}) has ${p.value.length}`);
        }
        const positive = nonNegative.includes(b);
        for (let j = 0; j < arr.length; j++) {
          const x = arr[j];
          if (!Number.isFinite(x) || (positive && x < 0)) {
            throw new RangeError(`${op}: ${where} must hold finite${positive ? ', non-negative' : ''} numbers, but entry ${j} is ${x}`);
          }
        }
      }
    }
    // Everything checked: commit.
    this.params.forEach((p, i) => {
      const record = table[p.name] as Record<string, FloatArray>;
      this.bufferNames.forEach((b, k) => this.bufferArrays[k][i].set(record[b]));
    });
    this.hp = hp;
    this.t = step;
  }
}

/**
 * Checks a parameter list: a non-empty array of Params with unique names, whose value and
 * grad are typed arrays of one dtype and of the length the shape calls for. Returns a copy.
 */
export function checkParams(op: string, params: readonly Param[]): readonly Param[] {
  if (!Array.isArray(params)) throw new TypeError(`${op}: params must be an array of Params, got ${describe(params)}`);
  if (params.length === 0) throw new RangeError(`${op}: params is empty; there is nothing to optimize`);
  const seen = new Set<string>();
  params.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) throw new TypeError(`${op}: params[${i}] must be a Param {name, shape, value, grad}, got ${describe(p)}`);
    const { name, shape, value, grad } = p as Param;
    if (typeof name !== 'string' || name === '') throw new TypeError(`${op}: params[${i}].name must be a non-empty string, got ${describe(name)}`);
    if (seen.has(name)) throw new RangeError(`${op}: params[${i}].name "${name}" appears twice; checkpoints key state by parameter name`);
    seen.add(name);
    if (!(value instanceof Float32Array || value instanceof Float64Array)) {
      throw new TypeError(`${op}: params[${i}] ("${name}").value must be a Float32Array or Float64Array, got ${describe(value)}`);
    }
    if (dtypeOf(value) === 'float64' ? !(grad instanceof Float64Array) : !(grad instanceof Float32Array)) {
      throw new TypeError(`${op}: params[${i}] ("${name}").grad must have the dtype of its value (${dtypeOf(value)}), got ${describe(grad)}`);
    }
    if (!Array.isArray(shape) || value.length !== sizeOf(shape)) {
      throw new RangeError(`${op}: params[${i}] ("${name}").value has ${value.length} entries but its shape is ${Array.isArray(shape) ? formatShape(shape) : describe(shape)}`);
    }
    if (grad.length !== value.length) {
      throw new RangeError(`${op}: params[${i}] ("${name}").grad has ${grad.length} entries but its value has ${value.length}`);
    }
  });
  return params.slice();
}

/**
 * Checks an options object's keys: it must be a plain object (or, unless `complete`,
 * undefined) with no keys outside `accepted`, and, if `complete`, every one of them.
 */
export function checkOptionKeys(op: string, name: string, options: unknown, accepted: readonly string[], complete: boolean): Record<string, unknown> {
  if (options === undefined && !complete) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: ${name} must be an object with keys ${accepted.join(', ')}, got ${describe(options)}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!accepted.includes(key)) {
      throw new TypeError(`${op}: unknown option "${key}" in ${name}; accepted options are ${accepted.join(', ')}`);
    }
  }
  if (complete) {
    for (const key of accepted) {
      if (!(key in record)) throw new TypeError(`${op}: ${name}.${key} is missing; a checkpoint must hold ${accepted.join(', ')}`);
    }
  }
  return record;
}

/** Checks a coefficient in the half-open range [0, 1), such as Adam's betas. */
export function checkUnitInterval(op: string, name: string, value: unknown): number {
  checkNumber(op, name, value);
  const x = value as number;
  if (!(x >= 0 && x < 1)) throw new RangeError(`${op}: ${name} must be in [0, 1), got ${x}`);
  return x;
}

/** Copies hyper-parameters (tuples included) so callers can neither alias nor mutate ours. */
function copyHyperParameters<H extends HyperParameters>(hp: H): H {
  const out: Record<string, HyperParameterValue> = {};
  for (const key of Object.keys(hp)) {
    const v = hp[key];
    out[key] = Array.isArray(v) ? v.slice() : v;
  }
  return out as H;
}
