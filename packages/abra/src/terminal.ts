import stripAnsi from 'strip-ansi';

/**
 * Turns what a program wrote to a terminal into plain text lines for parsing: drops ANSI
 * escape sequences (abra colours its log levels and tables), turns the pty's CRLF into LF and
 * applies carriage returns the way a terminal would (a spinner or progress line rewritten with
 * `\r` keeps only its last state), and removes other control characters except tab.
 */
export function cleanTerminalOutput(raw: string): string {
  const text = stripAnsi(raw).replaceAll('\r\n', '\n');
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.replace(/\r+$/, '');
      const lastCr = trimmed.lastIndexOf('\r');
      const visible = lastCr === -1 ? trimmed : trimmed.slice(lastCr + 1);
      return visible.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    })
    .join('\n');
}
