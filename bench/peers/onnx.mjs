// rnnkit (js and wasm backends) beside ONNX Runtime Web (wasm, 1 thread) and ONNX Runtime Node
// (native CPU, 1 thread) on LSTM/GRU inference at the benchmark configurations, in one
// process, using the ONNX files in ../shared/peers/onnx (bare torch.nn.LSTM/GRU, zero initial
// state, input x [T, B, I]). ONNX Runtime does not train, so only inference is compared.
//
//   npm run build (repository root), then in bench/peers:
//   node onnx.mjs [--cells lstm,gru] [--configs big,small] [--onnx DIR] [--no-doc]
//
// Engines are interleaved, two passes each, and two numbers are kept per engine: the median
// wall-clock time of a call, and the best CPU time per call over a window (process.cpuUsage,
// all threads of this process). On a shared machine CPU time is what compares engines fairly;
// the table shows both. "rnnkit wasm" packs its weights at every call (they may have changed);
// "frozen weights" is the same layer frozen (layers/freeze.ts), packed once, like the sessions. Writes docs/benchmarks.md between <!-- onnx:start --> and <!-- onnx:end -->.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ortWeb from 'onnxruntime-web';
import * as ortNode from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : dflt; };
const cells = arg('--cells', 'lstm,gru').split(',');
const configs = arg('--configs', 'big,small').split(',');
const onnxDir = arg('--onnx', join(root, '..', 'shared', 'peers', 'onnx'));
const { TrainStepHarness, BENCH_CONFIGS } = await import(join(root, 'dist/esm/cli/bench.js'));
const { setBackend } = await import(join(root, 'dist/esm/index.js'));
const version = (pkg) => JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;

ortWeb.env.wasm.numThreads = 1;

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Median wall ms and best CPU ms per call of an async fn, over about `budget` ms of CPU time. */
async function measure(fn, budget) {
  for (let i = 0; i < 3; i++) await fn();
  const wall = [];
  let bestCpu = Infinity;
  for (let round = 0; round < 3; round++) {
    const c0 = cpuMs();
    let n = 0;
    do {
      const t0 = performance.now();
      await fn();
      wall.push(performance.now() - t0);
      n++;
    } while (cpuMs() - c0 < budget / 3);
    bestCpu = Math.min(bestCpu, (cpuMs() - c0) / n);
  }
  wall.sort((a, b) => a - b);
  return { wall: wall[Math.floor(wall.length / 2)], cpu: bestCpu };
}

const started = new Date(), loadBefore = loadavg()[0];
const rows = [];
for (const config of configs) {
  const { B, T, I, H } = BENCH_CONFIGS[config];
  const budget = config === 'big' ? 2500 : 300;
  for (const cell of cells) {
    const bytes = readFileSync(join(onnxDir, `${cell}_${config}.onnx`));
    const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const node = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 });
    const x = new Float32Array(T * B * I).map((_, i) => Math.sin(i));
    const feedsWeb = { x: new ortWeb.Tensor('float32', x, [T, B, I]) };
    const feedsNode = { x: new ortNode.Tensor('float32', x, [T, B, I]) };
    const harness = new TrainStepHarness(cell, config);
    // a second layer whose weights stay frozen (withFrozen's parts, frozen for good): it packs
    // them at its first forward only, as an ONNX Runtime session prepacks its constant weights
    const frozen = new TrainStepHarness(cell, config);
    for (const direction of frozen.net.layers.flat()) direction.freeze(true);
    const engines = {
      'rnnkit js': async () => { setBackend('js'); harness.infer(); },
      'rnnkit wasm': async () => { setBackend('wasm'); harness.infer(); },
      'rnnkit wasm, frozen weights': async () => { setBackend('wasm'); frozen.infer(); },
      'ORT Web (wasm, 1 thread)': async () => { await web.run(feedsWeb); },
      'ORT Node (native, 1 thread)': async () => { await node.run(feedsNode); },
    };
    const result = {};
    for (let pass = 0; pass < 2; pass++) {
      for (const [name, fn] of Object.entries(engines)) {
        const m = await measure(fn, budget);
        const prev = result[name];
        result[name] = prev ? { wall: Math.min(prev.wall, m.wall), cpu: Math.min(prev.cpu, m.cpu) } : m;
      }
    }
    for (const [name, m] of Object.entries(result)) rows.push({ config, cell, shape: `B=${B} T=${T} I=${I} H=${H}`, engine: name, ...m });
    console.log(config, cell, Object.entries(result).map(([k, m]) => `${k}: ${m.cpu.toFixed(3)} ms cpu, ${m.wall.toFixed(3)} ms wall`).join('; '));
  }
}
setBackend('auto');
const loadAfter = loadavg()[0];

const fmt = (ms) => (ms < 1 ? ms.toFixed(4) : ms.toFixed(1));
const lines = [
  '<!-- onnx:start -->',
  '## rnnkit beside ONNX Runtime, inference (`bench/peers/onnx.mjs`)',
  '',
  `- ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}; onnxruntime-web ${version('onnxruntime-web')}, onnxruntime-node ${version('onnxruntime-node')}; ${started.toISOString()}`,
  `- Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. Engines interleaved in one process, two passes; "cpu" is the best CPU time per call (all threads of the process), "wall" the median wall-clock time. The last column divides the engine's CPU time by rnnkit wasm's: above 1 means rnnkit wasm is faster.`,
  '',
  '| config | cell | engine | cpu ms | wall ms | engine / rnnkit wasm |',
  '| --- | --- | --- | ---: | ---: | ---: |',
  ...rows.map((r) => {
    const ours = rows.find((q) => q.config === r.config && q.cell === r.cell && q.engine === 'rnnkit wasm');
    return `| ${r.config} (${r.shape}) | ${r.cell} | ${r.engine} | ${fmt(r.cpu)} | ${fmt(r.wall)} | ${r.engine === 'rnnkit wasm' ? '' : (r.cpu / ours.cpu).toFixed(2) + '×'} |`;
  }),
  '<!-- onnx:end -->',
];
console.log(lines.join('\n'));
if (!process.argv.includes('--no-doc')) {
  const path = join(root, 'docs', 'benchmarks.md');
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const s = doc.indexOf('<!-- onnx:start -->'), e = doc.indexOf('<!-- onnx:end -->');
  writeFileSync(path, s >= 0 && e > s ? doc.slice(0, s) + lines.join('\n') + doc.slice(e + '<!-- onnx:end -->'.length)
    : doc.replace(/^# Benchmarks\n/, `# Benchmarks\n\n${lines.join('\n')}\n`));
  console.log(`wrote ${path}`);
}
