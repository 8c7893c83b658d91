import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunCtx } from '../context.js';
import { hookContext, recipeHooks } from '../hooks.js';

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
  // Loaded on first use: playwright-core is large and most of a run never needs it.
  const { chromium } = await import('playwright-core');
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
    const hook = (await recipeHooks(ctx)).SCREENSHOT;
    // A SCREENSHOT hook may log in and navigate first; it must not capture credentials.
    if (hook) await hook(page, hookContext(ctx, 'screenshot'));
    else await page.goto(url, { timeout: 30_000, waitUntil: 'load' });
    const file = 'screenshot.png';
    await page.screenshot({ path: join(ctx.paths.artifactsDir, file) });
    return file;
  } finally {
    await browser.close().catch(() => {});
    const ended = performance.now();
    ctx.childMs.other += ended - started;
    ctx.childIntervals.push(['chromium', started, ended, 'chromium screenshot']);
    rmSync(profile, { recursive: true, force: true });
  }
}
