/**
 * The Recurrent stack's contracts beyond the math: preallocated workspaces (STYLE §4),
 * gradient accumulation and zeroGrad, seeded initialisation, default initial states,
 * gradNorms, and batch-first as a pure relayout of time-major.
 */
import { expect } from 'chai';
import { Recurrent, type RecurrentOptions } from '../../lib/layers/recurrent.js';
import type { Tensor } from '../../lib/tensor.js';
import { copy64, normalTensor, rng, transpose01, uniformTensor } from '../helpers/tensors.js';
import { forEachBackend } from '../helpers/backends.js';

const I = 3, H = 4;

function make(mode: string, extra: Partial<RecurrentOptions> = {}): Recurrent {
  return new Recurrent({ mode, inputSize: I, hiddenSize: H, dtype: 'float64', seed: 3, ...extra });
}

/** Time-major inputs and upstream gradients for `net`, float64. */
function inputs(net: Recurrent, T: number, B: number, seed = 9) {
  const r = rng(seed), D = net.directions, ss = [net.numLayers * D, B, H];
  const dtype = net.dtype;
  return {
    x: uniformTensor(r, [T, B, I], -1, 1, dtype),
    h0: uniformTensor(r, ss, -0.5, 0.5, dtype),
    c0: net.hasCellState ? uniformTensor(r, ss, -0.5, 0.5, dtype) : null,
    dOut: normalTensor(r, [T, B, D * H], 1, dtype),
    dhN: normalTensor(r, ss, 1, dtype),
    dcN: net.hasCellState ? normalTensor(r, ss, 1, dtype) : null,
  };
}

const grads = (net: Recurrent) => net.params.map((p) => copy64(p.grad));

forEachBackend('Recurrent workspaces', () => {
  for (const mode of ['rnn_tanh', 'gru', 'lstm']) {
    it(`${mode}: repeated forward+backward of one shape allocates nothing and returns the same views`, () => {
      const net = make(mode, { numLayers: 2, bidirectional: true, dtype: 'float32' });
      const v = inputs(net, 6, 2);
      const out1 = net.forward(v.x, v.h0, v.c0);
      const g1 = net.backward(v.dOut, v.dhN, v.dcN);
      const allocs = net.workspaceAllocations;
      expect(allocs).to.equal(1);
      const outData = out1.output.data, first = copy64(outData), dx = g1.dx.data;
      for (let i = 0; i < 3; i++) {
        const out = net.forward(v.x, v.h0, v.c0);
        const g = net.backward(v.dOut, v.dhN, v.dcN);
        expect(net.workspaceAllocations).to.equal(allocs);
        expect(out.output.data).to.equal(outData); // the same object, not a copy
        expect(out.hN.data).to.equal(out1.hN.data);
        expect(g.dx.data).to.equal(dx);
        expect(g.dh0.data).to.equal(g1.dh0.data);
        expect(Array.from(out.output.data)).to.deep.equal(Array.from(first));
      }
    });
  }

  it('a new shape (T or B) reallocates once, then stays put', () => {
    const net = make('lstm', { numLayers: 2 });
    const a = inputs(net, 5, 2), b = inputs(net, 7, 2), c = inputs(net, 7, 3);
    net.forward(a.x, a.h0, a.c0);
    net.backward(a.dOut, a.dhN, a.dcN);
    expect(net.workspaceAllocations).to.equal(1);
    for (const [v, n] of [[b, 2], [c, 3]] as const) {
      for (let i = 0; i < 3; i++) {
        const out = net.forward(v.x, v.h0, v.c0);
        expect(out.output.shape).to.deep.equal(v.dOut.shape);
        net.backward(v.dOut, v.dhN, v.dcN);
        expect(net.workspaceAllocations, `after shape ${v.x.shape}, call ${i + 1}`).to.equal(n);
      }
    }
  });

  it('results after a reallocation equal those of a fresh net', () => {
    const net = make('gru', { bidirectional: true }), fresh = make('gru', { bidirectional: true });
    const a = inputs(net, 5, 2), b = inputs(net, 8, 3, 21);
    net.forward(a.x, a.h0);
    net.backward(a.dOut, a.dhN);
    net.zeroGrad();
    const o1 = copy64(net.forward(b.x, b.h0).output.data);
    const d1 = copy64(net.backward(b.dOut, b.dhN).dx.data);
    const o2 = copy64(fresh.forward(b.x, b.h0).output.data);
    const d2 = copy64(fresh.backward(b.dOut, b.dhN).dx.data);
    expect(Array.from(o1)).to.deep.equal(Array.from(o2));
    expect(Array.from(d1)).to.deep.equal(Array.from(d2));
    expect(grads(net).map((g) => Array.from(g))).to.deep.equal(grads(fresh).map((g) => Array.from(g)));
  });
});

