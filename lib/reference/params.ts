/**
 * Loads a fixture's `params` into a model's parameters: every name must be present with the
 * model's shape and no extra name may appear. Checks everything before writing anything.
 */
import type { Param } from '../param.js';
import { OP, type ReferenceFixture, fixtureTensor } from './fixture.js';

export function loadFixtureParams(params: readonly Param[], f: ReferenceFixture): void {
  const names = params.map((p) => p.name);
  for (const key of Object.keys(f.params)) {
    if (!names.includes(key)) throw new TypeError(`${OP}: params.${key} is not a parameter of this model (expected: ${names.join(', ')})`);
  }
  const values = params.map((p) => fixtureTensor(f, 'params', p.name, p.shape).data);
  params.forEach((p, i) => p.value.set(values[i]));
}
