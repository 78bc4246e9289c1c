import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import type { FloatArray } from '../../lib/tensor.js';
import type { Optimizer, OptimizerState } from '../../lib/optimizers/optimizer.js';
import { Adagrad } from '../../lib/optimizers/adagrad.js';
import { Adam } from '../../lib/optimizers/adam.js';
import { RMSprop } from '../../lib/optimizers/rmsprop.js';
import { SGD } from '../../lib/optimizers/sgd.js';

/** Two parameters of different dtypes, so buffers must follow each parameter's dtype. */
function makeParams(): Param[] {
  return [
    { name: 'weight_hh_l0', shape: [2, 3], value: Float32Array.from([0.1, -0.2, 0.3, -0.4, 0.5, -0.6]), grad: new Float32Array(6) },
    { name: 'head.bias', shape: [2], value: Float64Array.from([1, -1]), grad: new Float64Array(2) },
  ];
}

/** A deterministic gradient for step t. */
function setGrads(params: Param[], t: number): void {
  for (const p of params) {
    for (let j = 0; j < p.grad.length; j++) p.grad[j] = Math.sin(1.3 * t + 0.7 * j + p.name.length) * (1 + t);
  }
}

function bitsEqual(a: FloatArray, b: FloatArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function expectSameState(a: OptimizerState, b: OptimizerState): void {
  expect(a.optimizer).to.equal(b.optimizer);
  expect(a.step).to.equal(b.step);
  expect(a.hyperParameters).to.deep.equal(b.hyperParameters);
  expect(Object.keys(a.buffers)).to.deep.equal(Object.keys(b.buffers));
  for (const name of Object.keys(a.buffers)) {
    expect(Object.keys(a.buffers[name])).to.deep.equal(Object.keys(b.buffers[name]));
    for (const buf of Object.keys(a.buffers[name])) {
      expect(bitsEqual(a.buffers[name][buf], b.buffers[name][buf]), `${name}.${buf}`).to.equal(true);
    }
  }
}

type Make = (params: Param[]) => Optimizer;

/** Each configuration, how to make it, and the buffers it must keep per parameter (PyTorch's names). */
const configs: [string, Make, string[]][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.1 }), []],
  ['SGD momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1 }), ['momentum_buffer']],
  ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }), ['momentum_buffer']],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01 }), ['exp_avg', 'exp_avg_sq']],
  ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, betas: [0.8, 0.99], amsgrad: true }), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01 }), ['square_avg']],
  ['RMSprop centered momentum', (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true }), ['square_avg', 'momentum_buffer', 'grad_avg']],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1 }), ['sum']],
];

