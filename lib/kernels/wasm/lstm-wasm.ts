/**
 * The host side of the fused LSTM forward pass: the whole time loop runs on data resident in
 * wasm memory, so a step moves nothing through JavaScript. Per step (t in the direction's
 * order): packRows(a⟨t−1⟩) → gemm: hh = a⟨t−1⟩·W_hhᵀ (the packed W_hh that packB left
 * resident) → lstmStep (gates, c⟨t⟩, tanh c⟨t⟩, a⟨t⟩). Before the loop the pre-activations
 * X·W_ihᵀ + b_ih (already computed into `gates`) are copied in with b_hh added; after it the
 * activated gates, states and tanh c⟨t⟩ are copied back into the caller's arrays, which keep
 * the layouts the TypeScript cells use (the backward pass reads them there).
 */
import { type GemmKernel, KC, MC, region, residentOf } from './gemm-wasm.js';
import { rowPanels } from './gemm-kernel.js';

/**
 * gates: [T·B, 4H] pre-activations in, activated gates out; a, c: [(T+1)·B, H] state slots
 * with the initial state in slot 0 (T when reverse); extra: [T·B, H] ← tanh c⟨t⟩;
 * WhhT: the Float64Array packB packed W_hhᵀ [H × 4H] into; bHh: [4H] or null.
 * False (nothing done) when W_hhᵀ is not resident with that shape, or H is not a multiple of 4.
 */
export function lstmForwardF32(
  k: GemmKernel,
  gates: Float32Array, a: Float32Array, c: Float32Array, extra: Float32Array,
  WhhT: Float64Array, bHh: Float32Array | null,
  T: number, B: number, H: number, reverse: boolean,
): boolean {
  const r = residentOf(WhhT), G = 4 * H;
  if (!r || r.K !== H || r.N !== G || H % 4 !== 0 || T === 0 || B === 0) return false;
  const rows = T * B, slots = (T + 1) * B * H, n = B * H;
  const gAt = region(k, 3, rows * G), aAt = region(k, 4, slots), cAt = region(k, 5, slots);
  const eAt = region(k, 6, rows * H), hhAt = region(k, 7, B * G), apAt = region(k, 8, n);
  const f32 = k.arena.f32; // after the regions: a grow replaces the buffer
  const g0 = gAt >> 2, a0 = aAt >> 2, c0 = cAt >> 2, e0 = eAt >> 2;
  for (let i = 0; i < rows; i++) {
    const o = i * G;
    if (bHh) for (let j = 0; j < G; j++) f32[g0 + o + j] = gates[o + j] + bHh[j];
    else for (let j = 0; j < G; j++) f32[g0 + o + j] = gates[o + j];
  }
  const init = reverse ? T * n : 0;
  for (let i = init; i < init + n; i++) { f32[a0 + i] = a[i]; f32[c0 + i] = c[i]; }

  const [Mfull, w1, w2] = rowPanels(B);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = (reverse ? t + 1 : t) * n, out = (reverse ? t : t + 1) * n;
    k.packRows(aAt + 4 * prev, B, H, Mfull, w1, apAt);
    k.run(Mfull, w1, w2, G, H, KC, MC, apAt, r.off, hhAt);
    k.lstmStep(gAt + 4 * t * B * G, hhAt, cAt + 4 * prev, cAt + 4 * out, aAt + 4 * out, eAt + 4 * t * n, B, H);
  }

  for (let i = 0; i < rows * G; i++) gates[i] = f32[g0 + i];
  const first = reverse ? 0 : n;
  for (let i = first; i < first + T * n; i++) { a[i] = f32[a0 + i]; c[i] = f32[c0 + i]; }
  for (let i = 0; i < rows * H; i++) extra[i] = f32[e0 + i];
  return true;
}
