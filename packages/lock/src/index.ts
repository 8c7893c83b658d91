export {
  type DecideInput,
  type Decision,
  decide,
  heldState,
  LOCK_STATES,
  type LockState,
} from './decide.js';
export { type DockerResult, type DockerRunner, execaDocker } from './docker.js';
export {
  appDomain,
  assertCiDomain,
  assertNamesFit,
  ciObjectPattern,
  ciStackPattern,
  DEFAULT_NAME_RESERVE,
  domainOfStack,
  MAX_SWARM_NAME,
  recipePrefix,
  stackName,
  warmDomain,
} from './domain.js';
export {
  DockerCommandError,
  LockBusyError,
  LockCompromisedError,
  LockIdentityError,
  LockPackageError,
  ReapAbortedError,
  RunStateEnvError,
  WaitTimeoutError,
} from './errors.js';
export {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MARGIN_MS,
  type JanitorEntry,
  type JanitorLog,
  type JanitorReport,
  type RunJanitorOptions,
  runJanitor,
} from './janitor.js';
export { JANITOR_EXIT, janitorMain, stderrLog } from './janitor-main.js';
export {
  activeKeepLeases,
  KEEP_LEASE_MAX_MS,
  type KeepLease,
  keepLeasePath,
  leaseActive,
  readKeepLease,
  removeKeepLease,
  type WriteKeepLeaseOptions,
  writeKeepLease,
} from './keep.js';
export {
  type AcquireDomainLockOptions,
  acquireDomainLock,
  DEFAULT_STALE_MS,
  type DomainLock,
  type LockOwner,
  lockPaths,
  readOwner,
} from './lock.js';
export { janitorMetrics, writeMetricsFile } from './metrics-file.js';
export {
  NETWORK_WARN_RATIO,
  type NetworkUsage,
  networkUsage,
  usableAddresses,
  usageOf,
} from './network-usage.js';
export { type LockProbe, type ProbeLockOptions, probeLock } from './probe.js';
export { ReapIncompleteError, type ReapReport, reapStack } from './reap.js';
export {
  addDeploy,
  type ChildRunState,
  fromEnv,
  type PrepareRunDirOptions,
  prepareRunDir,
  type RunStateEnv,
  type RunStatePaths,
  type RunStatePathsOptions,
  readDeployCount,
  removeRunDir,
  runDirOf,
  runStatePaths,
  toEnv,
} from './run-state.js';
export {
  describeObjects,
  inventory,
  isEmpty,
  listStackObjects,
  objectNames,
  type RemoveStackOptions,
  removeStack,
  type StackObjects,
} from './stack-objects.js';
export {
  type ReapContext,
  type SweepDomainOptions,
  type SweepOutcome,
  type SweepResult,
  sweepDomain,
} from './sweep.js';
