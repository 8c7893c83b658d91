// biome-ignore-all lint/suspicious/noTemplateCurlyInString: env-file ${VAR} expansion syntax, not JS templates
import { describe, expect, it } from 'vitest';
import {
  abraShExports,
  composeFileNames,
  deployEnv,
  EnvFileError,
  envValues,
  parseEnvFile,
} from '../src/env-file.js';

// Cases follow godotenv v1.5.1's parser (abra's env reader is a fork of it): see env-file.ts.
const values = (text: string) => envValues(parseEnvFile(text));

describe('parseEnvFile (abra / godotenv semantics)', () => {
  it('chains COMPOSE_FILE through $COMPOSE_FILE in double quotes', () => {
    const env = values(
      [
        'TYPE=web',
        'COMPOSE_FILE="compose.yml"',
        '#COMPOSE_FILE="$COMPOSE_FILE:compose.off.yml"',
        'COMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"',
        'export COMPOSE_FILE="${COMPOSE_FILE}:postgres/compose.postgres.tune.yml"',
      ].join('\n'),
    );
    expect(env['COMPOSE_FILE']).toBe(
      'compose.yml:compose.smtp.yml:postgres/compose.postgres.tune.yml',
    );
    expect(composeFileNames(env)).toEqual([
      'compose.yml',
      'compose.smtp.yml',
      'postgres/compose.postgres.tune.yml',
    ]);
  });

  it('reads export lines, spaces around "=", and the colon separator', () => {
    expect(values('export A=1\nB = 2\n  C =3 \nD: 4\n')).toEqual({
      A: '1',
      B: '2',
      C: '3',
      D: '4',
    });
  });

  it('cuts an inline comment only after a space, keeps # inside quotes', () => {
    const entries = parseEnvFile('A=x #y\nB="x #y"\nC=x#y\nSECRET_X_VERSION=v1 # length=32\n');
    expect(envValues(entries)).toEqual({ A: 'x', B: 'x #y', C: 'x#y', SECRET_X_VERSION: 'v1' });
    expect(entries.find((e) => e.key === 'SECRET_X_VERSION')?.comment).toBe('length=32');
  });

  it('single quotes are literal; double quotes expand and unescape', () => {
    const env = values('A=1\nB=\'$A\\n\'\nC="$A\\n"\nD="\\$A"\nE=$A$A\n');
    expect(env).toEqual({ A: '1', B: '$A\\n', C: '1\n', D: '$A', E: '11' });
  });

  it('never expands from the process environment; compose defaults are not env-file syntax', () => {
    const env = values('A=${HOME:-vol}\nB=$HOME\nC=${lower}\n');
    expect(env['A']).toBe(':-vol}');
    expect(env['B']).toBe('');
    expect(env['C']).toBe('${lower}');
  });

  it('a double-quoted value may span lines; line numbers follow', () => {
    const entries = parseEnvFile('A="one\ntwo"\n\nB=3\n');
    expect(entries).toEqual([
      { key: 'A', value: 'one\ntwo', line: 1, comment: '' },
      { key: 'B', value: '3', line: 4, comment: '' },
    ]);
  });

  it('later keys win', () => {
    expect(values('A=1\nA=2\n')).toEqual({ A: '2' });
  });

  it('fails where abra fails, naming the line', () => {
    expect(() => parseEnvFile('A=1\nnot a line\n', 'x.env')).toThrow(EnvFileError);
    expect(() => parseEnvFile('A=1\nB="open\n', 'x.env')).toThrow(/x\.env:2: unterminated/);
    expect(() => parseEnvFile('A=1\nB-C=2\n', 'x.env')).toThrow(
      /x\.env:2: unexpected character "-"/,
    );
  });
});

