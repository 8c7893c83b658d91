export { type DockerRunner, execaDocker } from './docker.js';
export { appDomain, assertCiDomain, stackName, warmDomain } from './domain.js';
export { runJanitor } from './janitor.js';
export { janitorMain } from './janitor-main.js';
export { KEEP_LEASE_MAX_MS, removeKeepLease, writeKeepLease } from './keep.js';
export { acquireDomainLock, DEFAULT_STALE_MS, type DomainLock } from './lock.js';
export { networkUsage } from './network-usage.js';
export {
  prepareRunDir,
  type RunStatePaths,
  readDeployCount,
  runStatePaths,
  toEnv,
} from './run-state.js';
export {
  describeObjects,
  isEmpty,
  listStackObjects,
  objectNames,
  removeStack,
  type StackObjects,
} from './stack-objects.js';
