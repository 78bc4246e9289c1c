/**
 * One recurrent layer in one direction, run over a whole sequence: forward and BPTT.
 *
 * Forward (time order t = 0…T−1, or T−1…0 when reversed):
 *   gates = X·W_ihᵀ + b_ih                     one GEMM for all T·B rows, before the loop
 *   for each t:  hh = a⟨t−1⟩·W_hhᵀ + b_hh;  cell.stepForward
 * Backward (the opposite order), with daNext carried from step to step:
 *   da = dOutput⟨t⟩ + daNext;  cell.stepBackward;  daNext = daPrev + dGatesHh⟨t⟩·W_hh
 *   dW_hh += dGatesHhᵀ·a⟨t−1⟩ and dW_ih += dGatesᵀ·X   one GEMM each, after the loop:
 *   dL/dW sums every time step's contribution.
 *   dX (+)= dGates·W_ih
 *
 * States live in slots: slot s of `a` holds B·H values. Forward direction: a⟨t⟩ in slot t+1,
 * the initial state in slot 0. Reverse: a⟨t⟩ in slot t, the initial state in slot T. Either
 * way the previous states of times 0…T−1 are slots prevBase…prevBase+T−1, contiguous, so
 * dW_hh is one GEMM.
 */
import type { Cell, CellBuffers } from '../cells/cell.js';
import { gemm, gemmPacked, packB, packedBHostLength, prepackPays } from '../kernels/gemm.js';
import { addColumnSums, addRows, broadcastRows, sumOfSquares } from '../kernels/elementwise.js';
import { fusedForward, fusedStep, fusedStepApplies } from '../kernels/recurrence.js';
import { type Param, createParam } from '../param.js';
import { type DType, type FloatArray, allocate } from '../tensor.js';

const EMPTY = new Float64Array(0);

export class RecurrentDirection {
  /** W_ih: [G·H, I] (PyTorch weight_ih_l{k}{_reverse}); Wax in the docs' notation. */
  readonly weightIh: Param;
  /** W_hh: [G·H, H] (weight_hh_l{k}{_reverse}); Waa in the docs' notation. */
  readonly weightHh: Param;
  /** b_ih, b_hh: [G·H], absent when the layer has no bias. */
  readonly biasIh: Param | null;
  readonly biasHh: Param | null;
  readonly params: Param[];

  private readonly GH: number;
  /**
   * When the kernels say prepacking pays for B rows (`prepackPays`: batches below 4 on the
   * TypeScript kernels, 10–20% faster at B = 1; every float32 batch on the WebAssembly ones,
   * which then keep the packed weight in wasm memory): W_hhᵀ [H × G·H] packed once per
   * forward and W_hh [G·H × H] once per backward, reused at every time step. Otherwise gemm's
   * own packing is as fast, and these stay empty and cost no memory. Made at first use.
   * The two names are one buffer (each pass packs at its start and no pass reads the other's
   * packing), sized by `packedBHostLength`: float64 panels on the TypeScript kernels, an empty
   * handle on the WebAssembly ones, whose one f32 copy lives in wasm memory.
   */
  private packedWhhT: Float64Array = EMPTY;
  private packedWhh: Float64Array = EMPTY;
  /**
   * The step-by-step runs' W_ihᵀ [I × G·H] (forward) and W_ih [G·H × I] (backward), packed
   * once per pass where prepacking pays, as W_hh: `forwardStep` and `stepInputGrad` multiply
   * B rows by them at every step. Made at first use; whole-sequence runs never make them.
   */
  private packedWihT: Float64Array = EMPTY;
  private packedWih: Float64Array = EMPTY;
  /** Whether this pass's step products use the packed W_ih: 1 yes, −1 no, 0 not decided yet (backward). */
  private inputPacked = 0;
  /**
   * Whether this pass's cell steps run fused, biases included (`fusedStepApplies`), and the
   * biases the layer adds itself otherwise (b_ih into the gates, b_hh into hh; null when none).
   */
  private fusedSteps = false;
  private addIh: FloatArray | null = null;
  private addHh: FloatArray | null = null;
  /** Whether the current pass (forward or backward) uses the packed W_hh. */
  private packedPass = false;
  private T = 0;
  private B = 0;
  private w: CellBuffers;
  /** How many times workspaces were (re)sized: a steady state leaves it unchanged. */
  allocations = 0;

