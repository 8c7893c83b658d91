// abra logs through charmbracelet/log: a level word, then the message, on stderr
// (`FATA <message>` and exit 1 for fatal errors). The double keeps that shape because
// callers (the @ccci/abra wrapper) parse the FATA line to classify failures.

import { CcciError } from '@ccci/contracts';

/** A fatal abra error: printed as `FATA <message>`, exit status 1. */
export class AbraFatal extends CcciError<'TESTBED_ABRA_FATAL'> {
  constructor(message: string) {
    super('TESTBED_ABRA_FATAL', message);
  }
}

export function fatal(message: string): never {
  throw new AbraFatal(message);
}

export function info(message: string): void {
  process.stderr.write(`INFO ${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`WARN ${message}\n`);
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
