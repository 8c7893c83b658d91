// What a test's recipe code observes reaches the test over loopback HTTP: recipe code runs in
// the sandbox (no Docker socket, no test folders), so it reports here, and asks the test (which
// has Docker) to look inside a container for it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';

export interface Observer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What was reported, by name. */
  seen: Map<string, string>;
  /** A shell line that reports the output of `cmd` (run in the sandbox) as `name`. */
  put(name: string, cmd: string): string;
  /** A shell line that has the test run `cmd` in `<stack of $domainVar>_<service>` as `name`. */
  exec(name: string, domainVar: string, service: string, cmd: string): string;
  close(): Promise<void>;
}

export async function startObserver(): Promise<Observer> {
  const seen = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const [, kind, name] = url.pathname.split('/');
      if (kind === 'put' && name) {
        seen.set(name, body);
        res.end();
        return;
      }
      if (kind === 'exec' && name) {
        const stack = (url.searchParams.get('domain') ?? '').replaceAll('.', '_');
        const service = url.searchParams.get('service') ?? '';
        void (async () => {
          const ps = await execa('docker', ['ps', '-q', '-f', `name=${stack}_${service}.`]);
          const id = ps.stdout.split('\n')[0] ?? '';
          const r = await execa('docker', ['exec', id, 'sh', '-c', body], { reject: false });
          seen.set(name, r.stdout);
          res.end();
        })().catch((error: Error) => {
          seen.set(name, `error: ${error.message}`);
          res.statusCode = 500;
          res.end();
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return {
    url,
    seen,
    put: (name, cmd) => `(${cmd}) | curl -sf --data-binary @- ${url}/put/${name}`,
    exec: (name, domainVar, service, cmd) =>
      `curl -sf --data-binary ${quote(cmd)} "${url}/exec/${name}?domain=$${domainVar}&service=${service}"`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
