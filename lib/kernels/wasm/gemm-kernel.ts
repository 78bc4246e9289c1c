/**
 * The f32 GEMM micro-kernels and their driver, written with the emitter (the XNNPACK
 * wasmsimd "loadsplat" pattern, see STYLE.md):
 *
 *     C[M×N8] = Ap·Bp            (all in WebAssembly memory, f32, byte addresses)
 *
 * Layouts (f32 entries; N8 = N rounded up to 8, MR = GEMM_MR):
 *   Ap  op(A) in row panels of MR rows, then up to two narrower ones (`rowPanels`), each
 *       interleaved along k: the panel of rows i0…i0+w−1 starts at i0·K and holds
 *       op(A)[i0 + r, k] at i0·K + k·w + r.
 *   Bp  op(B) in column panels of 8, interleaved along k, zero past N:
 *       Bp[p·8K + 8k + l] = op(B)[k, 8p + l].
 *   C   row-major [M×N8] (the columns past N are written and ignored).
 *
 * A tile `tile{w}x8` keeps w×8 entries of C in 2w f32x4 accumulators; each step of k loads
 * the 8 entries of the B panel (two v128 loads) and broadcasts each of the w entries of A
 * (v128.load32_splat) into two multiply-adds: 2w mul+add pairs per 2 + w loads. A step
 * holds 2w accumulators, 2 B vectors, the broadcast and one product live at once, and V8
 * on x64 allocates 15 SIMD registers (xmm15 is its scratch), so w = 5 (14 live) is the
 * widest tile that keeps every accumulator in a register. At w = 6 (16 live) TurboFan
 * spilled one accumulator to the stack, and the store/reload sat on its add chain every
 * step: a big LSTM inference (B=32 T=64 I=128 H=256) took 62.8 ms with 6-row tiles, 42.6
 * ms with 5-row ones, 47.6 ms with 4-row ones (same process, alternating). The k loop is
 * not unrolled: unrolled by 2, TurboFan hoisted the second step's loads above the first
 * step's arithmetic and spilled several accumulators (6-row tiles: 66.9 ms vs 62.4 ms).
 *
 * The driver `gemm(Mfull, w1, w2, N8, K, kc, mc, a, b, c)` blocks K in chunks of kc so
 * that one [kc×8] B panel chunk (kc·32 bytes) stays in L1 while a block of mc rows of A
 * passes over it; the chunks after the first add to C (accumulate ≠ 0), so the sum over k
 * is a float32 running sum in k order.
 */
import { FunctionBody } from './emitter.js';
import { I32, Op, Simd, V128, VOID } from './opcodes.js';

/** Rows of the full register tile. */
export const GEMM_MR = 5;
/** Columns of a B panel (two f32x4). */
export const GEMM_NR = 8;

/**
 * tile{w}x8(a, b, kb, c, ldc, accumulate): C[0:w, 0:8] (+)= Σ_{k<kb} A[k·w + r]·B[8k + l],
 * a and b the byte addresses of the panels at the chunk's first k, ldc C's row stride in bytes.
 */
function tile(w: number): FunctionBody {
  const f = new FunctionBody(`tile${w}x8`, [I32, I32, I32, I32, I32, I32], []);
  const a = 0, b = 1, kb = 2, c = 3, ldc = 4, accumulate = 5;
  const acc: number[] = [];
  for (let i = 0; i < 2 * w; i++) acc.push(f.local(V128));
  const b0 = f.local(V128), b1 = f.local(V128), va = f.local(V128), row = f.local(I32), steps = f.local(I32);

  // accumulators start at C (accumulate) or 0
  f.get(accumulate).op(Op.if, VOID);
  f.get(c).set(row);
  for (let r = 0; r < w; r++) {
    f.get(row).load128(0).set(acc[2 * r]).get(row).load128(16).set(acc[2 * r + 1]);
    if (r < w - 1) f.get(row).get(ldc).op(Op.i32Add).set(row);
  }
  f.op(Op.else);
  for (let i = 0; i < 2 * w; i++) f.i32(0).simd(Simd.i32x4Splat).set(acc[i]); // bits 0 = +0.0f
  f.op(Op.end);

  /** One step of k reading A at a + aAt and B at b + bAt (bytes). */
  const step = (aAt: number, bAt: number) => {
    f.get(b).load128(bAt).set(b0).get(b).load128(bAt + 16).set(b1);
    for (let r = 0; r < w; r++) {
      f.get(a).simd(Simd.v128Load32Splat, aAt + 4 * r).set(va);
      f.get(acc[2 * r]).get(va).get(b0).simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(acc[2 * r]);
      f.get(acc[2 * r + 1]).get(va).get(b1).simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(acc[2 * r + 1]);
    }
  };

  // for each step of k
  f.get(kb).tee(steps).op(Op.if, VOID, Op.loop, VOID);
  step(0, 0);
  f.addTo(a, 4 * w).addTo(b, 4 * GEMM_NR);
  f.get(steps).i32(1).op(Op.i32Sub).tee(steps).op(Op.brIf, 0);
  f.op(Op.end, Op.end);

  // store the tile
  for (let r = 0; r < w; r++) {
    f.get(c).get(acc[2 * r]).store128(0).get(c).get(acc[2 * r + 1]).store128(16);
    if (r < w - 1) f.get(c).get(ldc).op(Op.i32Add).set(c);
  }
  return f;
}

