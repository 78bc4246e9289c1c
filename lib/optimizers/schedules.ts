/**
 * Learning-rate schedules, as PyTorch 1.13's `torch.optim.lr_scheduler`, in PyTorch's
 * recursive form (each rate computed from the previous one, so a run matches PyTorch's to
 * the last bit and a resumed run continues bit for bit). A schedule owns the optimizer's
 * `lr`: built over an optimizer whose rate is lr₀ (the base rate), it sets `optimizer.lr`
 * once at construction (epoch 0) and again at every `step()`. Epoch s is the number of
 * `step()` calls so far; with one `step()` after each optimizer step, optimizer step s uses:
 *
 *     StepLR             lr_s = lr_{s−1}·γ when s is a multiple of stepSize, else lr_{s−1}
 *                        (= lr₀·γ^⌊s/stepSize⌋)
 *     ExponentialLR      lr_s = lr_{s−1}·γ                              (= lr₀·γ^s)
 *     CosineAnnealingLR  lr_s = η_min + (lr_{s−1} − η_min)·(1 + cos(πs/T))/(1 + cos(π(s−1)/T)),
 *                        and lr_{s−1} + (lr₀ − η_min)(1 − cos(π/T))/2 when (s − 1 − T) is a
 *                        multiple of 2T: η_min + (lr₀ − η_min)(1 + cos(πs/T))/2 for s ≤ T,
 *                        then rising again (periodic with period 2T, as PyTorch's)
 *     LinearLR           lr_0 = lr₀·f₀; lr_s = lr_{s−1}·(1 + (f₁ − f₀)/(n·f₀ + (s − 1)(f₁ − f₀)))
 *                        for s ≤ n, then unchanged (= lr₀·(f₀ + (f₁ − f₀)·min(s, n)/n)): warm-up
 *     ReduceLROnPlateau  step(metric): after more than `patience` epochs without improvement
 *                        (by `threshold`, relative or absolute), lr ← max(lr·factor, minLr)
 *                        when that changes it by more than eps; then `cooldown` epochs of rest
 *
 * The first four are stepped by the Trainer after every update it applies (option
 * `schedule`); ReduceLROnPlateau needs a metric, so the caller steps it (typically with the
 * validation loss once per epoch).
 */
import { checkChoice, checkInteger, checkKeys, checkNumber, checkObject, checkRecord, describe } from '../validate.js';
import type { Optimizer } from './optimizer.js';

export type ScheduleName = 'step_lr' | 'exponential_lr' | 'cosine_annealing_lr' | 'linear_lr' | 'reduce_lr_on_plateau';

/** The names `createSchedule` accepts (PyTorch's class names in snake_case). */
export const scheduleNames: readonly ScheduleName[] = ['step_lr', 'exponential_lr', 'cosine_annealing_lr', 'linear_lr', 'reduce_lr_on_plateau'];

/** A schedule's options by name (camelCase), as resolved with defaults. */
export type ScheduleOptions = Record<string, number | string>;

/**
 * A schedule's checkpoint: plain numbers and strings. `best`, `numBadEpochs` and
 * `cooldownCounter` are ReduceLROnPlateau's (±Infinity for `best` is written as null).
 */
export interface ScheduleState {
  readonly name: ScheduleName;
  readonly options: ScheduleOptions;
  readonly baseLr: number;
  readonly lastEpoch: number;
  readonly lr: number;
  readonly best?: number | null;
  readonly numBadEpochs?: number;
  readonly cooldownCounter?: number;
}

/** How one option is checked, with its default (undefined: required). */
type OptionRule = readonly [fallback: number | string | undefined, check: (op: string, name: string, v: unknown) => number | string];

const positiveInteger = (fallback?: number): OptionRule => [fallback, (op, name, v) => checkInteger(op, name, v, 1)];
const number = (fallback?: number, min = 0, max = Infinity): OptionRule => [fallback, (op, name, v) => checkNumber(op, name, v, min, max)];
const choice = (fallback: string, choices: readonly string[]): OptionRule => [fallback, (op, name, v) => checkChoice(op, name, v, choices)];

/** A factor in (0, 1]: LinearLR's start factor (0 would divide by zero, as in PyTorch). */
const openUnit: OptionRule = [1 / 3, (op, name, v) => {
  const x = checkNumber(op, name, v, 0, 1);
  if (x === 0) throw new RangeError(`${op}: ${name} must be in (0, 1], got 0`);
  return x;
}];

