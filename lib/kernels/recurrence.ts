/**
 * Whole-sequence kernels: a recurrent layer direction asks these to run its time loop, and
 * runs its own per-step loop (gemm + the cell's TypeScript step) when they decline. They
 * decline on the TypeScript backend, for float64, for cells without a fused kernel, and when
 * the shapes do not fit one; the layer never asks which backend is active.
 */
import { wasmActive } from './backend.js';
import { loadGemmKernel } from './wasm/gemm-wasm.js';
import { lstmForwardF32 } from './wasm/lstm-wasm.js';
import type { FloatArray } from '../tensor.js';

/** The buffers of one direction's forward pass (see layers/direction.ts CellBuffers). */
export interface SequenceBuffers {
  gates: FloatArray; a: FloatArray; c: FloatArray; extra: FloatArray;
}

/**
 * Runs the forward time loop of `mode` for T steps of B rows: gates [T·B, G·H] holds
 * X·W_ihᵀ + b_ih on entry and the activated gates on return; a, c, extra receive the states
 * exactly as the cell's stepForward would write them. WhhT is W_hhᵀ as packed by packB for
 * this pass, bHh the recurrent bias (or null). Returns false, having done nothing, when no
 * fused kernel applies; the caller then runs its own loop.
 */
export function fusedForward(
  mode: string, w: SequenceBuffers, WhhT: Float64Array, bHh: FloatArray | null,
  T: number, B: number, H: number, reverse: boolean,
): boolean {
  const { gates, a, c, extra } = w;
  if (mode !== 'lstm' || !(gates instanceof Float32Array && a instanceof Float32Array && c instanceof Float32Array &&
    extra instanceof Float32Array && (bHh === null || bHh instanceof Float32Array))) return false;
  if (!wasmActive('fusedForward')) return false;
  return lstmForwardF32(loadGemmKernel()!, gates, a, c, extra, WhhT, bHh, T, B, H, reverse);
}
