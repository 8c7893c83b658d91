import { once } from 'node:events';
import { Writable } from 'node:stream';
import {
  createRedactor,
  pinoRedactOptions,
  redactingDestination,
  sensitiveFieldPaths,
} from '@ccci/redact';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const MASK = '[REDACTED]';

function sink() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe('pino integration', () => {
  it('masks sensitive fields by name and known secrets by value', async () => {
    const redactor = createRedactor({ secretsDir: false, values: ['app-secret-value-42'] });
    const out = sink();
    const destination = redactingDestination(redactor, out.stream);
    const log = pino({ ...pinoRedactOptions(), base: null, timestamp: false }, destination);

    log.info(
      {
        req: {
          headers: {
            authorization: 'Bearer gitea-pat',
            'X-Gitea-Signature': 'sig',
            Cookie: 'session=abc',
            accept: 'application/json',
          },
        },
        token: 'top-level-token',
        PASSWORD: 'upper',
        deep: { a: { b: { c: { d: { clientSecret: 'very deep', note: 'keep me' } } } } },
        list: [{ apiKey: 'in-array' }],
        env: 'FOO=app-secret-value-42',
      },
      'deploying with "app-secret-value-42"',
    );
    destination.end();
    await once(out.stream, 'finish');

    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toEqual({
      level: 30,
      req: {
        headers: {
          authorization: MASK,
          'X-Gitea-Signature': MASK,
          Cookie: MASK,
          accept: 'application/json',
        },
      },
      token: MASK,
      PASSWORD: MASK,
      deep: { a: { b: { c: { d: { clientSecret: MASK, note: 'keep me' } } } } },
      list: [{ apiKey: MASK }],
      env: `FOO=${MASK}`,
      msg: `deploying with "${MASK}"`,
    });
    for (const leaked of [
      'gitea-pat',
      'sig"',
      'session=abc',
      'top-level-token',
      'upper',
      'very deep',
      'in-array',
      'app-secret-value-42',
    ]) {
      expect(out.text()).not.toContain(leaked);
    }
  });

  it('gives pino redact paths it accepts, for the usual spellings', () => {
    const paths = sensitiveFieldPaths();
    expect(paths).toEqual(
      expect.arrayContaining([
        'authorization',
        'Authorization',
        '*.token',
        '*.*["x-gitea-signature"]',
        '*.*["X-Gitea-Signature"]',
      ]),
    );
    // pino compiles the paths at construction and throws on a malformed one.
    const out = sink();
    const log = pino({ redact: { paths, censor: MASK }, base: null, timestamp: false }, out.stream);
    log.info({ req: { headers: { Authorization: 'Bearer x', 'x-gitea-signature': 'y' } } });
    expect(JSON.parse(out.text())).toEqual({
      level: 30,
      req: { headers: { Authorization: MASK, 'x-gitea-signature': MASK } },
    });
  });
});
