/**
 * Boundary checks. Each throws an Error that names the operation, the operand, what was
 * expected and what was got: RangeError for sizes and shapes, TypeError for kinds.
 * These run once per public call, never inside inner loops.
 */
import { type DType, type FloatArray, MAX_BUFFER_BYTES, type Tensor, formatShape, sizeOf } from './tensor.js';

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

/**
 * Checks token ids {data, shape}: two positive sizes laid out as `layout` (e.g. `[T, B]`), data
 * of that length, every id in [0, V). Returns the shape's two sizes.
 */
export function checkTokenIds(op: string, name: string, t: unknown, V: number, layout: string): [number, number] {
  const { data, shape } = checkTensorLike<{ data: ArrayLike<number>; shape: unknown }>(op, name, t);
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`${op}: ${name} must be token ids of shape ${layout} with positive sizes, got ${shapeText(shape)}`);
  }
  checkDataLength(op, name, data, shape);
  checkIndices(op, name, data, V, 'token');
  return [shape[0], shape[1]];
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

/**
 * Checks, before allocating, that a buffer of `shape` and `dtype` fits in MAX_BUFFER_BYTES:
 * `GRU: weight_ih_l0 [3000000000, 4] would take 48000000000 bytes as float32, more than the
 * 2147483648-byte limit of one buffer`.
 */
export function checkBufferSize(op: string, name: string, shape: readonly number[], dtype: DType): void {
  const bytes = sizeOf(shape) * (dtype === 'float64' ? 8 : 4);
  if (bytes > MAX_BUFFER_BYTES) {
    throw new RangeError(`${op}: ${name} ${formatShape(shape)} would take ${bytes} bytes as ${dtype}, more than the ${MAX_BUFFER_BYTES}-byte limit of one buffer`);
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
 * naming the first other key, listing the accepted ones and, when one is close in spelling,
 * suggesting it: `…; the keys are "lr", "betas", "eps", "amsgrad" (did you mean "betas"?)`.
 */
export function checkKeys(op: string, where: string, obj: object, keys: readonly string[], E: new (message: string) => Error = TypeError): void {
  for (const k of Object.keys(obj)) {
    if (keys.includes(k)) continue;
    const near = closestKey(k, keys);
    throw new E(`${op}: ${where} has an unknown key ${describe(k)}; the keys are ${keys.map((c) => `"${c}"`).join(', ') || 'none'}${near === null ? '' : ` (did you mean "${near}"?)`}`);
  }
}

/**
 * Checks an options object at a constructor or function boundary: an object (not null, not
 * an array) whose own keys are all in `knownKeys`. A misspelt key names the closest known one,
 *
 *     SequenceModel: options has unknown key "topolgy" (did you mean "topology"?)
 *
 * and a key close to none lists them all. TypeError either way (a wrong kind of option).
 * `undefined` stands for "no options" when `optional`. Returns the object.
 */
export function checkOptions<T extends object>(op: string, options: T | undefined, knownKeys: readonly string[], optional = false, where = 'options'): T {
  if (options === undefined && optional) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: ${where} must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (knownKeys.includes(k)) continue;
    const near = closestKey(k, knownKeys);
    const hint = near !== null ? ` (did you mean "${near}"?)` : `; the keys are ${knownKeys.map((c) => `"${c}"`).join(', ') || 'none'}`;
    throw new TypeError(`${op}: ${where} has unknown key ${describe(k)}${hint}`);
  }
  return options;
}

/**
 * The known key closest in spelling to `key`, or null when none is close. Keys are compared
 * without case and underscores (so `clipnorm` and `lr_decay` find `clipNorm` and `lrDecay`),
 * by edit distance with adjacent transpositions; close means at most a third of the longer
 * name's letters differ (at least one). Ties go to the key listed first.
 */
export function closestKey(key: string, knownKeys: readonly string[]): string | null {
  const fold = (s: string) => s.toLowerCase().replace(/_/g, '');
  const a = fold(key);
  let best: string | null = null, bestDistance = Infinity;
  for (const k of knownKeys) {
    const b = fold(k);
    const d = editDistance(a, b);
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(a.length, b.length) / 3))) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance (insertions, deletions, substitutions, adjacent transpositions) between a and b. */
export function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  // rows i−2, i−1 and i of the dynamic programme, each n + 1 long
  let before = new Array<number>(n + 1).fill(0), previous = Array.from({ length: n + 1 }, (_, j) => j), row = new Array<number>(n + 1);
  for (let i = 1; i <= m; i++) {
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
    }
    [before, previous, row] = [previous, row, before];
  }
  return previous[n];
}

/** Checks that `value` is a plain object (not null, not an array); `expected` words the message. */
export function checkRecord(op: string, what: string, value: unknown, expected = 'an object'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${op}: ${what} must be ${expected}, got ${describe(value)}`);
  return value as Record<string, unknown>;
}
