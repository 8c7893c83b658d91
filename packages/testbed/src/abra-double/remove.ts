// `abra app undeploy <domain>` (docker stack rm, then wait until the stack's services,
// containers and networks are gone) and `abra app rm <domain> [-f] [--volumes]`: refuses while
// deployed, asks for confirmation unless -f, then removes the app's volumes, secrets, configs
// and env file. Current abra always removes volumes; `--volumes` (older abra's flag) is
// accepted and changes nothing.
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pollUntil } from '@ccci/backoff';
import { loadApp } from './app.js';
import { docker, objectsWithPrefix, SWARM_POLL, stackContainers, stackServices } from './docker.js';
import { fatal, info } from './log.js';

const GONE = { timeoutMs: 120_000, backoff: SWARM_POLL };

export async function undeploy(domain: string | undefined): Promise<void> {
  const app = loadApp(domain);
  if ((await stackServices(app.stack)).length === 0) fatal(`${app.domain} is not deployed?`);
  const r = await docker(['stack', 'rm', app.stack]);
  if (r.exitCode !== 0) fatal(r.stderr.trim());
  const gone = await pollUntil(async () => {
    const [services, containers, networks] = await Promise.all([
      stackServices(app.stack),
      stackContainers(app.stack),
      objectsWithPrefix('network', `${app.stack}_`),
    ]);
    return services.length + containers.length + networks.length === 0;
  }, GONE);
  if (!gone) fatal(`${app.domain}: timed out waiting for the stack to be removed`);
  info(`${app.domain} undeployed`);
}

async function confirm(question: string): Promise<boolean> {
  process.stdout.write(`? ${question} (y/N) `);
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function remove(domain: string | undefined, opts: { force: boolean }): Promise<void> {
  const app = loadApp(domain);
  if ((await stackServices(app.stack)).length > 0) {
    fatal(`${app.domain} is still deployed. Run "abra app undeploy ${app.domain}"`);
  }
  if (!opts.force && !(await confirm(`Are you sure you want to remove ${app.domain}?`))) {
    fatal('aborting as requested');
  }
  const prefix = `${app.stack}_`;
  // Containers of a removed stack linger until swarm reaps them; volumes in use cannot go.
  await pollUntil(async () => (await stackContainers(app.stack)).length === 0, GONE);
  for (const kind of ['volume', 'secret', 'config'] as const) {
    const names = await objectsWithPrefix(kind, prefix);
    if (names.length === 0) continue;
    const r = await docker([kind, 'rm', ...names]);
    if (r.exitCode !== 0) fatal(`removing ${kind}s of ${app.domain}: ${r.stderr.trim()}`);
    info(`removed ${kind}s: ${names.join(', ')}`);
  }
  rmSync(app.envPath, { force: true });
  info(`${app.domain} removed`);
}
