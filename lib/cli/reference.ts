/**
 * `rnnkit reference PATH... [--emit DIR] [--tol 1e-5] [--dtype float32|float64]`:
 * recomputes every fixture and prints its worst relative error against the expected values.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compareFixture } from '../reference/compare.js';
import { runReference } from '../reference/run.js';
import { UsageError, parseArgs } from './args.js';

export const referenceUsage = `usage: rnnkit reference PATH... [--emit DIR] [--tol 1e-5] [--dtype float32|float64]
  PATH    a fixture file (rnn-reference/1 JSON) or a folder of them
  --emit  write each computed fixture under DIR with the fixture's file name
  --tol   the largest relative error that passes (default 1e-5)
  --dtype arithmetic width (default float32)`;

function collect(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`reference: ${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      const found = readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f));
      if (found.length === 0) throw new UsageError(`reference: ${p}: the folder holds no .json fixtures`);
      files.push(...found);
    } else files.push(p);
  }
  return files;
}

export function referenceCommand(argv: string[], out: (line: string) => void): number {
  const { flags, positionals } = parseArgs('reference', argv, {
    emit: { kind: 'string' },
    tol: { kind: 'number', min: 0 },
    dtype: { kind: 'string', choices: ['float32', 'float64'] },
    help: { kind: 'boolean' },
  });
  if (flags.help) { out(referenceUsage); return 0; }
  if (positionals.length === 0) throw new UsageError(`reference: give at least one fixture file or folder\n${referenceUsage}`);
  const tol = (flags.tol as number | undefined) ?? 1e-5;
  const dtype = (flags.dtype as 'float32' | 'float64' | undefined) ?? 'float32';
  const emit = flags.emit as string | undefined;
  const files = collect(positionals);
  if (emit) mkdirSync(emit, { recursive: true });
  let passed = 0, failed = 0;
  const width = Math.max(...files.map((f) => basename(f).length));
  for (const file of files) {
    const name = basename(file).padEnd(width);
    let fixture: unknown;
    try {
      fixture = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      out(`FAIL  ${name}  cannot read: ${(e as Error).message}`);
      failed++;
      continue;
    }
    try {
      const computed = runReference(fixture, { dtype });
      const { worst, worstTensor } = compareFixture(computed, fixture as typeof computed);
      const ok = worst <= tol;
      out(`${ok ? 'ok  ' : 'FAIL'}  ${name}  worst ${worst.toExponential(2)} at ${worstTensor || '-'}`);
      if (ok) passed++; else failed++;
      if (emit) {
        const target = join(emit, basename(file));
        writeFileSync(target + '.tmp', JSON.stringify(computed));
        renameSync(target + '.tmp', target);
      }
    } catch (e) {
      out(`FAIL  ${name}  ${(e as Error).message}`);
      failed++;
    }
  }
  out(`${passed} of ${files.length} fixtures within ${tol.toExponential()} (${dtype}); ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
