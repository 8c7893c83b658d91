import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { describe, expect, it } from 'vitest';
import { incrementDeployCount, readDeployCount } from '../src/index.js';

const tmp = tempDirPerTest('ccci-deploys-');

describe('deploy counter', () => {
  it('reads a missing file as 0', async () => {
    await expect(readDeployCount(join(tmp.path, 'deploys'))).resolves.toBe(0);
  });

  it('counts every increment, also when they overlap, and leaves no temp file', async () => {
    const file = join(tmp.path, 'deploys');
    const results = await Promise.all(Array.from({ length: 25 }, () => incrementDeployCount(file)));
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await expect(readDeployCount(file)).resolves.toBe(25);
    expect(readdirSync(tmp.path)).toEqual(['deploys']);
  });

  it('names the file and what it found when the content is not a count', async () => {
    const file = join(tmp.path, 'deploys');
    writeFileSync(file, 'two\n');
    await expect(readDeployCount(file)).rejects.toThrow(
      `deploy count file ${file}: expected a non-negative integer, found "two"`,
    );
    await expect(incrementDeployCount(file)).rejects.toThrow(TypeError);
    // A failed increment changes nothing.
    await expect(readDeployCount(file)).rejects.toThrow(/found "two"/);
  });

  it('names the counter file when it cannot be written', async () => {
    const file = join(tmp.path, 'missing-dir', 'deploys');
    await expect(incrementDeployCount(file)).rejects.toThrow(
      `deploy count file ${file}: cannot write it (ENOENT)`,
    );
  });
});
