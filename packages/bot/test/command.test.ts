import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/index.js';

describe('parseCommand', () => {
  it.each([
    ['!testme', { kind: 'testme', quick: false, stages: null }],
    ['!testme --quick', { kind: 'testme', quick: true, stages: null }],
    [
      'please\n!testme --stages=install,upgrade',
      { kind: 'testme', quick: false, stages: ['install', 'upgrade'] },
    ],
    ['  !testme\r\nthanks', { kind: 'testme', quick: false, stages: null }],
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

  it.each([
    ['a fenced code block', 'How to ask:\n\n```\n!testme\n```\n'],
    ['a tilde fence', '~~~sh\n!testme --quick\n~~~'],
    ['an indented code block', 'Example:\n\n    !testme\n'],
    ['an HTML comment', '<!--\n!testme\n-->\nthanks'],
    ['a quote of another comment', '> !testme\n\nwhy did this run?'],
    ['inline code', 'type `!testme` to run the CI'],
  ])('!testme in %s is shown, not said: no command', (_where, body) => {
    expect(parseCommand(body)).toEqual({ kind: 'none' });
  });

  it('!testme in prose after a code block is the command', () => {
    expect(parseCommand('```\nlog\n```\n\n!testme --quick')).toEqual({
      kind: 'testme',
      quick: true,
      stages: null,
    });
  });
});
