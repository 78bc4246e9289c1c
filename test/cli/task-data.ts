/** Small generated data sets for the task-command tests: easy enough for a tiny model. */

/** A seeded linear congruential generator: integers in [0, n). */
export function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

/**
 * classify lines: a random string over a…h with one marker letter inserted; the label says
 * which marker (x → "pos", y → "neg").
 */
export function markerLines(n: number, seed = 1): string {
  const r = lcg(seed);
  let s = '';
  for (let i = 0; i < n; i++) {
    const pos = r(2) === 1;
    let t = '';
    for (let j = 0, m = 3 + r(6); j < m; j++) t += 'abcdefgh'[r(8)];
    const k = r(t.length + 1);
    s += `${pos ? 'pos' : 'neg'}\t${t.slice(0, k)}${pos ? 'x' : 'y'}${t.slice(k)}\n`;
  }
  return s;
}

/** CoNLL sentences with BIO entities: "new york" LOC, "john" / "mary smith" PER, the rest O. */
export function bioSentences(n: number, seed = 1): string {
  const r = lcg(seed);
  const other = ['the', 'a', 'went', 'to', 'saw', 'and', 'with', 'in', 'city', 'man'];
  let s = '';
  for (let i = 0; i < n; i++) {
    for (let j = 0, m = 3 + r(6); j < m; j++) {
      const k = r(10);
      if (k < 2) s += 'new\tB-LOC\nyork\tI-LOC\n';
      else if (k < 4) s += 'john\tB-PER\n';
      else if (k < 5) s += 'mary\tB-PER\nsmith\tI-PER\n';
      else s += `${other[r(other.length)]}\tO\n`;
    }
    s += '\n';
  }
  return s;
}
