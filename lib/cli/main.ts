#!/usr/bin/env node
/**
 * The rnnkit command line. Usage mistakes print one line and exit 2; failures of the work
 * itself exit 1. No stack traces unless RNNKIT_DEBUG is set.
 */
import { readFileSync } from 'node:fs';
import { setBackend } from '../kernels/backend.js';
import { UsageError } from './args.js';
import { benchCommand, benchUsage } from './bench.js';
import { classifyCommand, classifyUsage } from './classify.js';
import { experimentCommand, experimentUsage } from './experiment.js';
import { referenceCommand, referenceUsage } from './reference.js';
import { sampleCommand, sampleUsage } from './sample.js';
import { tagCommand, tagUsage } from './tag.js';
import { trainCommand, trainUsage } from './train.js';
import { translateCommand, translateUsage } from './translate.js';

const usage = `rnnkit: recurrent neural networks in TypeScript

usage: rnnkit <command> [options]
       rnnkit --version

commands:
  train               train a character-level language model (default: on rnnkit's own docs)
  sample              generate text from a model written by train
  classify train|test|predict   label a line of text (lines "label<TAB>text")
  tag train|test|predict        tag every token of a sentence (CoNLL "token<TAB>tag" lines)
  translate train|test|predict  map a sequence to another (lines "source<TAB>target"), with attention
  experiment long-term  tanh RNN vs GRU vs LSTM on the adding problem (long-term memory)
  experiment names    names → gender on @stdlib's first-name lists (real data)
  experiment g2p      grapheme-to-phoneme on CMUdict (real data)
  reference PATH...   recompute rnn-reference/1 fixtures and compare with PyTorch
  bench               time a training step and inference (ms, GFLOP/s)
  help                this text

global options (any command):
  --backend js|wasm   the kernels: TypeScript, or WebAssembly SIMD (default: wasm where
                      the runtime compiles it, else js; also RNNKIT_BACKEND=js|wasm)

run "rnnkit <command> --help" for a command's options`;

type Command = (argv: string[], out: (line: string) => void) => number | Promise<number>;

const commands: Record<string, { run: Command; usage: string }> = {
  train: { run: trainCommand, usage: trainUsage },
  sample: { run: sampleCommand, usage: sampleUsage },
  experiment: { run: experimentCommand, usage: experimentUsage },
  reference: { run: referenceCommand, usage: referenceUsage },
  bench: { run: benchCommand, usage: benchUsage },
  classify: { run: classifyCommand, usage: classifyUsage },
  tag: { run: tagCommand, usage: tagUsage },
  translate: { run: translateCommand, usage: translateUsage },
};

/**
 * Removes every `--backend X` / `--backend=X` from argv (a global option, so the commands'
 * own parsers never see it) and returns the last X, or null.
 */
function takeBackendOption(argv: string[]): { backend: string | null; rest: string[] } {
  const rest: string[] = [];
  let backend: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--backend') {
      if (i + 1 >= argv.length) throw new UsageError('--backend needs a value: js or wasm');
      backend = argv[++i];
    } else if (arg.startsWith('--backend=')) backend = arg.slice('--backend='.length);
    else rest.push(arg);
  }
  if (backend !== null && backend !== 'js' && backend !== 'wasm' && backend !== 'auto') {
    throw new UsageError(`--backend must be js or wasm (or auto), got "${backend}"`);
  }
  return { backend, rest };
}

/** The package's version, from the package.json two folders above dist/esm/cli. */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  const out = (line: string) => process.stdout.write(line + '\n');
  let name: string | undefined, rest: string[];
  try {
    const taken = takeBackendOption(argv);
    [name, ...rest] = taken.rest;
    if (taken.backend) setBackend(taken.backend as 'js' | 'wasm' | 'auto');
  } catch (e) {
    process.stderr.write(`rnnkit: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    out(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    out(`rnnkit ${version()}`);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(commands).join(', ')}; see rnnkit help)`);
    return await command.run(rest, out);
  } catch (e) {
    if (process.env.RNNKIT_DEBUG) console.error(e);
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`rnnkit: ${msg.split('\n')[0]}\n`);
    if (e instanceof UsageError && msg.includes('\n')) process.stderr.write(msg.split('\n').slice(1).join('\n') + '\n');
    return e instanceof UsageError || e instanceof TypeError || e instanceof RangeError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
