// Requests and latency of one poll cycle over many repositories, against the fake forge.
// Prints figures; asserts nothing. Run: pnpm bench forge
import { manualClock, startFakeForge } from '@ccci/testbed/forge';
import { createForge } from '../src/index.js';

const REPOS = 20;
const PRS = 50;
const COMMENTS_PER_PR = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

for (const dialect of ['gitea', 'github'] as const) {
  const clock = manualClock('2026-11-22T08:00:00Z');
  const fake = await startFakeForge({ dialect, clock: clock.now });
  const forge = createForge({ dialect, baseUrl: fake.apiUrl, token: fake.token });
  const repos = Array.from({ length: REPOS }, (_, i) => `org/recipe-${i}`);
  for (const repo of repos) {
    fake.addRepo(repo);
    for (let p = 0; p < PRS; p++) {
      const pr = fake.openPull(repo, { headSha: 'd'.repeat(40) });
      for (let c = 0; c < COMMENTS_PER_PR; c++) {
        fake.addComment({ repo, pr, user: 'someone', body: 'looks good' });
        clock.advance(1000);
      }
    }
  }
  const cursor = clock.now();
  clock.advance(60_000);

  const cycle = async (): Promise<{ requests: number; ms: number[] }> => {
    fake.clearRequests();
    const ms: number[] = [];
    for (const repo of repos) {
      const t0 = performance.now();
      await forge.listCommentsSince(repo, { since: cursor });
      ms.push(performance.now() - t0);
    }
    return { requests: fake.requests.length, ms };
  };

  const idle = await cycle();
  for (const repo of repos) fake.addComment({ repo, pr: 1, user: 'alice', body: '!testme' });
  const busy = await cycle();
  const full = performance.now();
  fake.clearRequests();
  await forge.listCommentsSince(repos[0] ?? '', { since: new Date(0) });
  const fullMs = performance.now() - full;
  const fullRequests = fake.requests.length;

  const lat = [...idle.ms, ...busy.ms].sort((a, b) => a - b);
  console.log(
    `${dialect}: ${REPOS} repos × ${PRS} PRs × ${COMMENTS_PER_PR} comments\n` +
      `  idle poll cycle: ${idle.requests} requests (${(idle.requests / REPOS).toFixed(2)} per repo)\n` +
      `  cycle with one new comment per repo: ${busy.requests} requests (${(busy.requests / REPOS).toFixed(2)} per repo)\n` +
      `  per-repo listing latency: p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms\n` +
      `  full history of one repo (${PRS * COMMENTS_PER_PR} comments): ${fullRequests} requests, ${fullMs.toFixed(1)} ms`,
  );
  await fake.close();
}
