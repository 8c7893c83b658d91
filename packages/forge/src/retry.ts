/**
 * Retry, backoff and timeout policy shared by the forge and Drone clients and the bot's digest
 * notifications.
 */
import { retry, type Sleep, sleep } from '@ccci/backoff';
import { CcciError } from '@ccci/contracts';
import { MalformedAnswer } from './parse.js';

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  retries?: number;
  /** First backoff delay in ms (doubles each retry, with jitter). Default 250. */
  minDelayMs?: number;
  /** Largest backoff delay in ms. Default 5000. */
  maxDelayMs?: number;
  /** Largest `Retry-After` we wait for, in ms; a longer one fails fast with a rate-limit error. Default 60000. */
  maxRetryAfterMs?: number;
  /** Timeout of one attempt in ms. Default 10000. */
  timeoutMs?: number;
  /** Waits `ms`; tests pass one that records the delay. Default: an abortable `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Current time in ms, for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
  timeoutMs: number;
  sleep: Sleep;
  now: () => number;
}

export type FailureKind =
  | 'http'
  | 'server'
  | 'rate-limited'
  | 'timeout'
  | 'network'
  | 'refused'
  | 'malformed'
  | 'aborted';

/** One failed attempt, classified. */
export interface Failure {
  kind: FailureKind;
  status?: number | undefined;
  retryAfterMs?: number | undefined;
  cause: unknown;
}

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${name} must be a non-negative integer, found ${String(value)}`);
  }
  return value;
}

/** Validates retry options (TypeError naming the option) and fills in defaults. */
export function resolveRetryPolicy(
  retry: RetryOptions | undefined,
  prefix = 'options.retry',
): RetryPolicy {
  const r = retry ?? {};
  const timeoutMs = nonNegativeInt(`${prefix}.timeoutMs`, r.timeoutMs, 10_000);
  if (timeoutMs === 0) throw new TypeError(`${prefix}.timeoutMs must be > 0, found 0`);
  return {
    retries: nonNegativeInt(`${prefix}.retries`, r.retries, 3),
    minDelayMs: nonNegativeInt(`${prefix}.minDelayMs`, r.minDelayMs, 250),
    maxDelayMs: nonNegativeInt(`${prefix}.maxDelayMs`, r.maxDelayMs, 5_000),
    maxRetryAfterMs: nonNegativeInt(`${prefix}.maxRetryAfterMs`, r.maxRetryAfterMs, 60_000),
    timeoutMs,
    sleep: r.sleep ?? sleep,
    now: r.now ?? Date.now,
  };
}

/**
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns ms to wait
 * (never negative) or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '') return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The failure of an attempt the server answered with an error `status`: `rate-limited` (429,
 * waiting `Retry-After` when it says), `server` (5xx and 408, worth another attempt), else `http`.
 */
export function failureOfStatus(
  status: number,
  retryAfter: string | undefined,
  now: number,
  cause: unknown,
): Failure {
  if (status === 429) {
    return { kind: 'rate-limited', status, retryAfterMs: parseRetryAfter(retryAfter, now), cause };
  }
  if (status >= 500 || status === 408) return { kind: 'server', status, cause };
  return { kind: 'http', status, cause };
}

/** The first `code` on an error or along its `cause` chain (fetch wraps ECONNREFUSED twice). */
export function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 5 && typeof e === 'object' && e !== null; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The failure of an attempt that got no answer: `timeout` when its own deadline ended it,
 * `refused` when nothing listened (nothing was sent, so even a create may be repeated), else
 * `network`.
 */
export function failureWithoutAnswer(error: unknown, timedOut: boolean): Failure {
  if (timedOut) return { kind: 'timeout', cause: error };
  if (causeCode(error) === 'ECONNREFUSED') return { kind: 'refused', cause: error };
  return { kind: 'network', cause: error };
}

/** The fields of a client's "failed; retrying" log line: the attempt, how it failed, the wait. */
export function retryLogFields(failure: Failure, attempt: number, delayMs: number) {
  return { attempt, delayMs, failure: failure.kind, status: failure.status };
}

export interface RetryContext {
  policy: RetryPolicy;
  /** The caller's signal: aborting it ends the call at once, without retries. */
  signal?: AbortSignal | undefined;
  /**
   * Whether repeating the request is harmless. A non-idempotent request (creating a comment) is
   * repeated only when the server cannot have acted on it: 429, or a refused connection.
   */
  idempotent: boolean;
  /** Turns an error thrown by `run` into a failure; `timedOut` is true when our own timer fired. */
  classify: (error: unknown, timedOut: boolean) => Failure;
  onRetry?: (failure: Failure, attempt: number, delayMs: number) => void;
}

export class RetryExhausted extends CcciError<'FORGE_RETRY_EXHAUSTED'> {
  constructor(
    readonly failure: Failure,
    readonly attempts: number,
  ) {
    super('FORGE_RETRY_EXHAUSTED', 'request failed');
  }
}

function isRetryable(failure: Failure, ctx: RetryContext): boolean {
  switch (failure.kind) {
    case 'rate-limited':
      return (failure.retryAfterMs ?? 0) <= ctx.policy.maxRetryAfterMs;
    case 'refused':
      return true;
    case 'server':
    case 'timeout':
    case 'network':
      return ctx.idempotent;
    default:
      return false;
  }
}

/**
 * Runs `run` with a per-attempt timeout, retrying transient failures with backoff ("equal
 * jitter") or the wait a rate limit asks for. Throws {@link RetryExhausted} carrying the last
 * failure; callers map it to their error class.
 */
export async function withRetry<T>(
  run: (signal: AbortSignal, attempt: number) => Promise<T>,
  ctx: RetryContext,
): Promise<T> {
  const { policy } = ctx;
  let attempts = 0;
  const attempt = async (n: number): Promise<T> => {
    attempts = n;
    const timer = new AbortController();
    let timedOut = false;
    const handle = setTimeout(() => {
      timedOut = true;
      timer.abort(new Error(`attempt timed out after ${policy.timeoutMs} ms`));
    }, policy.timeoutMs);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timer.signal]) : timer.signal;
    try {
      return await run(signal, n);
    } catch (error) {
      const failure: Failure = ctx.signal?.aborted
        ? { kind: 'aborted', cause: error }
        : ctx.classify(error, timedOut);
      throw new RetryExhausted(failure, n);
    } finally {
      clearTimeout(handle);
    }
  };
  const failureOf = (error: unknown): Failure =>
    error instanceof RetryExhausted ? error.failure : { kind: 'aborted', cause: error };
  try {
    return await retry(attempt, {
      retries: policy.retries,
      backoff: { firstMs: policy.minDelayMs, maxMs: policy.maxDelayMs, jitter: 'equal' },
      shouldRetry: (error) => isRetryable(failureOf(error), ctx),
      retryAfterMs: (error) => {
        const failure = failureOf(error);
        return failure.kind === 'rate-limited' ? failure.retryAfterMs : undefined;
      },
      onRetry: (error, n, delayMs) => ctx.onRetry?.(failureOf(error), n, delayMs),
      signal: ctx.signal,
      sleep: policy.sleep,
    });
  } catch (error) {
    // Not a failed attempt: the caller's signal ended the wait between two attempts.
    if (error instanceof RetryExhausted) throw error;
    throw new RetryExhausted({ kind: 'aborted', cause: error }, attempts);
  }
}

/** An answer outside 2xx, thrown inside an attempt: what the retry policy needs, never a body. */
class HttpStatusError extends CcciError<'FORGE_HTTP_STATUS'> {
  constructor(
    readonly status: number,
    readonly retryAfter: string | undefined,
  ) {
    super('FORGE_HTTP_STATUS', `HTTP ${status}`);
  }
}

/** A successful answer of a {@link fetchWithRetry} request. */
export interface FetchedAnswer {
  status: number;
  text: string;
}

/**
 * One request of a fetch-based client (Drone, digest notifications) under the retry policy.
 * Redirects are not followed (a token must not travel on). An answer outside 2xx fails the
 * attempt by its status (`Retry-After` heeded), its body drained so the connection can be
 * reused. `read` turns a successful answer into the result inside the attempt, so a
 * MalformedAnswer it throws is a `malformed` failure (a `timeout` when the deadline ended it).
 */
export function fetchWithRetry<T>(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  init: Omit<RequestInit, 'redirect' | 'signal'>,
  read: (answer: FetchedAnswer) => T,
  ctx: Omit<RetryContext, 'classify'>,
): Promise<T> {
  const classify = (error: unknown, timedOut: boolean): Failure => {
    if (error instanceof HttpStatusError) {
      return failureOfStatus(error.status, error.retryAfter, ctx.policy.now(), error);
    }
    if (error instanceof MalformedAnswer && !timedOut) return { kind: 'malformed', cause: error };
    return failureWithoutAnswer(error, timedOut);
  };
  return withRetry(
    async (signal) => {
      const answer = await fetchImpl(url, { ...init, redirect: 'manual', signal });
      if (answer.status < 200 || answer.status > 299) {
        await answer.arrayBuffer().catch(() => undefined);
        throw new HttpStatusError(answer.status, answer.headers.get('retry-after') ?? undefined);
      }
      return read({ status: answer.status, text: await answer.text() });
    },
    { ...ctx, classify },
  );
}
