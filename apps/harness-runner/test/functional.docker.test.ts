// Functional rung: an enrolment's tests/playwright specs run in Chromium through the gateway.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixtureRecipe } from '@ccci/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs } from './e2e.js';

const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());

/** The functional rung and the install it needs. */
const FUNCTIONAL_ONLY = ['--stages', 'install,functional'];

const SPEC = `import assert from 'node:assert/strict';

export const timeoutMs = 30_000;

export const tests = {
  'shows the fixture page': async ({ page, domain, baseUrl }) => {
    assert.equal(baseUrl, 'http://' + domain);
    await page.goto('/');
    assert.equal(await page.title(), 'web fixture');
    assert.equal(await page.textContent('h1'), 'ccci web fixture');
  },
  'expects a login form': async ({ page }) => {
    await page.goto('/');
    assert.ok(await page.$('form#login'), 'no login form on the page');
  },
};
`;

describe.skipIf(!existsSync('/usr/bin/chromium'))(
  'functional rung: tests/playwright (real swarm)',
  () => {
    it('runs each spec test against the deployed app, records it and screenshots the failure', async () => {
      const src = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'browsed' });
      const enrol = join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'browsed');
      mkdirSync(join(enrol, 'tests', 'playwright'), { recursive: true });
      writeFileSync(join(enrol, 'recipe_meta.yml'), 'HEALTH_OK: [200]\n');
      writeFileSync(join(enrol, 'tests', 'playwright', 'home.spec.mjs'), SPEC);
      const r = await bed.run([...runArgs('browsed', src, 'browsed1'), ...FUNCTIONAL_ONLY]);
      expect(r.exitCode, r.all).toBe(0);
      const res = bed.results('browsed1');
      expect(res.rungs['install']?.status, r.all).toBe('pass');
      const functional = res.rungs['functional'] as unknown as {
        status: string;
        reason: string;
        tests: { name: string; status: string; reason?: string }[];
      };
      expect(functional.status, r.all).toBe('fail');
      expect(functional.reason).toBe('1 custom test failed: playwright/home: expects a login form');
      // The failed test is re-run once (TEST_RETRIES default 1); it fails again.
      expect(functional.tests.map((t) => [t.name, t.status])).toEqual([
        ['playwright/home: shows the fixture page', 'pass'],
        ['playwright/home: expects a login form', 'fail'],
        ['playwright/home: expects a login form', 'fail'],
      ]);
      expect(res.flags['flaky']).toBe(false);
      expect(functional.tests[1]?.reason).toBe(
        'no login form on the page (screenshot playwright-home-expects-a-login-form.png)',
      );
      expect(
        existsSync(join(bed.artifactsDir('browsed1'), 'playwright-home-expects-a-login-form.png')),
      ).toBe(true);
      // The manifest counted the spec's tests before the run, by the same contract.
      const manifest = res['manifest'] as { customization?: { customTests?: unknown } } | null;
      expect(manifest?.customization?.customTests).toEqual({
        functional: 0,
        playwright: 2,
        playwrightFiles: 1,
      });
      expect(res.flags['clean_teardown']).toBe(true);
      expect(await bed.leftovers()).toEqual([]);
    }, 400_000);
  },
);

describe('functional rung: flaky tests (real swarm)', () => {
  it('a test that fails and passes on its re-run passes the rung, marked flaky in results, comment and card', async () => {
    const src = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'flaky' });
    const enrol = join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'flaky');
    mkdirSync(join(enrol, 'tests', 'functional'), { recursive: true });
    writeFileSync(join(enrol, 'recipe_meta.yml'), 'HEALTH_OK: [200]\n');
    // Fails on its first attempt only: the harness gives each attempt its number.
    writeFileSync(
      join(enrol, 'tests', 'functional', 'sometimes.sh'),
      '#!/bin/sh\n[ "$CCCI_ATTEMPT" = 2 ]\n',
    );
    writeFileSync(join(enrol, 'tests', 'functional', 'steady.sh'), '#!/bin/sh\ntrue\n');
    for (const f of ['sometimes.sh', 'steady.sh'])
      chmodSync(join(enrol, 'tests', 'functional', f), 0o755);
    const r = await bed.run([...runArgs('flaky', src, 'flaky1'), ...FUNCTIONAL_ONLY]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('flaky1');
    const functional = res.rungs['functional'] as unknown as {
      status: string;
      tests: { name: string; status: string }[];
    };
    expect(functional.status, r.all).toBe('pass');
    expect(functional.tests.map((t) => [t.name, t.status])).toEqual([
      ['sometimes.sh', 'fail'],
      ['sometimes.sh', 'pass'],
      ['steady.sh', 'pass'],
    ]);
    expect(res.flags['flaky']).toBe(true);
    expect(r.all).toMatch(/flaky — passed only on a re-run: sometimes\.sh/);
    const comment = readFileSync(join(bed.artifactsDir('flaky1'), 'comment.md'), 'utf8');
    expect(comment).toMatch(/Flaky/);
    const card = readFileSync(join(bed.artifactsDir('flaky1'), 'card.svg'), 'utf8');
    expect(card).toMatch(/flaky tests/);
  }, 400_000);
});
