// Debian's Chromium, headless through playwright-core, with a fresh profile, and a loopback-only
// network: the launcher both browser checks (browser.mjs, browser-suite.mjs) share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

/**
 * Starts Chromium with a fresh profile; every request not for `origin` is aborted and listed in
 * `blocked`. Resolves to { context, page, blocked, profile, close() }.
 */
export async function launchChromium(origin) {
  const profile = mkdtempSync(join(tmpdir(), 'rnnkit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000,
  }).catch((e) => {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  });
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, blocked, profile, close };
}
