import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RECIPE_NAME_PART } from '@ccci/contracts';
import { readWebhookBody } from '@ccci/forge';
import { LIVE_LIMITS, renderBadge } from '@ccci/results';
import { ACTIVE_RUN_STATES, type StoredEvent } from '@ccci/store';
import type { Bot } from './bot.js';
import { errorMessage } from './context.js';
import { renderRun } from './dashboard.js';
import { parseDigest } from './digest.js';
import { renderDigestPage } from './digest-render.js';
import { acceptProgress, createLiveHub } from './live.js';
import { LIVE_JS } from './live-view.js';
import {
  apiRecipes,
  apiRuns,
  createDashboard,
  type DashboardOptions,
  type Reply,
  renderHome,
  renderRecipe,
  renderRunLog,
} from './pages/index.js';
import { ARTIFACT_NAME, acceptArtifact, acceptReport, authorizeRun } from './report.js';
import { budgetOf, createResponseBudget, useBudget } from './response-budget.js';
import { handleWebhook } from './webhook.js';

export interface BotServerOptions extends DashboardOptions {
  bot: Bot;
  /** Enables `POST /webhook` when set. Default: no webhook endpoint. */
  webhookSecret?: string | null;
  /** Largest webhook body, bytes. Default 1 MiB. */
  maxWebhookBytes?: number;
  /** Largest report or artifact body, bytes. Default 64 MiB. */
  maxReportBytes?: number;
  /**
   * Bytes of large answers (1 MiB and over: artifacts, logs) held for readers at once; one that
   * does not fit is answered 503. Default 256 MiB.
   */
  maxHeldResponseBytes?: number;
  /** A large answer whose reader takes nothing for this long is cut off, ms. Default 60 000. */
  responseIdleMs?: number;
}

