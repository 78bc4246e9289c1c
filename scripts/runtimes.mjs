// The runtime matrix: `npm run test:runtimes` (= node scripts/runtimes.mjs [--no-build] [--only a,b]).
// Builds rnnkit and compiles the tests, as `npm test` does first (unless --no-build: CI runs
// `npm test` just before), then runs every check in its runtime:
//   node-esm   test/runtimes/check.mjs under Node, + examples/node-train.mjs
//   node-cjs   test/runtimes/check.cjs under Node (require('rnnkit') -> dist/cjs)
//   deno       test/runtimes/check.mjs under Deno 2 (npm package `deno`), + examples/deno.ts,
//              + the whole unit suite (mocha on build/test) under Deno
//   bun        test/runtimes/check.mjs under Bun 1 (npm package `bun`), + examples/bun.mjs,
//              + the whole unit suite under Bun
//   chromium   test/runtimes/browser.mjs: Debian's /usr/bin/chromium via playwright-core, and
//              test/runtimes/browser-suite.mjs: the unit suite's host-free files in a page
//   pack       test/runtimes/pack.mjs: the npm tarball in a fresh project (ESM, CJS, TypeScript)
//   bundle     scripts/bundle-size.mjs: esbuild browser bundle within its regression budget (20 KB goal reported)
// A runtime whose binary is missing counts as failed. Prints each run's output, a summary
// table and the closing `N passed, N failed`; exits 1 on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const DENO = bin('deno'), BUN = bin('bun');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const NODE = process.execPath;
const TIMEOUT_MS = 240_000; // per command

const argv = process.argv.slice(2);
const onlyIndex = argv.indexOf('--only');
const only = onlyIndex >= 0 ? argv[onlyIndex + 1].split(',') : null;
const passthrough = [];
const refIndex = argv.indexOf('--reference');
if (refIndex >= 0) passthrough.push('--reference', argv[refIndex + 1]);

// Quiet, offline-minded children: no colours, no update checks, no crash-report uploads.
const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1' };

function version(cmd, args) {
  if (!existsSync(cmd)) return null;
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim().split('\n')[0] : null;
}

const versions = {
  node: `Node.js ${process.versions.node}`,
  deno: version(DENO, ['--version'])?.replace(/^deno (\S+).*/, 'Deno $1'),
  bun: version(BUN, ['--version']) && `Bun ${version(BUN, ['--version'])}`,
  chromium: version(CHROMIUM, ['--version']),
};

/** Each runtime: what it needs, and the commands whose checks count for it. */
const runtimes = [
  { name: 'node-esm', version: versions.node, steps: [
    { what: 'check', cmd: NODE, args: ['test/runtimes/check.mjs', ...passthrough] },
    { what: 'example', cmd: NODE, args: ['examples/node-train.mjs', '100'] },
  ] },
  { name: 'node-cjs', version: versions.node, steps: [
    { what: 'check', cmd: NODE, args: ['test/runtimes/check.cjs', ...passthrough] },
  ] },
  { name: 'deno', version: versions.deno, missing: `${DENO} does not run (npm package "deno")`, steps: [
    { what: 'check', cmd: DENO, args: ['run', '--allow-read', '--allow-env', 'test/runtimes/check.mjs', ...passthrough] },
    { what: 'example', cmd: DENO, args: ['run', 'examples/deno.ts', '100'] },
    { what: 'unit tests', cmd: DENO, args: ['run', '-A', 'node_modules/mocha/bin/mocha.js'] },
  ] },
  { name: 'bun', version: versions.bun, missing: `${BUN} does not run (npm package "bun")`, steps: [
    { what: 'check', cmd: BUN, args: ['test/runtimes/check.mjs', ...passthrough] },
    { what: 'example', cmd: BUN, args: ['examples/bun.mjs', '100'] },
    { what: 'unit tests', cmd: BUN, args: ['node_modules/mocha/bin/mocha.js'] },
  ] },
  { name: 'chromium', version: versions.chromium && `${versions.chromium.replace(/ built on.*/, '')} (headless)`,
    missing: `${CHROMIUM} does not run (apt-get install -y chromium)`, steps: [
      { what: 'check+example', cmd: NODE, args: ['test/runtimes/browser.mjs', ...passthrough] },
      { what: 'unit tests', cmd: NODE, args: ['test/runtimes/browser-suite.mjs', ...passthrough] },
    ] },
  { name: 'pack', version: versions.node, steps: [
    { what: 'npm pack', cmd: NODE, args: ['test/runtimes/pack.mjs', ...passthrough] },
  ] },
  { name: 'bundle', version: `esbuild ${esbuildVersion}`, steps: [
    { what: 'size', cmd: NODE, args: ['scripts/bundle-size.mjs'] },
  ] },
].filter((r) => !only || only.includes(r.name));

/** Runs one command; resolves to { passed, failed, ms, output }. */
function runStep(step) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(step.cmd, step.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n(timed out after ${TIMEOUT_MS / 1000} s: killed)\n`;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    const done = (code, error) => {
      clearTimeout(timer);
      if (error) output += `\n(could not start: ${error.message})\n`;
      const summary = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
      let passed = summary ? Number(summary[1]) : 0;
      let failed = summary ? Number(summary[2]) : 0;
      if (!summary) {
        // an example prints no summary: its exit code is its one check
        if (code === 0 && step.what === 'example') passed = 1;
        else failed = 1;
      } else if (code !== 0 && failed === 0) {
        failed = 1; // a non-zero exit always counts
      }
      resolve({ passed, failed, ms: performance.now() - t0, output, code });
    };
    child.on('error', (e) => done(null, e));
    child.on('close', (code) => done(code));
  });
}

const t0 = performance.now();
if (!argv.includes('--no-build')) {
  // `pretest`: the build, then the tests compiled into build/ for the unit-test steps
  console.log('$ npm run pretest');
  const r = spawnSync('npm', ['run', 'pretest'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    console.log('build failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const rows = [];
for (const rt of runtimes) {
  const row = { name: rt.name, version: rt.version ?? 'not installed', passed: 0, failed: 0, ms: 0, notes: [] };
  rows.push(row);
  if (!rt.version) {
    console.log(`\n== ${rt.name}: FAIL ${rt.missing}`);
    row.failed = 1;
    row.notes.push('missing');
    continue;
  }
  for (const step of rt.steps) {
    console.log(`\n== ${rt.name} ${step.what}: ${[step.cmd.replace(root, ''), ...step.args].join(' ')}`);
    const r = await runStep(step);
    process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
    row.passed += r.passed;
    row.failed += r.failed;
    row.ms += r.ms;
    if (r.failed) row.notes.push(`${step.what} failed`);
  }
}

const pad = (s, n) => String(s).padEnd(n);
console.log('\n## runtime matrix\n');
console.log(`| ${pad('runtime', 9)} | ${pad('version', 44)} | passed | failed | time   | result |`);
console.log(`| ${'-'.repeat(9)} | ${'-'.repeat(44)} | -----: | -----: | -----: | ------ |`);
for (const r of rows) {
  console.log(`| ${pad(r.name, 9)} | ${pad(r.version, 44)} | ${String(r.passed).padStart(6)} | ${String(r.failed).padStart(6)} | ` +
    `${`${(r.ms / 1000).toFixed(1)}s`.padStart(6)} | ${r.failed ? `FAIL ${r.notes.join(', ')}` : 'ok'} |`);
}
const passed = rows.reduce((s, r) => s + r.passed, 0), failed = rows.reduce((s, r) => s + r.failed, 0);
console.log(`\nmatrix time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
