/**
 * Error rates of sequence outputs: the Levenshtein distance (insertions, deletions and
 * substitutions of whole tokens, each costing 1), the token error rate Σ distance / Σ
 * reference length, and the sequence error rate (the share of outputs that differ from their
 * reference). With several references, an output is scored against the closest one (the
 * smallest distance; among equals, the shortest reference).
 */

/** The Levenshtein distance between token sequences a and b (one row of the table at a time). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

/** The reference closest to `output`: its distance and length. */
export function closestReference<T>(output: readonly T[], references: readonly (readonly T[])[]): { distance: number; length: number; index: number } {
  if (references.length === 0) throw new RangeError('closestReference: no references');
  let best = { distance: Infinity, length: Infinity, index: -1 };
  references.forEach((r, index) => {
    const distance = editDistance(output, r);
    if (distance < best.distance || (distance === best.distance && r.length < best.length)) best = { distance, length: r.length, index };
  });
  return best;
}

export interface ErrorRates {
  /** Σ edit distance / Σ length of the closest references. */
  tokenErrorRate: number;
  /** Outputs with no exact reference / outputs. */
  sequenceErrorRate: number;
  sequences: number;
  wrongSequences: number;
  distance: number;
  referenceTokens: number;
}

/** Token and sequence error rates of outputs[i] against references[i] (one or more each). */
export function errorRates<T>(outputs: readonly (readonly T[])[], references: readonly (readonly (readonly T[])[])[]): ErrorRates {
  if (outputs.length !== references.length) throw new RangeError(`errorRates: ${outputs.length} outputs but ${references.length} reference sets`);
  let distance = 0, referenceTokens = 0, wrong = 0;
  outputs.forEach((o, i) => {
    const c = closestReference(o, references[i]);
    distance += c.distance;
    referenceTokens += c.length;
    if (c.distance > 0) wrong++;
  });
  return {
    tokenErrorRate: referenceTokens > 0 ? distance / referenceTokens : 0,
    sequenceErrorRate: outputs.length > 0 ? wrong / outputs.length : 0,
    sequences: outputs.length, wrongSequences: wrong, distance, referenceTokens,
  };
}
