import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

/**
 * The run-state deploy counter: a file holding one decimal integer (and a newline). The path
 * comes from the run (CCCI_DEPLOY_COUNT_FILE, keyed by run id and harness pid — never by app
 * domain, see CONCURRENCY.md), so two runs of one domain never share a counter.
 */

/** Reads the counter; a missing file counts as 0. Throws a TypeError naming the file when it holds anything but a count. */
export async function readDeployCount(path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new TypeError(
      `deploy count file ${path}: expected a non-negative integer, found ${JSON.stringify(trimmed.slice(0, 40))}`,
    );
  }
  return Number(trimmed);
}

/** Serializes increments per path within this process (the counter's only writer). */
const queues = new Map<string, Promise<unknown>>();

/**
 * Adds one to the counter and returns the new value. Written atomically (temp file in the same
 * directory, then rename), so a reader never sees a torn or empty file.
 */
export function incrementDeployCount(path: string): Promise<number> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const count = (await readDeployCount(path)) + 1;
      const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await writeFile(temp, `${count}\n`, { mode: 0o600 });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(
          `deploy count file ${path}: cannot write it (${code}); check that its directory exists and is writable`,
          { cause: error },
        );
      }
      return count;
    });
  queues.set(path, next);
  next
    .finally(() => {
      if (queues.get(path) === next) queues.delete(path);
    })
    .catch(() => undefined); // the caller handles the rejection of `next` itself
  return next;
}
