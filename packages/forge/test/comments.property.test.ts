import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Setup, SHA, setup } from './helpers.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');

describe.each(DIALECTS)('listCommentsSince property (%s)', (dialect) => {
  let s: Setup;
  let repoCount = 0;
  beforeAll(async () => {
    s = await setup(dialect);
  });
  afterAll(() => s.close());

  it('returns exactly the comments updated at or after `since` (to the second), oldest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            created: fc.integer({ min: 0, max: 300 }),
            edit: fc.option(fc.integer({ min: 0, max: 300 })),
          }),
          { maxLength: 130 },
        ),
        fc.integer({ min: 0, max: 300_999 }),
        async (specs, sinceMs) => {
          const repo = `org/p${repoCount++}`;
          s.fake.addRepo(repo);
          const pr = s.fake.openPull(repo, { headSha: SHA });
          const expected: { id: number; created: number; updated: number }[] = [];
          for (const spec of specs) {
            const c = s.fake.addComment({
              repo,
              pr,
              user: 'u',
              body: 'b',
              at: new Date(T0 + spec.created * 1000),
            });
            let updated = spec.created;
            if (spec.edit !== null) {
              updated = spec.created + spec.edit;
              s.fake.editComment(c.id, 'e', { at: new Date(T0 + updated * 1000) });
            }
            expected.push({ id: c.id, created: spec.created, updated });
          }
          const sinceSec = Math.floor(sinceMs / 1000);
          const want = expected
            .filter((c) => c.updated >= sinceSec)
            .sort((a, b) => a.created - b.created || a.id - b.id)
            .map((c) => c.id);
          const got = await s.forge.listCommentsSince(repo, { since: new Date(T0 + sinceMs) });
          expect(got.map((c) => c.id)).toEqual(want);
        },
      ),
      { numRuns: 25 },
    );
  });
});
