import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Abra, AbraError, createAbra, readDeployCount } from '@ccci/abra';
import { objectNames } from '@ccci/lock';
import { rejectionOf } from '@ccci/test-support';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ABRA_DOUBLE,
  createFixtureRecipe,
  describeDocker,
  removeStackObjects,
  stackNameOf,
  stackObjects,
  uniqueAppDomain,
  uniqueCiDomain,
  withAbraDouble,
} from '../src/index.js';

// @ccci/abra against the abra double (packages/testbed/bin/abra) on the real Docker Swarm.
// Every app lives under this suite's own CI domain and is removed by the suite.

// The double starts a Node process per call and the swarm is shared with other suites: generous
// limits, as a CI machine under load needs.
const SLOW = 300_000;

const ciDomain = uniqueCiDomain();
const created: string[] = [];
let double: ReturnType<typeof withAbraDouble>;
let abra: Abra;
let streamed: string[];
let deployCountFile: string;

/** `abra app new` of `recipe` on the default server, under a new domain of this suite's own. */
async function newApp(recipe: string): Promise<string> {
  const domain = uniqueAppDomain(recipe, ciDomain);
  created.push(domain);
  await abra.appNew({ recipe, server: 'default', domain });
  return domain;
}

/** The app's env file, where `abra app new` writes it. */
const envFileOf = (domain: string) => join(double.abraDir, 'servers', 'default', `${domain}.env`);

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, AbraError);

/** Undeploy and remove an app through the wrapper, tolerating "not deployed". */
async function teardown(domain: string): Promise<void> {
  await abra.undeploy({ domain }).catch(() => undefined);
  await abra.rm({ domain, volumes: true, force: true }).catch(() => undefined);
}

