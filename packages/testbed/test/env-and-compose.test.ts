import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirPerTest } from '@ccci/test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  composeFiles,
  deployEnv,
  interpolate,
  loadCompose,
  renderLoaded,
  secretName,
} from '../src/abra-double/compose.js';

describe('compose interpolation', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
  it('follows compose rules: ${X}, ${X:-d}, ${X-d}, $$', () => {
    const env = { A: 'a', EMPTY: '' };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
    expect(interpolate('${A} $A ${B:-d} ${EMPTY:-d} ${EMPTY-d} $$A ${B}', env)).toBe(
      'a a d d  $A ',
    );
  });

  it('names secrets <stack>_<name>_<version> unless the compose names them', () => {
    expect(secretName('s_t', 'db_password', null, { SECRET_DB_PASSWORD_VERSION: 'v3' })).toBe(
      's_t_db_password_v3',
    );
    expect(secretName('s_t', 'x', { name: 'custom' }, {})).toBe('custom');
  });
});

describe('recipe compose files', () => {
  // Each test's recipe folder: a compose.yml with an overlay, and an abra.sh.
  const recipe = tempDirPerTest('recipe-');
  beforeEach(() => {
    const dir = recipe.path;
    writeFileSync(
      join(dir, 'compose.yml'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation syntax, not a JS template
      'version: "3.8"\nservices:\n  app:\n    image: a:${TAG}\n',
    );
    writeFileSync(
      join(dir, 'compose.extra.yml'),
      'version: "3.8"\nservices:\n  app:\n    image: b:1\n  db:\n    image: c:2\n',
    );
    writeFileSync(
      join(dir, 'abra.sh'),
      'export APP_CONF_VERSION=v3\n# export NOT_THIS=1\nexport QUOTED="v4"\n',
    );
  });

  it('COMPOSE_FILE selects the files (colon-separated, default compose.yml); later files win', async () => {
    expect(composeFiles(recipe.path, {})).toEqual([join(recipe.path, 'compose.yml')]);
    const files = composeFiles(recipe.path, { COMPOSE_FILE: 'compose.yml:compose.extra.yml' });
    expect(files).toEqual([
      join(recipe.path, 'compose.yml'),
      join(recipe.path, 'compose.extra.yml'),
    ]);
    const c = await loadCompose(files, { TAG: '1' }, recipe.path);
    expect(Object.keys(c.services).sort()).toEqual(['app', 'db']);
    expect(c.services['app']?.image).toBe('b:1');
  });

  it("merges overlays deeply (Docker's loader): an overlay keeps the base healthcheck test", async () => {
    writeFileSync(
      join(recipe.path, 'compose.hc.yml'),
      'version: "3.8"\nservices:\n  app:\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 5s\n',
    );
    writeFileSync(
      join(recipe.path, 'compose.hc2.yml'),
      'version: "3.8"\nservices:\n  app:\n    healthcheck:\n      interval: 30s\n',
    );
    const c = await loadCompose(
      composeFiles(recipe.path, { COMPOSE_FILE: 'compose.yml:compose.hc.yml:compose.hc2.yml' }),
      { TAG: '1' },
      recipe.path,
    );
    expect(c.services['app']?.healthcheck).toEqual({ test: ['CMD', 'true'], interval: '30s' });
  });

  it('interpolates from the app env only, and renders a file Docker reads back unchanged', async () => {
    writeFileSync(
      join(recipe.path, 'compose.home.yml'),
      'version: "3.8"\nservices:\n  app:\n    command: ["sh", "-c", "echo $$PATH ${HOME:-nohome}"]\n',
    );
    const files = composeFiles(recipe.path, { COMPOSE_FILE: 'compose.yml:compose.home.yml' });
    const c = await loadCompose(files, { TAG: '1' }, recipe.path);
    expect((c.services['app'] as { command?: string[] }).command?.[2]).toBe('echo $PATH nohome');
    const out = join(recipe.path, 'rendered.yml');
    writeFileSync(out, renderLoaded(c));
    const again = await loadCompose([out], { PATH: '/x', HOME: '/y' }, recipe.path);
    expect((again.services['app'] as { command?: string[] }).command?.[2]).toBe(
      'echo $PATH nohome',
    );
  });

  it('names a missing compose file in the error', () => {
    expect(() =>
      composeFiles(recipe.path, { COMPOSE_FILE: 'compose.yml:compose.nope.yml' }),
    ).toThrow(/compose\.nope\.yml does not exist/);
  });

  it('reads export lines of abra.sh (config versions) into the deploy env', () => {
    const env = deployEnv({
      domain: 'a.b',
      server: 'default',
      envPath: '',
      env: { TYPE: 'web' },
      recipe: 'web',
      envVersion: undefined,
      stack: 'a_b',
      recipeDir: recipe.path,
    });
    expect(env).toEqual({ TYPE: 'web', APP_CONF_VERSION: 'v3', QUOTED: 'v4', STACK_NAME: 'a_b' });
  });
});
