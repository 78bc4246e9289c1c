/**
 * `rnnkit translate train|test|predict`: one sequence to another of a different length
 * (Tx ≠ Ty) with an encoder–decoder. Files hold lines `source<TAB>target`; each side is split
 * into characters or words (`--source-tokens`, `--target-tokens`). A source listed more than
 * once has several references: test scores each output against the closest one, as token
 * error rate (edit distance / reference length) and sequence error rate.
 */
import { join } from 'node:path';
import { Random } from '../random.js';
import { decodeSafetensors, encodeSafetensors } from '../serialization/safetensors.js';
import { decodeStateJSON, encodeStateJSON } from '../serialization/json.js';
import { loadStateDict, stateDictOf } from '../serialization/state-dict.js';
import { Trainer } from '../training/trainer.js';
import { type FlagSpecs, UsageError, formatUsage, parseArgs } from './args.js';
import { readFileOrFail, writeFileAtomic } from './files.js';
import { heatmap } from './plots/heatmap.js';
import { lineChart } from './plots/line-chart.js';
import { formatDuration } from './progress.js';
import { epochBatches } from './tasks/batches.js';
import { type TextPair, readPairFile } from './tasks/data-files.js';
import { errorRates } from './tasks/edit-distance.js';
import { type FitHistory, fit } from './tasks/fit.js';
import { inputLines, need, noPositionals, outFolder, savePath, unknownText } from './tasks/io.js';
import { saveFormatOf } from './tasks/model-file.js';
import { SPLIT_RULE, splitByHash } from './tasks/split.js';
import { dispatch } from './tasks/subcommands.js';
import { CELLS, TRAINING_FLAGS, writeLossPlot } from './tasks/train-flags.js';
import { TOKENIZATIONS, type Tokenization, detokenize, tokenize } from './tasks/tokens.js';
import { type PairBatch, TGT_END, TGT_START, type Translator, type TranslatorOptions, createTranslator } from './tasks/translator.js';
import { END, PAD, START, UNK, type UnknownCounter, Vocabulary, unknownCounter } from './tasks/vocabulary.js';
import { Adam } from '../optimizers/adam.js';
import { ReduceLROnPlateau } from '../optimizers/schedules.js';

const ATTENTION = ['none', 'dot', 'general', 'mlp'] as const;
const DECODE_FLAGS: FlagSpecs = {
  beam: { kind: 'integer', min: 1, max: 256, value: 'N', help: 'beam width (default 1: greedy)' },
  alpha: { kind: 'number', min: 0, max: 1, help: 'length normalization α of beam search, score = Σ log p / Ty^α (default 0.7)' },
  'max-length': { kind: 'integer', min: 1, value: 'N', help: 'longest output in tokens (default: from the training data)' },
};
const TRAIN_FLAGS: FlagSpecs = {
  data: { kind: 'string', value: 'FILE', help: 'training data: lines source<TAB>target (required)' },
  valid: { kind: 'string', value: 'FILE', help: 'validation data (default: the pairs whose FNV-1a hash of the source is 0 mod 10)' },
  save: { kind: 'string', value: 'FILE', help: 'the model (.safetensors or .json; default OUT/translate.safetensors)' },
  out: { kind: 'string', value: 'DIR', help: 'folder for plots and the default model (default ./rnnkit-out)' },
  'source-tokens': { kind: 'string', choices: TOKENIZATIONS, help: 'split sources into characters or space-separated words (default char)' },
  'target-tokens': { kind: 'string', choices: TOKENIZATIONS, help: 'split targets into characters or space-separated words (default char)' },
  cell: { kind: 'string', choices: Object.keys(CELLS), help: 'the recurrent cell of encoder and decoder (default lstm)' },
  hidden: { kind: 'integer', min: 1, max: 4096, value: 'H', help: 'hidden units per encoder direction; the decoder has 2H when bidirectional (default 128)' },
  layers: { kind: 'integer', min: 1, max: 16, value: 'L', help: 'stacked layers of encoder and decoder (default 1)' },
  embedding: { kind: 'integer', min: 1, max: 4096, value: 'E', help: 'embedding size of source and target tokens (default 64)' },
  bidirectional: { kind: 'boolean', help: 'a bidirectional encoder (default; --bidirectional=false for one direction)' },
  attention: { kind: 'string', choices: ATTENTION, help: 'Luong attention score (default general; none: the encoder\'s final state only)' },
  'input-feed': { kind: 'boolean', help: 'feed the attentional state h̃⟨t−1⟩ into the decoder\'s next input (default on with attention)' },
  'valid-decode': { kind: 'integer', min: 0, value: 'N', help: 'at each validation, decode the first N distinct validation sources greedily and report their sequence and token error rates (default 1000; 0: off)' },
  ...TRAINING_FLAGS,
  json: { kind: 'boolean', help: 'print one JSON summary object as the last line' },
  quiet: { kind: 'boolean', help: 'no progress on stderr' },
  help: { kind: 'boolean', help: 'this text' },
};
const TEST_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit translate train (required)' },
  data: { kind: 'string', value: 'FILE', help: 'lines source<TAB>target to score; a repeated source has several references (required)' },
  ...DECODE_FLAGS,
  limit: { kind: 'integer', min: 1, value: 'N', help: 'score only the first N distinct sources' },
  json: { kind: 'boolean', help: 'print one JSON object with every score as the last line' },
  help: { kind: 'boolean', help: 'this text' },
};
const PREDICT_FLAGS: FlagSpecs = {
  model: { kind: 'string', value: 'FILE', help: 'a model written by rnnkit translate train (required)' },
  input: { kind: 'string', value: 'FILE', help: 'one source per line (default: standard input)' },
  ...DECODE_FLAGS,
  'attention-svg': { kind: 'string', value: 'DIR', help: 'draw each output\'s attention weights α as a heatmap DIR/<line>.svg' },
  help: { kind: 'boolean', help: 'this text' },
};

