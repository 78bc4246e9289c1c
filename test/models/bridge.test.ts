/**
 * The encoder–decoder bridge (lib/models/bridge.ts): where each encoder final state lands in
 * the decoder's initial state, repeated rows for beam search, and bridgeBack as its adjoint.
 */
import { expect } from 'chai';
import { bridge, bridgeBack } from '../../lib/models/bridge.js';

describe('bridge: encoder final states [L·D, B, H] → decoder initial state [L, B·r, D·H]', () => {
  // value of state[(l·D + d), b, j] names its position: 1000·l + 100·d + 10·b + j
  const L = 2, D = 2, H = 3, B = 2;
  const state = new Float64Array(L * D * B * H);
  for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
    state[((l * D + d) * B + b) * H + j] = 1000 * l + 100 * d + 10 * b + j;
  }

  it('puts [h_fwd; h_bwd] of layer l, row b at decoder layer l, row b', () => {
    const out = new Float64Array(L * B * D * H).fill(NaN);
    bridge(out, state, L, D, H, B);
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) {
      expect(out[(l * B + b) * D * H + d * H + j]).to.equal(1000 * l + 100 * d + 10 * b + j);
    }
  });

  it('repeats each source row r times side by side (beam search: rows b·r … b·r + r − 1)', () => {
    const r = 3, out = new Float64Array(L * B * r * D * H).fill(NaN);
    bridge(out, state, L, D, H, B, r);
    for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) for (let i = 0; i < r; i++) for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) {
      expect(out[(l * B * r + b * r + i) * D * H + d * H + j]).to.equal(1000 * l + 100 * d + 10 * b + j);
    }
  });

  it('bridgeBack is its adjoint: ⟨bridge(x), y⟩ = ⟨x, bridgeBack(y)⟩', () => {
    const y = Float64Array.from({ length: L * B * D * H }, (_, i) => Math.sin(i + 1));
    const fx = new Float64Array(y.length), by = new Float64Array(state.length).fill(NaN);
    bridge(fx, state, L, D, H, B);
    bridgeBack(by, y, L, D, H, B);
    let left = 0, right = 0;
    for (let i = 0; i < y.length; i++) left += fx[i] * y[i];
    for (let i = 0; i < state.length; i++) right += state[i] * by[i];
    expect(by.every(Number.isFinite)).to.equal(true);
    expect(left).to.be.closeTo(right, 1e-9 * Math.abs(left));
  });
});
