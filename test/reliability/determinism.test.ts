/**
 * Determinism. Within one runtime: the same seed and inputs give bit-identical weights and
 * losses after 50 training steps, every time, for every cell and dtype, whatever ran before
 * (other models, other shapes through the same model's workspaces), in this process and in a
 * fresh Node process running the built package (dist/esm). Across runtimes: Deno (a newer V8)
 * and Bun (JavaScriptCore) are run on the same code when their binaries are installed; their
 * results must agree within tolerance, and the test reports which agree bit for bit (ECMAScript
 * lets Math.exp, Math.tanh and Math.log differ in the last bit between engines; see
 * docs/reliability.md).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lib from '../../lib/index.js';

interface Run {
  key: string;
  weights: string;
  losses: string;
  lossValues: number[];
  values: number[];
}

interface TrainingModule {
  STEPS: number;
  CONFIGS: { mode: string; dtype: 'float32' | 'float64'; numLayers: number; bidirectional: boolean }[];
  trainingRun(l: unknown, c: TrainingModule['CONFIGS'][number], steps?: number, model?: lib.SequenceModel | null): Run;
  trainingRuns(l: unknown, steps?: number): Run[];
}

// The sources next to this file's source (build/test/reliability → test/reliability).
const here = new URL('../../../test/reliability/', import.meta.url);
const root = fileURLToPath(new URL('../../../', import.meta.url));
let training: TrainingModule;

before(async () => {
  training = (await import(new URL('training-run.mjs', here).href)) as TrainingModule;
});

/** Largest |a − b| / max(|b|, 1e-3) over two arrays. */
function relDiff(a: readonly number[], b: readonly number[]): number {
  expect(a.length).to.equal(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-3));
  return worst;
}

function runIn(cmd: string, args: string[]): { runtime: { name: string; engine: string }; runs: Run[] } {
  const spawn = () => spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
  let r = spawn();
  // in a shared working tree another build may be rewriting dist/ or build/ at this moment
  if (r.status !== 0 && /not find module|ERR_MODULE_NOT_FOUND|Module not found|No such file/i.test(r.stderr)) {
    spawnSync(process.execPath, ['-e', 'setTimeout(() => {}, 3000)']);
    r = spawn();
  }
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { runtime: { name: string; engine: string }; runs: Run[] };
  // an empty or partial result would make every comparison below pass without comparing anything
  expect(result.runs?.length, `${cmd}: runs in the child's result`).to.equal(training.CONFIGS.length);
  for (const run of result.runs) {
    expect(run.weights, `${cmd}: ${run.key} weights hash`).to.be.a('string').and.not.equal('');
    expect(run.losses, `${cmd}: ${run.key} losses hash`).to.be.a('string').and.not.equal('');
    expect(run.values, `${cmd}: ${run.key} weight values`).to.be.an('array').that.is.not.empty;
  }
  return result;
}

/** The test build of lib (what this process runs), relative to cross-runtime.mjs. */
const BUILD_LIB = '../../build/lib/index.js';

