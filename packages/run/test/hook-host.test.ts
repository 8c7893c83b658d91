// The hooks process is recipe code: whatever it writes to its channel, the harness goes on.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunCtx } from '../src/context.js';
import { serve } from '../src/hooks.js';
import { HookHost } from '../src/support/hook-host.js';

const FILE = join(import.meta.dirname, 'fixtures', 'hooks', 'hostile.ts');
const handlers = { log() {}, request: async () => undefined };
const host = (output: string[] = []) =>
  new HookHost({
    file: FILE,
    read: [],
    sandbox: undefined,
    signal: new AbortController().signal,
    output: (t) => output.push(t),
  });
const ctxArg = (op: string) => [
  { $ctx: { domain: 'd', baseUrl: 'b', meta: {}, deps: {}, op, runId: 'r' } },
];

describe('hook host (a real child process)', () => {
  it('runs a hook and returns its value', async () => {
    const h = host();
    expect(await h.call('preInstall', ctxArg('install'), handlers, 20_000)).toBe('fine');
    h.kill();
  }, 30_000);

  it.each([
    ['garbage', /malformed message/],
    ['huge', /over 8388608 bytes/],
    ['exit', /exited/],
  ])(
    'a hook that writes %s to its channel is stopped; the next call gets a fresh process',
    async (op, said) => {
      const output: string[] = [];
      const h = host(output);
      await expect(h.call('preInstall', ctxArg(op), handlers, 20_000)).rejects.toThrow();
      if (op === 'garbage') expect(output.join('')).toMatch(said);
      expect(await h.call('preInstall', ctxArg('install'), handlers, 20_000)).toBe('fine');
      h.kill();
    },
    60_000,
  );

  it('a forged answer for another call id is not taken', async () => {
    const h = host();
    // Call 1 is this one: the forged `done` for id 1 arrives while it waits… and is its own id,
    // so the host takes only answers matching a call it made; a second call checks the id.
    await h.call('preInstall', ctxArg('install'), handlers, 20_000);
    await expect(h.call('preInstall', ctxArg('forged'), handlers, 3_000)).rejects.toThrow(
      /did not finish/,
    );
    h.kill();
  }, 30_000);
});

describe('requests a hook makes are checked', () => {
  const ctx = {
    domain: 'app.ci.localhost',
    config: { gatewayUrl: 'http://127.0.0.1:1' },
    http: {},
  } as unknown as RunCtx;
  const calls: string[] = [];
  const page = {
    goto: async (u: string) => void calls.push(`goto ${u}`),
    fill: async () => {},
    click: async () => {},
    waitForURL: async () => {},
    waitForLoadState: async () => {},
    url: () => 'http://app.ci.localhost/',
    screenshot: async () => void calls.push('screenshot'),
    evaluate: async () => void calls.push('evaluate'),
  };
  const pageReq = (method: string, args: unknown[]) =>
    serve(ctx, undefined, page, { kind: 'page', method: method as 'goto', args });

  it('page methods outside the allowed few are refused', async () => {
    for (const m of ['screenshot', 'evaluate', 'constructor', '__proto__'])
      await expect(pageReq(m, [{ path: '/etc/x' }])).rejects.toThrow(/refused/);
    expect(calls).toEqual([]);
  });

  it('goto opens only the app over http(s); options cannot write files', async () => {
    await expect(pageReq('goto', ['file:///etc/shadow'])).rejects.toThrow(/may only open the app/);
    await expect(pageReq('goto', ['http://169.254.169.254/latest'])).rejects.toThrow(
      /may only open the app/,
    );
    await expect(pageReq('goto', ['/', { path: '/root/x' }])).rejects.toThrow(/option path/);
    await pageReq('goto', ['/login', { timeout: 5_000 }]);
    expect(calls).toEqual(['goto http://app.ci.localhost/login']);
  });
});
