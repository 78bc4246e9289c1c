/**
 * The training loop of the task commands: epochs of shuffled batches, validation every
 * `evalEvery` steps and at the end, the best parameters by validation loss kept aside and put
 * back at the end, a clean stop at `--time-limit` seconds or on Ctrl-C, and progress on stderr
 * (a bar on a terminal, plain lines otherwise).
 */
import type { Param } from '../../param.js';
import { Progress, formatDuration } from '../progress.js';

export interface Validation {
  /** Loss per unit (per example or per token). */
  loss: number;
  /** Extra scores for the log line, e.g. {accuracy: 0.91}. */
  scores?: Record<string, number>;
}

export interface FitOptions {
  params: readonly Param[];
  batchesPerEpoch: number;
  epochs: number;
  /** Seconds of training (validation included) after which to stop, or null. */
  timeLimit: number | null;
  evalEvery: number;
  /** Called at the start of every epoch (reshuffle). */
  startEpoch(epoch: number): void;
  /** Trains on batch `i` of the current epoch; returns its loss per unit. */
  trainStep(i: number): number;
  validate(): Validation;
  /** Called with every validation (a ReduceLROnPlateau schedule steps here). */
  afterValidation?(v: Validation): void;
  /** Where log lines go (stderr when stdout is for --json). */
  log(line: string): void;
  quiet?: boolean;
  label?: string;
}

export interface FitHistory {
  /** [step, training loss] */
  train: [number, number][];
  /** [step, validation loss] */
  validation: [number, number][];
  /** [step, seconds since the start] at each validation */
  time: [number, number][];
  /** [step, the validation's extra scores] at each validation that had some */
  scores: [number, Record<string, number>][];
}

export interface FitResult {
  steps: number;
  epochs: number;
  seconds: number;
  stoppedBy: 'epochs' | 'time-limit' | 'interrupt';
  bestStep: number;
  best: Validation;
  last: Validation;
  trainLoss: number;
  history: FitHistory;
}

export async function fit(o: FitOptions): Promise<FitResult> {
  const total = o.epochs * o.batchesPerEpoch;
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const history: FitHistory = { train: [], validation: [], time: [], scores: [] };
  const bestValues = o.params.map((p) => p.value.slice());
  let best: Validation = { loss: Infinity }, last: Validation = { loss: Infinity }, bestStep = 0;
  let step = 0, trainLoss = NaN, smoothed = NaN, lastEval = -1;
  let stoppedBy: FitResult['stoppedBy'] = 'epochs';
  // plain output (not a terminal): the validation lines only, and one line at the end
  const progress = o.quiet ? null : new Progress({ total, every: Number.MAX_SAFE_INTEGER, label: o.label });
  const evaluate = () => {
    last = o.validate();
    lastEval = step;
    history.validation.push([step, last.loss]);
    history.time.push([step, elapsed()]);
    if (last.scores) history.scores.push([step, last.scores]);
    o.afterValidation?.(last);
    const improved = last.loss < best.loss || !Number.isFinite(best.loss);
    if (improved) {
      best = last; bestStep = step;
      o.params.forEach((p, i) => bestValues[i].set(p.value));
    }
    const scores = Object.entries(last.scores ?? {}).map(([k, v]) => `  ${k} ${v.toFixed(4)}`).join('');
    const line = `step ${step} epoch ${(step / o.batchesPerEpoch).toFixed(2)}  train loss ${smoothed.toFixed(4)}  valid loss ${last.loss.toFixed(4)}${scores}` +
      `  ${formatDuration(elapsed())}${improved ? '  (best)' : ''}`;
    if (progress) progress.log(line); else o.log(line);
  };
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  try {
    outer: for (let epoch = 0; epoch < o.epochs; epoch++) {
      o.startEpoch(epoch);
      for (let i = 0; i < o.batchesPerEpoch; i++) {
        if (interrupted) { stoppedBy = 'interrupt'; break outer; }
        if (o.timeLimit !== null && elapsed() >= o.timeLimit) { stoppedBy = 'time-limit'; break outer; }
        trainLoss = o.trainStep(i);
        step++;
        smoothed = Number.isFinite(smoothed) ? 0.95 * smoothed + 0.05 * trainLoss : trainLoss;
        history.train.push([step, trainLoss]);
        if (step % o.evalEvery === 0) evaluate();
        progress?.update(step, `loss ${smoothed.toFixed(4)}${Number.isFinite(last.loss) ? `  valid ${last.loss.toFixed(4)}` : ''}`);
        if (step % 16 === 0) await new Promise((resolve) => setImmediate(resolve)); // lets Ctrl-C through
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress?.done();
  }
  if (lastEval !== step) evaluate();
  o.params.forEach((p, i) => p.value.set(bestValues[i]));
  return { steps: step, epochs: step / o.batchesPerEpoch, seconds: elapsed(), stoppedBy, bestStep, best, last, trainLoss: smoothed, history };
}
