import type { IncomingMessage } from 'node:http';
import { parseWebhook, readWebhookBody } from '@ccci/forge';
import type { Bot } from './bot.js';
import type { Answer } from './report.js';

/**
 * The optional webhook intake: size cap while reading (413), signature on the raw bytes (401),
 * shape (400); a created PR comment of a configured repository is recorded like a polled one
 * (same id → handled once) and handled at once. Edits are ignored: only new comments trigger.
 */
export async function handleWebhook(
  bot: Bot,
  req: IncomingMessage,
  options: { secret: string; maxBytes: number },
): Promise<Answer & { close?: boolean }> {
  const read = await readWebhookBody(req, { maxBytes: options.maxBytes });
  if (!read.ok) return { status: 413, body: { error: read.rejection.message }, close: true };
  const parsed = parseWebhook(req.headers, read.body, options);
  const ctx = bot.context;
  if (!parsed.ok) {
    const { rejection } = parsed;
    if (rejection.httpStatus !== 202) {
      ctx.log.warn?.({ code: rejection.code, why: rejection.message }, 'webhook rejected');
    }
    return {
      status: rejection.httpStatus,
      body: { error: rejection.message, code: rejection.code },
    };
  }
  const { event } = parsed;
  if (!ctx.repos.has(event.repo)) {
    return { status: 202, body: { ignored: `repository ${event.repo} is not configured` } };
  }
  if (event.action !== 'created') {
    return { status: 202, body: { ignored: 'edited comments do not trigger runs' } };
  }
  const c = event.comment;
  const isNew = ctx.store.recordComment({
    commentId: c.id,
    repo: event.repo,
    pr: c.prNumber,
    user: c.user,
    body: c.body,
    createdAt: c.createdAt,
    source: 'webhook',
  });
  if (isNew) {
    ctx.metrics.commentsSeen.inc({ source: 'webhook' });
    bot.kick();
  }
  return { status: 202, body: { accepted: isNew, duplicate: !isNew } };
}
