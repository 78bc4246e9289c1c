/**
 * `rnnkit classify train|test|predict`: a label for a line of text (many-to-one), like
 * fastText's supervised/test/predict. Files hold lines `label<TAB>text`; the text is split
 * into characters or words (`--tokens`), read by a recurrent stack, and the last valid step's
 * output goes through a softmax head over the labels.
 */
import { join } from 'node:path';
import type { SequenceModel } from '../models/sequence-model.js';
import { Random } from '../random.js';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from './args.js';
import { writeFileAtomic } from './files.js';
import { heatmap } from './plots/heatmap.js';
import { formatDuration } from './progress.js';
import { TokenBatch, epochBatches, inOrder } from './tasks/batches.js';
import { type LabelledText, readLabelledFile } from './tasks/data-files.js';
import { fit } from './tasks/fit.js';
import { argmaxOf, inputLines, need, noPositionals, outFolder, savePath, unknownText } from './tasks/io.js';
import { type ClassificationScores, classificationScores, scoreTable } from './tasks/metrics.js';
import { type TaskRecord, readTaskModel, saveFormatOf, writeTaskModel } from './tasks/model-file.js';
import { SPLIT_RULE, splitByHash } from './tasks/split.js';
import { dispatch } from './tasks/subcommands.js';
import { MODEL_FLAGS, TRAINING_FLAGS, describeModel, modelFromFlags, vocabularySizeOf, trainerFromFlags, writeLossPlot } from './tasks/train-flags.js';
import { TOKENIZATIONS, type Tokenization, tokenize } from './tasks/tokens.js';
import { PAD, UNK, type UnknownCounter, Vocabulary, unknownCounter } from './tasks/vocabulary.js';

const TRAIN_FLAGS: FlagSpecs = {
  data: { kind: 'string', value: 'FILE', help: 'training data: lines label<TAB>text (required)' },
  valid: { kind: 'string', value: 'FILE', help: 'validation data (default: the lines whose FNV-1a hash of the text is 0 mod 10)' },
  save: { kind: 'string', value: 'FILE', help: 'the model (.safetensors or .json; default OUT/classify.safetensors)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for plots and the default model (default ./rnnkit-out)' },
  tokens: { kind: 'string', choices: TOKENIZATIONS, help: 'split the text into characters or space-separated words (default char)' },
  ...MODEL_FLAGS,
  ...TRAINING_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON summary object as the last line' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  help: { kind: 'boolean', help: 'this text' },
};
const TEST_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit classify train (required)' },
  data: { kind: 'string', value: 'FILE', help: 'lines label<TAB>text to score (required)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for confusion.svg (default ./rnnkit-out)' },
  json: { kind: 'boolean', help: 'print one JSON object with every score as the last line' },
  help: { kind: 'boolean', help: 'this text' },
};
const PREDICT_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit classify train (required)' },
  input: { kind: 'string', value: 'FILE', help: 'one text per line (default: standard input)' },
  k: { kind: 'integer', min: 1, value: 'N', help: 'print the N most likely labels with their probabilities, tab-separated' },
  help: { kind: 'boolean', help: 'this text' },
};

const trainUsage = formatUsage('rnnkit classify train --data FILE [options]', TRAIN_FLAGS);
const testUsage = formatUsage('rnnkit classify test --model FILE --data FILE [options]', TEST_FLAGS);
const predictUsage = formatUsage('rnnkit classify predict --model FILE [--input FILE] [--k N]', PREDICT_FLAGS);

export const classifyUsage = `usage: rnnkit classify train|test|predict [options]
  train     learn labels from lines label<TAB>text
  test      accuracy, macro-F1, per-label precision/recall/F1 and a confusion matrix
  predict   the label of each input line (--k N: the N best with probabilities)

${trainUsage}

${testUsage}

${predictUsage}`;

export const CLASSIFY_FLAGS = { train: TRAIN_FLAGS, test: TEST_FLAGS, predict: PREDICT_FLAGS };

export function classifyCommand(argv: string[], out: (line: string) => void): number | Promise<number> {
  return dispatch('classify', classifyUsage, { train, test, predict }, argv, out);
}

