/**
 * `rnnkit tag`: a tiny bidirectional model learns generated BIO entities; test reports token
 * accuracy, per-tag and entity-level F1; predict prints one tag per token, one line per
 * sentence; malformed CoNLL lines are one-line errors naming file and line, exit 2.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cliEnv, expectOneLineError, lastJson, loadCheckpointFile, requireBuiltCli, runCli, show, tempDir } from './helpers.js';
import { bioSentences } from './task-data.js';

describe('cli/tag', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = tempDir('tag');
    writeFileSync(join(dir, 'train.conll'), bioSentences(400, 1));
    writeFileSync(join(dir, 'test.conll'), bioSentences(100, 2));
    const r = runCli(['tag', 'train', '--data', 'train.conll', '--out', 'out', '--hidden', '16', '--epochs', '12', '--lr', '0.02', '--quiet'], dir);
    expect(r.code, show(r)).to.equal(0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a bidirectional many-to-many model by default and stores words and tags', () => {
    const ck = loadCheckpointFile(join(dir, 'out', 'tag.safetensors'));
    expect(ck.model.options).to.include({ bidirectional: true, topology: 'many_to_many' });
    const record = JSON.parse(ck.extra.task) as { tags: string[]; vocab: string[] };
    expect(record.tags).to.deep.equal(['B-LOC', 'B-PER', 'I-LOC', 'I-PER', 'O']);
    expect(record.vocab).to.include.members(['<pad>', '<unk>', 'new', 'york', 'john']);
  });

  it('test: token accuracy and entity F1 ≥ 0.9 on held-out generated sentences', () => {
    const r = runCli(['tag', 'test', '--model', 'out/tag.safetensors', '--data', 'test.conll', '--json'], dir);
    expect(r.code, show(r)).to.equal(0);
    const s = lastJson(r);
    expect(s.token_accuracy as number, show(r)).to.be.at.least(0.9);
    expect(s.bio).to.equal(true);
    expect(s.overall_f1 as number, show(r)).to.be.at.least(0.9);
    expect((s.entities as { types: { label: string }[] }).types.map((t) => t.label)).to.deep.equal(['LOC', 'PER']);
    expect(r.stderr).to.match(/^overall F1 \d\.\d{4} \(entity-level micro-F1\)$/m);
  });

  it('predict: one line of tags per sentence, one tag per token, unknown words counted', () => {
    const r = spawnSync(process.execPath, [CLI, 'tag', 'predict', '--model', 'out/tag.safetensors'], {
      cwd: dir, env: cliEnv(), encoding: 'utf8', input: 'john went to new york\n\nthe zed saw mary smith\n',
    });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines).to.have.length(4);
    expect(lines[0]).to.equal('B-PER O O B-LOC I-LOC');
    expect(lines[1]).to.equal('');
    expect(lines[2].split(' ')).to.have.length(5);
    expect(lines[2].split(' ').slice(3)).to.deep.equal(['B-PER', 'I-PER']);
    expect(r.stderr).to.match(/3 sentences, 10 tokens, 1 unknown words \(1 distinct: "zed"\)/);
  });

  it('a non-BIO tag set is scored by macro-F1 over tags', () => {
    writeFileSync(join(dir, 'pos.conll'), Array.from({ length: 40 }, (_, i) => `the\tDET\n${i % 2 ? 'cat' : 'dog'}\tNOUN\nran\tVERB\n`).join('\n'));
    expect(runCli(['tag', 'train', '--data', 'pos.conll', '--valid', 'pos.conll', '--out', 'pos', '--hidden', '4', '--epochs', '1', '--quiet'], dir).code).to.equal(0);
    const r = runCli(['tag', 'test', '--model', 'pos/tag.safetensors', '--data', 'pos.conll', '--json'], dir);
    const s = lastJson(r);
    expect(s.bio).to.equal(false);
    expect(s.entities).to.equal(null);
    expect(s.overall_f1).to.equal(s.tag_macro_f1);
  });

  describe('bad input: one line naming file and line, exit 2, nothing written', () => {
    const bad = (name: string, text: string, message: RegExp) => {
      writeFileSync(join(dir, name), text);
      const r = runCli(['tag', 'train', '--data', name, '--out', `bad-${name}`], dir);
      expectOneLineError(r, message);
      expect(existsSync(join(dir, `bad-${name}`)), 'nothing written').to.equal(false);
    };
    it('a line with two tabs', () => bad('two.conll', 'john\tB-PER\nnew\tB-LOC\tx\n', /^rnnkit: tag train: two\.conll line 2: 2 tabs \(expected token<TAB>tag, one tab\)$/));
    it('a line without a tab', () => bad('none.conll', 'john\tB-PER\n\nnew B-LOC\n', /^rnnkit: tag train: none\.conll line 3: no tab/));
    it('an empty tag', () => bad('empty.conll', 'john\t \n', /^rnnkit: tag train: empty\.conll line 1: empty tag/));
    it('a classify model given to tag', () => {
      writeFileSync(join(dir, 'c.tsv'), Array.from({ length: 30 }, (_, i) => `${i % 2 ? 'a' : 'b'}\tx${i}`).join('\n'));
      expect(runCli(['classify', 'train', '--data', 'c.tsv', '--valid', 'c.tsv', '--out', 'c', '--hidden', '2', '--epochs', '1', '--quiet'], dir).code).to.equal(0);
      expectOneLineError(runCli(['tag', 'test', '--model', 'c/classify.safetensors', '--data', 'test.conll'], dir),
        /^rnnkit: tag test: c\/classify\.safetensors is a classify model, not a tag model \(use rnnkit classify\)$/);
    });
  });
});
