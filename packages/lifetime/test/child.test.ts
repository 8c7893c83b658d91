import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { GroupRegistry, processAlive as isAlive, startChild } from '../src/index.js';

async function pidIn(path: string, timeoutMs = 10_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > until) throw new Error(`timed out waiting for ${path}`);
    await delay(20);
  }
  return Number(readFileSync(path, 'utf8').trim());
}

/**
 * A child whose grandchild ignores SIGTERM (an ignored signal stays ignored across exec), so
 * only the SIGKILL after the grace ends it; the grandchild's pid is written to `gc`.
 */
const stubbornTree = (dir: string) => [
  '-c',
  `trap '' TERM; sleep 300 & echo $! > ${join(dir, 'gc')}; wait`,
];

const tmp = tempDirPerTest('ccci-child-');

describe('startChild', () => {
  it('keeps the exit code, stdout and stderr of a failing child', async () => {
    const child = startChild('sh', ['-c', 'echo out; echo "no such volume" >&2; exit 3'], {
      registry: null,
    });
    const outcome = await child.outcome;
    expect(outcome).toMatchObject({
      command: ['sh', '-c', 'echo out; echo "no such volume" >&2; exit 3'],
      exitCode: 3,
      signal: undefined,
      stdout: 'out',
      stderr: 'no such volume',
      timedOut: false,
      aborted: false,
      spawnError: undefined,
    });
  });

  it('at the deadline kills the whole tree, a grandchild ignoring SIGTERM after the grace', async () => {
    const started = performance.now();
    const child = startChild('sh', stubbornTree(tmp.path), {
      registry: null,
      timeoutMs: 300,
      killGraceMs: 400,
    });
    const grandchild = await pidIn(join(tmp.path, 'gc'));
    const outcome = await child.outcome;
    expect(outcome).toMatchObject({ timedOut: true, aborted: false, exitCode: undefined });
    expect(isAlive(grandchild)).toBe(false);
    // SIGTERM at 300 ms did not end the grandchild; the SIGKILL after the 400 ms grace did.
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
  });

  it('on abort kills the whole tree', async () => {
    const controller = new AbortController();
    const child = startChild('sh', stubbornTree(tmp.path), {
      registry: null,
      signal: controller.signal,
      killGraceMs: 100,
    });
    const grandchild = await pidIn(join(tmp.path, 'gc'));
    expect(isAlive(grandchild)).toBe(true);
    controller.abort();
    const outcome = await child.outcome;
    expect(outcome).toMatchObject({ aborted: true, timedOut: false, exitCode: undefined });
    expect(isAlive(grandchild)).toBe(false);
  });

  it('kill() ends the tree and the outcome names the signal', async () => {
    const child = startChild('sh', ['-c', `sleep 300 & echo $! > ${join(tmp.path, 'gc')}; wait`], {
      registry: null,
    });
    const grandchild = await pidIn(join(tmp.path, 'gc'));
    await child.kill({ graceMs: 2000 });
    expect(isAlive(grandchild)).toBe(false);
    expect(await child.outcome).toMatchObject({ signal: 'SIGTERM', exitCode: undefined });
  });

  it('kills what a child that exited left running in its group', async () => {
    const child = startChild(
      'sh',
      ['-c', `trap '' HUP; sleep 300 & echo $! > ${join(tmp.path, 'gc')}; echo done`],
      { registry: null, killGraceMs: 100 },
    );
    const outcome = await child.outcome;
    expect(outcome).toMatchObject({ exitCode: 0, stdout: 'done' });
    expect(isAlive(await pidIn(join(tmp.path, 'gc')))).toBe(false);
  });

  it('with followDescendants also kills a descendant that left the group (setsid)', async () => {
    const child = startChild(
      'sh',
      ['-c', `setsid sh -c 'echo $$ > ${join(tmp.path, 'gc')}; exec sleep 300' & wait`],
      { registry: null, timeoutMs: 300, killGraceMs: 100, followDescendants: true },
    );
    const escaped = await pidIn(join(tmp.path, 'gc'));
    expect(isAlive(escaped)).toBe(true);
    expect(await child.outcome).toMatchObject({ timedOut: true });
    expect(isAlive(escaped)).toBe(false);
  });

  it('registers the child while it runs: the registry kills it; registry null does not', async () => {
    const registry = new GroupRegistry();
    const loose = startChild('sleep', ['300'], { registry: null });
    const child = startChild('sleep', ['300'], { registry });
    expect(registry.list()).toEqual([child.pid]);
    await registry.killAll({ graceMs: 1000 });
    expect(await child.outcome).toMatchObject({ signal: 'SIGTERM' });
    expect(registry.size).toBe(0);
    expect(isAlive(loose.pid as number)).toBe(true);
    await loose.kill();
  });

  it('reports a program that cannot be started', async () => {
    const outcome = await startChild(join(tmp.path, 'missing'), [], {
      registry: null,
      pdeathsig: false,
    }).outcome;
    expect(outcome.exitCode).toBeUndefined();
    expect(outcome.spawnError?.message).toMatch(/ENOENT/);
  });

  it('refuses a bad deadline or grace with a TypeError naming it', () => {
    expect(() => startChild('true', [], { timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => startChild('true', [], { killGraceMs: -1 })).toThrow(TypeError);
  });
});
