export { configFromEnv } from './config.js';
export type {
  DepApp,
  EngineConfig,
  RunCtx,
  RungResult,
  TestResult,
  UpgradeBase,
} from './context.js';
export { RUN_EXIT, type RunHarnessOptions, runHarness } from './engine.js';
export { AssertionFailed, InfraError, RefusedError, RunError, UsageError } from './errors.js';
export { type KeepDecision, type KeepInput, keepDecision } from './phases/keep.js';
export type { TeardownOptions } from './phases/teardown.js';
export {
  shouldKeepWarm,
  type UnwarmOptions,
  unwarmRecipe,
  type WarmDecisionInput,
  type WarmRecord,
} from './phases/warm.js';
export {
  type ResendItem,
  type ResendSpoolOptions,
  type ResendStatus,
  type ResendSummary,
  reportBody,
  resendSpool,
  type SendOutcome,
  type SendReportOptions,
  sendReport,
} from './report-client.js';
export type { RunSettings } from './settings.js';
export { resolveUpgradeBase, type UpgradeBaseInput } from './upgrade-base.js';
