export {
  type CatalogueStore,
  type RecipeFacts,
  RUN_BRANCHES,
  RUN_STATUSES,
  type RunBranch,
  type RunCursor,
  type RunListPage,
  type RunListQuery,
  type RunPoint,
  type RunStatus,
  runBranch,
  runStatus,
} from './catalogue.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export type { RunEventStore, StoredEvent } from './events.js';
export { MIGRATIONS, type Migration } from './migrations.js';
export type {
  DeliveryRecord,
  DeliveryState,
  DigestRecord,
  ScheduleRecord,
  ScheduleStore,
} from './schedule.js';
export {
  type LatestRun,
  openStore,
  type RecordCommentInput,
  type Store,
  type StoreOptions,
} from './store.js';
// The store's record types, every one public.
export * from './types.js';
