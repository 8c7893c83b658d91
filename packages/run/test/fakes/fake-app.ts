import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpTarget } from '../../src/support/http.js';

/** What the app answers on one path. */
interface Answer {
  status: number;
  body?: string;
}

/** A loopback HTTP server standing in for the gateway and the app behind it. */
export interface FakeApp {
  /** `http://127.0.0.1:<port>`: the run's CCCI_GATEWAY_URL. */
  readonly url: string;
  /** How the harness reaches the app (`ctx.http`). */
  readonly target: HttpTarget;
  /** Paths requested for the app's domain, in order. */
  readonly requests: string[];
  /** From now on `path` answers this (`answer('/', { status: 503 })`). */
  answer(path: string, a: Answer): void;
  /** No route to the app: every request gets traefik's fallback page, as when it is not up. */
  down(): void;
  close(): Promise<void>;
}

/**
 * Starts a real `node:http` server on port 0 that routes as traefik does for one app: a request
 * whose Host is `domain` gets the app's answer for its path (default: 200 on every path the
 * test did not script); any other Host, or the app `down()`, gets traefik's fallback
 * `404 page not found`. Test-only.
 */
export async function startFakeApp(domain: string): Promise<FakeApp> {
  const answers = new Map<string, Answer>();
  const requests: string[] = [];
  let up = true;
  const server = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (host !== domain || !up) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    requests.push(path);
    const a = answers.get(path) ?? { status: 200, body: 'ok' };
    res.writeHead(a.status, { 'content-type': 'text/plain' }).end(a.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    target: { gatewayUrl: url, domain },
    requests,
    answer: (path, a) => {
      up = true;
      answers.set(path, a);
    },
    down: () => {
      up = false;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
