import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { RunStateEnvError } from './errors.js';

/** Every path one harness process owns for one run. Keyed by run id and pid, never by domain. */
export interface RunStatePaths {
  /** `<runsDir>/<runId>.<pid>`: everything below belongs to this process alone. */
  readonly runDir: string;
  /** The run's `ABRA_DIR`: `servers/` and `catalogue/` linked to the shared dir, own `recipes/`. */
  readonly abraDir: string;
  /** Run-state files (deploy counter, op state, deps, dep-skip report) live here. */
  readonly stateDir: string;
  /** Deploys made so far (a decimal integer and a newline). */
  readonly deployCountFile: string;
  /** The operation in progress (JSON), read by teardown. */
  readonly opStateFile: string;
  /** Provisioned dependencies (JSON). */
  readonly depsFile: string;
  /** Dependencies skipped and why (JSON). */
  readonly depSkipFile: string;
  /** Screenshots, logs, results before they travel to the bot. */
  readonly artifactsDir: string;
}

export interface RunStatePathsOptions {
  /** Root of all run dirs (absolute). */
  runsDir: string;
  /** The run id given by the dispatcher: [A-Za-z0-9][A-Za-z0-9_-]*, at most 128 characters. */
  runId: string;
  /** The harness process id (default: `process.pid`). */
  pid?: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Throws a TypeError unless `runId` is a safe single path segment. */
export function assertRunId(runId: unknown): asserts runId is string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw new TypeError(
      `runId: expected 1-128 characters of [A-Za-z0-9_-] starting with a letter or digit, found ${JSON.stringify(runId)}`,
    );
  }
}

/** Throws a TypeError unless `pid` is a positive integer. */
export function assertPid(pid: unknown, option = 'pid'): asserts pid is number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    throw new TypeError(`${option}: expected a positive integer, found ${JSON.stringify(pid)}`);
  }
}

/** The run dir of one harness process: `<runsDir>/<runId>.<pid>`. */
export function runDirOf(runsDir: string, runId: string, pid: number): string {
  return join(runsDir, `${runId}.${pid}`);
}

/** Computes (does not create) the paths of one run, keyed by run id and harness pid. */
export function runStatePaths(options: RunStatePathsOptions): RunStatePaths {
  const { runsDir, runId, pid = process.pid } = options;
  if (typeof runsDir !== 'string' || !isAbsolute(runsDir)) {
    throw new TypeError(`runsDir: expected an absolute path, found ${JSON.stringify(runsDir)}`);
  }
  assertRunId(runId);
  assertPid(pid);
  const runDir = runDirOf(resolve(runsDir), runId, pid);
  const stateDir = join(runDir, 'state');
  return {
    runDir,
    abraDir: join(runDir, 'abra'),
    stateDir,
    deployCountFile: join(stateDir, 'deploy-count'),
    opStateFile: join(stateDir, 'op-state.json'),
    depsFile: join(stateDir, 'deps.json'),
    depSkipFile: join(stateDir, 'dep-skip.json'),
    artifactsDir: join(runDir, 'artifacts'),
  };
}

/** The variables a run hands to its children (abra wrapper, hooks, test runners). */
export interface RunStateEnv {
  CCCI_DEPLOY_COUNT_FILE: string;
  CCCI_OP_STATE_FILE: string;
  CCCI_DEPS_FILE: string;
  CCCI_DEP_SKIP_FILE: string;
  CCCI_RUN_DIR: string;
  ABRA_DIR: string;
}

const ENV_KEYS = {
  CCCI_DEPLOY_COUNT_FILE: 'deployCountFile',
  CCCI_OP_STATE_FILE: 'opStateFile',
  CCCI_DEPS_FILE: 'depsFile',
  CCCI_DEP_SKIP_FILE: 'depSkipFile',
  CCCI_RUN_DIR: 'runDir',
  ABRA_DIR: 'abraDir',
} as const satisfies Record<keyof RunStateEnv, keyof RunStatePaths>;

