import { isRecipeName, isRepoFullName, type Log, RECIPE_NAME } from '@ccci/contracts';
import type { Forge } from '@ccci/forge';
import { ACTIVE_RUN_STATES, type Store } from '@ccci/store';
import { type Context, errorMessage, InjectedCrash, rethrowCrash } from './context.js';
import type { Executor } from './executor.js';
import { handleComment, sendRefusal } from './intake.js';
import { expireRuns, onExited, onStarted, recoverRuns } from './lifecycle.js';
import { type BotMetrics, createMetrics } from './metrics.js';
import { createPeriodic, type DigestOptions } from './periodic.js';
import { pollAll, pollRepo } from './poller.js';
import { advanceRun, editComment, notifyRun } from './runs.js';
import type { ScheduleOptions } from './schedule.js';
import { cancelClosedPulls, checkMerges } from './watch.js';

export interface BotOptions {
  /** Opened store (see @ccci/store). Required; the bot does not close it. */
  store: Store;
  /** Forge client (see @ccci/forge). Required. */
  forge: Forge;
  /** Where runs go: createLocalExecutor or createDroneExecutor. Required. */
  executor: Executor;
  /** Repositories to poll and accept webhooks for, `owner/name`. Required, at least one. */
  repos: readonly string[];
  /** Org whose members may start runs. Default none (allowlist only). */
  org?: string | null;
  /** Logins that may start runs whatever their membership. Default none. */
  allowlist?: readonly string[];
  /** Public base URL of the bot (links in comments and statuses). Required. */
  publicUrl: string;
  /** Base URL harnesses report to. Default `publicUrl`. */
  reportUrl?: string;
  /** Commit status context. Default `ccci`. */
  statusContext?: string;
  /** At most one refusal reply per user and PR in this window, ms. Default 600 000. */
  refusalIntervalMs?: number;
  /**
   * A run that ended without a report (harness gone, bot unreachable) keeps its key this long,
   * so the harness can resend the report it spooled; the comment and status then show the real
   * result. ms; 0 disables. Default 86 400 000 (24 h).
   */
  lateReportMs?: number;
  /**
   * Most runs that may hold a `!testme keep` slot at once (KEEP_MAX): going and asked for
   * `keep`, or failed less than their keep minutes ago. 0 turns `keep` off. Default 2.
   */
  keepMax?: number;
  /**
   * A run dispatched longer ago than this is stopped and ends as `error` (its harness has its own
   * deadline, `CCCI_DEADLINE_MIN`; this is the bot's guard past it plus a grace). ms. Default
   * 5 400 000 (the harness's default hour, its teardown, and a margin).
   */
  runDeadlineMs?: number;
  /**
   * How often PRs whose newest run finished are checked for a merge (which makes that run's
   * level the default-branch level), ms. Default 600 000; 0 checks every cycle.
   */
  mergeCheckIntervalMs?: number;
  /**
   * A running run's comment is edited when its rung changes, at most once in this interval, ms.
   * Default 15 000.
   */
  progressEditIntervalMs?: number;
  /**
   * Scheduled catalogue runs: each repository's default branch on a timer (`everyMs`, spread
   * over the period per recipe; `maxActive` at once, default 1). Default none.
   */
  schedule?: ScheduleOptions;
  /** Digests each `everyMs` (UTC-aligned) and where they go. Default none. */
  digest?: DigestOptions;
  /** Recipe name of a repository. Default: the repository's name, lower-cased. */
  recipeOf?: (repo: string) => string;
  clock?: () => Date;
  log?: Log;
  /** Test hook, called at named steps; throw to simulate a crash there. */
  crashAt?: (step: string) => void;
}

