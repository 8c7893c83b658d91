import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InjectedCrash } from '../src/index.js';
import { nextSlot, slotOffset } from '../src/schedule.js';
import { memoryLog, REPO, sha, type World, world } from './helpers.js';

const DAY = 86_400_000;
const KEYCLOAK = 'coop-cloud/keycloak';
const T0 = Date.parse('2026-12-02T00:00:00.000Z');

let w: World;
let now: number;
const clock = () => new Date(now);
beforeEach(async () => {
  w = await world();
  w.fake.addRepo(KEYCLOAK, { defaultBranch: 'develop' });
  w.fake.setBranch(REPO, 'main', sha(1));
  w.fake.setBranch(KEYCLOAK, 'develop', sha(2));
  now = T0;
});
afterEach(() => w.close());

const boot = (maxActive = 5, log = memoryLog().log) =>
  w.boot({ repos: [REPO, KEYCLOAK], clock, log, schedule: { everyMs: DAY, maxActive } });

/** Ends every active default-branch run with a level (what a report would do). */
function finishAll(store: ReturnType<World['boot']>['store'], level = 3): void {
  for (const r of store.activeRuns()) {
    store.updateRun(r.id, {
      state: 'done',
      level,
      commitState: 'success',
      finishedAt: clock().toISOString(),
    });
  }
}

const scheduled = (store: ReturnType<World['boot']>['store']) =>
  store
    .listRuns({ limit: 100 })
    .runs.filter((r) => r.pr === null)
    .map((r) => r.recipe)
    .sort();

describe('slots', () => {
  it('each recipe has a fixed slot in the period; the next one is within a period', () => {
    for (const recipe of ['custom-html', 'keycloak', 'a', 'b-c']) {
      const off = slotOffset(recipe, DAY);
      expect(off).toBeGreaterThanOrEqual(0);
      expect(off).toBeLessThan(DAY);
      for (const after of [T0, T0 + 1, T0 + off, T0 + off - 1, T0 + 12_345_678]) {
        const next = nextSlot(recipe, DAY, after);
        expect(next).toBeGreaterThan(after);
        expect(next - after).toBeLessThanOrEqual(DAY);
        expect(next % DAY).toBe(off);
      }
    }
    expect(slotOffset('custom-html', DAY)).not.toBe(slotOffset('keycloak', DAY));
  });
});

describe('scheduled catalogue runs', () => {
  it('one run per enrolled recipe per period, at its slot, not twice across a restart', async () => {
    let { bot, store } = boot();
    await bot.pollOnce();
    // First sight: each recipe is due at its next slot, nothing runs yet.
    expect(scheduled(store)).toEqual([]);
    const dueAt = store.listSchedules().map((s) => Date.parse(s.dueAt));
    expect(dueAt).toHaveLength(2);
    for (const t of dueAt) expect(t > T0 && t <= T0 + DAY).toBe(true);

    // The bot is down across both slots: after the restart neither is skipped.
    await bot.stop();
    now = T0 + DAY;
    ({ bot, store } = boot());
    await bot.pollOnce();
    expect(scheduled(store)).toEqual(['custom-html', 'keycloak']);
    const runs = store.listRuns({ limit: 10 }).runs;
    expect(runs.find((r) => r.recipe === 'keycloak')).toMatchObject({
      pr: null,
      commentId: null,
      onDefaultBranch: true,
      headSha: sha(2),
      headRef: 'develop',
      baseRef: 'develop',
      src: `${w.fake.url}/${KEYCLOAK}.git`,
    });
    expect(w.executor.dispatched.map((d) => [d.recipe, d.pr, d.headSha]).sort()).toEqual([
      ['custom-html', null, sha(1)],
      ['keycloak', null, sha(2)],
    ]);

    // Finished, restarted, polled again in the same period: no second run.
    finishAll(store);
    await bot.stop();
    ({ bot, store } = boot());
    await bot.pollOnce();
    await bot.pollOnce();
    expect(scheduled(store)).toHaveLength(2);

    // A period later each recipe runs once more, at the branch's new head.
    w.fake.setBranch(REPO, 'main', sha(3));
    now += DAY;
    await bot.pollOnce();
    await bot.pollOnce();
    expect(scheduled(store)).toEqual(['custom-html', 'custom-html', 'keycloak', 'keycloak']);
    expect(store.listRuns({ limit: 1, recipe: 'custom-html' }).runs[0]?.headSha).toBe(sha(3));
  });

  it('at most one active run per recipe and maxActive in all; the rest wait their turn', async () => {
    const { bot, store } = boot(1);
    await bot.pollOnce();
    now = T0 + DAY;
    await bot.pollOnce();
    expect(scheduled(store)).toHaveLength(1);
    await bot.pollOnce();
    expect(scheduled(store)).toHaveLength(1);
    finishAll(store);
    await bot.pollOnce();
    expect(scheduled(store)).toHaveLength(2);
    expect(new Set(scheduled(store))).toEqual(new Set(['custom-html', 'keycloak']));
  });

  it('a missing default branch waits a period (no lookup every cycle) and is logged', async () => {
    const { lines, log } = memoryLog();
    w.fake.addRepo('coop-cloud/empty');
    const { bot, store } = w.boot({
      repos: ['coop-cloud/empty'],
      clock,
      log,
      schedule: { everyMs: DAY },
    });
    await bot.pollOnce();
    now = T0 + DAY;
    await bot.pollOnce();
    expect(scheduled(store)).toEqual([]);
    expect(Date.parse(store.getSchedule('empty')?.dueAt ?? '')).toBeGreaterThan(now);
    expect(lines.some((l) => l.message.includes('default branch lookup failed'))).toBe(true);
    w.fake.clearRequests();
    await bot.pollOnce();
    expect(w.fake.requests.filter((r) => r.path.includes('/branches/'))).toEqual([]);
  });

  it('a crash before the run is recorded: after the restart exactly one run per recipe', async () => {
    let { bot, store } = boot();
    await bot.pollOnce();
    now = T0 + DAY;
    ({ bot, store } = w.boot({
      repos: [REPO, KEYCLOAK],
      clock,
      schedule: { everyMs: DAY, maxActive: 5 },
      crashAt: (step) => {
        if (step === 'before-schedule-insert') throw new InjectedCrash(step);
      },
    }));
    await expect(bot.pollOnce()).rejects.toBeInstanceOf(InjectedCrash);
    expect(scheduled(store)).toEqual([]);
    ({ bot, store } = boot());
    await bot.pollOnce();
    await bot.pollOnce();
    expect(scheduled(store)).toEqual(['custom-html', 'keycloak']);
  });

  it('bad options are a TypeError naming the option', () => {
    expect(() => w.boot({ schedule: { everyMs: -1 } })).toThrow(/options\.schedule\.everyMs/);
    expect(() => w.boot({ schedule: { everyMs: DAY, maxActive: 0 } })).toThrow(
      /options\.schedule\.maxActive must be an integer ≥ 1, found 0/,
    );
    expect(() => w.boot({ digest: { everyMs: 1.5 } })).toThrow(/options\.digest\.everyMs/);
  });

  it('off by default: no schedule rows, no forge lookups', async () => {
    const { bot, store } = w.boot({ repos: [REPO, KEYCLOAK], clock });
    await bot.pollOnce();
    now = T0 + 2 * DAY;
    await bot.pollOnce();
    expect(store.listSchedules()).toEqual([]);
    expect(w.fake.requests.some((r) => r.path.includes('/branches/'))).toBe(false);
  });
});
