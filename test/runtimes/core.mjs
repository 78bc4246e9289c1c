// The runtime check itself, free of any host API (no fs, process, Buffer, DOM), so the same
// module runs in Node (ESM and CommonJS hosts), Deno, Bun and a browser page. Each host loads
// rnnkit its own way and the fixtures its own way, then calls `runChecks(lib, fixtures)`.
//
//   lib       { runReference, compareFixture, SequenceModel, createOptimizer, setBackend, getBackend }
//   fixtures  [{ name, json }]: parsed `rnn-reference/1` objects
//
// Checks: the default kernel backend is wasm (every runtime of the matrix compiles it); every
// fixture recomputed in float32 within the reference tolerance under each backend (js, wasm);
// then a short training run (a small LSTM, Adam, a fixed synthetic batch) whose loss must fall.

/** The reference tolerance (see ../shared/reference/README.md). */
export const TOLERANCE = 1e-5;

/** Adam steps of the training check, and how far the loss must fall (final ≤ ratio · first). */
export const TRAIN_STEPS = 30;
export const TRAIN_RATIO = 0.7;

/**
 * A fixed, learnable batch: x [T, B, I] one-hot symbols, target [T, B] = the symbol seen one
 * step earlier (a delayed copy, which needs the recurrent state). Integer arithmetic only, so
 * every runtime builds the same bytes.
 */
export function syntheticBatch(T = 8, B = 4, I = 4) {
  const x = new Float32Array(T * B * I);
  const target = new Float32Array(T * B);
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) % I;
  const symbols = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) symbols.push(next());
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      x[(t * B + b) * I + symbols[t * B + b]] = 1;
      target[t * B + b] = t === 0 ? 0 : symbols[(t - 1) * B + b];
    }
  }
  return { x: { data: x, shape: [T, B, I] }, target: { data: target, shape: [T, B] } };
}

/** Trains a small LSTM for `steps` Adam steps on `syntheticBatch()`; returns the losses. */
export function trainLosses(lib, steps = TRAIN_STEPS) {
  const { x, target } = syntheticBatch();
  const model = new lib.SequenceModel({
    mode: 'lstm', inputSize: 4, hiddenSize: 12, outputSize: 4,
    loss: 'cross_entropy', topology: 'many_to_many', seed: 7,
  });
  const optimizer = lib.createOptimizer(model.params, { name: 'adam', lr: 0.05 });
  const losses = [];
  for (let i = 0; i < steps; i++) {
    model.zeroGrad();
    losses.push(model.lossAndGrad(x, target));
    optimizer.step();
  }
  return losses;
}

function fmt(x) {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/**
 * Runs every check and reports each through `log(line)`. Never throws: a check that throws
 * is a failed check. Returns { passed, failed, results: [{ name, ok, detail }] }.
 */
export function runChecks(lib, fixtures, { log = () => {}, label = '' } = {}) {
  const results = [];
  const prefix = label ? `[${label}] ` : '';
  const record = (name, ok, detail) => {
    results.push({ name, ok, detail });
    log(`${prefix}${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
  };
  const check = (name, fn) => {
    let outcome;
    try {
      outcome = fn();
    } catch (e) {
      record(name, false, `threw ${e && e.name ? e.name : 'error'}: ${e && e.message ? e.message : e}`);
      return;
    }
    record(name, outcome.ok, outcome.detail);
  };

  for (const name of ['runReference', 'compareFixture', 'SequenceModel', 'createOptimizer', 'setBackend', 'getBackend']) {
    if (typeof lib[name] !== 'function') record(`export ${name}`, false, `not a function (${typeof lib[name]})`);
  }
  if (fixtures.length === 0) record('fixtures', false, 'no rnn-reference/1 fixture given');
  // the default backend ('auto') must be wasm in every runtime of the matrix; then every
  // fixture under each backend
  check('kernel backend', () => {
    const backend = lib.getBackend();
    return { ok: backend === 'wasm', detail: `auto chose ${backend}` };
  });
  for (const backend of ['js', 'wasm']) {
    try {
      lib.setBackend(backend);
    } catch (e) {
      record(`setBackend('${backend}')`, false, `threw ${e && e.message ? e.message : e}`);
      continue;
    }
    for (const { name, json } of fixtures) {
      check(`fixture ${name} [${backend}]`, () => {
        const computed = lib.runReference(json, { dtype: 'float32' });
        const { worst, worstTensor } = lib.compareFixture(computed, json);
        const ok = worst <= TOLERANCE;
        return { ok, detail: `worst ${fmt(worst)} at ${worstTensor || '-'} (tolerance ${fmt(TOLERANCE)})` };
      });
    }
  }
  lib.setBackend('auto');
  check(`train lstm ${TRAIN_STEPS} adam steps`, () => {
    const losses = trainLosses(lib);
    const first = losses[0], last = losses[losses.length - 1];
    const ok = losses.every(Number.isFinite) && last <= TRAIN_RATIO * first;
    return { ok, detail: `loss ${first.toFixed(4)} -> ${last.toFixed(4)} (must reach <= ${TRAIN_RATIO} x first)` };
  });

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  return { passed, failed, results };
}
