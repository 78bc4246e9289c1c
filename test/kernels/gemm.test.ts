import { expect } from 'chai';
import { gemm, gemmPacked, gemmScratchAllocations, packB, packedBLength } from '../../lib/kernels/gemm.js';
import { gemmNaive } from '../../lib/kernels/gemm-naive.js';
import { Random } from '../../lib/random.js';
import { getBackend } from '../../lib/kernels/backend.js';
import { arenaGrows } from '../../lib/kernels/wasm/gemm-wasm.js';
import { forEachBackend } from '../helpers/backends.js';
import type { FloatArray } from '../../lib/tensor.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** One GEMM problem laid out inside padded buffers, with offsets and leading dimensions. */
interface Problem {
  M: number; N: number; K: number;
  transA: boolean; transB: boolean; beta: number;
  A: FloatArray; aOff: number; lda: number;
  B: FloatArray; bOff: number; ldb: number;
  C: FloatArray; cOff: number; ldc: number;
}

/** Random entries in [-1, 1); C starts random too, so beta = 1 is exercised. */
function fill(rng: Random, X: FloatArray): FloatArray {
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform(-1, 1);
  return X;
}

function makeProblem(
  rng: Random, T: Ctor, M: number, N: number, K: number,
  transA: boolean, transB: boolean, beta: number, padded: boolean,
): Problem {
  const pad = () => (padded ? 1 + rng.int(5) : 0);
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  const lda = aCols + pad(), ldb = bCols + pad(), ldc = N + pad();
  const aOff = pad(), bOff = pad(), cOff = pad();
  return {
    M, N, K, transA, transB, beta,
    A: fill(rng, new T(aOff + aRows * lda + pad())), aOff, lda,
    B: fill(rng, new T(bOff + bRows * ldb + pad())), bOff, ldb,
    C: fill(rng, new T(cOff + M * ldc + pad())), cOff, ldc,
  };
}

/**
 * The reference, written independently of lib/: for every C[i, j] the float64 sum
 * Σₖ op(A)[i, k]·op(B)[k, j] (+ C[i, j] when beta = 1) and Σₖ |op(A)[i, k]·op(B)[k, j]|
 * (+ |C[i, j]|), the scale that float64 rounding errors are relative to.
 */
function reference(p: Problem): { exact: Float64Array; scale: Float64Array } {
  const { M, N, K, A, B, C } = p;
  const exact = new Float64Array(M * N), scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, abs = 0;
      for (let k = 0; k < K; k++) {
        const a = p.transA ? A[p.aOff + k * p.lda + i] : A[p.aOff + i * p.lda + k];
        const b = p.transB ? B[p.bOff + j * p.ldb + k] : B[p.bOff + k * p.ldb + j];
        s += a * b;
        abs += Math.abs(a * b);
      }
      if (p.beta === 1) {
        const c = C[p.cOff + i * p.ldc + j];
        s += c;
        abs += Math.abs(c);
      }
      exact[i * N + j] = s;
      scale[i * N + j] = abs;
    }
  }
  return { exact, scale };
}

/** Distance between adjacent float32 values around x. */
function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * Checks C against the reference, and that every entry of C outside the [M×N] block is
 * exactly what it was before the call.
 *  - float64: |got − exact| ≤ 1e-12 · Σ|terms| (the same sum in another order).
 *  - float32, js backend: got is the float32 rounding of the float64 sum: within half an ulp
 *    of it, up to the float64 error of the sum (a float32 accumulator would miss by about K ulps).
 *  - float32, wasm backend: a float32 running sum, within (K + 2)·2⁻²⁴ · Σ|terms| (the
 *    classic bound for a recursive sum, plus the rounding of β·C and of the store).
 */
function expectMatches(p: Problem, before: FloatArray, label: string): void {
  const { exact, scale } = reference({ ...p, C: before });
  const f32 = p.C instanceof Float32Array;
  const running = f32 && p.A instanceof Float32Array && getBackend() === 'wasm';
  const inside = new Uint8Array(p.C.length);
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      const at = p.cOff + i * p.ldc + j;
      inside[at] = 1;
      const got = p.C[at], want = exact[i * p.N + j], tol = 1e-12 * scale[i * p.N + j];
      const ok = running
        ? Math.abs(got - want) <= (p.K + 2) * 2 ** -24 * scale[i * p.N + j] + ulp32(want) / 2
        : f32
        ? got === Math.fround(want) || Math.abs(got - want) <= ulp32(want) / 2 + tol
        : Math.abs(got - want) <= tol;
      if (!ok) {
        expect.fail(`${label}: C[${i}, ${j}] = ${got}, expected ${want}${f32 ? ` (float32 ${Math.fround(want)})` : ''}`);
      }
    }
  }
  for (let at = 0; at < p.C.length; at++) {
    if (!inside[at] && !Object.is(p.C[at], before[at])) {
      expect.fail(`${label}: C[${at}] outside the block changed from ${before[at]} to ${p.C[at]}`);
    }
  }
}

