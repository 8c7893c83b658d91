import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRedactor,
  RedactError,
  readSecretsDir,
  ScanFileError,
  SecretsDirError,
} from '@ccci/redact';
import { tempDirPerTest } from '@ccci/test-support';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, secretArb, writeSecretFiles } from './helpers.js';

const MASK = '[REDACTED]';
const tmp = tempDirPerTest('ccci-redact-');

describe('secrets directory', () => {
  it('reads one value per file, without its trailing newline', () => {
    writeSecretFiles(tmp.path, {
      forge_token: 'gitea-token-0123456789\n',
      drone_token: 'drone-token-abcdef\r\n',
      no_newline: 'exactly-this-value',
      inner_newlines: 'line one\nline two\n\n',
      short: 'short\n',
    });
    mkdirSync(join(tmp.path, 'subdir'));
    mkdirSync(join(tmp.path, '..2026_11_22'));
    writeFileSync(join(tmp.path, '..2026_11_22', 'copy'), 'should-not-be-read-here');
    symlinkSync(join(tmp.path, 'missing-target'), join(tmp.path, 'dangling'));
    symlinkSync(join(tmp.path, 'no_newline'), join(tmp.path, 'linked'));

    expect(readSecretsDir(tmp.path).map(String)).toEqual([
      'drone-token-abcdef',
      'gitea-token-0123456789',
      'line one\nline two\n',
      'exactly-this-value',
      'exactly-this-value',
      'short',
    ]);
    const redactor = createRedactor({ secretsDir: tmp.path });
    expect(redactor.size).toBe(4); // 'short' is under minLength, 'linked' a duplicate
    expect(redactor.unmaskable).toEqual(['short']);
    expect(redactor.redactString('a gitea-token-0123456789 b drone-token-abcdef\r\n c')).toBe(
      `a ${MASK} b ${MASK}\r\n c`,
    );
    expect(redactor.redactString('short and exactly-this-value')).toBe(`short and ${MASK}`);
  });

  it('treats a missing directory as no secrets', () => {
    const redactor = createRedactor({ secretsDir: join(tmp.path, 'does-not-exist') });
    expect(redactor.size).toBe(0);
    expect(redactor.redactString('nothing to hide')).toBe('nothing to hide');
  });

  it('fails with a clear error when the path is not a directory', () => {
    const file = join(tmp.path, 'a-file');
    writeFileSync(file, 'not-a-directory-but-a-secret');
    const error = (() => {
      try {
        createRedactor({ secretsDir: file });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretsDirError);
    expect(error).toBeInstanceOf(RedactError);
    expect(error).toMatchObject({ code: 'REDACT_SECRETS_DIR', path: file });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('ENOTDIR');
    expect((error as Error).message).not.toContain('not-a-directory-but-a-secret');
  });
});

describe('options', () => {
  it.each([
    [{ minLength: 3 }, /minLength must be an integer of at least 4, got 3/],
    [{ minLength: 8.5 }, /minLength .* got 8.5/],
    [{ mask: 7 }, /mask must be a string, got 7/],
    [{ idleFlushMs: -1 }, /idleFlushMs .* got -1/],
    // Node cuts a longer timer to 1 ms: held bytes would be flushed at once, not never.
    [{ idleFlushMs: 2 ** 31 }, /idleFlushMs must be .* from 0 to 2147483647, got 2147483648/],
    [{ idleFlushMs: Number.POSITIVE_INFINITY }, /idleFlushMs .* got Infinity/],
    [{ secretsDir: '' }, /secretsDir must be a directory path or false, got ""/],
    [
      { values: 'a-single-secret' },
      /values\[0\] must be a string or a Uint8Array, got string|values must be an iterable/,
    ],
    [{ values: [42] }, /values\[0\] must be a string or a Uint8Array, got number/],
  ])('rejects %o with a TypeError naming the option', (options, message) => {
    expect(() => createRedactor({ secretsDir: false, ...(options as object) })).toThrow(TypeError);
    expect(() => createRedactor({ secretsDir: false, ...(options as object) })).toThrow(message);
  });

  it('takes the longest idle flush a Node timer honours', () => {
    expect(createRedactor({ secretsDir: false, idleFlushMs: 2 ** 31 - 1 }).idleFlushMs).toBe(
      2 ** 31 - 1,
    );
  });

  it('never puts a secret into an option error', () => {
    const secret = { toString: () => 'do-not-print-me' };
    expect(() => createRedactor({ secretsDir: false, values: [secret as never] })).toThrow(
      /values\[0\] must be a string or a Uint8Array, got object/,
    );
  });

  it('ignores values shorter than minLength and honours a custom mask', () => {
    const redactor = createRedactor({ secretsDir: false, minLength: 12, mask: '***' });
    expect(redactor.add('eleven-char')).toBe(false);
    expect(redactor.add('twelve-chars')).toBe(true);
    expect(redactor.redactString('eleven-char twelve-chars')).toBe('eleven-char ***');
  });
});

describe('redactString and redactJson', () => {
  it('masks a value in every encoding inside a string', () => {
    fc.assert(
      fc.property(secretArb, fc.string({ maxLength: 4 }), (secret, before) => {
        const redactor = createRedactor({ secretsDir: false, values: [secret] });
        for (const enc of ['raw', 'json', 'url', 'form', 'base64', 'base64url'] as const) {
          const encoded = encode(secret, enc, before, 'tail');
          const out = redactor.redactString(`<${encoded}>`);
          expect(out).toContain(MASK);
          expect(out).not.toContain(enc === 'raw' ? secret : encoded);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('masks values deeply and sensitive fields by name, leaving the input untouched', () => {
    const redactor = createRedactor({ secretsDir: false, values: ['app-secret-value'] });
    const input = {
      summary: 'deployed with app-secret-value',
      steps: [{ log: ['ok', 'pw=app-secret-value'], took: 3, ok: true }],
      headers: { Authorization: 'Bearer abc', 'X-Gitea-Signature': 'f00', accept: 'json' },
      config: { GITEA_TOKEN: 'tok', accessToken: { nested: 'x' }, password: null, secret: false },
      'app-secret-value': 'as a key',
      when: new Date(0),
      flags: { no_secret_leak: true },
    };
    const copy = structuredClone(input);
    expect(redactor.redactJson(input)).toEqual({
      summary: `deployed with ${MASK}`,
      steps: [{ log: ['ok', `pw=${MASK}`], took: 3, ok: true }],
      headers: { Authorization: MASK, 'X-Gitea-Signature': MASK, accept: 'json' },
      config: { GITEA_TOKEN: MASK, accessToken: MASK, password: null, secret: false },
      [MASK]: 'as a key',
      when: '1970-01-01T00:00:00.000Z',
      flags: { no_secret_leak: true },
    });
    expect(input).toEqual(copy);
    expect(redactor.redactJson({ token: 'x' }, { fieldNames: [] })).toEqual({ token: 'x' });
  });
});

describe('adding values', () => {
  it('grows the matcher in place: an add rebuilds nothing', () => {
    const redactor = createRedactor({ secretsDir: false, values: ['first-value-000'] });
    const matcher = redactor.matcher();
    for (let i = 1; i <= 300; i++) {
      expect(redactor.add(`value-${i}-${(i * 7919).toString(36)}`)).toBe(true);
      // (Identity as a boolean: a failing toBe would print two matchers' tables.)
      expect(redactor.matcher() === matcher).toBe(true);
      expect(redactor.redactString(`x value-${i}-${(i * 7919).toString(36)} y`)).toBe(
        `x ${MASK} y`,
      );
    }
    // A removal builds a matcher without the value.
    expect(redactor.remove('first-value-000')).toBe(true);
    expect(redactor.matcher() === matcher).toBe(false);
    expect(redactor.redactString('first-value-000')).toBe('first-value-000');
  });
});

describe('redactJson keys', () => {
  it('keeps two keys that both held a secret apart, and a literal mask key too', () => {
    const redactor = createRedactor({
      secretsDir: false,
      values: ['first-secret-key', 'second-secret-key'],
    });
    const out = redactor.redactJson({
      'first-secret-key': 1,
      'second-secret-key': 2,
      [MASK]: 3,
      plain: 4,
    });
    expect(out).toEqual({ [MASK]: 1, [`${MASK} (2)`]: 2, [`${MASK} (3)`]: 3, plain: 4 });
  });

  it('copies a __proto__ key as a plain key, masked', () => {
    const redactor = createRedactor({ secretsDir: false, values: ['proto-secret-value'] });
    const input = JSON.parse('{"__proto__": {"x": "proto-secret-value"}, "y": 1}') as object;
    const out = redactor.redactJson(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'y']);
    expect(JSON.stringify(out)).toBe(`{"__proto__":{"x":"${MASK}"},"y":1}`);
  });
});

describe('scan', () => {
  it('reports where values occur, by kind and offset, never the value', () => {
    const secret = 'scan-me-please/42';
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(`xy${secret}`).toString('base64')}`;
    const leaks = redactor.scan(text);
    expect(leaks.map((l) => l.kind)).toEqual(['raw', 'url', 'base64']);
    expect(leaks[0]).toEqual({ kind: 'raw', offset: 2, length: secret.length });
    expect(JSON.stringify(leaks)).not.toContain(secret);
    expect(redactor.scan('nothing here')).toEqual([]);
  });

  it('scans a file larger than one read, across read boundaries', async () => {
    const secret = 'file-secret-0123456789';
    const redactor = createRedactor({ secretsDir: false, values: [secret] });
    // The default read size is 64 KiB: put secrets across the first boundaries.
    const offsets = [10, 65_536 - 5, 2 * 65_536 - 21, 3 * 65_536 - 1, 300_000];
    const body = Buffer.alloc(320_000, 'x');
    for (const o of offsets) body.write(secret, o);
    const file = join(tmp.path, 'artifact.log');
    writeFileSync(file, body);
    const leaks = await redactor.scanFile(file);
    expect(leaks.map((l) => l.offset)).toEqual(offsets);
    expect(leaks.every((l) => l.kind === 'raw' && l.length === secret.length)).toBe(true);
  });

  it('fails with ScanFileError for an unreadable file', async () => {
    const redactor = createRedactor({ secretsDir: false, values: ['irrelevant-value'] });
    const missing = join(tmp.path, 'missing.json');
    await expect(redactor.scanFile(missing)).rejects.toBeInstanceOf(ScanFileError);
    await expect(redactor.scanFile(missing)).rejects.toMatchObject({
      code: 'REDACT_SCAN_FILE',
      message: expect.stringContaining('ENOENT'),
    });
  });
});
