import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectNames } from '@ccci/lock';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AbraDoubleEnv,
  createFixtureRecipe,
  describeDocker,
  FIXTURE_VERSIONS,
  type Gateway,
  removeStackObjects,
  runAbraDouble,
  stackNameOf,
  stackObjects,
  startGateway,
  testbedChromium,
  uniqueAppDomain,
  uniqueCiDomain,
  withAbraDouble,
} from '../src/index.js';
import { viaGateway } from './http.js';

// The abra double on the real swarm, end to end, with the fixtures and the gateway. Three
// independent flows run concurrently; each app has its own domain under this suite's unique
// CI domain and is removed by the test itself (the afterAll sweep is only a safety net).
const [V1, V2] = FIXTURE_VERSIONS;
const ci = uniqueCiDomain();
const created: string[] = [];
let abra: AbraDoubleEnv;
let gw: Gateway;

function domainFor(recipe: string): string {
  const d = uniqueAppDomain(recipe, ci);
  created.push(d);
  return d;
}

/** Runs the double; a new app's env file gets TIMEOUT=120 (abra reads its wait from there). */
async function abraRun(args: string[], env: Record<string, string> = {}) {
  const r = await runAbraDouble(args, { env: { ...abra.env, ...env } });
  const at = args.indexOf('--domain');
  if (args[0] === 'app' && args[1] === 'new' && r.exitCode === 0 && at > 0)
    setAppTimeout(args[at + 1] as string, '120');
  return r;
}

/** abra waits for convergence TIMEOUT seconds of the app env file, never of its process env. */
function setAppTimeout(domain: string, seconds: string): void {
  const f = envFile(domain);
  const kept = readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('TIMEOUT='));
  writeFileSync(f, `${kept.join('\n').replace(/\n*$/, '\n')}TIMEOUT=${seconds}\n`);
}

function envFile(domain: string): string {
  return join(abra.abraDir, 'servers', 'default', `${domain}.env`);
}

async function versionLabel(domain: string): Promise<string> {
  const stack = stackNameOf(domain);
  const r = await execa('docker', [
    'service',
    'inspect',
    `${stack}_app`,
    '--format',
    `{{ index .Spec.Labels "coop-cloud.${stack}.version" }}`,
  ]);
  return r.stdout.trim();
}

async function expectGone(domain: string): Promise<void> {
  expect(objectNames(await stackObjects(`${stackNameOf(domain)}_`))).toEqual([]);
  expect(existsSync(envFile(domain))).toBe(false);
}

