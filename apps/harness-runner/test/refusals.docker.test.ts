// Refused before any deploy, and abra faults become `unver` with a reason, never a crash.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixtureRecipe } from '@ccci/testbed';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, git, runArgs } from './e2e.js';

const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());

const SOCKET = '    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n    configs:\n';

/** The run of `name` from `src` (also its run id) is refused before any deploy, with `message`. */
async function expectRefused(name: string, src: string, message: RegExp): Promise<string> {
  const r = await bed.run(runArgs(name, src, name));
  expect(r.exitCode, r.all).toBe(3);
  expect(r.all).toMatch(message);
  expect(r.all).not.toMatch(/install: deploy/);
  const res = bed.results(name);
  expect(res.deploys.count).toBe(0);
  expect(await bed.leftovers()).toEqual([]);
  return r.all;
}

describe.concurrent('refused before any deploy', () => {
  it.each([
    [
      'a Docker socket bind mount',
      'sockapp',
      (c: string) => c.replace('    configs:\n', SOCKET),
      /docker-socket|Docker socket/,
    ],
    [
      'privileged',
      'privapp',
      (c: string) =>
        c.replace(
          '    image: ccci-busybox:latest\n',
          '    image: ccci-busybox:latest\n    privileged: true\n',
        ),
      /privileged/,
    ],
  ])(
    '%s',
    async (_what, name, edit, refusal) => {
      const message = 'chore: give the app the host';
      const src = await bed.changedSrc({ from: 'web', as: name, edit, message });
      const all = await expectRefused(name, src, refusal);
      expect(all).toMatch(/compose\.yml:\d+: service "app"/);
      const res = bed.results(name);
      expect(res.level).toBe(0);
      expect(res.rungs['install']?.status).toBe('unver');
    },
    120_000,
  );
});

// Routes the text of compose.yml does not show: each is judged as the deploy will load it.
describe.concurrent('refused before any deploy, whatever route the files take', () => {
  it('an upgrade base (a release tag) that mounts the socket, under a clean head', async () => {
    const repo = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'evilbase' });
    const file = join(repo, 'compose.yml');
    const clean = readFileSync(file, 'utf8');
    writeFileSync(file, clean.replace('    configs:\n', SOCKET));
    await git(repo, ['commit', '-qam', 'chore: release 1.2.0+1.2']);
    await git(repo, ['tag', '-a', '1.2.0+1.2', '-m', 'Release 1.2.0+1.2']);
    writeFileSync(file, clean);
    await git(repo, ['commit', '-qam', 'fix: nothing to see']);
    await expectRefused(
      'evilbase',
      repo,
      /upgrade base 1\.2\.0\+1\.2[\s\S]*compose\.yml:\d+: service "app" .*Docker socket/,
    );
  }, 120_000);

  it('an overlay with a .yaml name that .env.sample chains into COMPOSE_FILE', async () => {
    const repo = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'evilchain' });
    writeFileSync(
      join(repo, 'compose.evil.yaml'),
      'version: "3.8"\nservices:\n  app:\n    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n        target: /s\n',
    );
    const sample = join(repo, '.env.sample');
    writeFileSync(
      sample,
      `${readFileSync(sample, 'utf8')}\nCOMPOSE_FILE="compose.yml"\nCOMPOSE_FILE="$COMPOSE_FILE:compose.evil.yaml"\n`,
    );
    await git(repo, ['add', '-A']);
    await git(repo, ['commit', '-qm', 'feat: an innocent option']);
    await expectRefused('evilchain', repo, /compose\.evil\.yaml:6: service "app" .*Docker socket/);
  }, 120_000);
});

describe('the host, not the recipe', () => {
  // An overlay network with no free address (a /30: its one usable address goes to the
  // service's virtual IP): the swarm never allocates the task. That is the CI host's trouble.
  const net = `ccci-tiny-${Math.random().toString(36).slice(2, 8)}`;
  afterAll(async () => {
    await execa('docker', ['network', 'rm', net], { reject: false });
  });

  it('a task the swarm cannot place ends its rung as unver with the reason, not fail', async () => {
    let created = false;
    for (let i = 0; i < 20 && !created; i++) {
      const subnet = `10.253.${Math.floor(Math.random() * 256)}.${4 * Math.floor(Math.random() * 64)}/30`;
      const r = await execa(
        'docker',
        ['network', 'create', '--driver', 'overlay', '--attachable', '--subnet', subnet, net],
        { reject: false },
      );
      created = r.exitCode === 0;
    }
    expect(created).toBe(true);
    const repo = await bed.changedSrc({
      from: 'web',
      as: 'noaddr',
      edit: (c) =>
        c
          .replace('    networks:\n      - proxy\n', '    networks:\n      - proxy\n      - tiny\n')
          .replace(/\nnetworks:\n/, `\nnetworks:\n  tiny:\n    external: true\n    name: ${net}\n`),
      message: 'feat: join another network',
    });
    // Another network is another app's (rule foreign-object): the operator grants this one.
    const enrol = join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'noaddr');
    mkdirSync(enrol, { recursive: true });
    writeFileSync(
      join(enrol, 'recipe_meta.yml'),
      `${readFileSync(join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'web', 'recipe_meta.yml'), 'utf8')}\nCOMPOSE_POLICY_EXCEPTIONS:\n  - {service: networks.tiny, rule: foreign-object, reason: the test's exhausted network}\n`,
    );
    const r = await bed.run(runArgs('noaddr', repo, 'noaddr'));
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('noaddr');
    // The base release deploys fine; the head (upgrade) joins the exhausted network.
    expect(res.rungs['install']?.status, r.all).toBe('pass');
    expect(res.rungs['upgrade']?.status, r.all).toBe('unver');
    expect(res.rungs['upgrade']?.reason).toMatch(
      /has not allocated noad-\w+_app\.1 for \d+ s \(task state new\).*out of addresses/,
    );
    expect(res.flags['clean_teardown']).toBe(true);
  }, 300_000);
});

describe.concurrent('abra faults (injected through the double)', () => {
  it.each([
    ['abra crashes during deploy', 'crash:deploy', 'install', /abra app deploy failed/],
    ['abra backup fails', 'backup-fail', 'backup_restore', /abra app backup failed/],
  ])(
    '%s → unver with the reason',
    async (_what, fault, rung, reason) => {
      const recipe = rung === 'backup_restore' ? 'data' : 'web';
      const id = fault.replace(/[^a-z]/g, '');
      const r = await bed.run(runArgs(recipe, await bed.src(recipe), id), {
        ABRA_DOUBLE_FAULT: fault,
      });
      expect(r.exitCode, r.all).toBe(0);
      const res = bed.results(id);
      expect(res.rungs[rung]?.status, r.all).toBe('unver');
      expect(res.rungs[rung]?.reason).toMatch(reason);
      expect(res.flags['clean_teardown']).toBe(true);
    },
    400_000,
  );
});
