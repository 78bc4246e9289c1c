/**
 * rnnkit beside TensorFlow.js (cpu and wasm backends) and brain.js, measured in one process run.
 *
 *   cd bench/peers && npm install && npm run bench:peers [-- options]
 *
 * The repository must have been built first (`npm run build` in the root): rnnkit is imported
 * from the built CLI module dist/esm/cli/bench.js, the same harness `rnnkit bench` times.
 *
 * Options:
 *   --cells lstm,gru,rnn        cells to measure (default: all three)
 *   --configs big,small         configurations (default: both)
 *   --peers tfjs-cpu,tfjs-wasm,brain   peers beside rnnkit (default: all three; rnnkit always runs)
 *   --big-budget MS             time budget per big measurement (default 4000)
 *   --small-budget MS           time budget per small measurement (default 1500)
 *   --min-runs-big N            measured runs at least, big (default 3)
 *   --min-runs-small N          measured runs at least, small (default 5)
 *   --no-doc                    print only; do not rewrite docs/benchmarks.md
 *   --json FILE                 also write every result as JSON to FILE
 *   --from-json FILE            measure nothing: render the table and doc section from a --json file
 *   --rnnkit DIR                the rnnkit checkout whose dist/ to import (default: this repository);
 *                               e.g. a `git worktree` of HEAD, built, to leave out others' uncommitted work
 *
 * See README.md beside this file for what is measured and how each peer is set up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- options
function parseOptions(argv) {
  const o = {
    cells: ['lstm', 'gru', 'rnn'], configs: ['big', 'small'], peers: ['tfjs-cpu', 'tfjs-wasm', 'brain'],
    bigBudget: 4000, smallBudget: 1500, minRunsBig: 3, minRunsSmall: 5, doc: true, json: null, rnnkit: null, fromJson: null,
  };
  const list = (v, allowed, name) => {
    const xs = v.split(',').filter(Boolean);
    for (const x of xs) if (!allowed.includes(x)) throw new Error(`--${name}: unknown '${x}' (one of ${allowed.join(', ')})`);
    return xs;
  };
  const num = (v, name) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a non-negative number: '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--cells': o.cells = list(v(), ['lstm', 'gru', 'rnn'], 'cells'); break;
      case '--configs': o.configs = list(v(), ['big', 'small'], 'configs'); break;
      case '--peers': o.peers = list(v(), ['tfjs-cpu', 'tfjs-wasm', 'brain'], 'peers'); break;
      case '--big-budget': o.bigBudget = num(v(), 'big-budget'); break;
      case '--small-budget': o.smallBudget = num(v(), 'small-budget'); break;
      case '--min-runs-big': o.minRunsBig = Math.max(1, Math.floor(num(v(), 'min-runs-big'))); break;
      case '--min-runs-small': o.minRunsSmall = Math.max(1, Math.floor(num(v(), 'min-runs-small'))); break;
      case '--no-doc': o.doc = false; break;
      case '--json': o.json = v(); break;
      case '--rnnkit': o.rnnkit = path.resolve(v()); break;
      case '--from-json': o.fromJson = path.resolve(v()); break;
      case '--help': case '-h':
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  return o;
}
const opts = parseOptions(process.argv.slice(2));
// `root` is the rnnkit that is measured; docs/benchmarks.md is always this repository's.
const root = opts.rnnkit ?? repoRoot;

// ---------------------------------------------------------------- rnnkit (built CLI module)
let TrainStepHarness, medianMs, BENCH_CONFIGS;
function git(args) {
  try { return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); } catch { return null; }
}
/** Imports the built bench module and says what was imported (read at once: others may commit or rebuild meanwhile). */
async function importRnnkit() {
  const benchModule = path.join(root, 'dist/esm/cli/bench.js');
  if (!fs.existsSync(benchModule)) {
    console.error(`${path.relative(process.cwd(), benchModule)} is missing: run \`npm run build\` in the repository root first.`);
    process.exit(2);
  }
  ({ TrainStepHarness, medianMs, BENCH_CONFIGS } = await import(pathToFileURL(benchModule).href));
  const head = git(['rev-parse', '--short', 'HEAD'])?.trim();
  const dirtyLib = (git(['status', '--porcelain', '--', 'lib']) ?? '').split('\n').filter(Boolean).map((l) => l.slice(3));
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const distTime = fs.statSync(benchModule).mtime;
  return `${version} (commit ${head ?? '?'}${dirtyLib.length ? `, built from a working tree with uncommitted changes to ${dirtyLib.length} lib/ files: ${dirtyLib.join(', ')}` : ''}; dist built ${distTime.toISOString()})`;
}

