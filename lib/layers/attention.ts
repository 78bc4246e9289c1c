/**
 * Luong et al. (2015) global attention, as the `seq2seq` reference fixtures define it
 * (parameters named as OpenNMT-py's GlobalAttention, under `decoder.attention.`). At decoder
 * step t, for each batch row, over the memory h̄_s (the encoder's outputs, s < length):
 *
 *     score   dot:      e_s = h⟨t⟩ · h̄_s
 *             general:  e_s = (W_in h⟨t⟩) · h̄_s                     linear_in.weight [Hd, Hd]
 *             mlp:      e_s = v · tanh(W_q h⟨t⟩ + b_q + W_c h̄_s)    linear_query.weight/.bias,
 *                                                                    linear_context.weight, v.weight [1, Hd]
 *     α⟨t⟩  = softmax over s < length of e_s        (0 at padded source steps)
 *     c⟨t⟩  = Σ_s α_s h̄_s
 *     h̃⟨t⟩  = tanh(W_out [c⟨t⟩; h⟨t⟩])                               linear_out.weight [Hd, 2·Hd]
 *
 * Backward, from dL/dh̃⟨t⟩ (docs/math.md derives it):
 *
 *     dz = dh̃ ⊙ (1 − h̃²);  dW_out += dzᵀ [c; h];  [dc; dh] = dz W_out
 *     dα_s = dc · h̄_s;  dh̄_s += α_s dc;  de_s = α_s (dα_s − Σ_s' α_s' dα_s')
 *     dot:      dh += Σ_s de_s h̄_s;           dh̄_s += de_s h
 *     general:  dq = Σ_s de_s h̄_s;            dh̄_s += de_s W_in h;   dW_in += dqᵀ h;  dh += dq W_in
 *     mlp:      u_s = tanh(q + W_c h̄_s);  dv += Σ_s de_s u_s;  dp_s = de_s v ⊙ (1 − u_s²);
 *               dq = Σ_s dp_s;  dW_q += dqᵀ h;  db_q += dq;  dh += dq W_q;
 *               after the last step: dW_c += dPᵀ H̄;  dH̄ += dP W_c
 *
 * The memory is time-major [S·B, Hd] (row s·B + b). Workspaces are sized per (T, B, S) and
 * reused; per-step caches (α, [c; h], q) are kept for backward, the mlp's tanh is recomputed.
 * The weight gradients sum over steps: dW_out, dW_in (dW_q, db_q) are one GEMM each over all
 * T·B rows in `endBackward`, from the dz and dq every backward step keeps.
 */
import { addColumnSums, addRows, broadcastRows } from '../kernels/elementwise.js';
import { UNPACKED, gemm, gemmPacked, packFor } from '../kernels/gemm.js';
import { type Param, createParam } from '../param.js';
import type { Random } from '../random.js';
import { type DType, type FloatArray, allocate } from '../tensor.js';

export type AttentionScore = 'dot' | 'general' | 'mlp';

/** The score functions, for option checks. */
export const attentionScores: readonly AttentionScore[] = ['dot', 'general', 'mlp'];

interface AttentionWorkspace {
  T: number;
  B: number;
  S: number;
  /** α [T·B, S] */
  alpha: FloatArray;
  /** [c; h] [T·B, 2·Hd] */
  cat: FloatArray;
  /** q [T·B, Hd]: W_in h (general) or W_q h + b_q (mlp) */
  q: FloatArray;
  /** mlp: W_c h̄ for the whole memory [S·B, Hd], and its gradient dP */
  pre: FloatArray;
  dPre: FloatArray;
  /** dL/dH̄ [S·B, Hd] */
  dMemory: FloatArray;
  /** dz and dq [T·B, Hd] of every step (the weight gradients read them after the last step); per-step [dc; dh] [B, 2·Hd] */
  dz: FloatArray;
  dcat: FloatArray;
  dq: FloatArray;
  /** per-row scratch over source steps: dα [S] */
  dAlpha: Float64Array;
  /** per-row scratch: the context c [Hd], summed in float64 */
  context: Float64Array;
}

