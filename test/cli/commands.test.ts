/**
 * The command line as a whole: parseArgs (both value forms, booleans, positionals, every kind
 * of bad flag), and the real `rnnkit` process for the top level (usage, help, unknown
 * commands), `reference` over the PyTorch fixtures, and `bench --json`.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from '../../lib/cli/args.js';
import { CLASSIFY_FLAGS } from '../../lib/cli/classify.js';
import { TAG_FLAGS } from '../../lib/cli/tag.js';
import { TRANSLATE_FLAGS } from '../../lib/cli/translate.js';
import { referenceDir } from '../helpers/reference.js';
import {
  cliEnv, expectOneLineError, lastJson, listFiles, nonEmptyLines, requireBuiltCli, runCli, show, tempDir,
} from './helpers.js';

const SPECS: FlagSpecs = {
  text: { kind: 'string' },
  cell: { kind: 'string', choices: ['lstm', 'gru', 'rnn'] },
  hidden: { kind: 'integer', min: 1, max: 4096 },
  lr: { kind: 'number', min: 0 },
  seed: { kind: 'integer', min: 0 },
  tag: { kind: 'string', many: true },
  json: { kind: 'boolean' },
};

/** The UsageError parseArgs throws for argv; fails if it throws nothing or something else. */
function usageError(argv: string[]): UsageError {
  try {
    parseArgs('demo', argv, SPECS);
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(UsageError);
    expect((e as Error).message).to.match(/^demo: /);
    expect((e as Error).message).to.not.contain('\n');
    return e as UsageError;
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(argv)}`);
}

describe('cli/args parseArgs', () => {
  it('reads --name value and --name=value alike, numbers as numbers', () => {
    const a = parseArgs('demo', ['--hidden', '8', '--lr', '0.5', '--cell', 'gru', '--text', 'a.txt'], SPECS);
    const b = parseArgs('demo', ['--hidden=8', '--lr=0.5', '--cell=gru', '--text=a.txt'], SPECS);
    expect(a.flags).to.deep.equal({ hidden: 8, lr: 0.5, cell: 'gru', text: 'a.txt' });
    expect(b.flags).to.deep.equal(a.flags);
    expect(a.positionals).to.deep.equal([]);
  });

  it('keeps everything after the first "=" as the value, and takes a negative number as a value', () => {
    expect(parseArgs('demo', ['--text=a=b.txt'], SPECS).flags.text).to.equal('a=b.txt');
    expect(parseArgs('demo', ['--lr', '1e-3'], SPECS).flags.lr).to.equal(0.001);
    expect(usageError(['--lr', '-1']).message).to.match(/--lr must be in \[0, ∞\], got -1/);
  });

  it('booleans take no value, or exactly =true / =false', () => {
    expect(parseArgs('demo', ['--json'], SPECS).flags.json).to.equal(true);
    expect(parseArgs('demo', ['--json=true'], SPECS).flags.json).to.equal(true);
    expect(parseArgs('demo', ['--json=false'], SPECS).flags.json).to.equal(false);
    // a word after a boolean is a positional, not its value
    const p = parseArgs('demo', ['--json', 'file.txt'], SPECS);
    expect(p.flags.json).to.equal(true);
    expect(p.positionals).to.deep.equal(['file.txt']);
    expect(usageError(['--json=yes']).message).to.equal('demo: --json takes no value (or =true/=false), got "yes"');
  });

  it('collects positionals, and everything after "--" as positionals', () => {
    const p = parseArgs('demo', ['a', '--hidden', '3', 'b', '--', '--json', '-x'], SPECS);
    expect(p.positionals).to.deep.equal(['a', 'b', '--json', '-x']);
    expect(p.flags).to.deep.equal({ hidden: 3 });
  });

  it('a repeatable flag collects every value; others keep the last', () => {
    expect(parseArgs('demo', ['--tag', 'a', '--tag=b'], SPECS).flags.tag).to.deep.equal(['a', 'b']);
    expect(parseArgs('demo', ['--hidden', '3', '--hidden', '4'], SPECS).flags.hidden).to.equal(4);
  });

  it('an unknown flag lists the known ones', () => {
    expect(usageError(['--frobnicate', '1']).message).to.equal(
      'demo: unknown flag --frobnicate (known: --text, --cell, --hidden, --lr, --seed, --tag, --json)');
    expect(usageError(['--hidden=2', '--Hidden=2']).message).to.match(/unknown flag --Hidden/);
  });

  it('refuses non-numbers, naming the flag and the value', () => {
    expect(usageError(['--hidden', 'abc']).message).to.equal('demo: --hidden must be a number, got "abc"');
    expect(usageError(['--lr=']).message).to.equal('demo: --lr must be a number, got ""');
    expect(usageError(['--lr', ' ']).message).to.match(/--lr must be a number/);
    expect(usageError(['--lr', 'NaN']).message).to.match(/--lr must be a number, got "NaN"/);
    expect(usageError(['--lr', 'Infinity']).message).to.match(/--lr must be a number, got "Infinity"/);
    expect(usageError(['--hidden', '8px']).message).to.match(/--hidden must be a number, got "8px"/);
  });

  it('refuses fractions where a whole number is needed', () => {
    expect(usageError(['--hidden', '2.5']).message).to.equal('demo: --hidden must be a whole number, got "2.5"');
    expect(usageError(['--seed=0.1']).message).to.match(/--seed must be a whole number/);
  });

  it('refuses values out of range, stating the range', () => {
    expect(usageError(['--hidden', '0']).message).to.equal('demo: --hidden must be in [1, 4096], got 0');
    expect(usageError(['--hidden', '4097']).message).to.equal('demo: --hidden must be in [1, 4096], got 4097');
    expect(usageError(['--seed', '-1']).message).to.equal('demo: --seed must be in [0, ∞], got -1');
    expect(parseArgs('demo', ['--hidden', '4096'], SPECS).flags.hidden).to.equal(4096);
  });

  it('a flag at the end with no value is an error; a flag in its place is not taken as a number', () => {
    expect(usageError(['--hidden']).message).to.equal('demo: --hidden needs a value');
    expect(usageError(['--json', '--text']).message).to.equal('demo: --text needs a value');
    expect(usageError(['--hidden', '--json']).message).to.equal('demo: --hidden needs a value, but the next argument is the flag --json (write --hidden=--json if that is really the value)');
    // a string flag does not swallow the next flag either (rnnkit train --out --json)
    expect(usageError(['--text', '--json']).message).to.match(/^demo: --text needs a value, but the next argument is the flag --json/);
    expect(parseArgs('demo', ['--text=--json'], SPECS).flags.text).to.equal('--json');
  });

  it('takes single-dash arguments as positionals, one per argument (rnnkit has no short flags)', () => {
    expect(parseArgs('demo', ['-x', '-abc', '-'], SPECS).positionals).to.deep.equal(['-x', '-abc', '-']);
  });

  it('formatUsage lists every flag with its value name and help line', () => {
    const text = formatUsage('rnnkit demo [options]', {
      data: { kind: 'string', value: 'FILE', help: 'the data' },
      cell: { kind: 'string', choices: ['lstm', 'gru'], help: 'the cell' },
      k: { kind: 'integer', help: 'how many' },
      json: { kind: 'boolean', help: 'JSON' },
    });
    expect(text.split('\n')).to.deep.equal([
      'usage: rnnkit demo [options]',
      '  --data FILE      the data',
      '  --cell lstm|gru  the cell',
      '  --k N            how many',
      '  --json           JSON',
    ]);
  });

  it('a string with choices accepts only those', () => {
    expect(parseArgs('demo', ['--cell', 'rnn'], SPECS).flags.cell).to.equal('rnn');
    expect(usageError(['--cell', 'xyz']).message).to.equal('demo: --cell must be one of lstm, gru, rnn, got "xyz"');
    expect(usageError(['--cell=LSTM']).message).to.match(/must be one of/);
  });
});

describe('cli/main (the rnnkit process)', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = tempDir('commands');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('with no arguments prints the usage and exits 2', () => {
    const r = runCli([], dir);
    expect(r.code, show(r)).to.equal(2);
    expect(r.stdout).to.contain('usage: rnnkit <command> [options]');
    for (const c of ['train', 'sample', 'reference', 'bench', 'help']) expect(r.stdout).to.match(new RegExp(`^  ${c} `, 'm'));
    expect(r.stderr).to.not.contain('    at ');
  });

  it('help, --help and -h print the usage and exit 0', () => {
    for (const h of ['help', '--help', '-h']) {
      const r = runCli([h], dir);
      expect(r.code, show(r)).to.equal(0);
      expect(r.stdout).to.contain('usage: rnnkit <command> [options]');
      expect(r.stderr).to.equal('');
    }
  });

  it('--version prints the version of package.json and exits 0', () => {
    const version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
    for (const v of ['--version', 'version']) {
      const r = runCli([v], dir);
      expect(r.code, show(r)).to.equal(0);
      expect(r.stdout).to.equal(`rnnkit ${version}\n`);
    }
  });

  it('every command and subcommand answers --help with a usage that lists every flag it accepts', () => {
    for (const [task, subcommands] of Object.entries({ classify: CLASSIFY_FLAGS, tag: TAG_FLAGS, translate: TRANSLATE_FLAGS })) {
      const all = runCli([task, '--help'], dir);
      expect(all.code, show(all)).to.equal(0);
      expect(all.stdout).to.match(new RegExp(`^usage: rnnkit ${task} train\\|test\\|predict`));
      for (const [sub, specs] of Object.entries(subcommands)) {
        const r = runCli([task, sub, '--help'], dir);
        expect(r.code, show(r)).to.equal(0);
        expect(r.stdout).to.match(new RegExp(`^usage: rnnkit ${task} ${sub} `));
        for (const flag of Object.keys(specs)) expect(r.stdout, `${task} ${sub} --help`).to.match(new RegExp(`^  --${flag}\\b`, 'm'));
      }
    }
  });

  it('every command answers --help with its own usage and exit 0', () => {
    for (const c of ['train', 'sample', 'reference', 'bench']) {
      const r = runCli([c, '--help'], dir);
      expect(r.code, show(r)).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^usage: rnnkit ${c}`));
    }
  });

  it('an unknown command is one line on stderr, exit 2, no stack trace', () => {
    const r = runCli(['frobnicate', '--x'], dir);
    expectOneLineError(r, /^rnnkit: unknown command "frobnicate" \(commands: train, sample, experiment, reference, bench, classify, tag, translate; see rnnkit help\)$/);
  });

  it('RNNKIT_DEBUG adds the stack trace (and only then)', () => {
    const r = runCli(['frobnicate'], dir, cliEnv({ RNNKIT_DEBUG: '1' }));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('    at ');
  });

  it('an unknown flag to a command is one line on stderr, exit 2', () => {
    expectOneLineError(runCli(['bench', '--fast'], dir), /^rnnkit: bench: unknown flag --fast \(known: --config, --cell, --json, --help\)$/);
    expectOneLineError(runCli(['bench', '--config', 'huge'], dir), /--config must be one of big, small, seq2seq, got "huge"/);
  });

  describe('reference', () => {
    const fixtures = referenceDir();
    let names: string[] = [];
    before(function () {
      try {
        names = readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort();
      } catch { names = []; }
      if (names.length === 0) throw new Error(`no fixtures in ${fixtures} (set RNNKIT_REFERENCE_DIR)`);
    });

    it('prints one line per fixture and a summary, and exits 0 when all are within tolerance', () => {
      const r = runCli(['reference', fixtures], dir);
      expect(r.code, show(r)).to.equal(0);
      const lines = nonEmptyLines(r.stdout);
      expect(lines).to.have.length(names.length + 1);
      names.forEach((name, i) => {
        expect(lines[i]).to.match(new RegExp(`^ok {4}${name.replace(/\./g, '\\.')} +worst \\d\\.\\d\\de[-+]\\d+ at \\S+$`));
      });
      expect(lines[names.length]).to.equal(`${names.length} of ${names.length} fixtures within 1e-5 (float32); 0 failed`);
    });

    it('--emit writes each computed fixture under its own name, and nothing else', () => {
      const emit = join(dir, 'emitted');
      const one = join(fixtures, names[0]);
      const r = runCli(['reference', one, '--emit', emit], dir);
      expect(r.code, show(r)).to.equal(0);
      expect(listFiles(emit)).to.deep.equal([names[0]]);
      expect(JSON.parse(readFileSync(join(emit, names[0]), 'utf8'))).to.include({ format: 'rnn-reference/1' });
    });

    it('a fixture over tolerance is a FAIL line and exit 1 (a failure of the work, not of usage)', () => {
      const r = runCli(['reference', join(fixtures, names[0]), '--tol', '0'], dir);
      expect(r.code, show(r)).to.equal(1);
      const lines = nonEmptyLines(r.stdout);
      expect(lines[0]).to.match(new RegExp(`^FAIL  ${names[0].replace(/\./g, '\\.')}  worst `));
      expect(lines[1]).to.equal('0 of 1 fixtures within 0e+0 (float32); 1 failed');
    });

    it('a JSON file that is not a fixture is a FAIL line and exit 1', () => {
      const file = join(dir, 'not-a-fixture.json');
      writeFileSync(file, JSON.stringify({ hello: 'world' }));
      const r = runCli(['reference', file], dir);
      expect(r.code, show(r)).to.equal(1);
      const lines = nonEmptyLines(r.stdout);
      expect(lines).to.have.length(2);
      expect(lines[0]).to.match(/^FAIL {2}not-a-fixture\.json {2}runReference: format must be one of "rnn-reference\/1", got undefined/);
      expect(lines[1]).to.equal('0 of 1 fixtures within 1e-5 (float32); 1 failed');
      expect(r.stderr).to.not.contain('    at ');
    });

    it('a file that is not JSON is a FAIL line ("cannot read"), exit 1', () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{ not json');
      const r = runCli(['reference', file], dir);
      expect(r.code, show(r)).to.equal(1);
      expect(nonEmptyLines(r.stdout)[0]).to.match(/^FAIL {2}broken\.json {2}cannot read: /);
    });

    it('a missing path is a usage error; no path at all prints the usage after the error line', () => {
      expectOneLineError(runCli(['reference', join(dir, 'nope')], dir), /^rnnkit: reference: .*nope: no such file or folder$/);
      const r = runCli(['reference'], dir);
      expect(r.code).to.equal(2);
      expect(r.stdout).to.equal('');
      const lines = nonEmptyLines(r.stderr);
      expect(lines[0]).to.equal('rnnkit: reference: give at least one fixture file or folder');
      expect(lines[1]).to.match(/^usage: rnnkit reference PATH\.\.\./);
      expect(r.stderr).to.not.contain('    at ');
    });
  });

  describe('bench', () => {
    it('--json ends with one JSON object of positive timings and rates', () => {
      const r = runCli(['bench', '--config', 'small', '--cell', 'rnn', '--json'], dir);
      expect(r.code, show(r)).to.equal(0);
      // the human line goes to stderr, so stdout is the JSON alone
      expect(nonEmptyLines(r.stdout)).to.have.length(1);
      expect(r.stdout.endsWith('}\n'), 'stdout ends with a newline').to.equal(true);
      expect(r.stderr).to.match(/^rnn small \[wasm\] \(B=1 T=32 I=16 H=32\): train step /);
      const j = lastJson(r);
      expect(Object.keys(j).sort()).to.deep.equal(['backend', 'cell', 'config', 'infer_gflops', 'infer_ms', 'train_gflops', 'train_ms']);
      expect(j).to.include({ config: 'small', cell: 'rnn', backend: 'wasm' });
      for (const k of ['train_ms', 'infer_ms', 'train_gflops', 'infer_gflops']) {
        expect(j[k], k).to.be.a('number');
        expect(Number.isFinite(j[k]) && (j[k] as number) > 0, `${k} = ${j[k]}`).to.equal(true);
      }
      // the rates follow from the times and the documented FLOP count 2·B·T·(I+H)·G·H (G = 1)
      const flops = 2 * 1 * 32 * (16 + 32) * 1 * 32;
      expect(j.infer_gflops as number).to.be.closeTo(flops / ((j.infer_ms as number) * 1e6), 1e-9);
      expect(j.train_gflops as number).to.be.closeTo((3 * flops) / ((j.train_ms as number) * 1e6), 1e-9);
    });

    it('--backend js|wasm (anywhere on the line) and RNNKIT_BACKEND choose the kernels it reports', () => {
      for (const [args, env, backend] of [
        [['--backend', 'js', 'bench', '--config', 'small', '--cell', 'rnn', '--json'], {}, 'js'],
        [['bench', '--config', 'small', '--backend=wasm', '--cell', 'rnn', '--json'], {}, 'wasm'],
        [['bench', '--config', 'small', '--cell', 'rnn', '--json'], { RNNKIT_BACKEND: 'js' }, 'js'],
      ] as const) {
        const r = runCli(args, dir, cliEnv(env));
        expect(r.code, show(r)).to.equal(0);
        expect(lastJson(r).backend, args.join(' ')).to.equal(backend);
        expect(r.stderr).to.contain(`[${backend}]`);
      }
      expectOneLineError(runCli(['bench', '--backend', 'gpu'], dir), /^rnnkit: --backend must be js or wasm \(or auto\), got "gpu"$/);
      expectOneLineError(runCli(['bench', '--backend'], dir), /^rnnkit: --backend needs a value: js or wasm$/);
    });

    // Guards: a positional argument is refused, so `rnnkit bench small` cannot silently run the
    // big configuration.
    it('--config seq2seq times the attention encoder-decoder (a training step and a teacher-forced forward); --cell does not apply', () => {
      const r = runCli(['bench', '--config', 'seq2seq', '--json'], dir);
      expect(r.code, show(r)).to.equal(0);
      const j = lastJson(r);
      expect(j).to.include({ config: 'seq2seq', cell: 'lstm' });
      expect(j.train_ms as number).to.be.greaterThan(j.infer_ms as number);
      expect(r.stderr).to.match(/seq2seq general attention, input feeding \[(js|wasm)\] \(B=32 S=12 T=12 E=64 H=2x128\)/);
      expectOneLineError(runCli(['bench', '--config', 'seq2seq', '--cell', 'gru'], dir), /^rnnkit: bench: --cell does not apply to --config seq2seq/);
    });

    it('refuses a stray argument instead of ignoring it', () => {
      expectOneLineError(runCli(['bench', '--config', 'small', '--cell', 'rnn', 'extra'], dir), /bench: unexpected argument "extra"/);
    });
  });
});
