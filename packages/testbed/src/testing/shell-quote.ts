/**
 * Quote one argument for a POSIX shell command line (`script -c` takes a string): wrap in
 * single quotes, each `'` written as `'\''`. Nothing inside single quotes is special.
 */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string')
    throw new TypeError(`shellQuote: expected a string, got ${typeof arg}`);
  if (arg.includes('\0')) throw new TypeError('shellQuote: an argument cannot contain a NUL byte');
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
