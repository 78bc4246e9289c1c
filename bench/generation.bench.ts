/**
 * Generation suite: one forward per token, the loop `generate` runs. The same model and tokens
 * twice in one run: with the weights frozen (`withFrozenWeights`, what `generate` does: W_hh,
 * W_ih and the head's Wya packed once per call) and without (packed again at every token, what
 * `generate` did before), so the table shows the lever as a ratio measured side by side.
 * Model: LSTM, 2 layers, H = 256, embedding 80 × 32, 80 outputs (a character-level model).
 */
import { SequenceModel } from '../lib/index.js';
import { StateCarry } from '../lib/training/state-carry.js';
import { type Row, runCases } from './suite.js';

const TOKENS = 100;

export function runGenerationSuite(maxTime = 2): Row[] {
  const model = new SequenceModel({ mode: 'lstm', hiddenSize: 256, numLayers: 2, outputSize: 80, embedding: { numEmbeddings: 80, embeddingDim: 32 }, seed: 1 }).eval();
  const carry = new StateCarry(model.rnn, 1);
  const id = { data: new Int32Array(1), shape: [1, 1] };
  // TOKENS forwards of one token each, feeding back the argmax (no sampling cost in the timing)
  const tokens = () => {
    carry.reset();
    id.data[0] = 1;
    for (let i = 0; i < TOKENS; i++) {
      const p = model.forward(id, carry.inputs());
      carry.capture(p.state);
      const z = p.z.data;
      let best = 0;
      for (let v = 1; v < 80; v++) if (z[v] > z[best]) best = v;
      id.data[0] = best;
    }
  };
  // per token: 2·(I+H)·4H for each layer (I = 32, then 256) and 2·F·V for the head
  const flops = TOKENS * (2 * 4 * 256 * ((32 + 256) + (256 + 256)) + 2 * 256 * 80);
  const rows = runCases(`Generation, ${TOKENS} tokens one forward each (LSTM 2×256, embedding 80×32, float32)`, [
    { name: `${TOKENS} tokens, weights frozen (generate)`, fn: () => model.withFrozenWeights(tokens), flops },
    { name: `${TOKENS} tokens, weights packed at each token`, fn: tokens, flops },
  ], maxTime);
  const [frozen, each] = rows;
  frozen.rate = `${(TOKENS / frozen.msPerCall * 1e3).toFixed(0)} tokens/s, ${(each.msPerCall / frozen.msPerCall).toFixed(1)}× the per-token packing`;
  each.rate = `${(TOKENS / each.msPerCall * 1e3).toFixed(0)} tokens/s`;
  return rows;
}
