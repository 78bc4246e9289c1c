// `npm pack` check: what a user installs from the registry works.
//   node test/runtimes/pack.mjs [--reference DIR]     (after npm run build)
// Packs the repository (scripts skipped: dist/ must be built), installs the tarball into a
// fresh temporary project (offline: rnnkit has no dependencies), then checks there:
//   - the tarball holds both builds, their .d.ts and dist/cjs/package.json, no sources, and
//     every docs/ and examples/ file README.md links to (so its links work from npm);
//   - npm install of the tarball prints no warning;
//   - ESM `import 'rnnkit'` and CommonJS `require('rnnkit')` each recompute a fixture;
//   - `rnnkit/inference` resolves in ESM and CommonJS, and its forward-only LSTM, given the
//     trainable LSTM's weights, gives the trainable LSTM's output bit for bit;
//   - a TypeScript consumer, strict, type-checks against the shipped .d.ts files (with
//     skipLibCheck off, no DOM and no @types/node), as NodeNext ESM (.mts) and CommonJS
//     (.cts) and with bundler resolution, and runs;
//   - the `rnnkit` bin recomputes a fixture.
// Prints one line per check and the closing `N passed, N failed`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { referenceDir, repoRoot } from './host.mjs';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const fixture = join(referenceDir(), 'layer_lstm_small.json');

