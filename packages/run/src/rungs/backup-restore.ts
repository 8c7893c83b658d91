import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCtx } from '../context.js';
import { hookContext, preHook, recipeHooks } from '../hooks.js';
import { runTestOverlays } from '../overlays.js';
import { stackServices } from '../support/services.js';
import { checkWitnesses, type Witness, writeWitnesses } from '../witness.js';
import { assert, runRung, SkipRung } from './runner.js';
import { assertServing } from './serving.js';

/**
 * Backup-capable = a service of the deployed stack carries the deploy label
 * `backupbot.backup=true`, read from the swarm as backupbot reads it: after Docker's loader
 * merged the files and interpolated the app env (`${ENABLE_BACKUPS:-true}`), list or map
 * form, never a commented-out line.
 */
async function backupLabelled(ctx: RunCtx): Promise<boolean> {
  const services = await stackServices(ctx.proc, ctx.stack);
  return services.some((s) => /^true$/i.test((s.labels['backupbot.backup'] ?? '').trim()));
}

/**
 * Rung 3: witness W1, backup (non-empty artifact), change the data (W2), restore, the
 * witness is W1 again, serving again. Not backup-capable (no backupbot labels) → skip.
 */
export function backupRestoreRung(ctx: RunCtx) {
  return runRung(ctx, 'backup_restore', async (steps) => {
    const capable =
      ctx.meta.BACKUP_CAPABLE === 'auto' ? await backupLabelled(ctx) : ctx.meta.BACKUP_CAPABLE;
    if (!capable) {
      throw new SkipRung(
        ctx.meta.BACKUP_CAPABLE === false
          ? 'BACKUP_CAPABLE: false'
          : 'not backup-capable: no service of the deployed app has the label backupbot.backup=true',
      );
    }
    let before: Witness[] = [];
    await steps.check('witness data', async () => {
      before = await writeWitnesses(ctx, 'backup');
    });
    await steps.check('backup', async () => {
      await preHook(ctx, 'preBackup', 'backup');
      const verify = (await recipeHooks(ctx)).BACKUP_VERIFY;
      // BACKUP_VERIFY (read-only): false → redo the backup, at most 3 times, then fail.
      for (let attempt = 1; ; attempt++) {
        const r = await ctx.abra.backupCreate({ domain: ctx.domain, signal: ctx.signal });
        const size = backupSize(ctx);
        assert(size !== 0, 'the backup produced an empty artifact');
        if (!verify) break;
        const snapshot = /snapshot\s+(\S+)/i.exec(r.output)?.[1] ?? 'latest';
        if (await verify(hookContext(ctx, 'backup'), { snapshot, paths: [], attempt })) break;
        assert(attempt < 3, 'BACKUP_VERIFY rejected the backup 3 times');
        ctx.log.warn(`BACKUP_VERIFY rejected backup attempt ${attempt}; backing up again`);
      }
    });
    await runTestOverlays(ctx, steps, 'backup');
    await steps.check('change data', async () => {
      await writeWitnesses(ctx, 'changed', before);
    });
    await steps.check('restore', async () => {
      await preHook(ctx, 'preRestore', 'restore');
      await ctx.abra.restore({ domain: ctx.domain, signal: ctx.signal });
    });
    if (before.length > 0) {
      await steps.check('data back to the backup', () =>
        checkWitnesses(ctx, before, 'the backup (after restore)'),
      );
    }
    await steps.check('serving again', () => assertServing(ctx, 'not serving after the restore'));
    await runTestOverlays(ctx, steps, 'restore');
  });
}

/**
 * Bytes of the newest local backup snapshot under `$ABRA_DIR/backups/<domain>/` (where the
 * testbed's backup stand-in keeps them); undefined when snapshots live elsewhere (real
 * backupbot), where a successful `backup create` is taken as the artifact.
 */
function backupSize(ctx: RunCtx): number | undefined {
  const dir = join(ctx.paths.abraDir, 'backups', ctx.domain);
  if (!existsSync(dir)) return undefined;
  const snaps = readdirSync(dir).sort();
  const newest = snaps.at(-1);
  if (!newest) return 0;
  const files = readdirSync(join(dir, newest));
  return files.reduce((n, f) => n + statSync(join(dir, newest, f)).size, 0);
}
