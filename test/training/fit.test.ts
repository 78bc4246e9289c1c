import { expect } from 'chai';
import {
  type FitEpoch, type FitStep, Random, type SequenceDataset, SequenceModel, SequenceTrainer, accuracy, evaluateDataset, fit, padSequences, padTokens, predict,
  createOptimizer,
} from '../../lib/index.js';

const I = 3, V = 4;

/** Sequences of 2…6 steps whose class is the sign pattern of their first feature's sum (learnable). */
function dataset(n: number, seed: number, perStep = false): SequenceDataset {
  const r = new Random(seed);
  const x: number[][][] = [], y: (number | number[])[] = [];
  for (let i = 0; i < n; i++) {
    const T = 2 + r.int(5);
    const seq = Array.from({ length: T }, () => Array.from({ length: I }, () => r.uniform(-1, 1)));
    x.push(seq);
    const cls = (s: number[]) => (s[0] > 0 ? 1 : 0) + (s[1] > 0 ? 2 : 0);
    y.push(perStep ? seq.map(cls) : cls(seq.reduce((a, s) => a.map((v, j) => v + s[j]), [0, 0, 0])));
  }
  return { x, y };
}

const classifier = (topology: 'many_to_one' | 'many_to_many' = 'many_to_one') =>
  new SequenceModel({ mode: 'gru', inputSize: I, hiddenSize: 8, outputSize: V, topology, seed: 5 });

const values = (m: SequenceModel) => m.params.map((p) => Array.from(p.value));

