/**
 * A training loop over a dataset of variable-length sequences, on top of SequenceTrainer:
 * epochs of (optionally shuffled) batches, each padded to its longest sequence and trained
 * with one `trainer.step`, validation after each epoch, early stopping, and callbacks.
 *
 *     const result = fit(trainer, { x, y }, {
 *       epochs: 20, batchSize: 32, seed: 1, validation: { x: xv, y: yv },
 *       earlyStopping: { patience: 3 }, onEpoch: (e) => console.log(e.epoch, e.loss, e.validationLoss),
 *     });
 *
 * Exact: the same model, data and seed give the same weights bit for bit, and one epoch of
 * one batch holding every example, unshuffled, is exactly one `trainer.step` on that batch.
 */
import type { SequenceInputs, SequenceModel } from '../models/sequence-model.js';
import { BatchOrder } from '../data/batches.js';
import { padSequences, padTokens } from '../data/pad.js';
import { type Tensor, allocate } from '../tensor.js';
import { checkBoolean, checkInteger, checkNumber, checkOptions, describe } from '../validate.js';
import { countCorrect } from './predict.js';
import type { SequenceTrainer, StepResult } from './trainer.js';

/**
 * Examples for a SequenceModel, one per index. `x[i][t]` holds the inputSize features of
 * step t of example i (lengths may differ). `y[i]` is, as the model's topology and loss say:
 * - many_to_one, cross_entropy: a class index;
 * - many_to_one, mse or bce: a vector of outputSize values;
 * - many_to_many, cross_entropy: a class index per step (as many as x[i] has);
 * - many_to_many, mse or bce: a vector of outputSize values per step.
 */
export interface SequenceDataset {
  readonly x: readonly (readonly ArrayLike<number>[])[];
  readonly y: readonly (number | ArrayLike<number> | readonly ArrayLike<number>[])[];
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (≥ 1). */
  patience: number;
  /** How much lower than the best a loss must be to count as an improvement (default 0). */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch (default false). */
  restoreBest?: boolean;
}

export interface FitStep {
  /** 1-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** Examples in this batch. */
  size: number;
  loss: number;
  gradNorm: number;
  skipped: boolean;
}

export interface FitEpoch {
  /** 1-based. */
  epoch: number;
  /** Mean training loss of the epoch's examples (skipped steps left out; NaN if all were). */
  loss: number;
  /** Mean loss on options.validation, or null without it. */
  validationLoss: number | null;
  /** Classifiers: fraction of validation rows (or valid steps) predicted right; else null. */
  validationAccuracy: number | null;
}

export interface FitOptions {
  /** Passes over the data (≥ 1). */
  epochs: number;
  /** Examples per step (default 32; the last batch of an epoch may be smaller). */
  batchSize?: number;
  /** A new order of the examples every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling (default 0). */
  seed?: number;
  /** Examples to evaluate after every epoch (never trained on). */
  validation?: SequenceDataset;
  /** Stop when the monitored loss (validation loss if given, else training loss) stops improving. */
  earlyStopping?: EarlyStoppingOptions;
  /** Called after every step; return false to stop. */
  onStep?: (step: FitStep) => void | boolean;
  /** Called after every epoch; return false to stop. */
  onEpoch?: (epoch: FitEpoch) => void | boolean;
}

export interface FitResult {
  /** One entry per completed epoch. */
  history: FitEpoch[];
  /** Training steps taken. */
  steps: number;
  /** Stopped by early stopping (not by a callback or the epoch count). */
  stoppedEarly: boolean;
  /** The epoch with the lowest monitored loss (1-based), and that loss. */
  bestEpoch: number;
  bestLoss: number;
}

const OP = 'fit';

