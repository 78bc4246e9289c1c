/**
 * The three losses on their own (lib/losses): value against the textbook formula, dL/dz
 * against central finite differences in float64, stability at logits of ±1e4, per-row weights
 * (0 = padding: no loss, zero gradient), the 1/B scale, and offsets into larger buffers.
 *
 *     L = scale · Σ_r w_r · ℓ(z_r, target_r)
 *     cross_entropy  ℓ = logsumexp(z) − z_k                dℓ/dz = softmax(z) − onehot(k)
 *     mse            ℓ = Σ_v (z_v − t_v)²                  dℓ/dz = 2(z − t)
 *     bce            ℓ = Σ_v −t log σ(z) − (1−t) log(1−σ(z)) dℓ/dz = σ(z) − t
 */
import { expect } from 'chai';
import { binaryCrossEntropy } from '../../lib/losses/binary-cross-entropy.js';
import { crossEntropy, softmax } from '../../lib/losses/cross-entropy.js';
import type { Loss } from '../../lib/losses/loss.js';
import { mse } from '../../lib/losses/mse.js';
import { getLoss } from '../../lib/losses/registry.js';
import type { Random } from '../../lib/random.js';
import { assertGradients, finiteDifferenceCheck } from '../helpers/gradcheck.js';
import { rng } from '../helpers/tensors.js';

const ROWS = 5, V = 4;

/** Targets for `loss`: class indices [rows] or values [rows, V] (probabilities for bce). */
function targetsFor(loss: Loss, r: Random, rows: number): Float64Array {
  if (loss.targets === 'class') return Float64Array.from({ length: rows }, () => r.int(V));
  return Float64Array.from({ length: rows * V }, () => (loss.name === 'bce' ? r.next() : r.uniform(-2, 2)));
}

/** The textbook per-row loss, computed naively (fine for moderate z). */
function naiveRow(loss: Loss, z: ArrayLike<number>, o: number, target: ArrayLike<number>, r: number): number {
  if (loss.name === 'cross_entropy') {
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(z[o + v]);
    return -Math.log(Math.exp(z[o + target[r]]) / sum);
  }
  let s = 0;
  for (let v = 0; v < V; v++) {
    const zv = z[o + v], t = target[r * V + v];
    if (loss.name === 'mse') s += (zv - t) ** 2;
    else {
      const p = 1 / (1 + Math.exp(-zv));
      s += -t * Math.log(p) - (1 - t) * Math.log(1 - p);
    }
  }
  return s;
}

const losses: Loss[] = [crossEntropy, mse, binaryCrossEntropy];