  constructor(
    readonly cell: Cell,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly reverse: boolean,
    suffix: string,
    bias: boolean,
    readonly dtype: DType,
    prefix = '',
  ) {
    const GH = (this.GH = cell.gateCount * hiddenSize);
    this.weightIh = createParam(`${prefix}weight_ih_${suffix}`, [GH, inputSize], dtype);
    this.weightHh = createParam(`${prefix}weight_hh_${suffix}`, [GH, hiddenSize], dtype);
    this.biasIh = bias ? createParam(`${prefix}bias_ih_${suffix}`, [GH], dtype) : null;
    this.biasHh = bias ? createParam(`${prefix}bias_hh_${suffix}`, [GH], dtype) : null;
    this.params = [this.weightIh, this.weightHh];
    if (this.biasIh && this.biasHh) this.params.push(this.biasIh, this.biasHh);
    this.w = {
      gates: EMPTY, hh: EMPTY, a: EMPTY, c: EMPTY, extra: EMPTY, dGates: EMPTY, dGatesHh: EMPTY,
      da: EMPTY, daPrev: EMPTY, dc: EMPTY, dcPrev: EMPTY,
    };
  }

  /** Sizes the workspace for (T, B); keeps it when the shape is unchanged. */
  reserve(T: number, B: number): void {
    if (T === this.T && B === this.B) return;
    const { cell, dtype, GH } = this;
    const H = this.hiddenSize, rows = T * B, slots = (T + 1) * B * H;
    const f = (n: number) => allocate(dtype, n);
    // backward turns the gate cache into dL/d(pre-activation) in place: each step reads its
    // gates before writing their gradients, and nothing reads them afterwards
    const gates = f(rows * GH);
    const dGates = gates;
    this.w = {
      gates,                                                 // [T·B, G·H]
      hh: f(B * GH),                                         // [B, G·H]
      a: f(slots),                                           // [(T+1)·B, H]
      c: cell.hasCellState ? f(slots) : EMPTY,               // [(T+1)·B, H]
      extra: cell.usesExtra ? f(rows * H) : EMPTY,           // [T·B, H]
      dGates,                                                // [T·B, G·H], = gates
      dGatesHh: cell.separateRecurrentGradient ? f(rows * GH) : dGates,
      da: f(B * H), daPrev: f(B * H),                        // [B, H]
      dc: cell.hasCellState ? f(B * H) : EMPTY,
      dcPrev: cell.hasCellState ? f(B * H) : EMPTY,
    };
    this.T = T;
    this.B = B;
    this.allocations++;
  }

  /** Whether this pass packs W_hh once (see packedWhhT); makes the packed buffers the first time. */
  private prepacked(B: number): boolean {
    const W = this.weightHh.value;
    if (!prepackPays(B, W)) return false;
    const { GH, hiddenSize: H } = this;
    const need = Math.max(packedBHostLength(H, GH, W), packedBHostLength(GH, H, W));
    if (this.packedWhh === EMPTY || this.packedWhh.length !== need) {
      this.packedWhhT = this.packedWhh = new Float64Array(need);
      this.allocations++;
    }
    return true;
  }

  /** Offset in `a`/`c` of the slot holding the initial state. */
  initialOffset(): number {
    return this.reverse ? this.T * this.B * this.hiddenSize : 0;
  }

  /** Offset in `a`/`c` of the slot holding the state after the last step (h_n, c_n). */
  finalOffset(): number {
    return this.reverse ? 0 : this.T * this.B * this.hiddenSize;
  }

  /** Offset in `a` of a⟨t⟩. */
  outputOffset(t: number): number {
    return (this.reverse ? t : t + 1) * this.B * this.hiddenSize;
  }

  /** The hidden-state slots [(T+1)·B, H] (read-only for callers). */
  get states(): FloatArray {
    return this.w.a;
  }

  /** The cell-state slots (LSTM). */
  get cellStates(): FloatArray {
    return this.w.c;
  }

  /**
   * Runs the sequence. X: [T·B, I] rows with stride ldx starting at xOff; the initial states
   * must already be in the initial slot (see `setInitial`). With `lengths` (one per batch
   * row), steps t ≥ lengths[b] are padding: row b's state passes through them unchanged, so
   * the forward direction ends at its last valid step and the reverse one starts there.
   */
  forward(X: FloatArray, xOff: number, ldx: number, lengths: Int32Array | null): void {
    const { cell, w, T, B, GH, hiddenSize: H, inputSize: I } = this;
    const Wih = this.weightIh.value;
    // the whole pass in one fused kernel where the backend has one for this cell and shape
    // (lengths that pad no step, as in batches of equal-length rows, change nothing); on wasm,
    // packForward leaves W_hhᵀ in wasm memory only, where the fused pass reads it
    if (this.packForward() && !padsAStep(lengths, T) && fusedForward(cell.mode, w, X, xOff, ldx, Wih, this.biasIh ? this.biasIh.value : null,
      this.packedWhhT, this.biasHh ? this.biasHh.value : null, T, B, I, H, this.reverse)) return;
    // gates = X·W_ihᵀ + b_ih for all T·B rows at once (a fused step adds b_ih itself)
    this.decideFusedSteps();
    const bIh = this.addIh;
    if (bIh) broadcastRows(w.gates, 0, GH, T * B, GH, bIh, 0);
    gemm(w.gates, 0, GH, X, xOff, ldx, false, Wih, 0, I, true, T * B, GH, I, bIh ? 1 : 0);
    for (let s = 0; s < T; s++) this.recurrentStep(this.reverse ? T - 1 - s : s, lengths);
  }

