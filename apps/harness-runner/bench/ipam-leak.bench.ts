// Does the order of removal leak overlay addresses? Two ways of ending a service, on a tiny
// overlay network of its own (a /28: 13 usable addresses, so a leak shows in a few cycles):
// - `eager`: remove the service right after creating it, while the swarm is still allocating
//   its task (as a run killed mid-deploy, or a teardown that does not wait);
// - `ordered`: wait until its task runs, remove the service, wait until its tasks are gone and
//   the network shows no endpoint of it (what teardown does: stack rm, then wait, then networks).
// Each mode runs CYCLES cycles (default 100) on a fresh network; after every cycle, a probe
// service must get an address within 20 s, else the network is counted exhausted. Prints, per
// mode, the cycle where allocation first failed (or none) and the addresses the API shows in use
// at the end. Asserts nothing.
import { execa } from 'execa';

const cycles = Number(process.env['CYCLES'] ?? '100');
const image = process.env['IMAGE'] ?? 'ccci-busybox:latest';
const docker = async (...args: string[]) => {
  const r = await execa('docker', args, { reject: false });
  return { ok: r.exitCode === 0, out: String(r.stdout).trim(), err: String(r.stderr).trim() };
};
const until = async (cond: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
};
const taskStates = async (service: string) =>
  (await docker('service', 'ps', service, '--format', '{{.CurrentState}}')).out;
const create = (name: string, net: string) =>
  docker(
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    name,
    '--network',
    net,
    '--restart-condition',
    'none',
    image,
    'sleep',
    '3600',
  );
const inUse = async (net: string) => {
  const r = await docker('network', 'inspect', '-v', net, '--format', '{{json .Services}}');
  const services = JSON.parse(r.out || '{}') as Record<string, { VIP?: string; Tasks?: unknown[] }>;
  let n = 0;
  for (const s of Object.values(services ?? {})) n += (s.VIP ? 1 : 0) + (s.Tasks?.length ?? 0);
  return n;
};

async function mode(name: 'eager' | 'ordered'): Promise<void> {
  const net = `ccci-leak-${name}-${process.pid}`;
  const made = await docker('network', 'create', '-d', 'overlay', '--subnet', '10.231.7.0/28', net);
  if (!made.ok) throw new Error(`network create: ${made.err}`);
  let exhaustedAt: number | undefined;
  const t0 = performance.now();
  try {
    for (let i = 1; i <= cycles && exhaustedAt === undefined; i++) {
      const svc = `${net}-s${i}`;
      await create(svc, net);
      if (name === 'ordered')
        await until(async () => /Running/.test(await taskStates(svc)), 20_000);
      await docker('service', 'rm', svc);
      if (name === 'ordered')
        await until(
          async () => !(await docker('service', 'ps', svc)).ok && (await inUse(net)) === 0,
          20_000,
        );
      // Probe: can a new service still get an address?
      const probe = `${net}-p${i}`;
      await create(probe, net);
      const placed = await until(async () => /Running/.test(await taskStates(probe)), 20_000);
      if (!placed) exhaustedAt = i;
      await docker('service', 'rm', probe);
      await until(
        async () => !(await docker('service', 'ps', probe)).ok && (await inUse(net)) === 0,
        20_000,
      );
    }
  } finally {
    const left = await inUse(net);
    const gone = await until(async () => (await docker('network', 'rm', net)).ok, 30_000);
    console.log(
      `${name}: ${exhaustedAt ? `allocation failed at cycle ${exhaustedAt}` : `no allocation failure in ${cycles} cycles`}; ` +
        `addresses shown in use at the end: ${left}; ${((performance.now() - t0) / 1000).toFixed(0)} s${gone ? '' : ' (network not removed)'}`,
    );
  }
}

await mode('eager');
await mode('ordered');
