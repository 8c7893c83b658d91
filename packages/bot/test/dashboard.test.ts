import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotServer, createBotServer } from '../src/index.js';
import { excerptLog } from '../src/pages/run-log.js';
import { DAY, HOUR, openSeedStore, sampleLog, seedRun, T0 } from './dashboard-fixture.js';
import { REPO, type World, world } from './helpers.js';

const NOW = T0 + 40 * DAY;
const HUGE_LINES = 20_000;
const HOSTILE_LOG = `${[
  JSON.stringify({ level: 30, time: T0 + 1, msg: '<script>alert(1)</script>' }),
  JSON.stringify({ level: 30, time: T0 + 2, msg: 'abc\u202Edcba', user: '<b>x</b>' }),
  JSON.stringify({ level: 20, time: T0 + 3, source: 'abra', msg: '\u001b[31mred\u001b[0m text' }),
  'plain text line </li></ol><h1>forged</h1>',
  '[1,2,3]',
  JSON.stringify({ level: 30, time: 'not a time', msg: 'x'.repeat(10_000) }),
].join('\n')}\n${sampleLog(2, T0 + 10_000)}`;

let w: World;
let server: BotServer;
let base: string;
const ids: Record<string, string> = {};
let hugeLog: string;

beforeAll(async () => {
  w = await world();
  const { store, clock } = openSeedStore(w.dbPath);
  const seed = (name: string, r: Parameters<typeof seedRun>[2]) => {
    ids[name] = seedRun(store, clock, r).id;
  };
  // custom-html: the default branch fell from 4 to 3; PR runs below it.
  seed('merged4', { recipe: 'custom-html', pr: 1, at: T0 + DAY, level: 4, onDefaultBranch: true });
  seed('default3', { recipe: 'custom-html', pr: null, at: T0 + 30 * DAY, level: 3 });
  seed('pr5', { recipe: 'custom-html', pr: 5, at: T0 + 31 * DAY, level: 2 });
  seed('hostile', {
    recipe: 'custom-html',
    pr: 6,
    at: T0 + 32 * DAY,
    level: 1,
    reason: '<img src=x onerror=alert(1)>',
  });
  seed('errored', {
    recipe: 'custom-html',
    pr: 7,
    at: T0 + 33 * DAY,
    level: null,
    log: HOSTILE_LOG,
  });
  seed('unreadable', {
    recipe: 'custom-html',
    pr: 8,
    at: T0 + 34 * DAY,
    level: 2,
    resultsJson: '{"schema_version":1,"level":2}',
  });
  seed('queued', { recipe: 'custom-html', pr: 9, at: T0 + 39 * DAY, state: 'queued' });
  seed('running', { recipe: 'custom-html', pr: null, at: T0 + 39 * DAY + HOUR, state: 'running' });
  // alpha: level 5, fresh, a PR at 5 too.
  const lines = Array.from({ length: HUGE_LINES }, (_, i) =>
    JSON.stringify(
      i % 1000 === 0
        ? { level: 30, time: T0 + i, rung: `phase${i / 1000}`, step: 'go', msg: 'step' }
        : { level: 30, time: T0 + i, msg: `line ${i + 1}` },
    ),
  );
  hugeLog = `${lines.join('\n')}\n`;
  seed('alpha5', { recipe: 'alpha', pr: null, at: T0 + 35 * DAY, level: 5, log: hugeLog });
  seed('alphaPr', { recipe: 'alpha', pr: 2, at: T0 + 36 * DAY, level: 5 });
  // stale: measured 39 days before NOW.
  seed('stale', { recipe: 'stale', pr: null, at: T0 + DAY, level: 2 });
  // many: 120 PR runs a minute apart, for paging.
  for (let i = 0; i < 120; i++)
    seed(`many${i}`, { recipe: 'many', pr: 100 + i, at: T0 + 20 * DAY + i * 60_000, level: 3 });
  store.close();
  const booted = w.boot({
    repos: [REPO, 'coop-cloud/never-run'],
    publicUrl: 'http://ccci.example.org',
    clock: () => new Date(NOW),
  });
  server = createBotServer({ bot: booted.bot });
  base = await server.listen(0);
});

