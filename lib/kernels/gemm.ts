/**
 * General matrix multiply on row-major Float32Array/Float64Array storage:
 *
 *     C[M×N] = op(A)·op(B) + beta·C,   beta ∈ {0, 1}
 *
 * op(A) is A itself, stored [M×K] with row stride lda, or (transA) the transpose of A stored
 * [K×M]; likewise op(B) is [K×N] or the transpose of a [N×K] matrix. Transposes are read by
 * stride, never copied by the caller. Offsets let a kernel address one time step inside a
 * larger buffer without creating a subarray.
 *
 * Precision: every C[i, j] is a float64 sum over k, rounded once when stored (so a
 * Float32Array C holds the float32 rounding of the float64 result). beta = 0 overwrites C
 * (NaN in C does not leak through); beta = 1 adds, C[i, j] = fround(C[i, j] + Σₖ …).
 *
 * Aliasing: C must not overlap A or B (A and B may alias each other). Never allocates after
 * warm-up: the packing buffers below grow to the largest block seen and are then reused.
 *
 * How it is fast (see docs/kernels.md for measurements):
 *  - A 4×4 micro-kernel keeps a tile of C in 16 float64 locals: per step of k it loads 4
 *    entries of op(A) and 4 of op(B) and does 16 multiply-adds, against 2 loads per
 *    multiply-add in the triple loop.
 *  - Large products pack op(A) and op(B) into module-level Float64Array panels of 4 rows
 *    (4 columns) interleaved along k, so the micro-kernel reads two unit-stride
 *    Float64Arrays at constant offsets whatever the caller's dtype and transposes: V8
 *    compiles one monomorphic loop.
 *  - Cache blocking over M and N: an [mc×K] block of packed A (≤ 256 KiB, L2) is reused by
 *    every 4-column panel of a [K×nc] block of packed B (≤ 1 MiB). K is not blocked: that
 *    would force partial sums of C through float64 storage, and the JS inner loop needs far
 *    less bandwidth than L2 gives, so long K panels cost nothing measurable.
 *  - Packing costs about 1 ns per entry of op(A) and op(B); with few rows (the batch) or
 *    few columns it costs more than it saves, so those products run the same 4×4 tile
 *    straight from the caller's arrays by stride ("unpacked"). M < 4 runs one row of C
 *    against 8 columns at a time: M = 1 is the matrix-vector product a[t-1]·Waaᵀ.
 *
 * For a B operand that is reused many times (the weights a recurrence multiplies at every
 * time step), `packB` packs it once and `gemmPacked` runs each product one row of C against
 * 8 packed columns at a time, whatever M. For 32 rows that row kernel is about 10% slower
 * than packing A into 4×4 tiles too, but it is the only kernel a forward-only page needs
 * besides the WebAssembly one: it keeps `rnnkit/inference` within its size budget (see
 * docs/kernels.md).
 */
import type { FloatArray } from '../tensor.js';
import { rowsTimesColumns, rowsTimesPanels, scaleBlock, tilesUnpacked } from './gemm-direct.js';
import { KC, MR, packPanels, packedProduct, panelEntries } from './gemm-packed.js';
import { wasmActive } from './backend.js';
import { dropResident, gemmF32, gemmPackedF32, loadGemmKernel, packBResident } from './wasm/gemm-wasm.js';

export { gemmScratchAllocations } from './gemm-packed.js';

/**
 * When packing pays. Packing copies each entry of op(B) once (≈ 1 ns, about two
 * multiply-adds) to save a little on each of the M multiply-adds that read it (and likewise
 * op(A) for N), so it loses on short or narrow products and on tiny ones, unless K is long
 * and op(A) or op(B) is strided along k (then unpacked tiles miss cache). Measured on V8 11.3.
 */
const PACKING_MIN_M = 32;
const PACKING_MIN_N = 32;
const PACKING_MIN_WORK = 1 << 16;

/**
 * When the WebAssembly kernel pays: it copies op(A), op(B) and C through wasm memory (about
 * 1 ns an entry) and then does a multiply-add in about a tenth of what the TypeScript
 * kernel takes, so it wins once M·N·K·WASM_GAIN exceeds the entries moved; a matrix-vector
 * product (M = 1) against an unpacked B never does. (Prepacked B stays in wasm memory.)
 */
let WASM_GAIN = 0.4;

/**
 * Sets WASM_GAIN (default 0.4) and returns the previous value. Tests set Infinity so that
 * every float32 product, however small, takes the wasm path.
 */
export function setWasmCrossover(gain: number): number {
  const previous = WASM_GAIN;
  WASM_GAIN = gain;
  return previous;
}

