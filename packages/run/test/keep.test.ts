import { RUNG_NAMES, type RungName } from '@ccci/contracts';
import { describe, expect, it } from 'vitest';
import { type KeepInput, keepDecision } from '../src/index.js';

function input(over: Partial<KeepInput> = {}): KeepInput {
  const rungs = new Map<RungName, { status: 'pass' | 'fail' | 'skip' | 'unver'; reason?: string }>(
    RUNG_NAMES.map((r) => [r, { status: 'pass' }]),
  );
  rungs.set('upgrade', { status: 'fail', reason: 'witness missing' });
  return {
    keepOnFailureMin: 30,
    reason: 'done',
    appCreated: true,
    lockLost: false,
    stages: [...RUNG_NAMES],
    quick: false,
    rungs,
    ...over,
  };
}

describe('keepDecision', () => {
  it('keeps a failed run that asked for it, naming what failed', () => {
    expect(keepDecision(input())).toEqual({ keep: true, why: 'upgrade: fail' });
  });

  it('an unverified rung counts as not passed', () => {
    const rungs = new Map(input().rungs);
    rungs.set('upgrade', { status: 'pass' });
    rungs.set('functional', { status: 'unver', reason: 'a tool is missing' });
    expect(keepDecision(input({ rungs }))).toEqual({ keep: true, why: 'functional: unver' });
  });

  it.each<[string, Partial<KeepInput>, RegExp]>([
    ['not asked for', { keepOnFailureMin: undefined }, /not asked for/],
    ['cancelled (SIGTERM)', { reason: 'SIGTERM' }, /cut short \(SIGTERM\)/],
    ['past its deadline', { reason: 'deadline' }, /cut short \(deadline\)/],
    ['nothing deployed', { appCreated: false }, /no app was deployed/],
    ['lock lost', { lockLost: true }, /lock was lost/],
  ])('does not keep: %s', (_what, over, why) => {
    const d = keepDecision(input(over));
    expect(d.keep).toBe(false);
    expect(d.why).toMatch(why);
  });

  it('rungs not asked for (--stages, --quick) are not failures', () => {
    const rungs = new Map(input().rungs);
    rungs.set('upgrade', { status: 'unver', reason: 'not run in quick mode' });
    rungs.set('backup_restore', { status: 'unver', reason: 'not run in quick mode' });
    expect(keepDecision(input({ rungs, quick: true })).keep).toBe(false);
    const staged = new Map(input().rungs);
    staged.set('upgrade', { status: 'unver', reason: 'not selected (--stages)' });
    expect(keepDecision(input({ rungs: staged, stages: ['install', 'lint'] })).keep).toBe(false);
    // A skip (EXPECTED_NA) is not a failure either.
    const skipped = new Map(input().rungs);
    skipped.set('upgrade', { status: 'skip' });
    expect(keepDecision(input({ rungs: skipped }))).toEqual({
      keep: false,
      why: 'every rung asked for passed or was skipped',
    });
  });
});
