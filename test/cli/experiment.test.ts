/**
 * `rnnkit experiment long-term` on a tiny configuration: the JSON line's schema, the SVG files
 * (present, well-formed, one series per cell), determinism for a seed, usage errors; and the
 * adding-problem data it trains on (lib/data/adding.ts).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../lib/cli/args.js';
import { experimentCommand, testMse } from '../../lib/cli/experiment.js';
import { ADDING_BASELINE_MSE, addingBatch, constantMse } from '../../lib/data/adding.js';
import { SequenceModel } from '../../lib/models/sequence-model.js';
import { Random } from '../../lib/random.js';
import { parseSvg } from '../helpers/svg.js';

async function run(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await experimentCommand(argv, (l) => lines.push(l));
  return { code, lines };
}

describe('data/adding', () => {
  it('marks exactly one step in each half and targets the sum of the marked values', () => {
    for (const T of [2, 3, 10, 51]) {
      const B = 64, x = new Float64Array(T * B * 2), y = new Float64Array(B);
      addingBatch(new Random(T), T, B, x, y);
      const half = Math.floor(T / 2);
      for (let b = 0; b < B; b++) {
        const marked: number[] = [];
        let sum = 0;
        for (let t = 0; t < T; t++) {
          const v = x[(t * B + b) * 2], m = x[(t * B + b) * 2 + 1];
          expect(v).to.be.within(0, 1);
          expect(v).to.be.below(1);
          expect([0, 1]).to.include(m);
          if (m === 1) { marked.push(t); sum += v; }
        }
        expect(marked, `T=${T} b=${b}`).to.have.length(2);
        expect(marked[0]).to.be.below(half);
        expect(marked[1]).to.be.at.least(half);
        expect(y[b]).to.equal(sum);
      }
    }
  });

  it('float32 targets are the sum of the float32 values, and a seed fixes the batch', () => {
    const T = 7, B = 5;
    const a = new Float32Array(T * B * 2), ya = new Float32Array(B), b = new Float32Array(T * B * 2), yb = new Float32Array(B);
    addingBatch(new Random(3), T, B, a, ya);
    addingBatch(new Random(3), T, B, b, yb);
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    expect(Array.from(ya)).to.deep.equal(Array.from(yb));
  });

  it('always answering 1 scores about 1/6', () => {
    const T = 4, B = 20000, x = new Float64Array(T * B * 2), y = new Float64Array(B);
    addingBatch(new Random(11), T, B, x, y);
    expect(constantMse(y, 1)).to.be.closeTo(ADDING_BASELINE_MSE, 0.01);
    expect(ADDING_BASELINE_MSE).to.equal(1 / 6);
  });

  it('rejects bad sizes, naming what was expected', () => {
    const r = new Random(1);
    expect(() => addingBatch(r, 1, 1, new Float32Array(2), new Float32Array(1))).to.throw(RangeError, /T must be ≥ 2/);
    expect(() => addingBatch(r, 4, 2, new Float32Array(15), new Float32Array(2))).to.throw(RangeError, /x has 15 entries but \[4, 2, 2\] needs 16/);
    expect(() => addingBatch(r, 4, 2, new Float32Array(16), new Float32Array(3))).to.throw(RangeError, /y has 3 entries/);
    expect(() => addingBatch(r, 4, 2, [] as unknown as Float32Array, new Float32Array(2))).to.throw(TypeError);
    expect(() => constantMse([])).to.throw(RangeError);
  });
});

describe('cli/experiment', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'rnnkit-experiment-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  const tiny = ['--seq-len', '10', '--steps', '30', '--hidden', '8', '--batch', '8', '--quiet'];
  const CELLS = ['rnn_tanh', 'gru', 'lstm'];

  it('long-term --json ends with one JSON object and writes four well-formed SVGs', async () => {
    const out = join(dir, 'a');
    const { code, lines } = await run(['long-term', ...tiny, '--out', out, '--json']);
    expect(code).to.equal(0);
    const json = JSON.parse(lines[lines.length - 1]);
    expect(json).to.include({ task: 'adding', seq_len: 10, steps: 30, hidden: 8, batch: 8, seed: 1 });
    expect(json.baseline_mse).to.be.a('number').within(0.1, 0.25);
    expect(json.results.map((r: { cell: string }) => r.cell)).to.deep.equal(CELLS);
    for (const r of json.results) {
      expect(r.test_mse).to.be.a('number').at.least(0);
      expect(r.vs_baseline).to.be.closeTo(r.test_mse / json.baseline_mse, 1e-12);
      expect(r.final_train_loss).to.be.a('number');
      if (r.solved_at_step !== null) expect(r.solved_at_step).to.be.a('number').within(1, 30);
      expect(r.grad_norm_profile.t).to.deep.equal([0, 4, 9]);
      expect(r.grad_norm_profile.norm).to.have.length(3);
      for (const n of r.grad_norm_profile.norm) expect(n).to.be.a('number').above(0);
      expect(r.skipped_steps).to.equal(0);
      expect(r.seconds).to.be.a('number').at.least(0);
    }

    const names = ['long-term-loss.svg', ...CELLS.map((c) => `long-term-gradnorm-${c}.svg`)];
    // only the four plots: no temporary file left behind
    expect(readdirSync(out).sort()).to.deep.equal([...names].sort());
    expect(json.files).to.deep.equal(names.map((n) => join(out, n)));
    for (const n of names) expect(lines).to.include(`wrote ${join(out, n)}`);

    const loss = parseSvg(readFileSync(join(out, 'long-term-loss.svg'), 'utf8'));
    const series = loss.filter((e) => e.attrs.class === 'series').map((e) => e.attrs['data-series']);
    expect(series).to.deep.equal([...CELLS, 'baseline: answer 1']);
    // 30 steps: one point per step
    const lstm = loss.findIndex((e) => e.attrs['data-series'] === 'lstm' && e.attrs.class === 'series');
    expect((loss[lstm + 1].attrs.points ?? '').trim().split(/\s+/)).to.have.length(30);
    for (const c of CELLS) {
      const els = parseSvg(readFileSync(join(out, `long-term-gradnorm-${c}.svg`), 'utf8'));
      const g = els.find((e) => e.attrs.class === 'cells');
      expect(g?.attrs['data-rows']).to.equal('10');
      expect(g?.attrs['data-cols']).to.equal('30');
      expect(els.find((e) => e.attrs.class === 'colorbar')?.attrs['data-scale']).to.equal('log');
    }
  });

  it('prints a table without --json, and the same seed gives the same numbers', async () => {
    const a = await run(['long-term', ...tiny, '--out', join(dir, 'b'), '--seed', '7', '--json']);
    const b = await run(['long-term', ...tiny, '--out', join(dir, 'c'), '--seed', '7']);
    const ja = JSON.parse(a.lines[a.lines.length - 1]);
    expect(b.lines[b.lines.length - 1]).to.match(/^wrote /);
    for (const r of ja.results) {
      const row = b.lines.find((l) => l.startsWith(r.cell.padEnd(8)));
      expect(row, r.cell).to.be.a('string');
      expect(row).to.contain(r.test_mse.toPrecision(3));
    }
    expect(readFileSync(join(dir, 'b', 'long-term-loss.svg'), 'utf8')).to.equal(readFileSync(join(dir, 'c', 'long-term-loss.svg'), 'utf8'));
  });

  it('at T = 2 (no memory needed) every cell learns the sum: a sanity check of the setup', async () => {
    const { lines } = await run(['long-term', '--seq-len', '2', '--steps', '300', '--hidden', '8', '--batch', '16', '--quiet', '--json', '--out', join(dir, 't2')]);
    const json = JSON.parse(lines[lines.length - 1]);
    expect(json.results.map((r: { grad_norm_profile: { t: number[] } }) => r.grad_norm_profile.t)).to.deep.equal([[0, 1], [0, 1], [0, 1]]);
    for (const r of json.results) {
      expect(r.vs_baseline, r.cell).to.be.below(0.1);
      expect(r.solved_at_step, r.cell).to.be.within(50, 300);
    }
    expect(lines).to.include('under a tenth of the baseline: rnn_tanh, gru, lstm; not: none');
  });

  it('testMse evaluates in chunks and agrees with one forward over all rows', () => {
    const T = 6, N = 613; // not a multiple of the chunk size
    const x = new Float32Array(T * N * 2), y = new Float32Array(N);
    addingBatch(new Random(5), T, N, x, y);
    const model = new SequenceModel({ mode: 'gru', inputSize: 2, hiddenSize: 5, outputSize: 1, topology: 'many_to_one', loss: 'mse', seed: 2 });
    const pred = model.forward({ data: x, shape: [T, N, 2] }).y.data;
    let s = 0;
    for (let i = 0; i < N; i++) s += (pred[i] - y[i]) ** 2;
    expect(testMse(model, T, x, y)).to.be.closeTo(s / N, 1e-9);
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, lines } = await run(['--help']);
    expect(code).to.equal(0);
    expect(lines.join('\n')).to.contain('usage: rnnkit experiment long-term');
  });

  it('bad input is a one-line UsageError', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [[], /name an experiment \(long-term, names, g2p\)/],
      [['short-term'], /unknown experiment "short-term"/],
      [['long-term', 'extra'], /unexpected argument "extra"/],
      [['long-term', '--bogus'], /unknown flag --bogus/],
      [['long-term', '--steps', 'abc'], /--steps must be a number, got "abc"/],
      [['long-term', '--steps', '2.5'], /--steps must be a whole number/],
      [['long-term', '--seq-len', '1'], /--seq-len must be in \[2, 1000\], got 1/],
      [['long-term', '--hidden', '0'], /--hidden must be in/],
      [['long-term', '--lr', '0'], /--lr must be in/],
      [['long-term', '--lr'], /--lr needs a value/],
      [['long-term', '--seed', '-1'], /--seed must be in/],
      [['long-term', '--out', file], /exists and is not a folder/],
    ];
    for (const [argv, message] of cases) {
      let caught: unknown = null;
      try { await run(argv); } catch (e) { caught = e; }
      expect(caught, argv.join(' ')).to.be.instanceOf(UsageError);
      const msg = (caught as Error).message;
      expect(msg, argv.join(' ')).to.match(message);
      // one line, unless the usage text follows it
      if (!msg.includes('usage:')) expect(msg.split('\n'), argv.join(' ')).to.have.length(1);
    }
  });
});
