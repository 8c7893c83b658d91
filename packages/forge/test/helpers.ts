import { perTest } from '@ccci/test-support';
import { type FakeForge, type FakeForgeOptions, manualClock, startFakeForge } from '@ccci/testbed';
import { createForge, type Forge, type ForgeOptions } from '../src/index.js';

export const DIALECTS = ['gitea', 'github'] as const;
export const SHA = 'a'.repeat(40);
export const REPO = 'coop-cloud/custom-html';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

export interface Setup {
  fake: FakeForge;
  forge: Forge;
  clock: ReturnType<typeof manualClock>;
  sleeps: number[];
  logs: LogLine[];
  close(): Promise<void>;
}

/** A fake forge on loopback and a client pointed at it; sleeps are recorded, not waited. */
export async function setup(
  dialect: 'gitea' | 'github',
  overrides: Partial<ForgeOptions> = {},
  fakeOptions: Partial<FakeForgeOptions> = {},
): Promise<Setup> {
  const clock = manualClock('2026-11-22T10:00:00Z');
  const fake = await startFakeForge({
    dialect,
    clock: clock.now,
    token: 'tok-SECRET-0123456789',
    ...fakeOptions,
  });
  fake.addRepo(REPO);
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const logAt =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      logs.push({ level, fields, message });
    };
  const forge = createForge({
    dialect,
    baseUrl: fake.apiUrl,
    token: fake.token,
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    ...overrides,
    retry: {
      minDelayMs: 1,
      maxDelayMs: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides.retry,
    },
  });
  return { fake, forge, clock, sleeps, logs, close: () => fake.close() };
}

/** A fresh setup() for each test of the calling describe block (see perTest). */
export const setupPerTest = (dialect: 'gitea' | 'github'): Setup =>
  perTest(
    () => setup(dialect),
    (s) => s.close(),
  );