export interface BotServer {
  readonly server: Server;
  /** Starts listening; resolves with the base URL. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
) => Promise<void> | void;

const CONTENT_TYPES: Record<string, string> = {
  'results.json': 'application/json',
  'card.svg': 'image/svg+xml',
  'badge.svg': 'image/svg+xml',
  'card.png': 'image/png',
  'screenshot.png': 'image/png',
  'run.log': 'text/plain; charset=utf-8',
  'comment.md': 'text/markdown; charset=utf-8',
};

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  if (budgetOf(res)?.take(res, Buffer.byteLength(body)) === false) {
    const busy = '{"error":"the server is busy sending large answers; try again shortly"}\n';
    res.writeHead(503, {
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'retry-after': '10',
    });
    res.end(busy);
    return;
  }
  res.writeHead(status, {
    'content-type': type,
    'x-content-type-options': 'nosniff',
    // Artifacts come from PR code: SVGs must not run scripts in the bot's origin.
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    ...extra,
  });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>) =>
  send(res, status, `${JSON.stringify(body)}\n`, 'application/json', extra);
// Pages may run the bot's own script (the live view) and open its event stream; nothing else.
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; style-src 'unsafe-inline'";
const html = (res: ServerResponse, body: string | null) =>
  body === null
    ? json(res, 404, { error: 'not found' })
    : send(res, 200, body, 'text/html; charset=utf-8', { 'content-security-policy': PAGE_CSP });

/** Open live streams, all runs (each holds a connection and a listener). */
const MAX_STREAMS = 200;
/** Events a stream reads at a time (and holds while its reader is slow): at most ~0.6 MB. */
const EVENTS_PER_READ = 100;

/** The bot's HTTP surface: health, metrics, badges, results API, dashboard, report intake, webhook. */
export function createBotServer(options: BotServerOptions): BotServer {
  const { bot } = options;
  const ctx = bot.context;
  const maxReport = options.maxReportBytes ?? 64 * 1024 * 1024;
  const maxWebhook = options.maxWebhookBytes ?? 1024 * 1024;
  const budget = createResponseBudget(
    options.maxHeldResponseBytes ?? 256 * 1024 * 1024,
    options.responseIdleMs ?? 60_000,
  );

  const hub = createLiveHub();
  const streams = new Set<ServerResponse>();
  const dash = createDashboard(ctx, options);
  const query = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://bot').searchParams;
  const reply = (res: ServerResponse, r: Reply) =>
    send(res, r.status, r.body, r.type, r.headers ?? {});

  const readBody = async (
    req: IncomingMessage,
    res: ServerResponse,
    maxBytes = maxReport,
  ): Promise<Buffer | null> => {
    const read = await readWebhookBody(req, { maxBytes });
    if (read.ok) return read.body;
    json(res, 413, { error: read.rejection.message }, { connection: 'close' });
    return null;
  };

  // A small table of exact patterns: a handful of routes does not earn a router dependency.
  const routes: [string, RegExp, Handler][] = [
    [
      'GET',
      /^\/healthz$/,
      (_q, res) =>
        json(res, 200, { ok: true, schema: ctx.store.schemaVersion(), stopping: bot.stopped }),
    ],
    [
      'GET',
      /^\/metrics$/,
      async (_q, res) =>
        send(res, 200, await bot.metrics.registry.metrics(), bot.metrics.registry.contentType),
    ],
    [
      'GET',
      new RegExp(`^/badge/(${RECIPE_NAME_PART})\\.svg$`),
      (_q, res, [recipe]) => {
        const level = ctx.store.defaultBranchLevel(recipe as string);
        send(res, 200, renderBadge(level as Parameters<typeof renderBadge>[0]), 'image/svg+xml', {
          'cache-control': 'no-cache',
        });
      },
    ],
    [
      'GET',
      /^\/api\/results$/,
      (_q, res) =>
        json(res, 200, {
          recipes: ctx.store.latestPerRecipe().map(({ recipe, run }) => ({
            recipe,
            run_id: run.id,
            level: run.level,
            commit_state: run.commitState,
            default_branch_level: ctx.store.defaultBranchLevel(recipe),
            pr: run.pr,
            sha: run.headSha,
            finished_at: run.finishedAt,
            run_url: `${ctx.publicUrl}/runs/${run.id}`,
            results: run.resultsJson ? JSON.parse(run.resultsJson) : null,
          })),
        }),
    ],
    [
      'GET',
      /^\/api\/runs\/([A-Za-z0-9_-]{1,64})$/,
      (_q, res, [id]) => {
        const run = ctx.store.getRun(id as string);
        if (!run) return json(res, 404, { error: 'no such run' });
        const { keyHash: _k, resultsJson, ...rest } = run;
        json(res, 200, {
          ...rest,
          results: resultsJson ? JSON.parse(resultsJson) : null,
          artifacts: ctx.store.listArtifacts(run.id),
        });
      },
    ],
    [
      'POST',
      /^\/api\/runs\/([A-Za-z0-9_-]{1,64})\/report$/,
      async (req, res, [id]) => {
        // Check the key before reading up to 64 MiB from whoever asks.
        const denied = authorizeRun(ctx, id as string, req.headers.authorization);
        if (denied) return json(res, denied.status, denied.body, { connection: 'close' });
        const body = await readBody(req, res);
        if (!body) return;
        const answer = acceptReport(ctx, id as string, req.headers.authorization, body);
        json(res, answer.status, answer.body);
        hub.publish(id as string);
        bot.kick();
      },
    ],
    [
      'POST',
      /^\/api\/runs\/([A-Za-z0-9_-]{1,64})\/progress$/,
      async (req, res, [id]) => {
        const runId = id as string;
        const denied = authorizeRun(ctx, runId, req.headers.authorization);
        if (denied) return json(res, denied.status, denied.body, { connection: 'close' });
        const body = await readBody(req, res, LIVE_LIMITS.bodyBytes);
        if (!body) return;
        const answer = acceptProgress(ctx, runId, req.headers.authorization, body);
        json(res, answer.status, answer.body);
        if (answer.status !== 200) return;
        hub.publish(runId);
        bot.progressed(runId, answer.rungChanged);
      },
    ],
    [
      'GET',
      /^\/runs\/([A-Za-z0-9_-]{1,64})\/events$/,
      (req, res, [id]) => streamRun(req, res, id as string),
    ],
    [
      'GET',
      /^\/static\/live\.js$/,
      (_q, res) =>
        send(res, 200, LIVE_JS, 'text/javascript; charset=utf-8', {
          'cache-control': 'no-cache',
        }),
    ],
    [
      'PUT',
      /^\/api\/runs\/([A-Za-z0-9_-]{1,64})\/artifacts\/([A-Za-z0-9._-]{1,100})$/,
      async (req, res, [id, name]) => {
        const denied = authorizeRun(ctx, id as string, req.headers.authorization);
        if (denied) return json(res, denied.status, denied.body, { connection: 'close' });
        const body = await readBody(req, res);
        if (!body) return;
        const answer = acceptArtifact(
          ctx,
          id as string,
          name as string,
          req.headers.authorization,
          body,
        );
        json(res, answer.status, answer.body);
      },
    ],
    [
      'POST',
      /^\/webhook$/,
      async (req, res) => {
        if (!options.webhookSecret)
          return json(res, 404, { error: 'webhook intake is not enabled (set WEBHOOK_SECRET)' });
        const answer = await handleWebhook(bot, req, {
          secret: options.webhookSecret,
          maxBytes: maxWebhook,
        });
        json(res, answer.status, answer.body, answer.close ? { connection: 'close' } : {});
      },
    ],
    ['GET', /^\/api\/runs$/, (req, res) => reply(res, apiRuns(dash, query(req)))],
    ['GET', /^\/api\/recipes$/, (_q, res) => reply(res, apiRecipes(dash))],
    [
      'GET',
      /^\/digest(\.json)?$/,
      (_q, res, [asJson]) => {
        const latest = ctx.store.latestDigest();
        if (asJson) {
          if (!latest) return json(res, 404, { error: 'no digest yet' });
          return send(res, 200, `${latest.json}\n`, 'application/json');
        }
        const page = renderDigestPage(latest ? parseDigest(latest) : null);
        send(res, 200, page, 'text/html; charset=utf-8');
      },
    ],
    ['GET', /^\/$/, (_q, res) => send(res, 200, renderHome(dash), 'text/html; charset=utf-8')],
    [
      'GET',
      new RegExp(`^/recipes/(${RECIPE_NAME_PART})$`),
      (req, res, [r]) => reply(res, renderRecipe(dash, r as string, query(req))),
    ],
    [
      'GET',
      /^\/runs\/([A-Za-z0-9_-]{1,64})\/log$/,
      (req, res, [id]) => reply(res, renderRunLog(dash, id as string, query(req))),
    ],
    [
      'GET',
      /^\/runs\/([A-Za-z0-9_-]{1,64})$/,
      (_q, res, [id]) => html(res, renderRun(ctx.store, id as string)),
    ],
    [
      'GET',
      /^\/runs\/([A-Za-z0-9_-]{1,64})\/artifacts\/([A-Za-z0-9._-]{1,100})$/,
      (_q, res, [id, name]) => {
        const bytes = ARTIFACT_NAME.test(name as string)
          ? ctx.store.getArtifact(id as string, name as string)
          : undefined;
        if (!bytes) return json(res, 404, { error: 'no such artifact' });
        send(
          res,
          200,
          bytes,
          CONTENT_TYPES[name as string] ??
            (String(name).endsWith('.png') ? 'image/png' : 'application/octet-stream'),
        );
      },
    ],
  ];

  /**
   * `GET /runs/<id>/events`: the run's progress as Server-Sent Events, from `Last-Event-ID` (or
   * `?after=`) on, each event's number as its id; `event: end` when the run is over. A comment
   * line every 15 s keeps proxies from closing a quiet stream and checks for an end the hub
   * was not told about (an executor's exit).
   */
  function streamRun(req: IncomingMessage, res: ServerResponse, runId: string): void {
    if (!ctx.store.getRun(runId)) {
      json(res, 404, { error: 'no such run' });
      return;
    }
    if (streams.size >= MAX_STREAMS) {
      json(res, 503, { error: 'too many live views open; reload later' });
      return;
    }
    const from =
      req.headers['last-event-id'] ??
      new URL(req.url ?? '/', 'http://bot').searchParams.get('after');
    let last = /^\d{1,9}$/.test(String(from ?? '')) ? Number(from) : 0;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    streams.add(res);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(beat);
      streams.delete(res);
      res.end();
    };
    // A reader that does not keep up is sent more when it has taken what was written ('drain'):
    // a run's events (up to 20 000 lines) never wait in memory all at once, per connection.
    let draining = false;
    // Read, not yet written: what the reader gets when it has taken the rest.
    let batch: StoredEvent[] = [];
    let sent = 0;
    const pump = () => {
      if (closed || draining) return;
      for (;;) {
        if (sent === batch.length) {
          batch = ctx.store.runEvents(runId, last, EVENTS_PER_READ);
          sent = 0;
          if (batch.length === 0) break;
        }
        const ev = batch[sent++] as StoredEvent;
        last = ev.seq;
        if (!res.write(`id: ${ev.seq}\ndata: ${ev.data}\n\n`)) {
          draining = true;
          res.once('drain', () => {
            draining = false;
            pump();
          });
          return;
        }
      }
      const run = ctx.store.getRun(runId);
      if (!run || !ACTIVE_RUN_STATES.includes(run.state)) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: run?.state ?? 'gone' })}\n\n`);
        close();
      }
    };
    const unsubscribe = hub.subscribe(runId, pump);
    const beat = setInterval(() => {
      if (!closed) res.write(': keep-alive\n\n');
      pump();
    }, 15_000);
    beat.unref();
    req.on('close', close);
    pump();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    useBudget(res, budget);
    const path = new URL(req.url ?? '/', 'http://bot').pathname;
    let pathMatched = false;
    for (const [method, pattern, handler] of routes) {
      const m = pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (method !== req.method && !(method === 'GET' && req.method === 'HEAD')) continue;
      await handler(req, res, m.slice(1));
      return;
    }
    json(res, pathMatched ? 405 : 404, { error: pathMatched ? 'method not allowed' : 'not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      ctx.log.error?.({ err: errorMessage(error), path: req.url }, 'request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    },
    async close() {
      for (const res of [...streams]) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
