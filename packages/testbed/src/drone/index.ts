// Fake Drone: a stand-in for the Drone API used by tests and the demo only.

export type {
  DispatchedBuild,
  FakeDrone,
  FakeDroneOptions,
  FakeDroneStatus,
} from './fake-drone.js';
export { startFakeDrone } from './fake-drone.js';
