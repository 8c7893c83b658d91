import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { type Abra, setEnvValues } from '@ccci/abra';
import { appDomain, prepareRunDir, runStatePaths, stackName } from '@ccci/lock';
import { createRedactor } from '@ccci/redact';
import { onTestFinished } from 'vitest';
import { type EngineConfig, newRunState, type RunCtx } from '../../src/context.js';
import { closeHooks } from '../../src/hooks.js';
import type { RunSettings } from '../../src/settings.js';
import { createRunLog } from '../../src/support/log.js';
import { DEFAULT_META, loadMeta, type RunMeta } from '../../src/support/meta.js';
import { Progress } from '../../src/support/progress.js';
import { FakeAbra } from './fake-abra.js';
import { type FakeApp, startFakeApp } from './fake-app.js';
import { FakeProc } from './fake-proc.js';
import { type FakeService, FakeSwarm } from './fake-swarm.js';
import { BASE_RELEASE, recipeRepo } from './recipe-repo.js';

interface TestCtxOptions {
  /** Recipe name. Default `web`. */
  recipe?: string;
  /**
   * What a deploy brings up. Default one service `app`, healthy, 1/1, labelled
   * `backupbot.backup=true`, with the named volume `data` at /data.
   */
  services?: FakeService[];
  /**
   * Files of the operator enrolment `recipes/<recipe>/` (path → text, or text and mode), read
   * by the real loader into `ctx.loaded` and `ctx.meta`: `recipe_meta.yml`,
   * `tests/functional/<test>` (mode 0o755). Default: no enrolment.
   */
  enrolment?: Record<string, string | { text: string; mode: number }>;
  /**
   * Meta over the defaults (and the enrolment's). The defaults are DEFAULT_META except
   * `SCREENSHOT: false` (no Chromium) and `HTTP_TIMEOUT: 20`; set `HTTP_TIMEOUT: 0` where the
   * first answer must decide.
   */
  meta?: Partial<RunMeta>;
  /**
   * The app is already deployed at this version, as after a passed install: env file, swarm
   * stack, `appCreated`, `deployedVersion`, and the upgrade base {@link BASE_RELEASE}. `true`:
   * at BASE_RELEASE. Default false (nothing exists yet).
   */
  installed?: boolean | string;
  settings?: Partial<RunSettings>;
}

interface TestRun {
  ctx: RunCtx;
  /** `ctx.abra`; `abra.uncounted()`'s calls are in the same `calls`. */
  abra: FakeAbra;
  swarm: FakeSwarm;
  /** `ctx.proc`: docker from the swarm, the rest real. */
  proc: FakeProc;
  /** The gateway and the app behind it (`ctx.http`). */
  app: FakeApp;
  /** What the progress view printed (timestamped lines). */
  progress(): string;
  /** Closes the run log (once) and returns its text (pino JSON lines). */
  logText(): Promise<string>;
  /** The teardown funnel opening: `state.abortReason` set, then `ctx.signal` aborted. */
  abort(reason?: string): void;
  /**
   * Starts `climb` with abra's next `op` hanging, opens the funnel (`abort(reason)`) once that
   * call has started, and returns what `climb` returned.
   */
  cancelDuring<T>(op: keyof Abra, climb: () => Promise<T>, reason?: string): Promise<T>;
}

/** A rung's recorded checks, one `name: status` each, in order. */
export const checks = (r: { tests: { name: string; status: string }[] }): string[] =>
  r.tests.map((t) => `${t.name}: ${t.status}`);

/** Meta defaults for unit tests: no Chromium, and a failing wait ends in seconds. */
// Waits end as soon as the fake answers; 20 s only matters on a loaded machine (5 s failed there).
const TEST_META: Partial<RunMeta> = { SCREENSHOT: false, HTTP_TIMEOUT: 20 };

const DEFAULT_SERVICES: FakeService[] = [
  {
    name: 'app',
    labels: { 'backupbot.backup': 'true' },
    volumes: [{ volume: 'data', target: '/data' }],
  },
];

/**
 * A complete {@link RunCtx} without Docker: real temp run dirs (prepareRunDir), a real git
 * clone of a recipe, a real redactor and run log, FakeAbra and FakeProc over one FakeSwarm,
 * and a loopback FakeApp as the gateway. Everything is closed and removed when the test ends.
 */
