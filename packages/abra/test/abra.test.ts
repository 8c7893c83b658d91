import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rejectionOf, tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { AbraError, type CreateAbraOptions, createAbra, readDeployCount } from '../src/index.js';
import { fixture } from './helpers.js';

// createAbra against captured abra outputs replayed by a fixture program (test/fixtures/bin/
// replay.mjs): argument building, parsing, error codes, secrecy and counting. The same
// behaviours against the abra double on the real swarm are in abra.docker.test.ts.

const tmp = tempDirPerTest('ccci-abra-');

function replaying(file: string | undefined, exit = 0, extra: Partial<CreateAbraOptions> = {}) {
  const chunks: string[] = [];
  const abra = createAbra({
    abraDir: tmp.path,
    bin: fixture('bin/replay.mjs'),
    env: {
      ...(file ? { REPLAY_FILE: fixture(`output/${file}`) } : {}),
      REPLAY_EXIT: String(exit),
      REPLAY_ARGV_FILE: join(tmp.path, 'argv.json'),
    },
    deployCountFile: join(tmp.path, 'deploys'),
    killGraceMs: 300,
    onOutput: (chunk) => chunks.push(chunk),
    ...extra,
  });
  const recorded = () =>
    JSON.parse(readFileSync(join(tmp.path, 'argv.json'), 'utf8')) as {
      argv: string[];
      timeout: string;
    };
  return { abra, chunks, recorded };
}

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, AbraError);

describe('createAbra options', () => {
  it('names a missing abraDir', () => {
    expect(() => createAbra({} as CreateAbraOptions)).toThrow(/^abraDir: expected a directory/);
  });

  it('names a bad time limit', () => {
    expect(() => createAbra({ abraDir: tmp.path, timeoutMs: { deploy: -1 } })).toThrow(
      'timeoutMs.deploy: expected a positive integer, found -1',
    );
    expect(() =>
      createAbra({
        abraDir: tmp.path,
        timeoutMs: { deplyo: 5 } as NonNullable<CreateAbraOptions['timeoutMs']>,
      }),
    ).toThrow('timeoutMs.deplyo: unknown operation');
  });

  it('refuses names that could be read as options or are not names, and runs nothing', async () => {
    const { abra } = replaying(undefined);
    await expect(abra.deploy({ domain: '--force' })).rejects.toThrow(
      /^domain: expected a lower-case DNS name.*found "--force"/,
    );
    await expect(abra.recipeLint('../etc')).rejects.toThrow(/^recipe: .*found "\.\.\/etc"/);
    await expect(abra.deploy({ domain: 'a-b.ci.localhost', version: '-1' })).rejects.toThrow(
      /^version:/,
    );
    await expect(readDeployCount(join(tmp.path, 'deploys'))).resolves.toBe(0);
  });
});

describe('argument building', () => {
  it('deploy passes flags, the version and TIMEOUT, and counts the deploy', async () => {
    const { abra, recorded } = replaying(undefined);
    const result = await abra.deploy({
      domain: 'cust-a1b2c3.ci.localhost',
      version: '1.0.0+1.2.3',
      chaos: true,
      force: true,
      noDomainChecks: true,
      timeoutSec: 42,
    });
    expect(recorded()).toEqual({
      argv: [
        'app',
        'deploy',
        'cust-a1b2c3.ci.localhost',
        '1.0.0+1.2.3',
        '--chaos',
        '--force',
        '--no-domain-checks',
        '--no-input',
      ],
      timeout: '42',
    });
    expect(result.deployCount).toBe(1);
    expect(result.command[0]).toBe(fixture('bin/replay.mjs'));
    expect(result.exitCode).toBe(0);
  });

  it('app new, rm, run and restore build the documented command lines', async () => {
    const { abra, recorded } = replaying(undefined);
    await abra.appNew({ recipe: 'cust', server: 'default', domain: 'cust-a1b2c3.ci.localhost' });
    expect(recorded().argv).toEqual([
      'app',
      'new',
      'cust',
      '--server',
      'default',
      '--domain',
      'cust-a1b2c3.ci.localhost',
      '--no-input',
    ]);
    await abra.rm({ domain: 'cust-a1b2c3.ci.localhost', volumes: true, force: true });
    expect(recorded().argv).toEqual([
      'app',
      'rm',
      'cust-a1b2c3.ci.localhost',
      '--volumes',
      '--force',
      '--no-input',
    ]);
    await abra.run({
      domain: 'cust-a1b2c3.ci.localhost',
      service: 'app',
      cmd: ['sh', '-c', "echo 'hi' $HOME"],
    });
    expect(recorded().argv).toEqual([
      'app',
      'run',
      'cust-a1b2c3.ci.localhost',
      'app',
      '--no-tty',
      '--',
      'sh',
      '-c',
      "echo 'hi' $HOME",
    ]);
    await abra.restore({ domain: 'cust-a1b2c3.ci.localhost', service: 'db', snapshot: 'abc123' });
    expect(recorded().argv).toEqual([
      'app',
      'restore',
      'cust-a1b2c3.ci.localhost',
      'db',
      '--snapshot',
      'abc123',
    ]);
  });
});

