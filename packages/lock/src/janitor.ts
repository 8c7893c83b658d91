import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { fullLog, type Log } from '@ccci/contracts';
import type { Decision } from './decide.js';
import { type DockerRunner, execaDocker } from './docker.js';
import { assertCiDomain, ciStackPattern, domainOfStack, stackName } from './domain.js';
import { DEFAULT_STALE_MS } from './lock.js';
import { NETWORK_WARN_RATIO, type NetworkUsage, networkUsage } from './network-usage.js';
import type { LockProbe } from './probe.js';
import { type ReapReport, reapStack } from './reap.js';
import { inventory } from './stack-objects.js';
import { type SweepResult, sweepDomain } from './sweep.js';

/** Default run deadline: 60 minutes. */
const DEFAULT_DEADLINE_MS = 60 * 60_000;
/** Default slack on top of the deadline before a held lock is a "possible leaked run". */
const DEFAULT_MARGIN_MS = 10 * 60_000;

export interface RunJanitorOptions {
  /** The ci domain whose run stacks (`xxxx-hhhhhh_<ci_domain>`) this janitor owns. */
  ciDomain: string;
  /** The domain locks directory the runs use (absolute). */
  locksDir: string;
  /** Where run dirs live; when given, a reaped run's `<runId>.<pid>` dir is removed too. */
  runsDir?: string;
  /** `<abraDir>/servers/<server>`; when given, a reaped app's `<domain>.env` is removed too. */
  envDir?: string;
  /** Run deadline (default 60 min). */
  deadlineMs?: number;
  /** Slack before a held lock is reported as a possible leaked run (default 10 min). */
  marginMs?: number;
  /** Stale threshold; must equal the runs' (default 30 000 ms). */
  staleMs?: number;
  /** Upper bound for tasks to stop and volumes to be released (default 120 000 ms). */
  waitTimeoutMs?: number;
  /** Docker CLI runner (default: execa, argument arrays). */
  docker?: DockerRunner;
  /** Logger, `(fields, message)`: a pino logger fits (default: silent). */
  log?: Log;
  /** Run id written to the owner file while reaping (default `janitor-<8 hex>`). */
  janitorId?: string;
  /** Clock for lock ages and keep-lease expiry (default `() => new Date()`). */
  clock?: () => Date;
  /** Overlay networks whose address use is measured (default `['proxy']`). */
  networks?: readonly string[];
  /** Called between probe and reap of each stack (instrumentation, race tests). */
  afterProbe?: (stack: string, probe: LockProbe, decision: Decision) => Promise<void> | void;
}

/** One stack the janitor looked at. */
type JanitorEntry = SweepResult<ReapReport> & { stack: string };

export interface JanitorReport {
  ciDomain: string;
  janitorId: string;
  startedAt: string;
  finishedAt: string;
  entries: JanitorEntry[];
  /** Address use of the measured overlay networks, after the pass. */
  networks: NetworkUsage[];
}

function assertOptions(options: RunJanitorOptions): void {
  assertCiDomain(options.ciDomain);
  for (const key of ['locksDir', 'runsDir', 'envDir'] as const) {
    const v = options[key];
    if ((key === 'locksDir' || v !== undefined) && (typeof v !== 'string' || !isAbsolute(v))) {
      throw new TypeError(`${key}: expected an absolute path, found ${JSON.stringify(v)}`);
    }
  }
  for (const key of ['deadlineMs', 'marginMs', 'staleMs', 'waitTimeoutMs'] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new TypeError(
        `${key}: expected a non-negative number of milliseconds, found ${JSON.stringify(v)}`,
      );
    }
  }
}

/** CI run stacks of `ciDomain` that have a lock directory, owner file or keep lease in `locksDir`. */
async function lockedStacks(locksDir: string, ciDomain: string): Promise<string[]> {
  const pattern = ciStackPattern(ciDomain);
  const names = await readdir(locksDir).catch(() => [] as string[]);
  return names
    .map((name) => /^(.+)\.(?:lock|owner\.json|keep\.json)$/.exec(name)?.[1])
    .filter((domain): domain is string => domain !== undefined)
    .map(stackName)
    .filter((stack) => pattern.test(stack));
}

