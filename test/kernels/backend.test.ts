import { expect } from 'chai';
import { gemm, getBackend, setBackend } from '../../lib/index.js';
import { resetBackend } from '../../lib/kernels/backend.js';

/** A float32 product large enough for the wasm path: [32×64]·[64×64]. */
function product(): () => void {
  const A = new Float32Array(32 * 64).fill(0.5), B = new Float32Array(64 * 64).fill(0.25), C = new Float32Array(32 * 64);
  return () => {
    gemm(C, 0, 64, A, 0, 64, false, B, 0, 64, false, 32, 64, 64, 0);
    expect(C[0]).to.equal(8);
  };
}

describe('kernel backend selection', () => {
  // a browser page has no process.env: there the RNNKIT_BACKEND tests are skipped
  const env: Record<string, string | undefined> = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const hasEnv = (globalThis as { process?: unknown }).process !== undefined;
  let saved: string | undefined;
  let previous: 'js' | 'wasm';
  beforeEach(() => { previous = getBackend(); saved = env.RNNKIT_BACKEND; delete env.RNNKIT_BACKEND; });
  afterEach(() => {
    if (saved === undefined) delete env.RNNKIT_BACKEND;
    else env.RNNKIT_BACKEND = saved;
    resetBackend();
    setBackend(previous);
  });

  it("'auto' is wasm where WebAssembly SIMD compiles (Node does), and both backends compute the same product", () => {
    resetBackend();
    expect(getBackend()).to.equal('wasm');
    product()();
    setBackend('js');
    expect(getBackend()).to.equal('js');
    product()();
    setBackend('auto');
    expect(getBackend()).to.equal('wasm');
  });

  it('RNNKIT_BACKEND chooses when setBackend has not been called; a bad value names the variable', function () {
    if (!hasEnv) this.skip();
    env.RNNKIT_BACKEND = 'js';
    resetBackend();
    expect(getBackend()).to.equal('js');
    env.RNNKIT_BACKEND = 'wasm';
    resetBackend();
    expect(getBackend()).to.equal('wasm');
    setBackend('js'); // an explicit choice wins over the environment
    expect(getBackend()).to.equal('js');
    env.RNNKIT_BACKEND = 'gpu';
    resetBackend();
    expect(() => getBackend()).to.throw(RangeError, /RNNKIT_BACKEND must be 'auto', 'js' or 'wasm', got 'gpu'/);
  });

  it("setBackend rejects an unknown name", () => {
    expect(() => setBackend('gpu' as 'js')).to.throw(RangeError, /setBackend: name must be 'auto', 'js' or 'wasm', got gpu/);
  });

  describe('in a runtime without WebAssembly', () => {
    const g = globalThis as { WebAssembly?: unknown };
    let W: unknown;
    beforeEach(() => { W = g.WebAssembly; delete g.WebAssembly; resetBackend(); });
    afterEach(() => { g.WebAssembly = W; });

    it("'auto' falls back to js silently", () => {
      expect(getBackend()).to.equal('js');
      product()();
    });

    it("asking for wasm is an error naming the operation and the reason", () => {
      expect(() => setBackend('wasm')).to.throw(/^setBackend: setBackend\('wasm'\) asks for the WebAssembly backend, but it cannot run here: this runtime has no WebAssembly$/);
      if (!hasEnv) return;
      env.RNNKIT_BACKEND = 'wasm';
      resetBackend();
      expect(product()).to.throw(/^gemm: RNNKIT_BACKEND=wasm asks for the WebAssembly backend, but it cannot run here: this runtime has no WebAssembly$/);
    });
  });
});