describe('training: fit, predict, accuracy', () => {
  it('one epoch, one batch of every example, no shuffle, is exactly one trainer.step on the padded batch', () => {
    const data = dataset(7, 1);
    const a = classifier(), b = classifier();
    const ta = new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'adam', lr: 0.01 }), clipNorm: 1 });
    const tb = new SequenceTrainer(b, { optimizer: createOptimizer(b.params, { name: 'adam', lr: 0.01 }), clipNorm: 1 });
    const result = fit(ta, data, { epochs: 1, batchSize: 7, shuffle: false });
    const p = padSequences(data.x);
    const r = tb.step({ data: p.data, shape: p.shape }, { data: Int32Array.from(data.y as number[]), shape: [7] }, { lengths: p.lengths });
    expect(values(a)).to.deep.equal(values(b));
    expect(result.steps).to.equal(1);
    // the epoch's loss is (loss · 7) / 7, the mean per example over batches: equal up to rounding
    expect(result.history[0].loss).to.be.closeTo(r.loss, 4 * Number.EPSILON * r.loss);
  });

  it('equal lengths: the batch carries no lengths, exactly as trainer.step(x, y) without them', () => {
    const r = new Random(2);
    const x = Array.from({ length: 4 }, () => Array.from({ length: 3 }, () => Array.from({ length: I }, () => r.uniform(-1, 1))));
    const y = [[0, 1, 2], [3, 2, 1], [1, 1, 1], [0, 0, 3]];
    const a = classifier('many_to_many'), b = classifier('many_to_many');
    fit(new SequenceTrainer(a, { optimizer: createOptimizer(a.params, { name: 'sgd', lr: 0.1 }) }), { x, y }, { epochs: 1, batchSize: 4, shuffle: false });
    const p = padSequences(x), t = padTokens(y);
    new SequenceTrainer(b, { optimizer: createOptimizer(b.params, { name: 'sgd', lr: 0.1 }) }).step({ data: p.data, shape: p.shape }, t);
    expect(values(a)).to.deep.equal(values(b));
  });

  it('the same seed gives the same weights bit for bit; another seed other weights', () => {
    const data = dataset(20, 3);
    const run = (seed: number) => {
      const m = classifier();
      fit(new SequenceTrainer(m, { optimizer: createOptimizer(m.params, { name: 'adam', lr: 0.01 }) }), data, { epochs: 3, batchSize: 6, seed });
      return values(m);
    };
    expect(run(1)).to.deep.equal(run(1));
    expect(run(1)).to.not.deep.equal(run(2));
  });

  it('learns: the validation loss falls and accuracy rises; callbacks see every step and epoch', () => {
    const data = dataset(96, 4), validation = dataset(32, 5);
    const m = classifier();
    const steps: FitStep[] = [], epochs: FitEpoch[] = [];
    const before = evaluateDataset(m, validation);
    const result = fit(new SequenceTrainer(m, { optimizer: createOptimizer(m.params, { name: 'adam', lr: 0.02 }) }), data, {
      epochs: 8, batchSize: 16, seed: 1, validation, onStep: (s) => { steps.push(s); }, onEpoch: (e) => { epochs.push(e); },
    });
    expect(steps).to.have.length(8 * 6);
    expect(steps[6]).to.include({ epoch: 2, batch: 0, size: 16, skipped: false });
    expect(epochs).to.deep.equal(result.history);
    const last = result.history.at(-1)!;
    expect(last.validationLoss!).to.be.below(before.loss * 0.8);
    expect(last.validationAccuracy!).to.be.above(before.accuracy! + 0.15);
    expect(result.stoppedEarly).to.equal(false);
  });

  it('early stopping stops after `patience` epochs without improvement, and restoreBest puts back the best weights', () => {
    const data = dataset(16, 6);
    const m = classifier();
    const snapshots: number[][][] = [];
    // a learning rate so large that the loss soon gets worse
    const result = fit(new SequenceTrainer(m, { optimizer: createOptimizer(m.params, { name: 'sgd', lr: 50 }), clipNorm: 100 }), data, {
      epochs: 30, batchSize: 16, shuffle: false, validation: data,
      earlyStopping: { patience: 2, restoreBest: true },
      onEpoch: () => { snapshots.push(values(m)); },
    });
    expect(result.stoppedEarly).to.equal(true);
    expect(result.history.length).to.equal(result.bestEpoch + 2);
    const losses = result.history.map((e) => e.validationLoss!);
    expect(result.bestLoss).to.equal(Math.min(...losses));
    expect(values(m)).to.deep.equal(snapshots[result.bestEpoch - 1]);
    expect(values(m)).to.not.deep.equal(snapshots.at(-1));
    expect(evaluateDataset(m, data).loss).to.equal(result.bestLoss);
  });

  it('a callback returning false stops the loop', () => {
    const m = classifier();
    const result = fit(new SequenceTrainer(m, { optimizer: createOptimizer(m.params, { name: 'sgd', lr: 0.1 }) }), dataset(20, 7), { epochs: 5, batchSize: 5, onStep: (s) => s.batch < 1 });
    expect(result.steps).to.equal(2);
    expect(result.history).to.have.length(1);
  });

  it('regression (many_to_one mse) and tagging (many_to_many cross_entropy) datasets train', () => {
    const r = new Random(8);
    const x = [[[0.1, 0.2, 0.3]], [[0.5, -0.1, 0], [0.2, 0.2, 0.2]]];
    const mse = new SequenceModel({ mode: 'lstm', inputSize: I, hiddenSize: 4, outputSize: 2, topology: 'many_to_one', loss: 'mse' });
    const out = fit(new SequenceTrainer(mse, { optimizer: createOptimizer(mse.params, { name: 'adam', lr: 0.01 }) }), { x, y: [[1, 0], [0, 1]] }, { epochs: 2, batchSize: 2 });
    expect(out.history.every((e) => Number.isFinite(e.loss))).to.equal(true);
    const tagger = classifier('many_to_many');
    const tags = dataset(12, 9, true);
    const before = values(tagger);
    fit(new SequenceTrainer(tagger, { optimizer: createOptimizer(tagger.params, { name: 'adam', lr: 0.01 }) }), tags, { epochs: 1, batchSize: 4, seed: r.int(100) });
    expect(values(tagger)).to.not.deep.equal(before);
  });

  it('predict and accuracy: argmax per row or valid step; padding counts for nothing', () => {
    const m = classifier('many_to_many');
    const p = padSequences([[[1, 0, 0], [0, 1, 0]], [[0, 0, 1]]]);
    const x = { data: p.data, shape: p.shape };
    const pred = predict(m, x, { lengths: p.lengths });
    expect(pred.shape).to.deep.equal([2, 2]);
    expect(pred.data[3]).to.equal(0); // step 1 of row 1 is padding
    const target = { data: Int32Array.from(pred.data), shape: [2, 2] };
    expect(accuracy(m, x, target, { lengths: p.lengths })).to.equal(1);
    target.data[3] = (target.data[3] + 1) % V; // padding: no effect
    expect(accuracy(m, x, target, { lengths: p.lengths })).to.equal(1);
    target.data[0] = (target.data[0] + 1) % V;
    expect(accuracy(m, x, target, { lengths: p.lengths })).to.equal(2 / 3);
    const reg = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 2, outputSize: 1, loss: 'mse' });
    expect(() => predict(reg, x)).to.throw(TypeError, 'predict: the model must be a classifier (cross_entropy loss), got mse');
  });

  it('refuses bad datasets and options at the boundary, before any step', () => {
    const m = classifier(), t = new SequenceTrainer(m, { optimizer: createOptimizer(m.params, { name: 'sgd', lr: 0.1 }) });
    const before = values(m);
    const data = dataset(4, 10);
    expect(() => fit(t, data, { epochs: 1, batchsize: 2 } as never)).to.throw(TypeError, 'fit: options has unknown key "batchsize" (did you mean "batchSize"?)');
    expect(() => fit(t, data, { epochs: 0 })).to.throw(RangeError, 'fit: options.epochs must be ≥ 1, got 0');
    expect(() => fit(t, { x: data.x, y: data.y.slice(1) }, { epochs: 1 })).to.throw(RangeError, 'fit: data.y must be an array of 4 targets');
    expect(() => fit(t, { x: [[[1, 2]]], y: [0] }, { epochs: 1 })).to.throw(RangeError, 'fit: data.x[0][0] must hold 3 features (inputSize)');
    expect(() => fit(t, { x: [[[1, 2, 3]]], y: [4] }, { epochs: 1 })).to.throw(RangeError, 'fit: data.y[0] must be a class index in [0, 3], got 4');
    expect(() => fit(t, data, { epochs: 1, validation: { x: [[[1, 2, 3]]], y: [9] } })).to.throw(RangeError, 'fit: options.validation.y[0] must be a class index');
    expect(() => fit(t, data, { epochs: 1, earlyStopping: { patients: 2 } as never })).to.throw(TypeError, 'fit: options.earlyStopping has unknown key "patients" (did you mean "patience"?)');
    expect(values(m)).to.deep.equal(before);
  });
});
