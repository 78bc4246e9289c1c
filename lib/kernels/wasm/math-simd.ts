/**
 * Elementwise functions on f32x4, emitted inline into a kernel (WebAssembly has no exp):
 *
 *   expm1(x) = 2ⁿ·q + (2ⁿ − 1),  n = round(x·log₂e),  r = x − n·ln2 (two-part ln2, Cody–Waite),
 *              q = e^r − 1 = r + r²·(1/2 + r/6 + r²/24 + … + r⁵/5040)   (|r| ≤ ln2/2: error < 2⁻²⁷)
 *   σ(z)     = 1 / (2 + expm1(−z)),        z clamped to [−87, 87] (2ⁿ stays a normal float)
 *   tanh(z)  = expm1(2z) / (expm1(2z) + 2), z clamped to [−9, 9] (tanh(±9) rounds to ±1)
 *
 * With n = 0 (|x| < 0.35), expm1 is q itself, so tanh keeps its relative precision near 0,
 * like the TypeScript kernels' expm1 form. n is rounded by adding 1.5·2²³ + 127 (the sum's
 * last bits are then n + 127) and 2ⁿ is those bits shifted into the exponent field: two
 * instructions where f32x4.nearest, a saturating conversion and an add took eight on x64.
 * The clamps use f32x4.pmin/pmax (one minps/maxps each; f32x4.min/max are six with their NaN
 * and ±0 rules), ordered so that a NaN argument still comes out NaN.
 *
 * The constants are read from mutable v128 globals (MATH_GLOBALS, declared by the module in
 * that order) rather than v128.const: TurboFan rematerialized every v128.const at each use
 * inside the loops, three instructions each (movq, punpcklqdq), about 200 instructions per
 * f32x4 of LSTM gates.
 */
import type { FunctionBody } from './emitter.js';
import { Op, Simd, V128 } from './opcodes.js';

const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375; // few bits: n·LN2_HI is exact
const LN2_LO = -2.12194440e-4; // ln2 − LN2_HI
const ROUND = 12582912 + 127; // 1.5·2²³ + 127: x + ROUND rounds x to an integer, bits n + 127 at the bottom
const TAYLOR = [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];

/** The values of the module's v128 globals 0…, each splat over four f32 lanes. */
export const MATH_GLOBALS: readonly number[] = [LOG2E, -LOG2E, ROUND, LN2_HI, -LN2_HI, LN2_LO, ...TAYLOR, 1, 2, 87, -87, 9, -9];

/** Pushes the global holding `value` (one of MATH_GLOBALS). */
function constant(f: FunctionBody, value: number): void {
  const i = MATH_GLOBALS.indexOf(value);
  if (i < 0) throw new Error(`math-simd: ${value} is not in MATH_GLOBALS`);
  f.op(Op.globalGet, i);
}

/** Scratch v128 locals the functions below share (declare once per kernel). */
export interface MathLocals { x: number; n: number; r: number; q: number }

export function mathLocals(f: FunctionBody): MathLocals {
  return { x: f.local(V128), n: f.local(V128), r: f.local(V128), q: f.local(V128) };
}

/**
 * [z] → [expm1(sign·z)] for sign·z already in [−87, 87]: sign −1 computes expm1(−z) with the
 * same roundings as negating first (n·(−ln2_hi) − z is −z − n·ln2_hi exactly).
 */
function expm1(f: FunctionBody, m: MathLocals, sign: 1 | -1): void {
  f.set(m.x);
  // j = round(sign·z·log₂e) + ROUND (in m.r for now), n = j − ROUND
  f.get(m.x); constant(f, sign * LOG2E); f.simd(Simd.f32x4Mul); constant(f, ROUND); f.simd(Simd.f32x4Add).set(m.r);
  f.get(m.r); constant(f, ROUND); f.simd(Simd.f32x4Sub).set(m.n);
  // s = 2ⁿ: the bits of j shifted left by 23 are (n + 127) << 23
  f.get(m.r).i32(23).simd(Simd.i32x4Shl).set(m.q);
  // r = sign·z − n·LN2_HI − n·LN2_LO
  if (sign > 0) { f.get(m.x).get(m.n); constant(f, LN2_HI); f.simd(Simd.f32x4Mul).simd(Simd.f32x4Sub); }
  else { f.get(m.n); constant(f, -LN2_HI); f.simd(Simd.f32x4Mul).get(m.x).simd(Simd.f32x4Sub); }
  f.get(m.n); constant(f, LN2_LO); f.simd(Simd.f32x4Mul).simd(Simd.f32x4Sub).set(m.r);
  // s·q + (s − 1), q = r + r²·P(r) with P by Horner from the highest coefficient
  f.get(m.q);
  constant(f, TAYLOR[TAYLOR.length - 1]);
  for (let i = TAYLOR.length - 2; i >= 0; i--) { f.get(m.r).simd(Simd.f32x4Mul); constant(f, TAYLOR[i]); f.simd(Simd.f32x4Add); }
  f.get(m.r).get(m.r).simd(Simd.f32x4Mul).simd(Simd.f32x4Mul).get(m.r).simd(Simd.f32x4Add);
  f.simd(Simd.f32x4Mul).get(m.q); constant(f, 1); f.simd(Simd.f32x4Sub).simd(Simd.f32x4Add);
}

/** [x] → [x clamped to [−limit, limit]]; NaN stays NaN. */
function clamp(f: FunctionBody, limit: number): void {
  constant(f, limit); f.simd(Simd.f32x4Pmin);
  constant(f, -limit); f.simd(Simd.f32x4Pmax);
}

/** [z] → [σ(z)]. */
export function sigmoid(f: FunctionBody, m: MathLocals): void {
  clamp(f, 87);
  expm1(f, m, -1);
  f.set(m.q); constant(f, 1); f.get(m.q); constant(f, 2); f.simd(Simd.f32x4Add).simd(Simd.f32x4Div);
}

/** [z] → [tanh(z)]. */
export function tanh(f: FunctionBody, m: MathLocals): void {
  clamp(f, 9);
  constant(f, 2); f.simd(Simd.f32x4Mul);
  expm1(f, m, 1);
  f.set(m.q).get(m.q).get(m.q); constant(f, 2); f.simd(Simd.f32x4Add).simd(Simd.f32x4Div);
}
