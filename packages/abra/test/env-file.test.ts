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
});
