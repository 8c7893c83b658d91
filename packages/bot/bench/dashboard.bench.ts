// The dashboard's pages and API over loopback HTTP with a store of 10 000 runs of 200 recipes:
// p50/p99 server time per page (from the request event to the response's finish), the ratio
// of p99 to serving a static file of the same size (read from disk per request, same process,
// same run), and the CPU time over the same span (steadier than wall time on a busy host).
// Goal: p99 < 50 ms. Run twice: with the migration 7 indexes and without them. Prints
// figures; asserts nothing. Run: pnpm bench dashboard (BENCH_N=… requests per page, 200)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge } from '@ccci/forge';
import { MIGRATIONS, openStore, type Store } from '@ccci/store';
import { createBot, createBotServer } from '../src/index.js';
import { DAY, sampleLog, seedRun, T0 } from '../test/dashboard-fixture.js';
import { benchExecutor, percentile } from './support.js';

const RECIPES = 200;
const RUNS = 10_000;
const N = Number(process.env.BENCH_N ?? 200);
const WARMUP = 20;

const executor = benchExecutor();

const recipes = Array.from({ length: RECIPES }, (_, i) => `recipe-${String(i).padStart(3, '0')}`);

// 4 phases, 3 210 lines: past the log page's 1 200-line bound; and 50 lines.
const bigLog = sampleLog(400);
const smallLog = sampleLog(5);
const lines = (log: string) => log.split('\n').length - 1;

/** 50 runs per recipe over 100 days: every 4th a default-branch run, levels drifting, a few errors, 20 active. */
function seed(
  path: string,
  migrations = MIGRATIONS,
): { store: Store; sample: Record<string, string> } {
  const clock = { now: T0 };
  const store = openStore({ path, clock: () => new Date(clock.now), migrations });
  const sample: Record<string, string> = {};
  const perRecipe = RUNS / RECIPES;
  store.transaction(() => {
    for (let k = 0; k < perRecipe; k++) {
      for (const [i, recipe] of recipes.entries()) {
        const at = T0 + (k * 100 * DAY) / perRecipe + i * 60_000;
        const active = k === perRecipe - 1 && i < 20;
        const run = seedRun(store, clock, {
          recipe,
          pr: k % 4 === 0 ? null : 1000 + k,
          at,
          ...(active
            ? { state: i % 2 ? 'running' : 'queued' }
            : { level: k % 17 === 5 ? null : (((i + k) % 6) as 0 | 1 | 2 | 3 | 4 | 5) }),
          ...(k === perRecipe - 2 ? { log: i === 7 ? bigLog : smallLog } : {}),
        });
        if (k === perRecipe - 2 && i === 7) sample.bigLog = run.id;
        if (k === perRecipe - 2 && i === 8) sample.smallLog = run.id;
      }
    }
  });
  return { store, sample };
}

interface Times {
  wall: number[];
  /** CPU time of this process over the same span: what the handler costs when the host is busy. */
  cpu: number[];
}

function timeServer(server: Server): Times {
  const times: Times = { wall: [], cpu: [] };
  server.prependListener('request', (_req, res) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    res.once('finish', () => {
      const c = process.cpuUsage(c0);
      times.wall.push(performance.now() - t0);
      times.cpu.push((c.user + c.system) / 1000);
    });
  });
  return times;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function measure(url: string, times: Times): Promise<{ bytes: number } & Times> {
  let bytes = 0;
  for (let i = 0; i < WARMUP; i++) bytes = (await (await fetch(url)).arrayBuffer()).byteLength;
  times.wall.length = 0;
  times.cpu.length = 0;
  for (let i = 0; i < N; i++) await (await fetch(url)).arrayBuffer();
  return { bytes, wall: [...times.wall], cpu: [...times.cpu] };
}

const dir = mkdtempSync(join(tmpdir(), 'ccci-dash-bench-'));
// A static file server on the same event loop: a file of the page's size, read per request.
const staticFile = join(dir, 'static.bin');
const staticServer = createServer((_req, res) => {
  const body = readFileSync(staticFile);
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(body);
});
const staticTimes = timeServer(staticServer);
const staticBase = await listen(staticServer);

async function run(label: string, migrations = MIGRATIONS): Promise<void> {
  const t0 = performance.now();
  const { store, sample } = seed(join(dir, `${label}.sqlite`), migrations);
  const seeded = performance.now() - t0;
  const bot = createBot({
    store,
    forge: createForge({ dialect: 'gitea', baseUrl: 'http://127.0.0.1:9', token: 'unused' }),
    executor,
    repos: recipes.map((r) => `coop-cloud/${r}`),
    publicUrl: 'http://ccci.example.org',
    clock: () => new Date(T0 + 101 * DAY),
  });
  const server = createBotServer({ bot });
  const times = timeServer(server.server);
  const base = await server.listen(0);
  const first = (await (await fetch(`${base}/api/runs`)).json()) as { next: string };
  const pages: [string, string][] = [
    ['home /', '/'],
    ['recipe page', '/recipes/recipe-007'],
    ['recipe page, filtered', `/recipes/recipe-007?branch=pr&status=success,failure&limit=10`],
    [`log page (${lines(bigLog)} lines)`, `/runs/${sample.bigLog}/log`],
    [`log page (${lines(smallLog)} lines)`, `/runs/${sample.smallLog}/log`],
    ['log ?format=ndjson', `/runs/${sample.bigLog}/log?format=ndjson`],
    ['/api/recipes', '/api/recipes'],
    ['/api/runs', '/api/runs'],
    ['/api/runs?before=…', `/api/runs?before=${first.next}`],
    ['/api/runs?recipe=…', '/api/runs?recipe=recipe-007'],
    ['/api/runs?branch=pr&status=error', '/api/runs?branch=pr&status=error'],
  ];
  console.log(
    `\n${label}: ${RUNS} runs of ${RECIPES} recipes (seeded in ${(seeded / 1000).toFixed(1)} s), ${N} requests per page after ${WARMUP} warm-up`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} CPUs`,
  );
  console.log(
    `${'page'.padEnd(34)} ${'bytes'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'static p99'.padStart(11)} ${'ratio'.padStart(7)} ${'cpu p50'.padStart(8)} ${'cpu p99'.padStart(8)} ${'static'.padStart(7)}`,
  );
  for (const [name, path] of pages) {
    const page = await measure(`${base}${path}`, times);
    writeFileSync(staticFile, Buffer.alloc(page.bytes, 0x61));
    const stat = await measure(`${staticBase}/`, staticTimes);
    const p99 = percentile(page.wall, 99);
    const s99 = percentile(stat.wall, 99);
    const f = (x: number) => x.toFixed(2).padStart(8);
    console.log(
      `${name.padEnd(34)} ${String(page.bytes).padStart(9)} ${f(percentile(page.wall, 50))} ${f(p99)} ${s99.toFixed(2).padStart(11)} ${(p99 / s99).toFixed(1).padStart(6)}× ${f(percentile(page.cpu, 50))} ${f(percentile(page.cpu, 99))} ${percentile(stat.cpu, 99).toFixed(2).padStart(7)}${p99 < 50 ? '' : '  (p99 over 50 ms)'}`,
    );
  }
  await server.close();
  store.close();
}

await run('with the migration 7 indexes');
await run(
  'without the migration 7 indexes',
  MIGRATIONS.filter((m) => m.version !== 7),
);
await new Promise<void>((r) => staticServer.close(() => r()));
rmSync(dir, { recursive: true, force: true });
