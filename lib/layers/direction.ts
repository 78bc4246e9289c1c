/**
 * One recurrent layer in one direction, trained: the forward pass of `ForwardDirection`
 * (direction-forward.ts) plus BPTT.
 *
 * Backward (the opposite order of the forward), with daNext carried from step to step:
 *   da = dOutput⟨t⟩ + daNext;  cell.stepBackward;  daNext = daPrev + dGatesHh⟨t⟩·W_hh
 *   dW_hh += dGatesHhᵀ·a⟨t−1⟩ and dW_ih += dGatesᵀ·X   one GEMM each, after the loop:
 *   dL/dW sums every time step's contribution.
 *   dX (+)= dGates·W_ih
 */
import type { Cell, CellBuffers } from '../cells/cell.js';
import { UNPACKED, gemm, gemmPacked } from '../kernels/gemm.js';
import { addColumnSums, addRows, broadcastRows, sumOfSquares } from '../kernels/elementwise.js';
import { type FloatArray, allocate } from '../tensor.js';
import { ForwardDirection } from './direction-forward.js';

export class RecurrentDirection extends ForwardDirection {
  /** A trained direction's cell has a backward step (RecurrentStack passes one). */
  declare readonly cell: Cell;
  /**
   * The step-by-step runs' W_ih [G·H × I], packed once per backward (as W_ihᵀ is for their
   * forward): `stepInputGrad` multiplies B rows by it at every step. Made at first use.
   */
  private packedWih: Float64Array = UNPACKED;
  /** Whether this backward has packed W_ih yet (at its first `stepInputGrad`). */
  private inputPacked = false;

  /**
   * Step t of a forward run one step at a time, for a decoder whose input x⟨t⟩ depends on
   * its output at t − 1 (input feeding): X holds x⟨t⟩'s B rows at xOff with stride ldx.
   * Steps must come in order 0, 1, …, T − 1, after `setInitial`; forward direction only.
   */
  forwardStep(X: FloatArray, xOff: number, ldx: number, t: number): void {
    const { w, B, GH, inputSize: I } = this;
    if (t === 0) {
      this.packWhh(true);
      this.packWihT(X);
      this.decideFusedSteps();
    }
    const bIh = this.addIh;
    if (bIh) broadcastRows(w.gates, t * B * GH, GH, B, GH, bIh, 0);
    gemmPacked(w.gates, t * B * GH, GH, X, xOff, ldx, false, this.packedWihT, B, GH, I, bIh ? 1 : 0);
    this.recurrentStep(t, null);
  }

  /** The forward buffers plus BPTT's: the gate gradients, dL/da and dL/dc carried across steps. */
  protected override buffers(T: number, B: number): CellBuffers {
    const w = super.buffers(T, B);
    const { cell, GH } = this;
    const H = this.hiddenSize, f = (n: number) => allocate(this.dtype, n);
    // backward turns the gate cache into dL/d(pre-activation) in place: each step reads its
    // gates before writing their gradients, and nothing reads them afterwards
    if (cell.separateRecurrentGradient) w.dGatesHh = f(T * B * GH);   // [T·B, G·H]
    w.da = f(B * H);                                                  // [B, H]
    w.daPrev = f(B * H);
    if (cell.hasCellState) {
      w.dc = f(B * H);
      w.dcPrev = f(B * H);
    }
    return w;
  }

  /** For rows padded at step t: no gate gradient, and dL/da⟨t−1⟩ = dL/da⟨t⟩ (and c). */
  private passPadded(lengths: Int32Array, t: number): void {
    const { w, B, GH, hiddenSize: H } = this;
    for (let b = 0; b < B; b++) {
      if (t < lengths[b]) continue;
      const g = (t * B + b) * GH;
      w.dGates.fill(0, g, g + GH);
      w.dGatesHh.fill(0, g, g + GH);
      for (let j = 0; j < H; j++) w.daPrev[b * H + j] = w.da[b * H + j];
      if (this.cell.hasCellState) for (let j = 0; j < H; j++) w.dcPrev[b * H + j] = w.dc[b * H + j];
    }
  }

  /**
   * BPTT over the sequence of the last forward.
   * dOut: dL/da⟨t⟩ from above, rows of stride ldo at dOff (this direction's H columns).
   * dhN, dcN: dL/dh_n, dL/dc_n at their offsets, or null for zero.
   * dX: receives dL/dX (rows of stride ldx); `accumulate` adds instead of overwriting.
   * gradNorms: if given, ‖dL/da⟨t⟩‖ for each time t is written at normsOff + t.
   * lengths: as in forward; dOut is ignored at padded steps.
   * Returns nothing; dL/da⟨init⟩ and dL/dc⟨init⟩ are left in `initialGrad` / `initialCellGrad`.
   */
  backward(
    dOut: FloatArray, dOff: number, ldo: number,
    dhN: FloatArray | null, dhOff: number, dcN: FloatArray | null, dcOff: number,
    X: FloatArray, xOff: number, ldx: number,
    dX: FloatArray, dxOff: number, accumulate: boolean,
    gradNorms: Float64Array | null, normsOff: number,
    lengths: Int32Array | null,
  ): void {
    const { T, B, GH, inputSize: I } = this;
    this.beginBackward(dhN, dhOff, dcN, dcOff);
    for (let s = T - 1; s >= 0; s--) this.backwardStep(this.reverse ? T - 1 - s : s, dOut, dOff, ldo, gradNorms, normsOff, lengths);
    this.endBackward(X, xOff, ldx);
    gemm(dX, dxOff, ldx, this.w.dGates, 0, GH, false, this.weightIh.value, 0, I, false, T * B, I, GH, accumulate ? 1 : 0);
  }

