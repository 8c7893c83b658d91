import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NewRun, openStore, type Store } from '../src/index.js';
import { newRun } from './helpers.js';

let dir: string;
let path: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccci-store-sched-'));
  path = join(dir, 'bot.sqlite');
  store = openStore({ path });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A scheduled run of the default branch. */
const run = (id: string, extra: Partial<NewRun> = {}) =>
  newRun(id, {
    pr: null,
    requestedBy: null,
    headRef: 'main',
    onDefaultBranch: true,
    ...extra,
  });

describe('schedules', () => {
  it('keeps the due time and the last scheduled run across a reopen', () => {
    store.setScheduleDue('custom-html', 'o/custom-html', '2026-12-02T10:00:00.000Z');
    store.transaction(() => {
      store.insertRun(run('r1'));
      store.markScheduled(
        'custom-html',
        'r1',
        '2026-12-02T10:00:01.000Z',
        '2026-12-03T10:00:00.000Z',
      );
    });
    store.close();
    store = openStore({ path });
    expect(store.getSchedule('custom-html')).toEqual({
      recipe: 'custom-html',
      repo: 'o/custom-html',
      dueAt: '2026-12-03T10:00:00.000Z',
      lastScheduledAt: '2026-12-02T10:00:01.000Z',
      lastRunId: 'r1',
    });
    store.setScheduleDue('custom-html', 'o/custom-html', '2026-12-04T00:00:00.000Z');
    expect(store.listSchedules()[0]).toMatchObject({
      dueAt: '2026-12-04T00:00:00.000Z',
      lastRunId: 'r1',
    });
    expect(() => store.markScheduled('nope', 'r1', 'x', 'y')).toThrow(/no schedule for nope/);
  });

  it('latestDefaultRun: the newest finished default-branch run, errors included, PR runs not', () => {
    store.insertRun(run('d1'));
    store.updateRun('d1', { state: 'done', level: 3, finishedAt: '2026-12-01T00:00:00.000Z' });
    store.insertRun(run('p1', { pr: 4, onDefaultBranch: false, commentId: 1 }));
    store.updateRun('p1', { state: 'done', level: 1, finishedAt: '2026-12-02T00:00:00.000Z' });
    expect(store.latestDefaultRun('custom-html')?.id).toBe('d1');
    store.insertRun(run('d2'));
    store.updateRun('d2', { state: 'done', error: 'boom', finishedAt: '2026-12-03T00:00:00.000Z' });
    expect(store.latestDefaultRun('custom-html')?.id).toBe('d2');
    expect(store.latestDefaultRun('other')).toBeUndefined();
  });
});

describe('digests', () => {
  const digest = (id: string, createdAt: string) => ({ id, createdAt, json: `{"id":"${id}"}` });

  it('stores a digest once, with one pending delivery per target', () => {
    expect(
      store.insertDigest(digest('d-1', '2026-12-02T00:00:00.000Z'), ['matrix', 'webhook']),
    ).toBe(true);
    expect(store.insertDigest(digest('d-1', '2026-12-02T00:00:09.000Z'), ['matrix'])).toBe(false);
    expect(store.getDigest('d-1')?.createdAt).toBe('2026-12-02T00:00:00.000Z');
    expect(store.deliveries('d-1').map((d) => [d.target, d.state, d.attempts])).toEqual([
      ['matrix', 'pending', 0],
      ['webhook', 'pending', 0],
    ]);
    store.insertDigest(digest('d-2', '2026-12-03T00:00:00.000Z'), []);
    expect(store.latestDigest()?.id).toBe('d-2');
  });

  it('dueDeliveries: pending ones whose next attempt is unset or passed, oldest digest first', () => {
    store.insertDigest(digest('d-2', '2026-12-03T00:00:00.000Z'), ['webhook']);
    store.insertDigest(digest('d-1', '2026-12-02T00:00:00.000Z'), ['webhook', 'matrix']);
    store.updateDelivery('d-1', 'matrix', {
      state: 'pending',
      attempts: 1,
      nextAttemptAt: '2026-12-03T01:00:00.000Z',
      lastError: 'HTTP 502',
      sentAt: null,
    });
    store.updateDelivery('d-2', 'webhook', {
      state: 'sent',
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
      sentAt: '2026-12-03T00:00:01.000Z',
    });
    const at = (t: string) => store.dueDeliveries(t).map((d) => `${d.digestId}/${d.target}`);
    expect(at('2026-12-03T00:30:00.000Z')).toEqual(['d-1/webhook']);
    expect(at('2026-12-03T01:00:00.000Z')).toEqual(['d-1/matrix', 'd-1/webhook']);
    expect(store.deliveries('d-1')[0]).toMatchObject({ attempts: 1, lastError: 'HTTP 502' });
  });
});