/** Panels of B a single-row tile covers at once. */
const ROW_PANELS = 4;

/**
 * tile1x32(a, b, kb, c, panelBytes, accumulate): C[0, 0:32] (+)= Σ_{k<kb} A[k]·B_p[8k + l]
 * over the four B panels p at b + p·panelBytes. One row in tile1x8 has two accumulator
 * chains, so each step of k waits for the adder's latency; four panels at a time give eight
 * chains per broadcast. For M = 1 (a batch of one: the recurrence of B = 1), where tile1x8
 * ran every product. The sum over k keeps its order, so a row's result does not depend on
 * the tile that computed it.
 */
function rowTile(): FunctionBody {
  const f = new FunctionBody(`tile1x${ROW_PANELS * GEMM_NR}`, [I32, I32, I32, I32, I32, I32], []);
  const a = 0, b = 1, kb = 2, c = 3, panelBytes = 4, accumulate = 5;
  const acc: number[] = [], panel: number[] = [b];
  for (let i = 0; i < 2 * ROW_PANELS; i++) acc.push(f.local(V128));
  for (let p = 1; p < ROW_PANELS; p++) panel.push(f.local(I32));
  const va = f.local(V128), steps = f.local(I32);
  for (let p = 1; p < ROW_PANELS; p++) f.get(panel[p - 1]).get(panelBytes).op(Op.i32Add).set(panel[p]);
  f.get(accumulate).op(Op.if, VOID);
  for (let i = 0; i < 2 * ROW_PANELS; i++) f.get(c).load128(16 * i).set(acc[i]);
  f.op(Op.else);
  for (let i = 0; i < 2 * ROW_PANELS; i++) f.i32(0).simd(Simd.i32x4Splat).set(acc[i]);
  f.op(Op.end);
  f.get(kb).tee(steps).op(Op.if, VOID, Op.loop, VOID);
  f.get(a).simd(Simd.v128Load32Splat, 0).set(va);
  for (let p = 0; p < ROW_PANELS; p++) {
    for (let h = 0; h < 2; h++) {
      f.get(acc[2 * p + h]).get(va).get(panel[p]).load128(16 * h).simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(acc[2 * p + h]);
    }
  }
  f.addTo(a, 4);
  for (let p = 0; p < ROW_PANELS; p++) f.addTo(panel[p], 4 * GEMM_NR);
  f.get(steps).i32(1).op(Op.i32Sub).tee(steps).op(Op.brIf, 0);
  f.op(Op.end, Op.end);
  for (let i = 0; i < 2 * ROW_PANELS; i++) f.get(c).get(acc[i]).store128(16 * i);
  return f;
}

/**
 * gemm(Mfull, w1, w2, N8, K, kc, mc, a, b, c): C = Ap·Bp in the layouts above, for
 * M = Mfull + w1 + w2 rows: Mfull rows in tiles of MR, then a tile of w1 and one of w2 rows
 * (0 ≤ w2 ≤ w1 < MR). K ≥ 1, kc ≥ 1, mc a multiple of MR. Loops, outer to inner: chunks of
 * kc along k; blocks of mc rows (an [mc×kc] block of A stays in L2); 8-column panels of B
 * (one [kc×8] chunk stays in L1); tiles of MR rows. tile{w}x8 is function w − 1, tile1x32
 * function MR + 1 (a single row, w1 = 1 and w2 = 0, runs four panels at a time while they last).
 */
