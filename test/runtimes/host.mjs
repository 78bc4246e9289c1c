// What the command-line hosts (Node ESM, Node CommonJS, Deno, Bun) share: finding and reading
// the fixtures, naming the runtime, printing the results. Uses only node: built-ins that
// Deno 2 and Bun 1 also provide. The browser host is test/runtimes/browser.html.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { runChecks } from './core.mjs';

/** The repository root (this file is test/runtimes/host.mjs). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the fixtures are: --reference DIR, else $RNNKIT_REFERENCE, else ../shared/reference. */
export function referenceDir(argv = process.argv.slice(2)) {
  const i = argv.indexOf('--reference');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return process.env.RNNKIT_REFERENCE || join(repoRoot, '..', 'shared', 'reference');
}

/** The value of `--lib SPEC` (a module specifier or path), or `fallback`. */
export function libArgument(fallback, argv = process.argv.slice(2)) {
  const i = argv.indexOf('--lib');
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

/** Every `*.json` fixture in `dir`, sorted by name, parsed. */
export function loadFixtures(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), json: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

/** e.g. `node 20.20.2`, `deno 2.9.6`, `bun 1.4.5`. */
export function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${process.versions.node}`;
}

/**
 * Runs the checks against `lib`, prints one line per check and the closing
 * `N passed, N failed`, and sets the exit code.
 */
export function runHost(lib, { label, notes = [] } = {}) {
  const dir = referenceDir();
  const name = label || runtimeName();
  console.log(`# ${name === runtimeName() ? name : `${name} (${runtimeName()})`}, fixtures from ${dir}`);
  for (const note of notes) console.log(`# note: ${note}`);
  let fixtures = [];
  let loadError = null;
  try {
    fixtures = loadFixtures(dir);
  } catch (e) {
    loadError = e;
  }
  const { passed, failed } = runChecks(lib, fixtures, { log: (line) => console.log(line), label: name });
  const extra = loadError ? 1 : 0;
  if (loadError) console.log(`FAIL read fixtures: ${loadError.message}`);
  console.log(`${passed} passed, ${failed + extra} failed`);
  process.exitCode = failed + extra > 0 ? 1 : 0;
}
