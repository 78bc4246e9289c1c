/**
 * Elementwise functions on f32x4, emitted inline into a kernel (WebAssembly has no exp):
 *
 *   expm1(x) = 2ⁿ·q + (2ⁿ − 1),  n = round(x·log₂e),  r = x − n·ln2 (two-part ln2, Cody–Waite),
 *              q = e^r − 1 = r + r²·(1/2 + r/6 + r²/24 + … + r⁵/5040)   (|r| ≤ ln2/2: error < 2⁻²⁷)
 *   σ(z)     = 1 / (2 + expm1(−z)),        z clamped to [−87, 87] (2ⁿ stays a normal float)
 *   tanh(z)  = expm1(2z) / (expm1(2z) + 2), z clamped to [−9, 9] (tanh(±9) rounds to ±1)
 *
 * With n = 0 (|x| < 0.35), expm1 is q itself, so tanh keeps its relative precision near 0,
 * like the TypeScript kernels' expm1 form. 2ⁿ is built from its bits: (n + 127) << 23.
 */
import type { FunctionBody } from './emitter.js';
import { Simd, V128 } from './opcodes.js';

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375; // few bits: n·LN2_HI is exact
const LN2_LO = -2.12194440e-4; // ln2 − LN2_HI
const TAYLOR = [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];

/** Scratch v128 locals the functions below share (declare once per kernel). */
export interface MathLocals { x: number; n: number; r: number; q: number }

export function mathLocals(f: FunctionBody): MathLocals {
  return { x: f.local(V128), n: f.local(V128), r: f.local(V128), q: f.local(V128) };
}

/** [x] → [expm1(x)] for x already in [−87, 87]. */
function expm1(f: FunctionBody, m: MathLocals): void {
  f.set(m.x);
  f.get(m.x).f32x4(LOG2E).simd(Simd.f32x4Mul).simd(Simd.f32x4Nearest).set(m.n);
  // r = x − n·LN2_HI − n·LN2_LO
  f.get(m.x).get(m.n).f32x4(LN2_HI).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub);
  f.get(m.n).f32x4(LN2_LO).simd(Simd.f32x4Mul).simd(Simd.f32x4Sub).set(m.r);
  // q = r + r²·P(r), P by Horner from the highest coefficient
  f.f32x4(TAYLOR[TAYLOR.length - 1]);
  for (let i = TAYLOR.length - 2; i >= 0; i--) f.get(m.r).simd(Simd.f32x4Mul).f32x4(TAYLOR[i]).simd(Simd.f32x4Add);
  f.get(m.r).get(m.r).simd(Simd.f32x4Mul).simd(Simd.f32x4Mul).get(m.r).simd(Simd.f32x4Add).set(m.q);
  // s = 2ⁿ in m.n; result s·q + (s − 1)
  f.get(m.n).simd(Simd.i32x4TruncSatF32x4S).i32(127).simd(Simd.i32x4Splat).simd(Simd.i32x4Add);
  f.i32(23).simd(Simd.i32x4Shl).set(m.n);
  f.get(m.n).get(m.q).simd(Simd.f32x4Mul).get(m.n).f32x4(1).simd(Simd.f32x4Sub).simd(Simd.f32x4Add);
}

function clamp(f: FunctionBody, limit: number): void {
  f.f32x4(limit).simd(Simd.f32x4Min).f32x4(-limit).simd(Simd.f32x4Max);
}

/** [z] → [σ(z)]. */
export function sigmoid(f: FunctionBody, m: MathLocals): void {
  clamp(f, 87);
  f.simd(Simd.f32x4Neg);
  expm1(f, m);
  f.set(m.q).f32x4(1).get(m.q).f32x4(2).simd(Simd.f32x4Add).simd(Simd.f32x4Div);
}

/** [z] → [tanh(z)]. */
export function tanh(f: FunctionBody, m: MathLocals): void {
  clamp(f, 9);
  f.f32x4(2).simd(Simd.f32x4Mul);
  expm1(f, m);
  f.set(m.q).get(m.q).get(m.q).f32x4(2).simd(Simd.f32x4Add).simd(Simd.f32x4Div);
}
