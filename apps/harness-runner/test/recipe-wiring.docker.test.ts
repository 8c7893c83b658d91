// What enroll-recipe.md promises recipe code, end to end on the real swarm (abra double):
// dependency credentials reach install_steps.sh, overlays, functional tests and hooks (as
// files, never env values); secrets install_steps.sh writes replace the generated ones; a
// bad secret name fails install cleanly; previous/ settings apply to an older base deploy only.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixtureRecipe } from '@ccci/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { createBed, runArgs, statuses } from './e2e.js';
import { startObserver } from './observer.js';

const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());
// The dependency (a copy of `data`: it has a generated `db_password` secret), cloned by
// the harness from CCCI_DEP_SRC.
await createFixtureRecipe('data', { dir: join(bed.root, 'src'), as: 'secdep' });
const obs = await startObserver();
afterAll(() => obs.close());

/** An operator enrolment folder with these files (executable when the name ends in .sh). */
function enrol(recipe: string, files: Record<string, string>): void {
  const dir = join(bed.env['CCCI_ENROLMENT_DIR'] as string, recipe);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
    if (path.endsWith('.sh')) chmodSync(join(dir, path), 0o755);
  }
}

/** What the recipe's code reported as `name` (observer.ts). */
const seen = (name: string) => obs.seen.get(name) ?? `(nothing reported as ${name})`;

