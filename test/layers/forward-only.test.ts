/**
 * `rnnkit/inference` (lib/inference.ts): the forward-only LSTM, GRU and RNN. They must be the
 * trainable classes minus BPTT: the same options and checks, the same parameters (names,
 * shapes, order, seeded values) and bit-for-bit the same forward results, on both backends,
 * for every layout the trainable classes take (stacked, bidirectional, batch-first, no bias,
 * per-row lengths, initial states, float32 and float64, a float64 x into a float32 layer).
 */
import { expect } from 'chai';
import * as inference from '../../lib/inference.js';
import { GRU, LSTM, RNN, loadStateDict, stateDictOf, type Tensor } from '../../lib/index.js';
import type { StackOptions } from '../../lib/layers/stack-forward.js';
import { loadGemmKernel } from '../../lib/kernels/wasm/gemm-wasm.js';
import { forEachBackend } from '../helpers/backends.js';
import { rng, uniformTensor } from '../helpers/tensors.js';

type Kind = 'LSTM' | 'GRU' | 'RNN';
const trainable = { LSTM, GRU, RNN } as const;

interface Case {
  kind: Kind;
  options: Partial<StackOptions> & { nonlinearity?: string };
}

// H = 8 runs the fused wasm forward for LSTM and GRU; H = 5 the layer's own time loop
const CASES: Case[] = [
  { kind: 'LSTM', options: { hiddenSize: 8 } },
  { kind: 'LSTM', options: { hiddenSize: 5, numLayers: 2, bidirectional: true } },
  { kind: 'LSTM', options: { hiddenSize: 8, numLayers: 2, batchFirst: true, dropout: 0.5 } },
  { kind: 'LSTM', options: { hiddenSize: 8, bias: false, dtype: 'float64' } },
  { kind: 'GRU', options: { hiddenSize: 8, bidirectional: true } },
  { kind: 'GRU', options: { hiddenSize: 5, numLayers: 3 } },
  { kind: 'RNN', options: { hiddenSize: 6, numLayers: 2, nonlinearity: 'relu' } },
  { kind: 'RNN', options: { hiddenSize: 4, bidirectional: true, dtype: 'float64' } },
];

const I = 3, T = 6, B = 3;

function pair(c: Case) {
  const options = { inputSize: I, hiddenSize: 4, seed: 11, ...c.options } as StackOptions;
  // the trainable stack in eval mode is the reference: dropout does not apply
  const ref = new trainable[c.kind](options).eval();
  const fwd = new inference[c.kind](options);
  return { ref, fwd };
}

function inputsFor(net: { numLayers: number; directions: number; hiddenSize: number; hasCellState: boolean; batchFirst: boolean; dtype: 'float32' | 'float64' }, seed: number) {
  const r = rng(seed), ss = [net.numLayers * net.directions, B, net.hiddenSize];
  return {
    x: uniformTensor(r, net.batchFirst ? [B, T, I] : [T, B, I], -1, 1, net.dtype),
    h0: uniformTensor(r, ss, -0.5, 0.5, net.dtype),
    c0: net.hasCellState ? uniformTensor(r, ss, -0.5, 0.5, net.dtype) : null,
  };
}

const bits = (t: Tensor | null) => (t ? Array.from(t.data) : null);

