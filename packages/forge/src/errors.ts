import { CcciError } from '@ccci/contracts';

/** Stable codes of {@link ForgeError}. */
export type ForgeErrorCode =
  /** The forge answered an HTTP status we do not map to anything more specific. */
  | 'FORGE_HTTP'
  /** 401: the token is missing, wrong or expired. */
  | 'FORGE_AUTH'
  /** 404: the repository, pull request or comment does not exist (or the token cannot see it). */
  | 'FORGE_NOT_FOUND'
  /** 403/423 on a write: the issue is locked or the repository archived (Gitea answers 423). */
  | 'FORGE_LOCKED'
  /** 429 (or GitHub's 403 with `x-ratelimit-remaining: 0`) and retrying was not allowed or did not help. */
  | 'FORGE_RATE_LIMITED'
  /** The answer was not the JSON shape the endpoint documents. */
  | 'FORGE_MALFORMED'
  /** No answer within `timeoutMs`, after every retry. */
  | 'FORGE_TIMEOUT'
  /** The connection failed (refused, reset) after every retry. */
  | 'FORGE_NETWORK'
  /** The caller's `signal` aborted the call. */
  | 'FORGE_ABORTED';

/** Stable codes of {@link DroneError}. */
export type DroneErrorCode =
  | 'DRONE_HTTP'
  | 'DRONE_AUTH'
  | 'DRONE_NOT_FOUND'
  | 'DRONE_RATE_LIMITED'
  | 'DRONE_MALFORMED'
  | 'DRONE_TIMEOUT'
  | 'DRONE_NETWORK'
  | 'DRONE_ABORTED';

export interface ServiceErrorFields {
  /** HTTP method and path (no query string, never a token). */
  readonly request: string;
  /** HTTP status of the last answer, if there was one. */
  readonly status?: number | undefined;
  /** How many attempts were made. */
  readonly attempts: number;
  /** For rate limits: how long the server asked us to wait, in ms. */
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

/**
 * What the forge and Drone clients' errors share: a stable `code`, a `message` that is one human
 * line and never contains the token, the request, HTTP status, attempts, the server's wait, and
 * the original error (octokit's, already redacted by octokit) as `cause`.
 */
export abstract class ServiceError<Code extends string> extends CcciError<Code> {
  readonly request: string;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;

  constructor(code: Code, message: string, fields: ServiceErrorFields) {
    super(code, message, { cause: fields.cause });
    this.request = fields.request;
    this.status = fields.status;
    this.attempts = fields.attempts;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** An error of the forge client, `FORGE_*` codes. */
export class ForgeError extends ServiceError<ForgeErrorCode> {
  override readonly name = 'ForgeError';
}

/** An error of the Drone client; same fields as {@link ForgeError}, `DRONE_*` codes. */
export class DroneError extends ServiceError<DroneErrorCode> {
  override readonly name = 'DroneError';
}
