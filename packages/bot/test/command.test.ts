import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, KEEP_MAX_MINUTES, parseCommand, renderHelp } from '../src/index.js';

describe('parseCommand', () => {
  it.each([
    ['!testme', { kind: 'testme', quick: false, stages: null, keepMinutes: null }],
    ['!testme --quick', { kind: 'testme', quick: true, stages: null, keepMinutes: null }],
    [
      'please\n!testme --stages=install,upgrade',
      { kind: 'testme', quick: false, stages: ['install', 'upgrade'], keepMinutes: null },
    ],
    ['  !testme\r\nthanks', { kind: 'testme', quick: false, stages: null, keepMinutes: null }],
  ])('%j is a command', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each(['!testmexyz', 'testme', 'please !testme', '`!testme`', '!test me', '!TESTME'])(
    '%j is not a command',
    (body) => {
      expect(parseCommand(body)).toEqual({ kind: 'none' });
    },
  );

  it('refuses unknown flags and stages with a reason naming them', () => {
    expect(parseCommand('!testme --fast')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('unknown flag `--fast`'),
    });
    expect(parseCommand('!testme --stages=install,deploy')).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('unknown stage `deploy`'),
    });
    expect(parseCommand('!testme --stages=')).toMatchObject({ kind: 'invalid' });
  });

  it('never throws and never accepts a word glued to !testme', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]+$/), (body, glued) => {
        parseCommand(body);
        expect(parseCommand(`!testme${glued}`).kind).toBe('none');
      }),
    );
  });

  // Shown, not said: a command quoted, fenced or inside a word is no command.
  it.each([
    ['!testme shown in a fenced code block', 'How to ask:\n\n```\n!testme\n```\n'],
    ['!testme shown in a tilde fence', '~~~sh\n!testme --quick\n~~~'],
    ['!testme shown in an indented code block', 'Example:\n\n    !testme\n'],
    ['!testme shown in an HTML comment', '<!--\n!testme\n-->\nthanks'],
    ['!testme shown in a quote of another comment', '> !testme\n\nwhy did this run?'],
    ['!testme shown in inline code', 'type `!testme` to run the CI'],
    ['a subcommand in a fenced code block', '```\n!testme cancel\n```'],
    ['a subcommand in inline code', '`!testme cancel`'],
    ['a subcommand in a quote', '> !testme cancel\n\nwhy?'],
    ['a subcommand in an HTML comment', '<!-- !testme keep=240 -->'],
    ['a subcommand in an indented code block', 'do this:\n\n    !testme help\n'],
    ['a subcommand in the middle of a line', 'you could say !testme cancel'],
    ['a subcommand in a glued word', '!testmecancel'],
    ['a subcommand in a non-breaking space', '!testme\u00a0cancel'],
    // Hidden or glued in ways the forge renders differently from a JS multiline regex.
    ['an HTML comment opened mid-paragraph', 'looks fine <!--\n!testme\n-->'],
    ['an HTML attribute spanning lines', 'see <span title="\n!testme\n">this</span>'],
    ['a code span spanning lines', 'run `this\n!testme --quick` later'],
    ['U+2028 (one line to markdown)', 'please\u2028!testme'],
    ['U+2029 (one line to markdown)', 'please\u2029!testme cancel'],
  ])('%s: no command', (_where, body) => {
    expect(parseCommand(body)).toEqual({ kind: 'none' });
  });

  it('!testme in prose after a code block is the command', () => {
    expect(parseCommand('```\nlog\n```\n\n!testme --quick')).toEqual({
      kind: 'testme',
      quick: true,
      stages: null,
      keepMinutes: null,
    });
  });
});

