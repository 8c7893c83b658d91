export {
  ABRA_DOUBLE,
  ABRA_DOUBLE_BIN_DIR,
  type AbraDoubleEnv,
  type LocalHarnessOptions,
  localHarnessEnv,
  type RunAbraOptions,
  type RunAbraResult,
  runAbraDouble,
  type TestAbra,
  testAbra,
  withAbraDouble,
} from './abra-double.js';
export { testbedChromium } from './chromium.js';
export {
  type DockerStatus,
  describeDocker,
  dockerAvailable,
  exitUnlessDocker,
  removeStackObjects,
  stackObjects,
} from './docker.js';
export { stackNameOf, uniqueAppDomain, uniqueCiDomain } from './domains.js';
export { freePort } from './free-port.js';
export { shellQuote } from './shell-quote.js';
export { STALE_AFTER_MS, staleTestStacks } from './stale-stacks.js';
export { until } from './until.js';
