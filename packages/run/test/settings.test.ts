import { describe, expect, it } from 'vitest';
import { parseCommand, RUNGS, UsageError } from '../src/index.js';

const run = (args: string[], env: Record<string, string> = {}) =>
  parseCommand(['run', ...args], env, () => 'gen1');

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
      stages: [...RUNGS],
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

  it('knows janitor and help, refuses other commands', () => {
    expect(parseCommand(['janitor'], {})).toEqual({ command: 'janitor' });
    expect(parseCommand([], {})).toEqual({ command: 'help' });
    expect(() => parseCommand(['deploy'], {})).toThrow(/unknown command "deploy"/);
  });
});
