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
 * For a B operand that is reused many times (the recurrent weight at every time step),
 * `packB` + `gemmPacked` pack it once.
 */
import type { FloatArray } from '../tensor.js';

/** Rows of C per micro-tile: the width of one packed A panel. */
const MR = 4;
/** Columns of C per micro-tile: the width of one packed B panel. */
const NR = 4;
/**
 * Longest stretch of K one micro-tile runs over before moving on. Longer K is cut into
 * equal chunks of at most KC, so a [kc×4] B panel (≤ 12 KiB) stays in L1 and an [mc×kc]
 * A block in L2; partial sums of C then wait in a float64 block (`acc`), never in C.
 */
const KC = 384;
/** Budget, in float64 entries, of one packed [mc×kc] block of A (256 KiB). */
const A_BLOCK_ENTRIES = 1 << 15;
/** Budget, in float64 entries, of one packed [kc×nc] block of B (1 MiB). */
const B_BLOCK_ENTRIES = 1 << 17;
/**
 * When packing pays. Packing copies each entry of op(B) once (≈ 1 ns, about two
 * multiply-adds) to save a little on each of the M multiply-adds that read it (and likewise
 * op(A) for N), so it loses on short or narrow products and on tiny ones, unless K is long
 * and op(A) or op(B) is strided along k (then unpacked tiles miss cache). Measured on V8 11.3.
 */
const PACKING_MIN_M = 32;
const PACKING_MIN_N = 32;
const PACKING_MIN_WORK = 1 << 16;

// Module-level scratch: grown (to a power of two) the first time a larger block is needed.
let packedA: Float64Array = new Float64Array(0); // [mc×kc] block of op(A) as panels
let packedB: Float64Array = new Float64Array(0); // [kc×nc] block of op(B) as panels
let acc: Float64Array = new Float64Array(0); // [mc×nc] partial sums of C while K is split
/** A 4×4 tile for stores at the ragged right/bottom edge of C. */
const edgeTile = new Float64Array(MR * NR);
let scratchAllocations = 0;

/**
 * How many scratch buffers gemm/gemmPacked have allocated since the module loaded. Constant
 * across repeated calls of the same shapes after the first: tests use it to prove that the
 * steady state allocates nothing.
 */
export function gemmScratchAllocations(): number {
  return scratchAllocations;
}

/** `buf` if it holds `entries`, else a new power-of-two buffer that does (counted). */
function grown(buf: Float64Array, entries: number): Float64Array {
  if (buf.length >= entries) return buf;
  scratchAllocations++;
  return new Float64Array(nextPowerOfTwo(entries));
}

function growPackedA(entries: number): Float64Array {
  return (packedA = grown(packedA, entries));
}

function growPackedB(entries: number): Float64Array {
  return (packedB = grown(packedB, entries));
}

