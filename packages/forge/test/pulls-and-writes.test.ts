import { describe, expect, it } from 'vitest';
import { DIALECTS, REPO, SHA, setupPerTest } from './helpers.js';

describe.each(DIALECTS)('pulls, comments and statuses (%s)', (dialect) => {
  const s = setupPerTest(dialect);

  it('reads an open PR with its head', async () => {
    const n = s.fake.openPull(REPO, {
      headSha: SHA,
      headRef: 'fix-healthcheck',
      cloneUrl: 'https://git.example.org/someone/custom-html.git',
    });
    expect(await s.forge.getPull(REPO, n)).toEqual({
      number: n,
      state: 'open',
      merged: false,
      headRef: 'fix-healthcheck',
      headSha: SHA,
      headCloneUrl: 'https://git.example.org/someone/custom-html.git',
      headPushedAt: '2026-11-22T10:00:00Z',
      baseRef: 'main',
    });
  });

  it('reads when the head repository was last pushed to (a push after a !testme)', async () => {
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.clock.advance(90_000);
    s.fake.updatePull(REPO, n, { headSha: 'b'.repeat(40) });
    expect(await s.forge.getPull(REPO, n)).toMatchObject({
      headSha: 'b'.repeat(40),
      headPushedAt: '2026-11-22T10:01:30Z',
    });
  });

  it('reads a merged PR and a PR whose fork was deleted', async () => {
    const n = s.fake.openPull(REPO, { headSha: SHA, cloneUrl: null });
    s.fake.closePull(REPO, n, { merged: true });
    const pr = await s.forge.getPull(REPO, n);
    expect(pr).toMatchObject({ state: 'closed', merged: true, headCloneUrl: null });
  });

  it('answers FORGE_NOT_FOUND for an issue number that is not a PR', async () => {
    const n = s.fake.openIssue(REPO);
    await expect(s.forge.getPull(REPO, n)).rejects.toMatchObject({
      code: 'FORGE_NOT_FOUND',
      status: 404,
    });
  });

  it('creates and edits a comment', async () => {
    const n = s.fake.openPull(REPO, { headSha: SHA });
    const ref = await s.forge.createComment(REPO, n, 'queued');
    expect(ref.htmlUrl).toContain(`#issuecomment-${ref.id}`);
    await s.forge.editComment(REPO, ref.id, 'level 3');
    const stored = s.fake.comments(REPO);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: ref.id, user: s.fake.botUser, body: 'level 3' });
  });

  it('maps a locked PR and an archived repo to FORGE_LOCKED', async () => {
    const n = s.fake.openPull(REPO, { headSha: SHA });
    s.fake.lockIssue(REPO, n);
    await expect(s.forge.createComment(REPO, n, 'hi')).rejects.toMatchObject({
      code: 'FORGE_LOCKED',
      status: 403,
    });
    s.fake.lockIssue(REPO, n, false);
    s.fake.archiveRepo(REPO);
    await expect(s.forge.createComment(REPO, n, 'hi')).rejects.toMatchObject({
      code: 'FORGE_LOCKED',
      // Gitea answers 423 for an archived repo (routers/api/v1/repo/issue_comment.go), GitHub 403.
      status: dialect === 'gitea' ? 423 : 403,
    });
    expect(s.fake.comments(REPO)).toEqual([]);
  });

  it('sets a commit status and normalizes status/state', async () => {
    const st = await s.forge.setStatus(REPO, SHA, {
      state: 'pending',
      context: 'ccci',
      description: 'queued',
      targetUrl: 'http://127.0.0.1/runs/1',
    });
    expect(st).toMatchObject({ state: 'pending', context: 'ccci', description: 'queued' });
    await s.forge.setStatus(REPO, SHA, {
      state: 'success',
      context: 'ccci',
      description: 'x'.repeat(300),
    });
    const stored = s.fake.statuses(REPO, SHA);
    expect(stored.map((x) => x.state)).toEqual(['pending', 'success']);
    expect(stored[1]?.description).toHaveLength(140);
  });

  it('refuses bad input with a TypeError and sends nothing', async () => {
    s.fake.clearRequests();
    expect(() =>
      s.forge.setStatus(REPO, SHA, { state: 'warning' as 'error', context: 'ccci' }),
    ).toThrow(/status.state must be one of/);
    expect(() => s.forge.setStatus(REPO, 'HEAD', { state: 'error', context: 'ccci' })).toThrow(
      /sha must be/,
    );
    expect(() => s.forge.createComment(REPO, 0, 'x')).toThrow(/number must be a positive integer/);
    expect(() => s.forge.createComment(REPO, 1, '  ')).toThrow(/body must be a non-empty string/);
    expect(s.fake.requests).toEqual([]);
  });
});
