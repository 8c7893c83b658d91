// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose ${VAR} interpolation syntax, not JS templates
// Hostile recipes, one per route a compose file can take to the host: each is judged the way
// the deploy will load it (Docker's own loader, the app env abra reads). Needs only the docker
// CLI (`docker stack config` reads files; no daemon is contacted).
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Abra, envValues, parseEnvFile } from '@ccci/abra';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { guardDeploys, judgeDeploy } from '../src/deploy-policy.js';
import { Proc } from '../src/support/proc.js';

const proc = new Proc({ output: () => {}, childTime: () => {} });
/** Each test's folder: the recipes and abra folders below are made in it. */
const tmp = tempDirPerTest('ccci-policy-');

const BASE =
  'version: "3.8"\nservices:\n  app:\n    image: busybox\n    volumes:\n      - data:/data\nvolumes:\n  data:\n';

function recipe(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmp.path, 'recipe-'));
  for (const [name, text] of Object.entries({ 'compose.yml': BASE, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  return dir;
}

/** The app env abra would read: the recipe's .env.sample (abra app new copies it). */
async function judge(dir: string, extraEnv = '') {
  let sample = '';
  try {
    sample = readFileSync(join(dir, '.env.sample'), 'utf8');
  } catch {}
  const appEnv = envValues(
    parseEnvFile(`TYPE=web\nDOMAIN=web.ci.localhost\n${sample}\n${extraEnv}`),
  );
  return judgeDeploy(proc, {
    label: 'head',
    recipeDir: dir,
    appEnv,
    envSource: 'web.ci.localhost.env',
    stack: 'web_ci_localhost',
    exceptions: [],
  });
}

const SOCKET_OVERLAY =
  'version: "3.8"\nservices:\n  app:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n';

describe('the policy judges what the deploy loads', () => {
  it('a clean recipe with a COMPOSE_FILE chain, anchors and abra.sh versions passes', async () => {
    const dir = recipe({
      '.env.sample':
        'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.smtp.yml"\n#COMPOSE_FILE="$COMPOSE_FILE:compose.off.yml"\nSECRET_DB_VERSION=v1 # length=32\n',
      'compose.smtp.yml':
        'version: "3.8"\nx-env: &env\n  SMTP: "on"\nservices:\n  app:\n    environment:\n      <<: *env\n    configs:\n      - source: conf\n        target: /c\nconfigs:\n  conf:\n    name: ${STACK_NAME}_conf_${CONF_VERSION}\n    file: conf.txt\n',
      'conf.txt': 'x\n',
      'abra.sh': 'export CONF_VERSION=v2\n',
    });
    const j = await judge(dir);
    expect(j.refusals).toEqual([]);
    expect(j.ok).toBe(true);
  });

  it('an overlay with a .yaml name, chained in .env.sample, mounting the socket', async () => {
    const dir = recipe({
      '.env.sample': 'COMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.evil.yaml"\n',
      'compose.evil.yaml': SOCKET_OVERLAY,
    });
    const j = await judge(dir);
    expect(j.ok).toBe(false);
    expect(j.refusals.join('\n')).toMatch(
      /compose\.evil\.yaml:5: service "app" bind-mounts "\/var\/run\/docker\.sock"/,
    );
  });

  it('an overlay whose name starts with a dash is a file, not a flag', async () => {
    const dir = recipe({
      '.env.sample': 'COMPOSE_FILE="compose.yml:-c.yml"\n',
      '-c.yml': SOCKET_OVERLAY,
    });
    expect((await judge(dir)).refusals.join('\n')).toMatch(/-c\.yml:5: .*Docker socket/);
  });

  it('an overlay in a subfolder', async () => {
    const dir = recipe({
      '.env.sample': 'export COMPOSE_FILE="compose.yml:postgres/compose.postgres.tune.yml"\n',
      'postgres/compose.postgres.tune.yml': SOCKET_OVERLAY,
    });
    expect((await judge(dir)).refusals.join('\n')).toMatch(
      /postgres\/compose\.postgres\.tune\.yml:5:.*docker-socket|Docker socket/,
    );
  });

  for (const [route, env, sh] of [
    ['an export line of .env.sample', 'export VOL=/var/run/docker.sock\n', ''],
    ['a "VAR =" line of .env.sample', 'VOL =/var/run/docker.sock\n', ''],
    ['an export of abra.sh', '', 'export VOL=/var/run/docker.sock\n'],
  ] as const) {
    it(`a value set by ${route}, used as \${VOL:-data}`, async () => {
      const dir = recipe({
        '.env.sample': env,
        'abra.sh': sh,
        'compose.yml':
          'version: "3.8"\nservices:\n  app:\n    image: busybox\n    volumes:\n      - ${VOL:-data}:/data\nvolumes:\n  data:\n',
      });
      const j = await judge(dir);
      expect(j.ok).toBe(false);
      expect(j.refusals.join('\n')).toMatch(/compose\.yml:6: .*Docker socket/);
    });
  }

  it('${HOME:-vol} resolves from the app env only: the harness HOME never reaches it', async () => {
    const dir = recipe({
      'compose.yml':
        'version: "3.8"\nservices:\n  app:\n    image: busybox\n    volumes:\n      - ${HOME:-data}:/data\nvolumes:\n  data:\n',
    });
    expect(process.env['HOME']).toBeTruthy();
    expect((await judge(dir)).ok).toBe(true);
    const set = await judge(dir, 'HOME=/root\n');
    expect(set.ok).toBe(false);
    expect(set.refusals.join('\n')).toMatch(/compose\.yml:6: .*"\/root"/);
  });

  it('env_file naming a host file, a device, a symlink, or through a variable', async () => {
    for (const [value, why] of [
      ['/etc/os-release', /env_file reads "\/etc\/os-release" from the host/],
      ['/dev/zero', /env_file reads "\/dev\/zero" from the host/],
      ['linked.env', /env_file "linked\.env" is a symlink/],
      ['${F:-app.env}', /env_file "\$\{F:-app\.env\}" is an absolute path/],
    ] as const) {
      const dir = recipe(
        {
          '.env.sample': 'F=/etc/passwd\n',
          'app.env': 'A=1\n',
          'compose.yml': `version: "3.8"\nservices:\n  app:\n    image: busybox\n    env_file: ${value}\n`,
        },
        { 'linked.env': '/etc/os-release' },
      );
      const j = await judge(dir);
      expect(j.ok, value).toBe(false);
      expect(j.refusals.join('\n'), value).toMatch(why);
    }
  });

  it('a configs file: that is a committed symlink to a host file', async () => {
    const dir = recipe(
      {
        'compose.yml':
          'version: "3.8"\nservices:\n  app:\n    image: busybox\n    configs: [conf]\nconfigs:\n  conf:\n    file: ./conf.txt\n',
      },
      { 'conf.txt': '/etc/shadow' },
    );
    const j = await judge(dir);
    expect(j.ok).toBe(false);
    expect(j.refusals.join('\n')).toMatch(
      /configs\.conf\.file reads ".*conf\.txt", which is a symlink/,
    );
  });

  it('COMPOSE_FILE naming a path outside the recipe, absolute, or a symlinked compose file', async () => {
    for (const [cf, why] of [
      ['compose.yml:../evil.yml', /leaves the recipe/],
      ['compose.yml:/etc/evil.yml', /absolute path/],
      ['compose.yml:compose.link.yml', /is a symlink/],
      ['compose.yml:compose.missing.yml', /does not exist/],
    ] as const) {
      const dir = recipe(
        { '.env.sample': `COMPOSE_FILE=${cf}\n` },
        { 'compose.link.yml': '/etc/hostname' },
      );
      const j = await judge(dir);
      expect(j.ok, cf).toBe(false);
      expect(j.refusals.join('\n'), cf).toMatch(why);
    }
  });

  it('include and extends are refused with file and line', async () => {
    const inc = await judge(
      recipe({
        'compose.yml': `include:\n  - /srv/x.yml\n${BASE.replace('version: "3.8"\n', '')}`,
      }),
    );
    expect(inc.refusals.join('\n')).toMatch(/compose\.yml:2: .*include/);
    const ext = await judge(
      recipe({
        'compose.yml':
          'version: "3.8"\nservices:\n  app:\n    image: busybox\n    extends:\n      file: /etc/x.yml\n      service: a\n',
      }),
    );
    expect(ext.refusals.join('\n')).toMatch(/compose\.yml:6: .*extends/);
  });

  it('a merge that only the loader sees: an anchor defined in one place, used in a service', async () => {
    const dir = recipe({
      'compose.yml':
        'version: "3.8"\nx-vol: &vol "/var/run:/host-run"\nservices:\n  app:\n    image: busybox\n    volumes:\n      - *vol\n',
    });
    const j = await judge(dir);
    expect(j.ok).toBe(false);
    expect(j.refusals.join('\n')).toMatch(/Docker socket/);
  });

  it('a local volume mounting a host disk through driver_opts', async () => {
    const dir = recipe({
      'compose.yml':
        'version: "3.8"\nservices:\n  app:\n    image: busybox\n    volumes: ["disk:/host"]\nvolumes:\n  disk:\n    driver_opts: { type: ext4, device: /dev/sda1 }\n',
    });
    expect((await judge(dir)).refusals.join('\n')).toMatch(/volumes\.disk.*driver_opts/);
  });

  it("another app's secret or volume taken by name is refused; the app's own names pass", async () => {
    const own = recipe({
      '.env.sample': 'SECRET_DB_PASSWORD_VERSION=v1\n',
      'compose.yml':
        'version: "3.8"\nservices:\n  app:\n    image: busybox\n    secrets: [db_password]\nsecrets:\n  db_password:\n    external: true\n    name: ${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}\n',
    });
    expect((await judge(own)).refusals).toEqual([]);
    // The name comes from abra.sh: only the loaded value shows whose secret it is.
    const theirs = recipe({
      'abra.sh': 'export KEY_NAME=traefik_ci_localhost_ssl_key_v1\n',
      'compose.yml':
        'version: "3.8"\nservices:\n  app:\n    image: busybox\n    secrets: [k]\n    volumes: ["certs:/c"]\nsecrets:\n  k:\n    external: true\n    name: ${KEY_NAME}\nvolumes:\n  certs:\n    external: true\n    name: traefik_ci_localhost_letsencrypt\n',
    });
    const j = await judge(theirs);
    expect(j.ok).toBe(false);
    const text = j.refusals.join('\n');
    expect(text).toMatch(/compose\.yml:10: .*secret "traefik_ci_localhost_ssl_key_v1"/);
    expect(text).toMatch(/compose\.yml:14: .*volume "traefik_ci_localhost_letsencrypt"/);
  });
  it('a compose file name Docker would split (a comma) is refused', async () => {
    const dir = recipe({ '.env.sample': 'COMPOSE_FILE=compose.yml:o,x.yml\n', 'o,x.yml': BASE });
    expect((await judge(dir)).refusals.join('\n')).toMatch(
      /"o,x\.yml", which has characters other than/,
    );
  });

  it('an env_file reached through a merge key is checked before the loader reads it', async () => {
    const dir = recipe(
      {
        'compose.yml':
          'version: "3.8"\nx-b: &b\n  env_file: linked.env\nservices:\n  app:\n    <<: *b\n    image: busybox\n',
      },
      { 'linked.env': '/etc/os-release' },
    );
    expect((await judge(dir)).refusals.join('\n')).toMatch(/env_file "linked\.env" is a symlink/);
  });

  it('nesting no compose file needs is refused before any parser recurses on it', async () => {
    const dir = recipe({
      'compose.yml': `version: "3.8"\nservices: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    });
    expect((await judge(dir)).refusals.join('\n')).toMatch(
      /compose\.yml:2: nests collections deeper/,
    );
  });

  it('merge keys fanning out over shared anchors are judged in linear time', async () => {
    let y = 'version: "3.8"\nx-a0: &a0 {privileged: true}\n';
    for (let i = 1; i <= 12; i++)
      y += `x-a${i}: &a${i} {<<: [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]}\n`;
    y += 'services:\n  app:\n    <<: *a12\n    image: busybox\n';
    const j = await judge(recipe({ 'compose.yml': y }));
    expect(j.ok).toBe(false);
  });

  it('a file Docker cannot load is refused with its reason, not deployed', async () => {
    const dir = recipe({
      'compose.yml': 'version: "3.8"\nservices:\n  app:\n    image: ${IMAGE:?set IMAGE}\n',
    });
    const j = await judge(dir);
    expect(j.ok).toBe(false);
    expect(j.refusals.join('\n')).toMatch(
      /Docker's compose loader refused compose\.yml: .*set IMAGE/,
    );
  });
});

describe('every deploy passes the guard first', () => {
  function abraDirWith(compose: string): { abraDir: string; envFile: string } {
    const abraDir = mkdtempSync(join(tmp.path, 'abra-'));
    mkdirSync(join(abraDir, 'servers', 'default'), { recursive: true });
    mkdirSync(join(abraDir, 'recipes', 'web'), { recursive: true });
    writeFileSync(join(abraDir, 'recipes', 'web', 'compose.yml'), compose);
    const envFile = join(abraDir, 'servers', 'default', 'web.ci.localhost.env');
    writeFileSync(envFile, 'TYPE=web:1.0.0\nDOMAIN=web.ci.localhost\nTIMEOUT=5\n');
    return { abraDir, envFile };
  }

  function fakeAbra() {
    const calls: string[] = [];
    const abra = {
      deploy: async (o: { domain: string }) => {
        calls.push(o.domain);
        return { output: '', deployCount: 1 };
      },
      ps: async () => ({ output: 'ps', services: [] }),
    } as unknown as Abra;
    return { abra, calls };
  }

  /** A fake abra behind the guard (no exceptions), reading `abraDir`; `calls` are its deploys. */
  function guardedAbra(abraDir: string, extra: Partial<Parameters<typeof guardDeploys>[1]> = {}) {
    const { abra, calls } = fakeAbra();
    const guarded = guardDeploys(abra, {
      abraDir,
      server: 'default',
      proc,
      exceptionsFor: () => [],
      ...extra,
    });
    return { guarded, calls };
  }

  it('writes the deploy timeout into the app env file (abra reads TIMEOUT there), then deploys', async () => {
    const { abraDir, envFile } = abraDirWith(BASE);
    const judged: boolean[] = [];
    const { guarded, calls } = guardedAbra(abraDir, { onJudged: (_d, j) => judged.push(j.ok) });
    await guarded.deploy({ domain: 'web.ci.localhost', timeoutSec: 900 });
    expect(calls).toEqual(['web.ci.localhost']);
    expect(judged).toEqual([true]);
    expect(envValues(parseEnvFile(readFileSync(envFile, 'utf8')))['TIMEOUT']).toBe('900');
    // Other calls pass through untouched.
    expect((await guarded.ps({ domain: 'web.ci.localhost' })).output).toBe('ps');
  });

  it('refuses before abra starts when what would be loaded gives the host away', async () => {
    const { abraDir, envFile } = abraDirWith(
      'version: "3.8"\nservices:\n  app:\n    image: busybox\n    volumes:\n      - ${VOL:-data}:/data\nvolumes:\n  data:\n',
    );
    // Set after the planned check, e.g. by a hook's EXTRA_ENV: only the guard sees it.
    writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}VOL=/var/run/docker.sock\n`);
    const { guarded, calls } = guardedAbra(abraDir);
    await expect(guarded.deploy({ domain: 'web.ci.localhost', timeoutSec: 60 })).rejects.toThrow(
      /compose policy refused the deploy of web\.ci\.localhost[\s\S]*compose\.yml:6: .*Docker socket/,
    );
    expect(calls).toEqual([]);
  });

  it('refuses an app env abra could not read, naming the line', async () => {
    const { abraDir, envFile } = abraDirWith(BASE);
    writeFileSync(envFile, 'TYPE=web\nnot an env line\n');
    const { guarded, calls } = guardedAbra(abraDir);
    await expect(guarded.deploy({ domain: 'web.ci.localhost' })).rejects.toThrow(
      /abra cannot read the app env: .*web\.ci\.localhost\.env:\d+: unexpected character/,
    );
    expect(calls).toEqual([]);
  });
});
