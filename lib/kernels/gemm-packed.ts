/**
 * The packed GEMM path (see gemm.ts for the contract): op(A) and op(B) copied into Float64Array
 * panels of 4 lanes interleaved along k, cache-blocked over M and N, K cut into chunks of at
 * most KC, and the 4×4 register micro-kernel over two panels. Also the module-level scratch
 * those panels live in, grown once and then reused. Internal to the kernels.
 */
import type { FloatArray } from '../tensor.js';

/** Rows of C per micro-tile: the width of one packed A panel. */
export const MR = 4;
/** Columns of C per micro-tile: the width of one packed B panel. */
const NR = 4;
/**
 * Longest stretch of K one micro-tile runs over before moving on. Longer K is cut into
 * equal chunks of at most KC, so a [kc×4] B panel (≤ 12 KiB) stays in L1 and an [mc×kc]
 * A block in L2; partial sums of C then wait in a float64 block (`acc`), never in C.
 */
export const KC = 384;
/** Budget, in float64 entries, of one packed [mc×kc] block of A (256 KiB). */
const A_BLOCK_ENTRIES = 1 << 15;
/** Budget, in float64 entries, of one packed [kc×nc] block of B (1 MiB). */
const B_BLOCK_ENTRIES = 1 << 17;

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
export function panelEntries(lanes: number, K: number): number {
  return Math.ceil(lanes / 4) * 4 * K;
}

/** The largest multiple of 4 lanes whose panels fit `budget` entries (at least 4, at most `lanes` rounded up). */
function blockLanes(budget: number, K: number, lanes: number): number {
  const fit = Math.max(4, Math.floor(budget / K / 4) * 4);
  return Math.min(fit, Math.ceil(lanes / 4) * 4);
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
 */
export function packedProduct(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, aRow: number, aCol: number,
  B: FloatArray, bOff: number, bRow: number, bCol: number,
  M: number, N: number, K: number, beta: number,
): FloatArray {
  const kChunks = Math.ceil(K / KC), kc = Math.ceil(K / kChunks);
  const mc = blockLanes(A_BLOCK_ENTRIES, kc, M);
  const nc = blockLanes(B_BLOCK_ENTRIES, kc, N);
  const PA = growPackedA(panelEntries(mc, kc));
  const PB = growPackedB(panelEntries(nc, kc));
  const partial = kChunks > 1 ? growAcc(mc * nc) : null;
  for (let ic = 0; ic < M; ic += mc) {
    const mb = Math.min(mc, M - ic);
    for (let jc = 0; jc < N; jc += nc) {
      const nb = Math.min(nc, N - jc);
      for (let pc = 0; pc < K; pc += kc) {
        const kb = Math.min(kc, K - pc);
        // the A block does not change with jc unless K is split
        if (jc === 0 || partial) packPanels(PA, A, aOff + ic * aRow + pc * aCol, aRow, aCol, mb, kb);
        packPanels(PB, B, bOff + pc * bRow + jc * bCol, bCol, bRow, nb, kb);
        if (partial) multiplyPanels(partial, 0, nb, PA, PB, mb, nb, kb, pc === 0 ? 0 : 1);
        else multiplyPanels(C, cOff + ic * ldc + jc, ldc, PA, PB, mb, nb, kb, beta);
      }
      if (partial) storeBlock(C, cOff + ic * ldc + jc, ldc, partial, nb, mb, nb, beta);
    }
  }
  return C;
}

/**
 * C[mb×nb] (+)= PA·PB for one block: PA holds ⌈mb/4⌉ A panels of [kb×4], PB ⌈nb/4⌉ B panels
 * of [kb×4]. The B panel (4 columns of op(B)) stays in
 * L1 while it meets every A panel.
 */
function multiplyPanels(
  C: FloatArray, c0: number, ldc: number,
  PA: Float64Array, PB: Float64Array,
  mb: number, nb: number, kb: number, beta: number,
): void {
  const panel = 4 * kb;
  for (let jr = 0, pb = 0; jr < nb; jr += NR, pb += panel) {
    const cols = Math.min(NR, nb - jr);
    for (let ir = 0, pa = 0; ir < mb; ir += MR, pa += panel) {
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
export function packPanels(
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

