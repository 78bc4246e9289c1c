/**
 * Regions of a WebAssembly memory handed out by byte offset: a bump pointer plus a free list.
 * The memory grows (memory.grow) only when no free region fits, which happens while the
 * first products of each size are seen (warm-up), never in a steady state. A grow replaces
 * memory.buffer, so `f32` is re-made after it; nothing outside this module holds a view of
 * wasm memory, and results always go back into the caller's own arrays.
 */

/** The part of WebAssembly.Memory used here (lib targets ES2020 without DOM types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export class Arena {
  /** All of wasm memory as f32 entries (re-made after each grow). */
  f32: Float32Array;
  private top: number;
  private readonly free: { off: number; bytes: number }[] = [];
  /** memory.grow calls so far (tests check it stays put after warm-up). */
  grows = 0;

  constructor(readonly memory: WasmMemory) {
    this.f32 = new Float32Array(memory.buffer);
    this.top = 64; // keep address 0 unused
  }

  /** A region of at least `bytes` bytes, 16-byte aligned; returns its byte offset. */
  alloc(bytes: number): number {
    bytes = (bytes + 15) & ~15;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const r = this.free[i];
      if (r.bytes >= bytes && (best < 0 || r.bytes < this.free[best].bytes)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0].off;
    const off = this.top;
    this.top += bytes;
    const have = this.memory.buffer.byteLength;
    if (this.top > have) {
      this.memory.grow(Math.ceil((this.top - have) / 65536));
      this.f32 = new Float32Array(this.memory.buffer);
      this.grows++;
    }
    return off;
  }

  /**
   * Makes the region at `off` (of `bytes`) hold `newBytes`: in place when it is the topmost
   * region (its contents stay), else a new region (contents not copied). Returns its offset.
   */
  resize(off: number, bytes: number, newBytes: number): number {
    if (off + ((bytes + 15) & ~15) === this.top) {
      this.top = off;
      return this.alloc(newBytes);
    }
    if (bytes > 0) this.release(off, bytes);
    return this.alloc(newBytes);
  }

  /** Returns a region of `bytes` bytes (as asked of alloc) at `off` for reuse. */
  release(off: number, bytes: number): void {
    this.free.push({ off, bytes: (bytes + 15) & ~15 });
  }
}
