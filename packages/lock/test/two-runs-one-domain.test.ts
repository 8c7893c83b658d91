import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture, type FixtureEvent } from './helpers/proc.js';
import { tempDir } from './helpers/tmp.js';

const domain = 'cust-a1b2c3.ci.localhost';

/**
 * The interleaving that broke the old system: run A (2 deploys) is mid-run when run B
 * (1 deploy) of the same domain starts. B goes as far as it is allowed; A checks its deploy
 * counter; B cleans up if it could run; A cleans up; B finishes. Each run gets `dirs` (its
 * fixture's directory arguments), the domain, its run id and deploy count.
 */
async function interleave(kind: 'naive-run' | 'isolated-run', dirs: string[]) {
  const argv = (runId: string, deploys: number) => [
    ...dirs,
    '--domain',
    domain,
    '--runId',
    runId,
    '--deploys',
    String(deploys),
  ];
  const a = new Fixture(kind, argv('run-a', 2));
  await a.next('deployed');
  const b = new Fixture(kind, argv('run-b', 1));
  const bFirst = await b.nextOf('deployed', 'waiting-for-lock');
  a.send('check');
  const aChecked = await a.next('checked');
  let bChecked: FixtureEvent | undefined;
  if (bFirst.event === 'deployed') {
    b.send('check');
    bChecked = await b.next('checked');
    b.send('cleanup');
    await b.exited;
  }
  a.send('cleanup');
  const aExit = await a.exited;
  if (!bChecked) {
    await b.next('deployed');
    b.send('check');
    bChecked = await b.next('checked');
    b.send('cleanup');
  }
  const bExit = await b.exited;
  return { a, b, bFirst, aChecked, bChecked, aExit, bExit };
}

describe('two runs on one app domain (real processes)', { timeout: 90_000 }, () => {
  it('domain-keyed state (the old system): the second run resets the first one’s deploy counter and its cleanup crashes the first', async () => {
    const shared = await tempDir();
    const r = await interleave('naive-run', ['--shared', shared]);
    expect(r.bFirst.event).toBe('deployed'); // nothing stopped B
    expect(r.aChecked).toMatchObject({ expected: 2, count: 1 }); // reset by B
    expect(r.aExit.code).not.toBe(0);
    expect(r.aExit.stderr).toMatch(/ENOENT/); // B's cleanup removed A's op state
  });

  it('run-id+pid state under the domain lock: the runs serialize, counters stay right, both clean up', async () => {
    const root = await tempDir();
    const runsDir = join(root, 'runs');
    const r = await interleave('isolated-run', [
      '--locksDir',
      join(root, 'locks'),
      '--runsDir',
      runsDir,
      '--sharedAbra',
      join(root, 'abra'),
    ]);
    expect(r.bFirst.event).toBe('waiting-for-lock');
    expect(r.aChecked).toMatchObject({ expected: 2, count: 2 });
    expect(r.bChecked).toMatchObject({ expected: 1, count: 1 });
    expect(r.aExit).toMatchObject({ code: 0 });
    expect(r.bExit).toMatchObject({ code: 0 });
    // B only took the lock once A was giving it back.
    const aReleasing = await r.a.next('releasing');
    const bLocked = await r.b.next('locked');
    expect(bLocked.at).toBeGreaterThanOrEqual(aReleasing.at);
    // Nothing left behind: no run dirs, no lock, no owner file.
    expect(await readdir(runsDir)).toEqual([]);
    expect(await readdir(join(root, 'locks'))).toEqual([]);
  });
});
