export type { Backoff, Sleep } from './delay.js';
export { backoffDelay, sleep } from './delay.js';
export type { PollOptions } from './poll.js';
export { pollUntil } from './poll.js';
export type { RetryOptions } from './retry.js';
export { retry } from './retry.js';
