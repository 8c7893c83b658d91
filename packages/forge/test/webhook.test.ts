import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseWebhook,
  readWebhookBody,
  verifyGiteaSignature,
  verifyHubSignature256,
  type WebhookResult,
} from '../src/index.js';
import { DIALECTS, REPO, type Setup, SHA, setup } from './helpers.js';

const SECRET = 'webhook-secret-123';

/** A real receiver on loopback: reads the raw body, parses, answers the suggested status. */
async function startReceiver(maxBytes?: number) {
  const results: WebhookResult[] = [];
  const server: Server = createServer(async (req, res) => {
    const limit = maxBytes === undefined ? {} : { maxBytes };
    const read = await readWebhookBody(req, limit);
    const result = read.ok
      ? parseWebhook(req.headers, read.body, { secret: SECRET, ...limit })
      : read;
    results.push(result);
    res.statusCode = result.ok ? 200 : result.rejection.httpStatus;
    if (!read.ok) res.setHeader('connection', 'close');
    res.end(result.ok ? 'ok' : result.rejection.code);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, results, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(DIALECTS)('webhooks (%s)', (dialect) => {
  let s: Setup;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    s = await setup(dialect);
    receiver = await startReceiver(4096);
  });
  afterEach(async () => {
    await receiver.close();
    await s.close();
  });

  it('accepts a signed PR comment and normalizes it like a polled one', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const c = s.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --quick' });
    const delivery = await s.fake.deliverWebhook(
      receiver.url,
      { commentId: c.id },
      { secret: SECRET },
    );
    expect(delivery.status).toBe(200);
    const result = receiver.results[0];
    expect(result?.ok).toBe(true);
    if (!result?.ok) return;
    const [polled] = await s.forge.listCommentsSince(REPO, { since: new Date(0) });
    expect(result.event).toEqual({
      dialect,
      deliveryId: delivery.deliveryId,
      action: 'created',
      repo: REPO,
      comment: polled,
    });
  });

  it('rejects a wrong or missing signature with 401, and a body changed after signing', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const c = s.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const ev = { commentId: c.id };
    expect(
      (await s.fake.deliverWebhook(receiver.url, ev, { secret: SECRET, signature: 'wrong' }))
        .status,
    ).toBe(401);
    expect(
      (await s.fake.deliverWebhook(receiver.url, ev, { secret: SECRET, signature: 'none' })).status,
    ).toBe(401);
    const tampered = await s.fake.deliverWebhook(receiver.url, ev, {
      secret: SECRET,
      appendAfterSigning: ' ',
    });
    expect(tampered).toMatchObject({ status: 401, body: 'WEBHOOK_BAD_SIGNATURE' });
  });

  it('answers 413 for an oversized body, before checking anything else', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const c = s.fake.addComment({ repo: REPO, pr, user: 'alice', body: 'x'.repeat(5000) });
    const d = await s.fake.deliverWebhook(receiver.url, { commentId: c.id }, { secret: SECRET });
    expect(d).toMatchObject({ status: 413, body: 'WEBHOOK_TOO_LARGE' });
  });

  it('ignores (202) comments on issues, other events and deletions', async () => {
    const issue = s.fake.openIssue(REPO);
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const onIssue = s.fake.addComment({ repo: REPO, pr: issue, user: 'alice', body: '!testme' });
    const onPr = s.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const a = await s.fake.deliverWebhook(
      receiver.url,
      { commentId: onIssue.id },
      { secret: SECRET },
    );
    const b = await s.fake.deliverWebhook(
      receiver.url,
      { commentId: onPr.id },
      { secret: SECRET, event: 'push' },
    );
    const c = await s.fake.deliverWebhook(
      receiver.url,
      { commentId: onPr.id, action: 'deleted' },
      { secret: SECRET },
    );
    expect([a, b, c].map((d) => [d.status, d.body])).toEqual([
      [202, 'WEBHOOK_NOT_PR_COMMENT'],
      [202, 'WEBHOOK_WRONG_EVENT'],
      [202, 'WEBHOOK_IGNORED_ACTION'],
    ]);
  });

  it('accepts an edit as action "edited"', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const c = s.fake.addComment({ repo: REPO, pr, user: 'alice', body: 'hi' });
    s.fake.editComment(c.id, '!testme');
    await s.fake.deliverWebhook(
      receiver.url,
      { commentId: c.id, action: 'edited' },
      { secret: SECRET },
    );
    const r = receiver.results[0];
    expect(r?.ok && r.event.action).toBe('edited');
  });
});

