/**
 * Builds an optimizer from a reference fixture's `optimizer` object (PyTorch's snake_case
 * keys), filling PyTorch 1.13's defaults for missing keys:
 *
 *     {"name": "sgd", "lr": 0.1}
 *     {"name": "sgd_momentum", "lr": 0.1, "momentum": 0.9, "dampening": 0, "nesterov": false}
 *     {"name": "adam", "lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "amsgrad": false}
 *     {"name": "adamw", "lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.01}
 *     {"name": "rmsprop", "lr": 0.01, "alpha": 0.99, "eps": 1e-08, "momentum": 0, "centered": false}
 *     {"name": "adagrad", "lr": 0.1, "lr_decay": 0, "eps": 1e-10, "initial_accumulator_value": 0}
 *
 * Every one takes `weight_decay` (L2 added to the gradient; AdamW's is decoupled).
 * `sgd_momentum` is SGD that must be given a momentum > 0.
 */
import type { Param } from '../param.js';
import { checkChoice, checkKeys, checkObject, describe } from '../validate.js';
import { ADAGRAD_RULES, Adagrad } from './adagrad.js';
import { ADAMW_RULES, ADAM_RULES, Adam, AdamW } from './adam.js';
import type { Optimizer, OptimizerName, Rule } from './optimizer.js';
import { RMSPROP_RULES, RMSprop } from './rmsprop.js';
import { SGD, SGD_RULES } from './sgd.js';

/** The names `createOptimizer` accepts. */
export const optimizerSpecNames = ['sgd', 'sgd_momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;

export type OptimizerSpecName = (typeof optimizerSpecNames)[number];

/** A fixture's `optimizer` object: a name and PyTorch hyper-parameters in snake_case. */
export interface OptimizerSpec {
  readonly name: string;
  readonly [key: string]: unknown;
}

type OptimizerClass = new (params: Param[], options: never) => Optimizer;

/** Each optimizer by its name, with its options (camelCase; specs spell them in snake_case). */
export const OPTIMIZERS: Readonly<Record<OptimizerName, readonly [OptimizerClass, Readonly<Record<string, Rule>>]>> = {
  sgd: [SGD, SGD_RULES],
  adam: [Adam, ADAM_RULES],
  adamw: [AdamW, ADAMW_RULES],
  rmsprop: [RMSprop, RMSPROP_RULES],
  adagrad: [Adagrad, ADAGRAD_RULES],
};

/** Creates the optimizer a spec describes; throws, listing what is accepted, on anything else. */
export function createOptimizer(params: Param[], spec: OptimizerSpec): Optimizer {
  const op = 'createOptimizer';
  const name = checkChoice(op, 'spec.name', checkObject<OptimizerSpec>(op, 'spec', spec).name, optimizerSpecNames);
  const [Class, rules] = OPTIMIZERS[name === 'sgd_momentum' ? 'sgd' : name];
  const options = Object.keys(rules);
  const keys = options.map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)); // lrDecay → lr_decay
  checkKeys(op, 'spec', spec, ['name', ...keys]);
  // Values are checked by the constructors (an undefined one takes the default); here only the keys are mapped.
  const mapped: Record<string, unknown> = Object.fromEntries(keys.map((key, k) => [options[k], spec[key]]));
  if (name === 'sgd_momentum' && !((mapped.momentum as number) > 0)) {
    throw new RangeError(`${op}: "sgd_momentum" needs momentum > 0, got ${describe(mapped.momentum)}`);
  }
  return new Class(params, mapped as never);
}
