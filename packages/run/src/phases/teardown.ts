import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ShutdownReason } from '@ccci/lifetime';
import { removeKeepLease, stackName, writeKeepLease } from '@ccci/lock';
import type { RunCtx } from '../context.js';
import { describeObjects, isEmpty, listStackObjects, removeStack } from '../support/swarm.js';
import { depLocks } from './deps.js';
import { keepDecision } from './keep.js';

export interface TeardownOptions {
  /**
   * Why the run ends. With `--keep-on-failure`, a run that ended by itself (`done`) and failed
   * keeps its app (see keepDecision). Default: nothing is kept.
   */
  reason?: ShutdownReason;
}

/**
 * Leaves the run's apps deployed under keep leases the janitor honours, written while the run
 * still holds their locks. Returns false (and writes no lease) when a lease cannot be written.
 */
async function keepApps(ctx: RunCtx, domains: string[], minutes: number, why: string) {
  const written: string[] = [];
  try {
    let until = '';
    for (const domain of domains) {
      const lease = await writeKeepLease({
        locksDir: ctx.config.locksDir,
        domain,
        runId: ctx.settings.runId,
        keepMs: minutes * 60_000,
        reason: why,
      });
      written.push(domain);
      until = lease.expiresAt;
    }
    ctx.log.warn(
      `kept for debugging (--keep-on-failure ${minutes}): ${domains.join(', ')} stay deployed until ${until} (${why}); the janitor removes them then. Secrets stay on this host.`,
    );
    return true;
  } catch (error) {
    for (const domain of written) await removeKeepLease(ctx.config.locksDir, domain);
    ctx.log.error(`cannot keep the app (${(error as Error).message}); removing it`);
    return false;
  }
}

/**
 * The one teardown, whatever happened before: undeploy, remove volumes, secrets, configs,
 * networks, the app env and the run's abra dir — for the app and its cold deps — then verify
 * nothing of the run is left on the swarm (`clean_teardown`). A failed run asked to keep its
 * app (`--keep-on-failure`) leaves the app and its cold deps deployed under keep leases instead
 * (`clean_teardown` then stays undetermined). Never throws.
 */
export async function teardown(ctx: RunCtx, options: TeardownOptions = {}): Promise<void> {
  ctx.state.phase = 'teardown';
  const apps = [
    { domain: ctx.domain, created: ctx.state.appCreated },
    ...ctx.state.deps.filter((d) => !d.warm).map((d) => ({ domain: d.domain, created: true })),
  ];
  const minutes = ctx.settings.keepOnFailureMin;
  const decision = keepDecision({
    keepOnFailureMin: minutes,
    reason: options.reason ?? 'SIGTERM',
    appCreated: ctx.state.appCreated,
    lockLost: ctx.state.lockLost,
    stages: ctx.settings.stages,
    quick: ctx.settings.quick,
    rungs: ctx.state.rungs,
  });
  if (minutes !== undefined && !decision.keep) ctx.log.info(`not keeping the app: ${decision.why}`);
  const kept =
    decision.keep &&
    minutes !== undefined &&
    (await keepApps(
      ctx,
      apps.map((a) => a.domain),
      minutes,
      decision.why,
    ));
  const left: string[] = [];
  for (const app of kept ? [] : apps) {
    const stack = stackName(app.domain);
    ctx.log.step('teardown', `remove ${app.domain}`);
    if (app.created) {
      await ctx.abra.undeploy({ domain: app.domain, timeoutMs: 180_000 }).catch((e: Error) => {
        ctx.log.pino.warn(
          { err: e.message },
          'abra app undeploy failed; removing the stack directly',
        );
      });
    }
    try {
      const remaining = await removeStack(ctx.proc, stack);
      if (!isEmpty(remaining)) left.push(`${stack}: ${describeObjects(remaining)}`);
    } catch (error) {
      left.push(`${stack}: removal failed (${(error as Error).message})`);
    }
    rmSync(join(ctx.config.sharedAbraDir, 'servers', ctx.config.server, `${app.domain}.env`), {
      force: true,
    });
  }
  ctx.log.step('teardown', 'verify');
  for (const app of kept ? [] : apps) {
    const stack = stackName(app.domain);
    try {
      const o = await listStackObjects(ctx.proc, stack);
      if (!isEmpty(o) && !left.some((l) => l.startsWith(stack)))
        left.push(`${stack}: ${describeObjects(o)}`);
    } catch (error) {
      left.push(`${stack}: cannot verify (${(error as Error).message})`);
    }
  }
  for (const lock of depLocks.get(ctx) ?? []) await lock.release().catch(() => {});
  await ctx.lock?.release().catch(() => {});
  rmSync(ctx.paths.abraDir, { recursive: true, force: true });
  rmSync(ctx.paths.stateDir, { recursive: true, force: true });
  if (kept) return;
  ctx.state.cleanTeardown = left.length === 0;
  ctx.state.teardownLeft = left.join('; ');
  if (left.length > 0) ctx.log.error(`teardown left objects behind: ${ctx.state.teardownLeft}`);
  else ctx.log.info('teardown: nothing of the run is left on the swarm');
}
