// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} interpolation syntax, not JS templates
// Routes a hostile recipe found past the policy (each case was accepted before the fix): swarm
// objects of other stacks taken by name, and time-zone binds left writable.
import { describe, expect, it } from 'vitest';
import { checkCompose, type Rule } from '../src/index.js';

const STACK = 'ghos-ab12_ci_example_org';
const env = { STACK_NAME: STACK, SECRET_DB_PASSWORD_VERSION: 'v1' };
const check = (text: string, extra: Partial<Parameters<typeof checkCompose>[0]> = {}) =>
  checkCompose({ files: [{ path: 'compose.yml', text }], env, ...extra });

/** The operator's wildcard TLS key: a traefik app secret, named as abra names it. */
const TLS_KEY = 'traefik_ci_example_org_ssl_key_v1';

/** Each case: compose text, expected rule, expected 1-based line, expected service field. */
const cases: [string, string, Rule, number, string][] = [
  [
    'external secret named after another stack',
    `services:\n  app:\n    secrets: [tlskey]\nsecrets:\n  tlskey:\n    external: true\n    name: ${TLS_KEY}\n`,
    'foreign-object',
    7,
    'secrets.tlskey',
  ],
  [
    'external secret whose key is the name',
    `services:\n  app:\n    secrets: [${TLS_KEY}]\nsecrets:\n  ${TLS_KEY}:\n    external: true\n`,
    'foreign-object',
    6,
    `secrets.${TLS_KEY}`,
  ],
  [
    'external secret, deprecated external.name',
    `services:\n  app:\n    secrets: [tlskey]\nsecrets:\n  tlskey:\n    external:\n      name: ${TLS_KEY}\n`,
    'foreign-object',
    7,
    'secrets.tlskey',
  ],
  [
    'external secret through a variable (external: "yes", unbraced default)',
    `services:\n  app:\n    secrets: [tlskey]\nsecrets:\n  tlskey:\n    external: \${E:-yes}\n    name: $X:-${TLS_KEY}\n`,
    'foreign-object',
    7,
    'secrets.tlskey',
  ],
  [
    'external config of another stack',
    'services:\n  app:\n    configs: [conf]\nconfigs:\n  conf:\n    external: true\n    name: traefik_ci_example_org_traefik_yml_v1\n',
    'foreign-object',
    7,
    'configs.conf',
  ],
  [
    'external volume of another stack',
    'services:\n  app:\n    volumes: [certs:/certs]\nvolumes:\n  certs:\n    external: true\n    name: traefik_ci_example_org_letsencrypt\n',
    'foreign-object',
    7,
    'volumes.certs',
  ],
  [
    'plain named volume reusing another run’s volume',
    'services:\n  app:\n    volumes: [dbdata:/var/lib/postgresql/data]\nvolumes:\n  dbdata:\n    name: keyc-zz99_ci_example_org_postgres\n',
    'foreign-object',
    6,
    'volumes.dbdata',
  ],
  [
    'writable bind of the host time zone (short syntax)',
    'services:\n  app:\n    volumes:\n      - /etc/localtime:/etc/localtime\n',
    'host-bind',
    4,
    'app',
  ],
  [
    'writable bind of the host time zone (ro then rw)',
    'services:\n  app:\n    volumes: ["/usr/share/zoneinfo:/z:ro,rw"]\n',
    'host-bind',
    3,
    'app',
  ],
  [
    'writable bind of the host time zone (long syntax)',
    'services:\n  app:\n    volumes:\n      - type: bind\n        source: /usr/share/zoneinfo\n        target: /z\n        read_only: false\n',
    'host-bind',
    5,
    'app',
  ],
];

