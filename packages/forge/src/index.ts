export type {
  CreateBuildInput,
  Drone,
  DroneBuild,
  DroneBuildStatus,
  DroneLogLine,
  DroneOptions,
} from './drone.js';
export { createDrone } from './drone.js';
export type { DroneErrorCode, ForgeErrorCode, ServiceErrorFields } from './errors.js';
export { DroneError, ForgeError, ServiceError } from './errors.js';
export type { CallOptions, Forge, ListCommentsOptions } from './forge.js';
export { createForge } from './forge.js';
export type { ForgeOptions } from './options.js';
export type { Failure, FailureKind, RetryContext, RetryOptions, RetryPolicy } from './retry.js';
// The retry policy, for other HTTP clients of the bot (digest notifications) to share.
export {
  fetchWithRetry,
  RetryExhausted,
  resolveRetryPolicy,
  retryLogFields,
} from './retry.js';
// Every type of the forge interface's values (the whole of types.ts).
export type * from './types.js';
export type {
  ParseWebhookOptions,
  ReadBodyResult,
  WebhookCommentEvent,
  WebhookHeaders,
  WebhookRejection,
  WebhookRejectionCode,
  WebhookResult,
} from './webhook.js';
export {
  parseWebhook,
  readWebhookBody,
  verifyGiteaSignature,
  verifyHubSignature256,
} from './webhook.js';
