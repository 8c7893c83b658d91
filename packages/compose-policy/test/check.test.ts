// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} interpolation syntax, not JS templates
import { describe, expect, it } from 'vitest';
import { checkCompose, type Rule } from '../src/index.js';

const check = (text: string, extra: Partial<Parameters<typeof checkCompose>[0]> = {}) =>
  checkCompose({ files: [{ path: 'compose.yml', text }], ...extra });

/** Each case: compose text, expected rule, expected 1-based line. */
const cases: [string, string, Rule, number][] = [
  ['privileged', 'services:\n  app:\n    image: x\n    privileged: true\n', 'privileged', 4],
  ['network_mode host', 'services:\n  app:\n    network_mode: host\n', 'host-network', 3],
  ['pid host', 'services:\n  app:\n    image: x\n    pid: host\n', 'host-pid', 4],
  ['ipc host', 'services:\n  app:\n    ipc: "host"\n', 'host-ipc', 3],
  ['userns_mode host', 'services:\n  app:\n    userns_mode: host\n', 'host-userns', 3],
  ['uts host', 'services:\n  app:\n    uts: host\n', 'host-uts', 3],
  [
    'swarm host network',
    'services:\n  app:\n    networks:\n      - hostnet\nnetworks:\n  hostnet:\n    external: true\n    name: host\n',
    'host-network',
    4,
  ],
  [
    'socket short syntax',
    'services:\n  app:\n    volumes:\n      - data:/data\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
    'docker-socket',
    5,
  ],
  [
    'socket /run short',
    'services:\n  app:\n    volumes: ["/run/docker.sock:/s"]\n',
    'docker-socket',
    3,
  ],
  [
    'socket long syntax',
    'services:\n  app:\n    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n        target: /s\n',
    'docker-socket',
    5,
  ],
  [
    'socket via parent dir',
    'services:\n  app:\n    volumes:\n      - /var/run:/host-run\n',
    'docker-socket',
    4,
  ],
  [
    'socket via dot-dot',
    'services:\n  app:\n    volumes:\n      - /etc/localtime/../../run/docker.sock:/s\n',
    'docker-socket',
    4,
  ],
  ['host bind short', 'services:\n  app:\n    volumes:\n      - /etc:/host-etc\n', 'host-bind', 4],
  [
    'relative bind short',
    'services:\n  app:\n    volumes:\n      - ./data:/data\n',
    'host-bind',
    4,
  ],
  ['home bind short', 'services:\n  app:\n    volumes:\n      - ~/x:/data\n', 'host-bind', 4],
  [
    'host bind long',
    'services:\n  app:\n    volumes:\n      - type: bind\n        target: /h\n        source: /home\n',
    'host-bind',
    6,
  ],
  [
    'bind via volume driver_opts',
    'services:\n  app:\n    volumes: [d:/d]\nvolumes:\n  d:\n    driver: local\n    driver_opts:\n      type: none\n      o: bind\n      device: /srv\n',
    'host-bind',
    10,
  ],
  ['cap_add', 'services:\n  app:\n    cap_add:\n      - CHOWN\n      - SYS_ADMIN\n', 'cap-add', 5],
  ['cap_add flow + CAP_ prefix', 'services:\n  app:\n    cap_add: [CAP_NET_ADMIN]\n', 'cap-add', 3],
  ['devices short', 'services:\n  app:\n    devices:\n      - /dev/kvm:/dev/kvm\n', 'devices', 4],
  [
    'devices long',
    'services:\n  app:\n    devices:\n      - source: /dev/fuse\n        target: /dev/fuse\n',
    'devices',
    4,
  ],
  [
    'security_opt unconfined',
    'services:\n  app:\n    security_opt:\n      - seccomp:unconfined\n',
    'security-opt',
    4,
  ],
  [
    'apparmor unconfined',
    'services:\n  app:\n    security_opt: ["apparmor=unconfined"]\n',
    'security-opt',
    3,
  ],
  [
    'host config file',
    'services:\n  app:\n    image: x\nconfigs:\n  c:\n    file: /etc/shadow\n',
    'host-file',
    6,
  ],
  ['config escaping recipe', 'configs:\n  c:\n    file: ../../x\n', 'host-file', 3],
  [
    'privileged through a merge key',
    'x-base: &base\n  privileged: true\nservices:\n  app:\n    <<: *base\n    image: x\n',
    'privileged',
    2,
  ],
  [
    'unresolved variable',
    'services:\n  app:\n    network_mode: ${NET}\n',
    'unresolved-variable',
    3,
  ],
];

