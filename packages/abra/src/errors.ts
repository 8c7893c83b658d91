import { CcciError } from '@ccci/contracts';

/** Stable codes of {@link AbraError}. */
export type AbraErrorCode =
  /** abra refused to run without a terminal (`FATA inappropriate ioctl for device`). */
  | 'ABRA_NO_TTY'
  /** A pinned deploy over a recipe checkout with local changes (abra wants `--chaos`). */
  | 'ABRA_UNSTAGED_CHANGES'
  /** abra gave up waiting for the stack to converge (its own TIMEOUT). */
  | 'ABRA_DEPLOY_TIMEOUT'
  /** abra does not know the app (no env file for the domain in `ABRA_DIR`). */
  | 'ABRA_APP_NOT_FOUND'
  /** abra does not know or cannot fetch the recipe. */
  | 'ABRA_RECIPE_NOT_FOUND'
  /** Our own per-call time limit ran out; the whole process tree was killed. */
  | 'ABRA_TIMEOUT'
  /** The caller's AbortSignal fired; the whole process tree was killed. */
  | 'ABRA_ABORTED'
  /** The abra executable (or the terminal helper) could not be started. */
  | 'ABRA_MISSING'
  /** abra failed for a reason none of the above describes: see `fatal` and `output`. */
  | 'ABRA_UNKNOWN';

/** Fields every call reports, on success ({@link AbraResult}) and failure ({@link AbraError}) alike. */
export interface AbraCallInfo {
  /** The abra argv (`[bin, ...args]`), without the terminal wrapper. */
  command: string[];
  /** abra's exit code; `undefined` when it was killed or never started. */
  exitCode: number | undefined;
  /** Plain-text output (terminal sequences stripped), the last `maxOutputBytes` of it. */
  output: string;
  durationMs: number;
}

export interface AbraErrorFields extends AbraCallInfo {
  code: AbraErrorCode;
  /** The text of abra's first `FATA` line, if any (secret values masked). */
  fatal: string | undefined;
  timedOut: boolean;
  isAborted: boolean;
  cause?: unknown;
}

/**
 * A failed abra call. Carries the same fields as a result, like execa's errors. The message is
 * one line (`abra app deploy failed [ABRA_DEPLOY_TIMEOUT]: deploy timed out`) and never holds
 * secret values.
 */
export class AbraError extends CcciError<AbraErrorCode> implements AbraErrorFields {
  readonly command: string[];
  readonly exitCode: number | undefined;
  readonly output: string;
  readonly durationMs: number;
  readonly fatal: string | undefined;
  readonly timedOut: boolean;
  readonly isAborted: boolean;

  constructor(message: string, fields: AbraErrorFields) {
    super(fields.code, message, { cause: fields.cause });
    this.command = fields.command;
    this.exitCode = fields.exitCode;
    this.output = fields.output;
    this.durationMs = fields.durationMs;
    this.fatal = fields.fatal;
    this.timedOut = fields.timedOut;
    this.isAborted = fields.isAborted;
  }
}

/**
 * abra's fatal log lines. abra logged through logrus (`FATA[0000] msg`) and, since 0.9, through
 * charmbracelet/log (`FATA msg`); both are matched once colours are stripped.
 */
const FATA_LINE = /^\s*FATA(?:\[[^\]]*\])?:?\s+(.*\S)\s*$/;

/** Every `FATA` message in `output` (plain text), in order. */
export function parseFatalLines(output: string): string[] {
  const messages: string[] = [];
  for (const line of output.split('\n')) {
    const match = FATA_LINE.exec(line);
    if (match?.[1]) messages.push(match[1]);
  }
  return messages;
}

/**
 * Message patterns → codes. Sources (abra, toolshed/abra on git.coopcloud.tech):
 * - no terminal: the prompt/terminal libraries fail with ENOTTY, surfaced as
 *   `FATA inappropriate ioctl for device`;
 * - `<recipe> (<dir>) has locally unstaged changes? please commit/remove your changes before
 *   proceeding` (recipe.EnsureIsClean, on a pinned deploy without --chaos);
 * - `deploy timed out 🟠` / `... has not converged (timeout ...)` (stack.WaitOnServices);
 * - `cannot find app with name <domain>` (app.Get);
 * - `<recipe> recipe does not exist?`, `unable to fetch recipe ...` (recipe.Get / EnsureExists).
 * Order matters: the first match wins.
 */
const RULES: ReadonlyArray<readonly [AbraErrorCode, RegExp]> = [
  ['ABRA_NO_TTY', /inappropriate ioctl for device|not a (tty|terminal)/i],
  ['ABRA_UNSTAGED_CHANGES', /unstaged changes|uncommitted changes|working tree (is )?not clean/i],
  [
    'ABRA_DEPLOY_TIMEOUT',
    /deploy(ment)? timed out|timed out waiting|has not converged|timeout after/i,
  ],
  [
    'ABRA_APP_NOT_FOUND',
    /cannot find app|app .*(does not exist|not found)|unknown app|no app (named|with)/i,
  ],
  [
    'ABRA_RECIPE_NOT_FOUND',
    /recipe (does not exist|not found)|recipe .*does not exist|unknown recipe|unable to (fetch|clone|find) recipe/i,
  ],
];

/** Maps abra's fatal messages (and, failing that, its whole output) to a stable code. */
export function classifyFailure(fatal: readonly string[], output: string): AbraErrorCode {
  for (const message of fatal) {
    for (const [code, pattern] of RULES) if (pattern.test(message)) return code;
  }
  // Without a FATA line: the Go runtime or a library may have printed the ENOTTY text raw.
  if (RULES[0]![1].test(output)) return 'ABRA_NO_TTY';
  return 'ABRA_UNKNOWN';
}
