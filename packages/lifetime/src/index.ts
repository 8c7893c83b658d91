export { OrphanError } from './errors.js';
export {
  defaultRegistry,
  GroupRegistry,
  killGroup,
  type SpawnGroupOptions,
  spawnGroup,
  waitGroupGone,
} from './groups.js';
export {
  EXIT_CODES,
  installLifetimeGuards,
  type LifetimeGuards,
  type LifetimeGuardsOptions,
  type LifetimeLog,
  type ShutdownReason,
} from './guards.js';
