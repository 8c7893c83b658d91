import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteArg, quoteCommand } from '../src/index.js';

/** Evaluates `printf '%s\0' <quoted words>` with the real /bin/sh and splits its output back into argv. */
function shellRoundTrip(argv: string[]): string[] {
  const script = `printf '%s\\0' ${argv.map(quoteArg).join(' ')}`;
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  '',
  "'",
  "''",
  "it's",
  `"double" 'single' \`back\``,
  '$(touch /tmp/ccci-pwned)',
  '`touch /tmp/ccci-pwned`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal parameter expansion is the point
  '${HOME}',
  '$HOME',
  'a\nb\n',
  '\n',
  'a;b',
  'a && b || c',
  'a | b > c < d',
  '*',
  '?[a-z]*',
  '~',
  '~root',
  '-rf',
  '--help',
  '-',
  '\\',
  '\\\\n',
  'tab\there',
  ' leading and trailing ',
  '#comment',
  '!event',
  'ünïcödé ✅ 🟠 日本',
  '\x1b[31mred\x1b[0m',
  "'; rm -rf / #",
  "\\'",
  '%s%n',
];

describe('quoteArg', () => {
  it('wraps in single quotes and escapes only the single quote', () => {
    expect(quoteArg('abc')).toBe("'abc'");
    expect(quoteArg('')).toBe("''");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('$(x)')).toBe("'$(x)'");
  });

  it.each(HOSTILE.map((v) => [JSON.stringify(v), v]))(
    'a POSIX shell reads %s back unchanged',
    (_, value) => {
      expect(shellRoundTrip([value])).toEqual([value]);
    },
  );

  it('keeps hostile values as separate words, and executes none of them', () => {
    expect(shellRoundTrip(HOSTILE)).toEqual(HOSTILE);
  });

  it('refuses a NUL byte, which no argv entry can hold', () => {
    expect(() => quoteArg('a\0b')).toThrow(TypeError);
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });

  it('refuses a non-string', () => {
    expect(() => quoteArg(42 as unknown as string)).toThrow(/expected a string, found number/);
  });

  it('round-trips any argv through /bin/sh (property)', () => {
    const arg = fc
      .string({ unit: 'binary', maxLength: 40 })
      .filter((s) => !s.includes('\0') && Buffer.from(s, 'utf8').toString('utf8') === s);
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(shellRoundTrip(argv)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips quote-heavy strings (property)', () => {
    const nasty = fc.string({
      unit: fc.constantFrom("'", '"', '\\', '$', '`', '(', ')', ' ', '\n', ';', '&', '*', 'a', '-'),
      maxLength: 30,
    });
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 5 }), (argv) => {
        expect(shellRoundTrip(argv)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });
});

describe('quoteCommand', () => {
  it('joins quoted words', () => {
    expect(quoteCommand(['abra', 'app', "it's"])).toBe(`'abra' 'app' 'it'\\''s'`);
  });

  it('refuses an empty argv', () => {
    expect(() => quoteCommand([])).toThrow(TypeError);
  });
});