describe('losses', () => {
  it('the registry maps names to the three losses and rejects others with a TypeError', () => {
    expect(getLoss('cross_entropy')).to.equal(crossEntropy);
    expect(getLoss('mse')).to.equal(mse);
    expect(getLoss('bce')).to.equal(binaryCrossEntropy);
    expect(() => getLoss('hinge', 'Model')).to.throw(TypeError, /Model: loss must be one of .*"hinge"/);
  });

  for (const loss of losses) {
    describe(loss.name, () => {
      it('value = scale · Σ_r w_r · ℓ(z_r) with the textbook ℓ', () => {
        const r = rng(11);
        const z = Float64Array.from({ length: ROWS * V }, () => r.uniform(-3, 3));
        const target = targetsFor(loss, r, ROWS);
        const w = Float64Array.from({ length: ROWS }, () => r.uniform(0.5, 2));
        const dz = new Float64Array(ROWS * V);
        const got = loss.lossAndGrad(dz, z, 0, ROWS, V, target, 0, w, 0, 1 / 3);
        let want = 0;
        for (let row = 0; row < ROWS; row++) want += w[row] * naiveRow(loss, z, row * V, target, row);
        expect(got).to.be.closeTo(want / 3, 1e-12 * Math.abs(want));
      });

      it('dL/dz matches central finite differences in float64 (rel err ≤ 1e-7)', () => {
        const r = rng(12);
        const z = Float64Array.from({ length: ROWS * V }, () => r.uniform(-3, 3));
        const target = targetsFor(loss, r, ROWS);
        const w = Float64Array.from({ length: ROWS }, () => r.uniform(0.5, 2));
        const scratch = new Float64Array(ROWS * V);
        const f = () => loss.lossAndGrad(scratch, z, 0, ROWS, V, target, 0, w, 0, 0.25);
        const dz = new Float64Array(ROWS * V);
        loss.lossAndGrad(dz, z, 0, ROWS, V, target, 0, w, 0, 0.25);
        assertGradients(finiteDifferenceCheck(f, [{ name: 'z', data: z, grad: dz }]), 1e-7, `${loss.name} dz`);
      });

      it('a row of weight 0 adds no loss and gets an exactly zero gradient (even over stale dz)', () => {
        const r = rng(13);
        const z = Float64Array.from({ length: ROWS * V }, () => r.uniform(-3, 3));
        const target = targetsFor(loss, r, ROWS);
        const w = Float64Array.of(1, 0, 1, 0, 1);
        const dz = new Float64Array(ROWS * V).fill(7); // garbage from an earlier call
        const got = loss.lossAndGrad(dz, z, 0, ROWS, V, target, 0, w, 0, 1);
        let want = 0;
        for (const row of [0, 2, 4]) want += naiveRow(loss, z, row * V, target, row);
        expect(got).to.be.closeTo(want, 1e-12 * want);
        for (const row of [1, 3]) expect(Array.from(dz.subarray(row * V, row * V + V))).to.deep.equal([0, 0, 0, 0]);
        for (const row of [0, 2, 4]) for (let v = 0; v < V; v++) expect(dz[row * V + v]).to.not.equal(7);
        // changing the padded rows' logits changes nothing
        for (let v = 0; v < V; v++) z[V + v] = 1e3 * (v + 1);
        expect(loss.lossAndGrad(new Float64Array(ROWS * V), z, 0, ROWS, V, target, 0, w, 0, 1)).to.equal(got);
      });

      it('scale 1/B divides the loss and every gradient entry by B; weights null = all ones', () => {
        const r = rng(14);
        const z = Float64Array.from({ length: ROWS * V }, () => r.uniform(-3, 3));
        const target = targetsFor(loss, r, ROWS);
        const dz1 = new Float64Array(ROWS * V), dz4 = new Float64Array(ROWS * V), dzn = new Float64Array(ROWS * V);
        const ones = new Float64Array(ROWS).fill(1);
        const l1 = loss.lossAndGrad(dz1, z, 0, ROWS, V, target, 0, ones, 0, 1);
        const l4 = loss.lossAndGrad(dz4, z, 0, ROWS, V, target, 0, ones, 0, 1 / 4); // 1/4 is exact: bit-equal
        expect(l4).to.equal(l1 / 4);
        for (let i = 0; i < dz1.length; i++) expect(dz4[i]).to.equal(dz1[i] / 4);
        const l3 = loss.lossAndGrad(dz1, z, 0, ROWS, V, target, 0, ones, 0, 1 / 3);
        expect(l3).to.be.closeTo(l1 / 3, 1e-15 * l1);
        const ln = loss.lossAndGrad(dzn, z, 0, ROWS, V, target, 0, null, 0, 1 / 4);
        expect(ln).to.equal(l4);
        expect(Array.from(dzn)).to.deep.equal(Array.from(dz4));
      });

      it('reads and writes only its block at off, tOff, wOff', () => {
        const r = rng(15);
        const rows = 2, off = 3 * V, tOff = loss.targets === 'class' ? 5 : 5 * V, wOff = 2;
        const z = Float64Array.from({ length: 8 * V }, () => r.uniform(-2, 2));
        const bigTarget = targetsFor(loss, r, 10);
        const w = Float64Array.of(9, 9, 1, 0.5, 9);
        const dz = new Float64Array(8 * V).fill(-5);
        const got = loss.lossAndGrad(dz, z, off, rows, V, bigTarget, tOff, w, wOff, 1);
        // the same block copied to offset 0
        const z0 = z.slice(off, off + rows * V);
        const t0 = loss.targets === 'class' ? bigTarget.slice(tOff, tOff + rows) : bigTarget.slice(tOff, tOff + rows * V);
        const dz0 = new Float64Array(rows * V);
        const want = loss.lossAndGrad(dz0, z0, 0, rows, V, t0, 0, w.slice(wOff, wOff + rows), 0, 1);
        expect(got).to.equal(want);
        expect(Array.from(dz.subarray(off, off + rows * V))).to.deep.equal(Array.from(dz0));
        for (let i = 0; i < dz.length; i++) if (i < off || i >= off + rows * V) expect(dz[i]).to.equal(-5);
      });

      it('float32 buffers give the float64 answer to float32 precision', () => {
        const r = rng(16);
        const z64 = Float64Array.from({ length: ROWS * V }, () => Math.fround(r.uniform(-3, 3)));
        const z32 = Float32Array.from(z64);
        const target = targetsFor(loss, r, ROWS);
        const d64 = new Float64Array(ROWS * V), d32 = new Float32Array(ROWS * V);
        const l64 = loss.lossAndGrad(d64, z64, 0, ROWS, V, target, 0, null, 0, 0.5);
        const l32 = loss.lossAndGrad(d32, z32, 0, ROWS, V, target, 0, null, 0, 0.5);
        expect(l32).to.be.closeTo(l64, 1e-12 * l64); // the sums run in float64 locals
        for (let i = 0; i < d64.length; i++) expect(d32[i]).to.be.closeTo(d64[i], 1e-6);
      });
    });
  }

  describe('stability at extreme logits', () => {
    it('cross-entropy with logits ±1e4 is finite and exact: logsumexp subtracts the max', () => {
      const z = Float64Array.of(1e4, -1e4, 0, 1e4 - 1, /* row 2 */ -1e4, -1e4, -1e4, -1e4 + 2);
      const target = [1, 3];
      const dz = new Float64Array(8);
      const L = crossEntropy.lossAndGrad(dz, z, 0, 2, 4, target, 0, null, 0, 1);
      // row 1: lse = 1e4 + log(1 + e^−1) (the ±1e4 and 0 terms underflow to exactly 0 beside it)
      const lse1 = 1e4 + Math.log1p(Math.exp(-1));
      // row 2: lse = −1e4 + 2 + log(1 + 3e^−2)
      const lse2 = -1e4 + 2 + Math.log1p(3 * Math.exp(-2));
      const want = (lse1 - -1e4) + (lse2 - (-1e4 + 2));
      expect(Number.isFinite(L)).to.equal(true);
      expect(L).to.be.closeTo(want, 1e-9);
      for (const g of dz) expect(Number.isFinite(g)).to.equal(true);
      // dz = exp(z − lse) − onehot: z − lse is rounded at the scale of 1e4 (ulp ≈ 2e-12)
      const p0 = 1 / (1 + Math.exp(-1));
      expect(dz[0]).to.be.closeTo(p0, 1e-11);
      expect(dz[1]).to.equal(-1); // p = 0 exactly, minus the one-hot
      expect(dz[2]).to.equal(0);
      expect(dz[3]).to.be.closeTo(1 - p0, 1e-11);
      const q = Math.exp(-2) / (1 + 3 * Math.exp(-2));
      expect(dz[4]).to.be.closeTo(q, 1e-11);
      expect(dz[7]).to.be.closeTo(1 / (1 + 3 * Math.exp(-2)) - 1, 1e-11);
      // the predicted class at ±1e4 costs nothing
      expect(crossEntropy.lossAndGrad(new Float64Array(2), Float64Array.of(1e4, -1e4), 0, 1, 2, [0], 0, null, 0, 1)).to.equal(0);
    });

    it('softmax at ±1e4 is finite, sums to 1 and puts all mass on the max', () => {
      const out = new Float64Array(3);
      softmax(out, 0, Float64Array.of(-1e4, 1e4, 0), 0, 3);
      expect(Array.from(out)).to.deep.equal([0, 1, 0]);
      const out32 = new Float32Array(3);
      softmax(out32, 0, Float32Array.of(1e4, 1e4, -1e4), 0, 3);
      expect(Array.from(out32)).to.deep.equal([0.5, 0.5, 0]);
    });

    it('binary cross-entropy with logits ±1e4 is finite: ℓ = |z| when wrong, 0 when right, dz = σ(z) − t exactly', () => {
      const z = Float64Array.of(1e4, 1e4, -1e4, -1e4, 1e4, -1e4);
      const t = Float64Array.of(0, 1, 1, 0, 0.5, 0.25);
      const dz = new Float64Array(6);
      const L = binaryCrossEntropy.lossAndGrad(dz, z, 0, 1, 6, t, 0, null, 0, 1);
      // ℓ = max(z,0) − z·t + log1p(e^−|z|):  1e4, 0, 1e4, 0, 5e3, 2.5e3
      expect(L).to.equal(1e4 + 0 + 1e4 + 0 + 5e3 + 2.5e3);
      expect(Array.from(dz)).to.deep.equal([1, 0, -1, 0, 0.5, -0.25]);
      const z32 = Float32Array.of(1e4, -1e4), d32 = new Float32Array(2);
      expect(binaryCrossEntropy.lossAndGrad(d32, z32, 0, 1, 2, [1, 1], 0, null, 0, 1)).to.equal(1e4);
      expect(Array.from(d32)).to.deep.equal([0, -1]);
    });

    it('binary cross-entropy near z = 0 and at moderate |z| agrees with −t log σ − (1−t) log(1−σ)', () => {
      for (const zv of [-30, -5, -1e-8, 0, 1e-8, 5, 30]) {
        for (const tv of [0, 0.3, 1]) {
          const got = binaryCrossEntropy.lossAndGrad(new Float64Array(1), Float64Array.of(zv), 0, 1, 1, [tv], 0, null, 0, 1);
          // log σ(z) = −log1p(e^−z), log(1 − σ(z)) = −z − log1p(e^−z), written stably for both signs
          const logSig = zv >= 0 ? -Math.log1p(Math.exp(-zv)) : zv - Math.log1p(Math.exp(zv));
          const log1mSig = logSig - zv;
          const want = -tv * logSig - (1 - tv) * log1mSig;
          expect(got).to.be.closeTo(want, 1e-12 * Math.max(1, Math.abs(want)));
        }
      }
    });

    it('mse with outputs of ±1e4 is the plain squared error', () => {
      const dz = new Float64Array(2);
      const L = mse.lossAndGrad(dz, Float64Array.of(1e4, -1e4), 0, 1, 2, [0, 1], 0, null, 0, 0.5);
      expect(L).to.equal(0.5 * (1e8 + 10001 * 10001));
      expect(Array.from(dz)).to.deep.equal([1e4, -10001]);
    });
  });
});
