// Demo of the embedded default: trigger-bot (this app's real wiring: settings, SQLite in a temp
// dir, local executor, HTTP server) against the testbed's FAKE forge (a Gitea stand-in). A
// maintainer comments `!testme`; the bot acknowledges, dispatches, takes the report and edits
// its comment to the result. The harness is harness-runner when DEMO_HARNESS_COMMAND names it
// (a JSON array); by default a clearly-labelled FAKE harness that deploys nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, until } from '@ccci/testbed';
import { startFakeForge } from '@ccci/testbed/forge';
import { start } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const say = (text: string) => process.stdout.write(`[demo] ${text}\n`);
const REPO = 'coop-cloud/custom-html';

const harness = process.env.DEMO_HARNESS_COMMAND
  ? (JSON.parse(process.env.DEMO_HARNESS_COMMAND) as string[])
  : [
      process.execPath,
      '--conditions=source',
      '--import',
      'tsx',
      join(root, 'packages/bot/test/fixtures/fake-harness.ts'),
    ];
const fakeHarness = !process.env.DEMO_HARNESS_COMMAND;

const forge = await startFakeForge({ dialect: 'gitea' });
forge.addRepo(REPO);
forge.setMembers('coop-cloud', ['alice']);
const pr = forge.openPull(REPO, { headSha: 'c0ffee'.padEnd(40, '0'), headRef: 'new-version' });
say(`FAKE forge (Gitea stand-in) at ${forge.url}: ${REPO} PR #${pr}, org coop-cloud = [alice]`);
say(
  fakeHarness
    ? 'harness: FAKE (stand-in: deploys nothing, reports sample level-3 results)'
    : `harness: ${harness.join(' ')}`,
);

const dir = mkdtempSync(join(tmpdir(), 'ccci-demo-'));
const port = await freePort();
const bot = await start({
  env: {
    FORGE_DIALECT: 'gitea',
    FORGE_URL: forge.apiUrl,
    FORGE_TOKEN: forge.token,
    REPOS: REPO,
    ORG: 'coop-cloud',
    DATA_DIR: dir,
    LISTEN: `127.0.0.1:${port}`,
    POLL_INTERVAL_SECONDS: '1',
    EXECUTOR: 'local',
    MAX_TESTS: '2',
    HARNESS_COMMAND: JSON.stringify(harness),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});
say(`trigger-bot at ${bot.url} (SQLite ${bot.settings.dbPath}, local executor, MAX_TESTS 2)`);
try {
  await until(
    () => forge.requests.some((r) => r.path.endsWith('/issues/comments')),
    60_000,
    'the first poll',
  );
  forge.addComment({ repo: REPO, pr, user: 'alice', body: '!testme --quick' });
  say(`alice comments "!testme --quick" on PR #${pr}`);
  const mine = () => forge.comments(REPO).filter((c) => c.user === forge.botUser);
  const ack = await until(() => mine()[0], 60_000, 'the acknowledgement');
  say(`bot acknowledged:\n${indent(ack.body)}`);
  const done = await until(
    () => mine().find((c) => /[Ll]evel \d/.test(c.body) || c.body.includes('could not finish')),
    300_000,
    'the result',
  );
  say(`bot edited its comment in place to the result:\n${indent(done.body)}`);
  const statuses = forge
    .statuses(REPO, 'c0ffee'.padEnd(40, '0'))
    .map((s) => `${s.state} (${s.description})`);
  say(`commit statuses: ${statuses.join(' → ')}`);
  const api = (await (await fetch(`${bot.url}/api/results`)).json()) as {
    recipes: { recipe: string; level: number; run_url: string }[];
  };
  for (const r of api.recipes)
    say(`/api/results: ${r.recipe} level ${r.level}, run page ${r.run_url}`);
  say(`dashboard: ${bot.url}/  badge: ${bot.url}/badge/custom-html.svg`);
} finally {
  await bot.stop();
  await forge.close();
  rmSync(dir, { recursive: true, force: true });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
