/**
 * Property-based tests (fast-check) over random small configurations:
 *
 *   cell rnn_tanh | gru | lstm, 1–2 layers, uni- or bidirectional, with or without bias,
 *   T 1–6, B 1–3, I 1–4, H 1–4, optional per-row lengths, optional h0/c0.
 *
 * Properties: (1) BPTT gradients of every input, initial state and parameter agree with
 * float64 central differences to 1e-6 relative; (2) state dicts survive save → load bit for bit
 * in safetensors and in rnnkit JSON, special values included; (3) checkpoints (model and
 * optimizer state) survive both containers bit for bit; (4) clipGradNorm leaves the norm
 * ≤ maxNorm·(1 + 1e-6), scales every gradient by one factor, and changes nothing when the norm
 * is under the limit; (5) clipGradValue clamps exactly the entries beyond ±v.
 *
 * Seeds are fixed, so a failure reproduces; fast-check prints the shrunk counterexample.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  Adam, type FloatArray, type Param, Random, Recurrent, SequenceModel, type Tensor, clipGradNorm, clipGradValue,
  createOptimizerFromState, decodeSafetensors, decodeStateJSON, encodeSafetensors, encodeStateJSON, gradNorm,
  loadCheckpoint, loadStateDict, saveCheckpoint, stateDictOf,
} from '../../lib/index.js';
import { gradcheckRecurrent, worstResult, formatResults } from '../helpers/gradcheck.js';
import { sameBytes } from './helpers.js';

interface Config {
  mode: 'rnn_tanh' | 'gru' | 'lstm';
  numLayers: number;
  bidirectional: boolean;
  bias: boolean;
  T: number;
  B: number;
  I: number;
  H: number;
  /** Raw lengths; row b uses 1 + (raw[b] − 1) mod T. */
  rawLengths: number[] | null;
  withState: boolean;
  seed: number;
}

const configArb: fc.Arbitrary<Config> = fc.record({
  mode: fc.constantFrom('rnn_tanh' as const, 'gru' as const, 'lstm' as const),
  numLayers: fc.integer({ min: 1, max: 2 }),
  bidirectional: fc.boolean(),
  bias: fc.boolean(),
  T: fc.integer({ min: 1, max: 6 }),
  B: fc.integer({ min: 1, max: 3 }),
  I: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 4 }),
  rawLengths: fc.option(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 3 }), { nil: null }),
  withState: fc.boolean(),
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
});

const lengthsOf = (c: Config): number[] | null => (c.rawLengths ? c.rawLengths.slice(0, c.B).map((v) => 1 + ((v - 1) % c.T)) : null);

function tensorOf(r: Random, shape: number[], scale = 1, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = scale * r.uniform(-1, 1);
  return { data, shape };
}

/** A property's numRuns and seed, shown in its title. */
const RUNS = { gradients: 200, stateDict: 200, checkpoint: 100, clipNorm: 1000, clipValue: 500 };
const SEED = 20260707;

