/**
 * The held-out split used when no --valid file is given: an example is held out when the
 * 32-bit FNV-1a hash of its key (the line's text, the sentence, the source) is 0 mod 10.
 * The rule depends on the example alone, not on the file's order or the seed, so the same
 * example is always on the same side, and duplicates never straddle the split.
 */

/** FNV-1a over the UTF-16 code units of s, as an unsigned 32-bit integer. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const SPLIT_RULE = 'held out: examples whose FNV-1a hash of the text is 0 mod 10';

/** True when the example with this key belongs to the held-out tenth (`modulus` 10) . */
export function heldOut(key: string, modulus = 10): boolean {
  return fnv1a(key) % modulus === 0;
}

/** Splits examples into [train, held out] by the hash of key(example). */
export function splitByHash<T>(examples: readonly T[], key: (e: T) => string, modulus = 10): [T[], T[]] {
  const train: T[] = [], valid: T[] = [];
  for (const e of examples) (heldOut(key(e), modulus) ? valid : train).push(e);
  return [train, valid];
}
