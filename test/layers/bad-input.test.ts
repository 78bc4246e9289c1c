/**
 * Boundary checks (STYLE §7): every bad input is rejected before anything is touched, with
 * RangeError for sizes, shapes and values, TypeError for kinds, and a message that names the
 * operation, the operand, what was expected and what was got. After a failed call every
 * parameter value and gradient is bit-identical, no workspace was resized, and the net still
 * gives the results of its last good forward.
 */
import { expect } from 'chai';
import { Recurrent, type RecurrentOptions } from '../../lib/layers/recurrent.js';
import { GRU } from '../../lib/layers/gru.js';
import { LSTM } from '../../lib/layers/lstm.js';
import { RNN } from '../../lib/layers/rnn.js';
import type { Tensor } from '../../lib/tensor.js';
import { copy64, normalTensor, rng, uniformTensor } from '../helpers/tensors.js';

type ErrorClass = typeof Error | typeof TypeError | typeof RangeError;

/** Calls f, asserts it throws exactly `cls` (not a subclass or sibling) with every part in its message. */
function expectError(f: () => unknown, cls: ErrorClass, parts: string[]): Error {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'no error was thrown').to.be.instanceOf(Error);
  const err = caught as Error;
  expect(err.constructor, `class of "${err.message}"`).to.equal(cls);
  for (const p of parts) expect(err.message, 'message').to.include(p);
  return err;
}

const T = 5, B = 2, I = 3, H = 4;

function fixture(mode: string, extra: Partial<RecurrentOptions> = {}) {
  const net = new Recurrent({ mode, inputSize: I, hiddenSize: H, seed: 2, ...extra });
  const r = rng(17), D = net.directions, ss = [net.numLayers * D, B, H];
  const v = {
    x: uniformTensor(r, [T, B, I], -1, 1, 'float32'),
    h0: uniformTensor(r, ss, -0.5, 0.5, 'float32'),
    c0: net.hasCellState ? uniformTensor(r, ss, -0.5, 0.5, 'float32') : null,
    dOut: normalTensor(r, [T, B, D * H], 1, 'float32'),
    dhN: normalTensor(r, ss, 1, 'float32'),
  };
  return { net, v };
}

/** Every byte of every parameter value and gradient. */
function snapshot(net: Recurrent): Uint8Array[] {
  return net.params.flatMap((p) => [
    new Uint8Array(p.value.buffer.slice(p.value.byteOffset, p.value.byteOffset + p.value.byteLength)),
    new Uint8Array(p.grad.buffer.slice(p.grad.byteOffset, p.grad.byteOffset + p.grad.byteLength)),
  ]);
}

const tensor = (shape: number[], n = shape.reduce((a, b) => a * b, 1)): Tensor => ({ data: new Float32Array(n), shape });

interface CallCase {
  label: string;
  mode: string;
  /** 'none': a fresh net; 'trained': one good forward and backward first (grads non-zero). */
  before: 'none' | 'trained';
  call: (net: Recurrent, v: ReturnType<typeof fixture>['v']) => unknown;
  cls: ErrorClass;
  parts: string[];
}

const withNaN = (t: Tensor, i: number, value = NaN): Tensor => {
  const data = Float32Array.from(t.data);
  data[i] = value;
  return { data, shape: t.shape };
};