function growAcc(entries: number): Float64Array {
  return (acc = grown(acc, entries));
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Number of float64 entries of the panels that hold `lanes` rows of op(A) (or columns of op(B)). */
function panelEntries(lanes: number, K: number): number {
  return Math.ceil(lanes / 4) * 4 * K;
}

/** The largest multiple of 4 lanes whose panels fit `budget` entries (at least 4, at most `lanes` rounded up). */
function blockLanes(budget: number, K: number, lanes: number): number {
  const fit = Math.max(4, Math.floor(budget / K / 4) * 4);
  return Math.min(fit, Math.ceil(lanes / 4) * 4);
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

  if (M < MR) return rowsTimesColumns(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
  // Unpacked tiles read 4 rows of op(A) and 4 columns of op(B) along k: fine for any K when
  // both are contiguous along k (A·Bᵀ), otherwise each k lands on new cache lines.
  const alongK = (aCol === 1 && bRow === 1) || K <= KC;
  if ((M < PACKING_MIN_M || N < PACKING_MIN_N || M * N * K < PACKING_MIN_WORK) && alongK) {
    return tilesUnpacked(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, M, N, K, beta);
  }
  return packedProduct(C, cOff, ldc, A, aOff, aRow, aCol, B, bOff, bRow, bCol, null, M, N, K, beta);
}

/** Number of float64 entries `packB` writes for a [K×N] op(B). */
export function packedBLength(K: number, N: number): number {
  return panelEntries(N, K);
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
 * @param out Float64Array of at least packedBLength(K, N) entries; must not overlap B
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
  if (out.length < need) {
    throw new RangeError(`packB: out has ${out.length} entries but a packed [${K}×${N}] op(B) needs ${need}`);
  }
  if (K > 0 && N > 0) checkOperand('packB', 'B', B, bOff, ldb, transB ? N : K, transB ? K : N);
  const bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
  packPanels(out, B, bOff, bCol, bRow, N, K);
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
  if (Bp.length < need) {
    throw new RangeError(`gemmPacked: Bp has ${Bp.length} entries but a packed [${K}×${N}] op(B) needs ${need}`);
  }

  const aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
  if (M < MR) return rowsTimesPanels(C, cOff, ldc, A, aOff, aRow, aCol, Bp, M, N, K, beta);
  // B, bOff, bRow, bCol are not read when op(B) comes prepacked
  return packedProduct(C, cOff, ldc, A, aOff, aRow, aCol, Bp, 0, 1, 1, Bp, M, N, K, beta);
}

// ---------------------------------------------------------------------------------------
// Packed path

/**
 * C (+)= op(A)·op(B) through packed panels. Loops, outer to inner:
 *
 *     ic: rows of C in blocks of mc      pack op(A)[ic:ic+mb, pc:pc+kb] → PA (L2)
 *     jc: columns of C in blocks of nc   pack op(B)[pc:pc+kb, jc:jc+nb] → PB
 *     pc: K in chunks of kc              partial sums of C[ic:, jc:] in float64 `acc`
 *     jr, ir: 4×4 micro-tiles            one [kc×4] B panel stays in L1 across every A panel
 *
 * When K fits one chunk, tiles store straight into C and the A block is packed once per ic.
 * With `prepacked` (gemmPacked), B is never packed: its K chunk of panel p starts at
 * p·4K + 4·pc.
 */
function packedProduct(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, aRow: number, aCol: number,
  B: FloatArray, bOff: number, bRow: number, bCol: number, prepacked: Float64Array | null,
  M: number, N: number, K: number, beta: number,
): FloatArray {
  const kChunks = Math.ceil(K / KC), kc = Math.ceil(K / kChunks);
  const mc = blockLanes(A_BLOCK_ENTRIES, kc, M);
  const nc = blockLanes(B_BLOCK_ENTRIES, kc, N);
  const PA = growPackedA(panelEntries(mc, kc));
  const PB = prepacked ?? growPackedB(panelEntries(nc, kc));
  const partial = kChunks > 1 ? growAcc(mc * nc) : null;
  for (let ic = 0; ic < M; ic += mc) {
    const mb = Math.min(mc, M - ic);
    for (let jc = 0; jc < N; jc += nc) {
      const nb = Math.min(nc, N - jc);
      for (let pc = 0; pc < K; pc += kc) {
        const kb = Math.min(kc, K - pc);
        // the A block does not change with jc unless K is split
        if (jc === 0 || partial) packPanels(PA, A, aOff + ic * aRow + pc * aCol, aRow, aCol, mb, kb);
        let pb0 = 0, bPanel = 4 * kb; // where the B panels of this block start, and their spacing
        if (prepacked) {
          pb0 = jc * K + 4 * pc;
          bPanel = 4 * K;
        } else {
          packPanels(PB, B, bOff + pc * bRow + jc * bCol, bCol, bRow, nb, kb);
        }
        if (partial) multiplyPanels(partial, 0, nb, PA, PB, pb0, bPanel, mb, nb, kb, pc === 0 ? 0 : 1);
        else multiplyPanels(C, cOff + ic * ldc + jc, ldc, PA, PB, pb0, bPanel, mb, nb, kb, beta);
      }
      if (partial) storeBlock(C, cOff + ic * ldc + jc, ldc, partial, nb, mb, nb, beta);
    }
  }
  return C;
}

/**
 * C[mb×nb] (+)= PA·PB for one block: PA holds ⌈mb/4⌉ A panels of [kb×4], PB holds B panels
 * starting at entry pb0, `bPanel` entries apart. The B panel (4 columns of op(B)) stays in
 * L1 while it meets every A panel.
 */
function multiplyPanels(
  C: FloatArray, c0: number, ldc: number,
  PA: Float64Array, PB: Float64Array, pb0: number, bPanel: number,
  mb: number, nb: number, kb: number, beta: number,
): void {
  const aPanel = 4 * kb;
  for (let jr = 0, pb = pb0; jr < nb; jr += NR, pb += bPanel) {
    const cols = Math.min(NR, nb - jr);
    for (let ir = 0, pa = 0; ir < mb; ir += MR, pa += aPanel) {
      const rows = Math.min(MR, mb - ir);
      microKernel4x4(C, c0 + ir * ldc + jr, ldc, PA, pa, PB, pb, kb, rows, cols, beta);
    }
  }
}

/** C[mb×nb] (+)= S, S a float64 block with row stride ldS: the one rounding of a split K. */
function storeBlock(C: FloatArray, c0: number, ldc: number, S: Float64Array, ldS: number, mb: number, nb: number, beta: number): void {
  for (let i = 0; i < mb; i++) {
    const c = c0 + i * ldc, s = i * ldS;
    if (beta === 0) for (let j = 0; j < nb; j++) C[c + j] = S[s + j];
    else for (let j = 0; j < nb; j++) C[c + j] += S[s + j];
  }
}

// ---------------------------------------------------------------------------------------
// Packing

/**
 * Copies `lanes` rows of op(A) (or columns of op(B)) into ⌈lanes/4⌉ panels of [K×4]:
 *
 *     P[p·4K + 4k + l] = X[x0 + (4p + l)·laneStride + k·kStride]
 *
 * zero-padding the lanes of the last panel past `lanes`, so the micro-kernel always runs a
 * full 4×4 tile. For op(A): laneStride = aRow, kStride = aCol; for op(B): bCol, bRow.
 */
function packPanels(
  P: Float64Array, X: FloatArray, x0: number, laneStride: number, kStride: number,
  lanes: number, K: number,
): void {
  const s1 = laneStride, s2 = 2 * laneStride, s3 = 3 * laneStride;
  let p = 0;
  let lane = 0;
  for (; lane + 4 <= lanes; lane += 4) {
    for (let k = 0, x = x0 + lane * laneStride; k < K; k++, x += kStride, p += 4) {
      P[p] = X[x]; P[p + 1] = X[x + s1]; P[p + 2] = X[x + s2]; P[p + 3] = X[x + s3];
    }
  }
  const rest = lanes - lane; // 0…3 lanes in a last, partial panel
  if (rest > 0) {
    for (let k = 0, x = x0 + lane * laneStride; k < K; k++, x += kStride, p += 4) {
      P[p] = X[x];
      P[p + 1] = rest > 1 ? X[x + s1] : 0;
      P[p + 2] = rest > 2 ? X[x + s2] : 0;
      P[p + 3] = 0;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Micro-kernel

/**
 * The 4×4 register tile: cᵢⱼ = Σₖ PA[pa + 4k + i]·PB[pb + 4k + j] in float64 locals, then
 * C[c + i·ldc + j] (+)= cᵢⱼ for the `rows`×`cols` entries that lie inside C.
 */
function microKernel4x4(
  C: FloatArray, c: number, ldc: number,
  PA: Float64Array, pa: number, PB: Float64Array, pb: number,
  kb: number, rows: number, cols: number, beta: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let k = 0; k < kb; k++, pa += 4, pb += 4) {
    // row k of the B panel: op(B)[k, j…j+3]
    const b0 = PB[pb], b1 = PB[pb + 1], b2 = PB[pb + 2], b3 = PB[pb + 3];
    // column k of the A panel: op(A)[i…i+3, k], one rank-1 update per row
    const a0 = PA[pa];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = PA[pa + 1];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = PA[pa + 2];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    const a3 = PA[pa + 3];
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    if (beta === 0) {
      C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; c += ldc;
      C[c] = c10; C[c + 1] = c11; C[c + 2] = c12; C[c + 3] = c13; c += ldc;
      C[c] = c20; C[c + 1] = c21; C[c + 2] = c22; C[c + 3] = c23; c += ldc;
      C[c] = c30; C[c + 1] = c31; C[c + 2] = c32; C[c + 3] = c33;
    } else {
      C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
      C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
      C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
      C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
    }
    return;
  }
  const T = edgeTile;
  T[0] = c00; T[1] = c01; T[2] = c02; T[3] = c03;
  T[4] = c10; T[5] = c11; T[6] = c12; T[7] = c13;
  T[8] = c20; T[9] = c21; T[10] = c22; T[11] = c23;
  T[12] = c30; T[13] = c31; T[14] = c32; T[15] = c33;
  for (let i = 0; i < rows; i++, c += ldc) {
    for (let j = 0; j < cols; j++) C[c + j] = beta === 0 ? T[4 * i + j] : C[c + j] + T[4 * i + j];
  }
}

// ---------------------------------------------------------------------------------------
// Unpacked paths for small M

/**
 * C (+)= op(A)·op(B) in 4×4 tiles read by stride straight from the caller's arrays: the
 * micro-kernel without packing, for products too small for packing to pay for itself.
 * Rows past the last multiple of 4 and columns past the last multiple of 4 go to
 * rowsTimesColumns.
 */
function tilesUnpacked(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, aRow: number, aCol: number,
  B: FloatArray, bOff: number, bRow: number, bCol: number,
  M: number, N: number, K: number, beta: number,
): FloatArray {
  const M4 = M - (M % 4), N4 = N - (N % 4);
  const aRow2 = 2 * aRow, aRow3 = 3 * aRow, bCol2 = 2 * bCol, bCol3 = 3 * bCol;
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let k = 0, ap = aOff + i * aRow, bp = bOff + j * bCol; k < K; k++, ap += aCol, bp += bRow) {
        const b0 = B[bp], b1 = B[bp + bCol], b2 = B[bp + bCol2], b3 = B[bp + bCol3];
        const a0 = A[ap];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        const a1 = A[ap + aRow];
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        const a2 = A[ap + aRow2];
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        const a3 = A[ap + aRow3];
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      let c = cOff + i * ldc + j;
      if (beta === 0) {
        C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; c += ldc;
        C[c] = c10; C[c + 1] = c11; C[c + 2] = c12; C[c + 3] = c13; c += ldc;
        C[c] = c20; C[c + 1] = c21; C[c + 2] = c22; C[c + 3] = c23; c += ldc;
        C[c] = c30; C[c + 1] = c31; C[c + 2] = c32; C[c + 3] = c33;
      } else {
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
        C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
        C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
        C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
      }
    }
  }
  // right strip C[0:M4, N4:N] and bottom rows C[M4:M, 0:N]
  if (N4 < N && M4 > 0) {
    rowsTimesColumns(C, cOff + N4, ldc, A, aOff, aRow, aCol, B, bOff + N4 * bCol, bRow, bCol, M4, N - N4, K, beta);
  }
  if (M4 < M) {
    rowsTimesColumns(C, cOff + M4 * ldc, ldc, A, aOff + M4 * aRow, aRow, aCol, B, bOff, bRow, bCol, M - M4, N, K, beta);
  }
  return C;
}

/**
 * C (+)= op(A)·op(B) one row of C at a time, 8 columns at a time, read by stride from the
 * caller's arrays: per k, one entry of op(A) meets 8 of op(B). This is the matrix-vector
 * product of the recurrence when M = 1, and the edges of tilesUnpacked.
 */
function rowsTimesColumns(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, aRow: number, aCol: number,
  B: FloatArray, bOff: number, bRow: number, bCol: number,
  M: number, N: number, K: number, beta: number,
): FloatArray {
  const bCol2 = 2 * bCol, bCol3 = 3 * bCol, bCol4 = 4 * bCol, bCol5 = 5 * bCol, bCol6 = 6 * bCol, bCol7 = 7 * bCol;
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * ldc, a0 = aOff + i * aRow;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      // s_j = Σₖ op(A)[i, k]·op(B)[k, j], for 8 consecutive j
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0, ap = a0, bp = bOff + j * bCol; k < K; k++, ap += aCol, bp += bRow) {
        const a = A[ap];
        s0 += a * B[bp]; s1 += a * B[bp + bCol]; s2 += a * B[bp + bCol2]; s3 += a * B[bp + bCol3];
        s4 += a * B[bp + bCol4]; s5 += a * B[bp + bCol5]; s6 += a * B[bp + bCol6]; s7 += a * B[bp + bCol7];
      }
      const c = ci + j;
      if (beta === 0) {
        C[c] = s0; C[c + 1] = s1; C[c + 2] = s2; C[c + 3] = s3;
        C[c + 4] = s4; C[c + 5] = s5; C[c + 6] = s6; C[c + 7] = s7;
      } else {
        C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3;
        C[c + 4] += s4; C[c + 5] += s5; C[c + 6] += s6; C[c + 7] += s7;
      }
    }
    for (; j < N; j++) {
      let s = 0;
      for (let k = 0, ap = a0, bp = bOff + j * bCol; k < K; k++, ap += aCol, bp += bRow) s += A[ap] * B[bp];
      C[ci + j] = beta === 0 ? s : C[ci + j] + s;
    }
  }
  return C;
}

