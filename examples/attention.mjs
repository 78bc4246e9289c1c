// An encoder–decoder with attention learns to reverse short words, then shows where it looks.
// Run after `npm run build`:   node examples/attention.mjs [steps]
// Source and target are characters; ids: 0 padding, 1 start (targets), 2 end (targets).
import { Adam, Seq2Seq, Trainer, Random } from '../dist/esm/index.js';

const ALPHABET = 'abcdefgh';
const SRC = (c) => ALPHABET.indexOf(c) + 1;            // source ids 1…8
const TGT = (c) => ALPHABET.indexOf(c) + 3;            // target ids 3…10
const END = 2, steps = Number(process.argv[2] ?? 400), B = 32, rng = new Random(7);

function word() {
  const n = 3 + rng.int(4);                             // 3 to 6 letters
  return Array.from({ length: n }, () => ALPHABET[rng.int(ALPHABET.length)]).join('');
}

/** A time-major batch of B words: src [S, B], tgtIn = start + reversed word, tgtOut = reversed word + end. */
function batch() {
  const words = Array.from({ length: B }, word);
  const S = Math.max(...words.map((w) => w.length)), T = S + 1;
  const src = new Int32Array(S * B), tgtIn = new Int32Array(T * B), tgtOut = new Int32Array(T * B);
  words.forEach((w, b) => {
    const rev = [...w].reverse();
    [...w].forEach((c, s) => { src[s * B + b] = SRC(c); });
    tgtIn[b] = 1;
    rev.forEach((c, t) => { tgtOut[t * B + b] = TGT(c); tgtIn[(t + 1) * B + b] = TGT(c); });
    tgtOut[rev.length * B + b] = END;
  });
  return { src: { data: src, shape: [S, B] }, srcLengths: words.map((w) => w.length),
    tgtIn: { data: tgtIn, shape: [T, B] }, tgtOut: { data: tgtOut, shape: [T, B] } };
}

const model = new Seq2Seq({ mode: 'gru', srcVocab: ALPHABET.length + 1, tgtVocab: ALPHABET.length + 3,
  embeddingDim: 16, hiddenSize: 32, bidirectionalEncoder: true, attention: 'general', inputFeed: true, seed: 1 });
const trainer = new Trainer(model, { optimizer: new Adam(model.params, { lr: 0.01 }), clipNorm: 5 });
for (let i = 1; i <= steps; i++) {
  const { loss } = trainer.run(() => model.lossAndGrad(batch()));
  if (i % 100 === 0) console.log(`step ${i}: loss ${loss.toFixed(3)}`);
}

const w = 'badge';
const best = model.beamSearch([...w].map(SRC), { beamWidth: 3, maxLength: 10, endToken: END });
const out = best.tokens.filter((t) => t !== END).map((t) => ALPHABET[t - 3]).join('');
console.log(`${w} → ${out}`);
// α: which source letter each output letter attended to most
best.attention.forEach((row, t) => {
  if (best.tokens[t] === END) return;
  const s = row.indexOf(Math.max(...row));
  console.log(`  ${out[t]} looks at ${w[s]} (α = ${row[s].toFixed(2)})`);
});