describe('checkCompose rules', () => {
  it.each(cases)('%s', (_name, text, rule, line) => {
    const report = check(text);
    expect(report.ok).toBe(false);
    const v = report.violations.find((x) => x.rule === rule);
    expect(v, JSON.stringify(report.violations)).toBeDefined();
    expect(v?.line).toBe(line);
    expect(v?.file).toBe('compose.yml');
    expect(v?.message).toContain(`compose.yml:${line}:`);
    expect(v?.hint).toMatch(/COMPOSE_POLICY_EXCEPTIONS/);
  });

  it('names the service in the message', () => {
    const [v] = check('services:\n  web:\n    privileged: true\n').violations;
    expect(v?.service).toBe('web');
    expect(v?.message).toBe(
      'compose.yml:3: service "web" sets privileged: true, which hands the container the host',
    );
  });

  it('accepts an ordinary swarm recipe', () => {
    const text = `version: "3.8"
services:
  app:
    image: nginx:1.25
    networks: [proxy, internal]
    volumes:
      - content:/usr/share/nginx/html
      - type: volume
        source: other
        target: /other
      - /etc/localtime:/etc/localtime:ro
      - /cache
    cap_add: [CHOWN, SETUID]
    security_opt: [no-new-privileges:true]
    configs:
      - source: conf
        target: /etc/nginx/conf.d/default.conf
    deploy:
      labels: ["traefik.enable=true"]
networks:
  proxy:
    external: true
  internal:
volumes:
  content:
  other:
configs:
  conf:
    name: \${STACK_NAME}_conf_\${CONF_VERSION}
    file: nginx.conf.tmpl
`;
    const report = check(text, { env: { STACK_NAME: 's', CONF_VERSION: 'v1' } });
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('resolves variables from env before judging', () => {
    expect(check('services:\n  app:\n    pid: ${P:-host}\n').violations[0]?.rule).toBe('host-pid');
    expect(check('services:\n  app:\n    pid: ${P}\n', { env: { P: 'container:x' } }).ok).toBe(
      true,
    );
    expect(
      check('services:\n  app:\n    volumes: ["${SOCK}:/s"]\n', {
        env: { SOCK: '/run/docker.sock' },
      }).violations[0]?.rule,
    ).toBe('docker-socket');
  });

  it('honours allowedBindPrefixes on whole path segments', () => {
    const text = 'services:\n  app:\n    volumes: ["/srv/media:/m:ro", "/srv/mediaX:/n:ro"]\n';
    const report = check(text, { allowedBindPrefixes: ['/srv/media/'] });
    expect(report.violations.map((v) => v.message)).toEqual([
      expect.stringContaining('"/srv/mediaX"'),
    ]);
  });

  it('never lets an allowlist open the Docker socket', () => {
    const text = 'services:\n  app:\n    volumes: ["/var/run/docker.sock:/s"]\n';
    expect(check(text, { allowedBindPrefixes: ['/var/run'] }).violations[0]?.rule).toBe(
      'docker-socket',
    );
  });

  it('honours allowedCapabilities', () => {
    const text = 'services:\n  app:\n    cap_add: [NET_ADMIN]\n';
    expect(check(text, { allowedCapabilities: ['CAP_NET_ADMIN'] }).ok).toBe(true);
  });

  it('reports each violation once per location, in line order', () => {
    const text =
      'services:\n  a:\n    privileged: true\n  b:\n    pid: host\n    volumes: ["/:/host"]\n';
    expect(check(text).violations.map((v) => [v.service, v.rule, v.line])).toEqual([
      ['a', 'privileged', 3],
      ['b', 'host-pid', 5],
      ['b', 'docker-socket', 6],
    ]);
  });
});

describe('overlays', () => {
  it('checks every file and names the overlay in the message', () => {
    const report = checkCompose({
      files: [
        { path: 'compose.yml', text: 'services:\n  app:\n    image: x\n' },
        {
          path: 'compose.ccci.yml',
          text: '# CI: longer start period\nservices:\n  app:\n    volumes:\n      - /var/run/docker.sock:/s\n',
        },
      ],
    });
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({
      file: 'compose.ccci.yml',
      line: 5,
      rule: 'docker-socket',
    });
    expect(report.violations[0]?.message).toMatch(/^compose\.ccci\.yml:5: service "app"/);
  });

  it('does not let an overlay switch a base violation off', () => {
    const report = checkCompose({
      files: [
        { path: 'compose.yml', text: 'services:\n  app:\n    privileged: true\n' },
        { path: 'compose.x.yml', text: 'services:\n  app:\n    privileged: false\n' },
      ],
    });
    expect(report.violations.map((v) => v.file)).toEqual(['compose.yml']);
  });
});

describe('exceptions', () => {
  const text = 'services:\n  app:\n    cap_add: [NET_ADMIN]\n  db:\n    cap_add: [NET_ADMIN]\n';

  it('allows exactly the named rule for the named service and reports its reason', () => {
    const report = check(text, {
      exceptions: [
        { service: 'app', rule: 'cap-add', reason: 'VPN needs NET_ADMIN' },
        { service: 'app', rule: 'privileged', reason: 'stale' },
      ],
    });
    expect(report.violations.map((v) => v.service)).toEqual(['db']);
    expect(report.excepted).toEqual([
      expect.objectContaining({ service: 'app', rule: 'cap-add', reason: 'VPN needs NET_ADMIN' }),
    ]);
    expect(report.unusedExceptions).toEqual([
      { service: 'app', rule: 'privileged', reason: 'stale' },
    ]);
  });

  it('refuses an exception with an unknown rule or no reason', () => {
    expect(() =>
      check(text, { exceptions: [{ service: 'app', rule: 'priviliged', reason: 'x' }] }),
    ).toThrow(/exceptions\[0\]\.rule.*"priviliged".*expected one of/);
    expect(() =>
      check(text, { exceptions: [{ service: 'app', rule: 'cap-add', reason: ' ' }] }),
    ).toThrow(TypeError);
  });
});

describe('bad input', () => {
  it('refuses unparseable YAML with its line', () => {
    const report = check('services:\n  app:\n    image: [x\n');
    expect(report.ok).toBe(false);
    expect(report.violations[0]).toMatchObject({ rule: 'unparseable', file: 'compose.yml' });
    expect(report.violations[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('refuses a scalar document', () => {
    expect(check('just text').violations[0]?.rule).toBe('unparseable');
  });

  it('accepts an empty file', () => {
    expect(check('').ok).toBe(true);
  });

  it('throws TypeError naming the option for bad options', () => {
    // @ts-expect-error deliberate bad input
    expect(() => checkCompose({ files: 'compose.yml' })).toThrow(/option "files"/);
    expect(() => checkCompose({ files: [], allowedBindPrefixes: ['srv'] })).toThrow(
      /allowedBindPrefixes.*absolute/,
    );
  });
});

describe('files read from the host', () => {
  it('refuses env_file outside the recipe, in every form', () => {
    for (const v of [
      '/etc/os-release',
      '[../x.env]',
      '[{path: /etc/passwd, required: false}]',
      '~/.env',
    ]) {
      const r = check(`services:\n  app:\n    image: x\n    env_file: ${v}\n`);
      expect(
        r.violations.map((x) => [x.rule, x.line]),
        v,
      ).toEqual([['host-file', 4]]);
      expect(r.violations[0]?.message).toMatch(/env_file reads/);
    }
    expect(check('services:\n  app:\n    env_file: [app.env, {path: ./b.env}]\n').ok).toBe(true);
  });

  it('refuses env_file through a variable the env points outside', () => {
    const r = check('services:\n  app:\n    env_file: ${F:-app.env}\n', {
      env: { F: '/etc/shadow' },
    });
    expect(r.violations.map((v) => v.rule)).toEqual(['host-file']);
  });

  it('refuses include and extends before Docker does', () => {
    const inc = check('include:\n  - /srv/other/compose.yml\nservices:\n  app:\n    image: x\n');
    expect(inc.violations.map((v) => [v.rule, v.line, v.service])).toEqual([
      ['host-file', 2, 'top-level.include'],
    ]);
    const ext = check(
      'services:\n  app:\n    image: x\n    extends:\n      file: /etc/x.yml\n      service: a\n',
    );
    expect(ext.violations.map((v) => [v.rule, v.line])).toEqual([['host-file', 5]]);
  });

  it('rendered files: absolute paths under the recipe root are inside, $ is literal', () => {
    const text =
      'services:\n  app:\n    image: x\n    env_file: [/r/recipe/app.env]\n    command: echo ${HOME}\nconfigs:\n  c:\n    file: /r/recipe/c.conf\n  d:\n    file: /r/recipe-evil/d\n';
    const r = checkCompose({
      files: [{ path: 'merged', text }],
      interpolated: true,
      recipeRoot: '/r/recipe',
    });
    expect(r.violations.map((v) => [v.service, v.rule])).toEqual([['configs.d', 'host-file']]);
    expect(() => checkCompose({ files: [], recipeRoot: 'rel' })).toThrow(/recipeRoot/);
  });
});
