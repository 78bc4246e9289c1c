/**
 * The fused cell steps (LSTM, GRU) and the row packing their recurrence needs, written with
 * the emitter. LSTM, per time step (all f32 in wasm memory, byte addresses, H a multiple of 4):
 *
 *   lstmStep(g, hh, bias, cPrev, cOut, aOut, e, B, H): for every row b and column j
 *     Γi = σ(g_i + hh_i + b_i)   Γf = σ(…f)   c̃ = tanh(g_g + hh_g + b_g)   Γo = σ(…o)
 *     c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γi ⊙ c̃,   tanh c⟨t⟩ → e,   a⟨t⟩ = Γo ⊙ tanh c⟨t⟩
 *   g: [B, 4H] = X·W_ihᵀ (gate blocks i, f, g, o), overwritten by the activated gates (the
 *   cache backward reads); hh: [B, 4H] = a⟨t−1⟩·W_hhᵀ; bias: [4H] = b_ih + b_hh; cPrev,
 *   cOut, aOut, e: [B, H]. Four columns at a time (f32x4).
 *
 *   packRows(src, M, K, Mfull, w1, dst): the row-major [M×K] a⟨t−1⟩ into the GEMM's row
 *   panels (gemm-kernel.ts), so that the next step's a⟨t−1⟩·W_hhᵀ reads it in place.
 */
import { FunctionBody } from './emitter.js';
import { mathLocals, sigmoid, tanh } from './math-simd.js';
import { I32, Op, Simd, V128, VOID } from './opcodes.js';
import { GEMM_MR } from './gemm-kernel.js';

export function lstmStep(): FunctionBody {
  const f = new FunctionBody('lstmStep', [I32, I32, I32, I32, I32, I32, I32, I32, I32], []);
  const g = 0, hh = 1, bias = 2, cPrev = 3, cOut = 4, aOut = 5, e = 6, B = 7, H = 8;
  const m = mathLocals(f);
  const gi = f.local(V128), gf = f.local(V128), gc = f.local(V128), go = f.local(V128), ct = f.local(V128), tc = f.local(V128);
  const b = f.local(I32), j = f.local(I32), H4 = f.local(I32), pg = f.local(I32), ph = f.local(I32), ps = f.local(I32), rowBytes = f.local(I32), pb = f.local(I32);
  f.get(H).i32(2).op(Op.i32Shl).set(H4); // one gate block, bytes
  f.i32(0).set(b);
  f.forUpTo(b, B, 1, () => {
    f.i32(0).set(j);
    f.forUpTo(j, H4, 16, () => {
      // pg, ph: this row's gate column j in g and hh; ps: column j of row b in the [B, H] states
      f.get(b).get(H4).op(Op.i32Mul).i32(2).op(Op.i32Shl).get(j).op(Op.i32Add).set(rowBytes);
      f.get(g).get(rowBytes).op(Op.i32Add).set(pg);
      f.get(hh).get(rowBytes).op(Op.i32Add).set(ph);
      f.get(b).get(H4).op(Op.i32Mul).get(j).op(Op.i32Add).set(ps);
      f.get(bias).get(j).op(Op.i32Add).set(pb);
      const gate = (k: number, out: number, act: typeof sigmoid) => {
        f.get(pg); if (k) f.get(H4).i32(k).op(Op.i32Mul, Op.i32Add);
        f.load128(0);
        f.get(ph); if (k) f.get(H4).i32(k).op(Op.i32Mul, Op.i32Add);
        f.load128(0).simd(Simd.f32x4Add);
        f.get(pb); if (k) f.get(H4).i32(k).op(Op.i32Mul, Op.i32Add);
        f.load128(0).simd(Simd.f32x4Add);
        act(f, m);
        f.set(out);
        // the activated gate goes back into g
        f.get(pg); if (k) f.get(H4).i32(k).op(Op.i32Mul, Op.i32Add);
        f.get(out).store128(0);
      };
      gate(0, gi, sigmoid);
      gate(1, gf, sigmoid);
      gate(2, gc, tanh);
      gate(3, go, sigmoid);
      // c⟨t⟩ = Γf ⊙ c⟨t−1⟩ + Γi ⊙ c̃
      f.get(gf).get(cPrev).get(ps).op(Op.i32Add).load128(0).simd(Simd.f32x4Mul);
      f.get(gi).get(gc).simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(ct);
      f.get(cOut).get(ps).op(Op.i32Add).get(ct).store128(0);
      f.get(ct);
      tanh(f, m);
      f.set(tc);
      f.get(e).get(ps).op(Op.i32Add).get(tc).store128(0);
      f.get(aOut).get(ps).op(Op.i32Add).get(go).get(tc).simd(Simd.f32x4Mul).store128(0);
    });
  });
  return f;
}

/**
 * gruStep(g, hh, bias, aPrev, _, aOut, e, B, H): for every row b and column j (gate blocks r, z, n)
 *   Γr = σ(g_r + b_ir + hh_r + b_hr)    Γu = σ(g_z + b_iz + hh_z + b_hz)
 *   hn = hh_n + b_hn → e                n = tanh(g_n + b_in + Γr ⊙ hn)
 *   a⟨t⟩ = (1 − Γu) ⊙ n + Γu ⊙ a⟨t−1⟩
 * g: [B, 3H] = X·W_ihᵀ, overwritten by Γr, Γu, n; hh: [B, 3H] = a⟨t−1⟩·W_hhᵀ;
 * bias: [b_ih (3H) | b_hh (3H)]; aPrev, aOut, e: [B, H].
 */
