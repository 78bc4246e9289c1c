/**
 * `rnnkit sample` on a model written by a tiny `rnnkit train`: the same seed gives the same
 * text, another seed another, --greedy ignores the seed, --prime comes first, and bad input is
 * refused with exit 2 and one line.
 */
import { expect } from 'chai';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceModel, encodeSafetensors, saveCheckpoint } from '../../lib/index.js';
import {
  TINY, expectOneLineError, nonEmptyLines, requireBuiltCli, runCli, show, tempDir, trainingText,
} from './helpers.js';

describe('cli/sample', function () {
  let dir: string;
  const text = trainingText(2400);
  const vocab = [...new Set(text)];

  before(() => {
    requireBuiltCli();
    dir = tempDir('sample');
    writeFileSync(join(dir, 'text.txt'), text);
    for (const save of ['model.safetensors', 'model.json']) {
      const r = runCli(['train', '--text', 'text.txt', ...TINY, '--steps', '20', '--save', save, '--out', 'o'], dir);
      expect(r.code, show(r)).to.equal(0);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** stdout of a successful `rnnkit sample --model FILE ...args`, without the final newline. */
  const sample = (args: string[], model = 'model.safetensors'): string => {
    const r = runCli(['sample', '--model', model, ...args], dir);
    expect(r.code, show(r)).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout.endsWith('\n')).to.equal(true);
    return r.stdout.slice(0, -1);
  };

  it('prints the prime and then --length characters of the vocabulary', () => {
    const out = [...sample(['--length', '50', '--seed', '3', '--prime', 'the'])];
    expect(out).to.have.length(53);
    expect(out.slice(0, 3).join('')).to.equal('the');
    for (const c of out) expect(vocab, JSON.stringify(c)).to.include(c);
    // --length 0: the prime alone
    expect(sample(['--length', '0', '--prime', 'the'])).to.equal('the');
  });

  it('the same seed gives the same text, run after run', () => {
    const a = sample(['--length', '50', '--seed', '3']);
    const b = sample(['--length', '50', '--seed', '3']);
    expect(b).to.equal(a);
  });

  it('a different seed gives a different text (temperature ≥ 1)', () => {
    const a = sample(['--length', '50', '--seed', '3', '--temperature', '1.5']);
    const b = sample(['--length', '50', '--seed', '4', '--temperature', '1.5']);
    expect(b).to.not.equal(a);
  });

  it('--greedy does not depend on the seed (or the temperature)', () => {
    const a = sample(['--length', '50', '--greedy', '--seed', '1']);
    const b = sample(['--length', '50', '--greedy', '--seed', '99', '--temperature', '3']);
    expect(b).to.equal(a);
  });

  it('--prime "ab" output starts with "ab"', () => {
    const out = sample(['--length', '30', '--prime', 'ab', '--seed', '5']);
    expect(out.startsWith('ab')).to.equal(true);
    expect([...out]).to.have.length(32);
  });

  it('a .json model samples exactly as the .safetensors one', () => {
    expect(sample(['--length', '40', '--seed', '7'], 'model.json')).to.equal(sample(['--length', '40', '--seed', '7']));
  });

  describe('bad input: exit 2, one clear line, no stack trace', () => {
    before(() => {
      writeFileSync(join(dir, 'foreign.safetensors'), encodeSafetensors(new Map([['w', { data: new Float32Array([1, 2]), shape: [2] }]]), {}));
      writeFileSync(join(dir, 'random.safetensors'), Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 31 + 7) & 255)));
      writeFileSync(join(dir, 'fixture.json'), JSON.stringify({ format: 'rnn-reference/1', kind: 'layer' }));
      copyFileSync(join(dir, 'model.json'), join(dir, 'json-named.safetensors'));
      const model = new SequenceModel({ mode: 'lstm', inputSize: 3, hiddenSize: 4, outputSize: 3, seed: 1 });
      writeFileSync(join(dir, 'novocab.safetensors'), saveCheckpoint({ model }, 'safetensors'));
      writeFileSync(join(dir, 'badvocab.safetensors'), saveCheckpoint({ model, extra: { vocab: '[not json' } }, 'safetensors'));
      writeFileSync(join(dir, 'smallvocab.safetensors'), saveCheckpoint({ model, extra: { vocab: JSON.stringify(['a', 'b']) } }, 'safetensors'));
    });

    it('missing --model: the error line, then the usage', () => {
      const r = runCli(['sample', '--length', '5'], dir);
      expect(r.code, show(r)).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.not.contain('    at ');
      const lines = nonEmptyLines(r.stderr);
      expect(lines[0]).to.equal('rnnkit: sample: --model FILE is required');
      expect(lines[1]).to.equal('usage: rnnkit sample --model FILE [options]');
      expect(lines.slice(2).every((l) => l.startsWith('  --'))).to.equal(true);
    });

    const cases: [string, string[], RegExp][] = [
      ['a model file that does not exist', ['--model', 'nope.safetensors'], /^rnnkit: sample: cannot read model nope\.safetensors: no such file$/],
      ['a folder as the model', ['--model', '.'], /^rnnkit: sample: cannot read model \.: is a folder, not a file$/],
      ['a safetensors file that is not rnnkit\'s', ['--model', 'foreign.safetensors'], /^rnnkit: sample: foreign\.safetensors is not an rnnkit model: loadCheckpoint: not an rnnkit checkpoint/],
      ['bytes that are not safetensors', ['--model', 'random.safetensors'], /^rnnkit: sample: random\.safetensors is not an rnnkit model: decodeSafetensors: /],
      ['a reference fixture as the model', ['--model', 'fixture.json'], /^rnnkit: sample: fixture\.json is not an rnnkit model: /],
      ['a JSON checkpoint named .safetensors', ['--model', 'json-named.safetensors'], /^rnnkit: sample: json-named\.safetensors is not an rnnkit model: /],
      ['an rnnkit checkpoint without a vocabulary', ['--model', 'novocab.safetensors'], /^rnnkit: sample: novocab\.safetensors has no character vocabulary: it was not written by "rnnkit train"$/],
      ['a prime with a character outside the vocabulary', ['--model', 'model.safetensors', '--prime', 'aZ'], /^rnnkit: sample: --prime has the character "Z" \(at 1\), which is not in the model's vocabulary of \d+ characters$/],
      ['an empty prime', ['--model', 'model.safetensors', '--prime', ''], /^rnnkit: sample: --prime must not be empty$/],
      ['--temperature 0', ['--model', 'model.safetensors', '--temperature', '0'], /^rnnkit: sample: --temperature must be in \[0\.000001, 1000000\], got 0$/],
      ['--temperature -1', ['--model', 'model.safetensors', '--temperature', '-1'], /^rnnkit: sample: --temperature must be in /],
      ['--length -1', ['--model', 'model.safetensors', '--length', '-1'], /^rnnkit: sample: --length must be in \[0, 1000000\], got -1$/],
      ['--length 2.5', ['--model', 'model.safetensors', '--length', '2.5'], /^rnnkit: sample: --length must be a whole number, got "2\.5"$/],
      ['--seed abc', ['--model', 'model.safetensors', '--seed', 'abc'], /^rnnkit: sample: --seed must be a number, got "abc"$/],
      ['an unknown flag', ['--model', 'model.safetensors', '--top-k', '5'], /^rnnkit: sample: unknown flag --top-k \(known: --model, --length, --temperature, --prime, --seed, --greedy, --help\)$/],
    ];
    for (const [what, args, message] of cases) {
      it(what, () => expectOneLineError(runCli(['sample', ...args], dir), message));
    }

    it('a stray argument: the error line, then the usage', () => {
      const r = runCli(['sample', '--model', 'model.safetensors', 'extra'], dir);
      expect(r.code, show(r)).to.equal(2);
      expect(nonEmptyLines(r.stderr)[0]).to.equal('rnnkit: sample: unexpected argument "extra"');
    });

    // Guards: a checkpoint whose extra.vocab is not JSON is a one-line usage error naming the
    // file, not a SyntaxError escaping with exit 1 and no file name.
    it('a checkpoint whose vocabulary is not JSON', () => {
      expectOneLineError(runCli(['sample', '--model', 'badvocab.safetensors'], dir), /badvocab\.safetensors/);
    });

    // Guards: the vocabulary's size is compared with the model's outputs, so 2 characters for 3
    // outputs is refused instead of decoding token 2 as U+FFFD and exiting 0.
    it('a checkpoint whose vocabulary does not match the model', () => {
      expectOneLineError(runCli(['sample', '--model', 'smallvocab.safetensors', '--length', '40'], dir), /smallvocab\.safetensors/);
    });
  });
});
