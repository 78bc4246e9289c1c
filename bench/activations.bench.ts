/** Activation suite: the built-in activations' forward and backward over one large row. */
import { getActivation } from '../lib/activations/registry.js';
import { Random } from '../lib/random.js';
import { type Row, runCases } from './suite.js';

export function runActivationSuite(maxTime = 1): Row[] {
  const n = 1 << 20, rng = new Random(3);
  const z = Float32Array.from({ length: n }, () => rng.uniform(-4, 4));
  const y = new Float32Array(n), dy = Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), dz = new Float32Array(n);
  const cases = ['sigmoid', 'tanh', 'relu'].flatMap((name) => {
    const g = getActivation(name);
    g.forward(y, 0, z, 0, n);
    return [
      { name: `${name} forward, 2^20 floats`, fn: () => g.forward(y, 0, z, 0, n), flops: null, elements: n },
      { name: `${name} backward, 2^20 floats`, fn: () => g.backward(dz, 0, dy, 0, z, 0, y, 0, n), flops: null, elements: n },
    ];
  });
  return runCases('Activations (float32, element-wise)', cases, maxTime);
}