describe('deploy env', () => {
  it('abra.sh exports join the app env; STACK_NAME is set; nothing from the process', () => {
    const sh = abraShExports(
      'export APP_ENTRYPOINT_VERSION=v3\n  export "X"=1\nfoo() {\n  export NGINX_CONF_VERSION="v2"\n}\n',
    );
    expect(sh).toEqual({ APP_ENTRYPOINT_VERSION: 'v3', NGINX_CONF_VERSION: 'v2' });
    const env = deployEnv({ DOMAIN: 'a.b' }, sh, 'a_b');
    expect(env).toEqual({ DOMAIN: 'a.b', ...sh, STACK_NAME: 'a_b' });
    expect(env['HOME']).toBeUndefined();
  });

  it('COMPOSE_FILE defaults to compose.yml', () => {
    expect(composeFileNames({})).toEqual(['compose.yml']);
    expect(composeFileNames({ COMPOSE_FILE: '' })).toEqual(['compose.yml']);
  });
});

describe('godotenv quirks that change a value', () => {
  it('trims Go whitespace off keys: NEL after a key names the same key', () => {
    expect(values('VOL=data\nVOL\u0085=/var/run/docker.sock\n')).toEqual({
      VOL: '/var/run/docker.sock',
    });
  });

  it('keeps `$(` (godotenv never takes its paren branch)', () => {
    expect(values('COMPOSE_FILE=compose.yml:o$(.yml\n')['COMPOSE_FILE']).toBe(
      'compose.yml:o$(.yml',
    );
  });

  it('trims every quote character off both ends of a quoted value', () => {
    expect(values('A="x\\""\n')['A']).toBe('x\\');
  });

  it('trims unquoted values with godotenv isSpace only', () => {
    expect(values('A=b.yml\u3000\n')['A']).toBe('b.yml\u3000');
    expect(values('A=b.yml\u0085\n')['A']).toBe('b.yml');
  });

  it('judges non-ASCII key characters byte by byte, as godotenv does', () => {
    expect(() => parseEnvFile('CAFÉ=1\n')).toThrow(EnvFileError);
  });

  // Found by reading 60 000 random texts with godotenv v1.5.1 itself and with this reader.
  it('a last line without "=" and without a line break sets the empty key', () => {
    expect(values('A=1\nFOO')).toEqual({ A: '1', '': 'FOO' });
    expect(() => parseEnvFile('A=1\nFOO\n')).toThrow(EnvFileError);
  });

  it('fails on "export " at the very end', () => {
    expect(() => parseEnvFile('A=1\nexport ')).toThrow(/nothing after "export"/);
    expect(values('A=1\nexport')).toEqual({ A: '1', '': 'export' });
  });
});

// The cases of a review (2026-12), each read by godotenv v1.5.1 itself (a throwaway Go program
// calling godotenv.Unmarshal) and written here as it answered: the reader agrees on every one.
const REVIEW_CASES: ReadonlyArray<readonly [string, string, Record<string, string> | 'fails']> = [
  ['export prefix', 'export A=1', { A: '1' }],
  ['spaces around =', 'A = 1', { A: '1' }],
  ['# inside double quotes', 'A="x #y"', { A: 'x #y' }],
  ['inline comment after a space', 'A=x #y', { A: 'x' }],
  ['the last " #" starts the comment', 'A=x # y # z', { A: 'x # y' }],
  ['# without a space before it', 'A=x#y', { A: 'x#y' }],
  ['a value that starts with #', 'A= #c', { A: '#c' }],
  ["text after '…' on the last line is the empty key", "A='a'b", { A: 'a', '': 'b' }],
  ["text after '…' before a line break fails", "A='a'b\n", 'fails'],
  ['a second statement after "…" on one line', 'A="x" B=1', { A: 'x', B: '1' }],
  ['escaped double quote', 'A="a\\"b"', { A: 'a"b' }],
  ["backslash-quote in '…' is kept", "A='a\\'b'", { A: "a\\'b" }],
  ['a trailing escaped backslash leaves "…" open', 'A="\\\\"', 'fails'],
  ['multi-line double quotes', 'A="l1\nl2"', { A: 'l1\nl2' }],
  [
    '${VAR} expands in "…" and unquoted, not in \'…\'',
    'B=v\nA="${B}"\nC=\'${B}\'\nD=${B}\nE=$B',
    { B: 'v', A: 'v', C: '${B}', D: 'v', E: 'v' },
  ],
  ['empty value at the end', 'A=', { A: '' }],
  ['empty value', 'A=\n', { A: '' }],
  ['a dot in the key', 'A.B=1', { 'A.B': '1' }],
  ['a dash in the key fails', 'A-B=1', 'fails'],
  ['a line without = fails', 'noequals\nA=1', 'fails'],
  ['CRLF, also inside "…"', 'A=1\r\nB="x\r\ny"\r\n', { A: '1', B: 'x\ny' }],
  ['indented comments', '   # c\n\t# d\nA=1', { A: '1' }],
  ['a byte order mark fails', '\uFEFFA=1', 'fails'],
];

