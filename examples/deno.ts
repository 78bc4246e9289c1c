// The Node example's few lines, run by Deno:
//   deno run examples/deno.ts [steps]   (after npm run build; it needs no permission)
// 'rnnkit' resolves through this repository's package.json to its build; in your own project
// write `import { … } from 'npm:rnnkit'` (types included).
import { SequenceModel, createOptimizer } from 'rnnkit';
import { VOCAB, makeBatch, sample } from './toy-task.mjs';

const steps = Number(Deno.args[0] ?? 100);
const T = 16;
const model = new SequenceModel({
  mode: 'lstm', inputSize: VOCAB.length, hiddenSize: 32, outputSize: VOCAB.length,
  loss: 'cross_entropy', topology: 'many_to_many', seed: 1,
});
const optimizer = createOptimizer(model.params, { name: 'adam', lr: 0.02 });

console.log(`deno ${Deno.version.deno}`);
const losses: number[] = [];
for (let step = 0; step < steps; step++) {
  const { x, target } = makeBatch(step, T);
  model.zeroGrad();
  losses.push(model.lossAndGrad(x, target) / T);
  optimizer.step();
  if (step % 25 === 0 || step === steps - 1) {
    console.log(`step ${String(step).padStart(4)}  loss ${losses[step].toFixed(4)}  "${sample(model, 'h', 36)}"`);
  }
}
const first = losses[0], last = losses[losses.length - 1];
console.log(`loss ${first.toFixed(4)} -> ${last.toFixed(4)}`);
if (!(last < 0.5 * first)) {
  console.log('the loss did not fall by half');
  Deno.exit(1);
}
