import { FORGE_LOGIN, isRepoFullName, type Log } from '@ccci/contracts';
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from './retry.js';
import type { Dialect } from './types.js';

export interface ForgeOptions {
  /** `gitea` (also Forgejo) or `github`. Required. */
  dialect: Dialect;
  /** API base URL: `https://git.example.org/api/v1` (Gitea) or `https://api.github.com`. Required. */
  baseUrl: string;
  /** API token; sent as `Authorization: token <t>`, never logged. Required. */
  token: string;
  /** fetch implementation. Default `globalThis.fetch`. Redirects are never followed. */
  fetch?: typeof globalThis.fetch;
  /** pino-compatible logger. Default: silent. */
  log?: Log;
  /** User-Agent. Default `ccci-forge`. */
  userAgent?: string;
  /** Retries, backoff, `Retry-After` cap and per-attempt timeout; see RetryOptions. */
  retry?: RetryOptions;
  /** Most pages one comment listing may walk before it fails as malformed. Default 200. */
  maxPages?: number;
}

export interface ResolvedForgeOptions {
  dialect: Dialect;
  baseUrl: string;
  token: string;
  fetch: typeof globalThis.fetch;
  log: Log;
  userAgent: string;
  policy: RetryPolicy;
  maxPages: number;
}

/** A TypeError naming the option; `show` false keeps the value out of the message (secrets). */
function bad(name: string, expected: string, value: unknown, show = true): TypeError {
  const found = show ? (JSON.stringify(value) ?? String(value)) : typeof value;
  return new TypeError(`${name} must be ${expected}, found ${found}`);
}

export function resolveBaseUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw bad(name, 'an http(s) URL', value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad(name, 'an http(s) URL', value.length > 100 ? `${value.slice(0, 100)}…` : value);
  }
  if (url.username || url.password) {
    // Do not echo it: the credentials are a secret.
    throw new TypeError(
      `${name} must not contain credentials (user:password@); pass the token option`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw bad(name, 'an http(s) URL', value);
  }
  if (url.search || url.hash) throw bad(name, 'a URL without query or fragment', value);
  return url.href.replace(/\/+$/, '');
}

export function resolveToken(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\r\n\s]/.test(value)) {
    throw bad(name, 'a non-empty token without whitespace', value, false);
  }
  return value;
}

export function resolveForgeOptions(options: ForgeOptions): ResolvedForgeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createForge(options): options must be an object');
  }
  if (options.dialect !== 'gitea' && options.dialect !== 'github') {
    throw bad('options.dialect', '"gitea" or "github"', options.dialect);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw bad('options.fetch', 'a function', typeof fetchImpl);
  const userAgent = options.userAgent ?? 'ccci-forge';
  if (typeof userAgent !== 'string' || userAgent === '' || /[\r\n]/.test(userAgent)) {
    throw bad('options.userAgent', 'a one-line string', userAgent);
  }
  const maxPages = options.maxPages ?? 200;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw bad('options.maxPages', 'a positive integer', maxPages);
  }
  return {
    dialect: options.dialect,
    baseUrl: resolveBaseUrl('options.baseUrl', options.baseUrl),
    token: resolveToken('options.token', options.token),
    fetch: fetchImpl,
    log: options.log ?? {},
    userAgent,
    policy: resolveRetryPolicy(options.retry),
    maxPages,
  };
}

export function splitRepo(repo: unknown): { owner: string; repo: string } {
  if (!isRepoFullName(repo)) {
    throw bad('repo', '"owner/name" (letters, digits, ".", "_", "-")', repo);
  }
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}

export function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw bad(name, 'a positive integer', value);
  }
  return value;
}

export function commitSha(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value)) {
    throw bad(name, 'a full lowercase hex commit id (40 or 64 characters)', value);
  }
  return value;
}

export function login(name: string, value: unknown): string {
  if (typeof value !== 'string' || !FORGE_LOGIN.test(value)) {
    throw bad(name, 'a forge login (letters, digits, ".", "_", "-")', value);
  }
  return value;
}

export function toSince(name: string, value: unknown): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw bad(name, 'a Date or an RFC 3339 time', value);
  }
  return date;
}
