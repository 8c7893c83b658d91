// STAND-IN for traefik (its image cannot be pulled here): a loopback HTTP gateway that routes
// by Host header to the host-mode-published port of the swarm service whose traefik labels
// claim that host, the way the Co-op Cloud traefik recipe routes in production:
//   traefik.http.routers.<r>.rule=Host(`domain`)
//   traefik.http.services.<s>.loadbalancer.server.port=<container port>
// An unknown host gets traefik's fallback — Go's http.NotFound: 404, text/plain,
// "404 page not found" — so a caller can tell the proxy's fallback from the app. Requests in
// absolute form (`GET http://host/path`, as a browser sends to an HTTP proxy) work too, so
// Chromium can use the gateway as its proxy (`--proxy-server`).
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';

export interface GatewayOptions {
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Address to listen on; default `127.0.0.1` (loopback only). */
  host?: string;
  /** How long a routing table read from docker stays fresh, in ms; default 1000. */
  refreshMs?: number;
}

export interface Route {
  host: string;
  /** Swarm service name, e.g. `web-a1b2c3_ci_localhost_app`. */
  service: string;
  /** Host-mode published port the gateway forwards to. */
  port: number;
}

export interface Gateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The current routing table (re-read from docker). */
  routes(): Promise<Route[]>;
  close(): Promise<void>;
}

interface ServiceInfo {
  Spec: { Name: string; Labels?: Record<string, string> };
  Endpoint?: { Ports?: Array<{ TargetPort: number; PublishedPort: number; PublishMode: string }> };
}

/** Hosts named by a traefik rule: Host(`a`), Host(`a`, `b`), Host(`a`) || Host(`b`). */
export function hostsOfRule(rule: string): string[] {
  const hosts: string[] = [];
  for (const m of rule.matchAll(/Host\(([^)]*)\)/g)) {
    for (const h of (m[1] ?? '').matchAll(/`([^`]+)`/g)) hosts.push((h[1] ?? '').toLowerCase());
  }
  return hosts;
}

/** Routes of one service from its labels and published ports. */
export function routesOfService(svc: ServiceInfo): Route[] {
  const labels = svc.Spec.Labels ?? {};
  const lbPorts = new Map<string, number>();
  for (const [k, v] of Object.entries(labels)) {
    const m = /^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$/.exec(k);
    if (m) lbPorts.set(m[1] as string, Number(v));
  }
  const published = svc.Endpoint?.Ports ?? [];
  const routes: Route[] = [];
  for (const [k, rule] of Object.entries(labels)) {
    const m = /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k);
    if (!m) continue;
    const router = m[1] as string;
    const named = labels[`traefik.http.routers.${router}.service`];
    const target = named ? lbPorts.get(named) : (lbPorts.get(router) ?? [...lbPorts.values()][0]);
    const pub = published.find(
      (p) => p.PublishMode === 'host' && (target === undefined || p.TargetPort === target),
    );
    if (!pub) continue;
    for (const host of hostsOfRule(rule))
      routes.push({ host, service: svc.Spec.Name, port: pub.PublishedPort });
  }
  return routes;
}

/** The routes on the swarm now, or undefined when docker could not say (keep the last table). */
async function readRoutes(): Promise<Route[] | undefined> {
  const ids = await execa(
    'docker',
    ['service', 'ls', '-q', '--filter', 'label=traefik.enable=true'],
    { reject: false },
  );
  if (ids.exitCode !== 0) return undefined;
  const list = String(ids.stdout).split('\n').filter(Boolean);
  if (list.length === 0) return [];
  const inspect = async (names: string[]) => {
    const r = await execa('docker', ['service', 'inspect', ...names], { reject: false });
    return r.exitCode === 0 ? (JSON.parse(String(r.stdout)) as ServiceInfo[]) : undefined;
  };
  // A service removed between ls and inspect makes inspect fail for all of them: then each is
  // read on its own, so the others' routes stay (a busy swarm removes services all the time).
  const all =
    (await inspect(list)) ??
    (await Promise.all(list.map((id) => inspect([id])))).flatMap((one) => one ?? []);
  return all.flatMap(routesOfService);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end('404 page not found\n');
}

/** Start the gateway. See {@link GatewayOptions} for defaults. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const { port = 0, host = '127.0.0.1', refreshMs = 1000 } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`startGateway: option port must be 0..65535, got ${String(port)}`);
  if (typeof host !== 'string' || host === '')
    throw new TypeError(
      `startGateway: option host must be a non-empty string, got ${String(host)}`,
    );
  if (!(refreshMs >= 0))
    throw new TypeError(`startGateway: option refreshMs must be >= 0, got ${String(refreshMs)}`);

  let table = new Map<string, Route>();
  let readAt = 0;
  let pending: Promise<void> | undefined;
  const refresh = () => {
    pending ??= readRoutes()
      .then((routes) => {
        if (routes) table = new Map(routes.map((r) => [r.host, r]));
        readAt = Date.now();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const lookup = async (name: string): Promise<Route | undefined> => {
    if (Date.now() - readAt > refreshMs || !table.has(name)) await refresh();
    return table.get(name);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let path = req.url ?? '/';
    let hostHeader = req.headers.host ?? '';
    if (/^https?:\/\//i.test(path)) {
      const u = new URL(path);
      hostHeader = u.host;
      path = `${u.pathname}${u.search}`;
    }
    const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
    const route = name ? await lookup(name) : undefined;
    if (!route) return notFound(res);
    const upstream = request(
      {
        host: '127.0.0.1',
        port: route.port,
        method: req.method,
        path,
        headers: {
          ...req.headers,
          host: hostHeader,
          'x-forwarded-host': hostHeader,
          'x-forwarded-proto': 'http',
          'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
        },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      // Like traefik when the backend refuses: 502 Bad Gateway; re-read routes next time.
      readAt = 0;
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad Gateway');
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    routes: async () => {
      await refresh();
      return [...table.values()];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
