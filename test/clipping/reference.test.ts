/**
 * Clipping against the PyTorch fixtures in ../shared/reference: for every `model` fixture
 * step, `grad_norm` is the global norm of the raw `grads`, and clipping them with the
 * fixture's `clip_norm` or `clip_value` gives `clipped_grads`.
 */
import { expect } from 'chai';
import { loadFixtures } from '../helpers/reference.js';
import { relError } from '../helpers/tensors.js';
import type { Param } from '../../lib/param.js';
import { clipGradNorm, gradNorm } from '../../lib/clipping/clip-grad-norm.js';
import { clipGradValue } from '../../lib/clipping/clip-grad-value.js';

interface TensorJSON { shape: number[]; data: number[] }
interface ModelFixture {
  config: { clip_norm: number | null; clip_value: number | null };
  params: Record<string, TensorJSON>;
  steps: { grad_norm: number; grads: Record<string, TensorJSON>; clipped_grads: Record<string, TensorJSON> }[];
}

describe('clipping/reference (PyTorch fixtures)', () => {
  // test/reference/layer-fixtures.test.ts asserts that the model fixtures are there
  for (const { file, fixture: loaded } of loadFixtures('model')) {
    const fixture = loaded as unknown as ModelFixture;
    const { clip_norm: clipNorm, clip_value: clipValue } = fixture.config;
    for (const A of [Float64Array, Float32Array]) {
      const tol = A === Float64Array ? 1e-12 : 1e-5;
      it(`${file} (clip_norm ${clipNorm}, clip_value ${clipValue}, ${A.name}): grad_norm and clipped_grads within ${tol}`, () => {
        fixture.steps.forEach((step, s) => {
          const params: Param[] = Object.entries(step.grads).map(([name, t]) => ({
            name, shape: t.shape, value: new A(t.data.length), grad: A.from(t.data),
          }));
          expect(Math.abs(gradNorm(params) - step.grad_norm) / step.grad_norm, `step ${s} grad_norm`).to.be.at.most(tol);
          if (clipNorm !== null) expect(clipGradNorm(params, clipNorm)).to.be.closeTo(step.grad_norm, step.grad_norm * tol);
          if (clipValue !== null) clipGradValue(params, clipValue);
          for (const p of params) {
            expect(relError(p.grad, step.clipped_grads[p.name].data), `step ${s} ${p.name}`).to.be.at.most(tol);
          }
        });
      });
    }
  }
});