describeDocker('abra double on the real swarm', () => {
  beforeAll(async () => {
    abra = withAbraDouble();
    const recipes = join(abra.abraDir, 'recipes');
    await Promise.all(
      (['web', 'withdep', 'data', 'sick'] as const).map((n) =>
        createFixtureRecipe(n, { dir: recipes }),
      ),
    );
    gw = await startGateway();
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all(created.map((d) => removeStackObjects(`${stackNameOf(d)}_`)));
    abra?.cleanup();
  });

  it.concurrent('web: deploy a pinned release, serve it through the gateway, refuse unstaged changes, chaos-upgrade in place, tear down to nothing', async () => {
    const web = domainFor('web');
    const dep = domainFor('withdep');
    const news = await Promise.all([
      abraRun(['app', 'new', 'web', '--server', 'default', '--domain', web]),
      abraRun(['app', 'new', 'withdep', '--server', 'default', '--domain', dep]),
    ]);
    for (const r of news) expect(r.exitCode, r.output).toBe(0);
    expect(readFileSync(envFile(web), 'utf8')).toMatch(new RegExp(`^DOMAIN=${web}$`, 'm'));

    // Two apps deployed in parallel get distinct host ports from PORT=auto.
    const deploys = await Promise.all([
      abraRun(['app', 'deploy', web, V1, '-n']),
      abraRun(['app', 'deploy', dep, '-n']),
    ]);
    for (const r of deploys) expect(r.exitCode, r.output).toBe(0);
    const port = (d: string) => /^PORT=(\d+)$/m.exec(readFileSync(envFile(d), 'utf8'))?.[1];
    expect(port(web)).toMatch(/^\d+$/);
    expect(port(web)).not.toBe(port(dep));
    expect(readFileSync(envFile(web), 'utf8')).toMatch(
      new RegExp(`^TYPE=web:${V1.replace('+', '\\+')}$`, 'm'),
    );
    expect(await versionLabel(web)).toBe(V1);

    expect((await gw.routes()).find((r) => r.host === web)).toEqual({
      host: web,
      service: `${stackNameOf(web)}_app`,
      port: Number(port(web)),
    });
    const v1 = await viaGateway(gw.port, web, '/');
    expect(v1.status).toBe(200);
    expect(v1.body).toContain(`<p id="version">${V1}</p>`);
    expect((await viaGateway(gw.port, dep, '/')).body).toContain('ccci withdep fixture');
    // Absolute-form request, as a browser sends it to an HTTP proxy.
    expect((await viaGateway(gw.port, 'ignored', `http://${web}/`)).body).toContain(V1);

    // Chromium reaches the app by its domain with the gateway as its HTTP proxy.
    const browser = await chromium.launch({
      ...testbedChromium([`--proxy-server=${gw.url}`, '--proxy-bypass-list=<-loopback>']),
    });
    try {
      const page = await browser.newPage();
      expect((await page.goto(`http://${web}/`))?.status()).toBe(200);
      expect(await page.textContent('#version')).toBe(V1);
    } finally {
      await browser.close();
    }

    expect((await abraRun(['app', 'deploy', web, V1])).output).toContain(
      `FATA ${web} is already deployed`,
    );

    const recipe = join(abra.abraDir, 'recipes', 'web');
    writeFileSync(join(recipe, 'local-change.txt'), 'not committed\n');
    const refused = await abraRun(['app', 'deploy', web, V2, '--force']);
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toContain('FATA web has locally unstaged changes');
    expect(await versionLabel(web)).toBe(V1);
    rmSync(join(recipe, 'local-change.txt'));

    // A pinned deploy left the checkout at V1 (as abra does): go back to the head, then chaos.
    await execa('git', ['-C', recipe, 'checkout', '-q', 'main']);
    const up = await abraRun(['app', 'deploy', web, '--chaos']);
    expect(up.exitCode, up.output).toBe(0);
    expect(await versionLabel(web)).toBe(V2);
    expect((await viaGateway(gw.port, web, '/')).body).toContain(`<p id="version">${V2}</p>`);

    const run = await abraRun(['app', 'run', web, 'app', '--', 'cat', '/www/index.html']);
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain(V2);

    for (const d of [web, dep]) {
      const u = await abraRun(['app', 'undeploy', d]);
      expect(u.exitCode, u.output).toBe(0);
      const rm = await abraRun(['app', 'rm', d, '-f', '--volumes']);
      expect(rm.exitCode, rm.output).toBe(0);
      await expectGone(d);
    }
    expect((await viaGateway(gw.port, web, '/')).status).toBe(404);
  }, 240_000);

  it.concurrent('data: a chosen secret replaces the generated one; write over HTTP, back up, change, restore, read the original back', async () => {
    const data = domainFor('data');
    const created = await abraRun([
      'app',
      'new',
      'data',
      '--server',
      'default',
      '--domain',
      data,
      '--secrets',
    ]);
    expect(created.exitCode, created.output).toBe(0);
    expect(created.output).toMatch(/│ db_password │ \w{24} │/);
    // Replace the generated value with a chosen one, read from a file (never in argv).
    const chosen = join(abra.abraDir, `${data}.db_password`);
    writeFileSync(chosen, 'chosen-Value-42\n', { mode: 0o600 });
    const insertArgs = ['app', 'secret', 'insert', data, 'db_password', 'v1', chosen, '--file'];
    const exists = await abraRun([...insertArgs, '--trim']);
    expect(exists.exitCode).toBe(1);
    expect(exists.output).toMatch(/FATA .*already exists/);
    const unknown = await abraRun(['app', 'secret', 'insert', data, 'nope', 'v1', chosen, '-f']);
    expect(unknown.output).toContain("FATA nope doesn't exist in the env config?");
    const rmSecret = await abraRun(['app', 'secret', 'rm', data, 'db_password', '--no-input']);
    expect(rmSecret.exitCode, rmSecret.output).toBe(0);
    expect((await abraRun(['app', 'secret', 'rm', data, 'db_password'])).output).toContain(
      "FATA db_password doesn't exist on server?",
    );
    const inserted = await abraRun([...insertArgs, '--trim']);
    expect(inserted.exitCode, inserted.output).toBe(0);
    expect(inserted.output).not.toContain('chosen-Value-42');
    const d = await abraRun(['app', 'deploy', data]);
    expect(d.exitCode, d.output).toBe(0);
    const secretSeen = await abraRun([
      'app',
      'run',
      data,
      'db',
      '--no-tty',
      '--',
      'cat',
      '/run/secrets/db_password',
    ]);
    expect(secretSeen.output.trim()).toBe('chosen-Value-42');

    const put = (value: string) =>
      viaGateway(gw.port, data, '/cgi-bin/data?key=witness', { method: 'POST', body: value });
    const get = () => viaGateway(gw.port, data, '/cgi-bin/data?key=witness');
    expect((await get()).status).toBe(404);
    expect((await put('original')).body).toBe('original');

    const injected = await abraRun(['app', 'backup', 'create', data], {
      ABRA_DOUBLE_FAULT: 'backup-fail',
    });
    expect(injected.exitCode).toBe(1);
    expect(injected.output).toContain('FATA backup failed');
    expect(existsSync(join(abra.abraDir, 'backups', data))).toBe(false);

    const backup = await abraRun(['app', 'backup', 'create', data]);
    expect(backup.exitCode, backup.output).toBe(0);
    const m = /snapshot (\S+) saved \((\d+) bytes\) at (\S+)/.exec(backup.output);
    expect(m, backup.output).not.toBeNull();
    expect(Number(m?.[2])).toBeGreaterThan(0);
    expect(statSync(join(m?.[3] ?? '', 'app.tar.gz')).size).toBeGreaterThan(0);
    expect(statSync(join(m?.[3] ?? '', 'db.tar.gz')).size).toBeGreaterThan(0);

    const listed = await abraRun(['app', 'backup', 'ls', data]);
    expect(listed.output.trim().split('\n')).toEqual([m?.[1]]);
    const ps = await abraRun(['app', 'ps', data, '--machine']);
    expect(ps.exitCode, ps.output).toBe(0);
    const rows = JSON.parse(ps.output.trim().split('\n').at(-1) ?? '[]') as Array<{
      service: string;
      replicas: string;
    }>;
    expect(rows.map((r) => [r.service, r.replicas]).sort()).toEqual([
      ['app', '1/1'],
      ['db', '1/1'],
    ]);
    const logs = await abraRun(['app', 'logs', data, 'db']);
    expect(logs.exitCode, logs.output).toBe(0);

    await put('changed');
    expect((await get()).body).toBe('changed');
    const restored = await abraRun(['app', 'restore', data]);
    expect(restored.exitCode, restored.output).toBe(0);
    expect((await get()).body).toBe('original');

    const st = stackNameOf(data);
    const objects = await stackObjects(`${st}_`);
    expect(objects.services).toEqual([`${st}_app`, `${st}_db`]);
    expect(objects.volumes).toEqual([`${st}_data`, `${st}_db`]);
    expect(objects.secrets).toEqual([`${st}_db_password_v1`]);
    expect(objects.configs).toEqual([`${st}_data_cgi_v1`, `${st}_index_html_v2`]);
    expect(objects.networks).toEqual([`${st}_internal`]);

    expect((await abraRun(['app', 'undeploy', data])).exitCode).toBe(0);
    expect((await abraRun(['app', 'rm', data, '-f'])).exitCode).toBe(0);
    await expectGone(data);
  }, 240_000);

  it.concurrent('sick: an injected deploy failure creates nothing; a never-healthy app times out quickly and tears down clean', async () => {
    const sick = domainFor('sick');
    expect(
      (await abraRun(['app', 'new', 'sick', '--server', 'default', '--domain', sick])).exitCode,
    ).toBe(0);

    const failed = await abraRun(['app', 'deploy', sick], { ABRA_DOUBLE_FAULT: 'deploy-fail' });
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toContain('FATA failed to deploy');
    expect(objectNames(await stackObjects(`${stackNameOf(sick)}_`))).toEqual([]);

    const started = Date.now();
    setAppTimeout(sick, '6');
    // A process-env TIMEOUT is not abra's wait: the env file's 6 s decides.
    const timedOut = await abraRun(['app', 'deploy', sick], { TIMEOUT: '600' });
    expect(timedOut.exitCode).toBe(1);
    expect(timedOut.output).toMatch(/FATA .*deploy timed out/);
    expect(Date.now() - started).toBeLessThan(60_000);

    expect((await abraRun(['app', 'undeploy', sick])).exitCode).toBe(0);
    expect((await abraRun(['app', 'rm', sick, '-f'])).exitCode).toBe(0);
    await expectGone(sick);
  }, 240_000);
});