const trainUsage = formatUsage('rnnkit translate train --data FILE [options]', TRAIN_FLAGS);
const testUsage = formatUsage('rnnkit translate test --model FILE --data FILE [options]', TEST_FLAGS);
const predictUsage = formatUsage('rnnkit translate predict --model FILE [--input FILE] [options]', PREDICT_FLAGS);

export const translateUsage = `usage: rnnkit translate train|test|predict [options]
  train     learn to map sources to targets from lines source<TAB>target (an encoder–decoder)
  test      token error rate and sequence error rate against the closest reference
  predict   the target of each input line, tokens joined as the target tokenization says

${trainUsage}

${testUsage}

${predictUsage}`;

export const TRANSLATE_FLAGS = { train: TRAIN_FLAGS, test: TEST_FLAGS, predict: PREDICT_FLAGS };

export function translateCommand(argv: string[], out: (line: string) => void): number | Promise<number> {
  return dispatch('translate', translateUsage, { train, test, predict }, argv, out);
}

/** What a translate checkpoint records beside the weights. */
export interface TranslateRecord {
  task: 'translate';
  sourceTokens: Tokenization;
  targetTokens: Tokenization;
  sourceVocab: string[];
  targetVocab: string[];
  /** The default --max-length: 1.5 × the longest training target + 5. */
  maxLength: number;
}

const FORMAT = 'rnnkit-translate/1';

interface Encoded {
  src: number[];
  /** target ids followed by the end token */
  tgt: number[];
}

/** Batches of pairs of similar source length (a shuffle, then sorted within windows of 50 batches). */
function makeBatches(pairs: readonly Encoded[], B: number, rng: Random): number[][] {
  return epochBatches(pairs.map((p) => p.src.length * 1000 + p.tgt.length), B, rng);
}

/** A padded batch: src [S, B], tgtIn = start + target [T, B], tgtOut = target + end [T, B]; 0 past each row's end. */
function fillBatch(pairs: readonly Encoded[], rows: readonly number[]): PairBatch {
  const B = rows.length;
  let S = 1, T = 1;
  for (const r of rows) { S = Math.max(S, pairs[r].src.length); T = Math.max(T, pairs[r].tgt.length); }
  const b: PairBatch = { src: new Int32Array(S * B), srcLengths: new Int32Array(B), S, tgtIn: new Int32Array(T * B), tgtOut: new Int32Array(T * B), T, B };
  rows.forEach((r, j) => {
    const p = pairs[r];
    b.srcLengths[j] = p.src.length;
    p.src.forEach((id, t) => { b.src[t * B + j] = id; });
    p.tgt.forEach((id, t) => {
      b.tgtOut[t * B + j] = id;
      b.tgtIn[t * B + j] = t === 0 ? TGT_START : p.tgt[t - 1];
    });
  });
  return b;
}

