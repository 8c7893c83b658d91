import { backoffDelay } from '@ccci/backoff';
import type { Log } from '@ccci/contracts';
import {
  fetchWithRetry,
  RetryExhausted,
  type RetryOptions,
  resolveRetryPolicy,
  retryLogFields,
} from '@ccci/forge';
import type { DeliveryRecord, Store } from '@ccci/store';
import { type Digest, parseDigest } from './digest.js';
import { renderDigestHtml, renderDigestText } from './digest-render.js';

/** Where digests go. Each target is optional; none configured sends nothing. */
export interface DigestTargets {
  /** Generic JSON webhook: the digest is POSTed as is (docs/trigger-bot.md, "Digests"). */
  webhook?: { url: string };
  /** A Matrix room, through the client-server API with the bot account's access token. */
  matrix?: { homeserver: string; roomId: string; accessToken: string };
}

export interface NotifierOptions {
  store: Store;
  targets: DigestTargets;
  /** Default `globalThis.fetch`. Redirects are not followed (a token must not travel on). */
  fetch?: typeof globalThis.fetch;
  /** One delivery round's retries, backoff and per-attempt timeout. Default: 3 retries, 10 s. */
  retry?: RetryOptions;
  /** Rounds before a delivery is given up (each round retries on its own). Default 8. */
  maxRounds?: number;
  /** Wait after the first failed round, doubled after each (at most 6 h). Default 300 000 ms. */
  roundDelayMs?: number;
  clock?: () => Date;
  log?: Log;
}

export interface Notifier {
  /** Target names a new digest gets a delivery row for. */
  readonly targetNames: string[];
  /** Sends every due delivery (in the background when called without await); coalesces. */
  flush(): Promise<void>;
  /** Aborts what is in flight (left pending, sent again after a restart) and waits for it. */
  close(): Promise<void>;
}

/** What one target sends: method, URL, headers and body of its request for a digest. */
interface Request {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Matrix transaction id of a digest: the same on every retry and after a restart. */
export const matrixTxnId = (digestId: string) => `ccci-${digestId}`;

function requestFor(target: string, d: Digest, targets: DigestTargets): Request {
  if (target === 'webhook' && targets.webhook) {
    return {
      method: 'POST',
      url: targets.webhook.url,
      // The digest id lets a receiver drop a repeat (a retry after a lost answer).
      headers: { 'content-type': 'application/json', 'idempotency-key': d.id },
      body: JSON.stringify(d),
    };
  }
  if (target === 'matrix' && targets.matrix) {
    const m = targets.matrix;
    // Client-server API, "PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}"
    // (https://spec.matrix.org/v1.18/client-server-api/#put_matrixclientv3roomsroomidsendeventtypetxnid):
    // the homeserver uses the transaction id to make a retransmission idempotent, per access
    // token ("Transaction identifiers"). m.room.message with msgtype m.text: `body` plain text,
    // `format: org.matrix.custom.html` with `formatted_body` (spec, "m.room.message msgtypes").
    return {
      method: 'PUT',
      url: `${m.homeserver}/_matrix/client/v3/rooms/${encodeURIComponent(m.roomId)}/send/m.room.message/${encodeURIComponent(matrixTxnId(d.id))}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${m.accessToken}` },
      body: JSON.stringify({
        msgtype: 'm.text',
        body: renderDigestText(d),
        format: 'org.matrix.custom.html',
        formatted_body: renderDigestHtml(d),
      }),
    };
  }
  throw new TypeError(`no notification target ${JSON.stringify(target)} is configured`);
}

/** Sends stored digests to the configured targets, retried with backoff, off the bot's path. */
export function createNotifier(options: NotifierOptions): Notifier {
  const { store, targets } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const policy = resolveRetryPolicy(
    { retries: 3, minDelayMs: 1_000, maxDelayMs: 30_000, ...options.retry },
    'options.retry',
  );
  const maxRounds = options.maxRounds ?? 8;
  const roundDelayMs = options.roundDelayMs ?? 300_000;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? {};
  const targetNames = [
    ...(targets.webhook ? ['webhook'] : []),
    ...(targets.matrix ? ['matrix'] : []),
  ];
  const closing = new AbortController();
  let running: Promise<void> | null = null;
  let again = false;

  async function send(target: string, d: Digest): Promise<void> {
    const r = requestFor(target, d, targets);
    await fetchWithRetry(
      fetchImpl,
      r.url,
      {
        method: r.method,
        headers: { ...r.headers, 'user-agent': 'ccci-trigger-bot' },
        body: r.body,
      },
      // Only the status matters.
      () => undefined,
      {
        policy,
        signal: closing.signal,
        // Matrix: the transaction id; webhook: the digest id and Idempotency-Key.
        idempotent: true,
        onRetry: (failure, attempt, delayMs) =>
          log.info?.(
            { target, digest: d.id, ...retryLogFields(failure, attempt, delayMs) },
            'digest delivery failed; retrying',
          ),
      },
    );
  }

  async function deliver(row: DeliveryRecord): Promise<void> {
    const record = store.getDigest(row.digestId);
    if (!record || !targetNames.includes(row.target)) {
      // A target removed from the settings since the digest was made.
      store.updateDelivery(row.digestId, row.target, {
        ...row,
        state: 'failed',
        lastError: 'target no longer configured',
      });
      return;
    }
    try {
      await send(row.target, parseDigest(record));
      store.updateDelivery(row.digestId, row.target, {
        state: 'sent',
        attempts: row.attempts + 1,
        nextAttemptAt: null,
        lastError: null,
        sentAt: clock().toISOString(),
      });
      log.info?.({ target: row.target, digest: row.digestId }, 'digest delivered');
    } catch (error) {
      if (!(error instanceof RetryExhausted)) throw error;
      if (error.failure.kind === 'aborted') return;
      const { failure } = error;
      const attempts = row.attempts + 1;
      const final = failure.kind === 'http' || failure.kind === 'malformed';
      const giveUp = final || attempts >= maxRounds;
      const wait = backoffDelay({ firstMs: roundDelayMs, maxMs: 6 * 3_600_000 }, attempts - 1);
      const why = failure.status === undefined ? failure.kind : `HTTP ${failure.status}`;
      store.updateDelivery(row.digestId, row.target, {
        state: giveUp ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: giveUp ? null : new Date(clock().getTime() + wait).toISOString(),
        lastError: why,
        sentAt: null,
      });
      // Target and status only: never the URL (a webhook URL may hold a secret) or a header.
      log.warn?.(
        {
          target: row.target,
          digest: row.digestId,
          failure: failure.kind,
          status: failure.status,
          tries: error.attempts,
          rounds: attempts,
        },
        giveUp
          ? 'digest delivery failed; given up'
          : `digest delivery failed; next round in ${Math.round(wait / 60_000)} min`,
      );
    }
  }

  async function pass(): Promise<void> {
    do {
      again = false;
      for (const row of store.dueDeliveries(clock().toISOString())) {
        if (closing.signal.aborted) return;
        await deliver(row);
      }
    } while (again && !closing.signal.aborted);
  }

  return {
    targetNames,
    flush() {
      if (closing.signal.aborted) return Promise.resolve();
      if (running) {
        again = true;
        return running;
      }
      running = pass()
        .catch((error: unknown) =>
          log.error?.(
            { err: (error as Error)?.message ?? String(error) },
            'digest delivery crashed',
          ),
        )
        .finally(() => {
          running = null;
        });
      return running;
    },
    async close() {
      closing.abort(new Error('the bot is stopping'));
      await running;
    },
  };
}