forEachBackend('Recurrent gradient accumulation', () => {
  for (const mode of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm']) {
    it(`${mode}: two forward+backward passes give twice the grads of one (dx is not accumulated); a second backward needs a new forward; zeroGrad clears`, () => {
      const net = make(mode, { numLayers: 2, bidirectional: true });
      const v = inputs(net, 5, 2);
      net.zeroGrad();
      net.forward(v.x, v.h0, v.c0);
      const dx1 = copy64(net.backward(v.dOut, v.dhN, v.dcN).dx.data);
      const one = grads(net);
      expect(one.some((g) => g.some((e) => e !== 0)), 'grads are all zero').to.equal(true);
      // backward used up the forward's caches: a second one is refused and changes nothing
      expect(() => net.backward(v.dOut, v.dhN, v.dcN)).to.throw(Error, /backward: call forward again first/);
      grads(net).forEach((g, i) => expect(Array.from(g), net.params[i].name).to.deep.equal(Array.from(one[i])));
      // the same forward and backward again: float64 doubling is exact
      net.forward(v.x, v.h0, v.c0);
      const dx2 = copy64(net.backward(v.dOut, v.dhN, v.dcN).dx.data);
      grads(net).forEach((g, i) => expect(Array.from(g), net.params[i].name).to.deep.equal(Array.from(one[i], (e) => 2 * e)));
      expect(Array.from(dx2)).to.deep.equal(Array.from(dx1));
      // a third pass adds a third time
      net.forward(v.x, v.h0, v.c0);
      net.backward(v.dOut, v.dhN, v.dcN);
      grads(net).forEach((g, i) => expect(Array.from(g), net.params[i].name).to.deep.equal(Array.from(one[i], (e) => 3 * e)));
      net.zeroGrad();
      for (const p of net.params) expect(p.grad.every((e) => e === 0), p.name).to.equal(true);
      // and zeroGrad leaves values alone
      net.forward(v.x, v.h0, v.c0);
      net.backward(v.dOut, v.dhN, v.dcN);
      grads(net).forEach((g, i) => expect(Array.from(g), net.params[i].name).to.deep.equal(Array.from(one[i])));
    });
  }
});

