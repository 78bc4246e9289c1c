/**
 * `kind: "seq2seq"` fixtures: one teacher-forced forward and backward pass of the
 * encoder–decoder with embeddings and attention (see models/seq2seq.ts and the format's
 * README). Recomputes the logits, α, the loss and every parameter's gradient from the
 * fixture's params and inputs alone.
 */
import { Seq2Seq } from '../models/seq2seq.js';
import type { DType } from '../tensor.js';
import { asOperation, checkBoolean, checkChoice, checkIndices, checkInteger, checkKeys } from '../validate.js';
import { OP, type ReferenceFixture, type TensorMap, checkSection, fixtureTensor, fromTyped } from './fixture.js';
import { loadFixtureParams } from './params.js';

const CONFIG_KEYS = ['mode', 'src_vocab', 'tgt_vocab', 'embedding_dim', 'hidden_size', 'num_layers', 'bidirectional_encoder',
  'attention', 'input_feed', 'padding_idx', 'start_token', 'src_len', 'tgt_len', 'batch'];

export function runSeq2SeqFixture(f: ReferenceFixture, dtype: DType): ReferenceFixture {
  const c = f.config as unknown as Record<string, unknown>;
  checkKeys(OP, 'config', c, CONFIG_KEYS);
  const int = (key: string, min = 1) => checkInteger(OP, `config.${key}`, c[key], min);
  const S = int('src_len'), T = int('tgt_len'), B = int('batch');
  const model = asOperation(OP, () => new Seq2Seq({
    mode: c.mode as string, srcVocab: int('src_vocab'), tgtVocab: int('tgt_vocab'), embeddingDim: int('embedding_dim'),
    hiddenSize: int('hidden_size'), numLayers: int('num_layers'),
    bidirectionalEncoder: checkBoolean(OP, 'config.bidirectional_encoder', c.bidirectional_encoder),
    attention: checkChoice(OP, 'config.attention', c.attention, ['none', 'dot', 'general', 'mlp'] as const),
    inputFeed: checkBoolean(OP, 'config.input_feed', c.input_feed),
    paddingIdx: int('padding_idx', 0), startToken: int('start_token', 0), dtype,
  }));
  loadFixtureParams(model.params, f);
  checkSection(f, 'inputs', ['src', 'src_lengths', 'tgt_in', 'tgt_out']);
  const ids = (name: string, shape: number[], V: number) => {
    const t = fixtureTensor(f, 'inputs', name, shape);
    checkIndices(OP, `inputs.${name}.data`, t.data, V, 'token');
    return { data: Int32Array.from(t.data), shape };
  };
  const { srcVocab, tgtVocab } = model.options;
  const src = ids('src', [S, B], srcVocab), tgtIn = ids('tgt_in', [T, B], tgtVocab), tgtOut = ids('tgt_out', [T, B], tgtVocab);
  const srcLengths = fixtureTensor(f, 'inputs', 'src_lengths', [B]).data;
  const batch = { src, srcLengths, tgtIn, tgtOut };
  model.checkBatch(OP, batch);
  checkSection(f, 'expected', ['logits', 'attention', 'loss']);
  checkSection(f, 'grads', model.params.map((p) => p.name));
  model.zeroGrad();
  const loss = model.lossAndGrad(batch);
  const out = model.lastOutput(); // lossAndGrad's forward: logits and α
  const expected: TensorMap & { loss?: number } = { logits: fromTyped(out.logits.data, out.logits.shape) };
  if (out.attention) expected.attention = fromTyped(out.attention.data, out.attention.shape);
  expected.loss = loss;
  const grads: TensorMap = {};
  for (const p of model.params) grads[p.name] = fromTyped(p.grad, p.shape);
  return { ...f, expected, grads, generator: 'rnnkit' };
}
