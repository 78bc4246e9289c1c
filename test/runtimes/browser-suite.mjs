// The unit suite in a real browser: every test file of test/ that needs no Node API (all but the
// CLI's and the cross-process determinism test, which spawn processes) bundled by esbuild, then
// run by mocha's browser build in Debian's Chromium, headless, on the loopback server.
//   node test/runtimes/browser-suite.mjs [--reference DIR]
// test/helpers/reference.ts reads fixtures with node:fs; in the bundle it is replaced by
// test/runtimes/browser-fixtures.ts, which takes the fixtures the page fetched. A test file
// that reaches a Node API anyway fails the bundling, and so the run. Prints the failures and
// the closing `N passed, N failed` (the suite's own tests, plus one check that no request left
// loopback and no page error happened outside a test).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from './chromium.mjs';
import { referenceDir } from './host.mjs';
import { startServer } from './server.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TIMEOUT_MS = 600_000;
const NODE_ONLY = /from ['"]node:/;

const all = readdirSync(join(root, 'test'), { recursive: true }).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(root, 'test', f));

/**
 * Whether a source file, or any file it imports relatively (.js specifiers name .ts sources),
 * imports a node: module: such a test needs the host (a CLI module, real data on disk).
 */
function needsHost(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false; // a package or a file esbuild resolves otherwise
  }
  if (NODE_ONLY.test(text)) return true;
  for (const [, spec] of text.matchAll(/(?:from|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    if (needsHost(join(dirname(file), spec.replace(/\.js$/, '.ts')), seen)) return true;
  }
  return false;
}
// test/helpers/reference.ts reads fixtures with node:fs but is replaced in the bundle (below)
const hostFree = all.filter((f) => !needsHost(f, new Set([join(root, 'test/helpers/reference.ts')])));
for (const f of all) if (!hostFree.includes(f)) console.log(`# not in the browser (imports a node: module): ${relative(root, f)}`);

let passed = 0, failed = 0;
const out = mkdtempSync(join(tmpdir(), 'rnnkit-suite-'));
let server = null, browser = null;
try {
  await build({
    stdin: { contents: hostFree.map((f) => `import './${relative(root, f).replace(/\\/g, '/')}';`).join('\n'), resolveDir: root, sourcefile: 'suite.ts', loader: 'ts' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', outfile: join(out, 'suite.js'), logLevel: 'silent',
    ignoreAnnotations: true, // package.json says sideEffects: false, which would drop the test files themselves
    define: { 'process.env': '{}' }, // the verbose switches some tests read
    plugins: [{
      name: 'browser-fixtures',
      setup(b) {
        b.onResolve({ filter: /\/helpers\/reference\.js$/ }, () => ({ path: join(root, 'test/runtimes/browser-fixtures.ts') }));
      },
    }],
  });
  server = await startServer({
    reference: referenceDir(process.argv.slice(2)),
    files: { '/suite/suite.js': join(out, 'suite.js'), '/suite/mocha.js': join(root, 'node_modules/mocha/mocha.js') },
  });
  browser = await launchChromium(server.origin);
  const { page, blocked } = browser;
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  console.log(`# ${hostFree.length} of ${all.length} test files, bundled; chromium ${browser.context.browser()?.version() ?? ''}, server ${server.origin}`);
  await page.goto(`${server.origin}/test/runtimes/suite.html`);
  await page.waitForFunction(() => window.__rnnkitSuite?.done, null, { timeout: TIMEOUT_MS, polling: 500 });
  const r = await page.evaluate(() => window.__rnnkitSuite);
  if (r.error) console.log(`[chromium] FAIL the suite did not load: ${r.error}`);
  for (const f of r.failures) console.log(`[chromium] FAIL ${f.title}\n    ${f.message.replace(/\n/g, '\n    ')}`);
  console.log(`# mocha in chromium: ${r.suites} top-level suites, ${r.passed} passing, ${r.failed} failing, ${r.pending} pending`);
  passed += r.passed;
  failed += r.failed + (r.error ? 1 : 0) + (r.passed === 0 ? 1 : 0);
  const clean = blocked.length === 0 && errors.length === 0;
  console.log(`[chromium] ${clean ? 'ok  ' : 'FAIL'} no request left loopback and no page error${clean ? '' : `: ${[...blocked, ...errors].join(' | ')}`}`);
  if (clean) passed++;
  else failed++;
} catch (e) {
  console.log(`[chromium] FAIL unit suite: ${e && e.errors ? e.errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`).join('; ') : String(e && e.message || e).split('\n')[0]}`);
  failed++;
} finally {
  if (browser) await browser.close();
  if (server) await server.close();
  rmSync(out, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
