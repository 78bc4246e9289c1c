/**
 * A token vocabulary with special symbols first (padding, unknown, start, end as the task
 * needs), then the symbols seen in training, most frequent first (ties in code-point order),
 * so the same data always gives the same ids. Symbols never seen in training map to the
 * unknown token, and an `UnknownCounter` counts them for the summary.
 */
import { UsageError } from '../args.js';

export const PAD = '<pad>', UNK = '<unk>', START = '<s>', END = '</s>';

export interface UnknownCounter {
  /** Symbols mapped to the unknown token. */
  tokens: number;
  /** Distinct such symbols. */
  distinct: Set<string>;
}

export function unknownCounter(): UnknownCounter {
  return { tokens: 0, distinct: new Set() };
}

export class Vocabulary {
  readonly symbols: readonly string[];
  private readonly index = new Map<string, number>();
  /** The unknown token's id, or −1 when the vocabulary has none. */
  readonly unk: number;

  constructor(symbols: readonly string[]) {
    symbols.forEach((s, i) => {
      if (this.index.has(s)) throw new RangeError(`Vocabulary: the symbol ${JSON.stringify(s)} appears twice`);
      this.index.set(s, i);
    });
    this.symbols = symbols.slice();
    this.unk = this.index.get(UNK) ?? -1;
  }

  /** specials, then every symbol of `sequences` seen at least minCount times, most frequent first. */
  static build(specials: readonly string[], sequences: Iterable<readonly string[]>, minCount = 1, maxSize = Infinity): Vocabulary {
    const counts = new Map<string, number>();
    for (const seq of sequences) for (const s of seq) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const s of specials) counts.delete(s);
    const kept = [...counts].filter(([, n]) => n >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, Math.max(0, maxSize - specials.length)).map(([s]) => s);
    return new Vocabulary([...specials, ...kept]);
  }

  get size(): number {
    return this.symbols.length;
  }

  has(symbol: string): boolean {
    return this.index.has(symbol);
  }

  /** The id of a symbol, the unknown token's for one never seen (counted in `unknown`). */
  id(symbol: string, unknown?: UnknownCounter): number {
    const i = this.index.get(symbol);
    if (i !== undefined) return i;
    if (this.unk < 0) throw new RangeError(`Vocabulary: unknown symbol ${JSON.stringify(symbol)} and no ${UNK} token`);
    if (unknown) { unknown.tokens++; unknown.distinct.add(symbol); }
    return this.unk;
  }

  encode(tokens: readonly string[], unknown?: UnknownCounter): number[] {
    return tokens.map((t) => this.id(t, unknown));
  }

  /** A vocabulary stored in a checkpoint (a JSON array of strings), checked. */
  static fromJSON(path: string, what: string, value: unknown): Vocabulary {
    if (!Array.isArray(value) || value.length === 0 || !value.every((s) => typeof s === 'string')) {
      throw new UsageError(`${path}: the checkpoint's ${what} is damaged (expected a non-empty array of strings)`);
    }
    try {
      return new Vocabulary(value as string[]);
    } catch (e) {
      throw new UsageError(`${path}: the checkpoint's ${what} is damaged (${(e as Error).message})`);
    }
  }
}