/**
 * rowsTimesColumns with op(B) prepacked (gemmPacked for M < 4): one row of C against two
 * [K×4] panels at a time, so per k one entry of op(A) meets 8 contiguous float64s.
 */
function rowsTimesPanels(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, aRow: number, aCol: number,
  Bp: Float64Array,
  M: number, N: number, K: number, beta: number,
): FloatArray {
  const panel = 4 * K;
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * ldc, a0 = aOff + i * aRow;
    let j = 0, pb0 = 0;
    for (; j + 8 <= N; j += 8, pb0 += 2 * panel) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let k = 0, ap = a0, p = pb0, q = pb0 + panel; k < K; k++, ap += aCol, p += 4, q += 4) {
        const a = A[ap];
        s0 += a * Bp[p]; s1 += a * Bp[p + 1]; s2 += a * Bp[p + 2]; s3 += a * Bp[p + 3];
        s4 += a * Bp[q]; s5 += a * Bp[q + 1]; s6 += a * Bp[q + 2]; s7 += a * Bp[q + 3];
      }
      const c = ci + j;
      if (beta === 0) {
        C[c] = s0; C[c + 1] = s1; C[c + 2] = s2; C[c + 3] = s3;
        C[c + 4] = s4; C[c + 5] = s5; C[c + 6] = s6; C[c + 7] = s7;
      } else {
        C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3;
        C[c + 4] += s4; C[c + 5] += s5; C[c + 6] += s6; C[c + 7] += s7;
      }
    }
    for (; j < N; j += 4, pb0 += panel) {
      // one panel; the last may be partial: store only columns j…N-1
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0, ap = a0, p = pb0; k < K; k++, ap += aCol, p += 4) {
        const a = A[ap];
        s0 += a * Bp[p]; s1 += a * Bp[p + 1]; s2 += a * Bp[p + 2]; s3 += a * Bp[p + 3];
      }
      const c = ci + j, cols = Math.min(4, N - j);
      C[c] = beta === 0 ? s0 : C[c] + s0;
      if (cols > 1) C[c + 1] = beta === 0 ? s1 : C[c + 1] + s1;
      if (cols > 2) C[c + 2] = beta === 0 ? s2 : C[c + 2] + s2;
      if (cols > 3) C[c + 3] = beta === 0 ? s3 : C[c + 3] + s3;
    }
  }
  return C;
}

/** C[M×N] = beta·C for K = 0: zero the block when beta = 0, leave it when beta = 1. */
function scaleBlock(C: FloatArray, cOff: number, ldc: number, M: number, N: number, beta: number): FloatArray {
  if (beta === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  return C;
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
