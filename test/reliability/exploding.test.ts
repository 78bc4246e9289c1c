/**
 * Exploding gradients. A tanh RNN whose recurrent matrix W_hh has spectral radius ≈ 4
 * (Gaussian entries of standard deviation 4/√H), on sequences of T = 120 steps with a loss at
 * the last step only (many_to_one, mse). ‖dL/da⟨t⟩‖ grows by orders of magnitude toward t = 0.
 *
 *   - clipping on (clipNorm 1): 50 steps train without a single non-finite loss or weight;
 *   - clipping off, a large learning rate: the Trainer reports the non-finite values it meets
 *     (NonFiniteError with nonFinite 'throw', skipped steps with 'skip') and never lets one
 *     into the weights.
 */
import { expect } from 'chai';
import { createOptimizer, getBackend, NonFiniteError, type OptimizerSpec, type Param, Random, SequenceModel, SequenceTrainer, setBackend, type Tensor, type TrainerOptions } from '../../lib/index.js';
import { bytesOf } from './helpers.js';

const T = 120, B = 4, I = 2, H = 16, RHO = 4, STEPS = 50;

/** The model, its W_hh scaled to spectral radius ≈ RHO, and one fixed batch. */
function setup(dtype: 'float32' | 'float64' = 'float32') {
  const model = new SequenceModel({ mode: 'rnn_tanh', inputSize: I, hiddenSize: H, outputSize: 1, loss: 'mse', topology: 'many_to_one', dtype, seed: 1 });
  const r = new Random(5);
  const whh = model.rnn.params.find((p) => p.name === 'weight_hh_l0')!;
  for (let i = 0; i < whh.value.length; i++) whh.value[i] = (RHO * r.normal()) / Math.sqrt(H);
  const x: Tensor = { data: Float32Array.from({ length: T * B * I }, () => r.normal()), shape: [T, B, I] };
  const y = { data: Float32Array.from({ length: B }, () => r.uniform(-0.5, 0.5)), shape: [B, 1] };
  return { model, whh, x, y };
}

/** ‖W^k‖_F^(1/k) for k = 256: Gelfand's formula, the spectral radius to a few percent. */
function spectralRadius(w: ArrayLike<number>, n: number): number {
  let m = Float64Array.from(w), logScale = 0;
  const k = 8; // squarings: W^(2^8) = W^256
  for (let s = 0; s < k; s++) {
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) { const a = m[i * n + l]; for (let j = 0; j < n; j++) next[i * n + j] += a * m[l * n + j]; }
    // renormalise so 4^256 does not overflow: track the log of the scale
    let f = 0;
    for (const v of next) f += v * v;
    f = Math.sqrt(f);
    for (let i = 0; i < next.length; i++) next[i] /= f;
    logScale = 2 * logScale + Math.log(f);
    m = next;
  }
  return Math.exp(logScale / 2 ** k);
}

/** The largest singular value, by power iteration on WᵀW. */
function spectralNorm(w: ArrayLike<number>, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n)), s = 0;
  for (let it = 0; it < 500; it++) {
    const u = new Float64Array(n), z = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[i] += w[i * n + j] * v[j];
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) z[j] += w[i * n + j] * u[i];
    s = Math.sqrt(Math.hypot(...z));
    const nz = Math.hypot(...z);
    v = z.map((q) => q / nz);
  }
  return s;
}

const allFinite = (params: readonly Param[]) => params.every((p) => p.value.every(Number.isFinite));
const bytes = (params: readonly Param[]) => params.map((p) => bytesOf(p.value).slice());
const same = (a: Uint8Array[], b: Uint8Array[]) => a.every((x, i) => x.length === b[i].length && x.every((v, j) => v === b[i][j]));

interface Outcome {
  losses: number[];
  norms: number[];
  skipped: number;
  thrown: NonFiniteError | null;
  thrownAt: number;
  /** Steps after which some weight was not finite. */
  nonFiniteWeightsAfter: number[];
  /** Skipped or thrown steps that changed a weight. */
  changedOnRefusal: number[];
}

/** Trainer options with the optimizer as a spec, built over the model by createOptimizer. */
type Options = Omit<TrainerOptions, 'optimizer'> & { optimizer: OptimizerSpec };

function train(options: Options, dtype: 'float32' | 'float64' = 'float32'): Outcome {
  const { model, x, y } = setup(dtype);
  const trainer = new SequenceTrainer(model, { ...options, optimizer: createOptimizer(model.params, options.optimizer) });
  const out: Outcome = { losses: [], norms: [], skipped: 0, thrown: null, thrownAt: -1, nonFiniteWeightsAfter: [], changedOnRefusal: [] };
  for (let s = 0; s < STEPS; s++) {
    const before = bytes(model.params);
    try {
      const r = trainer.step(x, y);
      out.losses.push(r.loss);
      out.norms.push(r.gradNorm);
      if (r.skipped) {
        out.skipped++;
        if (!same(before, bytes(model.params))) out.changedOnRefusal.push(s);
      }
    } catch (e) {
      expect(e, `step ${s} threw ${String(e)}`).to.be.instanceOf(NonFiniteError);
      out.thrown = e as NonFiniteError;
      out.thrownAt = s;
      if (!same(before, bytes(model.params))) out.changedOnRefusal.push(s);
      break;
    }
    if (!allFinite(model.params)) out.nonFiniteWeightsAfter.push(s);
  }
  return out;
}

