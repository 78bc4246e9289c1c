// Run by allocation.test.ts as `node --expose-gc allocation-probe.mjs`: trains small models
// to a steady state, then measures from outside the library what many more steps allocate:
// process.memoryUsage().arrayBuffers (every typed array's backing store off the JS heap) and
// the JS heap, with no collection in between (a garbage collection during the measurement is
// reported, so the parent can tell a clean measurement from a blurred one). Prints one JSON line.
import { PerformanceObserver } from 'node:perf_hooks';
import * as lib from '../../build/lib/index.js';

const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');
const STEPS = Number(process.argv[2] ?? 100);
let collections = 0;
new PerformanceObserver((list) => { collections += list.getEntries().length; }).observe({ entryTypes: ['gc'] });
// lets the observer report and the array-buffer sweeper free what a collection found dead
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** Deterministic data: x [T, B, I], class targets [T, B] (or [B]). */
function batch(T, B, I, V, m2o) {
  const r = new lib.Random(1);
  return {
    x: { data: Float32Array.from({ length: T * B * I }, () => r.uniform(-1, 1)), shape: [T, B, I] },
    y: m2o ? { data: Int32Array.from({ length: B }, (_, b) => b % V), shape: [B] } : { data: Int32Array.from({ length: T * B }, (_, i) => i % V), shape: [T, B] },
  };
}

const results = [];

/**
 * Runs `step` to a steady state, then measures STEPS more: new typed-array bytes and JS heap
 * per step, and any collection that happened while measuring.
 */
async function measure(key, step) {
  // a long warm-up: under load V8 may still be optimizing after a few rounds, and compiling
  // allocates on the JS heap (one run measured 39 KB a round after 20 rounds, 3-7 KB after 200)
  for (let i = 0; i < 200; i++) step();
  gc();
  await settle();
  collections = 0;
  const before = process.memoryUsage();
  for (let i = 0; i < STEPS; i++) step();
  const after = process.memoryUsage();
  await settle();
  results.push({ key, steps: STEPS, arrayBuffers: after.arrayBuffers - before.arrayBuffers, heapPerStep: (after.heapUsed - before.heapUsed) / STEPS, collections });
}

for (const mode of ['rnn_tanh', 'gru', 'lstm']) {
  for (const topology of ['many_to_many', 'many_to_one']) {
    const [T, B, I, H, V] = [12, 4, 6, 16, 5];
    const model = new lib.SequenceModel({ mode, inputSize: I, hiddenSize: H, outputSize: V, numLayers: 2, bidirectional: true, topology, seed: 3 });
    const trainer = new lib.SequenceTrainer(model, { optimizer: lib.createOptimizer(model.params, { name: 'adam', lr: 1e-3 }), clipNorm: 1, clipValue: 0.5 });
    const { x, y } = batch(T, B, I, V, topology === 'many_to_one');
    const lengths = Int32Array.from({ length: B }, (_, b) => T - b);
    await measure(`${mode} ${topology}`, () => { trainer.step(x, y); trainer.step(x, y, { lengths }); model.forward(x); });
  }
}
// the encoder–decoder with attention and input feeding, and an embedded model with dropout
{
  const s2s = new lib.Seq2Seq({ mode: 'lstm', srcVocab: 9, tgtVocab: 8, embeddingDim: 6, hiddenSize: 8, numLayers: 2, bidirectionalEncoder: true, attention: 'mlp', inputFeed: true, seed: 2 });
  const adamw = lib.createOptimizer(s2s.params, { name: 'adamw', lr: 1e-3 });
  const trainer = new lib.Trainer(s2s, { optimizer: adamw, clipNorm: 1, schedule: lib.createSchedule(adamw, { name: 'step_lr', step_size: 10 }) });
  const ids = (n, V, first = 0) => Int32Array.from({ length: n }, (_, i) => (i < first ? 1 : 2 + (i % (V - 2))));
  const batch = { src: { data: ids(7 * 4, 9), shape: [7, 4] }, srcLengths: [7, 5, 3, 1], tgtIn: { data: ids(5 * 4, 8, 4), shape: [5, 4] }, tgtOut: { data: ids(5 * 4, 8), shape: [5, 4] } };
  await measure('seq2seq mlp attention', () => { trainer.run(() => s2s.lossAndGrad(batch)); s2s.forward(batch); });
}
{
  const model = new lib.SequenceModel({ mode: 'gru', hiddenSize: 8, outputSize: 5, numLayers: 2, dropout: 0.3, embeddingDropout: 0.1, headDropout: 0.2,
    embedding: { numEmbeddings: 7, embeddingDim: 4, paddingIdx: 0 }, seed: 1 });
  const trainer = new lib.SequenceTrainer(model, { optimizer: lib.createOptimizer(model.params, { name: 'adam', lr: 1e-3 }) });
  const x = { data: Int32Array.from({ length: 24 }, (_, i) => i % 7), shape: [6, 4] }, y = { data: Int32Array.from({ length: 24 }, (_, i) => i % 5), shape: [6, 4] };
  await measure('embedding dropout', () => { trainer.step(x, y); });
}
console.log(JSON.stringify(results));
