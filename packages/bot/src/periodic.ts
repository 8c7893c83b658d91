import { type Context, errorMessage, rethrowCrash } from './context.js';
import { buildDigest, digestId } from './digest.js';
import {
  createNotifier,
  type DigestTargets,
  type Notifier,
  type NotifierOptions,
} from './notify.js';
import { type ScheduleOptions, scheduleRuns } from './schedule.js';

export interface DigestOptions {
  /** A digest at the start of each period of this length (UTC-aligned), ms; 0: none. */
  everyMs: number;
  /** A recipe not tested on its default branch for this long is outdated. Default 7 days. */
  outdatedMs?: number;
  /** Where digests go; none: they are only stored and shown at `/digest`. */
  targets?: DigestTargets;
  /** Delivery tuning and the fetch to send with (tests). */
  delivery?: Pick<NotifierOptions, 'fetch' | 'retry' | 'maxRounds' | 'roundDelayMs'>;
}

export interface Periodic {
  /** Inside a poll cycle: schedules due runs, makes the period's digest; never throws. */
  tick(): Promise<void>;
  /** Starts sending due digest deliveries in the background (never blocks a run). */
  deliver(): void;
  close(): Promise<void>;
}

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new TypeError(`createBot: ${name} must be an integer ≥ ${min}, found ${String(value)}`);
  return value;
}

/** The bot's timed work: scheduled catalogue runs, digests and their delivery. */
export function createPeriodic(
  ctx: Context,
  options: { schedule?: ScheduleOptions | undefined; digest?: DigestOptions | undefined },
): Periodic {
  if (options.schedule) {
    integer('options.schedule.everyMs', options.schedule.everyMs, 0);
    integer('options.schedule.maxActive', options.schedule.maxActive ?? 1, 1);
  }
  if (options.digest) integer('options.digest.everyMs', options.digest.everyMs, 0);
  const schedule = options.schedule && options.schedule.everyMs > 0 ? options.schedule : null;
  const digest = options.digest && options.digest.everyMs > 0 ? options.digest : null;
  const outdatedMs = integer('options.digest.outdatedMs', digest?.outdatedMs ?? 7 * 86_400_000, 1);
  const notifier: Notifier | null = digest
    ? createNotifier({
        store: ctx.store,
        targets: digest.targets ?? {},
        clock: ctx.clock,
        log: ctx.log,
        ...digest.delivery,
      })
    : null;

  function makeDigest(every: number): void {
    const now = ctx.clock();
    const periodStart = new Date(Math.floor(now.getTime() / every) * every);
    const id = digestId(periodStart);
    if (ctx.store.getDigest(id)) return;
    const d = buildDigest({
      store: ctx.store,
      recipes: [...ctx.repos].sort().map((repo) => ({ repo, recipe: ctx.recipeOf(repo) })),
      publicUrl: ctx.publicUrl,
      now,
      periodStart,
      fallbackSince: new Date(periodStart.getTime() - every),
      outdatedMs,
    });
    const made = ctx.store.insertDigest(
      { id: d.id, createdAt: d.created_at, json: JSON.stringify(d) },
      notifier?.targetNames ?? [],
    );
    if (made) ctx.log.info?.({ digest: d.id, ...d.summary }, 'digest made');
  }

  return {
    async tick() {
      if (schedule) {
        try {
          await scheduleRuns(ctx, schedule);
        } catch (error) {
          rethrowCrash(error);
          ctx.log.warn?.({ err: errorMessage(error) }, 'scheduling failed; will retry');
        }
      }
      if (digest) {
        try {
          makeDigest(digest.everyMs);
        } catch (error) {
          rethrowCrash(error);
          ctx.log.warn?.({ err: errorMessage(error) }, 'making the digest failed; will retry');
        }
      }
    },
    deliver() {
      if (notifier) void notifier.flush();
    },
    async close() {
      await notifier?.close();
    },
  };
}
