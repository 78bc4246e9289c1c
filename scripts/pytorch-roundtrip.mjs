// The rnnkit side of the PyTorch round trip (docs/pytorch.md), run after `npm run build`:
//   node scripts/pytorch-roundtrip.mjs export DIR   writes DIR/rnnkit.safetensors (a checkpoint)
//                                                   and DIR/rnnkit-check.json (input and logits)
//   python3 scripts/pytorch-check.py DIR            PyTorch loads the checkpoint strictly,
//                                                   compares, and writes DIR/torch.safetensors
//                                                   and DIR/torch-check.json
//   node scripts/pytorch-roundtrip.mjs import DIR   rnnkit loads PyTorch's state dict (names
//                                                   mapped) and compares its logits with PyTorch's
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adam, Random, SequenceModel, SequenceTrainer, loadStateDict, decodeSafetensors, saveCheckpoint } from '../dist/esm/index.js';

const [command, dir] = process.argv.slice(2);
if (!['export', 'import'].includes(command) || !dir) {
  console.error('usage: node scripts/pytorch-roundtrip.mjs export|import DIR');
  process.exit(2);
}
// an embedding, a 2-layer bidirectional LSTM and a head: every kind of tensor a model has
const options = { mode: 'lstm', hiddenSize: 16, outputSize: 7, numLayers: 2, bidirectional: true,
  embedding: { numEmbeddings: 11, embeddingDim: 8, paddingIdx: 0 }, seed: 5 };
const T = 6, B = 3;

/** Token ids [T, B] and the model's logits on them. */
function logits(model, ids) {
  return Array.from(model.eval().forward({ data: Int32Array.from(ids), shape: [T, B] }).z.data);
}

function maxRelError(a, b) {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return d / Math.max(s, 1e-3);
}

if (command === 'export') {
  mkdirSync(dir, { recursive: true });
  const model = new SequenceModel(options);
  const rng = new Random(1);
  const ids = () => Array.from({ length: T * B }, () => rng.int(11));
  // a few Adam steps, so the weights are not the initial ones and the file holds optimizer state
  const trainer = new SequenceTrainer(model, { optimizer: new Adam(model.params, { lr: 0.05 }) });
  for (let i = 0; i < 5; i++) trainer.step({ data: Int32Array.from(ids()), shape: [T, B] }, { data: ids().map((v) => v % 7), shape: [T, B] });
  const x = ids();
  writeFileSync(join(dir, 'rnnkit.safetensors'), saveCheckpoint({ model, optimizer: trainer.optimizer, step: 5 }, 'safetensors'));
  writeFileSync(join(dir, 'rnnkit-check.json'), JSON.stringify({ x, shape: [T, B], logits: logits(model, x) }));
  console.log(`wrote ${join(dir, 'rnnkit.safetensors')} and rnnkit-check.json`);
} else {
  const file = decodeSafetensors(readFileSync(join(dir, 'torch.safetensors')));
  const check = JSON.parse(readFileSync(join(dir, 'torch-check.json'), 'utf8'));
  const model = new SequenceModel({ ...options, seed: 99 });
  // PyTorch's module keeps the stack under `rnn.`: the mapping strips it
  loadStateDict(model.params, file.tensors, { mapping: { 'rnn.': '' } });
  const err = maxRelError(logits(model, check.x), check.logits);
  console.log(`rnnkit loaded PyTorch's state dict (${file.tensors.size} tensors, mapping { 'rnn.': '' }); logits max relative error ${err.toExponential(2)}`);
  process.exit(err <= 1e-5 ? 0 : 1);
}
