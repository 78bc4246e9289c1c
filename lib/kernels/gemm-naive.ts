/**
 * The reference GEMM: a plain triple loop with the same signature and semantics as `gemm`,
 *
 *     C[M×N] = op(A)·op(B) + beta·C,   beta ∈ {0, 1}
 *
 * kept as the baseline that benchmarks compare against and as a readable statement of what
 * every faster kernel must compute. Each C[i, j] is one float64 dot product over k, rounded
 * once when stored. Transposes are read by stride. C must not alias A or B. Never allocates.
 *
 * @param C [M×N] output, row stride ldc, starting at cOff
 * @param A [M×K] (or [K×M] when transA), row stride lda, starting at aOff
 * @param B [K×N] (or [N×K] when transB), row stride ldb, starting at bOff
 * @param beta 0 to overwrite C, 1 to add to it
 * @returns C
 */
import type { FloatArray } from '../tensor.js';

export function gemmNaive(
  C: FloatArray, cOff: number, ldc: number,
  A: FloatArray, aOff: number, lda: number, transA: boolean,
  B: FloatArray, bOff: number, ldb: number, transB: boolean,
  M: number, N: number, K: number,
  beta: number,
): FloatArray {
  // op(A)[i, k] = A[aOff + i·aRow + k·aCol],  op(B)[k, j] = B[bOff + k·bRow + j·bCol]
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
