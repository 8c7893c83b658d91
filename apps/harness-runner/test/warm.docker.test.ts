// WARM_CANONICAL end to end on the real swarm (abra double): a green default-branch run keeps
// a warm instance (stack + credentials record), the next green run replaces it, a PR run never
// promotes, a dependent run reuses it with its credential, and `unwarm` removes everything. (A
// warm deploy that fails: warm-fail.docker.test.ts, beside this chain of runs.)
// The warm recipe is `data` (it has a generated secret, so the record holds a credential).
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createFixtureRecipe } from '@ccci/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bed, createBed, enrolWarm, runArgs, type WarmEnrolment } from './e2e.js';
import { type Observer, startObserver } from './observer.js';

let bed: Bed;
let obs: Observer;
let enrolment: WarmEnrolment;
let warm: string;
let recordDir: string;
beforeAll(async () => {
  bed = await createBed({ screenshots: false });
  obs = await startObserver();
  enrolment = await enrolWarm(bed, 'data');
  warm = enrolment.domain;
  recordDir = join(bed.root, 'abra', 'ccci-warm', warm);
  // A dependent of `data` whose install_steps.sh copies the dep credential it is given.
  await createFixtureRecipe('withdep', { dir: join(bed.root, 'src'), as: 'usesdata' });
  const enrol = join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'usesdata');
  mkdirSync(enrol, { recursive: true });
  writeFileSync(join(enrol, 'recipe_meta.yml'), 'HEALTH_OK: [200]\nDEPS: [data]\n');
  writeFileSync(
    join(enrol, 'install_steps.sh'),
    `${obs.put('seen-cred', 'cat "$CCCI_DEP_DATA_DB_PASSWORD_FILE"')}\n`,
  );
  chmodSync(join(enrol, 'install_steps.sh'), 0o755);
});
afterAll(async () => {
  await obs?.close();
  if (bed) {
    await enrolment?.remove();
    await bed.close();
  }
}, 180_000);

const warmServices = () => enrolment.services();

function viaGateway(host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${bed.gateway.url}/`, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const record = () =>
  JSON.parse(readFileSync(join(recordDir, '.warm.json'), 'utf8')) as Record<string, string>;

const runData = (runId: string, extra: string[] = []) =>
  bed.run([...runArgs('data', join(bed.root, 'src', 'data'), runId), ...extra]);

describe('WARM_CANONICAL (real swarm)', () => {
  it('a green default-branch run keeps a warm instance with its record', async () => {
    const r = await runData('warm1');
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/keeping warm: data 1\.1\.0\+1\.1 as data-warm\./);
    const results = bed.results('warm1');
    expect(results.deploys).toEqual({ count: 1, budget: 1 });
    expect(results.flags['clean_teardown']).toBe(true);
    expect(await warmServices()).toHaveLength(2);
    const page = await viaGateway(warm);
    expect(page.status).toBe(200);
    expect(statSync(recordDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(recordDir, 'db_password')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(recordDir, 'db_password'), 'utf8').length).toBeGreaterThan(8);
    expect(record()).toMatchObject({ recipe: 'data', version: '1.1.0+1.1', runId: 'warm1' });
    // The generated secret is in no artifact of the run.
    const secret = readFileSync(join(recordDir, 'db_password'), 'utf8');
    const log = readFileSync(join(bed.artifactsDir('warm1'), 'run.log'), 'utf8');
    expect(log.includes(secret)).toBe(false);
  }, 400_000);

  it('the next green run takes its upgrade base from the warm instance and replaces it', async () => {
    const before = readFileSync(join(recordDir, 'db_password'), 'utf8');
    const r = await runData('warm2');
    expect(r.exitCode, r.all).toBe(0);
    const base = (
      bed.results('warm2')['manifest'] as { upgrade_base?: { source: string; note: string } }
    ).upgrade_base;
    expect(base?.source).toBe('warm canonical');
    expect(base?.note).toMatch(/last green warm canonical 1\.1\.0\+1\.1/);
    // The live warm stack (another domain) is not this run's leftover.
    expect(bed.results('warm2').flags['clean_teardown']).toBe(true);
    expect(r.all).toMatch(/removed the previous warm instance of data/);
    expect(await warmServices()).toHaveLength(2);
    expect(record()).toMatchObject({ runId: 'warm2', version: '1.1.0+1.1' });
    expect(readFileSync(join(recordDir, 'db_password'), 'utf8')).not.toBe(before);
    expect((await viaGateway(warm)).status).toBe(200);
  }, 400_000);

  it('a dependent run reuses the warm instance and gets its credential; a PR run never promotes', async () => {
    const [dep, pr] = await Promise.all([
      bed.run([...runArgs('usesdata', join(bed.root, 'src', 'usesdata'), 'uses1'), '--quick']),
      runData('pr1', ['--pr', '7', '--quick']),
    ]);
    expect(dep.exitCode, dep.all).toBe(0);
    expect(dep.all).toMatch(/dependency data: reusing warm data-warm\./);
    const res = bed.results('uses1');
    expect(res.deploys).toEqual({ count: 1, budget: 1 });
    expect(res.rungs['install']?.status, dep.all).toBe('pass');
    expect(obs.seen.get('seen-cred')).toBe(readFileSync(join(recordDir, 'db_password'), 'utf8'));
    expect(pr.exitCode, pr.all).toBe(0);
    expect(pr.all).toMatch(/not keeping warm: a PR run \(#7\)/);
    expect(pr.all).not.toMatch(/keeping warm: data/);
    expect(record()).toMatchObject({ runId: 'warm2' });
    expect(res.flags['clean_teardown']).toBe(true);
    // The janitor never takes the warm stack for a dead run's.
    const janitor = await bed.run(['janitor']);
    expect(janitor.exitCode, janitor.all).toBe(0);
    expect(await warmServices()).toHaveLength(2);
  }, 400_000);

  it('unwarm removes the warm instance and its record; again says there is none', async () => {
    const r = await bed.run(['unwarm', '--recipe', 'data']);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/removed the warm instance data-warm\./);
    expect(await bed.leftovers()).toEqual([]);
    expect(existsSync(recordDir)).toBe(false);
    expect(existsSync(join(bed.root, 'abra', 'servers', 'default', `${warm}.env`))).toBe(false);
    const again = await bed.run(['unwarm', '--recipe', 'data']);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toMatch(/no warm instance of data/);
  }, 200_000);
});