const GATES = { lstm: 4, gru: 3, rnn: 1 };
const flopsForward = (cfg, cell) => 2 * cfg.B * cfg.T * (cfg.I + cfg.H) * GATES[cell] * cfg.H;

/** rnnkit's medianMs (one warm-up, then at least minRuns and about budgetMs), also counting the runs. */
function measure(fn, budgetMs, minRuns) {
  let calls = 0;
  const ms = medianMs(() => { calls++; fn(); }, budgetMs, minRuns);
  return { ms, runs: calls - 1 };
}

// ---------------------------------------------------------------- peers
const versionOf = (name) => {
  try { return JSON.parse(fs.readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return null; }
};

/** Deterministic data shared by the peers (batch-major [B][T][I] and [B][T][H]). */
function makeData(cfg, seed = 1) {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
  const x = new Float32Array(cfg.B * cfg.T * cfg.I).map(() => rand() * 2 - 1);
  const y = new Float32Array(cfg.B * cfg.T * cfg.H).map(() => rand() - 0.5);
  return { x, y };
}

let tf = null;
const tfjsState = { wasmReady: false, wasmError: null, wasmBinary: null };
async function loadTf() {
  if (tf) return tf;
  // The tfjs-node hint ("install our node backend") is a console.log at import; keep it out of the table.
  const log = console.log; console.log = () => {};
  try { tf = await import('@tensorflow/tfjs'); } finally { console.log = log; }
  return tf;
}

async function useBackend(name) {
  await loadTf();
  if (name === 'wasm' && !tfjsState.wasmReady && !tfjsState.wasmError) {
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // The .wasm binaries ship inside the npm package; load them from disk, no network.
      const dir = path.join(here, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + path.sep;
      wasm.setWasmPaths(dir);
      tfjsState.wasmReady = true;
    } catch (e) { tfjsState.wasmError = e; }
  }
  if (name === 'wasm' && tfjsState.wasmError) throw tfjsState.wasmError;
  const log = console.log; console.log = () => {};
  let ok;
  try { ok = await tf.setBackend(name); await tf.ready(); } finally { console.log = log; }
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    tfjsState.wasmBinary = threads ? (simd ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm.wasm')
      : (simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm');
  }
}

/**
 * tfjs: one tf.layers.{lstm,gru,simpleRNN} layer with returnSequences (recurrentActivation
 * 'sigmoid' like rnnkit, instead of tfjs' default hardSigmoid), x [B,T,I] -> [B,T,H].
 * Training step: optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x))) with
 * tf.train.sgd over the layer's trainable variables (synchronous, so rnnkit's medianMs times it).
 * Inference: model.apply(x) inside tf.tidy, then dataSync() so the result is really computed.
 */
function tfjsPeer(cell, cfg, data) {
  const { B, T, I, H } = cfg;
  const common = { units: H, returnSequences: true, inputShape: [T, I], kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' };
  const layer = cell === 'lstm' ? tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' })
    : cell === 'gru' ? tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' })
      : tf.layers.simpleRNN({ ...common, activation: 'tanh' });
  const model = tf.sequential({ layers: [layer] });
  const x = tf.tensor3d(data.x, [B, T, I]);
  const y = tf.tensor3d(data.y, [B, T, H]);
  const opt = tf.train.sgd(0.01);
  const vars = model.trainableWeights.map((w) => w.read());
  let lastLoss = NaN;
  return {
    train() {
      const cost = opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true })), true, vars);
      lastLoss = cost.dataSync()[0];
      cost.dispose();
    },
    infer() { tf.tidy(() => { model.apply(x).dataSync(); }); },
    loss: () => lastLoss,
    dispose() { model.dispose(); x.dispose(); y.dispose(); opt.dispose(); },
  };
}