/** Trains `trainer.model` on `data`; see the module comment. */
export function fit(trainer: SequenceTrainer, data: SequenceDataset, options: FitOptions): FitResult {
  const model = trainer?.model as SequenceModel | undefined;
  if (typeof trainer?.step !== 'function' || !model) throw new TypeError(`${OP}: trainer must be a SequenceTrainer, got ${describe(trainer)}`);
  const o = checkOptions(OP, options, ['epochs', 'batchSize', 'shuffle', 'seed', 'validation', 'earlyStopping', 'onStep', 'onEpoch']);
  const epochs = checkInteger(OP, 'options.epochs', o.epochs);
  const batchSize = checkInteger(OP, 'options.batchSize', o.batchSize ?? 32);
  const shuffle = checkBoolean(OP, 'options.shuffle', o.shuffle ?? true);
  const seed = checkInteger(OP, 'options.seed', o.seed ?? 0, 0);
  for (const k of ['onStep', 'onEpoch'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`${OP}: options.${k} must be a function, got ${describe(o[k])}`);
  }
  let stopping: Required<EarlyStoppingOptions> | null = null;
  if (o.earlyStopping !== undefined) {
    const e = checkOptions(OP, o.earlyStopping, ['patience', 'minDelta', 'restoreBest'], false, 'options.earlyStopping');
    stopping = {
      patience: checkInteger(OP, 'options.earlyStopping.patience', e.patience),
      minDelta: checkNumber(OP, 'options.earlyStopping.minDelta', e.minDelta ?? 0, 0),
      restoreBest: checkBoolean(OP, 'options.earlyStopping.restoreBest', e.restoreBest ?? false),
    };
  }
  checkDataset('data', data, model);
  if (o.validation !== undefined) checkDataset('options.validation', o.validation, model);

  const order = new BatchOrder(data.x.length, { batchSize, shuffle, seed });
  const history: FitEpoch[] = [];
  let steps = 0, stoppedEarly = false, bestEpoch = 0, bestLoss = Infinity, waited = 0, stop = false;
  let bestValues: Float32Array[] | Float64Array[] | null = null;
  for (let epoch = 1; epoch <= epochs && !stop; epoch++) {
    let sum = 0, rows = 0;
    const batches = order.epoch();
    for (let k = 0; k < batches.length && !stop; k++) {
      const { x, y, inputs } = makeBatch(model, data, batches[k]);
      const r: StepResult = trainer.step(x, y, inputs);
      steps++;
      if (!r.skipped) {
        sum += r.loss * batches[k].length;
        rows += batches[k].length;
      }
      if (o.onStep?.({ epoch, batch: k, size: batches[k].length, loss: r.loss, gradNorm: r.gradNorm, skipped: r.skipped }) === false) stop = true;
    }
    const info: FitEpoch = { epoch, loss: rows ? sum / rows : NaN, validationLoss: null, validationAccuracy: null };
    if (o.validation) Object.assign(info, evaluateDataset(model, o.validation, batchSize));
    history.push(info);
    const monitored = info.validationLoss ?? info.loss;
    if (monitored < bestLoss - (stopping?.minDelta ?? 0) || bestEpoch === 0) {
      bestLoss = monitored;
      bestEpoch = epoch;
      waited = 0;
      if (stopping?.restoreBest) bestValues = model.params.map((p) => p.value.slice()) as Float32Array[];
    } else if (stopping && ++waited >= stopping.patience) {
      stoppedEarly = stop = true;
    }
    if (o.onEpoch?.(info) === false) stop = true;
  }
  if (bestValues) model.params.forEach((p, i) => p.value.set(bestValues![i]));
  return { history, steps, stoppedEarly, bestEpoch, bestLoss };
}

/**
 * The mean loss of a dataset (and, for a classifier, its accuracy) in unshuffled batches of
 * `batchSize`, without gradients.
 */
export function evaluateDataset(model: SequenceModel, data: SequenceDataset, batchSize = 32): { validationLoss: number; validationAccuracy: number | null } {
  checkDataset('data', data, model, 'evaluateDataset');
  checkInteger('evaluateDataset', 'batchSize', batchSize);
  const order = new BatchOrder(data.x.length, { batchSize, shuffle: false });
  let sum = 0, correct = 0, total = 0;
  for (const indices of order.epoch()) {
    const { x, y, inputs } = makeBatch(model, data, indices);
    sum += model.evaluate(x, y, inputs) * indices.length;
    if (model.loss.targets === 'class') {
      const c = countCorrect('evaluateDataset', model, x, y, inputs);
      correct += c.correct;
      total += c.total;
    }
  }
  return { validationLoss: sum / data.x.length, validationAccuracy: model.loss.targets === 'class' ? correct / total : null };
}

