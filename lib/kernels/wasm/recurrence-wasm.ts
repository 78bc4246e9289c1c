/**
 * The host side of the fused LSTM and GRU forward passes: the whole sequence runs on data resident in
 * wasm memory, so a step moves nothing through JavaScript. First X·W_ihᵀ for all T·B rows
 * (X staged into row panels, W_ihᵀ packed unless a frozen layer left it resident, one GEMM
 * into the gate buffer); then per step (t in the direction's order): packRows(a⟨t−1⟩) →
 * gemm: hh = a⟨t−1⟩·W_hhᵀ (the packed W_hh that packB left resident) → lstmStep or gruStep
 * (biases, gates, states, a⟨t⟩; the step the cell's module added, see `addKernel`). After
 * each chunk of time steps (the whole sequence when it fits STAGING_FLOATS) the activated gates, states
 * and the cell's extra cache are copied into the caller's arrays, in the layouts the TypeScript
 * cells use (the backward pass reads them there): wasm memory never holds the whole cache.
 */
import { type GemmKernel, KC, MC, STAGING_FLOATS, panels, residentOf, scratch, stageA, stageB, up4, view } from './gemm-wasm.js';
import { rowPanels } from './gemm-kernel.js';

/**
 * cell 'lstm' (G = 4) or 'gru' (G = 3). X: [T·B, I] rows of stride ldx from xOff;
 * Wih: [G·H, I], staged at each call unless WihT (the Float64Array a frozen layer had packB
 * pack W_ihᵀ into) is resident; bIh, bHh: [G·H] or null; WhhT: the Float64Array packB packed W_hhᵀ
 * [H × G·H] into; gates: [T·B, G·H] ← activated gates; a (and c for LSTM): [(T+1)·B, H]
 * state slots with the initial state in slot 0 (T when reverse); extra: [T·B, H] ← tanh c⟨t⟩
 * (LSTM) or W_hn a⟨t−1⟩ + b_hn (GRU). False (nothing done) when W_hhᵀ is not resident with
 * that shape, or H is not a multiple of 4 (LSTM) or 8 (GRU), or the module lacks the cell's step.
 */
export function cellForwardF32(
  k: GemmKernel, cell: 'lstm' | 'gru',
  X: Float32Array, xOff: number, ldx: number, Wih: Float32Array, WihT: Float64Array, bIh: Float32Array | null,
  WhhT: Float64Array, bHh: Float32Array | null,
  gates: Float32Array, a: Float32Array, c: Float32Array, extra: Float32Array,
  T: number, B: number, I: number, H: number, reverse: boolean,
): boolean {
  const lstm = cell === 'lstm', G = (lstm ? 4 : 3) * H, r = residentOf(WhhT), step = stepKernel(k, cell);
  // G·H a multiple of 8: the GEMM writes rows of whole 8-column panels (GRU: H % 8 = 0)
  if (!step || !r || r.K !== H || r.N !== G || H % 4 !== 0 || G % 8 !== 0 || T === 0 || B === 0 || I === 0) return false;
  const n = B * H, rw = residentOf(WihT), wF = rw && rw.K === I && rw.N === G ? 0 : G * I;
  // Time runs in chunks of tc steps, so that the staging area holds one chunk's gates, states,
  // extra cache and X rows (STAGING_FLOATS at most), not a second copy of the whole
  // sequence's: each chunk is copied into the caller's arrays when it is done.
  const fixed = wF + 2 * G + B * G + up4(n) + 4 * up4(n);  // W_ihᵀ panels, biases, hh, a⟨t−1⟩ panels, one more slot (+ rounding)
  const perStep = B * G + (lstm ? 2 : 1) * n + n + B * I;     // gates, a (and c), extra, X rows
  const tc = Math.max(1, Math.min(T, Math.floor((STAGING_FLOATS - fixed) / perStep)));
  // the staging area, laid out: gates, a, c (LSTM), extra, hh, a⟨t−1⟩ panels, X panels, W_ihᵀ panels, biases
  const sF = up4((tc + 1) * n), cF = lstm ? sF : 0;
  const gAt = scratch(k, tc * B * G + sF + cF + up4(tc * n) + B * G + up4(n) + up4(tc * B * I) + wF + 2 * G);
  const aAt = gAt + 4 * tc * B * G, cAt = aAt + 4 * sF, eAt = cAt + 4 * cF, hhAt = eAt + 4 * up4(tc * n);
  const apAt = hhAt + 4 * B * G, xAt = apAt + 4 * up4(n), wAt = xAt + 4 * up4(tc * B * I), biasAt = wAt + 4 * wF;
  const f32 = k.arena.f32; // after scratch(): a grow replaces the buffer
  const g0 = gAt >> 2, a0 = aAt >> 2, c0 = cAt >> 2, e0 = eAt >> 2, b0 = biasAt >> 2;
  if (wF) stageB(f32, wAt >> 2, Wih, 0, 1, I, I, G);
  stageBiases(f32, b0, bIh, bHh, G, lstm);

  // chunks in the direction's order; a chunk of len steps t0…t0+len−1 uses slots t0…t0+len,
  // held at slots 0…len of the staging area
  for (let done = 0; done < T; done += tc) {
    const len = Math.min(tc, T - done), t0 = reverse ? T - done - len : done;
    // gates = X·W_ihᵀ for the chunk's rows, in one GEMM
    stageA(f32, xAt >> 2, X, xOff + t0 * B * ldx, ldx, 1, len * B, I); // leaves its row panels in `panels`
    k.run(panels[0], panels[1], panels[2], G, I, KC, MC, xAt, wF ? wAt : rw!.off, gAt);
    // the state the chunk starts from (the initial state, or the previous chunk's last)
    const inSlot = reverse ? len : 0, from = (t0 + inSlot) * n;
    for (let i = 0; i < n; i++) f32[a0 + inSlot * n + i] = a[from + i];
    if (lstm) for (let i = 0; i < n; i++) f32[c0 + inSlot * n + i] = c[from + i];

    rowPanels(B, panels);
    const Mfull = panels[0], w1 = panels[1], w2 = panels[2];
    for (let s = 0; s < len; s++) {
      const t = reverse ? len - 1 - s : s; // step t0 + t, in the staging area's slots
      const prev = 4 * (reverse ? t + 1 : t) * n, out = 4 * (reverse ? t : t + 1) * n;
      k.packRows(aAt + prev, B, H, Mfull, w1, apAt);
      k.run(Mfull, w1, w2, G, H, KC, MC, apAt, r.off, hhAt);
      step(gAt + 4 * t * B * G, hhAt, biasAt, (lstm ? cAt : aAt) + prev, cAt + out, aAt + out, eAt + 4 * t * n, B, H);
    }

    // block copies (memcpy) rather than element loops: the loops were 8% of a big LSTM inference
    const first = reverse ? 0 : n, sOut = t0 * n;
    gates.set(view(f32, g0, len * B * G), t0 * B * G);
    a.set(view(f32, a0 + first, len * n), sOut + first);
    if (lstm) c.set(view(f32, c0 + first, len * n), sOut + first);
    extra.set(view(f32, e0, len * n), sOut);
  }
  return true;
}

