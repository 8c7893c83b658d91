import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_FLAGS } from '@ccci/contracts';
import type { RunCtx } from '../context.js';
import { hookContext, recipeHooks } from '../hooks.js';
import { recordChild } from '../timing.js';

type Browser = Awaited<
  ReturnType<typeof import('playwright-core')['chromium']['launchPersistentContext']>
>;

interface Warm {
  /** Chromium started (or failed to start); never rejects. */
  started: Promise<{ browser: Browser; profile: string } | { error: Error }>;
  /** Set once the screenshot closes the browser in the background. */
  closed?: Promise<void>;
}

const warm = new WeakMap<RunCtx, Warm>();

const record = (ctx: RunCtx, started: number, label: string) =>
  recordChild(ctx, 'chromium', started, performance.now(), label);

/**
 * Starts Chromium for the screenshot ahead of time — call it when a long child (the deploy)
 * starts, so loading playwright-core and launching the browser overlap it. Idempotent.
 */
export function warmScreenshot(ctx: RunCtx): void {
  if (warm.has(ctx)) return;
  // In the run's folder, not the host's /tmp (engine.ts): a killed run leaves nothing behind.
  const tmp = join(ctx.paths.runDir, 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  const profile = mkdtempSync(join(tmp, 'ccci-chromium-'));
  const started = performance.now();
  const launch = async () => {
    // Loaded on first use: playwright-core is large and most of a run never needs it.
    const { chromium } = await import('playwright-core');
    return chromium.launchPersistentContext(profile, {
      executablePath: ctx.config.chromium,
      args: [...CHROMIUM_FLAGS, '--proxy-bypass-list=<-loopback>'],
      ...(ctx.config.gatewayUrl ? { proxy: { server: ctx.config.gatewayUrl } } : {}),
      viewport: { width: 1024, height: 640 },
      // The run's children's environment (no report key; TMPDIR the run's), and Playwright's
      // own artifacts folder there too: this process's environment is never changed.
      env: ctx.proc.env,
      artifactsDir: mkdtempSync(join(tmp, 'playwright-artifacts-')),
      timeout: 30_000,
      // The harness's teardown funnel owns the signals. Playwright's own handlers kill the
      // browser mid-launch on SIGTERM and leave the launch unsettled with nothing alive: the
      // funnel then waited on it forever (exit without results, the profile left in /tmp).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  };
  warm.set(ctx, {
    started: launch().then(
      (browser) => {
        record(ctx, started, 'chromium start');
        return { browser, profile };
      },
      (error: Error) => {
        record(ctx, started, 'chromium start');
        rmSync(profile, { recursive: true, force: true });
        return { error };
      },
    ),
  });
}

/**
 * Landing-page screenshot for the card, through the gateway as a proxy (so `http://<domain>/`
 * reaches the app as in production). `*.localhost` would bypass a proxy as loopback, hence
 * `<-loopback>`. Uses the browser {@link warmScreenshot} started (starts one otherwise) and
 * closes it in the background ({@link closeScreenshot} waits for that) unless `keepOpen`.
 * Returns the artifact file name.
 */
export async function takeScreenshot(
  ctx: RunCtx,
  options: { keepOpen?: boolean } = {},
): Promise<string> {
  warmScreenshot(ctx);
  const w = warm.get(ctx) as Warm;
  const launched = await w.started;
  if ('error' in launched) throw launched.error;
  const { browser, profile } = launched;
  const started = performance.now();
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
    record(ctx, started, 'chromium screenshot');
    // Kept for a later screenshot of the same run (after the upgrade); the funnel closes it.
    if (!options.keepOpen) w.closed ??= close(ctx, browser, profile);
  }
}

/** Closes the screenshot's browser, if one was started, and removes its profile. Never throws. */
export async function closeScreenshot(ctx: RunCtx): Promise<void> {
  const w = warm.get(ctx);
  if (!w) return;
  if (!w.closed) {
    const launched = await w.started;
    w.closed =
      'error' in launched ? Promise.resolve() : close(ctx, launched.browser, launched.profile);
  }
  await w.closed;
}

async function close(ctx: RunCtx, browser: Browser, profile: string): Promise<void> {
  const started = performance.now();
  await browser.close().catch(() => {});
  record(ctx, started, 'chromium close');
  rmSync(profile, { recursive: true, force: true });
}
