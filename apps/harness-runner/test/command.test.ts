import { BRANCH_NAME_EXAMPLES, RECIPE_NAME_EXAMPLES, RUNG_NAMES } from '@ccci/contracts';
import { UsageError } from '@ccci/run';
import { describe, expect, it } from 'vitest';
import { KEEP_ON_FAILURE_MAX_MIN, parseCommand, USAGE } from '../src/command.js';

/** A `run` command line's settings (undefined if it parsed as another command). */
const run = (args: string[], env: Record<string, string> = {}) => {
  const c = parseCommand(['run', ...args], env, () => 'gen1');
  return { settings: c.command === 'run' ? c.settings : undefined };
};

describe('parseCommand', () => {
  it('parses a full command line', () => {
    expect(
      run([
        '--recipe',
        'custom-html',
        '--ref',
        'feat/x',
        '--src',
        'https://git.example.org/r/custom-html.git',
        '--pr',
        '12',
        '--stages',
        'install,lint',
        '--quick',
        '--run-id',
        'r-1',
      ]).settings,
    ).toEqual({
      recipe: 'custom-html',
      ref: 'feat/x',
      sha: undefined,
      src: 'https://git.example.org/r/custom-html.git',
      pr: 12,
      stages: ['install', 'lint'],
      quick: true,
      runId: 'r-1',
    });
  });

  it('takes Drone build parameters from the environment; the command line wins', () => {
    const s = run(['--ref', 'abc1234'], {
      RECIPE: 'ghost',
      REF: 'main',
      PR: '3',
      STAGES: 'lint',
      QUICK: 'true',
      RUN_ID: 'd-9',
    }).settings;
    expect(s).toMatchObject({
      recipe: 'ghost',
      ref: 'abc1234',
      pr: 3,
      stages: ['lint'],
      quick: true,
      runId: 'd-9',
    });
    expect(s?.src).toBe('https://git.coopcloud.tech/coop-cloud/ghost.git');
  });

  it("takes the head SHA from Drone's SHA next to the branch REF", () => {
    const s = run([], { RECIPE: 'ghost', REF: 'feature', SHA: 'a'.repeat(40) }).settings;
    expect(s).toMatchObject({ ref: 'feature', sha: 'a'.repeat(40) });
    expect(() => run([], { RECIPE: 'ghost', REF: 'feature', SHA: 'HEAD~1' })).toThrow(
      /sha: expected a commit SHA/,
    );
  });

  it('defaults: every rung, not quick, a generated run id', () => {
    expect(run(['--recipe', 'a', '--ref', 'main']).settings).toMatchObject({
      stages: [...RUNG_NAMES],
      quick: false,
      runId: 'gen1',
      pr: undefined,
    });
  });

  it.each([
    [['--ref', 'main'], /--recipe \(or RECIPE\) is required/],
    [['--recipe', 'a'], /--ref \(or REF\) is required/],
    [
      ['--recipe', 'A;rm -rf /', '--ref', 'main'],
      /recipe: expected a recipe name.*found "A;rm -rf \/"/,
    ],
    [['--recipe', 'a', '--ref=--upload-pack=x'], /ref: expected/],
    [['--recipe', 'a', '--ref', 'a..b'], /ref: expected/],
    [['--recipe', 'a', '--ref', 'x.lock'], /ref: expected/],
    [['--recipe', 'a', '--ref', 'main', '--src', 'ext::sh -c evil'], /src: expected a clone URL/],
    [['--recipe', 'a', '--ref', 'main', '--src=-oProxyCommand=x'], /src: expected/],
    [['--recipe', 'a', '--ref', 'main', '--pr', '0'], /pr: expected a pull request number/],
    [['--recipe', 'a', '--ref', 'main', '--stages', 'install,deploy'], /unknown rung "deploy"/],
    [['--recipe', 'a', '--ref', 'main', '--run-id', '../x'], /run-id: expected/],
    [['--recipe', 'a', '--ref', 'main', '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (args, message) => {
    expect(() => run(args as string[])).toThrow(UsageError);
    expect(() => run(args as string[])).toThrow(message);
  });

  it('refuses a bad QUICK value from the environment', () => {
    expect(() => run(['--recipe', 'a', '--ref', 'main'], { QUICK: 'maybe' })).toThrow(
      /QUICK: expected true\/false/,
    );
  });

  it('knows janitor, resend and help, refuses other commands', () => {
    expect(parseCommand(['janitor'], {})).toEqual({ command: 'janitor' });
    expect(parseCommand(['resend'], {})).toEqual({ command: 'resend', spoolDir: undefined });
    expect(parseCommand(['resend', '--spool-dir', '/s/../spool'], {})).toEqual({
      command: 'resend',
      spoolDir: '/spool',
    });
    expect(() => parseCommand(['resend', '--spool'], {})).toThrow(/^resend: .*--spool/);
    expect(parseCommand([], {})).toEqual({ command: 'help' });
    expect(() => parseCommand(['deploy'], {})).toThrow(/unknown command "deploy"/);
  });

  it('has every command in one usage text', () => {
    for (const command of ['run', 'janitor', 'resend', 'unwarm'])
      expect(USAGE).toContain(`harness-runner ${command}`);
    expect(USAGE).toContain('harness-runner resend [--spool-dir <dir>]');
  });
});

describe('--keep-on-failure', () => {
  const keep = (args: string[], env: Record<string, string> = {}) => {
    const c = parseCommand(['run', '--recipe', 'web', '--ref', 'main', ...args], env, () => 'g');
    return c.command === 'run' ? c.settings.keepOnFailureMin : 'not a run';
  };

  it('takes minutes from the command line or KEEP_ON_FAILURE (a Drone parameter); absent by default', () => {
    expect(keep([])).toBeUndefined();
    expect(keep([], { KEEP_ON_FAILURE: '' })).toBeUndefined();
    expect(keep(['--keep-on-failure', '45'])).toBe(45);
    expect(keep([], { KEEP_ON_FAILURE: '30' })).toBe(30);
    expect(keep(['--keep-on-failure', '5'], { KEEP_ON_FAILURE: '30' })).toBe(5);
    expect(KEEP_ON_FAILURE_MAX_MIN).toBe(1440);
    expect(keep(['--keep-on-failure', '1440'])).toBe(1440);
  });

  it.each(['0', '-1', '1441', '99999', '1.5', '1e3', 'sixty', ' 5'])(
    'refuses %j with a usage error naming the option',
    (value) => {
      expect(() => keep(['--keep-on-failure', value])).toThrow(UsageError);
      expect(() => keep([], { KEEP_ON_FAILURE: value })).toThrow(
        /keep-on-failure: expected whole minutes/,
      );
    },
  );
});

describe('harness-runner unwarm', () => {
  it('takes the recipe from --recipe, else RECIPE', () => {
    expect(parseCommand(['unwarm', '--recipe', 'keycloak'], {})).toEqual({
      command: 'unwarm',
      recipe: 'keycloak',
    });
    expect(parseCommand(['unwarm'], { RECIPE: 'web' })).toEqual({
      command: 'unwarm',
      recipe: 'web',
    });
  });

  it('refuses a missing or bad recipe and unknown options, naming them', () => {
    expect(() => parseCommand(['unwarm'], {})).toThrow(
      /unwarm: --recipe \(or RECIPE\) is required/,
    );
    expect(() => parseCommand(['unwarm', '--recipe', 'Bad/Name'], {})).toThrow(
      /recipe: expected a recipe name .*found "Bad\/Name"/,
    );
    expect(() => parseCommand(['unwarm', '--recipe', 'web', '--force'], {})).toThrow(UsageError);
  });

  it('is in the usage text', () => {
    expect(USAGE).toMatch(/harness-runner unwarm --recipe <name>/);
  });
});

// The cases @ccci/contracts' own tests and the bot's use: one rule at every entry point.
describe('recipe and branch names by the shared rules', () => {
  const refused = (args: string[]) => {
    try {
      parseCommand(args, {}, () => 'gen1');
      return false;
    } catch (error) {
      return error instanceof UsageError;
    }
  };

  it('run --recipe and unwarm --recipe take and refuse the same recipe names', () => {
    for (const name of RECIPE_NAME_EXAMPLES.accepted) {
      expect(refused(['run', '--recipe', name, '--ref', 'main']), name).toBe(false);
      expect(refused(['unwarm', '--recipe', name]), name).toBe(false);
    }
    for (const name of RECIPE_NAME_EXAMPLES.refused) {
      expect(refused(['run', '--recipe', name, '--ref', 'main']), name).toBe(true);
      expect(refused(['unwarm', '--recipe', name]), name).toBe(true);
    }
  });

  it('run --ref takes and refuses the same branch names', () => {
    for (const b of BRANCH_NAME_EXAMPLES.accepted)
      expect(refused(['run', '--recipe', 'web', '--ref', b]), b).toBe(false);
    for (const b of BRANCH_NAME_EXAMPLES.refused)
      expect(refused(['run', '--recipe', 'web', `--ref=${b}`]), b).toBe(true);
  });
});
