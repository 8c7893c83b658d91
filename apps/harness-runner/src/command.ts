import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  BRANCH_NAME,
  isRungName,
  RECIPE_NAME,
  RECIPE_NAME_RULE,
  RUNG_NAMES,
  type RungName,
} from '@ccci/contracts';
import { KEEP_LEASE_MAX_MS } from '@ccci/lock';
import { type RunSettings, UsageError } from '@ccci/run';
import { RUN_FLAGS } from './run-flags.js';

/** The longest `--keep-on-failure` (the keep lease's bound). */
export const KEEP_ON_FAILURE_MAX_MIN = KEEP_LEASE_MAX_MS / 60_000;

const SHA = /^[0-9a-f]{7,40}$/;
const URL_SRC = /^(https?|ssh|git|file):\/\/[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+$/;
const PATH_SRC = /^\/[A-Za-z0-9._/+-]*$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const PR = /^[1-9][0-9]{0,8}$/;

type Env = Readonly<Record<string, string | undefined>>;

/** One `harness-runner` command line, checked. */
export type Command =
  | { command: 'run'; settings: RunSettings }
  | { command: 'janitor' }
  /** The recipe whose warm instance to remove. */
  | { command: 'unwarm'; recipe: string }
  /** `spoolDir`: `--spool-dir` made absolute; undefined: the host's CCCI_SPOOL_DIR. */
  | { command: 'resend'; spoolDir: string | undefined }
  | { command: 'help' };

export const USAGE = `usage:
  harness-runner run --recipe <name> --ref <sha|branch> [--sha <head sha>] [--src <clone url>] [--pr <n>]
                     [--stages <install,upgrade,backup_restore,functional,lint>] [--quick]
                     [--run-id <id>] [--keep-on-failure <minutes>]
  harness-runner janitor
  harness-runner resend [--spool-dir <dir>]   (default CCCI_SPOOL_DIR)
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

/** Strict node:util parseArgs of `args` with `spec`; its error as a {@link UsageError} (first line). */
function flags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  spec: T,
  prefix = '',
) {
  try {
    return parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    throw new UsageError(`${prefix}${(error as Error).message.split('\n')[0] ?? 'bad arguments'}`);
  }
}

/**
 * Parse and validate `harness-runner` arguments and the executor environment. Throws
 * {@link UsageError} naming the option, what was expected and what was found.
 */
export function parseCommand(
  argv: readonly string[],
  env: Env,
  makeRunId: () => string = () => `r${Date.now().toString(36)}`,
): Command {
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
  if (command === 'resend') {
    const dir = flags(rest, { 'spool-dir': { type: 'string' } }, 'resend: ')['spool-dir'];
    return { command: 'resend', spoolDir: dir ? resolve(dir) : undefined };
  }
  if (command !== 'run') {
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; expected run, janitor, unwarm or resend`,
    );
  }
  return { command: 'run', settings: parseRun(rest, env, makeRunId) };
}

function parseRun(rest: readonly string[], env: Env, makeRunId: () => string): RunSettings {
  const values: Record<string, string | boolean | undefined> = flags(rest, RUN_FLAGS);
  const pick = (flag: string, envName: string): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = env[envName];
    return e === undefined || e === '' ? undefined : e;
  };
  const recipeRaw = pick('recipe', 'RECIPE');
  if (!recipeRaw)
    throw new UsageError('--recipe (or RECIPE) is required: the recipe name, e.g. custom-html');
  const recipe = check('recipe', recipeRaw, RECIPE_NAME, RECIPE_NAME_RULE);
  const refRaw = pick('ref', 'REF');
  if (!refRaw)
    throw new UsageError('--ref (or REF) is required: the head commit SHA or branch to test');
  const ref = SHA.test(refRaw)
    ? refRaw
    : check('ref', refRaw, BRANCH_NAME, 'a commit SHA (7-40 hex) or a branch name');
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
  const runId = check(
    'run-id',
    pick('run-id', 'RUN_ID') ?? makeRunId(),
    RUN_ID,
    '1-128 characters of [A-Za-z0-9_-] starting with a letter or digit',
  );
  return {
    recipe,
    ref,
    sha,
    src: srcRaw,
    pr,
    stages: parseStages(pick('stages', 'STAGES')),
    quick: parseQuick(values['quick'], env['QUICK']),
    runId,
    keepOnFailureMin: parseKeep(pick('keep-on-failure', 'KEEP_ON_FAILURE')),
  };
}

function parseStages(raw: string | undefined): RungName[] {
  if (raw === undefined) return [...RUNG_NAMES];
  const stages: RungName[] = [];
  for (const s of raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!isRungName(s)) {
      throw new UsageError(
        `stages: unknown rung ${JSON.stringify(s)}; expected a comma list of ${RUNG_NAMES.join(', ')}`,
      );
    }
    if (!stages.includes(s)) stages.push(s);
  }
  if (stages.length === 0)
    throw new UsageError(`stages: expected at least one of ${RUNG_NAMES.join(', ')}`);
  return stages;
}

function parseQuick(flag: string | boolean | undefined, fromEnv: string | undefined): boolean {
  if (flag !== undefined || fromEnv === undefined || fromEnv === '') return flag === true;
  const q = fromEnv.toLowerCase();
  if (!['1', 'true', 'yes', '0', 'false', 'no'].includes(q)) {
    throw new UsageError(
      `QUICK: expected true/false (or 1/0, yes/no), found ${JSON.stringify(fromEnv)}`,
    );
  }
  return ['1', 'true', 'yes'].includes(q);
}

function parseKeep(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const expected = `whole minutes from 1 to ${KEEP_ON_FAILURE_MAX_MIN}`;
  const minutes = Number(check('keep-on-failure', raw, /^[1-9][0-9]{0,3}$/, expected));
  if (minutes > KEEP_ON_FAILURE_MAX_MIN)
    throw new UsageError(`keep-on-failure: expected ${expected}, found ${JSON.stringify(raw)}`);
  return minutes;
}

function parseUnwarm(rest: readonly string[], env: Env): string {
  const recipe = flags(rest, { recipe: { type: 'string' } }).recipe ?? (env['RECIPE'] || undefined);
  if (!recipe)
    throw new UsageError('unwarm: --recipe (or RECIPE) is required: the recipe name, e.g. web');
  return check('recipe', recipe, RECIPE_NAME, RECIPE_NAME_RULE);
}