let brain = null;
/**
 * brain.js: recurrent.{LSTM,GRU,RNN}TimeStep({ inputSize: I, hiddenLayers: [H], outputSize: 1 }).
 * It has no batching: a step runs the B sequences one after another. Per sequence the training
 * step is what brain.js' own trainPattern does (equation.predictTarget at each of the T steps,
 * backpropagate through all T, adjustWeights), driven directly so that each sequence has exactly
 * T steps. brain.js updates weights once per sequence with its fixed RMSProp (+ clipping, L2),
 * so a big step is B = 32 updates. Inference: equation.runInput at each of the T steps, B sequences.
 */
function brainPeer(cell, cfg, data) {
  const { B, T, I, H } = cfg;
  const Ctor = { lstm: brain.recurrent.LSTMTimeStep, gru: brain.recurrent.GRUTimeStep, rnn: brain.recurrent.RNNTimeStep }[cell];
  // learningRate 0.001 (default 0.01) keeps the small ReLU RNN from diverging during the timed
  // steps; the big one still ends in NaN (RMSProp moves each weight by up to lr per update, and a
  // big step is 32 updates). The work per step does not depend on it: a big ReLU RNN step took
  // 1.7–2.1 s at lr 1e-3 (diverging) and 1e-5 (not) alike.
  const net = new Ctor({ inputSize: I, hiddenLayers: [H], outputSize: 1, learningRate: 0.001 });
  net.initialize();
  while (net.model.equations.length < T) net.bindEquation();
  if (net.model.equations.length !== T) throw new Error('brain.js: unexpected number of equations');
  const eq = net.model.equations;
  // Inputs per sequence and step; the target per step is the mean of that step's H target values.
  const xs = [], ys = [];
  for (let b = 0; b < B; b++) {
    const xb = [], yb = [];
    for (let t = 0; t < T; t++) {
      xb.push(data.x.slice((b * T + t) * I, (b * T + t + 1) * I));
      let m = 0;
      for (let h = 0; h < H; h++) m += data.y[(b * T + t) * H + h];
      yb.push([m / H]);
    }
    xs.push(xb); ys.push(yb);
  }
  let lastLoss = NaN;
  return {
    train() {
      let err = 0;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) err += eq[t].predictTarget(xs[b][t], ys[b][t]);
        net.backpropagate();
        net.adjustWeights();
      }
      lastLoss = err / (B * T); // brain.js' own error measure: mean absolute error
    },
    infer() {
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) eq[t].runInput(xs[b][t]);
    },
    loss: () => lastLoss,
    dispose() {},
  };
}

