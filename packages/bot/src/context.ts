import { CcciError, type Log } from '@ccci/contracts';
import type { Forge } from '@ccci/forge';
import type { Store } from '@ccci/store';
import type { Executor } from './executor.js';
import type { BotMetrics } from './metrics.js';

/** Thrown by the `crashAt` test hook: a simulated crash, never caught by the bot's loops. */
export class InjectedCrash extends CcciError<'BOT_INJECTED_CRASH'> {
  readonly step: string;
  constructor(step: string) {
    super('BOT_INJECTED_CRASH', `injected crash at ${step}`);
    this.step = step;
  }
}

/** Everything the bot's steps share; built once by createBot. */
export interface Context {
  store: Store;
  forge: Forge;
  executor: Executor;
  repos: ReadonlySet<string>;
  org: string | null;
  allowlist: ReadonlySet<string>;
  publicUrl: string;
  reportUrl: string;
  statusContext: string;
  refusalIntervalMs: number;
  /** How long a run that ended without a report still accepts its (spooled) report, ms. */
  lateReportMs: number;
  /** Most runs holding a `!testme keep` slot at once (KEEP_MAX); 0 turns `keep` off. */
  keepMax: number;
  clock: () => Date;
  log: Log;
  metrics: BotMetrics;
  /** Calls the test hook; throws InjectedCrash where a test asked for it. */
  step(name: string): void;
  recipeOf(repo: string): string;
}

export const runUrl = (ctx: Context, runId: string) => `${ctx.publicUrl}/runs/${runId}`;
export const runMarker = (runId: string) => `<!-- ccci-run:${runId} -->`;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rethrows simulated crashes; everything else is the caller's to log. */
export function rethrowCrash(error: unknown): void {
  if (error instanceof InjectedCrash) throw error;
}
