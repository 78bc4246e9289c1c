/**
 * `rnnkit experiment long-term`: the adding problem (lib/data/adding.ts) learned by a tanh RNN,
 * a GRU and an LSTM of the same size on the same batches, to show what gating buys over long
 * gaps. Each cell is scored by its test MSE beside the baseline of always answering 1, and by
 * how much gradient reaches the early steps: ‖∂L/∂a⟨t⟩‖ at the first, middle and last step.
 * Writes a loss chart and one gradient-norm heatmap per cell (SVG) into --out.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addingBatch, constantMse } from '../data/adding.js';
import { SequenceModel } from '../models/sequence-model.js';
import { Random } from '../random.js';
import { SequenceTrainer } from '../training/trainer.js';
import { UsageError, parseArgs } from './args.js';
import { g2pExperiment, g2pUsage } from './experiments/g2p.js';
import { namesExperiment, namesUsage } from './experiments/names.js';
import { writeFileAtomic } from './files.js';
import { heatmap } from './plots/heatmap.js';
import { lineChart } from './plots/line-chart.js';
import { Progress, formatDuration } from './progress.js';
import { Adam } from '../optimizers/adam.js';

export const EXPERIMENTS = ['long-term', 'names', 'g2p'] as const;
export const CELLS = ['rnn_tanh', 'gru', 'lstm'] as const;
export type Cell = (typeof CELLS)[number];

/**
 * The defaults, measured (docs/experiment.md): at T = 100 the tanh RNN stays at the baseline
 * while the GRU (from ~300 steps) and the LSTM (from ~1300, after a plateau) fall below a
 * hundredth of it, for seeds 1–3; about 3 minutes of one core in all.
 */
export const LONG_TERM_DEFAULTS = { seqLen: 100, steps: 2000, hidden: 32, batch: 32, lr: 0.01, seed: 1, out: 'rnnkit-out' };

/** Held-out sequences, drawn once from their own seed, and evaluated this many at a time. */
const TEST_SIZE = 2000, EVAL_CHUNK = 250;
/** Training steps averaged to decide when a cell came under a tenth of the baseline. */
const SOLVED_WINDOW = 50;
/** Columns of the gradient-norm heatmaps and points of the loss curves, at most. */
const HEATMAP_COLS = 150, LOSS_POINTS = 200;

const D = LONG_TERM_DEFAULTS;
export const experimentUsage = `usage: rnnkit experiment long-term [--seq-len T] [--steps N] [--hidden H] [--batch B] [--lr LR] [--seed S] [--out DIR] [--json] [--quiet]
  long-term   the adding problem: sum the two marked values of a length-T sequence; trains a
              tanh RNN, a GRU and an LSTM on the same batches and compares them
  --seq-len   sequence length T, 2…1000 (default ${D.seqLen})
  --steps     training steps per cell (default ${D.steps})
  --hidden    hidden units H of every cell (default ${D.hidden})
  --batch     sequences per training step (default ${D.batch})
  --lr        Adam learning rate, gradients clipped to norm 1 (default ${D.lr})
  --seed      seeds the weights, the batches and the test set (default ${D.seed})
  --out       folder for the SVG plots (default ./${D.out})
  --json      end with one line of JSON holding every number
  --quiet     no progress display on stderr

${namesUsage}

${g2pUsage}`;

export interface LongTermConfig {
  seqLen: number;
  steps: number;
  hidden: number;
  batch: number;
  lr: number;
  seed: number;
}

export interface CellResult {
  cell: Cell;
  test_mse: number;
  /** test_mse / baseline_mse */
  vs_baseline: number;
  /** Mean training loss over the last tenth of the steps. */
  final_train_loss: number;
  /**
   * The first step at which the mean training loss of the last SOLVED_WINDOW steps fell below
   * a tenth of the baseline, or null if it never did: when the cell broke away from the mean.
   */
  solved_at_step: number | null;
  /** ‖∂L/∂a⟨t⟩‖ at these t, averaged over the last tenth of the steps. */
  grad_norm_profile: { t: number[]; norm: number[] };
  skipped_steps: number;
  seconds: number;
}

/** What trainCell records besides the result: the curves behind the plots. */
interface CellRun {
  result: CellResult;
  /** Loss per training step [steps]. */
  losses: Float64Array;
  /** Mean ‖∂L/∂a⟨t⟩‖ per (t, column of steps), row-major [T, cols]. */
  gradNorms: Float64Array;
  cols: number;
}

