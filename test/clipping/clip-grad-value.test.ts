import { expect } from 'chai';
import type { Param } from '../../lib/param.js';
import { clipGradValue } from '../../lib/clipping/clip-grad-value.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function param(name: string, grad: number[], A: Ctor = Float64Array): Param {
  return { name, shape: [grad.length], value: new A(grad.length), grad: A.from(grad) };
}

describe('clipping/clipGradValue', () => {
  for (const A of [Float64Array, Float32Array]) {
    it(`${A.name}: clamps every entry to [−v, v] and leaves the rest alone`, () => {
      const ps = [param('a', [-3, -0.5, 0, 0.25, 2], A), param('b', [0.75, -0.75], A)];
      clipGradValue(ps, 0.5);
      expect(Array.from(ps[0].grad)).to.deep.equal([-0.5, -0.5, 0, 0.25, 0.5]);
      expect(Array.from(ps[1].grad)).to.deep.equal([0.5, -0.5]);
    });
  }

  it('keeps NaN (as torch.clamp does) and clamps infinities', () => {
    const ps = [param('a', [NaN, Infinity, -Infinity])];
    clipGradValue(ps, 1);
    expect(ps[0].grad[0]).to.be.NaN;
    expect(Array.from(ps[0].grad).slice(1)).to.deep.equal([1, -1]);
  });

  it('clipValue 0 zeroes every gradient', () => {
    const ps = [param('a', [2, -2])];
    clipGradValue(ps, 0);
    expect(Array.from(ps[0].grad).map(Math.abs)).to.deep.equal([0, 0]);
  });

  it('validates its arguments and changes nothing on error', () => {
    const ps = [param('a', [3, -4])];
    expect(() => clipGradValue(ps, -1)).to.throw(RangeError, /clipGradValue: clipValue must be in \[0, Infinity\], got -1/);
    expect(() => clipGradValue(ps, NaN)).to.throw(TypeError, /clipGradValue: clipValue must be a finite number, got NaN/);
    expect(() => clipGradValue([{ name: 'x', grad: null } as never], 1)).to.throw(TypeError, /params\[0\] \("x"\)\.grad must be a Float32Array/);
    expect(Array.from(ps[0].grad)).to.deep.equal([3, -4]);
  });
});
