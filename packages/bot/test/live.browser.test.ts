// The live run page in the system Chromium, under the page's real Content-Security-Policy: it
// follows the run without a reload (Server-Sent Events), reloads once when the run ends, shows
// the state at load without script, and axe-core finds no serious or critical violation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { exampleResults } from '@ccci/results';
import { testbedChromium } from '@ccci/testbed';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotServer, createBotServer } from '../src/index.js';
import { REPO, sha, type World, world } from './helpers.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let w: World;
let server: BotServer;
let base: string;
let browser: Browser;
let runId: string;
let key: string;
let seq = 0;

const post = async (events: Record<string, unknown>[]) => {
  const res = await fetch(`${base}/api/runs/${runId}/progress`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      run_id: runId,
      events: events.map((e) => ({ seq: ++seq, at: new Date().toISOString(), ...e })),
    }),
  });
  expect(res.status).toBe(200);
};

beforeAll(async () => {
  w = await world();
  const { bot } = w.boot({ publicUrl: 'http://127.0.0.1:9', progressEditIntervalMs: 0 });
  server = createBotServer({ bot });
  base = await server.listen(0);
  await bot.pollOnce();
  const pr = w.fake.openPull(REPO, { headSha: sha(1) });
  const d = await w.testme(bot, pr);
  runId = d.runId;
  key = d.reportKey;
  await post([
    { kind: 'step', phase: 'prepare', step: 'clone' },
    { kind: 'log', level: 'info', text: 'upgrade base: 1.0.0' },
  ]);
  browser = await chromium.launch(testbedChromium());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await w?.close();
});

describe('live run page', () => {
  it('shows the run at load without script', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/runs/${runId}`);
    await expect(page.locator('#live-now').textContent()).resolves.toBe('prepare: clone');
    await expect(page.locator('#live-log').textContent()).resolves.toContain('upgrade base');
    await expect(page.locator('noscript').count()).resolves.toBe(1);
    await context.close();
  });

  it('has no serious or critical accessibility violation', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/runs/${runId}`);
    await page.addScriptTag({ content: AXE });
    const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
      violations: { id: string; impact: string | null }[];
    };
    expect(
      result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    ).toEqual([]);
    await context.close();
  });

  it('follows the run without a reload, then reloads once to show the result', async () => {
    // The page's own CSP applies: the script and the event stream must be allowed by it.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/runs/${runId}`);
    await page.evaluate('window.__sameDocument = true');
    await post([
      { kind: 'step', phase: 'install', step: 'deploy' },
      { kind: 'log', level: 'warn', text: 'slow image pull <img src=x onerror=alert(1)>' },
    ]);
    // Locators wait in Playwright's own world: a string waitForFunction is eval'd in the page,
    // which its CSP refuses once the condition is not met at the first check.
    await page.locator('#live-now', { hasText: /^install: deploy$/ }).waitFor();
    await expect(page.locator('li[data-rung="install"] span').textContent()).resolves.toBe(
      'running',
    );
    await post([{ kind: 'rung', rung: 'install', status: 'pass', reason: '' }]);
    await page.locator('li[data-rung="install"] span', { hasText: /^pass$/ }).waitFor();
    // Log text stays text: no element made from it.
    await expect(page.locator('#live-log img').count()).resolves.toBe(0);
    await expect(page.locator('#live-log').textContent()).resolves.toContain('onerror=alert(1)');
    await expect(page.evaluate('window.__sameDocument')).resolves.toBe(true);

    const reloaded = page.waitForEvent('load');
    const report = await fetch(`${base}/api/runs/${runId}/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        results: {
          ...exampleResults({ level: 3, recipe: 'custom-html' }),
          run_id: runId,
          sha: sha(1),
          pr: 1,
        },
      }),
    });
    expect(report.status).toBe(200);
    // The end of the stream reloads the page: a new document with the result.
    await reloaded;
    await expect(page.evaluate('window.__sameDocument')).resolves.toBeUndefined();
    await expect(page.locator('body').textContent()).resolves.toMatch(/level\s*3/i);
    await expect(page.locator('#live-now').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
