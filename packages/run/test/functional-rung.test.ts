import { describe, expect, it } from 'vitest';
import { functionalRung } from '../src/rungs/functional.js';
import { checks, testCtx } from './fakes/test-ctx.js';

/** An executable custom test of the enrolment (`tests/functional/<name>`). */
const test = (script: string) => ({ text: `#!/bin/sh\n${script}\n`, mode: 0o755 });

// The custom tests part (tests/functional/); Playwright specs: functional-playwright.browser.test.ts.
describe('functional rung: custom tests of the enrolment, run for real', () => {
  it('passes when every test exits 0; each sees the app domain, base URL and attempt', async () => {
    const { ctx } = await testCtx({
      installed: true,
      enrolment: {
        'tests/functional/a-env.sh': test(
          'test -n "$CCCI_DOMAIN" && test "$CCCI_ATTEMPT" = 1 && test "$CCCI_BASE_URL" = "$CCCI_GATEWAY_URL"',
        ),
        // Reaches the app through the gateway, with the app's Host, as a recipe test does.
        'tests/functional/b-reach.mjs': {
          text: `#!/usr/bin/env node
import { request } from 'node:http';
request(process.env.CCCI_BASE_URL, { headers: { host: process.env.CCCI_DOMAIN } }, (res) =>
  process.exit(res.statusCode === 200 ? 0 : 1),
).end();
`,
          mode: 0o755,
        },
        'tests/functional/not-executable.sh': 'exit 1\n',
        'tests/functional/.hidden': test('exit 1'),
      },
    });
    const r = await functionalRung(ctx);
    expect(r.status).toBe('pass');
    expect(checks(r)).toEqual(['a-env.sh: pass', 'b-reach.mjs: pass']);
  });

  it('skips when the enrolment has no custom tests', async () => {
    const { ctx, proc } = await testCtx({ installed: true });
    const r = await functionalRung(ctx);
    expect(r).toMatchObject({
      status: 'skip',
      reason: 'no custom tests (tests/functional/, tests/playwright/)',
    });
    expect(proc.calls).toEqual([]);
  });

  it('a test that fails twice fails the rung; both attempts are recorded', async () => {
    const { ctx } = await testCtx({
      installed: true,
      enrolment: {
        'tests/functional/ok.sh': test('exit 0'),
        'tests/functional/broken.sh': test('exit 3'),
      },
    });
    const r = await functionalRung(ctx);
    expect(r).toMatchObject({ status: 'fail', reason: '1 custom test failed: broken.sh' });
    expect(checks(r)).toEqual(['broken.sh: fail', 'broken.sh: fail', 'ok.sh: pass']);
    expect(r.tests[0]?.reason).toBe('broken.sh exited 3');
  });

  it('a test that passes only on its re-run passes, flagged flaky', async () => {
    const run = await testCtx({
      installed: true,
      enrolment: { 'tests/functional/flaky.sh': test('test "$CCCI_ATTEMPT" = 2') },
    });
    const r = await functionalRung(run.ctx);
    expect(r.status).toBe('pass');
    expect(checks(r)).toEqual(['flaky.sh: fail', 'flaky.sh: pass']);
    expect(run.progress()).toContain('functional: flaky — passed only on a re-run: flaky.sh');
  });

  it('TEST_RETRIES: 0 (recipe_meta.yml) runs a failing test once', async () => {
    const { ctx } = await testCtx({
      installed: true,
      enrolment: {
        'recipe_meta.yml': 'TEST_RETRIES: 0\n',
        'tests/functional/flaky.sh': test('test "$CCCI_ATTEMPT" = 2'),
      },
    });
    const r = await functionalRung(ctx);
    expect(r.status).toBe('fail');
    expect(checks(r)).toEqual(['flaky.sh: fail']);
  });

  it('the teardown funnel opens while a test runs: it is killed, unver "cancelled"', async () => {
    const run = await testCtx({
      installed: true,
      enrolment: { 'tests/functional/hang.sh': test('exec sleep 300') },
    });
    const rung = functionalRung(run.ctx);
    await run.proc.started((c) => c.cmd.endsWith('/hang.sh'));
    run.abort();
    const r = await rung;
    expect(r).toMatchObject({ status: 'unver', reason: 'cancelled: SIGTERM received' });
    // Not re-run: a cancelled test is not a failed one.
    expect(checks(r)).toEqual(['hang.sh: unver']);
  });
});