const RULES: Readonly<Record<ScheduleName, Readonly<Record<string, OptionRule>>>> = {
  step_lr: { stepSize: positiveInteger(), gamma: number(0.1) },
  exponential_lr: { gamma: number() },
  cosine_annealing_lr: { tMax: positiveInteger(), etaMin: number(0) },
  linear_lr: { startFactor: openUnit, endFactor: number(1, 0, 1), totalIters: positiveInteger(5) },
  reduce_lr_on_plateau: {
    mode: choice('min', ['min', 'max']), factor: [0.1, (op, name, v) => {
      const x = checkNumber(op, name, v, 0, 1);
      if (x === 1) throw new RangeError(`${op}: ${name} must be in [0, 1), got 1`); // PyTorch: "Factor should be < 1.0."
      return x;
    }], patience: [10, (op, name, v) => checkInteger(op, name, v, 0)],
    threshold: number(1e-4), thresholdMode: choice('rel', ['rel', 'abs']), cooldown: [0, (op, name, v) => checkInteger(op, name, v, 0)],
    minLr: number(0), eps: number(1e-8),
  },
};

const CLASS_NAME: Readonly<Record<ScheduleName, string>> = {
  step_lr: 'StepLR', exponential_lr: 'ExponentialLR', cosine_annealing_lr: 'CosineAnnealingLR',
  linear_lr: 'LinearLR', reduce_lr_on_plateau: 'ReduceLROnPlateau',
};

/** camelCase → snake_case (`stepSize` → `step_size`): how fixtures and specs spell options. */
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A learning-rate schedule over one optimizer. */
export class Schedule {
  readonly op: string;
  readonly options: Readonly<ScheduleOptions>;
  /** lr₀: the optimizer's rate when the schedule was made. */
  readonly baseLr: number;
  /** Epochs stepped so far. */
  lastEpoch = 0;
  // ReduceLROnPlateau's bookkeeping
  private best = Infinity;
  private numBadEpochs = 0;
  private cooldownCounter = 0;

  constructor(readonly optimizer: Optimizer, readonly name: ScheduleName, options: unknown = {}) {
    this.op = CLASS_NAME[name];
    if (typeof optimizer?.step !== 'function' || typeof optimizer.lr !== 'number') {
      throw new TypeError(`${this.op}: optimizer must be an rnnkit optimizer, got ${describe(optimizer)}`);
    }
    this.options = resolveOptions(this.op, name, options, 'options');
    this.baseLr = optimizer.lr;
    if (name === 'reduce_lr_on_plateau') this.best = this.options.mode === 'min' ? Infinity : -Infinity;
    // epoch 0: PyTorch's constructor steps once; only LinearLR changes the rate there
    if (name === 'linear_lr') optimizer.lr = this.baseLr * (this.options.startFactor as number);
  }

  /** The rate the optimizer's next step will use. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /**
   * Advances one epoch and sets the optimizer's rate. ReduceLROnPlateau needs the metric it
   * watches (e.g. the validation loss); the others take none.
   */
  step(metric?: number): void {
    const o = this.options;
    if (this.name === 'reduce_lr_on_plateau') {
      this.plateau(checkNumber(`${this.op}.step`, 'metric', metric));
      return;
    }
    if (metric !== undefined) throw new TypeError(`${this.op}.step: takes no metric (only ReduceLROnPlateau does), got ${describe(metric)}`);
    const s = ++this.lastEpoch, lr = this.optimizer.lr;
    let next = lr;
    if (this.name === 'step_lr') {
      if (s % (o.stepSize as number) === 0) next = lr * (o.gamma as number);
    } else if (this.name === 'exponential_lr') {
      next = lr * (o.gamma as number);
    } else if (this.name === 'cosine_annealing_lr') {
      const T = o.tMax as number, etaMin = o.etaMin as number;
      if ((s - 1 - T) % (2 * T) === 0) next = lr + (this.baseLr - etaMin) * (1 - Math.cos(Math.PI / T)) / 2;
      else next = (1 + Math.cos(Math.PI * s / T)) / (1 + Math.cos(Math.PI * (s - 1) / T)) * (lr - etaMin) + etaMin;
    } else {
      const f0 = o.startFactor as number, f1 = o.endFactor as number, n = o.totalIters as number;
      if (s <= n) next = lr * (1 + (f1 - f0) / (n * f0 + (s - 1) * (f1 - f0)));
    }
    this.optimizer.lr = next;
  }

