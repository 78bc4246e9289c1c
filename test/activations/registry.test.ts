/**
 * The activation registry and the built-ins: values, derivatives against central finite
 * differences, stability for |z| up to 1e4, and a user activation registered with
 * defineActivation and run in an RNN (mode `rnn_<name>`) under a finite-difference check.
 */
import { expect } from 'chai';
import { type Activation, defineActivation } from '../../lib/activations/activation.js';
import { sigmoid } from '../../lib/activations/builtins.js';
import { activationNames, getActivation, registerActivation } from '../../lib/activations/registry.js';
import { Recurrent } from '../../lib/layers/recurrent.js';
import { RNN } from '../../lib/layers/rnn.js';
import { formatResults, gradcheckRecurrent, worstResult } from '../helpers/gradcheck.js';
import { rng, uniformTensor } from '../helpers/tensors.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** y = g(z) through the row API. */
function apply(a: Activation, zs: readonly number[], Arr: Ctor = Float64Array): Float32Array | Float64Array {
  const z = Arr.from(zs), y = new Arr(zs.length);
  a.forward(y, 0, z, 0, zs.length);
  return y;
}

/** g'(z) · dy through the row API (dy = 1 unless given). */
function derivative(a: Activation, zs: readonly number[], Arr: Ctor = Float64Array, dys?: readonly number[]): Float32Array | Float64Array {
  const z = Arr.from(zs), y = apply(a, zs, Arr), dy = Arr.from(dys ?? zs.map(() => 1)), dz = new Arr(zs.length);
  a.backward(dz, 0, dy, 0, z, 0, y, 0, zs.length);
  return dz;
}

/** Central difference of g at z. */
function numericDerivative(a: Activation, z: number, h = 1e-6): number {
  const [yp, ym] = apply(a, [z + h, z - h]);
  return (yp - ym) / (2 * h);
}

const GRID = [-6, -3.2, -1.5, -0.7, -0.2, 0.05, 0.3, 0.9, 1.7, 4, 7.5];

const expectedValue: Record<string, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  identity: (z) => z,
};

