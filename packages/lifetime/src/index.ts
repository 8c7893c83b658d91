export {
  type Child,
  type ChildOptions,
  type ChildOutcome,
  startChild,
} from './child.js';
export { OrphanError } from './errors.js';
export { defaultRegistry, GroupRegistry } from './groups.js';
export {
  EXIT_CODES,
  installLifetimeGuards,
  type LifetimeGuards,
  type LifetimeGuardsOptions,
  type ShutdownReason,
} from './guards.js';
export { killGroup, processAlive, waitGroupGone } from './process-tree.js';
