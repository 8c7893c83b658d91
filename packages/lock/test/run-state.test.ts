import { lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStateEnvError } from '../src/errors.js';
import { prepareRunDir, readDeployCount, runStatePaths, toEnv } from '../src/index.js';
import { addDeploy, fromEnv, removeRunDir } from '../src/run-state.js';
import { tempDir } from './helpers/tmp.js';

describe('runStatePaths', () => {
  it('keys every path by run id and pid', () => {
    const a = runStatePaths({ runsDir: '/srv/runs', runId: 'r42', pid: 100 });
    const b = runStatePaths({ runsDir: '/srv/runs', runId: 'r42', pid: 101 });
    const c = runStatePaths({ runsDir: '/srv/runs', runId: 'r43', pid: 100 });
    expect(a.runDir).toBe('/srv/runs/r42.100');
    expect(a.deployCountFile).toBe('/srv/runs/r42.100/state/deploy-count');
    expect(a.abraDir).toBe('/srv/runs/r42.100/abra');
    for (const key of Object.keys(a) as (keyof typeof a)[]) {
      expect(a[key]).not.toBe(b[key]);
      expect(a[key]).not.toBe(c[key]);
      expect(a[key].startsWith(a.runDir)).toBe(true);
    }
  });

  it('rejects run ids that are not one safe path segment, and bad pids', () => {
    for (const runId of ['', '..', 'a/b', '../x', '-x', 'a b']) {
      expect(() => runStatePaths({ runsDir: '/r', runId, pid: 1 }), runId).toThrow(/runId: /);
    }
    expect(() => runStatePaths({ runsDir: 'rel', runId: 'r', pid: 1 })).toThrow(/runsDir: .*"rel"/);
    expect(() => runStatePaths({ runsDir: '/r', runId: 'r', pid: 0 })).toThrow(/pid: .*0/);
  });
});

describe('toEnv / fromEnv', () => {
  it('round-trips the paths a child needs', () => {
    const paths = runStatePaths({ runsDir: '/srv/runs', runId: 'r1', pid: 7 });
    const env = toEnv(paths);
    expect(Object.keys(env).sort()).toEqual([
      'ABRA_DIR',
      'CCCI_DEPLOY_COUNT_FILE',
      'CCCI_DEPS_FILE',
      'CCCI_DEP_SKIP_FILE',
      'CCCI_OP_STATE_FILE',
      'CCCI_RUN_DIR',
    ]);
    expect(fromEnv({ ...env, UNRELATED: 'x' })).toEqual({
      deployCountFile: paths.deployCountFile,
      opStateFile: paths.opStateFile,
      depsFile: paths.depsFile,
      depSkipFile: paths.depSkipFile,
      runDir: paths.runDir,
      abraDir: paths.abraDir,
    });
  });

  it('names the missing or malformed variable', () => {
    const env = toEnv(runStatePaths({ runsDir: '/srv/runs', runId: 'r1', pid: 7 }));
    const { CCCI_DEPS_FILE: _, ...missing } = env;
    expect(() => fromEnv(missing)).toThrow(RunStateEnvError);
    expect(() => fromEnv(missing)).toThrow(/CCCI_DEPS_FILE is not set/);
    try {
      fromEnv({ ...env, CCCI_OP_STATE_FILE: 'op.json' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'LOCK_RUN_STATE_ENV', variable: 'CCCI_OP_STATE_FILE' });
      expect((error as Error).message).toMatch(/expected an absolute path, found "op.json"/);
    }
  });
});

describe('prepareRunDir', () => {
  it('links servers/ and catalogue/ to the shared abra dir, makes a fresh recipes/ and a zero counter', async () => {
    const root = await tempDir();
    const shared = join(root, 'abra');
    const paths = runStatePaths({ runsDir: join(root, 'runs'), runId: 'r1', pid: 5 });
    await prepareRunDir({ paths, sharedAbraDir: shared });
    expect(await readlink(join(paths.abraDir, 'servers'))).toBe(join(shared, 'servers'));
    expect(await readlink(join(paths.abraDir, 'catalogue'))).toBe(join(shared, 'catalogue'));
    expect((await lstat(join(paths.abraDir, 'recipes'))).isDirectory()).toBe(true);
    expect(await readDeployCount(paths.deployCountFile)).toBe(0);
    // An app env written through the run's ABRA_DIR lands in the shared dir.
    await writeFile(join(paths.abraDir, 'servers', 'x.env'), 'A=1\n');
    expect(await readFile(join(shared, 'servers', 'x.env'), 'utf8')).toBe('A=1\n');
    // A run dir is never shared: preparing it twice fails.
    await expect(prepareRunDir({ paths, sharedAbraDir: shared })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    await removeRunDir(paths);
    expect(await readdir(join(root, 'runs'))).toEqual([]);
    expect(await readdir(join(shared, 'servers'))).toEqual(['x.env']); // shared dir untouched
  });

  it('counts deploys', async () => {
    const root = await tempDir();
    const paths = runStatePaths({ runsDir: root, runId: 'r1', pid: 5 });
    await prepareRunDir({ paths, sharedAbraDir: join(root, 'abra') });
    expect(await addDeploy(paths.deployCountFile)).toBe(1);
    expect(await addDeploy(paths.deployCountFile)).toBe(2);
    await writeFile(paths.deployCountFile, 'two\n');
    await expect(readDeployCount(paths.deployCountFile)).rejects.toThrow(
      /expected a deploy count .*"two"/,
    );
  });
});
