// A PR run below the recipe's default-branch level says so where a maintainer looks first: the
// commit status description and the PR comment.
import { exampleResults, type Level } from '@ccci/results';
import type { Store } from '@ccci/store';
import { describe, expect, it } from 'vitest';
import { REPO, sha, worldPerTest } from './helpers.js';

const w = worldPerTest();

/** A merged run of the recipe at `level`: the default branch's level from now on. */
function mergedRun(store: Store, level: Level): void {
  store.insertRun({
    id: `merged-${level}`,
    repo: REPO,
    recipe: 'custom-html',
    pr: 99,
    commentId: null,
    requestedBy: 'alice',
    headSha: sha(99),
    headRef: 'feature',
    baseRef: 'main',
    src: 'https://example.org/custom-html.git',
    stages: null,
    quick: false,
    executor: 'recording',
    keyHash: null,
  });
  store.updateRun(`merged-${level}`, {
    state: 'done',
    level,
    commitState: 'success',
    finishedAt: new Date().toISOString(),
    notified: true,
  });
  store.setPrOutcome(`merged-${level}`, 'merged');
}

async function reportedRun(level: Level, baseline: Level | null, installReason?: string) {
  const pr = w.fake.openPull(REPO, { headSha: sha(1) });
  const booted = await w.serve();
  if (baseline !== null) mergedRun(booted.store, baseline);
  await booted.bot.pollOnce();
  const d = await w.testme(booted.bot, pr);
  const results = { ...exampleResults({ level }), run_id: d.runId, sha: sha(1), pr };
  if (installReason !== undefined) results.rungs.install.reason = installReason;
  const res = await fetch(`${booted.base}/api/runs/${d.runId}/report`, {
    method: 'POST',
    headers: { authorization: `Bearer ${d.reportKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      run_id: d.runId,
      results,
    }),
  });
  expect(res.status).toBe(200);
  await booted.bot.process();
  const comment = w.fake
    .comments(REPO)
    .find((c) => c.user === w.fake.botUser && c.body.includes(d.runId));
  const status = w.fake.statuses(REPO, sha(1)).at(-1);
  return { comment: comment?.body ?? '', status };
}

describe('a run below the default branch', () => {
  it('the status description and the comment name both levels and the rung that failed', async () => {
    const { comment, status } = await reportedRun(2, 3);
    expect(status?.state).toBe('failure');
    expect(status?.description).toBe(
      'ccci: level 2, default branch 3: backup / restore fails: restore did not bring back the backed-up state of volume "content"',
    );
    expect(status?.description?.length).toBeLessThanOrEqual(140);
    expect(comment).toContain(
      '📉 **Regression:** level 2, default branch 3 — **backup / restore** fails: restore did not bring back',
    );
  });

  it('a long reason is clipped to the forge limit', async () => {
    const { status, comment } = await reportedRun(0, 1, `abra said: ${'x'.repeat(1500)} @alice`);
    const description = status?.description ?? '';
    expect(
      description.startsWith('ccci: level 0, default branch 1: install fails: abra said: x'),
    ).toBe(true);
    expect(description.endsWith('x…')).toBe(true);
    expect([...description].length).toBe(140);
    // The comment's line escapes and clips the reason too.
    expect(comment).toMatch(/install\*\* fails: abra said: x+…/);
  });

  it('at the default branch the description is the level alone', async () => {
    const same = await reportedRun(3, 3);
    expect(same.status).toMatchObject({ state: 'success', description: 'ccci: level 3' });
    expect(same.comment).not.toContain('Regression');
  });

  it('a new recipe (no default-branch level) has no regression line', async () => {
    const fresh = await reportedRun(0, null);
    expect(fresh.status).toMatchObject({ state: 'failure', description: 'ccci: level 0' });
    expect(fresh.comment).not.toContain('Regression');
  });
});
