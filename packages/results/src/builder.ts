import {
  isRungName,
  isRungStatus,
  RUNG_NAMES,
  type RungName,
  type RungStatus,
} from '@ccci/contracts';
import { MAX_DURATION_MS } from './bounds.js';
import { checkBuilderOptions, checkCount } from './builder-options.js';
import { capLintRules, createTestList, ownTestName } from './caps.js';
import { budgetOk, collectSkips, earlierStop } from './derive.js';
import { ResultsBuilderError } from './errors.js';
import { level } from './level.js';
import { RESULTS_SCHEMA_VERSION } from './schema.js';
import { clipText, visibleText } from './text.js';
import {
  type ArtifactName,
  type Artifacts,
  type FlagName,
  type Flags,
  type LintRule,
  NO_ARTIFACTS,
  type Results,
  type RungResult,
  type TestResult,
  UNKNOWN_FLAGS,
} from './types.js';
import { assertResults } from './validate.js';

export interface ResultsBuilderOptions {
  /** Recipe name (required). */
  recipe: string;
  /** Run id (required). */
  runId: string;
  /** Commit SHA under test (required; 40 or 64 lowercase hex). */
  sha: string;
  /** Git ref the run was asked for (required). */
  ref: string;
  /** Recipe version under test. Default `null`. */
  version?: string | null;
  /** Pull request number. Default `null` (branch run). */
  pr?: number | null;
  /** Link to the executor's page for this run. Default `null`. */
  executorUrl?: string | null;
  /** Deploy budget: 1 (base) + number of cold deps. Default 1; change later with setDeployBudget. */
  deployBudget?: number;
  /** A `--quick` run. Default `false`. */
  quick?: boolean;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /**
   * Applied to every free-text string (reasons, test names, lint descriptions) as it comes in,
   * e.g. `redactString` from @ccci/redact. Default: identity.
   */
  redact?: (text: string) => string;
}

/** A test as the builder takes it: a {@link TestResult} whose `reason` may be left out. */
export type AddTestInput = Omit<TestResult, 'reason'> & { reason?: string | null };

interface FinishOptions {
  /** Why the run stopped early; unreached rungs get "not reached: <reason>". */
  abortReason?: string;
}

/** Fills results.json as a run goes; `finish()` returns validated Results. */
export interface ResultsBuilder {
  /** Starts a rung (each rung at most once); the rung before it, if still open, must be finished. */
  startRung(name: RungName): void;
  /** Finishes the open rung with a status and reason; records its wall time. */
  finishRung(status: RungStatus, reason?: string | null): void;
  /**
   * Records a rung without starting it: one that never runs (e.g. an intentional skip), or one
   * timed elsewhere (`durationMs`, default `null`).
   */
  setRung(
    name: RungName,
    status: RungStatus,
    reason?: string | null,
    durationMs?: number | null,
  ): void;
  /**
   * Adds a test to the named rung, or to the open rung when `rung` is omitted. Past 5 000 tests
   * in a rung, passes make way for failures and the rest are summed up in a last entry
   * "N more tests not shown". A blank name becomes "(unnamed test)"; `ms` is clamped to 0…a week.
   */
  addTest(test: AddTestInput, rung?: RungName): void;
  /**
   * Records `abra recipe lint`'s unsatisfied rules; past 500, errors first and a last rule `…`
   * "N more rules not shown". A blank id becomes "(no id)".
   */
  setLint(rules: readonly LintRule[]): void;
  /** Counts one deploy (the base deploy, each cold dep). */
  countDeploy(): void;
  setDeployBudget(budget: number): void;
  /** Sets a flag; `deploy_budget_ok` is derived at finish unless set here. */
  setFlag(name: FlagName, value: boolean | null): void;
  /** The customization manifest (opaque here; @ccci/recipe-meta owns its shape). */
  setManifest(manifest: Record<string, unknown> | null): void;
  addArtifact(kind: ArtifactName, fileName: string): void;
  /** Records why the run stops early (first call wins); used for unreached rungs. */
  abort(reason: string): void;
  /** The rung currently open, if any. */
  readonly currentRung: RungName | null;
  /** Closes everything and returns Results; throws ResultsSchemaError if they are invalid (a bug). */
  finish(options?: FinishOptions): Results;
}

const MAX_REASON = 1000;
const MAX_TRACKED_NAMES = 5000;
const MAX_NAME = 300;

