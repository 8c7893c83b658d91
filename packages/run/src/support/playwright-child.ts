/**
 * Child process of the functional rung: imports ONE `tests/playwright` spec file and runs its
 * tests, each in a fresh context of the browser the parent launched (so a killed child leaves
 * no Chromium behind). Results go line by line to a JSON-lines file, so a child killed for
 * hanging still leaves what it finished. Self-contained: node builtins, playwright-core, tsx
 * (child-common.ts).
 *
 * Config arrives as JSON in env CCCI_PW_CONFIG (no secrets: endpoint, URL, paths, timeout).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { firstLine, importTypeScript } from './child-common.js';
import {
  type ChildConfig,
  type ChildEvent,
  type SpecTest,
  screenshotName,
  specLabel,
} from './playwright-contract.js';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.CCCI_PW_CONFIG ?? '') as ChildConfig;
  const label = specLabel(cfg.file);
  const emit = (e: ChildEvent) => appendFileSync(cfg.resultsFile, `${JSON.stringify(e)}\n`);

  let mod: Record<string, unknown>;
  try {
    mod = await importTypeScript(cfg.file);
  } catch (error) {
    emit({ name: label, status: 'fail', ms: 0, reason: `could not load: ${firstLine(error)}` });
    return;
  }
  const tests: [string, SpecTest][] = [];
  if (typeof mod.default === 'function') tests.push([label, mod.default as SpecTest]);
  // CommonJS specs (`module.exports.tests = …`) arrive as the default export's properties.
  const cjs =
    mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : {};
  const named = mod.tests ?? cjs.tests;
  if (named && typeof named === 'object') {
    for (const [name, fn] of Object.entries(named)) {
      if (typeof fn === 'function') tests.push([`${label}: ${name}`, fn as SpecTest]);
      else emit({ name: `${label}: ${name}`, status: 'fail', ms: 0, reason: 'is not a function' });
    }
  }
  if (tests.length === 0) {
    emit({
      name: label,
      status: 'fail',
      ms: 0,
      reason:
        'exports no tests: expected `export default async ({ page }) => {}` or `export const tests = { name: async ({ page }) => {} }`',
    });
    return;
  }

  // A spec may set its own per-test limit: `export const timeoutMs = 120_000`.
  const ownLimit = mod.timeoutMs ?? cjs.timeoutMs;
  const timeoutMs = typeof ownLimit === 'number' && ownLimit > 0 ? ownLimit : cfg.testTimeoutMs;
  const { chromium } = await import('playwright-core');
  // Launched here, in the sandbox: a spec drives a browser that sees only what the sandbox
  // shows and dies with it (its pid namespace), never one of the harness's.
  const browser: Browser = await chromium.launch({
    executablePath: cfg.chromium,
    args: cfg.args,
    ...(cfg.proxy ? { proxy: { server: cfg.proxy } } : {}),
    timeout: 30_000,
  });
  try {
    for (const [name, fn] of tests) {
      const t0 = Date.now();
      const context = await browser.newContext({
        baseURL: cfg.baseUrl,
        ignoreHTTPSErrors: true,
        viewport: { width: 1024, height: 640 },
      });
      const page = await context.newPage();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(() =>
            fn(
              Object.freeze({
                page,
                context,
                baseUrl: cfg.baseUrl,
                domain: cfg.domain,
                log: (message: string) => process.stderr.write(`[${name}] ${message}\n`),
              }),
            ),
          ),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out after ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        emit({ name, status: 'pass', ms: Date.now() - t0 });
      } catch (error) {
        // Only on failure, the page as the test left it: tests must not show credentials there.
        const shot = screenshotName(name);
        const took = await page
          .screenshot({ path: join(cfg.artifactsDir, shot), timeout: 5_000 })
          .then(() => true)
          .catch(() => false);
        emit({
          name,
          status: 'fail',
          ms: Date.now() - t0,
          reason: firstLine(error),
          ...(took ? { screenshot: shot } : {}),
        });
      } finally {
        clearTimeout(timer);
        // Closing the context also rejects whatever a timed-out test is still awaiting.
        await context.close().catch(() => {});
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`playwright child: ${firstLine(error)}\n`);
    process.exit(2);
  },
);