/**
 * Test MSE of a trained model on (x [T, N, 2], y [N, 1]), in chunks of EVAL_CHUNK rows so the
 * forward workspace stays small (an LSTM keeps 4H gate values per row and step).
 */
export function testMse(model: SequenceModel, T: number, x: Float32Array, y: Float32Array): number {
  const N = y.length, C = Math.min(N, EVAL_CHUNK);
  const chunk = new Float32Array(T * C * 2);
  let s = 0;
  for (let b0 = 0; b0 < N; b0 += C) {
    const n = Math.min(C, N - b0);
    // gather rows b0 … b0+n−1 of every step: x[t, b0 + b] → chunk[t, b]
    for (let t = 0; t < T; t++) chunk.set(x.subarray((t * N + b0) * 2, (t * N + b0 + n) * 2), t * n * 2);
    const pred = model.forward({ data: chunk.subarray(0, T * n * 2), shape: [T, n, 2] }).y.data;
    for (let b = 0; b < n; b++) s += (pred[b] - y[b0 + b]) * (pred[b] - y[b0 + b]);
  }
  return s / N;
}

/** The three steps the profile reports: first, middle, last. */
function profileSteps(T: number): number[] {
  return [...new Set([0, Math.floor((T - 1) / 2), T - 1])];
}

/**
 * Trains one cell for cfg.steps Adam steps (clip norm 1) on batches drawn from
 * Random(seed + 1), so every cell sees the same data, and scores it on the test set.
 */
export function trainCell(cell: Cell, cfg: LongTermConfig, testX: Float32Array, testY: Float32Array, progress: Progress | null, baseline: number): CellRun {
  const { seqLen: T, steps, hidden: H, batch: B, lr, seed } = cfg;
  const t0 = process.hrtime.bigint();
  const model = new SequenceModel({ mode: cell, inputSize: 2, hiddenSize: H, outputSize: 1, topology: 'many_to_one', loss: 'mse', seed });
  const trainer = new SequenceTrainer(model, { optimizer: new Adam(model.params, { lr }), clipNorm: 1, nonFinite: 'skip' });
  const rng = new Random((seed + 1) >>> 0);
  const x = new Float32Array(T * B * 2), y = new Float32Array(B);
  const xt = { data: x, shape: [T, B, 2] }, yt = { data: y, shape: [B, 1] };

  const losses = new Float64Array(steps);
  const cols = Math.min(steps, HEATMAP_COLS);
  const gradNorms = new Float64Array(T * cols), counts = new Float64Array(cols);
  const tail = Math.max(1, Math.ceil(steps / 10));
  const profile = new Float64Array(T);
  let tailLoss = 0, tailCount = 0, skipped = 0, smooth = NaN;
  // the last SOLVED_WINDOW losses, a ring
  const W = Math.min(SOLVED_WINDOW, steps), ring = new Float64Array(W);
  let ringSum = 0, nonFiniteInRing = 0, solvedAt: number | null = null;

  for (let s = 0; s < steps; s++) {
    addingBatch(rng, T, B, x, y);
    const r = trainer.step(xt, yt);
    losses[s] = r.loss;
    if (r.skipped) skipped++;
    // ‖∂L/∂a⟨t⟩‖ of this step's backward: [1, T] for one layer, one direction
    const g = model.rnn.gradNorms().data;
    const col = Math.floor((s * cols) / steps);
    counts[col]++;
    for (let t = 0; t < T; t++) gradNorms[t * cols + col] += g[t];
    if (s >= steps - tail) {
      for (let t = 0; t < T; t++) profile[t] += g[t];
      if (Number.isFinite(r.loss)) { tailLoss += r.loss; tailCount++; }
    }
    // a non-finite loss keeps the window from counting as solved while it is in it
    const old = ring[s % W], l = Number.isFinite(r.loss) ? r.loss : NaN;
    if (Number.isNaN(old)) nonFiniteInRing--; else ringSum -= old;
    if (Number.isNaN(l)) nonFiniteInRing++; else ringSum += l;
    ring[s % W] = l;
    if (solvedAt === null && s + 1 >= W && nonFiniteInRing === 0 && ringSum / W < baseline / 10) solvedAt = s + 1;
    if (Number.isFinite(r.loss)) smooth = Number.isNaN(smooth) ? r.loss : 0.95 * smooth + 0.05 * r.loss;
    progress?.update(s + 1, `loss ${smooth.toFixed(4)}`);
  }
  for (let t = 0; t < T; t++) for (let c = 0; c < cols; c++) gradNorms[t * cols + c] /= counts[c];

  const mse = testMse(model, T, testX, testY);
  const ts = profileSteps(T);
  const result: CellResult = {
    cell,
    test_mse: mse,
    vs_baseline: mse / baseline,
    final_train_loss: tailCount ? tailLoss / tailCount : NaN,
    solved_at_step: solvedAt,
    grad_norm_profile: { t: ts, norm: ts.map((t) => profile[t] / tail) },
    skipped_steps: skipped,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
  return { result, losses, gradNorms, cols };
}

/** The mean of losses over up to LOSS_POINTS consecutive windows, as [step, mean] points. */
function lossCurve(losses: Float64Array): [number, number][] {
  const n = losses.length, k = Math.max(1, Math.ceil(n / LOSS_POINTS));
  const points: [number, number][] = [];
  for (let a = 0; a < n; a += k) {
    const b = Math.min(n, a + k);
    let s = 0, m = 0;
    for (let i = a; i < b; i++) if (Number.isFinite(losses[i])) { s += losses[i]; m++; }
    points.push([b, m ? s / m : NaN]);
  }
  return points;
}

function fmt(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  return v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) ? v.toExponential(2) : v.toPrecision(3);
}

