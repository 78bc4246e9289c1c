/**
 * The extra PyTorch fixtures in test/fixtures/reference-extra (rnn-reference/1, written by
 * scripts/make-reference-extra.sh with scripts/make-reference.py): shapes and options the
 * shared set does not cover, of all three kinds. One `it` per file and dtype:
 * float32 within the format's tolerance (1e-5), float64 within 1e-12.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compareFixture } from '../../lib/reference/compare.js';
import type { ReferenceFixture } from '../../lib/reference/fixture.js';
import { runReference } from '../../lib/reference/run.js';

const DIR = path.resolve(process.cwd(), 'test/fixtures/reference-extra');
const TOL: Record<'float32' | 'float64', number> = { float32: 1e-5, float64: 1e-12 };

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const fixtures = files.map((file) => ({ file, fixture: JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as ReferenceFixture }));

describe('reference fixtures (test/fixtures/reference-extra)', () => {
  it('has layer, model and seq2seq fixtures', () => {
    const kinds = fixtures.map((f) => f.fixture.kind);
    expect(kinds.filter((k) => k === 'layer')).to.have.length.at.least(5);
    expect(kinds.filter((k) => k === 'model')).to.have.length.at.least(15);
    expect(kinds.filter((k) => k === 'seq2seq')).to.have.length.at.least(10);
  });

  for (const { file, fixture } of fixtures) {
    for (const dtype of ['float32', 'float64'] as const) {
      const title = `${file}: ${dtype} ≤ ${TOL[dtype].toExponential()}`;
      it(title, () => {
        const computed = runReference(fixture, { dtype });
        if (fixture.kind === 'model') expect(computed.steps, 'a model result must carry its steps').to.have.length(fixture.steps?.length ?? -1);
        const cmp = compareFixture(computed, fixture);
        expect(cmp.errors.length, 'no tensor was compared').to.be.greaterThan(0);
        const top = [...cmp.errors].sort((a, b) => b.error - a.error).slice(0, 3).map((e) => `${e.tensor} ${e.error.toExponential(2)}`).join(', ');
        expect(cmp.worst, `${file} in ${dtype}: worst ${cmp.worstTensor} (top: ${top})`).to.be.at.most(TOL[dtype]);
      });
    }
  }
});
