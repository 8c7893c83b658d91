import type { IncomingMessage } from 'node:http';
import { parseWebhook, readWebhookBody } from '@ccci/forge';
import type { Bot } from './bot.js';
import type { Answer } from './report.js';

/**
 * The optional webhook intake: size cap while reading (413), signature on the raw bytes (401),
 * shape (400); a created PR comment of a configured repository makes the bot poll that
 * repository at once (the comment itself is read from the forge). Edits are ignored.
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
  // A hint, not the truth: anyone with the secret could sign a days-old or made-up comment. The
  // repository is polled now; what the forge lists, under the poll's look-back bound, is what
  // is recorded and handled (at most once, by comment id).
  ctx.metrics.commentsSeen.inc({ source: 'webhook' });
  void bot
    .hint(event.repo)
    .catch((error: unknown) =>
      ctx.log.warn?.({ repo: event.repo, err: String(error) }, 'webhook hint failed'),
    );
  return { status: 202, body: { accepted: true, polled: event.repo } };
}