const callCases: CallCase[] = [
  {
    label: 'x of rank 2', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n) => n.forward(tensor([T, B * I])),
    parts: ['LSTM.forward', 'x must have shape [T, B, input_size]', 'got [5, 6]'],
  },
  {
    label: 'x of rank 4', mode: 'gru', before: 'trained', cls: RangeError,
    call: (n) => n.forward(tensor([T, B, I, 1])),
    parts: ['GRU.forward', 'x must have shape [T, B, input_size]', 'got [5, 2, 3, 1]'],
  },
  {
    label: 'x with the wrong input size', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n) => n.forward(tensor([T, B, I + 1])),
    parts: ['LSTM.forward', 'x has shape [5, 2, 4]', 'input_size is 3'],
  },
  {
    label: 'x data shorter than its shape', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n) => n.forward(tensor([T, B, I], T * B * I - 1)),
    parts: ['LSTM.forward', 'x has shape [5, 2, 3]', '30 entries', 'has 29'],
  },
  {
    label: 'x data an Int32Array', mode: 'lstm', before: 'trained', cls: TypeError,
    call: (n) => n.forward({ data: new Int32Array(T * B * I), shape: [T, B, I] } as unknown as Tensor),
    parts: ['LSTM.forward', 'x.data', 'Float32Array or Float64Array', 'got Int32Array(30)'],
  },
  {
    label: 'x not a tensor (null)', mode: 'rnn_tanh', before: 'trained', cls: TypeError,
    call: (n) => n.forward(null as unknown as Tensor),
    parts: ['RNN.forward', 'x must be a tensor {data, shape}', 'got null'],
  },
  {
    label: 'NaN in x', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n, v) => n.forward(withNaN(v.x, 7)),
    parts: ['LSTM.forward', 'x must be finite', 'entry 7 is NaN'],
  },
  {
    label: 'Infinity in x', mode: 'rnn_relu', before: 'trained', cls: RangeError,
    call: (n, v) => n.forward(withNaN(v.x, 29, -Infinity)),
    parts: ['RNN.forward', 'x must be finite', 'entry 29 is -Infinity'],
  },
  {
    label: 'h0 of the wrong shape', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n, v) => n.forward(v.x, tensor([2, B, H])),
    parts: ['LSTM.forward', 'h0 has shape [2, 2, 4]', '[1, 2, 4] was expected'],
  },
  {
    label: 'h0 for a new batch size but x of the old one', mode: 'gru', before: 'trained', cls: RangeError,
    call: (n, v) => n.forward(v.x, tensor([1, B + 1, H])),
    parts: ['GRU.forward', 'h0 has shape [1, 3, 4]', '[1, 2, 4] was expected'],
  },
  {
    label: 'c0 of the wrong shape', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n, v) => n.forward(v.x, v.h0, tensor([1, B, H + 1])),
    parts: ['LSTM.forward', 'c0 has shape [1, 2, 5]', '[1, 2, 4] was expected'],
  },
  {
    label: 'c0 given to a GRU', mode: 'gru', before: 'trained', cls: TypeError,
    call: (n, v) => n.forward(v.x, v.h0, tensor([1, B, H])),
    parts: ['GRU.forward', 'c0', 'only for LSTM', 'gru'],
  },
  {
    label: 'backward before forward', mode: 'lstm', before: 'none', cls: Error,
    call: (n, v) => n.backward(v.dOut),
    parts: ['LSTM.backward', 'forward before backward'],
  },
  {
    label: 'dOutput of the wrong shape', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n) => n.backward(tensor([T, B, H + 1])),
    parts: ['LSTM.backward', 'dOutput has shape [5, 2, 5]', '[5, 2, 4] was expected'],
  },
  {
    label: 'dOutput shaped like x', mode: 'rnn_tanh', before: 'trained', cls: RangeError,
    call: (n) => n.backward(tensor([T, B, I])),
    parts: ['RNN.backward', 'dOutput has shape [5, 2, 3]', '[5, 2, 4] was expected'],
  },
  {
    label: 'NaN in dOutput', mode: 'gru', before: 'trained', cls: RangeError,
    call: (n, v) => n.backward(withNaN(v.dOut, 3)),
    parts: ['GRU.backward', 'dOutput must be finite', 'entry 3 is NaN'],
  },
  {
    label: 'dhN of the wrong shape', mode: 'lstm', before: 'trained', cls: RangeError,
    call: (n, v) => n.backward(v.dOut, tensor([1, 1, 2 * H])),
    parts: ['LSTM.backward', 'dhN has shape [1, 1, 8]', '[1, 2, 4] was expected'],
  },
  {
    label: 'dcN given to a GRU', mode: 'gru', before: 'trained', cls: TypeError,
    call: (n, v) => n.backward(v.dOut, v.dhN, tensor([1, B, H])),
    parts: ['GRU.backward', 'dcN', 'only for LSTM', 'gru'],
  },
];

describe('Recurrent rejects bad calls and changes nothing', () => {
  for (const c of callCases) {
    it(`${c.mode}: ${c.label} → ${c.cls.name}`, () => {
      const { net, v } = fixture(c.mode);
      let output: Float64Array | null = null, dx: Float64Array | null = null;
      if (c.before === 'trained') {
        output = copy64(net.forward(v.x, v.h0, v.c0).output.data);
        dx = copy64(net.backward(v.dOut, v.dhN).dx.data);
      }
      const before = snapshot(net), allocations = net.workspaceAllocations;

      expectError(() => c.call(net, v), c.cls, c.parts);

      const after = snapshot(net);
      after.forEach((bytes, i) => {
        const p = net.params[i >> 1];
        expect(bytes, `${p.name}.${i % 2 ? 'grad' : 'value'} changed`).to.deep.equal(before[i]);
      });
      expect(net.workspaceAllocations, 'a workspace was resized').to.equal(allocations);
      if (output && dx) {
        // nothing the good pass depends on changed: forward and backward again give its results
        expect(Array.from(net.forward(v.x, v.h0, v.c0).output.data), 'output after the failed call').to.deep.equal(Array.from(output));
        expect(Array.from(net.backward(v.dOut, v.dhN).dx.data), 'dx after the failed call').to.deep.equal(Array.from(dx));
      }
    });
  }
});