function parseLongTerm(argv: string[]): { cfg: LongTermConfig; out: string; json: boolean; quiet: boolean; help: boolean } {
  const { flags, positionals } = parseArgs('experiment', argv, {
    'seq-len': { kind: 'integer', min: 2, max: 1000 },
    steps: { kind: 'integer', min: 1, max: 1e7 },
    hidden: { kind: 'integer', min: 1, max: 4096 },
    batch: { kind: 'integer', min: 1, max: 65536 },
    lr: { kind: 'number', min: 1e-8, max: 10 },
    seed: { kind: 'integer', min: 0, max: 0xffffffff },
    out: { kind: 'string' },
    json: { kind: 'boolean' },
    quiet: { kind: 'boolean' },
    help: { kind: 'boolean' },
  });
  const help = Boolean(flags.help);
  if (!help) {
    if (positionals.length === 0) throw new UsageError(`experiment: name an experiment (${EXPERIMENTS.join(', ')})\n${experimentUsage}`);
    const name = positionals[0];
    if (!(EXPERIMENTS as readonly string[]).includes(name)) throw new UsageError(`experiment: unknown experiment "${name}" (experiments: ${EXPERIMENTS.join(', ')})`);
    if (positionals.length > 1) throw new UsageError(`experiment: unexpected argument "${positionals[1]}" after ${name}`);
  }
  const out = (flags.out as string | undefined) ?? D.out;
  if (out === '') throw new UsageError('experiment: --out needs a folder name, got ""');
  let st;
  try { st = statSync(out); } catch { st = null; }
  if (st && !st.isDirectory()) throw new UsageError(`experiment: --out ${out} exists and is not a folder`);
  return {
    cfg: {
      seqLen: (flags['seq-len'] as number | undefined) ?? D.seqLen,
      steps: (flags.steps as number | undefined) ?? D.steps,
      hidden: (flags.hidden as number | undefined) ?? D.hidden,
      batch: (flags.batch as number | undefined) ?? D.batch,
      lr: (flags.lr as number | undefined) ?? D.lr,
      seed: (flags.seed as number | undefined) ?? D.seed,
    },
    out,
    json: Boolean(flags.json),
    quiet: Boolean(flags.quiet),
    help,
  };
}

/** The experiments on real data (lib/cli/experiments), each with its own flags. */
const REAL_DATA: Record<string, (argv: string[], out: (line: string) => void) => Promise<number>> = { names: namesExperiment, g2p: g2pExperiment };