/** The examples at `indices`, padded into one time-major batch with its targets and lengths. */
function makeBatch(model: SequenceModel, data: SequenceDataset, indices: Int32Array): { x: Tensor; y: { data: ArrayLike<number>; shape: number[] }; inputs: SequenceInputs } {
  const xs = Array.from(indices, (i) => data.x[i]);
  const padded = padSequences(xs, { dtype: model.dtype });
  const [T, B] = padded.shape, V = model.outputSize;
  const ragged = padded.lengths.some((n) => n < T);
  const inputs: SequenceInputs = ragged ? { lengths: padded.lengths } : {};
  const m2o = model.topology === 'many_to_one', classes = model.loss.targets === 'class';
  let y: { data: ArrayLike<number>; shape: number[] };
  if (classes && m2o) y = { data: Int32Array.from(indices, (i) => data.y[i] as number), shape: [B] };
  else if (classes) y = padTokens(Array.from(indices, (i) => data.y[i] as ArrayLike<number>));
  else if (m2o) {
    const values = allocate(model.dtype, B * V);
    indices.forEach((i, b) => values.set(data.y[i] as ArrayLike<number>, b * V));
    y = { data: values, shape: [B, V] };
  } else {
    const values = allocate(model.dtype, T * B * V);
    indices.forEach((i, b) => (data.y[i] as readonly ArrayLike<number>[]).forEach((v, t) => values.set(v, (t * B + b) * V)));
    y = { data: values, shape: [T, B, V] };
  }
  return { x: { data: padded.data, shape: padded.shape }, y, inputs };
}

/** Checks a dataset once, at the boundary: the sizes and kinds each example's x and y must have for `model`. */
function checkDataset(what: string, data: SequenceDataset, model: SequenceModel, op = OP): void {
  checkOptions(op, data, ['x', 'y'], false, what);
  const { x, y } = data;
  if (!Array.isArray(x) || x.length === 0) throw new TypeError(`${op}: ${what}.x must be a non-empty array of sequences, got ${describe(x)}`);
  if (!Array.isArray(y) || y.length !== x.length) throw new RangeError(`${op}: ${what}.y must be an array of ${x.length} targets (one per sequence in ${what}.x), got ${describe(y)}`);
  const I = model.rnn.inputSize, V = model.outputSize;
  const m2o = model.topology === 'many_to_one', classes = model.loss.targets === 'class';
  const vector = (v: unknown, at: string) => {
    const n = (v as ArrayLike<number> | null)?.length;
    if (n !== V) throw new RangeError(`${op}: ${at} must be a vector of ${V} values (outputSize), got ${describe(v)}`);
    for (let j = 0; j < V; j++) if (!Number.isFinite((v as ArrayLike<number>)[j])) throw new RangeError(`${op}: ${at}[${j}] must be a finite number, got ${describe((v as ArrayLike<number>)[j])}`);
  };
  const label = (k: unknown, at: string) => {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= V) throw new RangeError(`${op}: ${at} must be a class index in [0, ${V - 1}], got ${describe(k)}`);
  };
  x.forEach((seq, i) => {
    if (!Array.isArray(seq) || seq.length === 0) throw new RangeError(`${op}: ${what}.x[${i}] must be a non-empty array of steps, got ${describe(seq)}`);
    seq.forEach((step, t) => {
      if (step?.length !== I) throw new RangeError(`${op}: ${what}.x[${i}][${t}] must hold ${I} features (inputSize), got ${describe(step)}`);
      for (let j = 0; j < I; j++) if (!Number.isFinite(step[j])) throw new RangeError(`${op}: ${what}.x[${i}][${t}][${j}] must be a finite number, got ${describe(step[j])}`);
    });
    const target = y[i], at = `${what}.y[${i}]`;
    if (m2o) {
      if (classes) label(target, at);
      else vector(target, at);
      return;
    }
    const n = (target as ArrayLike<unknown> | null)?.length;
    if (typeof target !== 'object' || n !== seq.length) throw new RangeError(`${op}: ${at} must hold one target per step (${seq.length}), got ${describe(target)}`);
    for (let t = 0; t < seq.length; t++) {
      const v = (target as ArrayLike<unknown>)[t];
      if (classes) label(v, `${at}[${t}]`);
      else vector(v, `${at}[${t}]`);
    }
  });
}
