// Bundle size: what rnnkit costs a web page. esbuild bundles and minifies lib/ for the
// browser (ESM, platform browser) from these entries and reports minified and gzip sizes:
//   root      everything the package root exports (lib/index.ts)
//   all       every module of lib/ except the CLI (what a root exporting everything would cost)
//   LSTM      `import { LSTM } from 'rnnkit/inference'` (lib/inference.ts): the forward-only LSTM,
//             wasm backend included: what a page that runs a trained LSTM imports
//   LSTM (trainable)  `import { LSTM } from 'rnnkit'`: the package root's LSTM, with BPTT
//   trainer   an LSTM SequenceModel trained with Adam and clipping (SequenceModel, SequenceTrainer,
//             Adam; the trainer takes optimizer objects, so the entry names the one it uses)
//   generate  `import { loadModel, generate } from 'rnnkit/inference'`: reading a checkpoint's
//             model (forward only) and generating text
//   generate (trainable)  the same from the package root, whose loadModel gives a trainable model
// Issue 11 set goals on what users import (LSTM ≤ 12 KB, trainer ≤ 20 KB, generate ≤ 22 KB,
// the whole root ≤ 32 KB): each is reported as met or NOT MET, stated rather than hidden.
// Each entry also has a regression guard (`limit`), which fails the run when the entry grows
// past it. The forward-only entries (LSTM, generate) are guarded at their goals, met on
// 2026-12-03 by rnnkit/inference. The others at their size plus about 0.25 KB after the bundle
// round of 2026-12-03 (LSTM (trainable) 15.5, trainer 22.5, generate (trainable) 24.75, root 45
// KB, itself raised from 44 KB for the kernel work merged that day: the 5x8 and 1x32 GEMM
// tiles, the time-chunked fused forward, the decoder's fused step), then raised once more the
// same day by 0.25 KB (trainer 22.75, generate (trainable) 25, root 45.25 KB) for the
// forward/trained split that rnnkit/inference is built on: the trained stack, direction,
// sequence model and head now extend forward-only classes (+0.17 KB on the trainer entry), and
// that bought -3.6 KB on the LSTM a page imports and -4.4 KB on generation. Then once more by
// 0.25 KB (LSTM (trainable) 15.75, trainer 23, generate (trainable) 25.25, root 45.5 KB) for
// frozen weights (ForwardDirection.freeze, ForwardLinear.freeze, withFrozenWeights): generation
// packs its weights once instead of at every token, 7x faster on wasm and 2x on js (+0.06 to
// +0.16 KB on those entries). The root's alone then by 0.75 KB (46.25 KB) for exporting
// greedyBatch (+0.55 KB), the batched greedy decoding of this round that the root lacked for
// want of room, and the issue asks the root to hold. Then the trainer's and generate
// (trainable)'s by 0.25 KB (23.25, 25.5 KB) when each cell module began to add its own fused
// wasm step to the kernel module (addKernel): +0.06 KB where both cells are, -0.22 KB on a page
// with LSTMs only, whose wasm backend is then 4.91 KB, under issue 11's 5 KB. So what a page
// imports cannot grow back unnoticed.
// Each entry also reports the wasm backend's share (the entry bundled again without it, see
// WASM_STUBS), against issue 11's "adds ≤ 5 KB gzip" and a regression guard of 5.5 KB.
// It also fails if a bundle needs a Node built-in or refers to the globals process, Buffer,
// require or __dirname.
//   node scripts/bundle-size.mjs [--json]
// Ends with `N passed, N failed`.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');
export const BUDGET_GZIP = 46.25 * 1024;
const FORBIDDEN = ['process', 'Buffer', 'require', '__dirname', '__filename', 'global'];