describe(`exploding gradients: tanh RNN, W_hh of spectral radius ≈ ${RHO}, T = ${T}`, function () {
  this.timeout(60_000);

  it('the setup: W_hh has spectral radius ≫ 1', () => {
    const { whh } = setup();
    const rho = spectralRadius(whh.value, H), sigma = spectralNorm(whh.value, H);
    console.log(`      spectral radius ${rho.toFixed(2)}, spectral norm ${sigma.toFixed(2)}`);
    expect(rho).to.be.within(2.5, 6);
    expect(sigma).to.be.greaterThan(rho);
  });

  it('‖dL/da⟨t⟩‖ grows toward early time steps: ‖dL/da⟨0⟩‖ / ‖dL/da⟨T−1⟩‖ > 1e8, and every 20 steps back gain ≥ 10× on average', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const { model, x, y } = setup(dtype);
      model.zeroGrad();
      model.lossAndGrad(x, y);
      const g = model.rnn.gradNorms().data;
      const ratio = g[0] / g[T - 1];
      const blocks: number[] = [];
      for (let t = 0; t + 20 < T; t += 20) blocks.push(g[t] / g[t + 20]);
      const geo = Math.exp(blocks.reduce((a, b) => a + Math.log(b), 0) / blocks.length);
      console.log(`      ${dtype}: ‖dL/da⟨0⟩‖ = ${g[0].toExponential(2)}, ‖dL/da⟨${T - 1}⟩‖ = ${g[T - 1].toExponential(2)}, ratio ${ratio.toExponential(2)}; per 20 steps back ×${geo.toExponential(1)} (geometric mean)`);
      expect(g.every(Number.isFinite), `${dtype}: finite norms`).to.equal(true);
      expect(ratio, dtype).to.be.greaterThan(1e8);
      expect(geo, dtype).to.be.greaterThan(10);
    }
  });

  // The forward pass is chaotic (spectral radius 4 over 120 steps): the last bit of every
  // float32 product decides the trajectory. On the same weights the loss is 1.37 in float32
  // and 0.45 in float64 with the TypeScript kernels, 0.26 with the WebAssembly ones (a float32
  // running sum). Whether 50 clipped steps lower it is then a property of one trajectory, not
  // of clipping, so these tests pin the kernels that the expected trajectory was seen with.
  let previous: 'js' | 'wasm' = 'js';
  before(() => { previous = getBackend(); setBackend('js'); });
  after(() => setBackend(previous));

  for (const optimizer of [{ name: 'sgd', lr: 0.1 }, { name: 'adam', lr: 0.01 }]) {
    it(`clipping on (clipNorm 1, ${optimizer.name} lr ${optimizer.lr}): ${STEPS} steps, no NaN or Infinity in any loss or weight, and the loss falls`, () => {
      const o = train({ optimizer, clipNorm: 1 });
      console.log(`      raw gradient norms ${Math.min(...o.norms).toExponential(1)}…${Math.max(...o.norms).toExponential(1)}; loss ${o.losses[0].toFixed(3)} → ${o.losses[STEPS - 1].toFixed(3)}`);
      expect(o.thrown).to.equal(null);
      expect(o.skipped).to.equal(0);
      expect(o.losses.every(Number.isFinite)).to.equal(true);
      expect(o.nonFiniteWeightsAfter).to.deep.equal([]);
      expect(Math.max(...o.norms), 'the raw gradients did explode').to.be.greaterThan(1e8);
      expect(o.losses[STEPS - 1]).to.be.lessThan(o.losses[0]);
    });
  }

  it("clipping off, SGD lr 1, nonFinite 'throw': NonFiniteError is thrown, the weights are those before the step and finite", () => {
    const o = train({ optimizer: { name: 'sgd', lr: 1 } });
    console.log(`      threw at step ${o.thrownAt}: ${o.thrown?.message.slice(0, 90)}…`);
    expect(o.thrown).to.be.instanceOf(NonFiniteError);
    expect(o.changedOnRefusal).to.deep.equal([]);
    expect(o.nonFiniteWeightsAfter).to.deep.equal([]);
  });

  it("clipping off, SGD lr 1, nonFinite 'skip': steps are skipped and counted, each leaves the weights bit-identical and finite", () => {
    const o = train({ optimizer: { name: 'sgd', lr: 1 }, nonFinite: 'skip' });
    console.log(`      ${o.skipped} of ${STEPS} steps skipped`);
    expect(o.skipped).to.be.greaterThan(0);
    expect(o.changedOnRefusal).to.deep.equal([]);
    expect(o.nonFiniteWeightsAfter).to.deep.equal([]);
  });

  // Guards: Trainer.run checks the update itself, not only the loss and the gradients. With
  // finite gradients of ~1e12 and lr 1e30, SGD's θ − lr·g overflows float32 (Adam with lr 1e39
  // likewise); the trainer must undo such an update (weights and optimizer state) and report
  // it, so the weights never hold ±Infinity while a NonFiniteError says they were not updated.
  for (const [label, options] of [
    ["SGD lr 1e30, nonFinite 'skip'", { optimizer: { name: 'sgd', lr: 1e30 }, nonFinite: 'skip' }],
    ["SGD lr 1e30, nonFinite 'throw'", { optimizer: { name: 'sgd', lr: 1e30 } }],
    ["Adam lr 1e39, nonFinite 'skip'", { optimizer: { name: 'adam', lr: 1e39 }, nonFinite: 'skip' }],
  ] as [string, Options][]) {
    it(`clipping off, ${label} (an update that overflows float32): the weights stay finite`, () => {
      const o = train(options);
      const bad = o.nonFiniteWeightsAfter;
      expect(bad.length, `a weight was NaN or ±Infinity after ${bad.length} of ${STEPS} steps, the first after step ${bad[0]}`).to.equal(0);
      expect(o.changedOnRefusal).to.deep.equal([]);
      expect(o.skipped > 0 || o.thrown !== null, 'the divergence is reported').to.equal(true);
    });
  }
});
