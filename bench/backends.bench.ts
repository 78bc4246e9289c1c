/**
 * js vs wasm, measured in one run: the GEMM shapes the layers call and the recurrent layers
 * at the peers' configurations, each timed under the TypeScript kernels and then under the
 * WebAssembly ones, alternating, so a ratio compares runs made under the same machine load.
 * Also an estimate of this core's WebAssembly SIMD peak (see simdPeak).
 *
 * Times are CPU time of this process (process.cpuUsage), best of `rounds` windows after a
 * warm-up that also lets V8 tier the wasm code up from Liftoff: on a shared machine that is
 * what a kernel does when it has a core. Wall-clock time under load is longer.
 */
import { BENCH_CONFIGS, TrainStepHarness } from '../lib/cli/bench.js';
import { setBackend } from '../lib/index.js';
import { gemm, gemmPacked, packB, packedBLength } from '../lib/kernels/gemm.js';
import { assembleModule, FunctionBody } from '../lib/kernels/wasm/emitter.js';
import { I32, Op, Simd, V128 } from '../lib/kernels/wasm/opcodes.js';
import { Random } from '../lib/random.js';

type Backend = 'js' | 'wasm';

export interface BackendRow {
  suite: string;
  case: string;
  /** ms per call under each backend (CPU time, best window). */
  js: number;
  wasm: number;
  /** GFLOP/s under each backend, when the case has a flop count. */
  jsGflops: number | null;
  wasmGflops: number | null;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Best ms per call of fn over `rounds` windows of `windowMs` CPU time, after `warm` calls. */
export function bestMs(fn: () => void, windowMs: number, rounds = 3, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = cpuMs();
    do { fn(); n++; } while (cpuMs() - t0 < windowMs);
    best = Math.min(best, (cpuMs() - t0) / n);
  }
  return best;
}

/** Times `make(backend)()` under js and wasm, twice each, alternating; best of both. */
function compare(make: (b: Backend) => () => void, windowMs: number): { js: number; wasm: number } {
  const best = { js: Infinity, wasm: Infinity };
  for (const b of ['js', 'wasm', 'js', 'wasm'] as const) {
    setBackend(b);
    best[b] = Math.min(best[b], bestMs(make(b), windowMs));
  }
  setBackend('auto');
  return best;
}

function randomArray(rng: Random, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

const GEMM_CASES: Array<[name: string, M: number, N: number, K: number, transA: boolean, transB: boolean]> = [
  ['32×384·384×1024 A·B', 32, 1024, 384, false, false],
  ['256×256·256×256 A·Bᵀ', 256, 256, 256, false, true],
  ['gates X·W_ihᵀ 2048×128·128×1024', 2048, 1024, 128, false, true],
  ['dW_hh += dGᵀ·a 1024×2048·2048×256', 1024, 256, 2048, true, false],
  ['dX = dG·W_ih 2048×1024·1024×128', 2048, 128, 1024, false, false],
];

export function runGemmBackends(windowMs = 150): BackendRow[] {
  const rng = new Random(1);
  const rows: BackendRow[] = [];
  for (const [name, M, N, K, tA, tB] of GEMM_CASES) {
    const A = randomArray(rng, M * K), B = randomArray(rng, K * N), C = new Float32Array(M * N);
    const t = compare(() => () => gemm(C, 0, N, A, 0, tA ? M : K, tA, B, 0, tB ? K : N, tB, M, N, K, 0), windowMs);
    const flops = 2 * M * N * K;
    rows.push({ suite: 'GEMM (float32)', case: `gemm ${name}`, ...t, jsGflops: flops / t.js / 1e6, wasmGflops: flops / t.wasm / 1e6 });
  }
  // the recurrent product of one step with W_hh packed once (what the layers do)
  for (const Bt of [1, 32]) {
    const H = 256, N = 4 * H;
    const A = randomArray(rng, Bt * H), W = randomArray(rng, N * H), C = new Float32Array(Bt * N);
    const Bp = new Float64Array(packedBLength(H, N));
    const t = compare(() => { packB(Bp, W, 0, H, true, H, N); return () => gemmPacked(C, 0, N, A, 0, H, false, Bp, Bt, N, H, 1); }, windowMs);
    const flops = 2 * Bt * N * H;
    rows.push({ suite: 'GEMM (float32)', case: `gemmPacked a⟨t−1⟩·W_hhᵀ B=${Bt} H=${H} (LSTM)`, ...t, jsGflops: flops / t.js / 1e6, wasmGflops: flops / t.wasm / 1e6 });
  }
  return rows;
}

const G: Record<string, number> = { lstm: 4, gru: 3, rnn: 1 };

export function runLayerBackends(cells: string[] = ['lstm', 'gru'], windowMs = { big: 1200, small: 150 }): BackendRow[] {
  const rows: BackendRow[] = [];
  for (const config of ['big', 'small'] as const) {
    const { B, T, I, H } = BENCH_CONFIGS[config];
    for (const cell of cells) {
      const flops = 2 * B * T * (I + H) * G[cell] * H;
      for (const what of ['inference', 'training step'] as const) {
        const t = compare(() => {
          const h = new TrainStepHarness(cell, config);
          return what === 'inference' ? () => h.infer() : () => { h.train(); };
        }, windowMs[config]);
        const f = what === 'inference' ? flops : 3 * flops;
        rows.push({ suite: `${config} (B=${B} T=${T} I=${I} H=${H})`, case: `${cell} ${what}`, ...t, jsGflops: f / t.js / 1e6, wasmGflops: f / t.wasm / 1e6 });
      }
    }
  }
  return rows;
}

/**
 * This core's WebAssembly SIMD peak, estimated: a generated loop of 12 independent f32x4
 * chains acc = acc·m + c (12 multiplies and 12 adds an iteration, 96 flops, no memory; 14
 * live vectors, so nothing spills). Without fused multiply-add in wasm SIMD this is the
 * ceiling for any wasm GEMM on this machine.
 */
export function simdPeak(windowMs = 200): number {
  const f = new FunctionBody('peak', [I32], []);
  const n = 0, ACC = 12;
  const acc = Array.from({ length: ACC }, () => f.local(V128));
  const m = f.local(V128), c = f.local(V128);
  for (let i = 0; i < ACC; i++) f.f32x4(i / 64).set(acc[i]);
  f.f32x4(1 - 2 ** -20).set(m).f32x4(2 ** -30).set(c);
  f.op(Op.loop, 0x40);
  for (let i = 0; i < ACC; i++) f.get(acc[i]).get(m).simd(Simd.f32x4Mul).get(c).simd(Simd.f32x4Add).set(acc[i]);
  f.get(n).i32(1).op(Op.i32Sub).tee(n).op(Op.brIf, 0, Op.end);
  // keep the accumulators alive: store their sum at address 0
  f.i32(0).get(acc[0]);
  for (let i = 1; i < ACC; i++) f.get(acc[i]).simd(Simd.f32x4Add);
  f.store128(0);
  const W = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object, i: object) => { exports: { peak: (n: number) => void } } } }).WebAssembly;
  const peak = new W.Instance(new W.Module(assembleModule([f], 1)), {}).exports.peak;
  const iterations = 1 << 20;
  const ms = bestMs(() => peak(iterations), windowMs, 3, 5);
  return (iterations * ACC * 8) / ms / 1e6;
}
