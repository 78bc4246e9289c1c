/**
 * Runs a block of tests once per kernel backend. The TypeScript backend always runs; the
 * WebAssembly one where this runtime compiles it (every runtime in the matrix does), else
 * its block is skipped with the reason. Each block sets its backend before its tests and
 * puts back the one that was active after them. Under wasm every float32 product takes the
 * wasm path, however small (the tests' shapes are below the size where it pays).
 */
import { getBackend, setBackend } from '../../lib/index.js';
import { setWasmCrossover } from '../../lib/kernels/gemm.js';

export type KernelBackend = 'js' | 'wasm';

export const BACKENDS: readonly KernelBackend[] = ['js', 'wasm'];

/** describe(`${title} [js]`, …) and describe(`${title} [wasm]`, …), each under its backend. */
export function forEachBackend(title: string, fn: (this: Mocha.Suite, backend: KernelBackend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      let previous: KernelBackend = 'js', gain = 0;
      before(function () {
        previous = getBackend();
        gain = setWasmCrossover(backend === 'wasm' ? Infinity : 0.4);
        try {
          setBackend(backend);
        } catch (e) {
          if (backend === 'wasm') this.skip();
          throw e;
        }
      });
      after(() => { setBackend(previous); setWasmCrossover(gain); });
      fn.call(this, backend);
    });
  }
}