export class Attention {
  readonly linearIn: Param | null;
  readonly linearQuery: Param | null;
  readonly linearQueryBias: Param | null;
  readonly linearContext: Param | null;
  readonly v: Param | null;
  readonly linearOut: Param;
  readonly params: Param[];
  private ws: AttentionWorkspace | null = null;
  private memory: FloatArray | null = null;
  private lengths: ArrayLike<number> = [];
  /**
   * W_inᵀ (or W_qᵀ) and W_outᵀ packed once per sequence (`begin`), W_in and W_out once per
   * backward (`beginBackward`): every step multiplies B rows by them. Made at first use.
   */
  private packedInT: Float64Array = UNPACKED;
  private packedOutT: Float64Array = UNPACKED;
  private packedIn: Float64Array = UNPACKED;
  private packedOut: Float64Array = UNPACKED;
  /** 0: pack W_inᵀ, W_outᵀ at every `begin`; 1: frozen, pack at the next; 2: frozen and packed (layers/freeze.ts). */
  private frozen = 0;

  /** size: Hd, the decoder's hidden size (= the memory's width). */
  constructor(readonly score: AttentionScore, readonly size: number, readonly dtype: DType, prefix = 'decoder.attention.') {
    const Hd = size, p = (name: string, shape: number[]) => createParam(prefix + name, shape, dtype);
    this.linearIn = score === 'general' ? p('linear_in.weight', [Hd, Hd]) : null;
    const mlp = score === 'mlp';
    this.linearQuery = mlp ? p('linear_query.weight', [Hd, Hd]) : null;
    this.linearQueryBias = mlp ? p('linear_query.bias', [Hd]) : null;
    this.linearContext = mlp ? p('linear_context.weight', [Hd, Hd]) : null;
    this.v = mlp ? p('v.weight', [1, Hd]) : null;
    this.linearOut = p('linear_out.weight', [Hd, 2 * Hd]);
    this.params = [this.linearIn, this.linearQuery, this.linearQueryBias, this.linearContext, this.v, this.linearOut].filter((x): x is Param => x !== null);
  }

  /** nn.Linear's initialisation: U(−1/√fan_in, 1/√fan_in) (the bias by its layer's fan_in). */
  resetParameters(rng: Random): void {
    for (const q of this.params) {
      const k = 1 / Math.sqrt(q.shape.length > 1 ? q.shape[1] : this.size);
      for (let i = 0; i < q.value.length; i++) q.value[i] = rng.uniform(-k, k);
    }
  }

  /** The α of the last forward: [T·B, S] (valid until the next sequence). */
  get alpha(): FloatArray {
    return this.ws!.alpha;
  }

  /**
   * Starts a sequence of T decoder steps over B rows and a memory H̄ [S·B, Hd] (time-major)
   * whose row b is valid for s < lengths[b]. Keeps references: both must stay unchanged
   * until backward is done.
   */
  begin(T: number, B: number, S: number, memory: FloatArray, lengths: ArrayLike<number>): void {
    const ws = this.reserve(T, B, S), Hd = this.size;
    this.memory = memory;
    this.lengths = lengths;
    this.pack(true);
    // mlp: W_c h̄_s once for every source step
    if (this.linearContext) gemm(ws.pre, 0, Hd, memory, 0, Hd, false, this.linearContext.value, 0, Hd, true, S * B, Hd, Hd, 0);
  }

