// The trigger-bot against the fake forge: forge requests per idle poll cycle with 20 repos of
// 50 open PRs each (goal: one per repo), and latency from a `!testme` comment to its dispatch,
// p50 and p99, by polling and by webhook. Prints figures; asserts nothing. Run: pnpm bench bot
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge } from '@ccci/forge';
import { openStore } from '@ccci/store';
import { startFakeForge } from '@ccci/testbed/forge';
import { createBot, createBotServer } from '../src/index.js';
import { benchExecutor, percentile } from './support.js';

const REPOS = 20;
const PRS = 50;
const SAMPLES = 40;
const POLL_INTERVAL_MS = 1000;
const SECRET = 'bench-webhook-secret';

const dispatchedAt = new Map<string, number>();
const byPr = new Map<string, string>();
const executor = benchExecutor((r) => {
  dispatchedAt.set(r.runId, performance.now());
  byPr.set(`${r.repo}#${r.pr}`, r.runId);
});

const fake = await startFakeForge({ dialect: 'gitea' });
const repos = Array.from({ length: REPOS }, (_, i) => `org/recipe-${i}`);
const pulls: [string, number][] = [];
for (const repo of repos) {
  fake.addRepo(repo);
  for (let p = 0; p < PRS; p++) {
    const pr = fake.openPull(repo, { headSha: 'd'.repeat(40) });
    fake.addComment({ repo, pr, user: 'someone', body: 'looks good' });
    pulls.push([repo, pr]);
  }
}
fake.setMembers('org', ['alice']);
const dir = mkdtempSync(join(tmpdir(), 'ccci-bench-'));
const store = openStore({ path: join(dir, 'bot.sqlite') });
const forge = createForge({ dialect: 'gitea', baseUrl: fake.apiUrl, token: fake.token });
const botOptions = { store, forge, executor, repos, org: 'org', publicUrl: 'http://127.0.0.1:9' };
const bot = createBot(botOptions);
const server = createBotServer({ bot, webhookSecret: SECRET });
const base = await server.listen(0);

await bot.pollOnce(); // first poll: marks the 1000 existing comments as seen
fake.clearRequests();
const CYCLES = 5;
const c0 = performance.now();
for (let i = 0; i < CYCLES; i++) await bot.pollOnce();
const cycleMs = (performance.now() - c0) / CYCLES;
const idle = fake.requests.length / CYCLES;
console.log(`idle poll cycle over ${REPOS} repos: ${cycleMs.toFixed(0)} ms`);
console.log(
  `repos ${REPOS} × open PRs ${PRS}: ${idle.toFixed(1)} forge requests per idle poll cycle (${(idle / REPOS).toFixed(2)} per repo; goal 1)`,
);

async function waitDispatch(key: string): Promise<number> {
  for (;;) {
    const run = byPr.get(key);
    const at = run === undefined ? undefined : dispatchedAt.get(run);
    if (at !== undefined) return at;
    await new Promise((r) => setTimeout(r, 2));
  }
}

// Poll: comments land at random moments; the bot polls every POLL_INTERVAL_MS.
bot.startPolling(POLL_INTERVAL_MS);
const viaPoll: number[] = [];
for (let i = 0; i < SAMPLES / 2; i++) {
  const [repo, pr] = pulls[i] as [string, number];
  await new Promise((r) => setTimeout(r, Math.random() * POLL_INTERVAL_MS));
  const t0 = performance.now();
  fake.addComment({ repo, pr, user: 'alice', body: '!testme' });
  viaPoll.push((await waitDispatch(`${repo}#${pr}`)) - t0);
}
await bot.stop();

// Webhook: a fresh bot on the same DB (no polling), deliveries handled at once.
const bot2 = createBot(botOptions);
await server.close();
const server2 = createBotServer({ bot: bot2, webhookSecret: SECRET });
const base2 = await server2.listen(0);
void base;
const viaHook: number[] = [];
for (let i = SAMPLES / 2; i < SAMPLES; i++) {
  const [repo, pr] = pulls[i] as [string, number];
  const c = fake.addComment({ repo, pr, user: 'alice', body: '!testme' });
  const t0 = performance.now();
  await fake.deliverWebhook(`${base2}/webhook`, { commentId: c.id }, { secret: SECRET });
  viaHook.push((await waitDispatch(`${repo}#${pr}`)) - t0);
}
const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms (n=${xs.length})`;
console.log(`comment → dispatch by poll (interval ${POLL_INTERVAL_MS} ms): ${fmt(viaPoll)}`);
console.log(`comment → dispatch by webhook: ${fmt(viaHook)}`);
console.log(
  '(each dispatch includes the membership check, the PR lookup, the ack comment and the pending status)',
);
await bot2.stop();
await server2.close();
store.close();
await fake.close();
rmSync(dir, { recursive: true, force: true });
