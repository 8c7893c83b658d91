import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from './clock.js';
import { type FakeForge, startFakeForge } from './fake-forge.js';

const REPO = 'org/app';
const SHA = 'c'.repeat(40);

async function get(fake: FakeForge, path: string, init: RequestInit = {}) {
  return fetch(`${fake.apiUrl}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { authorization: `token ${fake.token}`, ...(init.headers ?? {}) },
  });
}

describe('fake forge: Gitea quirks', () => {
  let fake: FakeForge;
  beforeEach(async () => {
    const clock = manualClock('2026-11-22T10:00:00Z');
    fake = await startFakeForge({ dialect: 'gitea', clock: clock.now });
    fake.addRepo(REPO);
    const pr = fake.openPull(REPO, { headSha: SHA });
    for (let i = 0; i < 70; i++) {
      fake.addComment({ repo: REPO, pr, user: 'u', body: `${i}` });
      clock.advance(1000);
    }
  });
  afterEach(() => fake.close());

  it('returns everything without page, 30 by default, at most 50, with X-Total-Count and no Link', async () => {
    const all = await get(fake, `/repos/${REPO}/issues/comments`);
    expect(((await all.json()) as unknown[]).length).toBe(70);
    const p1 = await get(fake, `/repos/${REPO}/issues/comments?page=1`);
    expect(((await p1.json()) as unknown[]).length).toBe(30);
    expect(p1.headers.get('x-total-count')).toBe('70');
    expect(p1.headers.get('link')).toBeNull();
    const big = await get(fake, `/repos/${REPO}/issues/comments?page=2&limit=500`);
    expect(((await big.json()) as unknown[]).length).toBe(20);
  });

  it('filters since/before on the updated time, inclusive, at one-second resolution', async () => {
    const r = await get(
      fake,
      `/repos/${REPO}/issues/comments?since=2026-11-22T10:00:10.999Z&before=2026-11-22T10:00:12Z`,
    );
    const body = (await r.json()) as {
      body: string;
      issue_url: string;
      pull_request_url: string;
    }[];
    expect(body.map((c) => c.body)).toEqual(['10', '11', '12']);
    expect(body[0]?.issue_url).toBe('');
    expect(body[0]?.pull_request_url).toBe(`${fake.url}/${REPO}/pulls/1`);
    expect((await get(fake, `/repos/${REPO}/issues/comments?since=yesterday`)).status).toBe(422);
  });

  it('renders times in the configured zone, as Go does', async () => {
    const local = await startFakeForge({ dialect: 'gitea', utcOffsetMinutes: 60 });
    try {
      local.addRepo(REPO);
      const pr = local.openPull(REPO, { headSha: SHA });
      local.addComment({ repo: REPO, pr, user: 'u', body: 'x', at: '2026-11-22T10:00:00Z' });
      const r = await get(local, `/repos/${REPO}/issues/comments?page=1`);
      const [c] = (await r.json()) as { created_at: string }[];
      expect(c?.created_at).toBe('2026-11-22T11:00:00+01:00');
    } finally {
      await local.close();
    }
  });

  it('answers the status field as `status`', async () => {
    const r = await get(fake, `/repos/${REPO}/statuses/${SHA}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'pending', context: 'ccci' }),
    });
    expect(r.status).toBe(201);
    const body = (await r.json()) as Record<string, unknown>;
    expect(body.status).toBe('pending');
    expect(body.state).toBeUndefined();
  });

  it('redirects (303) a membership check when the bot is not a member, 404 about itself', async () => {
    fake.setMembers('org', ['alice']);
    fake.botIsMember(false);
    const r = await get(fake, '/orgs/org/members/alice');
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/api/v1/orgs/org/public_members/alice');
    expect((await get(fake, `/orgs/org/members/${fake.botUser}`)).status).toBe(404);
  });

  it('refuses requests without the token and records requests without it', async () => {
    const r = await fetch(`${fake.apiUrl}/repos/${REPO}/pulls/1`);
    expect(r.status).toBe(401);
    expect(
      (
        await get(fake, `/repos/${REPO}/pulls/1`, {
          headers: { authorization: `bearer ${fake.token}` },
        })
      ).status,
    ).toBe(200);
    expect(JSON.stringify(fake.requests)).not.toContain(fake.token);
  });
});

describe('fake forge: GitHub quirks', () => {
  let fake: FakeForge;
  beforeEach(async () => {
    fake = await startFakeForge({ dialect: 'github' });
    fake.addRepo(REPO);
    const pr = fake.openPull(REPO, { headSha: SHA });
    for (let i = 0; i < 45; i++) fake.addComment({ repo: REPO, pr, user: 'u', body: `${i}` });
  });
  afterEach(() => fake.close());

  it('paginates with per_page and a Link header', async () => {
    const r = await get(fake, `/repos/${REPO}/issues/comments?per_page=20&page=2`);
    const body = (await r.json()) as { body: string; html_url: string; issue_url: string }[];
    expect(body.map((c) => c.body)[0]).toBe('20');
    const link = r.headers.get('link') ?? '';
    expect(link).toContain('page=3>; rel="next"');
    expect(link).toContain('rel="prev"');
    expect(body[0]?.html_url).toMatch(/\/org\/app\/pull\/1#issuecomment-\d+$/);
    expect(body[0]?.issue_url).toBe(`${fake.apiUrl}/repos/${REPO}/issues/1`);
    const last = await get(fake, `/repos/${REPO}/issues/comments?per_page=20&page=3`);
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('answers 302 to a membership check by a non-member bot', async () => {
    fake.setMembers('org', ['alice']);
    fake.botIsMember(false);
    const r = await get(fake, '/orgs/org/members/alice');
    expect(r.status).toBe(302);
  });

  it('injects faults a given number of times', async () => {
    const handle = fake.inject({ path: '/pulls/', kind: '429', retryAfter: 3, times: 2 });
    const a = await get(fake, `/repos/${REPO}/pulls/1`);
    expect([a.status, a.headers.get('retry-after')]).toEqual([429, '3']);
    expect(handle.remaining()).toBe(1);
    await get(fake, `/repos/${REPO}/pulls/1`);
    expect((await get(fake, `/repos/${REPO}/pulls/1`)).status).toBe(200);
    expect(fake.requests.map((r) => r.fault ?? null)).toEqual(['429', '429', null]);
  });
});