describe('parseWebhook on hand-made bodies', () => {
  const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

  it('rejects signed bodies that are not JSON or miss fields, with 400 and the field', () => {
    const headers = (body: string) => ({
      'x-github-event': 'issue_comment',
      'x-hub-signature-256': `sha256=${sign(body)}`,
    });
    const notJson = 'not json {';
    expect(parseWebhook(headers(notJson), notJson, { secret: SECRET })).toEqual({
      ok: false,
      rejection: { code: 'WEBHOOK_MALFORMED', httpStatus: 400, message: 'body is not valid JSON' },
    });
    const missing = JSON.stringify({
      action: 'created',
      issue: { number: 1, pull_request: {} },
      repository: {},
    });
    const r = parseWebhook(headers(missing), missing, { secret: SECRET });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejection.message).toMatch(/payload.comment: expected a JSON object/);
  });

  it('names the content type of a form-encoded delivery (415), not a signature mismatch', () => {
    // A Gitea/Forgejo hook set to "application/x-www-form-urlencoded" posts `payload=<JSON>` but
    // signs the JSON itself (services/webhook/default.go NewRequest: body = t.PayloadContent).
    const json = JSON.stringify({ action: 'created', is_pull: true });
    const body = new URLSearchParams({ payload: json }).toString();
    const r = parseWebhook(
      {
        'content-type': 'application/x-www-form-urlencoded',
        'x-gitea-event': 'issue_comment',
        'x-gitea-signature': sign(json),
      },
      body,
      { secret: SECRET },
    );
    expect(!r.ok && r.rejection).toMatchObject({
      code: 'WEBHOOK_UNSUPPORTED_CONTENT_TYPE',
      httpStatus: 415,
      message: expect.stringContaining('application/json'),
    });
  });

  it('requires a secret', () => {
    expect(() => parseWebhook({}, '{}', { secret: '' })).toThrow(TypeError);
  });

  it('accepts a Headers object too', () => {
    const r = parseWebhook(new Headers({ 'x-gitea-event': 'push' }), '{}', { secret: SECRET });
    expect(!r.ok && r.rejection.code).toBe('WEBHOOK_BAD_SIGNATURE');
  });
});

describe('readWebhookBody', () => {
  it('stops keeping bytes past the limit even without Content-Length', async () => {
    const { Readable } = await import('node:stream');
    const big = Readable.from([Buffer.alloc(3000), Buffer.alloc(3000)]);
    const r = await readWebhookBody(big, { maxBytes: 4096 });
    expect(!r.ok && r.rejection).toMatchObject({ code: 'WEBHOOK_TOO_LARGE', httpStatus: 413 });
    const small = await readWebhookBody(Readable.from([Buffer.from('{}')]), { maxBytes: 4096 });
    expect(small.ok && small.body.toString()).toBe('{}');
  });
});

describe('signature helpers', () => {
  const body = Buffer.from('{"a":1}');
  const hex = createHmac('sha256', SECRET).update(body).digest('hex');

  it('verify the right signature and refuse everything else', () => {
    expect(verifyGiteaSignature(body, hex, SECRET)).toBe(true);
    expect(verifyGiteaSignature(body, hex.toUpperCase(), SECRET)).toBe(true);
    expect(verifyHubSignature256(body, `sha256=${hex}`, SECRET)).toBe(true);
    expect(verifyGiteaSignature(body, hex, 'other')).toBe(false);
    expect(verifyGiteaSignature(body, hex.slice(0, 62), SECRET)).toBe(false);
    expect(verifyGiteaSignature(body, undefined, SECRET)).toBe(false);
    expect(verifyGiteaSignature(body, hex, '')).toBe(false);
    expect(verifyHubSignature256(body, hex, SECRET)).toBe(false);
    expect(verifyHubSignature256(body, `sha1=${hex}`, SECRET)).toBe(false);
    expect(verifyHubSignature256(Buffer.from('{"a":2}'), `sha256=${hex}`, SECRET)).toBe(false);
  });
});
