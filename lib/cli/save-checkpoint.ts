/**
 * Saving a training run so that it is never lost: a check before the first step that the
 * checkpoint can be written at all, and a fallback at the end that keeps the weights when the
 * full checkpoint cannot be written.
 */
import { rmSync } from 'node:fs';
import { UsageError } from './args.js';
import { writeFileAtomic } from './files.js';

/**
 * Before the first step: encodes what will be saved and writes it to a temporary file beside
 * `path` (then removes it), so a checkpoint that cannot be encoded (too large a header) or a
 * path that cannot be written (no such folder, no permission, no space) is a usage error
 * before any work is done, not a lost run. The file at `path` itself is left alone.
 */
export function checkCheckpointWritable(command: string, path: string, encode: () => string | Uint8Array): void {
  let data: string | Uint8Array;
  try {
    data = encode();
  } catch (e) {
    throw new UsageError(`${command}: the checkpoint could not be saved: ${(e as Error).message}`);
  }
  const probe = `${path}.check`;
  try {
    writeFileAtomic(probe, data);
  } catch (e) {
    throw new UsageError(`${command}: cannot write the checkpoint ${path}: ${(e as Error).message}`);
  } finally {
    try { rmSync(probe, { force: true }); } catch { /* the folder itself is unusable: already reported */ }
  }
}

/** How the end-of-run save went. */
export interface SaveOutcome {
  /** 'full': the whole checkpoint; 'weights': the weights alone (the full one failed); 'none'. */
  saved: 'full' | 'weights' | 'none';
  /** What went wrong, for the user (empty when saved is 'full'). */
  message: string;
}

/**
 * At the end of a run: writes the full checkpoint atomically; when that fails, writes the
 * weights alone (no optimizer state or history: `sample` reads it, `--resume` cannot) to the
 * same path, and says which happened. Never throws: the caller reports and exits 1.
 */
export function saveFinishedRun(path: string, full: () => string | Uint8Array, weightsOnly: () => string | Uint8Array): SaveOutcome {
  let why: string;
  try {
    writeFileAtomic(path, full());
    return { saved: 'full', message: '' };
  } catch (e) {
    why = (e as Error).message;
  }
  try {
    writeFileAtomic(path, weightsOnly());
    return { saved: 'weights', message: `the checkpoint could not be saved (${why}); saved the weights alone to ${path} (no optimizer state: it samples but cannot be resumed)` };
  } catch (e) {
    return { saved: 'none', message: `the checkpoint could not be saved (${why}), nor the weights alone (${(e as Error).message}); nothing was written to ${path}` };
  }
}