function f32(X: FloatArray): X is Float32Array {
  return X instanceof Float32Array;
}

/**
 * C[M×N] = op(A)·op(B) + beta·C, accumulated in float64 and rounded once on store.
 *
 * @param C [M×N] output, row stride ldc, starting at cOff; must not overlap A or B
 * @param A [M×K] (or [K×M] when transA), row stride lda, starting at aOff
 * @param B [K×N] (or [N×K] when transB), row stride ldb, starting at bOff
 * @param beta 0 to overwrite C, 1 to add to it
 * @returns C
 */
export function gemm(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, lda: number, transA: boolean,
  B: FloatArray, bOff: number, ldb: number, transB: boolean,
  M: number, N: number, K: number,
  beta: number,
): FloatArray {
  if (!checkGemm('gemm', C, cOff, ldc, A, aOff, lda, transA, M, N, K, beta)) return C;
  if (K === 0) return scaleBlock(C, cOff, ldc, M, N, beta);
  checkOperand('gemm', 'B', B, bOff, ldb, transB ? N : K, transB ? K : N);

  // op(A)[i, k] = A[aOff + i·aRow + k·aCol],  op(B)[k, j] = B[bOff + k·bRow + j·bCol]
  const aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;

  if (f32(C) && f32(A) && f32(B) && M * N * K * WASM_GAIN > M * K + K * N + M * N && wasmActive('gemm')) {
    gemmF32(loadGemmKernel()!, C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
    return C;
  }
  if (M < MR) return rowsTimesColumns(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
  // Unpacked tiles read 4 rows of op(A) and 4 columns of op(B) along k: fine for any K when
  // both are contiguous along k (A·Bᵀ), otherwise each k lands on new cache lines.
  const alongK = (aCol === 1 && bRow === 1) || K <= KC;
  if ((M < PACKING_MIN_M || N < PACKING_MIN_N || M * N * K < PACKING_MIN_WORK) && alongK) {
    return tilesUnpacked(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
  }
  return packedProduct(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
}

/** Number of float64 entries `packB` writes for a [K×N] op(B). */
export function packedBLength(K: number, N: number): number {
  return panelEntries(N, K);
}

/**
 * The float64 entries to give `packB` for op(B) [K×N] of B: packedBLength(K, N), except on the
 * WebAssembly kernels for a Float32Array B, where it is 0: packB then keeps the panels only in
 * wasm memory, and an empty Float64Array names them for `gemmPacked` (saves 8·K·N bytes).
 * The answer follows the active backend, so ask again after changing it.
 */
export function packedBHostLength(K: number, N: number, B: FloatArray): number {
  return f32(B) && wasmActive('packB') ? 0 : packedBLength(K, N);
}

/** What a layer's packed operand holds before its first `packFor`: it names no packing. */
export const UNPACKED = new Float64Array(0);

/**
 * `packB` into a buffer kept by the caller: packs op(B) [K×N] (B read with row stride ldb,
 * transposed when transB) for `gemmPacked` products whose op(A) is an array like `A`, into
 * `old` when it has the entries that takes (at least `minLength`), else into a new buffer, and
 * returns the buffer (a caller that counts allocations compares it with `old`). An A of B's
 * dtype may take the WebAssembly kernels, whose panels live in wasm memory (packedBHostLength);
 * an A of another dtype runs on the TypeScript kernels, which read float64 panels.
 */
export function packFor(old: Float64Array, A: FloatArray, B: FloatArray, ldb: number, transB: boolean, K: number, N: number, minLength = 0): Float64Array {
  const need = Math.max(minLength, A.constructor === B.constructor ? packedBHostLength(K, N, B) : packedBLength(K, N));
  return packB(old !== UNPACKED && old.length === need ? old : new Float64Array(need), B, 0, ldb, transB, K, N);
}

/**
 * Packs op(B) [K×N] once, for many `gemmPacked` calls with the same B (the recurrent weight
 * Waa used at every time step: pack Waaᵀ with transB = true). Layout: ⌈N/4⌉ panels of
 * [K×4], panel p holding columns 4p…4p+3 interleaved along k, zero-padded past N:
 *
 *     out[p·4K + 4k + l] = op(B)[k, 4p + l]
 *
 * Values are stored as float64, so products are exactly those gemm would form.
 *
 * @param out Float64Array of at least packedBLength(K, N) entries, or of none where
 *   packedBHostLength says so (the panels then live in wasm memory only); must not overlap B
 * @param B [K×N] (or [N×K] when transB), row stride ldb, starting at bOff
 * @returns out
 */
export function packB(
  out: Float64Array,
  B: FloatArray, bOff: number, ldb: number, transB: boolean,
  K: number, N: number,
): Float64Array {
  if (!isSize(K) || !isSize(N)) throw new RangeError(`packB: K and N must be integers ≥ 0, got K=${K}, N=${N}`);
  const need = packedBLength(K, N);
  // the wasm backend keeps its own f32 copy in wasm memory, tied to `out`
  const resident = K > 0 && N > 0 && f32(B) && wasmActive('packB');
  if (out.length < need && !(resident && out.length === 0)) {
    throw new RangeError(`packB: out has ${out.length} entries but a packed [${K}×${N}] op(B) needs ${need}`);
  }
  if (K > 0 && N > 0) checkOperand('packB', 'B', B, bOff, ldb, transB ? N : K, transB ? K : N);
  const bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
  if (out.length >= need) packPanels(out, B, bOff, bCol, bRow, N, K);
  if (resident) packBResident(loadGemmKernel()!, out, B, bOff, bRow, bCol, K, N);
  else dropResident(out);
  return out;
}

/**
 * C[M×N] = op(A)·op(B) + beta·C with op(B) prepacked by `packB(Bp, B, …, K, N)`.
 * Same precision and aliasing rules as `gemm`; C must not overlap A or Bp.
 *
 * @param C [M×N] output, row stride ldc, starting at cOff
 * @param A [M×K] (or [K×M] when transA), row stride lda, starting at aOff
 * @param Bp packed op(B) [K×N], as written by packB with the same K and N
 * @param beta 0 to overwrite C, 1 to add to it
 * @returns C
 */
export function gemmPacked(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, lda: number, transA: boolean,
  Bp: Float64Array,
  M: number, N: number, K: number,
  beta: number,
): FloatArray {
  if (!checkGemm('gemmPacked', C, cOff, ldc, A, aOff, lda, transA, M, N, K, beta)) return C;
  if (K === 0) return scaleBlock(C, cOff, ldc, M, N, beta);
  const need = packedBLength(K, N);
  // an empty Bp names panels that packB kept in wasm memory only (see packedBHostLength)
  const wasmOnly = Bp.length === 0;
  if (Bp.length < need && !wasmOnly) {
    throw new RangeError(`gemmPacked: Bp has ${Bp.length} entries but a packed [${K}×${N}] op(B) needs ${need}`);
  }

  const aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
  if (f32(C) && f32(A) && (wasmOnly || M * N * K * WASM_GAIN > M * K + M * N) && wasmActive('gemmPacked') &&
      gemmPackedF32(loadGemmKernel()!, C, cOff, ldc, A, aOff, aRow, aCol, Bp, M, N, K, beta)) return C;
  if (wasmOnly) {
    throw new RangeError(`gemmPacked: Bp is empty and names no packed [${K}×${N}] op(B) in wasm memory for float32 C and A`);
  }
  return rowsTimesPanels(C, cOff, ldc, A, aOff, aRow, aCol, Bp, M, N, K, beta);
}

// ---------------------------------------------------------------------------------------
// Boundary checks: a few comparisons per call, none in the loops.

function isSize(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}

/** Checks sizes, beta, C and (when K > 0) op(A); false when C is empty and nothing is to be done. */
function checkGemm(
  op: string,
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, lda: number, transA: boolean,
  M: number, N: number, K: number, beta: number,
): boolean {
  if (!isSize(M) || !isSize(N) || !isSize(K)) {
    throw new RangeError(`${op}: M, N, K must be integers ≥ 0, got M=${M}, N=${N}, K=${K}`);
  }
  if (beta !== 0 && beta !== 1) throw new RangeError(`${op}: beta must be 0 or 1, got ${beta}`);
  if (M === 0 || N === 0) return false;
  checkOperand(op, 'C', C, cOff, ldc, M, N);
  if (K > 0) checkOperand(op, 'A', A, aOff, lda, transA ? K : M, transA ? M : K);
  return true;
}

/** Checks that X holds a [rows×cols] matrix with row stride ld starting at off. */
function checkOperand(op: string, name: string, X: FloatArray, off: number, ld: number, rows: number, cols: number): void {
  const end = off + (rows - 1) * ld + cols;
  if (!(Number.isInteger(off) && off >= 0 && Number.isInteger(ld) && (rows === 1 || ld >= cols) && end <= X.length)) {
    throw new RangeError(
      `${op}: ${name} is read as [${rows}×${cols}] with row stride ${ld} from offset ${off}, ` +
      `which needs a stride ≥ ${cols} and ${end} entries, but it has ${X.length}`,
    );
  }
}
