/** Build statuses of the Drone API: what forge's Drone client accepts and the testbed's fake Drone answers. */
export const DRONE_BUILD_STATUSES = [
  'pending',
  'running',
  'success',
  'failure',
  'killed',
  'error',
  'skipped',
  'blocked',
  'declined',
  'waiting_on_dependencies',
] as const;
export type DroneBuildStatus = (typeof DRONE_BUILD_STATUSES)[number];

/**
 * Debian Chromium flags for a headless, quiet, profile-less run (TESTBED.md): headless, without
 * Chromium's own sandbox, no background network, no first-run work. The harness's screenshots
 * and the testbed's browser tests launch with them.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
