/** File helpers for the CLI: reads with clear errors, writes that never leave partial files. */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Checkpoint, loadCheckpoint } from '../serialization/checkpoint.js';
import { UsageError } from './args.js';

/** Reads a file, turning "not found" and friends into one-line usage errors. */
export function readFileOrFail(command: string, what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`${command}: cannot read ${what} ${path}: ${why}`);
  }
}

/**
 * Writes data to path atomically: a temporary file beside it, flushed to the disk, then a
 * rename, so `path` holds either its old content or all of the new, never part of it.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads and loads an rnnkit checkpoint (`.json` as text, anything else as safetensors bytes).
 * A file that cannot be read or loaded is a usage error: `${command}: ${failure} ${reason}`.
 */
export function readCheckpoint(command: string, what: string, path: string, failure: string): Checkpoint {
  const bytes = readFileOrFail(command, what, path);
  try {
    return loadCheckpoint(path.endsWith('.json') ? bytes.toString('utf8') : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new UsageError(`${command}: ${failure}: ${(e as Error).message}`);
  }
}