describe("a review's cases, as godotenv v1.5.1 read them", () => {
  it.each(REVIEW_CASES)('%s', (_name, text, expected) => {
    if (expected === 'fails') expect(() => parseEnvFile(text)).toThrow(EnvFileError);
    else expect(values(text)).toEqual(expected);
  });

  it('names an invisible character by its code point', () => {
    expect(() => parseEnvFile('\uFEFFA=1\n', 'x.env')).toThrow(
      'x.env:1: unexpected character U+FEFF (byte order mark) in variable name (expected KEY=value)',
    );
    expect(() => parseEnvFile('A\u200b=1\n', 'x.env')).toThrow(/unexpected character U\+200B /);
    expect(() => parseEnvFile('A\nB=1\n', 'x.env')).toThrow(/unexpected character U\+000A /);
  });
});

// The cases of godotenv's own tests, v1.5.1 (github.com/joho/godotenv, commit
// 3fc4292b58a67b78e1dbb6e47b4879a6cc602ec4: godotenv_test.go and its fixtures/), the release
// abra's fork starts from. Each row: the test it comes from, the text, the values read.
const GODOTENV_CASES: ReadonlyArray<readonly [string, string, Record<string, string>]> = [
  // TestParsing (parseAndCompare)
  ['TestParsing unquoted', 'FOO=bar', { FOO: 'bar' }],
  ['TestParsing spaces around =', 'FOO =bar', { FOO: 'bar' }],
  ['TestParsing space after =', 'FOO= bar', { FOO: 'bar' }],
  ['TestParsing double quoted', 'FOO="bar"', { FOO: 'bar' }],
  ['TestParsing single quoted', "FOO='bar'", { FOO: 'bar' }],
  ['TestParsing escaped double quote', 'FOO="escaped\\"bar"', { FOO: 'escaped"bar' }],
  ['TestParsing single quotes in double', `FOO="'d'"`, { FOO: "'d'" }],
  ['TestParsing yaml style', 'OPTION_A: 1', { OPTION_A: '1' }],
  ['TestParsing yaml value with =', 'OPTION_A: Foo=bar', { OPTION_A: 'Foo=bar' }],
  ['TestParsing colon in value', 'OPTION_A=1:B', { OPTION_A: '1:B' }],
  ['TestParsing export', 'export OPTION_A=2', { OPTION_A: '2' }],
  ['TestParsing export single-quoted \\n', "export OPTION_B='\\n'", { OPTION_B: '\\n' }],
  ['TestParsing export exportFoo', 'export exportFoo=2', { exportFoo: '2' }],
  ['TestParsing exportFOO is a key', 'exportFOO=2', { exportFOO: '2' }],
  ['TestParsing export_FOO is a key', 'export_FOO =2', { export_FOO: '2' }],
  ['TestParsing export.FOO is a key', 'export.FOO= 2', { 'export.FOO': '2' }],
  ['TestParsing export and tab', 'export\tOPTION_A=2', { OPTION_A: '2' }],
  ['TestParsing indented export', '  export OPTION_A=2', { OPTION_A: '2' }],
  ['TestParsing tab-indented export', '\texport OPTION_A=2', { OPTION_A: '2' }],
  ['TestParsing \\n in double quotes', 'FOO="bar\\nbaz"', { FOO: 'bar\nbaz' }],
  ['TestParsing . in the key', 'FOO.BAR=foobar', { 'FOO.BAR': 'foobar' }],
  ['TestParsing = in the value', 'FOO=foobar=', { FOO: 'foobar=' }],
  ['TestParsing strips unquoted', 'FOO=bar ', { FOO: 'bar' }],
  ['TestParsing inner space kept', 'KEY=value value', { KEY: 'value value' }],
  ['TestParsing inline comment', 'FOO=bar # this is foo', { FOO: 'bar' }],
  ['TestParsing # in "…" then comment', 'FOO="bar#baz" # comment', { FOO: 'bar#baz' }],
  ["TestParsing # in '…' then comment", "FOO='bar#baz' # comment", { FOO: 'bar#baz' }],
  ['TestParsing #s in "…" then comment', 'FOO="bar#baz#bang" # comment', { FOO: 'bar#baz#bang' }],
  ['TestParsing # in "…"', 'FOO="ba#r"', { FOO: 'ba#r' }],
  ["TestParsing # in '…'", "FOO='ba#r'", { FOO: 'ba#r' }],
  ['TestParsing escapes 1', 'FOO="bar\\n\\ b\\az"', { FOO: 'bar\n baz' }],
  ['TestParsing escapes 2', 'FOO="bar\\\\\\n\\ b\\az"', { FOO: 'bar\\\n baz' }],
  ['TestParsing escapes 3', 'FOO="bar\\\\r\\ b\\az"', { FOO: 'bar\\r baz' }],
  ['TestParsing empty key', '="value"', { '': 'value' }],
  ['TestParsing space around key', ' KEY =value', { KEY: 'value' }],
  ['TestParsing indented key', '   KEY=value', { KEY: 'value' }],
  ['TestParsing tab-indented key', '\tKEY=value', { KEY: 'value' }],
  // TestParse
  ['TestParse', 'ONE=1\nTWO=\'2\'\nTHREE = "3"', { ONE: '1', TWO: '2', THREE: '3' }],
  // TestReadPlainEnv (fixtures/plain.env)
  [
    'TestReadPlainEnv',
    'OPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\nOPTION_F = \nOPTION_G=\nOPTION_H=1 2',
    {
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '3',
      OPTION_D: '4',
      OPTION_E: '5',
      OPTION_F: '',
      OPTION_G: '',
      OPTION_H: '1 2',
    },
  ],
  // TestLoadExportedEnv (fixtures/exported.env), TestLoadEqualsEnv (fixtures/equals.env)
  [
    'TestLoadExportedEnv',
    "export OPTION_A=2\nexport OPTION_B='\\n'\n",
    { OPTION_A: '2', OPTION_B: '\\n' },
  ],
  [
    'TestLoadEqualsEnv',
    "export OPTION_A='postgres://localhost:5432/database?sslmode=disable'\n",
    { OPTION_A: 'postgres://localhost:5432/database?sslmode=disable' },
  ],
  // TestLoadQuotedEnv (fixtures/quoted.env)
  [
    'TestLoadQuotedEnv',
    [
      "OPTION_A='1'",
      "OPTION_B='2'",
      "OPTION_C=''",
      "OPTION_D='\\n'",
      'OPTION_E="1"',
      'OPTION_F="2"',
      'OPTION_G=""',
      'OPTION_H="\\n"',
      'OPTION_I = "echo \'asd\'"',
      "OPTION_J='line 1",
      "line 2'",
      "OPTION_K='line one",
      "this is \\'quoted\\'",
      "one more line'",
      'OPTION_L="line 1',
      'line 2"',
      'OPTION_M="line one',
      'this is \\"quoted\\"',
      'one more line"',
      '',
    ].join('\n'),
    {
      OPTION_A: '1',
      OPTION_B: '2',
      OPTION_C: '',
      OPTION_D: '\\n',
      OPTION_E: '1',
      OPTION_F: '2',
      OPTION_G: '',
      OPTION_H: '\n',
      OPTION_I: "echo 'asd'",
      OPTION_J: 'line 1\nline 2',
      OPTION_K: "line one\nthis is \\'quoted\\'\none more line",
      OPTION_L: 'line 1\nline 2',
      OPTION_M: 'line one\nthis is "quoted"\none more line',
    },
  ],
  // TestSubstitutions (fixtures/substitutions.env)
  [
    'TestSubstitutions',
    'OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n',
    { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '11', OPTION_E: '' },
  ],
  // TestExpanding
  ['TestExpanding $FOO', 'FOO=test\nBAR=$FOO', { FOO: 'test', BAR: 'test' }],
  ['TestExpanding ${FOO}', 'FOO=test\nBAR=${FOO}bar', { FOO: 'test', BAR: 'testbar' }],
  ['TestExpanding undefined', 'BAR=$FOO', { BAR: '' }],
  ['TestExpanding in "…"', 'FOO=test\nBAR="quote $FOO"', { FOO: 'test', BAR: 'quote test' }],
  ["TestExpanding not in '…'", "BAR='quote $FOO'", { BAR: 'quote $FOO' }],
  ['TestExpanding escaped $', 'FOO="foo\\$BAR"', { FOO: 'foo$BAR' }],
  ['TestExpanding escaped ${', 'FOO="foo\\${BAR}"', { FOO: 'foo${BAR}' }],
  [
    'TestExpanding mixed',
    'FOO=test\nBAR="foo\\${FOO} ${FOO}"',
    { FOO: 'test', BAR: 'foo${FOO} test' },
  ],
  // TestVariableStringValueSeparator
  [
    'TestVariableStringValueSeparator',
    'TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"',
    { TEST_URLS: 'stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443' },
  ],
  // TestComments (fixtures/comments.env)
  [
    'TestComments',
    '# Full line comment\nfoo=bar # baz\nbar=foo#baz\nbaz="foo"#bar\n',
    { foo: 'bar', bar: 'foo#baz', baz: 'foo' },
  ],
  // TestTrailingNewlines
  ['TestTrailingNewlines simple', 'KEY=value', { KEY: 'value' }],
  ['TestTrailingNewlines inner space', 'KEY=value value', { KEY: 'value value' }],
  ['TestTrailingNewlines inner space, newline', 'KEY=value value\n', { KEY: 'value value' }],
  ['TestTrailingNewlines yaml', 'KEY: value value', { KEY: 'value value' }],
  ['TestTrailingNewlines yaml, newline', 'KEY: value value\n', { KEY: 'value value' }],
  // TestLinesToIgnore
  ['TestLinesToIgnore line break', '\n', {}],
  ['TestLinesToIgnore windows line break', '\r\n', {}],
  ['TestLinesToIgnore whitespace', '\t\t ', {}],
  ['TestLinesToIgnore comment', '# Comment', {}],
  ['TestLinesToIgnore indented comment', '\t # comment', {}],
];

describe("godotenv v1.5.1's own cases", () => {
  it.each(GODOTENV_CASES)('%s', (_name, text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it.each([
    ['TestParsing badly formatted line', 'lol$wut'],
    ['TestErrorParsing (fixtures/invalid1.env)', 'INVALID LINE\nfoo=bar\n'],
  ])('%s fails', (_name, text) => {
    expect(() => parseEnvFile(text)).toThrow(EnvFileError);
  });
});
