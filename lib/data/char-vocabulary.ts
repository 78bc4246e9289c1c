/**
 * A character vocabulary for character-level models: token k is the k-th distinct code point
 * of the text, in code-point order, so the same text always gives the same vocabulary.
 */
import { checkIndices, describe } from '../validate.js';

export class CharVocabulary {
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    const op = 'CharVocabulary';
    if (!Array.isArray(chars)) throw new TypeError(`${op}: chars must be a non-empty array of characters, got ${describe(chars)}`);
    if (chars.length === 0) throw new RangeError(`${op}: chars must be a non-empty array of characters, got ${describe(chars)}`);
    this.index = new Map();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) throw new TypeError(`${op}: chars[${i}] must be one character, got ${describe(c)}`);
      if (this.index.has(c)) throw new RangeError(`${op}: chars[${i}] ${JSON.stringify(c)} appears twice`);
      this.index.set(c, i);
    });
    this.chars = chars.slice();
  }

  /** The vocabulary of every distinct character in `text`. */
  static fromText(text: string): CharVocabulary {
    if (typeof text !== 'string') throw new TypeError(`CharVocabulary.fromText: text must be a non-empty string, got ${describe(text)}`);
    if (text.length === 0) throw new RangeError('CharVocabulary.fromText: text must be a non-empty string, got ""');
    return new CharVocabulary([...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  get size(): number {
    return this.chars.length;
  }

  /** Tokens of `text`; throws naming the first character the vocabulary lacks. */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new TypeError(`CharVocabulary.encode: text must be a string, got ${describe(text)}`);
    const chars = [...text];
    const out = new Int32Array(chars.length);
    for (let i = 0; i < chars.length; i++) {
      const k = this.index.get(chars[i]);
      if (k === undefined) {
        throw new RangeError(`CharVocabulary.encode: character ${JSON.stringify(chars[i])} at ${i} is not in the model's vocabulary of ${this.size}`);
      }
      out[i] = k;
    }
    return out;
  }

  decode(tokens: ArrayLike<number>): string {
    if (typeof tokens !== 'object' || tokens === null || typeof tokens.length !== 'number') {
      throw new TypeError(`CharVocabulary.decode: tokens must be an array of token indices, got ${describe(tokens)}`);
    }
    checkIndices('CharVocabulary.decode', 'tokens', tokens, this.size, 'token');
    let s = '';
    for (let i = 0; i < tokens.length; i++) s += this.chars[tokens[i]];
    return s;
  }
}
