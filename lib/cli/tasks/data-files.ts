/**
 * The data files of the task commands, read whole and checked before anything is trained or
 * written. A malformed line is a one-line usage error naming the file and the line number:
 *   classify: data.tsv line 3: no tab (expected label<TAB>text)
 *
 * - classify: `label<TAB>text` (the text may hold more tabs)
 * - translate: `source<TAB>target`, exactly one tab
 * - tag: CoNLL-style `token<TAB>tag`, exactly one tab, a blank line between sentences;
 *   `-DOCSTART-` lines are skipped
 * Blank lines elsewhere are skipped; a "\r" before the newline is dropped.
 */
import { UsageError } from '../args.js';
import { readFileOrFail } from '../files.js';

/** One labelled line of a classify file. */
export interface LabelledText {
  label: string;
  text: string;
  /** 1-based line number in its file. */
  line: number;
}

/** One pair of a translate file. */
export interface TextPair {
  source: string;
  target: string;
  line: number;
}

/** One sentence of a tag file: tokens and their tags, same length. */
export interface TaggedSentence {
  tokens: string[];
  tags: string[];
  /** The line of its first token. */
  line: number;
}

/** The lines of a UTF-8 file, without line ends. */
export function readLines(command: string, what: string, path: string): string[] {
  const text = readFileOrFail(command, what, path).toString('utf8');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function fail(command: string, path: string, line: number, why: string): never {
  throw new UsageError(`${command}: ${path} line ${line}: ${why}`);
}

/** Reads `label<TAB>text` lines. */
export function readLabelledFile(command: string, path: string): LabelledText[] {
  const out: LabelledText[] = [];
  readLines(command, 'data file', path).forEach((l, i) => {
    if (l.trim() === '') return;
    const tab = l.indexOf('\t');
    if (tab < 0) fail(command, path, i + 1, 'no tab (expected label<TAB>text)');
    const label = l.slice(0, tab).trim(), text = l.slice(tab + 1);
    if (label === '') fail(command, path, i + 1, 'empty label (expected label<TAB>text)');
    if (text.trim() === '') fail(command, path, i + 1, 'empty text (expected label<TAB>text)');
    out.push({ label, text, line: i + 1 });
  });
  if (out.length === 0) throw new UsageError(`${command}: ${path} holds no label<TAB>text lines`);
  return out;
}

/** Reads `source<TAB>target` lines. */
export function readPairFile(command: string, path: string): TextPair[] {
  const out: TextPair[] = [];
  readLines(command, 'data file', path).forEach((l, i) => {
    if (l.trim() === '') return;
    const parts = l.split('\t');
    if (parts.length < 2) fail(command, path, i + 1, 'no tab (expected source<TAB>target)');
    if (parts.length > 2) fail(command, path, i + 1, `${parts.length - 1} tabs (expected source<TAB>target, one tab)`);
    if (parts[0].trim() === '') fail(command, path, i + 1, 'empty source (expected source<TAB>target)');
    if (parts[1].trim() === '') fail(command, path, i + 1, 'empty target (expected source<TAB>target)');
    out.push({ source: parts[0], target: parts[1], line: i + 1 });
  });
  if (out.length === 0) throw new UsageError(`${command}: ${path} holds no source<TAB>target lines`);
  return out;
}

/** Reads a CoNLL-style file of `token<TAB>tag` lines, sentences separated by blank lines. */
export function readTaggedFile(command: string, path: string): TaggedSentence[] {
  const out: TaggedSentence[] = [];
  let current: TaggedSentence | null = null;
  readLines(command, 'data file', path).forEach((l, i) => {
    if (l.trim() === '') { current = null; return; }
    if (l.startsWith('-DOCSTART-')) return;
    const parts = l.split('\t');
    if (parts.length < 2) fail(command, path, i + 1, 'no tab (expected token<TAB>tag)');
    if (parts.length > 2) fail(command, path, i + 1, `${parts.length - 1} tabs (expected token<TAB>tag, one tab)`);
    const [token, tag] = parts.map((p) => p.trim());
    if (token === '') fail(command, path, i + 1, 'empty token (expected token<TAB>tag)');
    if (tag === '') fail(command, path, i + 1, 'empty tag (expected token<TAB>tag)');
    if (/\s/.test(token)) fail(command, path, i + 1, `the token ${JSON.stringify(token)} holds a space (one token per line)`);
    if (!current) out.push((current = { tokens: [], tags: [], line: i + 1 }));
    current.tokens.push(token);
    current.tags.push(tag);
  });
  if (out.length === 0) throw new UsageError(`${command}: ${path} holds no token<TAB>tag lines`);
  return out;
}
