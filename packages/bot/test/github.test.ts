import { describe, expect, it } from 'vitest';
import { REPO, sha, worldPerTest } from './helpers.js';

const w = worldPerTest({ dialect: 'github' });

describe('GitHub dialect', () => {
  it('member triggers once; edited old comment does not; non-member is refused', async () => {
    const pr = w.fake.openPull(REPO, { headSha: sha(5) });
    const old = w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    const { bot } = w.boot();
    await bot.pollOnce();
    w.fake.editComment(old.id, '!testme --quick', { at: new Date(Date.now() + 3000) });
    w.fake.addComment({ repo: REPO, pr, user: 'alice', body: '!testme' });
    w.fake.addComment({ repo: REPO, pr, user: 'mallory', body: '!testme' });
    await bot.pollOnce();
    await bot.pollOnce();
    expect(w.executor.dispatched).toHaveLength(1);
    const bodies = w.fake
      .comments(REPO)
      .filter((c) => c.user === w.fake.botUser)
      .map((c) => c.body);
    expect(bodies).toHaveLength(2);
    expect(bodies.join()).toContain('not a member');
    expect(w.fake.statuses(REPO, sha(5)).map((s) => s.state)).toEqual(['pending']);
  });
});
