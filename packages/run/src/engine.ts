import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createAbra } from '@ccci/abra';
import {
  defaultRegistry,
  EXIT_CODES,
  installLifetimeGuards,
  type LifetimeGuards,
  type ShutdownReason,
} from '@ccci/lifetime';
import {
  acquireDomainLock,
  appDomain,
  prepareRunDir,
  readDeployCount,
  runStatePaths,
  stackName,
  toEnv,
} from '@ccci/lock';
import { createRedactor } from '@ccci/redact';
import { validateResults } from '@ccci/results';
import { runChildEnv } from './child-env.js';
import { type EngineConfig, newRunState, type RunCtx } from './context.js';
import { warnUnmaskable } from './credentials.js';
import { guardDeploys, runDeployGuard } from './deploy-policy.js';
import { RefusedError } from './errors.js';
import { closeHooks, recipeHooks } from './hooks.js';
import { createLiveFeed } from './live-client.js';
import { provisionDeps } from './phases/deps.js';
import { fetchRecipe, policyCheck, previewDeploys, startJanitor } from './phases/prepare.js';
import { summary, writeProvisionalResults, writeReport } from './phases/report.js';
import { teardown } from './phases/teardown.js';
import { liveWarmVersion, promoteWarm, shouldKeepWarm } from './phases/warm.js';
import { sendReport } from './report-client.js';
import { climbRungs, planRungs } from './rungs/ladder.js';
import { markRung } from './rungs/runner.js';
import type { RungName, RunSettings } from './settings.js';
import { targetTip } from './support/git.js';
import { createRunLog } from './support/log.js';
import { DEFAULT_META } from './support/meta.js';
import { watchPlacement } from './support/placement.js';
import { Proc } from './support/proc.js';
import { Progress } from './support/progress.js';
import { bwrapWorks, sandboxHost } from './support/sandbox.js';
import { closeScreenshot } from './support/screenshot.js';
import { commandKind, newChildTimes, recordChild, timedAbra, timing } from './timing.js';
import { resolveUpgradeBase } from './upgrade-base.js';

/** Exit statuses of a run (signals and the deadline come from @ccci/lifetime: 143/130/129/124). */
export const RUN_EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, ...EXIT_CODES } as const;

export interface RunHarnessOptions {
  settings: RunSettings;
  config: EngineConfig;
  /** Progress and the summary. Default process.stdout. */
  stdout?: Writable & { isTTY?: boolean };
  /** Default process.exit. */
  exit?: (code: number) => void;
  /**
   * What every child's environment starts from, without the report key (child-env.ts). Default
   * process.env, which the run never changes.
   */
  env?: Record<string, string | undefined>;
}

/**
 * One complete run (TIERS-AND-LEVELS.md): guards, prepare, deps, the single base deploy, the
 * rungs, and — through the one teardown funnel, whatever ends the run — teardown and report.
 * Ends the process through `exit` with a {@link RUN_EXIT} status.
 */
export async function runHarness(options: RunHarnessOptions): Promise<void> {
  const { settings, config } = options;
  const stdout = options.stdout ?? process.stdout;
  let ctx: RunCtx | undefined;
  const guards: LifetimeGuards = installLifetimeGuards({
    deadlineMs: config.deadlineMs,
    allowOrphan: config.allowOrphan,
    exit: options.exit ?? ((c) => process.exit(c)),
    // The guards start before the run's log exists, and what they say (a signal, the deadline,
    // a stuck teardown) belongs in the progress view and the live feed too, not only in the file.
    log: {
      info: (fields, m) => ctx?.log.info(m, fields),
      warn: (fields, m) => (ctx ? ctx.log.warn(m, fields) : stdout.write(`warning: ${m}\n`)),
      error: (fields, m) => (ctx ? ctx.log.error(m, fields) : stdout.write(`error: ${m}\n`)),
    },
    onShutdown: async (reason) => {
      if (ctx) await finish(ctx, reason);
    },
  });
  try {
    ctx = await createRun(settings, config, stdout, guards.signal, options.env ?? process.env);
  } catch (error) {
    stdout.write(`error: cannot prepare the run: ${(error as Error).message}\n`);
    await guards.shutdown('done', RUN_EXIT.failed);
    return;
  }
  const run = ctx;
  const code = await climb(run, guards).catch((error: Error) => {
    run.log.error(`run failed: ${error.message}`);
    run.state.abortReason ??= error.message;
    return RUN_EXIT.failed;
  });
  await guards.shutdown('done', code);
}

