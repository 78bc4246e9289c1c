/**
 * The bridge of the encoder–decoder: the decoder's initial state of layer l is the encoder's
 * final state of layer l with its directions side by side, [h_fwd; h_bwd] (and the same for
 * c of an LSTM), so a decoder of width D·H continues where a D-directional encoder ended.
 *
 *   encoder final states  [L·D, B, H]   (layer-major, direction within layer, as PyTorch's h_n)
 *   decoder initial state [L, B, D·H]
 *
 * `bridge` is the forward copy, `bridgeBack` its adjoint (dL/d encoder final state from
 * dL/d decoder initial state). Beam search decodes r hypotheses of one source side by side,
 * so the forward copy can repeat each source row r times.
 */
import { copyRows } from '../kernels/elementwise.js';
import type { FloatArray } from '../tensor.js';

/** out [L, B·r, D·H] ← state [L·D, B, H]: each row b of each layer repeated r times (rows b·r … b·r + r − 1). */
export function bridge(out: FloatArray, state: FloatArray, L: number, D: number, H: number, B: number, r = 1): void {
  const Hd = D * H, rows = B * r;
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      const from = (l * D + d) * B * H;
      for (let i = 0; i < r; i++) copyRows(out, (l * rows + i) * Hd + d * H, r * Hd, state, from, H, B, H);
    }
  }
}

/** The adjoint of `bridge` with r = 1: dState [L·D, B, H] ← dInit [L, B, D·H] (overwrites dState). */
export function bridgeBack(dState: FloatArray, dInit: FloatArray, L: number, D: number, H: number, B: number): void {
  const Hd = D * H;
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) copyRows(dState, (l * D + d) * B * H, H, dInit, l * B * Hd + d * H, Hd, B, H);
  }
}
