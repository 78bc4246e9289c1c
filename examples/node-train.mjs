// Trains a small LSTM to spell a looping text and prints the falling loss and what it writes.
//   npm run build && node examples/node-train.mjs [steps]
// 'rnnkit' resolves to this repository's build (a package may import itself by name); in your
// own project, after `npm install rnnkit`, the same import line works.
import { SequenceModel, createOptimizer } from 'rnnkit';
import { TEXT, VOCAB, makeBatch, sample } from './toy-task.mjs';

const steps = Number(process.argv[2] ?? 150);
const T = 16;
const model = new SequenceModel({
  mode: 'lstm', inputSize: VOCAB.length, hiddenSize: 32, outputSize: VOCAB.length,
  loss: 'cross_entropy', topology: 'many_to_many', seed: 1,
});
const optimizer = createOptimizer(model.params, { name: 'adam', lr: 0.02 });

const losses = [];
for (let step = 0; step < steps; step++) {
  const { x, target } = makeBatch(step, T);
  model.zeroGrad();
  const loss = model.lossAndGrad(x, target) / T; // per character
  optimizer.step();
  losses.push(loss);
  if (step % 25 === 0 || step === steps - 1) {
    console.log(`step ${String(step).padStart(4)}  loss ${loss.toFixed(4)}  "${sample(model, 'h', 36)}"`);
  }
}
console.log(`target text: "${TEXT}"`);
const first = losses[0], last = losses[losses.length - 1];
console.log(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
if (!(last < 0.5 * first)) {
  console.log('the loss did not fall by half');
  process.exitCode = 1;
}
