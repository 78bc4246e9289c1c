/**
 * test/helpers/reference.ts for the browser run of the unit suite (test/runtimes/browser-suite.mjs
 * bundles it in place of that module): the same two functions, reading the fixtures the page
 * fetched from the loopback server into `globalThis.__RNNKIT_FIXTURES__` before the suite loaded.
 */
import type { LoadedFixture } from '../helpers/reference.js';

const loaded = (globalThis as { __RNNKIT_FIXTURES__?: LoadedFixture[] }).__RNNKIT_FIXTURES__ ?? [];

/** Where the fixtures came from: the page's `/fixtures/` (served from the reference directory). */
export function referenceDir(): string {
  return '/fixtures';
}

/** Every fixture the page loaded, sorted by file name, optionally only those of one `kind`. */
export function loadFixtures(kind?: 'layer' | 'model'): LoadedFixture[] {
  return loaded.filter((f) => kind === undefined || f.fixture.kind === kind);
}