function label(T: Ctor, p: Problem): string {
  return `${T.name} M=${p.M} N=${p.N} K=${p.K} transA=${p.transA} transB=${p.transB} beta=${p.beta}`;
}

function runGemm(p: Problem): void {
  const out = gemm(p.C, p.cOff, p.ldc, p.A, p.aOff, p.lda, p.transA, p.B, p.bOff, p.ldb, p.transB, p.M, p.N, p.K, p.beta);
  expect(out).to.equal(p.C);
}

function runPacked(p: Problem): void {
  const Bp = packB(new Float64Array(packedBLength(p.K, p.N)), p.B, p.bOff, p.ldb, p.transB, p.K, p.N);
  const out = gemmPacked(p.C, p.cOff, p.ldc, p.A, p.aOff, p.lda, p.transA, Bp, p.M, p.N, p.K, p.beta);
  expect(out).to.equal(p.C);
}

function runNaive(p: Problem): void {
  const out = gemmNaive(p.C, p.cOff, p.ldc, p.A, p.aOff, p.lda, p.transA, p.B, p.bOff, p.ldb, p.transB, p.M, p.N, p.K, p.beta);
  expect(out).to.equal(p.C);
}

const dtypes: Ctor[] = [Float32Array, Float64Array];
const combos: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
/** Sizes that hit every path: M = 1 (matrix-vector), M < 4, edge tiles, several cache blocks. */
const fixedShapes: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 5], [1, 64, 64], [1, 130, 33], [2, 9, 3], [3, 5, 40], [4, 4, 4], [5, 3, 7],
  [8, 8, 1], [13, 17, 19], [32, 96, 32], [67, 130, 45], [40, 260, 300], [150, 9, 600],
  // cache blocks: K split into chunks and M into blocks; two column blocks; both with a split K
  [40, 70, 2000], [32, 400, 384], [4, 345, 768],
  // one row: the wasm kernel runs four B panels at a time (tile1x32), then single panels, over three k chunks
  [1, 300, 700],
];

/** Shapes above this many multiply-adds run only padded (offsets and strides), to keep the suite quick. */
const LARGE = 200_000;

/** Tests one kernel; `blocked` says whether it has cache blocks, which only large shapes reach. */
function checkKernel(name: string, run: (p: Problem) => void, blocked: boolean): void {
  describe(name, () => {
    const shapes = fixedShapes.filter(([M, N, K]) => blocked || M * N * K <= LARGE);
    for (const T of dtypes) {
      it(`matches the float64 reference on fixed shapes, all transposes, beta 0/1, padded (${T.name})`, () => {
        const rng = new Random(7);
        for (const [M, N, K] of shapes) {
          for (const [transA, transB] of combos) {
            for (const beta of [0, 1]) {
              for (const padded of M * N * K > LARGE ? [true] : [false, true]) {
                const p = makeProblem(rng, T, M, N, K, transA, transB, beta, padded);
                const before = p.C.slice();
                run(p);
                expectMatches(p, before, label(T, p));
              }
            }
          }
        }
      });

      it(`matches the float64 reference on 300 random shapes 1..40 (${T.name})`, () => {
        const rng = new Random(T === Float32Array ? 11 : 12);
        for (let trial = 0; trial < 300; trial++) {
          const M = 1 + rng.int(40), N = 1 + rng.int(40), K = 1 + rng.int(40);
          const [transA, transB] = combos[rng.int(4)];
          const p = makeProblem(rng, T, M, N, K, transA, transB, rng.int(2), rng.next() < 0.5);
          const before = p.C.slice();
          run(p);
          expectMatches(p, before, label(T, p));
        }
      });
    }

    it('overwrites NaN in C when beta = 0, and keeps it when beta = 1', () => {
      for (const [M, N, K] of [[1, 5, 3], [2, 9, 8], [9, 11, 40], [64, 64, 64]]) {
        const rng = new Random(3);
        const p = makeProblem(rng, Float32Array, M, N, K, false, true, 0, true);
        const before = p.C.fill(NaN).slice();
        run(p);
        expectMatches(p, before, `NaN C, M=${M} N=${N} K=${K}`);
        const q = { ...p, beta: 1 };
        q.C.fill(NaN);
        run(q);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(q.C[q.cOff + i * q.ldc + j]).to.be.NaN;
      }
    });

    it('handles K = 0: C = 0 when beta = 0, unchanged when beta = 1', () => {
      const rng = new Random(5);
      for (const beta of [0, 1]) {
        const p = makeProblem(rng, Float64Array, 3, 4, 0, false, false, beta, true);
        const before = p.C.slice();
        run(p);
        expectMatches(p, before, `K=0 beta=${beta}`);
      }
    });
  });
}

