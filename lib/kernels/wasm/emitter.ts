/**
 * A small WebAssembly binary emitter: enough to write the kernels as TypeScript that
 * assembles a module at first use (no toolchain, no prebuilt binary).
 *
 * Module layout (WebAssembly core specification §5.5): magic "\0asm", version 1, then the
 * sections type (one signature per function), function (its type index), memory (one memory
 * of `memoryPages` 64 KiB pages, owned by the module and exported as "memory"), export
 * (every function by its name) and code (each body: its locals, its instructions, `end`).
 * Integers are LEB128: unsigned for sizes and indices, signed for i32.const.
 */
import { ExportKind, Op, Section, Simd, VOID, ValType } from './opcodes.js';

/** Appends n as unsigned LEB128. */
export function uleb(out: number[], n: number): number[] {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Appends n (a 32-bit integer) as signed LEB128. */
export function sleb(out: number[], n: number): number[] {
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/**
 * The instructions of one function, written in stack order: `f.get(a).get(b).op(Op.i32Add)`.
 * Parameters are locals 0…params−1; `local(type)` declares one more and returns its index.
 */
export class FunctionBody {
  readonly code: number[] = [];
  readonly locals: number[] = [];

  constructor(readonly name: string, readonly params: number[], readonly results: number[]) {}

  /** Declares a local of the given value type; returns its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(i: number): this { return this.op(Op.localGet, i); }
  set(i: number): this { return this.op(Op.localSet, i); }
  tee(i: number): this { return this.op(Op.localTee, i); }
  i32(n: number): this { this.code.push(Op.i32Const); sleb(this.code, n); return this; }

  /** A scalar load/store with its memarg: log2 alignment, then a constant byte offset. */
  mem(opcode: number, offset = 0, alignLog2 = 2): this {
    this.code.push(opcode, alignLog2);
    uleb(this.code, offset);
    return this;
  }

  /** A SIMD instruction; loads and stores take a memarg (`offset` in bytes, alignment 4). */
  simd(opcode: number, offset?: number, alignLog2 = 2): this {
    this.code.push(0xfd);
    uleb(this.code, opcode);
    if (offset !== undefined) {
      this.code.push(alignLog2);
      uleb(this.code, offset);
    }
    return this;
  }

  /** v128.const with the same float32 value in all four lanes. */
  f32x4(value: number): this {
    const bytes = new Uint8Array(new Float32Array([value, value, value, value]).buffer); // little-endian hosts only, as wasm memory
    this.simd(Simd.v128Const);
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** v128.load from the address on the stack plus offset. */
  load128(offset = 0): this { return this.simd(Simd.v128Load, offset); }
  /** v128.store of (address, value) on the stack, at address plus offset. */
  store128(offset = 0): this { return this.simd(Simd.v128Store, offset); }

  /** i = i + by (i32 locals). */
  addTo(i: number, by: number): this {
    return this.get(i).i32(by).op(Op.i32Add).set(i);
  }

  /**
   * `for (; i < n; i += step) { body }` with i an i32 local that the caller initialises; n
   * a local. Emitted as block { loop { br_if exit (i ≥ n); body; i += step; br loop } }.
   */
  forUpTo(i: number, n: number, step: number, body: () => void): this {
    this.op(Op.block, VOID, Op.loop, VOID);
    this.get(i).get(n).op(Op.i32GeS, Op.brIf, 1);
    body();
    this.addTo(i, step).op(Op.br, 0, Op.end, Op.end);
    return this;
  }
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

function vector(items: number[][]): number[] {
  const out = uleb([], items.length);
  for (const item of items) for (const b of item) out.push(b);
  return out;
}

function name(s: string): number[] {
  const out = uleb([], s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i)); // ASCII names only
  return out;
}

/**
 * Assembles a module owning one exported memory ("memory", `memoryPages` pages) and exporting
 * every function by name. `globals`: mutable v128 globals, global i holding globals[i] in all
 * four f32 lanes (read with `global.get i`).
 */
export function assembleModule(functions: FunctionBody[], memoryPages: number, globals: readonly number[] = []): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, Section.type, vector(functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))])));
  section(out, Section.function, vector(functions.map((_, i) => uleb([], i))));
  section(out, Section.memory, vector([[0x00, ...uleb([], memoryPages)]]));
  if (globals.length > 0) {
    section(out, Section.global, vector(globals.map((value) => {
      const init = new FunctionBody('', [], []).f32x4(value).code;
      return [ValType.v128, 0x01, ...init, Op.end];
    })));
  }
  section(out, Section.export, vector([
    [...name('memory'), ExportKind.memory, 0],
    ...functions.map((f, i) => [...name(f.name), ExportKind.func, ...uleb([], i)]),
  ]));
  section(out, Section.code, vector(functions.map((f) => {
    // locals: runs of (count, type)
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vector(runs.map(([n, t]) => [...uleb([], n), t])), ...f.code, Op.end];
    return [...uleb([], body.length), ...body];
  })));
  return Uint8Array.from(out);
}
