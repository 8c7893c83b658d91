import { join } from 'node:path';
import { setEnvValues } from '@ccci/abra';
import { acquireDomainLock, appDomain, type DomainLock, stackName, warmDomain } from '@ccci/lock';
import type { RunCtx } from '../context.js';
import { readWarmCredentials, recordDepCredentials, warmCredentialsDir } from '../credentials.js';
import { InfraError } from '../errors.js';
import { cloneAt } from '../support/git.js';
import { waitServing } from '../support/http.js';
import { loadMeta } from '../support/meta.js';
import { ensureServer } from './deploy.js';

/** Locks of cold deps, released by teardown. */
export const depLocks = new WeakMap<RunCtx, DomainLock[]>();

async function stackExists(ctx: RunCtx, stack: string): Promise<boolean> {
  const r = await ctx.proc.run(
    'docker',
    ['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '-q'],
    {
      signal: ctx.signal,
    },
  );
  return r.stdout.trim() !== '';
}

/**
 * Provision DEPS before the single deploy: a live warm instance is reused (no deploy);
 * otherwise the dep is cloned at its default branch and deployed cold (one deploy each),
 * under its own domain lock so no janitor takes it for a dead run.
 */
export async function provisionDeps(ctx: RunCtx): Promise<void> {
  // A cold dep is the first `abra app new` of the run: the server must be known to abra first
  // (on a fresh abra dir nothing else has added it yet).
  if (ctx.meta.DEPS.length > 0) await ensureServer(ctx);
  for (const dep of ctx.meta.DEPS) {
    const warm = warmDomain(dep, ctx.config.ciDomain);
    ctx.log.step('deps', dep);
    if (await stackExists(ctx, stackName(warm))) {
      ctx.state.deps.push({ recipe: dep, domain: warm, warm: true });
      ctx.log.info(`dependency ${dep}: reusing warm ${warm}`);
      // The warm instance was deployed by someone else: its secrets are only known if its
      // creator left them (enroll-recipe.md, "Dependency credentials").
      const record = warmCredentialsDir(ctx.config.sharedAbraDir, warm);
      const found = readWarmCredentials(record);
      if (found === undefined)
        ctx.log.warn(
          `dependency ${dep}: no credentials record of the warm instance (${record}); hooks and tests get none`,
        );
      else
        ctx.log.info(
          `dependency ${dep}: credentials ${Object.keys(found).join(', ') || '(none)'} from ${record}`,
        );
      recordDepCredentials(ctx, dep, found ?? {});
      continue;
    }
    ctx.state.budget += 1;
    const domain = appDomain(dep, ctx.config.ciDomain);
    const lock = await acquireDomainLock({
      locksDir: ctx.config.locksDir,
      domain,
      owner: { runId: ctx.settings.runId },
    });
    depLocks.set(ctx, [...(depLocks.get(ctx) ?? []), lock]);
    ctx.state.deps.push({ recipe: dep, domain, warm: false });
    const dir = join(ctx.paths.abraDir, 'recipes', dep);
    const src = ctx.config.depSrcTemplate.replaceAll('{recipe}', dep);
    await cloneAt(ctx.proc, src, 'HEAD', dir, ctx.signal);
    const meta = loadMeta(ctx.config.enrolmentDir, dep).meta;
    const created = await ctx.abra.appNew({
      recipe: dep,
      server: ctx.config.server,
      domain,
      secrets: true,
      chaos: true,
      signal: ctx.signal,
    });
    for (const s of created.secrets) ctx.redactor.add(s.value);
    recordDepCredentials(
      ctx,
      dep,
      Object.fromEntries(created.secrets.map((s) => [s.name, s.value])),
    );
    if (Object.keys(meta.EXTRA_ENV).length > 0) {
      setEnvValues(
        join(ctx.paths.abraDir, 'servers', ctx.config.server, `${domain}.env`),
        meta.EXTRA_ENV,
      );
    }
    const r = await ctx.abra.deploy({
      domain,
      chaos: true,
      noDomainChecks: true,
      timeoutSec: meta.DEPLOY_TIMEOUT,
      signal: ctx.signal,
    });
    if (r.deployCount !== undefined) ctx.state.deployCount = r.deployCount;
    const serving = await waitServing(
      { gatewayUrl: ctx.config.gatewayUrl, domain },
      meta.HEALTH_PATH,
      meta.HEALTH_OK,
      meta.HTTP_TIMEOUT * 1000,
      ctx.signal,
    );
    if (!serving.ok)
      throw new InfraError(`dependency ${dep} (${domain}) is not serving: ${serving.last}`);
    ctx.log.info(`dependency ${dep}: deployed cold as ${domain}`);
  }
}
