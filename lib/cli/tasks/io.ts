/** Input and output helpers shared by the task commands. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.js';
import { readLines } from './data-files.js';
import type { UnknownCounter } from './vocabulary.js';

/** The --out folder (default ./rnnkit-out), refused when it is a file. */
export function outFolder(command: string, flag: string | undefined): string {
  const out = flag ?? 'rnnkit-out';
  if (out === '') throw new UsageError(`${command}: --out needs a folder name, got ""`);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${command}: --out ${out} is a file, not a folder`);
  return out;
}

/** The --save path, default OUT/<name>. */
export function savePath(flag: string | undefined, out: string, name: string): string {
  return flag ?? join(out, name);
}

/** predict's input lines: --input FILE, or standard input. */
export function inputLines(command: string, path: string | undefined): string[] {
  if (path !== undefined) return readLines(command, 'input file', path);
  const text = readFileSync(0, 'utf8');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** "3 unknown symbols (2 distinct: "é", "ß") mapped to <unk>" */
export function unknownText(u: UnknownCounter, what = 'symbols'): string {
  const shown = [...u.distinct].slice(0, 8).map((s) => JSON.stringify(s)).join(', ');
  return `${u.tokens} unknown ${what}${u.tokens > 0 ? ` (${u.distinct.size} distinct: ${shown}${u.distinct.size > 8 ? ', …' : ''}) mapped to <unk>` : ''}`;
}

/** A required flag's value, or a one-line usage error. */
export function need<T>(command: string, name: string, v: T | undefined): T {
  if (v === undefined) throw new UsageError(`${command}: --${name} is required (see rnnkit ${command} --help)`);
  return v;
}

/** Refuses positional arguments (the task commands take flags only). */
export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0]}" (see rnnkit ${command} --help)`);
}

/** The index of the largest entry (the first among equals). */
export function argmaxOf(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}
