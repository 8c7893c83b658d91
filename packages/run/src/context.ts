import type { Abra } from '@ccci/abra';
import type { RungName, RungStatus } from '@ccci/contracts';
import type { DomainLock, RunStatePaths } from '@ccci/lock';
import type { Redactor } from '@ccci/redact';
import type { AddTestInput } from '@ccci/results';
import type { RunSettings } from './settings.js';
import type { Clone } from './support/git.js';
import type { HttpTarget } from './support/http.js';
import type { RunLog } from './support/log.js';
import type { LoadedMeta, RunMeta } from './support/meta.js';
import type { Proc } from './support/proc.js';
import type { Progress } from './support/progress.js';

/** Host-side settings of the harness (operator environment, not the run's parameters). */
export interface EngineConfig {
  /** Root of run dirs. Env CCCI_RUNS_DIR. */
  runsDir: string;
  /** The shared abra dir (servers/, catalogue/). Env CCCI_ABRA_DIR, default ~/.abra. */
  sharedAbraDir: string;
  /** Domain locks. Env CCCI_LOCKS_DIR, default <runsDir>/../locks. */
  locksDir: string;
  /** Apps are `<4>-<hex>.<ciDomain>`. Env CCCI_CI_DOMAIN, default ci.localhost. */
  ciDomain: string;
  /** abra server name. Env CCCI_SERVER, default `default`. */
  server: string;
  /** Operator enrolment: recipes/<name>/. Env CCCI_ENROLMENT_DIR. */
  enrolmentDir: string;
  /** Reach apps through this gateway (Host header routing). Env CCCI_GATEWAY_URL; none: https://<domain>. */
  gatewayUrl: string | undefined;
  /** Env CCCI_DEADLINE_MIN, default 60. */
  deadlineMs: number;
  /** abra executable. Env CCCI_ABRA_BIN, default `abra` on PATH. */
  abraBin: string;
  /** Env CCCI_CHROMIUM, default /usr/bin/chromium. */
  chromium: string;
  /** trigger-bot base URL for reports. Env CCCI_REPORT_URL. */
  reportUrl: string | undefined;
  /** Run-scoped report key. Env CCCI_REPORT_KEY_FILE (a file) or CCCI_REPORT_KEY. */
  reportKey: string | undefined;
  /** Unsent reports wait here. Env CCCI_SPOOL_DIR, default <runsDir>/../spool. */
  spoolDir: string;
  /** Clone URL of a dependency; `{recipe}` is replaced. Env CCCI_DEP_SRC. */
  depSrcTemplate: string;
  /** Version of the last green warm canonical deploy (stub input). Env CCCI_LAST_GREEN_VERSION. */
  lastGreenVersion: string | undefined;
  /** Allow starting with no live parent (local executor). Env CCCI_ALLOW_ORPHAN=1. */
  allowOrphan: boolean;
  /** Operator secret files to mask (one value per file). Env CCCI_SECRETS_DIR, default /run/secrets. */
  secretsDir: string;
  /** How long to wait for a busy domain lock. Default 10 min. */
  lockWaitMs: number;
  /**
   * One limit for every hook call and the import of hooks.ts, overriding the per-hook defaults
   * (READY_PROBE 60 s, SCREENSHOT 120 s, BACKUP_VERIFY 300 s, others 600 s). Env
   * CCCI_HOOK_TIMEOUT_S.
   */
  hookTimeoutMs?: number | undefined;
  /**
   * Where the card's fonts are, laid out as Debian installs them under /usr/share/fonts
   * (truetype/dejavu/…, opentype/noto/…). Env CCCI_FONTS_DIR, default /usr/share/fonts.
   */
  fontsDir?: string | undefined;
  /**
   * Prometheus textfile the janitor writes its pass to (proxy address use, stacks reaped), for
   * node_exporter's textfile collector. Env CCCI_METRICS_FILE.
   */
  metricsFile?: string | undefined;
  /**
   * The user recipe code runs as when the harness is root. Env CCCI_UNTRUSTED_USER; default a
   * uid of the run's own (sandbox.ts runUid).
   */
  untrustedUser?: string | undefined;
}

/** A test's outcome as a rung records it: results.json's test entry, `reason` optional. */
export type TestResult = AddTestInput;

export interface RungResult {
  name: RungName;
  status: RungStatus;
  reason?: string;
  durationMs: number;
  tests: TestResult[];
}

export interface DepApp {
  recipe: string;
  domain: string;
  warm: boolean;
}

export interface UpgradeBase {
  version: string | undefined;
  source: 'UPGRADE_BASE_VERSION' | 'warm canonical' | 'target branch' | 'previous release' | 'none';
  /** Why not, or which versions were stepped over. */
  note: string;
}

/** Mutable state of one run, read by teardown and report whatever happened. */
export interface RunState {
  startedAt: Date;
  phase: string;
  current: { rung: RungName; step: string } | undefined;
  appCreated: boolean;
  deps: DepApp[];
  base: UpgradeBase | undefined;
  deployedVersion: string | undefined;
  rungs: Map<RungName, RungResult>;
  manifest: string[];
  policy: string[];
  screenshot: string | undefined;
  /** What the screenshot shows: `head`, or the upgrade base's version it was taken of. */
  screenshotOf: string | undefined;
  lintFailed: { id: string; severity: 'error' | 'warn'; description: string }[];
  refused: string | undefined;
  budget: number;
  deployCount: number;
  cleanTeardown: boolean | undefined;
  teardownLeft: string;
  abortReason: string | undefined;
  lockLost: boolean;
}

/** The state of a run before anything happened: prepare phase, nothing created, budget 1. */
export function newRunState(): RunState {
  return {
    startedAt: new Date(),
    phase: 'prepare',
    current: undefined,
    appCreated: false,
    deps: [],
    base: undefined,
    deployedVersion: undefined,
    rungs: new Map(),
    manifest: [],
    policy: [],
    screenshot: undefined,
    screenshotOf: undefined,
    lintFailed: [],
    refused: undefined,
    budget: 1,
    deployCount: 0,
    cleanTeardown: undefined,
    teardownLeft: '',
    abortReason: undefined,
    lockLost: false,
  };
}

export interface RunCtx {
  settings: RunSettings;
  config: EngineConfig;
  paths: RunStatePaths;
  domain: string;
  stack: string;
  /** `<abraDir>/recipes/<recipe>`. */
  recipeDir: string;
  envFile: string;
  log: RunLog;
  progress: Progress;
  proc: Proc;
  redactor: Redactor;
  /** Counts deploys in the run's deploy counter. */
  abra: Abra;
  /** For the in-place upgrade redeploy, which is not a new deploy. */
  abraUncounted: Abra;
  /** Aborted when the teardown funnel opens. */
  signal: AbortSignal;
  http: HttpTarget;
  lock: DomainLock | undefined;
  clone: Clone | undefined;
  loaded: LoadedMeta | undefined;
  meta: RunMeta;
  state: RunState;
  /** Wall time of children by kind, and their intervals (overhead benchmark). */
  childMs: { abra: number; docker: number; git: number; other: number };
  childIntervals: [kind: string, start: number, end: number, label?: string][];
}
