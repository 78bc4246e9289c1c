import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import type { FloatArray } from '../../lib/tensor.js';
import { Random } from '../../lib/random.js';
import { clipGradNorm, gradNorm } from '../../lib/clipping/clip-grad-norm.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, grad: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [grad.length], value: new A(grad.length), grad: A.from(grad) };
}

function bitsEqual(a: FloatArray, b: FloatArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Norm computed independently: per-tensor norms, then the norm of the norms (as PyTorch does). */
function normOfNorms(params: Param[]): number {
  return Math.hypot(...params.map((p) => Math.hypot(...Array.from(p.grad))));
}

describe('clipping/clipGradNorm', () => {
  it('gradNorm is the global L2 norm and changes nothing', () => {
    const ps = [param('a', [3, 4]), param('b', [12], Float32Array)];
    expect(gradNorm(ps)).to.equal(13);
    expect(Array.from(ps[0].grad)).to.deep.equal([3, 4]);
    expect(gradNorm([])).to.equal(0);
  });

  it('returns the norm before clipping and scales by maxNorm/(total + 1e-6) when that is < 1', () => {
    const ps = [param('a', [3, 4]), param('b', [12])];
    const total = clipGradNorm(ps, 6.5);
    expect(total).to.equal(13);
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(ps[0].grad)).to.deep.equal([3 * coef, 4 * coef]);
    expect(Array.from(ps[1].grad)).to.deep.equal([12 * coef]);
    expect(gradNorm(ps)).to.be.closeTo(6.5, 1e-6);
    expect(gradNorm(ps)).to.be.at.most(6.5);
  });

  it('at maxNorm = total the 1e-6 still makes coef < 1, so gradients shrink a hair (as in PyTorch)', () => {
    const ps = [param('a', [3, 4])];
    clipGradNorm(ps, 5);
    expect(ps[0].grad[0]).to.equal(3 * (5 / (5 + 1e-6)));
    expect(ps[0].grad[0]).to.be.below(3);
  });

  it('leaves gradients bit-for-bit unchanged when coef ≥ 1', () => {
    const ps = [param('a', [3, -4]), param('b', [0.1, -0], Float32Array)];
    const before = ps.map((p) => p.grad.slice());
    expect(clipGradNorm(ps, 5.01)).to.be.closeTo(Math.hypot(5, 0.1), 1e-7);
    ps.forEach((p, i) => expect(bitsEqual(p.grad, before[i])).to.equal(true));
    const zeros = [param('z', [0, 0])];
    expect(clipGradNorm(zeros, 1)).to.equal(0);
    expect(Array.from(zeros[0].grad)).to.deep.equal([0, 0]);
  });

  for (const A of [Float64Array, Float32Array]) {
    it(`${A.name}: random invariants: norm after ≤ maxNorm·(1 + 1e-6), unchanged when under`, () => {
      const rng = new Random(7);
      for (let trial = 0; trial < 200; trial++) {
        const ps: Param[] = [];
        const count = 1 + rng.int(4);
        for (let k = 0; k < count; k++) {
          const n = 1 + rng.int(20);
          const scale = Math.exp(rng.uniform(-6, 6));
          ps.push(param(`p${k}`, Array.from({ length: n }, () => scale * rng.normal()), A));
        }
        const before = ps.map((p) => p.grad.slice());
        const want = normOfNorms(ps);
        const maxNorm = want * Math.exp(rng.uniform(-3, 3));
        const total = clipGradNorm(ps, maxNorm);
        expect(total).to.be.closeTo(want, want * 1e-12);
        const after = gradNorm(ps);
        expect(after).to.be.at.most(maxNorm * (1 + 1e-6));
        if (maxNorm >= total + 1e-6) {
          ps.forEach((p, i) => expect(bitsEqual(p.grad, before[i])).to.equal(true));
        } else {
          const coef = maxNorm / (total + 1e-6);
          ps.forEach((p, i) => p.grad.forEach((g, j) => expect(g).to.equal(A === Float64Array ? before[i][j] * coef : Math.fround(before[i][j] * coef))));
          expect(after).to.be.closeTo(maxNorm * total / (total + 1e-6), maxNorm * 1e-6);
        }
      }
    });
  }

  describe('non-finite gradients', () => {
    it('errorIfNonfinite: throws naming the first non-finite gradient entry, changes nothing', () => {
      const ps = [param('weight_ih_l0', [1, 2]), param('weight_hh_l0', [0.5, NaN, Infinity]), param('bias', [Infinity])];
      const before = ps.map((p) => p.grad.slice());
      expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true }))
        .to.throw(RangeError, /clipGradNorm: gradient norm is NaN \(weight_hh_l0\[1\] is NaN\)/);
      ps.forEach((p, i) => expect(bitsEqual(p.grad, before[i])).to.equal(true));
      const inf = [param('a', [1]), param('b', [-Infinity])];
      expect(() => clipGradNorm(inf, 1, { errorIfNonfinite: true })).to.throw(RangeError, /clipGradNorm: gradient norm is Infinity \(b\[0\] is -Infinity\)/);
      expect(inf[1].grad[0]).to.equal(-Infinity);
    });

    it('errorIfNonfinite: a finite sum that overflows is reported as such', () => {
      const ps = [param('a', [1e200, 1e200])];
      expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).to.throw(RangeError, /clipGradNorm: gradient norm is Infinity \(the sum of squares overflows\)/);
      expect(ps[0].grad[0]).to.equal(1e200);
    });

    it('without it, behaves as PyTorch 1.13 (multiply by clamp(coef, max=1)): NaN total → all NaN, ∞ total → scaled by 0', () => {
      const nan = [param('a', [1, 2]), param('b', [NaN])];
      expect(clipGradNorm(nan, 1)).to.be.NaN;
      expect(Array.from(nan[0].grad).every(Number.isNaN)).to.equal(true);
      const inf = [param('a', [1, -2]), param('b', [Infinity])];
      expect(clipGradNorm(inf, 1)).to.equal(Infinity);
      expect(Array.from(inf[0].grad)).to.deep.equal([0, -0]);
      expect(inf[1].grad[0]).to.be.NaN;
    });
  });

  it('validates its arguments and changes nothing on error', () => {
    const ps = [param('a', [3, 4])];
    expect(() => clipGradNorm(ps, 0)).to.throw(RangeError, /clipGradNorm: maxNorm must be a finite number > 0, got 0/);
    expect(() => clipGradNorm(ps, -1)).to.throw(RangeError, /maxNorm must be a finite number > 0, got -1/);
    expect(() => clipGradNorm(ps, NaN)).to.throw(TypeError, /maxNorm must be a finite number, got NaN/);
    expect(() => clipGradNorm(ps, Infinity)).to.throw(TypeError, /maxNorm must be a finite number, got Infinity/);
    expect(() => clipGradNorm(ps, '1' as never)).to.throw(TypeError, /maxNorm must be a finite number, got "1"/);
    expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: 'yes' as never })).to.throw(TypeError, /options\.errorIfNonfinite must be a boolean/);
    expect(() => clipGradNorm(ps, 1, 5 as never)).to.throw(TypeError, /options must be an object/);
    expect(() => clipGradNorm('a' as never, 1)).to.throw(TypeError, /clipGradNorm: params must be an array of Params/);
    expect(() => clipGradNorm([...ps, { name: 'b', grad: [1] } as never], 1)).to.throw(TypeError, /params\[1\] \("b"\)\.grad must be a Float32Array or Float64Array, got an array of length 1/);
    expect(() => gradNorm([null as never])).to.throw(TypeError, /gradNorm: params\[0\] must be a Param/);
    expect(Array.from(ps[0].grad)).to.deep.equal([3, 4]);
  });
});
