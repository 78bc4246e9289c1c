// Runtime check in a real browser: Debian's Chromium, headless, driven by playwright-core.
//   node test/runtimes/browser.mjs [--reference DIR] [--screenshot FILE.png]
// Serves the repository on 127.0.0.1 (test/runtimes/server.mjs), opens
//   1. test/runtimes/browser.html: every fixture and the training check (core.mjs);
//   2. examples/browser/index.html: the live training example, whose loss must fall and whose
//      checkpoint, reloaded through rnnkit/inference, must write what the trained model wrote;
// prints one line per check and the closing `N passed, N failed`. Every request the page
// makes to anything but the loopback server is aborted (and counted as a failure).
import process from 'node:process';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { referenceDir } from './host.mjs';
import { startServer } from './server.mjs';

const EXAMPLE_STEPS = 150;
const TIMEOUT_MS = 120_000;

const argv = process.argv.slice(2);
const shotIndex = argv.indexOf('--screenshot');
const screenshot = shotIndex >= 0 ? argv[shotIndex + 1] : null;

let passed = 0, failed = 0;
const record = (ok, line) => {
  if (ok) passed++;
  else failed++;
  console.log(`[chromium] ${ok ? 'ok  ' : 'FAIL'} ${line}`);
};

const server = await startServer({ reference: referenceDir(argv) });
let browser = null;
try {
  browser = await launchChromium(server.origin);
  const { context, page, blocked, profile } = browser;
  console.log(`# chromium ${context.browser()?.version() ?? ''} at ${CHROMIUM}, server ${server.origin}, profile ${profile}`);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });

  // 1. the shared checks
  await page.goto(`${server.origin}/test/runtimes/browser.html`);
  await page.waitForFunction(() => window.__rnnkitResult, null, { timeout: TIMEOUT_MS });
  const result = await page.evaluate(() => window.__rnnkitResult);
  console.log(`# ${result.userAgent}`);
  for (const note of result.notes) console.log(`# note: ${note}`);
  for (const r of result.results) record(r.ok, `${r.name}: ${r.detail}`);
  if (result.results.length === 0) record(false, result.lines.join(' | ') || 'the page reported no check');

  // 2. the live example
  await page.goto(`${server.origin}/examples/browser/index.html?steps=${EXAMPLE_STEPS}`);
  await page.waitForFunction(() => window.__rnnkitDone === true, null, { timeout: TIMEOUT_MS });
  const { losses, samples, served } = await page.evaluate(() => ({ losses: window.__rnnkitLosses, samples: window.__rnnkitSamples, served: window.__rnnkitServed }));
  const first = losses[0], last = losses[losses.length - 1];
  record(losses.length === EXAMPLE_STEPS && losses.every(Number.isFinite) && last < 0.5 * first,
    `example examples/browser: ${losses.length} steps, loss ${first.toFixed(4)} -> ${last.toFixed(4)} (must halve), ` +
    `last sample "${samples[samples.length - 1]?.text}"`);
  // the run's last sample is greedy from "h" with the trained model; reloaded through rnnkit/inference it must write the same
  const lastSample = samples[samples.length - 1]?.text;
  record(served !== null && served.text === lastSample && served.bytes > 0,
    `example reloads its checkpoint through rnnkit/inference (import map) and writes what the trained model wrote: "${served?.text}"`);
  const inked = await page.evaluate(() => {
    const c = document.getElementById('loss');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i + 2] > 200 && px[i] < 100) blue++;
    return blue;
  });
  record(inked > 100, `example loss curve drawn on the canvas (${inked} curve pixels)`);
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`# screenshot: ${screenshot}`);
  }
  record(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  record(blocked.length === 0, `no request left loopback${blocked.length ? `: ${blocked.join(', ')}` : ''}`);
} catch (e) {
  record(false, `browser run: ${e && e.message ? e.message.split('\n')[0] : e}`);
} finally {
  if (browser) await browser.close();
  await server.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
