/**
 * General matrix multiply on row-major Float32Array/Float64Array storage:
 *
 *     C[M×N] = op(A)·op(B) + beta·C,   beta ∈ {0, 1}
 *
 * op(A) is A itself, stored [M×K] with row stride lda, or (transA) the transpose of A stored
 * [K×M]; likewise op(B) is [K×N] or the transpose of a [N×K] matrix. Transposes are read by
 * stride, never copied. Offsets let a kernel address one time step inside a larger buffer
 * without creating a subarray. Sums accumulate in float64 and are rounded once on store.
 * C must not alias A or B. Never allocates.
 */
import type { FloatArray } from '../tensor.js';

export function gemm(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, lda: number, transA: boolean,
  B: FloatArray, bOff: number, ldb: number, transB: boolean,
  M: number, N: number, K: number,
  beta: number,
): FloatArray {
  // strides of op(A)[i, k] and op(B)[k, j]
  const aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
  for (let i = 0; i < M; i++) {
    const ci = cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      let sum = 0;
      let ap = aOff + i * aRow, bp = bOff + j * bCol;
      for (let k = 0; k < K; k++, ap += aCol, bp += bRow) sum += A[ap] * B[bp];
      C[ci + j] = beta === 0 ? sum : C[ci + j] + sum;
    }
  }
  return C;
}
