/**
 * Helpers for the CLI tests: run the built command line (dist/esm/cli/main.js, made by
 * `npm run build`, which `npm test` runs first) as a real child process, so exit codes,
 * stdout and stderr are what a user sees; temporary folders; a small training text; and the
 * checks every "bad input" case shares (exit code, one line, no stack trace).
 */
import { expect } from 'chai';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeSafetensors, loadCheckpoint, type Checkpoint } from '../../lib/index.js';

/** Mocha runs at the repository root. */
export const REPO = process.cwd();
export const CLI = join(REPO, 'dist', 'esm', 'cli', 'main.js');

/** The smallest model that still trains: H = 8, T = 8, B = 2. */
export const TINY = ['--hidden', '8', '--seq-len', '8', '--batch', '2'];

export interface CliResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI runs in: ours without RNNKIT_DEBUG (which turns on stack traces). */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('RNNKIT_DEBUG' in extra)) delete env.RNNKIT_DEBUG;
  return env;
}

/** Fails with a clear message when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

/** Runs `rnnkit ...args` in `cwd` and waits for it. */
export function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cliEnv()): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    cwd, env, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The non-empty lines of `text`. */
export function nonEmptyLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** A summary of a run for assertion messages. */
export function show(r: CliResult): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-2000)}`;
}

/**
 * The run failed the way a usage or input error must: exit `code`, nothing on stdout, exactly
 * one non-empty line on stderr, "rnnkit: " first, matching `message`, and no stack trace.
 */
export function expectOneLineError(r: CliResult, message: RegExp, code = 2): void {
  expect(r.code, show(r)).to.equal(code);
  expect(r.stdout, show(r)).to.equal('');
  expect(r.stderr, show(r)).to.not.contain('    at ');
  const lines = nonEmptyLines(r.stderr);
  expect(lines, show(r)).to.have.length(1);
  expect(lines[0]).to.match(/^rnnkit: /);
  expect(lines[0]).to.match(message);
}

/** The last line of stdout parsed as JSON (the `--json` summary). */
export function lastJson(r: CliResult): Record<string, unknown> {
  const lines = nonEmptyLines(r.stdout);
  expect(lines.length, show(r)).to.be.at.least(1);
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

export { type SvgElement, parseSvg, polylinePoints } from '../helpers/svg.js';

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rnnkit-${prefix}-`));
}

/** Every file under `dir`, as sorted paths relative to it (folders end in "/" when empty). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d);
    if (entries.length === 0 && d !== dir) out.push(relative(dir, d) + '/');
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * A deterministic English-like text of `length` characters with a small alphabet (lower-case
 * letters, space, full stop, newline), so a tiny model trains in milliseconds.
 */
export function trainingText(length = 2400): string {
  const sentences = [
    'the gate decides what the cell keeps.',
    'a gradient flows back through time and fades.',
    'the hidden state carries what came before.',
    'long gaps are hard for a plain recurrent net.',
    'the forget gate lets the cell state pass unchanged.',
  ];
  let s = '';
  for (let i = 0; s.length < length; i++) s += sentences[(i * 3) % sentences.length] + (i % 4 === 3 ? '\n' : ' ');
  return s.slice(0, length);
}

/** Reads a checkpoint file the way the CLI does: `.json` as text, anything else as bytes. */
export function loadCheckpointFile(path: string): Checkpoint {
  const bytes = readFileSync(path);
  return loadCheckpoint(path.endsWith('.json') ? bytes.toString('utf8') : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The raw little-endian bytes of every tensor in a safetensors file, by name. */
export function tensorBytes(path: string): Map<string, Buffer> {
  const bytes = readFileSync(path);
  const file = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const out = new Map<string, Buffer>();
  for (const [name, t] of file.tensors) out.set(name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return out;
}

/** The string metadata of a safetensors file. */
export function safetensorsMetadata(path: string): Record<string, string> {
  const bytes = readFileSync(path);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).metadata;
}

/**
 * Asserts two safetensors checkpoints hold the same tensors, bit for bit: the weights and the
 * optimizer's state, and, when `withExtra`, the caller's `extra.*` tensors too (train's history,
 * which a run stopped by Ctrl-C legitimately extends with one more validation point).
 */
export function expectSameTensors(a: string, b: string, withExtra = false): void {
  const keep = (m: Map<string, Buffer>) => new Map([...m].filter(([name]) => withExtra || !name.startsWith('extra.')));
  const ta = keep(tensorBytes(a)), tb = keep(tensorBytes(b));
  expect([...tb.keys()]).to.deep.equal([...ta.keys()]);
  expect(ta.size).to.be.at.least(4);
  for (const [name, bytes] of ta) expect(bytes.equals(tb.get(name)!), `${name} differs between ${a} and ${b}`).to.equal(true);
}