export interface Bot {
  readonly context: Context;
  readonly metrics: BotMetrics;
  /** One poll cycle: list comments, check PRs with active runs, then handle everything pending. */
  pollOnce(): Promise<void>;
  /** Handles pending comments, advances runs, sends owed comments/statuses (serialized). */
  process(): Promise<void>;
  /** Schedules a process pass soon (webhook, report); coalesces. */
  kick(): void;
  /**
   * A run streamed progress; when its rung changed its comment is edited (and the queue
   * positions of runs still waiting), at most once per `progressEditIntervalMs` each.
   */
  progressed(runId: string, rungChanged: boolean): void;
  /**
   * A webhook's hint that `repo` has a new comment: polls that repository now (the forge is the
   * truth: the comment is read from it, under the poll's look-back bound), then handles what is
   * pending. Coalesces per repository.
   */
  hint(repo: string): Promise<void>;
  /** Runs poll cycles every `intervalMs` until stop(). */
  startPolling(intervalMs: number): void;
  /** Stops polling and waits for in-flight handling to finish. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

function url(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) {
    throw new TypeError(
      `createBot: ${name} must be an http(s) URL, found ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, '');
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`createBot: ${name} must be an integer ≥ 0, found ${String(value)}`);
  }
  return value;
}

function defaultRecipeOf(repo: string): string {
  const name = (repo.split('/')[1] ?? '').toLowerCase();
  if (!isRecipeName(name))
    throw new TypeError(`repository ${repo}: its name is not a recipe name (${RECIPE_NAME})`);
  return name;
}

/** Wires the trigger-bot's logic: polling, intake, dispatch, notifications. No HTTP here. */
export function createBot(options: BotOptions): Bot {
  if (!Array.isArray(options.repos) || options.repos.length === 0) {
    throw new TypeError('createBot: options.repos must list at least one owner/name');
  }
  for (const r of options.repos) {
    if (!isRepoFullName(r))
      throw new TypeError(`createBot: options.repos: ${JSON.stringify(r)} is not owner/name`);
  }
  const recipeOf = options.recipeOf ?? defaultRecipeOf;
  for (const r of options.repos) recipeOf(r);
  const publicUrl = url('options.publicUrl', options.publicUrl);
  const metrics = createMetrics();
  const log = options.log ?? {};
  const ctx: Context = {
    store: options.store,
    forge: options.forge,
    executor: options.executor,
    repos: new Set(options.repos),
    org: options.org ?? null,
    allowlist: new Set((options.allowlist ?? []).map((u) => u.toLowerCase())),
    publicUrl,
    reportUrl:
      options.reportUrl === undefined ? publicUrl : url('options.reportUrl', options.reportUrl),
    statusContext: options.statusContext ?? 'ccci',
    refusalIntervalMs: options.refusalIntervalMs ?? 600_000,
    lateReportMs: nonNegative('options.lateReportMs', options.lateReportMs ?? 86_400_000),
    keepMax: nonNegative('options.keepMax', options.keepMax ?? 2),
    clock: options.clock ?? (() => new Date()),
    log,
    metrics,
    step: (name) => {
      try {
        options.crashAt?.(name);
      } catch (error) {
        throw error instanceof InjectedCrash ? error : new InjectedCrash(name);
      }
    },
    recipeOf,
  };

  let chain: Promise<unknown> = Promise.resolve();
  let kicked = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  }

  async function each<T>(items: T[], what: string, fn: (item: T) => Promise<void>): Promise<void> {
    for (const item of items) {
      if (stopped) return;
      try {
        await fn(item);
      } catch (error) {
        rethrowCrash(error);
        log.warn?.({ err: errorMessage(error), what }, `${what} failed; will retry`);
      }
    }
  }

  let recovered = false;
  let lastMergeCheck = Number.NEGATIVE_INFINITY;
  const mergeCheckIntervalMs = options.mergeCheckIntervalMs ?? 600_000;
  const runDeadlineMs = nonNegative('options.runDeadlineMs', options.runDeadlineMs ?? 5_400_000);
  const periodic = createPeriodic(ctx, { schedule: options.schedule, digest: options.digest });

  async function processPass(): Promise<void> {
    if (!recovered) {
      await recoverRuns(ctx);
      recovered = true;
    }
    await each(ctx.store.pendingComments(), 'handling a comment', (c) => handleComment(ctx, c));
    await each(ctx.store.pendingRefusals(), 'refusal reply', (r) => sendRefusal(ctx, r.commentId));
    await each(
      ctx.store.activeRuns().filter((r) => r.state === 'queued' || r.state === 'dispatching'),
      'dispatching a run',
      (r) => advanceRun(ctx, r),
    );
    await each(ctx.store.unnotifiedRuns(), 'notifying a run', (r) => notifyRun(ctx, r));
    metrics.activeRuns.set(ctx.store.activeRuns().length);
  }

  const process = () => serial(processPass);

