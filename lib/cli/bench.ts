/**
 * `rnnkit bench [--config big|small] [--cell lstm|gru|rnn] [--json]`: times one training step
 * (forward, BPTT, SGD update, MSE over all outputs) and one inference pass of a recurrent
 * layer at the configurations the peers were measured at, and reports ms and GFLOP/s.
 *   big:   B = 32, T = 64, I = 128, H = 256
 *   small: B = 1,  T = 32, I = 16,  H = 32
 * FLOPs count 2·B·T·(I+H)·G·H per forward (G = 4 LSTM, 3 GRU, 1 RNN), ×3 for a training step.
 */
import { getBackend } from '../kernels/backend.js';
import { Recurrent } from '../layers/recurrent.js';
import { SGD } from '../optimizers/sgd.js';
import { Random } from '../random.js';
import type { Tensor } from '../tensor.js';
import { UsageError, parseArgs } from './args.js';
import { SEQ2SEQ_BENCH, Seq2SeqHarness } from './bench-seq2seq.js';

export const benchUsage = `usage: rnnkit bench [--config big|small|seq2seq] [--cell lstm|gru|rnn] [--json]
  --config   big (B=32 T=64 I=128 H=256, default), small (B=1 T=32 I=16 H=32), or seq2seq:
             the encoder-decoder with general attention and input feeding (B=32, S=T=12,
             E=64, bidirectional LSTM encoder 2x128; --cell does not apply)
  --cell     lstm (default), gru or rnn (tanh)
  --json     one JSON object on the last line`;

export const BENCH_CONFIGS = {
  big: { B: 32, T: 64, I: 128, H: 256 },
  small: { B: 1, T: 32, I: 16, H: 32 },
} as const;

const MODES: Record<string, { mode: string; G: number }> = {
  lstm: { mode: 'lstm', G: 4 }, gru: { mode: 'gru', G: 3 }, rnn: { mode: 'rnn_tanh', G: 1 },
};

export interface BenchResult {
  /** The kernels that ran: 'js' or 'wasm'. */
  backend: 'js' | 'wasm';
  config: 'big' | 'small';
  cell: string;
  train_ms: number;
  infer_ms: number;
  train_gflops: number;
  infer_gflops: number;
}

/** A training-step harness: forward, MSE against a fixed target, BPTT, SGD. */
export class TrainStepHarness {
  readonly net: Recurrent;
  readonly x: Tensor;
  private readonly target: Float32Array;
  private readonly dOutput: Tensor;
  private readonly sgd: SGD;

  constructor(cell: string, config: 'big' | 'small', seed = 1) {
    const { B, T, I, H } = BENCH_CONFIGS[config];
    this.net = new Recurrent({ mode: MODES[cell].mode, inputSize: I, hiddenSize: H, seed });
    const rng = new Random(seed);
    this.x = { data: Float32Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), shape: [T, B, I] };
    this.target = Float32Array.from({ length: T * B * H }, () => rng.uniform(-0.5, 0.5));
    this.dOutput = { data: new Float32Array(T * B * H), shape: [T, B, H] };
    this.sgd = new SGD(this.net.params, { lr: 0.01 });
  }

  /** One inference pass. */
  infer(): void {
    this.net.forward(this.x);
  }

  /** One training step; returns the loss (mean squared error over all outputs). */
  train(): number {
    const { output } = this.net.forward(this.x);
    const y = output.data, d = this.dOutput.data, t = this.target, n = y.length;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const e = y[i] - t[i];
      loss += e * e;
      d[i] = (2 * e) / n;
    }
    this.net.zeroGrad();
    this.net.backward(this.dOutput);
    this.sgd.step();
    return loss / n;
  }
}

/** Median milliseconds of `fn` over repeated runs (at least `minRuns`, about `budgetMs` in all). */
export function medianMs(fn: () => void, budgetMs = 1500, minRuns = 5): number {
  fn(); // warm-up: workspaces and JIT
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || (performance.now() - start < budgetMs && times.length < 1000)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function runBench(cell: string, config: 'big' | 'small', budgetMs = 1500): BenchResult {
  const { B, T, I, H } = BENCH_CONFIGS[config];
  const flops = 2 * B * T * (I + H) * MODES[cell].G * H;
  const harness = new TrainStepHarness(cell, config);
  const infer = medianMs(() => harness.infer(), budgetMs);
  const train = medianMs(() => harness.train(), budgetMs);
  return {
    backend: getBackend(), config, cell, train_ms: train, infer_ms: infer,
    train_gflops: (3 * flops) / (train * 1e6), infer_gflops: flops / (infer * 1e6),
  };
}

export function benchCommand(argv: string[], out: (line: string) => void): number {
  const { flags, positionals } = parseArgs('bench', argv, {
    config: { kind: 'string', choices: ['big', 'small', 'seq2seq'] },
    cell: { kind: 'string', choices: Object.keys(MODES) },
    json: { kind: 'boolean' },
    help: { kind: 'boolean' },
  });
  if (flags.help) { out(benchUsage); return 0; }
  if (positionals.length > 0) throw new UsageError(`bench: unexpected argument "${positionals[0]}" (use --config and --cell)`);
  if (flags.config === 'seq2seq') return benchSeq2Seq(flags, out);
  const config = (flags.config as 'big' | 'small' | undefined) ?? 'big';
  const cell = (flags.cell as string | undefined) ?? 'lstm';
  const { B, T, I, H } = BENCH_CONFIGS[config];
  const r = runBench(cell, config);
  const line = `${cell} ${config} [${r.backend}] (B=${B} T=${T} I=${I} H=${H}): train step ${r.train_ms.toFixed(3)} ms (${r.train_gflops.toFixed(2)} GFLOP/s), inference ${r.infer_ms.toFixed(3)} ms (${r.infer_gflops.toFixed(2)} GFLOP/s)`;
  if (flags.json) {
    process.stderr.write(line + '\n');
    out(JSON.stringify(r));
  } else out(line);
  return 0;
}

/** `--config seq2seq`: a teacher-forced training step and forward of the attention encoder-decoder. */
function benchSeq2Seq(flags: Record<string, unknown>, out: (line: string) => void): number {
  if (flags.cell !== undefined) throw new UsageError('bench: --cell does not apply to --config seq2seq (its cell is the LSTM of the seq2seq fixtures); leave it out');
  const h = new Seq2SeqHarness();
  const infer = medianMs(() => h.infer(), 1500), train = medianMs(() => h.train(), 1500);
  const r = {
    backend: getBackend(), config: 'seq2seq', cell: 'lstm', train_ms: train, infer_ms: infer,
    train_gflops: (3 * h.flops) / (train * 1e6), infer_gflops: h.flops / (infer * 1e6),
  };
  const { B, S, T, E, H } = SEQ2SEQ_BENCH;
  const line = `seq2seq general attention, input feeding [${r.backend}] (B=${B} S=${S} T=${T} E=${E} H=2x${H}): train step ${train.toFixed(3)} ms (${r.train_gflops.toFixed(2)} GFLOP/s), teacher-forced forward ${infer.toFixed(3)} ms (${r.infer_gflops.toFixed(2)} GFLOP/s)`;
  if (flags.json) {
    process.stderr.write(line + '\n');
    out(JSON.stringify(r));
  } else out(line);
  return 0;
}
