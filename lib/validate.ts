/**
 * Boundary checks. Each throws an Error that names the operation, the operand, what was
 * expected and what was got: RangeError for sizes and shapes, TypeError for kinds.
 * These run once per public call, never inside inner loops.
 */
import { type FloatArray, type Tensor, formatShape, sizeOf } from './tensor.js';

/** Checks that `value` is an integer ≥ min (default 1). */
export function checkInteger(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${name} must be an integer, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${op}: ${name} must be an integer, got ${describe(value)}`);
  if (value < min) throw new RangeError(`${op}: ${name} must be ≥ ${min}, got ${value}`);
  return value;
}

/** Checks that `value` is a finite number (optionally within [min, max]). */
export function checkNumber(op: string, name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${op}: ${name} must be a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${op}: ${name} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Checks that `value` is a boolean. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** Checks that `value` is an object (not null); returns it. */
export function checkObject<T = Record<string, unknown>>(op: string, name: string, value: unknown): T {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${op}: ${name} must be an object, got ${describe(value)}`);
  return value as T;
}

/** Checks that `value` is one of `choices`. */
export function checkChoice<T extends string>(op: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new TypeError(`${op}: ${name} must be one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Whether `x` is a Float32Array or Float64Array. */
export function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

/** Checks that `t` is an object with `data` and `shape`, the kind of a tensor; returns it. */
export function checkTensorLike<T = Tensor>(op: string, name: string, t: unknown): T {
  if (typeof t !== 'object' || t === null || !('data' in t) || !('shape' in t)) {
    throw new TypeError(`${op}: ${name} must be a tensor {data, shape}, got ${describe(t)}`);
  }
  return t as T;
}

/** Checks that `t` is a tensor {data, shape} with an array shape and Float32Array or Float64Array data. */
export function checkFloatTensor(op: string, name: string, t: unknown): Tensor {
  const { data, shape } = checkTensorLike(op, name, t);
  if (!isFloatArray(data)) throw new TypeError(`${op}: ${name}.data must be a Float32Array or Float64Array, got ${describe(data)}`);
  if (!Array.isArray(shape)) throw new TypeError(`${op}: ${name}.shape must be an array of sizes, got ${describe(shape)}`);
  return t as Tensor;
}

/**
 * Checks that `t` is a tensor of exactly `shape` whose data is a Float32Array or Float64Array
 * (and, when `finite`, holds no NaN or ±Infinity).
 */
export function checkTensor(op: string, name: string, t: unknown, shape: readonly number[], finite = false): Tensor {
  const { data, shape: got } = checkFloatTensor(op, name, t);
  if (!sameShape(got, shape)) throw new RangeError(`${op}: ${name} has shape ${formatShape(got)} but ${formatShape(shape)} was expected`);
  checkDataLength(op, name, data, shape);
  if (finite) checkFinite(op, name, data);
  return t as Tensor;
}

/** Checks that `data` holds exactly the entries `shape` calls for. */
export function checkDataLength(op: string, name: string, data: ArrayLike<number> | undefined, shape: readonly number[]): void {
  if (data?.length !== sizeOf(shape)) throw new RangeError(`${op}: ${name} has shape ${formatShape(shape)} but its data has ${data?.length} entries`);
}

/** Checks that `data` holds `kind` indices (integers) in [0, V). */
export function checkIndices(op: string, name: string, data: ArrayLike<number>, V: number, kind: string): void {
  for (let i = 0; i < data.length; i++) {
    const k = data[i];
    if (!Number.isInteger(k) || k < 0 || k >= V) throw new RangeError(`${op}: ${name}[${i}] must be a ${kind} index in [0, ${V - 1}], got ${describe(k)}`);
  }
}

/** Whether `got` is an array equal to `shape`. */
export function sameShape(got: unknown, shape: readonly unknown[]): boolean {
  return Array.isArray(got) && got.length === shape.length && got.every((d, i) => d === shape[i]);
}

/**
 * A shape for an error message (`[7, 2, 5]`, elided past 16 dimensions), or a description of
 * what stands in its place.
 */
export function shapeText(shape: unknown): string {
  if (!Array.isArray(shape)) return describe(shape);
  return shape.length > 16 ? `[${shape.slice(0, 8).join(', ')}, … ${shape.length - 8} more]` : formatShape(shape);
}

/** Checks that a typed array has exactly `length` entries. */
export function checkLength(op: string, name: string, data: FloatArray, length: number): void {
  if (data.length !== length) {
    throw new RangeError(`${op}: ${name} has ${data.length} entries but ${length} were expected`);
  }
}

/** Checks that every entry of `data` is finite; names the first offending index. */
export function checkFinite(op: string, name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`${op}: ${name} must be finite, but entry ${i} is ${data[i]}`);
    }
  }
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Runs `build`; a TypeError or RangeError it throws is rethrown (same class) under the
 * caller's operation name, so `new SequenceModel({hiddenSize: 0})` reports
 * "SequenceModel: hiddenSize …" rather than the inner "LSTM: hiddenSize …".
 */
export function asOperation<T>(op: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) {
      const message = e.message.replace(/^[\w.]+: /, `${op}: `);
      throw e instanceof RangeError ? new RangeError(message) : new TypeError(message);
    }
    throw e;
  }
}

/** Checks that `value` is a finite number > 0. */
export function checkPositive(op: string, name: string, value: unknown): number {
  const x = checkNumber(op, name, value);
  if (!(x > 0)) throw new RangeError(`${op}: ${name} must be a finite number > 0, got ${x}`);
  return x;
}

/**
 * Checks that every own key of `obj` is one of `keys`; throws `E` (TypeError unless given)
 * naming the first other key and listing the accepted ones.
 */
export function checkKeys(op: string, where: string, obj: object, keys: readonly string[], E: new (message: string) => Error = TypeError): void {
  for (const k of Object.keys(obj)) {
    if (!keys.includes(k)) throw new E(`${op}: ${where} has an unknown key ${describe(k)}; the keys are ${keys.map((c) => `"${c}"`).join(', ') || 'none'}`);
  }
}

/** Checks that `value` is a plain object (not null, not an array); `expected` words the message. */
export function checkRecord(op: string, what: string, value: unknown, expected = 'an object'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${op}: ${what} must be ${expected}, got ${describe(value)}`);
  return value as Record<string, unknown>;
}
