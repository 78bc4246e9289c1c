// The training run the determinism checks compare, free of any host API so that Node, Deno,
// Bun and a browser run exactly the same code: `trainingRuns(lib)` takes the rnnkit module
// (however the host loaded it) and returns, per configuration, the FNV-1a hash of every weight's
// bytes after STEPS Adam steps and of the losses, plus the weights and losses themselves (as
// float64) so a caller can measure how far two runtimes differ when the hashes do.
// Used by determinism.test.ts (in process) and cross-runtime.mjs (in node, deno, bun).

export const STEPS = 50;

/** Each cell in float32 and float64, plus a 2-layer bidirectional LSTM. */
export const CONFIGS = [
  ...['rnn_tanh', 'rnn_relu', 'gru', 'lstm'].flatMap((mode) => ['float32', 'float64'].map((dtype) => ({ mode, dtype, numLayers: 1, bidirectional: false }))),
  { mode: 'lstm', dtype: 'float32', numLayers: 2, bidirectional: true },
];

export const keyOf = (c) => `${c.mode}/${c.dtype}${c.numLayers > 1 ? `/L${c.numLayers}` : ''}${c.bidirectional ? '/bi' : ''}`;

/** 32-bit FNV-1a over bytes, continuing from h. */
export function fnv1a(bytes, h = 0x811c9dc5) {
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Trains one configuration: T = 8, B = 4, I = 4, H = 12, V = 4 classes, cross-entropy,
 * Adam (lr 0.05), clipNorm 1, model seed 7, data from Random(11). Returns the run.
 */
export function trainingRun(lib, c, steps = STEPS, model = null) {
  const T = 8, B = 4, I = 4, V = 4;
  const m = model ?? new lib.SequenceModel({ mode: c.mode, inputSize: I, hiddenSize: 12, outputSize: V, numLayers: c.numLayers, bidirectional: c.bidirectional, dtype: c.dtype, seed: 7 });
  const trainer = new lib.SequenceTrainer(m, { optimizer: lib.createOptimizer(m.params, { name: 'adam', lr: 0.05 }), clipNorm: 1 });
  const r = new lib.Random(11);
  const x = { data: new Float32Array(T * B * I), shape: [T, B, I] };
  const y = { data: new Int32Array(T * B), shape: [T, B] };
  for (let i = 0; i < x.data.length; i++) x.data[i] = r.uniform(-1, 1);
  for (let i = 0; i < y.data.length; i++) y.data[i] = r.int(V);
  const losses = new Float64Array(steps);
  for (let s = 0; s < steps; s++) losses[s] = trainer.step(x, y).loss;
  let h = 0x811c9dc5;
  const values = [];
  for (const p of m.params) {
    h = fnv1a(new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength), h);
    for (let i = 0; i < p.value.length; i++) values.push(p.value[i]);
  }
  const hex = (n) => n.toString(16).padStart(8, '0');
  return {
    key: keyOf(c),
    /** FNV-1a of the bytes of every weight after training (in the model's dtype). */
    weights: hex(h),
    /** FNV-1a of the float64 losses of every step. */
    losses: hex(fnv1a(new Uint8Array(losses.buffer))),
    lossValues: Array.from(losses),
    values,
  };
}

/** Every configuration of CONFIGS, in order. */
export function trainingRuns(lib, steps = STEPS) {
  return CONFIGS.map((c) => trainingRun(lib, c, steps));
}
