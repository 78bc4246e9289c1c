// Prints one JSON line: which runtime and engine this is, and trainingRuns() of the rnnkit build
// it is given (default ../../dist/esm/index.js, relative to this file). Runs unchanged under
//   node test/reliability/cross-runtime.mjs [lib]
//   deno run --allow-read test/reliability/cross-runtime.mjs [lib]
//   bun test/reliability/cross-runtime.mjs [lib]
// determinism.test.ts runs it in each runtime it finds and compares the results.
import { trainingRuns } from './training-run.mjs';

const args = typeof Deno !== 'undefined' ? Deno.args : process.argv.slice(2);
const lib = await import(new URL(args[0] ?? '../../dist/esm/index.js', import.meta.url).href);

function runtime() {
  if (typeof Bun !== 'undefined') return { name: `Bun ${Bun.version}`, engine: `JavaScriptCore ${process.versions.webkit ?? ''}`.trim() };
  if (typeof Deno !== 'undefined') return { name: `Deno ${Deno.version.deno}`, engine: `V8 ${Deno.version.v8}` };
  return { name: `Node.js ${process.versions.node}`, engine: `V8 ${process.versions.v8}` };
}

console.log(JSON.stringify({ runtime: runtime(), runs: trainingRuns(lib) }));
