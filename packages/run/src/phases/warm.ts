import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAbra, readEnvValues, setEnvValues } from '@ccci/abra';
import {
  acquireDomainLock,
  prepareRunDir,
  runStatePaths,
  stackName,
  toEnv,
  warmDomain,
} from '@ccci/lock';
import type { EngineConfig, RunCtx } from '../context.js';
import { envName, warmCredentialsDir } from '../credentials.js';
import { guardDeploys, runDeployGuard } from '../deploy-policy.js';
import { InfraError } from '../errors.js';
import { cloneAt } from '../support/git.js';
import { waitServing } from '../support/http.js';
import { Proc } from '../support/proc.js';
import { describeObjects, isEmpty, listStackObjects, removeStack } from '../support/swarm.js';
import { withCiOverlay } from './deploy.js';

/** What a warm instance's creator records beside its credentials (`.warm.json`). */
export interface WarmRecord {
  recipe: string;
  /** The head's release tag if it has one, else the head sha. */
  version: string;
  runId: string;
  promotedAt: string;
}

/** The parts of a finished run the promotion decision reads (results.json shape). */
export interface WarmDecisionInput {
  warmCanonical: boolean;
  pr: number | undefined;
  rungs: Readonly<Record<string, { status: string }>> | undefined;
  flags:
    | { readonly clean_teardown?: boolean | null; readonly no_secret_leak?: boolean | null }
    | undefined;
}

/**
 * Whether a finished run keeps a warm instance (RECIPE-META.md WARM_CANONICAL): enrolled with
 * WARM_CANONICAL, a default-branch run (no PR), every rung pass or skip, and neither
 * clean_teardown nor no_secret_leak false. `why` says which condition failed.
 */
export function shouldKeepWarm(input: WarmDecisionInput): { keep: boolean; why: string } {
  if (!input.warmCanonical) return { keep: false, why: 'not enrolled with WARM_CANONICAL' };
  if (input.pr !== undefined) return { keep: false, why: `a PR run (#${input.pr})` };
  if (!input.rungs || !input.flags) return { keep: false, why: 'no results were written' };
  const notGreen = Object.entries(input.rungs).filter(
    ([, r]) => r.status !== 'pass' && r.status !== 'skip',
  );
  if (notGreen.length > 0)
    return {
      keep: false,
      why: `not green: ${notGreen.map(([n, r]) => `${n} ${r.status}`).join(', ')}`,
    };
  if (input.flags.clean_teardown === false) return { keep: false, why: 'clean_teardown is false' };
  if (input.flags.no_secret_leak === false) return { keep: false, why: 'no_secret_leak is false' };
  return { keep: true, why: 'green default-branch run' };
}

/** I/O of the warm operations: a Proc for docker/git, a log, host settings. */
export interface WarmIo {
  proc: Proc;
  config: EngineConfig;
  log: { info(m: string): void; warn(m: string): void };
}

/** True when the stack has a service on the swarm. */
async function stackLive(proc: Proc, stack: string): Promise<boolean> {
  const r = await proc.run(
    'docker',
    ['service', 'ls', '--filter', `label=com.docker.stack.namespace=${stack}`, '-q'],
    { quiet: true },
  );
  return r.stdout.trim() !== '';
}

/** The `.warm.json` of a recipe's warm instance, or undefined (none, or unreadable). */
function readWarmRecord(config: EngineConfig, recipe: string): WarmRecord | undefined {
  const dir = warmCredentialsDir(config.sharedAbraDir, warmDomain(recipe, config.ciDomain));
  try {
    const r = JSON.parse(readFileSync(join(dir, '.warm.json'), 'utf8')) as WarmRecord;
    return typeof r.version === 'string' && /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,99}$/.test(r.version)
      ? r
      : undefined;
  } catch {
    return undefined;
  }
}

/** The last green warm canonical version: the record's, only while the warm stack is live. */
export async function liveWarmVersion(io: WarmIo, recipe: string): Promise<string | undefined> {
  const record = readWarmRecord(io.config, recipe);
  if (!record) return undefined;
  const live = await stackLive(io.proc, stackName(warmDomain(recipe, io.config.ciDomain)));
  return live ? record.version : undefined;
}

