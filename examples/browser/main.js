// Trains a small LSTM in the page, a few steps per animation frame, drawing the loss curve and
// the model's samples as they improve. Serve the repository root over HTTP after
// `npm run build` (`npm run serve` prints the address) and open examples/browser/index.html.
// ?steps=N sets the length of the run (default 300).
//
// When the run ends, the page saves the model as a checkpoint and reads it back through
// 'rnnkit/inference', the forward-only entry a page that only generates would import
// (loadModel + generate: about 20.7 KB gzip, against 25.1 KB from the root), and writes with it.
//
// For tests: window.__rnnkitLosses (loss per character at each step), window.__rnnkitSamples
// ([{ step, text }]), window.__rnnkitServed ({ text, bytes }: what the reloaded model wrote,
// greedy from "h") and window.__rnnkitDone (true once the run ends).
//
// 'rnnkit' and 'rnnkit/inference' are mapped to the ESM build by the import map in index.html;
// with a bundler the same import lines work unchanged.
import { SequenceModel, createOptimizer, saveCheckpoint } from 'rnnkit';
import { generate, loadModel } from 'rnnkit/inference';
import { TEXT, VOCAB, makeBatch, sample } from '../toy-task.mjs';

const T = 16;
const STEPS_PER_FRAME = 3;
const SAMPLE_EVERY = 25;
const totalSteps = Number(new URLSearchParams(location.search).get('steps')) || 300;

const canvas = document.getElementById('loss');
const status = document.getElementById('status');
const samples = document.getElementById('samples');
const served = document.getElementById('served');
document.getElementById('text').textContent = JSON.stringify(TEXT);

let run = 0; // bumps on restart, so a stale loop stops

function start() {
  const id = ++run;
  const model = new SequenceModel({
    mode: 'lstm', inputSize: VOCAB.length, hiddenSize: 32, outputSize: VOCAB.length,
    loss: 'cross_entropy', topology: 'many_to_many', seed: 1,
  });
  const optimizer = createOptimizer(model.params, { name: 'adam', lr: 0.02 });
  const losses = [];
  window.__rnnkitLosses = losses;
  window.__rnnkitSamples = [];
  window.__rnnkitServed = null;
  window.__rnnkitDone = false;
  samples.textContent = '';
  served.textContent = '';
  const t0 = performance.now();

  function frame() {
    if (id !== run) return;
    for (let i = 0; i < STEPS_PER_FRAME && losses.length < totalSteps; i++) {
      const step = losses.length;
      const { x, target } = makeBatch(step, T);
      model.zeroGrad();
      losses.push(model.lossAndGrad(x, target) / T);
      optimizer.step();
      if (step % SAMPLE_EVERY === 0 || losses.length === totalSteps) showSample(step, sample(model, 'h', TEXT.length - 1));
    }
    draw(losses);
    const ms = performance.now() - t0;
    status.textContent = `step ${losses.length}/${totalSteps}   loss ${losses[losses.length - 1].toFixed(4)}   ` +
      `${(ms / losses.length).toFixed(1)} ms/step`;
    if (losses.length < totalSteps) requestAnimationFrame(frame);
    else {
      serve(model);
      window.__rnnkitDone = true;
    }
  }
  requestAnimationFrame(frame);
}

/** Saves the trained model, reads it back forward-only and writes from "h", as a page that only generates would. */
function serve(model) {
  const bytes = saveCheckpoint({ model }, 'safetensors');
  const { model: forwardOnly } = loadModel(bytes);
  const tokens = generate(forwardOnly, { prime: [VOCAB.indexOf('h')], length: TEXT.length - 1, greedy: true });
  const text = 'h' + tokens.map((i) => VOCAB[i]).join('');
  window.__rnnkitServed = { text, bytes: bytes.length };
  served.textContent = `reloaded from a ${(bytes.length / 1024).toFixed(1)} KB checkpoint through rnnkit/inference: "${text}"`;
}

function showSample(step, text) {
  window.__rnnkitSamples.push({ step, text });
  const li = document.createElement('li');
  const label = document.createElement('b');
  label.textContent = `step ${step}`;
  li.append(label);
  for (let i = 0; i < text.length; i++) {
    const span = document.createElement('span');
    span.textContent = text[i] === ' ' ? '\u00a0' : text[i];
    span.className = text[i] === TEXT[i % TEXT.length] ? 'ok' : 'bad';
    li.append(span);
  }
  samples.prepend(li);
}

function draw(losses) {
  const ctx = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, left = 44, bottom = 24, top = 10, right = 10;
  const yMax = Math.max(...losses.slice(0, 5), 1e-3);
  const px = (i) => left + (i / Math.max(totalSteps - 1, 1)) * (W - left - right);
  const py = (v) => top + (1 - Math.min(v, yMax) / yMax) * (H - top - bottom);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = '#ddd';
  ctx.fillStyle = '#666';
  ctx.font = '11px sans-serif';
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    ctx.beginPath();
    ctx.moveTo(left, py(v));
    ctx.lineTo(W - right, py(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(2), 4, py(v) + 4);
  }
  ctx.fillText('0', left, H - 6);
  ctx.fillText(`step ${totalSteps}`, W - right - 56, H - 6);
  ctx.fillText('loss per character', left + 8, top + 12);
  ctx.strokeStyle = '#2563eb';
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((v, i) => (i ? ctx.lineTo(px(i), py(v)) : ctx.moveTo(px(i), py(v))));
  ctx.stroke();
  ctx.lineWidth = 1;
}

document.getElementById('restart').addEventListener('click', start);
start();
