/**
 * The built-in training corpus: rnnkit's own README and docs, concatenated at build time
 * into dist/corpus.txt (scripts/build.mjs), so `rnnkit train` runs with no download.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function builtInCorpus(): string {
  // this module is dist/esm/cli/corpus.js; the corpus is dist/corpus.txt
  const path = fileURLToPath(new URL('../../corpus.txt', import.meta.url));
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`the built-in corpus ${path} is missing: run "npm run build" (or pass --text FILE)`);
  }
}
