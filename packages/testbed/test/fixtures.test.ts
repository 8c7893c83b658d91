import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createFixtureEnrolment,
  createFixtureRecipe,
  FIXTURE_NAMES,
  FIXTURE_VERSIONS,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ccci-fixtures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const git = async (repo: string, args: string[]) =>
  (await execa('git', ['-C', repo, ...args])).stdout;

describe('createFixtureRecipe', () => {
  it.each(FIXTURE_NAMES)(
    '%s is a git repo with annotated release tags and recipe files',
    async (name) => {
      const repo = await createFixtureRecipe(name, { dir });
      expect(repo).toBe(join(dir, name));
      const tags = await git(repo, [
        'for-each-ref',
        'refs/tags',
        '--format=%(refname:short) %(objecttype)',
      ]);
      expect(tags.split('\n').sort()).toEqual(FIXTURE_VERSIONS.map((v) => `${v} tag`));
      expect(await git(repo, ['status', '--porcelain'])).toBe('');
      for (const f of [
        'compose.yml',
        '.env.sample',
        'abra.sh',
        'README.md',
        `release/${FIXTURE_VERSIONS[1]}`,
      ]) {
        expect(existsSync(join(repo, f)), f).toBe(true);
      }
      const compose = parse(readFileSync(join(repo, 'compose.yml'), 'utf8'));
      expect(compose.services.app.deploy.labels).toContain('traefik.enable=true');
      expect(readFileSync(join(repo, '.env.sample'), 'utf8')).toMatch(/^PORT=auto$/m);
    },
  );

  it('releases differ in content (the upgrade is visible)', async () => {
    const repo = await createFixtureRecipe('web', { dir, as: 'web-diff' });
    const v1 = await git(repo, ['show', `${FIXTURE_VERSIONS[0]}:index.html`]);
    const v2 = await git(repo, ['show', `${FIXTURE_VERSIONS[1]}:index.html`]);
    expect(v1).toContain(FIXTURE_VERSIONS[0]);
    expect(v2).toContain(FIXTURE_VERSIONS[1]);
    expect(await git(repo, ['show', `${FIXTURE_VERSIONS[0]}:abra.sh`])).toContain(
      'INDEX_HTML_VERSION=v1',
    );
    expect(await git(repo, ['show', `${FIXTURE_VERSIONS[1]}:abra.sh`])).toContain(
      'INDEX_HTML_VERSION=v2',
    );
  });

  it('data has backupbot labels, a named volume and a secret', async () => {
    const repo = await createFixtureRecipe('data', { dir, as: 'data-check', releases: 1 });
    const compose = parse(readFileSync(join(repo, 'compose.yml'), 'utf8'));
    expect(compose.services.app.deploy.labels).toContain('backupbot.backup=true');
    expect(compose.services.app.deploy.labels).toContain('backupbot.backup.path=/data');
    expect(Object.keys(compose.volumes)).toEqual(['data', 'db']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
    expect(compose.secrets.db_password.name).toContain('${SECRET_DB_PASSWORD_VERSION}');
    expect((await git(repo, ['tag'])).split('\n')).toEqual([FIXTURE_VERSIONS[0]]);
  });

  it('rejects bad options with TypeErrors naming the option', async () => {
    // @ts-expect-error unknown fixture on purpose
    await expect(createFixtureRecipe('nope', { dir })).rejects.toThrow(/unknown fixture "nope"/);
    // @ts-expect-error missing dir on purpose
    await expect(createFixtureRecipe('web', {})).rejects.toThrow(/option dir is required/);
  });
});

describe('createFixtureEnrolment', () => {
  it('writes recipes/<fixture>/recipe_meta.yml; withdep depends on web', () => {
    const recipes = createFixtureEnrolment(join(dir, 'ccci'));
    for (const name of FIXTURE_NAMES)
      expect(existsSync(join(recipes, name, 'recipe_meta.yml'))).toBe(true);
    expect(parse(readFileSync(join(recipes, 'withdep', 'recipe_meta.yml'), 'utf8'))).toMatchObject({
      DEPS: ['web'],
    });
  });
});
