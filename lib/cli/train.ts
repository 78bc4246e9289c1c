/**
 * `rnnkit train`: a character-level language model on a text file, or on the built-in corpus.
 * Progress on stderr (a bar on a terminal, plain lines otherwise), samples as it learns,
 * held-out validation, a summary at the end (`--json`: one JSON object on the last line),
 * checkpoints that `--resume` continues bit for bit, and SVG plots in --out.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CharBatches } from '../data/char-batches.js';
import { CharVocabulary } from '../data/char-vocabulary.js';
import { generate } from '../generation/generate.js';
import { getBackend } from '../kernels/backend.js';
import { SequenceModel } from '../models/sequence-model.js';
import { createOptimizer } from '../optimizers/create-optimizer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Random } from '../random.js';
import { createOptimizerFromState, saveCheckpoint } from '../serialization/checkpoint.js';
import type { Tensor } from '../tensor.js';
import { SequenceTrainer } from '../training/trainer.js';
import { UsageError, parseArgs } from './args.js';
import { builtInCorpus } from './corpus.js';
import { readCheckpoint, readFileOrFail } from './files.js';
import { checkCheckpointWritable, saveFinishedRun } from './save-checkpoint.js';
import { Progress, formatDuration, formatRate } from './progress.js';
import { historyFromTensors, historyTensors } from './train-history.js';
import { type TrainingHistory, writeTrainingPlots } from './train-plots.js';

export const trainUsage = `usage: rnnkit train [options]
  --text FILE          train on this UTF-8 text (default: the built-in corpus, rnnkit's own docs)
  --cell lstm|gru|rnn  the recurrent cell (default lstm)
  --hidden H           hidden units (default 192)
  --embedding E        character embedding width (default 32; 0 reads one-hot characters)
  --layers L           stacked layers (default 1)
  --seq-len T          characters per sequence, the BPTT length (default 48)
  --batch B            sequences per step (default 24)
  --steps N            training steps (default 600), or
  --epochs E           passes over the training text (steps = E · chars / (T · B))
  --optimizer NAME     adam, sgd, sgd_momentum, rmsprop, adagrad (default adam)
  --lr X               learning rate (default 0.01 for adam, 0.003 for rmsprop, 0.1 otherwise)
  --clip-norm X        clip the global gradient norm (default 5; 0 turns it off)
  --clip-value X       clamp each gradient entry to [-X, X] (default 0: off)
  --seed S             seed for weights, batches and samples (default 1)
  --save FILE          checkpoint (.safetensors or .json) with optimizer state (default OUT/model.safetensors)
  --resume FILE        continue from a checkpoint written by --save
  --out DIR            where plots and the default checkpoint go (default ./rnnkit-out)
  --sample-every N     print a sample every N steps (default steps/5)
  --eval-every N       validate every N steps (default steps/10)
  --json               print one JSON summary object as the last line
  --bidirectional      refused: a language model cannot read the future`;

const CELLS: Record<string, string> = { lstm: 'lstm', gru: 'gru', rnn: 'rnn_tanh' };

export interface TrainSummary {
  command: 'train';
  cell: string;
  steps: number;
  train_loss: number;
  train_perplexity: number;
  val_loss: number;
  val_perplexity: number;
  seconds: number;
  chars_per_second: number;
  interrupted: boolean;
  checkpoint: string;
  plots: string[];
  sample: string;
}

/** Loss per character and perplexity from a loss summed over T steps (averaged over B). */
function perChar(loss: number, T: number): number {
  return loss / T;
}

