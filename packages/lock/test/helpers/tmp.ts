import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh real temp dir, removed when the calling test ends (the test's own removal, not a
 * file-level hook of this shared module: see recipe-meta's test helpers).
 */
export async function tempDir(prefix = 'ccci-lock-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
