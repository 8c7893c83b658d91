// Recipe hooks (operator-side hooks.ts) run at their points with the one frozen context.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { treeHash } from '@ccci/recipe-meta';
import { createFixtureRecipe } from '@ccci/testbed';
import { afterAll, describe, expect, it } from 'vitest';
import { type Bed, createBed, git, runArgs, statuses } from './e2e.js';
import { startObserver } from './observer.js';

const bed = await createBed({ screenshots: false });
afterAll(() => bed.close());

// Hooks run in a sandboxed child: they report through ctx.log, which lands in the run log.
const HOOKS = `import { readFileSync } from 'node:fs';
import type { HookContext } from '@ccci/recipe-meta';

const note = (ctx: HookContext, line: string) => ctx.log.info('NOTE ' + line);
const peek = (path: string) => { try { readFileSync(path); return 'read'; } catch (e) { return (e as NodeJS.ErrnoException).code; } };

export async function preInstall(ctx: HookContext) {
  note(ctx, 'preInstall ' + ctx.op + ' ' + ctx.domain);
  note(ctx, 'env ' + Object.keys(process.env).filter((k) => k.startsWith('CCCI')).join(','));
  note(ctx, 'docker.sock ' + peek('/var/run/docker.sock') + ' uid ' + process.getuid?.());
}

export async function READY_PROBE(ctx: HookContext) {
  const r = await ctx.http('/');
  note(ctx, 'READY_PROBE ' + r.status);
  return r.status === 200;
}

export async function preUpgrade(ctx: HookContext) {
  const r = await ctx.exec('app', ['cat', '/www/index.html']);
  note(ctx, 'preUpgrade sees ' + (r.stdout.includes('1.0.0+1.0') ? 'the base' : 'something else'));
}
`;

const notes = (bed: Bed, runId: string) =>
  readFileSync(join(bed.artifactsDir(runId), 'run.log'), 'utf8')
    .split('\n')
    .flatMap((l) => {
      const m = /"msg":"NOTE ([^"]*)"/.exec(l);
      return m ? [m[1] as string] : [];
    });

describe('recipe hooks (real swarm)', () => {
  it('install_steps.sh, preInstall, READY_PROBE, test_install overlay and preUpgrade run at their points', async () => {
    const src = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'hooked' });
    const enrol = join(bed.env['CCCI_ENROLMENT_DIR'] as string, 'hooked');
    mkdirSync(enrol, { recursive: true });
    writeFileSync(join(enrol, 'recipe_meta.yml'), 'HEALTH_OK: [200]\n');
    writeFileSync(join(enrol, 'hooks.ts'), HOOKS);
    writeFileSync(
      join(enrol, 'install_steps.sh'),
      'echo "install_steps $CCCI_APP_DOMAIN $(test -w "$CCCI_APP_ENV_FILE" && echo env-writable)"\n',
    );
    mkdirSync(join(enrol, 'tests'));
    writeFileSync(
      join(enrol, 'tests', 'test_install.sh'),
      'echo "test_install $CCCI_OP $CCCI_DOMAIN $(id -u) $(env | grep -c ^CCCI_REPORT)"\n',
    );
    const r = await bed.run([...runArgs('hooked', src, 'hooked1'), '--stages', 'install,upgrade'], {
      CCCI_REPORT_KEY: 'report-key-not-for-recipes',
    });
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('hooked1');
    expect(statuses(res), r.all).toMatchObject({ install: 'pass', upgrade: 'pass' });
    // Install steps and test overlays print to their output, which the run log keeps.
    const runLog = readFileSync(join(bed.artifactsDir('hooked1'), 'run.log'), 'utf8');
    expect(runLog).toMatch(/install_steps hook-[0-9a-f]{6}\.\S+ env-writable/);
    expect(runLog).toMatch(/test_install install hook-[0-9a-f]{6}\.\S+ [1-9]\d* 0/);
    expect(JSON.stringify(res.rungs['install'])).toContain('test_install.sh');
    const said = notes(bed, 'hooked1');
    expect(said[0]).toMatch(/^preInstall install hook-[0-9a-f]{6}\./);
    // The hook's process has no CCCI_* of the harness's, no Docker socket, no root.
    expect(said[1]).toBe('env ');
    expect(said[2]).toMatch(/^docker\.sock ENOENT uid [1-9]/);
    expect(said).toContain('READY_PROBE 200');
    expect(said).toContain('preUpgrade sees the base');
    expect(r.all).toMatch(/hook preInstall/);
  }, 400_000);
});