describe('hostile review: routes the policy let through', () => {
  it.each(cases)('%s', (_name, text, rule, line, service) => {
    const report = check(text);
    expect(report.ok).toBe(false);
    const v = report.violations.find((x) => x.rule === rule);
    expect(v, JSON.stringify(report.violations)).toBeDefined();
    expect(v).toMatchObject({ file: 'compose.yml', line, service });
    expect(v?.message).toContain(`compose.yml:${line}:`);
    expect(v?.hint).toMatch(/COMPOSE_POLICY_EXCEPTIONS/);
  });

  it('names the object, the stack and the rule in the message', () => {
    const [v] = check(`secrets:\n  tlskey:\n    external: true\n    name: ${TLS_KEY}\n`).violations;
    expect(v?.message).toBe(
      `compose.yml:4: secrets.tlskey names the swarm secret "${TLS_KEY}", which is not this app's (its names start with "${STACK}_"): another app's secret would be handed over`,
    );
  });

  it('judges a name an overlay sets on its own', () => {
    const report = checkCompose({
      env,
      files: [
        {
          path: 'compose.yml',
          text: 'services:\n  app:\n    secrets: [tlskey]\nsecrets:\n  tlskey:\n    external: true\n    name: ${STACK_NAME}_tlskey_v1\n',
        },
        { path: 'compose.x.yml', text: `secrets:\n  tlskey:\n    name: ${TLS_KEY}\n` },
      ],
    });
    expect(report.violations.map((v) => [v.file, v.line, v.rule])).toEqual([
      ['compose.x.yml', 3, 'foreign-object'],
    ]);
  });

  it("accepts the stack's own names (abra's convention), unnamed and non-external objects", () => {
    const text = `services:
  app:
    image: x
    secrets: [db_password, smtp_password]
    configs: [conf]
    volumes:
      - data:/data
      - /etc/localtime:/etc/localtime:ro
      - type: bind
        source: /etc/timezone
        target: /etc/timezone
        read_only: true
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
  smtp_password:
    external: true
    name: \${STACK_NAME}_smtp_password_\${SECRET_SMTP_PASSWORD_VERSION}
configs:
  conf:
    name: \${STACK_NAME}_conf_v2
    file: conf.tmpl
  plain:
    file: plain.conf
volumes:
  data:
  other:
    external: false
  named:
    name: \${STACK_NAME}_named
`;
    // SECRET_SMTP_PASSWORD_VERSION has no value: the stack prefix is what is judged.
    expect(check(text).violations).toEqual([]);
  });

  it('judges names in the rendered files when the env names the stack', () => {
    const text = `services:\n  app:\n    image: x\nsecrets:\n  own:\n    name: ${STACK}_own_v1\n    external: true\n  tlskey:\n    name: ${TLS_KEY}\n    external: true\n`;
    const r = checkCompose({ files: [{ path: 'merged', text }], interpolated: true, env });
    expect(r.violations.map((v) => [v.service, v.rule, v.line])).toEqual([
      ['secrets.tlskey', 'foreign-object', 9],
    ]);
  });

  it('without a stack name in the env, names are not judged', () => {
    const text = `secrets:\n  tlskey:\n    external: true\n    name: ${TLS_KEY}\n`;
    expect(checkCompose({ files: [{ path: 'compose.yml', text }] }).ok).toBe(true);
  });

  it('an exception allows the rule for that object', () => {
    const text = `volumes:\n  certs:\n    external: true\n    name: traefik_ci_example_org_letsencrypt\n`;
    const r = check(text, {
      exceptions: [{ service: 'volumes.certs', rule: 'foreign-object', reason: 'reads the certs' }],
    });
    expect(r.ok).toBe(true);
    expect(r.excepted.map((e) => e.service)).toEqual(['volumes.certs']);
  });

  it("an external network of another app is refused; the shared proxy and the app's own pass", () => {
    const text = `services:
  app:
    image: x
    networks: [proxy, internal, own, theirs, legacy]
networks:
  proxy:
    external: true
  internal:
  own:
    external: true
    name: \${STACK_NAME}_backend
  theirs:
    external: true
    name: keyc-zz99_ci_example_org_internal
  legacy:
    external:
      name: traefik_ci_example_org_default
  created:
    name: keyc-zz99_ci_example_org_created
`;
    expect(check(text).violations.map((v) => [v.service, v.rule, v.line])).toEqual([
      ['networks.theirs', 'foreign-object', 14],
      ['networks.legacy', 'foreign-object', 17],
    ]);
    // In Docker's rendering an external network always carries its name.
    const rendered =
      'networks:\n  proxy:\n    name: proxy\n    external: true\n  theirs:\n    name: keyc-zz99_ci_example_org_internal\n    external: true\n';
    const r = checkCompose({
      files: [{ path: 'merged', text: rendered }],
      interpolated: true,
      env,
    });
    expect(r.violations.map((v) => [v.service, v.line])).toEqual([['networks.theirs', 6]]);
    expect(r.violations[0]?.message).toMatch(
      /network "keyc-zz99_ci_example_org_internal".*shared: proxy/,
    );
  });

  it('a time-zone bind through driver_opts must be read-only too', () => {
    const vol = (o: string) =>
      `services:\n  app:\n    volumes: [tz:/tz]\nvolumes:\n  tz:\n    driver_opts:\n      type: none\n      o: ${o}\n      device: /usr/share/zoneinfo\n`;
    expect(check(vol('bind')).violations.map((v) => [v.rule, v.line])).toEqual([['host-bind', 9]]);
    expect(check(vol('bind,ro')).ok).toBe(true);
  });

  it('reads an unbraced default as Docker does, in the file and in its rendering', () => {
    // Docker's loader reads `$X:-default` without braces as a default (here: the socket).
    const text = 'services:\n  app:\n    volumes:\n      - $X:-/var/run/docker.sock:/s\n';
    expect(check(text, { env: { ...env, X: '' } }).violations.map((v) => v.rule)).toEqual([
      'docker-socket',
    ]);
    // What `docker stack config` renders from it (captured).
    const rendered =
      'version: "3.8"\nservices:\n  app:\n    image: alpine\n    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n        target: /s\n';
    const r = checkCompose({ files: [{ path: 'merged', text: rendered }], interpolated: true });
    expect(r.violations.map((v) => [v.rule, v.line])).toEqual([['docker-socket', 7]]);
  });
});
