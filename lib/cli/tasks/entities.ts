/**
 * Entity-level scores for BIO tags, as CoNLL's conlleval counts them: an entity is a maximal
 * run of tokens B-X I-X … (an I-X that does not continue an entity of type X starts one, as in
 * IOB1), and a predicted entity is correct when a gold entity has the same type and the same
 * start and end. Precision, recall and F1 per type and over all entities (micro).
 */
import { type ClassScore, f1Of } from './metrics.js';

export interface Entity {
  type: string;
  /** First token, inclusive. */
  start: number;
  /** Last token, exclusive. */
  end: number;
}

/** True when every tag is O, B-X or I-X. */
export function isBio(tags: Iterable<string>): boolean {
  let any = false;
  for (const t of tags) {
    if (t !== 'O' && !/^[BI]-./.test(t)) return false;
    if (t !== 'O') any = true;
  }
  return any;
}

/** The entities of one sentence's tags. */
export function entitiesOf(tags: readonly string[]): Entity[] {
  const out: Entity[] = [];
  let open: Entity | null = null;
  tags.forEach((tag, i) => {
    const prefix = tag[0], type = tag.slice(2);
    if (tag === 'O' || prefix === 'B' || (prefix === 'I' && (!open || open.type !== type))) {
      if (open) out.push(open);
      open = tag === 'O' ? null : { type, start: i, end: i + 1 };
    } else if (open) {
      open.end = i + 1;
    }
  });
  if (open) out.push(open);
  return out;
}

export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  goldEntities: number;
  predictedEntities: number;
  correctEntities: number;
  /** Per entity type, support = gold entities of the type. */
  types: ClassScore[];
}

/** Scores predicted tag sequences against gold ones, sentence by sentence. */
export function entityScores(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): EntityScores {
  const counts = new Map<string, { gold: number; predicted: number; correct: number }>();
  const count = (type: string) => counts.get(type) ?? (counts.set(type, { gold: 0, predicted: 0, correct: 0 }), counts.get(type)!);
  gold.forEach((g, s) => {
    const ge = entitiesOf(g), pe = entitiesOf(predicted[s]);
    const key = (e: Entity) => `${e.type}\u0000${e.start}\u0000${e.end}`;
    const goldKeys = new Set(ge.map(key));
    for (const e of ge) count(e.type).gold++;
    for (const e of pe) {
      count(e.type).predicted++;
      if (goldKeys.has(key(e))) count(e.type).correct++;
    }
  });
  let G = 0, P = 0, C = 0;
  const types = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([label, c]) => {
    G += c.gold; P += c.predicted; C += c.correct;
    const precision = c.predicted > 0 ? c.correct / c.predicted : 0, recall = c.gold > 0 ? c.correct / c.gold : 0;
    return { label, precision, recall, f1: f1Of(precision, recall), support: c.gold };
  });
  const precision = P > 0 ? C / P : 0, recall = G > 0 ? C / G : 0;
  return { precision, recall, f1: f1Of(precision, recall), goldEntities: G, predictedEntities: P, correctEntities: C, types };
}
