import { describe, expect, it } from 'vitest';
import { loadMeta } from './helpers.js';

/** One wrong value per key (line 2 of the file), with the expected-type and found text. */
const cases: { yaml: string; key: string; expected: string; found: string }[] = [
  {
    yaml: 'HEALTH_PATH: health',
    key: 'HEALTH_PATH',
    expected: 'path on the app: one leading /',
    found: '"health"',
  },
  {
    yaml: 'HEALTH_PATH: 200',
    key: 'HEALTH_PATH',
    expected: 'path on the app: one leading /',
    found: '200',
  },
  { yaml: 'HEALTH_OK: 200', key: 'HEALTH_OK', expected: 'a list of HTTP status', found: '200' },
  {
    yaml: 'HEALTH_OK: [200, 700]',
    key: 'HEALTH_OK[1]',
    expected: 'HTTP status (100–599)',
    found: '700',
  },
  {
    yaml: 'DEPLOY_TIMEOUT: "600"',
    key: 'DEPLOY_TIMEOUT',
    expected: 'whole seconds (1–7200)',
    found: '"600"',
  },
  { yaml: 'DEPLOY_TIMEOUT: 10m', key: 'DEPLOY_TIMEOUT', expected: 'whole seconds', found: '"10m"' },
  {
    yaml: 'DEPLOY_TIMEOUT: 0',
    key: 'DEPLOY_TIMEOUT',
    expected: 'whole seconds (1–7200)',
    found: '0',
  },
  {
    yaml: 'HTTP_TIMEOUT: 2.5',
    key: 'HTTP_TIMEOUT',
    expected: 'whole seconds (1–3600)',
    found: '2.5',
  },
  {
    yaml: 'UPGRADE_BASE_VERSION: 1.2.0',
    key: 'UPGRADE_BASE_VERSION',
    expected: 'recipe version (e.g. 1.2.0+3.4.5)',
    found: '"1.2.0"',
  },
  {
    yaml: 'UNTESTABLE_VERSIONS: [1.0.0+1]',
    key: 'UNTESTABLE_VERSIONS',
    expected: 'a map of recipe version → a reason',
    found: '["1.0.0+1"]',
  },
  {
    yaml: 'UNTESTABLE_VERSIONS: {"1.0.0+1": ""}',
    key: 'UNTESTABLE_VERSIONS.1.0.0+1',
    expected: 'a reason (text)',
    found: '""',
  },
  {
    yaml: 'EXTRA_ENV: {PORT: 8080}',
    key: 'EXTRA_ENV.PORT',
    expected: 'one-line string without single quotes (quote numbers: "8080")',
    found: '8080',
  },
  {
    yaml: 'EXTRA_ENV: ["A=1"]',
    key: 'EXTRA_ENV',
    expected:
      'a map of env var name but TYPE, RECIPE, DOMAIN, STACK_NAME, TIMEOUT (ccci sets those) → one-line string',
    found: '["A=1"]',
  },
  {
    yaml: 'UPGRADE_EXTRA_ENV: yes',
    key: 'UPGRADE_EXTRA_ENV',
    expected: 'a map of env var name',
    found: '"yes"',
  },
  {
    yaml: 'READY_PROBE: {tcp: 64738}',
    key: 'READY_PROBE',
    expected: 'a list of {tcp?: TCP port',
    found: '{"tcp":64738}',
  },
  {
    yaml: 'READY_PROBE: [{tcp: 99999}]',
    key: 'READY_PROBE[0].tcp',
    expected: 'TCP port (1–65535)',
    found: '99999',
  },
  {
    yaml: 'READY_PROBE: [{stable: 3}]',
    key: 'READY_PROBE[0]',
    expected: '{tcp?: TCP port',
    found: '{"stable":3}',
  },
  {
    yaml: 'BACKUP_CAPABLE: yes',
    key: 'BACKUP_CAPABLE',
    expected: 'true / false / auto',
    found: '"yes"',
  },
  {
    yaml: 'EXPECTED_NA: {lint: 3}',
    key: 'EXPECTED_NA.lint',
    expected: 'a reason (text)',
    found: '3',
  },
  {
    yaml: 'EXPECTED_NA: backup_restore',
    key: 'EXPECTED_NA',
    expected: 'a map of rung or check',
    found: '"backup_restore"',
  },
  { yaml: 'SCREENSHOT: "/admin"', key: 'SCREENSHOT', expected: 'true or false', found: '"/admin"' },
  { yaml: 'DEPS: keycloak', key: 'DEPS', expected: 'a list of recipe name', found: '"keycloak"' },
  {
    yaml: 'DEPS: [Keycloak]',
    key: 'DEPS[0]',
    expected: 'recipe name ([a-z0-9_-])',
    found: '"Keycloak"',
  },
  {
    yaml: 'WARM_CANONICAL: "true"',
    key: 'WARM_CANONICAL',
    expected: 'true or false',
    found: '"true"',
  },
  {
    yaml: 'COMPOSE_POLICY_EXCEPTIONS: [{service: app, rule: privileged}]',
    key: 'COMPOSE_POLICY_EXCEPTIONS[0]',
    expected: '{service: service name, rule:',
    found: '{"service":"app","rule":"privileged"}',
  },
  {
    yaml: 'COMPOSE_POLICY_EXCEPTIONS: [{service: app, rule: root, reason: needs it}]',
    key: 'COMPOSE_POLICY_EXCEPTIONS[0].rule',
    expected: 'privileged / host-network',
    found: '"root"',
  },
];

