// Soak test: trains a small LSTM for many steps and records heap use after forced GCs.
// The heap must stay flat after warm-up: a steady-state training step allocates nothing that
// survives it. Run with `npm run soak` (node --expose-gc); prints a table and a verdict, and
// with --json one JSON object on the last line. Exit 1 if the heap grows beyond the noise.
import { Adam, LSTM, SequenceModel, SequenceTrainer, Random } from '../dist/esm/index.js';

const args = process.argv.slice(2);
const steps = Number(args.find((a) => a.startsWith('--steps='))?.slice(8) ?? 20000);
const json = args.includes('--json');
if (typeof globalThis.gc !== 'function') {
  console.error('soak: run with node --expose-gc (npm run soak does)');
  process.exit(2);
}
void LSTM;
const T = 16, B = 4, I = 8, H = 16, V = 5;
const model = new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: H, outputSize: V, seed: 1 });
const trainer = new SequenceTrainer(model, { optimizer: new Adam(model.params, { lr: 0.01 }), clipNorm: 1 });
const rng = new Random(7);
const x = { data: new Float32Array(T * B * I), shape: [T, B, I] };
const y = { data: new Int32Array(T * B), shape: [T, B] };

const every = Math.max(1, Math.floor(steps / 40));
const warmup = Math.floor(steps / 10);
const samples = [];
const started = Date.now();
let loss = NaN;
for (let s = 1; s <= steps; s++) {
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform(-1, 1);
  for (let i = 0; i < y.data.length; i++) y.data[i] = x.data[i * I] > 0 ? 1 : 0;
  loss = trainer.step(x, y).loss;
  if (s % every === 0) {
    globalThis.gc();
    samples.push({ step: s, heapUsed: process.memoryUsage().heapUsed, loss });
  }
}
const seconds = (Date.now() - started) / 1000;
const after = samples.filter((p) => p.step > warmup);
const heaps = after.map((p) => p.heapUsed);
const first = heaps[0], last = heaps[heaps.length - 1];
const min = Math.min(...heaps), max = Math.max(...heaps);
// least-squares slope of heap against step, in bytes per 1000 steps
const n = after.length, mx = after.reduce((a, p) => a + p.step, 0) / n, my = heaps.reduce((a, b) => a + b, 0) / n;
const slope = after.reduce((a, p) => a + (p.step - mx) * (p.heapUsed - my), 0) / after.reduce((a, p) => a + (p.step - mx) ** 2, 0) * 1000;
const grewBy = last - first;
const flat = Math.abs(slope) * (steps / 1000) < 256 * 1024; // < 256 KiB trend over the whole run
const kib = (b) => (b / 1024).toFixed(1);
console.log(`soak: LSTM T=${T} B=${B} I=${I} H=${H}, ${steps} Adam steps in ${seconds.toFixed(1)} s (${((seconds * 1000) / steps).toFixed(3)} ms/step), final loss ${loss.toFixed(4)}`);
console.log('step      heapUsed (KiB)');
for (const p of samples.filter((_, i) => i % 4 === 3)) console.log(`${String(p.step).padEnd(9)} ${kib(p.heapUsed)}`);
console.log(`after warm-up (step > ${warmup}): min ${kib(min)} KiB, max ${kib(max)} KiB, first→last ${grewBy >= 0 ? '+' : ''}${kib(grewBy)} KiB, trend ${kib(slope)} KiB per 1000 steps`);
console.log(flat ? 'heap is flat' : 'HEAP GROWS');
if (json) console.log(JSON.stringify({ steps, seconds, ms_per_step: (seconds * 1000) / steps, heap_min: min, heap_max: max, heap_growth: grewBy, trend_bytes_per_1000_steps: slope, flat }));
process.exitCode = flat ? 0 : 1;