/** What a classify checkpoint records beside the weights. */
interface ClassifyRecord extends TaskRecord {
  task: 'classify';
  tokens: Tokenization;
  vocab: string[];
  labels: string[];
}

async function train(argv: string[], out: (line: string) => void): Promise<number> {
  const cmd = 'classify train';
  const { flags, positionals } = parseArgs(cmd, argv, TRAIN_FLAGS);
  if (flags.help) { out(trainUsage); return 0; }
  noPositionals(cmd, positionals);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const outDir = outFolder(cmd, flags.out as string | undefined);
  const modelPath = savePath(flags.save as string | undefined, outDir, 'classify.safetensors');
  saveFormatOf(cmd, modelPath);
  const how = ((flags.tokens as string | undefined) ?? 'char') as Tokenization;

  // data, checked whole before anything is built or written
  const all = readLabelledFile(cmd, dataPath);
  const validPath = flags.valid as string | undefined;
  const [trainRows, validRows] = validPath ? [all, readLabelledFile(cmd, validPath)] : splitByHash(all, (e) => e.text);
  const splitText = validPath ? `validation: ${validPath}` : SPLIT_RULE;
  if (trainRows.length === 0) throw new UsageError(`${cmd}: ${dataPath}: every line fell in the held-out tenth; give more lines or --valid FILE`);
  if (validRows.length === 0) throw new UsageError(`${cmd}: ${validPath ?? dataPath}: no validation lines (${validPath ? 'the file is empty' : `${SPLIT_RULE}: none of ${all.length} lines`}); give --valid FILE`);
  const labels = [...new Set(trainRows.map((r) => r.label))].sort();
  const labelId = new Map(labels.map((l, i) => [l, i]));
  for (const r of validRows) {
    if (!labelId.has(r.label)) throw new UsageError(`${cmd}: ${validPath ?? dataPath} line ${r.line}: the label ${JSON.stringify(r.label)} does not occur in the training lines`);
  }
  if (labels.length < 2) throw new UsageError(`${cmd}: ${dataPath}: the training lines have one label (${JSON.stringify(labels[0])}); a classifier needs at least two`);
  const trainTokens = trainRows.map((r) => tokenize(r.text, how));
  const vocab = Vocabulary.build([PAD, UNK], trainTokens, (flags['min-count'] as number | undefined) ?? 1);
  const validUnknown = unknownCounter();
  const trainSeqs = trainTokens.map((t) => vocab.encode(t));
  const validSeqs = validRows.map((r) => vocab.encode(tokenize(r.text, how), validUnknown));
  const trainLabels = trainRows.map((r) => labelId.get(r.label)!), validLabels = validRows.map((r) => labelId.get(r.label)!);
  for (const [rows, seqs, path] of [[trainRows, trainSeqs, dataPath], [validRows, validSeqs, validPath ?? dataPath]] as const) {
    const i = seqs.findIndex((s) => s.length === 0);
    if (i >= 0) throw new UsageError(`${cmd}: ${path} line ${rows[i].line}: the text has no ${how === 'word' ? 'words' : 'characters'}`);
  }

  const model = modelFromFlags(flags, { inputSize: vocab.size, outputSize: labels.length, embeddingByDefault: how === 'char' ? 32 : 64, topology: 'many_to_one', bidirectionalByDefault: false });
  const trainer = trainerFromFlags(model, flags);
  const B = (flags.batch as number | undefined) ?? 32;
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  log(`rnnkit classify train: ${trainRows.length} training / ${validRows.length} validation lines (${splitText}), ` +
    `${labels.length} labels, ${vocab.size} ${how === 'char' ? 'characters' : 'words'} (with ${PAD}, ${UNK}), ${describeModel(model)}`);

  const rng = new Random((flags.seed as number | undefined) ?? 1);
  const batch = TokenBatch.for(model);
  const lengths = trainSeqs.map((s) => s.length);
  let order: number[][] = [];
  const result = await fit({
    params: model.params, label: 'classify',
    batchesPerEpoch: Math.ceil(trainSeqs.length / B),
    epochs: (flags.epochs as number | undefined) ?? 10,
    timeLimit: (flags['time-limit'] as number | undefined) ?? null,
    evalEvery: (flags['eval-every'] as number | undefined) ?? Math.ceil(trainSeqs.length / B),
    startEpoch: () => { order = epochBatches(lengths, B, rng); },
    trainStep: (i) => {
      model.train(); // dropout on (validation switched it off)
      const rows = order[i];
      batch.fill(trainSeqs, rows);
      const target = Int32Array.from(rows, (r) => trainLabels[r]);
      return trainer.step(batch.input(), { data: target, shape: [rows.length] }, { lengths: batch.lengths }).loss;
    },
    validate: () => {
      const p = probabilities(model, validSeqs, batch);
      let loss = 0, correct = 0;
      validLabels.forEach((y, i) => {
        loss -= Math.log(Math.max(p[i][y], 1e-30));
        if (argmaxOf(p[i]) === y) correct++;
      });
      return { loss: loss / validLabels.length, scores: { accuracy: correct / validLabels.length } };
    },
    afterValidation: (v) => { if (trainer.schedule && Number.isFinite(v.loss)) trainer.schedule.step(v.loss); },
    log, quiet: Boolean(flags.quiet),
  });

  const record: ClassifyRecord = { task: 'classify', input: model.embedding ? 'embedding' : 'one-hot', tokens: how, vocab: [...vocab.symbols], labels };
  writeTaskModel(modelPath, model, record, result.history, result.steps);
  const plots = [writeLossPlot(outDir, 'classify', result.history, 'line')];
  const accuracy = result.best.scores?.accuracy ?? NaN;
  if (result.stoppedBy === 'interrupt') log(`interrupted at step ${result.steps}`);
  if (result.stoppedBy === 'time-limit') log(`time limit reached at step ${result.steps}`);
  log(`done: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${formatDuration(result.seconds)}; kept the model of step ${result.bestStep}: ` +
    `validation loss ${result.best.loss.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(2)}%`);
  log(`model: ${modelPath}`);
  log(`plots: ${plots.join(', ')}`);
  if (validUnknown.tokens > 0) log(`validation: ${unknownText(validUnknown)}`);
  if (json) {
    out(JSON.stringify({
      command: 'classify train', train_lines: trainRows.length, valid_lines: validRows.length, split: splitText,
      labels, vocabulary: vocab.size, parameters: model.params.reduce((s, p) => s + p.value.length, 0),
      steps: result.steps, epochs: result.epochs, seconds: result.seconds, stopped_by: result.stoppedBy,
      best_step: result.bestStep, valid_loss: result.best.loss, valid_accuracy: accuracy, train_loss: result.trainLoss,
      checkpoint: modelPath, plots,
    }));
  }
  return result.stoppedBy === 'interrupt' ? 130 : 0;
}