let passed = 0, failed = 0;
function check(name, fn) {
  try {
    const detail = fn();
    passed++;
    console.log(`[pack] ok   ${name}${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (e) {
    failed++;
    const msg = [e.message, e.stdout && String(e.stdout), e.stderr && String(e.stderr)].filter(Boolean).join('\n');
    console.log(`[pack] FAIL ${name}: ${msg.trim().split('\n').slice(0, 30).join('\n    ')}`);
    return false;
  }
}
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const node = (args, cwd) => run(process.execPath, args, cwd);

const work = mkdtempSync(join(tmpdir(), 'rnnkit-pack-'));
const consumer = join(work, 'consumer');
let tarball = null;
try {
  check('npm pack', () => {
    const [info] = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repoRoot));
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path);
    const need = ['package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/esm/cli/main.js',
      'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json',
      'dist/esm/inference.js', 'dist/esm/inference.d.ts', 'dist/cjs/inference.js', 'dist/cjs/inference.d.ts'];
    const missing = need.filter((f) => !files.includes(f));
    if (missing.length) throw new Error(`the tarball lacks ${missing.join(', ')}`);
    // examples/ ships as documentation (examples/deno.ts is one)
    const extra = files.filter((f) => /^(lib|test|scripts|bench|build)\//.test(f) || /\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !f.startsWith('examples/'));
    if (extra.length) throw new Error(`the tarball ships sources or tests: ${extra.slice(0, 5).join(', ')}…`);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?:docs|examples)\/[^)#\s]*)/g)].map((m) => m[1].replace(/\/$/, ''));
    if (linked.length === 0) throw new Error('README.md links to nothing in docs/ or examples/ (the check would prove nothing)');
    const dead = linked.filter((l) => !files.some((f) => f === l || f.startsWith(`${l}/`)));
    if (dead.length) throw new Error(`README.md links to files the tarball lacks: ${dead.join(', ')}`);
    return `${info.filename}, ${files.length} files, ${(info.size / 1024).toFixed(1)} KiB packed, ${(info.unpackedSize / 1024).toFixed(1)} KiB unpacked`;
  });

  const installed = tarball !== null && check('npm install of the tarball into a fresh project', () => {
    rmSync(consumer, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', consumer]);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'rnnkit-consumer', private: true, type: 'module' }, null, 2));
    const r = spawnSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: consumer, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm install exited ${r.status}: ${r.stderr}`);
    const warnings = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /\bwarn/i.test(l));
    if (warnings.length) throw new Error(`npm install printed warnings:\n${warnings.join('\n')}`);
    const version = JSON.parse(readFileSync(join(consumer, 'node_modules', 'rnnkit', 'package.json'), 'utf8')).version;
    return `rnnkit@${version}`;
  });

  if (installed) {
    const body = (load) => `${load}
const fixture = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { worst } = rnnkit.compareFixture(rnnkit.runReference(fixture), fixture);
if (!(worst <= 1e-5)) throw new Error('worst relative error ' + worst);
console.log(JSON.stringify({ worst, entry: resolved, exports: Object.keys(rnnkit).length }));
`;
    writeFileSync(join(consumer, 'esm.mjs'), body(`import * as rnnkit from 'rnnkit';
import { readFileSync } from 'node:fs';
const resolved = import.meta.resolve('rnnkit');`));
    writeFileSync(join(consumer, 'cjs.cjs'), body(`const rnnkit = require('rnnkit');
const { readFileSync } = require('node:fs');
const resolved = require.resolve('rnnkit');`));
    /** The JSON last line a consumer script printed, once its entry resolved to …/want. */
    const resolvedTo = (out, want) => {
      const r = JSON.parse(out.trim().split('\n').pop());
      if (!r.entry.includes(want)) throw new Error(`resolved to ${r.entry}, expected …/${want}`);
      return r;
    };
    const entry = (out, want) => {
      const r = resolvedTo(out, want);
      return `${want}, ${r.exports} exports, worst ${r.worst.toExponential(2)} on layer_lstm_small`;
    };
    check('ESM import from the installed package', () => entry(node(['esm.mjs', fixture], consumer), 'dist/esm/index.js'));
    check('CJS require from the installed package', () => entry(node(['cjs.cjs', fixture], consumer), 'dist/cjs/index.js'));

    // rnnkit/inference: its LSTM with the root LSTM's weights gives the root LSTM's output
    const inference = (load) => `${load}
const trained = new rnnkit.LSTM({ inputSize: 3, hiddenSize: 8, numLayers: 2, seed: 4 });
const forward = new inference.LSTM({ inputSize: 3, hiddenSize: 8, numLayers: 2 });
rnnkit.loadStateDict(forward.params, rnnkit.stateDictOf(trained.params));
const x = { data: Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.sin(i)), shape: [5, 2, 3] };
const a = Array.from(trained.eval().forward(x).output.data), b = Array.from(forward.forward(x).output.data);
if (a.length !== 80 || a.some((v, i) => !Object.is(v, b[i]))) throw new Error('rnnkit/inference LSTM output differs from rnnkit LSTM');
if ('backward' in forward) throw new Error('rnnkit/inference LSTM has a backward pass');
console.log(JSON.stringify({ entry: resolved, exports: Object.keys(inference).sort().join(' ') }));
`;
    writeFileSync(join(consumer, 'inference.mjs'), inference(`import * as rnnkit from 'rnnkit';
import * as inference from 'rnnkit/inference';
const resolved = import.meta.resolve('rnnkit/inference');`));
    writeFileSync(join(consumer, 'inference.cjs'), inference(`const rnnkit = require('rnnkit');
const inference = require('rnnkit/inference');
const resolved = require.resolve('rnnkit/inference');`));
    const subpath = (out, want) => `${want} (${resolvedTo(out, want).exports}), its LSTM equal to the root's bit for bit`;
    check('ESM import of rnnkit/inference', () => subpath(node(['inference.mjs'], consumer), 'dist/esm/inference.js'));
    check('CJS require of rnnkit/inference', () => subpath(node(['inference.cjs'], consumer), 'dist/cjs/inference.js'));

    // A TypeScript consumer that uses only what the package promises (no DOM, no Node types).
    const ts = `import { LSTM, compareFixture, runReference, type ReferenceFixture, type Tensor } from 'rnnkit';
import { LSTM as ForwardLSTM } from 'rnnkit/inference';
declare const console: { log(...args: unknown[]): void };

const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, seed: 1 });
const x: Tensor = { data: new Float32Array(2 * 1 * 3).fill(0.5), shape: [2, 1, 3] };
const { output, hN } = lstm.forward(x);
const shape: readonly number[] = output.shape;
// the forward-only LSTM of rnnkit/inference takes the same options and gives the same output
const forwardOnly = new ForwardLSTM({ inputSize: 3, hiddenSize: 4, seed: 1 });
if (forwardOnly.forward(x).output.data.join() !== output.data.join()) throw new Error('rnnkit/inference differs');
export function worstError(fixture: ReferenceFixture): number {
  return compareFixture(runReference(fixture, { dtype: 'float32' }), fixture).worst;
}
// @ts-expect-error: strict mode must reject a misspelt option
void (() => new LSTM({ inputSize: 3, hiddenSize: 4, sead: 1 }));
console.log(JSON.stringify({ shape, h: hN.data.length }));
`;
    writeFileSync(join(consumer, 'index.mts'), ts);
    writeFileSync(join(consumer, 'index.cts'), ts);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, target: 'ES2020', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2020'],
        types: [], skipLibCheck: false, outDir: 'out', exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true,
      },
      files: ['index.mts', 'index.cts'],
    }, null, 2));
    const tsVersion = node([tsc, '--version'], consumer).trim();
    writeFileSync(join(consumer, 'bundler.ts'), ts);
    writeFileSync(join(consumer, 'tsconfig.bundler.json'), JSON.stringify({
      compilerOptions: {
        strict: true, target: 'ES2020', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2020'],
        types: [], skipLibCheck: false, noEmit: true,
      },
      files: ['bundler.ts'],
    }, null, 2));
    const compiled = check(`TypeScript consumer, strict (${tsVersion}), against the shipped .d.ts`, () => {
      node([tsc, '-p', 'tsconfig.json'], consumer);
      node([tsc, '-p', 'tsconfig.bundler.json'], consumer);
      return 'NodeNext ESM (.mts) and CJS (.cts), and bundler resolution, compile';
    });
    if (compiled) {
      check('compiled TypeScript consumer runs (ESM and CJS)', () => {
        const a = node(['out/index.mjs'], consumer).trim(), b = node(['out/index.cjs'], consumer).trim();
        if (a !== '{"shape":[2,1,4],"h":4}' || a !== b) throw new Error(`printed ${a} / ${b}`);
        return a;
      });
    }
    check('the rnnkit bin from the installed package', () => {
      const out = run(join(consumer, 'node_modules', '.bin', 'rnnkit'), ['reference', fixture], consumer);
      return out.trim().split('\n').pop();
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
