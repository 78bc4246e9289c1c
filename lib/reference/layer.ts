/**
 * `kind: "layer"` fixtures: one recurrent stack with given initial states and the scalar
 *   loss = Σ output ⊙ upstream.output + Σ h_n ⊙ upstream.h_n (+ Σ c_n ⊙ upstream.c_n)
 * so dL/doutput = upstream.output and dL/dh_n = upstream.h_n: every step gets its own
 * upstream gradient. Recomputed here from the fixture's params and inputs alone.
 */
import { Recurrent } from '../layers/recurrent.js';
import type { DType, Tensor } from '../tensor.js';
import { type FixtureTensor, type ReferenceFixture, type TensorMap, fixtureTensor, fromTyped, toTyped } from './fixture.js';
import { loadFixtureParams } from './params.js';

/** Σ a ⊙ b in float64. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function runLayerFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config;
  const net = new Recurrent({
    mode: c.mode, inputSize: c.input_size, hiddenSize: c.hidden_size, numLayers: c.num_layers,
    bidirectional: c.bidirectional, bias: c.bias, dtype,
  });
  loadFixtureParams(net.params, f.params);
  const T = c.seq_len, B = c.batch, H = c.hidden_size, D = net.directions, L = c.num_layers;
  const stateShape = [L * D, B, H], outShape = [T, B, D * H];
  const lstm = net.hasCellState;
  const t = (map: TensorMap | undefined, section: string, name: string, shape: number[]): Tensor => ({
    data: toTyped(fixtureTensor(map, section, name, shape), dtype), shape,
  });
  const x = t(f.inputs, 'inputs', 'x', [T, B, c.input_size]);
  const h0 = t(f.inputs, 'inputs', 'h0', stateShape);
  const c0 = lstm ? t(f.inputs, 'inputs', 'c0', stateShape) : null;
  const upOut = t(f.upstream, 'upstream', 'output', outShape);
  const upH = t(f.upstream, 'upstream', 'h_n', stateShape);
  const upC = lstm ? t(f.upstream, 'upstream', 'c_n', stateShape) : null;

  const { output, hN, cN } = net.forward(x, h0, c0);
  let loss = dot(output.data, upOut.data) + dot(hN.data, upH.data);
  if (cN && upC) loss += dot(cN.data, upC.data);
  const expected: TensorMap & { loss?: number } = {
    output: fromTyped(output.data, outShape),
    h_n: fromTyped(hN.data, stateShape),
  };
  if (cN) expected.c_n = fromTyped(cN.data, stateShape);
  expected.loss = loss;

  const { dx, dh0, dc0 } = net.backward(upOut, upH, upC);
  const grads: TensorMap = { x: fromTyped(dx.data, x.shape), h0: fromTyped(dh0.data, stateShape) };
  if (dc0) grads.c0 = fromTyped(dc0.data, stateShape);
  for (const p of net.params) grads[p.name] = fromTyped(p.grad, p.shape) as FixtureTensor;
  return { ...f, expected, grads, generator: 'rnnkit' };
}
