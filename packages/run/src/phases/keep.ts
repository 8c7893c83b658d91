import type { RungName } from '@ccci/contracts';
import type { ShutdownReason } from '@ccci/lifetime';
import type { RungResult } from '../context.js';

/** Rungs a quick run does not climb (engine.ts marks them `unver` "not run in quick mode"). */
const NOT_QUICK: readonly RungName[] = ['upgrade', 'backup_restore', 'functional'];

export interface KeepInput {
  /** `--keep-on-failure` minutes, or undefined when not asked for. */
  keepOnFailureMin: number | undefined;
  /** Why the run ends. */
  reason: ShutdownReason;
  /** Whether the app was created on the swarm. */
  appCreated: boolean;
  /** The domain lock was lost: someone else may own the domain now. */
  lockLost: boolean;
  stages: readonly RungName[];
  quick: boolean;
  rungs: ReadonlyMap<RungName, Pick<RungResult, 'status' | 'reason'>>;
}

export type KeepDecision = { keep: true; why: string } | { keep: false; why: string };

/**
 * Whether teardown leaves the app deployed (`!testme keep`): only when asked for, when the run
 * ended by itself (not cancelled, signalled or past its deadline: those want the app gone), when
 * it deployed an app and still held its lock, and when a rung it was asked to climb failed or
 * could not be verified. Pure.
 */
export function keepDecision(input: KeepInput): KeepDecision {
  if (input.keepOnFailureMin === undefined) return { keep: false, why: 'not asked for' };
  if (input.reason !== 'done')
    return { keep: false, why: `the run was cut short (${input.reason})` };
  if (!input.appCreated) return { keep: false, why: 'no app was deployed' };
  if (input.lockLost) return { keep: false, why: 'the domain lock was lost' };
  const wanted = input.stages.filter((r) => !(input.quick && NOT_QUICK.includes(r)));
  const failed = wanted.filter((r) => {
    const status = input.rungs.get(r)?.status;
    return status === 'fail' || status === 'unver';
  });
  if (failed.length === 0)
    return { keep: false, why: 'every rung asked for passed or was skipped' };
  const what = failed.map((r) => `${r}: ${input.rungs.get(r)?.status}`).join(', ');
  return { keep: true, why: what };
}