/** The distinct sources of `pairs` in first-seen order, each with all its targets (without the end token). */
function referencesBySource(pairs: readonly Encoded[]): { src: number[]; tgts: number[][] }[] {
  const bySource = new Map<string, { src: number[]; tgts: number[][] }>();
  for (const p of pairs) {
    const key = p.src.join(' ');
    const entry = bySource.get(key) ?? bySource.set(key, { src: p.src, tgts: [] }).get(key)!;
    entry.tgts.push(p.tgt.slice(0, -1));
  }
  return [...bySource.values()];
}

/**
 * Greedy outputs of many sources, decoded side by side in batches of similar length (the same
 * outputs as decoding each alone with beam 1); in the sources' order, [] for a null source.
 */
function decodeGreedy(model: Translator, sources: readonly (readonly number[] | null)[], maxLength: number): number[][] {
  const outputs: number[][] = sources.map(() => []); // an empty source (null) gets an empty output
  const order = sources.map((_, i) => i).filter((i) => sources[i] !== null).sort((a, b) => sources[a]!.length - sources[b]!.length);
  for (let i = 0; i < order.length; i += 256) {
    const rows = order.slice(i, i + 256);
    model.decodeGreedy(rows.map((r) => sources[r]!), maxLength).forEach((o, j) => { outputs[rows[j]] = o; });
  }
  return outputs;
}

/** The validation error rates against training steps: translate-errors.svg. */
function writeErrorPlot(outDir: string, history: FitHistory, sources: number): string {
  const path = join(outDir, 'translate-errors.svg');
  const series = (key: string) => history.scores.map(([step, s]) => [step, 100 * s[key]] as [number, number]);
  writeFileAtomic(path, lineChart({
    title: `rnnkit translate train: greedy outputs of ${sources} validation sources`, xLabel: 'training step', yLabel: 'error rate (%)',
    series: [{ name: 'sequence error rate', points: series('seq err') }, { name: 'token error rate', points: series('tok err') }],
  }));
  return path;
}