describe('hostile hooks (real swarm)', () => {
  const enrol = (name: string, hooks: string) => {
    const dir = join(bed.env['CCCI_ENROLMENT_DIR'] as string, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'recipe_meta.yml'), 'HEALTH_OK: [200]\n');
    writeFileSync(join(dir, 'hooks.ts'), hooks);
  };
  const source = (name: string) =>
    createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: name });
  const start = (name: string, src: string, id: string, env: Record<string, string> = {}) =>
    bed.run([...runArgs(name, src, id), '--quick'], env);
  const run = async (name: string, id: string, env: Record<string, string> = {}) =>
    await start(name, await source(name), id, env);

  it('a hook that blocks its event loop is killed at its limit; the run tears down and reports', async () => {
    enrol('busyhook', 'export function preInstall(ctx: unknown) { for (;;) {} }\n');
    const r = await run('busyhook', 'busy1', { CCCI_HOOK_TIMEOUT_S: '3' });
    expect(r.exitCode, r.all).toBe(0);
    const res = bed.results('busy1');
    expect(res.rungs['install']?.status, r.all).toBe('fail');
    expect(res.rungs['install']?.reason).toMatch(/preInstall did not finish within 3 s/);
    expect(res.flags['clean_teardown'], r.all).toBe(true);
    // A run that failed before its deploy is no budget error.
    expect(r.all).not.toMatch(/deploy budget/);
    expect(await bed.leftovers()).toEqual([]);
  }, 300_000);

  it('SIGTERM while a hook spins: exit 143 at once, torn down, lock intact until then', async () => {
    enrol('spinhook', 'export function preInstall(ctx: unknown) { for (;;) {} }\n');
    const child = start('spinhook', await source('spinhook'), 'spin1');
    await child.waitOutput(/hook preInstall/);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, r.all).toBe(143);
    const res = bed.results('spin1');
    expect(res.flags['clean_teardown'], r.all).toBe(true);
    expect(await bed.leftovers()).toEqual([]);
  }, 300_000);

  it('a hooks.ts that throws at import refuses the run before anything is created (exit 3)', async () => {
    enrol(
      'badhook',
      'throw new Error("boom at import");\nexport function preInstall(ctx: unknown) {}\n',
    );
    const r = await run('badhook', 'bad1');
    expect(r.exitCode, r.all).toBe(3);
    expect(r.all).toMatch(/hooks\.ts: could not be imported: boom at import/);
    expect(r.all).not.toMatch(/abra app new|deploy budget/);
  }, 300_000);
});

describe("a recipe's own .ccci/ runs only when its content is approved (real swarm)", () => {
  it('approved by hash: it runs; one byte changed in a later commit: ignored, the run names the hash', async () => {
    const obs = await startObserver();
    try {
      const src = await createFixtureRecipe('web', { dir: join(bed.root, 'src'), as: 'ownci' });
      mkdirSync(join(src, '.ccci'));
      writeFileSync(
        join(src, '.ccci', 'install_steps.sh'),
        `${obs.put('steps', 'echo approved')}\n`,
      );
      await git(src, ['add', '-A']);
      await git(src, ['commit', '-q', '-m', 'ci: own install steps']);
      const hash = treeHash(join(src, '.ccci'));
      const enrolment = bed.env['CCCI_ENROLMENT_DIR'] as string;
      mkdirSync(join(enrolment, 'ownci'), { recursive: true });
      writeFileSync(join(enrolment, 'ownci', 'recipe_meta.yml'), 'HEALTH_OK: [200]\n');
      writeFileSync(join(enrolment, 'approved-code.txt'), `ownci ${hash}\n`);
      const args = (id: string) => [...runArgs('ownci', src, id), '--quick'];
      const ok = await bed.run(args('own1'));
      expect(ok.exitCode, ok.all).toBe(0);
      expect(obs.seen.get('steps')?.trim()).toBe('approved');
      expect(ok.all).toContain(`${hash} (approved)`);

      obs.seen.clear();
      writeFileSync(
        join(src, '.ccci', 'install_steps.sh'),
        `${obs.put('steps', 'echo changed')}\n`,
      );
      await git(src, ['commit', '-q', '-am', 'ci: changed']);
      const changed = treeHash(join(src, '.ccci'));
      const r = await bed.run(args('own2'));
      expect(r.exitCode, r.all).toBe(0);
      expect(obs.seen.get('steps')).toBeUndefined();
      expect(r.all).toContain(`its content (${changed}) is not the content the operator approved`);
      expect(r.all).toContain(`"ownci ${changed}"`);
    } finally {
      await obs.close();
    }
  }, 400_000);
});
