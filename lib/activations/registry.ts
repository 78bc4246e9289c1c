/**
 * The activation registry: built-ins by name, and the user's own added with
 * `registerActivation`. Recurrent layers and heads look their activation up here.
 */
import type { Activation } from './activation.js';
import { identityActivation, reluActivation, sigmoidActivation, tanhActivation } from './builtins.js';
import { checkOptions, describe } from '../validate.js';

const registry = new Map<string, Activation>([
  ['sigmoid', sigmoidActivation],
  ['tanh', tanhActivation],
  ['relu', reluActivation],
  ['identity', identityActivation],
]);

/** The activation registered under `name`; throws a TypeError listing the registered names. */
export function getActivation(name: string, op = 'getActivation'): Activation {
  const a = typeof name === 'string' ? registry.get(name) : undefined;
  if (!a) {
    throw new TypeError(`${op}: unknown activation ${describe(name)}; registered: ${activationNames().join(', ')}`);
  }
  return a;
}

/** Adds (or replaces, with `replace: true`) an activation under its name. */
export function registerActivation(activation: Activation, options: { replace?: boolean } = {}): void {
  const op = 'registerActivation';
  if (typeof activation !== 'object' || activation === null) {
    throw new TypeError(`${op}: activation must be an object {name, forward, backward}, got ${describe(activation)}`);
  }
  const { replace = false } = checkOptions(op, options, ['replace']);
  const { name, forward, backward } = activation;
  if (typeof name !== 'string' || !/^[A-Za-z_][\w.-]*$/.test(name)) {
    throw new TypeError(`${op}: activation.name must be an identifier-like string, got ${describe(name)}`);
  }
  if (typeof forward !== 'function' || typeof backward !== 'function') {
    throw new TypeError(`${op}: activation "${name}" must have forward and backward functions`);
  }
  if (registry.has(name) && !replace) {
    throw new TypeError(`${op}: an activation named "${name}" is already registered (pass {replace: true} to replace it)`);
  }
  registry.set(name, activation);
}

/** Names of every registered activation, sorted. */
export function activationNames(): string[] {
  return [...registry.keys()].sort();
}