  /** Starts BPTT: dL/da⟨last⟩ = dhN (and dcN), zeros when null. */
  beginBackward(dhN: FloatArray | null, dhOff: number, dcN: FloatArray | null, dcOff: number): void {
    const { w, B, hiddenSize: H } = this;
    const n = B * H;
    if (dhN) for (let i = 0; i < n; i++) w.da[i] = dhN[dhOff + i];
    else w.da.fill(0);
    if (this.cell.hasCellState) {
      if (dcN) for (let i = 0; i < n; i++) w.dc[i] = dcN[dcOff + i];
      else w.dc.fill(0);
    }
    this.packWhh(false);
    this.inputPacked = false; // packed at the first stepInputGrad: whole-sequence backward never packs W_ih
  }

  /**
   * One step of BPTT, in reverse time order: da = dOutput⟨t⟩ + daNext, the cell's step
   * backward (dGates rows of step t), daNext = daPrev + dGatesHh⟨t⟩·W_hh.
   */
  backwardStep(t: number, dOut: FloatArray, dOff: number, ldo: number, gradNorms: Float64Array | null, normsOff: number, lengths: Int32Array | null): void {
    const { cell, w, B, GH, hiddenSize: H } = this;
    const prev = (this.reverse ? t + 1 : t) * B * H, out = (this.reverse ? t : t + 1) * B * H;
    // da = dOutput⟨t⟩ + daNext
    if (!lengths) addRows(w.da, 0, H, dOut, dOff + t * B * ldo, ldo, B, H);
    else for (let b = 0; b < B; b++) if (t < lengths[b]) addRows(w.da, b * H, H, dOut, dOff + (t * B + b) * ldo, ldo, 1, H);
    if (gradNorms) gradNorms[normsOff + t] = Math.sqrt(sumOfSquares(w.da, 0, B * H));
    cell.stepBackward(w, B, H, t * B, prev, out);
    if (lengths) this.passPadded(lengths, t);
    // daNext = (direct part) + dGatesHh⟨t⟩·W_hh
    gemmPacked(w.daPrev, 0, H, w.dGatesHh, t * B * GH, GH, false, this.packedWhh, B, H, GH, 1);
    const da = w.da; w.da = w.daPrev; w.daPrev = da;
    if (cell.hasCellState) { const dc = w.dc; w.dc = w.dcPrev; w.dcPrev = dc; }
  }

  /** dL/dx⟨t⟩ after `backwardStep(t)`: dX rows of step t (stride ldx, at dxOff) = dGates⟨t⟩·W_ih. */
  stepInputGrad(t: number, dX: FloatArray, dxOff: number, ldx: number): void {
    const { B, GH, inputSize: I } = this;
    if (!this.inputPacked) {
      this.packedWih = this.pack(this.packedWih, this.w.dGates, this.weightIh.value, false, GH, I);
      this.inputPacked = true;
    }
    gemmPacked(dX, dxOff, ldx, this.w.dGates, t * B * GH, GH, false, this.packedWih, B, I, GH, 0);
  }

  /** Ends BPTT: dW_hh += dGatesHhᵀ·a⟨t−1⟩ and dW_ih += dGatesᵀ·X, one GEMM each over all T·B rows; bias sums. */
  endBackward(X: FloatArray, xOff: number, ldx: number): void {
    const { w, T, B, GH, hiddenSize: H, inputSize: I } = this;
    const prevBase = this.reverse ? B * H : 0;
    gemm(this.weightHh.grad, 0, H, w.dGatesHh, 0, GH, true, w.a, prevBase, H, false, GH, H, T * B, 1);
    gemm(this.weightIh.grad, 0, I, w.dGates, 0, GH, true, X, xOff, ldx, false, GH, I, T * B, 1);
    if (this.biasIh && this.biasHh) {
      // one sum for both biases where their gradients are one array (all cells but the GRU)
      const same = w.dGatesHh === w.dGates;
      addColumnSums(this.biasIh.grad, 0, w.dGates, 0, GH, T * B, GH, same ? this.biasHh.grad : null);
      if (!same) addColumnSums(this.biasHh.grad, 0, w.dGatesHh, 0, GH, T * B, GH);
    }
  }

  /** dL/da⟨init⟩ after backward: [B, H] at offset 0. */
  get initialGrad(): FloatArray {
    return this.w.da;
  }

  /** dL/dc⟨init⟩ after backward (LSTM): [B, H] at offset 0. */
  get initialCellGrad(): FloatArray {
    return this.w.dc;
  }
}
