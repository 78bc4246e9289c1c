/**
 * GEMM suite: the blocked kernel (`gemm`, and `gemmPacked` with op(B) packed once) against the
 * naive triple loop (`gemmNaive`) measured in the same run, on float32 operands as training
 * uses them. Each case times its kernels one after the other, so a speed-up compares runs
 * made under the same machine load.
 *
 * Two rates are printed. GFLOP/s is benchmark.js's wall-clock mean. "cpu GF/s" divides the
 * same flops by the process's CPU time (process.cpuUsage, which also counts V8's background
 * compiler and GC threads) over all timed calls of that kernel: on a shared machine it
 * approximates what the kernel does when it has a core, while wall-clock numbers also count
 * the time other processes held it.
 *
 * Cases (C[M×N] = op(A)·op(B), 2·M·N·K flops a call):
 *  - 256×256·256×256 and 32×384·384×1024, each as BPTT writes it:
 *      A·B   (dA = dZ·W, the gradient passed down),
 *      Aᵀ·B  (dW += dZᵀ·a, weight gradients),
 *      A·Bᵀ  (Z = a·Wᵀ, projections);
 *  - the recurrent product a[t-1]·Waaᵀ of one time step, batch 1 and 32, H = 256, where Waa
 *    is the same at every step so `gemmPacked` can reuse one packing.
 */
import Benchmark from 'benchmark';
import { cpus } from 'node:os';
import { gemm, gemmPacked, packB, packedBLength } from '../lib/kernels/gemm.js';
import { gemmNaive } from '../lib/kernels/gemm-naive.js';
import { Random } from '../lib/random.js';

export interface GemmSuiteOptions {
  /** Seconds each kernel is timed per case (benchmark.js `maxTime`). Default 2. */
  maxTime?: number;
}

/** One timed kernel on one case. */
export interface GemmResult {
  case: string;
  kernel: 'gemm' | 'gemmPacked' | 'gemmNaive';
  msPerCall: number;
  gflops: number;
  /** Relative margin of error of the mean, in percent. */
  rme: number;
  /** Flops over the CPU time this process spent in the kernel's calls, in GFLOP/s. */
  cpuGflops: number;
  /** Calls per second of this kernel over gemmNaive's on the same case. */
  speedup: number;
}

interface Case {
  name: string;
  M: number; N: number; K: number;
  transA: boolean; transB: boolean;
  kernels: ReadonlyArray<GemmResult['kernel']>;
}

const blocked = ['gemm', 'gemmNaive'] as const;
const recurrent = ['gemm', 'gemmPacked', 'gemmNaive'] as const;

function products(M: number, K: number, N: number): Case[] {
  const shape = `${M}×${K}·${K}×${N}`;
  return [
    { name: `${shape} A·B`, M, N, K, transA: false, transB: false, kernels: blocked },
    { name: `${shape} Aᵀ·B`, M, N, K, transA: true, transB: false, kernels: blocked },
    { name: `${shape} A·Bᵀ`, M, N, K, transA: false, transB: true, kernels: blocked },
  ];
}

const CASES: Case[] = [
  ...products(256, 256, 256),
  ...products(32, 384, 1024),
  { name: 'a[t-1]·Waaᵀ B=1 H=256', M: 1, N: 256, K: 256, transA: false, transB: true, kernels: recurrent },
  { name: 'a[t-1]·Waaᵀ B=32 H=256', M: 32, N: 256, K: 256, transA: false, transB: true, kernels: recurrent },
];

function randomArray(rng: Random, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** The call that one kernel makes on one case, with every operand allocated up front. */
function callFor(c: Case, kernel: GemmResult['kernel'], rng: Random): () => void {
  const { M, N, K, transA, transB } = c;
  const A = randomArray(rng, M * K), B = randomArray(rng, K * N), C = new Float32Array(M * N);
  const lda = transA ? M : K, ldb = transB ? K : N;
  if (kernel === 'gemmPacked') {
    const Bp = packB(new Float64Array(packedBLength(K, N)), B, 0, ldb, transB, K, N);
    return () => { gemmPacked(C, 0, N, A, 0, lda, transA, Bp, M, N, K, 0); };
  }
  const f = kernel === 'gemm' ? gemm : gemmNaive;
  return () => { f(C, 0, N, A, 0, lda, transA, B, 0, ldb, transB, M, N, K, 0); };
}

/** Calls `call` for about 200 ms so that V8 has optimized the kernel before timing starts. */
function warmUp(call: () => void): void {
  const start = performance.now();
  do call(); while (performance.now() - start < 200);
}

/**
 * Times every case, prints a table (ms per call, GFLOP/s, ±% margin, speed-up over the naive
 * kernel of the same case) and returns the rows.
 */
export function runGemmSuite(options: GemmSuiteOptions = {}): GemmResult[] {
  const maxTime = options.maxTime ?? 2;
  const rng = new Random(2024);
  const results: GemmResult[] = [];
  const cpu = cpus();
  console.log(`\nGEMM, float32 operands — node ${process.version}, ${cpu.length}× ${cpu[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(
    `${'case'.padEnd(28)}${'kernel'.padEnd(12)}${'ms/call'.padStart(10)}${'GFLOP/s'.padStart(9)}${'±%'.padStart(7)}` +
    `${'cpu GF/s'.padStart(10)}${'vs naive'.padStart(10)}`,
  );

  for (const c of CASES) {
    const flops = 2 * c.M * c.N * c.K;
    const suite = new Benchmark.Suite(c.name);
    const cpuMsPerCall = new Map<string, number>();
    for (const kernel of c.kernels) {
      const call = callFor(c, kernel, rng);
      warmUp(call);
      let calls = 0, cpu0 = process.cpuUsage();
      suite.add(kernel, () => { call(); calls++; }, {
        maxTime,
        onStart: () => { calls = 0; cpu0 = process.cpuUsage(); },
        onComplete: () => {
          const used = process.cpuUsage(cpu0);
          cpuMsPerCall.set(kernel, (used.user + used.system) / 1000 / calls);
        },
      });
    }
    suite.run({ async: false });

    const benches = suite.map((b: Benchmark) => b) as Benchmark[];
    const naive = benches.find((b) => b.name === 'gemmNaive');
    for (const b of benches) {
      if (b.error) throw new Error(`gemm bench: ${c.name} ${b.name} failed: ${b.error.message}`);
      const row: GemmResult = {
        case: c.name,
        kernel: b.name as GemmResult['kernel'],
        msPerCall: 1000 / b.hz,
        gflops: (flops * b.hz) / 1e9,
        rme: b.stats.rme,
        cpuGflops: flops / (cpuMsPerCall.get(b.name as string) ?? NaN) / 1e6,
        speedup: naive ? b.hz / naive.hz : NaN,
      };
      results.push(row);
      console.log(
        `${(row === results.find((r) => r.case === c.name) ? c.name : '').padEnd(28)}${row.kernel.padEnd(12)}` +
        `${row.msPerCall.toFixed(3).padStart(10)}${row.gflops.toFixed(2).padStart(9)}${row.rme.toFixed(1).padStart(7)}` +
        `${row.cpuGflops.toFixed(2).padStart(10)}${(row.speedup.toFixed(1) + '×').padStart(10)}`,
      );
    }
  }
  return results;
}
