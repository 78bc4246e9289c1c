import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { createOptimizer, optimizerSpecNames } from '../../lib/optimizers/create-optimizer.js';
import { Adagrad } from '../../lib/optimizers/adagrad.js';
import { Adam } from '../../lib/optimizers/adam.js';
import { RMSprop } from '../../lib/optimizers/rmsprop.js';
import { SGD } from '../../lib/optimizers/sgd.js';

function params(): Param[] {
  return [{ name: 'w', shape: [2], value: Float64Array.from([1, -1]), grad: Float64Array.from([0.5, 0.25]) }];
}

describe('optimizers/createOptimizer', () => {
  it('builds each optimizer from a fixture spec, with PyTorch defaults for missing keys', () => {
    const sgd = createOptimizer(params(), { name: 'sgd', lr: 0.1 });
    expect(sgd).to.be.instanceOf(SGD);
    expect(sgd.hyperParameters).to.deep.equal({ lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });

    const mom = createOptimizer(params(), { name: 'sgd_momentum', lr: 0.1, momentum: 0.9, nesterov: true });
    expect(mom).to.be.instanceOf(SGD);
    expect(mom.hyperParameters).to.deep.equal({ lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 });

    const adam = createOptimizer(params(), { name: 'adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-08 });
    expect(adam).to.be.instanceOf(Adam);
    expect(adam.hyperParameters).to.deep.equal({ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, weightDecay: 0 });

    const rms = createOptimizer(params(), { name: 'rmsprop', lr: 0.01, alpha: 0.9, eps: 1e-8 });
    expect(rms).to.be.instanceOf(RMSprop);
    expect(rms.hyperParameters).to.deep.equal({ lr: 0.01, alpha: 0.9, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 });

    const ada = createOptimizer(params(), { name: 'adagrad', lr: 0.1, eps: 1e-10, initial_accumulator_value: 0, lr_decay: 0.01 });
    expect(ada).to.be.instanceOf(Adagrad);
    expect(ada.hyperParameters).to.deep.equal({ lr: 0.1, lrDecay: 0.01, eps: 1e-10, initialAccumulatorValue: 0, weightDecay: 0 });

    expect(createOptimizer(params(), { name: 'adam' }).hyperParameters).to.deep.equal({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, weightDecay: 0 });
    expect(createOptimizer(params(), { name: 'rmsprop' }).hyperParameters).to.deep.equal({ lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 });
    expect(createOptimizer(params(), { name: 'adagrad' }).hyperParameters).to.deep.equal({ lr: 1e-2, lrDecay: 0, eps: 1e-10, initialAccumulatorValue: 0, weightDecay: 0 });
    expect(createOptimizer(params(), { name: 'adam', weight_decay: 0 })).to.be.instanceOf(Adam);
  });

  it('lists the accepted names', () => {
    expect(optimizerSpecNames).to.deep.equal(['sgd', 'sgd_momentum', 'adam', 'adamw', 'rmsprop', 'adagrad']);
    expect(() => createOptimizer(params(), { name: 'adamax', lr: 0.1 }))
      .to.throw(TypeError, /createOptimizer: spec\.name must be one of "sgd", "sgd_momentum", "adam", "adamw", "rmsprop", "adagrad", got "adamax"/);
    expect(() => createOptimizer(params(), {} as never)).to.throw(TypeError, /spec\.name must be one of/);
    expect(() => createOptimizer(params(), null as never)).to.throw(TypeError, /spec must be an object/);
  });

  it('rejects unknown keys and bad values, leaving the parameters untouched', () => {
    const ps = params();
    expect(() => createOptimizer(ps, { name: 'adam', lr: 0.01, beta1: 0.9 }))
      .to.throw(TypeError, /createOptimizer: spec has an unknown key "beta1"; the keys are "name", "lr", "betas", "eps", "amsgrad", "weight_decay"/);
    expect(() => createOptimizer(ps, { name: 'adagrad', lrDecay: 0.1 })).to.throw(TypeError, /unknown key "lrDecay".*"lr_decay", "eps", "initial_accumulator_value"/);
    expect(() => createOptimizer(ps, { name: 'sgd', lr: 0.1, weight_decay: -1e-4 })).to.throw(RangeError, /SGD: weightDecay must be in \[0, Infinity\], got -0\.0001/);
    expect(() => createOptimizer(ps, { name: 'sgd' })).to.throw(TypeError, /SGD: lr must be a finite number, got undefined/);
    expect(() => createOptimizer(ps, { name: 'sgd_momentum', lr: 0.1 })).to.throw(RangeError, /"sgd_momentum" needs momentum > 0, got undefined/);
    expect(() => createOptimizer(ps, { name: 'sgd_momentum', lr: 0.1, momentum: 0 })).to.throw(RangeError, /needs momentum > 0, got 0/);
    expect(() => createOptimizer(ps, { name: 'adam', betas: [0.9, 1.5] })).to.throw(RangeError, /betas\[1\] must be in \[0, 1\)/);
    expect(() => createOptimizer(ps, { name: 'rmsprop', alpha: -1 })).to.throw(RangeError, /alpha must be in \[0, 1\]/);
    expect(() => createOptimizer(ps, { name: 'adagrad', initial_accumulator_value: -1 })).to.throw(RangeError, /initialAccumulatorValue must be in \[0, Infinity\]/);
    expect(Array.from(ps[0].value)).to.deep.equal([1, -1]);
    expect(Array.from(ps[0].grad)).to.deep.equal([0.5, 0.25]);
  });
});