describe('built-in activations', () => {
  it('are registered under their names', () => {
    expect(activationNames()).to.include.members(['identity', 'relu', 'sigmoid', 'tanh']);
    for (const name of Object.keys(expectedValue)) expect(getActivation(name).name).to.equal(name);
  });

  for (const name of Object.keys(expectedValue)) {
    describe(name, () => {
      const a = () => getActivation(name);

      it('values (float64 and float32)', () => {
        const y = apply(a(), GRID);
        GRID.forEach((z, i) => expect(y[i], `${name}(${z})`).to.be.closeTo(expectedValue[name](z), 1e-15));
        const y32 = apply(a(), GRID, Float32Array);
        // float32: the input is rounded on the way in, the result once on the way out
        GRID.forEach((z, i) => expect(y32[i], `${name}(${z}) in float32`).to.equal(Math.fround(expectedValue[name](Math.fround(z)))));
      });

      it('derivative matches central finite differences, scaled by dy', () => {
        const d = derivative(a(), GRID);
        GRID.forEach((z, i) => {
          const num = numericDerivative(a(), z);
          expect(Math.abs(d[i] - num), `${name}'(${z}): analytic ${d[i]}, numeric ${num}`).to.be.at.most(1e-8);
        });
        const dys = GRID.map((_, i) => 0.5 - i);
        const scaled = derivative(a(), GRID, Float64Array, dys);
        GRID.forEach((z, i) => expect(scaled[i]).to.be.closeTo(d[i] * dys[i], 1e-14));
      });

      it('forward and backward work in place (y = z, dz = dy) and at offsets', () => {
        const n = GRID.length, buf = Float64Array.from([99, ...GRID, 99]);
        a().forward(buf, 1, buf, 1, n);
        expect(Array.from(buf.subarray(1, n + 1))).to.deep.equal(Array.from(apply(a(), GRID)));
        expect([buf[0], buf[n + 1]]).to.deep.equal([99, 99]);
        const z = Float64Array.from(GRID), y = apply(a(), GRID), g = new Float64Array(n + 2).fill(1);
        g[0] = g[n + 1] = 99;
        a().backward(g, 1, g, 1, z, 0, y, 0, n);
        expect(Array.from(g.subarray(1, n + 1))).to.deep.equal(Array.from(derivative(a(), GRID)));
        expect([g[0], g[n + 1]]).to.deep.equal([99, 99]);
      });

      it('is stable for |z| up to 1e4 (no NaN or Infinity, in either width)', () => {
        const zs = [-1e4, -1000, -745, -100, -40, -20, 20, 40, 100, 745, 1000, 1e4];
        for (const Arr of [Float64Array, Float32Array]) {
          const y = apply(a(), zs, Arr), d = derivative(a(), zs, Arr);
          zs.forEach((z, i) => {
            expect(Number.isFinite(y[i]), `${name}(${z}) = ${y[i]}`).to.equal(true);
            expect(Number.isFinite(d[i]), `${name}'(${z}) = ${d[i]}`).to.equal(true);
          });
        }
      });
    });
  }

  it('sigmoid(−1e4) = 0 and sigmoid(1e4) = 1 exactly; its derivative is 0 there', () => {
    const s = getActivation('sigmoid');
    expect(Array.from(apply(s, [-1e4, 1e4]))).to.deep.equal([0, 1]);
    expect(Array.from(apply(s, [-1e4, 1e4], Float32Array))).to.deep.equal([0, 1]);
    expect(Array.from(derivative(s, [-1e4, 1e4]))).to.deep.equal([0, 0]);
    expect(sigmoid(-1e4)).to.equal(0);
    expect(sigmoid(1e4)).to.equal(1);
    expect(sigmoid(0)).to.equal(0.5);
    // the stable form keeps tiny values instead of rounding 1 − 1 to 0
    expect(sigmoid(-40)).to.be.closeTo(Math.exp(-40), 1e-30);
    for (const z of [-30, -5, -0.5, 0.5, 5, 30]) expect(sigmoid(z) + sigmoid(-z)).to.be.closeTo(1, 1e-15);
  });

  it('tanh(±1e4) = ±1, relu(1e4) = 1e4, relu(−1e4) = 0, relu\'(0) = 0 (PyTorch)', () => {
    expect(Array.from(apply(getActivation('tanh'), [-1e4, 1e4]))).to.deep.equal([-1, 1]);
    expect(Array.from(derivative(getActivation('tanh'), [-1e4, 1e4]))).to.deep.equal([0, 0]);
    expect(Array.from(apply(getActivation('relu'), [-1e4, 0, 1e4]))).to.deep.equal([0, 0, 1e4]);
    expect(Array.from(derivative(getActivation('relu'), [-1e4, 0, 1e4]))).to.deep.equal([0, 0, 1]);
  });
});

