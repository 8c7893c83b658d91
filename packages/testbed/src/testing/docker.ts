import { execaDocker, listStackObjects, removeStack, type StackObjects } from '@ccci/lock';
import { execa, execaSync } from 'execa';

// vitest only inside a vitest worker (it sets VITEST): the package is also imported by bench
// scripts and the demo (gateway, fixtures), where importing vitest throws.
const vitest = process.env['VITEST'] ? await import('vitest') : undefined;

export type DockerStatus = { ok: true } | { ok: false; reason: string };

let cached: DockerStatus | undefined;

/** Whether Docker with an active Swarm can run here (checked once per process). */
export function dockerAvailable(): DockerStatus {
  if (cached) return cached;
  try {
    const r = execaSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], {
      reject: false,
      timeout: 20_000,
    });
    if (r.failed && r.exitCode === undefined)
      cached = { ok: false, reason: `docker CLI not runnable: ${r.shortMessage}` };
    else if (r.exitCode !== 0)
      cached = {
        ok: false,
        reason: `docker daemon unreachable: ${String(r.stderr).trim().split('\n')[0]}`,
      };
    else if (String(r.stdout).trim() !== 'active')
      cached = {
        ok: false,
        reason: `swarm not active (state ${String(r.stdout).trim() || 'unknown'})`,
      };
    else cached = { ok: true };
  } catch (e) {
    cached = { ok: false, reason: `docker CLI not runnable: ${(e as Error).message}` };
  }
  return cached;
}

/**
 * For a benchmark script, before it starts: where Docker with an active Swarm cannot run,
 * prints `<bench>: skipped — <reason>` and ends the process with status 0 (a bench asserts
 * nothing, so a machine without the swarm is no failure).
 */
export function exitUnlessDocker(bench: string): void {
  const status = dockerAvailable();
  if (status.ok) return;
  console.log(`${bench}: skipped — ${status.reason}`);
  process.exit(0);
}

const SETUP_HINT = 'run `bash packages/testbed/scripts/setup.sh` (root) to install and start it';

/**
 * `describe` for suites that need Docker Swarm. Skips with a loud reason only when docker
 * truly cannot run; when `CI` is set a missing docker is a failing test, never a skip. Adds
 * a `beforeAll` that fails clearly when the test image or the `proxy` network is missing.
 */
export function describeDocker(name: string, fn: () => void): void {
  if (!vitest) throw new Error('describeDocker: call it from a vitest test file');
  const { beforeAll, describe, it } = vitest;
  const status = dockerAvailable();
  if (!status.ok) {
    if (process.env['CI']) {
      describe(name, () => {
        it('needs Docker Swarm (CI must run docker suites)', () => {
          throw new Error(`Docker Swarm unavailable in CI: ${status.reason}; ${SETUP_HINT}`);
        });
      });
      return;
    }
    process.stderr.write(
      `\n*** SKIPPING docker suite "${name}": ${status.reason}; ${SETUP_HINT} ***\n\n`,
    );
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    beforeAll(async () => {
      const image = await execa('docker', ['image', 'inspect', 'ccci-busybox:latest'], {
        reject: false,
      });
      const net = await execa('docker', ['network', 'inspect', 'proxy'], { reject: false });
      const missing = [
        image.exitCode !== 0 && 'image ccci-busybox:latest',
        net.exitCode !== 0 && 'network proxy',
      ].filter(Boolean);
      if (missing.length > 0)
        throw new Error(`testbed not set up: missing ${missing.join(' and ')}; ${SETUP_HINT}`);
    });
    fn();
  });
}

function stackOf(prefix: string): string {
  if (!/^[^_\s].*_$/.test(prefix))
    throw new TypeError(`prefix: expected "<stack>_", found ${JSON.stringify(prefix)}`);
  return prefix.slice(0, -1);
}

/** Every swarm object of the stack `<stack>_` names (@ccci/lock listStackObjects). */
export function stackObjects(prefix: string): Promise<StackObjects> {
  return listStackObjects(execaDocker, stackOf(prefix));
}

/**
 * Removes every swarm object of the stack `<stack>_` names (@ccci/lock removeStack: services,
 * then their containers, volumes, secrets, configs, networks) — for test cleanup of objects
 * the test itself created (never pass a prefix you do not own). Resolves to what is left.
 */
export function removeStackObjects(prefix: string): Promise<StackObjects> {
  return removeStack(execaDocker, stackOf(prefix), { timeoutMs: 60_000 });
}
