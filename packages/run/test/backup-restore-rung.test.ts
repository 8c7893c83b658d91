import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupRestoreRung } from '../src/rungs/backup-restore.js';
import { checks, testCtx } from './fakes/test-ctx.js';

describe('backup_restore rung (installed, fakes)', () => {
  it('passes: witness, backup, change, restore, the witness is back, serving again', async () => {
    const { ctx, abra, swarm } = await testCtx({ installed: true });
    const r = await backupRestoreRung(ctx);
    expect(r.status).toBe('pass');
    expect(checks(r)).toEqual([
      'witness data: pass',
      'backup: pass',
      'change data: pass',
      'restore: pass',
      'data back to the backup: pass',
      'serving again: pass',
    ]);
    expect(abra.ops).toEqual(['run', 'backupCreate', 'run', 'restore', 'run']);
    expect(swarm.read(ctx.stack, 'app', '/data/.ccci-witness')).toMatch(/^ccci-backup-/);
  });

  it('a testbed-style local snapshot with content counts as the artifact', async () => {
    const { ctx } = await testCtx({ installed: true });
    const snap = join(ctx.paths.abraDir, 'backups', ctx.domain, '2026-12-02T00-00-00');
    mkdirSync(snap, { recursive: true });
    writeFileSync(join(snap, 'data.tar'), 'not empty');
    expect((await backupRestoreRung(ctx)).status).toBe('pass');
  });

  describe('skips', () => {
    it('BACKUP_CAPABLE: false', async () => {
      const { ctx, abra } = await testCtx({ installed: true, meta: { BACKUP_CAPABLE: false } });
      const r = await backupRestoreRung(ctx);
      expect(r).toMatchObject({ status: 'skip', reason: 'BACKUP_CAPABLE: false', tests: [] });
      expect(abra.ops).toEqual([]);
    });

    it('auto, and no service carries backupbot.backup=true on the swarm', async () => {
      const { ctx } = await testCtx({
        installed: true,
        services: [{ name: 'app', labels: { 'backupbot.backup': 'false' } }],
      });
      const r = await backupRestoreRung(ctx);
      expect(r.status).toBe('skip');
      expect(r.reason).toBe(
        'not backup-capable: no service of the deployed app has the label backupbot.backup=true',
      );
    });
  });

  describe('fails', () => {
    it('the restore does not bring the data back: fail naming the volume', async () => {
      const { ctx, swarm } = await testCtx({ installed: true });
      swarm.after.restore = (stack) => swarm.wipe(stack, 'data');
      const r = await backupRestoreRung(ctx);
      expect(r.status).toBe('fail');
      expect(r.reason).toBe(
        'data written before the backup (after restore) is not there afterwards: volume data (/data/.ccci-witness via app)',
      );
    });

    it('the backup produced an empty artifact: fail', async () => {
      const { ctx } = await testCtx({ installed: true });
      mkdirSync(join(ctx.paths.abraDir, 'backups', ctx.domain, '2026-12-02T00-00-00'), {
        recursive: true,
      });
      const r = await backupRestoreRung(ctx);
      expect(r).toMatchObject({ status: 'fail', reason: 'the backup produced an empty artifact' });
      expect(checks(r)).toEqual(['witness data: pass', 'backup: fail']);
    });

    it('HEALTH_PATH does not answer after the restore: fail', async () => {
      const { ctx, app, swarm } = await testCtx({ installed: true, meta: { HTTP_TIMEOUT: 0 } });
      swarm.after.restore = () => app.down();
      const r = await backupRestoreRung(ctx);
      expect(r.status).toBe('fail');
      expect(r.reason).toMatch(/^\/ not serving after the restore \(last: the proxy's fallback/);
    });

    it('abra backup fails (backupbot missing): unver, with the code', async () => {
      const { ctx, abra } = await testCtx({ installed: true });
      abra.failNext('backupCreate', 'no backupbot service found on the server');
      const r = await backupRestoreRung(ctx);
      expect(r.status).toBe('unver');
      expect(r.reason).toBe(
        'abra app backup failed [ABRA_UNKNOWN]: no backupbot service found on the server',
      );
      expect(abra.ops).toEqual(['run', 'backupCreate']);
    });

    it('the teardown funnel opens during the restore: unver "cancelled"', async () => {
      const run = await testCtx({ installed: true });
      const r = await run.cancelDuring(
        'restore',
        () => backupRestoreRung(run.ctx),
        'SIGINT received',
      );
      expect(r).toMatchObject({ status: 'unver', reason: 'cancelled: SIGINT received' });
      expect(checks(r).at(-1)).toBe('restore: unver');
      expect(run.abra.ops.at(-1)).toBe('restore');
    });
  });
});