function driver(): FunctionBody {
  const f = new FunctionBody('gemm', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], []);
  const Mfull = 0, w1 = 1, w2 = 2, N8 = 3, K = 4, kc = 5, mc = 6, a = 7, b = 8, c = 9;
  const pc = f.local(I32), kb = f.local(I32), j = f.local(I32), i = f.local(I32), ic = f.local(I32), iEnd = f.local(I32);
  const bPanel = f.local(I32), ldc = f.local(I32);
  /** Pushes the tile call's arguments for rows starting at local `row`, `w` rows wide (a local or constant). */
  const tileArgs = (row: () => void, w: () => void) => {
    row(); f.get(K).op(Op.i32Mul).get(pc); w(); f.op(Op.i32Mul, Op.i32Add).i32(2).op(Op.i32Shl).get(a).op(Op.i32Add);
    f.get(bPanel).get(kb);
    row(); f.get(N8).op(Op.i32Mul).get(j).op(Op.i32Add).i32(2).op(Op.i32Shl).get(c).op(Op.i32Add);
    f.get(ldc).get(pc);
  };
  /** bPanel = b + 4·(j·K + 8·pc): B panel j/8 at j·K entries, the chunk at 8·pc. */
  const setPanel = () => {
    f.get(j).get(K).op(Op.i32Mul).get(pc).i32(GEMM_NR).op(Op.i32Mul).op(Op.i32Add).i32(2).op(Op.i32Shl).get(b).op(Op.i32Add).set(bPanel);
  };
  /** Calls tile{width}x8 when the local `wl` equals width, for every width 1…MR−1. */
  const callEdge = (rowAt: () => void, wl: number) => {
    for (let r = 1; r < GEMM_MR; r++) {
      f.get(wl).i32(r).op(Op.i32Eq, Op.if, VOID);
      tileArgs(rowAt, () => f.i32(r));
      f.op(Op.call, r - 1, Op.end);
    }
  };
  f.get(N8).i32(2).op(Op.i32Shl).set(ldc);
  f.i32(0).set(pc);
  f.forUpTo(pc, K, 0, () => {
    // kb = min(kc, K − pc)
    f.get(K).get(pc).op(Op.i32Sub).tee(kb).get(kc).op(Op.i32GtS, Op.if, VOID).get(kc).set(kb).op(Op.end);
    f.i32(0).set(ic);
    f.forUpTo(ic, Mfull, 0, () => {
      f.get(ic).get(mc).op(Op.i32Add).tee(iEnd).get(Mfull).op(Op.i32GtS, Op.if, VOID).get(Mfull).set(iEnd).op(Op.end);
      f.i32(0).set(j);
      f.forUpTo(j, N8, GEMM_NR, () => {
        setPanel();
        f.get(ic).set(i);
        f.forUpTo(i, iEnd, GEMM_MR, () => {
          tileArgs(() => f.get(i), () => f.i32(GEMM_MR));
          f.op(Op.call, GEMM_MR - 1);
        });
      });
      f.get(iEnd).set(ic);
    });
    // the last w1 + w2 rows
    f.i32(0).set(j);
    f.get(w1).i32(1).op(Op.i32Eq).get(w2).op(Op.i32Eqz, Op.i32And, Op.if, VOID);
    // a single row: ROW_PANELS panels at a time, while j + 8·ROW_PANELS ≤ N8
    f.get(N8).i32(GEMM_NR * (ROW_PANELS - 1)).op(Op.i32Sub).set(iEnd);
    f.forUpTo(j, iEnd, GEMM_NR * ROW_PANELS, () => {
      setPanel();
      f.get(Mfull).get(K).op(Op.i32Mul).get(pc).op(Op.i32Add).i32(2).op(Op.i32Shl).get(a).op(Op.i32Add);
      f.get(bPanel).get(kb);
      f.get(Mfull).get(N8).op(Op.i32Mul).get(j).op(Op.i32Add).i32(2).op(Op.i32Shl).get(c).op(Op.i32Add);
      f.get(K).i32(4 * GEMM_NR).op(Op.i32Mul).get(pc);
      f.op(Op.call, GEMM_MR + 1);
    });
    f.op(Op.end);
    f.forUpTo(j, N8, GEMM_NR, () => {
      setPanel();
      callEdge(() => f.get(Mfull), w1);
      f.get(Mfull).get(w1).op(Op.i32Add).set(i);
      callEdge(() => f.get(i), w2);
    });
    f.get(pc).get(kb).op(Op.i32Add).set(pc);
  });
  return f;
}

/**
 * How M rows are cut into tiles, written into out = [Mfull, w1, w2]: Mfull rows in tiles of
 * MR, then w1 and w2 rows (w2 ≤ w1 < MR).
 * A remainder below MR/2 + 1 rows (1–3) joins the last full tile and the two are split
 * evenly (M = 32: 5 tiles of 5, then 4 + 3, instead of 6 tiles of 5 and one of 2, whose 4
 * accumulators leave the adder waiting).
 */
export function rowPanels(M: number, out: Int32Array): Int32Array {
  const rest = M % GEMM_MR;
  if (M < GEMM_MR || rest === 0 || rest >= GEMM_MR / 2 + 1) {
    out[0] = M - rest; out[1] = rest; out[2] = 0;
  } else {
    const edge = GEMM_MR + rest;
    out[0] = M - edge; out[1] = Math.ceil(edge / 2); out[2] = Math.floor(edge / 2);
  }
  return out;
}

/**
 * The GEMM functions: tile1x8 … tile{MR}x8, gemm, tile1x32 (they must be functions 0…MR + 1
 * of the module: the driver calls the tiles by index).
 */
export function gemmFunctions(): FunctionBody[] {
  const functions: FunctionBody[] = [];
  for (let w = 1; w <= GEMM_MR; w++) functions.push(tile(w));
  functions.push(driver(), rowTile());
  return functions;
}
