/**
 * One training step, as the fixtures define it:
 *   zero the gradients → loss and BPTT → global gradient norm → clip (by norm and/or value)
 *   → optimizer step.
 * A non-finite loss or gradient never reaches the weights: the step throws (default) or is
 * skipped, as `nonFinite` says.
 */
import { clipGradNorm, firstNonFinite, gradNorm, normText } from '../clipping/clip-grad-norm.js';
import { clipGradValue } from '../clipping/clip-grad-value.js';
import type { ModelInput, SequenceInputs, SequenceModel } from '../models/sequence-model.js';
import type { Optimizer, OptimizerSnapshot } from '../optimizers/optimizer.js';
import type { Schedule } from '../optimizers/schedules.js';
import type { Param } from '../param.js';
import type { FloatArray } from '../tensor.js';
import { checkChoice, checkOptions, checkPositive, describe } from '../validate.js';

/** The keys TrainerOptions accepts; any other key is refused, naming the closest. */
export const TRAINER_OPTION_KEYS: readonly string[] = ['optimizer', 'clipNorm', 'clipValue', 'nonFinite', 'schedule'];

/** Anything with trainable params and a loss-and-gradient pass. */
export interface Trainable {
  readonly params: Param[];
  zeroGrad(): void;
}

export interface TrainerOptions {
  /**
   * An optimizer over model.params: `new Adam(model.params, { lr: 0.01 })`, or from a spec
   * `createOptimizer(model.params, { name: 'adam', lr: 0.01 })`. Objects only, so that a page
   * that trains with Adam carries no other optimizer and no name lookup.
   */
  optimizer: Optimizer;
  /** Clip the global L2 norm to this (PyTorch clip_grad_norm_), or null. */
  clipNorm?: number | null;
  /** Clamp every gradient entry to [−v, v], or null. */
  clipValue?: number | null;
  /** What to do when the loss or a gradient is NaN or ±Infinity: throw (default) or skip the update. */
  nonFinite?: 'throw' | 'skip';
  /**
   * A learning-rate schedule over this trainer's optimizer: `new StepLR(optimizer, …)`, or from a
   * spec `createSchedule(optimizer, { name: 'step_lr', step_size: 100, gamma: 0.5 })`. It is
   * stepped after every update the trainer applies; ReduceLROnPlateau is left to the caller
   * (`trainer.schedule.step(metric)`).
   */
  schedule?: Schedule | null;
}

export interface StepResult {
  /** The loss before the update. */
  loss: number;
  /** Global L2 norm of the raw gradients. */
  gradNorm: number;
  /** True when the update was skipped because of a non-finite loss or gradient. */
  skipped: boolean;
}

/** Thrown when a step meets a non-finite loss or gradient and `nonFinite` is 'throw'. */
export class NonFiniteError extends Error {}
NonFiniteError.prototype.name = 'NonFiniteError';

export class Trainer<M extends Trainable = SequenceModel> {
  readonly optimizer: Optimizer;
  readonly clipNorm: number | null;
  readonly clipValue: number | null;
  readonly nonFinite: 'throw' | 'skip';
  readonly schedule: Schedule | null;
  /** Steps taken (skipped ones included). */
  steps = 0;
  private readonly result: StepResult = { loss: 0, gradNorm: 0, skipped: false };
  /** Values and optimizer state before the update, to undo an update that overflows. */
  private valuesBefore: FloatArray[] | undefined;
  private optimizerBefore: OptimizerSnapshot | undefined;

  constructor(readonly model: M, options: TrainerOptions) {
    const op = 'Trainer';
    checkOptions(op, options, TRAINER_OPTION_KEYS);
    const opt = options.optimizer;
    if (typeof (opt as Optimizer | null)?.step !== 'function' || !Array.isArray(opt.params)) {
      throw new TypeError(`${op}: optimizer must be an optimizer over model.params (createOptimizer(model.params, spec) makes one from a spec), got ${describe(opt)}`);
    }
    if (opt.params.length !== model.params.length || opt.params.some((p, i) => p !== model.params[i])) {
      throw new TypeError(`${op}: the optimizer must have been created over model.params`);
    }
    const clip = (key: 'clipNorm' | 'clipValue') => (options[key] == null ? null : checkPositive(op, key, options[key]));
    this.clipNorm = clip('clipNorm');
    this.clipValue = clip('clipValue');
    this.nonFinite = checkChoice(op, 'nonFinite', options.nonFinite ?? 'throw', ['throw', 'skip'] as const);
    this.optimizer = opt;
    const schedule = options.schedule ?? null;
    if (schedule !== null && typeof (schedule as Schedule).step !== 'function') {
      throw new TypeError(`${op}: schedule must be a schedule over the trainer's optimizer (createSchedule(optimizer, spec) makes one from a spec), got ${describe(schedule)}`);
    }
    if (schedule !== null && schedule.optimizer !== opt) throw new TypeError(`${op}: the schedule must have been created over the trainer's optimizer`);
    this.schedule = schedule;
  }

  /**
   * Runs `lossAndGrad` (which must accumulate gradients and return the loss), then clips and
   * updates. Returns a result object that is reused by the next call.
   * An update that would leave a non-finite weight (a learning rate large enough to overflow)
   * is undone, weights and optimizer state alike, and treated like a non-finite gradient.
   */
  run(lossAndGrad: () => number): StepResult {
    const { model, optimizer, result } = this, params = model.params;
    model.zeroGrad();
    const loss = lossAndGrad();
    const norm = gradNorm(params);
    this.steps++;
    result.loss = loss;
    result.gradNorm = norm;
    result.skipped = false;
    let why = !Number.isFinite(loss) ? `loss is ${loss}` : Number.isFinite(norm) ? '' : normText(params, norm);
    if (!why) {
      // the norm is computed again inside: an O(params) pass, negligible beside BPTT, that keeps
      // the finiteness check ahead of any change to the gradients
      if (this.clipNorm !== null) clipGradNorm(params, this.clipNorm);
      if (this.clipValue !== null) clipGradValue(params, this.clipValue);
      // optimizer.step(), undone when it leaves any weight NaN or ±Infinity
      const before = (this.valuesBefore ??= params.map((p) => p.value.slice()));
      params.forEach((p, i) => before[i].set(p.value));
      this.optimizerBefore = optimizer.snapshot(this.optimizerBefore);
      optimizer.step();
      const bad = firstNonFinite(params, 'value');
      if (!bad) {
        if (this.schedule && this.schedule.name !== 'reduce_lr_on_plateau') this.schedule.step();
        return result;
      }
      params.forEach((p, i) => p.value.set(before[i]));
      optimizer.restore(this.optimizerBefore);
      why = `after the ${optimizer.name} update ${bad}`;
    }
    if (this.nonFinite === 'throw') throw new NonFiniteError(`Trainer.step: ${why}; the weights were not updated`);
    model.zeroGrad();
    result.skipped = true;
    return result;
  }
}

/** A Trainer for a SequenceModel: step(x, target, inputs). */
export class SequenceTrainer extends Trainer<SequenceModel> {
  /**
   * One training step on a batch; see SequenceModel.lossAndGrad for shapes. The batch is
   * checked before anything changes, gradients included.
   */
  step(x: ModelInput, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs?: SequenceInputs): StepResult {
    this.model.checkBatch('SequenceModel.lossAndGrad', x, target, inputs);
    return this.run(() => this.model.lossAndGradUnchecked(x, target, inputs));
  }
}