describe('parsed results', () => {
  it('recipeLint returns the rule table although abra exits 0', async () => {
    const { abra, chunks } = replaying('lint-lipgloss-failed.txt');
    const report = await abra.recipeLint('cust');
    expect(report.exitCode).toBe(0);
    expect(report.rules).toHaveLength(10);
    expect(report.errorsFailed.map((r) => r.ref)).toEqual(['R008', 'R014']);
    expect(chunks.join('')).toContain('R014'); // streamed to the caller too
  });

  it('recipeLint without a table is an error that says so', async () => {
    const { abra } = replaying('fatal-unknown.txt');
    const error = await rejection(abra.recipeLint('cust'));
    expect(error.code).toBe('ABRA_UNKNOWN');
    expect(error.message).toMatch(/no lint table found/);
  });

  it('ps returns the services', async () => {
    const { abra } = replaying('ps-table.txt');
    const { services } = await abra.ps({ domain: 'cust-a1b2c3.ci.localhost' });
    expect(services.map((s) => s.service)).toEqual(['app', 'db']);
  });
});

describe('secrets', () => {
  const values = ['Zq8pXv2LmR4tN7wYb1cK9dF3gH6jS0aE', 'kP3mQ8rT1vX5zB9nC2dG'];

  it('returns generated values, never streams them, and masks them in the result', async () => {
    const { abra, chunks } = replaying('secret-generate-table.txt');
    const result = await abra.secretGenerate({ domain: 'cust-a1b2c3.ci.localhost', all: true });
    expect(result.secrets.map((s) => s.value)).toEqual(values);
    const streamed = chunks.join('');
    expect(streamed).toContain('2 secret(s) generated: db_password, admin_pass');
    for (const value of values) {
      expect(streamed).not.toContain(value);
      expect(result.output).not.toContain(value);
    }
  });

  it('a failed secret generate keeps its output out of the error', async () => {
    const { abra, chunks } = replaying('secret-generate-table.txt', 1);
    const error = await rejection(
      abra.secretGenerate({ domain: 'cust-a1b2c3.ci.localhost', all: true, machine: false }),
    );
    for (const value of values) {
      expect(error.message).not.toContain(value);
      expect(error.output).not.toContain(value);
      expect(JSON.stringify(error)).not.toContain(value);
      expect(chunks.join('')).not.toContain(value);
    }
    expect(error.output).toMatch(/output withheld/);
  });
});

describe('secret rm and insert', () => {
  it('build argument arrays: the value travels in a file, never in argv', async () => {
    const { abra, recorded } = replaying(undefined);
    await abra.secretRm({ domain: 'cust-a1b2c3.ci.localhost', secret: 'db_password' });
    expect(recorded().argv).toEqual([
      'app',
      'secret',
      'rm',
      'cust-a1b2c3.ci.localhost',
      'db_password',
      '--no-input',
    ]);
    await abra.secretInsert({
      domain: 'cust-a1b2c3.ci.localhost',
      secret: 'db_password',
      version: 'v2',
      file: '/run/state/db_password',
      trim: true,
    });
    expect(recorded().argv).toEqual([
      'app',
      'secret',
      'insert',
      'cust-a1b2c3.ci.localhost',
      'db_password',
      'v2',
      '/run/state/db_password',
      '--file',
      '--trim',
    ]);
  });

  it('refuse names and paths that could be read as options', async () => {
    const { abra } = replaying(undefined);
    const domain = 'cust-a1b2c3.ci.localhost';
    await expect(abra.secretRm({ domain, secret: '--all' })).rejects.toThrow(
      'secret: expected a compose secret name',
    );
    await expect(
      abra.secretInsert({ domain, secret: 'db_password', version: 'v1', file: '-x' }),
    ).rejects.toThrow('file: expected an absolute file path, found "-x"');
    await expect(
      abra.secretInsert({ domain, secret: 'db_password', version: '--chaos', file: '/f' }),
    ).rejects.toThrow('version: expected a secret version');
  });
});

