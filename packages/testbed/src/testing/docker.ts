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

export interface StackObjects {
  services: string[];
  volumes: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
  /** Containers whose name starts with the prefix (task containers of the stack). */
  containers: string[];
  /** Every name above, for `expect(x.all).toEqual([])`. */
  all: string[];
}

async function names(args: string[], field: string, prefix: string): Promise<string[]> {
  const r = await execa(
    'docker',
    [...args, '--filter', `name=${prefix}`, '--format', `{{${field}}}`],
    { reject: false },
  );
  if (r.exitCode !== 0)
    throw new Error(`docker ${args.join(' ')} failed: ${String(r.stderr).trim()}`);
  return String(r.stdout)
    .split('\n')
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** Every swarm object whose name starts with `prefix` (use `<stack>_` for one app). */
export async function stackObjects(prefix: string): Promise<StackObjects> {
  if (!prefix) throw new TypeError('stackObjects: prefix must be a non-empty string');
  const [services, volumes, secrets, configs, networks, containers] = await Promise.all([
    names(['service', 'ls'], '.Name', prefix),
    names(['volume', 'ls'], '.Name', prefix),
    names(['secret', 'ls'], '.Name', prefix),
    names(['config', 'ls'], '.Name', prefix),
    names(['network', 'ls'], '.Name', prefix),
    names(['ps', '-a'], '.Names', prefix),
  ]);
  return {
    services,
    volumes,
    secrets,
    configs,
    networks,
    containers,
    all: [...services, ...volumes, ...secrets, ...configs, ...networks, ...containers],
  };
}

/**
 * Remove every swarm object whose name starts with `prefix` — for test cleanup of objects
 * the test itself created (never pass a prefix you do not own).
 */
export async function removeStackObjects(prefix: string): Promise<void> {
  const stack = prefix.replace(/_$/, '');
  await execa('docker', ['stack', 'rm', stack], { reject: false });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const o = await stackObjects(prefix);
    if (o.services.length)
      await execa('docker', ['service', 'rm', ...o.services], { reject: false });
    if (o.containers.length)
      await execa('docker', ['rm', '-f', ...o.containers], { reject: false });
    if (o.volumes.length)
      await execa('docker', ['volume', 'rm', '-f', ...o.volumes], { reject: false });
    if (o.secrets.length) await execa('docker', ['secret', 'rm', ...o.secrets], { reject: false });
    if (o.configs.length) await execa('docker', ['config', 'rm', ...o.configs], { reject: false });
    if (o.networks.length)
      await execa('docker', ['network', 'rm', ...o.networks], { reject: false });
    if ((await stackObjects(prefix)).all.length === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