function libModules(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'cli') out.push(...libModules(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

const rel = (p) => `./${relative(lib, p).replace(/\\/g, '/').replace(/\.ts$/, '.js')}`;
const entries = [
  { name: 'root', what: 'import * from lib/index.ts', limit: BUDGET_GZIP, target: 32 * 1024, contents: `export * from './index.js';` },
  { name: 'all', what: 'every lib module but cli', contents: libModules(lib).map((p) => `export * from '${rel(p)}';`).join('\n') },
  { name: 'LSTM', what: "import { LSTM } from 'rnnkit/inference'", limit: 12 * 1024, target: 12 * 1024, contents: `export { LSTM } from './inference.js';` },
  { name: 'LSTM (trainable)', what: "import { LSTM } from 'rnnkit'", limit: 15.75 * 1024, contents: `export { LSTM } from './index.js';` },
  { name: 'trainer', what: 'SequenceModel + SequenceTrainer + Adam (clipping)', limit: 23.25 * 1024, target: 20 * 1024, contents: `export { SequenceModel, SequenceTrainer, Adam } from './index.js';` },
  { name: 'generate', what: "loadModel + generate from 'rnnkit/inference'", limit: 22 * 1024, target: 22 * 1024, contents: `export { loadModel, generate } from './inference.js';` },
  { name: 'generate (trainable)', what: "loadModel + generate from 'rnnkit'", limit: 25.5 * 1024, contents: `export { loadModel, generate } from './index.js';` },
];

// The wasm backend's share of an entry: the entry bundled again with the modules of
// lib/kernels/wasm that the rest of lib imports replaced by stubs with the same exports that do
// nothing (loadGemmKernel gives null, so the TypeScript kernels run everything; the emitter, the
// kernels and their host side drop out). The difference is what the backend adds; issue 11
// asks for ≤ 5 KB gzip. A stub missing an export makes esbuild fail, naming it.
const WASM_STUBS = {
  'gemm-wasm.ts': `export type GemmKernel = never;
    export const loadGemmKernel = (): null => null, resetGemmKernel = (): void => {}, wasmFailure = (): string => 'stubbed';
    export const dropResident = (..._: unknown[]): void => {}, gemmF32 = dropResident, packBResident = dropResident, addKernel = dropResident;
    export const gemmPackedF32 = (..._: unknown[]): boolean => false;`,
  'recurrence-wasm.ts': `export const cellForwardF32 = (..._: unknown[]): boolean => false, cellStepF32 = cellForwardF32;
    export const stepKernel = (..._: unknown[]): undefined => undefined;`,
  'cell-kernels.ts': `export const lstmStep = (): never => null as never, gruStep = lstmStep;`,
};
const withoutWasm = {
  name: 'without-wasm',
  setup(b) {
    b.onLoad({ filter: /[\\/]kernels[\\/]wasm[\\/](gemm-wasm|recurrence-wasm|cell-kernels)\.ts$/ }, (args) => ({ contents: WASM_STUBS[basename(args.path)], loader: 'ts' }));
  },
};
const WASM_TARGET = 5 * 1024;
// its regression guard, per entry: the largest share measured on 2026-12-03 (5.41 KB, the
// trainer, which holds both cells' fused steps) plus about 0.1 KB
const WASM_LIMIT = 5.5 * 1024;

async function bundle(contents, define, plugins = []) {
  const result = await build({
    stdin: { contents, resolveDir: lib, sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020',
    write: false, logLevel: 'silent', metafile: true, define, plugins,
  });
  return { code: result.outputFiles[0].contents, metafile: result.metafile };
}

let passed = 0, failed = 0;
const rows = [];
const report = (ok, line) => {
  if (ok) passed++;
  else failed++;
  console.log(`[bundle] ${ok ? 'ok  ' : 'FAIL'} ${line}`);
};

for (const entry of entries) {
  try {
    const { code, metafile } = await bundle(entry.contents);
    const gzip = gzipSync(code, { level: 9 }).length;
    // modules that kept at least one byte in the output (tree-shaken ones keep none)
    const [output] = Object.values(metafile.outputs);
    const inputs = Object.entries(output.inputs).filter(([p, i]) => p !== 'entry.ts' && i.bytesInOutput > 0).length;
    // (not for `all`, which exports the wasm modules themselves)
    const wasm = entry.name === 'all' ? null : gzip - gzipSync((await bundle(entry.contents, undefined, [withoutWasm])).code, { level: 9 }).length;
    rows.push({ entry: entry.name, what: entry.what, modules: inputs, minified: code.length, gzip, wasm });
    // The same bundle with each forbidden global renamed to a marker shows any use of it.
    const define = Object.fromEntries(FORBIDDEN.map((g) => [g, `__rnnkit_uses_${g}`]));
    const marked = new TextDecoder().decode((await bundle(entry.contents, define)).code);
    const used = FORBIDDEN.filter((g) => marked.includes(`__rnnkit_uses_${g}`));
    const sizes = `${(code.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(2)} KB gzip, ${inputs} modules`;
    if (entry.limit) report(gzip <= entry.limit, `${entry.name} (${entry.what}): ${sizes} (regression budget ${entry.limit / 1024} KB gzip)`);
    if (entry.target) {
      console.log(`[bundle] ${gzip <= entry.target ? 'target met' : 'TARGET NOT MET'}: ${entry.name} (${entry.what}) is ${(gzip / 1024).toFixed(2)} KB gzip; issue 11 asks for ≤ ${entry.target / 1024} KB`);
    } else console.log(`[bundle] info ${entry.name} (${entry.what}): ${sizes}`);
    if (wasm !== null) {
      const share = `${entry.name}: the wasm backend is ${(wasm / 1024).toFixed(2)} KB of its gzip`;
      report(wasm <= WASM_LIMIT, `${share} (regression budget ${WASM_LIMIT / 1024} KB)`);
      console.log(`[bundle] ${wasm <= WASM_TARGET ? 'target met' : 'TARGET NOT MET'}: ${share}; issue 11 asks for ≤ ${WASM_TARGET / 1024} KB`);
    }
    report(used.length === 0, `${entry.name}: no Node globals${used.length ? ` — uses ${used.join(', ')}` : ''}`);
  } catch (e) {
    const errors = e.errors ? e.errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`).join('; ') : e.message;
    report(false, `${entry.name} (${entry.what}): esbuild failed (a Node built-in in the library?): ${errors}`);
  }
}
// The cells add their fused wasm steps from their own modules (addKernel): the LSTM page must
// carry the LSTM step (a bundler that dropped the registration would leave its LSTM on the
// TypeScript cells, slower and silent about it) and no GRU step.
{
  const text = new TextDecoder().decode((await bundle(`export { LSTM } from './inference.js';`)).code);
  const has = (name) => text.includes(`"${name}"`);
  report(has('lstmStep') && !has('gruStep'), `LSTM: the bundle carries the wasm LSTM step${has('lstmStep') ? '' : ' (MISSING)'} and no GRU step${has('gruStep') ? ' (it has one)' : ''}`);
}
const root_ = rows.find((r) => r.entry === 'root'), lstm = rows.find((r) => r.entry === 'LSTM');
if (root_ && lstm) {
  report(lstm.gzip < root_.gzip, `tree-shaking: LSTM alone is ${(lstm.gzip / 1024).toFixed(2)} KB of the root's ${(root_.gzip / 1024).toFixed(2)} KB gzip`);
}
console.log('');
console.log('| entry | what | modules | minified | gzip | of which the wasm backend |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.entry} | ${r.what} | ${r.modules} | ${(r.minified / 1024).toFixed(1)} KB | ${(r.gzip / 1024).toFixed(2)} KB | ${r.wasm === null ? '' : `${(r.wasm / 1024).toFixed(2)} KB`} |`);
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
console.log('');
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
