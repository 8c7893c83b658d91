// biome-ignore-all lint/suspicious/noTemplateCurlyInString: env-file ${VAR} expansion syntax, not JS templates
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { readEnvFile, readEnvValues, setEnvValues, unsetEnvValues } from '../src/env-file-edit.js';

/** Each test's folder for the env files below. */
const tmp = tempDirPerTest('env-');

/** A new env file holding `text`. */
function envFile(text: string): string {
  const f = join(mkdtempSync(join(tmp.path, 'env-')), 'a.env');
  writeFileSync(f, text);
  return f;
}

describe('setEnvValues', () => {
  it('replaces set and commented-out keys, appends new ones', () => {
    const f = envFile('TYPE=web\n#COMPOSE_FILE=compose.yml\nPORT=auto # a comment\n');
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

  it('keeps the modifiers of the line it sets (abra reads `# length=8`)', () => {
    const f = envFile('TYPE=web\nSECRET_X_VERSION=v1 # length=8\nEMPTY=x # generate=false\n');
    setEnvValues(f, { TYPE: 'web:1.0.0+1.0', SECRET_X_VERSION: 'v2', EMPTY: '', PORT: '1234' });
    expect(readFileSync(f, 'utf8')).toBe(
      "TYPE=web:1.0.0+1.0\nSECRET_X_VERSION=v2 # length=8\nEMPTY='' # generate=false\nPORT=1234\n",
    );
    expect(readEnvFile(f).map((e) => [e.key, e.value, e.comment])).toEqual([
      ['TYPE', 'web:1.0.0+1.0', ''],
      ['SECRET_X_VERSION', 'v2', 'length=8'],
      ['EMPTY', '', 'generate=false'],
      ['PORT', '1234', ''],
    ]);
  });

  it('replaces the line abra reads: the last one, `export`, quoted with " #", or spanning lines', () => {
    const f = envFile(
      'A=1\nexport A=2 # two\nB="x #y"\nC="one\ntwo" # c\nD = old\nexport E="$D" # e\n',
    );
    setEnvValues(f, { A: '3', B: 'z', C: 'three', D: 'new' });
    expect(readFileSync(f, 'utf8')).toBe(
      'A=1\nA=3 # two\nB=z\nC=three # c\nD=new\nexport E="$D" # e\n',
    );
    expect(readEnvValues(f)).toEqual({ A: '3', B: 'z', C: 'three', D: 'new', E: 'new' });
  });

  it('writes values with spaces, # and $ so they read back unchanged', () => {
    const f = envFile('TYPE=web\n');
    const values = { A: 'x #y', B: '$HOME and ${X:-y}', C: 'say "hi"', D: 'plain-1.2:3' };
    setEnvValues(f, values);
    expect(readEnvValues(f)).toEqual({ TYPE: 'web', ...values });
    expect(() => setEnvValues(f, { E: "it's $5" })).toThrow(/env E: a value with a single quote/);
  });

  it('refuses a key that is not a variable name and a value with a line break', () => {
    const f = envFile('');
    expect(() => setEnvValues(f, { 'A B': 'x' })).toThrow(/env key "A B"/);
    expect(() => setEnvValues(f, { A: 'x\nEVIL=1' })).toThrow(/line break/);
  });

  it('appends after a last line without a line break, and to an empty file', () => {
    const f = envFile('A=1');
    setEnvValues(f, { B: '2' });
    expect(readFileSync(f, 'utf8')).toBe('A=1\nB=2\n');
    const g = envFile('');
    setEnvValues(g, { B: '2' });
    expect(readFileSync(g, 'utf8')).toBe('B=2\n');
  });
});

describe('unsetEnvValues', () => {
  it('removes every line setting the keys, multi-line values whole; comments stay', () => {
    const f = envFile('A=1\n#B=0\nB="one\ntwo" # b\nC=3\nexport B=4\n');
    unsetEnvValues(f, ['B']);
    expect(readFileSync(f, 'utf8')).toBe('A=1\n#B=0\nC=3\n');
  });
});

describe('readEnvValues', () => {
  it('reads export lines and COMPOSE_FILE chains of a real .env.sample', () => {
    const f = envFile(
      'export TYPE=web\nCOMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\nVAR =vol\n',
    );
    expect(readEnvValues(f)).toEqual({
      TYPE: 'web',
      COMPOSE_FILE: 'compose.yml:compose.smtp.yml',
      VAR: 'vol',
    });
  });
});
