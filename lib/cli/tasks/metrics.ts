/**
 * Scores of a classifier or tagger from (gold, predicted) label pairs: accuracy, the
 * confusion matrix, per-class precision, recall and F1, and their unweighted mean (macro-F1).
 * A class with no predictions has precision 0; with no gold examples, recall 0 (and F1 0):
 * scikit-learn's `zero_division=0`.
 */

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Gold examples of this class. */
  support: number;
}

export interface ClassificationScores {
  examples: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  classes: ClassScore[];
  /** confusion[g][p]: examples of gold class g predicted as p, in the order of `labels`. */
  confusion: number[][];
  labels: string[];
}

/** F1 from precision and recall (0 when both are 0). */
export function f1Of(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/**
 * Scores predictions against gold labels. `labels` fixes the order of the classes (every
 * label that occurs is added after them, in order of appearance).
 */
export function classificationScores(gold: readonly string[], predicted: readonly string[], labels: readonly string[] = []): ClassificationScores {
  if (gold.length !== predicted.length) throw new RangeError(`classificationScores: ${gold.length} gold labels but ${predicted.length} predictions`);
  const order = [...labels];
  const index = new Map(order.map((l, i) => [l, i]));
  for (const l of [...gold, ...predicted]) if (!index.has(l)) { index.set(l, order.length); order.push(l); }
  const K = order.length;
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let correct = 0;
  gold.forEach((g, i) => {
    confusion[index.get(g)!][index.get(predicted[i])!]++;
    if (g === predicted[i]) correct++;
  });
  const classes = order.map((label, k) => {
    const tp = confusion[k][k];
    const predictedK = confusion.reduce((s, row) => s + row[k], 0);
    const support = confusion[k].reduce((s, n) => s + n, 0);
    const precision = predictedK > 0 ? tp / predictedK : 0, recall = support > 0 ? tp / support : 0;
    return { label, precision, recall, f1: f1Of(precision, recall), support };
  });
  // macro-F1 over the classes that occur in the gold labels or the predictions
  const scored = classes.filter((c, k) => c.support > 0 || confusion.some((row) => row[k] > 0));
  return {
    examples: gold.length, correct, accuracy: gold.length > 0 ? correct / gold.length : 0,
    macroF1: scored.length > 0 ? scored.reduce((s, c) => s + c.f1, 0) / scored.length : 0,
    classes, confusion, labels: order,
  };
}

/** A table of per-class scores as aligned text lines. */
export function scoreTable(classes: readonly ClassScore[], head = 'label'): string[] {
  const w = Math.max(head.length, ...classes.map((c) => c.label.length)) + 2;
  const num = (x: number) => x.toFixed(4).padStart(10);
  return [
    `${head.padEnd(w)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'f1'.padStart(10)}${'support'.padStart(9)}`,
    ...classes.map((c) => `${c.label.padEnd(w)}${num(c.precision)}${num(c.recall)}${num(c.f1)}${String(c.support).padStart(9)}`),
  ];
}