/** Every file of a run's artifacts (log, results) as one text, to scan for leaks. */
function artifactsText(runId: string): string {
  const dir = bed.artifactsDir(runId);
  return ['run.log', 'results.json'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}

describe.concurrent('recipe wiring (real swarm)', () => {
  it('dep credentials reach install_steps, overlays, functional tests and hooks; install_steps secrets replace generated ones; previous/ ignored for a head base', async () => {
    const cred = 'CCCI_DEP_SECDEP_DB_PASSWORD_FILE';
    enrol('wired', {
      'recipe_meta.yml': 'DEPS: [secdep]\nHEALTH_OK: [200]\n',
      // Hooks have no network (the sandbox's own namespace): they say what they saw through
      // the harness's log, as a digest (the value itself would be masked there).
      'hooks.ts': `import { createHash } from 'node:crypto';
import type { HookContext } from '@ccci/recipe-meta';
export async function preInstall(ctx: HookContext) {
  const v = ctx.deps['secdep']?.credentials['db_password'] ?? 'none';
  ctx.log.info('hook-cred sha256:' + createHash('sha256').update(v).digest('hex'));
}
`,
      'install_steps.sh': [
        obs.put('steps-cred', `cat "$${cred}"`),
        obs.put('steps-cred-mode', `stat -c %a "$${cred}"`),
        obs.put('cred-path', `echo "$${cred}"`),
        obs.put('steps-env', 'env'),
        // A chosen database password, as a recipe wiring an SSO client secret would write it.
        `v="chosen-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \\n')"`,
        'printf "%s\\n" "$v" > "$CCCI_SECRETS_DIR/db_password"',
        obs.put('chosen', 'printf "%s" "$v"'),
        '',
      ].join('\n'),
      'tests/test_install.sh': [
        obs.put('overlay-cred', `cat "$${cred}"`),
        obs.exec('dep-secret', 'CCCI_DEP_SECDEP_DOMAIN', 'db', 'cat /run/secrets/db_password'),
        obs.exec('app-secret', 'CCCI_DOMAIN', 'db', 'cat /run/secrets/db_password'),
        '',
      ].join('\n'),
      'tests/functional/creds.sh': `#!/bin/sh\n${obs.put('functional-cred', `cat "$${cred}"`)}\n`,
      // The base deploy is the head here (no upgrade tier): previous/ must be ignored.
      'previous/recipe_meta.yml': 'HEALTH_PATH: /not-there\n',
      'previous/install_steps.sh': 'exit 3\n',
    });
    const src = await createFixtureRecipe('data', { dir: join(bed.root, 'src'), as: 'wired' });
    const r = await bed.run([...runArgs('wired', src, 'wired1'), '--stages', 'install,functional']);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('wired1');
    expect(statuses(res), r.all).toMatchObject({ install: 'pass', functional: 'pass' });
    expect(res.deploys).toMatchObject({ count: 2, budget: 2 });

    // The dep's generated secret, as its own container sees it, reached every consumer.
    const depSecret = seen('dep-secret');
    expect(depSecret.length).toBeGreaterThanOrEqual(24);
    for (const f of ['steps-cred', 'overlay-cred', 'functional-cred'])
      expect(seen(f), f).toBe(depSecret);
    expect(artifactsText('wired1')).toContain(
      `hook-cred sha256:${createHash('sha256').update(depSecret).digest('hex')}`,
    );
    expect(seen('steps-cred-mode').trim()).toBe('600');
    expect(seen('steps-env')).not.toContain(depSecret);
    // The code's environment is its contract's, nothing of the harness's.
    expect(seen('steps-env')).not.toMatch(/CCCI_(RUNS_DIR|ABRA|REPORT|SECRETS_DIR=\/run)/);
    // Teardown removed the credential files with the run's state dir.
    expect(existsSync(seen('cred-path').trim())).toBe(false);

    // The value install_steps.sh chose is the app's secret inside its container.
    const chosen = seen('chosen');
    expect(seen('app-secret')).toBe(chosen);

    // Neither value is in the run's log or results; the run left nothing on the swarm.
    const text = artifactsText('wired1');
    expect(text).toContain('insert secret db_password');
    expect(text).not.toContain(chosen);
    expect(text).not.toContain(depSecret);
    expect(res.flags['clean_teardown']).toBe(true);
    expect(res.flags['no_secret_leak']).toBe(true);
  }, 400_000);

  it('a secret file that names no compose secret fails install with the reason; teardown is clean', async () => {
    enrol('badsec', {
      'recipe_meta.yml': 'HEALTH_OK: [200]\n',
      'install_steps.sh': 'printf "x1y2z3w4v5\\n" > "$CCCI_SECRETS_DIR/db_pasword"\n',
    });
    const src = await createFixtureRecipe('data', { dir: join(bed.root, 'src'), as: 'badsec' });
    const r = await bed.run([...runArgs('badsec', src, 'badsec1'), '--stages', 'install']);
    const res = bed.results('badsec1');
    expect(res.rungs['install']?.status, r.all).toBe('fail');
    expect(res.rungs['install']?.reason).toBe(
      'install_steps.sh wrote CCCI_SECRETS_DIR/db_pasword, but the recipe\'s compose files declare no secret "db_pasword" (declared: db_password); name each file after a compose secret',
    );
    expect(res.level).toBe(0);
    expect(res.deploys.count).toBe(0);
    expect(res.flags['clean_teardown']).toBe(true);
    expect(artifactsText('badsec1')).not.toContain('x1y2z3w4v5');
  }, 400_000);

  it('previous/ overlay, EXTRA_ENV and install_steps apply to the older base deploy, not to the upgraded head', async () => {
    // MARK=<which overlay>-<HEAD_VALUE>-<BASE_VALUE>, interpolated from the app env by the deploy.
    const vars = ['HEAD_VALUE', 'BASE_VALUE'].map((v) => `\${${v}:-none}`).join('-');
    const overlay = (why: string, which: string) =>
      `# ${why}\nversion: "3.8"\nservices:\n  app:\n    environment:\n      - MARK=${which}-${vars}\n`;
    const mark = (name: string) => obs.exec(name, 'CCCI_DOMAIN', 'app', 'echo "$MARK"');
    enrol('prevweb', {
      'recipe_meta.yml': 'HEALTH_OK: [200]\nEXTRA_ENV: {HEAD_VALUE: h1}\n',
      'compose.ccci.yml': overlay('head overlay', 'head'),
      'install_steps.sh': `${obs.put('steps', 'echo head')}\n`,
      'tests/test_install.sh': `${mark('mark-base')}\n`,
      'tests/test_upgrade.sh': `${mark('mark-head')}\n`,
      'previous/recipe_meta.yml': 'EXTRA_ENV: {BASE_VALUE: b1}\nHTTP_TIMEOUT: 120\n',
      'previous/compose.ccci.yml': overlay('1.0 needs its own env', 'base'),
      'previous/install_steps.sh': `${obs.put('steps', 'echo previous')}\n`,
    });
    const src = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'prevweb' });
    const r = await bed.run([
      ...runArgs('prevweb', src, 'prevweb1'),
      '--stages',
      'install,upgrade',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('prevweb1');
    expect(statuses(res), r.all).toMatchObject({ install: 'pass', upgrade: 'pass' });
    // The base (1.0.0+1.0) ran with previous/'s overlay, EXTRA_ENV (replacing the head's) and
    // install steps; the upgrade to the head with the head's overlay and EXTRA_ENV only.
    expect(seen('steps').trim()).toBe('previous');
    expect(seen('mark-base').trim()).toBe('base-none-b1');
    expect(seen('mark-head').trim()).toBe('head-h1-none');
    expect(r.all).toMatch(/previous\/ replaces EXTRA_ENV, HTTP_TIMEOUT, compose\.ccci\.yml/);
    expect(res.flags['clean_teardown']).toBe(true);
  }, 400_000);
});

describe('after the runs', () => {
  it('left nothing of any run on the swarm', async () => {
    expect(await bed.leftovers()).toEqual([]);
  });
});
