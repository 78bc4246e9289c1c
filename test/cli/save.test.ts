/**
 * No lost runs (issue 14): `rnnkit train` checks before the first step that its checkpoint can
 * be written, and a finished run whose checkpoint cannot be written keeps the weights alone,
 * says so and exits 1 (lib/cli/save-checkpoint.ts).
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceModel, loadCheckpoint, saveCheckpoint } from '../../lib/index.js';
import { UsageError } from '../../lib/cli/args.js';
import { writeFileAtomic } from '../../lib/cli/files.js';
import { checkCheckpointWritable, saveFinishedRun } from '../../lib/cli/save-checkpoint.js';
import { TINY, expectOneLineError, requireBuiltCli, runCli, tempDir, trainingText } from './helpers.js';

describe('cli: saving a run', () => {
  let dir: string;
  const model = new SequenceModel({ mode: 'gru', inputSize: 3, hiddenSize: 2, outputSize: 3, seed: 1 });
  const full = () => saveCheckpoint({ model, step: 4, extra: { vocab: '["a","b","c"]', training: '{}' } }, 'safetensors');
  const weights = () => saveCheckpoint({ model, step: 4, extra: { vocab: '["a","b","c"]' } }, 'safetensors');
  const tooBig = (): Uint8Array => { throw new RangeError('encodeSafetensors: the header would take 138547600 bytes, more than the 100000000 that readers accept'); };

  before(() => { dir = tempDir('save'); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writeFileAtomic replaces a file whole, and leaves no temporary file when the rename fails', () => {
    const path = join(dir, 'atomic.bin');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).to.deep.equal([1, 2, 3]);
    mkdirSync(join(dir, 'a-folder', 'inside'), { recursive: true });
    expect(() => writeFileAtomic(join(dir, 'a-folder'), 'data')).to.throw();
    expect(readdirSync(join(dir, 'a-folder'))).to.deep.equal(['inside']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).to.deep.equal([]);
  });

  it('saveFinishedRun writes the full checkpoint when it can', () => {
    const path = join(dir, 'full.safetensors');
    expect(saveFinishedRun(path, full, weights)).to.deep.equal({ saved: 'full', message: '' });
    expect(loadCheckpoint(new Uint8Array(readFileSync(path))).extra.training).to.equal('{}');
  });

  it('saveFinishedRun falls back to the weights alone, and says why and what it saved', () => {
    const path = join(dir, 'weights.safetensors');
    const outcome = saveFinishedRun(path, tooBig, weights);
    expect(outcome.saved).to.equal('weights');
    expect(outcome.message).to.contain('the header would take 138547600 bytes').and.to.contain(`saved the weights alone to ${path}`).and.to.contain('cannot be resumed');
    const ck = loadCheckpoint(new Uint8Array(readFileSync(path)));
    expect(ck.optimizerState).to.equal(null);
    expect(ck.extra).to.deep.equal({ vocab: '["a","b","c"]' });
    ck.model.params.forEach((p, i) => expect(p.value).to.deep.equal(model.params[i].value));
  });

  it('saveFinishedRun reports when nothing could be written, and leaves an earlier file alone', () => {
    const path = join(dir, 'none.safetensors');
    writeFileSync(path, 'earlier');
    const outcome = saveFinishedRun(path, tooBig, tooBig);
    expect(outcome.saved).to.equal('none');
    expect(outcome.message).to.contain('nor the weights alone').and.to.contain('nothing was written');
    expect(readFileSync(path, 'utf8')).to.equal('earlier');
  });

  it('checkCheckpointWritable refuses, as a usage error, a checkpoint that cannot be encoded or a path that cannot be written, and writes nothing', () => {
    const path = join(dir, 'probe.safetensors');
    expect(() => checkCheckpointWritable('train', path, tooBig)).to.throw(UsageError, 'train: the checkpoint could not be saved: encodeSafetensors: the header would take');
    writeFileSync(join(dir, 'plain-file'), 'x');
    expect(() => checkCheckpointWritable('train', join(dir, 'plain-file', 'm.safetensors'), full)).to.throw(UsageError, /^train: cannot write the checkpoint .*m\.safetensors: /);
    checkCheckpointWritable('train', path, full);
    expect(existsSync(path)).to.equal(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('probe'))).to.deep.equal([]);
  });

  it('rnnkit train refuses an unwritable --save before the first step: exit 2, one line, no training', () => {
    requireBuiltCli();
    writeFileSync(join(dir, 'text.txt'), trainingText(2400));
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
    const r = runCli(['train', '--text', 'text.txt', ...TINY, '--steps', '3', '--out', 'out', '--save', 'blocker/model.safetensors'], dir);
    expectOneLineError(r, /^rnnkit: train: cannot write the checkpoint blocker\/model\.safetensors: /);
    expect(readdirSync(join(dir, 'out'))).to.deep.equal([]);
  });
});
