/**
 * The flags every `rnnkit <task> train` shares (model, training, files), the model and the
 * trainer they describe, and the loss plot every task writes.
 */
import { join } from 'node:path';
import { SequenceModel, type Topology } from '../../models/sequence-model.js';
import { SequenceTrainer } from '../../training/trainer.js';
import type { FlagSpecs, Parsed } from '../args.js';
import { writeFileAtomic } from '../files.js';
import { lineChart } from '../plots/line-chart.js';
import type { FitHistory } from './fit.js';
import { Adam } from '../../optimizers/adam.js';
import { ReduceLROnPlateau } from '../../optimizers/schedules.js';

export const CELLS: Record<string, string> = { lstm: 'lstm', gru: 'gru', rnn: 'rnn_tanh' };

/** Flags of the recurrent model. */
export const MODEL_FLAGS: FlagSpecs = {
  cell: { kind: 'string', choices: Object.keys(CELLS), help: 'the recurrent cell (default lstm)' },
  hidden: { kind: 'integer', min: 1, max: 4096, value: 'H', help: 'hidden units per direction (default 64)' },
  layers: { kind: 'integer', min: 1, max: 16, value: 'L', help: 'stacked layers (default 1)' },
  bidirectional: { kind: 'boolean', help: 'read each sequence both ways (--bidirectional=false to turn off)' },
  embedding: { kind: 'integer', min: 0, max: 4096, value: 'E', help: 'token embedding size (default 32 for characters, 64 for words; 0: one-hot input)' },
  dropout: { kind: 'number', min: 0, max: 0.95, value: 'P', help: 'dropout on the embedding output, between stacked layers and before the head, in training only (default 0)' },
};

/** Flags of the training run. */
export const TRAINING_FLAGS: FlagSpecs = {
  epochs: { kind: 'number', min: 0, value: 'E', help: 'passes over the training data (default 10)' },
  'time-limit': { kind: 'number', min: 0, value: 'SECONDS', help: 'stop cleanly after this long; the best model by validation loss is kept' },
  batch: { kind: 'integer', min: 1, max: 4096, value: 'B', help: 'examples per step (default 32)' },
  lr: { kind: 'number', min: 0, help: 'Adam learning rate (default 0.005)' },
  'clip-norm': { kind: 'number', min: 0, help: 'clip the global gradient norm (default 5; 0 turns it off)' },
  'reduce-lr': { kind: 'number', min: 0, max: 1, value: 'F', help: 'multiply the learning rate by F after 2 validations without a better loss (ReduceLROnPlateau; default 0.5; 1: off)' },
  'min-count': { kind: 'integer', min: 1, value: 'N', help: 'keep symbols seen at least N times in training; others become <unk> (default 1)' },
  seed: { kind: 'integer', min: 0, max: 2 ** 32 - 1, value: 'S', help: 'seed for weights and batch order (default 1)' },
  'eval-every': { kind: 'integer', min: 1, value: 'N', help: 'validate every N steps (default once an epoch)' },
};

export interface ModelChoice {
  /** The vocabulary size. */
  inputSize: number;
  /** The embedding size when --embedding is not given. */
  embeddingByDefault: number;
  outputSize: number;
  topology: Topology;
  bidirectionalByDefault: boolean;
}

/** The model the flags describe. */
export function modelFromFlags(flags: Parsed['flags'], c: ModelChoice): SequenceModel {
  const E = (flags.embedding as number | undefined) ?? c.embeddingByDefault;
  return new SequenceModel({
    mode: CELLS[(flags.cell as string | undefined) ?? 'lstm'],
    // token ids through an embedding (padding id 0 gets no gradient), or one-hot vectors
    ...(E > 0 ? { embedding: { numEmbeddings: c.inputSize, embeddingDim: E, paddingIdx: 0 } } : { inputSize: c.inputSize }),
    outputSize: c.outputSize,
    hiddenSize: (flags.hidden as number | undefined) ?? 64,
    numLayers: (flags.layers as number | undefined) ?? 1,
    bidirectional: (flags.bidirectional as boolean | undefined) ?? c.bidirectionalByDefault,
    seed: (flags.seed as number | undefined) ?? 1,
    ...dropoutOptions((flags.dropout as number | undefined) ?? 0, E > 0, (flags.layers as number | undefined) ?? 1),
    topology: c.topology, loss: 'cross_entropy',
  });
}

/** --dropout p: on the embedding output (if any), between stacked layers (if more than one), before the head. */
function dropoutOptions(p: number, embedding: boolean, layers: number): { dropout?: number; embeddingDropout?: number; headDropout?: number } {
  if (p === 0) return {};
  return { headDropout: p, ...(embedding ? { embeddingDropout: p } : {}), ...(layers > 1 ? { dropout: p } : {}) };
}

export function trainerFromFlags(model: SequenceModel, flags: Parsed['flags']): SequenceTrainer {
  const clip = (flags['clip-norm'] as number | undefined) ?? 5;
  const factor = (flags['reduce-lr'] as number | undefined) ?? 0.5;
  const optimizer = new Adam(model.params, { lr: (flags.lr as number | undefined) ?? 0.005 });
  return new SequenceTrainer(model, {
    optimizer, clipNorm: clip > 0 ? clip : null,
    // stepped by the fit loop with each validation loss
    schedule: factor < 1 ? new ReduceLROnPlateau(optimizer, { factor, patience: 2 }) : null,
  });
}

/** A one-line description of a model: "lstm H=64 L=1 bidirectional, 12,345 parameters". */
export function describeModel(model: SequenceModel): string {
  const o = model.options, n = model.params.reduce((s, p) => s + p.value.length, 0);
  const input = model.embedding ? `embedding ${model.embedding.numEmbeddings}×${model.embedding.embeddingDim}` : `one-hot ${o.inputSize}`;
  return `${input} → ${o.mode} H=${o.hiddenSize} L=${o.numLayers}${o.bidirectional ? ' bidirectional' : ''}, ${n.toLocaleString('en-US')} parameters`;
}

/** The vocabulary size a model reads: its embedding's rows, or its one-hot width. */
export function vocabularySizeOf(model: SequenceModel): number {
  return model.embedding ? model.embedding.numEmbeddings : model.options.inputSize;
}

/** Writes OUT/<task>-loss.svg (training and validation loss per step) and returns its path. */
export function writeLossPlot(out: string, task: string, history: FitHistory, unit: string): string {
  const path = join(out, `${task}-loss.svg`);
  // at most ~400 training points: averages of consecutive steps
  const every = Math.max(1, Math.ceil(history.train.length / 400));
  const train: [number, number][] = [];
  for (let i = 0; i < history.train.length; i += every) {
    const chunk = history.train.slice(i, i + every);
    train.push([chunk[chunk.length - 1][0], chunk.reduce((s, p) => s + p[1], 0) / chunk.length]);
  }
  writeFileAtomic(path, lineChart({
    title: `rnnkit ${task} train: loss`, xLabel: 'training step', yLabel: `cross-entropy per ${unit} (nats)`,
    series: [{ name: 'train', points: train }, { name: 'validation', points: history.validation }],
  }));
  return path;
}
