import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface BotMetrics {
  registry: Registry;
  commentsSeen: Counter<'source'>;
  runsDispatched: Counter<'executor'>;
  refusals: Counter<'kind'>;
  reports: Counter<'outcome'>;
  pollErrors: Counter<'repo'>;
  pollDuration: Histogram;
  forgeRequestsPerPoll: Gauge;
  activeRuns: Gauge;
  seenToDispatch: Histogram;
}

/** One registry per bot (tests run several bots in one process). */
export function createMetrics(): BotMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    commentsSeen: new Counter({
      name: 'ccci_comments_seen_total',
      help: 'New comments recorded, by source (poll or webhook)',
      labelNames: ['source'],
      registers,
    }),
    runsDispatched: new Counter({
      name: 'ccci_runs_dispatched_total',
      help: 'Runs handed to an executor',
      labelNames: ['executor'],
      registers,
    }),
    refusals: new Counter({
      name: 'ccci_refusals_total',
      help: 'Refused !testme requests, by kind',
      labelNames: ['kind'],
      registers,
    }),
    reports: new Counter({
      name: 'ccci_reports_total',
      help: 'Harness reports received, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    pollErrors: new Counter({
      name: 'ccci_poll_errors_total',
      help: 'Failed polls of a repository (retried next cycle)',
      labelNames: ['repo'],
      registers,
    }),
    pollDuration: new Histogram({
      name: 'ccci_poll_duration_seconds',
      help: 'Duration of one poll cycle over all repositories',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    forgeRequestsPerPoll: new Gauge({
      name: 'ccci_poll_repos',
      help: 'Repositories polled per cycle',
      registers,
    }),
    activeRuns: new Gauge({
      name: 'ccci_runs_active',
      help: 'Runs queued, dispatched or running',
      registers,
    }),
    seenToDispatch: new Histogram({
      name: 'ccci_comment_to_dispatch_seconds',
      help: 'From the creation of a !testme comment on the forge to handing its run to the executor',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300],
      registers,
    }),
  };
}
