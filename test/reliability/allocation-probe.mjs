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
for (const mode of ['rnn_tanh', 'gru', 'lstm']) {
  for (const topology of ['many_to_many', 'many_to_one']) {
    const [T, B, I, H, V] = [12, 4, 6, 16, 5];
    const model = new lib.SequenceModel({ mode, inputSize: I, hiddenSize: H, outputSize: V, numLayers: 2, bidirectional: true, topology, seed: 3 });
    const trainer = new lib.SequenceTrainer(model, { optimizer: { name: 'adam', lr: 1e-3 }, clipNorm: 1, clipValue: 0.5 });
    const { x, y } = batch(T, B, I, V, topology === 'many_to_one');
    const lengths = Int32Array.from({ length: B }, (_, b) => T - b);
    const step = () => { trainer.step(x, y); trainer.step(x, y, { lengths }); model.forward(x); };
    for (let i = 0; i < 20; i++) step();
    gc();
    await settle();
    collections = 0;
    const before = process.memoryUsage();
    for (let i = 0; i < STEPS; i++) step();
    const after = process.memoryUsage();
    await settle();
    results.push({
      key: `${mode} ${topology}`, steps: STEPS,
      arrayBuffers: after.arrayBuffers - before.arrayBuffers,
      heapPerStep: (after.heapUsed - before.heapUsed) / STEPS,
      collections,
    });
  }
}
console.log(JSON.stringify(results));
