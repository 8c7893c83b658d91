import { parseArgs } from 'node:util';
import { KEEP_LEASE_MAX_MS } from '@ccci/lock';
import { UsageError } from './errors.js';

export const RUNGS = ['install', 'upgrade', 'backup_restore', 'functional', 'lint'] as const;
export type RungName = (typeof RUNGS)[number];

/** What one run is about; from the command line or the executor's (Drone's) build parameters. */
export interface RunSettings {
  recipe: string;
  /** Branch name or commit SHA the run was asked for (shown in results). */
  ref: string;
  /** Head commit to check out when the executor knows it (Drone `SHA`); else `ref` is fetched. */
  sha: string | undefined;
  /** Clone URL or absolute path of the recipe repository. */
  src: string;
  pr: number | undefined;
  /** Rungs to run; the others are reported `unver` "not selected". */
  stages: RungName[];
  quick: boolean;
  runId: string;
  /**
   * `--keep-on-failure <minutes>` (`!testme keep`): a run that fails leaves its app deployed this
   * long for debugging, under a keep lease the janitor honours. Undefined: torn down at once.
   */
  keepOnFailureMin: number | undefined;
}

/** The longest `--keep-on-failure` (the keep lease's bound). */
export const KEEP_ON_FAILURE_MAX_MIN = KEEP_LEASE_MAX_MS / 60_000;

const RECIPE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SHA = /^[0-9a-f]{7,40}$/;
// A conservative subset of git-check-ref-format: no "..", "@{", "//", control chars, spaces,
// leading "-" or "/", trailing "/", "." or ".lock".
const BRANCH =
  /^(?!-)(?!\/)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!.*\.lock$)(?!.*[./]$)[A-Za-z0-9._/-]{1,200}$/;
const URL_SRC = /^(https?|ssh|git|file):\/\/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$/;
const PATH_SRC = /^\/[A-Za-z0-9._/+-]*$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const PR = /^[1-9][0-9]{0,8}$/;

export interface ParsedCommand {
  command: 'run' | 'janitor' | 'unwarm' | 'help';
  settings?: RunSettings;
  /** `unwarm`: the recipe whose warm instance to remove. */
  recipe?: string;
}

export const USAGE = `usage:
  harness-runner run --recipe <name> --ref <sha|branch> [--sha <head sha>] [--src <clone url>] [--pr <n>]
                     [--stages <install,upgrade,backup_restore,functional,lint>] [--quick]
                     [--run-id <id>] [--keep-on-failure <minutes>]
  harness-runner janitor
  harness-runner unwarm --recipe <name>   (remove the recipe's warm instance and its record)
Every run option can also come from the environment (Drone build parameters):
  RECIPE, REF, SHA, SRC, PR, STAGES, QUICK, RUN_ID, KEEP_ON_FAILURE — the command line wins.`;