export async function trainCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { flags, positionals } = parseArgs('train', argv, {
    text: { kind: 'string' },
    cell: { kind: 'string', choices: Object.keys(CELLS) },
    hidden: { kind: 'integer', min: 1, max: 4096 },
    embedding: { kind: 'integer', min: 0, max: 4096 },
    layers: { kind: 'integer', min: 1, max: 16 },
    bidirectional: { kind: 'boolean' },
    'seq-len': { kind: 'integer', min: 1, max: 100000 },
    batch: { kind: 'integer', min: 1, max: 4096 },
    steps: { kind: 'integer', min: 1 },
    epochs: { kind: 'number', min: 0 },
    optimizer: { kind: 'string', choices: ['adam', 'sgd', 'sgd_momentum', 'rmsprop', 'adagrad'] },
    lr: { kind: 'number', min: 0 },
    'clip-norm': { kind: 'number', min: 0 },
    'clip-value': { kind: 'number', min: 0 },
    seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1 },
    save: { kind: 'string' },
    resume: { kind: 'string' },
    out: { kind: 'string' },
    'sample-every': { kind: 'integer', min: 1 },
    'eval-every': { kind: 'integer', min: 1 },
    json: { kind: 'boolean' },
    help: { kind: 'boolean' },
  });
  if (flags.help) { out(trainUsage); return 0; }
  if (positionals.length > 0) {
    throw new UsageError(`train: unexpected argument "${positionals[0]}"${positionals[0].startsWith('-') ? ' (flags start with --; see rnnkit train --help)' : ' (to train on a file, use --text FILE)'}`);
  }
  if (flags.bidirectional) throw new UsageError('train: --bidirectional makes no sense for a language model (it would read the characters it must predict); leave it out');
  if (flags.steps !== undefined && flags.epochs !== undefined) throw new UsageError('train: give --steps or --epochs, not both');
  const outDir = (flags.out as string | undefined) ?? 'rnnkit-out';
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`train: --out ${outDir} is a file, not a folder`);
  const savePath = (flags.save as string | undefined) ?? join(outDir, 'model.safetensors');
  const saveFormat = savePath.endsWith('.json') ? 'json' : savePath.endsWith('.safetensors') ? 'safetensors' : null;
  if (!saveFormat) throw new UsageError(`train: --save must end in .safetensors or .json, got "${savePath}"`);

  // the text
  const textPath = flags.text as string | undefined;
  const text = textPath ? readFileOrFail('train', 'text file', textPath).toString('utf8') : builtInCorpus();
  if (text.length === 0) throw new UsageError(`train: the text ${textPath ?? '(built-in corpus)'} is empty`);

  // model, optimizer and progress: fresh or resumed
  const resumePath = flags.resume as string | undefined;
  let model: SequenceModel, optimizer: Optimizer | null = null, startStep = 0, vocab: CharVocabulary;
  const rng = new Random();
  let seed = (flags.seed as number | undefined) ?? 1;
  let seqLen = (flags['seq-len'] as number | undefined) ?? 48;
  let batch = (flags.batch as number | undefined) ?? 24;
  let history: TrainingHistory = { train: [], validation: [], gradNorms: [], gradNormSteps: [] };
  if (resumePath) {
    const ck = readCheckpoint('train', 'checkpoint', resumePath, `cannot load ${resumePath}`);
    model = ck.model;
    if (!ck.extra.vocab || !ck.extra.training) throw new UsageError(`train: ${resumePath} is an rnnkit checkpoint but not one written by "rnnkit train" (no vocabulary)`);
    vocab = vocabularyOf(resumePath, ck.extra.vocab, model.outputSize);
    const saved = parseExtra(resumePath, 'training', ck.extra.training) as { seed: number; seqLen: number; batch: number; rng: number };
    if (![saved.seed, saved.seqLen, saved.batch, saved.rng].every((v) => Number.isSafeInteger(v) && v >= 0) || saved.seqLen < 1 || saved.batch < 1) {
      throw new UsageError(`train: ${resumePath} has a damaged training record (seed, seq-len, batch, PRNG state)`);
    }
    seed = saved.seed; seqLen = saved.seqLen; batch = saved.batch;
    rng.setState(saved.rng);
    startStep = ck.step;
    // format 2 keeps the history as tensors; checkpoints written before kept it as JSON in extra
    if (ck.extra.history) history = parseExtra(resumePath, 'history', ck.extra.history) as TrainingHistory;
    else history = historyOf(resumePath, ck.tensors) ?? history;
    if (ck.optimizerState) optimizer = createOptimizerFromState(model.params, ck.optimizerState);
    for (const f of ['cell', 'hidden', 'embedding', 'layers', 'seq-len', 'batch', 'seed', ...(ck.optimizerState ? ['optimizer', 'lr'] : [])]) {
      if (flags[f] !== undefined) throw new UsageError(`train: --${f} is fixed by the checkpoint being resumed; leave it out`);
    }
  } else {
    vocab = CharVocabulary.fromText(text);
    const V = vocab.size;
    const E = (flags.embedding as number | undefined) ?? 32;
    model = new SequenceModel({
      mode: CELLS[(flags.cell as string | undefined) ?? 'lstm'], outputSize: V,
      // token ids through an embedding (E copies a step) instead of one-hot vectors (a V·4H product)
      ...(E > 0 ? { embedding: { numEmbeddings: V, embeddingDim: E } } : { inputSize: V }),
      hiddenSize: (flags.hidden as number | undefined) ?? 192, numLayers: (flags.layers as number | undefined) ?? 1,
      seed, topology: 'many_to_many', loss: 'cross_entropy',
    });
    rng.setState(seed);
  }
  let tokens: Int32Array;
  try {
    tokens = vocab.encode(text);
  } catch (e) {
    throw new UsageError(`train: ${(e as Error).message} (resume with the text the model was trained on)`);
  }
  // hold out the last tenth for validation
  const split = Math.floor(tokens.length * 0.9);
  const need = seqLen + 1;
  if (split < need || tokens.length - split < need) {
    let minimum = need;
    while (Math.floor(minimum * 0.9) < need || minimum - Math.floor(minimum * 0.9) < need) minimum++;
    throw new UsageError(`train: the text has ${tokens.length} characters; with --seq-len ${seqLen} it needs at least ${minimum} (so that the last tenth holds one validation sequence); use a longer text or a smaller --seq-len`);
  }
  const ids = model.embedding !== null;
  const trainData = new CharBatches(tokens.subarray(0, split), vocab.size, seqLen, batch, 'float32', ids);
  const valData = new CharBatches(tokens.subarray(split), vocab.size, seqLen, batch, 'float32', ids);
  const epochs = flags.epochs as number | undefined;
  const steps = epochs !== undefined ? Math.max(1, Math.round((epochs * split) / (seqLen * batch))) : ((flags.steps as number | undefined) ?? 600);
  if (startStep >= steps) throw new UsageError(`train: the checkpoint is at step ${startStep}, already ≥ --steps ${steps}; ask for more steps`);
  const optName = (flags.optimizer as string | undefined) ?? 'adam';
  const lr = (flags.lr as number | undefined) ?? (optName === 'adam' ? 0.01 : optName === 'rmsprop' ? 0.003 : 0.1);
  if (!optimizer) {
    optimizer = createOptimizer(model.params, optName === 'sgd_momentum' ? { name: optName, lr, momentum: 0.9 } : { name: optName, lr });
  }
  const clipNorm = (flags['clip-norm'] as number | undefined) ?? 5;
  const clipValue = (flags['clip-value'] as number | undefined) ?? 0;
  const trainer = new SequenceTrainer(model, {
    optimizer, clipNorm: clipNorm > 0 ? clipNorm : null, clipValue: clipValue > 0 ? clipValue : null,
  });
  const sampleEvery = (flags['sample-every'] as number | undefined) ?? Math.max(1, Math.ceil(steps / 5));
  const evalEvery = (flags['eval-every'] as number | undefined) ?? Math.max(1, Math.ceil(steps / 10));
  const json = Boolean(flags.json);
  const log = (line: string) => (json ? process.stderr.write(line + '\n') : out(line));

  // what --save will write: the full checkpoint, or (when that fails at the end) the weights alone
  let step = startStep;
  const checkpointOf = (full: boolean) => saveCheckpoint(full ? {
    model, optimizer, step,
    extra: {
      vocab: JSON.stringify(vocab.chars),
      training: JSON.stringify({ seed, seqLen, batch, rng: rng.getState() }),
    },
    tensors: historyTensors(history),
  } : { model, step, extra: { vocab: JSON.stringify(vocab.chars) } }, saveFormat as 'safetensors');
  checkCheckpointWritable('train', savePath, () => checkpointOf(true));

  log(`rnnkit train: ${model.options.mode} H=${model.options.hiddenSize} L=${model.options.numLayers}, ${vocab.size} symbols, ` +
    `${split} training / ${tokens.length - split} validation characters, T=${seqLen} B=${batch}, ${optName} lr=${lr}, ` +
    `backend ${getBackend()}` +
    (resumePath ? `, resuming at step ${startStep}` : ''));

  const validate = (): number => {
    const batches = Math.max(1, Math.min(8, Math.floor(valData.windows / (seqLen * batch))));
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      valData.sequential(i * seqLen * batch);
      sum += model.evaluate(valData.x, valData.y);
    }
    return perChar(sum / batches, seqLen);
  };
  const sampleText = (n: number) => {
    const prime = vocab.encode([...text][0]);
    return vocab.decode(generate(model, { prime, length: n, temperature: 0.7, seed: seed + 7 }));
  };

  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.on('SIGINT', onSigint);
  const progress = new Progress({ total: steps, every: evalEvery });
  const started = Date.now();
  let trainLoss = NaN, valLoss = NaN, charsSeen = 0;
  try {
    while (step < steps && !interrupted) {
      trainData.sample(rng);
      const result = trainer.step(trainData.x, trainData.y);
      step++;
      charsSeen += seqLen * batch;
      trainLoss = perChar(result.loss, seqLen);
      history.train.push([step, trainLoss]);
      const rate = charsSeen / Math.max(1e-3, (Date.now() - started) / 1000);
      if (step % evalEvery === 0 || step === steps) {
        valLoss = validate();
        history.validation.push([step, valLoss]);
        const norms = model.rnn.gradNorms();
        history.gradNorms.push(Array.from(norms.data.subarray(0, seqLen)));
        history.gradNormSteps.push(step);
      }
      progress.update(step, `loss ${trainLoss.toFixed(3)}  ppl ${Math.exp(trainLoss).toFixed(2)}` +
        (Number.isFinite(valLoss) ? `  val ${valLoss.toFixed(3)}` : '') + `  ${formatRate(rate)} chars/s`);
      if (step % sampleEvery === 0 && step < steps) progress.log(`--- sample at step ${step}: ${JSON.stringify(sampleText(80))}`);
      await new Promise((resolve) => setImmediate(resolve)); // lets Ctrl-C through
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.done();
  }
  if (!Number.isFinite(valLoss) || history.validation.at(-1)?.[0] !== step) {
    valLoss = validate();
    history.validation.push([step, valLoss]);
  }
  const seconds = (Date.now() - started) / 1000;
  const saved = saveFinishedRun(savePath, () => checkpointOf(true), () => checkpointOf(false));
  const plots = writeTrainingPlots(outDir, history, model.options.mode);
  const sample = sampleText(200);
  if (interrupted) log(`interrupted at step ${step}; the checkpoint continues with: rnnkit train --resume ${savePath} --steps ${steps}`);
  log(`sample: ${sample}`);
  log(`done: ${step - startStep} steps in ${formatDuration(seconds)}, ${formatRate(charsSeen / Math.max(seconds, 1e-3))} chars/s`);
  log(`train loss ${trainLoss.toFixed(4)} (perplexity ${Math.exp(trainLoss).toFixed(2)}), validation loss ${valLoss.toFixed(4)} (perplexity ${Math.exp(valLoss).toFixed(2)})`);
  log(`model: ${savePath}${existsSync(savePath) ? '' : ' (missing!)'}`);
  log(`plots: ${plots.join(', ')}`);
  if (json) {
    const summary: TrainSummary = {
      command: 'train', cell: model.options.mode, steps: step, train_loss: trainLoss,
      train_perplexity: Math.exp(trainLoss), val_loss: valLoss, val_perplexity: Math.exp(valLoss),
      seconds, chars_per_second: charsSeen / Math.max(seconds, 1e-3), interrupted, checkpoint: savePath, plots, sample,
    };
    out(JSON.stringify(summary));
  }
  if (saved.saved !== 'full') {
    process.stderr.write(`rnnkit: train: ${saved.message}\n`);
    return 1;
  }
  return interrupted ? 130 : 0;
}

/** The character vocabulary stored in a checkpoint, checked against the model's output size. */
export function vocabularyOf(path: string, text: string, outputSize: number): CharVocabulary {
  let vocab: CharVocabulary;
  try {
    vocab = new CharVocabulary(JSON.parse(text) as string[]);
  } catch (e) {
    throw new UsageError(`${path}: the checkpoint's character vocabulary is damaged (${(e as Error).message})`);
  }
  if (vocab.size !== outputSize) {
    throw new UsageError(`${path}: the vocabulary has ${vocab.size} characters but the model predicts ${outputSize} outputs`);
  }
  return vocab;
}

function historyOf(path: string, tensors: ReadonlyMap<string, Tensor>): TrainingHistory | null {
  try {
    return historyFromTensors(tensors);
  } catch (e) {
    throw new UsageError(`train: ${path} has a damaged history record (${(e as Error).message})`);
  }
}

function parseExtra(path: string, what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`train: ${path} has a damaged ${what} record`);
  }
}
