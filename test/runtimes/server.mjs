// A tiny static HTTP server on 127.0.0.1 (ephemeral port) for the browser checks and the
// browser example. It serves, read-only:
//   /dist/esm/…, /examples/…, /test/runtimes/…   files of the repository
//   /fixtures/index.json                        the names of the reference fixtures
//   /fixtures/NAME.json                         one fixture from the reference directory
//   any path given in `files` (URL path -> file) one more file, e.g. the bundled unit suite
// Run directly (`npm run serve`) it prints the example's address and serves until stopped.
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SERVED = ['dist/esm/', 'examples/', 'test/runtimes/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

/** Starts the server; resolves to { origin, close() }. */
export async function startServer({ reference = join(repoRoot, '..', 'shared', 'reference'), root = repoRoot, files = {} } = {}) {
  const server = createServer(async (req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'GET only\n');
      if (path === '/fixtures/index.json') {
        const names = (await readdir(reference)).filter((f) => f.endsWith('.json')).sort().map((f) => f.slice(0, -5));
        return send(200, TYPES['.json'], JSON.stringify(names));
      }
      if (Object.hasOwn(files, path)) return send(200, TYPES[extname(path)] ?? 'application/octet-stream', await readFile(files[path]));
      const fixture = /^\/fixtures\/([\w.-]+)\.json$/.exec(path);
      if (fixture) return send(200, TYPES['.json'], await readFile(join(reference, `${fixture[1]}.json`)));
      const rel = path.slice(1);
      if (rel.split('/').includes('..') || !SERVED.some((dir) => rel.startsWith(dir))) {
        return send(404, 'text/plain', `not served: ${path}\n`);
      }
      const file = join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
      send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch (e) {
      send(e && e.code === 'ENOENT' ? 404 : 500, 'text/plain', `${e && e.message}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { origin } = await startServer({ reference: process.env.RNNKIT_REFERENCE || undefined });
  console.log(`serving on ${origin}`);
  console.log(`  example:       ${origin}/examples/browser/index.html`);
  console.log(`  runtime check: ${origin}/test/runtimes/browser.html`);
}