export async function testCtx(options: TestCtxOptions = {}): Promise<TestRun> {
  const root = mkdtempSync(join(tmpdir(), 'ccci-unit-'));
  const recipe = options.recipe ?? 'web';
  const runId = `unit-${Math.random().toString(36).slice(2, 8)}`;
  const config = engineConfig(root);
  const paths = runStatePaths({ runsDir: config.runsDir, runId });
  await prepareRunDir({ paths, sharedAbraDir: config.sharedAbraDir });
  const domain = appDomain(recipe, config.ciDomain);
  const stack = stackName(domain);
  const recipeDir = join(paths.abraDir, 'recipes', recipe);
  const clone = recipeRepo(recipeDir);

  const redactor = createRedactor({ secretsDir: false });
  let printed = '';
  const progress = new Progress(
    new Writable({
      write(chunk, _enc, done) {
        printed += String(chunk);
        done();
      },
    }),
  );
  const log = createRunLog(join(paths.artifactsDir, 'run.log'), redactor, progress);
  const childMs = { abra: 0, docker: 0, git: 0, other: 0 };
  const childIntervals: RunCtx['childIntervals'] = [];
  const swarm = new FakeSwarm(options.services ?? DEFAULT_SERVICES);
  const proc = new FakeProc(swarm, {
    output: (source, text) => log.output(source, text),
    childTime: (kind, start, end, label) => {
      const k = kind === 'docker' || kind === 'git' ? kind : 'other';
      childMs[k] += end - start;
      childIntervals.push([k, start, end, label]);
    },
  });
  const abra = new FakeAbra({
    swarm,
    abraDir: paths.abraDir,
    deployCountFile: paths.deployCountFile,
  });
  const app = await startFakeApp(domain);
  const controller = new AbortController();
  const state = newRunState();

  const loaded = options.enrolment ? enrol(root, recipe, options.enrolment) : undefined;
  const explicit = new Set(loaded?.recipe.set.map((s) => s.key) ?? []);
  const defaults = Object.entries(TEST_META).filter(([k]) => !explicit.has(k));
  const ctx: RunCtx = {
    settings: {
      recipe,
      ref: 'main',
      sha: undefined,
      src: recipeDir,
      pr: undefined,
      stages: ['install', 'upgrade', 'backup_restore', 'functional', 'lint'],
      quick: false,
      runId,
      keepOnFailureMin: undefined,
      ...options.settings,
    },
    config: { ...config, gatewayUrl: app.url },
    paths,
    domain,
    stack,
    recipeDir,
    envFile: join(paths.abraDir, 'servers', config.server, `${domain}.env`),
    log,
    progress,
    proc,
    redactor,
    abra,
    abraUncounted: abra.uncounted(),
    signal: controller.signal,
    http: app.target,
    lock: undefined,
    clone,
    loaded,
    meta: {
      ...(loaded?.meta ?? structuredClone(DEFAULT_META)),
      ...Object.fromEntries(defaults),
      ...options.meta,
    } as RunMeta,
    state,
    childMs,
    childIntervals,
  };
  if (options.installed)
    install(ctx, swarm, options.installed === true ? BASE_RELEASE : options.installed);

  const abort = (reason = 'SIGTERM received') => {
    state.abortReason = reason;
    controller.abort();
  };
  let closed: Promise<void> | undefined;
  const closeLog = () => {
    closed ??= log.close();
    return closed;
  };
  onTestFinished(async () => {
    closeHooks(ctx);
    controller.abort();
    await app.close();
    await closeLog();
    progress.stop();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    ctx,
    abra,
    swarm,
    proc,
    app,
    progress: () => printed,
    logText: async () => {
      await closeLog();
      return readFileSync(log.file, 'utf8');
    },
    abort,
    cancelDuring: async (op, climb, reason) => {
      abra.hangNext(op);
      const climbing = climb();
      await abra.started(op);
      abort(reason);
      return climbing;
    },
  };
}

function engineConfig(root: string): EngineConfig {
  return {
    runsDir: join(root, 'runs'),
    sharedAbraDir: join(root, 'abra'),
    locksDir: join(root, 'locks'),
    ciDomain: 'ci.localhost',
    server: 'default',
    enrolmentDir: join(root, 'recipes'),
    gatewayUrl: undefined,
    deadlineMs: 60 * 60_000,
    abraBin: 'abra',
    chromium: '/nonexistent/chromium',
    reportUrl: undefined,
    reportKey: undefined,
    spoolDir: join(root, 'spool'),
    depSrcTemplate: '',
    lastGreenVersion: undefined,
    allowOrphan: true,
    secretsDir: join(root, 'secrets'),
    lockWaitMs: 0,
  };
}

/** The operator enrolment written to `<root>/recipes/<recipe>/` and loaded by the real loader. */
function enrol(root: string, recipe: string, files: NonNullable<TestCtxOptions['enrolment']>) {
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, 'recipes', recipe, path);
    mkdirSync(dirname(file), { recursive: true });
    const { text, mode } = typeof content === 'string' ? { text: content, mode: 0o644 } : content;
    writeFileSync(file, text);
    chmodSync(file, mode);
  }
  return loadMeta(join(root, 'recipes'), recipe);
}

/** The app as a passed install leaves it, deployed at `version` (the upgrade base). */
function install(ctx: RunCtx, swarm: FakeSwarm, version: string): void {
  mkdirSync(dirname(ctx.envFile), { recursive: true });
  writeFileSync(ctx.envFile, '');
  setEnvValues(ctx.envFile, { TYPE: ctx.settings.recipe, DOMAIN: ctx.domain });
  swarm.deploy(ctx.stack, version);
  ctx.state.appCreated = true;
  ctx.state.deployedVersion = version;
  ctx.state.deployCount = 1;
  ctx.state.base = { version, source: 'previous release', note: 'the previous release' };
  ctx.state.rungs.set('install', {
    name: 'install',
    status: 'pass',
    durationMs: 0,
    tests: [],
  });
}