/** A wall time as results.json holds it: a whole number of ms, 0…a week (NaN → 0). */
function boundedMs(ms: number): number {
  return Number.isFinite(ms)
    ? Math.min(MAX_DURATION_MS, Math.max(0, Math.round(ms)))
    : ms > 0
      ? MAX_DURATION_MS
      : 0;
}

/** Creates a builder; invalid options throw a TypeError naming the option. */
export function createResultsBuilder(options: ResultsBuilderOptions): ResultsBuilder {
  const { recipe, runId, sha, ref, version, pr, executorUrl, clock, redact } =
    checkBuilderOptions(options);

  // Redacted as a reader sees it (a secret cut by a terminal escape or an invisible character
  // reads whole), then clipped between graphemes (a secret cut in half would not be recognised).
  const cleanText = (text: string, max: number) => clipText(redact(visibleText(text)), max);
  const cleanReason = (reason: string | null | undefined) =>
    reason == null || reason.trim() === '' ? null : cleanText(reason, MAX_REASON);

  const startedAt = clock();
  if (!Number.isFinite(startedAt)) {
    throw new TypeError(`createResultsBuilder: option clock returned ${String(startedAt)}`);
  }
  const rungs = new Map<RungName, RungResult>();
  const tests = new Map(RUNG_NAMES.map((n) => [n, createTestList()]));
  // Names of tests that did not pass, per rung, to spot a retry that passed (flaky). Bounded:
  // a rung of millions of tests must not take the harness's memory.
  const notPassed = new Map(RUNG_NAMES.map((n) => [n, new Set<string>()]));
  let open: { name: RungName; started: number } | null = null;
  let abortReason: string | null = null;
  let lint: LintRule[] = [];
  let deploys = 0;
  let budget = options.deployBudget ?? 1;
  const flags: Flags = { ...UNKNOWN_FLAGS, quick: options.quick ?? false, flaky: false };
  let budgetFlagSet = false;
  let manifest: Record<string, unknown> | null = null;
  const artifacts: Artifacts = { ...NO_ARTIFACTS };
  let finished = false;

  const guard = (what: string) => {
    if (finished) throw new ResultsBuilderError(`${what}() called after finish()`);
  };
  const checkRung = (what: string, name: unknown): RungName => {
    if (!isRungName(name)) {
      throw new ResultsBuilderError(
        `${what}: unknown rung ${JSON.stringify(name)}; expected one of ${RUNG_NAMES.join(', ')}`,
      );
    }
    return name;
  };
  const checkStatus = (what: string, status: unknown): RungStatus => {
    if (!isRungStatus(status)) {
      throw new ResultsBuilderError(
        `${what}: unknown status ${JSON.stringify(status)}; expected pass, fail, skip or unver`,
      );
    }
    return status;
  };
  const record = (
    name: RungName,
    status: RungStatus,
    reason: string | null,
    duration: number | null,
  ) => {
    rungs.set(name, {
      status,
      reason: cleanReason(reason),
      duration_ms: duration === null ? null : boundedMs(duration),
      tests: [],
    });
  };
  const closeOpen = (status: RungStatus, reason: string | null) => {
    if (!open) return;
    record(open.name, status, reason, clock() - open.started);
    open = null;
  };

  return {
    get currentRung() {
      return open?.name ?? null;
    },
    startRung(name) {
      guard('startRung');
      checkRung('startRung', name);
      if (open)
        throw new ResultsBuilderError(
          `startRung(${name}): rung ${open.name} is still open; finish it first`,
        );
      if (rungs.has(name))
        throw new ResultsBuilderError(`startRung(${name}): rung already recorded`);
      open = { name, started: clock() };
    },
    finishRung(status, reason = null) {
      guard('finishRung');
      checkStatus('finishRung', status);
      if (!open) throw new ResultsBuilderError('finishRung: no rung is open; call startRung first');
      closeOpen(status, reason);
    },
    setRung(name, status, reason = null, durationMs = null) {
      guard('setRung');
      checkRung('setRung', name);
      checkStatus('setRung', status);
      if (open?.name === name)
        throw new ResultsBuilderError(`setRung(${name}): rung is open; use finishRung`);
      if (rungs.has(name)) throw new ResultsBuilderError(`setRung(${name}): rung already recorded`);
      if (durationMs !== null && typeof durationMs !== 'number') {
        throw new ResultsBuilderError(`setRung(${name}): durationMs must be a number or null`);
      }
      record(name, status, reason, durationMs);
    },
    addTest(test, rung) {
      guard('addTest');
      const target = rung ?? open?.name;
      if (target === undefined)
        throw new ResultsBuilderError('addTest: no rung given and none is open');
      checkRung('addTest', target);
      checkStatus('addTest', test.status);
      if (typeof test.name !== 'string') {
        throw new ResultsBuilderError('addTest: test name must be a string');
      }
      if (typeof test.ms !== 'number') {
        throw new ResultsBuilderError(`addTest: ms must be a number, got ${typeof test.ms}`);
      }
      // Names, reasons and times come from the recipe's tests: odd values are data, not misuse.
      const name = ownTestName(cleanText(test.name, MAX_NAME) || '(unnamed test)');
      tests.get(target)!.add({
        name,
        status: test.status,
        ms: boundedMs(test.ms),
        reason: cleanReason(test.reason),
      });
      const failed = notPassed.get(target)!;
      if (test.status !== 'pass' && failed.size < MAX_TRACKED_NAMES) failed.add(name);
      // A test that failed and then passed on a retry is flaky.
      if (test.status === 'pass' && failed.has(name)) flags.flaky = true;
    },
    setLint(rules) {
      guard('setLint');
      lint = capLintRules(
        rules.map((r) => ({
          id: cleanText(String(r.id ?? ''), 64) || '(no id)',
          severity: r.severity === 'error' ? 'error' : 'warn',
          description: cleanText(String(r.description ?? ''), MAX_REASON) || '(no description)',
        })),
      );
    },
    countDeploy() {
      guard('countDeploy');
      deploys += 1;
    },
    setDeployBudget(value) {
      guard('setDeployBudget');
      checkCount('setDeployBudget', value);
      budget = value;
    },
    setFlag(name, value) {
      guard('setFlag');
      if (!(name in flags))
        throw new ResultsBuilderError(`setFlag: unknown flag ${JSON.stringify(name)}`);
      flags[name] = value;
      if (name === 'deploy_budget_ok') budgetFlagSet = true;
    },
    setManifest(value) {
      guard('setManifest');
      manifest = value === null ? null : structuredClone(value);
    },
    addArtifact(kind, fileName) {
      guard('addArtifact');
      if (!(kind in artifacts))
        throw new ResultsBuilderError(`addArtifact: unknown artifact ${JSON.stringify(kind)}`);
      // A bare file name in the run's artifact folder: no paths, nothing a URL would need escaping.
      if (typeof fileName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(fileName)) {
        throw new ResultsBuilderError(
          `addArtifact(${kind}): expected a bare file name like card.png ([A-Za-z0-9._-]), got ${JSON.stringify(String(fileName).slice(0, 60))}`,
        );
      }
      artifacts[kind] = fileName;
    },
    abort(reason) {
      guard('abort');
      abortReason ??= cleanText(reason, 300) || 'aborted';
    },
    finish(finishOptions = {}) {
      guard('finish');
      if (finishOptions.abortReason !== undefined)
        abortReason ??= cleanText(finishOptions.abortReason, 300);
      closeOpen(
        'unver',
        `interrupted: ${abortReason ?? 'the run ended while this rung was running'}`,
      );
      for (const name of RUNG_NAMES) {
        if (!rungs.has(name))
          record(name, 'unver', `not reached: ${abortReason ?? earlierStop(rungs)}`, null);
      }
      finished = true;
      const rungResults = Object.fromEntries(
        RUNG_NAMES.map((n) => [n, { ...rungs.get(n)!, tests: tests.get(n)!.toArray() }]),
      ) as Results['rungs'];
      // A clock stepped back (NTP) or far forward must not make the timestamps impossible.
      const finishedAt = startedAt + boundedMs(clock() - startedAt);
      const results: Results = {
        schema_version: RESULTS_SCHEMA_VERSION,
        recipe,
        version,
        pr,
        ref,
        sha,
        run_id: runId,
        executor_url: executorUrl,
        started_at: new Date(startedAt).toISOString(),
        finished_at: new Date(finishedAt).toISOString(),
        level: level(rungResults),
        rungs: rungResults,
        lint: { rules_failed: lint },
        skips: collectSkips(rungResults),
        deploys: { count: deploys, budget },
        flags: {
          ...flags,
          deploy_budget_ok: budgetFlagSet
            ? flags.deploy_budget_ok
            : budgetOk(deploys, budget, rungResults),
        },
        manifest,
        artifacts: { ...artifacts },
      };
      return assertResults(results, `results of run ${runId}`);
    },
  };
}
