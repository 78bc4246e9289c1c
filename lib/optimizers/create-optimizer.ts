/**
 * Builds an optimizer from a reference fixture's `optimizer` object (PyTorch's snake_case
 * keys), filling PyTorch 1.13's defaults for missing keys:
 *
 *     {"name": "sgd", "lr": 0.1}
 *     {"name": "sgd_momentum", "lr": 0.1, "momentum": 0.9, "dampening": 0, "nesterov": false}
 *     {"name": "adam", "lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "amsgrad": false}
 *     {"name": "rmsprop", "lr": 0.01, "alpha": 0.99, "eps": 1e-08, "momentum": 0, "centered": false}
 *     {"name": "adagrad", "lr": 0.1, "lr_decay": 0, "eps": 1e-10, "initial_accumulator_value": 0}
 *
 * `sgd_momentum` is SGD that must be given a momentum > 0. `weight_decay` is accepted only
 * as 0: rnnkit implements no weight decay.
 */
import type { Param } from '../param.js';
import { checkChoice, describe } from '../validate.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adam, type AdamOptions } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';

/** The names `createOptimizer` accepts. */
export const optimizerSpecNames = ['sgd', 'sgd_momentum', 'adam', 'rmsprop', 'adagrad'] as const;

export type OptimizerSpecName = (typeof optimizerSpecNames)[number];

/** A fixture's `optimizer` object: a name and PyTorch hyper-parameters in snake_case. */
export interface OptimizerSpec {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** Spec key → constructor option, per spec name. */
const KEYS: Readonly<Record<OptimizerSpecName, Readonly<Record<string, string>>>> = {
  sgd: { lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov' },
  sgd_momentum: { lr: 'lr', momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov' },
  adam: { lr: 'lr', betas: 'betas', eps: 'eps', amsgrad: 'amsgrad' },
  rmsprop: { lr: 'lr', alpha: 'alpha', eps: 'eps', momentum: 'momentum', centered: 'centered' },
  adagrad: { lr: 'lr', lr_decay: 'lrDecay', eps: 'eps', initial_accumulator_value: 'initialAccumulatorValue' },
};

/** Creates the optimizer a spec describes; throws, listing what is accepted, on anything else. */
export function createOptimizer(params: Param[], spec: OptimizerSpec): Optimizer {
  const op = 'createOptimizer';
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new TypeError(`${op}: spec must be an object {name, …hyper-parameters}, got ${describe(spec)}`);
  }
  const name = checkChoice(op, 'spec.name', spec.name, optimizerSpecNames);
  const keys = KEYS[name];
  // Values are checked by the constructors; here only the keys are mapped.
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(spec)) {
    if (key === 'name') continue;
    if (key === 'weight_decay') {
      if (spec[key] !== 0) throw new RangeError(`${op}: weight_decay is not supported (only 0 is accepted), got ${describe(spec[key])}`);
      continue;
    }
    const option = keys[key];
    if (option === undefined) {
      throw new TypeError(`${op}: unknown key "${key}" for "${name}"; accepted keys are name, ${Object.keys(keys).join(', ')}, weight_decay (0 only)`);
    }
    options[option] = spec[key];
  }
  switch (name) {
    case 'sgd':
      return new SGD(params, options as unknown as SGDOptions);
    case 'sgd_momentum':
      if (typeof options.momentum !== 'number' || !(options.momentum > 0)) {
        throw new RangeError(`${op}: "sgd_momentum" needs momentum > 0, got ${describe(options.momentum)}`);
      }
      return new SGD(params, options as unknown as SGDOptions);
    case 'adam':
      return new Adam(params, options as AdamOptions);
    case 'rmsprop':
      return new RMSprop(params, options as RMSpropOptions);
    case 'adagrad':
      return new Adagrad(params, options as AdagradOptions);
  }
}