checkKernel('gemmNaive', runNaive, false);
forEachBackend('kernels', () => {
  checkKernel('gemm', runGemm, true);
  checkKernel('gemmPacked', runPacked, true);
});

forEachBackend('gemm boundaries and workspace', (backend) => {
  it('accepts mixed dtypes (float32 A, float64 B and C)', () => {
    const rng = new Random(9);
    for (const [M, N, K] of [[20, 24, 36], [40, 48, 500]]) { // unpacked, packed with a split K
      const p = makeProblem(rng, Float64Array, M, N, K, true, false, 1, true);
      const q = { ...p, A: new Float32Array(p.A) };
      const before = q.C.slice();
      runGemm(q);
      expectMatches(q, before, `mixed dtypes M=${M} N=${N} K=${K}`);
    }
  });

  if (backend === 'js') it('rounds a float32 C once: a float32 accumulator would lose the small terms', () => {
    // Each C[i, j] = 1 + K·2⁻²⁵: every small term is below half an ulp of 1 in float32, so a
    // float32 running sum stays at 1; their float64 sum 1 + 2⁻¹⁹ is a float32 number.
    const K = 65;
    for (const [M, N] of [[1, 1], [1, 8], [3, 5], [32, 32]]) {
      const A = new Float32Array(M * K).fill(1);
      const B = new Float32Array(K * N).fill(2 ** -25);
      B.fill(1, 0, N);
      const C = new Float32Array(M * N);
      gemm(C, 0, N, A, 0, K, false, B, 0, N, false, M, N, K, 0);
      for (const c of C) expect(c).to.equal(1 + 2 ** -19);
    }
  });

  it('allocates no packing buffers on repeated calls after warm-up', () => {
    const rng = new Random(1);
    const shapes: Array<[number, number, number, boolean, boolean]> = [
      [256, 256, 256, false, false], [32, 1024, 384, false, true], [384, 256, 32, true, false], [32, 384, 1024, false, false],
    ];
    const problems = shapes.map(([M, N, K, tA, tB]) => makeProblem(rng, Float32Array, M, N, K, tA, tB, 0, false));
    const Bp = new Float64Array(packedBLength(1024, 384));
    const warm = () => {
      for (const p of problems) runGemm(p);
      const p = problems[3];
      packB(Bp, p.B, p.bOff, p.ldb, p.transB, p.K, p.N);
      gemmPacked(p.C, p.cOff, p.ldc, p.A, p.aOff, p.lda, p.transA, Bp, p.M, p.N, p.K, 0);
    };
    warm();
    const after = gemmScratchAllocations(), grows = arenaGrows();
    for (let r = 0; r < 3; r++) warm();
    expect(gemmScratchAllocations()).to.equal(after);
    expect(arenaGrows(), 'wasm memory grows').to.equal(grows);
  });

  it('rejects sizes, beta and extents that do not fit, naming the operand', () => {
    const A = new Float32Array(12), B = new Float32Array(12), C = new Float32Array(9);
    expect(() => gemm(C, 0, 3, A, 0, 4, false, B, 0, 3, false, 3, 3, 4, 0)).to.not.throw();
    expect(() => gemm(C, 0, 3, A, 0, 4, false, B, 0, 3, false, 3, 3, 4, 2)).to.throw(RangeError, /beta must be 0 or 1, got 2/);
    expect(() => gemm(C, 0, 3, A, 0, 4, false, B, 0, 3, false, 3, -1, 4, 0)).to.throw(RangeError, /N=-1/);
    expect(() => gemm(C, 1, 3, A, 0, 4, false, B, 0, 3, false, 3, 3, 4, 0)).to.throw(RangeError, /gemm: C is read as \[3×3\]/);
    expect(() => gemm(C, 0, 3, A, 0, 4, true, B, 0, 3, false, 3, 3, 4, 0)).to.throw(RangeError, /gemm: A is read as \[4×3\] with row stride 4/);
    expect(() => gemm(C, 0, 3, A, 0, 4, false, B, 0, 2, false, 3, 3, 4, 0)).to.throw(RangeError, /gemm: B .* needs a stride ≥ 3/);
    expect(() => packB(new Float64Array(3), B, 0, 3, false, 4, 3)).to.throw(RangeError, /packB: out has 3 entries but .* needs 16/);
    expect(() => gemmPacked(C, 0, 3, A, 0, 4, false, new Float64Array(8), 3, 3, 4, 0)).to.throw(RangeError, /gemmPacked: Bp has 8 entries/);
  });
});