/**
 * One step of the layer's own time loop (the decoder's, and any run with lengths): the cell of
 * step rows g…g+B−1 on the wasm fused kernel instead of the TypeScript cell. `gates` rows g…
 * hold X·W_ihᵀ and hh [B, G·H] holds a⟨t−1⟩·W_hhᵀ, both without biases: the kernel adds
 * b_ih and b_hh (either may be null) as the fused forward does.
 * LSTM: c⟨t−1⟩ at prev, c⟨t⟩ and a⟨t⟩ at out, tanh c⟨t⟩ into extra rows g…; GRU: a⟨t−1⟩ at
 * prev, a⟨t⟩ at out, W_hn a⟨t−1⟩ + b_hn into extra. Writes what LSTMCell / GRUCell.stepForward
 * write after the biases are added. False (nothing done) when H is not a multiple of 4.
 */
export function cellStepF32(
  k: GemmKernel, cell: 'lstm' | 'gru',
  gates: Float32Array, hh: Float32Array, a: Float32Array, c: Float32Array, extra: Float32Array,
  bIh: Float32Array | null, bHh: Float32Array | null,
  B: number, H: number, g: number, prev: number, out: number,
): boolean {
  const step = stepKernel(k, cell);
  if (!step || H % 4 !== 0 || B === 0) return false;
  const lstm = cell === 'lstm', G = (lstm ? 4 : 3) * H, n = B * H, m = B * G;
  // the staging area: gates, hh, biases (2G: GRU's b_ih then b_hh), the previous state, c⟨t⟩, a⟨t⟩, extra
  const gAt = scratch(k, 2 * m + 2 * G + 4 * n);
  const hhAt = gAt + 4 * m, biasAt = hhAt + 4 * m, pAt = biasAt + 8 * G, cAt = pAt + 4 * n, aAt = cAt + 4 * n, eAt = aAt + 4 * n;
  const f32 = k.arena.f32; // after scratch(): a grow replaces the buffer
  const g0 = gAt >> 2, h0 = hhAt >> 2, b0 = biasAt >> 2, p0 = pAt >> 2, gOff = g * G;
  for (let i = 0; i < m; i++) { f32[g0 + i] = gates[gOff + i]; f32[h0 + i] = hh[i]; }
  stageBiases(f32, b0, bIh, bHh, G, lstm);
  const state = lstm ? c : a;
  for (let i = 0; i < n; i++) f32[p0 + i] = state[prev + i];
  step(gAt, hhAt, biasAt, pAt, cAt, aAt, eAt, B, H);
  gates.set(view(f32, g0, m), gOff);
  if (lstm) c.set(view(f32, cAt >> 2, n), out);
  a.set(view(f32, aAt >> 2, n), out);
  extra.set(view(f32, eAt >> 2, n), g * H);
  return true;
}

/**
 * The cell's fused step in the module (`lstmStep`, `gruStep`: cell-kernels.ts, added by the
 * cell's module), or undefined where the module was compiled before that module was evaluated.
 */
export const stepKernel = (k: GemmKernel, cell: string) => k.exports[cell + 'Step'] as ((...args: number[]) => void) | undefined;

/** Biases at f32 index b0: LSTM b_ih + b_hh [G]; GRU b_ih [G] then b_hh [G] (b_hn sits inside Γr ⊙ (…)). */
function stageBiases(f32: Float32Array, b0: number, bIh: Float32Array | null, bHh: Float32Array | null, G: number, lstm: boolean): void {
  for (let j = 0; j < G; j++) {
    const bi = bIh ? bIh[j] : 0, bh = bHh ? bHh[j] : 0;
    if (lstm) f32[b0 + j] = bi + bh;
    else { f32[b0 + j] = bi; f32[b0 + G + j] = bh; }
  }
}
