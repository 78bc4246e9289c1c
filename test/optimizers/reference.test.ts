/**
 * The optimizers against the PyTorch fixtures in ../shared/reference: for every `model`
 * fixture, start from its `params`, feed each step's `clipped_grads` and compare with
 * `params_after`. This isolates the optimizer from the model and the clipping.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Param } from '../../lib/param.js';
import { createOptimizer, type OptimizerSpec } from '../../lib/optimizers/create-optimizer.js';

interface TensorJSON { shape: number[]; data: number[] }
interface ModelFixture {
  name: string;
  config: { optimizer: OptimizerSpec };
  params: Record<string, TensorJSON>;
  steps: { clipped_grads: Record<string, TensorJSON>; params_after: Record<string, TensorJSON> }[];
}

const dir = resolve(process.env.RNNKIT_REFERENCE ?? join(process.cwd(), '..', 'shared', 'reference'));
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

/** max|computed − expected| / max(max|expected|, 1e-3), the fixtures' tolerance measure. */
function relError(got: ArrayLike<number>, want: number[]): number {
  let diff = 0, scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe('optimizers/reference (PyTorch fixtures)', () => {
  if (files.length === 0) {
    it('fixtures present', function () {
      this.skip();
    });
  }
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ModelFixture & { kind: string };
    if (fixture.kind !== 'model') continue;
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
