import { describe, expect, it } from 'vitest';
import { DIALECTS, REPO, SHA, setupPerTest } from './helpers.js';

describe.each(DIALECTS)('repository and branch lookups (%s)', (dialect) => {
  const s = setupPerTest(dialect);

  it('reads the default branch and clone URL, then the branch head', async () => {
    s.fake.setBranch(REPO, 'main', SHA);
    const repo = await s.forge.getRepo(REPO);
    expect(repo).toEqual({
      fullName: REPO,
      defaultBranch: 'main',
      cloneUrl: `${s.fake.url}/${REPO}.git`,
      archived: false,
    });
    expect(await s.forge.getBranch(REPO, repo.defaultBranch)).toEqual({ name: 'main', sha: SHA });
    expect(s.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${REPO}`,
      `GET /repos/${REPO}/branches/main`,
    ]);
  });

  it('a branch name with a slash reaches the forge as one path parameter', async () => {
    s.fake.setBranch(REPO, 'release/1.x', 'b'.repeat(40));
    expect(await s.forge.getBranch(REPO, 'release/1.x')).toEqual({
      name: 'release/1.x',
      sha: 'b'.repeat(40),
    });
  });

  it('a missing branch or repository is FORGE_NOT_FOUND', async () => {
    await expect(s.forge.getBranch(REPO, 'main')).rejects.toMatchObject({
      code: 'FORGE_NOT_FOUND',
    });
    await expect(s.forge.getRepo('coop-cloud/nope')).rejects.toMatchObject({
      code: 'FORGE_NOT_FOUND',
    });
  });

  it('a 5xx is retried; a bad branch name is a TypeError and sends nothing', async () => {
    s.fake.setBranch(REPO, 'main', SHA);
    s.fake.inject({ path: `/repos/${REPO}/branches/main`, kind: '5xx', times: 1 });
    expect((await s.forge.getBranch(REPO, 'main')).sha).toBe(SHA);
    s.fake.clearRequests();
    expect(() => s.forge.getBranch(REPO, '../x')).toThrow(TypeError);
    expect(s.fake.requests).toEqual([]);
  });
});
