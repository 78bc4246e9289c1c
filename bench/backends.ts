/**
 * `npm run bench:backends`: js vs wasm in one run (bench/backends.bench.ts), printed and
 * written into docs/benchmarks.md between `<!-- backends:start -->` and `<!-- backends:end -->`.
 * `--quick` shortens every window.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type BackendRow, runGemmBackends, runLayerBackends, simdPeak } from './backends.bench.js';

const quick = process.argv.includes('--quick');
const started = new Date();
const loadBefore = loadavg()[0];
const peak = simdPeak(quick ? 100 : 200);
console.log(`wasm SIMD peak estimate: ${peak.toFixed(1)} GFLOP/s (mul + add, no FMA)`);
const rows: BackendRow[] = [...runGemmBackends(quick ? 60 : 150), ...runLayerBackends(['lstm', 'gru'], quick ? { big: 500, small: 60 } : { big: 1200, small: 150 })];
const loadAfter = loadavg()[0];

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(4) : ms.toFixed(1));
const gf = (x: number | null) => (x === null ? '' : x.toFixed(1));
let commit = 'unknown';
try { commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
const lines = [
  '<!-- backends:start -->',
  '## js vs wasm kernels (`npm run bench:backends`)',
  '',
  `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; Node ${process.version}; ${started.toISOString()}; commit ${commit}${quick ? '; --quick' : ''}`,
  `- Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. Times are CPU time of the process, best of 3 windows, js and wasm alternating in the same run.`,
  `- WebAssembly SIMD peak of this core, estimated (12 independent f32x4 multiply + add chains, no memory): **${peak.toFixed(1)} GFLOP/s**.`,
  '',
  '| suite | case | js ms | wasm ms | js GFLOP/s | wasm GFLOP/s | wasm speed-up |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.suite} | ${r.case} | ${fmt(r.js)} | ${fmt(r.wasm)} | ${gf(r.jsGflops)} | ${gf(r.wasmGflops)} | ${(r.js / r.wasm).toFixed(2)}× |`),
  '',
  'GFLOP/s counts 2·M·N·K per GEMM, and 2·B·T·(I+H)·G·H per recurrent forward (×3 for a training step).',
  '<!-- backends:end -->',
];
console.log(lines.join('\n'));
const path = 'docs/benchmarks.md';
const doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
const start = doc.indexOf('<!-- backends:start -->'), end = doc.indexOf('<!-- backends:end -->');
const next = start >= 0 && end > start
  ? doc.slice(0, start) + lines.join('\n') + doc.slice(end + '<!-- backends:end -->'.length)
  : doc.replace(/^# Benchmarks\n/, `# Benchmarks\n\n${lines.join('\n')}\n`);
writeFileSync(path, next);
console.log(`\nwrote ${path}`);
