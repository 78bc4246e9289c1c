// Runtime check, ES-module host:
//   node test/runtimes/check.mjs [--lib SPEC] [--reference DIR]
//   bun test/runtimes/check.mjs …
//   deno run --allow-read --allow-env test/runtimes/check.mjs …
// --lib defaults to `rnnkit`, which each runtime resolves through the package's own `exports`
// map ("import" condition: dist/esm); any other specifier or path can be given.
import process from 'node:process';
import { libArgument, runHost } from './host.mjs';

const spec = libArgument('rnnkit');
const lib = await import(spec);
runHost(lib, { label: process.env.RNNKIT_LABEL, notes: [`rnnkit imported as ${spec} -> ${import.meta.resolve(spec)}`] });
