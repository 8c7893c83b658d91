import { backoffDelay } from '@ccci/backoff';
import {
  clipLive,
  LIVE_LIMITS,
  LIVE_PHASE,
  type LiveEvent,
  type LiveEventInput,
} from '@ccci/results';

export interface LiveFeedOptions {
  /** trigger-bot base URL, as for the report. */
  url: string;
  /** The run-scoped key (sent as `Authorization: Bearer`). Never logged. */
  key: string;
  runId: string;
  /** How often buffered events go out, ms. Default 1000. */
  flushMs?: number;
  /** Events kept while the bot does not acknowledge them; beyond, log lines are counted, not kept. Default 5000. */
  maxBuffered?: number;
  /** First wait after a failed send, ms, doubled each failure up to 30 s. Default 1000. */
  retryMs?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Once, when the bot refuses the stream for good (never the key). Default: nothing. */
  log?: (message: string) => void;
  clock?: () => Date;
}

export interface LiveFeed {
  push(event: LiveEventInput): void;
  /** Sends what is left (one try, 5 s at most) and stops. Never throws. */
  close(): Promise<void>;
}

/** Bytes of one request body we aim under (the bot takes up to LIVE_LIMITS.bodyBytes). */
const BATCH_BYTES = Math.floor(LIVE_LIMITS.bodyBytes * 0.8);

/**
 * Streams the run's progress to trigger-bot (`POST /api/runs/<id>/progress`): events are numbered,
 * kept until the bot acknowledges them and resent after a failure (backoff to 30 s), so a bot
 * restart loses nothing. A refusal other than 429/5xx stops the stream; the run never waits on
 * it (its report and run.log carry everything).
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  const maxBuffered = options.maxBuffered ?? 5000;
  const resend = { firstMs: options.retryMs ?? 1000, maxMs: 30_000 };
  const endpoint = `${options.url.replace(/\/$/, '')}/api/runs/${encodeURIComponent(options.runId)}/progress`;
  const buffer: LiveEvent[] = [];
  let seq = 0;
  let dropped = 0;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let failures = 0;
  let nextTry = 0;

  const stop = (why: string) => {
    if (stopped) return;
    stopped = true;
    buffer.length = 0;
    options.log?.(`live progress stopped: ${why}`);
  };

  const add = (event: LiveEventInput) => {
    if (seq >= LIVE_LIMITS.seq) return stop(`more than ${LIVE_LIMITS.seq} events`);
    buffer.push({ ...clipped(event), seq: ++seq, at: clock().toISOString() } as LiveEvent);
  };

  async function send(deadlineMs: number): Promise<void> {
    const batch: LiveEvent[] = [];
    let bytes = 64;
    for (const ev of buffer) {
      const size = Buffer.byteLength(JSON.stringify(ev)) + 1;
      if (batch.length >= LIVE_LIMITS.batch || (batch.length > 0 && bytes + size > BATCH_BYTES))
        break;
      batch.push(ev);
      bytes += size;
    }
    if (batch.length === 0) return;
    let status = 0;
    let acked = 0;
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ run_id: options.runId, events: batch }),
        signal: AbortSignal.timeout(deadlineMs),
      });
      status = res.status;
      const body = (await res.json().catch(() => ({}))) as { acked?: unknown };
      if (typeof body.acked === 'number') acked = body.acked;
    } catch {
      status = 0;
    }
    if (status === 200) {
      failures = 0;
      while (buffer.length > 0 && (buffer[0] as LiveEvent).seq <= acked) buffer.shift();
      return;
    }
    if (status >= 400 && status < 500 && status !== 429)
      return stop(`the bot answered HTTP ${status}`);
    failures++;
    nextTry = Date.now() + backoffDelay(resend, failures - 1);
  }

  const flush = () => {
    if (stopped || inFlight || buffer.length === 0 || Date.now() < nextTry) return;
    inFlight = send(10_000).finally(() => {
      inFlight = undefined;
    });
  };
  const tellDropped = () => {
    if (dropped === 0 || stopped) return;
    add({
      kind: 'log',
      level: 'warn',
      text: `${dropped} log lines were not streamed while the bot was unreachable; run.log has them`,
    });
    dropped = 0;
  };
  const timer = setInterval(flush, options.flushMs ?? 1000);
  timer.unref();

  return {
    push(event) {
      if (stopped) return;
      if (buffer.length >= maxBuffered) {
        // Steps and rung outcomes always fit (there are few); log lines wait in run.log.
        if (event.kind === 'log') {
          dropped++;
          return;
        }
      } else tellDropped();
      add(event);
    },
    async close() {
      clearInterval(timer);
      await inFlight;
      tellDropped();
      if (!stopped && buffer.length > 0) await send(5000);
      stopped = true;
    },
  };
}

function clipped(event: LiveEventInput): LiveEventInput {
  switch (event.kind) {
    case 'step':
      return {
        kind: 'step',
        phase: LIVE_PHASE.test(event.phase) ? event.phase : 'other',
        step: clipLive(event.step, LIVE_LIMITS.step),
      };
    case 'rung':
      return { ...event, reason: clipLive(event.reason, LIVE_LIMITS.text) };
    case 'log':
      return { ...event, text: clipLive(event.text, LIVE_LIMITS.text) };
  }
}