describeDocker('@ccci/abra against the abra double on the swarm', () => {
  beforeAll(async () => {
    double = withAbraDouble();
    deployCountFile = join(double.abraDir, 'run-state-deploys');
    streamed = [];
    abra = createAbra({
      abraDir: double.abraDir,
      bin: ABRA_DOUBLE,
      deployCountFile,
      killGraceMs: 2000,
      onOutput: (chunk) => streamed.push(chunk),
    });
    const recipes = join(double.abraDir, 'recipes');
    await Promise.all([
      createFixtureRecipe('data', { dir: recipes }),
      createFixtureRecipe('web', { dir: recipes }),
      createFixtureRecipe('sick', { dir: recipes }),
    ]);
    await abra.serverAdd({ local: true });
  }, SLOW);

  afterAll(async () => {
    // Only our own stacks: every name below carries this suite's unique CI domain.
    for (const domain of created) await removeStackObjects(`${stackNameOf(domain)}_`);
    double?.cleanup();
  }, SLOW);

  it(
    'new → secrets → deploy → ps → run → logs → undeploy → rm --volumes leaves nothing',
    async () => {
      const domain = await newApp('data');
      const stack = stackNameOf(domain);
      expect(existsSync(envFileOf(domain))).toBe(true);

      const generated = await abra.secretGenerate({ domain, all: true });
      const password = generated.secrets.find((s) => s.name === 'db_password')?.value;
      expect(password).toMatch(/^[A-Za-z0-9]{8,}$/);
      expect(streamed.join('')).not.toContain(password);
      expect(generated.output).not.toContain(password);

      const before = await readDeployCount(deployCountFile);
      const deployed = await abra.deploy({ domain, timeoutSec: 120 });
      expect(deployed.deployCount).toBe(before + 1);
      expect(deployed.output).toMatch(/converged/);

      const { services } = await abra.ps({ domain });
      expect(services.map((s) => s.service).sort()).toEqual(['app', 'db']);
      expect(services.every((s) => /running/i.test(s.state ?? ''))).toBe(true);

      // The secret abra generated is the one the service sees.
      const cat = await abra.run({
        domain,
        service: 'db',
        cmd: ['cat', '/run/secrets/db_password'],
      });
      expect(cat.output.trim()).toBe(password);
      const hostile = await abra.run({
        domain,
        service: 'app',
        cmd: ['sh', '-c', 'printf "%s|" "$@"', 'sh', "it's", '$(id)', 'a b'],
      });
      expect(hostile.output.trim()).toBe("it's|$(id)|a b|");

      const logs = await abra.logs({ domain });
      expect(logs.exitCode).toBe(0);

      await abra.undeploy({ domain });
      expect((await stackObjects(`${stack}_`)).services).toEqual([]);
      await abra.rm({ domain, volumes: true, force: true });
      expect(objectNames(await stackObjects(`${stack}_`))).toEqual([]);
      expect(existsSync(envFileOf(domain))).toBe(false);
    },
    SLOW,
  );

  it(
    'an app that never gets healthy: ABRA_DEPLOY_TIMEOUT, and the attempt is counted',
    async () => {
      const domain = await newApp('sick');
      // abra waits TIMEOUT seconds of the app env file (the harness's guard writes it there).
      appendFileSync(envFileOf(domain), 'TIMEOUT=4\n');
      const before = await readDeployCount(deployCountFile);
      const error = await rejection(abra.deploy({ domain, timeoutSec: 4 }));
      expect(error.code).toBe('ABRA_DEPLOY_TIMEOUT');
      expect(error.fatal).toMatch(/deploy timed out/);
      expect(error.exitCode).toBe(1);
      expect(await readDeployCount(deployCountFile)).toBe(before + 1);
      await teardown(domain);
      expect(objectNames(await stackObjects(`${stackNameOf(domain)}_`))).toEqual([]);
    },
    SLOW,
  );

  it(
    'a pinned deploy over local changes: ABRA_UNSTAGED_CHANGES, nothing deployed',
    async () => {
      const domain = await newApp('web');
      const recipeDir = join(double.abraDir, 'recipes', 'web');
      writeFileSync(join(recipeDir, 'compose.yml'), '# local edit\n', { flag: 'a' });
      try {
        const error = await rejection(abra.deploy({ domain, version: '1.0.0+1.0' }));
        expect(error.code).toBe('ABRA_UNSTAGED_CHANGES');
        expect((await stackObjects(`${stackNameOf(domain)}_`)).services).toEqual([]);
      } finally {
        await execa('git', ['checkout', '--', 'compose.yml'], { cwd: recipeDir });
        await teardown(domain);
      }
    },
    SLOW,
  );

  it(
    'recipe lint: parsed end to end, failed error rules found although abra exits 0',
    async () => {
      const clean = await abra.recipeLint('web');
      expect(clean.exitCode).toBe(0);
      expect(clean.rules.length).toBeGreaterThan(5);
      expect(clean.errorsFailed).toEqual([]);

      const dir = await createFixtureRecipe('web', {
        dir: join(double.abraDir, 'recipes'),
        as: 'lintbad',
      });
      await execa('git', ['tag', 'lightweight-tag'], { cwd: dir });
      const bad = await abra.recipeLint('lintbad');
      expect(bad.exitCode).toBe(0);
      expect(bad.errorsFailed.length).toBeGreaterThan(0);
      expect(bad.errorsFailed.every((r) => r.severity === 'error' && !r.satisfied)).toBe(true);
      expect(bad.errorsFailed.map((r) => r.rule).join(' ')).toMatch(/tag/);
    },
    SLOW,
  );

  it(
    'unknown app and unknown recipe have their own codes',
    async () => {
      const missing = `nope-000000.${ciDomain}`;
      expect((await rejection(abra.ps({ domain: missing }))).code).toBe('ABRA_APP_NOT_FOUND');
      expect((await rejection(abra.recipeLint('nosuchrecipe'))).code).toBe('ABRA_RECIPE_NOT_FOUND');
    },
    SLOW,
  );

  it(
    'without a terminal abra refuses to run: ABRA_NO_TTY',
    async () => {
      const noTty = createAbra({ abraDir: double.abraDir, bin: ABRA_DOUBLE, terminal: false });
      const error = await rejection(noTty.serverAdd({ local: true }));
      expect(error.code).toBe('ABRA_NO_TTY');
      expect(error.fatal).toBe('inappropriate ioctl for device');
    },
    SLOW,
  );
});
