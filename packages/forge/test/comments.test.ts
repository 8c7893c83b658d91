import { describe, expect, it } from 'vitest';
import { DIALECTS, REPO, SHA, setup, setupPerTest } from './helpers.js';

describe.each(DIALECTS)('listCommentsSince (%s)', (dialect) => {
  const s = setupPerTest(dialect);
  /** alice's comment `body` at `at` on a new pull request. */
  const aliceCommentAt = (body: string, at: string) => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    return s.fake.addComment({ repo: REPO, pr, user: 'alice', body, at });
  };

  it('walks every page, oldest first, with the PR number of each comment', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const issue = s.fake.openIssue(REPO);
    for (let i = 0; i < 120; i++) {
      s.fake.addComment({
        repo: REPO,
        pr: i % 10 === 0 ? issue : pr,
        user: 'alice',
        body: `c${i}`,
      });
      s.clock.advance(1000);
    }
    const all = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T00:00:00Z' });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 120 }, (_, i) => `c${i}`));
    expect(new Set(all.map((c) => c.id)).size).toBe(120);
    expect(all[0]?.prNumber).toBeNull();
    expect(all[1]?.prNumber).toBe(pr);
    expect(all[1]?.user).toBe('alice');
    expect(all[1]?.createdAt).toBe('2026-11-22T10:00:01Z');
    // Gitea: no Link header, limit 50 → pages of 50, 50, 20; GitHub: per_page 100 → 2 pages.
    // A walk of more than a page is walked again (a deletion meanwhile would hide one).
    const lists = s.fake.requests.filter((r) => r.path.endsWith('/issues/comments'));
    expect(lists.length).toBe(2 * (dialect === 'gitea' ? 3 : 2));
    expect(lists.every((r) => r.query.page !== undefined)).toBe(true);
  });

  it('a comment deleted during the walk hides no other: the page boundary one is still seen', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const made: { id: number }[] = [];
    for (let i = 0; i < 130; i++) {
      made.push(s.fake.addComment({ repo: REPO, pr, user: 'alice', body: `c${i}` }));
      s.clock.advance(1000);
    }
    // Just before page 2 is served, a comment of page 1 is deleted: every later one shifts back.
    s.fake.beforeRequest(/[?&]page=2(&|$)/, () => s.fake.deleteComment(made[3]?.id as number));
    const all = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T00:00:00Z' });
    const bodies = new Set(all.map((c) => c.body));
    for (let i = 0; i < 130; i++) if (i !== 3) expect(bodies.has(`c${i}`), `c${i}`).toBe(true);
  });

  it('costs one request per idle poll', async () => {
    s.fake.openPull(REPO, { headSha: SHA });
    s.fake.clearRequests();
    const none = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T11:00:00Z' });
    expect(none).toEqual([]);
    expect(s.fake.requests.length).toBe(1);
  });

  it('stops on an exactly full last page without an extra request', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    const n = dialect === 'gitea' ? 50 : 100;
    for (let i = 0; i < n; i++) s.fake.addComment({ repo: REPO, pr, user: 'bob', body: `x${i}` });
    s.fake.clearRequests();
    expect((await s.forge.listCommentsSince(REPO, { since: new Date(0) })).length).toBe(n);
    expect(s.fake.requests.length).toBe(1);
  });

  it('is inclusive at one-second resolution: the cursor comment comes back (dedupe by id)', async () => {
    const c = aliceCommentAt('!testme', '2026-11-22T10:00:05Z');
    const first = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T10:00:05.900Z' });
    expect(first.map((x) => x.id)).toEqual([c.id]);
    const later = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T10:00:06Z' });
    expect(later).toEqual([]);
  });

  it('returns an old comment again once it is edited (updated time moves)', async () => {
    const c = aliceCommentAt('hello', '2026-11-22T09:00:00Z');
    s.fake.editComment(c.id, '!testme', { at: '2026-11-22T10:30:00Z' });
    const got = await s.forge.listCommentsSince(REPO, { since: '2026-11-22T10:00:00Z' });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      id: c.id,
      body: '!testme',
      createdAt: '2026-11-22T09:00:00Z',
      updatedAt: '2026-11-22T10:30:00Z',
    });
  });

  it('honours before (the server filters on Gitea, the client on GitHub)', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.addComment({ repo: REPO, pr, user: 'a', body: 'early', at: '2026-11-22T10:00:00Z' });
    s.fake.addComment({ repo: REPO, pr, user: 'a', body: 'late', at: '2026-11-22T10:10:00Z' });
    const got = await s.forge.listCommentsSince(REPO, {
      since: '2026-11-22T09:00:00Z',
      before: '2026-11-22T10:05:00Z',
    });
    expect(got.map((c) => c.body)).toEqual(['early']);
  });

  it('iterates lazily: stopping early fetches no further page', async () => {
    const pr = s.fake.openPull(REPO, { headSha: SHA });
    for (let i = 0; i < 150; i++) s.fake.addComment({ repo: REPO, pr, user: 'a', body: `${i}` });
    s.fake.clearRequests();
    for await (const c of s.forge.iterateCommentsSince(REPO, { since: new Date(0) })) {
      if (c.body === '3') break;
    }
    expect(s.fake.requests.length).toBe(1);
  });

  it('refuses a bad repo or since with a TypeError naming it, before any request', async () => {
    s.fake.clearRequests();
    await expect(s.forge.listCommentsSince('no-slash', { since: new Date() })).rejects.toThrow(
      /repo must be/,
    );
    await expect(s.forge.listCommentsSince(REPO, { since: 'yesterday' })).rejects.toThrow(
      /options.since/,
    );
    expect(s.fake.requests.length).toBe(0);
  });

  it('normalizes times rendered in a server-local zone to UTC', async () => {
    const local = await setup(dialect, {}, { utcOffsetMinutes: 90 });
    try {
      const pr = local.fake.openPull(REPO, { headSha: SHA });
      local.fake.addComment({ repo: REPO, pr, user: 'a', body: 'x', at: '2026-11-22T10:00:07Z' });
      const [c] = await local.forge.listCommentsSince(REPO, { since: '2026-11-22T10:00:07Z' });
      expect(c?.createdAt).toBe('2026-11-22T10:00:07Z');
    } finally {
      await local.close();
    }
  });

  it('answers FORGE_NOT_FOUND for an unknown repository', async () => {
    await expect(
      s.forge.listCommentsSince('nobody/nothing', { since: new Date(0) }),
    ).rejects.toMatchObject({
      code: 'FORGE_NOT_FOUND',
      status: 404,
    });
  });
});