export async function experimentCommand(argv: string[], out: (line: string) => void): Promise<number> {
  if (argv.length > 0 && Object.prototype.hasOwnProperty.call(REAL_DATA, argv[0])) return REAL_DATA[argv[0]](argv.slice(1), out);
  const { cfg, out: dir, json, quiet, help } = parseLongTerm(argv);
  if (help) { out(experimentUsage); return 0; }
  const { seqLen: T, steps, hidden: H, batch: B, lr, seed } = cfg;

  const testX = new Float32Array(T * TEST_SIZE * 2), testY = new Float32Array(TEST_SIZE);
  addingBatch(new Random((seed ^ 0x7e57) >>> 0), T, TEST_SIZE, testX, testY);
  const baseline = constantMse(testY, 1);

  out(`adding problem, T = ${T}: ${steps} steps of ${B} sequences per cell, hidden ${H}, Adam lr ${lr}, clip norm 1, seed ${seed}`);
  out(`baseline (always answer 1): test MSE ${fmt(baseline)} on ${TEST_SIZE} held-out sequences (1/6 ≈ 0.167 expected)`);

  const runs: CellRun[] = [];
  for (const cell of CELLS) {
    const progress = quiet ? null : new Progress({ total: steps, label: cell.padEnd(8) });
    const run = trainCell(cell, cfg, testX, testY, progress, baseline);
    progress?.done();
    runs.push(run);
    // give a pending SIGINT or timer a chance between cells
    await new Promise((resolve) => setImmediate(resolve));
  }

  const ts = runs[0].result.grad_norm_profile.t;
  const head = ['cell    ', 'test MSE ', '× baseline', 'solved at', ...ts.map((t) => `‖∂L/∂a⟨${t}⟩‖`.padEnd(11)), 'time'];
  out(head.join('  '));
  for (const { result: r } of runs) {
    out([
      r.cell.padEnd(8), fmt(r.test_mse).padEnd(9), fmt(r.vs_baseline).padEnd(10),
      (r.solved_at_step === null ? '-' : `step ${r.solved_at_step}`).padEnd(9),
      ...r.grad_norm_profile.norm.map((v) => fmt(v).padEnd(11)), formatDuration(r.seconds),
      ...(r.skipped_steps ? [`(${r.skipped_steps} steps skipped: non-finite)`] : []),
    ].join('  '));
  }
  out(`solved at: the first step where the mean training loss of the last ${Math.min(SOLVED_WINDOW, steps)} steps fell under a tenth of the baseline`);
  out(`‖∂L/∂a⟨t⟩‖: the loss gradient reaching step t, mean over the last ${Math.max(1, Math.ceil(steps / 10))} training steps`);
  const solved = runs.filter((r) => r.result.vs_baseline < 0.1).map((r) => r.result.cell);
  const failed = runs.filter((r) => !(r.result.vs_baseline < 0.1)).map((r) => r.result.cell);
  out(`under a tenth of the baseline: ${solved.join(', ') || 'none'}; not: ${failed.join(', ') || 'none'}`);

  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const lossPath = join(dir, 'long-term-loss.svg');
  writeFileAtomic(lossPath, lineChart({
    title: `Adding problem, T = ${T}: training loss (hidden ${H}, batch ${B}, Adam lr ${lr})`,
    xLabel: 'training step',
    yLabel: 'training MSE (window mean, log scale)',
    logY: true,
    series: [
      ...runs.map((r) => ({ name: r.result.cell, points: lossCurve(r.losses) })),
      { name: 'baseline: answer 1', points: [[0, baseline], [steps, baseline]] as [number, number][], color: '#555555', dashed: true },
    ],
  }));
  files.push(lossPath);

  // one colour scale for all three maps, so they compare at a glance; 8 decades below the top
  let top = 0;
  for (const r of runs) for (const v of r.gradNorms) if (Number.isFinite(v) && v > top) top = v;
  let bottom = Infinity;
  for (const r of runs) for (const v of r.gradNorms) if (Number.isFinite(v) && v > 0 && v < bottom) bottom = v;
  const domain: [number, number] = top > 0 ? [Math.max(bottom, top * 1e-8), top] : [0.1, 1];
  for (const r of runs) {
    const path = join(dir, `long-term-gradnorm-${r.result.cell}.svg`);
    writeFileAtomic(path, heatmap({
      title: `${r.result.cell}: ‖∂L/∂a⟨t⟩‖ per time step through training (T = ${T})`,
      xLabel: 'training step',
      yLabel: 'time step t',
      rows: T,
      cols: r.cols,
      values: r.gradNorms,
      colorScale: 'log',
      colorLabel: '‖∂L/∂a⟨t⟩‖ (log scale)',
      domain,
      xDomain: [0, steps],
      yDomain: [-0.5, T - 0.5],
    }));
    files.push(path);
  }
  for (const f of files) out(`wrote ${f}`);

  if (json) {
    out(JSON.stringify({
      task: 'adding',
      seq_len: T,
      steps,
      hidden: H,
      batch: B,
      lr,
      seed,
      test_size: TEST_SIZE,
      baseline_mse: baseline,
      results: runs.map((r) => r.result),
      files,
    }));
  }
  return 0;
}
