import { describe, expect, it } from 'vitest';
import { GroupRegistry, killGroup, startChild, waitGroupGone } from '../src/index.js';

describe('process groups', () => {
  it('startChild starts the child as its own group leader and registers it until it exits', async () => {
    const registry = new GroupRegistry();
    const child = startChild('sh', ['-c', 'cat /proc/self/stat'], { registry });
    expect(registry.list()).toEqual([child.pid]);
    const r = await child.outcome;
    // /proc/<pid>/stat field 5 is the process group id: the child leads its own group.
    const fields = String(r.stdout)
      .replace(/^.*\) /, '')
      .split(' ');
    expect(Number(fields[2])).toBe(child.pid);
    expect(registry.size).toBe(0);
  });

  it('killAll kills the whole group — leader and grandchildren — and empties the registry', async () => {
    const registry = new GroupRegistry();
    const child = startChild('sh', ['-c', 'sleep 300 & sleep 300 & wait'], { registry });
    const pgid = child.pid as number;
    await registry.killAll({ graceMs: 2000 });
    expect(await waitGroupGone(pgid, 5000)).toBe(true);
    expect(registry.size).toBe(0);
    expect((await child.outcome).signal).toBe('SIGTERM');
  });

  it('killGroup of a gone group is not an error; a bad id is a TypeError', () => {
    expect(killGroup(2 ** 22 + 12345, 'SIGTERM')).toBe(false);
    expect(() => killGroup(1)).toThrow(TypeError);
    expect(() => killGroup(0)).toThrow(/process group id > 1/);
  });

  it('killAll aborts operations, waits for them, and kills what registered meanwhile', async () => {
    const registry = new GroupRegistry();
    const order: string[] = [];
    let late: Promise<unknown> | undefined;
    const first = registry.operation(
      (kill) =>
        new Promise<void>((resolve) => {
          kill.addEventListener('abort', () => {
            // A hand-over: the next child starts while this one is being killed.
            late = registry.operation(
              (k) =>
                new Promise<void>((r) =>
                  k.addEventListener('abort', () => (order.push('late'), r())),
                ),
            );
            setTimeout(() => (order.push('first'), resolve()), 50);
          });
        }),
    );
    expect(registry.size).toBe(1);
    await registry.killAll({ graceMs: 1000 });
    await first;
    await late;
    expect(order.sort()).toEqual(['first', 'late']);
    expect(registry.size).toBe(0);
  });
});
