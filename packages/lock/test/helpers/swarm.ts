// Real Docker Swarm helpers for the janitor suites: the local busybox image, a fake CI stack
// deployed with `docker stack deploy`, and a brute-force cleanup of everything a suite made.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stackName } from '../../src/index.js';
import { waitFor } from '../../src/wait.js';

export const IMAGE = 'ccci-busybox:latest';

async function docker(args: string[]) {
  return execa('docker', args, { reject: false });
}

/** Builds `ccci-busybox:latest` (FROM scratch + Debian's static busybox) when it is missing. */
export async function ensureBusyboxImage(): Promise<void> {
  if ((await docker(['image', 'inspect', IMAGE])).exitCode === 0) return;
  const dir = await mkdtemp(join(tmpdir(), 'ccci-busybox-'));
  try {
    await copyFile('/bin/busybox', join(dir, 'busybox'));
    await writeFile(
      join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox","--install","-s","/bin"]\n',
    );
    await execa('docker', ['build', '-q', '-t', IMAGE, dir]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A ci domain no other suite uses, so no other janitor sees this suite's stacks as its own. */
export function uniqueCiDomain(): string {
  return `t${randomBytes(4).toString('hex')}.localhost`;
}

/**
 * Deploys a stack like a recipe's: one service with a named volume, a secret named the abra
 * way (`<stack>_<name>_<version>`), a config, and the stack's default network. Resolves once
 * the task runs (its volume exists).
 */
export async function deployFakeStack(domain: string): Promise<string> {
  const stack = stackName(domain);
  const dir = await mkdtemp(join(tmpdir(), 'ccci-stack-'));
  try {
    await writeFile(join(dir, 'secret.txt'), 'not-a-real-secret\n');
    await writeFile(join(dir, 'config.txt'), 'key=value\n');
    await writeFile(
      join(dir, 'compose.yml'),
      [
        'version: "3.8"',
        'services:',
        '  app:',
        `    image: ${IMAGE}`,
        '    command: ["sleep", "3600"]',
        // busybox sleep as PID 1 ignores SIGTERM; do not wait the default 10 s for it.
        '    stop_grace_period: 1s',
        '    volumes: [data:/data]',
        '    secrets: [s1]',
        '    configs: [{ source: c1, target: /c1 }]',
        'volumes:',
        '  data:',
        'secrets:',
        `  s1: { file: ./secret.txt, name: ${stack}_s1_v1 }`,
        'configs:',
        '  c1: { file: ./config.txt }',
        '',
      ].join('\n'),
    );
    await execa('docker', [
      'stack',
      'deploy',
      '--resolve-image',
      'never',
      '-c',
      join(dir, 'compose.yml'),
      stack,
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await waitFor(async () => (await docker(['volume', 'inspect', `${stack}_data`])).exitCode === 0, {
    timeoutMs: 60_000,
    what: `the task of ${stack} to start`,
  });
  return stack;
}

/** Names of every swarm object whose name contains `needle` (e.g. a suite's ci domain). */
export async function objectsContaining(needle: string): Promise<string[]> {
  const lists = await Promise.all(
    [
      ['service', 'ls', '--format', '{{.Name}}'],
      ['volume', 'ls', '--format', '{{.Name}}'],
      ['secret', 'ls', '--format', '{{.Name}}'],
      ['config', 'ls', '--format', '{{.Name}}'],
      ['network', 'ls', '--format', '{{.Name}}'],
    ].map(async (args) => (await docker(args)).stdout.split('\n')),
  );
  return lists
    .flat()
    .filter((n) => n.includes(needle))
    .sort();
}

/** Removes every swarm object whose name contains `needle` — only ever this suite's ci domain. */
export async function removeAllContaining(needle: string): Promise<void> {
  const stacks = (await docker(['stack', 'ls', '--format', '{{.Name}}'])).stdout
    .split('\n')
    .filter((s) => s.includes(needle));
  for (const stack of stacks) await docker(['stack', 'rm', stack]);
  for (const service of (await objectsContaining(needle)).filter(Boolean)) {
    await docker(['service', 'rm', service]);
  }
  await waitFor(
    async () =>
      (await docker(['ps', '-a', '-q', '--filter', `name=${needle}`])).stdout.trim() === '',
    { timeoutMs: 60_000, what: 'test containers to go' },
  );
  for (const kind of ['volume', 'secret', 'config', 'network']) {
    const names = (await docker([kind, 'ls', '--format', '{{.Name}}'])).stdout
      .split('\n')
      .filter((n) => n.includes(needle));
    for (const name of names) {
      await waitFor(
        async () => {
          const r = await docker([kind, 'rm', name]);
          return r.exitCode === 0 || /no such|not found/i.test(r.stderr);
        },
        { timeoutMs: 60_000, what: `${kind} ${name} to go` },
      );
    }
  }
}