describe('subcommands', () => {
  it.each([
    ['!testme cancel', { kind: 'cancel' }],
    ['!testme help', { kind: 'help' }],
    ['  !testme \t cancel \t ', { kind: 'cancel' }],
    ['thanks!\r\n!testme\thelp\r\n', { kind: 'help' }],
    ['- !testme cancel', { kind: 'cancel' }],
    ['!testme keep', { kind: 'testme', quick: false, stages: null, keepMinutes: 60 }],
    ['!testme keep=1', { kind: 'testme', quick: false, stages: null, keepMinutes: 1 }],
    [
      `!testme keep=${KEEP_MAX_MINUTES} --quick`,
      { kind: 'testme', quick: true, stages: null, keepMinutes: KEEP_MAX_MINUTES },
    ],
    [
      '!testme keep=015 --stages=install',
      { kind: 'testme', quick: false, stages: ['install'], keepMinutes: 15 },
    ],
    // Only the first !testme line counts.
    ['!testme cancel\n\n!testme keep', { kind: 'cancel' }],
  ])('%j', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    ['!testme cancelx', 'unknown command `!testme cancelx`'],
    ['!testme CANCEL', 'unknown command `!testme CANCEL`'],
    ['!testme cancel=1', 'unknown command `!testme cancel=1`'],
    ['!testme "cancel"', 'unknown command `!testme "cancel"`'],
    ['!testme please', 'unknown command `!testme please`'],
    ['!testme c\u0430ncel', 'unknown command'], // a Cyrillic а
    ['!testme cancel\u200b', 'unknown command'], // a zero-width space glued on
    ['!testme cancel --quick', '`!testme cancel` takes nothing after it, found `--quick`'],
    ['!testme help me', '`!testme help` takes nothing after it, found `me`'],
    ['!testme --quick keep', '`keep` must come right after `!testme`'],
    ['!testme --quick cancel', '`cancel` must come right after `!testme`'],
    ['!testme keep=0', '`keep=` takes whole minutes from 1 to 240, found `0`'],
    [`!testme keep=${KEEP_MAX_MINUTES + 1}`, 'from 1 to 240'],
    ['!testme keep=', 'from 1 to 240, found ``'],
    ['!testme keep=1e2', 'found `1e2`'],
    ['!testme keep=-5', 'found `-5`'],
    ['!testme keep=99999999999999999999', 'found `99999999999999999999`'],
    ['!testme keep=`rm -rf`', 'found `rm'],
  ])('%j is refused: %s', (body, reason) => {
    expect(parseCommand(body)).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining(reason),
    });
  });

  it('a reason never carries a backtick or backslash of the comment, and stays short', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (word) => {
        const c = parseCommand(`!testme ${word.replace(/[\s]/g, 'x')}`);
        if (c.kind !== 'invalid') return;
        expect(c.reason.length).toBeLessThan(400);
      }),
    );
    const c = parseCommand('!testme keep=``\\`');
    expect(c).toMatchObject({ kind: 'invalid' });
    expect(c.kind === 'invalid' && c.reason).toContain('found ``');
  });
});

describe('!testme help', () => {
  it('every line of the table is accepted as written (the help cannot drift from the parser)', () => {
    for (const spec of COMMANDS) {
      const parsed = parseCommand(spec.example);
      expect(parsed.kind, spec.example).not.toBe('invalid');
      expect(parsed.kind, spec.example).not.toBe('none');
      expect(spec.example.startsWith(spec.usage.split(/[[=<]/)[0] as string)).toBe(true);
    }
    expect(COMMANDS.map((c) => c.usage)).toEqual([
      '!testme',
      '!testme --quick',
      '!testme --stages=install,upgrade,backup_restore,functional,lint',
      '!testme keep[=<minutes>]',
      '!testme cancel',
      '!testme help',
    ]);
  });

  it('lists every command and option and says who may use them', () => {
    const help = renderHelp({ org: 'coop-cloud', keepMax: 2 });
    for (const spec of COMMANDS) expect(help).toContain(`| \`${spec.usage}\` |`);
    expect(help).toContain('Only members of **coop-cloud**');
    expect(help).toContain('At most 2 failed app(s) are kept at once');
    expect(renderHelp({ org: null, keepMax: 0 })).toContain('`keep` is turned off');
  });
});

describe('hostile comment bodies (anyone may comment; parsing comes before authorization)', () => {
  // Link-like and emphasis-heavy text made marked's full inline lexer cubic/quadratic: 16 KiB of
  // `[a](` took 89 s, GitHub's 65 536-character maximum hours, the bot serialized behind it.
  const hostile: [string, (n: number) => string][] = [
    ['unclosed links', (n) => '[a]('.repeat(n / 4)],
    ['emphasis runs', (n) => '*a '.repeat(n / 3)],
    ['strong runs', (n) => '**'.repeat(n / 2)],
    ['nested lists', (n) => '- '.repeat(n / 2)],
    ['underscores', (n) => '_a'.repeat(n / 2)],
  ];

  it.each(hostile)('%s: parsed quickly at any size', (_what, make) => {
    for (const n of [4_000, 8_000, 65_536, 1_000_000]) {
      const body = `${make(n)}\n\n!testme`;
      const started = performance.now();
      const c = parseCommand(body);
      expect(performance.now() - started, `${n} characters`).toBeLessThan(3_000);
      expect(['testme', 'invalid', 'none']).toContain(c.kind);
    }
  });

  it('deep nesting does not throw (a throw left the comment pending, retried every pass)', () => {
    for (const n of [2_000, 4_000, 20_000]) {
      expect(() => parseCommand(`${'> '.repeat(n)}x\n\n!testme`)).not.toThrow();
      expect(() => parseCommand(`${'- '.repeat(n)}x\n\n!testme`)).not.toThrow();
    }
  });

  it('a command in a comment too long to read is refused, saying so; without one, ignored', () => {
    const long = `${'lorem ipsum '.repeat(2_000)}\n\n!testme --quick`;
    expect(parseCommand(long)).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('comment of its own'),
    });
    expect(parseCommand('lorem ipsum '.repeat(100_000))).toEqual({ kind: 'none' });
    expect(parseCommand(`${'lorem ipsum '.repeat(2_000)}\n\nsay !testme`)).toEqual({
      kind: 'none',
    });
  });
});