// ---------------------------------------------------------------- run
const fmtMs = (ms) => (ms == null ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const fmtG = (g) => (g == null ? '—' : g >= 10 ? g.toFixed(1) : g.toFixed(2));
const fmtRatio = (r) => (r == null ? '—' : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(1)}×`);

function loadSummary(xs) {
  if (!xs.length) return '—';
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `min ${Math.min(...xs).toFixed(2)}, mean ${mean.toFixed(2)}, max ${Math.max(...xs).toFixed(2)}`;
}

/** Measures every case; returns the report that --json writes and --from-json reads. */
async function measureAll() {
  const rnnkitDescription = await importRnnkit();
  const results = [];
  const notes = [];
  const started = new Date();
  const load0 = os.loadavg();
  const t0 = performance.now();

  function record(config, cell, peer, train, infer, extra = {}) {
    const cfg = BENCH_CONFIGS[config];
    const f = flopsForward(cfg, cell);
    const r = {
      config, cell, peer,
      train_ms: train?.ms ?? null, train_runs: train?.runs ?? 0,
      infer_ms: infer?.ms ?? null, infer_runs: infer?.runs ?? 0,
      train_gflops: train ? (3 * f) / (train.ms * 1e6) : null,
      infer_gflops: infer ? f / (infer.ms * 1e6) : null,
      ...extra,
      load1: os.loadavg()[0],
    };
    results.push(r);
    const line = `${config.padEnd(5)} ${cell.padEnd(4)} ${peer.padEnd(9)} train ${fmtMs(r.train_ms).padStart(8)} ms (${String(r.train_runs).padStart(3)} runs, ${fmtG(r.train_gflops).padStart(5)} GFLOP/s)  infer ${fmtMs(r.infer_ms).padStart(8)} ms (${String(r.infer_runs).padStart(3)} runs, ${fmtG(r.infer_gflops).padStart(5)} GFLOP/s)${r.error ? '  ' + r.error : ''}`;
    console.error(line);
    return r;
  }

  const wantTf = opts.peers.some((p) => p.startsWith('tfjs'));
  if (wantTf) await loadTf();
  if (opts.peers.includes('brain')) {
    try { brain = require('brain.js'); } catch (e) { notes.push(`brain.js could not be loaded: ${e.message.split('\n')[0]}`); }
  }

  console.error(`rnnkit beside peers on ${os.cpus()[0].model} (${os.cpus().length} cores), Node ${process.version}, load ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  for (const config of opts.configs) {
    const cfg = BENCH_CONFIGS[config];
    const budget = config === 'big' ? opts.bigBudget : opts.smallBudget;
    const minRuns = config === 'big' ? opts.minRunsBig : opts.minRunsSmall;
    for (const cell of opts.cells) {
      // rnnkit first, with the very harness `rnnkit bench` uses.
      {
        const h = new TrainStepHarness(cell, config);
        const infer = measure(() => h.infer(), budget, minRuns);
        let loss = NaN;
        const train = measure(() => { loss = h.train(); }, budget, minRuns);
        if (!Number.isFinite(loss)) throw new Error(`rnnkit ${cell} ${config}: loss ${loss}`);
        record(config, cell, 'rnnkit', train, infer, { loss });
      }
      const data = makeData(cfg);
      for (const peer of opts.peers) {
        if (peer === 'brain' && !brain) { record(config, cell, peer, null, null, { error: 'not loaded' }); continue; }
        let p = null;
        try {
          if (peer.startsWith('tfjs')) { await useBackend(peer === 'tfjs-cpu' ? 'cpu' : 'wasm'); p = tfjsPeer(cell, cfg, data); }
          else p = brainPeer(cell, cfg, data);
          const infer = measure(() => p.infer(), budget, minRuns);
          const train = measure(() => p.train(), budget, minRuns);
          const loss = p.loss();
          if (!Number.isFinite(loss)) notes.push(`${peer} ${cell} ${config}: the loss after the timed steps is ${loss} (diverged); the timings stand`);
          record(config, cell, peer, train, infer, { loss });
        } catch (e) {
          const msg = (e && e.message ? e.message : String(e)).split('\n')[0];
          record(config, cell, peer, null, null, { error: msg });
          notes.push(`${peer} ${cell} ${config}: ${msg}`);
        } finally {
          if (p) p.dispose();
        }
      }
    }
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const load1 = os.loadavg();

  const versions = {
    rnnkit: rnnkitDescription,
    '@tensorflow/tfjs': versionOf('@tensorflow/tfjs'),
    '@tensorflow/tfjs-backend-wasm': versionOf('@tensorflow/tfjs-backend-wasm') + (tfjsState.wasmBinary ? ` (${tfjsState.wasmBinary}, single-threaded: tfjs disables wasm threads under Node)` : ''),
    'brain.js': versionOf('brain.js'),
  };
  const cpu = os.cpus();
  const env = {
    machine: `${cpu[0].model}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: started.toISOString().replace(/\.\d+Z$/, 'Z'),
    load: `load average (1/5/15 min) ${load0.map((l) => l.toFixed(2)).join(' / ')} at the start, ${load1.map((l) => l.toFixed(2)).join(' / ')} at the end; `
      + `1-min load after each row: ${loadSummary(results.map((r) => r.load1))}`,
    duration: `${elapsedS.toFixed(0)} s`,
  };
  return { env, versions, options: opts, configs: BENCH_CONFIGS, results, notes };
}

const report = opts.fromJson ? JSON.parse(fs.readFileSync(opts.fromJson, 'utf8')) : await measureAll();
if (opts.json && !opts.fromJson) fs.writeFileSync(opts.json, JSON.stringify(report, null, 2) + '\n');
{
  const { env, versions, results, notes } = report;
  const ro = report.options;
  // (reports written before `configs` was stored used these, the same as BENCH_CONFIGS)
  const configs = report.configs ?? { big: { B: 32, T: 64, I: 128, H: 256 }, small: { B: 1, T: 32, I: 16, H: 32 } };

  // ---------------------------------------------------------------- table
  const byKey = new Map(results.map((r) => [`${r.config}/${r.cell}/${r.peer}`, r]));
  const peerName = {
    rnnkit: 'rnnkit', 'tfjs-cpu': 'tfjs cpu', 'tfjs-wasm': 'tfjs wasm', brain: 'brain.js',
  };
  const rows = [];
  rows.push('| config | cell | engine | train step ms | train GFLOP/s | train ×rnnkit | inference ms | inference GFLOP/s | inference ×rnnkit | runs (train/inf) |');
  rows.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const config of ro.configs) {
    const { B, T, I, H } = configs[config];
    for (const cell of ro.cells) {
      const base = byKey.get(`${config}/${cell}/rnnkit`);
      for (const peer of ['rnnkit', ...ro.peers]) {
        const r = byKey.get(`${config}/${cell}/${peer}`);
        if (!r) continue;
        const ratio = (a, b) => (a != null && b != null ? a / b : null);
        const label = `${config} (B=${B} T=${T} I=${I} H=${H})`;
        const eng = peer === 'brain' && cell === 'rnn' ? 'brain.js (ReLU RNN)' : peerName[peer];
        const err = r.error ? ` — ${r.error}` : '';
        rows.push(`| ${label} | ${cell.toUpperCase()} | ${eng}${err} | ${fmtMs(r.train_ms)} | ${fmtG(r.train_gflops)} | ${peer === 'rnnkit' ? '1' : fmtRatio(ratio(r.train_ms, base?.train_ms))} | ${fmtMs(r.infer_ms)} | ${fmtG(r.infer_gflops)} | ${peer === 'rnnkit' ? '1' : fmtRatio(ratio(r.infer_ms, base?.infer_ms))} | ${r.train_runs}/${r.infer_runs} |`);
      }
    }
  }
  const table = rows.join('\n');
  console.log(table);

  // rnnkit's LSTM targets (issue 5), against this run.
  const TARGETS = { big: { train: 1500, infer: 400 }, small: { train: 1, infer: 0.2 } };
  const targetLines = [];
  for (const config of ro.configs) {
    const r = byKey.get(`${config}/lstm/rnnkit`);
    if (!r) continue;
    const t = TARGETS[config];
    const verdict = (ms, lim) => `${fmtMs(ms)} ms (target ≤ ${lim} ms: ${ms <= lim ? 'met' : `missed, ${(ms / lim).toFixed(2)}× the target`})`;
    targetLines.push(`- LSTM ${config}: training step ${verdict(r.train_ms, t.train)}, inference ${verdict(r.infer_ms, t.infer)}`);
  }
  if (targetLines.length) console.error(targetLines.join('\n'));

  // ---------------------------------------------------------------- docs/benchmarks.md
  if (opts.doc) {
    const section = [
      '<!-- peers:start -->',
      '## rnnkit beside TensorFlow.js and brain.js',
      '',
      'Written by `cd bench/peers && npm install && npm run bench:peers` (bench/peers/run.mjs; setup of each',
      'engine in bench/peers/README.md). Every number below comes from one process run: the ratios',
      '(×rnnkit = engine ms / rnnkit ms) compare timings taken minutes apart on the same machine.',
      '',
      `- Machine: ${env.machine}`,
      `- Node ${env.node}; run started ${env.date}, took ${env.duration}`,
      `- Load: ${env.load}. The machine is shared; timings under load are slower than on an idle machine.`,
      ...Object.entries(versions).map(([k, v]) => `- ${k} ${v}${k === 'rnnkit' && ro.rnnkit
        ? ' — imported from a separate clean checkout of that commit (`--rnnkit`, a `git worktree`), built with `npm run build`, so that uncommitted work in the shared tree is not measured' : ''}`),
      '',
      table,
      '',
      ...(targetLines.length ? ['rnnkit against its LSTM targets in this run:', '', ...targetLines, ''] : []),
      'What is timed: a training step is the forward pass over the whole sequence, the MSE loss over all',
      'outputs, BPTT and the weight update; inference is the forward pass only. Each figure is the median of',
      `the measured runs after one warm-up run, with at least ${ro.minRunsBig} runs (big) / ${ro.minRunsSmall} runs (small)`,
      `and a time budget of ${ro.bigBudget / 1000} s (big) / ${ro.smallBudget / 1000} s (small) per measurement.`,
      'GFLOP/s counts 2·B·T·(I+H)·G·H per forward (G = 4 LSTM, 3 GRU, 1 RNN) and three times that per',
      'training step, for every engine alike.',
      '',
      '- rnnkit: `TrainStepHarness` from dist/esm/cli/bench.js (`Recurrent` layer, x [T,B,I], MSE, `backward`, `SGD`).',
      '- tfjs cpu / tfjs wasm: a `tf.layers.lstm` / `tf.layers.gru` / `tf.layers.simpleRNN` layer with',
      '  `returnSequences: true` and `recurrentActivation: \'sigmoid\'` (LSTM, GRU) in a `tf.sequential` model,',
      '  x [B,T,I]; training step `tf.train.sgd(0.01).minimize(() => tf.losses.meanSquaredError(y, model.apply(x)))`;',
      '  inference `model.apply(x)` then `dataSync()`. Not a hand-written loop: the layers API.',
      '- brain.js: `recurrent.LSTMTimeStep` / `GRUTimeStep` / `RNNTimeStep` with `inputSize: I, hiddenLayers: [H],',
      '  outputSize: 1`. brain.js has no batching: one step runs the B sequences one after another, and',
      '  each sequence does what brain.js\' own `trainPattern` does — forward over T steps, BPTT, and a weight',
      '  update with its built-in RMSProp (no plain SGD in brain.js) — so a big step is 32 forward/BPTT/update',
      '  passes. Its loss is its own: output − target on the 1 output per step (its required dense output layer',
      '  costs 2·H FLOPs per step, not counted). Its "RNN" cell is ReLU (hard-coded); its "LSTM" gates the',
      '  previous hidden output instead of a separate cell state, with the same eight matrix products.',
      '',
      'Not measured: `@tensorflow/tfjs-node` (its install step downloads a native TensorFlow library from',
      'outside the npm registry, which this workplace does not reach) and multi-threaded tfjs wasm (tfjs',
      'turns wasm threads off under Node).',
      ...(notes.length ? ['', 'Notes from this run (an engine that failed shows — in the table):', ...notes.map((n) => `- ${n}`)] : []),
      '<!-- peers:end -->',
    ].join('\n');
    const docPath = path.join(repoRoot, 'docs/benchmarks.md');
    let doc = fs.existsSync(docPath) ? fs.readFileSync(docPath, 'utf8') : '# Benchmarks\n\n<!-- peers:start -->\n<!-- peers:end -->\n';
    const a = doc.indexOf('<!-- peers:start -->'), b = doc.indexOf('<!-- peers:end -->');
    if (a >= 0 && b > a) doc = doc.slice(0, a) + section + doc.slice(b + '<!-- peers:end -->'.length);
    else doc = doc.replace(/\s*$/, '\n\n') + section + '\n';
    fs.writeFileSync(docPath, doc);
    console.error(`wrote the peers section of ${path.relative(process.cwd(), docPath)}`);
  }
}
