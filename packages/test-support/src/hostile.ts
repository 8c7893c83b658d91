/**
 * Words a shell would read as more than a literal argument (quotes, substitutions, operators,
 * globs, option-like words, the empty word, spaces, line breaks, non-ASCII): whatever quotes or
 * passes arguments must bring each one through unchanged. The substitutions `touch` a file
 * named `pwned` (in the working folder or /tmp), which a test can look for.
 */
export const HOSTILE_SHELL_WORDS: readonly string[] = [
  "it's",
  '$(touch pwned)',
  '$(touch /tmp/pwned)',
  '`touch pwned`',
  '`id`',
  '"; rm -rf / #',
  '\\',
  ';',
  '&&',
  '*',
  '',
  ' a  b ',
  'a\nb',
  'x\ny',
  "'''",
  '$HOME',
  'ünï ✅',
  '-n',
  '-rf',
  '--',
];