  /**
   * Step t of a forward run one step at a time, for a decoder whose input x⟨t⟩ depends on
   * its output at t − 1 (input feeding): X holds x⟨t⟩'s B rows at xOff with stride ldx.
   * Steps must come in order 0, 1, …, T − 1, after `setInitial`; forward direction only.
   */
  forwardStep(X: FloatArray, xOff: number, ldx: number, t: number): void {
    const { w, B, GH, inputSize: I } = this;
    if (t === 0) {
      this.inputPacked = this.packForward() ? this.packInput(true) : -1;
      this.decideFusedSteps();
    }
    const bIh = this.addIh;
    if (bIh) broadcastRows(w.gates, t * B * GH, GH, B, GH, bIh, 0);
    if (this.inputPacked === 1) gemmPacked(w.gates, t * B * GH, GH, X, xOff, ldx, false, this.packedWihT, B, GH, I, bIh ? 1 : 0);
    else gemm(w.gates, t * B * GH, GH, X, xOff, ldx, false, this.weightIh.value, 0, I, true, B, GH, I, bIh ? 1 : 0);
    this.recurrentStep(t, null);
  }

  /** Packs W_ihᵀ (forward, `transposed`) or W_ih (backward) for the step products; returns 1. */
  private packInput(transposed: boolean): number {
    const { GH, inputSize: I } = this;
    // sized by packedBHostLength: on wasm an empty, unshared handle names the copy in wasm memory
    const W = this.weightIh.value;
    const need = transposed ? packedBHostLength(I, GH, W) : packedBHostLength(GH, I, W);
    const old = transposed ? this.packedWihT : this.packedWih;
    if (old === EMPTY || old.length !== need) {
      if (transposed) this.packedWihT = new Float64Array(need); else this.packedWih = new Float64Array(need);
      this.allocations++;
    }
    if (transposed) packB(this.packedWihT, W, 0, I, true, I, GH);
    else packB(this.packedWih, W, 0, I, false, GH, I);
    return 1;
  }

  /** Packs W_hhᵀ once for the time loop where that pays (see prepacked); returns whether it did. */
  private packForward(): boolean {
    this.packedPass = this.prepacked(this.B);
    if (this.packedPass) packB(this.packedWhhT, this.weightHh.value, 0, this.hiddenSize, true, this.hiddenSize, this.GH);
    return this.packedPass;
  }

  /** Decides for this pass whether the cell steps run fused (see fusedSteps). */
  private decideFusedSteps(): void {
    const bIh = this.biasIh ? this.biasIh.value : null, bHh = this.biasHh ? this.biasHh.value : null;
    this.fusedSteps = fusedStepApplies(this.cell.mode, this.w, bIh, bHh, this.hiddenSize);
    this.addIh = this.fusedSteps ? null : bIh;
    this.addHh = this.fusedSteps ? null : bHh;
  }

  /**
   * hh = a⟨t−1⟩·W_hhᵀ (+ b_hh), then the cell's step: a⟨t⟩ (and c⟨t⟩) from the gates of step t.
   * A fused step takes both biases itself (the gate GEMMs then leave them out); the TypeScript
   * cells find them already in gates and hh.
   */
  private recurrentStep(t: number, lengths: Int32Array | null): void {
    const { cell, w, B, GH, hiddenSize: H } = this;
    const prev = (this.reverse ? t + 1 : t) * B * H, out = (this.reverse ? t : t + 1) * B * H;
    const bHh = this.addHh;
    if (bHh) broadcastRows(w.hh, 0, GH, B, GH, bHh, 0);
    if (this.packedPass) gemmPacked(w.hh, 0, GH, w.a, prev, H, false, this.packedWhhT, B, GH, H, bHh ? 1 : 0);
    else gemm(w.hh, 0, GH, w.a, prev, H, false, this.weightHh.value, 0, H, true, B, GH, H, bHh ? 1 : 0);
    if (!(this.fusedSteps && fusedStep(cell.mode, w, this.biasIh && this.biasIh.value, this.biasHh && this.biasHh.value, B, H, t * B, prev, out))) {
      cell.stepForward(w, B, H, t * B, prev, out);
    }
    if (lengths) this.carryPadded(lengths, t, prev, out);
  }

