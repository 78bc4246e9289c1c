// Builds dist/esm (ES modules + .d.ts, with the CLI) and dist/cjs (CommonJS + .d.ts, library only).
// The CommonJS folder gets its own package.json so Node reads its .js files as CommonJS.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync, chmodSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
writeFileSync('dist/cjs/package.json', '{\n  "type": "commonjs"\n}\n');
chmodSync('dist/esm/cli/main.js', 0o755);

// The built-in corpus of `rnnkit train`: the project's own prose (README and docs/*.md).
const docs = readdirSync('docs').filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
const corpus = ['README.md', ...docs].map((f) => readFileSync(f, 'utf8')).join('\n\n');
writeFileSync('dist/corpus.txt', corpus);
