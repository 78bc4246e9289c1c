/**
 * `rnnkit tag train|test|predict`: a tag for every token (many-to-many, Tx = Ty), e.g. named
 * entities or parts of speech. Files are CoNLL-style: one `token<TAB>tag` per line, a blank
 * line between sentences. The recurrent stack is bidirectional by default (a tag depends on
 * the words after it too); the head reads every step.
 */
import type { SequenceModel } from '../models/sequence-model.js';
import { Random } from '../random.js';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from './args.js';
import { formatDuration } from './progress.js';
import { TokenBatch, epochBatches, inOrder } from './tasks/batches.js';
import { readTaggedFile } from './tasks/data-files.js';
import { entityScores, isBio } from './tasks/entities.js';
import { fit } from './tasks/fit.js';
import { argmaxOf, inputLines, need, noPositionals, outFolder, savePath, unknownText } from './tasks/io.js';
import { classificationScores, scoreTable } from './tasks/metrics.js';
import { type TaskRecord, readTaskModel, saveFormatOf, writeTaskModel } from './tasks/model-file.js';
import { SPLIT_RULE, splitByHash } from './tasks/split.js';
import { dispatch } from './tasks/subcommands.js';
import { MODEL_FLAGS, TRAINING_FLAGS, describeModel, modelFromFlags, vocabularySizeOf, trainerFromFlags, writeLossPlot } from './tasks/train-flags.js';
import { PAD, UNK, Vocabulary, unknownCounter } from './tasks/vocabulary.js';

const TRAIN_FLAGS: FlagSpecs = {
  data: { kind: 'string', value: 'FILE', help: 'training data: token<TAB>tag lines, a blank line between sentences (required)' },
  valid: { kind: 'string', value: 'FILE', help: 'validation data (default: the sentences whose FNV-1a hash of the tokens is 0 mod 10)' },
  save: { kind: 'string', value: 'FILE', help: 'the model (.safetensors or .json; default OUT/tag.safetensors)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for plots and the default model (default ./rnnkit-out)' },
  ...MODEL_FLAGS,
  ...TRAINING_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON summary object as the last line' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  help: { kind: 'boolean', help: 'this text' },
};
const TEST_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit tag train (required)' },
  data: { kind: 'string', value: 'FILE', help: 'token<TAB>tag sentences to score (required)' },
  json: { kind: 'boolean', help: 'print one JSON object with every score as the last line' },
  help: { kind: 'boolean', help: 'this text' },
};
const PREDICT_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit tag train (required)' },
  input: { kind: 'string', value: 'FILE', help: 'one sentence per line, tokens separated by spaces (default: standard input)' },
  help: { kind: 'boolean', help: 'this text' },
};

const trainUsage = formatUsage('rnnkit tag train --data FILE [options]', TRAIN_FLAGS);
const testUsage = formatUsage('rnnkit tag test --model FILE --data FILE [--json]', TEST_FLAGS);
const predictUsage = formatUsage('rnnkit tag predict --model FILE [--input FILE]', PREDICT_FLAGS);

export const tagUsage = `usage: rnnkit tag train|test|predict [options]
  train     learn a tag per token from CoNLL-style token<TAB>tag files (bidirectional by default)
  test      token accuracy, per-tag precision/recall/F1, overall F1 (entity-level for BIO tags)
  predict   one line of tags (space-separated, one per token) per input sentence

${trainUsage}

${testUsage}

${predictUsage}`;

export const TAG_FLAGS = { train: TRAIN_FLAGS, test: TEST_FLAGS, predict: PREDICT_FLAGS };

export function tagCommand(argv: string[], out: (line: string) => void): number | Promise<number> {
  return dispatch('tag', tagUsage, { train, test, predict }, argv, out);
}

interface TagRecord extends TaskRecord {
  task: 'tag';
  vocab: string[];
  tags: string[];
}

