import { createRedactor } from '@ccci/redact';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { writeSecretFiles } from './helpers.js';

// A value shorter than minLength cannot be masked (masking every occurrence of so short a
// string would mask innocent text). That must never be silent: the redactor keeps the
// secret's name — never its value — for whoever reports on the run.

const tmp = tempDirPerTest('ccci-redact-');

describe('secrets too short to mask', () => {
  it('are named by their file in the secrets directory', () => {
    writeSecretFiles(tmp.path, {
      db_password: 'Zq7!\n',
      forge_token: 'long-enough-token-value\n',
      empty: '\n',
    });
    const redactor = createRedactor({ secretsDir: tmp.path });
    expect(redactor.unmaskable).toEqual(['db_password']);
    expect(redactor.size).toBe(1);
    expect(JSON.stringify(redactor.unmaskable)).not.toContain('Zq7!');
  });

  it('are named as given to add, or by their place in values', () => {
    const redactor = createRedactor({ secretsDir: false, values: ['long-enough-value', 'tiny'] });
    expect(redactor.unmaskable).toEqual(['values[1]']);
    expect(redactor.add('Xy9#', { name: 'mariadb/db_root_password' })).toBe(false);
    expect(redactor.add('', { name: 'nothing' })).toBe(false);
    expect(redactor.add('8-bytes!', { name: 'just-long-enough' })).toBe(true);
    expect(redactor.unmaskable).toEqual(['values[1]', 'mariadb/db_root_password']);
  });

  it('keep the name once given, also after the value is removed', () => {
    const redactor = createRedactor({ secretsDir: false });
    redactor.add('abc1');
    expect(redactor.unmaskable).toEqual(['(unnamed)']);
    redactor.add('abc1', { name: 'app/admin_pin' });
    redactor.add('abc1');
    expect(redactor.unmaskable).toEqual(['app/admin_pin']);
    expect(redactor.remove('abc1')).toBe(false);
    expect(redactor.unmaskable).toEqual(['app/admin_pin']);
  });

  it('rejects a name that is not a string, without echoing the value', () => {
    const redactor = createRedactor({ secretsDir: false });
    expect(() => redactor.add('secret-value-1', { name: 42 as never })).toThrow(
      /add\(\) option name must be a string, got number/,
    );
  });
});
