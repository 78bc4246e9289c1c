/**
 * `rnnkit classify`: a tiny model learns an easy generated task (which marker letter a string
 * holds) and test/predict read its checkpoint; bad lines are one-line errors naming the file
 * and line, exit 2, with nothing written; --time-limit stops cleanly.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, type CliResult, cliEnv, expectOneLineError, lastJson, listFiles, loadCheckpointFile, nonEmptyLines, requireBuiltCli, runCli, show, tempDir } from './helpers.js';
import { markerLines } from './task-data.js';

const TINY = ['--hidden', '16', '--epochs', '6', '--quiet'];

/** Runs the CLI with `input` on standard input. */
function runWithInput(args: string[], cwd: string, input: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: cliEnv(), input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('cli/classify', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = tempDir('classify');
    writeFileSync(join(dir, 'train.tsv'), markerLines(600, 1));
    writeFileSync(join(dir, 'test.tsv'), markerLines(200, 2));
    const r = runCli(['classify', 'train', '--data', 'train.tsv', '--out', 'out', ...TINY, '--json'], dir);
    expect(r.code, show(r)).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('train states its split, keeps the best model, and writes a checkpoint with everything predict needs', () => {
    expect(listFiles(join(dir, 'out'))).to.deep.equal(['classify-loss.svg', 'classify.safetensors']);
    const ck = loadCheckpointFile(join(dir, 'out', 'classify.safetensors'));
    const record = JSON.parse(ck.extra.task) as Record<string, unknown>;
    expect(record).to.include({ task: 'classify', tokens: 'char', input: 'embedding' });
    expect(ck.model.embedding?.embeddingDim).to.equal(32);
    expect(record.labels).to.deep.equal(['neg', 'pos']);
    expect((record.vocab as string[]).slice(0, 2)).to.deep.equal(['<pad>', '<unk>']);
    expect(ck.model.options.topology).to.equal('many_to_one');
  });

  it('the --json summary reports the split rule, the stop and the kept step', () => {
    const r = runCli(['classify', 'train', '--data', 'train.tsv', '--out', 'out2', ...TINY, '--epochs', '1', '--json'], dir);
    const s = lastJson(r);
    expect(s.command).to.equal('classify train');
    expect(s.split).to.match(/FNV-1a hash of the text is 0 mod 10/);
    expect(s.train_lines as number + (s.valid_lines as number)).to.equal(600);
    expect(s.stopped_by).to.equal('epochs');
    expect(s.best_step).to.be.a('number');
  });

  it('test: accuracy ≥ 95% on held-out generated lines, per-label table, confusion matrix SVG', () => {
    const r = runCli(['classify', 'test', '--model', 'out/classify.safetensors', '--data', 'test.tsv', '--out', 'out', '--json'], dir);
    expect(r.code, show(r)).to.equal(0);
    const s = lastJson(r);
    expect(s.accuracy as number, show(r)).to.be.at.least(0.95);
    expect(s.examples).to.equal(200);
    expect((s.classes as { label: string }[]).map((c) => c.label)).to.deep.equal(['neg', 'pos']);
    expect(existsSync(join(dir, 'out', 'confusion.svg'))).to.equal(true);
    const svg = readFileSync(join(dir, 'out', 'confusion.svg'), 'utf8');
    expect([...svg.matchAll(/class="tick x">([^<]*)</g)].map((m) => m[1]), 'ticks name the labels').to.deep.equal(['neg', 'pos']);
    const text = runCli(['classify', 'test', '--model', 'out/classify.safetensors', '--data', 'test.tsv', '--out', 'out'], dir).stdout;
    expect(text).to.match(/^accuracy \d+\.\d\d% \(\d+\/200\)$/m);
    expect(text).to.match(/^macro-F1 [01]\.\d{4}$/m);
    expect(text).to.match(/^label +precision +recall +f1 +support$/m);
  });

  it('predict: one label per input line in order, --k with probabilities, unknown symbols counted', () => {
    const r = runWithInput(['classify', 'predict', '--model', 'out/classify.safetensors'], dir, 'abxcd\nyhhh\n\nzzxq\n');
    expect(r.code, show(r)).to.equal(0);
    expect(r.stdout.split('\n')).to.deep.equal(['pos', 'neg', '', 'pos', '']);
    expect(r.stderr).to.match(/4 lines \(1 empty: empty output lines\), 3 unknown symbols \(2 distinct: "z", "q"\) mapped to <unk>/);
    writeFileSync(join(dir, 'in.txt'), 'gggy\n');
    const k = runCli(['classify', 'predict', '--model', 'out/classify.safetensors', '--input', 'in.txt', '--k', '2'], dir);
    const [l1, p1, l2, p2] = k.stdout.trim().split('\t');
    expect([l1, l2]).to.deep.equal(['neg', 'pos']);
    expect(Number(p1) + Number(p2)).to.be.closeTo(1, 2e-4);
    expect(Number(p1)).to.be.greaterThan(Number(p2));
  });

  it('word tokens: the vocabulary holds words; --embedding 0 reads one-hot vectors', () => {
    writeFileSync(join(dir, 'words.tsv'), Array.from({ length: 60 }, (_, i) => (i % 2 ? 'a\tthe red one' : 'b\tthe blue one')).join('\n'));
    const r = runCli(['classify', 'train', '--data', 'words.tsv', '--valid', 'words.tsv', '--tokens', 'word', '--embedding', '0', '--out', 'w', '--hidden', '4', '--epochs', '1', '--quiet'], dir);
    expect(r.code, show(r)).to.equal(0);
    const ck = loadCheckpointFile(join(dir, 'w', 'classify.safetensors'));
    expect(ck.model.embedding).to.equal(null);
    const record = JSON.parse(ck.extra.task) as { vocab: string[]; input: string };
    expect(record.input).to.equal('one-hot');
    expect(record.vocab.slice(2).sort()).to.deep.equal(['blue', 'one', 'red', 'the']);
  });

  it('--time-limit 0 stops before the first step, cleanly, and still writes the model', () => {
    const r = runCli(['classify', 'train', '--data', 'train.tsv', '--out', 't0', '--time-limit', '0', '--json', '--quiet'], dir);
    expect(r.code, show(r)).to.equal(0);
    const s = lastJson(r);
    expect(s).to.include({ steps: 0, stopped_by: 'time-limit', best_step: 0 });
    expect(existsSync(join(dir, 't0', 'classify.safetensors'))).to.equal(true);
  });

  it('Ctrl-C stops at the next step, saves the best model so far, and exits 130', async function () {
    const child = spawn(process.execPath,
      [CLI, 'classify', 'train', '--data', 'train.tsv', '--out', 'int', '--hidden', '8', '--epochs', '100000', '--eval-every', '3', '--json'],
      { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // stderr is a pipe: one plain line per validation
      if (!sent && /^step \d+ epoch /m.test(stderr)) { sent = true; child.kill('SIGINT'); }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (c, s) => resolve({ code: c, signal: s }));
    });
    clearTimeout(guard);
    const r = { code, signal, stdout, stderr };
    expect(sent, show(r)).to.equal(true);
    if ('Deno' in globalThis && code === null) expect(signal, show(r)).to.equal('SIGINT');
    else expect(code, show(r)).to.equal(130);
    const j = lastJson(r);
    expect(j.stopped_by).to.equal('interrupt');
    expect(j.steps as number).to.be.at.least(3);
    expect(r.stderr).to.match(/^interrupted at step \d+$/m);
    expect(loadCheckpointFile(join(dir, 'int', 'classify.safetensors')).step).to.equal(j.steps);
  });

  describe('bad input: one line naming file and line, exit 2, nothing written', () => {
    const bad = (name: string, text: string, message: RegExp) => {
      writeFileSync(join(dir, name), text);
      const r = runCli(['classify', 'train', '--data', name, '--out', `bad-${name}`], dir);
      expectOneLineError(r, message);
      expect(existsSync(join(dir, `bad-${name}`)), 'nothing written').to.equal(false);
    };
    it('a line without a tab', () => bad('notab.tsv', 'pos\tabc\nneg abc\n', /^rnnkit: classify train: notab\.tsv line 2: no tab \(expected label<TAB>text\)$/));
    it('an empty text', () => bad('empty.tsv', 'pos\tabc\n\nneg\t  \n', /^rnnkit: classify train: empty\.tsv line 3: empty text/));
    it('an empty label', () => bad('nolabel.tsv', '\tabc\n', /^rnnkit: classify train: nolabel\.tsv line 1: empty label/));
    it('an empty file', () => bad('void.tsv', '', /void\.tsv holds no label<TAB>text lines/));
    it('a missing --data, an unknown subcommand, a tag model given to classify', () => {
      expectOneLineError(runCli(['classify', 'train'], dir), /^rnnkit: classify train: --data is required/);
      expectOneLineError(runCli(['classify', 'fit'], dir), /^rnnkit: classify: unknown subcommand "fit" \(subcommands: train, test, predict\)$/);
      expectOneLineError(runCli(['classify', 'test', '--model', 'nope.safetensors', '--data', 'test.tsv'], dir), /cannot read model nope\.safetensors: no such file/);
    });
  });

  it('one JSON line on stdout with --json, the log on stderr', () => {
    const r = runCli(['classify', 'test', '--model', 'out/classify.safetensors', '--data', 'test.tsv', '--out', 'out', '--json'], dir);
    expect(nonEmptyLines(r.stdout)).to.have.length(1);
    expect(r.stderr).to.match(/^accuracy/m);
  });
});
