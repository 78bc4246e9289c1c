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
import { checkGrads } from '../clipping/clip-grad-norm.js';
import type { Param } from '../param.js';
import { type FloatArray, allocate, dtypeOf, sizeOf } from '../tensor.js';
import { checkBoolean, checkChoice, checkInteger, checkKeys, checkLength, checkNumber, checkObject, checkRecord, describe, isFloatArray, shapeText } from '../validate.js';

/** The optimizers rnnkit implements (PyTorch 1.13 `torch.optim` semantics). */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

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

/** Step count and buffers copied by `Optimizer.snapshot`, reused from call to call. */
export interface OptimizerSnapshot {
  step: number;
  /** buffers[k][i]: buffer k of parameter i */
  readonly buffers: FloatArray[][];
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
  /**
   * The learning rate the next `step()` uses. A schedule (see schedules.ts) sets it between
   * steps, as PyTorch's schedulers set `param_group['lr']`.
   */
  lr: number;
  /** One update: reads every `p.grad`, writes every `p.value` in place. Allocates nothing. */
  step(): void;
  /** A snapshot of hyper-parameters, step count and buffers (copies, not views). */
  getState(): OptimizerState;
  /**
   * Copies the step count and every buffer into `into` (made on the first call; pass it back
   * to reuse it, so a guarded training step allocates nothing). `restore` puts them back:
   * together they undo one `step()` whose result was refused.
   */
  snapshot(into?: OptimizerSnapshot): OptimizerSnapshot;
  restore(snapshot: OptimizerSnapshot): void;
  /**
   * Restores a snapshot: adopts its hyper-parameters and step count and copies its buffers
   * into this optimizer's own. Everything is checked first; on any error nothing changes.
   */
  setState(state: OptimizerState): void;
}

/**
 * How one hyper-parameter is checked: its default (undefined: required) and the check of a
 * given value, which returns the value to keep. The check also sees the hyper-parameters
 * resolved so far (those listed before it), for cross-checks such as SGD's nesterov.
 */
export type Rule = readonly [
  fallback: HyperParameterValue | undefined,
  check: (op: string, name: string, value: unknown, before: Readonly<Record<string, HyperParameterValue>>) => HyperParameterValue,
];

/** A number ≥ 0 with a default (none: required). */
export const nonNegative = (fallback?: number): Rule => [fallback, (op, name, v) => checkNumber(op, name, v, 0)];
/** A number in [0, 1] with a default. */
export const unitInterval = (fallback: number): Rule => [fallback, (op, name, v) => checkNumber(op, name, v, 0, 1)];
/** A flag, false by default. */
export const flag: Rule = [false, checkBoolean];

/**
 * Hyper-parameters that checkpoints written before they existed do not hold: a state without
 * one takes the default (weight decay arrived after the first checkpoint format).
 */
const ADDED_LATER = new Set(['weightDecay']);

/**
 * Buffers whose entries are sums or averages of squares, so never negative (exp_avg_sq,
 * max_exp_avg_sq, square_avg, sum; not exp_avg, grad_avg, momentum_buffer); setState checks them.
 */
const NON_NEGATIVE_BUFFER = /sq|sum/;

/**
 * The shared machinery. A subclass passes its hyper-parameter rules and implements `step` and
 * `bufferNamesFor`; the base checks options against the rules (filling defaults), allocates
 * the buffers the hyper-parameters call for, and implements getState and setState.
 */
export abstract class OptimizerBase<H extends HyperParameters> implements Optimizer {
  readonly params: readonly Param[];
  protected hp: H;
  /** t: steps taken. */
  protected t = 0;
  /** Buffer names, e.g. ['exp_avg', 'exp_avg_sq']. */
  protected readonly bufferNames: readonly string[];
  /** bufferArrays[k][i]: buffer bufferNames[k] of params[i], in that parameter's dtype. */
  protected readonly bufferArrays: readonly FloatArray[][];

  readonly name: OptimizerName;

  /** `op` is the class name used in error messages, e.g. `Adam`; lower-cased, it is `name`. */
  protected constructor(
    protected readonly op: string,
    params: readonly Param[],
    private readonly rules: Readonly<Record<string, Rule>>,
    options: unknown,
  ) {
    this.name = op.toLowerCase() as OptimizerName;
    this.params = checkParams(op, params);
    this.hp = this.resolve(op, options, false);
    this.bufferNames = this.bufferNamesFor(this.hp);
    this.bufferArrays = this.bufferNames.map(() => this.params.map((p) => allocate(dtypeOf(p.value), p.value.length)));
  }

  get stepCount(): number {
    return this.t;
  }

  get hyperParameters(): H {
    return copyHyperParameters(this.hp);
  }

  get lr(): number {
    return this.hp.lr as number;
  }

  set lr(value: number) {
    (this.hp as Record<string, HyperParameterValue>).lr = checkNumber(`${this.op}.lr`, 'lr', value, 0);
  }

  abstract step(): void;

  /**
   * Checks options against the rules: an object (or undefined) with no other keys; absent
   * keys take their defaults. When `complete` (a checkpoint's `state.hyperParameters`), there
   * are no defaults: every key must be given, and messages name it `state.hyperParameters.key`.
   */
  protected resolve(op: string, options: unknown, complete: boolean): H {
    const where = complete ? 'state.hyperParameters' : 'options';
    const o = checkRecord(op, where, options === undefined && !complete ? {} : options);
    const keys = Object.keys(this.rules);
    checkKeys(op, where, o, keys);
    const hp: Record<string, HyperParameterValue> = {};
    for (const key of keys) {
      const [fallback, check] = this.rules[key];
      const absent = o[key] === undefined && fallback !== undefined && (!complete || ADDED_LATER.has(key));
      hp[key] = absent ? fallback : check(op, complete ? `${where}.${key}` : key, o[key], hp);
    }
    return hp as H;
  }

