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

/** An element of an SVG document: its name, attributes (entities decoded), and ancestors. */
export interface SvgElement {
  name: string;
  attrs: Record<string, string>;
  /** Decoded text directly inside the element. */
  text: string;
  /** Names of the ancestors, outermost first. */
  path: string[];
}

const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] as string);

function checkXmlText(s: string, where: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<' || s[i] === '>') throw new Error(`raw "${s[i]}" in ${where}`);
    if (s[i] === '&' && !ENTITY.test(s.slice(i))) throw new Error(`bare "&" in ${where}`);
  }
}

/**
 * Parses an SVG document and returns its elements in document order; throws unless it is
 * well-formed XML with one <svg> root: tags close in order, attributes are quoted and unique,
 * `&` starts an entity, no raw `<` or `>` in text. (No comments, CDATA or DOCTYPE expected.)
 */
export function parseSvg(svg: string): SvgElement[] {
  const elements: SvgElement[] = [], stack: SvgElement[] = [];
  let i = svg.indexOf('<'), closed = false;
  if (i < 0 || svg.slice(0, i).trim() !== '') throw new Error('text before the root element');
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const between = lt < 0 ? svg.slice(i) : svg.slice(i, lt);
    if (between.trim()) {
      if (!stack.length) throw new Error('text outside the root element');
      checkXmlText(between, `<${stack[stack.length - 1].name}>`);
      stack[stack.length - 1].text += decodeEntities(between);
    }
    if (lt < 0) break;
    const gt = svg.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = svg.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`<${tag}> closes <${open?.name ?? 'nothing'}>`);
      if (!stack.length) closed = true;
      continue;
    }
    if (closed) throw new Error('an element after the root closed');
    const self = tag.endsWith('/');
    const body = self ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:.-]*)/.exec(body);
    if (!m) throw new Error(`bad tag <${tag.slice(0, 30)}>`);
    const attrs: Record<string, string> = {};
    let rest = body.slice(m[1].length);
    const attr = /^\s+([A-Za-z_:][\w:.-]*)="([^"]*)"/;
    for (let a = attr.exec(rest); a; a = attr.exec(rest)) {
      if (a[1] in attrs) throw new Error(`<${m[1]}> repeats ${a[1]}`);
      checkXmlText(a[2], `${m[1]}@${a[1]}`);
      attrs[a[1]] = decodeEntities(a[2]);
      rest = rest.slice(a[0].length);
    }
    if (rest.trim()) throw new Error(`<${m[1]}> has a malformed attribute`);
    const el: SvgElement = { name: m[1], attrs, text: '', path: stack.map((e) => e.name) };
    elements.push(el);
    if (!self) stack.push(el);
    else if (!stack.length) closed = true;
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (!elements.length || elements[0].name !== 'svg') throw new Error('the root is not <svg>');
  return elements;
}

/** The [x, y] pairs of a <polyline>'s points attribute. */
export function polylinePoints(el: SvgElement): [number, number][] {
  const raw = (el.attrs.points ?? '').trim();
  return raw ? raw.split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]) : [];
}

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

/** Asserts two safetensors checkpoints hold the same tensors, bit for bit. */
export function expectSameTensors(a: string, b: string): void {
  const ta = tensorBytes(a), tb = tensorBytes(b);
  expect([...tb.keys()]).to.deep.equal([...ta.keys()]);
  expect(ta.size).to.be.at.least(4);
  for (const [name, bytes] of ta) expect(bytes.equals(tb.get(name)!), `${name} differs between ${a} and ${b}`).to.equal(true);
}
