/**
 * Shared by the reliability tests: exact error assertions, byte snapshots of every buffer an
 * object owns (parameter values, gradients, optimizer state), and FNV-1a hashes of bytes.
 */
import { expect } from 'chai';
import type { Optimizer } from '../../lib/optimizers/optimizer.js';
import type { Param } from '../../lib/param.js';
import type { FloatArray } from '../../lib/tensor.js';

export type ErrorClass = typeof Error | typeof TypeError | typeof RangeError | typeof SyntaxError;

/**
 * Calls f and asserts it throws an instance of exactly `cls` (not a subclass or sibling) whose
 * message contains every part. Returns the error.
 */
export function expectError(f: () => unknown, cls: ErrorClass, parts: readonly string[], label = ''): Error {
  let caught: unknown = undefined;
  let threw = false;
  try {
    f();
  } catch (e) {
    threw = true;
    caught = e;
  }
  const where = label ? `${label}: ` : '';
  expect(threw, `${where}no error was thrown`).to.equal(true);
  expect(caught, `${where}threw a non-Error: ${String(caught)}`).to.be.instanceOf(Error);
  const err = caught as Error;
  expect(err.constructor.name, `${where}class of "${err.message}"`).to.equal(cls.name);
  for (const p of parts) expect(err.message, `${where}message`).to.include(p);
  return err;
}

/** A Uint8Array view of a typed array's own bytes (no copy). */
export function bytesOf(a: FloatArray | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The optimizer's own state arrays (the storage itself, not getState's copies). */
export function optimizerBuffers(o: Optimizer): FloatArray[] {
  const arrays = (o as unknown as { bufferArrays?: readonly FloatArray[][] }).bufferArrays;
  if (!arrays) throw new TypeError('optimizerBuffers: not an OptimizerBase (no bufferArrays)');
  return arrays.flat();
}

/** Something whose buffers a snapshot covers. */
export interface Watched {
  label: string;
  params?: readonly Param[];
  optimizer?: Optimizer;
  /** Other arrays to watch (a StateCarry's h and c, say). */
  arrays?: readonly FloatArray[];
  /** Plain numbers to watch (step counts). */
  numbers?: () => number[];
}

/** Byte copies of every watched buffer, keyed by a readable name. */
export function snapshot(watched: readonly Watched[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const put = (key: string, a: FloatArray) => out.set(key, bytesOf(a).slice());
  for (const w of watched) {
    w.params?.forEach((p) => {
      put(`${w.label}.${p.name}.value`, p.value);
      put(`${w.label}.${p.name}.grad`, p.grad);
    });
    if (w.optimizer) {
      optimizerBuffers(w.optimizer).forEach((b, i) => put(`${w.label}.optimizer.buffer[${i}]`, b));
      put(`${w.label}.optimizer.stepCount`, Float64Array.of(w.optimizer.stepCount));
    }
    w.arrays?.forEach((a, i) => put(`${w.label}.array[${i}]`, a));
    if (w.numbers) put(`${w.label}.numbers`, Float64Array.from(w.numbers()));
  }
  return out;
}

/** Names of the snapshot entries whose bytes differ between two snapshots. */
export function changedEntries(before: Map<string, Uint8Array>, after: Map<string, Uint8Array>): string[] {
  const changed: string[] = [];
  for (const [key, a] of before) {
    const b = after.get(key);
    if (!b || b.length !== a.length || a.some((x, i) => x !== b[i])) changed.push(key);
  }
  return changed;
}

/** 32-bit FNV-1a of bytes, as 8 hex digits. */
export function fnv1a(bytes: Uint8Array, h = 0x811c9dc5): string {
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Hash of every parameter value's bytes, in order. */
export function hashParams(params: readonly Param[]): string {
  let h = 0x811c9dc5;
  for (const p of params) h = parseInt(fnv1a(bytesOf(p.value), h), 16);
  return h.toString(16).padStart(8, '0');
}

/** True when two arrays hold the same bytes (NaN payloads and -0 included). */
export function sameBytes(a: FloatArray, b: FloatArray): boolean {
  const x = bytesOf(a), y = bytesOf(b);
  if (a.constructor !== b.constructor || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