describe('determinism', function () {
  this.timeout(120_000);

  it('same seed and inputs → bit-identical weights and losses after 50 steps, 3 runs, every cell in float32 and float64, with other work in between', () => {
    const first = training.trainingRuns(lib);
    // other work in between: different models, shapes and dtypes through every kernel
    const noise = new lib.SequenceModel({ mode: 'gru', inputSize: 5, hiddenSize: 7, outputSize: 3, numLayers: 2, bidirectional: true, seed: 99 });
    const nx = { data: new Float64Array(6 * 5 * 5).fill(0.3), shape: [6, 5, 5] };
    noise.lossAndGrad(nx, { data: new Array(30).fill(1), shape: [6, 5] });
    const second = training.trainingRuns(lib);
    const third = training.trainingRuns(lib);
    expect(first.length).to.equal(training.CONFIGS.length);
    first.forEach((run, i) => {
      for (const other of [second[i], third[i]]) {
        expect(other.weights, `${run.key}: weights`).to.equal(run.weights);
        expect(other.losses, `${run.key}: losses`).to.equal(run.losses);
      }
    });
  });

  it('the workspace history of a model does not matter: after other shapes, training from the same weights gives the same bits', () => {
    for (const c of training.CONFIGS.filter((k) => k.numLayers === 1)) {
      const fresh = training.trainingRun(lib, c);
      const model = new lib.SequenceModel({ mode: c.mode, inputSize: 4, hiddenSize: 12, outputSize: 4, dtype: c.dtype, seed: 7 });
      // run two other shapes through it (workspaces sized, filled, resized), then restore the weights
      for (const [T, B] of [[3, 7], [11, 1]]) {
        model.lossAndGrad({ data: new Float32Array(T * B * 4).fill(0.7), shape: [T, B, 4] }, { data: new Array(T * B).fill(2), shape: [T, B] });
      }
      model.resetParameters(7);
      model.zeroGrad();
      const reused = training.trainingRun(lib, c, training.STEPS, model);
      expect(reused.weights, `${fresh.key}: weights`).to.equal(fresh.weights);
      expect(reused.losses, `${fresh.key}: losses`).to.equal(fresh.losses);
    }
  });

  it('another seed gives other weights (the hashes see a change)', () => {
    const c = training.CONFIGS[0];
    const a = training.trainingRun(lib, c);
    const other = new lib.SequenceModel({ mode: c.mode, inputSize: 4, hiddenSize: 12, outputSize: 4, dtype: c.dtype, seed: 8 });
    expect(training.trainingRun(lib, c, training.STEPS, other).weights).to.not.equal(a.weights);
  });

  it('a fresh Node process running the built package (dist/esm) gives the same bits as this process (build/lib)', function () {
    if (!existsSync(`${root}dist/esm/index.js`)) this.skip();
    const child = runIn(process.execPath, ['test/reliability/cross-runtime.mjs']);
    const here = training.trainingRuns(lib);
    expect(child.runs.map((r) => r.key)).to.deep.equal(here.map((r) => r.key));
    child.runs.forEach((run, i) => {
      expect(run.weights, `${run.key}: weights`).to.equal(here[i].weights);
      expect(run.losses, `${run.key}: losses`).to.equal(here[i].losses);
    });
  });

  // Engines may differ in the last bit of Math.exp/tanh/log (ECMAScript only asks for an
  // implementation-approximated result). Float32 weights usually hide that (a 1-ulp float64
  // difference rarely crosses a float32 rounding boundary); float64 weights and the float64
  // losses show it. So: within tolerance always, bit-identity only reported.
  for (const [name, bin, args] of [
    ['Deno', 'node_modules/.bin/deno', ['run', '--allow-read', 'test/reliability/cross-runtime.mjs', BUILD_LIB]],
    ['Bun', 'node_modules/.bin/bun', ['test/reliability/cross-runtime.mjs', BUILD_LIB]],
  ] as const) {
    it(`${name}: the same training agrees with Node within 1e-6 (float32) and 1e-9 (float64) relative; bit-identity reported`, function () {
      const path = `${root}${bin}`;
      // a runtime that is not installed or cannot start is skipped (the runtime matrix owns that)
      if (!existsSync(path) || spawnSync(path, ['--version'], { timeout: 30_000 }).status !== 0) this.skip();
      const other = runIn(path, [...args]);
      const node = runIn(process.execPath, ['test/reliability/cross-runtime.mjs', BUILD_LIB]);
      const lines: string[] = [];
      other.runs.forEach((run, i) => {
        const mine = node.runs[i];
        expect(run.key).to.equal(mine.key);
        const w = relDiff(run.values, mine.values), l = relDiff(run.lossValues, mine.lossValues);
        const tol = run.key.includes('float64') ? 1e-9 : 1e-6;
        expect(w, `${run.key}: weights`).to.be.at.most(tol);
        expect(l, `${run.key}: losses`).to.be.at.most(1e-9);
        lines.push(`${run.key}: weights ${run.weights === mine.weights ? 'identical' : `differ (max rel ${w.toExponential(1)})`}, losses ${run.losses === mine.losses ? 'identical' : `differ (max rel ${l.toExponential(1)})`}`);
      });
      console.log(`      ${other.runtime.name} (${other.runtime.engine}) vs ${node.runtime.name} (${node.runtime.engine}):`);
      for (const line of lines) console.log(`        ${line}`);
    });
  }
});
