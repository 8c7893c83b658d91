import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stackName } from '@ccci/lock';
import type { RunCtx } from '../context.js';
import { describeObjects, isEmpty, listStackObjects, removeStack } from '../support/swarm.js';
import { depLocks } from './deps.js';

/**
 * The one teardown, whatever happened before: undeploy, remove volumes, secrets, configs,
 * networks, the app env and the run's abra dir — for the app and its cold deps — then verify
 * nothing of the run is left on the swarm (`clean_teardown`). Never throws.
 */
export async function teardown(ctx: RunCtx): Promise<void> {
  ctx.state.phase = 'teardown';
  const apps = [
    { domain: ctx.domain, created: ctx.state.appCreated },
    ...ctx.state.deps.filter((d) => !d.warm).map((d) => ({ domain: d.domain, created: true })),
  ];
  const left: string[] = [];
  for (const app of apps) {
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
  for (const app of apps) {
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
  ctx.state.cleanTeardown = left.length === 0;
  ctx.state.teardownLeft = left.join('; ');
  if (left.length > 0) ctx.log.error(`teardown left objects behind: ${ctx.state.teardownLeft}`);
  else ctx.log.info('teardown: nothing of the run is left on the swarm');
}
