/**
 * The scores of the task commands on hand-computed examples: accuracy, per-class
 * precision/recall/F1 and macro-F1; BIO entities by conlleval's rules; edit distance and the
 * token and sequence error rates with several references; the hash split; vocabularies.
 */
import { expect } from 'chai';
import { closestReference, editDistance, errorRates } from '../../../lib/cli/tasks/edit-distance.js';
import { entitiesOf, entityScores, isBio } from '../../../lib/cli/tasks/entities.js';
import { classificationScores, f1Of } from '../../../lib/cli/tasks/metrics.js';
import { fnv1a, heldOut, splitByHash } from '../../../lib/cli/tasks/split.js';
import { detokenize, tokenize } from '../../../lib/cli/tasks/tokens.js';
import { PAD, UNK, Vocabulary, unknownCounter } from '../../../lib/cli/tasks/vocabulary.js';

describe('cli/tasks metrics', () => {
  it('classification scores: accuracy, confusion, per-class P/R/F1 and macro-F1 by hand', () => {
    // gold a a a b b c ; predicted a a b b c c
    const s = classificationScores(['a', 'a', 'a', 'b', 'b', 'c'], ['a', 'a', 'b', 'b', 'c', 'c'], ['a', 'b', 'c']);
    expect(s.accuracy).to.equal(4 / 6);
    expect(s.correct).to.equal(4);
    expect(s.confusion).to.deep.equal([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    const [a, b, c] = s.classes;
    expect([a.precision, a.recall, a.support]).to.deep.equal([1, 2 / 3, 3]);
    expect(a.f1).to.be.closeTo(0.8, 1e-12);
    expect([b.precision, b.recall]).to.deep.equal([0.5, 0.5]);
    expect(b.f1).to.be.closeTo(0.5, 1e-12);
    expect([c.precision, c.recall]).to.deep.equal([0.5, 1]);
    expect(c.f1).to.be.closeTo(2 / 3, 1e-12);
    expect(s.macroF1).to.be.closeTo((0.8 + 0.5 + 2 / 3) / 3, 1e-12);
  });

  it('a class never predicted has precision 0 and F1 0; a label unknown to the model joins the table', () => {
    const s = classificationScores(['a', 'b', 'z'], ['a', 'a', 'a'], ['a', 'b']);
    expect(s.labels).to.deep.equal(['a', 'b', 'z']);
    expect(s.classes[1]).to.deep.equal({ label: 'b', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(s.classes[0].precision).to.equal(1 / 3);
    expect(f1Of(0, 0)).to.equal(0);
  });

  it('finds BIO entities as conlleval does (an I- that does not continue starts an entity)', () => {
    expect(entitiesOf(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'I-LOC'])).to.deep.equal([
      { type: 'PER', start: 0, end: 2 }, { type: 'LOC', start: 3, end: 4 }, { type: 'LOC', start: 4, end: 6 },
    ]);
    expect(entitiesOf(['O', 'I-ORG', 'I-ORG', 'I-PER'])).to.deep.equal([{ type: 'ORG', start: 1, end: 3 }, { type: 'PER', start: 3, end: 4 }]);
    expect(isBio(['O', 'B-PER', 'I-PER'])).to.equal(true);
    expect(isBio(['NOUN', 'VERB'])).to.equal(false);
    expect(isBio(['O'])).to.equal(false);
  });

  it('entity-level precision, recall and F1 by hand: a span must match in type, start and end', () => {
    const gold = [['B-PER', 'I-PER', 'O', 'B-LOC'], ['B-ORG', 'O']];
    const pred = [['B-PER', 'O', 'O', 'B-LOC'], ['B-ORG', 'B-PER']];
    // gold: PER[0,2) LOC[3,4) ORG[0,1) — predicted: PER[0,1) ✗, LOC ✓, ORG ✓, PER[1,2) ✗
    const s = entityScores(gold, pred);
    expect([s.goldEntities, s.predictedEntities, s.correctEntities]).to.deep.equal([3, 4, 2]);
    expect(s.precision).to.equal(0.5);
    expect(s.recall).to.equal(2 / 3);
    expect(s.f1).to.be.closeTo(4 / 7, 1e-12);
    const per = s.types.find((t) => t.label === 'PER')!;
    expect([per.precision, per.recall, per.f1, per.support]).to.deep.equal([0, 0, 0, 1]);
  });

  it('edit distance counts insertions, deletions and substitutions of whole tokens', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).to.equal(3);
    expect(editDistance([], ['a', 'b'])).to.equal(2);
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AE', 'T'])).to.equal(0);
    expect(editDistance(['HH', 'AH', 'L', 'OW'], ['HH', 'EH', 'L', 'OW'])).to.equal(1);
  });

  it('scores against the closest reference: token and sequence error rates by hand', () => {
    expect(closestReference(['a', 'b'], [['a', 'c', 'd'], ['a', 'b', 'c']])).to.deep.equal({ distance: 1, length: 3, index: 1 });
    // output 1 matches its second reference; output 2 is one substitution from a 4-token reference
    const r = errorRates([['K', 'AE', 'T'], ['D', 'AO', 'G', 'Z']], [[['K', 'AA', 'T'], ['K', 'AE', 'T']], [['D', 'AA', 'G', 'Z']]]);
    expect(r).to.deep.equal({ tokenErrorRate: 1 / 7, sequenceErrorRate: 0.5, sequences: 2, wrongSequences: 1, distance: 1, referenceTokens: 7 });
  });

  it('the hash split depends on the example alone and holds out about a tenth', () => {
    expect(fnv1a('')).to.equal(0x811c9dc5);
    expect(fnv1a('a')).to.equal(0xe40c292c);
    const names = Array.from({ length: 5000 }, (_, i) => `name${i}`);
    const [train, valid] = splitByHash(names, (n) => n);
    expect(train.length + valid.length).to.equal(5000);
    expect(valid.length).to.be.within(400, 600);
    expect(valid.every((n) => heldOut(n))).to.equal(true);
    const [, again] = splitByHash([...names].reverse(), (n) => n);
    expect(new Set(again)).to.deep.equal(new Set(valid));
  });

  it('vocabularies: specials first, then by frequency; unknown symbols counted', () => {
    const v = Vocabulary.build([PAD, UNK], [['b', 'a', 'b'], ['c', 'b', 'a']]);
    expect(v.symbols).to.deep.equal([PAD, UNK, 'b', 'a', 'c']);
    const u = unknownCounter();
    expect(v.encode(['a', 'z', 'z', 'y'], u)).to.deep.equal([3, 1, 1, 1]);
    expect(u.tokens).to.equal(3);
    expect([...u.distinct]).to.deep.equal(['z', 'y']);
    expect(Vocabulary.build([PAD, UNK], [['a', 'a', 'b']], 2).symbols).to.deep.equal([PAD, UNK, 'a']);
  });

  it('tokenizes by character (code points) or by word, and joins back', () => {
    expect(tokenize('héllo 😀', 'char')).to.deep.equal(['h', 'é', 'l', 'l', 'o', ' ', '😀']);
    expect(tokenize('  the  cat\tsat ', 'word')).to.deep.equal(['the', 'cat', 'sat']);
    expect(detokenize(['K', 'AE', 'T'], 'word')).to.equal('K AE T');
    expect(detokenize(['c', 'a', 't'], 'char')).to.equal('cat');
  });
});
