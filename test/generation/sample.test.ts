/**
 * Picking tokens from logits (lib/generation/sample.ts): argmax, sampleLogits (a draw from
 * softmax(z/τ) with a seeded PRNG) and logSoftmax.
 */
import { expect } from 'chai';
import { argmax, logSoftmax, sampleLogits } from '../../lib/generation/sample.js';
import { Random } from '../../lib/random.js';

function softmaxOf(z: number[], tau: number): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp((v - m) / tau));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('generation/sample', () => {
  it('argmax returns the first index of the largest value, within [off, off + V)', () => {
    expect(argmax(Float64Array.of(1, 3, 3, 2), 0, 4)).to.equal(1);
    expect(argmax(Float32Array.of(9, 9, 0, 1, 5, 5), 2, 4)).to.equal(2); // 5 at index 2 of the window
    expect(argmax(Float64Array.of(-1e4, -1e4 + 1), 0, 2)).to.equal(1);
    expect(argmax(Float64Array.of(7), 0, 1)).to.equal(0);
  });

  for (const tau of [0.5, 1, 2]) {
    it(`sampleLogits draws k with probability softmax(z/τ)_k (τ = ${tau}, 20000 draws, within 4.5σ)`, () => {
      const z = [0.5, -1, 2, 0, 1];
      const p = softmaxOf(z, tau);
      const buf = Float64Array.from([99, ...z]); // offset 1
      const rng = new Random(17);
      const N = 20000;
      const counts = new Array(z.length).fill(0);
      for (let i = 0; i < N; i++) counts[sampleLogits(buf, 1, z.length, tau, rng)]++;
      counts.forEach((c, k) => {
        const sigma = Math.sqrt(N * p[k] * (1 - p[k]));
        expect(Math.abs(c - N * p[k]), `class ${k}: ${c} draws, expected ${N * p[k]}`).to.be.below(4.5 * sigma + 1);
      });
    });
  }

  it('sampleLogits is deterministic for a seed, and consumes one number per draw', () => {
    const z = Float64Array.of(0.1, 0.2, 0.3, 0.4);
    const draw = (seed: number) => { const r = new Random(seed); return Array.from({ length: 50 }, () => sampleLogits(z, 0, 4, 1, r)); };
    expect(draw(3)).to.deep.equal(draw(3));
    expect(draw(3)).to.not.deep.equal(draw(4));
    const a = new Random(8), b = new Random(8);
    sampleLogits(z, 0, 4, 1, a);
    b.next();
    expect(a.getState()).to.equal(b.getState());
  });

  it('a tiny temperature always picks the argmax; logits of ±1e4 never give NaN', () => {
    const r = new Random(1);
    const z = Float64Array.of(0.3, 0.31, -2, 0.309);
    for (let i = 0; i < 200; i++) expect(sampleLogits(z, 0, 4, 1e-6, r)).to.equal(1);
    const extreme = Float64Array.of(-1e4, 1e4, 0);
    for (let i = 0; i < 200; i++) expect(sampleLogits(extreme, 0, 3, 1, r)).to.equal(1);
    const f32 = Float32Array.of(1e4, 1e4);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(sampleLogits(f32, 0, 2, 1, r));
    expect([...seen].sort()).to.deep.equal([0, 1]);
  });

  it('logSoftmax = log softmax(z), exact at ±1e4', () => {
    const out = new Float64Array(3);
    const z = Float64Array.of(9, 0.5, -1, 2);
    logSoftmax(out, z, 1, 3);
    const p = softmaxOf([0.5, -1, 2], 1);
    out.forEach((v, k) => expect(v).to.be.closeTo(Math.log(p[k]), 1e-15));
    expect(out.reduce((s, v) => s + Math.exp(v), 0)).to.be.closeTo(1, 1e-15);
    logSoftmax(out, Float64Array.of(1e4, -1e4, 1e4), 0, 3);
    expect(out[0]).to.be.closeTo(-Math.LN2, 1e-11);
    expect(out[1]).to.be.closeTo(-2e4 - Math.LN2, 1e-11);
    expect(Number.isFinite(out[1])).to.equal(true);
  });
});
