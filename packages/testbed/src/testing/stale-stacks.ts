import { execaDocker, removeStack } from '@ccci/lock';

/**
 * A test stack: `<app>_t<8 hex>_localhost` (uniqueCiDomain's domain, dots made underscores),
 * and an object of it `<stack>_<name>` (the name may hold `_`; the stack part cannot): a
 * service, volume, secret, config or network. No production CI domain has this shape.
 */
const TEST_OBJECT = /^([a-z0-9-]+_t[0-9a-f]{8}_localhost)_.+$/;

const RFC3339 = '"2006-01-02T15:04:05Z07:00"';
/**
 * Each kind's list and its inspect format: the name and the creation time (RFC 3339). A
 * volume's CreatedAt is already a string; the others are times.
 */
const KINDS = [
  ['service', `{{.Spec.Name}} {{.CreatedAt.Format ${RFC3339}}}`],
  ['volume', '{{.Name}} {{.CreatedAt}}'],
  ['secret', `{{.Spec.Name}} {{.CreatedAt.Format ${RFC3339}}}`],
  ['config', `{{.Spec.Name}} {{.CreatedAt.Format ${RFC3339}}}`],
  ['network', `{{.Name}} {{.Created.Format ${RFC3339}}}`],
] as const;

/** Older than any test run (a whole suite takes under an hour even on a loaded host). */
export const STALE_AFTER_MS = 3 * 3600_000;

/**
 * The test stacks whose objects are all older than `staleAfterMs`: left by a test process that
 * was killed (a worker ended by vitest, a Ctrl-C), so no afterAll removed them. Services hold
 * addresses on `proxy` and host ports for good; a stack's volumes and secrets outlive its
 * services when the kill came during teardown. Pure, for the test: objects as [name, created]
 * pairs (a service and a volume may share a name: each counts; an unknown time keeps its stack).
 */
export function staleTestStacks(
  objects: Iterable<readonly [name: string, created: Date]>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): string[] {
  const youngest = new Map<string, number>();
  for (const [name, created] of objects) {
    const stack = TEST_OBJECT.exec(name)?.[1];
    if (stack === undefined) continue;
    youngest.set(stack, Math.max(youngest.get(stack) ?? 0, created.getTime()));
  }
  return [...youngest]
    .filter(([, t]) => Number.isFinite(t) && now.getTime() - t > staleAfterMs)
    .map(([stack]) => stack)
    .sort();
}

/**
 * Removes the test stacks older than {@link STALE_AFTER_MS} and says which on stderr. Quietly
 * does nothing where docker cannot list (no daemon: the fast tests still run).
 */
export async function sweepStaleTestStacks(): Promise<string[]> {
  const objects: [string, Date][] = [];
  for (const [kind, format] of KINDS) {
    const ls = await execaDocker([kind, 'ls', '--format', '{{.Name}}']);
    if (ls.exitCode !== 0) return [];
    const names = ls.stdout.split('\n').filter((n) => TEST_OBJECT.test(n));
    if (names.length === 0) continue;
    // An object removed between the list and the inspect fails the inspect: then its age is
    // unknown and it keeps its stack until the next sweep.
    const inspect = await execaDocker([kind, 'inspect', '--format', format, ...names]);
    const dated = new Map<string, Date>();
    for (const line of inspect.stdout.split('\n')) {
      const [name, created] = line.trim().split(' ');
      if (name && created) dated.set(name, new Date(created));
    }
    for (const name of names) objects.push([name, dated.get(name) ?? new Date(Number.NaN)]);
  }
  const stale = staleTestStacks(objects, new Date());
  for (const stack of stale) {
    process.stderr.write(`removing the test stack ${stack}: left by a killed test run\n`);
    await removeStack(execaDocker, stack, { timeoutMs: 60_000 });
  }
  return stale;
}
