/**
 * The real-data experiments' data handling, on the @stdlib packages (devDependencies): the
 * names lists give the issue's counts and baselines, the splits follow their stated hash
 * rules, CMUdict loses its stress digits and keeps alternates as extra references. The full
 * runs are experiments (docs/experiments.md), not tests.
 */
import { expect } from 'chai';
import { loadCmudict, partOf as g2pPart, validationCurve } from '../../lib/cli/experiments/g2p.js';
import { loadNames, partOf as namesPart, suffixBaseline } from '../../lib/cli/experiments/names.js';
import { fnv1a } from '../../lib/cli/tasks/split.js';

describe('cli/experiments on real data', function () {
  it('names: about 8,000 names once the names in both lists are dropped; the issue\'s baselines', () => {
    const rows = loadNames('test');
    expect(rows.length).to.equal(8003);
    expect(new Set(rows.map((r) => r.name)).size).to.equal(rows.length);
    expect(suffixBaseline(rows, rows, 0)).to.be.closeTo(0.565, 0.0005);
    expect(suffixBaseline(rows, rows, 1)).to.be.closeTo(0.776, 0.0005);
    expect(suffixBaseline(rows, rows, 2)).to.be.closeTo(0.817, 0.0005);
  });

  it('names: the test tenth is h mod 10 = 0, validation h mod 20 = 1', () => {
    const rows = loadNames('test');
    const test = rows.filter((r) => namesPart(r.name) === 'test');
    expect(test.length / rows.length).to.be.within(0.09, 0.11);
    expect(test.every((r) => fnv1a(r.name) % 10 === 0)).to.equal(true);
    expect(rows.filter((r) => namesPart(r.name) === 'valid').every((r) => fnv1a(r.name) % 20 === 1)).to.equal(true);
  });

  it('cmudict: ~134,000 pronunciations, no stress digits, alternates of a word on one side of the split', () => {
    const entries = loadCmudict('test');
    expect(entries.length).to.be.within(130_000, 140_000);
    expect(entries.some((e) => e.phones.some((p) => /\d/.test(p)))).to.equal(false);
    const read = entries.filter((e) => e.word === 'read').map((e) => e.phones.join(' ')).sort();
    expect(read).to.deep.equal(['R EH D', 'R IY D']);
    const test = entries.filter((e) => g2pPart(e.word) === 'test');
    expect(test.length / entries.length).to.be.within(0.04, 0.06);
    expect(test.every((e) => fnv1a(e.word) % 20 === 0)).to.equal(true);
  });
  it('g2p: the WER curve pairs each validation\'s scores with its time and loss, by step', () => {
    const curve = validationCurve({
      train: [[1, 2.5]], validation: [[500, 0.9], [1000, 0.7]], time: [[500, 61.5], [1000, 120.25]],
      scores: [[500, { 'seq err': 0.8, 'tok err': 0.3 }], [1000, { 'seq err': 0.6, 'tok err': 0.2 }]],
    });
    expect(curve).to.deep.equal([
      { step: 500, seconds: 61.5, loss: 0.9, wer: 0.8, per: 0.3 },
      { step: 1000, seconds: 120.25, loss: 0.7, wer: 0.6, per: 0.2 },
    ]);
  });
});
