import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  acquireDomainLock,
  appDomain,
  execaDocker,
  janitorMain,
  runJanitor,
  stackName,
  warmDomain,
} from '../src/index.js';
import { probeLock } from '../src/probe.js';
import { runDirOf } from '../src/run-state.js';
import { inventory } from '../src/stack-objects.js';
import { waitFor } from '../src/wait.js';
import { plantDeadLock } from './helpers/locks.js';
import { Fixture } from './helpers/proc.js';
import { deployFakeStack, objectsContaining, removeAllContaining } from './helpers/swarm.js';
import { deployedApp, swarmSuiteDomain } from './helpers/swarm-suite.js';
import { tempDir } from './helpers/tmp.js';

const ciDomain = swarmSuiteDomain();
const ciStacks = stackName(ciDomain);

async function ciObjectsLeft(): Promise<number> {
  const left = await inventory(execaDocker, ciDomain);
  return [...left.values()].reduce(
    (n, o) =>
      n +
      o.services.length +
      o.volumes.length +
      o.secrets.length +
      o.configs.length +
      o.networks.length,
    left.size,
  );
}

describe('janitor on the real swarm', { timeout: 180_000 }, () => {
  it('reaps a CI stack with no lock — stack, volume, secret, config, network, env file — and nothing else', async () => {
    const { locksDir, envDir, domain, stack } = await deployedApp(ciDomain);
    // Leftover of another run whose services are gone: only a volume remains.
    const orphan = stackName(appDomain('gitea', ciDomain));
    await execa('docker', ['volume', 'create', `${orphan}_data`]);
    // Decoys: a warm app and look-alike names outside the CI pattern.
    const warm = await deployFakeStack(warmDomain('custom-html', ciDomain));
    const decoys = [`${stack}x_data`, `x${stack}_data`];
    for (const name of decoys) await execa('docker', ['volume', 'create', name]);
    const before = await objectsContaining(stack);
    expect(before).toEqual(
      expect.arrayContaining([
        `${stack}_app`,
        `${stack}_data`,
        `${stack}_s1_v1`,
        `${stack}_c1`,
        `${stack}_default`,
      ]),
    );

    const report = await runJanitor({ ciDomain, locksDir, envDir });

    expect(report.entries.map((e) => [e.stack, e.lockState, e.outcome])).toEqual(
      [
        [stack, 'absent', 'reaped'],
        [orphan, 'absent', 'reaped'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const reaped = report.entries.find((e) => e.stack === stack)?.reaped;
    expect(reaped).toMatchObject({
      services: [`${stack}_app`],
      volumes: [`${stack}_data`],
      secrets: [`${stack}_s1_v1`],
      configs: [`${stack}_c1`],
      networks: [`${stack}_default`],
      envFile: join(envDir, `${domain}.env`),
    });
    expect(await ciObjectsLeft()).toBe(0);
    expect(await readdir(envDir)).toEqual([]);
    expect(await readdir(locksDir)).toEqual([]);
    // The warm app and the look-alikes survive.
    const survivors = await objectsContaining(ciStacks);
    expect(survivors).toEqual(
      expect.arrayContaining([...decoys, `${warm}_app`, `${warm}_data`, `${warm}_s1_v1`]),
    );
    await removeAllContaining(ciStacks);
  });

  it('leaves a stack whose lock is held and fresh, reaps it once released', async () => {
    const locksDir = join(await tempDir(), 'locks');
    const domain = appDomain('n8n', ciDomain);
    const stack = await deployFakeStack(domain);
    const lock = await acquireDomainLock({ locksDir, domain, owner: { runId: 'live-run' } });
    const report = await runJanitor({ ciDomain, locksDir });
    expect(report.entries).toEqual([
      expect.objectContaining({ stack, lockState: 'held-fresh', outcome: 'left' }),
    ]);
    expect(await objectsContaining(stack)).toHaveLength(5);
    expect(await lock.verify()).toBe(true); // the janitor did not touch the lock
    await lock.release();
    const after = await runJanitor({ ciDomain, locksDir });
    expect(after.entries).toEqual([
      expect.objectContaining({ stack, lockState: 'absent', outcome: 'reaped' }),
    ]);
    expect(await ciObjectsLeft()).toBe(0);
  });

  it('warns about a held lock older than deadline + margin and leaves it', async () => {
    const locksDir = join(await tempDir(), 'locks');
    const domain = appDomain('lasuite', ciDomain);
    const stack = await deployFakeStack(domain);
    const lock = await acquireDomainLock({ locksDir, domain, owner: { runId: 'old-run' } });
    const warnings: string[] = [];
    const report = await runJanitor({
      ciDomain,
      locksDir,
      deadlineMs: 0,
      marginMs: 0,
      log: { info() {}, error() {}, warn: (_f, msg) => warnings.push(msg) },
    });
    expect(report.entries).toEqual([
      expect.objectContaining({ stack, lockState: 'held-old', outcome: 'warned' }),
    ]);
    expect(warnings.join('\n')).toMatch(/possible leaked run: lasu-[0-9a-f]{6}\./);
    expect(await objectsContaining(stack)).toHaveLength(5);
    await lock.release();
    await runJanitor({ ciDomain, locksDir });
    expect(await ciObjectsLeft()).toBe(0);
  });

  it('a SIGKILLed holder: left while its lock is fresh, reaped with its run dir once stale', async () => {
    const root = await tempDir();
    const locksDir = join(root, 'locks');
    const runsDir = join(root, 'runs');
    const domain = appDomain('mattermost', ciDomain);
    const holder = new Fixture('holder', [
      '--locksDir',
      locksDir,
      '--domain',
      domain,
      '--runId',
      'doomed',
      '--staleMs',
      '2000',
      '--updateMs',
      '1000',
    ]);
    const held = await holder.next('held');
    const stack = await deployFakeStack(domain);
    const runDir = runDirOf(runsDir, 'doomed', Number(held.pid));
    await mkdir(join(runDir, 'abra', 'recipes'), { recursive: true });
    const options = { ciDomain, locksDir, runsDir, staleMs: 2_000 };
    expect((await runJanitor(options)).entries).toEqual([
      expect.objectContaining({ stack, outcome: 'left' }),
    ]);
    holder.kill('SIGKILL');
    await holder.exited;
    await waitFor(
      async () =>
        (await probeLock({ locksDir, domain, staleMs: 2_000, deadlineMs: 3_600_000, marginMs: 0 }))
          .lockState === 'stale',
      { timeoutMs: 15_000, what: 'the dead holder’s lock to go stale' },
    );
    const report = await runJanitor(options);
    expect(report.entries).toEqual([
      expect.objectContaining({
        stack,
        lockState: 'stale',
        outcome: 'reaped',
        owner: expect.objectContaining({ runId: 'doomed' }),
      }),
    ]);
    expect(report.entries[0]?.reaped?.runDir).toBe(runDir);
    expect(await ciObjectsLeft()).toBe(0);
    expect(await readdir(runsDir)).toEqual([]);
    expect(await readdir(locksDir)).toEqual([]);
  });

  // The loser sees the winner's fresh lock (`left`), fails to take it (`lost-race`), or takes
  // it after the winner finished and finds nothing (`already-gone`).
  it('two janitors at once: exactly one reaps, both exit 0', async () => {
    const locksDir = join(await tempDir(), 'locks');
    const stack = await deployFakeStack(appDomain('gitea', ciDomain));
    const argv = ['--ciDomain', ciDomain, '--locksDir', locksDir];
    const janitors = [new Fixture('janitor', argv), new Fixture('janitor', argv)];
    const reports = await Promise.all(janitors.map((j) => j.next('report')));
    for (const j of janitors) expect((await j.exited).code).toBe(0);
    const outcomes = reports.flatMap((r) =>
      (r.entries as { stack: string; outcome: string }[]).map((e) => e.outcome),
    );
    expect(outcomes.filter((o) => o === 'reaped')).toHaveLength(1);
    for (const o of outcomes.filter((x) => x !== 'reaped'))
      expect(o).toMatch(/^(left|lost-race|already-gone)$/);
    expect(await objectsContaining(stack)).toEqual([]);
    expect(await readdir(locksDir)).toEqual([]);
  });

  it('clears a dead run’s stale lock, owner file and run dir when nothing of it is on the swarm', async () => {
    const root = await tempDir();
    const locksDir = join(root, 'locks');
    const runsDir = join(root, 'runs');
    const domain = appDomain('wordpress', ciDomain);
    const otherCi = appDomain('wordpress', `x${ciDomain}`); // another ci domain: not ours
    for (const d of [domain, otherCi]) {
      await plantDeadLock(locksDir, d, `T-${d}`, { runId: 'dead', pid: 4242, ageMs: 600_000 });
    }
    const runDir = runDirOf(runsDir, 'dead', 4242);
    await mkdir(join(runDir, 'state'), { recursive: true });
    const report = await runJanitor({ ciDomain, locksDir, runsDir });
    expect(report.entries).toEqual([
      expect.objectContaining({ stack: stackName(domain), lockState: 'stale', outcome: 'reaped' }),
    ]);
    expect(await readdir(runsDir)).toEqual([]);
    expect((await readdir(locksDir)).sort()).toEqual([`${otherCi}.lock`, `${otherCi}.owner.json`]);
  });

  it('janitorMain rejects bad options with exit code 2 and one line', async () => {
    const lines: string[] = [];
    const log = { info() {}, warn() {}, error: (_f: object, msg: string) => lines.push(msg) };
    const result = await janitorMain({ ciDomain: 'Not A Domain', locksDir: '/tmp/x', log });
    expect(result.exitCode).toBe(2);
    expect(lines).toEqual([expect.stringMatching(/^janitor: invalid option: ciDomain: /)]);
  });

  it('janitorMain exits 1 with one line when docker cannot be asked', async () => {
    const lines: string[] = [];
    const log = { info() {}, warn() {}, error: (_f: object, msg: string) => lines.push(msg) };
    const locksDir = join(await tempDir(), 'locks');
    const unreachable = (args: readonly string[]) =>
      execaDocker(['--host', 'unix:///nonexistent/docker.sock', ...args]);
    const result = await janitorMain({ ciDomain, locksDir, docker: unreachable, log });
    expect(result.exitCode).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^janitor: docker .* exited with 1: /);
    expect(lines[0]).not.toMatch(/\n\s+at /); // no stack trace
  });
});
