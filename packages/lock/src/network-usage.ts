// Addresses in use on an overlay network against its range. Every deploy takes addresses on
// `proxy` (a virtual IP per service, one per task); when the range runs out, new tasks stay in
// state `new` for ever. What the API shows is what is allocated to live services and tasks:
// addresses the swarm's allocator leaked are not visible, which is why the range must be large
// and a deploy is watched for unplaced tasks (@ccci/run support/placement.ts).
import type { DockerRunner } from './docker.js';

export interface NetworkUsage {
  network: string;
  subnets: string[];
  /** Usable addresses of all subnets (network, broadcast and gateway excluded). */
  capacity: number;
  /** Addresses the API shows in use: service VIPs, task endpoints, the load balancer, gateways. */
  used: number;
  /** used ÷ capacity, 0–1. */
  ratio: number;
}

/** Share of the range above which the janitor warns. */
export const NETWORK_WARN_RATIO = 0.8;

interface VerboseNetwork {
  IPAM?: { Config?: { Subnet?: string }[] };
  Services?: Record<string, { VIP?: string; Tasks?: { EndpointIP?: string }[] }>;
  Containers?: Record<string, { IPv4Address?: string }>;
}

export function usableAddresses(cidr: string): number {
  const bits = Number(/^\d+\.\d+\.\d+\.\d+\/(\d+)$/.exec(cidr)?.[1]);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return 0;
  return Math.max(0, 2 ** (32 - bits) - 3);
}

/** Parses `docker network inspect -v <net>` JSON into a usage figure. */
export function usageOf(network: string, v: VerboseNetwork): NetworkUsage {
  const subnets = (v.IPAM?.Config ?? []).map((c) => c.Subnet ?? '').filter(Boolean);
  const addresses = new Set<string>();
  for (const s of Object.values(v.Services ?? {})) {
    if (s.VIP) addresses.add(s.VIP);
    for (const t of s.Tasks ?? []) if (t.EndpointIP) addresses.add(t.EndpointIP);
  }
  for (const c of Object.values(v.Containers ?? {}))
    if (c.IPv4Address) addresses.add(c.IPv4Address.split('/')[0] as string);
  const capacity = subnets.reduce((n, s) => n + usableAddresses(s), 0);
  const used = addresses.size;
  return { network, subnets, capacity, used, ratio: capacity > 0 ? used / capacity : 1 };
}

/** Usage of one network, or undefined when it cannot be inspected. */
export async function networkUsage(
  docker: DockerRunner,
  network: string,
): Promise<NetworkUsage | undefined> {
  const r = await docker(['network', 'inspect', '-v', network, '--format', '{{json .}}']);
  if (r.exitCode !== 0) return undefined;
  try {
    return usageOf(network, JSON.parse(r.stdout) as VerboseNetwork);
  } catch {
    return undefined;
  }
}
