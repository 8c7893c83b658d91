import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRedactor } from '@ccci/redact';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import {
  maskSecret,
  recordDepCredentials,
  unmaskableSecrets,
  warnUnmaskable,
} from '../src/credentials.js';
import { createRunLog } from '../src/support/log.js';
import { Progress } from '../src/support/progress.js';

// A secret shorter than the redactor's minimum cannot be masked. The run must say so — in
// its log and in what it hands the results — by the secret's name, never its value.

const tmp = tempDirPerTest('ccci-credentials-');

/** A real run log (file and progress lines) over `redactor`. */
function runLog(redactor: ReturnType<typeof createRedactor>) {
  let progress = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      progress += chunk.toString();
      callback();
    },
  });
  const log = createRunLog(join(tmp.path, 'artifacts', 'run.log'), redactor, new Progress(out));
  return {
    run: { redactor, log },
    progress: () => progress,
    file: async () => {
      await log.close();
      return readFileSync(log.file, 'utf8');
    },
  };
}

describe('secrets too short to mask', () => {
  it("are named in the run log and listed for the results when a dep's credentials are recorded", async () => {
    const redactor = createRedactor({ secretsDir: false });
    const { run, progress, file } = runLog(redactor);
    recordDepCredentials(run, 'mariadb', {
      db_password: 'pw12',
      db_root_password: 'long-enough-root-password',
      empty: '',
    });
    // The same again (a second dep use): named once.
    recordDepCredentials(run, 'mariadb', { db_password: 'pw12' });
    expect(unmaskableSecrets(run)).toEqual(['mariadb/db_password']);
    expect(progress()).toMatch(/warning: secret mariadb\/db_password is shorter than 8 bytes/);
    expect(progress().match(/mariadb\/db_password/g)).toHaveLength(1);
    const log = await file();
    const warnings = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; unmaskable?: string })
      .filter((entry) => entry.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining('secret mariadb/db_password is shorter than 8 bytes'),
        unmaskable: 'mariadb/db_password',
      }),
    ]);
    expect(log + progress()).not.toContain('pw12');
    expect(redactor.redactString('long-enough-root-password')).toBe('[REDACTED]');
  });

  it('are named for secrets read before the log existed, and for single secrets', async () => {
    const secrets = join(tmp.path, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'forge_token'), 'tok9\n');
    const redactor = createRedactor({ secretsDir: secrets });
    const { run, progress, file } = runLog(redactor);
    warnUnmaskable(run);
    expect(maskSecret(run, 'app/admin_pin', 'Zz9&')).toBe(false);
    expect(maskSecret(run, 'app/db_password', 'long-enough-password')).toBe(true);
    warnUnmaskable(run);
    expect(unmaskableSecrets(run)).toEqual(['forge_token', 'app/admin_pin']);
    expect(progress().match(/warning: secret \S+ is shorter/g)).toEqual([
      'warning: secret forge_token is shorter',
      'warning: secret app/admin_pin is shorter',
    ]);
    expect(`${await file()}${progress()}`).not.toMatch(/tok9|Zz9&/);
  });
});

describe('child output in the run log', () => {
  it('a multi-line secret printed by a child is masked before the output is cut into lines', async () => {
    const redactor = createRedactor({ secretsDir: false });
    const key =
      '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END KEY-----';
    redactor.add(key, { name: 'app/key' });
    const { run, file } = runLog(redactor);
    run.log.output('abra app logs', `before\n${key}\nafter\n`);
    const text = await file();
    expect(text).toContain('before');
    expect(text).not.toContain('MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu');
  });
});
