import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge, type Forge } from '@ccci/forge';
import { openStore, type Store } from '@ccci/store';
import { perTest } from '@ccci/test-support';
import { type FakeForge, startFakeForge } from '@ccci/testbed';
import {
  type Bot,
  type BotOptions,
  type BotServer,
  type BotServerOptions,
  createBot,
  createBotServer,
  type DispatchRequest,
  type Executor,
  type ExecutorEvents,
  type LookupResult,
} from '../src/index.js';

export const REPO = 'coop-cloud/custom-html';
export const ORG = 'coop-cloud';
export const sha = (n: number) => n.toString(16).padStart(40, 'a');

/**
 * An executor that only records what it was asked, standing for an executor with durable state
 * (Drone's build list): it survives a bot "crash", so lookup() can answer after a restart.
 */
function recordingExecutor(): Executor & {
  dispatched: DispatchRequest[];
  cancelled: string[];
  events(): ExecutorEvents | undefined;
} {
  const dispatched: DispatchRequest[] = [];
  const cancelled: string[] = [];
  let events: ExecutorEvents | undefined;
  return {
    name: 'recording',
    durable: true,
    dispatched,
    cancelled,
    events: () => events,
    async dispatch(r) {
      dispatched.push(r);
      return { ref: `rec:${r.runId}` };
    },
    async cancel(runId) {
      cancelled.push(runId);
    },
    async lookup(runId): Promise<LookupResult> {
      return dispatched.some((d) => d.runId === runId)
        ? { kind: 'present', ref: `rec:${runId}` }
        : { kind: 'absent' };
    },
    setEvents(e) {
      events = e;
    },
    async close() {},
  };
}

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

export function memoryLog() {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return {
    lines,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

export interface World {
  fake: FakeForge;
  forge: Forge;
  dir: string;
  dbPath: string;
  executor: ReturnType<typeof recordingExecutor>;
  /** Opens a store and a bot on the shared DB file (a "process"); closes the previous one. */
  boot(options?: Partial<BotOptions>): { bot: Bot; store: Store };
  /** Boots a bot and runs its first poll, which marks what already exists as seen. */
  start(options?: Partial<BotOptions>): Promise<{ bot: Bot; store: Store }>;
  /** Opens a pull request of REPO at head `sha(1)`, then start()s a bot; `pr` is its number. */
  startOnPull(options?: Partial<BotOptions>): Promise<{ bot: Bot; store: Store; pr: number }>;
  /**
   * Boots a bot (public URL `http://127.0.0.1:9` unless given) and serves it on a loopback
   * port; `base` is the server's URL. No poll yet. The server closes with the world.
   */
  serve(
    options?: Partial<BotOptions>,
    server?: Omit<BotServerOptions, 'bot'>,
  ): Promise<{ bot: Bot; store: Store; server: BotServer; base: string }>;
  /** alice's comment `body` on pull request `pr` of REPO, 3 days old: before any poll's look-back. */
  oldComment(pr: number, body: string): ReturnType<FakeForge['addComment']>;
  /** The comments the bot wrote on a pull request of REPO. */
  botComments(pr: number): ReturnType<FakeForge['comments']>;
  /**
   * alice (a member) comments `body` (default `!testme`) on a pull request of REPO and the bot
   * polls; returns what it dispatched. Throws when it dispatched nothing.
   */
  testme(bot: Bot, pr: number, body?: string): Promise<DispatchRequest>;
  /** startOnPull, `!testme`, the executor reports the run started and the bot processes that. */
  startRunning(
    options?: Partial<BotOptions>,
  ): Promise<{ bot: Bot; store: Store; pr: number; runId: string }>;
  close(): Promise<void>;
}

export async function world(options: { dialect?: 'gitea' | 'github' } = {}): Promise<World> {
  const fake = await startFakeForge({ dialect: options.dialect ?? 'gitea' });
  fake.addRepo(REPO);
  fake.setMembers(ORG, ['alice']);
  const forge = createForge({
    dialect: fake.dialect,
    baseUrl: fake.apiUrl,
    token: fake.token,
    retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000, maxRetryAfterMs: 3000 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'ccci-bot-'));
  const dbPath = join(dir, 'bot.sqlite');
  const executor = recordingExecutor();
  let current: { bot: Bot; store: Store } | undefined;
  const servers: BotServer[] = [];
  const boot = (extra: Partial<BotOptions> = {}) => {
    current?.store.close();
    const store = openStore({ path: dbPath });
    const bot = createBot({
      store,
      forge,
      executor,
      repos: [REPO],
      org: ORG,
      publicUrl: 'http://127.0.0.1:9/',
      ...extra,
    });
    current = { bot, store };
    return current;
  };
  const start = async (extra: Partial<BotOptions> = {}) => {
    const booted = boot(extra);
    await booted.bot.pollOnce();
    return booted;
  };
  const self: World = {
    fake,
    forge,
    dir,
    dbPath,
    executor,
    boot,
    start,
    async startOnPull(extra = {}) {
      const pr = fake.openPull(REPO, { headSha: sha(1) });
      return { ...(await start(extra)), pr };
    },
    async serve(extra = {}, serverOptions = {}) {
      const booted = boot({ publicUrl: 'http://127.0.0.1:9', ...extra });
      const server = createBotServer({ ...serverOptions, bot: booted.bot });
      servers.push(server);
      return { ...booted, server, base: await server.listen(0) };
    },
    oldComment: (pr, body) =>
      fake.addComment({
        repo: REPO,
        pr,
        user: 'alice',
        body,
        at: new Date(Date.now() - 3 * 24 * 3600_000),
      }),
    botComments: (pr) =>
      fake.comments(REPO).filter((c) => c.issue === pr && c.user === fake.botUser),
    async testme(bot, pr, body = '!testme') {
      const before = executor.dispatched.length;
      fake.addComment({ repo: REPO, pr, user: 'alice', body });
      await bot.pollOnce();
      const d = executor.dispatched.at(-1);
      if (!d || executor.dispatched.length === before) throw new Error(`not dispatched: ${body}`);
      return d;
    },
    async startRunning(extra = {}) {
      const started = await self.startOnPull(extra);
      const { runId } = await self.testme(started.bot, started.pr);
      executor.events()?.started(runId);
      await started.bot.process();
      return { ...started, runId };
    },
    async close() {
      for (const server of servers.splice(0)) await server.close();
      await current?.bot.stop();
      current?.store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** A fresh world for each test of the calling file or describe block (see perTest). */
export const worldPerTest = (options: { dialect?: 'gitea' | 'github' } = {}): World =>
  perTest(
    () => world(options),
    (w) => w.close(),
  );

export { until } from '@ccci/testbed';