forEachBackend('forward-only LSTM, GRU, RNN (rnnkit/inference)', () => {
  for (const c of CASES) {
    const label = `${c.kind} ${JSON.stringify(c.options)}`;

    it(`${label}: the same parameters as the trainable class (names, shapes, order, seeded values)`, () => {
      const { ref, fwd } = pair(c);
      expect(fwd.params.map((p) => p.name)).to.deep.equal(ref.params.map((p) => p.name));
      expect(fwd.params.map((p) => p.shape)).to.deep.equal(ref.params.map((p) => p.shape));
      fwd.params.forEach((p, i) => expect(Array.from(p.value), p.name).to.deep.equal(Array.from(ref.params[i].value)));
    });

    it(`${label}: output, h_n and c_n equal the trainable class's bit for bit (with and without h0, c0, lengths)`, () => {
      const { ref, fwd } = pair(c);
      const v = inputsFor(ref, 5);
      const lengths = [T, 2, 4];
      for (const [h0, c0, lens] of [[null, null, null], [v.h0, v.c0, null], [v.h0, v.c0, lengths]] as const) {
        const a = ref.forward(v.x, h0, c0, lens), b = fwd.forward(v.x, h0, c0, lens);
        expect(bits(b.output)).to.deep.equal(bits(a.output));
        expect(b.output.shape).to.deep.equal(a.output.shape);
        expect(bits(b.hN)).to.deep.equal(bits(a.hN));
        expect(bits(b.cN)).to.deep.equal(bits(a.cN));
      }
    });
  }

  it('a float64 x into a float32 layer (the TypeScript kernels read it) equals the trainable class', () => {
    const { ref, fwd } = pair({ kind: 'GRU', options: { hiddenSize: 5 } });
    const x = uniformTensor(rng(3), [T, B, I], -1, 1, 'float64');
    expect(bits(fwd.forward(x).output)).to.deep.equal(bits(ref.forward(x).output));
  });

  it('weights loaded from the trainable class (stateDictOf → loadStateDict) give its outputs', () => {
    const ref = new LSTM({ inputSize: I, hiddenSize: 8, numLayers: 2, seed: 1 });
    const fwd = new inference.LSTM({ inputSize: I, hiddenSize: 8, numLayers: 2, seed: 2 });
    const x = uniformTensor(rng(4), [T, B, I], -1, 1, 'float32');
    expect(bits(fwd.forward(x).output)).to.not.deep.equal(bits(ref.forward(x).output));
    loadStateDict(fwd.params, stateDictOf(ref.params));
    expect(bits(fwd.forward(x).output)).to.deep.equal(bits(ref.forward(x).output));
  });

  it('a stream of one step per call, frozen with withFrozen(stack.layers.flat(), …), equals the same stream unfrozen and one forward over the whole sequence', () => {
    for (const net of [new inference.GRU({ inputSize: I, hiddenSize: 8, numLayers: 2 }), new inference.LSTM({ inputSize: I, hiddenSize: 5, numLayers: 2 })]) {
      const x = uniformTensor(rng(6), [T, B, I], -1, 1, 'float32');
      const whole = bits(net.forward(x).output);
      const stream = () => {
        const shape = [2, B, net.hiddenSize], h0 = { data: new Float32Array(2 * B * net.hiddenSize), shape };
        const c0 = net.hasCellState ? { data: new Float32Array(2 * B * net.hiddenSize), shape } : null;
        const outputs: number[] = [];
        for (let t = 0; t < T; t++) {
          const frame = { data: x.data.subarray(t * B * I, (t + 1) * B * I), shape: [1, B, I] };
          const out = net.forward(frame, h0, c0);
          outputs.push(...out.output.data);
          h0.data.set(out.hN.data);
          if (c0) c0.data.set(out.cN!.data);
        }
        return outputs;
      };
      const plain = stream();
      expect(inference.withFrozen(net.layers.flat(), stream)).to.deep.equal(plain);
      expect(net.withFrozenWeights(stream), 'the stack\'s own withFrozenWeights').to.deep.equal(plain);
      expect(plain.length).to.equal(whole!.length);
      plain.forEach((v, i) => expect(v).to.be.closeTo(whole![i], 1e-6));
    }
  });

  it('a frozen forward over many steps equals the plain forward bit for bit, runs the fused wasm pass, and sees no weight changed inside', function () {
    const backend = this.test!.parent!.title.endsWith('[wasm]') ? 'wasm' : 'js';
    for (const net of [new inference.LSTM({ inputSize: I, hiddenSize: 8, numLayers: 2 }), new GRU({ inputSize: I, hiddenSize: 8, bidirectional: true })]) {
      const x = uniformTensor(rng(7), [T, B, I], -1, 1, 'float32');
      const plain = bits(net.forward(x).output);
      // the fused pass runs the cell kernel at a new place in its staging area at each step; the
      // layer's own loop (fusedStep) at one place for every step
      const k = loadGemmKernel(), cellStep = net.hasCellState ? 'lstmStep' : 'gruStep';
      const places = new Set<number>();
      const exports = k ? k.exports : null, original = exports ? exports[cellStep] as (...a: number[]) => void : null;
      // (the instance's exports object is frozen: the kernel gets a copy with the step spied on)
      if (k && original && backend === 'wasm') k.exports = { ...exports, [cellStep]: (g: number, ...rest: number[]) => { places.add(g); return original(g, ...rest); } };
      try {
        const [first, again] = inference.withFrozen(net.layers.flat(), () => {
          const a = bits(net.forward(x).output);
          net.layers[0][0].weightIh.value[0] += 1; // not seen while frozen (the contract)
          return [a, bits(net.forward(x).output)];
        });
        expect(first).to.deep.equal(plain);
        expect(again).to.deep.equal(plain);
      } finally {
        if (k && exports) k.exports = exports;
      }
      if (backend === 'wasm') expect(places.size, 'distinct staging places of the cell kernel').to.equal(T);
      // thawed, the change is seen
      expect(bits(net.forward(x).output)).to.not.deep.equal(plain);
      net.layers[0][0].weightIh.value[0] -= 1;
      expect(bits(net.forward(x).output)).to.deep.equal(plain);
    }
  });

  it('the forward-only classes hold cells without a backward step; the trainable ones, cells with one', () => {
    for (const [Fwd, Ref] of [[inference.LSTM, LSTM], [inference.GRU, GRU], [inference.RNN, RNN]] as const) {
      const fwd = new Fwd({ inputSize: I, hiddenSize: 4 }), ref = new Ref({ inputSize: I, hiddenSize: 4 });
      expect('stepBackward' in fwd.layers[0][0].cell, Fwd.name).to.equal(false);
      expect(typeof (ref.layers[0][0].cell as { stepBackward?: unknown }).stepBackward, Ref.name).to.equal('function');
      expect(fwd.layers[0][0].cell.mode).to.equal(ref.layers[0][0].cell.mode);
    }
  });

  it('stack.withFrozenWeights: a weight changed inside is not seen until it returns; it returns what fn returns and thaws when fn throws', () => {
    for (const net of [new inference.LSTM({ inputSize: I, hiddenSize: 8 }), new GRU({ inputSize: I, hiddenSize: 5, numLayers: 2 })]) {
      const x = uniformTensor(rng(12), [T, B, I], -1, 1, 'float32');
      const plain = bits(net.forward(x).output);
      const W = net.params[0].value;
      const again = net.withFrozenWeights(() => {
        net.forward(x);
        W[0] += 1;
        return bits(net.forward(x).output);
      });
      expect(again).to.deep.equal(plain);
      expect(bits(net.forward(x).output)).to.not.deep.equal(plain);
      W[0] -= 1;
      expect(() => net.withFrozenWeights(() => { net.forward(x); throw new Error('stop'); })).to.throw('stop');
      W[0] += 1;
      expect(bits(net.forward(x).output), 'thawed after a throw').to.not.deep.equal(plain);
      W[0] -= 1;
    }
  });

  it('a plain forward never reads the W_ihᵀ an earlier run left packed: padded lengths, a weight changed, then a fused forward', () => {
    for (const [Fwd, Ref] of [[inference.LSTM, LSTM], [inference.GRU, GRU]] as const) {
      const net = new Fwd({ inputSize: I, hiddenSize: 8, seed: 3 });
      const x = uniformTensor(rng(8), [T, B, I], -1, 1, 'float32');
      net.forward(x, null, null, [T, 2, 4]); // the layer's own loop packs W_ihᵀ (in wasm memory on wasm)
      net.params[0].value[0] += 1;
      const fresh = new Ref({ inputSize: I, hiddenSize: 8, seed: 3 });
      loadStateDict(fresh.params, stateDictOf(net.params));
      expect(bits(net.forward(x).output)).to.deep.equal(bits(fresh.forward(x).output));
    }
  });

  it('a repeated forward of one shape allocates nothing and returns the same views', () => {
    const fwd = new inference.LSTM({ inputSize: I, hiddenSize: 5, numLayers: 2, bidirectional: true });
    const v = inputsFor(fwd, 8);
    const first = fwd.forward(v.x, v.h0, v.c0);
    const allocations = fwd.workspaceAllocations;
    const layerAllocations = fwd.layers.flat().map((d) => d.allocations);
    const data = first.output.data, values = Array.from(data);
    for (let i = 0; i < 3; i++) {
      const out = fwd.forward(v.x, v.h0, v.c0);
      expect(out.output.data).to.equal(data);
      expect(Array.from(out.output.data)).to.deep.equal(values);
    }
    expect(fwd.workspaceAllocations).to.equal(allocations);
    expect(fwd.layers.flat().map((d) => d.allocations)).to.deep.equal(layerAllocations);
  });
});

