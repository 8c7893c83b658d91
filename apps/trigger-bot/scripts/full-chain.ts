// The full chain, as the README's main job shows it and demo.docker.test.ts checks it:
// trigger-bot (this app's real wiring: settings, SQLite, local executor, HTTP server) runs the
// REAL harness-runner on the local Docker Swarm for a `!testme` on a pull request, takes its
// report over HTTP, and edits its comment and the commit status to the result.
//
// Stand-ins, all from packages/testbed, because the real things cannot run on a laptop or a test
// machine: the forge (a Gitea stand-in: no Gitea server here), abra (a double first on PATH that
// drives the real swarm the way abra does: real abra needs a server and SSH context) and traefik
// (the testbed gateway). Docker Swarm, git, SQLite and Chromium are real.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ABRA_DOUBLE_BIN_DIR,
  createFixtureEnrolment,
  createFixtureRecipe,
  freePort,
  localHarnessEnv,
  startGateway,
  uniqueCiDomain,
  until,
} from '@ccci/testbed';
import { startFakeForge } from '@ccci/testbed/forge';
import { execa } from 'execa';
import { start } from '../src/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The real harness-runner of this checkout (runs its TypeScript through tsx). */
export const HARNESS_BIN = join(ROOT, 'apps/harness-runner/bin/harness-runner');
const REPO = 'coop-cloud/web';
const ORG = 'coop-cloud';
const MEMBER = 'alice';

export interface FullChainOptions {
  /** Progress lines. Default: none. */
  say?: (line: string) => void;
  /** Working folder (SQLite, harness runs, recipe clone source). Default: a new temp dir. */
  dir?: string;
  /** Keep the working folder afterwards (it holds the results). Default false. */
  keep?: boolean;
  /** The comment posted. Default `!testme`. */
  command?: string;
  /** Bot log level. Default `warn`. */
  logLevel?: string;
  /** Longest wait for the result, ms. Default 600 000. */
  timeoutMs?: number;
}

export interface FullChainResult {
  dir: string;
  seconds: { ack: number; result: number; total: number; stop: number };
  ackBody: string;
  /** The bot's comment after the run: the same comment id as the acknowledgement. */
  finalBody: string;
  sameComment: boolean;
  statuses: { state: string; description: string }[];
  level: number | null;
  apiResults: unknown;
  badgeUrl: string;
  badgeIsSvg: boolean;
  runUrl: string;
  runId: string;
  artifacts: string[];
  /** Where the harness wrote results.json, card, screenshot and log on this machine. */
  harnessArtifactsDir: string | null;
  dbPath: string;
  /** Every body the bot's comment had while the run went (acknowledgement, running, result). */
  bodies: string[];
  /** The run page after the run (its progress section, built from what the harness streamed). */
  runPage: string;
  /** Swarm objects of the demo's ci domain and app-domain locks after the bot stopped (expected: none). */
  leftovers: string[];
}

/** Swarm objects whose name carries the stack suffix of `ciDomain`. */
export async function swarmLeftovers(ciDomain: string): Promise<string[]> {
  const suffix = `_${ciDomain.replaceAll('.', '_')}`;
  const out: string[] = [];
  for (const kind of ['service', 'volume', 'network', 'secret', 'config']) {
    const r = await execa('docker', [kind, 'ls', '--format', '{{.Name}}']);
    out.push(...r.stdout.split('\n').filter((n) => n.includes(suffix)));
  }
  return out;
}

