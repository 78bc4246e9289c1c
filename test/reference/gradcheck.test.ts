/**
 * The public gradcheck (lib/reference/gradcheck.ts): PyTorch gradcheck's eps/atol/rtol
 * meaning, a per-tensor report of the worst absolute and relative error and where; it passes
 * on rnnkit's models (float64) and catches a user activation registered with a wrong
 * derivative, naming the tensor and the entry.
 */
import { expect } from 'chai';
import { defineActivation } from '../../lib/activations/activation.js';
import { registerActivation } from '../../lib/activations/registry.js';
import { Seq2Seq } from '../../lib/models/seq2seq.js';
import { SequenceModel } from '../../lib/models/sequence-model.js';
import { formatGradcheck, gradcheck, gradcheckParams } from '../../lib/reference/gradcheck.js';
import { rng, uniformTensor } from '../helpers/tensors.js';

describe('gradcheck', () => {
  const x = uniformTensor(rng(1), [4, 2, 3]);
  const y = { data: [0, 1, 2, 0, 1, 2, 0, 1], shape: [4, 2] };

  it('passes on a float64 model and an encoder–decoder with attention, one entry per parameter', () => {
    const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, numLayers: 2, dtype: 'float64', seed: 2 });
    const report = gradcheckParams(model.params, () => model.lossAndGrad(x, y));
    expect(report.passed, formatGradcheck(report)).to.equal(true);
    expect(report.entries.map((e) => e.name)).to.deep.equal(model.params.map((p) => p.name));
    expect(model.params.every((p) => p.grad.every((g) => g === 0)), 'gradients are left zeroed').to.equal(true);
    const s2s = new Seq2Seq({ mode: 'gru', srcVocab: 5, tgtVocab: 5, embeddingDim: 3, hiddenSize: 3, attention: 'mlp', inputFeed: true, dtype: 'float64', seed: 4 });
    const batch = { src: { data: [1, 2, 3, 4, 2, 0], shape: [3, 2] }, srcLengths: [3, 2], tgtIn: { data: [1, 1, 2, 3], shape: [2, 2] }, tgtOut: { data: [2, 3, 4, 0], shape: [2, 2] } };
    const r2 = gradcheckParams(s2s.params, () => s2s.lossAndGrad(batch));
    expect(r2.passed, formatGradcheck(r2)).to.equal(true);
  });

  it('catches a user activation whose derivative is wrong, naming the tensor and the worst entry', () => {
    // softsign(z) = z / (1 + |z|), whose derivative is 1 / (1 + |z|)²; the wrong one forgets the square
    registerActivation(defineActivation('softsign_ok', (z) => z / (1 + Math.abs(z)), (z) => 1 / (1 + Math.abs(z)) ** 2));
    registerActivation(defineActivation('softsign_bad', (z) => z / (1 + Math.abs(z)), (z) => 1 / (1 + Math.abs(z))));
    for (const [mode, ok] of [['rnn_softsign_ok', true], ['rnn_softsign_bad', false]] as const) {
      const model = new SequenceModel({ mode, inputSize: 3, hiddenSize: 4, outputSize: 3, dtype: 'float64', seed: 5 });
      const report = gradcheckParams(model.params, () => model.lossAndGrad(x, y));
      expect(report.passed, formatGradcheck(report)).to.equal(ok);
      if (ok) continue;
      const bad = report.entries.filter((e) => !e.passed).map((e) => e.name);
      expect(bad).to.include('weight_ih_l0');
      expect(bad).to.not.include('head.bias'); // the head is above the cell: its gradient is right
      const w = report.entries.find((e) => e.name === 'weight_ih_l0')!;
      expect(w.maxAbsError).to.be.greaterThan(1e-3);
      expect(Math.abs(w.analytic - w.numeric)).to.be.greaterThan(1e-5 + 1e-3 * Math.abs(w.numeric));
      expect(formatGradcheck(report)).to.match(/FAIL {2}weight_ih_l0: max abs error .* \(worst at \[\d+\]: analytic .*, numeric .*\)/);
    }
  });

  it('atol and rtol mean what PyTorch\'s do: |a − n| ≤ atol + rtol·|n|', () => {
    const v = Float64Array.from([2]);
    const loss = () => v[0] * v[0]; // dL/dv = 4 at v = 2
    expect(gradcheck(loss, [{ name: 'v', value: v, grad: [4.0042] }]).passed).to.equal(false); // 0.0042 > 1e-5 + 1e-3·4
    expect(gradcheck(loss, [{ name: 'v', value: v, grad: [4.0039] }]).passed).to.equal(true);
    expect(gradcheck(loss, [{ name: 'v', value: v, grad: [4.1] }], { rtol: 0, atol: 0.2 }).passed).to.equal(true);
    expect(gradcheck(loss, [{ name: 'v', value: v, grad: [4.1] }], { rtol: 0, atol: 0.05 }).passed).to.equal(false);
    expect(v[0]).to.equal(2);
  });

  it('refuses float32 values, mismatched lengths and unknown options', () => {
    expect(() => gradcheck(() => 0, [{ name: 'w', value: new Float32Array(2) as never, grad: [0, 0] }])).to.throw(TypeError, /gradcheck: targets\[0\]\.value must be a Float64Array/);
    expect(() => gradcheck(() => 0, [{ name: 'w', value: new Float64Array(2), grad: [0] }])).to.throw(RangeError, /targets\[0\] \("w"\) has 1 gradient entries but 2 values/);
    expect(() => gradcheck(() => 0, [], { tol: 1 } as never)).to.throw(TypeError, /gradcheck: options has an unknown key "tol"/);
  });
});
