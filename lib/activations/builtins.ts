/**
 * The built-in activations: sigmoid σ, tanh, ReLU and identity, each stable for any finite
 * input (no overflowing exp: σ(z) = 1/(1+e^{−z}) for z ≥ 0 and e^{z}/(1+e^{z}) otherwise).
 */
import type { FloatArray } from '../tensor.js';
import type { Activation } from './activation.js';

/** σ(z) without overflow for any finite z: e = e^{−|z|} ≤ 1, then 1/(1+e) or e/(1+e). */
export function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * tanh(z) = (e^{2z} − 1)/(e^{2z} + 1) through expm1, exact to a few ulp even near 0 and about
 * a quarter faster than Math.tanh in V8; |z| > 20 rounds to ±1 in float64 anyway.
 */
export function tanh(z: number): number {
  if (z > 20) return 1;
  if (z < -20) return -1;
  const e = Math.expm1(2 * z);
  return e / (e + 2);
}

export const sigmoidActivation: Activation = {
  name: 'sigmoid',
  forward(y: FloatArray, yOff: number, z: FloatArray, zOff: number, n: number) {
    for (let i = 0; i < n; i++) y[yOff + i] = sigmoid(z[zOff + i]);
  },
  // σ'(z) = y(1 − y)
  backward(dz, dzOff, dy, dyOff, _z, _zOff, y, yOff, n) {
    for (let i = 0; i < n; i++) {
      const s = y[yOff + i];
      dz[dzOff + i] = dy[dyOff + i] * s * (1 - s);
    }
  },
};

export const tanhActivation: Activation = {
  name: 'tanh',
  forward(y, yOff, z, zOff, n) {
    for (let i = 0; i < n; i++) y[yOff + i] = tanh(z[zOff + i]);
  },
  // tanh'(z) = 1 − y²
  backward(dz, dzOff, dy, dyOff, _z, _zOff, y, yOff, n) {
    for (let i = 0; i < n; i++) {
      const t = y[yOff + i];
      dz[dzOff + i] = dy[dyOff + i] * (1 - t * t);
    }
  },
};

export const reluActivation: Activation = {
  name: 'relu',
  forward(y, yOff, z, zOff, n) {
    for (let i = 0; i < n; i++) {
      const v = z[zOff + i];
      y[yOff + i] = v > 0 ? v : 0;
    }
  },
  // ReLU'(z) = 1 where y > 0, else 0 (PyTorch's choice at z = 0)
  backward(dz, dzOff, dy, dyOff, _z, _zOff, y, yOff, n) {
    for (let i = 0; i < n; i++) dz[dzOff + i] = y[yOff + i] > 0 ? dy[dyOff + i] : 0;
  },
};

export const identityActivation: Activation = {
  name: 'identity',
  forward(y, yOff, z, zOff, n) {
    if (y !== z || yOff !== zOff) for (let i = 0; i < n; i++) y[yOff + i] = z[zOff + i];
  },
  backward(dz, dzOff, dy, dyOff, _z, _zOff, _y, _yOff, n) {
    if (dz !== dy || dzOff !== dyOff) for (let i = 0; i < n; i++) dz[dzOff + i] = dy[dyOff + i];
  },
};
