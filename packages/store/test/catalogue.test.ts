import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACTS_SQL, listRunsSql } from '../src/catalogue.js';
import {
  type NewRun,
  openStore,
  type RunPatch,
  runBranch,
  runStatus,
  type Store,
} from '../src/index.js';

let store: Store;
let tick: number;
beforeEach(() => {
  tick = Date.parse('2026-11-01T00:00:00.000Z');
  // Each write is one second after the last: creation order is time order.
  store = openStore({
    path: ':memory:',
    clock: () => {
      tick += 1000;
      return new Date(tick);
    },
  });
});
afterEach(() => store.close());

let n = 0;
function add(recipe: string, pr: number | null, patch: RunPatch = {}, onDefaultBranch = false) {
  n++;
  const run: NewRun = {
    id: `r${n}`,
    repo: `o/${recipe}`,
    recipe,
    pr,
    commentId: null,
    requestedBy: 'alice',
    headSha: 'a'.repeat(40),
    headRef: pr === null ? 'main' : `feature-${pr}`,
    baseRef: 'main',
    src: `http://x/o/${recipe}.git`,
    stages: null,
    quick: false,
    executor: 'local',
    keyHash: null,
    onDefaultBranch,
  };
  store.insertRun(run);
  return Object.keys(patch).length ? store.updateRun(run.id, patch) : store.getRun(run.id);
}
const done = (level: number | null, commitState = 'success'): RunPatch => ({
  state: 'done',
  level,
  commitState,
  finishedAt: new Date(tick).toISOString(),
});

describe('runStatus and runBranch', () => {
  it('name every state a reader sees', () => {
    expect(runStatus({ state: 'dispatched', commitState: null })).toBe('queued');
    expect(runStatus({ state: 'running', commitState: null })).toBe('running');
    expect(runStatus({ state: 'done', commitState: 'failure' })).toBe('failure');
    expect(runStatus({ state: 'done', commitState: null })).toBe('error');
    expect(runStatus({ state: 'replaced', commitState: 'error' })).toBe('replaced');
    expect(runBranch({ pr: null, onDefaultBranch: false })).toBe('default');
    expect(runBranch({ pr: 3, onDefaultBranch: true })).toBe('default');
    expect(runBranch({ pr: 3, onDefaultBranch: false })).toBe('pr');
  });
});

describe('listRuns', () => {
  it('pages newest first with a cursor that neither repeats nor skips a run', () => {
    const base = n;
    for (let i = 0; i < 7; i++) add('a', i);
    const seen: string[] = [];
    let before: ReturnType<Store['listRuns']>['next'] = null;
    do {
      const page = store.listRuns({ recipe: 'a', limit: 3, ...(before ? { before } : {}) });
      seen.push(...page.runs.map((r) => r.id));
      before = page.next;
    } while (before);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1].map((i) => `r${base + i}`));
  });

  it('filters by branch, PR and status together', () => {
    const base = n;
    add('b', 1, done(3));
    add('b', 2, done(1, 'failure'));
    add('b', null, done(4));
    add('b', 5, done(2), true);
    add('b', 6, { state: 'running' });
    add('b', 7, { state: 'done', commitState: 'error', finishedAt: '2026-11-01T01:00:00.000Z' });
    const ids = (q: Parameters<Store['listRuns']>[0]) =>
      store.listRuns(q).runs.map((r) => Number(r.id.slice(1)) - base);
    expect(ids({ recipe: 'b', branch: 'default', limit: 10 })).toEqual([4, 3]);
    expect(ids({ recipe: 'b', branch: 'pr', limit: 10 })).toEqual([6, 5, 2, 1]);
    expect(ids({ recipe: 'b', pr: 2, limit: 10 })).toEqual([2]);
    expect(ids({ recipe: 'b', statuses: ['failure', 'error'], limit: 10 })).toEqual([6, 2]);
    expect(ids({ recipe: 'b', statuses: ['running'], branch: 'pr', limit: 10 })).toEqual([5]);
    expect(ids({ recipe: 'nope', limit: 10 })).toEqual([]);
  });
});

describe('recipeFacts', () => {
  it('reads the default-branch pair, the newest PR run and the trend', () => {
    add('c', 1, done(4), true);
    add('c', 2, done(3), true);
    add('c', 3, done(2, 'failure'));
    store.setPrOutcome(`r${n}`, 'closed');
    add('c', 4, done(null, 'error'));
    add('c', 5, { state: 'queued' });
    const [facts] = store.recipeFacts(['c'], 2);
    expect(facts?.defaultRuns.map((r) => r.level)).toEqual([3, 4]);
    expect(facts?.newestPrRun).toMatchObject({ pr: 3, level: 2, prOpen: false, branch: 'pr' });
    expect(facts?.lastRun).toMatchObject({ pr: 4, level: null, status: 'error' });
    expect(facts?.trend.map((r) => r.level)).toEqual([3, 2]);
    expect(store.levelHistory('c', 10).map((r) => r.pr)).toEqual([1, 2, 3, 4]);
    expect(store.recipesWithRuns()).toContain('c');
    expect(store.defaultBranchLevel('c')).toBe(3);
  });
});

describe('query plans', () => {
  it('the dashboard queries read the migration 7 indexes in ORDER BY order, without a sort', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccci-plan-'));
    try {
      const path = join(dir, 'bot.sqlite');
      openStore({ path }).close();
      const db = new Database(path, { readonly: true });
      const plan = (sql: string, params: unknown[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((r) => r.detail)
          .join(' | ');
      for (const [name, sql] of Object.entries(FACTS_SQL)) {
        const params = (sql.match(/\?/g) ?? []).map((_, i) => (i === 0 ? '["r"]' : 5));
        const searches = plan(sql, params)
          .split(' | ')
          .filter((line) => / runs /.test(line));
        expect(searches.length, name).toBeGreaterThan(0);
        for (const line of searches) expect(line, name).toMatch(/USING COVERING INDEX runs_recipe/);
      }
      const cursor = { createdAt: '2026-11-01T00:00:00.000Z', id: 'x' };
      for (const query of [
        {},
        { recipe: 'r' },
        { recipe: 'r', branch: 'pr' as const, statuses: ['failure' as const, 'error' as const] },
        { branch: 'default' as const, before: cursor },
        { branch: 'pr' as const, statuses: ['error' as const] },
        { statuses: ['success' as const, 'failure' as const], before: cursor },
      ]) {
        const { sql, params } = listRunsSql(query);
        const p = plan(sql, [...params, 51]);
        expect(p, JSON.stringify(query)).toMatch(/USING INDEX runs_(recipe_)?created_cover/);
        expect(p).not.toContain('TEMP B-TREE');
      }
      // Few runs are active: SQLite seeks them by state and sorts the handful.
      const active = listRunsSql({ statuses: ['queued', 'running'], before: cursor });
      expect(plan(active.sql, [...active.params, 51])).toMatch(
        /SEARCH runs USING INDEX runs_(active|outcome)/,
      );
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
