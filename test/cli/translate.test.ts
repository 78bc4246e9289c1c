/**
 * `rnnkit translate`: a tiny encoder–decoder learns to reverse short strings (generated), test
 * scores it by token and sequence error rate against the closest reference, predict prints one
 * output per input line; malformed pairs are one-line errors naming file and line, exit 2.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cliEnv, expectOneLineError, lastJson, listFiles, requireBuiltCli, runCli, safetensorsMetadata, show, tempDir } from './helpers.js';
import { lcg } from './task-data.js';

/** source: 2–4 letters of a…d; target: the letters reversed, space-separated (word tokens). */
function reversals(n: number, seed: number): string {
  const r = lcg(seed);
  let s = '';
  for (let i = 0; i < n; i++) {
    let t = '';
    for (let j = 0, m = 2 + r(3); j < m; j++) t += 'abcd'[r(4)];
    s += `${t}\t${[...t].reverse().join(' ')}\n`;
  }
  return s;
}

describe('cli/translate', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = tempDir('translate');
    writeFileSync(join(dir, 'train.tsv'), reversals(1500, 1));
    const r = runCli(['translate', 'train', '--data', 'train.tsv', '--target-tokens', 'word', '--hidden', '16', '--embedding', '8', '--epochs', '8', '--lr', '0.01', '--out', 'out', '--quiet'], dir);
    expect(r.code, show(r)).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('train writes a checkpoint with both vocabularies and both tokenizations', () => {
    const meta = safetensorsMetadata(join(dir, 'out', 'translate.safetensors'));
    expect(meta['rnnkit.format']).to.equal('rnnkit-translate/1');
    const record = JSON.parse((JSON.parse(meta['rnnkit.extra']) as { task: string }).task) as Record<string, unknown>;
    expect(record).to.include({ task: 'translate', sourceTokens: 'char', targetTokens: 'word' });
    expect(JSON.parse(meta['rnnkit.model'])).to.include({ attention: 'general', inputFeed: true, bidirectionalEncoder: true, embeddingDim: 8 });
    expect((record.targetVocab as string[]).slice(0, 4)).to.deep.equal(['<pad>', '<s>', '</s>', '<unk>']);
    expect(existsSync(join(dir, 'out', 'translate-loss.svg'))).to.equal(true);
    expect(existsSync(join(dir, 'out', 'translate-errors.svg')), 'validation error rates plotted by default').to.equal(true);
  });

  it('test: a low error rate on the task it learned, scored against the closest reference', () => {
    // every source of length 2…4 over a…d, with its reversal, plus a wrong second reference for each
    const lines: string[] = [];
    for (const s of ['ab', 'cd', 'abc', 'dca', 'bbad', 'cadb']) lines.push(`${s}\t${[...s].reverse().join(' ')}`, `${s}\ta a a a a`);
    writeFileSync(join(dir, 'test.tsv'), lines.join('\n') + '\n');
    const r = runCli(['translate', 'test', '--model', 'out/translate.safetensors', '--data', 'test.tsv', '--json'], dir);
    expect(r.code, show(r)).to.equal(0);
    const s = lastJson(r);
    expect(s.sources).to.equal(6);
    expect(s.token_error_rate as number, show(r)).to.be.at.most(0.25);
    expect(r.stderr).to.match(/scored against the closest of 12 references/);
  });

  it('test decodes greedily in batches: the same outputs as predict gives line by line', () => {
    const sources = ['ab', 'dcb', 'aacd', 'bd', 'cabdab', 'dddcab', 'bacbd', 'abcdabc', 'cc', 'dbcaad']; // longer than any training source: some wrong
    writeFileSync(join(dir, 'greedy.tsv'), sources.map((s) => `${s}\t${[...s].reverse().join(' ')}`).join('\n') + '\n');
    const t = runCli(['translate', 'test', '--model', 'out/translate.safetensors', '--data', 'greedy.tsv', '--json'], dir);
    expect(t.code, show(t)).to.equal(0);
    writeFileSync(join(dir, 'greedy.txt'), sources.join('\n') + '\n');
    const p = runCli(['translate', 'predict', '--model', 'out/translate.safetensors', '--input', 'greedy.txt'], dir);
    expect(p.code, show(p)).to.equal(0);
    const outputs = p.stdout.trim().split('\n');
    const wrong = sources.filter((s, i) => outputs[i] !== [...s].reverse().join(' ')).length;
    expect(lastJson(t).wrong_sequences).to.equal(wrong);
    expect(wrong, 'some right, some wrong: the comparison is not trivial').to.be.within(1, sources.length - 1);
  });

  it('train --valid-decode N: each validation decodes N validation sources and reports their error rates; 0 turns it off', () => {
    writeFileSync(join(dir, 'valid.tsv'), reversals(60, 9));
    const args = ['translate', 'train', '--data', 'train.tsv', '--valid', 'valid.tsv', '--target-tokens', 'word', '--hidden', '8', '--embedding', '4', '--epochs', '1', '--eval-every', '20', '--json'];
    const r = runCli([...args, '--valid-decode', '25', '--out', 'decoded'], dir);
    expect(r.code, show(r)).to.equal(0);
    const s = lastJson(r) as { valid_decoded: number; valid_sequence_error_rate: number; history: { validation: unknown[]; scores: [number, Record<string, number>][] } };
    expect(s.valid_decoded).to.equal(25);
    expect(s.history.scores).to.have.length(s.history.validation.length).and.to.have.length.above(1);
    for (const [, scores] of s.history.scores) {
      expect(scores['seq err']).to.be.within(0, 1);
      expect(scores['tok err']).to.be.at.least(0);
    }
    expect(s.valid_sequence_error_rate).to.be.within(0, 1);
    expect(r.stderr).to.match(/seq err 0\.\d{4}  tok err \d\.\d{4}/);
    expect(r.stderr).to.match(/sequence error rate \d+\.\d\d% and token error rate \d+\.\d\d% on 25 validation sources/);
    expect(existsSync(join(dir, 'decoded', 'translate-errors.svg'))).to.equal(true);
    const off = runCli([...args, '--valid-decode', '0', '--out', 'undecoded'], dir);
    expect(off.code, show(off)).to.equal(0);
    expect((lastJson(off) as { history: { scores: unknown[] } }).history.scores).to.deep.equal([]);
    expect(existsSync(join(dir, 'undecoded', 'translate-errors.svg'))).to.equal(false);
  });

  it('predict: one output per input line, tokens joined as the target tokenization says; --beam works', () => {
    const r = spawnSync(process.execPath, [CLI, 'translate', 'predict', '--model', 'out/translate.safetensors', '--beam', '3'], {
      cwd: dir, env: cliEnv(), encoding: 'utf8', input: 'abc\n\nzab\n',
    });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines).to.have.length(4);
    expect(lines[0]).to.match(/^[a-d]( [a-d])*$/);
    expect(lines[1]).to.equal('');
    expect(r.stderr).to.match(/3 lines, 1 unknown symbols \(1 distinct: "z"\)/);
  });

  it('predict --attention-svg draws α per output line; a model without attention refuses it', () => {
    writeFileSync(join(dir, 'two.txt'), 'abcd\nba\n');
    const r = runCli(['translate', 'predict', '--model', 'out/translate.safetensors', '--input', 'two.txt', '--beam', '2', '--alpha', '0.5', '--attention-svg', 'att'], dir);
    expect(r.code, show(r)).to.equal(0);
    expect(listFiles(join(dir, 'att'))).to.deep.equal(['1.svg', '2.svg']);
    expect(readFileSync(join(dir, 'att', '1.svg'), 'utf8')).to.match(/^<svg/);
    expect(runCli(['translate', 'train', '--data', 'train.tsv', '--attention', 'none', '--hidden', '4', '--embedding', '4', '--epochs', '0.1', '--out', 'plain', '--quiet'], dir).code).to.equal(0);
    expectOneLineError(runCli(['translate', 'predict', '--model', 'plain/translate.safetensors', '--attention-svg', 'att2'], dir), /has no attention \(trained with --attention none\)/);
  });

  describe('bad input: one line naming file and line, exit 2, nothing written', () => {
    const bad = (name: string, text: string, message: RegExp) => {
      writeFileSync(join(dir, name), text);
      const r = runCli(['translate', 'train', '--data', name, '--out', `bad-${name}`], dir);
      expectOneLineError(r, message);
      expect(existsSync(join(dir, `bad-${name}`)), 'nothing written').to.equal(false);
    };
    it('an empty source', () => bad('nosrc.tsv', 'ab\tb a\n\tx\n', /^rnnkit: translate train: nosrc\.tsv line 2: empty source/));
    it('a missing tab', () => bad('notab.tsv', 'ab\tb a\nab b a\n', /^rnnkit: translate train: notab\.tsv line 2: no tab \(expected source<TAB>target\)$/));
    it('two tabs', () => bad('tabs.tsv', 'ab\tb\ta\n', /^rnnkit: translate train: tabs\.tsv line 1: 2 tabs/));
    it('a classify model given to translate', () => {
      writeFileSync(join(dir, 'c.tsv'), Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'a' : 'b'}\tx${i}`).join('\n'));
      expect(runCli(['classify', 'train', '--data', 'c.tsv', '--valid', 'c.tsv', '--out', 'c', '--hidden', '2', '--epochs', '1', '--quiet'], dir).code).to.equal(0);
      expectOneLineError(runCli(['translate', 'predict', '--model', 'c/classify.safetensors'], dir), /it is a classify, tag or train model, not a translate model/);
    });
  });
});
