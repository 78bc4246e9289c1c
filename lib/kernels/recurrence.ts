/**
 * Whole-sequence kernels: a recurrent layer direction asks these to run its time loop, and
 * runs its own per-step loop (gemm + the cell's step, `fusedStep` or the TypeScript one) when they decline. They
 * decline on the TypeScript backend, for float64, for cells without a fused kernel, and when
 * the shapes do not fit one; the layer never asks which backend is active.
 */
import { wasmActive } from './backend.js';
import { loadGemmKernel } from './wasm/gemm-wasm.js';
import { cellForwardF32, cellStepF32, stepKernel } from './wasm/recurrence-wasm.js';
import type { FloatArray } from '../tensor.js';

/** The buffers of one direction's forward pass (see layers/direction.ts CellBuffers). */
export interface SequenceBuffers {
  gates: FloatArray; a: FloatArray; c: FloatArray; extra: FloatArray;
}

const f32 = (x: FloatArray | null): boolean => x === null || x instanceof Float32Array;

/**
 * Runs the forward pass of `mode` over T steps of B rows, the input projection included:
 * X [T·B, I] (stride ldx from xOff), W_ih [G·H, I] (or WihT, W_ihᵀ as packed by packB, when
 * that left it in wasm memory), biases [G·H] or null, WhhT = W_hhᵀ as packed by packB for this
 * pass. gates, a, c, extra receive exactly what the layer's own loop writes (activated gates,
 * states, the cell's extra cache). Returns false, having done nothing, when no fused kernel
 * applies; the caller then runs its own loop.
 */
export function fusedForward(
  mode: string, w: SequenceBuffers,
  X: FloatArray, xOff: number, ldx: number, Wih: FloatArray, WihT: Float64Array, bIh: FloatArray | null,
  WhhT: Float64Array, bHh: FloatArray | null,
  T: number, B: number, I: number, H: number, reverse: boolean,
): boolean {
  const { gates, a, c, extra } = w;
  if ((mode !== 'lstm' && mode !== 'gru') || !(f32(gates) && f32(a) && (mode === 'gru' || f32(c)) && f32(extra) && f32(X) && f32(Wih) && f32(bIh) && f32(bHh))) return false;
  if (!wasmActive('fusedForward')) return false;
  return cellForwardF32(loadGemmKernel()!, mode, X as Float32Array, xOff, ldx, Wih as Float32Array, WihT, bIh as Float32Array | null,
    WhhT, bHh as Float32Array | null, gates as Float32Array, a as Float32Array, c as Float32Array, extra as Float32Array, T, B, I, H, reverse);
}

/** The buffers one step of a direction's own loop reads and writes (see layers/direction.ts CellBuffers). */
export interface StepBuffers {
  gates: FloatArray; hh: FloatArray; a: FloatArray; c: FloatArray; extra: FloatArray;
}

/**
 * Whether `fusedStep` runs for this cell, these buffers and biases and H on the active backend
 * (wasm, float32 throughout, LSTM or GRU, H a multiple of 4). Fixed for a pass: a layer asks
 * once, then leaves the biases to the fused step or adds them itself.
 */
export function fusedStepApplies(mode: string, w: StepBuffers, bIh: FloatArray | null, bHh: FloatArray | null, H: number): boolean {
  const { gates, hh, a, c, extra } = w;
  return (mode === 'lstm' || mode === 'gru') && H % 4 === 0 && f32(gates) && f32(hh) && f32(a) && (mode === 'gru' || f32(c)) &&
    f32(extra) && f32(bIh) && f32(bHh) && wasmActive('fusedStep') && stepKernel(loadGemmKernel()!, mode) !== undefined;
}

/**
 * One cell step of a direction's own time loop, biases included: what the cell's
 * `stepForward(w, B, H, g, prev, out)` writes (activated gates of rows g…, states at out, the
 * extra cache) once b_ih is added to the gates of rows g… and b_hh to hh (either bias may be
 * null). Returns false, having done nothing, where `fusedStepApplies` says no (TypeScript
 * backend, float64, other cells, H not a multiple of 4); the caller then runs the cell's own
 * step, the biases added.
 */
export function fusedStep(
  mode: string, w: StepBuffers, bIh: FloatArray | null, bHh: FloatArray | null,
  B: number, H: number, g: number, prev: number, out: number,
): boolean {
  if (!fusedStepApplies(mode, w, bIh, bHh, H)) return false;
  const { gates, hh, a, c, extra } = w;
  return cellStepF32(loadGemmKernel()!, mode as 'lstm' | 'gru', gates as Float32Array, hh as Float32Array, a as Float32Array, c as Float32Array, extra as Float32Array,
    bIh as Float32Array | null, bHh as Float32Array | null, B, H, g, prev, out);
}
