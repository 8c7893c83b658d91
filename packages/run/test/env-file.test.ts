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
