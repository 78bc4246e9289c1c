/**
 * Locating and loading the PyTorch reference fixtures (`rnn-reference/1`, see
 * ../shared/reference/README.md) for tests. Synchronous, so a `describe` body can generate one
 * `it` per file at load time and new files are picked up without touching the tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ReferenceFixture } from '../../lib/reference/fixture.js';

export interface LoadedFixture {
  /** The file name inside `referenceDir()`, e.g. `layer_lstm_small.json`. */
  file: string;
  /** The parsed JSON (not validated: `runReference` does that). */
  fixture: ReferenceFixture;
}

/** `$RNNKIT_REFERENCE_DIR`, else `../shared/reference` relative to the working directory. */
export function referenceDir(): string {
  const env = process.env.RNNKIT_REFERENCE_DIR;
  return env && env.length > 0 ? path.resolve(env) : path.resolve(process.cwd(), '../shared/reference');
}

/**
 * Every `*.json` fixture in `referenceDir()`, sorted by file name, optionally only those of one
 * `kind`. A missing directory yields an empty list (tests assert a minimum count themselves).
 */
export function loadFixtures(kind?: 'layer' | 'model' | 'seq2seq'): LoadedFixture[] {
  const dir = referenceDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: LoadedFixture[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    let fixture: ReferenceFixture;
    try {
      fixture = JSON.parse(text) as ReferenceFixture;
    } catch (e) {
      throw new SyntaxError(`loadFixtures: ${path.join(dir, file)} is not valid JSON: ${(e as Error).message}`);
    }
    if (kind === undefined || fixture.kind === kind) out.push({ file, fixture });
  }
  return out;
}