describe('forward-only classes: API and errors', () => {
  it('have no backward pass and no training mode', () => {
    const fwd = new inference.LSTM({ inputSize: I, hiddenSize: 4 }) as unknown as Record<string, unknown>;
    for (const key of ['backward', 'backwardUnchecked', 'train', 'eval', 'zeroGrad', 'gradNorms']) expect(key in fwd, key).to.equal(false);
    const ref = new LSTM({ inputSize: I, hiddenSize: 4 }) as unknown as Record<string, unknown>;
    for (const key of ['backward', 'train', 'eval', 'zeroGrad']) expect(key in ref, key).to.equal(true);
  });

  it('check options and inputs as the trainable classes do, named by their class', () => {
    expect(() => new inference.LSTM({ inputSize: I, hiddenSize: 4, hiden: 3 } as never)).to.throw(TypeError, /LSTM: options has unknown key "hiden".*hiddenSize/);
    expect(() => new inference.GRU({ inputSize: 0, hiddenSize: 4 })).to.throw(RangeError, /GRU: inputSize must be ≥ 1, got 0/);
    expect(() => new inference.RNN({ inputSize: I, hiddenSize: 4, nonlinearity: 'nope' })).to.throw(/RNN: nonlinearity/);
    const lstm = new inference.LSTM({ inputSize: I, hiddenSize: 4 });
    expect(() => lstm.forward(uniformTensor(rng(1), [T, B, I + 1], -1, 1, 'float32'))).to.throw(RangeError, `LSTM.forward: x has shape [${T}, ${B}, ${I + 1}] but input_size is ${I}`);
    const gru = new inference.GRU({ inputSize: I, hiddenSize: 4 });
    const x = uniformTensor(rng(1), [T, B, I], -1, 1, 'float32');
    expect(() => gru.forward(x, null, uniformTensor(rng(2), [1, B, 4], -1, 1, 'float32'))).to.throw(TypeError, 'GRU.forward: c0 is only for LSTM, but this is gru');
    expect(() => gru.forward(x, null, null, [T, 0, 1])).to.throw(RangeError, /GRU.forward: lengths\[1\] must be an integer in \[1, 6\], got 0/);
  });

  it('the entry exports the forward-only layers and model, loadModel, generate and the backend switch, and nothing that trains', () => {
    expect(Object.keys(inference).sort()).to.deep.equal(['ForwardSequenceModel', 'GRU', 'LSTM', 'RNN', 'generate', 'getBackend', 'loadModel', 'setBackend', 'withFrozen']);
  });
});
