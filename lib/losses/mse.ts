/**
 * Squared error summed over the V outputs:  ℓ(y, target) = Σ_v (y_v − target_v)²,
 * dℓ/dy = 2(y − target). The head's g2 (identity by default) comes before it.
 */
import type { Loss } from './loss.js';

export const mse: Loss = {
  name: 'mse',
  targets: 'value',
  lossAndGrad(dz, z, off, rows, V, target, tOff, weights, wOff, scale) {
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = off + r * V, t = tOff + r * V;
      const w = weights ? weights[wOff + r] : 1;
      if (w === 0) { dz.fill(0, o, o + V); continue; }
      let s = 0;
      for (let v = 0; v < V; v++) {
        const e = z[o + v] - target[t + v];
        s += e * e;
        dz[o + v] = 2 * scale * w * e;
      }
      total += w * s;
    }
    return scale * total;
  },
  predict(out, oOff, z, zOff, V) {
    for (let v = 0; v < V; v++) out[oOff + v] = z[zOff + v];
  },
};