async function train(argv: string[], out: (line: string) => void): Promise<number> {
  const cmd = 'translate train';
  const { flags, positionals } = parseArgs(cmd, argv, TRAIN_FLAGS);
  if (flags.help) { out(trainUsage); return 0; }
  noPositionals(cmd, positionals);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const outDir = outFolder(cmd, flags.out as string | undefined);
  const modelPath = savePath(flags.save as string | undefined, outDir, 'translate.safetensors');
  saveFormatOf(cmd, modelPath);
  const srcHow = ((flags['source-tokens'] as string | undefined) ?? 'char') as Tokenization;
  const tgtHow = ((flags['target-tokens'] as string | undefined) ?? 'char') as Tokenization;

  const all = readPairFile(cmd, dataPath);
  const validPath = flags.valid as string | undefined;
  const [trainRows, validRows] = validPath ? [all, readPairFile(cmd, validPath)] : splitByHash(all, (p) => p.source);
  const splitText = validPath ? `validation: ${validPath}` : SPLIT_RULE.replace('the text', 'the source');
  if (trainRows.length === 0 || validRows.length === 0) {
    throw new UsageError(`${cmd}: ${validPath ?? dataPath}: ${trainRows.length === 0 ? 'no training pairs' : 'no validation pairs'} (${splitText}); give --valid FILE or more pairs`);
  }
  const minCount = (flags['min-count'] as number | undefined) ?? 1;
  const srcTok = (p: TextPair) => tokenize(p.source, srcHow), tgtTok = (p: TextPair) => tokenize(p.target, tgtHow);
  const srcVocab = Vocabulary.build([PAD, UNK], trainRows.map(srcTok), minCount);
  const tgtVocab = Vocabulary.build([PAD, START, END, UNK], trainRows.map(tgtTok), minCount);
  const validUnknown = unknownCounter();
  const encode = (p: TextPair, u?: UnknownCounter): Encoded => ({ src: srcVocab.encode(srcTok(p), u), tgt: [...tgtVocab.encode(tgtTok(p), u), TGT_END] });
  const trainPairs = trainRows.map((p) => encode(p)), validPairs = validRows.map((p) => encode(p, validUnknown));
  const longest = trainPairs.reduce((m, p) => Math.max(m, p.tgt.length), 0);

  const attention = ((flags.attention as string | undefined) ?? 'general') as TranslatorOptions['attention'];
  const options: TranslatorOptions = {
    mode: CELLS[(flags.cell as string | undefined) ?? 'lstm'], srcVocab: srcVocab.size, tgtVocab: tgtVocab.size,
    embeddingDim: (flags.embedding as number | undefined) ?? 64,
    hiddenSize: (flags.hidden as number | undefined) ?? 128, numLayers: (flags.layers as number | undefined) ?? 1,
    bidirectionalEncoder: (flags.bidirectional as boolean | undefined) ?? true,
    attention, inputFeed: (flags['input-feed'] as boolean | undefined) ?? attention !== 'none',
    seed: (flags.seed as number | undefined) ?? 1,
  };
  if (options.inputFeed && attention === 'none') throw new UsageError(`${cmd}: --input-feed needs attention (it feeds the attentional state); drop it or choose --attention`);
  const model = createTranslator(cmd, options);
  const clip = (flags['clip-norm'] as number | undefined) ?? 5;
  const factor = (flags['reduce-lr'] as number | undefined) ?? 0.5;
  const optimizer = new Adam(model.params, { lr: (flags.lr as number | undefined) ?? 0.005 });
  const trainer = new Trainer(model, {
    optimizer, clipNorm: clip > 0 ? clip : null,
    schedule: factor < 1 ? new ReduceLROnPlateau(optimizer, { factor, patience: 2 }) : null,
  });
  const B = (flags.batch as number | undefined) ?? 32;
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  const count = (ps: Encoded[]) => ps.reduce((s, p) => s + p.tgt.length, 0);
  const parameters = model.params.reduce((s, p) => s + p.value.length, 0);
  log(`rnnkit translate train: ${trainRows.length} training / ${validRows.length} validation pairs (${splitText}), ` +
    `${srcVocab.size} source and ${tgtVocab.size} target symbols, embeddings ${options.embeddingDim}, ${options.bidirectionalEncoder ? 'bidirectional ' : ''}${options.mode} encoder H=${options.hiddenSize} L=${options.numLayers}, ` +
    `attention ${options.attention}${options.inputFeed ? ' with input feeding' : ''}, ${parameters.toLocaleString('en-US')} parameters`);

  const rng = new Random(options.seed);
  let order: number[][] = [];
  const validBatches = makeBatches(validPairs, 128, new Random(0));
  const validRefs = referencesBySource(validPairs).slice(0, (flags['valid-decode'] as number | undefined) ?? 1000);
  const maxLength = Math.ceil(1.5 * longest) + 5;
  const batchesPerEpoch = Math.ceil(trainPairs.length / B);
  const result = await fit({
    params: model.params, label: 'translate', batchesPerEpoch,
    epochs: (flags.epochs as number | undefined) ?? 10,
    timeLimit: (flags['time-limit'] as number | undefined) ?? null,
    evalEvery: (flags['eval-every'] as number | undefined) ?? batchesPerEpoch,
    startEpoch: () => { order = makeBatches(trainPairs, B, rng); },
    trainStep: (i) => {
      const rows = order[i % order.length], b = fillBatch(trainPairs, rows);
      return (trainer.run(() => model.lossAndGrad(b)).loss * b.B) / rows.reduce((s, r) => s + trainPairs[r].tgt.length, 0);
    },
    validate: () => {
      let loss = 0;
      for (const rows of validBatches) {
        const b = fillBatch(validPairs, rows);
        loss += model.evaluate(b) * b.B;
      }
      if (validRefs.length === 0) return { loss: loss / count(validPairs) };
      const rates = errorRates(decodeGreedy(model, validRefs.map((r) => r.src), maxLength), validRefs.map((r) => r.tgts));
      return { loss: loss / count(validPairs), scores: { 'seq err': rates.sequenceErrorRate, 'tok err': rates.tokenErrorRate } };
    },
    afterValidation: (v) => { if (trainer.schedule && Number.isFinite(v.loss)) trainer.schedule.step(v.loss); },
    log, quiet: Boolean(flags.quiet),
  });

  const record: TranslateRecord = {
    task: 'translate', sourceTokens: srcHow, targetTokens: tgtHow, sourceVocab: [...srcVocab.symbols], targetVocab: [...tgtVocab.symbols],
    maxLength,
  };
  writeTranslator(modelPath, model, record, result.history, result.steps);
  const plots = [writeLossPlot(outDir, 'translate', result.history, 'target token')];
  if (result.history.scores.length > 0) plots.push(writeErrorPlot(outDir, result.history, validRefs.length));
  if (result.stoppedBy === 'interrupt') log(`interrupted at step ${result.steps}`);
  if (result.stoppedBy === 'time-limit') log(`time limit reached at step ${result.steps}`);
  const kept = result.best.scores ? `, sequence error rate ${(100 * result.best.scores['seq err']).toFixed(2)}% and token error rate ${(100 * result.best.scores['tok err']).toFixed(2)}% on ${validRefs.length} validation sources` : '';
  log(`done: ${result.steps} steps (${result.epochs.toFixed(2)} epochs) in ${formatDuration(result.seconds)}; kept the model of step ${result.bestStep}: validation loss ${result.best.loss.toFixed(4)} per target token${kept}`);
  log(`model: ${modelPath}`);
  log(`plots: ${plots.join(', ')}`);
  if (validUnknown.tokens > 0) log(`validation: ${unknownText(validUnknown)}`);
  if (json) {
    out(JSON.stringify({
      command: 'translate train', train_pairs: trainRows.length, valid_pairs: validRows.length, split: splitText,
      source_vocabulary: srcVocab.size, target_vocabulary: tgtVocab.size, parameters, model: options,
      steps: result.steps, epochs: result.epochs, seconds: result.seconds, stopped_by: result.stoppedBy,
      best_step: result.bestStep, valid_loss: result.best.loss, train_loss: result.trainLoss, valid_decoded: validRefs.length,
      valid_sequence_error_rate: result.best.scores?.['seq err'] ?? null, valid_token_error_rate: result.best.scores?.['tok err'] ?? null,
      history: result.history, checkpoint: modelPath, plots,
    }));
  }
  return result.stoppedBy === 'interrupt' ? 130 : 0;
}