describe('optimizers/state', () => {
  for (const [label, make, bufferNames] of configs) {
    describe(label, () => {
      it('save after 2 steps, restore into a fresh optimizer: 3 more steps are bit-identical to an uninterrupted run', () => {
        const straight = makeParams();
        const a = make(straight);
        for (let t = 0; t < 5; t++) {
          setGrads(straight, t);
          a.step();
        }

        const resumed = makeParams();
        const first = make(resumed);
        for (let t = 0; t < 2; t++) {
          setGrads(resumed, t);
          first.step();
        }
        // As a serializer would: plain data, cloned, then loaded into new objects.
        const saved = structuredClone(first.getState());
        const values = resumed.map((p) => p.value.slice());
        const restoredParams = makeParams();
        restoredParams.forEach((p, i) => p.value.set(values[i]));
        const b = make(restoredParams);
        b.setState(saved);
        expect(b.stepCount).to.equal(2);
        for (let t = 2; t < 5; t++) {
          setGrads(restoredParams, t);
          b.step();
        }

        straight.forEach((p, i) => expect(bitsEqual(p.value, restoredParams[i].value), p.name).to.equal(true));
        expectSameState(a.getState(), b.getState());
      });

      it(`keeps exactly the buffers [${bufferNames.join(', ')}] for each parameter, in that parameter's dtype, and getState returns copies`, () => {
        const params = makeParams();
        const opt = make(params);
        setGrads(params, 0);
        opt.step();
        const s = opt.getState();
        expect(Object.keys(s.buffers)).to.deep.equal(['weight_hh_l0', 'head.bias']);
        for (const p of params) expect(Object.keys(s.buffers[p.name]).sort(), p.name).to.deep.equal(bufferNames.slice().sort());
        const lr = opt.hyperParameters.lr;
        (s.hyperParameters as { lr: number }).lr = 99;
        expect(opt.hyperParameters.lr).to.equal(lr);
        // plain SGD keeps no buffer, so there is nothing more to check: the key lists above are that check
        for (const name of bufferNames) {
          expect(s.buffers.weight_hh_l0[name], name).to.be.instanceOf(Float32Array).and.have.length(6);
          expect(s.buffers['head.bias'][name], name).to.be.instanceOf(Float64Array).and.have.length(2);
          s.buffers['head.bias'][name].fill(123);
          expect(opt.getState().buffers['head.bias'][name][0], `${name} is a copy`).to.not.equal(123);
        }
      });
    });
  }

  it('setState adopts the saved hyper-parameters, as PyTorch\'s load_state_dict does', () => {
    const pa = makeParams(), pb = makeParams();
    const a = new Adam(pa, { lr: 0.01, betas: [0.8, 0.9] });
    const b = new Adam(pb, { lr: 0.5 });
    b.setState(a.getState());
    expect(b.hyperParameters).to.deep.equal({ lr: 0.01, betas: [0.8, 0.9], eps: 1e-8, amsgrad: false, weightDecay: 0 });
    for (let t = 0; t < 3; t++) {
      setGrads(pa, t);
      setGrads(pb, t);
      a.step();
      b.step();
    }
    pa.forEach((p, i) => expect(bitsEqual(p.value, pb[i].value)).to.equal(true));
  });

  describe('setState with a bad state throws and changes nothing', () => {
    type Mutate = (s: any) => unknown;
    const cases: [string, Mutate, RegExp][] = [
      ['another optimizer', (s) => ({ ...s, optimizer: 'sgd' }), /Adam\.setState: state\.optimizer must be one of "adam", got "sgd"/],
      ['not an object', () => null, /state must be an object/],
      ['a negative step', (s) => ({ ...s, step: -1 }), /state\.step must be ≥ 0, got -1/],
      ['a fractional step', (s) => ({ ...s, step: 1.5 }), /state\.step must be an integer/],
      ['a missing hyper-parameter', (s) => ({ ...s, hyperParameters: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8 } }), /Adam\.setState: state\.hyperParameters\.amsgrad must be a boolean, got undefined/],
      ['an unknown hyper-parameter', (s) => ({ ...s, hyperParameters: { ...s.hyperParameters, momentum: 0 } }), /state\.hyperParameters has an unknown key "momentum"; the keys are "lr", "betas", "eps", "amsgrad", "weightDecay"/],
      ['an invalid hyper-parameter', (s) => ({ ...s, hyperParameters: { ...s.hyperParameters, betas: [0.9, 1] } }), /betas\[1\] must be in \[0, 1\)/],
      ['hyper-parameters that need other buffers', (s) => ({ ...s, hyperParameters: { ...s.hyperParameters, amsgrad: true } }),
        /call for buffers \[exp_avg, exp_avg_sq, max_exp_avg_sq\] but this Adam holds \[exp_avg, exp_avg_sq\]/],
      ['a missing parameter', (s) => ({ ...s, buffers: { weight_hh_l0: s.buffers.weight_hh_l0 } }), /state\.buffers\["head\.bias"\] must be an object/],
      ['an unknown parameter', (s) => ({ ...s, buffers: { ...s.buffers, 'head.weight': s.buffers['head.bias'] } }), /state\.buffers has an unknown key "head\.weight"; the keys are "weight_hh_l0", "head\.bias"/],
      ['a missing buffer', (s) => ({ ...s, buffers: { ...s.buffers, 'head.bias': { exp_avg: s.buffers['head.bias'].exp_avg } } }), /state\.buffers\["head\.bias"\]\.exp_avg_sq must be a Float64Array/],
      ['an unknown buffer', (s) => ({ ...s, buffers: { ...s.buffers, 'head.bias': { ...s.buffers['head.bias'], sum: new Float64Array(2) } } }), /state\.buffers\["head\.bias"\] has an unknown key "sum"; the keys are "exp_avg", "exp_avg_sq"/],
      ['a wrong length', (s) => ({ ...s, buffers: { ...s.buffers, weight_hh_l0: { ...s.buffers.weight_hh_l0, exp_avg: new Float32Array(5) } } }), /state\.buffers\["weight_hh_l0"\]\.exp_avg has 5 entries but 6 were expected/],
      ['a wrong dtype', (s) => ({ ...s, buffers: { ...s.buffers, weight_hh_l0: { ...s.buffers.weight_hh_l0, exp_avg: new Float64Array(6) } } }), /state\.buffers\["weight_hh_l0"\]\.exp_avg must be a Float32Array, got Float64Array\(6\)/],
      ['a plain array', (s) => ({ ...s, buffers: { ...s.buffers, 'head.bias': { ...s.buffers['head.bias'], exp_avg: [0, 0] } } }), /must be a Float64Array/],
      ['a NaN entry', (s) => ({ ...s, buffers: { ...s.buffers, 'head.bias': { ...s.buffers['head.bias'], exp_avg: Float64Array.from([0, NaN]) } } }), /state\.buffers\["head\.bias"\]\.exp_avg must be finite, but entry 1 is NaN/],
      ['a negative second moment', (s) => ({ ...s, buffers: { ...s.buffers, 'head.bias': { ...s.buffers['head.bias'], exp_avg_sq: Float64Array.from([-1, 0]) } } }), /state\.buffers\["head\.bias"\]\.exp_avg_sq must be finite and non-negative, but entry 0 is -1/],
    ];
    for (const [label, mutate, message] of cases) {
      it(label, () => {
        const params = makeParams();
        const opt = new Adam(params, { lr: 0.01 });
        for (let t = 0; t < 2; t++) {
          setGrads(params, t);
          opt.step();
        }
        const other = makeParams();
        const donor = new Adam(other, { lr: 0.02 });
        for (let t = 0; t < 3; t++) {
          setGrads(other, t + 7);
          donor.step();
        }
        const before = opt.getState();
        const values = params.map((p) => p.value.slice());
        expect(() => opt.setState(mutate(donor.getState()) as OptimizerState)).to.throw(message);
        expectSameState(opt.getState(), before);
        expect(opt.stepCount).to.equal(2);
        params.forEach((p, i) => expect(bitsEqual(p.value, values[i])).to.equal(true));
      });
    }
  });

  describe('constructor checks the parameter list', () => {
    const good = () => makeParams();
    it('rejects an empty list, duplicate names, mismatched grads and shapes', () => {
      expect(() => new SGD([], { lr: 0.1 })).to.throw(RangeError, /SGD: params is empty/);
      expect(() => new SGD('w' as never, { lr: 0.1 })).to.throw(TypeError, /SGD: params must be an array/);
      const [a, b] = good();
      expect(() => new Adam([a, { ...b, name: a.name }])).to.throw(RangeError, /params\[1\]\.name "weight_hh_l0" appears twice/);
      expect(() => new Adam([{ ...a, grad: new Float64Array(6) }])).to.throw(TypeError, /params\[0\] \("weight_hh_l0"\)\.grad must have the dtype of its value \(float32\)/);
      expect(() => new Adam([{ ...a, grad: new Float32Array(5) }])).to.throw(RangeError, /grad has 5 entries but its value has 6/);
      expect(() => new Adam([{ ...a, shape: [3, 3] }])).to.throw(RangeError, /value has 6 entries but its shape is \[3, 3\]/);
      expect(() => new Adam([{ ...a, value: [1, 2] as never }])).to.throw(TypeError, /value must be a Float32Array or Float64Array, got an array of length 2/);
    });

    it('a failed construction leaves the parameters untouched', () => {
      const params = good();
      setGrads(params, 3);
      const values = params.map((p) => p.value.slice()), grads = params.map((p) => p.grad.slice());
      expect(() => new Adagrad(params, { lr: -1 })).to.throw(RangeError);
      params.forEach((p, i) => {
        expect(bitsEqual(p.value, values[i])).to.equal(true);
        expect(bitsEqual(p.grad, grads[i])).to.equal(true);
      });
    });

    it('the optimizer keeps its own copy of the list', () => {
      const params = good();
      const opt = new SGD(params, { lr: 0.1 });
      params.pop();
      expect(opt.params.length).to.equal(2);
    });
  });
});
