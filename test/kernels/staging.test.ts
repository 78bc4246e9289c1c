/**
 * Bounded staging on the WebAssembly backend: products whose operands exceed STAGING_FLOATS
 * run in tiles, and fused forward passes in chunks of time steps, so wasm memory never holds a
 * second copy of a big layer's activations. Neither splits a sum over k, so the results must
 * equal the whole-staged ones exactly; a small budget makes the tests' shapes tile and chunk.
 */
import { expect } from 'chai';
import { getBackend, Recurrent, setBackend } from '../../lib/index.js';
import { gemm, gemmPacked, packB, packedBHostLength, packedBLength, setWasmCrossover } from '../../lib/kernels/gemm.js';
import { loadGemmKernel, setStagingFloats } from '../../lib/kernels/wasm/gemm-wasm.js';
import { rng, uniformTensor } from '../helpers/tensors.js';

function product(M: number, N: number, K: number, transA: boolean, transB: boolean, beta: number): Float32Array {
  const r = rng(M * 7 + N * 3 + K);
  const A = uniformTensor(r, [M * K], -1, 1, 'float32').data as Float32Array;
  const B = uniformTensor(r, [K * N], -1, 1, 'float32').data as Float32Array;
  const C = uniformTensor(r, [M * N], -1, 1, 'float32').data as Float32Array;
  gemm(C, 0, N, A, 0, transA ? M : K, transA, B, 0, transB ? K : N, transB, M, N, K, beta);
  return C;
}

function layer(mode: string, bidirectional: boolean): Float32Array[] {
  const T = 9, B = 5, I = 7, H = 16;
  const net = new Recurrent({ mode, inputSize: I, hiddenSize: H, bidirectional, seed: 3, dtype: 'float32' });
  const r = rng(5);
  const x = uniformTensor(r, [T, B, I], -1, 1, 'float32');
  const { output, hN } = net.forward(x);
  const out = [Float32Array.from(output.data), Float32Array.from(hN.data)];
  net.zeroGrad();
  net.backward(uniformTensor(r, output.shape, -1, 1, 'float32'));
  return [...out, ...net.params.map((p) => Float32Array.from(p.grad))];
}

describe('wasm staging is bounded by STAGING_FLOATS and changes no result', () => {
  let previous: 'js' | 'wasm', gain: number, budget: number;
  before(function () {
    if (!loadGemmKernel()) this.skip();
    previous = getBackend();
    gain = setWasmCrossover(Infinity);
    setBackend('wasm');
    budget = setStagingFloats(1 << 19);
  });
  after(() => { setStagingFloats(budget); setBackend(previous); setWasmCrossover(gain); });

  it('gemm in tiles (edge tiles in M and N, every transpose, β = 0 and 1) equals gemm staged whole', () => {
    for (const [M, N, K] of [[37, 29, 50], [13, 70, 9], [64, 8, 33]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const beta of [0, 1]) {
            setStagingFloats(1 << 19);
            const whole = product(M, N, K, transA, transB, beta);
            setStagingFloats(600); // forces tiles of 8–16 columns and 6–12 rows
            const tiled = product(M, N, K, transA, transB, beta);
            expect(Array.from(tiled), `M=${M} N=${N} K=${K} transA=${transA} transB=${transB} β=${beta}`).to.deep.equal(Array.from(whole));
          }
        }
      }
    }
  });

  it('the fused LSTM and GRU forward in chunks of time steps equals it over the whole sequence (outputs, states, gradients)', () => {
    for (const mode of ['lstm', 'gru']) {
      for (const bidirectional of [false, true]) {
        setStagingFloats(1 << 19);
        const whole = layer(mode, bidirectional);
        // chunks of 1, 2 and 4 steps (LSTM; GRU 1, 4, 6): T = 9 leaves a short last chunk
        for (const floats of [1900, 3000, 4000]) {
          setStagingFloats(floats);
          const chunked = layer(mode, bidirectional);
          chunked.forEach((got, i) => {
            expect(Array.from(got), `${mode} bidirectional=${bidirectional} budget ${floats}: array ${i}`).to.deep.equal(Array.from(whole[i]));
          });
        }
      }
    }
  });

  it('packB into an empty Float64Array keeps op(B) only in wasm memory; gemmPacked reads it there, as from float64 panels', () => {
    const M = 5, N = 12, K = 9, r = rng(11);
    const A = uniformTensor(r, [M * K], -1, 1, 'float32').data as Float32Array;
    const B = uniformTensor(r, [N * K], -1, 1, 'float32').data as Float32Array;
    expect(packedBHostLength(K, N, B)).to.equal(0);
    expect(packedBHostLength(K, N, new Float64Array(N * K))).to.equal(packedBLength(K, N));
    const full = new Float64Array(packedBLength(K, N)), handle = new Float64Array(0);
    const want = new Float32Array(M * N), got = new Float32Array(M * N);
    gemmPacked(want, 0, N, A, 0, K, false, packB(full, B, 0, K, true, K, N), M, N, K, 0);
    gemmPacked(got, 0, N, A, 0, K, false, packB(handle, B, 0, K, true, K, N), M, N, K, 0);
    expect(Array.from(got)).to.deep.equal(Array.from(want));
    // an empty Bp that names nothing, or a shape it was not packed with
    expect(() => gemmPacked(got, 0, N, A, 0, K, false, new Float64Array(0), M, N, K, 0)).to.throw(RangeError, /gemmPacked: Bp is empty and names no packed \[9×12\]/);
    expect(() => gemmPacked(new Float32Array(M * K), 0, K, new Float32Array(M * N), 0, N, false, handle, M, K, N, 0)).to.throw(RangeError, /Bp is empty and names no packed \[12×9\]/);
    // the TypeScript kernels need the float64 panels
    setBackend('js');
    try {
      expect(packedBHostLength(K, N, B)).to.equal(packedBLength(K, N));
      expect(() => packB(new Float64Array(0), B, 0, K, true, K, N)).to.throw(RangeError, /packB: out has 0 entries/);
    } finally {
      setBackend('wasm');
    }
  });
});
