import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unsetEnvValues } from '@ccci/abra';
import { afterEach, describe, expect, it } from 'vitest';
import { declaredSecrets } from '../src/app-secrets.js';
import { envName, readWarmCredentials, warmCredentialsDir } from '../src/credentials.js';

const made: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccci-wiring-'));
  made.push(d);
  return d;
};
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('declared compose secrets', () => {
  it('reads the files COMPOSE_FILE selects (default compose.yml)', () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'compose.yml'),
      'services: {}\nsecrets:\n  db_password: {external: true}\n',
    );
    writeFileSync(join(dir, 'compose.oidc.yml'), 'secrets:\n  oidc_client_secret:\n');
    writeFileSync(join(dir, 'compose.smtp.yml'), 'secrets:\n  smtp_password:\n');
    expect(declaredSecrets(dir, {})).toEqual(['db_password']);
    expect(
      declaredSecrets(dir, { COMPOSE_FILE: 'compose.yml:compose.oidc.yml:missing.yml' }),
    ).toEqual(['db_password', 'oidc_client_secret']);
  });
});

describe('dependency credentials', () => {
  it('names variables like the docs say', () => {
    expect(envName('lasuite-docs')).toBe('LASUITE_DOCS');
    expect(envName('admin.password')).toBe('ADMIN_PASSWORD');
  });

  it("reads a warm instance's record: one file per secret; none when there is no record", () => {
    const abra = temp();
    const dir = warmCredentialsDir(abra, 'keycloak-warm.ci.localhost');
    expect(dir).toBe(join(abra, 'ccci-warm', 'keycloak-warm.ci.localhost'));
    expect(readWarmCredentials(dir)).toBeUndefined();
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'admin_password'), 's3cret-value\n');
    writeFileSync(join(dir, '.hidden'), 'x');
    expect(readWarmCredentials(dir)).toEqual({ admin_password: 's3cret-value' });
  });
});

describe('env file keys only previous/ set', () => {
  it('are removed again; commented-out lines stay', () => {
    const f = join(temp(), 'a.env');
    writeFileSync(f, 'TYPE=web\n#BASE_VALUE=sample\nBASE_VALUE=b1\nCOMPOSE_FILE=x\n');
    unsetEnvValues(f, ['BASE_VALUE', 'COMPOSE_FILE']);
    expect(readFileSync(f, 'utf8')).toBe('TYPE=web\n#BASE_VALUE=sample\n');
  });
});
