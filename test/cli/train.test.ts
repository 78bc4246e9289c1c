/**
 * `rnnkit train` run as a real process on tiny models: the built-in corpus, the --json summary,
 * the checkpoint in both formats and the two plots, --resume continuing bit for bit, Ctrl-C
 * stopping cleanly with a checkpoint that resumes, and every kind of bad input refused with
 * one line, exit 2 and no file left behind.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceModel, decodeSafetensors, encodeSafetensors, saveCheckpoint } from '../../lib/index.js';
import { referenceDir } from '../helpers/reference.js';
import {
  CLI, REPO, type SvgElement, TINY, cliEnv, expectOneLineError, expectSameTensors, lastJson, listFiles, loadCheckpointFile,
  nonEmptyLines, parseSvg, polylinePoints, requireBuiltCli, runCli, safetensorsMetadata, show, tempDir, trainingText,
} from './helpers.js';

const SUMMARY_KEYS = [
  'command', 'cell', 'steps', 'train_loss', 'train_perplexity', 'val_loss', 'val_perplexity',
  'seconds', 'chars_per_second', 'interrupted', 'checkpoint', 'plots', 'sample',
];

/** The polylines inside the `<g class="series" data-series=name>` group of a line chart. */
function seriesPolylines(els: SvgElement[], name: string): SvgElement[] {
  const i = els.findIndex((e) => e.attrs.class === 'series' && e.attrs['data-series'] === name);
  expect(i, `series "${name}"`).to.be.at.least(0);
  const depth = els[i].path.length;
  const lines: SvgElement[] = [];
  for (let j = i + 1; j < els.length && els[j].path.length > depth; j++) if (els[j].name === 'polyline') lines.push(els[j]);
  return lines;
}