/** The environment variables that tell a child the exact run-state paths. */
export function toEnv(paths: RunStatePaths): RunStateEnv {
  return {
    CCCI_DEPLOY_COUNT_FILE: paths.deployCountFile,
    CCCI_OP_STATE_FILE: paths.opStateFile,
    CCCI_DEPS_FILE: paths.depsFile,
    CCCI_DEP_SKIP_FILE: paths.depSkipFile,
    CCCI_RUN_DIR: paths.runDir,
    ABRA_DIR: paths.abraDir,
  };
}

/** What a child learns from {@link toEnv}: the run-state files, the run dir and `ABRA_DIR`. */
export type ChildRunState = Pick<
  RunStatePaths,
  'deployCountFile' | 'opStateFile' | 'depsFile' | 'depSkipFile' | 'runDir' | 'abraDir'
>;

/**
 * Reads the run-state paths in a child. Throws {@link RunStateEnvError} naming the variable
 * when one is missing or not an absolute path — a child never guesses a path from a domain.
 */
export function fromEnv(env: Record<string, string | undefined> = process.env): ChildRunState {
  const out: Partial<Record<keyof ChildRunState, string>> = {};
  for (const [name, key] of Object.entries(ENV_KEYS) as [
    keyof RunStateEnv,
    keyof ChildRunState,
  ][]) {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new RunStateEnvError(
        name,
        `${name} is not set: expected an absolute path set by harness-runner. Start this process from the harness (it exports all CCCI_*_FILE variables).`,
      );
    }
    if (!isAbsolute(value)) {
      throw new RunStateEnvError(
        name,
        `${name}: expected an absolute path, found ${JSON.stringify(value)}. Start this process from the harness.`,
      );
    }
    out[key] = value;
  }
  return out as ChildRunState;
}

export interface PrepareRunDirOptions {
  /** The paths from {@link runStatePaths}. */
  paths: RunStatePaths;
  /** The shared abra dir whose `servers/` and `catalogue/` the run links to (absolute). */
  sharedAbraDir: string;
}

/**
 * Creates the run dir: `abra/servers` and `abra/catalogue` as symlinks into the shared abra
 * dir (created there when missing), a fresh `abra/recipes/`, `state/` with a zero deploy
 * counter, and `artifacts/`. Fails with EEXIST if the run dir already exists: a run dir is
 * never shared.
 */
export async function prepareRunDir(options: PrepareRunDirOptions): Promise<void> {
  const { paths, sharedAbraDir } = options;
  if (typeof sharedAbraDir !== 'string' || !isAbsolute(sharedAbraDir)) {
    throw new TypeError(
      `sharedAbraDir: expected an absolute path, found ${JSON.stringify(sharedAbraDir)}`,
    );
  }
  await mkdir(join(paths.runDir, '..'), { recursive: true });
  // Non-recursive on purpose: EEXIST here means another process owns this dir.
  // Closed to others: the code a run hands to the sandbox's user is reachable only inside it.
  await mkdir(paths.runDir, { mode: 0o700 });
  await mkdir(paths.abraDir);
  for (const shared of ['servers', 'catalogue']) {
    await mkdir(join(sharedAbraDir, shared), { recursive: true });
    await symlink(join(sharedAbraDir, shared), join(paths.abraDir, shared), 'dir');
  }
  await mkdir(join(paths.abraDir, 'recipes'));
  await mkdir(paths.stateDir);
  await mkdir(paths.artifactsDir);
  await writeFile(paths.deployCountFile, '0\n');
}

/** Removes the run dir (the symlinks, not the shared abra dir behind them). */
export async function removeRunDir(paths: Pick<RunStatePaths, 'runDir'>): Promise<void> {
  await rm(paths.runDir, { recursive: true, force: true });
}

/** Reads a deploy counter file; a missing file is an error (the run dir was not prepared). */
export async function readDeployCount(file: string): Promise<number> {
  const text = (await readFile(file, 'utf8')).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new TypeError(
      `${file}: expected a deploy count (an integer), found ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Adds one deploy to the counter file (write-then-rename, so readers never see half a number). */
export async function addDeploy(file: string): Promise<number> {
  const next = (await readDeployCount(file)) + 1;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${next}\n`);
  await rename(tmp, file);
  return next;
}