export function gruStep(): FunctionBody {
  // lstmStep's parameters, the cell-state output (4) unused: one call serves both cells
  const f = new FunctionBody('gruStep', [I32, I32, I32, I32, I32, I32, I32, I32, I32], []);
  const g = 0, hh = 1, bias = 2, aPrev = 3, aOut = 5, e = 6, B = 7, H = 8;
  const m = mathLocals(f);
  const gr = f.local(V128), gu = f.local(V128), hn = f.local(V128), n = f.local(V128);
  const b = f.local(I32), j = f.local(I32), H4 = f.local(I32), pg = f.local(I32), ph = f.local(I32), ps = f.local(I32), pb = f.local(I32), pbh = f.local(I32);
  f.get(H).i32(2).op(Op.i32Shl).set(H4);
  f.i32(0).set(b);
  f.forUpTo(b, B, 1, () => {
    f.i32(0).set(j);
    f.forUpTo(j, H4, 16, () => {
      f.get(b).get(H4).op(Op.i32Mul).i32(3).op(Op.i32Mul).get(j).op(Op.i32Add).tee(pg).get(hh).op(Op.i32Add).set(ph);
      f.get(pg).get(g).op(Op.i32Add).set(pg);
      f.get(b).get(H4).op(Op.i32Mul).get(j).op(Op.i32Add).set(ps);
      f.get(bias).get(j).op(Op.i32Add).tee(pb).get(H4).i32(3).op(Op.i32Mul, Op.i32Add).set(pbh);
      /** pushes the address p + k·H4 */
      const at = (p: number, k: number) => { f.get(p); if (k) f.get(H4).i32(k).op(Op.i32Mul, Op.i32Add); };
      /** pushes g_k + b_ik + hh_k + b_hk */
      const pre = (k: number) => {
        at(pg, k); f.load128(0); at(pb, k); f.load128(0).simd(Simd.f32x4Add);
        at(ph, k); f.load128(0); at(pbh, k); f.load128(0).simd(Simd.f32x4Add).simd(Simd.f32x4Add);
      };
      pre(0); sigmoid(f, m); f.set(gr);
      pre(1); sigmoid(f, m); f.set(gu);
      at(ph, 2); f.load128(0); at(pbh, 2); f.load128(0).simd(Simd.f32x4Add).set(hn);
      at(pg, 2); f.load128(0); at(pb, 2); f.load128(0).simd(Simd.f32x4Add);
      f.get(gr).get(hn).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
      tanh(f, m); f.set(n);
      at(pg, 0); f.get(gr).store128(0);
      at(pg, 1); f.get(gu).store128(0);
      at(pg, 2); f.get(n).store128(0);
      f.get(e).get(ps).op(Op.i32Add).get(hn).store128(0);
      // a⟨t⟩ = (1 − Γu) ⊙ n + Γu ⊙ a⟨t−1⟩
      f.get(aOut).get(ps).op(Op.i32Add);
      f.f32x4(1).get(gu).simd(Simd.f32x4Sub).get(n).simd(Simd.f32x4Mul);
      f.get(gu).get(aPrev).get(ps).op(Op.i32Add).load128(0).simd(Simd.f32x4Mul).simd(Simd.f32x4Add);
      f.store128(0);
    });
  });
  return f;
}

/** packRows(src, M, K, Mfull, w1, dst): dst[i0·K + k·w + r] = src[(i0 + r)·K + k] per row panel. */
export function packRows(): FunctionBody {
  const f = new FunctionBody('packRows', [I32, I32, I32, I32, I32, I32], []);
  const src = 0, M = 1, K = 2, Mfull = 3, w1 = 4, dst = 5;
  const i = f.local(I32), i0 = f.local(I32), w = f.local(I32), k = f.local(I32), from = f.local(I32), to = f.local(I32);
  f.i32(0).set(i);
  f.forUpTo(i, M, 1, () => {
    // the panel of row i: [i0, i0 + w)
    f.get(i).get(Mfull).op(Op.i32LtS, Op.if, VOID);
    f.get(i).get(i).i32(GEMM_MR).op(Op.i32RemU, Op.i32Sub).set(i0).i32(GEMM_MR).set(w);
    f.op(Op.else);
    f.get(i).get(Mfull).get(w1).op(Op.i32Add, Op.i32LtS, Op.if, VOID);
    f.get(Mfull).set(i0).get(w1).set(w);
    f.op(Op.else);
    f.get(Mfull).get(w1).op(Op.i32Add).set(i0).get(M).get(i0).op(Op.i32Sub).set(w);
    f.op(Op.end, Op.end);
    // from = src + 4·i·K;  to = dst + 4·(i0·K + (i − i0))
    f.get(i).get(K).op(Op.i32Mul).i32(2).op(Op.i32Shl).get(src).op(Op.i32Add).set(from);
    f.get(i0).get(K).op(Op.i32Mul).get(i).get(i0).op(Op.i32Sub, Op.i32Add).i32(2).op(Op.i32Shl).get(dst).op(Op.i32Add).set(to);
    f.i32(0).set(k);
    f.forUpTo(k, K, 1, () => {
      f.get(to).get(from).mem(Op.f32Load).mem(Op.f32Store);
      f.addTo(from, 4);
      f.get(to).get(w).i32(2).op(Op.i32Shl, Op.i32Add).set(to);
    });
  });
  return f;
}
