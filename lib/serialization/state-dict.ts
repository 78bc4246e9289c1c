/**
 * State dicts: a model's parameters as a map from name to tensor, the unit both file formats
 * (safetensors.ts, json.ts) read and write; format-rules.ts holds what a file's names, shapes
 * and metadata may be.
 */
import { type Param } from '../param.js';
import { type Tensor, formatShape } from '../tensor.js';
import { checkBoolean, checkDataLength, checkOptions, describe, isFloatArray, sameShape, shapeText } from '../validate.js';
import { checkMap, checkTensorEntry, quote } from './format-rules.js';
import { type NameMapping, checkNameMapping, formatNameMapping, inferNameMapping, renameAll } from './name-mapping.js';

export type { NameMapping } from './name-mapping.js';

/** Options of stateDictOf. */
export interface StateDictOfOptions {
  /** Names to write instead of the parameters' own (see NameMapping), e.g. PyTorch's module names. */
  mapping?: NameMapping;
}

/** Options of loadStateDict. */
export interface LoadStateDictOptions {
  /** Refuse tensors that are no parameter's (default true). Missing tensors are always an error. */
  strict?: boolean;
  /** How the file's names become the parameters' names (see NameMapping), e.g. `{ 'lstm.': '', 'fc.': 'head.' }`. */
  mapping?: NameMapping;
}

/**
 * Returns views of the parameters' values as a state dict: `name → {data: value, shape}`.
 * Nothing is copied, so the map sees later training steps; encode it to snapshot it.
 * `mapping` renames them, e.g. to the names a PyTorch module expects:
 * `stateDictOf(model.params, { mapping: { 'lstm.': '', 'fc.': 'head.' } })` writes
 * `lstm.weight_ih_l0`, …, `fc.weight`, `fc.bias`.
 */
export function stateDictOf(params: readonly Param[], options: StateDictOfOptions = {}): Map<string, Tensor> {
  const op = 'stateDictOf';
  checkParams(op, params);
  checkOptions(op, options, ['mapping']);
  const dict = new Map(params.map((p): [string, Tensor] => [p.name, { data: p.value, shape: p.shape.slice() }]));
  return options.mapping === undefined ? dict : renameAll(op, checkNameMapping(op, options.mapping), dict, false);
}

/**
 * Copies a state dict into the parameters' values, all or nothing.
 *
 * Everything is checked before the first value is written: every parameter has a tensor of
 * that name, the same shape, a Float32Array or Float64Array of the right length, and (when a
 * float64 tensor goes into a float32 parameter) no finite value beyond the float32 range.
 * Float64 into float32 is allowed and rounds each value to the nearest float32; float32 into
 * float64 is exact. A tensor for no parameter is an error when `strict` (the default) and is
 * ignored otherwise; a missing tensor is always an error. If any check fails, every parameter
 * is left bit-identical.
 *
 * `mapping` turns the file's names into the parameters' (see NameMapping): a PyTorch module
 * with `self.lstm` and `self.fc` loads with `{ mapping: { 'lstm.': '', 'fc.': 'head.' } }`.
 * When names do not match and prefix rules would make them match, the error shows them.
 */
export function loadStateDict(
  params: readonly Param[],
  tensors: ReadonlyMap<string, Tensor>,
  options: LoadStateDictOptions = {},
): void {
  const op = 'loadStateDict';
  checkParams(op, params);
  checkMap(op, tensors);
  checkOptions(op, options, ['strict', 'mapping']);
  const strict = options.strict === undefined ? true : checkBoolean(op, 'options.strict', options.strict);
  if (options.mapping !== undefined) tensors = renameAll(op, checkNameMapping(op, options.mapping), tensors, true);
  copyStateDict(params, tensors, strict, mappingHint);
}

/** What options.mapping would make every name match, as a hint for the error; '' when none would. */
function mappingHint(extra: readonly string[], missing: readonly string[]): string {
  const fit = inferNameMapping(extra, missing);
  return fit ? ` (options.mapping ${formatNameMapping(fit)} would match every name)` : '';
}

/**
 * loadStateDict after its options: checks, then copies, all or nothing. loadCheckpoint calls it
 * directly, so that reading a checkpoint does not bring in the name mapping. Internal.
 */
export function copyStateDict(
  params: readonly Param[], tensors: ReadonlyMap<string, Tensor>, strict: boolean,
  hint?: (extra: readonly string[], missing: readonly string[]) => string,
): void {
  const op = 'loadStateDict';
  const sources = checkStateDictFits(op, params, tensors, strict, '', hint).map(({ data }, i) => {
    const p = params[i], what = `tensor ${quote(p.name)}`;
    checkDataLength(op, what, data, p.shape);
    checkDataLength(op, `parameter ${quote(p.name)} value`, p.value, p.shape);
    // a finite float64 that a float32 parameter would turn into ±Infinity
    const j = data instanceof Float64Array && p.value instanceof Float32Array ? data.findIndex((x) => Number.isFinite(x) && !Number.isFinite(Math.fround(x))) : -1;
    if (j >= 0) throw new RangeError(`${op}: ${what} entry ${j} = ${data[j]} (float64) is beyond the float32 range`);
    return data;
  });

  // Every check passed: nothing below can throw, so the load is all or nothing.
  params.forEach((p, i) => {
    if (sources[i] !== p.value) p.value.set(sources[i]);
  });
}

/**
 * Checks that `tensors` holds, for each of `params`, a tensor of that name and shape with
 * Float32Array or Float64Array data, and (when `strict`) nothing else; returns them in the
 * order of `params`. `where` places the model in messages (loadCheckpoint checks the shapes
 * a file's model options imply before building that model). Internal.
 */
export function checkStateDictFits(
  op: string, params: readonly { name: string; shape: readonly number[] }[], tensors: ReadonlyMap<string, unknown>, strict: boolean, where = '',
  hint?: (extra: readonly string[], missing: readonly string[]) => string,
): Tensor[] {
  const wanted = new Set(params.map((p) => p.name));
  const missing = params.filter((p) => !tensors.has(p.name)).map((p) => p.name);
  const extra = [...tensors.keys()].filter((name) => !wanted.has(name));
  const unexpected = strict ? extra : [];
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [missing.length && `missing ${listNames(missing)}`, unexpected.length && `unexpected ${listNames(unexpected)}`].filter(Boolean);
    // a hint only where the caller can act on it (loadCheckpoint's names come from its own writer)
    let why = '';
    if (!where && missing.length > 0) why = hint ? hint(extra, missing) : '';
    else if (!where) why = ' (strict: false ignores them)';
    throw new RangeError(`${op}: the state dict does not match the model's ${params.length} parameters${where}: ${parts.join('; ')}${why}`);
  }
  return params.map((p) => {
    const what = `tensor ${quote(p.name)}`;
    const t = checkTensorEntry(op, what, tensors.get(p.name));
    if (!sameShape(t.shape, p.shape)) throw new RangeError(`${op}: ${what} has shape ${shapeText(t.shape)} but the model${where} expects ${formatShape(p.shape)}`);
    return t;
  });
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).map(quote).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

function checkParams(op: string, params: readonly Param[]): void {
  if (!Array.isArray(params)) throw new TypeError(`${op}: params must be an array of Param, got ${describe(params)}`);
  const seen = new Set<string>();
  for (const p of params) {
    if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || !isFloatArray(p.value)) {
      throw new TypeError(`${op}: params must hold Param objects {name, shape, value, grad}, got ${describe(p)}`);
    }
    if (seen.has(p.name)) throw new RangeError(`${op}: two parameters are named ${quote(p.name)}`);
    seen.add(p.name);
  }
}