describe('errors', () => {
  it('carries a stable code and the same fields as a result', async () => {
    const { abra } = replaying('fatal-deploy-timeout.txt', 1);
    const error = await rejection(abra.deploy({ domain: 'cust-a1b2c3.ci.localhost' }));
    expect(error).toMatchObject({
      name: 'AbraError',
      code: 'ABRA_DEPLOY_TIMEOUT',
      exitCode: 1,
      fatal: 'deploy timed out 🟠',
      timedOut: false,
      isAborted: false,
    });
    expect(error.message).toBe('abra app deploy failed [ABRA_DEPLOY_TIMEOUT]: deploy timed out 🟠');
    expect(error.command.slice(1, 4)).toEqual(['app', 'deploy', 'cust-a1b2c3.ci.localhost']);
    expect(error.output).toContain('waiting for cust-a1b2c3_ci_localhost to converge');
    expect(error.output).not.toContain('\x1b');
    // A failed deploy was still an attempt: it counts.
    await expect(readDeployCount(join(tmp.path, 'deploys'))).resolves.toBe(1);
  });

  it.each([
    ['fatal-unstaged.txt', 'ABRA_UNSTAGED_CHANGES'],
    ['fatal-app-not-found.txt', 'ABRA_APP_NOT_FOUND'],
    ['fatal-recipe-not-found.txt', 'ABRA_RECIPE_NOT_FOUND'],
    ['fatal-no-tty.txt', 'ABRA_NO_TTY'],
    ['panic-no-fata.txt', 'ABRA_UNKNOWN'],
  ])('%s → %s', async (file, code) => {
    const { abra } = replaying(file, 1);
    const error = await rejection(abra.undeploy({ domain: 'cust-a1b2c3.ci.localhost' }));
    expect(error.code).toBe(code);
    expect(error.message).not.toContain('\n');
  });

  it('our own time limit kills the tree: ABRA_TIMEOUT', async () => {
    const abra = createAbra({
      abraDir: tmp.path,
      bin: fixture('bin/grandchild.sh'),
      env: { PIDS_DIR: tmp.path },
      killGraceMs: 200,
    });
    const error = await rejection(abra.ps({ domain: 'cust-a1b2c3.ci.localhost', timeoutMs: 1500 }));
    expect(error).toMatchObject({ code: 'ABRA_TIMEOUT', timedOut: true, exitCode: undefined });
    expect(error.message).toMatch(/no result after 1500 ms; its process tree was killed/);
  });

  it('an AbortSignal cancels: ABRA_ABORTED', async () => {
    const abra = createAbra({
      abraDir: tmp.path,
      bin: fixture('bin/grandchild.sh'),
      env: { PIDS_DIR: tmp.path },
      killGraceMs: 200,
    });
    const controller = new AbortController();
    const pending = rejection(
      abra.run({
        domain: 'a-b.ci.localhost',
        service: 'app',
        cmd: ['true'],
        signal: controller.signal,
      }),
    );
    setTimeout(() => controller.abort(), 300);
    const error = await pending;
    expect(error).toMatchObject({ code: 'ABRA_ABORTED', isAborted: true });
  });

  it('a missing executable: ABRA_MISSING', async () => {
    const abra = createAbra({ abraDir: tmp.path, bin: join(tmp.path, 'not-abra') });
    const error = await rejection(abra.serverAdd({ server: 'default' }));
    expect(error.code).toBe('ABRA_MISSING');
  });

  it('without a terminal, abra-like programs fail: ABRA_NO_TTY', async () => {
    const abra = createAbra({
      abraDir: tmp.path,
      bin: fixture('bin/needs-tty.sh'),
      terminal: false,
    });
    const error = await rejection(abra.serverAdd({ local: true }));
    expect(error.code).toBe('ABRA_NO_TTY');
    // …and the default (a terminal) makes the same program succeed.
    const ok = createAbra({ abraDir: tmp.path, bin: fixture('bin/needs-tty.sh') });
    await expect(ok.serverAdd({ local: true })).resolves.toMatchObject({ exitCode: 0 });
  });
});

describe('logs', () => {
  it('followMs stops following and resolves with what was printed', async () => {
    const abra = createAbra({
      abraDir: tmp.path,
      bin: fixture('bin/grandchild.sh'),
      env: { PIDS_DIR: tmp.path },
      killGraceMs: 200,
    });
    const result = await abra.logs({ domain: 'cust-a1b2c3.ci.localhost', followMs: 800 });
    expect(result.stopped).toBe(true);
    expect(result.output).toContain('ready');
  });
});
