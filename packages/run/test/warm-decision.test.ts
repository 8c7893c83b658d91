import { describe, expect, it } from 'vitest';
import { shouldKeepWarm, type WarmDecisionInput } from '../src/index.js';

const green: WarmDecisionInput = {
  warmCanonical: true,
  pr: undefined,
  rungs: {
    install: { status: 'pass' },
    upgrade: { status: 'pass' },
    backup_restore: { status: 'skip' },
    functional: { status: 'pass' },
    lint: { status: 'pass' },
  },
  flags: { clean_teardown: true, no_secret_leak: true },
};

describe('shouldKeepWarm', () => {
  it('keeps a green default-branch run of a WARM_CANONICAL recipe', () => {
    expect(shouldKeepWarm(green)).toEqual({ keep: true, why: 'green default-branch run' });
  });

  it('needs the enrolment to ask for it', () => {
    expect(shouldKeepWarm({ ...green, warmCanonical: false })).toMatchObject({
      keep: false,
      why: 'not enrolled with WARM_CANONICAL',
    });
  });

  it('never keeps a PR run, however green', () => {
    expect(shouldKeepWarm({ ...green, pr: 7 })).toEqual({ keep: false, why: 'a PR run (#7)' });
  });

  it.each(['fail', 'unver'])('a rung %s is not green, and the reason names it', (status) => {
    const rungs = { ...green.rungs, upgrade: { status } };
    expect(shouldKeepWarm({ ...green, rungs })).toEqual({
      keep: false,
      why: `not green: upgrade ${status}`,
    });
  });

  it('a false clean_teardown or no_secret_leak is not green; null (unknown) is', () => {
    expect(
      shouldKeepWarm({ ...green, flags: { clean_teardown: false, no_secret_leak: true } }).why,
    ).toBe('clean_teardown is false');
    expect(
      shouldKeepWarm({ ...green, flags: { clean_teardown: true, no_secret_leak: false } }).why,
    ).toBe('no_secret_leak is false');
    expect(shouldKeepWarm({ ...green, flags: { clean_teardown: null } }).keep).toBe(true);
  });

  it('no results (the report failed) means no promotion', () => {
    expect(shouldKeepWarm({ ...green, rungs: undefined, flags: undefined })).toEqual({
      keep: false,
      why: 'no results were written',
    });
  });
});
