/**
 * Clipping against the PyTorch fixtures in ../shared/reference: for every `model` fixture
 * step, `grad_norm` is the global norm of the raw `grads`, and clipping them with the
 * fixture's `clip_norm` or `clip_value` gives `clipped_grads`.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Param } from '../../lib/param.js';
import { clipGradNorm, gradNorm } from '../../lib/clipping/clip-grad-norm.js';
import { clipGradValue } from '../../lib/clipping/clip-grad-value.js';

interface TensorJSON { shape: number[]; data: number[] }
interface ModelFixture {
  kind: string;
  config: { clip_norm: number | null; clip_value: number | null };
  params: Record<string, TensorJSON>;
  steps: { grad_norm: number; grads: Record<string, TensorJSON>; clipped_grads: Record<string, TensorJSON> }[];
}

const dir = resolve(process.env.RNNKIT_REFERENCE ?? join(process.cwd(), '..', 'shared', 'reference'));
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

function relError(got: ArrayLike<number>, want: number[]): number {
  let diff = 0, scale = 1e-3;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe('clipping/reference (PyTorch fixtures)', () => {
  if (files.length === 0) {
    it('fixtures present', function () {
      this.skip();
    });
  }
  for (const file of files) {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ModelFixture;
    if (fixture.kind !== 'model') continue;
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
