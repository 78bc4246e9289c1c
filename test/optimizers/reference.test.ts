/**
 * The optimizers against the PyTorch fixtures in ../shared/reference: for every `model`
 * fixture, start from its `params`, feed each step's `clipped_grads` and compare with
 * `params_after`. This isolates the optimizer from the model and the clipping. Where a step
 * records its learning rate (`lr`: a schedule or weight decay is configured), the optimizer
 * is given that rate, isolating it from the schedule too; the schedules are checked against
 * the same records below.
 */
import { expect } from 'chai';
import { loadFixtures } from '../helpers/reference.js';
import { relError } from '../helpers/tensors.js';
import type { Param } from '../../lib/param.js';
import { createOptimizer, type OptimizerSpec } from '../../lib/optimizers/create-optimizer.js';
import { createSchedule, type ScheduleSpec } from '../../lib/optimizers/schedules.js';

interface TensorJSON { shape: number[]; data: number[] }
interface ModelFixture {
  name: string;
  config: { optimizer: OptimizerSpec; scheduler?: ScheduleSpec };
  params: Record<string, TensorJSON>;
  steps: { clipped_grads: Record<string, TensorJSON>; params_after: Record<string, TensorJSON>; lr?: number }[];
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
          if (step.lr !== undefined) opt.lr = step.lr;
          opt.step();
          for (const p of params) {
            expect(relError(p.value, step.params_after[p.name].data), `step ${s} ${p.name}`).to.be.at.most(tol);
          }
        });
      });
    }
  }

  for (const { file, fixture: loaded } of loadFixtures('model')) {
    const fixture = loaded as unknown as ModelFixture;
    if (!fixture.config.scheduler) continue;
    it(`${file} (${fixture.config.scheduler.name}): every step's lr within 1e-15`, () => {
      const params: Param[] = [{ name: 'w', shape: [1], value: new Float64Array(1), grad: new Float64Array(1) }];
      const opt = createOptimizer(params, fixture.config.optimizer);
      const schedule = createSchedule(opt, fixture.config.scheduler!);
      expect(fixture.steps.every((s) => typeof s.lr === 'number'), 'every step records lr').to.equal(true);
      fixture.steps.forEach((step, s) => {
        expect(Math.abs(opt.lr - step.lr!), `step ${s}: lr ${opt.lr} vs ${step.lr}`).to.be.at.most(1e-15 * step.lr!);
        opt.step();
        schedule.step();
      });
    });
  }
});
