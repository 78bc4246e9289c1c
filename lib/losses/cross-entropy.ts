/**
 * Softmax cross-entropy against class labels:
 *     ℓ(z, k) = −log softmax(z)_k = logsumexp(z) − z_k,      dℓ/dz = softmax(z) − onehot(k)
 * log-sum-exp subtracts max(z) first, so logits of ±1e4 neither overflow nor lose the answer.
 */
import type { FloatArray } from '../tensor.js';
import type { Loss } from './loss.js';

/** out[oOff…+V] = softmax(z[zOff…+V]), stable for any finite z. */
export function softmax(out: FloatArray, oOff: number, z: FloatArray, zOff: number, V: number): FloatArray {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (z[zOff + v] > max) max = z[zOff + v];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(z[zOff + v] - max);
  for (let v = 0; v < V; v++) out[oOff + v] = Math.exp(z[zOff + v] - max) / sum;
  return out;
}

export const crossEntropy: Loss = {
  name: 'cross_entropy',
  targets: 'class',
  lossAndGrad(dz, z, off, rows, V, target, tOff, weights, wOff, scale) {
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = off + r * V;
      const w = weights ? weights[wOff + r] : 1;
      if (w === 0) { dz.fill(0, o, o + V); continue; }
      const k = target[tOff + r];
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (z[o + v] > max) max = z[o + v];
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(z[o + v] - max);
      // −log softmax(z)_k = (max − z_k) + log Σ e^{z−max}: no large terms cancel
      total += w * (max - z[o + k] + Math.log(sum));
      const c = scale * w;
      for (let v = 0; v < V; v++) dz[o + v] = c * (Math.exp(z[o + v] - max) / sum - (v === k ? 1 : 0));
    }
    return scale * total;
  },
  predict: softmax,
};
