import type { Log } from '@ccci/contracts';
import { Octokit } from '@octokit/core';
import { ForgeError, type ForgeErrorCode } from './errors.js';
import { MalformedAnswer } from './parse.js';
import {
  causeCode,
  type Failure,
  failureOfStatus,
  failureWithoutAnswer,
  parseRetryAfter,
  RetryExhausted,
  type RetryPolicy,
  retryLogFields,
  withRetry,
} from './retry.js';

export interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  data: unknown;
}

interface Call<T> {
  method: 'GET' | 'POST' | 'PATCH';
  /** Octokit route template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  route: string;
  params: Record<string, unknown>;
  /** See RetryContext.idempotent. */
  idempotent: boolean;
  /** Statuses ≥ 400 handed to `parse` as answers instead of failing (membership 404). */
  acceptStatus?: readonly number[];
  /** Map 403/423 to FORGE_LOCKED (comment writes: locked issue, archived repo). */
  lockable?: boolean;
  signal?: AbortSignal | undefined;
  /** Checks the answer's shape; throws MalformedAnswer (inside the attempt). */
  parse: (answer: Answer) => T;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
  userAgent: string;
  log: Log;
  policy: RetryPolicy;
}

interface OctokitishError {
  status?: unknown;
  name?: unknown;
  response?: { status: number; headers: Record<string, string | undefined>; data: unknown };
  cause?: unknown;
}

/** Expands the route for messages and logs: path only, never the query, never a token. */
function describeCall(method: string, route: string, params: Record<string, unknown>) {
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String(params[name] ?? `{${name}}`)),
  );
  return `${method} ${path}`;
}

function classifyHttp(error: unknown, timedOut: boolean, now: () => number): Failure {
  if (error instanceof MalformedAnswer) {
    return timedOut ? { kind: 'timeout', cause: error } : { kind: 'malformed', cause: error };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as OctokitishError;
  const response = e.response;
  if (response) {
    const status = response.status;
    const headers = response.headers;
    // GitHub: primary limit = 403 + x-ratelimit-remaining 0; secondary limit = 403 + retry-after.
    const limited403 =
      status === 403 &&
      (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
    if (status === 429 || limited403) {
      let retryAfterMs = parseRetryAfter(headers['retry-after'], now());
      const reset = headers['x-ratelimit-reset'];
      if (retryAfterMs === undefined && reset && /^\d+$/.test(reset)) {
        retryAfterMs = Math.max(0, Number(reset) * 1000 - now());
      }
      return { kind: 'rate-limited', status, retryAfterMs, cause: error };
    }
    return failureOfStatus(status, headers['retry-after'], now(), error);
  }
  return failureWithoutAnswer(error, timedOut);
}

function toForgeError(
  failure: Failure,
  attempts: number,
  request: string,
  lockable: boolean,
): ForgeError {
  const fields = {
    request,
    status: failure.status,
    attempts,
    retryAfterMs: failure.retryAfterMs,
    cause: failure.cause,
  };
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  let code: ForgeErrorCode;
  let message: string;
  switch (failure.kind) {
    case 'rate-limited':
      code = 'FORGE_RATE_LIMITED';
      message = `${request}: rate limited by the forge (HTTP ${failure.status}${
        failure.retryAfterMs === undefined
          ? ''
          : `, retry after ${Math.ceil(failure.retryAfterMs / 1000)} s`
      }) after ${tries}`;
      break;
    case 'timeout':
      code = 'FORGE_TIMEOUT';
      message = `${request}: no answer within the timeout after ${tries}`;
      break;
    case 'network':
    case 'refused':
      code = 'FORGE_NETWORK';
      message = `${request}: connection failed (${causeCode(failure.cause) ?? 'network error'}) after ${tries}`;
      break;
    case 'malformed':
      code = 'FORGE_MALFORMED';
      message = `${request}: unexpected answer: ${(failure.cause as Error).message}`;
      break;
    case 'aborted':
      code = 'FORGE_ABORTED';
      message = `${request}: aborted by the caller`;
      break;
    default: {
      const status = failure.status ?? 0;
      if (status === 401) {
        code = 'FORGE_AUTH';
        message = `${request}: HTTP 401, the forge refused the token (check it is valid and not expired)`;
      } else if (status === 404) {
        code = 'FORGE_NOT_FOUND';
        message = `${request}: HTTP 404, not found or not visible to the bot's token`;
      } else if (lockable && (status === 403 || status === 423)) {
        code = 'FORGE_LOCKED';
        message = `${request}: HTTP ${status}, the issue is locked or the repository archived`;
      } else {
        code = 'FORGE_HTTP';
        message = `${request}: HTTP ${status} after ${tries}`;
      }
    }
  }
  return new ForgeError(code, message, fields);
}

export interface Transport {
  call<T>(call: Call<T>): Promise<T>;
}

export function createTransport(options: TransportOptions): Transport {
  const { log, policy } = options;
  const baseFetch = options.fetch;
  // Never follow redirects: the membership endpoint answers a *different question* behind its
  // redirect (Gitea routers/api/v1/org/member.go IsMember → public_members), and a redirect
  // elsewhere would carry the Authorization header to a place we did not choose.
  const manualFetch: typeof globalThis.fetch = (input, init) =>
    baseFetch(input, { ...init, redirect: 'manual' });
  const octokit = new Octokit({
    baseUrl: options.baseUrl,
    auth: options.token,
    userAgent: options.userAgent,
    request: { fetch: manualFetch, redirect: 'manual' },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => log.warn?.({}, message),
      error: (message: string) => log.error?.({}, message),
    },
  });
  const request = octokit.request as unknown as (
    route: string,
    params: Record<string, unknown>,
  ) => Promise<Answer>;

  async function call<T>(c: Call<T>): Promise<T> {
    const described = describeCall(c.method, c.route, c.params);
    try {
      return await withRetry(
        async (signal) => {
          let answer: Answer;
          const started = policy.now();
          try {
            answer = await request(`${c.method} ${c.route}`, {
              ...c.params,
              request: { signal },
            });
          } catch (error) {
            const response = (error as OctokitishError).response;
            if (response && c.acceptStatus?.includes(response.status)) {
              answer = response;
            } else {
              throw error;
            }
          }
          log.debug?.(
            { request: described, status: answer.status, ms: policy.now() - started },
            'forge request',
          );
          return c.parse(answer);
        },
        {
          policy,
          signal: c.signal,
          idempotent: c.idempotent,
          classify: (error, timedOut) => classifyHttp(error, timedOut, policy.now),
          onRetry: (failure, attempt, delayMs) =>
            log.warn?.(
              { request: described, ...retryLogFields(failure, attempt, delayMs) },
              'forge request failed; retrying',
            ),
        },
      );
    } catch (error) {
      if (error instanceof RetryExhausted) {
        const forgeError = toForgeError(error.failure, error.attempts, described, !!c.lockable);
        log.warn?.(
          {
            request: described,
            code: forgeError.code,
            status: forgeError.status,
            attempts: error.attempts,
          },
          forgeError.message,
        );
        throw forgeError;
      }
      throw error;
    }
  }

  return { call };
}
