import type { RungName, RungStatus } from '@ccci/contracts';
import type { Level } from './rungs.js';

/**
 * results.json, schema version 1. Every field is always present (absent values are `null`), so
 * the schema can require every key and forbid others: that is what keeps these types and
 * `resultsSchema` in lockstep (see test/schema.test.ts).
 */
export interface Results {
  schema_version: 1;
  /** Recipe name, e.g. `custom-html`. */
  recipe: string;
  /** Recipe version under test (e.g. `1.2.0+3.4.5`); `null` when the head has no version. */
  version: string | null;
  /** Pull request number; `null` for a branch run. */
  pr: number | null;
  /** Git ref the run was asked for (branch or `refs/pull/…`). */
  ref: string;
  /** Commit SHA that was tested (40 or 64 lowercase hex). */
  sha: string;
  run_id: string;
  /** Link to the executor's page for this run (Drone build, local executor); `null` if none. */
  executor_url: string | null;
  /** ISO 8601 UTC timestamps, e.g. `2026-11-22T03:00:00.000Z`. */
  started_at: string;
  finished_at: string;
  level: Level;
  rungs: Record<RungName, RungResult>;
  lint: LintDetails;
  skips: Skips;
  deploys: DeployCount;
  flags: Flags;
  /** The customization manifest printed at prepare time; its shape is owned by @ccci/recipe-meta. */
  manifest: Record<string, unknown> | null;
  artifacts: Artifacts;
}

export interface RungResult {
  status: RungStatus;
  /** Why it is not a pass (or a note on a pass); `null` when there is nothing to say. */
  reason: string | null;
  /** Wall time of the rung; `null` when it never ran. */
  duration_ms: number | null;
  tests: TestResult[];
}

export interface TestResult {
  name: string;
  status: RungStatus;
  ms: number;
  reason: string | null;
}

interface LintDetails {
  /** Rules `abra recipe lint` reported unsatisfied (both severities). */
  rules_failed: LintRule[];
}

export interface LintRule {
  /** abra's rule reference, e.g. `R014`. */
  id: string;
  severity: 'error' | 'warn';
  description: string;
}

interface Skips {
  /** `skip`s: declared (EXPECTED_NA) or structural. */
  intentional: SkipEntry[];
  /** `unver`s: nobody declared them. */
  unintentional: SkipEntry[];
}

export interface SkipEntry {
  rung: RungName;
  /** The test's name when a single test was skipped; `null` for the whole rung. */
  test: string | null;
  reason: string;
}

interface DeployCount {
  count: number;
  /** 1 (base) + cold deps; `null` when unknown (older results). */
  budget: number | null;
}

/** `null` = not determined (the run ended before it could be checked, or older results). */
export interface Flags {
  clean_teardown: boolean | null;
  no_secret_leak: boolean | null;
  deploy_budget_ok: boolean | null;
  quick: boolean | null;
  flaky: boolean | null;
}
export type FlagName = keyof Flags;

/** Flags of a run none of which was determined (a results file from before the flags). */
export const UNKNOWN_FLAGS: Readonly<Flags> = {
  clean_teardown: null,
  no_secret_leak: null,
  deploy_budget_ok: null,
  quick: null,
  flaky: null,
};

/** File names of the run's artifacts (relative to the run's artifact folder), `null` if absent. */
export interface Artifacts {
  card_svg: string | null;
  card_png: string | null;
  screenshot: string | null;
  badge: string | null;
  log: string | null;
  results: string | null;
}
export type ArtifactName = keyof Artifacts;

/** Artifacts of a run that has none (yet). */
export const NO_ARTIFACTS: Readonly<Artifacts> = {
  card_svg: null,
  card_png: null,
  screenshot: null,
  badge: null,
  log: null,
  results: null,
};