afterAll(async () => {
  await server?.close();
  await w?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const getJson = async (path: string) => {
  const r = await get(path);
  return { ...r, body: JSON.parse(r.text) as Record<string, unknown> };
};
type RunJson = { id: string; recipe: string; pr: number | null; status: string; branch: string };
const runsOf = (body: Record<string, unknown>) => body.runs as RunJson[];
const rowsOf = (html: string) =>
  [...html.matchAll(/<tr><td><a href="\/runs\/([^"]+)">/g)].map((m) => m[1]);

function schemaCheck(file: string) {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
  const schema = JSON.parse(
    readFileSync(new URL(`../../../machine-docs/${file}`, import.meta.url), 'utf8'),
  ) as object;
  const validate = ajv.compile(schema);
  return (value: unknown) => {
    const ok = validate(value);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

describe('GET /api/runs', () => {
  it('pages newest first through an opaque cursor, every run once', async () => {
    const seen: string[] = [];
    let path: string | null = '/api/runs?recipe=many';
    const sizes: number[] = [];
    while (path) {
      const { status, body } = await getJson(path);
      expect(status).toBe(200);
      sizes.push(runsOf(body).length);
      seen.push(...runsOf(body).map((r) => r.id));
      path = body.next === null ? null : `/api/runs?recipe=many&before=${body.next}`;
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => ids[`many${119 - i}`]));
    const all = await getJson('/api/runs?recipe=many&limit=200');
    expect(runsOf(all.body)).toHaveLength(120);
    expect(all.body.next).toBeNull();
  });

  it('next_url keeps the filters', async () => {
    const { body } = await getJson('/api/runs?recipe=many&branch=pr&limit=100');
    const next = new URL(body.next_url as string);
    expect(next.origin).toBe('http://ccci.example.org');
    expect(Object.fromEntries(next.searchParams)).toEqual({
      recipe: 'many',
      branch: 'pr',
      limit: '100',
      before: body.next,
    });
  });

  it('filters by branch, PR and status', async () => {
    const q = async (query: string) =>
      runsOf((await getJson(`/api/runs?recipe=custom-html&${query}`)).body).map((r) => r.id);
    expect(await q('branch=default')).toEqual([ids.running, ids.default3, ids.merged4]);
    expect(await q('branch=pr&status=failure,error')).toEqual([ids.errored]);
    expect(await q('status=queued&status=running')).toEqual([ids.running, ids.queued]);
    expect(await q('pr=5')).toEqual([ids.pr5]);
    expect(await q('branch=&pr=&status=')).toHaveLength(8);
  });

  it('says where a run stopped, and when its stored results do not validate', async () => {
    const runs = runsOf((await getJson('/api/runs?recipe=custom-html')).body) as (RunJson & {
      stopped_at: unknown;
      log_url: string | null;
    })[];
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(ids.pr5 as string)?.stopped_at).toEqual({
      rung: 'backup_restore',
      label: 'backup / restore',
      status: 'fail',
      reason: 'restore did not bring back the backed-up state of volume "content"',
    });
    expect(byId.get(ids.unreadable as string)?.stopped_at).toMatchObject({ status: 'unreadable' });
    expect(byId.get(ids.errored as string)?.log_url).toBe(
      `http://ccci.example.org/runs/${ids.errored}/log`,
    );
    expect(byId.get(ids.pr5 as string)?.log_url).toBeNull();
  });

  it.each([
    ['recipe=Not_A_Recipe', 'recipe'],
    ['branch=main', 'branch'],
    ['pr=0', 'pr'],
    ['pr=12abc', 'pr'],
    ['status=done', 'status'],
    ['before=bm90LWEtY3Vyc29y', 'before'],
    ['before=%%%', 'before'],
    ['limit=201', 'limit'],
    ['limit=0', 'limit'],
    ['recipes=alpha', 'recipes'],
    ['branch=pr&branch=default', 'branch'],
  ])('%s answers 400 naming %s', async (query, parameter) => {
    const { status, body } = await getJson(`/api/runs?${query}`);
    expect(status).toBe(400);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toMatch(new RegExp(`^${parameter}: expected .+, found `));
  });

  it('answers match machine-docs/api-runs.schema.json', async () => {
    const check = schemaCheck('api-runs.schema.json');
    for (const path of [
      '/api/runs',
      '/api/runs?limit=200',
      '/api/runs?recipe=custom-html',
      '/api/runs?recipe=nothing',
    ]) {
      const { body } = await getJson(path);
      expect(check(body), path).toEqual([]);
    }
    expect(check({ runs: [{ id: 'x' }], next: null, next_url: null })).not.toEqual([]);
  });
});

describe('GET /api/recipes', () => {
  it('lists enrolled recipes and recipes with runs, regressions first, with trend and flags', async () => {
    const { status, body } = await getJson('/api/recipes');
    expect(status).toBe(200);
    const recipes = body.recipes as Record<string, unknown>[];
    expect(recipes.map((r) => r.recipe)).toEqual([
      'custom-html',
      'alpha',
      'many',
      'never-run',
      'stale',
    ]);
    const by = Object.fromEntries(recipes.map((r) => [r.recipe as string, r]));
    expect(by['custom-html']).toMatchObject({
      enrolled: true,
      repo: REPO,
      default_branch_level: 3,
      outdated: false,
      regressed: true,
      regressions: [
        {
          kind: 'default-branch',
          run_id: ids.default3,
          level: 3,
          previous_run_id: ids.merged4,
          previous_level: 4,
        },
        { kind: 'pr', run_id: ids.unreadable, pr: 8, level: 2, default_branch_level: 3 },
      ],
      last_run: { run_id: ids.unreadable, status: 'success', branch: 'pr', pr: 8 },
    });
    expect(((by['custom-html']?.trend ?? []) as { level: number }[]).map((p) => p.level)).toEqual([
      4, 3, 2, 1, 2,
    ]);
    expect(by.alpha).toMatchObject({ enrolled: false, outdated: false, regressed: false });
    expect(by.stale).toMatchObject({ default_branch_level: 2, outdated: true });
    expect(by['never-run']).toMatchObject({
      enrolled: true,
      default_branch_level: null,
      last_run: null,
      last_tested_at: null,
      outdated: true,
      trend: [],
    });
    expect(by.many).toMatchObject({ default_branch_level: null, regressed: false });
    expect(body.outdated_after_days).toBe(30);
  });

  it('answers match machine-docs/api-recipes.schema.json', async () => {
    const { body } = await getJson('/api/recipes');
    expect(schemaCheck('api-recipes.schema.json')(body)).toEqual([]);
  });
});

describe('home page', () => {
  it('is the catalogue: regressions first, outdated and never-tested marked, active runs apart', async () => {
    const { status, text } = await get('/');
    expect(status).toBe(200);
    const names = [...text.matchAll(/<th scope="row"><a href="\/recipes\/([^"]+)">/g)].map(
      (m) => m[1],
    );
    expect(names).toEqual(['custom-html', 'alpha', 'many', 'never-run', 'stale']);
    const row = (name: string) => text.slice(text.indexOf(`/recipes/${name}"`)).split('</tr>')[0];
    expect(row('custom-html')).toContain('regression:');
    expect(row('stale')).toContain('outdated');
    expect(row('never-run')).toContain('never tested');
    expect(row('many')).toContain('no default-branch run');
    expect(row('alpha')).not.toContain('outdated');
    const active = text.slice(text.indexOf('id="active"'));
    expect(active).toContain(`pull request #9 <code>feature-9</code> → <code>main</code>`);
    expect(active).toContain('default branch <code>main</code>');
    expect(active).toContain(`href="/runs/${ids.queued}"`);
  });
});

describe('recipe page', () => {
  it('draws the trend, one linked point per finished run, shapes by branch, with a legend', async () => {
    const { status, text } = await get('/recipes/custom-html');
    expect(status).toBe(200);
    const svg = text.slice(text.indexOf('<svg class="chart"'), text.indexOf('</svg>'));
    expect(svg).toContain('<title id="trend-custom-html-t">Level trend of custom-html</title>');
    expect(svg).toContain('<desc id="trend-custom-html-d">6 finished runs');
    expect(svg).toContain('>default branch</text>');
    expect(svg).toContain('>pull request</text>');
    const points = svg.slice(svg.indexOf('<g class="points">'));
    expect(points.match(/<a href="\/runs\//g)).toHaveLength(6);
    expect(points.match(/<circle /g)).toHaveLength(2);
    expect(points.match(/<path /g)).toHaveLength(4);
  });

  it('shows where each run stopped, escaping what the harness said', async () => {
    const { text } = await get('/recipes/custom-html');
    expect(text).toContain(
      '<strong>backup / restore</strong> failed: restore did not bring back the backed-up state of volume &quot;content&quot;',
    );
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).not.toContain('<img src=x');
    expect(text).toContain('results unreadable');
    expect(text).toContain(`<a href="/runs/${ids.errored}/log">log</a>`);
  });

  it('filters through a plain GET form and pages with the cursor', async () => {
    expect(rowsOf((await get('/recipes/custom-html?branch=default')).text)).toEqual([
      ids.running,
      ids.default3,
      ids.merged4,
    ]);
    expect(rowsOf((await get('/recipes/custom-html?branch=&pr=&status=error')).text)).toEqual([
      ids.errored,
    ]);
    let page = await get('/recipes/many');
    const seen = rowsOf(page.text);
    for (;;) {
      const older = /<a href="([^"]+)" rel="next">/.exec(page.text)?.[1];
      if (!older) break;
      expect(page.text.includes('newest runs') || seen.length === 50).toBe(true);
      page = await get(older.replace(/&amp;/g, '&'));
      seen.push(...rowsOf(page.text));
    }
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => ids[`many${119 - i}`]));
    expect(page.text).toContain('← newest runs');
  });

  it('answers 400 for a bad filter and 404 for an unknown recipe; an enrolled one without runs is a page', async () => {
    const bad = await get('/recipes/custom-html?pr=abc');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('pr: expected a pull request number');
    expect((await get('/recipes/nope')).status).toBe(404);
    const never = await get('/recipes/never-run');
    expect(never.status).toBe(200);
    expect(never.text).toContain('No finished runs yet.');
  });
});

