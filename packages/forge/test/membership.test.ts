import { beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, setup, setupPerTest } from './helpers.js';

describe.each(DIALECTS)('isOrgMember (%s)', (dialect) => {
  const s = setupPerTest(dialect);
  beforeEach(() => {
    s.fake.setMembers('coop-cloud', ['alice', s.fake.botUser], { public: ['alice'] });
  });

  it('answers member (204) and not-member (404)', async () => {
    expect(await s.forge.isOrgMember('coop-cloud', 'alice')).toMatchObject({
      result: 'member',
      status: 204,
    });
    expect(await s.forge.isOrgMember('coop-cloud', 'mallory')).toMatchObject({
      result: 'not-member',
      status: 404,
    });
  });

  it('does not follow the redirect a non-member bot gets: unknown, with the reason', async () => {
    s.fake.botIsMember(false);
    s.fake.clearRequests();
    const answer = await s.forge.isOrgMember('coop-cloud', 'alice');
    // Following it would ask /public_members/alice, where alice *is* listed: a wrong "member".
    expect(answer.result).toBe('unknown');
    expect(answer.status).toBe(dialect === 'gitea' ? 303 : 302);
    expect(answer.reason).toMatch(/redirect.*not followed.*not a member of coop-cloud/);
    expect(s.fake.requests.map((r) => r.path)).toEqual(['/orgs/coop-cloud/members/alice']);
  });

  it('answers unknown without a request for a login a forge cannot have', async () => {
    s.fake.clearRequests();
    expect((await s.forge.isOrgMember('coop-cloud', 'dependabot[bot]')).result).toBe('unknown');
    expect(s.fake.requests).toEqual([]);
  });

  it('answers unknown when the forge refuses the token', async () => {
    const other = await setup(dialect, { token: 'wrong-token' });
    try {
      other.fake.setMembers('coop-cloud', ['alice']);
      expect(await other.forge.isOrgMember('coop-cloud', 'alice')).toMatchObject({
        result: 'unknown',
        status: 401,
      });
    } finally {
      await other.close();
    }
  });
});
