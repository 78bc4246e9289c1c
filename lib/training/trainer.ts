/**
 * One training step, as the fixtures define it:
 *   zero the gradients → loss and BPTT → global gradient norm → clip (by norm and/or value)
 *   → optimizer step.
 * A non-finite loss or gradient never reaches the weights: the step throws (default) or is
 * skipped, as `nonFinite` says.
 */
import { clipGradNorm, firstNonFinite, gradNorm, normText } from '../clipping/clip-grad-norm.js';
import { clipGradValue } from '../clipping/clip-grad-value.js';
import type { SequenceInputs, SequenceModel } from '../models/sequence-model.js';
import { type OptimizerSpec, createOptimizer } from '../optimizers/create-optimizer.js';
import type { Optimizer, OptimizerSnapshot } from '../optimizers/optimizer.js';
import { Schedule, type ScheduleSpec, createSchedule } from '../optimizers/schedules.js';
import type { Param } from '../param.js';
import type { FloatArray, Tensor } from '../tensor.js';
import { checkChoice, checkOptions, checkPositive } from '../validate.js';

/** The keys TrainerOptions accepts; any other key is refused, naming the closest. */
export const TRAINER_OPTION_KEYS: readonly string[] = ['optimizer', 'clipNorm', 'clipValue', 'nonFinite', 'schedule'];

/** Anything with trainable params and a loss-and-gradient pass. */
export interface Trainable {
  readonly params: Param[];
  zeroGrad(): void;
}

export interface TrainerOptions {
  /** An optimizer over model.params, or a spec such as {name: 'adam', lr: 0.01}. */
  optimizer: Optimizer | OptimizerSpec;
  /** Clip the global L2 norm to this (PyTorch clip_grad_norm_), or null. */
  clipNorm?: number | null;
  /** Clamp every gradient entry to [−v, v], or null. */
  clipValue?: number | null;
  /** What to do when the loss or a gradient is NaN or ±Infinity: throw (default) or skip the update. */
  nonFinite?: 'throw' | 'skip';
  /**
   * A learning-rate schedule over this trainer's optimizer, or a spec such as
   * {name: 'step_lr', step_size: 100, gamma: 0.5}. It is stepped after every update the
   * trainer applies; ReduceLROnPlateau is left to the caller (`trainer.schedule.step(metric)`).
   */
  schedule?: Schedule | ScheduleSpec | null;
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
    const isOptimizer = typeof (opt as Optimizer | null)?.step === 'function';
    if (isOptimizer && ((opt as Optimizer).params.length !== model.params.length || (opt as Optimizer).params.some((p, i) => p !== model.params[i]))) {
      throw new TypeError(`${op}: the optimizer must have been created over model.params`);
    }
    const clip = (key: 'clipNorm' | 'clipValue') => (options[key] == null ? null : checkPositive(op, key, options[key]));
    this.clipNorm = clip('clipNorm');
    this.clipValue = clip('clipValue');
    this.nonFinite = checkChoice(op, 'nonFinite', options.nonFinite ?? 'throw', ['throw', 'skip'] as const);
    this.optimizer = isOptimizer ? (opt as Optimizer) : createOptimizer(model.params, opt as OptimizerSpec);
    const schedule = options.schedule;
    if (schedule instanceof Schedule && schedule.optimizer !== this.optimizer) {
      throw new TypeError(`${op}: the schedule must have been created over the trainer's optimizer`);
    }
    this.schedule = schedule == null ? null : schedule instanceof Schedule ? schedule : createSchedule(this.optimizer, schedule);
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
  step(x: Tensor, target: { data: ArrayLike<number>; shape: readonly number[] }, inputs?: SequenceInputs): StepResult {
    this.model.checkBatch('SequenceModel.lossAndGrad', x, target, inputs);
    return this.run(() => this.model.lossAndGradUnchecked(x, target, inputs));
  }
}
