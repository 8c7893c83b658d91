// `abra app ps <domain> [-m]`, `abra app run <domain> <service> [--] <cmd…>` (exec in a
// running container of the service; a TTY unless -t/--no-tty, like abra) and
// `abra app logs <domain> [service] [-f]` (the double prints and exits unless -f).
import { execa } from 'execa';
import { loadApp } from './app.js';
import { docker, lines, runningContainer, stackServices } from './docker.js';
import { fatal, out } from './log.js';
import { renderTable } from './table.js';

export async function ps(domain: string | undefined, machine: boolean): Promise<void> {
  const app = loadApp(domain);
  const services = await stackServices(app.stack);
  if (services.length === 0) fatal(`${app.domain} is not deployed?`);
  const rows: string[][] = [];
  for (const s of services) {
    const r = await docker([
      'service',
      'ps',
      s.name,
      '--filter',
      'desired-state=running',
      '--format',
      '{{.Image}}\t{{.CurrentState}}\t{{.Ports}}',
    ]);
    const [image = '', state = '', ports = ''] = (lines(r.stdout)[0] ?? '').split('\t');
    rows.push([s.name.slice(app.stack.length + 1), image, state, s.replicas, ports]);
  }
  if (machine) {
    out(
      JSON.stringify(
        rows.map(([service, image, state, replicas, ports]) => ({
          service,
          image,
          state,
          replicas,
          ports,
        })),
      ),
    );
  } else out(renderTable(['service', 'image', 'state', 'replicas', 'ports'], rows));
}

export async function run(
  domain: string | undefined,
  service: string | undefined,
  cmd: string[],
  opts: { noTty: boolean; user: string | undefined },
): Promise<number> {
  const app = loadApp(domain);
  if (!service) fatal('no service provided');
  if (cmd.length === 0) fatal('no command provided');
  const container = await runningContainer(app.stack, service);
  const args = ['exec', '-i'];
  if (!opts.noTty && process.stdin.isTTY) args.push('-t');
  if (opts.user) args.push('-u', opts.user);
  const r = await execa('docker', [...args, container, ...cmd], {
    reject: false,
    stdio: 'inherit',
  });
  return r.exitCode ?? 1;
}

export async function logs(
  domain: string | undefined,
  service: string | undefined,
  opts: { follow: boolean; tail: string | undefined },
): Promise<void> {
  const app = loadApp(domain);
  const services = (await stackServices(app.stack)).map((s) => s.name);
  if (services.length === 0) fatal(`${app.domain} is not deployed?`);
  const chosen = service ? services.filter((s) => s === `${app.stack}_${service}`) : services;
  if (chosen.length === 0) fatal(`service ${service} not found in ${app.domain}`);
  await Promise.all(
    chosen.map((s) => {
      const args = ['service', 'logs', '--no-task-ids', '--tail', opts.tail ?? 'all'];
      if (opts.follow) args.push('--follow');
      return execa('docker', [...args, s], { reject: false, stdio: 'inherit' });
    }),
  );
}
