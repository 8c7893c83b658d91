// The dashboard in the system Chromium: every page works with JavaScript off (links, the filter
// form, pages, the log's sections), the trend chart is drawn, and axe-core finds no serious or
// critical accessibility violation. Screenshots go to $CCCI_SCREENSHOTS when set (the ones in
// docs/img were made so: CCCI_SCREENSHOTS=docs/img), else to a temp dir.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { testbedChromium } from '@ccci/testbed';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotServer, createBotServer } from '../src/index.js';
import { DAY, HOUR, openSeedStore, sampleLog, seedRun, T0 } from './dashboard-fixture.js';
import { type World, world } from './helpers.js';

const NOW = T0 + 60 * DAY;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shotsDir = process.env.CCCI_SCREENSHOTS
  ? resolve(process.env.CCCI_SCREENSHOTS)
  : mkdtempSync(join(tmpdir(), 'ccci-shots-'));
mkdirSync(shotsDir, { recursive: true });

let w: World;
let server: BotServer;
let base: string;
let browser: Browser;
let noScript: BrowserContext;
let withScript: BrowserContext;
const ids: Record<string, string> = {};

beforeAll(async () => {
  w = await world();
  const { store, clock } = openSeedStore(w.dbPath);
  const seed = (name: string, r: Parameters<typeof seedRun>[2]) => {
    ids[name] = seedRun(store, clock, r).id;
  };
  // custom-html: two months of runs, the default branch fell from 4 to 3 at the end.
  const levels = [3, 3, 4, 2, 4, 4, 1, 4, 4, 3, 4, 4, 2, 4, 4, 3, 4, 4] as const;
  for (const [i, level] of levels.entries()) {
    const onDefault = i % 3 === 2;
    seed(`ch${i}`, {
      recipe: 'custom-html',
      pr: 10 + i,
      at: T0 + i * 3 * DAY,
      level,
      commitState: level >= 3 ? 'success' : 'failure',
      onDefaultBranch: onDefault,
      ...(i === 12 ? { log: sampleLog(4, T0 + i * 3 * DAY - 9 * 60_000) } : {}),
    });
  }
  seed('chError', { recipe: 'custom-html', pr: 40, at: T0 + 55 * DAY, level: null });
  seed('chDefault', { recipe: 'custom-html', pr: null, at: T0 + 57 * DAY, level: 3 });
  seed('chPr', {
    recipe: 'custom-html',
    pr: 41,
    at: T0 + 58 * DAY,
    level: 2,
    commitState: 'failure',
    log: sampleLog(3, T0 + 58 * DAY - 9 * 60_000),
  });
  for (let i = 0; i < 6; i++)
    seed(`gitea${i}`, { recipe: 'gitea', pr: null, at: T0 + (30 + i * 5) * DAY, level: 5 });
  seed('nextcloud', { recipe: 'nextcloud', pr: null, at: T0 + 10 * DAY, level: 2 });
  seed('wordpress', {
    recipe: 'wordpress',
    pr: 3,
    at: T0 + 50 * DAY,
    level: 4,
    onDefaultBranch: true,
  });
  seed('queued', { recipe: 'gitea', pr: 12, at: NOW - HOUR, state: 'queued' });
  seed('running', { recipe: 'wordpress', pr: null, at: NOW - 2 * HOUR, state: 'running' });
  for (let i = 0; i < 60; i++)
    seed(`many${i}`, { recipe: 'many', pr: 100 + i, at: T0 + i * HOUR, level: 3 });
  store.close();
  const booted = w.boot({
    repos: [
      'coop-cloud/custom-html',
      'coop-cloud/gitea',
      'coop-cloud/keycloak',
      'coop-cloud/nextcloud',
      'coop-cloud/wordpress',
    ],
    publicUrl: 'http://ccci.example.org',
    clock: () => new Date(NOW),
  });
  server = createBotServer({ bot: booted.bot });
  base = await server.listen(0);
  browser = await chromium.launch(testbedChromium());
  noScript = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 1200, height: 900 },
  });
  // axe runs as a script in the page; the pages' CSP allows none, so this context bypasses it.
  withScript = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 1200, height: 900 },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await w?.close();
  if (!process.env.CCCI_SCREENSHOTS) rmSync(shotsDir, { recursive: true, force: true });
});

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  const res = await page.goto(`${base}${path}`);
  expect(res?.status(), path).toBe(200);
  return page;
}