describe('log page', () => {
  it('renders phases as sections with times and levels, hostile text escaped', async () => {
    const { status, type, text } = await get(`/runs/${ids.errored}/log`);
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    const phases = [...text.matchAll(/<summary><h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(phases).toEqual(['start', 'prepare', 'install', 'upgrade', 'teardown']);
    expect(text).toMatch(/<details class="phase" open><summary><h2>upgrade<\/h2>/);
    expect(text).toMatch(/<details class="phase"><summary><h2>prepare<\/h2>/);
    expect(text).toContain('<time datetime="2026-11-01T00:00:00.001Z"');
    expect(text).toContain('<span class="lv">WARN</span>');
    expect(text).toMatch(/<a href="#L\d+">first error \(line \d+\)<\/a>/);
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain('plain text line &lt;/li&gt;&lt;/ol&gt;&lt;h1&gt;forged&lt;/h1&gt;');
    expect(text).not.toMatch(/<script|<h1>forged|<b>x/);
    expect(text).not.toContain('\u202E');
    expect(text).toContain('abc\uFFFDdcba');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('red text');
    expect(text).toContain('… (8000 more characters)');
  });

  it('?format=ndjson answers the artifact as stored', async () => {
    const res = await fetch(`${base}/runs/${ids.errored}/log?format=ndjson`);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(HOSTILE_LOG);
    expect((await get(`/runs/${ids.errored}/log?format=xml`)).status).toBe(400);
    expect((await get(`/runs/${ids.pr5}/log`)).status).toBe(404);
    expect((await get('/runs/nope/log')).status).toBe(404);
  });

  it('bounds a huge log: first and last lines, the count left out, a link to the whole', async () => {
    const { text } = await get(`/runs/${ids.alpha5}/log`);
    expect(text.match(/<li id="L/g)).toHaveLength(1200);
    expect(text).toContain('id="L200"');
    expect(text).not.toContain('id="L201"');
    expect(text).not.toContain('id="L19000"');
    expect(text).toContain('id="L19001"');
    expect(text).toContain('id="L20000"');
    expect(text).toContain('18800 lines omitted (lines 201–19000)');
    expect(text).toContain(`href="/runs/${ids.alpha5}/log?format=ndjson"`);
    expect(text).toContain(`${HUGE_LINES} lines`);
  });
});

describe('excerptLog', () => {
  const buf = (s: string) => Buffer.from(s);
  it('numbers lines as the file does, with or without a final newline or CRs', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `l${i + 1}`);
    for (const text of [ten.join('\n'), `${ten.join('\n')}\n`, `${ten.join('\r\n')}\r\n`]) {
      const x = excerptLog(buf(text), 3, 4);
      expect(x.head.map((l) => [l.n, l.msg])).toEqual([
        [1, 'l1'],
        [2, 'l2'],
        [3, 'l3'],
      ]);
      expect(x.tail.map((l) => [l.n, l.msg])).toEqual([
        [7, 'l7'],
        [8, 'l8'],
        [9, 'l9'],
        [10, 'l10'],
      ]);
      expect(x.omitted).toBe(3);
      expect(x.total).toBe(10);
    }
    const small = excerptLog(buf('a\n\nb'), 3, 4);
    expect(small.head.map((l) => l.msg)).toEqual(['a', '', 'b']);
    expect(small.omitted).toBe(0);
    expect(excerptLog(buf('a\nb\nc\nd\n'), 2, 5)).toMatchObject({ omitted: 0, total: 4 });
    expect(excerptLog(buf(''), 2, 5)).toMatchObject({ head: [], tail: [], total: 0 });
  });
});
