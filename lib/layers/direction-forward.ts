/**
 * One recurrent layer in one direction, run forward over a whole sequence: the inference half
 * of a layer. `RecurrentDirection` (direction.ts) adds BPTT and the step-by-step run a decoder
 * uses; a page that only runs models forward (`rnnkit/inference`) carries this half alone.
 *
 * Forward (time order t = 0…T−1, or T−1…0 when reversed):
 *   gates = X·W_ihᵀ + b_ih                     one GEMM for all T·B rows, before the loop
 *   for each t:  hh = a⟨t−1⟩·W_hhᵀ + b_hh;  cell.stepForward
 *
 * States live in slots: slot s of `a` holds B·H values. Forward direction: a⟨t⟩ in slot t+1,
 * the initial state in slot 0. Reverse: a⟨t⟩ in slot t, the initial state in slot T. Either
 * way the previous states of times 0…T−1 are slots prevBase…prevBase+T−1, contiguous, so
 * BPTT's dW_hh is one GEMM.
 */
import type { CellBuffers, ForwardCell } from '../cells/cell.js';
import { UNPACKED, gemmPacked, packFor, packedBHostLength } from '../kernels/gemm.js';
import { broadcastRows } from '../kernels/elementwise.js';
import { fusedForward, fusedStep, fusedStepApplies } from '../kernels/recurrence.js';
import { type Param, createParam } from '../param.js';
import { type DType, type FloatArray, allocate } from '../tensor.js';

const EMPTY = new Float64Array(0);

export class ForwardDirection {
  /** W_ih: [G·H, I] (PyTorch weight_ih_l{k}{_reverse}); Wax in the docs' notation. */
  readonly weightIh: Param;
  /** W_hh: [G·H, H] (weight_hh_l{k}{_reverse}); Waa in the docs' notation. */
  readonly weightHh: Param;
  /** b_ih, b_hh: [G·H], absent when the layer has no bias. */
  readonly biasIh: Param | null;
  readonly biasHh: Param | null;
  readonly params: Param[];

  protected readonly GH: number;
  /**
   * W_hhᵀ [H × G·H] packed once per forward (and, in a trained layer, W_hh [G·H × H] once per
   * backward, in the same buffer: each pass packs at its start and no pass reads the other's
   * packing), multiplied by B rows at every time step. Sized for both (`packWhh`): float64
   * panels on the TypeScript kernels, an empty handle on the WebAssembly ones, whose one f32
   * copy lives in wasm memory. Made at first use.
   */
  protected packedWhh: Float64Array = UNPACKED;
  /**
   * W_ihᵀ [I × G·H], packed once per forward that the fused kernel does not run, or that it
   * runs frozen (the gate projection of all T·B rows, or of B rows at each step of a
   * step-by-step run). Made at first use.
   */
  protected packedWihT: Float64Array = UNPACKED;
  /**
   * Whether this pass's cell steps run fused, biases included (`fusedStepApplies`), and the
   * biases the layer adds itself otherwise (b_ih into the gates, b_hh into hh; null when none).
   */
  private fusedSteps = false;
  protected addIh: FloatArray | null = null;
  private addHh: FloatArray | null = null;
  protected T = 0;
  protected B = 0;
  protected w: CellBuffers;
  /**
   * Frozen weights (`freeze`, bit 4): the packed W_hhᵀ (bit 1 once packed) and W_ihᵀ (bit 2)
   * are kept from one forward to the next instead of packed again at each, so that a run of one
   * step per call (generation) packs nothing after its first call.
   */
  private packed = 0;
  /** How many times workspaces were (re)sized: a steady state leaves it unchanged. */
  allocations = 0;

  constructor(
    readonly cell: ForwardCell,
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
    this.w = this.buffers(T, B);
    this.T = T;
    this.B = B;
    this.allocations++;
  }

