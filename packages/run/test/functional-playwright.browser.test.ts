import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlaywrightSpecs } from '../src/support/playwright-specs.js';
import { Proc } from '../src/support/proc.js';
import { sandboxHost } from '../src/support/sandbox.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'playwright');
const DOMAIN = 'pwte-a1b2c3.t0000beef.localhost';
const CHROMIUM = '/usr/bin/chromium';

let server: Server;
let gatewayUrl: string;
let artifactsDir: string;
const seenHosts = new Set<string>();
// Spec children run in the sandbox, as in a run.
const proc = new Proc({ output() {}, childTime() {} }, undefined, sandboxHost({ hidden: [] }));

/** Chromium processes whose command line names this test's artifacts (none may outlive a run). */
// Chromium inherits this process's environment: a mark set here tells our browsers from those
// other suites run at the same time (a leaked one keeps the mark even when reparented).
const MARK = `CCCI_PW_TEST_MARK=${randomUUID()}`;
process.env.CCCI_PW_TEST_MARK = MARK.split('=')[1];

/** Our Chromium processes still alive. */
function chromiumLeft(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('--remote-debugging-pipe')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(MARK)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

/** The fixture specs `names`, through the stand-in gateway, artifacts into artifactsDir. */
const runSpecs = (names: string[], extra: Partial<Parameters<typeof runPlaywrightSpecs>[0]> = {}) =>
  runPlaywrightSpecs({
    files: names.map((f) => join(FIXTURES, f)),
    chromium: CHROMIUM,
    gatewayUrl,
    domain: DOMAIN,
    artifactsDir,
    proc,
    ...extra,
  });

beforeAll(async () => {
  // A stand-in gateway on loopback: Chromium uses it as its HTTP proxy, as with traefik.
  server = createServer((req, res) => {
    seenHosts.add(req.headers.host ?? '');
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>Hello</title><h1>Hi from ${req.headers.host}</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  artifactsDir = mkdtempSync(join(tmpdir(), 'ccci-pw-art-'));
  // Stands for the report key and the like: spec children must not inherit it.
  process.env.CCCI_SECRET_PROBE = 'not-for-specs';
});

afterAll(async () => {
  delete process.env.CCCI_SECRET_PROBE;
  await new Promise((resolve) => server.close(resolve));
  rmSync(artifactsDir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('playwright specs (real Chromium)', () => {
  it('runs passing, failing and hanging specs; records each test; screenshots failures', async () => {
    const results = await runSpecs(
      ['pass.spec.mjs', 'fail.spec.ts', 'hang.spec.mjs', 'empty.spec.js', 'legacy.test.cjs'],
      { testTimeoutMs: 30_000 },
    );
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(Object.keys(byName), JSON.stringify(results)).toEqual([
      'pass: title is Hello',
      'pass: greets by domain',
      'pass: sees no harness env',
      'fail',
      'hang: waits forever',
      'hang: still runs after',
      'empty',
      'legacy: heading via CommonJS',
    ]);
    expect(byName['pass: title is Hello']?.status).toBe('pass');
    expect(byName['pass: greets by domain']?.status).toBe('pass');
    expect(byName['pass: sees no harness env']?.status).toBe('pass');
    expect(byName.fail).toMatchObject({ status: 'fail', screenshot: 'playwright-fail.png' });
    expect(byName.fail?.reason).toContain('the title should say Goodbye');
    expect(byName['hang: waits forever']).toMatchObject({
      status: 'fail',
      reason: 'timed out after 4000 ms',
      screenshot: 'playwright-hang-waits-forever.png',
    });
    expect(byName['hang: still runs after']?.status).toBe('pass');
    expect(byName.empty?.status).toBe('fail');
    expect(byName.empty?.reason).toContain('exports no tests');
    expect(byName['legacy: heading via CommonJS']?.status).toBe('pass');
    // Screenshots only for failures that had a page, named by test.
    expect(readdirSync(artifactsDir).sort()).toEqual([
      'playwright-fail.png',
      'playwright-hang-waits-forever.png',
    ]);
    // The browser went through the gateway with the app's domain as Host.
    expect([...seenHosts]).toContain(DOMAIN);
    expect(chromiumLeft()).toBe(0);
  }, 180_000);

  it("hands specs the deps' variables (credential files, never values)", async () => {
    const file = join(artifactsDir, 'admin_password');
    writeFileSync(file, 'fixture-admin-pass', { mode: 0o600 });
    const results = await runSpecs(['deps.spec.mjs'], {
      env: {
        CCCI_DEP_KEYCLOAK_ADMIN_PASSWORD_FILE: file,
        CCCI_DEP_KEYCLOAK_URL: 'http://keyc-a1b2c3.t0000beef.localhost',
      },
    });
    rmSync(file);
    expect(results, JSON.stringify(results)).toMatchObject([{ name: 'deps', status: 'pass' }]);
  }, 180_000);

  it("a spec's browser cannot read the harness's files (it runs in the sandbox)", async () => {
    const closed = mkdtempSync(join(tmpdir(), 'ccci-pw-closed-'));
    const secret = join(closed, 'secret.txt');
    writeFileSync(secret, 'root-only-secret', { mode: 0o600 });
    const results = await runSpecs(['fileread.spec.mjs'], { env: { PROBE_PATH: secret } });
    rmSync(closed, { recursive: true, force: true });
    expect(results, JSON.stringify(results)).toMatchObject([{ name: 'fileread', status: 'pass' }]);
  }, 180_000);

  it('kills a spec that blocks its event loop and carries on', async () => {
    const results = await runSpecs(['busy.spec.mjs', 'pass.spec.mjs'], {
      testTimeoutMs: 20_000,
      // The limit also bounds the healthy spec after it (start-up, browser connect, three
      // tests): under a loaded CI machine that took over 5 s, and over 15 s with Docker suites
      // and other Chromiums beside it.
      fileTimeoutMs: 45_000,
    });
    expect(
      results.map((r) => [r.name, r.status]),
      JSON.stringify(results),
    ).toEqual([
      ['busy', 'fail'],
      ['pass: title is Hello', 'pass'],
      ['pass: greets by domain', 'pass'],
      ['pass: sees no harness env', 'pass'],
    ]);
    expect(results[0]?.reason).toContain('killed after 45000 ms');
    expect(chromiumLeft()).toBe(0);
  }, 180_000);
});
