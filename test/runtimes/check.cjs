// Runtime check, CommonJS host: `node test/runtimes/check.cjs [--lib SPEC] [--reference DIR]`.
// rnnkit is loaded with require(): by default `require('rnnkit')`, which must resolve through
// the package's `exports` "require" condition to dist/cjs. The check code itself is ES
// modules, loaded with import() (allowed from CommonJS).
'use strict';
const path = require('node:path');

async function main() {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--lib');
  const spec = i >= 0 && argv[i + 1] ? argv[i + 1] : 'rnnkit';
  const resolved = require.resolve(spec);
  const lib = require(spec);
  const { runHost } = await import('./host.mjs');
  runHost(lib, { label: process.env.RNNKIT_LABEL || 'node-cjs', notes: [`rnnkit required as ${spec} -> ${resolved}`] });
  if (!resolved.split(path.sep).join('/').includes('/dist/cjs/')) {
    console.log(`FAIL require('${spec}') resolved outside dist/cjs: ${resolved}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.log(`FAIL node-cjs host: ${e && e.stack ? e.stack : e}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