/**
 * One janitor pass: inventories the CI run stacks of `ciDomain` (services, volumes, secrets,
 * configs, networks, grouped by stack name) and sweeps each under its domain lock
 * ({@link sweepDomain}). Never touches a name outside the CI pattern. Per-stack failures are
 * in the report; only invalid options and a failing inventory throw.
 */
export async function runJanitor(options: RunJanitorOptions): Promise<JanitorReport> {
  assertOptions(options);
  const {
    ciDomain,
    locksDir,
    docker = execaDocker,
    deadlineMs = DEFAULT_DEADLINE_MS,
    marginMs = DEFAULT_MARGIN_MS,
    staleMs = DEFAULT_STALE_MS,
  } = options;
  const log = fullLog(options.log);
  const janitorId = options.janitorId ?? `janitor-${randomBytes(4).toString('hex')}`;
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock().toISOString();
  const onSwarm = [...(await inventory(docker, ciDomain)).keys()];
  // Locks (and owner files) of domains with nothing left on the swarm: a run that died before
  // deploying, or whose teardown removed the stack but not its lock. Swept the same way, so a
  // dead run's lock, owner file and run dir do not pile up.
  const stacks = [...new Set([...onSwarm, ...(await lockedStacks(locksDir, ciDomain))])].sort();
  const entries: JanitorEntry[] = [];
  for (const stack of stacks) {
    const domain = domainOfStack(stack, ciDomain);
    const result = await sweepDomain<ReapReport>({
      locksDir,
      domain,
      janitorId,
      deadlineMs,
      marginMs,
      staleMs,
      now: () => clock().getTime(),
      ...(options.afterProbe
        ? { afterProbe: (probe, decision) => options.afterProbe?.(stack, probe, decision) }
        : {}),
      reap: (context) =>
        reapStack(context, {
          docker,
          ciDomain,
          stack,
          envDir: options.envDir,
          runsDir: options.runsDir,
          waitTimeoutMs: options.waitTimeoutMs,
        }),
    });
    const entry: JanitorEntry = { stack, ...result };
    entries.push(entry);
    const fields = {
      stack,
      domain,
      lockState: entry.lockState,
      ageMs: entry.ageMs,
      outcome: entry.outcome,
      ...(entry.owner ? { ownerRunId: entry.owner.runId, ownerPid: entry.owner.pid } : {}),
      ...(entry.error ? { reason: entry.error } : {}),
      ...(entry.keptUntil ? { keptUntil: entry.keptUntil } : {}),
    };
    if (entry.outcome === 'warned') {
      log.warn(
        fields,
        `possible leaked run: ${domain} held for ${Math.round(entry.ageMs / 60_000)} min, past the deadline; see docs/concurrency.md`,
      );
    } else if (entry.outcome === 'kept') {
      log.info(fields, `janitor: ${stack} kept for debugging until ${entry.keptUntil}`);
    } else if (entry.outcome === 'failed' || entry.outcome === 'lock-lost') {
      log.error(fields, `janitor could not reap ${stack}: ${entry.error ?? 'unknown'}`);
    } else {
      log.info(fields, `janitor: ${stack} ${entry.outcome}`);
    }
  }
  const networks: NetworkUsage[] = [];
  for (const name of options.networks ?? ['proxy']) {
    const u = await networkUsage(docker, name).catch(() => undefined);
    if (!u) continue;
    networks.push(u);
    const fields = { network: name, used: u.used, capacity: u.capacity, subnets: u.subnets };
    if (u.ratio >= NETWORK_WARN_RATIO)
      log.warn(
        fields,
        `janitor: ${name} has ${u.used} of ${u.capacity} addresses in use; new deploys will stop being placed when it runs out (docs/runbook.md, proxy network addresses)`,
      );
    else log.info(fields, `janitor: ${name} addresses ${u.used}/${u.capacity}`);
  }
  return {
    ciDomain,
    janitorId,
    startedAt,
    finishedAt: clock().toISOString(),
    entries,
    networks,
  };
}