describe('without JavaScript', () => {
  it('any recent run is two clicks from home: recipe, then run', async () => {
    const page = await open(noScript, '/');
    await page.getByRole('link', { name: 'custom-html', exact: true }).click();
    await page.waitForURL(`${base}/recipes/custom-html`);
    const point = page.locator(`svg.chart g.points a[href="/runs/${ids.ch3}"]`);
    expect(await point.count()).toBe(1);
    await point.click();
    await page.waitForURL(`${base}/runs/${ids.ch3}`);
    expect(await page.locator('h1').textContent()).toContain(ids.ch3);
    await page.close();
  });

  it('draws the trend chart: a visible SVG with one point per finished run', async () => {
    const page = await open(noScript, '/recipes/custom-html');
    const chart = page.locator('svg.chart');
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    // 18 runs, one without a level, the default branch's, the newest PR's.
    expect(await chart.locator('g.points a').count()).toBe(21);
    expect(await chart.locator('g.points circle').count()).toBe(7);
    const dot = await chart.locator('g.points circle').first().boundingBox();
    expect(dot?.width).toBeGreaterThan(5);
    expect(await chart.locator('title').first().textContent()).toBe('Level trend of custom-html');
    await page.screenshot({ path: join(shotsDir, 'dashboard-recipe.png'), fullPage: true });
    await page.close();
  });

  it('filters with the plain form and pages with its links', async () => {
    const page = await open(noScript, '/recipes/custom-html');
    await page.getByLabel('Branch', { exact: true }).selectOption('default');
    await page.getByRole('button', { name: 'Show runs' }).click();
    await page.waitForURL(/branch=default/);
    const rows = page.locator('tbody tr td:first-child a');
    expect(await rows.count()).toBe(7);
    await page.goto(`${base}/recipes/many`);
    expect(await rows.count()).toBe(50);
    await page.getByRole('link', { name: 'older runs →' }).click();
    await page.waitForURL(/before=/);
    expect(await rows.count()).toBe(10);
    await page.getByRole('link', { name: '← newest runs' }).click();
    await page.waitForURL(`${base}/recipes/many`);
    await page.close();
  });

  it('the log page opens and closes its phase sections natively', async () => {
    const page = await open(noScript, `/runs/${ids.chPr}/log`);
    const prepare = page.locator('details.phase', {
      has: page.locator('h2', { hasText: 'prepare' }),
    });
    expect(await prepare.getAttribute('open')).toBeNull();
    await prepare.locator('summary').click();
    expect(await prepare.getAttribute('open')).toBe('');
    expect(await page.locator('details.phase[open] h2', { hasText: 'upgrade' }).count()).toBe(1);
    await page.close();
  });

  it('screenshots of home and log pages', async () => {
    for (const [path, file] of [
      ['/', 'dashboard-home.png'],
      [`/runs/${ids.chPr}/log`, 'dashboard-log.png'],
    ] as const) {
      const page = await open(noScript, path);
      await page.screenshot({ path: join(shotsDir, file), fullPage: true });
      await page.close();
      expect(readFileSync(join(shotsDir, file)).subarray(1, 4).toString()).toBe('PNG');
    }
    expect(existsSync(join(shotsDir, 'dashboard-recipe.png'))).toBe(true);
  });
});

async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core)', () => {
  it('the scan finds a violation where there is one', async () => {
    const page = await withScript.newPage();
    await page.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><img src="x.png"></main></html>',
    );
    expect(await violations(page)).toEqual([expect.stringMatching(/^image-alt \(critical\)/)]);
    await page.close();
  });

  it.each([
    ['home', () => '/'],
    ['recipe', () => '/recipes/custom-html'],
    ['recipe, filtered', () => '/recipes/many?branch=pr&status=success'],
    ['log', () => `/runs/${ids.ch12}/log`],
    ['a bad filter', () => '/recipes/custom-html?pr=x'],
  ])('%s has no serious or critical violation', async (_name, path) => {
    const page = await withScript.newPage();
    await page.goto(`${base}${path()}`);
    const bad = await violations(page);
    expect(bad).toEqual([]);
    await page.close();
  });
});
