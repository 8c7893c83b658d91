import { readEnvValues } from '@ccci/abra';
import { describe, expect, it } from 'vitest';
import { upgradeRung } from '../src/rungs/upgrade.js';
import { BASE_RELEASE } from './fakes/recipe-repo.js';
import { checks, testCtx } from './fakes/test-ctx.js';

/** The upgrade rung of an installed app, with abra's next `op` failing with `message`. */
async function upgradeWhenAbraFails(op: 'deploy' | 'run', message: string) {
  const t = await testCtx({ installed: true });
  t.abra.failNext(op, message);
  return { ...t, r: await upgradeRung(t.ctx) };
}

describe('upgrade rung (installed at the base release, fakes)', () => {
  it('passes: witness, in-place redeploy to the head (uncounted), head label, serving, data kept', async () => {
    const { ctx, abra, swarm } = await testCtx({ installed: true });
    const r = await upgradeRung(ctx);
    expect(r.status).toBe('pass');
    expect(checks(r)).toEqual([
      'witness data: pass',
      `redeploy ${BASE_RELEASE} → head: pass`,
      'version is the head: pass',
      'serving again: pass',
      'data still there: pass',
    ]);
    expect(abra.ops).toEqual(['run', 'deploy', 'run']);
    expect(abra.calls[1]).toMatchObject({
      counted: false,
      options: { chaos: true, force: true, noDomainChecks: true },
    });
    const label = swarm.service(ctx.stack, 'app').labels[`coop-cloud.${ctx.stack}.version`];
    expect(ctx.clone?.headSha.startsWith(label ?? '-')).toBe(true);
    expect(ctx.state.deployedVersion).toBe(ctx.clone?.headSha);
  });

  it('UPGRADE_EXTRA_ENV reaches the app env before the redeploy', async () => {
    const { ctx } = await testCtx({
      installed: true,
      meta: { UPGRADE_EXTRA_ENV: { FEATURE_X: 'on' } },
    });
    expect((await upgradeRung(ctx)).status).toBe('pass');
    expect(readEnvValues(ctx.envFile)).toMatchObject({ FEATURE_X: 'on' });
  });

  it('skips without an upgrade base, saying why', async () => {
    const { ctx, abra } = await testCtx({ installed: true });
    ctx.state.base = { version: undefined, source: 'none', note: 'no release before the head' };
    const r = await upgradeRung(ctx);
    expect(r).toMatchObject({ status: 'skip', reason: 'no release before the head', tests: [] });
    expect(abra.ops).toEqual([]);
  });

  describe('fails', () => {
    it('the redeploy does not converge: fail "did not converge"', async () => {
      const { r } = await upgradeWhenAbraFails('deploy', 'has not converged (timeout 600s)');
      expect(r.status).toBe('fail');
      expect(r.reason).toBe(
        'did not converge (abra: deploy timed out): has not converged (timeout 600s)',
      );
      expect(checks(r)).toEqual(['witness data: pass', `redeploy ${BASE_RELEASE} → head: fail`]);
    });

    it('the stack does not carry the head version: fail naming the label found', async () => {
      const { ctx } = await testCtx({
        installed: true,
        services: [{ name: 'app', versionLabel: false }],
      });
      const r = await upgradeRung(ctx);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe(
        `deployed version label is (none), expected the head ${ctx.clone?.headSha.slice(0, 8)}`,
      );
    });

    it('HEALTH_PATH does not answer after the redeploy: fail', async () => {
      const { ctx, app } = await testCtx({ installed: true, meta: { HTTP_TIMEOUT: 0 } });
      app.answer('/', { status: 502, body: 'bad gateway' });
      const r = await upgradeRung(ctx);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe('/ not serving after the upgrade (last: HTTP 502)');
    });

    it('a volume comes back empty after the redeploy: fail naming it', async () => {
      const { ctx, swarm } = await testCtx({ installed: true });
      swarm.after.deploy = (stack) => swarm.wipe(stack, 'data');
      const r = await upgradeRung(ctx);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe(
        'data written before the upgrade is not there afterwards: volume data (/data/.ccci-witness via app)',
      );
      expect(checks(r).at(-1)).toBe('data still there: fail');
    });

    it('another abra error (app run cannot reach the service): unver', async () => {
      const { r, abra } = await upgradeWhenAbraFails('run', 'cannot find app with name x');
      expect(r.status).toBe('unver');
      expect(r.reason).toBe(
        'abra app run failed [ABRA_APP_NOT_FOUND]: cannot find app with name x',
      );
      expect(abra.ops).toEqual(['run']);
    });

    it('the teardown funnel opens during the redeploy: unver "cancelled"', async () => {
      const run = await testCtx({ installed: true });
      const r = await run.cancelDuring('deploy', () => upgradeRung(run.ctx), 'deadline reached');
      expect(r).toMatchObject({ status: 'unver', reason: 'cancelled: deadline reached' });
      expect(checks(r)).toEqual(['witness data: pass', `redeploy ${BASE_RELEASE} → head: unver`]);
    });
  });
});