  /** The buffers these hyper-parameters call for, e.g. SGD: ['momentum_buffer'] iff momentum ≠ 0. */
  protected abstract bufferNamesFor(hp: H): string[];

  snapshot(into?: OptimizerSnapshot): OptimizerSnapshot {
    const s = into ?? { step: 0, buffers: this.bufferArrays.map((arrays) => arrays.map((a) => a.slice())) };
    s.step = this.t;
    this.bufferArrays.forEach((arrays, k) => arrays.forEach((a, i) => s.buffers[k][i].set(a)));
    return s;
  }

  restore(snapshot: OptimizerSnapshot): void {
    this.t = snapshot.step;
    this.bufferArrays.forEach((arrays, k) => arrays.forEach((a, i) => a.set(snapshot.buffers[k][i])));
  }

  getState(): OptimizerState {
    const buffers: { [paramName: string]: { [bufferName: string]: FloatArray } } = {};
    this.params.forEach((p, i) => {
      buffers[p.name] = Object.fromEntries(this.bufferNames.map((b, k) => [b, this.bufferArrays[k][i].slice()]));
    });
    return { optimizer: this.name, hyperParameters: copyHyperParameters(this.hp), step: this.t, buffers };
  }

  setState(state: OptimizerState): void {
    const op = `${this.op}.setState`, names = this.bufferNames;
    checkObject(op, 'state', state);
    checkChoice(op, 'state.optimizer', state.optimizer, [this.name]);
    const step = checkInteger(op, 'state.step', state.step, 0);
    const hp = this.resolve(op, state.hyperParameters, true);
    const want = this.bufferNamesFor(hp).join(', '), own = names.join(', ');
    if (want !== own) throw new RangeError(`${op}: state.hyperParameters call for buffers [${want}] but this ${this.op} holds [${own}]`);
    const table = checkObject(op, 'state.buffers', state.buffers);
    checkKeys(op, 'state.buffers', table, this.params.map((p) => p.name), RangeError);
    for (const p of this.params) {
      const where = `state.buffers["${p.name}"]`;
      const record = checkObject(op, where, table[p.name]);
      checkKeys(op, where, record, names, RangeError);
      const kind = p.value.constructor as Float32ArrayConstructor; // the parameter's dtype
      for (const b of names) {
        const data = record[b], at = `${where}.${b}`;
        if (!(data instanceof kind)) throw new TypeError(`${op}: ${at} must be a ${kind.name}, got ${describe(data)}`);
        checkLength(op, at, data, p.value.length);
        const positive = NON_NEGATIVE_BUFFER.test(b);
        const j = data.findIndex((x) => !Number.isFinite(x) || (positive && x < 0));
        if (j >= 0) throw new RangeError(`${op}: ${at} must be finite${positive ? ' and non-negative' : ''}, but entry ${j} is ${data[j]}`);
      }
    }
    // Everything checked: commit.
    this.restore({ step, buffers: names.map((b) => this.params.map((p) => (table[p.name] as Record<string, FloatArray>)[b])) });
    this.hp = hp;
  }
}

/**
 * Checks a parameter list: a non-empty array of Params with unique names, whose value and
 * grad are typed arrays of one dtype and of the length the shape calls for. Returns a copy.
 */
export function checkParams(op: string, params: readonly Param[]): readonly Param[] {
  checkGrads(op, params);
  if (params.length === 0) throw new RangeError(`${op}: params is empty`);
  const seen = new Set<string>();
  params.forEach(({ name, shape, value, grad }, i) => {
    if (typeof name !== 'string' || name === '') throw new TypeError(`${op}: params[${i}].name must be a non-empty string, got ${describe(name)}`);
    if (seen.has(name)) throw new RangeError(`${op}: params[${i}].name "${name}" appears twice`);
    seen.add(name);
    const which = `${op}: params[${i}] ("${name}")`;
    if (!isFloatArray(value)) throw new TypeError(`${which}.value must be a Float32Array or Float64Array, got ${describe(value)}`);
    if (!(grad instanceof value.constructor)) throw new TypeError(`${which}.grad must have the dtype of its value (${dtypeOf(value)}), got ${describe(grad)}`);
    if (!Array.isArray(shape) || value.length !== sizeOf(shape)) throw new RangeError(`${which}.value has ${value.length} entries but its shape is ${shapeText(shape)}`);
    if (grad.length !== value.length) throw new RangeError(`${which}.grad has ${grad.length} entries but its value has ${value.length}`);
  });
  return params.slice();
}

/** Checks a coefficient in the half-open range [0, 1), such as Adam's betas. */
export function checkUnitInterval(op: string, name: string, value: unknown): number {
  const x = checkNumber(op, name, value);
  if (!(x >= 0 && x < 1)) throw new RangeError(`${op}: ${name} must be in [0, 1), got ${x}`);
  return x;
}

/** Copies hyper-parameters (tuples included) so callers can neither alias nor mutate ours. */
function copyHyperParameters<H extends HyperParameters>(hp: H): H {
  return Object.fromEntries(Object.entries(hp).map(([k, v]) => [k, Array.isArray(v) ? v.slice() : v])) as H;
}