/**
 * Removes a warm instance the way teardown removes an app (stack, volumes, secrets, configs,
 * networks, its env file) and its credentials record. Returns what was there; throws
 * InfraError when swarm objects stay behind.
 */
async function removeWarm(io: WarmIo, domain: string): Promise<boolean> {
  const stack = stackName(domain);
  const record = warmCredentialsDir(io.config.sharedAbraDir, domain);
  const envFile = join(io.config.sharedAbraDir, 'servers', io.config.server, `${domain}.env`);
  const hadRecord = readWarmRecordAt(record);
  const before = await listStackObjects(io.proc, stack);
  const hadStack = !isEmpty(before);
  const left = hadStack ? await removeStack(io.proc, stack) : before;
  rmSync(envFile, { force: true });
  rmSync(record, { recursive: true, force: true });
  if (!isEmpty(left)) throw new InfraError(`${stack} left behind: ${describeObjects(left)}`);
  return hadStack || hadRecord;
}

function readWarmRecordAt(dir: string): boolean {
  try {
    readFileSync(join(dir, '.warm.json'));
    return true;
  } catch {
    return false;
  }
}

/**
 * `harness-runner unwarm --recipe <name>`: under the warm domain's lock, removes the warm
 * instance and its record. Returns false when there was none.
 */
async function unwarm(io: WarmIo, recipe: string, runId: string): Promise<boolean> {
  const domain = warmDomain(recipe, io.config.ciDomain);
  const lock = await acquireDomainLock({
    locksDir: io.config.locksDir,
    domain,
    owner: { runId },
    waitMs: io.config.lockWaitMs,
  });
  try {
    const live = await stackLive(io.proc, stackName(domain));
    const removed = await removeWarm(io, domain);
    return live || removed;
  } finally {
    await lock.release().catch(() => {});
  }
}

export interface UnwarmOptions {
  config: EngineConfig;
  recipe: string;
  /** One line per step. Default: nothing. */
  log?: (line: string) => void;
}

/**
 * `harness-runner unwarm --recipe <name>`: removes the recipe's warm instance (stack,
 * volumes, secrets, configs, networks, env file) and its credentials record, under the warm
 * domain's lock. Resolves `{ removed: false }` when there was none; throws InfraError when
 * swarm objects stay behind.
 */
export async function unwarmRecipe(
  options: UnwarmOptions,
): Promise<{ removed: boolean; domain: string }> {
  const log = options.log ?? (() => {});
  const proc = new Proc({ output: () => {}, childTime: () => {} });
  const io: WarmIo = { proc, config: options.config, log: { info: log, warn: log } };
  const removed = await unwarm(io, options.recipe, `unwarm-${process.pid}`);
  return { removed, domain: warmDomain(options.recipe, options.config.ciDomain) };
}

/**
 * Keep a warm instance of the run's head (RECIPE-META.md WARM_CANONICAL), after teardown and
 * report: lock the warm domain, remove the previous warm instance, `abra app new` + EXTRA_ENV,
 * chaos-deploy the head commit the run tested, wait until serving, then write the record
 * (credentials + `.warm.json`) through a temp dir and a rename. Not counted in the run's
 * deploy budget. Never throws: a failure is a warning and leaves no partial warm objects.
 */
