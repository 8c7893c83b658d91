import { RUNG_NAMES, type RungName, type RungStatus } from '@ccci/contracts';
import { RUNG_LABELS } from './rungs.js';
import type { Results, RungResult, SkipEntry } from './types.js';

/** The earliest rung that blocked the climb, in words, for "not reached: …". */
export function earlierStop(rungs: ReadonlyMap<RungName, RungResult>): string {
  for (const name of RUNG_NAMES) {
    const r = rungs.get(name);
    if (r && (r.status === 'fail' || r.status === 'unver')) {
      return `${RUNG_LABELS[name]} ${r.status === 'fail' ? 'failed' : 'unverified'}`;
    }
  }
  return 'the run ended before this rung';
}

/** Derived from the rungs and their tests: skip → intentional, unver → unintentional. */
export function collectSkips(rungs: Results['rungs']): Results['skips'] {
  const intentional: SkipEntry[] = [];
  const unintentional: SkipEntry[] = [];
  for (const name of RUNG_NAMES) {
    const r = rungs[name];
    const bucket = (status: RungStatus) =>
      status === 'skip' ? intentional : status === 'unver' ? unintentional : null;
    bucket(r.status)?.push({ rung: name, test: null, reason: r.reason ?? 'no reason given' });
    for (const t of r.tests)
      bucket(t.status)?.push({ rung: name, test: t.name, reason: t.reason ?? 'no reason given' });
  }
  return { intentional, unintentional };
}

/**
 * Deploys must equal the budget. A run that deployed nothing because it stopped before the base
 * deploy (install never passed) did not overspend: that is not a budget breach.
 */
export function budgetOk(count: number, budget: number, rungs: Results['rungs']): boolean {
  if (count === budget) return true;
  return count === 0 && rungs.install.status !== 'pass';
}
