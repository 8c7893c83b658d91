import { AbraError, type AbraErrorCode, classifyFailure } from '@ccci/abra';

/** How a fake call's body says abra failed: a FATA line, or a command's own exit. */
export class FakeFailure extends Error {
  constructor(
    readonly fatal: string | undefined,
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(fatal ?? output);
  }
}

/** abra printed `FATA <message>` and exited. */
export const fatal = (message: string, exitCode = 1) =>
  new FakeFailure(message, exitCode, `FATA ${message}\n`);

/** The command abra ran for us exited non-zero (`app run`), without a FATA line. */
export const exited = (output: string, exitCode: number) =>
  new FakeFailure(undefined, exitCode, output);

/** The AbraError the real client throws for that failure: its code from abra's own classifier. */
export function failedError(command: string[], f: FakeFailure): AbraError {
  const code = f.fatal ? classifyFailure([f.fatal], f.output) : 'ABRA_UNKNOWN';
  return error(command, code, f.fatal ?? `exit code ${f.exitCode}, no FATA line in its output`, f);
}

/** The AbraError of a call its signal aborted (its process tree killed). */
export function abortedError(command: string[]): AbraError {
  return error(command, 'ABRA_ABORTED', 'aborted by the caller; its process tree was killed');
}

function error(command: string[], code: AbraErrorCode, reason: string, f?: FakeFailure): AbraError {
  const label = command
    .slice(1)
    .filter((w) => /^[a-z]+$/.test(w))
    .join(' ');
  return new AbraError(`abra ${label} failed [${code}]: ${reason}`, {
    command,
    exitCode: f?.exitCode,
    output: f?.output ?? '',
    durationMs: 0,
    code,
    fatal: f?.fatal,
    timedOut: false,
    isAborted: code === 'ABRA_ABORTED',
  });
}