/** Softmax probabilities of each sequence, [N][labels], in batches of 128. */
function probabilities(model: SequenceModel, seqs: readonly (readonly number[])[], batch: TokenBatch): Float64Array[] {
  const out: Float64Array[] = [];
  const V = model.outputSize;
  model.eval(); // no dropout
  for (const rows of inOrder(seqs.length, 128)) {
    batch.fill(seqs, rows);
    const { y } = model.forward(batch.input(), { lengths: batch.lengths });
    rows.forEach((_, b) => out.push(Float64Array.from(y.data.subarray(b * V, (b + 1) * V))));
  }
  return out;
}

/** Loads a classify model and its record, checked against the model's sizes. */
function load(cmd: string, path: string): { model: SequenceModel; record: ClassifyRecord; vocab: Vocabulary } {
  const { model, record } = readTaskModel(cmd, path, 'classify');
  const r = record as ClassifyRecord;
  const vocab = Vocabulary.fromJSON(path, 'vocabulary', r.vocab);
  if (!Array.isArray(r.labels) || r.labels.length !== model.outputSize || !TOKENIZATIONS.includes(r.tokens) || vocab.size !== vocabularySizeOf(model)) {
    throw new UsageError(`${cmd}: ${path}: the task record does not fit the model (labels, tokens or vocabulary size)`);
  }
  return { model, record: r, vocab };
}