  /** For rows padded at step t: a⟨t⟩ = a⟨t−1⟩ (and c). */
  private carryPadded(lengths: Int32Array, t: number, prev: number, out: number): void {
    const { w, B, hiddenSize: H } = this;
    for (let b = 0; b < B; b++) {
      if (t < lengths[b]) continue;
      for (let j = 0; j < H; j++) w.a[out + b * H + j] = w.a[prev + b * H + j];
      if (this.cell.hasCellState) for (let j = 0; j < H; j++) w.c[out + b * H + j] = w.c[prev + b * H + j];
    }
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

  /** Writes the initial states (h0 rows at h0Off with stride H; zeros when null). */
  setInitial(h0: FloatArray | null, h0Off: number, c0: FloatArray | null, c0Off: number): void {
    const n = this.B * this.hiddenSize, o = this.initialOffset();
    if (h0) for (let i = 0; i < n; i++) this.w.a[o + i] = h0[h0Off + i];
    else this.w.a.fill(0, o, o + n);
    if (this.cell.hasCellState) {
      if (c0) for (let i = 0; i < n; i++) this.w.c[o + i] = c0[c0Off + i];
      else this.w.c.fill(0, o, o + n);
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
    const { w, B, GH, hiddenSize: H } = this;
    const n = B * H;
    if (dhN) for (let i = 0; i < n; i++) w.da[i] = dhN[dhOff + i];
    else w.da.fill(0);
    if (this.cell.hasCellState) {
      if (dcN) for (let i = 0; i < n; i++) w.dc[i] = dcN[dcOff + i];
      else w.dc.fill(0);
    }
    this.packedPass = this.prepacked(B);
    if (this.packedPass) packB(this.packedWhh, this.weightHh.value, 0, H, false, GH, H);
    this.inputPacked = 0; // stepInputGrad decides at its first call: whole-sequence backward never packs W_ih
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
    if (this.packedPass) gemmPacked(w.daPrev, 0, H, w.dGatesHh, t * B * GH, GH, false, this.packedWhh, B, H, GH, 1);
    else gemm(w.daPrev, 0, H, w.dGatesHh, t * B * GH, GH, false, this.weightHh.value, 0, H, false, B, H, GH, 1);
    const da = w.da; w.da = w.daPrev; w.daPrev = da;
    if (cell.hasCellState) { const dc = w.dc; w.dc = w.dcPrev; w.dcPrev = dc; }
  }

  /** dL/dx⟨t⟩ after `backwardStep(t)`: dX rows of step t (stride ldx, at dxOff) = dGates⟨t⟩·W_ih. */
  stepInputGrad(t: number, dX: FloatArray, dxOff: number, ldx: number): void {
    const { B, GH, inputSize: I } = this;
    if (this.inputPacked === 0) this.inputPacked = this.packedPass ? this.packInput(false) : -1;
    if (this.inputPacked === 1) gemmPacked(dX, dxOff, ldx, this.w.dGates, t * B * GH, GH, false, this.packedWih, B, I, GH, 0);
    else gemm(dX, dxOff, ldx, this.w.dGates, t * B * GH, GH, false, this.weightIh.value, 0, I, false, B, I, GH, 0);
  }

  /** Ends BPTT: dW_hh += dGatesHhᵀ·a⟨t−1⟩ and dW_ih += dGatesᵀ·X, one GEMM each over all T·B rows; bias sums. */
  endBackward(X: FloatArray, xOff: number, ldx: number): void {
    const { w, T, B, GH, hiddenSize: H, inputSize: I } = this;
    const prevBase = this.reverse ? B * H : 0;
    gemm(this.weightHh.grad, 0, H, w.dGatesHh, 0, GH, true, w.a, prevBase, H, false, GH, H, T * B, 1);
    gemm(this.weightIh.grad, 0, I, w.dGates, 0, GH, true, X, xOff, ldx, false, GH, I, T * B, 1);
    if (this.biasIh && this.biasHh) {
      addColumnSums(this.biasIh.grad, 0, w.dGates, 0, GH, T * B, GH);
      addColumnSums(this.biasHh.grad, 0, w.dGatesHh, 0, GH, T * B, GH);
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

/** Whether some row is shorter than T (so that the layer's loop must carry its state through padding). */
function padsAStep(lengths: Int32Array | null, T: number): boolean {
  if (!lengths) return false;
  for (let b = 0; b < lengths.length; b++) if (lengths[b] < T) return true;
  return false;
}
