import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { RunCtx } from '../context.js';

/** Debian Chromium flags for a headless, quiet, profile-less run (TESTBED.md). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Landing-page screenshot for the card, through the gateway as a proxy (so `http://<domain>/`
 * reaches the app as in production). `*.localhost` would bypass a proxy as loopback, hence
 * `<-loopback>`. Returns the artifact file name.
 */
export async function takeScreenshot(ctx: RunCtx): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ccci-chromium-'));
  const started = performance.now();
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: ctx.config.chromium,
    args: [...CHROMIUM_FLAGS, '--proxy-bypass-list=<-loopback>'],
    ...(ctx.config.gatewayUrl ? { proxy: { server: ctx.config.gatewayUrl } } : {}),
    viewport: { width: 1024, height: 640 },
    timeout: 30_000,
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const url = ctx.config.gatewayUrl
      ? `http://${ctx.domain}${ctx.meta.HEALTH_PATH}`
      : `https://${ctx.domain}${ctx.meta.HEALTH_PATH}`;
    await page.goto(url, { timeout: 30_000, waitUntil: 'load' });
    const file = 'screenshot.png';
    await page.screenshot({ path: join(ctx.paths.artifactsDir, file) });
    return file;
  } finally {
    await browser.close().catch(() => {});
    const ended = performance.now();
    ctx.childMs.other += ended - started;
    ctx.childIntervals.push(['chromium', started, ended]);
    rmSync(profile, { recursive: true, force: true });
  }
}
