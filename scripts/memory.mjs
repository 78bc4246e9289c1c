// Peak memory of one big LSTM training step (B=32, T=64, I=128, H=256; forward, MSE, BPTT,
// SGD — the harness `rnnkit bench` times) against the memory the step cannot do without:
// parameters + gradients + optimizer state + the activation cache BPTT reads (gate
// activations, hidden and cell states, tanh(c)). Typed arrays live outside the JS heap, so
// process.memoryUsage().arrayBuffers measures them; heapUsed is reported beside it. The
// WebAssembly backend's memory (not counted in arrayBuffers) is added to the measured total.
//   node --expose-gc scripts/memory.mjs [--json]      (npm run memory)
import { TrainStepHarness, BENCH_CONFIGS } from '../dist/esm/cli/bench.js';
import { getBackend } from '../dist/esm/index.js';
import { loadGemmKernel } from '../dist/esm/kernels/wasm/gemm-wasm.js';

const gc = globalThis.gc ?? (() => {});
gc();
const base = process.memoryUsage();
const { B, T, I, H } = BENCH_CONFIGS.big;
const h = new TrainStepHarness('lstm', 'big');
let peakArray = 0, peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakArray = Math.max(peakArray, m.arrayBuffers - base.arrayBuffers);
  peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
};
for (let i = 0; i < 3; i++) { h.train(); sample(); gc(); sample(); }

const G = 4, F = 4; // gates, bytes per float32
const P = G * H * (I + H) + 2 * G * H;             // weight_ih, weight_hh, two biases
const essential = {
  parameters: P * F,
  gradients: P * F,
  optimizer: 0,                                     // plain SGD keeps no state
  cache: (T * B * G * H                              // gate activations
    + 2 * (T + 1) * B * H                            // hidden and cell states
    + T * B * H) * F,                                // tanh(c)
};
const essentialTotal = Object.values(essential).reduce((a, b) => a + b, 0);
// the harness's own input, target and dOutput buffers are the benchmark's data, not the step's
const harnessData = (T * B * I + 2 * T * B * H) * F;
// wasm memory only grows, so its size after the steps is its peak
const wasmBytes = getBackend() === 'wasm' ? loadGemmKernel().arena.memory.buffer.byteLength : 0;
const measured = peakArray - harnessData + wasmBytes;
const MiB = (b) => (b / 2 ** 20).toFixed(2);
console.log(`LSTM big (B=${B} T=${T} I=${I} H=${H}), SGD training step, backend ${getBackend()}`);
for (const [k, v] of Object.entries(essential)) console.log(`  ${k.padEnd(11)} ${MiB(v).padStart(8)} MiB`);
console.log(`  essential   ${MiB(essentialTotal).padStart(8)} MiB`);
console.log(`  measured    ${MiB(measured).padStart(8)} MiB typed arrays at peak (less ${MiB(harnessData)} MiB of benchmark input/target/dOutput)` +
  `${wasmBytes ? `, wasm memory ${MiB(wasmBytes)} MiB included` : ''}, JS heap +${MiB(peakHeap)} MiB`);
console.log(`  ratio       ${(measured / essentialTotal).toFixed(2)}× (issue 11: ≤ 1.25×)`);
if (process.argv.includes('--json')) console.log(JSON.stringify({ backend: getBackend(), essential, essentialTotal, measured, wasm: wasmBytes, heap: peakHeap, ratio: measured / essentialTotal }));