/** Writes a translate checkpoint: the weights by name, the model options and the record as metadata. */
function writeTranslator(path: string, model: Translator, record: TranslateRecord, history: unknown, step: number): void {
  const metadata = {
    'rnnkit.format': FORMAT, 'rnnkit.model': JSON.stringify(model.options), 'rnnkit.step': String(step),
    'rnnkit.extra': JSON.stringify({ task: JSON.stringify(record), history: JSON.stringify(history) }),
  };
  const tensors = stateDictOf(model.params);
  writeFileAtomic(path, path.endsWith('.json') ? encodeStateJSON(tensors, metadata) : encodeSafetensors(tensors, metadata));
}

/** Reads a translate checkpoint, checking its record against the model it describes. */
export function readTranslator(cmd: string, path: string): { model: Translator; record: TranslateRecord; src: Vocabulary; tgt: Vocabulary } {
  const bytes = readFileOrFail(cmd, 'model', path);
  let model: Translator, record: TranslateRecord;
  try {
    const file = path.endsWith('.json') ? decodeStateJSON(bytes.toString('utf8'), { requireFinite: true }) : decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { requireFinite: true });
    if (file.metadata['rnnkit.format'] !== FORMAT) {
      throw new Error(String(file.metadata['rnnkit.format']).startsWith('rnnkit-checkpoint/') ? 'it is a classify, tag or train model, not a translate model' : `not a translate model (format ${JSON.stringify(file.metadata['rnnkit.format'])})`);
    }
    const options = JSON.parse(file.metadata['rnnkit.model']) as TranslatorOptions;
    record = JSON.parse((JSON.parse(file.metadata['rnnkit.extra']) as { task: string }).task) as TranslateRecord;
    model = createTranslator(cmd, options);
    loadStateDict(model.params, file.tensors);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${cmd}: ${path}: ${(e as Error).message}`);
  }
  const src = Vocabulary.fromJSON(path, 'source vocabulary', record.sourceVocab);
  const tgt = Vocabulary.fromJSON(path, 'target vocabulary', record.targetVocab);
  if (src.size !== model.options.srcVocab || tgt.size !== model.options.tgtVocab) throw new UsageError(`${cmd}: ${path}: the vocabularies do not fit the model`);
  return { model, record, src, tgt };
}

interface DecodeChoice { beam: number; alpha: number; maxLength: number }

function decodeChoice(flags: Record<string, unknown>, record: TranslateRecord): DecodeChoice {
  const alpha = (flags.alpha as number | undefined) ?? 0.7;
  return { beam: (flags.beam as number | undefined) ?? 1, alpha, maxLength: (flags['max-length'] as number | undefined) ?? record.maxLength };
}

/** The target tokens (as text symbols) of each source. */
function translateAll(model: Translator, src: Vocabulary, tgt: Vocabulary, record: TranslateRecord, sources: readonly string[], d: DecodeChoice, unknown: UnknownCounter) {
  return sources.map((s) => {
    const ids = src.encode(tokenize(s, record.sourceTokens), unknown);
    if (ids.length === 0) return { tokens: [] as string[], attention: null, source: [] as string[] };
    const out = model.decode(ids, d);
    return { tokens: out.tokens.map((id) => tgt.symbols[id]), attention: out.attention, source: tokenize(s, record.sourceTokens) };
  });
}

function test(argv: string[], out: (line: string) => void): number {
  const cmd = 'translate test';
  const { flags, positionals } = parseArgs(cmd, argv, TEST_FLAGS);
  if (flags.help) { out(testUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const dataPath = need(cmd, 'data', flags.data as string | undefined);
  const { model, record, src, tgt } = readTranslator(cmd, modelPath);
  const d = decodeChoice(flags, record);
  // a source listed more than once has several references
  const refs = new Map<string, string[][]>();
  for (const p of readPairFile(cmd, dataPath)) {
    const r = refs.get(p.source) ?? refs.set(p.source, []).get(p.source)!;
    r.push(tokenize(p.target, record.targetTokens));
  }
  const sources = [...refs.keys()].slice(0, (flags.limit as number | undefined) ?? Infinity);
  const unknown = unknownCounter();
  const started = Date.now();
  // greedy decoding runs the sources side by side (the same outputs, far fewer calls)
  const outputs = d.beam === 1
    ? decodeGreedy(model, sources.map((s) => src.encode(tokenize(s, record.sourceTokens), unknown)).map((ids) => (ids.length > 0 ? ids : null)), d.maxLength).map((ids) => ids.map((id) => tgt.symbols[id]))
    : translateAll(model, src, tgt, record, sources, d, unknown).map((o) => o.tokens);
  const rates = errorRates(outputs, sources.map((s) => refs.get(s)!));
  const seconds = (Date.now() - started) / 1000;
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));
  log(`token error rate ${(100 * rates.tokenErrorRate).toFixed(2)}% (${rates.distance} edits / ${rates.referenceTokens} reference tokens)`);
  log(`sequence error rate ${(100 * rates.sequenceErrorRate).toFixed(2)}% (${rates.wrongSequences} of ${rates.sequences} sources; scored against the closest of ${sources.reduce((s, x) => s + refs.get(x)!.length, 0)} references)`);
  log(`decoding: beam ${d.beam}, alpha ${d.alpha}, max length ${d.maxLength}, ${formatDuration(seconds)}; ${unknownText(unknown)}`);
  if (json) {
    out(JSON.stringify({
      command: 'translate test', sources: rates.sequences, token_error_rate: rates.tokenErrorRate, sequence_error_rate: rates.sequenceErrorRate,
      edits: rates.distance, reference_tokens: rates.referenceTokens, wrong_sequences: rates.wrongSequences, beam: d.beam, alpha: d.alpha,
      unknown_tokens: unknown.tokens, seconds,
    }));
  }
  return 0;
}

function predict(argv: string[], out: (line: string) => void): number {
  const cmd = 'translate predict';
  const { flags, positionals } = parseArgs(cmd, argv, PREDICT_FLAGS);
  if (flags.help) { out(predictUsage); return 0; }
  noPositionals(cmd, positionals);
  const modelPath = need(cmd, 'model', flags.model as string | undefined);
  const { model, record, src, tgt } = readTranslator(cmd, modelPath);
  const d = decodeChoice(flags, record);
  const svgDir = flags['attention-svg'] as string | undefined;
  if (svgDir !== undefined && model.options.attention === 'none') throw new UsageError(`${cmd}: --attention-svg: ${modelPath} has no attention (trained with --attention none)`);
  const lines = inputLines(cmd, flags.input as string | undefined);
  const unknown = unknownCounter();
  translateAll(model, src, tgt, record, lines, d, unknown).forEach((o, i) => {
    out(detokenize(o.tokens, record.targetTokens));
    if (svgDir !== undefined && o.attention && o.attention.length > 0) {
      const rows = o.attention.length, cols = o.attention[0].length;
      writeFileAtomic(join(svgDir, `${i + 1}.svg`), heatmap({
        title: `attention α: ${JSON.stringify(lines[i]).slice(0, 40)} → ${JSON.stringify(detokenize(o.tokens, record.targetTokens)).slice(0, 40)}`,
        xLabel: `source step (${o.source.join(' ').slice(0, 60)})`, yLabel: 'output step', rows, cols, values: o.attention.flat(), domain: [0, 1], colorLabel: 'α',
      }));
    }
  });
  process.stderr.write(`translate predict: ${lines.length} lines, ${unknownText(unknown)}\n`);
  return 0;
}
