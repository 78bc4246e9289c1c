/**
 * The direct GEMM paths (see gemm.ts for the contract): products too small for packing to pay
 * read op(A) and op(B) by stride straight from the caller's arrays, in 4×4 tiles or one row
 * of C against 8 columns at a time (the matrix-vector product of a recurrence at B = 1), and
 * that row kernel against prepacked B panels. Internal to the kernels.
 */
import type { FloatArray } from '../tensor.js';

/**
 * C (+)= op(A)·op(B) in 4×4 tiles read by stride straight from the caller's arrays: the
 * micro-kernel without packing, for products too small for packing to pay for itself.
 * Rows past the last multiple of 4 and columns past the last multiple of 4 go to
 * rowsTimesColumns.
 */
export function tilesUnpacked(
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
export function rowsTimesColumns(
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
 * rowsTimesColumns with op(B) prepacked (gemmPacked): one row of C against two [K×4] panels
 * at a time, so per k one entry of op(A) meets 8 contiguous float64s.
 */
export function rowsTimesPanels(
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
export function scaleBlock(C: FloatArray, cOff: number, ldc: number, M: number, N: number, beta: number): FloatArray {
  if (beta === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  return C;
}

