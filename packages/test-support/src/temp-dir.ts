import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perTest } from './per-test.js';

/** A test's own folder: `path` is a new empty folder for each test, removed after it. */
export interface TempDir {
  readonly path: string;
}

/**
 * A new empty folder under the system's temp folder (named `<prefix>XXXXXX`) before each test
 * of the calling file or describe block, removed with everything in it after the test.
 */
export function tempDirPerTest(prefix: string): TempDir {
  return perTest(
    async () => ({ path: mkdtempSync(join(tmpdir(), prefix)) }),
    (dir) => rmSync(dir.path, { recursive: true, force: true }),
  );
}
