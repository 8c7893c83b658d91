import { describe, expect, it } from 'vitest';
import { installRung } from '../src/rungs/install.js';
import { testCtx } from './fakes/index.js';

describe('install rung (fake abra, fake swarm, loopback app)', () => {
  it('passes: app new, one deploy of the head, converged, healthy, serving', async () => {
    const { ctx, abra, proc, app } = await testCtx();
    const r = await installRung(ctx, undefined);
    expect(r).toMatchObject({ name: 'install', status: 'pass' });
    expect(r.reason).toBeUndefined();
    expect(r.tests.map((t) => [t.name, t.status])).toEqual([
      ['deploy', 'pass'],
      ['converged', 'pass'],
      ['healthy', 'pass'],
      ['serving /', 'pass'],
    ]);
    expect(abra.ops).toEqual(['serverAdd', 'appNew', 'deploy', 'ps']);
    expect(abra.calls[2]?.options).toMatchObject({ chaos: true, noDomainChecks: true });
    expect(proc.dockerCalls).toEqual(['service ls', 'ps']);
    expect(app.requests).toEqual(['/']);
    expect(ctx.state).toMatchObject({ appCreated: true, deployCount: 1 });
    expect(ctx.state.deployedVersion).toBe(ctx.clone?.headSha);
    expect(ctx.state.rungs.get('install')).toBe(r);
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
});
