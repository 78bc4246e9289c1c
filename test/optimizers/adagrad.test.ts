import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { Adagrad } from '../../lib/optimizers/adagrad.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, values: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [values.length], value: A.from(values), grad: new A(values.length) };
}

/** Adagrad as PyTorch documents it, in float64 for one scalar. */
function referenceAdagrad(theta0: number, grads: number[], lr: number, lrDecay: number, eps: number, s0: number): number[] {
  const out: number[] = [];
  let theta = theta0, s = s0;
  grads.forEach((g, i) => {
    const t = i + 1;
    const clr = lr / (1 + (t - 1) * lrDecay);
    s = s + g * g;
    theta = theta - clr * g / (Math.sqrt(s) + eps);
    out.push(theta);
  });
  return out;
}

function run(opt: Adagrad, p: Param, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad.set(g);
    opt.step();
    return Array.from(p.value);
  });
}

describe('optimizers/Adagrad', () => {
  it('first steps by hand (lr 0.1, eps 1e-10)', () => {
    const p = param('w', [1]);
    const opt = new Adagrad([p], { lr: 0.1, eps: 1e-10 });
    p.grad[0] = 0.5;
    opt.step(); // s = 0.25, std = 0.5 → θ = 1 − 0.1 = 0.9
    expect(p.value[0]).to.be.closeTo(0.9, 1e-10);
    opt.step(); // s = 0.5 → θ = 0.9 − 0.05/sqrt(0.5)
    expect(p.value[0]).to.be.closeTo(0.9 - 0.05 / Math.SQRT1_2, 1e-10);
    expect(p.value[0]).to.be.closeTo(0.829289, 1e-6);
  });

  it('initial_accumulator_value fills the sum before the first step', () => {
    const p = param('w', [1, 2]);
    const opt = new Adagrad([p], { lr: 0.1, eps: 0, initialAccumulatorValue: 0.75 });
    expect(Array.from(opt.getState().buffers.w.sum)).to.deep.equal([0.75, 0.75]);
    p.grad.set([0.5, -0.5]);
    opt.step(); // s = 1, std = 1 → θ = 1 − 0.05, 2 + 0.05
    expect(p.value[0]).to.be.closeTo(0.95, 1e-15);
    expect(p.value[1]).to.be.closeTo(2.05, 1e-15);
  });

  it('lr_decay: the step-t rate is lr/(1 + (t − 1)·lrDecay)', () => {
    const p = param('w', [0]);
    const opt = new Adagrad([p], { lr: 0.3, eps: 0, lrDecay: 0.5 });
    p.grad[0] = 1;
    opt.step(); // clr = 0.3, s = 1 → θ = −0.3
    expect(p.value[0]).to.be.closeTo(-0.3, 1e-15);
    opt.step(); // clr = 0.3/1.5 = 0.2, s = 2 → θ = −0.3 − 0.2/√2
    expect(p.value[0]).to.be.closeTo(-0.3 - 0.2 / Math.SQRT2, 1e-15);
    opt.step(); // clr = 0.3/2 = 0.15, s = 3
    expect(p.value[0]).to.be.closeTo(-0.3 - 0.2 / Math.SQRT2 - 0.15 / Math.sqrt(3), 1e-15);
  });

  const grads = [[0.5, -2, 1e-3], [0.25, 1, -1e-3], [-1, 0.5, 2]];
  for (const A of [Float64Array, Float32Array]) {
    const tol = A === Float64Array ? 1e-14 : 2e-6;
    for (const [label, o] of [
      ['defaults', { lr: 1e-2, lrDecay: 0, eps: 1e-10, initialAccumulatorValue: 0 }],
      ['fixture settings', { lr: 0.1, lrDecay: 0, eps: 1e-10, initialAccumulatorValue: 0 }],
      ['decay + accumulator', { lr: 0.1, lrDecay: 0.1, eps: 1e-6, initialAccumulatorValue: 0.1 }],
    ] as const) {
      it(`${A.name}: ${label} matches a float64 re-derivation over 3 steps`, () => {
        const theta0 = [1, -1, 0.5];
        const p = param('w', theta0, A);
        const opt = label === 'defaults' ? new Adagrad([p]) : new Adagrad([p], o);
        const got = run(opt, p, grads);
        for (let j = 0; j < 3; j++) {
          const want = referenceAdagrad(theta0[j], grads.map((g) => g[j]), o.lr, o.lrDecay, o.eps, o.initialAccumulatorValue);
          for (let t = 0; t < 3; t++) expect(got[t][j]).to.be.closeTo(want[t], tol);
        }
        expect(p.value).to.be.instanceOf(A);
      });
    }
  }

  it('rejects bad options with messages naming the option and its range', () => {
    const p = param('w', [1]);
    expect(() => new Adagrad([p], { lrDecay: -1 })).to.throw(RangeError, /Adagrad: lrDecay must be in \[0, Infinity\], got -1/);
    expect(() => new Adagrad([p], { initialAccumulatorValue: -0.1 })).to.throw(RangeError, /initialAccumulatorValue must be in \[0, Infinity\]/);
    expect(() => new Adagrad([p], { eps: NaN })).to.throw(TypeError, /eps must be a finite number/);
    expect(() => new Adagrad([p], { lr_decay: 0.1 } as never)).to.throw(TypeError, /Adagrad: options has an unknown key "lr_decay"; the keys are "lr", "lrDecay", "eps", "initialAccumulatorValue"/);
  });
});