forEachBackend('Recurrent initialisation', () => {
  const opts = (seed: number, dtype: 'float32' | 'float64'): RecurrentOptions => ({
    mode: 'lstm', inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true, dtype, seed,
  });
  const values = (net: Recurrent) => net.params.map((p) => Array.from(p.value));

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: same seed → identical params, different seed → different`, () => {
      const a = new Recurrent(opts(12, dtype)), b = new Recurrent(opts(12, dtype)), c = new Recurrent(opts(13, dtype));
      expect(values(a)).to.deep.equal(values(b));
      a.params.forEach((p, i) => {
        const q = c.params[i];
        expect(p.value.some((v, j) => v !== q.value[j]), `${p.name} should differ with another seed`).to.equal(true);
      });
      // resetParameters(seed) reproduces the constructor's initialisation
      c.resetParameters(12);
      expect(values(c)).to.deep.equal(values(a));
    });

    it(`${dtype}: every value lies in [−1/√H, 1/√H] and fills most of it`, () => {
      const net = new Recurrent(opts(5, dtype));
      const k = 1 / Math.sqrt(7), bound = dtype === 'float32' ? Math.fround(k) : k;
      for (const p of net.params) {
        let max = 0;
        for (const v of p.value) {
          expect(Math.abs(v), p.name).to.be.at.most(bound);
          max = Math.max(max, Math.abs(v));
        }
        expect(max, `${p.name} spread`).to.be.greaterThan(0.5 * k);
      }
    });
  }

  it('default seed is deterministic too', () => {
    const a = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    const b = new Recurrent({ mode: 'gru', inputSize: 2, hiddenSize: 3 });
    expect(values(a)).to.deep.equal(values(b));
  });
});

forEachBackend('Recurrent initial states', () => {
  for (const mode of ['rnn_tanh', 'gru', 'lstm']) {
    it(`${mode}: omitted h0${mode === 'lstm' ? '/c0' : ''} equals zeros (forward and backward)`, () => {
      const net = make(mode, { numLayers: 2, bidirectional: true });
      const v = inputs(net, 4, 3);
      const zeros = { data: new Float64Array(v.h0.data.length), shape: v.h0.shape };
      const run = (h0: Tensor | null, c0: Tensor | null) => {
        const o = net.forward(v.x, h0, c0);
        const res = [copy64(o.output.data), copy64(o.hN.data), copy64(o.cN?.data ?? [])];
        net.zeroGrad();
        const g = net.backward(v.dOut, v.dhN, v.dcN);
        res.push(copy64(g.dx.data), copy64(g.dh0.data), copy64(g.dc0?.data ?? []), ...grads(net));
        return res.map((a) => Array.from(a));
      };
      const lstm = mode === 'lstm';
      const omitted = run(null, null);
      expect(run(zeros, lstm ? zeros : null)).to.deep.equal(omitted);
      expect(omitted[0].some((e) => e !== 0)).to.equal(true);
      if (lstm) {
        // each may be omitted on its own
        expect(run(zeros, null)).to.deep.equal(omitted);
        expect(run(null, zeros)).to.deep.equal(omitted);
      }
    });
  }
});

forEachBackend('Recurrent.gradNorms', () => {
  it('throws before the first forward', () => {
    expect(() => make('gru').gradNorms()).to.throw(Error, /GRU\.gradNorms/);
  });

  for (const [mode, L, bidirectional] of [['rnn_tanh', 1, false], ['gru', 2, true], ['lstm', 3, true]] as const) {
    it(`${mode} L=${L} D=${bidirectional ? 2 : 1}: shape [L·D, T], finite, non-negative, and ‖dL/da⟨t⟩‖ at each direction's first backward step`, () => {
      const net = make(mode, { numLayers: L, bidirectional });
      const T = 6, B = 2, D = net.directions;
      const v = inputs(net, T, B);
      net.forward(v.x, v.h0, v.c0);
      net.backward(v.dOut, v.dhN, v.dcN);
      const g = net.gradNorms();
      expect(g.shape).to.deep.equal([L * D, T]);
      expect(g.data.length).to.equal(L * D * T);
      for (const e of g.data) expect(Number.isFinite(e) && e >= 0, String(e)).to.equal(true);
      // top layer: the first step of backward sees only dOutput⟨t⟩ + dh_n
      const k = L - 1;
      for (let d = 0; d < D; d++) {
        const t = d === 0 ? T - 1 : 0, row = k * D + d;
        let s = 0;
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < H; j++) {
            const e = v.dOut.data[(t * B + b) * D * H + d * H + j] + v.dhN.data[(row * B + b) * H + j];
            s += e * e;
          }
        }
        expect(g.data[row * T + t], `row ${row}, t ${t}`).to.be.closeTo(Math.sqrt(s), 1e-12 * Math.sqrt(s));
      }
    });
  }
});

forEachBackend('Recurrent batchFirst', () => {
  for (const mode of ['rnn_relu', 'gru', 'lstm']) {
    it(`${mode}: batch-first is time-major transposed (output, dx), with identical states and grads`, () => {
      const cfg = { numLayers: 2, bidirectional: true };
      const tm = make(mode, cfg), bf = make(mode, { ...cfg, batchFirst: true });
      const v = inputs(tm, 5, 3);
      const o1 = tm.forward(v.x, v.h0, v.c0);
      const out1 = transpose01(o1.output), h1 = copy64(o1.hN.data), c1 = copy64(o1.cN?.data ?? []);
      const o2 = bf.forward(transpose01(v.x), v.h0, v.c0);
      expect(o2.output.shape).to.deep.equal([3, 5, 2 * H]);
      expect(Array.from(o2.output.data)).to.deep.equal(Array.from(out1.data));
      expect(Array.from(o2.hN.data)).to.deep.equal(Array.from(h1));
      expect(Array.from(o2.cN?.data ?? [])).to.deep.equal(Array.from(c1));

      const g1 = tm.backward(v.dOut, v.dhN, v.dcN);
      const dx1 = transpose01(g1.dx), dh1 = copy64(g1.dh0.data), norms1 = copy64(tm.gradNorms().data);
      const g2 = bf.backward(transpose01(v.dOut), v.dhN, v.dcN);
      expect(g2.dx.shape).to.deep.equal([3, 5, I]);
      expect(Array.from(g2.dx.data)).to.deep.equal(Array.from(dx1.data));
      expect(Array.from(g2.dh0.data)).to.deep.equal(Array.from(dh1));
      expect(grads(bf).map((g) => Array.from(g))).to.deep.equal(grads(tm).map((g) => Array.from(g)));
      expect(Array.from(bf.gradNorms().data)).to.deep.equal(Array.from(norms1));
    });
  }
});