async function createRun(
  settings: RunSettings,
  config: EngineConfig,
  stdout: Writable & { isTTY?: boolean },
  signal: AbortSignal,
  env: Record<string, string | undefined>,
): Promise<RunCtx> {
  const paths = runStatePaths({ runsDir: config.runsDir, runId: settings.runId });
  await prepareRunDir({ paths, sharedAbraDir: config.sharedAbraDir });
  // Every temporary folder of the run (the screenshot's Chromium profile and Playwright's
  // artifacts, screenshot.ts; each child's TMPDIR) lives in the run's folder: a run killed with
  // SIGKILL leaves them where the janitor removes its folder.
  const tmp = join(paths.runDir, 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  // The run-scoped report key never reaches a child (abra, docker, git, Chromium, custom tests).
  const childEnv = runChildEnv(env, tmp);
  // Operator secrets from the secrets dir, the report key, and later each app secret abra makes.
  const redactor = createRedactor({ secretsDir: config.secretsDir });
  if (config.reportKey) redactor.add(config.reportKey, { name: 'report key' });
  const progress = new Progress(stdout);
  // What people follow on the run page and in the PR comment, streamed as it happens.
  const feed =
    config.reportUrl && config.reportKey
      ? createLiveFeed({ url: config.reportUrl, key: config.reportKey, runId: settings.runId })
      : undefined;
  const log = createRunLog(join(paths.artifactsDir, 'run.log'), redactor, progress, feed);
  const domain = appDomain(settings.recipe, config.ciDomain);
  const times = newChildTimes();
  const sandbox = sandboxHost({
    hidden: [
      config.secretsDir,
      config.sharedAbraDir,
      config.runsDir,
      config.locksDir,
      config.spoolDir,
    ],
    untrustedUserName: config.untrustedUser,
    runId: settings.runId,
  });
  if (!bwrapWorks(sandbox)) {
    log.warn(
      `recipe code runs WITHOUT a sandbox: ${sandbox.bwrap ? 'bwrap cannot create a user namespace here' : 'bwrap (bubblewrap) is not installed'}; it sees what the harness's user sees (docs/architecture.md#recipe-code-sandbox)`,
    );
    sandbox.bwrap = undefined;
  }
  const proc = new Proc(
    {
      output: (source, text) => log.output(source, text),
      mask: (text) => redactor.redactString(text),
      childTime: (command, start, end, label) =>
        recordChild(times, commandKind(command), start, end, label),
    },
    undefined,
    sandbox,
    childEnv,
  );
  const abraOptions = {
    abraDir: paths.abraDir,
    bin: config.abraBin,
    env: { ...childEnv, ...toEnv(paths) },
    inheritEnv: false,
    onOutput: (chunk: string) => log.output('abra', chunk),
    log: log.pino,
    // The funnel's registry: a signal aborts every abra call and waits for its tree to die
    // before teardown looks at the swarm.
    registry: defaultRegistry,
  };
  const state = newRunState();
  log.info(`run ${settings.runId}: ${settings.recipe} at ${settings.ref} as ${domain}`);
  // Secrets read before the log existed (the secrets folder, the report key) too short to mask.
  warnUnmaskable({ redactor, log });
  const ctx: RunCtx = {
    settings,
    config,
    paths,
    domain,
    stack: stackName(domain),
    recipeDir: join(paths.abraDir, 'recipes', settings.recipe),
    envFile: join(paths.abraDir, 'servers', config.server, `${domain}.env`),
    log,
    progress,
    proc,
    redactor,
    abra: timedAbra(createAbra({ ...abraOptions, deployCountFile: paths.deployCountFile }), times),
    // The in-place upgrade redeploy is not a new deploy: its client has no counter file.
    abraUncounted: timedAbra(
      createAbra({ ...abraOptions, env: { ...abraOptions.env, CCCI_DEPLOY_COUNT_FILE: '' } }),
      times,
    ),
    signal,
    http: { gatewayUrl: config.gatewayUrl, domain },
    lock: undefined,
    clone: undefined,
    loaded: undefined,
    meta: structuredClone(DEFAULT_META),
    state,
    ...times,
  };
  // Every deploy of the run goes through the compose policy first (deploy-policy.ts).
  const guard = runDeployGuard(ctx, paths.abraDir);
  // …and is watched while it waits: a task the swarm cannot place is the host's problem.
  ctx.abra = guardDeploys(watchPlacement(ctx.abra, { proc }), guard);
  ctx.abraUncounted = guardDeploys(watchPlacement(ctx.abraUncounted, { proc }), guard);
  return ctx;
}

/** Prepare → deps → base deploy + rungs. Returns the exit status of a run that was not cut short. */
async function climb(ctx: RunCtx, guards: LifetimeGuards): Promise<number> {
  const { settings, config, state } = ctx;
  ctx.log.step('prepare', `lock ${ctx.domain}`);
  ctx.lock = await acquireDomainLock({
    locksDir: config.locksDir,
    domain: ctx.domain,
    owner: { runId: settings.runId },
    waitMs: config.lockWaitMs,
    onWait: (holder) =>
      ctx.log.info(
        `waiting for the lock of ${ctx.domain}${holder ? ` (held by run ${holder.runId})` : ''}`,
      ),
    onCompromised: (error) => {
      state.lockLost = true;
      state.abortReason = `domain lock lost: ${error.message}`;
      ctx.log.error(state.abortReason);
      void guards.shutdown('done', RUN_EXIT.failed);
    },
  });
  // The janitor touches only stacks of dead runs, the clone only this run's own folder: they
  // run side by side (the janitor never throws), and the run goes on when both are done.
  const janitor = startJanitor(ctx);
  let tip: string | undefined;
  try {
    await fetchRecipe(ctx);
    policyCheck(ctx);
    // Recipe hooks are imported (in their own process) before anything is created.
    await recipeHooks(ctx);
    tip = await targetTip(ctx.proc, ctx.recipeDir);
    await janitor;
  } catch (error) {
    await janitor;
    if (!(error instanceof RefusedError)) throw error;
    state.refused = error.message;
    state.abortReason = 'refused before any deploy';
    ctx.log.error(error.message);
    for (const d of error.details) ctx.log.pino.error({ detail: d }, 'compose policy');
    return RUN_EXIT.refused;
  }
  const selected = (r: RungName) => settings.stages.includes(r);
  planRungs(ctx);

  const clone = ctx.clone!;
  state.base = resolveUpgradeBase({
    releases: clone.releases,
    headSha: clone.headSha,
    headTags: clone.headTags,
    explicit: ctx.meta.UPGRADE_BASE_VERSION ?? undefined,
    untestable: ctx.meta.UNTESTABLE_VERSIONS,
    lastGreen:
      config.lastGreenVersion ??
      (await liveWarmVersion(ctx, settings.recipe).catch(() => undefined)),
    targetTip: tip,
  });
  const upgradeRuns = !state.rungs.has('upgrade') && state.base.version !== undefined;
  ctx.log.info(`upgrade base: ${state.base.version ?? 'none'} (${state.base.note})`);
  try {
    if (selected('install'))
      await previewDeploys(ctx, upgradeRuns ? state.base.version : undefined);
  } catch (error) {
    if (!(error instanceof RefusedError) || ctx.signal.aborted) throw error;
    state.refused = error.message;
    state.abortReason = 'refused before any deploy';
    ctx.log.error(error.message);
    return RUN_EXIT.refused;
  }

  state.phase = 'deps';
  try {
    if (selected('install')) await provisionDeps(ctx);
  } catch (error) {
    if (ctx.signal.aborted) return RUN_EXIT.failed;
    const why = `dependency not provisioned: ${(error as Error).message}`;
    ctx.log.error(why);
    markRung(ctx, 'install', 'unver', why);
  }
  if (!(await climbRungs(ctx, upgradeRuns ? state.base.version : undefined)))
    return RUN_EXIT.failed;
  // A deploy refused at its door (deploy-policy.ts): nothing of it reached the swarm.
  if (state.refused) return RUN_EXIT.refused;
  state.deployCount = await readDeployCount(ctx.paths.deployCountFile).catch(
    () => state.deployCount,
  );
  // At most the budget: a run that failed before its deploy made fewer, and that is no error.
  if (state.appCreated && state.deployCount > state.budget) {
    ctx.log.error(
      `deploy budget: ${state.deployCount} deploys, budget ${state.budget} (1 + cold deps)`,
    );
    return RUN_EXIT.failed;
  }
  return RUN_EXIT.ok;
}

/** The funnel's work: record why, tear down, report, summarise. Never throws. */
async function finish(ctx: RunCtx, reason: ShutdownReason): Promise<void> {
  const { state } = ctx;
  if (reason !== 'done') {
    state.abortReason = reason === 'deadline' ? 'deadline reached' : `${reason} received`;
    const cur = state.current;
    if (cur) {
      const r = state.rungs.get(cur.rung);
      if (r && r.reason === 'started') {
        r.status = 'unver';
        r.reason = `interrupted during ${cur.step}: ${state.abortReason}`;
      }
    }
    for (const [, r] of state.rungs) {
      if (r.reason === 'started') {
        r.status = 'unver';
        r.reason = `interrupted: ${state.abortReason}`;
      }
    }
  }
  state.deployCount = await readDeployCount(ctx.paths.deployCountFile).catch(
    () => state.deployCount,
  );
  if (reason !== 'done') await writeProvisionalResults(ctx);
  closeHooks(ctx);
  const torn = Promise.all([
    teardown(ctx, { reason }).catch((error: Error) =>
      ctx.log.error(`teardown failed: ${error.message}`),
    ),
    closeScreenshot(ctx),
  ]);
  // While abra and docker remove the app (seconds), compile the results schema the report
  // validates against (compiled on first use; ~0.2 s of CPU that would otherwise come after).
  validateResults(null);
  await torn;
  const results = await writeReport(ctx).catch((error: Error) => {
    ctx.log.error(`report failed: ${error.message}`);
    return undefined;
  });
  await ctx.log.closeLive();
  if (ctx.config.reportUrl && ctx.config.reportKey) {
    const sent = await sendReport({
      url: ctx.config.reportUrl,
      key: ctx.config.reportKey,
      runId: ctx.settings.runId,
      artifactsDir: ctx.paths.artifactsDir,
      spoolDir: ctx.config.spoolDir,
      log: (m) => ctx.log.warn(m),
    });
    if (sent.sent) ctx.log.info('report sent to trigger-bot');
    else ctx.log.warn(`report not delivered (${sent.reason}); spooled in ${sent.spooled}`);
  }
  // After the results are final: the warm instance is not part of the run (nor its budget).
  const keep =
    reason === 'done'
      ? shouldKeepWarm({
          warmCanonical: ctx.meta.WARM_CANONICAL === true,
          pr: ctx.settings.pr,
          rungs: results?.rungs,
          flags: results?.flags,
        })
      : { keep: false, why: `the run was cut short (${state.abortReason ?? reason})` };
  if (keep.keep) await promoteWarm(ctx);
  else if (ctx.meta.WARM_CANONICAL === true) ctx.log.info(`not keeping warm: ${keep.why}`);
  // The warm deploy's children (abra, docker) still use the run's TMPDIR: removed after it.
  rmSync(join(ctx.paths.runDir, 'tmp'), { recursive: true, force: true });
  ctx.log.pino.info(timing(ctx), 'timing');
  const text = summary(ctx, results);
  await ctx.log.close();
  ctx.progress.stop();
  ctx.progress.block(text);
}
