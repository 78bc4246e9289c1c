/**
 * Every PyTorch reference fixture in ../shared/reference (or $RNNKIT_REFERENCE_DIR),
 * one `it` per file, generated when the file is loaded so new fixtures are picked up.
 *
 *   layer fixtures: float32 within the reference tolerance (≤ 1e-5), float64 within 1e-12.
 *   model fixtures: every step's loss, grad_norm, grads, clipped grads, params_after and lr,
 *   float32 within 1e-5 and float64 within 1e-12.
 *   seq2seq fixtures: logits, α, loss and every gradient, likewise.
 * A file of any other kind fails: a kind the suite does not run would pass unseen.
 */
import { expect } from 'chai';
import { compareFixture } from '../../lib/reference/compare.js';
import type { ReferenceFixture } from '../../lib/reference/fixture.js';
import { runReference } from '../../lib/reference/run.js';
import { loadFixtures, referenceDir } from '../helpers/reference.js';

const FLOAT32_TOL = 1e-5;
const FLOAT64_TOL = 1e-12;
const MIN_LAYER_FIXTURES = 8;

/** Asserts a computed fixture's worst tensor is within `tol`, naming it on failure. */
function expectMatch(computed: ReferenceFixture, fixture: ReferenceFixture, dtype: string, tol: number): void {
  const cmp = compareFixture(computed, fixture);
  // a comparison of nothing would pass: every expected tensor must have been compared
  expect(cmp.errors.length, 'no tensor was compared').to.be.greaterThan(0);
  const top = [...cmp.errors].sort((a, b) => (b.error > a.error ? 1 : -1)).slice(0, 3)
    .map((e) => `${e.tensor} ${e.error.toExponential(2)}`).join(', ');
  expect(cmp.worst, `${fixture.name} in ${dtype}: worst tensor ${cmp.worstTensor} has relative error ${cmp.worst} > ${tol} (top: ${top})`)
    .to.be.at.most(tol);
}

function expectWithin(fixture: ReferenceFixture, dtype: 'float32' | 'float64', tol: number): void {
  expectMatch(runReference(fixture, { dtype }), fixture, dtype, tol);
}

describe(`reference fixtures (${referenceDir()})`, () => {
  const all = loadFixtures();
  const layers = all.filter((f) => f.fixture.kind === 'layer');
  const models = all.filter((f) => f.fixture.kind === 'model');
  const seq2seqs = all.filter((f) => f.fixture.kind === 'seq2seq');

  it(`has at least ${MIN_LAYER_FIXTURES} layer fixtures, 3 model fixtures and 3 seq2seq fixtures`, () => {
    expect(layers.map((l) => l.file)).to.have.length.at.least(MIN_LAYER_FIXTURES);
    expect(models.map((m) => m.file)).to.have.length.at.least(3);
    expect(seq2seqs.map((m) => m.file)).to.have.length.at.least(3);
  });

  it('every file is of a kind this suite runs (layer, model, seq2seq)', () => {
    const other = all.filter((f) => !['layer', 'model', 'seq2seq'].includes(f.fixture.kind)).map((f) => `${f.file}: ${String(f.fixture.kind)}`);
    expect(other, 'fixtures of a kind no test runs').to.deep.equal([]);
  });

  describe('layer fixtures', () => {
    for (const { file, fixture } of layers) {
      it(`${file}: float32 ≤ 1e-5, float64 ≤ 1e-12`, () => {
        const expectedKeys = ['x', 'h0', ...Object.keys(fixture.params)];
        if (fixture.config.mode === 'lstm') expectedKeys.push('c0');
        // the fixture must carry a gradient for every input and parameter, or the
        // comparison would silently skip it
        expect(Object.keys(fixture.grads ?? {})).to.include.members(expectedKeys);
        expectWithin(fixture, 'float32', FLOAT32_TOL);
        expectWithin(fixture, 'float64', FLOAT64_TOL);
      });
    }
  });

  describe('model fixtures', () => {
    for (const { file, fixture } of models) {
      it(`${file}: float32 ≤ 1e-5, every step`, () => {
        const computed: ReferenceFixture = runReference(fixture, { dtype: 'float32' });
        expect(computed.steps, 'a model result must carry its steps').to.be.an('array').with.length(fixture.steps?.length ?? -1);
        expectMatch(computed, fixture, 'float32', FLOAT32_TOL);
      });
      it(`${file}: float64 ≤ 1e-12, every step`, () => {
        expectMatch(runReference(fixture, { dtype: 'float64' }), fixture, 'float64', FLOAT64_TOL);
      });
    }
  });

  describe('seq2seq fixtures', () => {
    for (const { file, fixture } of seq2seqs) {
      it(`${file}: float32 ≤ 1e-5, float64 ≤ 1e-12 (logits, α, loss, every gradient)`, () => {
        // every parameter must carry a gradient, or the comparison would silently skip it
        expect(Object.keys(fixture.grads ?? {})).to.have.members(Object.keys(fixture.params));
        expectWithin(fixture, 'float32', FLOAT32_TOL);
        expectWithin(fixture, 'float64', FLOAT64_TOL);
      });
    }
  });
});
