import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { RMSprop } from '../../lib/optimizers/rmsprop.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, values: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [values.length], value: A.from(values), grad: new A(values.length) };
}

/** RMSprop as PyTorch documents it, in float64 for one scalar. */
function referenceRMSprop(theta0: number, grads: number[], lr: number, alpha: number, eps: number, mu = 0, centered = false): number[] {
  const out: number[] = [];
  let theta = theta0, v = 0, gAvg = 0, b = 0;
  for (const g of grads) {
    v = alpha * v + (1 - alpha) * g * g;
    let vTilde = v;
    if (centered) {
      gAvg = alpha * gAvg + (1 - alpha) * g;
      vTilde = v - gAvg * gAvg;
    }
    if (mu > 0) {
      b = mu * b + g / (Math.sqrt(vTilde) + eps);
      theta = theta - lr * b;
    } else {
      theta = theta - lr * g / (Math.sqrt(vTilde) + eps);
    }
    out.push(theta);
  }
  return out;
}

function run(opt: RMSprop, p: Param, grads: number[][]): number[][] {
  return grads.map((g) => {
    p.grad.set(g);
    opt.step();
    return Array.from(p.value);
  });
}

describe('optimizers/RMSprop', () => {
  it('first steps by hand (lr 0.01, α 0.9, eps 0)', () => {
    const p = param('w', [1]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9, eps: 0 });
    p.grad[0] = 0.5;
    opt.step(); // v = 0.025 → θ = 1 − 0.01·0.5/sqrt(0.025)
    expect(p.value[0]).to.be.closeTo(1 - 0.005 / Math.sqrt(0.025), 1e-15);
    expect(p.value[0]).to.be.closeTo(0.968377, 1e-6);
    p.grad[0] = 0.5;
    opt.step(); // v = 0.0225 + 0.025 = 0.0475
    expect(opt.getState().buffers.w.square_avg[0]).to.be.closeTo(0.0475, 1e-15);
  });

  it('centered: divides by sqrt(v − gAvg²) + eps (by hand)', () => {
    const p = param('w', [1]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9, eps: 0, centered: true });
    p.grad[0] = 0.5;
    opt.step(); // v = 0.025, gAvg = 0.05, v − gAvg² = 0.0225 → θ = 1 − 0.005/0.15
    expect(p.value[0]).to.be.closeTo(1 - 0.005 / 0.15, 1e-15);
    expect(opt.getState().buffers.w.grad_avg[0]).to.be.closeTo(0.05, 1e-15);
  });

  it('momentum: the buffer starts at zero, b ← μ·b + g/avg (by hand)', () => {
    const p = param('w', [1]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9, eps: 0, momentum: 0.5 });
    p.grad[0] = 0.5;
    opt.step();
    const b1 = 0.5 / Math.sqrt(0.025);
    expect(opt.getState().buffers.w.momentum_buffer[0]).to.be.closeTo(b1, 1e-14);
    expect(p.value[0]).to.be.closeTo(1 - 0.01 * b1, 1e-15);
    p.grad[0] = -1;
    opt.step(); // v = 0.0225 + 0.1 = 0.1225, sqrt = 0.35
    const b2 = 0.5 * b1 - 1 / 0.35;
    expect(p.value[0]).to.be.closeTo(1 - 0.01 * b1 - 0.01 * b2, 1e-14);
  });

  const grads = [[0.5, -2, 1e-3], [0.25, 1, -1e-3], [-1, 0.5, 2]];
  for (const A of [Float64Array, Float32Array]) {
    const tol = A === Float64Array ? 1e-13 : 2e-6;
    for (const [label, o] of [
      ['defaults', { lr: 1e-2, alpha: 0.99, eps: 1e-8, momentum: 0, centered: false }],
      ['momentum', { lr: 1e-2, alpha: 0.9, eps: 1e-6, momentum: 0.9, centered: false }],
      ['centered + momentum', { lr: 1e-3, alpha: 0.8, eps: 1e-8, momentum: 0.5, centered: true }],
    ] as const) {
      it(`${A.name}: ${label} matches a float64 re-derivation over 3 steps`, () => {
        const theta0 = [1, -1, 0.5];
        const p = param('w', theta0, A);
        const opt = label === 'defaults' ? new RMSprop([p]) : new RMSprop([p], o);
        const got = run(opt, p, grads);
        for (let j = 0; j < 3; j++) {
          const want = referenceRMSprop(theta0[j], grads.map((g) => g[j]), o.lr, o.alpha, o.eps, o.momentum, o.centered);
          for (let t = 0; t < 3; t++) expect(got[t][j]).to.be.closeTo(want[t], tol);
        }
        expect(p.value).to.be.instanceOf(A);
      });
    }
  }

  it('keeps only the buffers its hyper-parameters need', () => {
    expect(Object.keys(new RMSprop([param('w', [1])]).getState().buffers.w)).to.deep.equal(['square_avg']);
    expect(Object.keys(new RMSprop([param('w', [1])], { momentum: 0.1, centered: true }).getState().buffers.w))
      .to.deep.equal(['square_avg', 'momentum_buffer', 'grad_avg']);
  });

  it('rejects bad options with messages naming the option and its range', () => {
    const p = param('w', [1]);
    expect(() => new RMSprop([p], { alpha: 1.5 })).to.throw(RangeError, /RMSprop: alpha must be in \[0, 1\], got 1.5/);
    expect(() => new RMSprop([p], { momentum: -0.5 })).to.throw(RangeError, /RMSprop: momentum must be in \[0, Infinity\]/);
    expect(() => new RMSprop([p], { eps: -1e-8 })).to.throw(RangeError, /eps/);
    expect(() => new RMSprop([p], { centered: 'no' } as never)).to.throw(TypeError, /centered must be a boolean/);
    expect(() => new RMSprop([p], { rho: 0.9 } as never)).to.throw(TypeError, /RMSprop: options has an unknown key "rho"; the keys are "lr", "alpha", "eps", "momentum", "centered"/);
  });
});
