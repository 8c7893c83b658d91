import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { dialectSpec, normalizeComment } from './dialects.js';
import { asObject, int, MalformedAnswer, str } from './parse.js';
import type { Dialect, ForgeComment } from './types.js';

type Body = Uint8Array | string;

function hmacHex(rawBody: Body, secret: string): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

function safeEqualHex(expected: Buffer, hex: string | undefined): boolean {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks `X-Gitea-Signature`: the bare hex HMAC-SHA256 of the raw body (Gitea
 * services/webhook/deliver.go). Compare on the exact bytes received, before any parsing.
 */
export function verifyGiteaSignature(
  rawBody: Body,
  headerHex: string | undefined,
  secret: string,
): boolean {
  if (typeof secret !== 'string' || secret === '') return false;
  return safeEqualHex(hmacHex(rawBody, secret), headerHex?.trim());
}

/** Checks `X-Hub-Signature-256: sha256=<hex>` (GitHub; Gitea sends it too). */
export function verifyHubSignature256(
  rawBody: Body,
  header: string | undefined,
  secret: string,
): boolean {
  if (typeof secret !== 'string' || secret === '' || typeof header !== 'string') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return m ? safeEqualHex(hmacHex(rawBody, secret), m[1]) : false;
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface WebhookCommentEvent {
  dialect: Dialect;
  /** `X-Gitea-Delivery` / `X-GitHub-Delivery`, or null when absent. */
  deliveryId: string | null;
  action: 'created' | 'edited';
  /** `owner/name`. */
  repo: string;
  /** The comment, normalized like a polled one; `prNumber` is always set. */
  comment: ForgeComment & { prNumber: number };
}

export type WebhookRejectionCode =
  | 'WEBHOOK_TOO_LARGE'
  | 'WEBHOOK_UNSUPPORTED_CONTENT_TYPE'
  | 'WEBHOOK_BAD_SIGNATURE'
  | 'WEBHOOK_MALFORMED'
  | 'WEBHOOK_WRONG_EVENT'
  | 'WEBHOOK_NOT_PR_COMMENT'
  | 'WEBHOOK_IGNORED_ACTION';

export interface WebhookRejection {
  code: WebhookRejectionCode;
  /** What to answer: 413, 415, 401, 400, or 202 for a valid delivery we simply do not act on. */
  httpStatus: 202 | 400 | 401 | 413 | 415;
  message: string;
}

export type WebhookResult =
  | { ok: true; event: WebhookCommentEvent }
  | { ok: false; rejection: WebhookRejection };

export interface ParseWebhookOptions {
  /** The webhook secret. Required: unsigned deliveries are never accepted. */
  secret: string;
  /** Largest body accepted, in bytes. Default 1 MiB (GitHub caps payloads at 25 MB; comments are small). */
  maxBytes?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function reject(
  code: WebhookRejectionCode,
  httpStatus: WebhookRejection['httpStatus'],
  message: string,
): WebhookResult {
  return { ok: false, rejection: { code, httpStatus, message } };
}

/**
 * Verifies and parses a comment webhook delivery (Gitea or GitHub) into a normalized event, or
 * a typed rejection. Order: size, content type, signature (on the raw bytes), event headers,
 * JSON, shape.
 */
export function parseWebhook(
  headers: WebhookHeaders,
  rawBody: Body,
  options: ParseWebhookOptions,
): WebhookResult {
  if (typeof options?.secret !== 'string' || options.secret === '') {
    throw new TypeError('parseWebhook: options.secret must be a non-empty string');
  }
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.byteLength;
  if (size > maxBytes) {
    return reject(
      'WEBHOOK_TOO_LARGE',
      413,
      `body of ${size} bytes is over the limit of ${maxBytes}`,
    );
  }
  // A hook set to form encoding posts `payload=<JSON>`; Gitea and Forgejo sign the JSON, not the
  // body sent (services/webhook/default.go NewRequest), so the signature check would fail with
  // a misleading "does not match": name the setting instead. Nothing is learnt without the secret.
  const contentType = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (
    contentType === 'application/x-www-form-urlencoded' ||
    contentType === 'multipart/form-data'
  ) {
    return reject(
      'WEBHOOK_UNSUPPORTED_CONTENT_TYPE',
      415,
      `content type ${contentType} is not accepted: set the webhook's content type to application/json`,
    );
  }
  const giteaEvent = header(headers, 'x-gitea-event') ?? header(headers, 'x-forgejo-event');
  const dialect: Dialect | undefined =
    giteaEvent !== undefined
      ? 'gitea'
      : header(headers, 'x-github-event') !== undefined
        ? 'github'
        : undefined;

  const giteaSig = header(headers, 'x-gitea-signature') ?? header(headers, 'x-forgejo-signature');
  const hubSig = header(headers, 'x-hub-signature-256');
  const signed =
    dialect === 'gitea' && giteaSig !== undefined
      ? verifyGiteaSignature(rawBody, giteaSig, options.secret)
      : verifyHubSignature256(rawBody, hubSig, options.secret);
  if (!signed) {
    return reject(
      'WEBHOOK_BAD_SIGNATURE',
      401,
      giteaSig === undefined && hubSig === undefined
        ? 'no signature header (X-Gitea-Signature or X-Hub-Signature-256)'
        : 'signature does not match the body and the configured secret',
    );
  }
  if (dialect === undefined) {
    return reject('WEBHOOK_WRONG_EVENT', 400, 'no X-Gitea-Event or X-GitHub-Event header');
  }
  const event = dialect === 'gitea' ? giteaEvent : header(headers, 'x-github-event');
  if (event !== 'issue_comment') {
    return reject('WEBHOOK_WRONG_EVENT', 202, `event "${event}" is not issue_comment; ignored`);
  }
  const eventType = header(headers, 'x-gitea-event-type');
  if (dialect === 'gitea' && eventType !== undefined && eventType !== 'pull_request_comment') {
    return reject(
      'WEBHOOK_NOT_PR_COMMENT',
      202,
      `event type "${eventType}" is not a pull request comment; ignored`,
    );
  }

  let payload: unknown;
  try {
    payload = JSON.parse(
      typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'),
    );
  } catch {
    return reject('WEBHOOK_MALFORMED', 400, 'body is not valid JSON');
  }
  try {
    const p = asObject(payload, 'payload');
    const action = str(p, 'action', 'payload');
    const issue = asObject(p.issue, 'payload.issue');
    const isPull = dialect === 'gitea' ? p.is_pull === true : issue.pull_request != null;
    if (!isPull) {
      return reject(
        'WEBHOOK_NOT_PR_COMMENT',
        202,
        'comment is on an issue, not a pull request; ignored',
      );
    }
    if (action !== 'created' && action !== 'edited') {
      return reject('WEBHOOK_IGNORED_ACTION', 202, `action "${action}" is not acted on; ignored`);
    }
    const repository = asObject(p.repository, 'payload.repository');
    const comment = normalizeComment(dialectSpec(dialect), p.comment, 'payload.comment');
    const deliveryId =
      header(headers, dialect === 'gitea' ? 'x-gitea-delivery' : 'x-github-delivery') ?? null;
    return {
      ok: true,
      event: {
        dialect,
        deliveryId,
        action,
        repo: str(repository, 'full_name', 'payload.repository'),
        comment: { ...comment, prNumber: int(issue, 'number', 'payload.issue') },
      },
    };
  } catch (error) {
    if (error instanceof MalformedAnswer) return reject('WEBHOOK_MALFORMED', 400, error.message);
    throw error;
  }
}

export type ReadBodyResult =
  | { ok: true; body: Buffer }
  | { ok: false; rejection: WebhookRejection };

/**
 * Reads a request body up to `maxBytes` (default 1 MiB) and keeps nothing past it, so an
 * oversized delivery costs no more memory than the limit; refuses at once when `Content-Length`
 * already says too much. Answer the rejection with its 413 (and `Connection: close`); pass an
 * accepted body to {@link parseWebhook}.
 */
export function readWebhookBody(
  req: Readable & { headers?: Record<string, unknown> },
  options: { maxBytes?: number } = {},
): Promise<ReadBodyResult> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const tooLarge = (size: string): ReadBodyResult => ({
    ok: false,
    rejection: {
      code: 'WEBHOOK_TOO_LARGE',
      httpStatus: 413,
      message: `body of ${size} bytes is over the limit of ${maxBytes}`,
    },
  });
  const declared = req.headers?.['content-length'];
  if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    return Promise.resolve(tooLarge(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        resolve(tooLarge(`more than ${maxBytes}`));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks) });
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
