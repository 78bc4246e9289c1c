/**
 * Runs every benchmark suite in bench/ (one suite per hot loop), prints each one's table, and
 * writes them into docs/benchmarks.md between the `<!-- suite:start -->` and
 * `<!-- suite:end -->` markers (the peers' section, written by bench/peers, is left alone).
 * `npm run bench` builds and runs this file; `--quick` shortens every measurement.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { runActivationSuite } from './activations.bench.js';
import { runCellSuite } from './cells.bench.js';
import { runGemmSuite } from './gemm.bench.js';
import { runGenerationSuite } from './generation.bench.js';
import { runRecurrentSuite } from './recurrent.bench.js';
import type { Row } from './suite.js';
import { getBackend } from '../lib/index.js';

const quick = process.argv.includes('--quick');
const started = new Date();
const loadBefore = loadavg();
const gemm = runGemmSuite({ maxTime: quick ? 0.3 : 2 });
const rows: Row[] = [
  ...gemm.map((r) => ({ suite: 'GEMM (float32 operands)', case: `${r.case}: ${r.kernel}`, msPerCall: r.msPerCall, gflops: r.gflops, rate: '', rme: r.rme, samples: 0 })),
  ...runActivationSuite(quick ? 0.2 : 1),
  ...runCellSuite(quick ? 0.2 : 1),
  ...runRecurrentSuite(quick ? 0.5 : 3),
  ...runGenerationSuite(quick ? 0.5 : 2),
];
const loadAfter = loadavg();
const backend = getBackend();

let commit = 'unknown';
try { commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
const cpu = cpus();
const lines = [
  '<!-- suite:start -->',
  '## rnnkit\'s own suites (`npm run bench`)',
  '',
  `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
  `- Date: ${started.toISOString()}; commit ${commit}${quick ? '; --quick (short measurements)' : ''}`,
  `- Backend: ${backend} (the default, \`auto\`; \`npm run bench:backends\` times js and wasm side by side)`,
  `- Load average (1 min): ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after. The machine is shared: timings under load are slower than on an idle machine.`,
  '',
  '| suite | case | ms per call | GFLOP/s or rate | ± |',
  '| --- | --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.suite} | ${r.case} | ${r.msPerCall < 1 ? r.msPerCall.toFixed(4) : r.msPerCall.toFixed(1)} | ${r.gflops === null ? r.rate : r.gflops.toFixed(2)}${r.gflops !== null && r.rate ? ` (${r.rate})` : ''} | ${r.rme.toFixed(1)}% |`),
  '',
  'GFLOP/s counts 2·M·N·K per GEMM, and 2·B·T·(I+H)·G·H per recurrent forward (×3 for a training step).',
  '<!-- suite:end -->',
];
const path = 'docs/benchmarks.md';
const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
const start = doc.indexOf('<!-- suite:start -->'), end = doc.indexOf('<!-- suite:end -->');
const next = start >= 0 && end > start
  ? doc.slice(0, start) + lines.join('\n') + doc.slice(end + '<!-- suite:end -->'.length)
  : doc.replace(/^# Benchmarks\n/, `# Benchmarks\n\n${lines.join('\n')}\n`);
writeFileSync(path, next);
console.log(`\nwrote ${path}`);
