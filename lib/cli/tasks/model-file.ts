/**
 * The checkpoints of the task commands: an rnnkit checkpoint (safetensors or JSON, by the
 * file's extension) whose `extra.task` record holds everything predict needs — the task, the
 * tokenization, the vocabularies, the label or tag names — and `extra.history` the training
 * curves. Written after the data has been read and checked, atomically.
 */
import { type SequenceModel } from '../../models/sequence-model.js';
import { saveCheckpoint } from '../../serialization/checkpoint.js';
import { UsageError } from '../args.js';
import { readCheckpoint, writeFileAtomic } from '../files.js';

/** The record every task checkpoint carries in extra.task. */
export interface TaskRecord {
  task: 'classify' | 'tag' | 'translate';
  /** Model input: one-hot vectors of the token ids, or token ids through an embedding. */
  input: 'one-hot' | 'embedding';
  [key: string]: unknown;
}

/** The format a --save path asks for, or a usage error. */
export function saveFormatOf(command: string, path: string): 'safetensors' | 'json' {
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.safetensors')) return 'safetensors';
  throw new UsageError(`${command}: --save must end in .safetensors or .json, got "${path}"`);
}

export function writeTaskModel(path: string, model: SequenceModel, record: TaskRecord, history: unknown, step: number): void {
  const extra = { task: JSON.stringify(record), history: JSON.stringify(history) };
  const format = saveFormatOf('save', path);
  writeFileAtomic(path, format === 'json' ? saveCheckpoint({ model, step, extra }, 'json') : saveCheckpoint({ model, step, extra }, 'safetensors'));
}

/** Loads a checkpoint written by `rnnkit <task> train`, checking that it is one of `task`. */
export function readTaskModel(command: string, path: string, task: TaskRecord['task']): { model: SequenceModel; record: TaskRecord } {
  const ck = readCheckpoint(command, 'model', path, `${path} is not an rnnkit model`);
  let record: TaskRecord | undefined;
  try {
    record = ck.extra.task === undefined ? undefined : (JSON.parse(ck.extra.task) as TaskRecord);
  } catch {
    throw new UsageError(`${command}: ${path} has a damaged task record`);
  }
  if (!record || typeof record !== 'object') throw new UsageError(`${command}: ${path} was not written by "rnnkit ${task} train" (no task record)`);
  if (record.task !== task) throw new UsageError(`${command}: ${path} is a ${String(record.task)} model, not a ${task} model (use rnnkit ${String(record.task)})`);
  return { model: ck.model, record };
}
