/**
 * The WebAssembly instructions the kernels use, by name, with their binary encodings
 * (WebAssembly core specification §5.4; SIMD instructions follow the 0xFD prefix, their
 * number is a LEB128 u32). Only what the generators emit is listed.
 */

/** Value types. */
export const enum ValType { i32 = 0x7f, f32 = 0x7d, v128 = 0x7b }
export const I32 = ValType.i32, F32 = ValType.f32, V128 = ValType.v128;

/** Single-byte instructions. */
export const enum Op {
  block = 0x02, loop = 0x03, if = 0x04, else = 0x05, end = 0x0b, br = 0x0c, brIf = 0x0d,
  return = 0x0f, call = 0x10, drop = 0x1a, localGet = 0x20, localSet = 0x21, localTee = 0x22,
  globalGet = 0x23,
  f32Load = 0x2a, f32Store = 0x38, i32Const = 0x41, i32Eqz = 0x45, i32Eq = 0x46, i32Ne = 0x47,
  i32LtS = 0x48, i32GtS = 0x4a, i32LeS = 0x4c, i32GeS = 0x4e, i32Add = 0x6a, i32Sub = 0x6b,
  i32Mul = 0x6c, i32RemU = 0x70, i32And = 0x71, i32Shl = 0x74, i32ShrS = 0x75, f32Add = 0x92,
  f32Mul = 0x94,
}

/** SIMD instructions (emitted as 0xFD, then the number as LEB128). */
export const enum Simd {
  v128Load = 0x00, v128Load32Splat = 0x09, v128Store = 0x0b, v128Const = 0x0c, i32x4Splat = 0x11,
  f32x4Splat = 0x13, f32x4Nearest = 0x6a, i32x4Shl = 0xab, i32x4Add = 0xae, f32x4Neg = 0xe1,
  f32x4Add = 0xe4, f32x4Sub = 0xe5, f32x4Mul = 0xe6, f32x4Div = 0xe7, f32x4Min = 0xe8,
  f32x4Max = 0xe9, f32x4Pmin = 0xea, f32x4Pmax = 0xeb, i32x4TruncSatF32x4S = 0xf8, v128Xor = 0x51,
}

/** Block type of a block, loop or if that leaves nothing on the stack. */
export const enum BlockType { void = 0x40 }
export const VOID = BlockType.void;
/** Section ids, in the order they must appear. */
export const enum Section { type = 1, import = 2, function = 3, memory = 5, global = 6, export = 7, code = 10 }
/** Export kinds. */
export const enum ExportKind { func = 0, memory = 2 }
