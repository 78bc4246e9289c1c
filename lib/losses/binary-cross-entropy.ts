/**
 * Binary cross-entropy on sigmoid outputs, computed from the logits z for stability:
 *     ℓ(z, t) = Σ_v max(z_v, 0) − z_v·t_v + log(1 + e^{−|z_v|})   (= −t log σ(z) − (1−t) log(1−σ(z)))
 *     dℓ/dz = σ(z) − t
 * Targets are probabilities in [0, 1].
 */
import { sigmoid } from '../activations/builtins.js';
import type { Loss } from './loss.js';

export const binaryCrossEntropy: Loss = {
  name: 'bce',
  targets: 'value',
  lossAndGrad(dz, z, off, rows, V, target, tOff, weights, wOff, scale) {
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = off + r * V, t = tOff + r * V;
      const w = weights ? weights[wOff + r] : 1;
      if (w === 0) { dz.fill(0, o, o + V); continue; }
      let s = 0;
      for (let v = 0; v < V; v++) {
        const zv = z[o + v], tv = target[t + v];
        s += Math.max(zv, 0) - zv * tv + Math.log1p(Math.exp(-Math.abs(zv)));
        dz[o + v] = scale * w * (sigmoid(zv) - tv);
      }
      total += w * s;
    }
    return scale * total;
  },
  predict(out, oOff, z, zOff, V) {
    for (let v = 0; v < V; v++) out[oOff + v] = sigmoid(z[zOff + v]);
  },
};
