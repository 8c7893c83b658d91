// Parse every .nix file and evaluate the module for the example and test hosts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { here, nixFiles, rel, which } from './common.mjs';

/** An environment variable of the person running the check (not a build input). */
const envVar = (name) => Object.entries(process.env).find(([k]) => k === name)?.[1];

function nixLib() {
  const fromEnv = envVar('NIXPKGS_LIB');
  if (fromEnv) return fromEnv;
  const r = spawnSync('nix-instantiate', ['--find-file', 'nixpkgs/lib'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function evalHost(lib, host) {
  const out = execFileSync(
    'nix-instantiate',
    [
      '--eval',
      '--strict',
      '--json',
      join(here, 'test', 'eval.nix'),
      '--arg',
      'lib',
      `import ${lib}`,
      '--arg',
      'host',
      host,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return JSON.parse(out);
}

export function nixChecks(report) {
  if (!which('nix-instantiate')) {
    report.skip('Nix parse and evaluation: nix-instantiate is not on PATH');
    return;
  }
  for (const file of nixFiles(here)) {
    const r = spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' });
    const err = r.stderr
      .split('\n')
      .filter((l) => l.trim() && !/warning: the group 'nixbld'/.test(l))
      .join(' ');
    report.check(r.status === 0, `${rel(file)}: nix-instantiate --parse failed: ${err}`);
  }
  const lib = nixLib();
  if (!lib || !existsSync(join(lib, 'default.nix'))) {
    report.skip(
      "module evaluation: nixpkgs' lib not found (set NIXPKGS_LIB=/path/to/nixpkgs/lib, e.g. a checkout of nix-community/nixpkgs.lib)",
    );
    return;
  }

  const example = evalHost(lib, join(here, 'example-host.nix'));
  report.check(
    example.failedAssertions.length === 0,
    `example-host.nix: assertions fail: ${example.failedAssertions.join(' | ')}`,
  );
  report.check(
    example.warnings.length === 0,
    `example-host.nix: warnings: ${example.warnings.join(' | ')}`,
  );
  const bot = example.services['ccci-trigger-bot'];
  const runner = example.services['ccci-drone-runner'];
  report.check(
    bot?.serviceConfig.User === 'ccci-bot',
    'example: the bot runs as ccci-bot with Drone',
  );
  report.check(
    !bot?.serviceConfig.SupplementaryGroups?.includes('docker'),
    'example: with Drone the bot must not be in the docker group',
  );
  report.check(bot?.environment.EXECUTOR === 'drone', 'example: EXECUTOR=drone');
  report.check(
    bot?.environment.DRONE_REPO === 'ccci/pipeline' && bot?.environment.DRONE_BRANCH === 'main',
    `example: DRONE_REPO=ccci/pipeline, DRONE_BRANCH=main, found ${bot?.environment.DRONE_REPO} and ${bot?.environment.DRONE_BRANCH}`,
  );
  report.check(
    bot?.environment.LATE_REPORT_HOURS === '24',
    `example: LATE_REPORT_HOURS=24 by default, found ${bot?.environment.LATE_REPORT_HOURS}`,
  );
  report.check(
    bot?.environment.SCHEDULE_EVERY_HOURS === '24' &&
      bot?.environment.SCHEDULE_MAX_ACTIVE === '1' &&
      bot?.environment.DIGEST_EVERY_HOURS === '24' &&
      bot?.environment.DIGEST_OUTDATED_DAYS === '7',
    `example: SCHEDULE_EVERY_HOURS=24, SCHEDULE_MAX_ACTIVE=1, DIGEST_EVERY_HOURS=24, DIGEST_OUTDATED_DAYS=7, found ${bot?.environment.SCHEDULE_EVERY_HOURS}, ${bot?.environment.SCHEDULE_MAX_ACTIVE}, ${bot?.environment.DIGEST_EVERY_HOURS}, ${bot?.environment.DIGEST_OUTDATED_DAYS}`,
  );
  report.check(
    bot?.environment.MATRIX_ROOM_ID === '!ccciDigestRoom:example.org' &&
      bot?.environment.MATRIX_ACCESS_TOKEN_FILE === '%d/matrix-access-token' &&
      bot?.serviceConfig.LoadCredential.some((c) =>
        c.startsWith('matrix-access-token:/run/secrets/'),
      ) &&
      bot?.environment.DIGEST_WEBHOOK_URL_FILE === undefined,
    'example: the Matrix digest target with its token as a credential; no webhook',
  );
  report.check(
    runner?.environment.DRONE_LIMIT_REPOS === 'ccci/pipeline',
    `example: the runner runs only the pipeline repository, found DRONE_LIMIT_REPOS=${runner?.environment.DRONE_LIMIT_REPOS}`,
  );
  report.check(
    runner?.environment.DRONE_RUNNER_CAPACITY === '4' && bot?.environment.MAX_TESTS === '4',
    `example: maxTests = 4 must be DRONE_RUNNER_CAPACITY and MAX_TESTS, found ${runner?.environment.DRONE_RUNNER_CAPACITY} and ${bot?.environment.MAX_TESTS}`,
  );
  report.check(
    runner?.environment.DRONE_LIMIT_EVENTS === 'custom',
    'example: runner limited to custom builds',
  );
  report.check(
    runner?.environment.DRONE_UI_DISABLE === 'true' &&
      runner?.environment.DRONE_SERVER_PORT?.startsWith('127.0.0.1:'),
    "example: the runner's admin/admin web page is off and on loopback",
  );
  for (const [name, svc] of Object.entries(example.services)) {
    for (const [k, v] of Object.entries(svc.environment ?? {})) {
      if (/_FILE$/.test(k))
        report.check(
          v.startsWith('%d/'),
          `${name}: ${k} must point into the credentials dir (%d/), found ${v}`,
        );
      report.check(
        !/(TOKEN|SECRET|PASSWORD|KEY)$/.test(k),
        `${name}: ${k} carries a secret value in the unit`,
      );
    }
    for (const cred of svc.serviceConfig?.LoadCredential ?? []) {
      report.check(
        /^[a-z-]+:\/run\/secrets\//.test(cred),
        `${name}: credential ${cred} is not a /run/secrets file`,
      );
    }
    report.check(
      svc.serviceConfig?.ProtectSystem === 'strict' && svc.serviceConfig?.NoNewPrivileges === true,
      `${name}: ProtectSystem=strict and NoNewPrivileges expected`,
    );
  }
  report.check(
    bot?.serviceConfig.KillMode === 'mixed' && bot?.serviceConfig.TimeoutStopSec > 60,
    'example: bot KillMode=mixed with a stop timeout longer than its grace',
  );
  const timer = example.timers['ccci-janitor'];
  report.check(
    timer?.timerConfig.OnUnitActiveSec === '10min' && Boolean(timer?.timerConfig.OnBootSec),
    'example: janitor timer every 10min and at boot',
  );
  report.check(
    example.services['ccci-janitor']?.serviceConfig.ExecStart.endsWith('/bin/ccci-harness janitor'),
    'example: janitor runs `ccci-harness janitor`',
  );
  const resend = example.services['ccci-resend'];
  report.check(
    /^-\/.*\/bin\/ccci-harness resend$/.test(resend?.serviceConfig.ExecStart ?? '') &&
      resend?.serviceConfig.User === 'ccci' &&
      !resend?.serviceConfig.SupplementaryGroups?.includes('docker') &&
      resend?.serviceConfig.ReadWritePaths?.join(' ') === '/var/lib/ccci/spool',
    'example: ccci-resend runs `-ccci-harness resend` (failure tolerated) as ccci, no docker, writing only the spool',
  );
  report.check(
    example.timers['ccci-resend']?.timerConfig.Unit === 'ccci-resend.service' &&
      example.timers['ccci-resend']?.timerConfig.OnUnitActiveSec === '10min',
    'example: resend timer every 10min',
  );
  const wrapper = example.wrappers.find((w) => w.name === 'ccci-harness');
  report.check(Boolean(wrapper), 'example: the ccci-harness wrapper is installed');
  if (wrapper) {
    const r = spawnSync('bash', ['-n'], { input: wrapper.text, encoding: 'utf8' });
    report.check(r.status === 0, `ccci-harness wrapper: bash -n: ${r.stderr}`);
    report.check(
      /unset CCCI_REPORT_KEY_FILE/.test(wrapper.text) &&
        /export CCCI_CI_DOMAIN=ci\.example\.org/.test(wrapper.text),
      'ccci-harness wrapper: pins CCCI_CI_DOMAIN and drops CCCI_REPORT_KEY_FILE',
    );
  }

  const local = evalHost(lib, join(here, 'test', 'hosts', 'local.nix'));
  report.check(
    local.failedAssertions.length === 0,
    `local.nix: ${local.failedAssertions.join(' | ')}`,
  );
  const lbot = local.services['ccci-trigger-bot'];
  report.check(
    lbot?.serviceConfig.User === 'ccci' &&
      lbot?.serviceConfig.SupplementaryGroups.includes('docker'),
    'local: the bot runs harnesses, so it is the ccci user in the docker group',
  );
  report.check(lbot?.environment.MAX_TESTS === '3', 'local: MAX_TESTS from maxTests');
  report.check(
    lbot?.environment.HARNESS_COMMAND?.endsWith('/bin/ccci-harness'),
    'local: HARNESS_COMMAND is the wrapper',
  );
  report.check(!local.services['ccci-drone-runner'], 'local: no Drone runner by default');
  report.check(
    lbot?.environment.SCHEDULE_EVERY_HOURS === '0' &&
      lbot?.environment.MATRIX_HOMESERVER === undefined &&
      !lbot?.serviceConfig.LoadCredential.some((c) => c.startsWith('matrix')),
    'local: scheduled runs off by default; no Matrix variables or credential',
  );
  report.check(
    lbot?.environment.DRONE_REPO === undefined && lbot?.environment.LATE_REPORT_HOURS === '24',
    'local: no DRONE_* variables; LATE_REPORT_HOURS set',
  );

  const bad = evalHost(lib, join(here, 'test', 'hosts', 'bad.nix'));
  const expected = [
    'virtualisation.docker.enable',
    'forge.repos: expected a non-empty list of owner/name',
    'set org or allowlist',
    'ciDomain: expected a lower-case DNS name',
    'must be http(s) URLs',
    'needs drone.url and droneTokenFile',
    'drone.repo is required with executor = "drone"',
    'droneRunner needs rpcHost and rpcSecretFile',
    'forgeTokenFile: expected an absolute path to a file outside the Nix store',
    'droneTokenFile: expected an absolute path',
    'digest.matrix: set homeserver, roomId and accessTokenFile together',
    'roomId a room ID such as !abcdef:example.org (not an alias)',
  ];
  for (const want of expected) {
    report.check(
      bad.failedAssertions.some((m) => m.includes(want)),
      `bad.nix: expected an assertion mentioning "${want}", found: ${bad.failedAssertions.join(' | ')}`,
    );
  }
  report.check(
    bad.warnings.some((w) => w.includes('reportKeyFile is not read')),
    'bad.nix: reportKeyFile warns that it is not read',
  );

  const badDrone = evalHost(lib, join(here, 'test', 'hosts', 'bad-drone.nix'));
  for (const want of [
    'drone.repo: Coop-Cloud/Custom-HTML is also in forge.repos',
    'drone.branch: expected a branch name',
    'droneRunner.limitRepos: expected the pipeline repository',
  ]) {
    report.check(
      badDrone.failedAssertions.some((m) => m.includes(want)),
      `bad-drone.nix: expected an assertion mentioning "${want}", found: ${badDrone.failedAssertions.join(' | ')}`,
    );
  }
  report.check(
    badDrone.failedAssertions.length === 3,
    `bad-drone.nix: exactly 3 assertions fail, found ${badDrone.failedAssertions.length}: ${badDrone.failedAssertions.join(' | ')}`,
  );
}
