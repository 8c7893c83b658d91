// Fake forge: a stand-in for Gitea (and GitHub) used by tests and the demo only.

export type { ManualClock } from './clock.js';
export { manualClock } from './clock.js';
export type {
  AddCommentInput,
  FakeForge,
  FakeForgeOptions,
  OpenPullInput,
  RequestRecord,
} from './fake-forge.js';
export { startFakeForge } from './fake-forge.js';
export type { FaultKind, FaultSpec } from './faults.js';
export type { FakeDialect } from './render.js';
export type { FakeComment, FakeStatus } from './state.js';
export type { WebhookDelivery, WebhookEvent, WebhookOptions } from './webhook.js';