async function train(argv: string[], out: (line: string) => void): Promise<number> {
  const cmd = 'tag train';
  const { flags, positionals } = parseArgs(cmd, argv, TRAIN_FLAGS);
  if (flags.help) { out(trainUsage); return 0; }
  noPositionals(cmd, positionals);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const outDir = outFolder(cmd, flags.out as string | undefined);
  const modelPath = savePath(flags.save as string | undefined, outDir, 'tag.safetensors');
  saveFormatOf(cmd, modelPath);

  const all = readTaggedFile(cmd, dataPath);
  const validPath = flags.valid as string | undefined;
  const [trainRows, validRows] = validPath ? [all, readTaggedFile(cmd, validPath)] : splitByHash(all, (s) => s.tokens.join(' '));
  const splitText = validPath ? `validation: ${validPath}` : SPLIT_RULE.replace('the text', 'the sentence');
  if (trainRows.length === 0) throw new UsageError(`${cmd}: ${dataPath}: every sentence fell in the held-out tenth; give more sentences or --valid FILE`);
  if (validRows.length === 0) throw new UsageError(`${cmd}: ${validPath ?? dataPath}: no validation sentences (${validPath ? 'the file is empty' : `${splitText}: none of ${all.length}`}); give --valid FILE`);
  const tags = [...new Set(trainRows.flatMap((s) => s.tags))].sort();
  const tagId = new Map(tags.map((t, i) => [t, i]));
  for (const s of validRows) {
    const i = s.tags.findIndex((t) => !tagId.has(t));
    if (i >= 0) throw new UsageError(`${cmd}: ${validPath ?? dataPath} line ${s.line + i}: the tag ${JSON.stringify(s.tags[i])} does not occur in the training sentences`);
  }
  const vocab = Vocabulary.build([PAD, UNK], trainRows.map((s) => s.tokens), (flags['min-count'] as number | undefined) ?? 1);
  const validUnknown = unknownCounter();
  const trainSeqs = trainRows.map((s) => vocab.encode(s.tokens));
  const validSeqs = validRows.map((s) => vocab.encode(s.tokens, validUnknown));
  const trainTags = trainRows.map((s) => s.tags.map((t) => tagId.get(t)!));
  const validTags = validRows.map((s) => s.tags.map((t) => tagId.get(t)!));

  const model = modelFromFlags(flags, { inputSize: vocab.size, outputSize: tags.length, embeddingByDefault: 64, topology: 'many_to_many', bidirectionalByDefault: true });
  const trainer = trainerFromFlags(model, flags);
  const B = (flags.batch as number | undefined) ?? 32;
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  const tokensIn = (rows: { tokens: string[] }[]) => rows.reduce((s, r) => s + r.tokens.length, 0);
  log(`rnnkit tag train: ${trainRows.length} training / ${validRows.length} validation sentences (${tokensIn(trainRows)} / ${tokensIn(validRows)} tokens; ${splitText}), ` +
    `${tags.length} tags, ${vocab.size} words (with ${PAD}, ${UNK}), ${describeModel(model)}`);

  const rng = new Random((flags.seed as number | undefined) ?? 1);
  const batch = TokenBatch.for(model);
  const lengths = trainSeqs.map((s) => s.length);
  let order: number[][] = [];
  const result = await fit({
    params: model.params, label: 'tag',
    batchesPerEpoch: Math.ceil(trainSeqs.length / B),
    epochs: (flags.epochs as number | undefined) ?? 10,
    timeLimit: (flags['time-limit'] as number | undefined) ?? null,
    evalEvery: (flags['eval-every'] as number | undefined) ?? Math.ceil(trainSeqs.length / B),
    startEpoch: () => { order = epochBatches(lengths, B, rng); },
    trainStep: (i) => {
      model.train(); // dropout on (validation switched it off)
      const rows = order[i];
      batch.fill(trainSeqs, rows);
      const { T } = batch, target = new Int32Array(T * rows.length);
      rows.forEach((r, b) => trainTags[r].forEach((y, t) => { target[t * rows.length + b] = y; }));
      const tokens = rows.reduce((s, r) => s + trainSeqs[r].length, 0);
      // the model's loss is summed over steps and averaged over rows: per token, × B / tokens
      return (trainer.step(batch.input(), { data: target, shape: [T, rows.length] }, { lengths: batch.lengths }).loss * rows.length) / tokens;
    },
    validate: () => {
      let loss = 0, correct = 0, n = 0;
      forEachPrediction(model, validSeqs, batch, (i, t, p) => {
        const y = validTags[i][t];
        loss -= Math.log(Math.max(p[y], 1e-30));
        if (argmaxOf(p) === y) correct++;
        n++;
      });
      return { loss: loss / n, scores: { accuracy: correct / n } };
    },
    afterValidation: (v) => { if (trainer.schedule && Number.isFinite(v.loss)) trainer.schedule.step(v.loss); },
    log, quiet: Boolean(flags.quiet),
  });

  const record: TagRecord = { task: 'tag', input: model.embedding ? 'embedding' : 'one-hot', vocab: [...vocab.symbols], tags };
  writeTaskModel(modelPath, model, record, result.history, result.steps);
  const plots = [writeLossPlot(outDir, 'tag', result.history, 'token')];
  const accuracy = result.best.scores?.accuracy ?? NaN;
  if (result.stoppedBy === 'interrupt') log(`interrupted at step ${result.steps}`);
  if (result.stoppedBy === 'time-limit') log(`time limit reached at step ${result.steps}`);
  log(`done: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${formatDuration(result.seconds)}; kept the model of step ${result.bestStep}: ` +
    `validation loss ${result.best.loss.toFixed(4)} per token, token accuracy ${(100 * accuracy).toFixed(2)}%`);
  log(`model: ${modelPath}`);
  log(`plots: ${plots.join(', ')}`);
  if (validUnknown.tokens > 0) log(`validation: ${unknownText(validUnknown, 'words')}`);
  if (json) {
    out(JSON.stringify({
      command: 'tag train', train_sentences: trainRows.length, valid_sentences: validRows.length, split: splitText,
      tags, vocabulary: vocab.size, parameters: model.params.reduce((s, p) => s + p.value.length, 0),
      steps: result.steps, epochs: result.epochs, seconds: result.seconds, stopped_by: result.stoppedBy,
      best_step: result.bestStep, valid_loss: result.best.loss, valid_token_accuracy: accuracy, train_loss: result.trainLoss,
      checkpoint: modelPath, plots,
    }));
  }
  return result.stoppedBy === 'interrupt' ? 130 : 0;
}