/** Token ids of texts, with unknown symbols counted; an empty text gives []. */
function encodeTexts(vocab: Vocabulary, texts: readonly string[], how: Tokenization, unknown: UnknownCounter): number[][] {
  return texts.map((t) => vocab.encode(tokenize(t, how), unknown));
}

function test(argv: string[], out: (line: string) => void): number {
  const cmd = 'classify test';
  const { flags, positionals } = parseArgs(cmd, argv, TEST_FLAGS);
  if (flags.help) { out(testUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const outDir = outFolder(cmd, flags.out as string | undefined);
  const { model, record, vocab } = load(cmd, modelPath);
  const rows: LabelledText[] = readLabelledFile(cmd, dataPath);
  const unknown = unknownCounter();
  const seqs = encodeTexts(vocab, rows.map((r) => r.text), record.tokens, unknown);
  const scores = scoreRows(model, record, seqs, rows.map((r) => r.label));
  const svg = join(outDir, 'confusion.svg');
  writeConfusion(svg, scores);
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  log(`accuracy ${(100 * scores.accuracy).toFixed(2)}% (${scores.correct}/${scores.examples})`);
  log(`macro-F1 ${scores.macroF1.toFixed(4)}`);
  for (const l of scoreTable(scores.classes)) log(l);
  log(unknownText(unknown));
  log(`confusion matrix: ${svg}`);
  if (json) {
    out(JSON.stringify({
      command: 'classify test', examples: scores.examples, correct: scores.correct, accuracy: scores.accuracy, macro_f1: scores.macroF1,
      classes: scores.classes, labels: scores.labels, confusion: scores.confusion, unknown_tokens: unknown.tokens, confusion_svg: svg,
    }));
  }
  return 0;
}

/** Predictions for seqs scored against gold labels; an empty text is predicted from one <unk>. */
function scoreRows(model: SequenceModel, record: ClassifyRecord, seqs: number[][], gold: string[]): ClassificationScores {
  const batch = TokenBatch.for(model);
  const p = probabilities(model, seqs.map((s) => (s.length > 0 ? s : [1])), batch);
  return classificationScores(gold, p.map((row) => record.labels[argmaxOf(row)]), record.labels);
}

/** The confusion matrix as a heatmap: row g (from the bottom) is gold label g, column p the prediction; ticks name the labels. */
function writeConfusion(path: string, s: ClassificationScores): void {
  const K = s.labels.length;
  const values = s.confusion.flat();
  // up to 40 labels name their ticks; beyond, the ticks count labels in the checkpoint's order
  const named = K <= 40;
  writeFileAtomic(path, heatmap({
    title: `confusion matrix (${K} labels)`, xLabel: named ? 'predicted label' : 'predicted label index', yLabel: named ? 'gold label' : 'gold label index',
    rows: K, cols: K, values, colorLabel: 'examples', xCategories: s.labels, yCategories: s.labels,
  }));
}

function predict(argv: string[], out: (line: string) => void): number {
  const cmd = 'classify predict';
  const { flags, positionals } = parseArgs(cmd, argv, PREDICT_FLAGS);
  if (flags.help) { out(predictUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const { model, record, vocab } = load(cmd, modelPath);
  const lines = inputLines(cmd, flags.input as string | undefined);
  const unknown = unknownCounter();
  const seqs = encodeTexts(vocab, lines, record.tokens, unknown);
  const k = Math.min((flags.k as number | undefined) ?? 0, record.labels.length);
  const batch = TokenBatch.for(model);
  const p = probabilities(model, seqs.map((s) => (s.length > 0 ? s : [1])), batch);
  p.forEach((row, i) => {
    if (seqs[i].length === 0) { out(''); return; }
    if (k === 0) { out(record.labels[argmaxOf(row)]); return; }
    const top = Array.from(row, (v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]).slice(0, k);
    out(top.map(([v, j]) => `${record.labels[j]}\t${v.toFixed(4)}`).join('\t'));
  });
  const empty = seqs.filter((s) => s.length === 0).length;
  process.stderr.write(`classify predict: ${lines.length} lines${empty ? ` (${empty} empty: empty output lines)` : ''}, ${unknownText(unknown)}\n`);
  return 0;
}