describe('wrong type: file, line, key, expected type, value found', () => {
  for (const c of cases) {
    it(`${c.yaml}`, () => {
      const r = loadMeta(`# header\n${c.yaml}\n`);
      expect(r.ok).toBe(false);
      const p = r.problems.find((x) => x.code === 'wrong_type');
      expect(p, JSON.stringify(r.problems)).toBeDefined();
      expect(p!.file).toMatch(/recipes\/r\/recipe_meta\.yml$/);
      expect(p!.line).toBe(2);
      expect(p!.key).toBe(c.key.split(/[.[]/)[0]);
      expect(p!.message).toContain(`${c.key}: expected ${c.expected}`);
      expect(p!.message).toContain(`found ${c.found}`);
      // The key keeps its default: a bad value never reaches a consumer.
      expect(r.set.map((s) => s.key)).not.toContain(p!.key);
    });
  }

  it('points at the line of a nested value, not the key', () => {
    const r = loadMeta('READY_PROBE:\n  - tcp: 64738\n    stable: 3\n  - tcp: 0\n');
    const p = r.problems[0]!;
    expect(p.line).toBe(4);
    expect(p.message).toContain('READY_PROBE[1].tcp: expected TCP port (1–65535), found 0');
  });

  it('suggests the field for a misspelt probe field', () => {
    const r = loadMeta('READY_PROBE:\n  - tpc: 64738\n');
    expect(r.problems.map((p) => p.message).join('\n')).toContain(
      'unknown field tpc — did you mean tcp?',
    );
  });

  it('suggests the rung for a misspelt EXPECTED_NA entry, at its line', () => {
    const r = loadMeta('EXPECTED_NA:\n  backup: no volumes\n');
    const p = r.problems[0]!;
    expect(p.line).toBe(2);
    expect(p.message).toContain('found "backup"');
    expect(p.message).toContain('did you mean backup_restore?');
  });

  it('install cannot be declared not applicable', () => {
    const r = loadMeta('EXPECTED_NA: {install: nope}\n');
    expect(r.problems[0]?.message).toContain(
      '(one of upgrade, backup_restore, functional, lint, http_health, data_continuity)',
    );
  });

  it('an empty value says so', () => {
    const r = loadMeta('HEALTH_PATH:\n');
    expect(r.problems[0]?.message).toContain('found nothing (an empty value)');
  });

  it('masks a secret-looking value in the message', () => {
    const r = loadMeta('EXTRA_ENV:\n  DB_PASSWORD: 12345678901\n');
    const p = r.problems[0]!;
    expect(p.message).toContain('EXTRA_ENV.DB_PASSWORD: expected one-line string');
    expect(p.message).not.toContain('12345678901');
    expect(p.message).toContain('found "***"');
  });

  it('collects every problem of a file, not just the first', () => {
    const r = loadMeta('HEALT_PATH: /x\nDEPLOY_TIMEOUT: soon\nTIMEOUT: 5\nSCREENSHOT: 3\n');
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ['unknown_key', 1],
      ['wrong_type', 2],
      ['removed_key', 3],
      ['wrong_type', 4],
    ]);
  });

  it('accepts every key with a good value and exposes it typed, defaults elsewhere', () => {
    const r = loadMeta(
      [
        'HEALTH_PATH: /status',
        'HEALTH_OK: [200, 204]',
        'DEPLOY_TIMEOUT: 900',
        'HTTP_TIMEOUT: 60',
        'UPGRADE_BASE_VERSION: 1.2.0+3.4.5',
        'UNTESTABLE_VERSIONS: {"0.9.0+1.0": image gone from the registry}',
        'EXTRA_ENV: {COMPOSE_FILE: "compose.yml:compose.smtp.yml"}',
        'UPGRADE_EXTRA_ENV: {MIGRATE: "1"}',
        'READY_PROBE: [{tcp: 5432, stable: 2}, {http: /ready, status: [204]}]',
        'BACKUP_CAPABLE: false',
        'EXPECTED_NA: {lint: upstream lint rule R014 is wrong for this recipe}',
        'SCREENSHOT: false',
        'DEPS: [keycloak]',
        'WARM_CANONICAL: true',
        'COMPOSE_POLICY_EXCEPTIONS: [{service: agent, rule: docker-socket, reason: it is a container monitor}]',
      ].join('\n'),
    );
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.meta.HEALTH_OK).toEqual([200, 204]);
    expect(r.meta.READY_PROBE[1]?.http).toBe('/ready');
    expect(r.meta.UPGRADE_BASE_VERSION).toBe('1.2.0+3.4.5');
    expect(Object.isFrozen(r.meta.EXTRA_ENV)).toBe(true);
  });

  it('gives every default for an empty file', () => {
    const r = loadMeta('# nothing yet\n');
    expect(r.ok).toBe(true);
    expect(r.meta).toMatchObject({
      HEALTH_PATH: '/',
      HEALTH_OK: [200, 301, 302],
      DEPLOY_TIMEOUT: 600,
      HTTP_TIMEOUT: 300,
      UPGRADE_BASE_VERSION: null,
      BACKUP_CAPABLE: 'auto',
      SCREENSHOT: true,
      WARM_CANONICAL: false,
    });
  });
});