export async function promoteWarm(ctx: RunCtx): Promise<void> {
  const { config, settings } = ctx;
  const clone = ctx.clone;
  if (!clone) return;
  const domain = warmDomain(settings.recipe, config.ciDomain);
  const version = clone.headTags.find((t) => clone.releases.includes(t)) ?? clone.headSha;
  const io: WarmIo = {
    proc: ctx.proc,
    config,
    log: { info: (m) => ctx.log.info(m), warn: (m) => ctx.log.warn(m) },
  };
  const started = performance.now();
  ctx.log.info(`keeping warm: ${settings.recipe} ${version} as ${domain}`);
  const paths = runStatePaths({
    runsDir: config.runsDir,
    runId: `${settings.runId.slice(0, 120)}-warm`,
  });
  let lock: Awaited<ReturnType<typeof acquireDomainLock>> | undefined;
  try {
    lock = await acquireDomainLock({
      locksDir: config.locksDir,
      domain,
      owner: { runId: settings.runId },
      waitMs: config.lockWaitMs,
    });
    if (await removeWarm(io, domain))
      ctx.log.info(`keeping warm: removed the previous warm instance of ${settings.recipe}`);
    await prepareRunDir({ paths, sharedAbraDir: config.sharedAbraDir });
    // Not the run's deploy: no counter file, so the budget of the finished run is untouched.
    const abra = guardDeploys(
      createAbra({
        abraDir: paths.abraDir,
        bin: config.abraBin,
        // The run's children's environment (no report key), as the run's own abra clients.
        env: { ...ctx.proc.env, ...toEnv(paths), CCCI_DEPLOY_COUNT_FILE: '' },
        inheritEnv: false,
        onOutput: (chunk: string) => ctx.log.output('abra', chunk),
      }),
      {
        // After the run: its signal has ended (teardown), the warm deploy has none.
        ...withoutSignal(runDeployGuard(ctx, paths.abraDir)),
        onJudged: (d, j) => {
          for (const r of j.refusals) ctx.log.warn(`keeping warm: compose policy (${d}): ${r}`);
        },
      },
    );
    const recipeDir = join(paths.abraDir, 'recipes', settings.recipe);
    await cloneAt(ctx.proc, settings.src, clone.headSha, recipeDir);
    const overlay = ctx.loaded?.overlay;
    if (overlay) copyFileSync(overlay, join(recipeDir, 'compose.ccci.yml'));
    const created = await abra.appNew({
      recipe: settings.recipe,
      server: config.server,
      domain,
      secrets: true,
      chaos: true,
    });
    for (const s of created.secrets) ctx.redactor.add(s.value);
    const appEnv: Record<string, string> = { ...ctx.meta.EXTRA_ENV };
    // A warm instance outlives the run's cold deps: it points at the deps' warm instances.
    for (const dep of ctx.meta.DEPS)
      appEnv[`${envName(dep)}_DOMAIN`] = warmDomain(dep, config.ciDomain);
    const envFile = join(config.sharedAbraDir, 'servers', config.server, `${domain}.env`);
    if (overlay) appEnv['COMPOSE_FILE'] = withCiOverlay(readEnvValues(envFile));
    if (Object.keys(appEnv).length > 0) setEnvValues(envFile, appEnv);
    await abra.deploy({
      domain,
      chaos: true,
      noDomainChecks: true,
      timeoutSec: ctx.meta.DEPLOY_TIMEOUT,
    });
    const serving = await waitServing(
      { gatewayUrl: config.gatewayUrl, domain },
      ctx.meta.HEALTH_PATH,
      ctx.meta.HEALTH_OK,
      ctx.meta.HTTP_TIMEOUT * 1000,
    );
    if (!serving.ok) throw new InfraError(`${domain} is not serving: ${serving.last}`);
    writeRecord(
      warmCredentialsDir(config.sharedAbraDir, domain),
      Object.fromEntries(created.secrets.map((s) => [s.name, s.value])),
      {
        recipe: settings.recipe,
        version,
        runId: settings.runId,
        promotedAt: new Date().toISOString(),
      },
    );
    ctx.log.info(
      `keeping warm: ${domain} serves ${version} (promoted in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (error) {
    ctx.log.warn(
      `keeping warm failed, no warm instance of ${settings.recipe} is kept: ${(error as Error).message}`,
    );
    if (lock)
      await removeWarm(io, domain).catch((e: Error) =>
        ctx.log.warn(`keeping warm: cleanup of ${domain} failed: ${e.message}`),
      );
  } finally {
    rmSync(paths.runDir, { recursive: true, force: true });
    await lock?.release().catch(() => {});
  }
}

/** One 0600 file per secret and `.warm.json`, in a 0700 temp dir renamed over `dir`. */
function writeRecord(dir: string, secrets: Record<string, string>, record: WarmRecord): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  for (const [name, value] of Object.entries(secrets)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) continue;
    writeFileSync(join(tmp, name), value, { mode: 0o600 });
  }
  writeFileSync(join(tmp, '.warm.json'), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

function withoutSignal<T extends { signal?: AbortSignal }>(o: T): Omit<T, 'signal'> {
  const { signal: _ended, ...rest } = o;
  return rest;
}