/** Calls f(sequence, step, probabilities over tags) for every valid step of every sequence. */
function forEachPrediction(model: SequenceModel, seqs: readonly (readonly number[])[], batch: TokenBatch, f: (i: number, t: number, p: ArrayLike<number>) => void): void {
  const V = model.outputSize;
  model.eval(); // no dropout
  for (const rows of inOrder(seqs.length, 128)) {
    batch.fill(seqs, rows);
    const { y } = model.forward(batch.input(), { lengths: batch.lengths });
    const B = rows.length;
    rows.forEach((r, b) => {
      for (let t = 0; t < seqs[r].length; t++) f(r, t, y.data.subarray((t * B + b) * V, (t * B + b + 1) * V));
    });
  }
}

/** The most likely tag of every token of every sentence (sentences without tokens: []). */
function predictTags(model: SequenceModel, record: TagRecord, seqs: number[][]): string[][] {
  const out = seqs.map((s) => new Array<string>(s.length));
  const batch = TokenBatch.for(model);
  const nonEmpty = seqs.map((s, i) => [s, i] as const).filter(([s]) => s.length > 0);
  forEachPrediction(model, nonEmpty.map(([s]) => s), batch, (i, t, p) => { out[nonEmpty[i][1]][t] = record.tags[argmaxOf(p)]; });
  return out;
}

function load(cmd: string, path: string): { model: SequenceModel; record: TagRecord; vocab: Vocabulary } {
  const { model, record } = readTaskModel(cmd, path, 'tag');
  const r = record as TagRecord;
  const vocab = Vocabulary.fromJSON(path, 'vocabulary', r.vocab);
  if (!Array.isArray(r.tags) || r.tags.length !== model.outputSize || vocab.size !== vocabularySizeOf(model)) {
    throw new UsageError(`${cmd}: ${path}: the task record does not fit the model (tags or vocabulary size)`);
  }
  return { model, record: r, vocab };
}

function test(argv: string[], out: (line: string) => void): number {
  const cmd = 'tag test';
  const { flags, positionals } = parseArgs(cmd, argv, TEST_FLAGS);
  if (flags.help) { out(testUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const { model, record, vocab } = load(cmd, modelPath);
  const sentences = readTaggedFile(cmd, dataPath);
  const unknown = unknownCounter();
  const predicted = predictTags(model, record, sentences.map((s) => vocab.encode(s.tokens, unknown)));
  const gold = sentences.map((s) => s.tags);
  const tokens = classificationScores(gold.flat(), predicted.flat(), record.tags);
  const bio = isBio(record.tags);
  const entities = bio ? entityScores(gold, predicted) : null;
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  log(`token accuracy ${(100 * tokens.accuracy).toFixed(2)}% (${tokens.correct}/${tokens.examples} tokens, ${sentences.length} sentences)`);
  log('per tag (token level):');
  for (const l of scoreTable(tokens.classes, 'tag')) log(`  ${l}`);
  log(`macro-F1 over tags ${tokens.macroF1.toFixed(4)}`);
  if (entities) {
    log(`entities (BIO, conlleval rules): ${entities.correctEntities} correct of ${entities.predictedEntities} predicted, ${entities.goldEntities} gold`);
    for (const l of scoreTable(entities.types, 'type')) log(`  ${l}`);
    log(`entity precision ${entities.precision.toFixed(4)}  recall ${entities.recall.toFixed(4)}  F1 ${entities.f1.toFixed(4)}`);
  }
  log(`overall F1 ${(entities ? entities.f1 : tokens.macroF1).toFixed(4)} (${entities ? 'entity-level micro-F1' : 'macro-F1 over tags'})`);
  log(unknownText(unknown, 'words'));
  if (json) {
    out(JSON.stringify({
      command: 'tag test', sentences: sentences.length, tokens: tokens.examples, token_accuracy: tokens.accuracy,
      tag_macro_f1: tokens.macroF1, tags: tokens.classes, bio, entities,
      overall_f1: entities ? entities.f1 : tokens.macroF1, unknown_tokens: unknown.tokens,
    }));
  }
  return 0;
}

function predict(argv: string[], out: (line: string) => void): number {
  const cmd = 'tag predict';
  const { flags, positionals } = parseArgs(cmd, argv, PREDICT_FLAGS);
  if (flags.help) { out(predictUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const { model, record, vocab } = load(cmd, modelPath);
  const lines = inputLines(cmd, flags.input as string | undefined);
  const unknown = unknownCounter();
  const seqs = lines.map((l) => vocab.encode(l.split(/\s+/).filter((t) => t !== ''), unknown));
  for (const tags of predictTags(model, record, seqs)) out(tags.join(' '));
  process.stderr.write(`tag predict: ${lines.length} sentences, ${seqs.reduce((s, q) => s + q.length, 0)} tokens, ${unknownText(unknown, 'words')}\n`);
  return 0;
}
