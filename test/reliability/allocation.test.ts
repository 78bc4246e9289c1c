/**
 * "A steady-state training step creates no typed arrays" (STYLE §4), measured from outside the
 * library: a child process (allocation-probe.mjs, run with --expose-gc and a young generation
 * large enough that nothing is collected while it measures) trains RNN, GRU and LSTM models to
 * a steady state and then reads process.memoryUsage() around 100 more rounds of two training
 * steps (with and without lengths) and a forward pass. Every typed array's backing store is
 * counted in `arrayBuffers` the moment it is made, so a `.slice()` or `new Float32Array` in any
 * hot path shows up as growth. Unlike Recurrent.workspaceAllocations, this needs no help from
 * the code under test.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Probe {
  key: string;
  steps: number;
  arrayBuffers: number;
  heapPerStep: number;
  collections: number;
}

const probe = fileURLToPath(new URL('../../../test/reliability/allocation-probe.mjs', import.meta.url));

describe('allocation, measured outside the library', function () {
  this.timeout(120_000);
  let results: Probe[];

  before(() => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '--min-semi-space-size=64', probe, '100'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`allocation-probe.mjs exited ${r.status}: ${r.stderr}`);
    results = JSON.parse(r.stdout.trim().split('\n').pop()!) as Probe[];
  });

  it('the probe measured every cell and topology, with no garbage collection blurring the measurement', () => {
    expect(results.map((p) => p.key)).to.deep.equal([
      'rnn_tanh many_to_many', 'rnn_tanh many_to_one', 'gru many_to_many', 'gru many_to_one', 'lstm many_to_many', 'lstm many_to_one',
    ]);
    for (const p of results) {
      expect(p.steps, p.key).to.equal(100);
      expect(p.collections, `${p.key}: collections while measuring`).to.equal(0);
    }
  });

  it('a steady-state step allocates no typed array: arrayBuffers does not grow by one byte over 100 rounds', () => {
    for (const p of results) expect(p.arrayBuffers, `${p.key}: bytes of new typed arrays`).to.equal(0);
  });

  it('and little JS heap: under 16 KB a round (two steps and a forward; about 3 to 7 KB today, small objects only)', () => {
    for (const p of results) expect(p.heapPerStep, `${p.key}: JS heap bytes per round`).to.be.below(16 * 1024);
  });
});