  private plateau(metric: number): void {
    const o = this.options;
    this.lastEpoch++;
    const rel = o.thresholdMode === 'rel', th = o.threshold as number, best = this.best;
    const better = o.mode === 'min'
      ? metric < (rel ? best * (1 - th) : best - th)
      : metric > (rel ? best * (1 + th) : best + th);
    if (better) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > (o.patience as number)) {
      const lr = this.optimizer.lr, next = Math.max(lr * (o.factor as number), o.minLr as number);
      if (lr - next > (o.eps as number)) this.optimizer.lr = next;
      this.cooldownCounter = o.cooldown as number;
      this.numBadEpochs = 0;
    }
  }

  getState(): ScheduleState {
    const state = { name: this.name, options: { ...this.options }, baseLr: this.baseLr, lastEpoch: this.lastEpoch, lr: this.optimizer.lr };
    if (this.name !== 'reduce_lr_on_plateau') return state;
    const best = Number.isFinite(this.best) ? this.best : null;
    return { ...state, best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  /**
   * Restores a state written by getState of a schedule of the same name and options: its
   * epoch, its bookkeeping and the optimizer's rate. Checks everything before changing anything.
   */
  setState(state: ScheduleState): void {
    const op = `${this.op}.setState`;
    const s = checkRecord(op, 'state', state);
    const plateau = this.name === 'reduce_lr_on_plateau';
    checkKeys(op, 'state', s, ['name', 'options', 'baseLr', 'lastEpoch', 'lr', ...(plateau ? ['best', 'numBadEpochs', 'cooldownCounter'] : [])]);
    checkChoice(op, 'state.name', s.name, [this.name]);
    const options = resolveOptions(op, this.name, s.options, 'state.options');
    for (const key of Object.keys(options)) {
      if (options[key] !== this.options[key]) throw new RangeError(`${op}: state.options.${key} is ${options[key]} but this schedule has ${this.options[key]}`);
    }
    const baseLr = checkNumber(op, 'state.baseLr', s.baseLr, 0);
    if (baseLr !== this.baseLr) throw new RangeError(`${op}: state.baseLr is ${baseLr} but this schedule's optimizer started at ${this.baseLr}`);
    const lastEpoch = checkInteger(op, 'state.lastEpoch', s.lastEpoch, 0);
    const lr = checkNumber(op, 'state.lr', s.lr, 0);
    let best = this.best, bad = 0, cooldown = 0;
    if (plateau) {
      best = s.best === null ? (this.options.mode === 'min' ? Infinity : -Infinity) : checkNumber(op, 'state.best', s.best);
      bad = checkInteger(op, 'state.numBadEpochs', s.numBadEpochs, 0);
      cooldown = checkInteger(op, 'state.cooldownCounter', s.cooldownCounter, 0);
    }
    this.lastEpoch = lastEpoch;
    this.optimizer.lr = lr;
    [this.best, this.numBadEpochs, this.cooldownCounter] = [best, bad, cooldown];
  }
}

/** Checks options against a schedule's rules (no other keys; absent ones take their defaults). */
function resolveOptions(op: string, name: ScheduleName, options: unknown, where: string): ScheduleOptions {
  const o = checkRecord(op, where, options ?? {});
  const rules = RULES[name];
  checkKeys(op, where, o, Object.keys(rules));
  const out: ScheduleOptions = {};
  for (const [key, [fallback, check]] of Object.entries(rules)) {
    out[key] = o[key] === undefined && fallback !== undefined ? fallback : check(op, `${where}.${key}`, o[key]);
  }
  return out;
}

/** StepLR: lr₀·γ^⌊s/stepSize⌋. */
export class StepLR extends Schedule {
  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, 'step_lr', options);
  }
}

/** ExponentialLR: lr₀·γ^s. */
export class ExponentialLR extends Schedule {
  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer, 'exponential_lr', options);
  }
}

/** CosineAnnealingLR (without restarts): from lr₀ down to etaMin over tMax epochs, then back up. */
export class CosineAnnealingLR extends Schedule {
  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer, 'cosine_annealing_lr', options);
  }
}

/** LinearLR: warm-up from lr₀·startFactor to lr₀·endFactor over totalIters epochs. */
export class LinearLR extends Schedule {
  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer, 'linear_lr', options);
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number;
  eps?: number;
}

/** ReduceLROnPlateau: multiply the rate by `factor` when the metric stops improving. */
export class ReduceLROnPlateau extends Schedule {
  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer, 'reduce_lr_on_plateau', options);
  }
}

/** A spec in PyTorch's spelling: `{"name": "step_lr", "step_size": 2, "gamma": 0.5}`. */
export interface ScheduleSpec {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** Builds the schedule a spec describes (snake_case keys, as reference fixtures write them). */
export function createSchedule(optimizer: Optimizer, spec: ScheduleSpec): Schedule {
  const op = 'createSchedule';
  const name = checkChoice(op, 'spec.name', checkObject<ScheduleSpec>(op, 'spec', spec).name, scheduleNames);
  const keys = Object.keys(RULES[name]);
  checkKeys(op, 'spec', spec, ['name', ...keys.map(snake)]);
  const options = Object.fromEntries(keys.filter((k) => spec[snake(k)] !== undefined).map((k) => [k, spec[snake(k)]]));
  return new Schedule(optimizer, name, options);
}
