import { execaDocker, removeStack } from '@ccci/lock';

/**
 * A test stack: `<app>_t<8 hex>_localhost` (uniqueCiDomain's domain, dots made underscores),
 * and a service of it `<stack>_<name>` (the name may hold `_`; the stack part cannot). No
 * production CI domain has this shape.
 */
const TEST_SERVICE = /^([a-z0-9-]+_t[0-9a-f]{8}_localhost)_.+$/;

/** `docker service inspect`'s format: the name and the creation time (RFC 3339). */
const NAME_CREATED = '{{.Spec.Name}} {{.CreatedAt.Format "2006-01-02T15:04:05Z07:00"}}';

/** Older than any test run (a whole suite takes under an hour even on a loaded host). */
export const STALE_AFTER_MS = 3 * 3600_000;

/**
 * The test stacks whose services are all older than `staleAfterMs`: left by a test process that
 * was killed (a worker ended by vitest, a Ctrl-C), so no afterAll removed them. Each holds
 * addresses on `proxy` and host ports for good. Pure, for the test: services as name → created.
 */
export function staleTestStacks(
  services: ReadonlyMap<string, Date>,
  now: Date,
  staleAfterMs = STALE_AFTER_MS,
): string[] {
  const youngest = new Map<string, number>();
  for (const [name, created] of services) {
    const stack = TEST_SERVICE.exec(name)?.[1];
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
  const ls = await execaDocker(['service', 'ls', '--format', '{{.Name}}']);
  if (ls.exitCode !== 0) return [];
  const names = ls.stdout.split('\n').filter((n) => TEST_SERVICE.test(n));
  if (names.length === 0) return [];
  const inspect = await execaDocker(['service', 'inspect', '--format', NAME_CREATED, ...names]);
  const services = new Map<string, Date>();
  for (const line of inspect.stdout.split('\n')) {
    const [name, created] = line.trim().split(' ');
    if (name && created) services.set(name, new Date(created));
  }
  const stale = staleTestStacks(services, new Date());
  for (const stack of stale) {
    process.stderr.write(`removing the test stack ${stack}: left by a killed test run\n`);
    await removeStack(execaDocker, stack, { timeoutMs: 60_000 });
  }
  return stale;
}