  const editEveryMs = nonNegative(
    'options.progressEditIntervalMs',
    options.progressEditIntervalMs ?? 15_000,
  );
  const lastEdit = new Map<string, number>();
  const editTimers = new Map<string, NodeJS.Timeout>();
  /** Edits a live run's comment soon: now, or when its interval since the last edit is over. */
  function scheduleEdit(runId: string): void {
    if (stopped || editTimers.has(runId)) return;
    const wait = Math.max(
      0,
      (lastEdit.get(runId) ?? Number.NEGATIVE_INFINITY) + editEveryMs - Date.now(),
    );
    const timer = setTimeout(() => {
      editTimers.delete(runId);
      if (stopped) return;
      const run = ctx.store.getRun(runId);
      if (!run || !ACTIVE_RUN_STATES.includes(run.state)) {
        lastEdit.delete(runId);
        return;
      }
      lastEdit.set(runId, Date.now());
      void serial(async () => editComment(ctx, ctx.store.getRun(runId) ?? run)).catch(
        (error: unknown) =>
          log.warn?.({ runId, err: errorMessage(error) }, 'progress comment edit failed'),
      );
    }, wait);
    timer.unref();
    editTimers.set(runId, timer);
  }
  /** A run started: the runs behind it moved up the queue. */
  function queueMoved(): void {
    for (const r of ctx.store.activeRuns()) if (r.startedAt === null) scheduleEdit(r.id);
  }

  options.executor.setEvents({
    started(runId) {
      if (stopped) return;
      const run = onStarted(ctx, runId);
      if (run) {
        lastEdit.set(runId, Date.now());
        void serial(async () => editComment(ctx, run)).catch((error: unknown) =>
          log.warn?.({ runId, err: errorMessage(error) }, 'running comment edit failed'),
        );
        queueMoved();
      }
    },
    exited(runId, detail) {
      if (stopped) return;
      onExited(ctx, runId, detail);
      kick();
    },
  });

  const hinted = new Set<string>();
  function hint(repo: string): Promise<void> {
    if (hinted.has(repo) || stopped) return Promise.resolve();
    hinted.add(repo);
    return serial(async () => {
      hinted.delete(repo);
      // A repository never polled yet gets its first poll from the timer (it marks what
      // exists as seen): a webhook cannot open that window early.
      if (!ctx.store.getCursor(repo)) return;
      try {
        await pollRepo(ctx, repo);
      } catch (error) {
        rethrowCrash(error);
        ctx.metrics.pollErrors.inc({ repo });
        log.warn?.({ repo, err: errorMessage(error) }, 'poll on a webhook hint failed');
      }
      await processPass();
    });
  }

  function kick(): void {
    if (kicked || stopped) return;
    kicked = true;
    void serial(async () => {
      kicked = false;
      await processPass();
    }).catch((error: unknown) => log.error?.({ err: errorMessage(error) }, 'processing failed'));
  }

  async function pollOnce(): Promise<void> {
    await serial(async () => {
      const end = metrics.pollDuration.startTimer();
      metrics.forgeRequestsPerPoll.set(ctx.repos.size);
      await pollAll(ctx);
      await cancelClosedPulls(ctx);
      await expireRuns(ctx, runDeadlineMs);
      const now = ctx.clock().getTime();
      if (now - lastMergeCheck >= mergeCheckIntervalMs) {
        lastMergeCheck = now;
        await checkMerges(ctx);
      }
      await periodic.tick();
      const dispatched = ctx.store
        .activeRuns()
        .filter(
          (r) => (r.state === 'dispatched' || r.state === 'running') && r.executorRef !== null,
        );
      if (ctx.executor.poll && dispatched.length > 0) {
        await ctx.executor.poll(
          dispatched.map((r) => ({ runId: r.id, ref: r.executorRef as string })),
        );
      }
      await processPass();
      end();
    });
    periodic.deliver();
  }

  return {
    context: ctx,
    metrics,
    pollOnce,
    process,
    kick,
    hint,
    progressed(runId, rungChanged) {
      if (!rungChanged) return;
      scheduleEdit(runId);
      if (!lastEdit.has(runId)) queueMoved();
    },
    startPolling(intervalMs) {
      if (!Number.isFinite(intervalMs) || intervalMs < 100) {
        throw new TypeError(
          `startPolling: intervalMs must be at least 100, found ${String(intervalMs)}`,
        );
      }
      const loop = async () => {
        if (stopped) return;
        try {
          await pollOnce();
        } catch (error) {
          log.error?.({ err: errorMessage(error) }, 'poll cycle failed');
        }
        if (!stopped) timer = setTimeout(loop, intervalMs);
      };
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const t of editTimers.values()) clearTimeout(t);
      editTimers.clear();
      await chain;
      await periodic.close();
    },
    get stopped() {
      return stopped;
    },
  };
}