interface ConstructCase {
  label: string;
  make: () => unknown;
  cls: ErrorClass;
  parts: string[];
}

const base = { inputSize: I, hiddenSize: H };

const constructCases: ConstructCase[] = [
  {
    label: 'unknown mode', cls: TypeError,
    make: () => new Recurrent({ ...base, mode: 'transformer' }),
    parts: ['Recurrent', 'mode', '"rnn_tanh"', '"gru"', '"lstm"', 'got "transformer"'],
  },
  {
    label: 'unknown RNN activation in mode', cls: TypeError,
    make: () => new Recurrent({ ...base, mode: 'rnn_nope' }),
    parts: ['Recurrent', 'mode "rnn_nope"', 'registered:', 'tanh', 'relu', 'sigmoid'],
  },
  {
    label: 'unknown RNN nonlinearity', cls: TypeError,
    make: () => new RNN({ ...base, nonlinearity: 'nope' }),
    parts: ['RNN', 'nonlinearity', '"nope"', 'registered:', 'tanh'],
  },
  {
    label: 'hiddenSize 0', cls: RangeError,
    make: () => new LSTM({ ...base, hiddenSize: 0 }),
    parts: ['LSTM', 'hiddenSize', '≥ 1', 'got 0'],
  },
  {
    label: 'hiddenSize "4"', cls: TypeError,
    make: () => new GRU({ ...base, hiddenSize: '4' as unknown as number }),
    parts: ['GRU', 'hiddenSize', 'integer', 'got "4"'],
  },
  {
    label: 'inputSize 0', cls: RangeError,
    make: () => new RNN({ ...base, inputSize: 0 }),
    parts: ['RNN', 'inputSize', '≥ 1', 'got 0'],
  },
  {
    label: 'numLayers -1', cls: RangeError,
    make: () => new LSTM({ ...base, numLayers: -1 }),
    parts: ['LSTM', 'numLayers', '≥ 1', 'got -1'],
  },
  {
    label: 'dtype "float16"', cls: TypeError,
    make: () => new GRU({ ...base, dtype: 'float16' as 'float32' }),
    parts: ['GRU', 'dtype', '"float32"', '"float64"', 'got "float16"'],
  },
  {
    label: 'bidirectional "yes"', cls: TypeError,
    make: () => new LSTM({ ...base, bidirectional: 'yes' as unknown as boolean }),
    parts: ['LSTM', 'bidirectional', 'boolean', 'got "yes"'],
  },
  {
    label: 'batchFirst 1', cls: TypeError,
    make: () => new LSTM({ ...base, batchFirst: 1 as unknown as boolean }),
    parts: ['LSTM', 'batchFirst', 'boolean', 'got 1'],
  },
  {
    label: 'seed -1', cls: RangeError,
    make: () => new RNN({ ...base, seed: -1 }),
    parts: ['RNN', 'seed', '≥ 0', 'got -1'],
  },
  {
    label: 'options missing', cls: TypeError,
    make: () => new Recurrent(undefined as unknown as RecurrentOptions),
    parts: ['Recurrent', 'options', 'object', 'got undefined'],
  },
];

describe('Recurrent rejects bad options', () => {
  for (const c of constructCases) {
    it(`${c.label} → ${c.cls.name}`, () => {
      expectError(c.make, c.cls, c.parts);
    });
  }

  it('hiddenSize 2.5: rejected, the message names the operation, operand and value', () => {
    let err: unknown = null;
    try {
      new LSTM({ ...base, hiddenSize: 2.5 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RangeError);
    for (const p of ['LSTM', 'hiddenSize', 'integer', 'got 2.5']) expect((err as Error).message).to.include(p);
  });

  // a number that is not an integer is a size out of range, not a wrong kind
  it('hiddenSize 2.5 → RangeError (a size, like 0 and -1)', () => {
    expectError(() => new LSTM({ ...base, hiddenSize: 2.5 }), RangeError, ['LSTM', 'hiddenSize', 'integer', 'got 2.5']);
  });
});
