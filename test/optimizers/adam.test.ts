import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { Adam } from '../../lib/optimizers/adam.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, values: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [values.length], value: A.from(values), grad: new A(values.length) };
}

/**
 * Adam as the paper and PyTorch's docs write it, in float64 for one scalar:
 * m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ ← θ − lr·m̂/(sqrt(v̂) + eps); AMSGrad takes the running
 * maximum of the uncorrected v.
 */
function referenceAdam(theta0: number, grads: number[], lr: number, b1: number, b2: number, eps: number, amsgrad = false): number[] {
  const out: number[] = [];
  let theta = theta0, m = 0, v = 0, vMax = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    vMax = Math.max(vMax, v);
    const mHat = m / (1 - Math.pow(b1, t));
    const vHat = (amsgrad ? vMax : v) / (1 - Math.pow(b2, t));
    theta = theta - lr * mHat / (Math.sqrt(vHat) + eps);
    out.push(theta);
  });
  return out;
}

function run(opt: Adam, p: Param, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad.set(g);
    opt.step();
    return Array.from(p.value);
  });
}

describe('optimizers/Adam', () => {
  it('first step: bias correction makes the step lr·g/(|g| + eps), whatever |g| is', () => {
    const p = param('w', [1, 1, 1]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad.set([1e-3, -5, 1e3]);
    opt.step();
    // m̂ = g and v̂ = g², so θ = 1 − 0.01·g/(|g| + 1e-8)
    expect(p.value[0]).to.be.closeTo(1 - 0.01 * 1e-3 / (1e-3 + 1e-8), 1e-15);
    expect(p.value[1]).to.be.closeTo(1 + 0.01 * 5 / (5 + 1e-8), 1e-15);
    expect(p.value[2]).to.be.closeTo(1 - 0.01 * 1e3 / (1e3 + 1e-8), 1e-15);
    // so every entry moves by lr to within eps/|g|
    expect(p.value[1] - 1).to.be.closeTo(0.01, 1e-10);
    expect(1 - p.value[2]).to.be.closeTo(0.01, 1e-10);
    expect(1 - p.value[0]).to.be.closeTo(0.01, 1e-6);
    const s = opt.getState();
    expect(s.buffers.w.exp_avg[1]).to.be.closeTo(-0.5, 1e-15); // (1 − 0.9)·(−5)
    expect(s.buffers.w.exp_avg_sq[1]).to.be.closeTo(0.025, 1e-15); // (1 − 0.999)·25
  });

  it('second step by hand (lr 0.1, β = (0.5, 0.75), eps 0)', () => {
    const p = param('w', [0]);
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.75], eps: 0 });
    p.grad[0] = 1;
    opt.step(); // m = 0.5, v = 0.25, m̂ = 1, v̂ = 1 → θ = −0.1
    expect(p.value[0]).to.be.closeTo(-0.1, 1e-15);
    p.grad[0] = 3;
    opt.step();
    // m = 0.25 + 1.5 = 1.75, v = 0.1875 + 2.25 = 2.4375; m̂ = 1.75/0.75, v̂ = 2.4375/0.4375
    const want = -0.1 - 0.1 * (1.75 / 0.75) / Math.sqrt(2.4375 / 0.4375);
    expect(p.value[0]).to.be.closeTo(want, 1e-15);
    expect(want).to.be.closeTo(-0.19885, 1e-5);
  });

  it('AMSGrad keeps the maximum of v and normalizes by it', () => {
    const p = param('w', [0]);
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.5], eps: 0, amsgrad: true });
    for (const g of [4, 0.5]) {
      p.grad[0] = g;
      opt.step();
    }
    // v1 = 8, v2 = 4 + 0.125 = 4.125 → vMax stays 8
    const s = opt.getState().buffers.w;
    expect(s.exp_avg_sq[0]).to.equal(4.125);
    expect(s.max_exp_avg_sq[0]).to.equal(8);
    // m2 = 1 + 0.25 = 1.25; m̂ = 1.25/0.75; v̂max = 8/0.75
    const want = -0.1 - 0.1 * (1.25 / 0.75) / Math.sqrt(8 / 0.75);
    expect(p.value[0]).to.be.closeTo(want, 1e-15);
  });

  const grads = [[0.5, -2, 1e-3], [0.25, 1, -1e-3], [-1, 0.5, 2]];
  for (const A of [Float64Array, Float32Array]) {
    const tol = A === Float64Array ? 1e-14 : 2e-6;
    for (const [label, o] of [
      ['defaults', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }],
      ['fixture settings', { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false }],
      ['amsgrad', { lr: 0.05, betas: [0.8, 0.9], eps: 1e-6, amsgrad: true }],
    ] as const) {
      it(`${A.name}: ${label} matches a float64 re-derivation over 3 steps`, () => {
        const theta0 = [1, -1, 0.5];
        const p = param('w', theta0, A);
        const opt = label === 'defaults' ? new Adam([p]) : new Adam([p], o);
        const got = run(opt, p, grads);
        for (let j = 0; j < 3; j++) {
          const want = referenceAdam(theta0[j], grads.map((g) => g[j]), o.lr, o.betas[0], o.betas[1], o.eps, o.amsgrad);
          for (let t = 0; t < 3; t++) expect(got[t][j]).to.be.closeTo(want[t], tol);
        }
        expect(p.value).to.be.instanceOf(A);
        expect(opt.getState().buffers.w.exp_avg).to.be.instanceOf(A);
      });
    }
  }

  it('has PyTorch defaults', () => {
    expect(new Adam([param('w', [1])]).hyperParameters).to.deep.equal({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, amsgrad: false, weightDecay: 0 });
  });

  it('rejects bad options with messages naming the option and its range', () => {
    const p = param('w', [1]);
    expect(() => new Adam([p], { betas: [1, 0.999] })).to.throw(RangeError, /Adam: betas\[0\] must be in \[0, 1\), got 1/);
    expect(() => new Adam([p], { betas: [0.9, -0.1] })).to.throw(RangeError, /Adam: betas\[1\] must be in \[0, 1\), got -0.1/);
    expect(() => new Adam([p], { betas: [0.9] })).to.throw(TypeError, /betas must be an array \[beta1, beta2\]/);
    expect(() => new Adam([p], { eps: -1 })).to.throw(RangeError, /eps must be in \[0, Infinity\]/);
    expect(() => new Adam([p], { lr: Infinity })).to.throw(TypeError, /lr must be a finite number, got Infinity/);
    expect(() => new Adam([p], { amsgrad: 1 } as never)).to.throw(TypeError, /amsgrad must be a boolean/);
    expect(() => new Adam([p], { beta1: 0.9 } as never)).to.throw(TypeError, /Adam: options has an unknown key "beta1"; the keys are "lr", "betas", "eps", "amsgrad"/);
  });
});
