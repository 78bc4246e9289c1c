/**
 * Trainer / SequenceTrainer (lib/training/trainer.ts): one step is
 *   zeroGrad → lossAndGrad (BPTT) → global grad norm → clipGradNorm → clipGradValue → optimizer.step
 * checked against doing those calls by hand; clipping; non-finite losses and gradients
 * (throw or skip, weights untouched); no new workspaces in a steady state; determinism.
 */
import { expect } from 'chai';
import { clipGradNorm, gradNorm } from '../../lib/clipping/clip-grad-norm.js';
import { clipGradValue } from '../../lib/clipping/clip-grad-value.js';
import { SequenceModel, type SequenceModelOptions } from '../../lib/models/sequence-model.js';
import { Adam } from '../../lib/optimizers/adam.js';
import { createOptimizer } from '../../lib/optimizers/create-optimizer.js';
import { SGD } from '../../lib/optimizers/sgd.js';
import type { Param } from '../../lib/param.js';
import { NonFiniteError, SequenceTrainer, Trainer } from '../../lib/training/trainer.js';
import type { Tensor } from '../../lib/tensor.js';
import { copy64, rng, uniformTensor } from '../helpers/tensors.js';

const I = 3, H = 4, V = 5, T = 4, B = 3;

function makeModel(options: Partial<SequenceModelOptions> = {}): SequenceModel {
  return new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: H, outputSize: V, dtype: 'float64', seed: 7, ...options });
}

function batch(seed: number, dtype: 'float32' | 'float64' = 'float64'): { x: Tensor; y: { data: number[]; shape: number[] } } {
  const r = rng(seed);
  const x = uniformTensor(r, [T, B, I], -1, 1, dtype);
  return { x, y: { data: Array.from({ length: T * B }, () => r.int(V)), shape: [T, B] } };
}

const snapshot = (params: readonly Param[]) => params.map((p) => ({ value: copy64(p.value), grad: copy64(p.grad) }));

/** Every value bit-identical (Object.is: NaN equals NaN, −0 differs from 0). */
function expectValuesIdentical(params: readonly Param[], snap: ReturnType<typeof snapshot>): void {
  params.forEach((p, k) => {
    for (let i = 0; i < p.value.length; i++) {
      if (!Object.is(p.value[i], snap[k].value[i])) expect.fail(`${p.name}.value[${i}] changed: ${snap[k].value[i]} → ${p.value[i]}`);
    }
  });
}

function expectParamsEqual(a: readonly Param[], b: readonly Param[], what: 'value' | 'grad' = 'value'): void {
  a.forEach((p, k) => {
    for (let i = 0; i < p[what].length; i++) {
      if (!Object.is(p[what][i], b[k][what][i])) expect.fail(`${p.name}.${what}[${i}]: ${p[what][i]} vs ${b[k][what][i]}`);
    }
  });
}

