// Where a run's wall time goes, for the overhead benchmark (apps/harness-runner/bench): each
// child the run waits on (abra, docker, git, Chromium, tests) is recorded with its start and
// end; at the end, `timing` sums them up for the run log's `timing` line.
import type { Abra } from '@ccci/abra';
import type { RunCtx } from './context.js';

/** The children's time of one run: per-kind sums and every interval (performance.now()). */
export type ChildTimes = Pick<RunCtx, 'childMs' | 'childIntervals'>;

/** What a recorded child was; git, docker and abra are summed apart, the rest as `other`. */
type ChildKind = 'abra' | 'docker' | 'git' | 'other' | 'chromium';

export function newChildTimes(): ChildTimes {
  return { childMs: { abra: 0, docker: 0, git: 0, other: 0 }, childIntervals: [] };
}

/** Records one child that ran from `start` to `end` (performance.now()). */
export function recordChild(
  times: ChildTimes,
  kind: ChildKind,
  start: number,
  end: number,
  label: string,
): void {
  const sum = kind === 'abra' || kind === 'docker' || kind === 'git' ? kind : 'other';
  times.childMs[sum] += end - start;
  times.childIntervals.push([kind, start, end, label]);
}

/**
 * The kind of a command the run's `Proc` started (its `childTime` sink): docker and git by
 * name, anything else (node, sh, a recipe's tests) `other`.
 */
export function commandKind(command: string): ChildKind {
  return command === 'docker' || command === 'git' ? command : 'other';
}

/** Runs `work` and records it as one child of `kind`, whether it resolves or rejects. */
export async function timeChild<T>(
  times: ChildTimes,
  kind: ChildKind,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    recordChild(times, kind, start, performance.now(), label);
  }
}

/** `abra` with every call recorded as an `abra` child labelled `abra <method>`. */
export function timedAbra(abra: Abra, times: ChildTimes): Abra {
  const timed =
    <K extends keyof Abra>(method: K) =>
    (...args: Parameters<Abra[K]>) =>
      timeChild(times, 'abra', `abra ${method}`, () =>
        (abra[method] as (...a: Parameters<Abra[K]>) => ReturnType<Abra[K]>)(...args),
      ) as ReturnType<Abra[K]>;
  return {
    serverAdd: timed('serverAdd'),
    appNew: timed('appNew'),
    deploy: timed('deploy'),
    undeploy: timed('undeploy'),
    rm: timed('rm'),
    secretGenerate: timed('secretGenerate'),
    secretRm: timed('secretRm'),
    secretInsert: timed('secretInsert'),
    backupCreate: timed('backupCreate'),
    restore: timed('restore'),
    ps: timed('ps'),
    run: timed('run'),
    logs: timed('logs'),
    recipeLint: timed('recipeLint'),
  };
}

/**
 * Figures for the overhead benchmark: the harness's wall time since the process started, and
 * the wall time covered by its abra and docker children (overlapping calls counted once).
 */
export function timing(times: ChildTimes): Record<string, number | string[]> {
  const { childIntervals, childMs } = times;
  const union = (kinds: string[]) => {
    const spans = childIntervals
      .filter(([k]) => kinds.includes(k))
      .map(([, a, b]) => [a, b] as const)
      .sort((x, y) => x[0] - y[0]);
    let total = 0;
    let end = Number.NEGATIVE_INFINITY;
    for (const [a, b] of spans) {
      if (b <= end) continue;
      total += b - Math.max(a, end);
      end = b;
    }
    return Math.round(total);
  };
  // The longest stretches with no child running: where the harness itself spends time.
  const sorted = [...childIntervals].sort((x, y) => x[1] - y[1]);
  const gaps: [number, string][] = [];
  let until = 0;
  let after = 'start';
  for (const [, a, b, label] of sorted) {
    if (a > until)
      gaps.push([a - until, `${Math.round(a - until)} ms after ${after} before ${label ?? '?'}`]);
    if (b > until) {
      until = b;
      after = label ?? '?';
    }
  }
  const now = performance.now();
  gaps.push([now - until, `${Math.round(now - until)} ms after ${after} to the end`]);
  return {
    ...breakdown(childIntervals, now),
    gaps: gaps
      .sort((x, y) => y[0] - x[0])
      .slice(0, 8)
      .map(([, text]) => text),
    wallMs: Math.round(now),
    abraDockerMs: union(['abra', 'docker']),
    allChildrenMs: union(['abra', 'docker', 'git', 'other', 'chromium']),
    abraSumMs: Math.round(childMs.abra),
    dockerSumMs: Math.round(childMs.docker),
    gitSumMs: Math.round(childMs.git),
    otherSumMs: Math.round(childMs.other),
  };
}

/**
 * Where the wall time went, each instant counted once: an abra or docker child running
 * (`abraDockerMs`, the benchmark's denominator); only other children (git, Chromium, tests;
 * `otherOnlyMs`, by label in `otherOnly`); no child at all — before the first child
 * (`startupMs`), between children (`gapsMs`), after the last (`tailMs`).
 */
function breakdown(
  intervals: ChildTimes['childIntervals'],
  endMs: number,
): { startupMs: number; gapsMs: number; tailMs: number; otherOnlyMs: number; otherOnly: string[] } {
  const points = [...new Set([0, endMs, ...intervals.flatMap(([, a, b]) => [a, b])])]
    .filter((t) => t >= 0 && t <= endMs)
    .sort((x, y) => x - y);
  const first = Math.min(endMs, ...intervals.map(([, a]) => a));
  const last = Math.max(0, ...intervals.map(([, , b]) => b));
  let startupMs = 0;
  let gapsMs = 0;
  let tailMs = 0;
  let otherOnlyMs = 0;
  const byLabel = new Map<string, number>();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const active = intervals.filter(([, s, e]) => s <= a && e >= b);
    if (active.some(([k]) => k === 'abra' || k === 'docker')) continue;
    if (active.length > 0) {
      otherOnlyMs += b - a;
      const label = active[0]?.[3] ?? active[0]?.[0] ?? '?';
      byLabel.set(label, (byLabel.get(label) ?? 0) + b - a);
    } else if (b <= first) startupMs += b - a;
    else if (a >= last) tailMs += b - a;
    else gapsMs += b - a;
  }
  return {
    startupMs: Math.round(startupMs),
    gapsMs: Math.round(gapsMs),
    tailMs: Math.round(tailMs),
    otherOnlyMs: Math.round(otherOnlyMs),
    otherOnly: [...byLabel]
      .sort((x, y) => y[1] - x[1])
      .map(([label, ms]) => `${Math.round(ms)} ms ${label}`),
  };
}
