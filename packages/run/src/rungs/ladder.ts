import type { RungName } from '@ccci/contracts';
import type { RunCtx } from '../context.js';
import { backupRestoreRung } from './backup-restore.js';
import { functionalRung } from './functional.js';
import { installRung } from './install.js';
import { lintRung } from './lint.js';
import { markRung } from './runner.js';
import { upgradeRung } from './upgrade.js';

/** The rungs that stand on install: they run only when it passed. */
const LATER: RungName[] = ['upgrade', 'backup_restore', 'functional'];

/**
 * Marks the rungs that will not run whatever happens: not selected (`--stages`), quick mode,
 * or declared not applicable (EXPECTED_NA, `skip`). Before any deploy.
 */
export function planRungs(ctx: Pick<RunCtx, 'settings' | 'meta' | 'state' | 'log'>): void {
  const { settings } = ctx;
  const selected = (r: RungName) => settings.stages.includes(r);
  const na = ctx.meta.EXPECTED_NA as Readonly<Record<string, string>>;
  for (const r of LATER) {
    if (!selected(r)) markRung(ctx, r, 'unver', 'not selected (--stages)');
    else if (settings.quick) markRung(ctx, r, 'unver', 'not run in quick mode');
    else if (Object.hasOwn(na, r)) markRung(ctx, r, 'skip', `EXPECTED_NA: ${na[r]}`);
  }
  if (!selected('install')) markRung(ctx, 'install', 'unver', 'not selected (--stages)');
  if (Object.hasOwn(na, 'lint')) markRung(ctx, 'lint', 'skip', `EXPECTED_NA: ${na['lint']}`);
  else if (!selected('lint')) markRung(ctx, 'lint', 'unver', 'not selected (--stages)');
}

/**
 * Climbs the rungs not marked yet: install (the base deploy, `baseVersion` or the head), then
 * the later rungs in order only if install passed (else each is `unver`), then lint. Returns
 * false when the run was cancelled between rungs: the rest, lint included, never started.
 */
export async function climbRungs(ctx: RunCtx, baseVersion: string | undefined): Promise<boolean> {
  const { state } = ctx;
  if (!state.rungs.has('install')) {
    state.phase = 'install';
    await installRung(ctx, baseVersion);
  }
  const installed = state.rungs.get('install')?.status === 'pass';
  for (const r of LATER) {
    if (state.rungs.has(r)) continue;
    if (ctx.signal.aborted) return false;
    if (!installed) {
      markRung(ctx, r, 'unver', 'not run: install did not pass');
      continue;
    }
    state.phase = r;
    if (r === 'upgrade') await upgradeRung(ctx);
    if (r === 'backup_restore') await backupRestoreRung(ctx);
    if (r === 'functional') await functionalRung(ctx);
  }
  if (!state.rungs.has('lint') && !ctx.signal.aborted) {
    state.phase = 'lint';
    await lintRung(ctx);
  }
  return true;
}
