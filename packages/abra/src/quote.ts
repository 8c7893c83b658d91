/**
 * POSIX shell quoting for the one place a command string is unavoidable: util-linux
 * `script -c <string>` takes a string, not an argument vector, and hands it to `$SHELL -c`.
 *
 * Every argument becomes a single-quoted word. Inside single quotes a POSIX shell treats every
 * byte literally (no `$`, backtick, backslash or glob expansion), so the only character to
 * handle is `'` itself: close the quote, emit an escaped quote, reopen (`'\''`). This holds for
 * sh, dash, bash, zsh and busybox sh — not for fish, which is why the runner pins
 * `SHELL=/bin/sh`.
 */
export function quoteArg(value: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`quoteArg: expected a string, found ${typeof value}`);
  }
  if (value.includes('\0')) {
    // argv entries are C strings: a NUL would silently truncate the argument.
    throw new TypeError(
      'quoteArg: argument contains a NUL byte, which no process argument can hold',
    );
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes each word and joins them with spaces: a command line that a POSIX shell splits back into exactly `argv`. */
export function quoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('quoteCommand: argv must not be empty');
  return argv.map(quoteArg).join(' ');
}
