/**
 * Name mappings between a file's tensor names and a model's parameter names, so a PyTorch
 * state dict loads as it is and rnnkit can write one PyTorch loads as it is:
 *
 *     class Net(nn.Module):                      rnnkit SequenceModel
 *       self.lstm = nn.LSTM(...)   lstm.weight_ih_l0   ↔  weight_ih_l0
 *       self.fc = nn.Linear(...)   fc.weight           ↔  head.weight
 *
 *     loadStateDict(model.params, tensors, { mapping: { 'lstm.': '', 'fc.': 'head.' } });
 *     stateDictOf(model.params, { mapping: { 'lstm.': '', 'fc.': 'head.' } });   // PyTorch's names
 *
 * Prefix rules read "file prefix → model prefix". Loading, a file name takes the rule with the
 * longest matching file prefix; writing, a parameter name takes the rule with the longest
 * matching model prefix (so `head.` beats `''`). Names no rule matches stay as they are. A
 * function instead maps one name: loadStateDict calls it with a file name and wants the
 * parameter's name; stateDictOf calls it with a parameter's name and wants the file's.
 */
import { checkRecord, describe } from '../validate.js';
import { quote } from './format-rules.js';

/** Prefix rules `{ filePrefix: modelPrefix }`, or a function from one name to the other. */
export type NameMapping = Readonly<Record<string, string>> | ((name: string) => string);

/** Checks a mapping: prefix rules of string values, or a function. Internal. */
export function checkNameMapping(op: string, mapping: unknown): NameMapping {
  if (typeof mapping === 'function') return mapping as (name: string) => string;
  const rules = checkRecord(op, 'options.mapping', mapping, 'prefix rules {filePrefix: modelPrefix} or a function');
  for (const [from, to] of Object.entries(rules)) {
    if (typeof to !== 'string') throw new TypeError(`${op}: options.mapping[${quote(from)}] must be a string (the prefix that replaces it), got ${describe(to)}`);
  }
  const targets = Object.values(rules);
  const twice = targets.find((t, i) => targets.indexOf(t) !== i) as string | undefined;
  if (twice !== undefined) throw new RangeError(`${op}: options.mapping maps two prefixes to ${quote(twice)}, so names could not be mapped back`);
  return rules as Record<string, string>;
}

/**
 * Renames `name` through `mapping`: `toModel` true maps a file name to a parameter's name
 * (loading), false a parameter's name to a file name (writing). Internal.
 */
export function mapName(op: string, mapping: NameMapping, name: string, toModel: boolean): string {
  if (typeof mapping === 'function') {
    const out: unknown = mapping(name);
    if (typeof out !== 'string') throw new TypeError(`${op}: options.mapping(${quote(name)}) must return a string, got ${describe(out)}`);
    return out;
  }
  let best: [string, string] | null = null;
  for (const [file, model] of Object.entries(mapping)) {
    const [from, to] = toModel ? [file, model] : [model, file];
    if (name.startsWith(from) && (best === null || from.length > best[0].length)) best = [from, to];
  }
  return best === null ? name : best[1] + name.slice(best[0].length);
}

/**
 * Renames every key of `entries` through `mapping`; two names becoming one is an error naming
 * both. Internal.
 */
export function renameAll<T>(op: string, mapping: NameMapping, entries: Iterable<[string, T]>, toModel: boolean): Map<string, T> {
  const out = new Map<string, T>(), source = new Map<string, string>();
  for (const [name, value] of entries) {
    const mapped = mapName(op, mapping, name, toModel);
    const other = source.get(mapped);
    if (other !== undefined) throw new RangeError(`${op}: options.mapping turns both ${quote(other)} and ${quote(name)} into ${quote(mapped)}`);
    source.set(mapped, name);
    out.set(mapped, value);
  }
  return out;
}

/**
 * The prefix rules that turn exactly the `unexpected` names into exactly the `missing` ones,
 * or null when no such rules exist. Each unexpected name is paired with the missing name that
 * shares the most trailing dot-separated segments; what precedes them gives a rule
 * (`lstm.weight_ih_l0` / `weight_ih_l0` → `'lstm.': ''`, `fc.weight` / `head.weight` →
 * `'fc.': 'head.'`). Internal: the hint of a failed load.
 */
export function inferNameMapping(unexpected: readonly string[], missing: readonly string[]): Record<string, string> | null {
  if (unexpected.length === 0 || unexpected.length !== missing.length) return null;
  const segments = missing.map((m) => m.split('.'));
  const rules = new Map<string, string>();
  for (const u of unexpected) {
    const us = u.split('.');
    let best = -1, shared = 0;
    segments.forEach((ms, i) => {
      let k = 0;
      while (k < us.length && k < ms.length && us[us.length - 1 - k] === ms[ms.length - 1 - k]) k++;
      if (k > shared) { best = i; shared = k; }
    });
    if (best < 0) return null;
    const prefix = (parts: string[], keep: number) => parts.slice(0, parts.length - keep).map((p) => p + '.').join('');
    const from = prefix(us, shared), to = prefix(segments[best], shared);
    if (rules.has(from) && rules.get(from) !== to) return null;
    rules.set(from, to);
  }
  const mapping = Object.fromEntries(rules);
  // the rules must reproduce the missing names exactly (longest prefix first, as loading does)
  const mapped = new Set(unexpected.map((u) => mapName('', mapping, u, true)));
  return mapped.size === missing.length && missing.every((m) => mapped.has(m)) ? mapping : null;
}

/** `{ 'lstm.': '', 'fc.': 'head.' }`, as a hint prints it. */
export function formatNameMapping(mapping: Readonly<Record<string, string>>): string {
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `{ ${Object.entries(mapping).map(([from, to]) => `${q(from)}: ${q(to)}`).join(', ')} }`;
}
