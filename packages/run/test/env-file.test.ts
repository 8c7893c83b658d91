import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvValues, setEnvValues } from '../src/support/env-file.js';

describe('app env file', () => {
  it('replaces set and commented-out keys, appends new ones', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'env-')), 'a.env');
    writeFileSync(f, 'TYPE=web\n#COMPOSE_FILE=compose.yml\nPORT=auto # a comment\n');
    setEnvValues(f, {
      COMPOSE_FILE: 'compose.yml:compose.ccci.yml',
      WEB_DOMAIN: 'web-abcdef.ci.localhost',
    });
    expect(readFileSync(f, 'utf8')).toBe(
      'TYPE=web\nCOMPOSE_FILE=compose.yml:compose.ccci.yml\nPORT=auto # a comment\nWEB_DOMAIN=web-abcdef.ci.localhost\n',
    );
    expect(readEnvValues(f)).toEqual({
      TYPE: 'web',
      COMPOSE_FILE: 'compose.yml:compose.ccci.yml',
      PORT: 'auto',
      WEB_DOMAIN: 'web-abcdef.ci.localhost',
    });
  });

  it('refuses a key that is not a variable name and a value with a line break', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'env-')), 'a.env');
    writeFileSync(f, '');
    expect(() => setEnvValues(f, { 'A B': 'x' })).toThrow(/env key "A B"/);
    expect(() => setEnvValues(f, { A: 'x\nEVIL=1' })).toThrow(/line break/);
  });
});

describe('app env values read back as abra reads them', () => {
  it('writes values with spaces, # and $ so they read back unchanged', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'env-')), 'a.env');
    writeFileSync(f, 'TYPE=web\n');
    const values = { A: 'x #y', B: '$HOME and ${X:-y}', C: 'say "hi"', D: 'plain-1.2:3' };
    setEnvValues(f, values);
    expect(readEnvValues(f)).toEqual({ TYPE: 'web', ...values });
    expect(() => setEnvValues(f, { E: "it's $5" })).toThrow(/env E: a value with a single quote/);
  });

  it('reads export lines and COMPOSE_FILE chains of a real .env.sample', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'env-')), 'a.env');
    writeFileSync(
      f,
      'export TYPE=web\nCOMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\nVAR =vol\n',
    );
    expect(readEnvValues(f)).toEqual({
      TYPE: 'web',
      COMPOSE_FILE: 'compose.yml:compose.smtp.yml',
      VAR: 'vol',
    });
  });
});
