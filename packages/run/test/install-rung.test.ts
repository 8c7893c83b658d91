import { type AddressInfo, createServer } from 'node:net';
import { readDeployCount } from '@ccci/abra';
import { describe, expect, it, onTestFinished } from 'vitest';
import { installRung } from '../src/rungs/install.js';
import { BASE_RELEASE } from './fakes/recipe-repo.js';
import { checks, testCtx } from './fakes/test-ctx.js';

describe('install rung (fake abra, fake swarm, loopback app)', () => {
  it('passes: app new, one deploy of the head, converged, healthy, serving', async () => {
    const { ctx, abra, proc, app } = await testCtx();
    const r = await installRung(ctx, undefined);
    expect(r).toMatchObject({ name: 'install', status: 'pass' });
    expect(r.reason).toBeUndefined();
    expect(checks(r)).toEqual([
      'deploy: pass',
      'converged: pass',
      'healthy: pass',
      'serving /: pass',
    ]);
    expect(abra.ops).toEqual(['serverAdd', 'appNew', 'deploy', 'ps']);
    expect(abra.calls[2]).toMatchObject({
      counted: true,
      options: { chaos: true, noDomainChecks: true, timeoutSec: 600 },
    });
    expect(proc.dockerCalls).toEqual(['service ls', 'ps']);
    expect(app.requests).toEqual(['/']);
    expect(ctx.state).toMatchObject({ appCreated: true, deployCount: 1 });
    expect(ctx.state.deployedVersion).toBe(ctx.clone?.headSha);
    expect(ctx.state.rungs.get('install')).toBe(r);
  });

  it('deploys the upgrade base pinned (no overlay), at its release tag', async () => {
    const { ctx, abra, swarm } = await testCtx();
    const r = await installRung(ctx, BASE_RELEASE);
    expect(r.status).toBe('pass');
    const deploy = abra.calls.find((c) => c.op === 'deploy');
    expect(deploy?.options).toMatchObject({ version: BASE_RELEASE });
    expect(deploy?.options).not.toHaveProperty('chaos');
    expect(swarm.service(ctx.stack, 'app').labels[`coop-cloud.${ctx.stack}.version`]).toBe(
      BASE_RELEASE,
    );
    expect(ctx.state.deployedVersion).toBe(BASE_RELEASE);
  });

  it('waits for health that settles (starting, then healthy) and passes', async () => {
    const { ctx, proc } = await testCtx({
      services: [{ name: 'app', health: ['starting', 'starting', 'healthy'] }],
    });
    const r = await installRung(ctx, undefined);
    expect(r.status).toBe('pass');
    expect(proc.dockerCalls.filter((c) => c === 'ps')).toHaveLength(3);
  });

  it('a screenshot that cannot be taken is a warning, never a failure', async () => {
    const run = await testCtx({ meta: { SCREENSHOT: true } });
    const r = await installRung(run.ctx, undefined);
    expect(r.status).toBe('pass');
    expect(run.ctx.state.screenshot).toBeUndefined();
    expect(run.progress()).toMatch(/warning: screenshot not taken: .*\/nonexistent\/chromium/);
  });

  it("a READY_PROBE hook (the enrolment's hooks.ts, in its own process) is asked until ready", async () => {
    const { ctx, app } = await testCtx({
      enrolment: {
        'hooks.ts': `import type { HookContext } from '@ccci/recipe-meta';
export async function READY_PROBE(ctx: HookContext): Promise<boolean> {
  return (await ctx.http('/ready')).status === 200;
}
`,
      },
    });
    app.answer('/ready', { status: 200 });
    const r = await installRung(ctx, undefined);
    expect(r.status).toBe('pass');
    expect(checks(r).at(-1)).toBe('READY_PROBE hook: pass');
    expect(app.requests).toContain('/ready');
  });

  it('masks the secrets app new generated in the run log', async () => {
    const run = await testCtx();
    await installRung(run.ctx, undefined);
    const [secret] = run.abra.generated;
    expect(secret?.value).toMatch(/^[0-9a-f]{32}$/);
    run.ctx.log.info(`the password is ${secret?.value}`);
    const log = await run.logText();
    expect(log).toContain('the password is');
    expect(log).not.toContain(secret?.value);
  });

  describe('fails', () => {
    it('deploy timed out (abra did not see it converge): fail "did not converge"', async () => {
      const { ctx, abra } = await testCtx();
      abra.failNext('deploy', 'deploy timed out 🟠');
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe('did not converge (abra: deploy timed out): deploy timed out 🟠');
      expect(checks(r)).toEqual(['deploy: fail']);
      expect(abra.ops).toEqual(['serverAdd', 'appNew', 'deploy']);
      // An attempted deploy spends budget too.
      expect(await readDeployCount(ctx.paths.deployCountFile)).toBe(1);
      expect(ctx.state.appCreated).toBe(true);
    });

    it('a service is not converged on the swarm: fail naming it', async () => {
      const { ctx } = await testCtx({
        services: [{ name: 'app' }, { name: 'db', replicas: '0/1' }],
      });
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe('not converged: db 0/1');
      expect(checks(r)).toEqual(['deploy: pass', 'converged: fail']);
    });

    it('a task stays unhealthy: fail naming its container', async () => {
      const { ctx } = await testCtx({
        services: [{ name: 'app', health: 'unhealthy' }],
        meta: { HTTP_TIMEOUT: 0 },
      });
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe(`not healthy: ${ctx.stack}_app.1.fake0: unhealthy`);
    });

    it('HEALTH_PATH answers something else: fail with what it answered', async () => {
      const { ctx, app } = await testCtx({
        meta: { HTTP_TIMEOUT: 0, HEALTH_PATH: '/health', HEALTH_OK: [204] },
      });
      app.answer('/health', { status: 503 });
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe('/health did not answer 204 within 0s (last: HTTP 503)');
      expect(checks(r).at(-1)).toBe('serving /health: fail');
    });

    it("only the proxy answers (no route to the app): fail, naming traefik's fallback page", async () => {
      const { ctx, app } = await testCtx({ meta: { HTTP_TIMEOUT: 0 } });
      app.down();
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toMatch(/fallback page \(404 page not found\): no route to the app\)$/);
    });

    it('another abra error (the recipe cannot be fetched): unver, with the code', async () => {
      const { ctx, abra } = await testCtx();
      abra.failNext('appNew', 'unable to fetch recipe web');
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('unver');
      expect(r.reason).toBe(
        'abra app new failed [ABRA_RECIPE_NOT_FOUND]: unable to fetch recipe web',
      );
      expect(abra.ops).toEqual(['serverAdd', 'appNew']);
      expect(ctx.state.appCreated).toBe(false);
    });

    it('the teardown funnel opens during the deploy: unver "cancelled"', async () => {
      const run = await testCtx();
      const r = await run.cancelDuring(
        'deploy',
        () => installRung(run.ctx, undefined),
        'SIGTERM received',
      );
      expect(r.status).toBe('unver');
      expect(r.reason).toBe('cancelled: SIGTERM received');
      expect(checks(r)).toEqual(['deploy: unver']);
      expect(run.abra.ops).toEqual(['serverAdd', 'appNew', 'deploy']);
      expect(run.ctx.state.current).toBeUndefined();
    });
  });

  describe('EXPECTED_NA http_health', () => {
    it('without a READY_PROBE: fail, the app is never shown ready', async () => {
      // The loader refuses this already; the rung holds the line for meta that got past it.
      const { ctx } = await testCtx({ meta: { EXPECTED_NA: { http_health: 'serves no HTTP' } } });
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe('EXPECTED_NA http_health needs a READY_PROBE to show the app is ready');
    });

    it('with a tcp READY_PROBE (enrolment, real loader): the port is asked, not HEALTH_PATH', async () => {
      const voice = createServer((s) => s.end());
      await new Promise<void>((resolve) => voice.listen(0, '127.0.0.1', resolve));
      onTestFinished(() => new Promise<void>((resolve) => voice.close(() => resolve())));
      const port = (voice.address() as AddressInfo).port;
      const { ctx, app } = await testCtx({
        enrolment: {
          'recipe_meta.yml': `EXPECTED_NA:\n  http_health: serves no HTTP\nREADY_PROBE:\n  - tcp: ${port}\n    stable: 2\n`,
        },
      });
      const r = await installRung(ctx, undefined);
      expect(r.status).toBe('pass');
      expect(checks(r)).toEqual([
        'deploy: pass',
        'converged: pass',
        'healthy: pass',
        'READY_PROBE 1: pass',
      ]);
      expect(app.requests).toEqual([]);
    });
  });
});
