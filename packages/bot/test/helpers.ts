import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForge, type Forge } from '@ccci/forge';
import { openStore, type Store } from '@ccci/store';
import { type FakeForge, startFakeForge } from '@ccci/testbed';
import {
  type Bot,
  type BotOptions,
  createBot,
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
  return {
    fake,
    forge,
    dir,
    dbPath,
    executor,
    boot(extra = {}) {
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
    },
    async close() {
      await current?.bot.stop();
      current?.store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for a condition by polling it (no fixed sleeps); fails after `ms`. */
export async function until<T>(
  fn: () => T | Promise<T>,
  ms = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