describe('Trainer', () => {
  describe('step order', () => {
    it('one step = zeroGrad → lossAndGrad → norm → clipGradNorm → clipGradValue → optimizer.step, bit for bit', () => {
      const a = makeModel(), b = makeModel();
      const { x, y } = batch(1);
      const clipNorm = 0.5, clipValue = 0.05; // both bind on this batch (checked below)
      const trainer = new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'adam', lr: 0.01 }), clipNorm, clipValue });
      const opt = new Adam(b.params, { lr: 0.01 });
      for (let step = 0; step < 3; step++) {
        // stale gradients must not leak into the step: the trainer zeroes them first
        for (const p of a.params) p.grad.fill(123);
        const result = trainer.step(x, y);

        b.zeroGrad();
        const loss = b.lossAndGrad(x, y);
        const norm = gradNorm(b.params);
        expect(norm).to.be.above(clipNorm);
        clipGradNorm(b.params, clipNorm);
        expect(b.params.some((p) => p.grad.some((g) => Math.abs(g) > clipValue))).to.equal(true);
        clipGradValue(b.params, clipValue);
        opt.step();

        expect(result.loss).to.equal(loss);
        expect(result.gradNorm).to.equal(norm); // the raw norm, before clipping
        expect(result.skipped).to.equal(false);
        expectParamsEqual(a.params, b.params, 'grad'); // what the optimizer saw: clipped gradients
        expectParamsEqual(a.params, b.params, 'value');
      }
      expect(trainer.steps).to.equal(3);
      expect(trainer.optimizer.stepCount).to.equal(3);
    });

    it('clipping by norm comes before clipping by value (the other order gives other weights)', () => {
      const a = makeModel(), b = makeModel();
      const { x, y } = batch(1);
      new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 1 }), clipNorm: 0.5, clipValue: 0.05 }).step(x, y);
      b.zeroGrad();
      b.lossAndGrad(x, y);
      clipGradValue(b.params, 0.05);
      clipGradNorm(b.params, 0.5);
      new SGD(b.params, { lr: 1 }).step();
      const differs = a.params.some((p, k) => p.value.some((v, i) => v !== b.params[k].value[i]));
      expect(differs).to.equal(true);
    });

    it('accepts an optimizer instance over model.params and uses it; rejects one over other params', () => {
      const model = makeModel();
      const opt = new SGD(model.params, { lr: 0.1 });
      const trainer = new SequenceTrainer(model, { optimizer: opt });
      expect(trainer.optimizer).to.equal(opt);
      const { x, y } = batch(2);
      trainer.step(x, y);
      expect(opt.stepCount).to.equal(1);
      const other = makeModel();
      expect(() => new SequenceTrainer(model, { optimizer: new SGD(other.params, { lr: 0.1 }) })).to.throw(TypeError, /Trainer: the optimizer must have been created over model\.params/);
    });

    // Regression (fixed in 12d4ddd): the check once compared the optimizer's params with
    // model.params index by index only, so an optimizer over a prefix was accepted and the
    // rest of the model (the head) was silently never updated.
    it('rejects an optimizer over only part of model.params', () => {
      const model = makeModel();
      expect(() => new SequenceTrainer(model, { optimizer: new SGD(model.params.slice(0, 2), { lr: 0.1 }) }))
        .to.throw(TypeError, /Trainer: the optimizer must have been created over model\.params/);
    });

    it('validates its options, naming Trainer and the option', () => {
      const model = makeModel();
      const sgd = new SGD(model.params, { lr: 0.1 });
      expect(() => new SequenceTrainer(model, { optimizer: { name: 'sgd', lr: 0.1 } as never })).to.throw(TypeError, /Trainer: optimizer must be an optimizer over model\.params \(createOptimizer\(model\.params, spec\) makes one from a spec\), got an object/);
      expect(() => new SequenceTrainer(model, { optimizer: sgd, schedule: { name: 'step_lr', step_size: 1 } as never })).to.throw(TypeError, /Trainer: schedule must be a schedule over the trainer's optimizer/);
      expect(() => new SequenceTrainer(model, { optimizer: sgd, clipNorm: 0 })).to.throw(RangeError, /Trainer: clipNorm/);
      expect(() => new SequenceTrainer(model, { optimizer: sgd, clipValue: NaN })).to.throw(TypeError, /Trainer: clipValue must be a finite number/);
      expect(() => new SequenceTrainer(model, { optimizer: sgd, nonFinite: 'ignore' as 'skip' })).to.throw(TypeError, /Trainer: nonFinite must be one of "throw", "skip"/);
      expect(() => new SequenceTrainer(model, null as never)).to.throw(TypeError, /Trainer: options must be an object/);
      expect(() => new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'lbfgs' }) })).to.throw(TypeError, /createOptimizer: spec\.name/);
    });

    it('step returns one reused result object; a throwing lossAndGrad leaves weights and the step count alone', () => {
      const model = makeModel();
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.1 }) });
      const { x, y } = batch(3);
      const r1 = trainer.step(x, y);
      const loss1 = r1.loss;
      const r2 = trainer.step(x, y);
      expect(r2).to.equal(r1);
      expect(r2.loss).to.be.below(loss1);
      const snap = snapshot(model.params);
      expect(() => trainer.step(x, { data: y.data.map(() => V), shape: y.shape })).to.throw(RangeError, /SequenceModel\.lossAndGrad: target\[0\]/);
      expectValuesIdentical(model.params, snap);
      expect(trainer.steps).to.equal(2);
      expect(trainer.optimizer.stepCount).to.equal(2);
    });
  });

  describe('clipping', () => {
    it('clipNorm: the update is −lr·g·clipNorm/(‖g‖ + 1e-6) when ‖g‖ > clipNorm', () => {
      const a = makeModel(), raw = makeModel();
      const { x, y } = batch(4);
      raw.zeroGrad();
      raw.lossAndGrad(x, y);
      const total = gradNorm(raw.params);
      const clipNorm = total / 4;
      const before = a.params.map((p) => copy64(p.value));
      const result = new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 1 }), clipNorm }).step(x, y);
      expect(result.gradNorm).to.equal(total);
      const coef = clipNorm / (total + 1e-6);
      let sq = 0;
      a.params.forEach((p, k) => {
        for (let i = 0; i < p.value.length; i++) {
          const step = before[k][i] - p.value[i];
          expect(step).to.be.closeTo(coef * raw.params[k].grad[i], 1e-15);
          sq += step * step;
        }
      });
      expect(Math.sqrt(sq)).to.be.closeTo(clipNorm, 1e-6);
      expect(gradNorm(a.params)).to.be.closeTo(clipNorm, 1e-6); // grads are left clipped
    });

    it('clipNorm above ‖g‖ changes nothing: the update is exactly −lr·g', () => {
      const a = makeModel(), raw = makeModel();
      const { x, y } = batch(4);
      raw.zeroGrad();
      raw.lossAndGrad(x, y);
      const before = a.params.map((p) => copy64(p.value));
      new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 1 }), clipNorm: 1e3 }).step(x, y);
      a.params.forEach((p, k) => { for (let i = 0; i < p.value.length; i++) expect(p.value[i]).to.equal(before[k][i] - raw.params[k].grad[i]); });
    });

    it('clipValue: every gradient entry is clamped to [−v, v] before the update', () => {
      const a = makeModel(), raw = makeModel();
      const { x, y } = batch(5);
      raw.zeroGrad();
      raw.lossAndGrad(x, y);
      const v = 0.02;
      const before = a.params.map((p) => copy64(p.value));
      new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 1 }), clipValue: v }).step(x, y);
      let clamped = 0, kept = 0;
      a.params.forEach((p, k) => {
        for (let i = 0; i < p.value.length; i++) {
          const g = raw.params[k].grad[i];
          const want = Math.min(Math.max(g, -v), v);
          expect(p.value[i]).to.equal(before[k][i] - want);
          if (Math.abs(g) > v) clamped++;
          else kept++;
        }
      });
      expect(clamped).to.be.above(0);
      expect(kept).to.be.above(0);
    });
  });

  describe('non-finite losses and gradients', () => {
    it("nonFinite 'throw' (the default): a NaN loss throws NonFiniteError; weights and optimizer state untouched", () => {
      const model = makeModel();
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.01 }) });
      const { x, y } = batch(6);
      trainer.step(x, y);
      const snap = snapshot(model.params);
      const state = trainer.optimizer.getState();
      const moments = Object.values(state.buffers).map((bufs) => Object.values(bufs).map((buf) => copy64(buf)));
      let caught: unknown;
      try {
        trainer.run(() => NaN);
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(NonFiniteError);
      expect((caught as Error).name).to.equal('NonFiniteError');
      expect((caught as Error).message).to.match(/Trainer\.step: loss is NaN; the weights were not updated/);
      expectValuesIdentical(model.params, snap);
      expect(trainer.optimizer.stepCount).to.equal(1);
      const after = trainer.optimizer.getState();
      Object.values(after.buffers).forEach((bufs, k) => Object.values(bufs).forEach((buf, j) => expect(Array.from(buf)).to.deep.equal(Array.from(moments[k][j]))));
    });

    it("nonFinite 'throw': an infinite gradient throws NonFiniteError naming the first bad entry", () => {
      const model = makeModel();
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.1 }) });
      const { x, y } = batch(7);
      const snap = snapshot(model.params);
      expect(() => trainer.run(() => {
        const loss = model.lossAndGrad(x, y);
        model.params[1].grad[2] = Infinity;
        return loss;
      })).to.throw(NonFiniteError, /Trainer\.step: gradient norm is Infinity \(weight_hh_l0\[2\] is Infinity\); the weights were not updated/);
      expectValuesIdentical(model.params, snap);
      expect(() => trainer.run(() => Infinity)).to.throw(NonFiniteError, /loss is Infinity/);
      expectValuesIdentical(model.params, snap);
    });

    it("nonFinite 'skip': returns skipped = true, weights bit-identical, grads zeroed; the next good step trains", () => {
      const model = makeModel();
      const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.01 }), nonFinite: 'skip' });
      const { x, y } = batch(8);
      trainer.step(x, y);
      const snap = snapshot(model.params);
      const r = trainer.run(() => {
        model.lossAndGrad(x, y);
        return NaN;
      });
      expect(r.skipped).to.equal(true);
      expect(Number.isNaN(r.loss)).to.equal(true);
      expectValuesIdentical(model.params, snap);
      for (const p of model.params) expect(p.grad.every((g) => g === 0)).to.equal(true);
      expect(trainer.steps).to.equal(2); // skipped steps count
      expect(trainer.optimizer.stepCount).to.equal(1); // but the optimizer did not step
      const r2 = trainer.run(() => {
        const loss = model.lossAndGrad(x, y);
        model.params[0].grad[0] = NaN;
        return loss;
      });
      expect(r2.skipped).to.equal(true);
      expect(Number.isNaN(r2.gradNorm)).to.equal(true);
      expectValuesIdentical(model.params, snap);
      const r3 = trainer.step(x, y);
      expect(r3.skipped).to.equal(false);
      expect(model.params[0].value[0]).to.not.equal(snap[0].value[0]);
    });

    // Regression (fixed in 12d4ddd): when the logits overflow (diverged weights, as a huge
    // learning rate leaves them) the loss and dz are NaN. lossAndGrad used to hand that dOutput
    // to the public Recurrent.backward, whose boundary check threw `RangeError: LSTM.backward:
    // dOutput must be finite` from inside the step: 'skip' did not skip and 'throw' threw the
    // wrong error. Models now call backwardUnchecked, so the Trainer sees the non-finite values.
    describe('a loss that overflows inside the model (diverged weights)', () => {
      /**
       * A model whose head has diverged (as a huge learning rate leaves it): recurrent biases of
       * +5 make every a⟨t⟩ > 0, so z = 1e308 + Σ 1e308·a = +Infinity and the loss is NaN.
       */
      function diverged(): { model: SequenceModel; x: Tensor; y: { data: number[]; shape: number[] } } {
        const model = makeModel();
        for (const p of model.rnn.params) if (p.name.startsWith('bias')) p.value.fill(5);
        model.head.weight.value.fill(1e308);
        model.head.bias!.value.fill(1e308);
        return { model, ...batch(9) };
      }

      it('(the setup: z overflows to +Infinity)', () => {
        const { model, x } = diverged();
        expect(model.forward(x).z.data.every((z) => z === Infinity)).to.equal(true);
      });

      it("nonFinite 'skip' skips the step and leaves the weights bit-identical", () => {
        const { model, x, y } = diverged();
        const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.1 }), nonFinite: 'skip' });
        const snap = snapshot(model.params);
        const r = trainer.step(x, y);
        expect(r.skipped).to.equal(true);
        expectValuesIdentical(model.params, snap);
      });

      it("nonFinite 'throw' throws NonFiniteError (not a RangeError from inside backward)", () => {
        const { model, x, y } = diverged();
        const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.1 }) });
        const snap = snapshot(model.params);
        expect(() => trainer.step(x, y)).to.throw(NonFiniteError);
        expectValuesIdentical(model.params, snap);
      });

      it("a huge learning rate (float32, lr = 1e38) ends in skipped steps, never in an exception", () => {
        const model = makeModel({ mode: 'rnn_tanh', dtype: 'float32', seed: 1 });
        const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 1e38 }), nonFinite: 'skip' });
        const { x, y } = batch(10, 'float32');
        let skipped = 0;
        for (let i = 0; i < 6; i++) {
          const snap = snapshot(model.params);
          const r = trainer.step(x, y);
          if (r.skipped) {
            skipped++;
            expectValuesIdentical(model.params, snap);
          }
        }
        expect(skipped).to.be.above(0);
      });
    });
  });

  describe('workspaces and determinism', () => {
    it('steady state: repeated steps of one shape allocate no new workspaces', () => {
      for (const mode of ['rnn_tanh', 'gru', 'lstm']) {
        const model = makeModel({ mode, numLayers: 2, bidirectional: true, dtype: 'float32' });
        const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.01 }), clipNorm: 1, clipValue: 0.5 });
        const { x, y } = batch(11, 'float32');
        trainer.step(x, y);
        const allocations = model.rnn.workspaceAllocations;
        const z = model.forward(x).z.data;
        for (let i = 0; i < 5; i++) {
          trainer.step(x, y);
          expect(model.rnn.workspaceAllocations, mode).to.equal(allocations);
        }
        expect(model.forward(x).z.data).to.equal(z); // the same view, not a new array
        // with lengths (many_to_many weights) too
        trainer.step(x, y, { lengths: [4, 2, 3] });
        expect(model.rnn.workspaceAllocations, mode).to.equal(allocations);
      }
    });

    it('same seed and same data → bit-identical parameters after 20 Adam steps; another seed differs', () => {
      const run = (seed: number) => {
        const model = makeModel({ mode: 'gru', dtype: 'float32', seed });
        const trainer = new SequenceTrainer(model, { optimizer: createOptimizer(model.params, { name: 'adam', lr: 0.02 }), clipNorm: 1 });
        const losses: number[] = [];
        for (let i = 0; i < 20; i++) {
          const { x, y } = batch(100 + i, 'float32');
          losses.push(trainer.step(x, y).loss);
        }
        return { model, losses };
      };
      const a = run(3), b = run(3), c = run(4);
      expect(a.losses).to.deep.equal(b.losses);
      expectParamsEqual(a.model.params, b.model.params, 'value');
      expect(a.model.params[0].value).to.not.deep.equal(makeModel({ mode: 'gru', dtype: 'float32', seed: 3 }).params[0].value);
      expect(c.losses).to.not.deep.equal(a.losses);
    });

    it('Trainer.run trains anything with params and zeroGrad (a closure over a model)', () => {
      const model = makeModel({ mode: 'rnn_tanh', topology: 'many_to_one', loss: 'mse' });
      const trainer = new Trainer(model, { optimizer: createOptimizer(model.params, { name: 'sgd', lr: 0.05 }) });
      const { x } = batch(12);
      const target = { data: new Float64Array(B * V).fill(0.25), shape: [B, V] };
      const first = trainer.run(() => model.lossAndGrad(x, target)).loss;
      let last = first;
      for (let i = 0; i < 30; i++) last = trainer.run(() => model.lossAndGrad(x, target)).loss;
      expect(last).to.be.below(first / 2);
    });
  });
});
