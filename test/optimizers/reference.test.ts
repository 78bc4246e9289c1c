/**
 * The optimizers against the PyTorch fixtures in ../shared/reference: for every `model`
 * fixture, start from its `params`, feed each step's `clipped_grads` and compare with
 * `params_after`. This isolates the optimizer from the model and the clipping.
 */
import { expect } from 'chai';
import { loadFixtures } from '../helpers/reference.js';
import { relError } from '../helpers/tensors.js';
import type { Param } from '../../lib/param.js';
import { createOptimizer, type OptimizerSpec } from '../../lib/optimizers/create-optimizer.js';

interface TensorJSON { shape: number[]; data: number[] }
interface ModelFixture {
  name: string;
  config: { optimizer: OptimizerSpec };
  params: Record<string, TensorJSON>;
  steps: { clipped_grads: Record<string, TensorJSON>; params_after: Record<string, TensorJSON> }[];
}

describe('optimizers/reference (PyTorch fixtures)', () => {
  // test/reference/layer-fixtures.test.ts asserts that the model fixtures are there
  for (const { file, fixture: loaded } of loadFixtures('model')) {
    const fixture = loaded as unknown as ModelFixture;
    for (const A of [Float64Array, Float32Array]) {
      const tol = A === Float64Array ? 1e-12 : 1e-5;
      it(`${file} (${fixture.config.optimizer.name}, ${A.name}): params_after within ${tol}`, () => {
        const params: Param[] = Object.entries(fixture.params).map(([name, t]) => ({
          name, shape: t.shape, value: A.from(t.data), grad: new A(t.data.length),
        }));
        const opt = createOptimizer(params, fixture.config.optimizer);
        fixture.steps.forEach((step, s) => {
          for (const p of params) p.grad.set(step.clipped_grads[p.name].data);
          opt.step();
          for (const p of params) {
            expect(relError(p.value, step.params_after[p.name].data), `step ${s} ${p.name}`).to.be.at.most(tol);
          }
        });
      });
    }
  }
});