describe('properties over random configurations (fast-check, fixed seed)', function () {
  this.timeout(60_000);

  it(`BPTT gradients = float64 central differences within 1e-6 relative (${RUNS.gradients} configurations)`, () => {
    let checked = 0, largest = 0;
    fc.assert(
      fc.property(configArb, (c) => {
        const net = new Recurrent({
          mode: c.mode, inputSize: c.I, hiddenSize: c.H, numLayers: c.numLayers,
          bidirectional: c.bidirectional, bias: c.bias, dtype: 'float64', seed: c.seed % 1000,
        });
        const r = new Random(c.seed);
        const x = tensorOf(r, [c.T, c.B, c.I]);
        const stateShape = [c.numLayers * net.directions, c.B, c.H];
        const h0 = c.withState ? tensorOf(r, stateShape, 0.5) : null;
        const c0 = c.withState && net.hasCellState ? tensorOf(r, stateShape, 0.5) : null;
        const results = gradcheckRecurrent(net, x, h0, c0, { lengths: lengthsOf(c), upstreamSeed: c.seed + 1 });
        const worst = worstResult(results);
        checked += results.length;
        largest = Math.max(largest, worst.error);
        if (!(worst.error <= 1e-6)) throw new Error(`worst ${worst.error} in ${worst.name}\n${formatResults(results)}`);
      }),
      { seed: SEED, numRuns: RUNS.gradients },
    );
    console.log(`      ${checked} tensors checked, largest relative error ${largest.toExponential(2)}`);
    expect(checked).to.be.greaterThan(RUNS.gradients * 4);
  });

  /** A model of the configuration with its values spiked with -0, denormals and extremes. */
  interface ModelCase {
    c: Config;
    dtype: 'float32' | 'float64';
    topology: 'many_to_many' | 'many_to_one';
    loss: 'cross_entropy' | 'mse' | 'bce';
    V: number;
    /** [parameter index, entry index, value], both indices taken modulo the sizes. */
    specials: [number, number, number][];
  }
  const modelArb: fc.Arbitrary<ModelCase> = fc.record({
    c: configArb,
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    topology: fc.constantFrom('many_to_many' as const, 'many_to_one' as const),
    loss: fc.constantFrom('cross_entropy' as const, 'mse' as const, 'bce' as const),
    V: fc.integer({ min: 1, max: 4 }),
    specials: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(-0, 0, 1e-40, -1e-45, 3.4e38, -3.4e38, 5e-324, 1e300, 1, -1)), { maxLength: 6 }),
  });

  function buildModel(m: ModelCase): SequenceModel {
    const { c } = m;
    const model = new SequenceModel({
      mode: c.mode, inputSize: c.I, hiddenSize: c.H, outputSize: m.V, numLayers: c.numLayers, bidirectional: c.bidirectional,
      bias: c.bias, dtype: m.dtype, topology: m.topology, loss: m.loss, seed: c.seed % 1000,
    });
    for (const [pi, i, v] of m.specials) {
      const p = model.params[pi % model.params.length];
      p.value[i % p.value.length] = m.dtype === 'float32' ? Math.fround(v) : v;
    }
    return model;
  }

  function expectSameParams(a: readonly Param[], b: readonly Param[], what: string): void {
    expect(b.map((p) => p.name), what).to.deep.equal(a.map((p) => p.name));
    a.forEach((p, i) => {
      if (!sameBytes(p.value, b[i].value)) throw new Error(`${what}: ${p.name} differs`);
    });
  }

  it(`save → load of the state dict is bit-identical in safetensors and JSON (${RUNS.stateDict} models, float32 and float64)`, () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const model = buildModel(m);
        const fresh = buildModel({ ...m, c: { ...m.c, seed: m.c.seed + 1 }, specials: [] });
        const dict = stateDictOf(model.params);
        const st = decodeSafetensors(encodeSafetensors(dict)).tensors;
        loadStateDict(fresh.params, st);
        expectSameParams(model.params, fresh.params, 'safetensors');
        const other = buildModel({ ...m, c: { ...m.c, seed: m.c.seed + 2 }, specials: [] });
        loadStateDict(other.params, decodeStateJSON(encodeStateJSON(dict)).tensors);
        expectSameParams(model.params, other.params, 'JSON');
        // the decoded arrays are the parameter's dtype: nothing was widened or narrowed
        for (const p of model.params) expect(st.get(p.name)!.data.constructor).to.equal(p.value.constructor);
      }),
      { seed: SEED + 1, numRuns: RUNS.stateDict },
    );
  });

  it(`saveCheckpoint → loadCheckpoint keeps model, options, optimizer state, step and extra bit for bit, both containers (${RUNS.checkpoint} models)`, () => {
    fc.assert(
      fc.property(modelArb, fc.integer({ min: 0, max: 1e6 }), (m, step) => {
        const model = buildModel({ ...m, specials: [] }); // checkpoints require finite values; specials stay finite anyway
        const optimizer = new Adam(model.params, { lr: 0.01, amsgrad: step % 2 === 0 });
        const r = new Random(m.c.seed);
        for (const p of model.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = r.uniform(-1, 1);
        optimizer.step();
        const state = optimizer.getState();
        for (const format of ['safetensors', 'json'] as const) {
          const file = format === 'json' ? saveCheckpoint({ model, optimizer, step, extra: { k: `v${step}` } }, 'json') : saveCheckpoint({ model, optimizer, step, extra: { k: `v${step}` } }, 'safetensors');
          const ck = loadCheckpoint(file);
          expect(ck.model.options, format).to.deep.equal(model.options);
          expectSameParams(model.params, ck.model.params, format);
          expect(ck.step).to.equal(step);
          expect(ck.extra).to.deep.equal({ k: `v${step}` });
          const restored = createOptimizerFromState(ck.model.params, ck.optimizerState!).getState();
          expect(restored.hyperParameters).to.deep.equal(state.hyperParameters);
          expect(restored.step).to.equal(state.step);
          for (const name of Object.keys(state.buffers)) {
            for (const b of Object.keys(state.buffers[name])) {
              if (!sameBytes(state.buffers[name][b], restored.buffers[name][b])) throw new Error(`${format}: optimizer ${name}.${b} differs`);
            }
          }
        }
      }),
      { seed: SEED + 2, numRuns: RUNS.checkpoint },
    );
  });

  /** Random gradients of a random model's parameter list, scaled by 10^k. */
  const gradsArb = fc.record({
    c: configArb,
    dtype: fc.constantFrom('float32' as const, 'float64' as const),
    k: fc.integer({ min: -6, max: 6 }),
    m: fc.double({ min: -3, max: 3, noNaN: true }),
  });

  function paramsWithGrads(g: { c: Config; dtype: 'float32' | 'float64'; k: number }): Param[] {
    const net = new Recurrent({
      mode: g.c.mode, inputSize: g.c.I, hiddenSize: g.c.H, numLayers: g.c.numLayers, bidirectional: g.c.bidirectional,
      bias: g.c.bias, dtype: g.dtype,
    });
    const r = new Random(g.c.seed);
    const scale = 10 ** g.k;
    for (const p of net.params) for (let i = 0; i < p.grad.length; i++) p.grad[i] = scale * r.normal();
    return net.params;
  }

  const copies = (ps: readonly Param[]): FloatArray[] => ps.map((p) => p.grad.slice());

  it(`clipGradNorm: norm after ≤ maxNorm·(1 + 1e-6), one common factor, unchanged when under (${RUNS.clipNorm} cases, gradients 1e-6…1e6, maxNorm 1e-3…1e3)`, () => {
    let clipped = 0, untouched = 0;
    fc.assert(
      fc.property(gradsArb, (g) => {
        const params = paramsWithGrads(g);
        const maxNorm = 10 ** g.m;
        const before = copies(params);
        const total = gradNorm(params);
        const returned = clipGradNorm(params, maxNorm);
        expect(returned, 'the returned norm is the norm before clipping').to.equal(total);
        const after = gradNorm(params);
        expect(after, `norm after (total ${total}, maxNorm ${maxNorm})`).to.be.at.most(maxNorm * (1 + 1e-6));
        if (total + 1e-6 <= maxNorm) {
          untouched++;
          params.forEach((p, i) => { if (!sameBytes(p.grad, before[i])) throw new Error(`${p.name} changed although the norm ${total} ≤ ${maxNorm}`); });
          return;
        }
        clipped++;
        // every entry scaled by coef = maxNorm / (total + 1e-6), rounded once to the storage type
        const coef = maxNorm / (total + 1e-6);
        const ulp = g.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
        params.forEach((p, i) => {
          for (let j = 0; j < p.grad.length; j++) {
            const want = before[i][j] * coef;
            if (Math.abs(p.grad[j] - want) > ulp * Math.abs(want) + Number.MIN_VALUE * 2 ** 30) {
              throw new Error(`${p.name}[${j}] = ${p.grad[j]}, expected ${want} (coef ${coef})`);
            }
          }
        });
        // and the result is close to the limit itself (not just under it)
        expect(after, 'norm after clipping').to.be.at.least(maxNorm * (1 - 1e-5) * total / (total + 1e-6));
      }),
      { seed: SEED + 3, numRuns: RUNS.clipNorm },
    );
    expect(clipped, 'cases that clipped').to.be.greaterThan(RUNS.clipNorm / 5);
    expect(untouched, 'cases under the limit').to.be.greaterThan(RUNS.clipNorm / 5);
  });

  it(`clipGradValue: every entry in [−v, v], entries already inside unchanged, the rest set to ±v (${RUNS.clipValue} cases)`, () => {
    fc.assert(
      fc.property(gradsArb, (g) => {
        const params = paramsWithGrads(g);
        const v = g.dtype === 'float32' ? Math.fround(10 ** g.m) : 10 ** g.m;
        const before = copies(params);
        clipGradValue(params, v);
        params.forEach((p, i) => {
          for (let j = 0; j < p.grad.length; j++) {
            const x = before[i][j], y = p.grad[j];
            const want = x > v ? v : x < -v ? -v : x;
            if (!Object.is(y, want)) throw new Error(`${p.name}[${j}]: ${x} → ${y}, expected ${want} (v ${v})`);
          }
        });
      }),
      { seed: SEED + 4, numRuns: RUNS.clipValue },
    );
  });
});
