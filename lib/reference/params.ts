/**
 * Loads a fixture's `params` into a model's parameters: every name must be present with the
 * model's shape and no extra name may appear. Checks everything before writing anything.
 */
import type { Param } from '../param.js';
import { type TensorMap, checkFixtureTensor } from './fixture.js';

export function loadFixtureParams(params: readonly Param[], map: TensorMap): void {
  const op = 'runReference';
  const names = new Set(params.map((p) => p.name));
  for (const key of Object.keys(map)) {
    if (!names.has(key)) {
      throw new TypeError(`${op}: params.${key} is not a parameter of this model (expected: ${[...names].join(', ')})`);
    }
  }
  for (const p of params) {
    if (!Object.prototype.hasOwnProperty.call(map, p.name)) {
      throw new TypeError(`${op}: params.${p.name} is missing (expected shape [${p.shape.join(', ')}])`);
    }
    checkFixtureTensor(`params.${p.name}`, map[p.name], p.shape);
  }
  for (const p of params) p.value.set(map[p.name].data);
}