function check(name: string, value: string, pattern: RegExp, expected: string): string {
  if (!pattern.test(value)) {
    throw new UsageError(
      `${name}: expected ${expected}, found ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  return value;
}

/**
 * Parse and validate `harness-runner` arguments and the executor environment. Throws
 * {@link UsageError} naming the option, what was expected and what was found.
 */
export function parseCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  makeRunId: () => string = () => `r${Date.now().toString(36)}`,
): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  if (command === 'janitor') {
    if (rest.length > 0)
      throw new UsageError(`janitor takes no arguments, found ${JSON.stringify(rest[0])}`);
    return { command: 'janitor' };
  }
  if (command === 'unwarm') return { command: 'unwarm', recipe: parseUnwarm(rest, env) };
  if (command !== 'run') {
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; expected run, janitor, unwarm or resend`,
    );
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        recipe: { type: 'string' },
        ref: { type: 'string' },
        src: { type: 'string' },
        pr: { type: 'string' },
        stages: { type: 'string' },
        quick: { type: 'boolean' },
        'run-id': { type: 'string' },
        sha: { type: 'string' },
        'keep-on-failure': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const pick = (flag: string, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = env[envName];
    return e === undefined || e === '' ? undefined : e;
  };
  const recipeRaw = pick('recipe', 'RECIPE');
  if (!recipeRaw)
    throw new UsageError('--recipe (or RECIPE) is required: the recipe name, e.g. custom-html');
  const recipe = check(
    'recipe',
    recipeRaw,
    RECIPE,
    'a recipe name of [a-z0-9-] starting with a letter or digit',
  );
  const refRaw = pick('ref', 'REF');
  if (!refRaw)
    throw new UsageError('--ref (or REF) is required: the head commit SHA or branch to test');
  const ref = SHA.test(refRaw)
    ? refRaw
    : check('ref', refRaw, BRANCH, 'a commit SHA (7-40 hex) or a branch name');
  const shaRaw = pick('sha', 'SHA');
  const sha =
    shaRaw === undefined
      ? undefined
      : check('sha', shaRaw, /^[0-9a-f]{7,64}$/, 'a commit SHA (7-64 lower-case hex)');
  const srcRaw = pick('src', 'SRC') ?? `https://git.coopcloud.tech/coop-cloud/${recipe}.git`;
  if (!URL_SRC.test(srcRaw) && !PATH_SRC.test(srcRaw)) {
    check(
      'src',
      srcRaw,
      /^$/,
      'a clone URL (https://, ssh://, git://, file://) or an absolute path',
    );
  }
  const prRaw = pick('pr', 'PR');
  const pr =
    prRaw === undefined
      ? undefined
      : Number(check('pr', prRaw, PR, 'a pull request number (a positive integer)'));
  const stagesRaw = pick('stages', 'STAGES');
  let stages: RungName[] = [...RUNGS];
  if (stagesRaw !== undefined) {
    stages = [];
    for (const s of stagesRaw
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!(RUNGS as readonly string[]).includes(s)) {
        throw new UsageError(
          `stages: unknown rung ${JSON.stringify(s)}; expected a comma list of ${RUNGS.join(', ')}`,
        );
      }
      if (!stages.includes(s as RungName)) stages.push(s as RungName);
    }
    if (stages.length === 0)
      throw new UsageError(`stages: expected at least one of ${RUNGS.join(', ')}`);
  }
  let quick = values['quick'] === true;
  if (values['quick'] === undefined && env['QUICK'] !== undefined && env['QUICK'] !== '') {
    const q = env['QUICK'].toLowerCase();
    if (!['1', 'true', 'yes', '0', 'false', 'no'].includes(q)) {
      throw new UsageError(
        `QUICK: expected true/false (or 1/0, yes/no), found ${JSON.stringify(env['QUICK'])}`,
      );
    }
    quick = ['1', 'true', 'yes'].includes(q);
  }
  const runId = check(
    'run-id',
    pick('run-id', 'RUN_ID') ?? makeRunId(),
    RUN_ID,
    '1-128 characters of [A-Za-z0-9_-] starting with a letter or digit',
  );
  const keepRaw = pick('keep-on-failure', 'KEEP_ON_FAILURE');
  const keepOnFailureMin =
    keepRaw === undefined
      ? undefined
      : Number(
          check(
            'keep-on-failure',
            keepRaw,
            /^[1-9][0-9]{0,3}$/,
            `whole minutes from 1 to ${KEEP_ON_FAILURE_MAX_MIN}`,
          ),
        );
  if (keepOnFailureMin !== undefined && keepOnFailureMin > KEEP_ON_FAILURE_MAX_MIN) {
    throw new UsageError(
      `keep-on-failure: expected whole minutes from 1 to ${KEEP_ON_FAILURE_MAX_MIN}, found ${JSON.stringify(keepRaw)}`,
    );
  }
  return {
    command: 'run',
    settings: { recipe, ref, sha, src: srcRaw, pr, stages, quick, runId, keepOnFailureMin },
  };
}

function parseUnwarm(
  rest: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string {
  let recipe: string | undefined;
  try {
    const v = parseArgs({
      args: [...rest],
      options: { recipe: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values.recipe;
    recipe = v ?? (env['RECIPE'] || undefined);
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (!recipe)
    throw new UsageError('unwarm: --recipe (or RECIPE) is required: the recipe name, e.g. web');
  return check(
    'recipe',
    recipe,
    RECIPE,
    'a recipe name of [a-z0-9-] starting with a letter or digit',
  );
}