describe('user activations', () => {
  // softsign(z) = z / (1 + |z|), softsign'(z) = 1 / (1 + |z|)²
  const NAME = 'test_softsign';
  const softsign = defineActivation(NAME, (z) => z / (1 + Math.abs(z)), (z) => 1 / ((1 + Math.abs(z)) ** 2));

  before(() => {
    if (!activationNames().includes(NAME)) registerActivation(softsign);
  });

  it('defineActivation builds a row activation; registerActivation makes it findable', () => {
    expect(activationNames()).to.include(NAME);
    expect(activationNames()).to.deep.equal([...activationNames()].sort());
    const a = getActivation(NAME);
    expect(a).to.equal(softsign);
    const y = apply(a, GRID), d = derivative(a, GRID);
    GRID.forEach((z, i) => {
      expect(y[i]).to.be.closeTo(z / (1 + Math.abs(z)), 1e-15);
      expect(Math.abs(d[i] - numericDerivative(a, z))).to.be.at.most(1e-8);
    });
  });

  it('runs in an RNN as mode rnn_<name>, one step matches the equation', () => {
    const net = new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: NAME, dtype: 'float64', seed: 4 });
    expect(net.mode).to.equal(`rnn_${NAME}`);
    const x = { data: Float64Array.from([0.4, -1.1]), shape: [1, 1, 2] };
    const h0 = { data: Float64Array.from([0.2, -0.3, 0.5]), shape: [1, 1, 3] };
    const { output } = net.forward(x, h0);
    const [Wih, Whh, bih, bhh] = net.params.map((p) => p.value);
    for (let j = 0; j < 3; j++) {
      let z = bih[j] + bhh[j];
      for (let i = 0; i < 2; i++) z += Wih[j * 2 + i] * x.data[i];
      for (let k = 0; k < 3; k++) z += Whh[j * 3 + k] * h0.data[k];
      expect(output.data[j]).to.be.closeTo(z / (1 + Math.abs(z)), 1e-15);
    }
  });

  for (const [label, L, bidirectional] of [['1 layer', 1, false], ['2 layers bidirectional', 2, true]] as const) {
    it(`passes the finite-difference check in a Recurrent (${label})`, () => {
      const net = new Recurrent({ mode: `rnn_${NAME}`, inputSize: 3, hiddenSize: 4, numLayers: L, bidirectional, dtype: 'float64', seed: 8 });
      const r = rng(80);
      const x = uniformTensor(r, [5, 2, 3]);
      const h0 = uniformTensor(r, [L * net.directions, 2, 4], -0.5, 0.5);
      const results = gradcheckRecurrent(net, x, h0);
      const worst = worstResult(results);
      expect(worst.error, formatResults(results)).to.be.at.most(1e-7);
      for (const res of results) expect(res.scale, `${res.name} all zero`).to.be.greaterThan(1e-6);
    });
  }

  it('refuses a duplicate name (built-in or user), keeping the original', () => {
    const tanh = getActivation('tanh');
    const fake = defineActivation('tanh', (z) => z, () => 1);
    expect(() => registerActivation(fake)).to.throw(TypeError, /registerActivation.*"tanh".*already registered/);
    expect(getActivation('tanh')).to.equal(tanh);
    const again = defineActivation(NAME, (z) => z, () => 1);
    expect(() => registerActivation(again)).to.throw(TypeError, new RegExp(`"${NAME}" is already registered.*replace`));
    expect(getActivation(NAME)).to.equal(softsign);
  });

  it('replaces an existing name only with {replace: true}', () => {
    const name = 'test_replaceable';
    const first = defineActivation(name, (z) => 2 * z, () => 2);
    const second = defineActivation(name, (z) => 3 * z, () => 3);
    if (!activationNames().includes(name)) registerActivation(first);
    registerActivation(second, { replace: true });
    expect(getActivation(name)).to.equal(second);
  });

  it('rejects malformed activations with a TypeError naming the problem', () => {
    expect(() => registerActivation(null as unknown as Activation)).to.throw(TypeError, /registerActivation: activation must be an object.*got null/);
    expect(() => registerActivation(defineActivation('1bad', (z) => z, () => 1))).to.throw(TypeError, /activation\.name.*got "1bad"/);
    expect(() => registerActivation({ name: 'test_noforward' } as unknown as Activation)).to.throw(TypeError, /"test_noforward" must have forward and backward/);
    expect(activationNames()).to.not.include.members(['1bad', 'test_noforward']);
  });

  it('an unknown name throws a TypeError listing every registered name', () => {
    let message = '';
    try {
      getActivation('nope');
    } catch (e) {
      expect(e).to.be.instanceOf(TypeError);
      message = (e as Error).message;
    }
    expect(message).to.include('getActivation').and.include('"nope"').and.include('registered:');
    for (const n of activationNames()) expect(message).to.include(n);
    expect(() => getActivation(42 as unknown as string)).to.throw(TypeError, /unknown activation 42/);
    // the op that looked it up is named, and the layer error lists the names too
    expect(() => getActivation('nope', 'MyHead.forward')).to.throw(TypeError, /^MyHead\.forward: unknown activation "nope"/);
    expect(() => new Recurrent({ mode: 'rnn_nope', inputSize: 1, hiddenSize: 1 })).to.throw(TypeError, new RegExp(`registered: .*${NAME}`));
  });
});
