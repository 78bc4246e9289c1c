/**
 * The output head, applied to every row it is given:  z = Wya·a + by
 * (PyTorch's nn.Linear with state-dict names `head.weight` [V, F] and `head.bias` [V]).
 * The activation g2 that turns z into y⟨t⟩ belongs to the loss (softmax, σ) or the model.
 *
 * `ForwardLinear` runs it forward (what `rnnkit/inference`'s models carry); `Linear` adds its
 * backward pass.
 */
import { addColumnSums, broadcastRows } from '../kernels/elementwise.js';
import { UNPACKED, gemm, gemmPacked, packFor } from '../kernels/gemm.js';
import { type Param, createParam } from '../param.js';
import type { DType, FloatArray } from '../tensor.js';
import { checkBufferSize } from '../validate.js';

export class ForwardLinear {
  /** Wya: [V, F] */
  readonly weight: Param;
  /** by: [V], absent without bias */
  readonly bias: Param | null;
  readonly params: Param[];
  /**
   * Wyaᵀ [F × V] packed for the product (see gemm.ts `packB`), again at every forward: the
   * weights may have changed since the last one. Made at the first forward; on the
   * WebAssembly kernels an empty handle names the packed copy in wasm memory.
   */
  private packed: Float64Array = UNPACKED;
  /** 0: pack at every forward; 1: frozen, pack at the next; 2: frozen and packed (see ForwardDirection.freeze). */
  private frozen = 0;

  constructor(readonly inFeatures: number, readonly outFeatures: number, bias: boolean, dtype: DType, prefix = 'head') {
    checkBufferSize('Linear', `${prefix}.weight`, [outFeatures, inFeatures], dtype);
    this.weight = createParam(`${prefix}.weight`, [outFeatures, inFeatures], dtype);
    this.bias = bias ? createParam(`${prefix}.bias`, [outFeatures], dtype) : null;
    this.params = this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** Freezes the weights (`on`: later forwards reuse the first one's packing) or thaws them. */
  freeze(on: boolean): void {
    this.frozen = on ? 1 : 0;
  }

  /** z[rows, V] = a[rows, F]·Wyaᵀ + by, with a's rows at aOff, stride lda. */
  forward(z: FloatArray, a: FloatArray, aOff: number, lda: number, rows: number): FloatArray {
    const V = this.outFeatures, F = this.inFeatures;
    if (this.frozen < 2) this.packed = packFor(this.packed, a, this.weight.value, F, true, F, V);
    if (this.frozen) this.frozen = 2;
    if (this.bias) broadcastRows(z, 0, V, rows, V, this.bias.value, 0);
    return gemmPacked(z, 0, V, a, aOff, lda, false, this.packed, rows, V, F, this.bias ? 1 : 0);
  }
}

export class Linear extends ForwardLinear {
  /**
   * Given dz [rows, V]: dWya += dzᵀ·a, dby += Σ_rows dz, and da[rows, F] = dz·Wya
   * (written at daOff with stride lda; `accumulate` adds instead).
   */
  backward(dz: FloatArray, a: FloatArray, aOff: number, lda: number, rows: number,
    da: FloatArray, daOff: number, accumulate: boolean): void {
    const V = this.outFeatures, F = this.inFeatures;
    gemm(this.weight.grad, 0, F, dz, 0, V, true, a, aOff, lda, false, V, F, rows, 1);
    if (this.bias) addColumnSums(this.bias.grad, 0, dz, 0, V, rows, V);
    gemm(da, daOff, lda, dz, 0, V, false, this.weight.value, 0, F, false, rows, F, V, accumulate ? 1 : 0);
  }
}