function isFiniteNumber(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

describe('cli/train', function () {
  let dir: string;
  const text = trainingText(2400);
  const vocab = [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);

  before(() => {
    requireBuiltCli();
    dir = tempDir('train');
    writeFileSync(join(dir, 'text.txt'), text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `rnnkit train --text text.txt` plus TINY and `args`, in `dir`. */
  const train = (args: string[]) => runCli(['train', '--text', 'text.txt', ...TINY, ...args], dir);

  describe('the built-in corpus', () => {
    it('dist/corpus.txt exists, is substantial and holds the README', () => {
      const corpus = readFileSync(join(REPO, 'dist', 'corpus.txt'), 'utf8');
      expect(corpus.length).to.be.above(10_000);
      const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
      const firstLine = readme.split('\n').find((l) => l.trim() !== '')!;
      // scripts/build.mjs puts README.md first, then docs/*.md
      expect(corpus.startsWith(firstLine)).to.equal(true);
      expect(new Set(corpus).size).to.be.above(40);
    });

    it('train without --text learns from it (every character, split 9:1)', () => {
      const corpus = readFileSync(join(REPO, 'dist', 'corpus.txt'), 'utf8');
      const out = join(dir, 'builtin');
      mkdirSync(out);
      const r = runCli(['train', ...TINY, '--steps', '2', '--out', 'o', '--json'], out);
      expect(r.code, show(r)).to.equal(0);
      const m = /^rnnkit train: lstm H=8 L=1, (\d+) symbols, (\d+) training \/ (\d+) validation characters, T=8 B=2, adam lr=0\.01, backend wasm$/m.exec(r.stderr);
      expect(m, show(r)).to.not.equal(null);
      const chars = [...corpus];
      expect(Number(m![1])).to.equal(new Set(chars).size);
      expect(Number(m![2]) + Number(m![3])).to.equal(chars.length);
      expect(Number(m![2])).to.equal(Math.floor(chars.length * 0.9));
      expect(lastJson(r).steps).to.equal(2);
    });
  });

  describe('a run', () => {
    it('--json: the last stdout line is the summary, with every documented key and finite numbers', () => {
      const r = train(['--steps', '6', '--eval-every', '2', '--out', 'o', '--json']);
      expect(r.code, show(r)).to.equal(0);
      // everything human goes to stderr: stdout is the JSON line alone
      expect(nonEmptyLines(r.stdout)).to.have.length(1);
      expect(r.stderr).to.match(/^step 6\/6 {2}loss \d+\.\d{3} {2}ppl /m);
      const j = lastJson(r);
      expect(Object.keys(j).sort()).to.deep.equal([...SUMMARY_KEYS].sort());
      expect(j).to.include({ command: 'train', cell: 'lstm', steps: 6, interrupted: false, checkpoint: join('o', 'model.safetensors') });
      expect(j.plots).to.deep.equal([join('o', 'loss.svg'), join('o', 'gradnorm.svg')]);
      for (const k of ['train_loss', 'train_perplexity', 'val_loss', 'val_perplexity', 'seconds', 'chars_per_second']) {
        expect(isFiniteNumber(j[k]), `${k} = ${j[k]}`).to.equal(true);
      }
      expect(j.train_loss as number).to.be.above(0);
      expect(j.val_loss as number).to.be.above(0);
      expect(j.train_perplexity as number).to.be.closeTo(Math.exp(j.train_loss as number), 1e-9 * (j.train_perplexity as number));
      expect(j.val_perplexity as number).to.be.closeTo(Math.exp(j.val_loss as number), 1e-9 * (j.val_perplexity as number));
      // an untrained model is near ln V per character
      expect(j.val_loss as number).to.be.closeTo(Math.log(vocab.length), 1);
      expect(j.seconds as number).to.be.at.least(0);
      expect(j.chars_per_second as number).to.be.above(0);
      const sample = [...(j.sample as string)];
      expect(sample).to.have.length(200);
      for (const c of sample) expect(vocab, JSON.stringify(c)).to.include(c);
      // the checkpoint and both plots, and nothing else (no temporary files)
      expect(listFiles(join(dir, 'o'))).to.deep.equal(['gradnorm.svg', 'loss.svg', 'model.safetensors']);
    });

    it('loss.svg is well-formed and carries the train and validation series', () => {
      const els = parseSvg(readFileSync(join(dir, 'o', 'loss.svg'), 'utf8'));
      const series = els.filter((e) => e.attrs.class === 'series').map((e) => e.attrs['data-series']);
      expect(series).to.deep.equal(['train', 'validation']);
      const legend = els.filter((e) => e.attrs.class === 'legend-entry').map((e) => e.attrs['data-series']);
      expect(legend).to.deep.equal(['train', 'validation']);
      // one train point per step; validation every 2 steps → 3 points
      const trainLines = seriesPolylines(els, 'train'), valLines = seriesPolylines(els, 'validation');
      expect(trainLines).to.have.length(1);
      expect(valLines).to.have.length(1);
      const tp = polylinePoints(trainLines[0]), vp = polylinePoints(valLines[0]);
      expect(tp).to.have.length(6);
      expect(vp).to.have.length(3);
      for (const pts of [tp, vp]) {
        for (const [x, y] of pts) expect(Number.isFinite(x) && Number.isFinite(y)).to.equal(true);
        for (let i = 1; i < pts.length; i++) expect(pts[i][0]).to.be.above(pts[i - 1][0]);
      }
      // the validation points sit at steps 2, 4, 6 of the train curve's 1…6
      expect(vp.map((p) => p[0])).to.deep.equal([tp[1][0], tp[3][0], tp[5][0]]);
      expect(els.find((e) => e.attrs.class === 'title')?.text).to.contain('lstm');
    });

    it('gradnorm.svg is well-formed: one row per validation, one column per time step, log colours', () => {
      const els = parseSvg(readFileSync(join(dir, 'o', 'gradnorm.svg'), 'utf8'));
      const cells = els.find((e) => e.attrs.class === 'cells');
      expect(cells?.attrs['data-rows']).to.equal('3');
      expect(cells?.attrs['data-cols']).to.equal('8');
      expect(els.find((e) => e.attrs.class === 'colorbar')?.attrs['data-scale']).to.equal('log');
      // the y ticks are training steps (the rows were recorded at steps 2, 4, 6), not row numbers
      const yTicks = els.filter((e) => e.attrs.class === 'tick y').map((e) => Number(e.text));
      expect(yTicks.length).to.be.greaterThan(1);
      for (const v of yTicks) expect(v).to.be.within(1, 7);
      expect(yTicks).to.include.members([2, 4, 6]);
    });

    it('without --json the summary is human lines on stdout and progress on stderr', () => {
      const r = train(['--steps', '4', '--out', 'p']);
      expect(r.code, show(r)).to.equal(0);
      const lines = nonEmptyLines(r.stdout);
      expect(lines[0]).to.match(/^rnnkit train: lstm H=8 L=1, \d+ symbols, 2160 training \/ 240 validation characters, T=8 B=2, adam lr=0\.01, backend wasm$/);
      expect(r.stdout).to.match(/^done: 4 steps in \d+:\d\d, /m);
      expect(r.stdout).to.match(/^train loss \d+\.\d{4} \(perplexity \d+\.\d\d\), validation loss \d+\.\d{4} \(perplexity \d+\.\d\d\)$/m);
      expect(r.stdout).to.contain(`model: ${join('p', 'model.safetensors')}\n`);
      expect(lines[lines.length - 1]).to.equal(`plots: ${join('p', 'loss.svg')}, ${join('p', 'gradnorm.svg')}`);
      expect(r.stderr).to.match(/^step 4\/4 /m);
      expect(r.stdout).to.not.match(/^\{/m);
    });

    it('--save FILE.json and FILE.safetensors both write checkpoints loadCheckpoint reads, with the same weights', () => {
      const a = train(['--steps', '6', '--save', 'm.json', '--out', 'q']);
      const b = train(['--steps', '6', '--save', join('sub', 'm.safetensors'), '--out', 'q2']);
      expect(a.code, show(a)).to.equal(0);
      expect(b.code, show(b)).to.equal(0);
      // --save replaces OUT/model.safetensors: OUT gets only the plots
      expect(listFiles(join(dir, 'q'))).to.deep.equal(['gradnorm.svg', 'loss.svg']);
      expect(readFileSync(join(dir, 'm.json'), 'utf8')).to.match(/^\{\s*"format": "rnnkit-state\/1"/);
      const cj = loadCheckpointFile(join(dir, 'm.json'));
      const cs = loadCheckpointFile(join(dir, 'sub', 'm.safetensors'));
      for (const ck of [cj, cs]) {
        expect(ck.step).to.equal(6);
        // characters in through a 32-wide embedding (the default)
        expect(ck.model.options).to.include({ mode: 'lstm', hiddenSize: 8, numLayers: 1, inputSize: 32, outputSize: vocab.length });
        expect(ck.model.options.embedding).to.deep.equal({ numEmbeddings: vocab.length, embeddingDim: 32, paddingIdx: null });
        expect(JSON.parse(ck.extra.vocab)).to.deep.equal(vocab);
        expect(JSON.parse(ck.extra.training)).to.include({ seed: 1, seqLen: 8, batch: 2 });
        expect(ck.optimizerState?.optimizer).to.equal('adam');
        expect(ck.optimizerState?.step).to.equal(6);
      }
      expect(cj.model.params.map((p) => p.name)).to.deep.equal(cs.model.params.map((p) => p.name));
      cj.model.params.forEach((p, i) => expect(Array.from(p.value), p.name).to.deep.equal(Array.from(cs.model.params[i].value)));
    });
  });

  describe('--resume', () => {
    it('8 steps straight equal 4 steps, saved, then resumed to 8: the tensors bit for bit', () => {
      const a = train(['--steps', '8', '--save', 'a8.safetensors', '--out', 'ra']);
      const b = train(['--steps', '4', '--save', 'b4.safetensors', '--out', 'rb']);
      expect(a.code, show(a)).to.equal(0);
      expect(b.code, show(b)).to.equal(0);
      const c = runCli(['train', '--text', 'text.txt', '--resume', 'b4.safetensors', '--steps', '8', '--save', 'b8.safetensors', '--out', 'rb', '--json'], dir);
      expect(c.code, show(c)).to.equal(0);
      expect(c.stderr).to.match(/, resuming at step 4$/m);
      expect(c.stderr).to.match(/^step 5\/8 /m);
      expect(lastJson(c)).to.include({ steps: 8, interrupted: false });
      // every tensor: weights, the optimizer's moments (optimizer.state.<param>.exp_avg, …) and the history
      expectSameTensors(join(dir, 'a8.safetensors'), join(dir, 'b8.safetensors'), true);
      const names = [...decodeSafetensors(new Uint8Array(readFileSync(join(dir, 'b8.safetensors')))).tensors.keys()];
      expect(names).to.include.members(['optimizer.state.weight_hh_l0.exp_avg', 'optimizer.state.head.bias.exp_avg_sq']);
      const ma = safetensorsMetadata(join(dir, 'a8.safetensors')), mb = safetensorsMetadata(join(dir, 'b8.safetensors'));
      expect(mb['rnnkit.step']).to.equal('8');
      // the optimizer's step and hyper-parameters and the batch sampler's state continue too
      expect(mb['rnnkit.optimizer']).to.equal(ma['rnnkit.optimizer']);
      expect(JSON.parse(JSON.parse(mb['rnnkit.extra']).training)).to.deep.equal(JSON.parse(JSON.parse(ma['rnnkit.extra']).training));
    });

    it('resuming from a .json checkpoint is exact as well', () => {
      const b = train(['--steps', '4', '--save', 'j4.json', '--out', 'rj']);
      expect(b.code, show(b)).to.equal(0);
      const c = runCli(['train', '--text', 'text.txt', '--resume', 'j4.json', '--steps', '8', '--save', 'j8.safetensors', '--out', 'rj'], dir);
      expect(c.code, show(c)).to.equal(0);
      expectSameTensors(join(dir, 'a8.safetensors'), join(dir, 'j8.safetensors'));
    });

    it('without --save a resumed run writes OUT/model.safetensors and leaves the checkpoint it read alone', () => {
      const before = readFileSync(join(dir, 'b4.safetensors'));
      const c = runCli(['train', '--text', 'text.txt', '--resume', 'b4.safetensors', '--steps', '6', '--out', 'rd', '--json'], dir);
      expect(c.code, show(c)).to.equal(0);
      expect(lastJson(c).checkpoint).to.equal(join('rd', 'model.safetensors'));
      expect(loadCheckpointFile(join(dir, 'rd', 'model.safetensors')).step).to.equal(6);
      expect(readFileSync(join(dir, 'b4.safetensors')).equals(before)).to.equal(true);
    });
  });

  describe('Ctrl-C (SIGINT)', () => {
    it('stops after the current step, saves, exits 130, and --resume continues exactly', async function () {
      this.timeout(90_000);
      const child = spawn(process.execPath,
        [CLI, 'train', '--text', 'text.txt', ...TINY, '--steps', '100000', '--eval-every', '5', '--save', 'int.safetensors', '--out', 'int', '--json'],
        { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '', sent = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        // stderr is a pipe, so progress is plain "step N/100000 …" lines
        if (!sent && /^step \d+\/100000 /m.test(stderr)) { sent = true; child.kill('SIGINT'); }
      });
      const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.on('close', (c, s) => resolve({ code: c, signal: s }));
      });
      clearTimeout(guard);
      const r = { code, signal, stdout, stderr };
      expect(sent, show(r)).to.equal(true);
      // Under Deno, node:child_process reports a child it sent SIGINT to as killed by SIGINT even
      // when the child handled it and exited 130 (a Node parent sees 130 from the same Deno CLI);
      // the handling itself is still checked below (summary, message, checkpoint)
      if ('Deno' in globalThis && code === null) expect(signal, show(r)).to.equal('SIGINT');
      else expect(code, show(r)).to.equal(130);
      expect(r.stderr).to.not.contain('    at ');
      const j = lastJson(r);
      expect(j.interrupted).to.equal(true);
      const S = j.steps as number;
      expect(S).to.be.within(5, 99_999);
      expect(j.checkpoint).to.equal('int.safetensors');
      expect(r.stderr).to.contain(`interrupted at step ${S}; the checkpoint continues with: rnnkit train --resume int.safetensors --steps 100000`);
      expect(loadCheckpointFile(join(dir, 'int.safetensors')).step).to.equal(S);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
      expect(listFiles(join(dir, 'int'))).to.deep.equal(['gradnorm.svg', 'loss.svg']);

      // resume three more steps, and compare with a run that was never interrupted
      const resumed = runCli(['train', '--text', 'text.txt', '--resume', 'int.safetensors', '--steps', String(S + 3), '--save', 'int-resumed.safetensors', '--out', 'int', '--json'], dir);
      expect(resumed.code, show(resumed)).to.equal(0);
      expect(lastJson(resumed)).to.include({ steps: S + 3, interrupted: false });
      const straight = train(['--steps', String(S + 3), '--save', 'int-straight.safetensors', '--out', 'int-straight']);
      expect(straight.code, show(straight)).to.equal(0);
      expectSameTensors(join(dir, 'int-straight.safetensors'), join(dir, 'int-resumed.safetensors'));
    });
  });

  describe('bad input: exit 2, one line, no stack trace, no file written', () => {
    let bad: string;
    before(() => {
      bad = join(dir, 'bad');
      mkdirSync(join(bad, 'folder'), { recursive: true });
      writeFileSync(join(bad, 'text.txt'), text);
      writeFileSync(join(bad, 'empty.txt'), '');
      writeFileSync(join(bad, 'short.txt'), 'abcde');
      writeFileSync(join(bad, 'other.txt'), 'THESE CAPITALS WERE NEVER SEEN. '.repeat(20));
      // 100 bytes that are not safetensors (the length field claims an absurd header)
      writeFileSync(join(bad, 'random.safetensors'), Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 97 + 13) & 255)));
      // a valid safetensors file with no rnnkit metadata
      writeFileSync(join(bad, 'foreign.safetensors'), encodeSafetensors(new Map([['w', { data: new Float32Array([1, 2]), shape: [2] }]]), {}));
      // a PyTorch reference fixture (JSON, but not a state dict)
      const fixtures = (() => { try { return readdirSync(referenceDir()).filter((f) => f.endsWith('.json')).sort(); } catch { return []; } })();
      if (fixtures.length) copyFileSync(join(referenceDir(), fixtures[0]), join(bad, 'fixture.json'));
      else writeFileSync(join(bad, 'fixture.json'), JSON.stringify({ format: 'rnn-reference/1', kind: 'layer' }));
      // an rnnkit checkpoint that `rnnkit train` did not write (no vocabulary)
      const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 1 });
      writeFileSync(join(bad, 'novocab.safetensors'), saveCheckpoint({ model }, 'safetensors'));
      // a real checkpoint at step 6
      const r = runCli(['train', '--text', 'text.txt', ...TINY, '--steps', '6', '--save', 'model.safetensors', '--out', 'seed-out'], bad);
      expect(r.code, show(r)).to.equal(0);
      rmSync(join(bad, 'seed-out'), { recursive: true });
    });

    const cases: [string, string[], RegExp][] = [
      ['a missing --text file', ['--text', 'nope.txt'], /^rnnkit: train: cannot read text file nope\.txt: no such file$/],
      ['a folder as --text', ['--text', 'folder'], /^rnnkit: train: cannot read text file folder: is a folder, not a file$/],
      ['an empty text', ['--text', 'empty.txt'], /^rnnkit: train: the text empty\.txt is empty$/],
      ['a text shorter than one sequence', ['--text', 'short.txt'], /^rnnkit: train: the text has 5 characters; with --seq-len 48 it needs at least \d+ .*use a longer text or a smaller --seq-len$/],
      ['an unknown flag', ['--text', 'text.txt', '--frobnicate'], /^rnnkit: train: unknown flag --frobnicate \(known: --text, --cell, --hidden, .*--json, --help\)$/],
      ['--cell xyz', ['--text', 'text.txt', '--cell', 'xyz'], /^rnnkit: train: --cell must be one of lstm, gru, rnn, got "xyz"$/],
      ['--hidden abc', ['--text', 'text.txt', '--hidden', 'abc'], /^rnnkit: train: --hidden must be a number, got "abc"$/],
      ['--hidden 0', ['--text', 'text.txt', '--hidden', '0'], /^rnnkit: train: --hidden must be in \[1, 4096\], got 0$/],
      ['--hidden 2.5', ['--text', 'text.txt', '--hidden', '2.5'], /^rnnkit: train: --hidden must be a whole number, got "2\.5"$/],
      ['--steps -1', ['--text', 'text.txt', '--steps', '-1'], /^rnnkit: train: --steps must be in \[1, ∞\], got -1$/],
      ['--steps with no value', ['--text', 'text.txt', '--steps'], /^rnnkit: train: --steps needs a value$/],
      ['--steps and --epochs', ['--text', 'text.txt', '--steps', '3', '--epochs', '1'], /^rnnkit: train: give --steps or --epochs, not both$/],
      ['--optimizer adamw', ['--text', 'text.txt', '--optimizer', 'adamw'], /^rnnkit: train: --optimizer must be one of adam, sgd, sgd_momentum, rmsprop, adagrad, got "adamw"$/],
      ['--save foo.txt', ['--text', 'text.txt', '--save', 'foo.txt'], /^rnnkit: train: --save must end in \.safetensors or \.json, got "foo\.txt"$/],
      ['--bidirectional', ['--text', 'text.txt', '--bidirectional'], /^rnnkit: train: --bidirectional makes no sense for a language model/],
      ['--resume of a missing file', ['--text', 'text.txt', '--resume', 'nope.safetensors'], /^rnnkit: train: cannot read checkpoint nope\.safetensors: no such file$/],
      ['--resume of random bytes', ['--text', 'text.txt', '--resume', 'random.safetensors'], /^rnnkit: .*cannot load random\.safetensors: decodeSafetensors: /],
      ['--resume of a foreign safetensors file', ['--text', 'text.txt', '--resume', 'foreign.safetensors'], /^rnnkit: .*cannot load foreign\.safetensors: .*not an rnnkit checkpoint/],
      ['--resume of a reference fixture', ['--text', 'text.txt', '--resume', 'fixture.json'], /^rnnkit: .*cannot load fixture\.json: /],
      ['--resume of a checkpoint train did not write', ['--text', 'text.txt', '--resume', 'novocab.safetensors'], /^rnnkit: train: novocab\.safetensors is an rnnkit checkpoint but not one written by "rnnkit train" \(no vocabulary\)$/],
      ['--resume with --hidden', ['--text', 'text.txt', '--resume', 'model.safetensors', '--steps', '9', '--hidden', '8'], /^rnnkit: train: --hidden is fixed by the checkpoint being resumed; leave it out$/],
      ['--resume with --seq-len', ['--text', 'text.txt', '--resume', 'model.safetensors', '--steps', '9', '--seq-len', '4'], /^rnnkit: train: --seq-len is fixed by the checkpoint/],
      ['--resume to a step already reached', ['--text', 'text.txt', '--resume', 'model.safetensors', '--steps', '6'], /^rnnkit: train: the checkpoint is at step 6, already ≥ --steps 6; ask for more steps$/],
      ['--resume on a text with unseen characters', ['--text', 'other.txt', '--resume', 'model.safetensors', '--steps', '9'], /^rnnkit: train: CharVocabulary\.encode: character "[A-Z]" at 0 is not in the model's vocabulary of \d+ \(resume with the text the model was trained on\)$/],
    ];

    for (const [what, args, message] of cases) {
      it(what, () => {
        const files = listFiles(bad);
        const model = readFileSync(join(bad, 'model.safetensors'));
        // --out out with the default --save: a run that got anywhere would create out/
        const r = runCli(['train', '--steps', '3', '--out', 'out', ...args], bad);
        expectOneLineError(r, message);
        expect(listFiles(bad)).to.deep.equal(files);
        expect(existsSync(join(bad, 'out'))).to.equal(false);
        expect(readFileSync(join(bad, 'model.safetensors')).equals(model)).to.equal(true);
      });
    }
  });

  describe('edge cases found by an audit (each once a bug)', () => {
    // Guards: the sampler is primed with the text's first code point, not its first UTF-16 unit,
    // so a text that begins outside the BMP (an emoji, 𝑥, …) trains and saves.
    it('trains on a text whose first character is outside the BMP', () => {
      writeFileSync(join(dir, 'emoji.txt'), '😀 ' + text);
      const r = runCli(['train', '--text', 'emoji.txt', ...TINY, '--steps', '6', '--out', 'emoji', '--json'], dir);
      expect(r.code, show(r)).to.equal(0);
      expect(existsSync(join(dir, 'emoji', 'model.safetensors'))).to.equal(true);
    });

    // Guards: a positional argument is refused, so `rnnkit train mytext.txt` cannot silently
    // train on the built-in corpus instead.
    it('refuses a stray argument (a text file given without --text) instead of ignoring it', () => {
      const r = runCli(['train', 'text.txt', ...TINY, '--steps', '1', '--out', 'stray'], dir);
      expectOneLineError(r, /train: unexpected argument "text\.txt"/);
      expect(existsSync(join(dir, 'stray'))).to.equal(false);
    });

    // Guards: --out naming an existing file is refused before any training, not after the whole
    // run when the model would be written there.
    it('--out naming an existing file is refused before training', () => {
      writeFileSync(join(dir, 'a-file'), 'not a folder');
      const r = train(['--steps', '6', '--out', 'a-file']);
      expectOneLineError(r, /--out a-file .*not a folder/);
    });

    // Guards: on --resume, --optimizer and --lr are either refused (fixed by the checkpoint,
    // like --hidden) or applied, never printed in the header and then silently ignored.
    it('--resume with --optimizer/--lr does not silently ignore them', () => {
      const first = train(['--steps', '2', '--save', 'opt2.safetensors', '--out', 'opt']);
      expect(first.code, show(first)).to.equal(0);
      const r = runCli(['train', '--text', 'text.txt', '--resume', 'opt2.safetensors', '--steps', '4', '--optimizer', 'sgd', '--lr', '0.5', '--save', 'opt.safetensors', '--out', 'opt'], dir);
      if (r.code === 2) {
        expectOneLineError(r, /--optimizer/);
      } else {
        expect(r.code, show(r)).to.equal(0);
        const state = loadCheckpointFile(join(dir, 'opt.safetensors')).optimizerState!;
        expect(state.optimizer, 'the header said "sgd lr=0.5"').to.equal('sgd');
        expect(state.hyperParameters.lr).to.equal(0.5);
      }
    });

    // Guards: the minimum text length the error states is the smallest that passes the check
    // (split = floor(0.9·n) ≥ T+1 and n − split ≥ T+1): n trains, n − 1 is refused.
    it('the minimum text length the error states is the real one', () => {
      writeFileSync(join(dir, 'short.txt'), 'abcde');
      const r = runCli(['train', '--text', 'short.txt', ...TINY, '--steps', '1', '--out', 'min'], dir);
      expect(r.code, show(r)).to.equal(2);
      const n = Number(/needs at least (\d+)/.exec(r.stderr)?.[1]);
      expect(n, show(r)).to.be.above(9);
      writeFileSync(join(dir, 'min-ok.txt'), text.slice(0, n));
      writeFileSync(join(dir, 'min-short.txt'), text.slice(0, n - 1));
      expect(runCli(['train', '--text', 'min-ok.txt', ...TINY, '--steps', '1', '--out', 'min'], dir).code).to.equal(0);
      const below = runCli(['train', '--text', 'min-short.txt', ...TINY, '--steps', '1', '--out', 'min'], dir);
      expect(below.code, `${n - 1} characters trained although the message says ${n} are needed`).to.equal(2);
    });

    // Guards: --clip-value 0 either turns clipping off (as --clip-norm 0 does) or is refused
    // naming the flag, never refused by the Trainer in words that do not name it.
    it('--clip-value 0 is refused naming the flag (or turns clipping off)', () => {
      const r = train(['--steps', '2', '--clip-value', '0', '--out', 'clip']);
      if (r.code !== 0) expectOneLineError(r, /--clip-value/);
    });
  });
});
