import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet, waitServing } from '../src/support/http.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback app that gives the answers in `script` in turn (the last one from then on). */
async function app(script: Array<[number, string]>) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.headers.host} ${req.url}`);
    const [status, body] = script[Math.min(seen.length, script.length) - 1] ?? [500, ''];
    res.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { seen, target: { gatewayUrl: `http://127.0.0.1:${port}`, domain: 'app.ci.localhost' } };
}

describe('waitServing', () => {
  it("waits past the proxy's fallback page and a 503 for the app's own answer", async () => {
    const { seen, target } = await app([
      [404, '404 page not found'],
      [503, 'starting'],
      [200, 'ok'],
    ]);
    const r = await waitServing(target, '/health', [200], 60_000);
    expect(r).toMatchObject({ ok: true, last: 'HTTP 200' });
    expect(seen).toEqual(Array(3).fill('app.ci.localhost /health'));
  });

  it('with no time left asks once and says what it saw last', async () => {
    const fallback = await app([[404, '404 page not found\n']]);
    expect(await waitServing(fallback.target, '/', [200], 0)).toMatchObject({
      ok: false,
      last: "the proxy's fallback page (404 page not found): no route to the app",
    });
    expect(fallback.seen).toHaveLength(1);
  });

  it('a 4xx the recipe does not expect is not serving', async () => {
    const { seen, target } = await app([[401, 'who are you']]);
    expect(await waitServing(target, '/', [200, 302], 0)).toMatchObject({
      ok: false,
      last: 'HTTP 401',
    });
    expect(seen).toHaveLength(1);
  });

  it('a cancelled run stops waiting at once: "cancelled"', async () => {
    const { target } = await app([[503, 'starting']]);
    const r = await waitServing(target, '/', [200], 60_000, AbortSignal.abort());
    expect(r).toMatchObject({ ok: false, last: 'cancelled' });
  });
});

describe('httpGet: a path from the recipe stays on the app', () => {
  it('refuses a path that resolves to another host, and asks nobody', async () => {
    const { seen, target } = await app([[200, 'the app']]);
    const other = await new Promise<Server>((resolve) => {
      const s = createServer((_req, res) => res.writeHead(200).end('another service'));
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (other.address() as AddressInfo).port;
    try {
      for (const path of [
        `//127.0.0.1:${port}/admin`,
        `/\\127.0.0.1:${port}/admin`,
        `/\t/127.0.0.1:${port}/admin`,
        `http://127.0.0.1:${port}/admin`,
        `https://example.org/`,
        'admin',
      ]) {
        await expect(httpGet(target, path), path).rejects.toThrow(/is not a path of the app/);
      }
      expect(seen).toEqual([]);
      expect((await httpGet(target, '/a//b?x=//c')).body).toBe('the app');
      expect(seen).toEqual(['app.ci.localhost /a//b?x=//c']);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