/** Runs the whole chain once and returns what it saw. Cleans up the swarm, forge and gateway. */
export async function runFullChain(options: FullChainOptions = {}): Promise<FullChainResult> {
  const say = options.say ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 600_000;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ccci-demo-'));
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const secs = (from: number) => Math.round((Date.now() - from) / 100) / 10;

  // The recipe under test: a real git repo with two tagged releases (testbed fixture `web`).
  const src = await createFixtureRecipe('web', { dir: join(dir, 'src') });
  const headSha = (await execa('git', ['-C', src, 'rev-parse', 'HEAD'])).stdout.trim();
  // The operator's enrolment (recipes/<name>/recipe_meta.yml), found via CCCI_ENROLMENT_DIR.
  const enrolment = createFixtureEnrolment(dir);
  const gateway = await startGateway();
  const ciDomain = uniqueCiDomain();
  const forge = await startFakeForge({ dialect: 'gitea' });
  let bot: Awaited<ReturnType<typeof start>> | undefined;
  let stopped = false;
  try {
    forge.addRepo(REPO);
    forge.setMembers(ORG, [MEMBER]);
    // The PR's head repository is the fixture, served as a file:// clone URL the harness clones.
    const cloneUrl = pathToFileURL(src).href;
    const pr = forge.openPull(REPO, { headSha, headRef: 'new-release', cloneUrl });
    say(`recipe "web" (testbed fixture, 2 releases) at ${src}, head ${headSha.slice(0, 12)}`);
    say(`forge: STAND-IN Gitea at ${forge.url}: ${REPO} PR #${pr} from ${cloneUrl}`);
    say(
      `abra: STAND-IN ${join(ABRA_DOUBLE_BIN_DIR, 'abra')} first on PATH (drives the real swarm)`,
    );
    say(`traefik: STAND-IN gateway ${gateway.url}; ci domain ${ciDomain}`);

    const harnessRunsDir = join(dir, 'harness', 'runs');
    const port = await freePort();
    bot = await start({
      env: {
        FORGE_DIALECT: 'gitea',
        FORGE_URL: forge.apiUrl,
        FORGE_TOKEN: forge.token,
        REPOS: REPO,
        ORG,
        DATA_DIR: join(dir, 'bot'),
        LISTEN: `127.0.0.1:${port}`,
        POLL_INTERVAL_SECONDS: '1',
        EXECUTOR: 'local',
        MAX_TESTS: '2',
        HARNESS_COMMAND: JSON.stringify([HARNESS_BIN]),
        LOG_LEVEL: options.logLevel ?? 'warn',
      },
      harnessEnv: localHarnessEnv({
        root: join(dir, 'harness'),
        enrolmentDir: enrolment,
        ciDomain,
        gatewayUrl: gateway.url,
      }),
    });
    const running = bot;
    say(`trigger-bot at ${running.url}: local executor → ${HARNESS_BIN}`);
    say(`  SQLite ${running.settings.dbPath}`);
    await until(
      () => forge.requests.some((r) => r.path.endsWith('/issues/comments')),
      30_000,
      'the first poll',
    );
    const command = options.command ?? '!testme';
    const tComment = Date.now();
    forge.addComment({ repo: REPO, pr, user: MEMBER, body: command });
    say(`${MEMBER} (org member) comments "${command}" on PR #${pr}`);
    const mine = () => forge.comments(REPO).filter((c) => c.user === forge.botUser);
    const ack = await until(() => mine()[0], 60_000, 'the acknowledgement comment');
    const ackSeconds = secs(tComment);
    const ackBody = ack.body;
    say(`acknowledged after ${ackSeconds} s; the run is on the swarm…`);
    const bodies = [ackBody];
    const done = await until(
      () => {
        const c = mine().find((x) => x.id === ack.id);
        if (c && c.body !== bodies.at(-1)) bodies.push(c.body);
        return c && c.body !== ackBody && /[Ll]evel \d|could not finish|error/.test(c.body)
          ? c
          : undefined;
      },
      timeoutMs,
      'the result (the comment edited in place)',
    );
    const resultSeconds = secs(tComment);
    const statuses = await until(
      () => {
        const s = forge.statuses(REPO, headSha);
        return s.length >= 2 && s.at(-1)?.state !== 'pending' ? s : undefined;
      },
      30_000,
      'the final commit status',
    );
    const runsApi = (await (await fetch(`${running.url}/api/results`)).json()) as {
      recipes: { recipe: string; run_id: string; level: number | null; run_url: string }[];
    };
    const runRow = await latestRun(running.url, runsApi);
    const runPage = await (
      await fetch(runRow.runUrl.replace(/^https?:\/\/[^/]+/, running.url))
    ).text();
    const badgeUrl = `${running.url}/badge/web.svg`;
    const badge = await fetch(badgeUrl);
    const badgeIsSvg = badge.ok && (badge.headers.get('content-type') ?? '').includes('svg');
    await badge.arrayBuffer();
    const tStop = Date.now();
    await running.stop();
    stopped = true;
    const stopSeconds = secs(tStop);
    const locksDir = join(dir, 'harness', 'locks');
    const leftovers = [
      ...(await swarmLeftovers(ciDomain)),
      ...(existsSync(locksDir) ? readdirSync(locksDir).map((n) => `lock ${n}`) : []),
    ];
    return {
      dir,
      seconds: { ack: ackSeconds, result: resultSeconds, total: secs(t0), stop: stopSeconds },
      ackBody,
      finalBody: done.body,
      bodies,
      runPage,
      sameComment: mine().length === 1,
      statuses: statuses.map((s) => ({ state: s.state, description: s.description })),
      level: runRow.level,
      apiResults: runsApi,
      badgeUrl,
      badgeIsSvg,
      runUrl: runRow.runUrl,
      runId: runRow.runId,
      artifacts: runRow.artifacts,
      harnessArtifactsDir: artifactsDirOf(harnessRunsDir, runRow.runId),
      dbPath: running.settings.dbPath,
      leftovers,
    };
  } finally {
    if (bot && !stopped) await bot.stop().catch(() => {});
    await forge.close();
    await gateway.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function latestRun(
  botUrl: string,
  api: { recipes: { recipe: string; run_id: string; level: number | null; run_url: string }[] },
): Promise<{ runId: string; runUrl: string; level: number | null; artifacts: string[] }> {
  const row = api.recipes.find((r) => r.recipe === 'web');
  if (!row) throw new Error('demo: /api/results has no entry for web');
  const runId = row.run_id;
  const run = (await (await fetch(`${botUrl}/api/runs/${runId}`)).json()) as {
    artifacts?: { name: string }[] | string[];
  };
  const artifacts = (run.artifacts ?? []).map((a) => (typeof a === 'string' ? a : a.name));
  return { runId, runUrl: row.run_url, level: row.level, artifacts };
}

function artifactsDirOf(runsDir: string, runId: string): string | null {
  const name = (existsSync(runsDir) ? readdirSync(runsDir) : []).find((d) =>
    d.startsWith(`${runId}.`),
  );
  return name === undefined ? null : join(runsDir, name, 'artifacts');
}