  /**
   * Step t: reads h⟨t⟩ (B rows of stride ldh at hOff), writes h̃⟨t⟩ (B rows of stride Hd at outOff).
   */
  forward(t: number, h: FloatArray, hOff: number, ldh: number, out: FloatArray, outOff: number): void {
    const ws = this.ws!, { B, S } = ws, Hd = this.size, H2 = 2 * Hd, H̄ = this.memory!;
    const qOff = t * B * Hd;
    const W = this.linearIn ?? this.linearQuery;
    if (this.linearQueryBias) broadcastRows(ws.q, qOff, Hd, B, Hd, this.linearQueryBias.value, 0);
    const beta = this.linearQueryBias ? 1 : 0;
    if (W) gemmPacked(ws.q, qOff, Hd, h, hOff, ldh, false, this.packedInT, B, Hd, Hd, beta);
    const v = this.v?.value;
    for (let b = 0; b < B; b++) {
      const n = this.lengths[b], a = (t * B + b) * S, hb = hOff + b * ldh;
      // query row: h itself (dot) or q
      const Q = this.score === 'dot' ? h : ws.q, qb = this.score === 'dot' ? hb : qOff + b * Hd;
      let max = -Infinity;
      for (let s = 0; s < n; s++) {
        const m = (s * B + b) * Hd;
        let e = 0;
        if (v) for (let j = 0; j < Hd; j++) e += v[j] * Math.tanh(Q[qb + j] + ws.pre[m + j]);
        else for (let j = 0; j < Hd; j++) e += Q[qb + j] * H̄[m + j];
        ws.alpha[a + s] = e;
        if (e > max) max = e;
      }
      let sum = 0;
      for (let s = 0; s < n; s++) sum += ws.alpha[a + s] = Math.exp(ws.alpha[a + s] - max);
      for (let s = 0; s < n; s++) ws.alpha[a + s] /= sum;
      ws.alpha.fill(0, a + n, a + S);
      // [c; h]: c = Σ_s α_s h̄_s, summed in float64 over s in order, row h̄_s by row (contiguous)
      const cb = (t * B + b) * H2, c = ws.context;
      c.fill(0);
      for (let s = 0; s < n; s++) {
        const m = (s * B + b) * Hd, alpha = ws.alpha[a + s];
        for (let j = 0; j < Hd; j++) c[j] += alpha * H̄[m + j];
      }
      for (let j = 0; j < Hd; j++) {
        ws.cat[cb + j] = c[j];
        ws.cat[cb + Hd + j] = h[hb + j];
      }
    }
    // h̃ = tanh(W_out [c; h])
    gemmPacked(out, outOff, Hd, ws.cat, t * B * H2, H2, false, this.packedOutT, B, Hd, H2, 0);
    for (let b = 0; b < B; b++) for (let j = 0; j < Hd; j++) out[outOff + b * Hd + j] = Math.tanh(out[outOff + b * Hd + j]);
  }

  /** Zeroes the memory gradient; call before the first backward step. */
  beginBackward(): void {
    this.ws!.dMemory.fill(0);
    this.ws!.dPre.fill(0);
    this.ws!.dz.fill(0); // steps never run backward add nothing to the weight gradients
    this.ws!.dq.fill(0);
    this.pack(false);
  }

  /**
   * Step t backward: dh̃⟨t⟩ and h̃⟨t⟩ (B rows of stride Hd at dOff and htOff), h⟨t⟩ as in
   * forward; adds dL/dh⟨t⟩ into dh (B rows of stride ldh at dhOff), the parameters' gradients
   * into their grads and dL/dH̄ into the memory gradient.
   */
  backward(t: number, dHt: FloatArray, dOff: number, hTilde: FloatArray, htOff: number,
    h: FloatArray, hOff: number, ldh: number, dh: FloatArray, dhOff: number): void {
    const ws = this.ws!, { B, S } = ws, Hd = this.size, H2 = 2 * Hd, H̄ = this.memory!;
    const { dz, dcat, dq, dAlpha, dMemory } = ws, qOff = t * B * Hd; // dz, dq: this step's rows at qOff
    for (let i = 0; i < B * Hd; i++) {
      const y = hTilde[htOff + i];
      dz[qOff + i] = dHt[dOff + i] * (1 - y * y);
    }
    gemmPacked(dcat, 0, H2, dz, qOff, Hd, false, this.packedOut, B, H2, Hd, 0);
    addRows(dh, dhOff, ldh, dcat, Hd, H2, B, Hd);
    const v = this.v?.value, dv = this.v?.grad;
    for (let b = 0; b < B; b++) {
      const n = this.lengths[b], a = (t * B + b) * S, hb = hOff + b * ldh;
      let dot = 0;
      for (let s = 0; s < n; s++) {
        const m = (s * B + b) * Hd, alpha = ws.alpha[a + s];
        let d = 0;
        for (let j = 0; j < Hd; j++) {
          const dc = dcat[b * H2 + j];
          d += dc * H̄[m + j];
          dMemory[m + j] += alpha * dc;
        }
        dAlpha[s] = d;
        dot += alpha * d;
      }
      for (let s = 0; s < n; s++) {
        const m = (s * B + b) * Hd;
        const de = ws.alpha[a + s] * (dAlpha[s] - dot);
        if (this.score === 'dot') {
          for (let j = 0; j < Hd; j++) {
            dh[dhOff + b * ldh + j] += de * H̄[m + j];
            dMemory[m + j] += de * h[hb + j];
          }
        } else if (this.score === 'general') {
          for (let j = 0; j < Hd; j++) {
            dq[qOff + b * Hd + j] += de * H̄[m + j];
            dMemory[m + j] += de * ws.q[qOff + b * Hd + j];
          }
        } else {
          for (let j = 0; j < Hd; j++) {
            const u = Math.tanh(ws.q[qOff + b * Hd + j] + ws.pre[m + j]);
            dv![j] += de * u;
            const dp = de * v![j] * (1 - u * u);
            ws.dPre[m + j] += dp;
            dq[qOff + b * Hd + j] += dp;
          }
        }
      }
    }
    const W = this.linearIn ?? this.linearQuery;
    if (!W) return;
    gemmPacked(dh, dhOff, ldh, dq, qOff, Hd, false, this.packedIn, B, Hd, Hd, 1);
  }

