/**
 * `kind: "layer"` fixtures: one recurrent stack with given initial states and the scalar
 *   loss = Σ output ⊙ upstream.output + Σ h_n ⊙ upstream.h_n (+ Σ c_n ⊙ upstream.c_n)
 * so dL/doutput = upstream.output and dL/dh_n = upstream.h_n: every step gets its own
 * upstream gradient. Recomputed here from the fixture's params and inputs alone.
 */
import { Recurrent } from '../layers/recurrent.js';
import type { DType } from '../tensor.js';
import { asOperation, checkKeys } from '../validate.js';
import { OP, type ReferenceFixture, STACK_CONFIG_KEYS, type TensorMap, checkSection, fixtureInput, fromTyped, stackOptions } from './fixture.js';
import { loadFixtureParams } from './params.js';

/** Σ a ⊙ b in float64. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function runLayerFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config;
  checkKeys(OP, 'config', c, STACK_CONFIG_KEYS);
  const net = asOperation(OP, () => new Recurrent(stackOptions(c, dtype)));
  loadFixtureParams(net.params, f);
  const T = c.seq_len, B = c.batch, D = net.directions, H = c.hidden_size;
  const state = [c.num_layers * D, B, H], outShape = [T, B, D * H];
  // the states: h, and c for LSTM
  const s = net.hasCellState ? ['h', 'c'] : ['h'];
  checkSection(f, 'inputs', ['x', ...s.map((k) => `${k}0`)]);
  checkSection(f, 'upstream', ['output', ...s.map((k) => `${k}_n`)]);
  checkSection(f, 'expected', ['output', 'loss', ...s.map((k) => `${k}_n`)]);
  checkSection(f, 'grads', ['x', ...s.map((k) => `${k}0`), ...net.params.map((p) => p.name)]);
  const x = fixtureInput(f, 'inputs', 'x', [T, B, c.input_size], dtype);
  const [h0, c0] = s.map((k) => fixtureInput(f, 'inputs', `${k}0`, state, dtype));
  const up = fixtureInput(f, 'upstream', 'output', outShape, dtype);
  const upN = s.map((k) => fixtureInput(f, 'upstream', `${k}_n`, state, dtype));

  const { output, hN, cN } = net.forward(x, h0, c0);
  const expected: TensorMap & { loss?: number } = { output: fromTyped(output.data, outShape) };
  let loss = dot(output.data, up.data);
  [hN, cN].forEach((v, i) => {
    if (!v) return;
    expected[`${s[i]}_n`] = fromTyped(v.data, state);
    loss += dot(v.data, upN[i].data);
  });
  expected.loss = loss;

  const { dx, dh0, dc0 } = net.backward(up, upN[0], upN[1]);
  const grads: TensorMap = { x: fromTyped(dx.data, x.shape) };
  [dh0, dc0].forEach((v, i) => v && (grads[`${s[i]}0`] = fromTyped(v.data, state)));
  for (const p of net.params) grads[p.name] = fromTyped(p.grad, p.shape);
  return { ...f, expected, grads, generator: 'rnnkit' };
}
