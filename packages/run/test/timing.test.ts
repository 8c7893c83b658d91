import type { Abra } from '@ccci/abra';
import { describe, expect, it } from 'vitest';
import { commandKind, newChildTimes, recordChild, timedAbra, timing } from '../src/timing.js';

describe('timedAbra', () => {
  it('records every call as an abra child, also one that fails, and passes results through', async () => {
    const times = newChildTimes();
    const calls: unknown[] = [];
    const real = {
      deploy: async (o: unknown) => {
        calls.push(o);
        await new Promise((r) => setTimeout(r, 5));
        return { exitCode: 0 };
      },
      ps: async () => {
        throw new Error('abra ps failed');
      },
    } as unknown as Abra;
    const abra = timedAbra(real, times);
    await expect(abra.deploy({ domain: 'a.ci.localhost' })).resolves.toEqual({ exitCode: 0 });
    await expect(abra.ps({ domain: 'a.ci.localhost' })).rejects.toThrow('abra ps failed');
    expect(calls).toEqual([{ domain: 'a.ci.localhost' }]);
    expect(times.childIntervals.map(([kind, , , label]) => [kind, label])).toEqual([
      ['abra', 'abra deploy'],
      ['abra', 'abra ps'],
    ]);
    const [, start, end] = times.childIntervals[0] ?? [];
    expect((end ?? 0) - (start ?? 0)).toBeGreaterThanOrEqual(4);
    expect(times.childMs.abra).toBeGreaterThanOrEqual(4);
  });
});

describe('timing', () => {
  it('counts overlapping children once and tells the harness own stretches apart', () => {
    const times = newChildTimes();
    recordChild(times, 'abra', 10, 20, 'abra deploy');
    recordChild(times, commandKind('docker'), 15, 30, 'docker stack ps');
    recordChild(times, commandKind('git'), 40, 50, 'git clone');
    recordChild(times, commandKind('sh'), 45, 55, 'sh test_install.sh');
    const t = timing(times);
    expect(t).toMatchObject({
      abraDockerMs: 20,
      allChildrenMs: 35,
      abraSumMs: 10,
      dockerSumMs: 15,
      gitSumMs: 10,
      otherSumMs: 10,
      startupMs: 10,
      gapsMs: 10,
      otherOnlyMs: 15,
      otherOnly: ['10 ms git clone', '5 ms sh test_install.sh'],
    });
    expect(t['gaps']).toContain('10 ms after docker stack ps before git clone');
  });
});