  /** Freezes the weights (`on`: later sequences reuse the first one's packing) or thaws them (layers/freeze.ts). */
  freeze(on: boolean): void {
    this.frozen = on ? 1 : 0;
  }

  /** Packs the step products' weights: transposed for forward, as they are for backward. */
  private pack(forward: boolean): void {
    const Hd = this.size, H2 = 2 * Hd, W = this.linearIn ?? this.linearQuery;
    const O = this.linearOut.value;
    if (forward && this.frozen === 2) return;
    if (forward && this.frozen) this.frozen = 2;
    if (forward) {
      this.packedOutT = packFor(this.packedOutT, O, O, H2, true, H2, Hd);
      if (W) this.packedInT = packFor(this.packedInT, O, W.value, Hd, true, Hd, Hd);
    } else {
      this.packedOut = packFor(this.packedOut, O, O, H2, false, Hd, H2);
      if (W) this.packedIn = packFor(this.packedIn, O, W.value, Hd, false, Hd, Hd);
    }
  }

  /** After the last backward step: the weight gradients of every step, the mlp's W_c terms; returns dL/dH̄ [S·B, Hd]. */
  endBackward(): FloatArray {
    const ws = this.ws!, { T, B, S } = ws, Hd = this.size, H2 = 2 * Hd, rows = T * B;
    // dW_out += dzᵀ [c; h], dW_in (dW_q) += dqᵀ h (h: the right half of [c; h]), db_q += Σ dq
    gemm(this.linearOut.grad, 0, H2, ws.dz, 0, Hd, true, ws.cat, 0, H2, false, Hd, H2, rows, 1);
    const W = this.linearIn ?? this.linearQuery;
    if (W) gemm(W.grad, 0, Hd, ws.dq, 0, Hd, true, ws.cat, Hd, H2, false, Hd, Hd, rows, 1);
    if (this.linearQueryBias) addColumnSums(this.linearQueryBias.grad, 0, ws.dq, 0, Hd, rows, Hd);
    if (this.linearContext) {
      gemm(this.linearContext.grad, 0, Hd, ws.dPre, 0, Hd, true, this.memory!, 0, Hd, false, Hd, Hd, S * B, 1);
      gemm(ws.dMemory, 0, Hd, ws.dPre, 0, Hd, false, this.linearContext.value, 0, Hd, false, S * B, Hd, Hd, 1);
    }
    return ws.dMemory;
  }

  private reserve(T: number, B: number, S: number): AttentionWorkspace {
    const ws = this.ws;
    if (ws && ws.T === T && ws.B === B && ws.S === S) return ws;
    const Hd = this.size, f = (n: number) => allocate(this.dtype, n), mlp = this.score === 'mlp';
    return (this.ws = {
      T, B, S,
      alpha: f(T * B * S), cat: f(T * B * 2 * Hd), q: f(this.score === 'dot' ? 0 : T * B * Hd),
      pre: f(mlp ? S * B * Hd : 0), dPre: f(mlp ? S * B * Hd : 0), dMemory: f(S * B * Hd),
      dz: f(T * B * Hd), dcat: f(B * 2 * Hd), dq: f(this.score === 'dot' ? 0 : T * B * Hd), dAlpha: new Float64Array(S), context: new Float64Array(Hd),
    });
  }
}