  /** The forward buffers for (T, B); a trained layer adds its gradient buffers. */
  protected buffers(T: number, B: number): CellBuffers {
    const { cell, GH } = this;
    const H = this.hiddenSize, rows = T * B, slots = (T + 1) * B * H;
    const f = (n: number) => allocate(this.dtype, n);
    const gates = f(rows * GH);
    return {
      gates,                                                 // [T·B, G·H]
      hh: f(B * GH),                                         // [B, G·H]
      a: f(slots),                                           // [(T+1)·B, H]
      c: cell.hasCellState ? f(slots) : EMPTY,               // [(T+1)·B, H]
      extra: cell.usesExtra ? f(rows * H) : EMPTY,           // [T·B, H]
      dGates: gates, dGatesHh: gates,
      da: EMPTY, daPrev: EMPTY, dc: EMPTY, dcPrev: EMPTY,
    };
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
    // the whole pass in one fused kernel where the backend has one for this cell and shape
    // (lengths that pad no step, as in batches of equal-length rows, change nothing); on wasm,
    // packWhh leaves W_hhᵀ in wasm memory only, where the fused pass reads it, and so does
    // packWihT for W_ihᵀ, which only a frozen layer keeps packed (otherwise the fused pass
    // stages W_ih in its scratch area, so that training holds no second copy)
    this.packWhh(true);
    const frozen = this.packed & 4;
    if (frozen) this.packWihT(X);
    if (!padsAStep(lengths, T) && fusedForward(cell.mode, w, X, xOff, ldx, this.weightIh.value, frozen ? this.packedWihT : UNPACKED, this.biasIh ? this.biasIh.value : null,
      this.packedWhh, this.biasHh ? this.biasHh.value : null, T, B, I, H, this.reverse)) return;
    // gates = X·W_ihᵀ + b_ih for all T·B rows at once (a fused step adds b_ih itself)
    this.packWihT(X);
    this.decideFusedSteps();
    const bIh = this.addIh;
    if (bIh) broadcastRows(w.gates, 0, GH, T * B, GH, bIh, 0);
    gemmPacked(w.gates, 0, GH, X, xOff, ldx, false, this.packedWihT, T * B, GH, I, bIh ? 1 : 0);
    for (let s = 0; s < T; s++) this.recurrentStep(this.reverse ? T - 1 - s : s, lengths);
  }

  /**
   * Packs W_ihᵀ (see packedWihT) for products with rows of X. An X of another dtype than the
   * weights (a float64 input to a float32 layer) runs on the TypeScript kernels, which read
   * float64 panels: those are then kept on the host too.
   */
  protected packWihT(X: FloatArray): void {
    if ((this.packed & 6) === 6) return;
    const { GH, inputSize: I } = this, W = this.weightIh.value;
    this.packedWihT = this.pack(this.packedWihT, X, W, true, I, GH);
    this.packed |= 2;
  }

  /** Packs W_hhᵀ [H × G·H] for a forward (`transposed`) or W_hh [G·H × H] for a backward (see packedWhh). */
  protected packWhh(transposed: boolean): void {
    if (transposed && (this.packed & 5) === 5) return;
    this.packed = transposed ? this.packed | 1 : this.packed & 6;
    const { GH, hiddenSize: H } = this;
    const W = this.weightHh.value;
    // one length for both: W_hhᵀ and W_hh differ only in the padding of their last panel
    this.packedWhh = this.pack(this.packedWhh, W, W, transposed, transposed ? H : GH, transposed ? GH : H, Math.max(packedBHostLength(H, GH, W), packedBHostLength(GH, H, W)));
  }

  /**
   * Freezes the weights (`on`): until `freeze(false)`, forward passes reuse what the first of
   * them packs. The weights must not change meanwhile; each call starts afresh.
   */
  freeze(on: boolean): void {
    this.packed = on ? 4 : 0;
  }

  /** packFor (op(W) [K×N] for rows like A) into `old` or a new buffer, counted in `allocations`. */
  protected pack(old: Float64Array, A: FloatArray, W: FloatArray, transposed: boolean, K: number, N: number, minLength?: number): Float64Array {
    const out = packFor(old, A, W, transposed ? K : N, transposed, K, N, minLength);
    if (out !== old) this.allocations++;
    return out;
  }

  /** Decides for this pass whether the cell steps run fused (see fusedSteps). */
  protected decideFusedSteps(): void {
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
  protected recurrentStep(t: number, lengths: Int32Array | null): void {
    const { cell, w, B, GH, hiddenSize: H } = this;
    const prev = (this.reverse ? t + 1 : t) * B * H, out = (this.reverse ? t : t + 1) * B * H;
    const bHh = this.addHh;
    if (bHh) broadcastRows(w.hh, 0, GH, B, GH, bHh, 0);
    gemmPacked(w.hh, 0, GH, w.a, prev, H, false, this.packedWhh, B, GH, H, bHh ? 1 : 0);
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
}

/** Whether some row is shorter than T (so that the layer's loop must carry its state through padding). */
function padsAStep(lengths: Int32Array | null, T: number): boolean {
  if (!lengths) return false;
  for (let b = 0; b < lengths.length; b++) if (lengths[b] < T) return true;
  return false;
}
