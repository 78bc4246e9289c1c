import { expect } from 'chai';
import { assembleModule, FunctionBody } from '../../lib/kernels/wasm/emitter.js';
import { MATH_GLOBALS, mathLocals, sigmoid, tanh } from '../../lib/kernels/wasm/math-simd.js';
import { I32 } from '../../lib/kernels/wasm/opcodes.js';

interface Exports { memory: { buffer: ArrayBuffer }; sigmoid(from: number, to: number, n: number): void; tanh(from: number, to: number, n: number): void }

/** f(from, to, n): to[i] = fn(from[i]) for n floats (n a multiple of 4). */
function elementwise(name: string, fn: typeof sigmoid): FunctionBody {
  const f = new FunctionBody(name, [I32, I32, I32], []);
  const m = mathLocals(f);
  const i = f.local(I32);
  f.i32(0).set(i);
  f.forUpTo(i, 2, 16, () => {
    f.get(1).get(i).op(0x6a).get(0).get(i).op(0x6a).load128(0);
    fn(f, m);
    f.store128(0);
  });
  return f;
}

describe('wasm SIMD σ and tanh (math-simd.ts)', () => {
  const W = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: Exports } } }).WebAssembly;
  const e = new W.Instance(new W.Module(assembleModule([elementwise('sigmoid', sigmoid), elementwise('tanh', tanh)], 1, MATH_GLOBALS)), {}).exports;
  const n = 4096;
  const mem = new Float32Array(e.memory.buffer);
  const z = mem.subarray(0, n), y = mem.subarray(n, 2 * n);
  // inputs over every scale that matters: tiny, around the knee, saturated
  for (let i = 0; i < n; i++) z[i] = Math.sign(i - n / 2) * 10 ** (-6 + (8 * (i % (n / 2))) / (n / 2));

  it('σ(z) within 4 float32 ulps of 1/(1+e^{−z}), relative, for |z| ≤ 80', () => {
    e.sigmoid(0, 4 * n, 4 * n);
    for (let i = 0; i < n; i++) {
      if (Math.abs(z[i]) > 80) continue;
      const want = 1 / (1 + Math.exp(-z[i]));
      expect(Math.abs(y[i] - want) / want, `σ(${z[i]}) = ${y[i]}, want ${want}`).to.be.at.most(4 * 2 ** -24);
    }
  });

  it('tanh(z) within 4 float32 ulps of Math.tanh, relative (so also for tiny z), and ±1 when saturated', () => {
    e.tanh(0, 4 * n, 4 * n);
    for (let i = 0; i < n; i++) {
      const want = Math.tanh(z[i]);
      if (want === 0) { expect(y[i]).to.equal(0); continue; }
      expect(Math.abs(y[i] - want) / Math.abs(want), `tanh(${z[i]}) = ${y[i]}, want ${want}`).to.be.at.most(4 * 2 ** -24);
    }
  });

  it('NaN stays NaN through the clamps; ±∞ saturate', () => {
    const at = 2 * n, special = [NaN, Infinity, -Infinity, 0];
    mem.set(special, at);
    e.sigmoid(4 * at, 4 * (at + 4), 4);
    const s = Array.from(mem.subarray(at + 4, at + 8));
    e.tanh(4 * at, 4 * (at + 4), 4);
    const t = Array.from(mem.subarray(at + 4, at + 8));
    expect(s[0]).to.be.NaN;
    expect(t[0]).to.be.NaN;
    // σ(−∞) = σ(−87), the clamp's floor
    const floor = 1 / (1 + Math.exp(87));
    expect([s[1], s[3]]).to.deep.equal([1, 0.5]);
    expect(Math.abs(s[2] - floor) / floor).to.be.at.most(4 * 2 ** -24);
    expect(t.slice(1)).to.deep.equal([1, -1, 0]);
  });
});
