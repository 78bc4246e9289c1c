import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { SGD } from '../../lib/optimizers/sgd.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, values: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [values.length], value: A.from(values), grad: new A(values.length) };
}

/** Plain float64 SGD, written from PyTorch's documented algorithm, one scalar at a time. */
function referenceSGD(theta0: number, grads: number[], lr: number, mu = 0, tau = 0, nesterov = false): number[] {
  const out: number[] = [];
  let theta = theta0, b = 0;
  grads.forEach((g, t) => {
    let d = g;
    if (mu !== 0) {
      b = t === 0 ? g : mu * b + (1 - tau) * g;
      d = nesterov ? g + mu * b : b;
    }
    theta = theta - lr * d;
    out.push(theta);
  });
  return out;
}

function run(opt: SGD, p: Param, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad.set(g);
    opt.step();
    return Array.from(p.value);
  });
}

describe('optimizers/SGD', () => {
  const grads = [[0.5, -2], [0.25, 1], [-1, 0.5]];

  it('plain SGD: θ ← θ − lr·g (by hand)', () => {
    const p = param('w', [1, -1]);
    const got = run(new SGD([p], { lr: 0.1 }), p, grads);
    // 1 − 0.05 = 0.95, − 0.025 = 0.925, + 0.1 = 1.025;  −1 + 0.2 = −0.8, − 0.1 = −0.9, − 0.05 = −0.95
    expect(got[0][0]).to.be.closeTo(0.95, 1e-15);
    expect(got[1][0]).to.be.closeTo(0.925, 1e-15);
    expect(got[2][0]).to.be.closeTo(1.025, 1e-15);
    expect(got[2][1]).to.be.closeTo(-0.95, 1e-15);
  });

  it('momentum: the buffer is g at the first step, then μ·b + g (by hand)', () => {
    const p = param('w', [1, -1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const got = run(opt, p, grads);
    // b1 = 0.5 → θ = 0.95;  b2 = 0.45 + 0.25 = 0.7 → θ = 0.88;  b3 = 0.63 − 1 = −0.37 → θ = 0.917
    expect(got[0][0]).to.be.closeTo(0.95, 1e-15);
    expect(got[1][0]).to.be.closeTo(0.88, 1e-15);
    expect(got[2][0]).to.be.closeTo(0.917, 1e-15);
    expect(opt.getState().buffers.w.momentum_buffer[0]).to.be.closeTo(-0.37, 1e-15);
    expect(opt.stepCount).to.equal(3);
  });

  it('dampening is not applied at the first step', () => {
    const p = param('w', [1, -1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    run(opt, p, grads.slice(0, 1));
    expect(Array.from(opt.getState().buffers.w.momentum_buffer)).to.deep.equal([0.5, -2]);
    run(opt, p, grads.slice(1, 2));
    // b2 = 0.9·0.5 + 0.5·0.25 = 0.575
    expect(opt.getState().buffers.w.momentum_buffer[0]).to.be.closeTo(0.575, 1e-15);
  });

  it('nesterov: d = g + μ·b (by hand)', () => {
    const p = param('w', [1, -1]);
    const got = run(new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), p, grads);
    // b1 = 0.5, d1 = 0.5 + 0.45 = 0.95 → θ = 0.905;  b2 = 0.7, d2 = 0.25 + 0.63 = 0.88 → θ = 0.817
    expect(got[0][0]).to.be.closeTo(0.905, 1e-15);
    expect(got[1][0]).to.be.closeTo(0.817, 1e-15);
  });

  for (const A of [Float64Array, Float32Array]) {
    const tol = A === Float64Array ? 1e-14 : 1e-6;
    for (const [label, o] of [
      ['plain', { lr: 0.1 }],
      ['momentum', { lr: 0.05, momentum: 0.8 }],
      ['momentum + dampening', { lr: 0.05, momentum: 0.8, dampening: 0.3 }],
      ['nesterov', { lr: 0.05, momentum: 0.8, nesterov: true }],
    ] as const) {
      it(`${A.name}: ${label} matches a float64 re-derivation over 3 steps`, () => {
        const p = param('w', [1, -1], A);
        const got = run(new SGD([p], o), p, grads);
        const mu = 'momentum' in o ? o.momentum : 0;
        const tau = 'dampening' in o ? o.dampening : 0;
        const nest = 'nesterov' in o ? o.nesterov : false;
        for (let j = 0; j < 2; j++) {
          const want = referenceSGD([1, -1][j], grads.map((g) => g[j]), o.lr, mu, tau, nest);
          for (let t = 0; t < 3; t++) expect(got[t][j]).to.be.closeTo(want[t], tol);
        }
        expect(p.value).to.be.instanceOf(A);
      });
    }
  }

  it('keeps no buffer without momentum', () => {
    const opt = new SGD([param('w', [1])], { lr: 0.1 });
    expect(opt.getState().buffers.w).to.deep.equal({});
    expect(opt.name).to.equal('sgd');
  });

  it('rejects bad options with messages naming the option and its range', () => {
    const p = param('w', [1]);
    expect(() => new SGD([p], {} as never)).to.throw(TypeError, /SGD: lr must be a finite number, got undefined/);
    expect(() => new SGD([p], { lr: -0.1 })).to.throw(RangeError, /SGD: lr must be in \[0, Infinity\], got -0.1/);
    expect(() => new SGD([p], { lr: NaN })).to.throw(TypeError, /SGD: lr must be a finite number, got NaN/);
    expect(() => new SGD([p], { lr: 0.1, momentum: -1 })).to.throw(RangeError, /momentum must be in \[0, Infinity\]/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 2 })).to.throw(RangeError, /dampening must be in \[0, 1\]/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).to.throw(RangeError, /nesterov needs momentum > 0 and dampening = 0/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).to.throw(RangeError, /nesterov/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: 'yes' } as never)).to.throw(TypeError, /nesterov must be a boolean/);
    expect(() => new SGD([p], { lr: 0.1, weight_decay: 0.1 } as never)).to.throw(TypeError, /SGD: options has an unknown key "weight_decay"; the keys are "lr", "momentum", "dampening", "nesterov"/);
    expect(Array.from(p.value)).to.deep.equal([1]);
  });
});
