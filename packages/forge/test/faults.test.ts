import { afterEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../src/index.js';
import { DIALECTS, REPO, type Setup, SHA, setup } from './helpers.js';

const TOKEN = 'tok-SECRET-0123456789';

describe.each(DIALECTS)('faults (%s)', (dialect) => {
  let s: Setup;
  afterEach(() => s.close());

  it('retries a 5xx with backoff and then succeeds', async () => {
    s = await setup(dialect);
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: '5xx', times: 2, status: 502 });
    expect((await s.forge.getPull(REPO, n)).headSha).toBe(SHA);
    expect(s.fake.requests.map((r) => r.status)).toEqual([502, 502, 200]);
    expect(s.sleeps).toHaveLength(2);
    expect(s.logs.filter((l) => l.message === 'forge request failed; retrying')).toHaveLength(2);
  });

  it('retries a 408 (the forge timed out waiting for the request) like a 5xx', async () => {
    s = await setup(dialect);
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: '5xx', times: 1, status: 408 });
    expect((await s.forge.getPull(REPO, n)).headSha).toBe(SHA);
    expect(s.fake.requests.map((r) => r.status)).toEqual([408, 200]);
  });

  it('gives up after the configured retries with FORGE_HTTP and the status', async () => {
    s = await setup(dialect, { retry: { retries: 2 } });
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: '5xx', times: 10 });
    const error = await s.forge.getPull(REPO, n).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect(error).toMatchObject({ code: 'FORGE_HTTP', status: 503, attempts: 3 });
    expect((error as Error).message).toBe(
      `GET /repos/${REPO}/pulls/${n}: HTTP 503 after 3 attempts`,
    );
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    s = await setup(dialect, { retry: { now: () => Date.parse('2026-11-22T10:00:00Z') } });
    s.fake.inject({ path: '/issues/comments', kind: '429', retryAfter: 7 });
    s.fake.inject({
      path: '/issues/comments',
      kind: '429',
      retryAfter: 'Sun, 22 Nov 2026 10:00:12 GMT',
    });
    await s.forge.listCommentsSince(REPO, { since: new Date(0) });
    expect(s.sleeps).toEqual([7000, 12000]);
  });

  it('fails fast with FORGE_RATE_LIMITED when Retry-After is over the cap', async () => {
    s = await setup(dialect, { retry: { maxRetryAfterMs: 30_000 } });
    s.fake.inject({ path: '/issues/comments', kind: '429', retryAfter: 3600 });
    await expect(s.forge.listCommentsSince(REPO, { since: new Date(0) })).rejects.toMatchObject({
      code: 'FORGE_RATE_LIMITED',
      retryAfterMs: 3_600_000,
      attempts: 1,
    });
    expect(s.sleeps).toEqual([]);
  });

  it('times out a slow answer (AbortSignal) and succeeds on the retry', async () => {
    s = await setup(dialect, { retry: { timeoutMs: 1500 } });
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: 'slow', ms: 5000 });
    expect((await s.forge.getPull(REPO, n)).number).toBe(n);
    expect(s.logs.some((l) => l.fields.failure === 'timeout')).toBe(true);
  });

  it('reports FORGE_TIMEOUT when every attempt is slow', async () => {
    s = await setup(dialect, { retry: { timeoutMs: 100, retries: 1 } });
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: 'slow', ms: 5000, times: 2 });
    await expect(s.forge.getPull(REPO, n)).rejects.toMatchObject({
      code: 'FORGE_TIMEOUT',
      attempts: 2,
    });
  });

  it('turns malformed JSON into FORGE_MALFORMED, never a crash', async () => {
    s = await setup(dialect);
    s.fake.inject({ path: '/issues/comments', kind: 'malformed' });
    const error = await s.forge
      .listCommentsSince(REPO, { since: new Date(0) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORGE_MALFORMED' });
    expect((error as Error).message).toMatch(/comment list: expected a JSON array/);
  });

  it('retries a reset connection', async () => {
    s = await setup(dialect);
    s.fake.inject({ path: '/issues/comments', kind: 'reset' });
    await expect(s.forge.listCommentsSince(REPO, { since: new Date(0) })).resolves.toEqual([]);
    expect(s.fake.requests).toHaveLength(2);
  });

  it('does not repeat a comment POST after a 5xx (it may have been posted)', async () => {
    s = await setup(dialect);
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/comments', method: 'POST', kind: '5xx' });
    await expect(s.forge.createComment(REPO, n, 'queued')).rejects.toMatchObject({
      code: 'FORGE_HTTP',
      attempts: 1,
    });
    expect(s.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('repeats a comment POST after a 429 (the forge did not act on it)', async () => {
    s = await setup(dialect);
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/comments', method: 'POST', kind: '429', retryAfter: 1 });
    await s.forge.createComment(REPO, n, 'queued');
    expect(s.fake.comments(REPO)).toHaveLength(1);
  });

  it('reports FORGE_AUTH for a wrong token and never shows a token in errors or logs', async () => {
    s = await setup(dialect, { token: TOKEN.replace('SECRET', 'WRONG') });
    const n = s.fake.openPull(REPO, { headSha: SHA });
    const error = (await s.forge.getPull(REPO, n).catch((e: unknown) => e)) as ForgeError;
    expect(error.code).toBe('FORGE_AUTH');
    s.fake.inject({ path: '/pulls/', kind: '5xx', times: 10 });
    await s.forge.getPull(REPO, n).catch(() => {});
    const seen = JSON.stringify([error.message, String(error.cause), s.logs]);
    expect(seen).not.toContain('SECRET');
    expect(seen).not.toContain('WRONG');
  });

  it('reports FORGE_NETWORK when nothing listens', async () => {
    s = await setup(dialect);
    const url = s.fake.apiUrl;
    await s.fake.close();
    const { createForge } = await import('../src/index.js');
    const forge = createForge({
      dialect,
      baseUrl: url,
      token: TOKEN,
      retry: { retries: 1, sleep: async () => {} },
    });
    await expect(forge.getPull(REPO, 1)).rejects.toMatchObject({
      code: 'FORGE_NETWORK',
      attempts: 2,
    });
  });

  it('stops at once when the caller aborts', async () => {
    s = await setup(dialect);
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.inject({ path: '/pulls/', kind: 'slow', ms: 5000 });
    const controller = new AbortController();
    const pending = s.forge.getPull(REPO, n, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'FORGE_ABORTED', attempts: 1 });
  });
});
