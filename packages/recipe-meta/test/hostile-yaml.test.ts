import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecipeMeta } from '../src/index.js';
import { loadMeta, metaErrors, tempTree } from './helpers.js';

// What a hostile or careless pull request can put in recipe_meta.yml: each is an error naming
// the file, the line and what to do, and nothing of the file is applied.
const errors = metaErrors;

describe('YAML tricks', () => {
  it('duplicate keys name the key and the line of the first one, at any depth', () => {
    const [top, ...rest] = errors('DEPLOY_TIMEOUT: 60\nHEALTH_PATH: /x\nDEPLOY_TIMEOUT: 7200\n');
    expect(rest).toEqual([]);
    expect(top).toMatchObject({ code: 'duplicate_key', line: 3, key: 'DEPLOY_TIMEOUT' });
    expect(top?.message).toBe('DEPLOY_TIMEOUT is set twice (first at line 1)');
    const [nested] = errors('EXTRA_ENV:\n  A: "1"\n  B: "2"\n  A: "3"\n');
    expect(nested).toMatchObject({ code: 'duplicate_key', line: 4, key: 'EXTRA_ENV' });
    expect(nested?.message).toBe('EXTRA_ENV: A is set twice (first at line 2)');
    expect(loadMeta('DEPLOY_TIMEOUT: 60\nDEPLOY_TIMEOUT: 7200\n').set).toEqual([]);
  });

  it('many keys are read in linear time (no quadratic duplicate check)', () => {
    // Just under the 1 MiB the loader reads: yaml's own uniqueKeys check (quadratic) took 4 s
    // for 30 000 keys here, so about 40 s for these; the linear check takes about 2 s.
    const text = `${Array.from({ length: 90_000 }, (_, i) => `_k${i}: 1`).join('\n')}\n`;
    expect(text.length).toBeLessThan(1024 * 1024);
    const started = performance.now();
    const r = loadMeta(text);
    expect(r.ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('tags other than the core ones are refused, not resolved or dropped', () => {
    for (const [text, tag] of [
      ['EXTRA_ENV: !!omap [{A: "1"}]\n', '!!omap'],
      ['DEPS: !!set {keycloak: null}\n', '!!set'],
      ['HEALTH_PATH: !!binary L3g=\n', '!!binary'],
      ['HEALTH_PATH: !js/function /x\n', '!js/function'],
      ['HEALTH_PATH: !foo /x\n', '!foo'],
      ['_private: !!timestamp 2001-12-14\n', '!!timestamp'],
    ] as const) {
      const [p, ...rest] = errors(text);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ code: 'yaml_tag', line: 1 });
      expect(p?.message).toContain(tag);
      expect(p?.hint).toMatch(/remove the tag/);
    }
    // The core tags still mean what they say.
    expect(loadMeta('EXTRA_ENV: {PORT: !!str 8080}\n').meta.EXTRA_ENV).toEqual({ PORT: '8080' });
  });

  it('a second YAML document is explained, not answered with a parser API name', () => {
    const [p] = errors('HEALTH_PATH: /x\n---\nDEPLOY_TIMEOUT: 7200\n');
    expect(p).toMatchObject({ code: 'yaml_syntax', line: 2 });
    expect(p?.message).toBe(
      'recipe_meta.yml holds more than one YAML document (a --- or ... line)',
    );
    expect(p?.message).not.toMatch(/parseAllDocuments/);
    expect(p?.hint).toMatch(/one map/);
  });

  it('keys that are collections or aliases are refused without a runtime warning', () => {
    const [p] = errors('? [a, b]\n: 1\n');
    expect(p).toMatchObject({ code: 'yaml_syntax', line: 1 });
    expect(p?.message).toMatch(/plain text/);
    const [q] = errors('_x: &k HEALTH_PATH\n*k : /y\n');
    expect(q).toMatchObject({ code: 'yaml_syntax', line: 2 });
  });

  it('a merge key says that merge keys are not read', () => {
    const [p] = errors('_base: &b {DEPLOY_TIMEOUT: 7200}\n<<: *b\n');
    expect(p).toMatchObject({ code: 'unknown_key', line: 2, key: '<<' });
    expect(p?.hint).toMatch(/merge keys/);
  });

  it('a key with invisible or look-alike characters is shown escaped', () => {
    const [zw] = errors('HEALTH_PATH\u200b: /x\n');
    expect(zw?.message).toBe(
      'unknown key "HEALTH_PATH\\u200b" (it has characters that are not plain ASCII) — did you mean HEALTH_PATH?',
    );
    const [cyr] = errors('HEALTH_P\u0410TH: /x\n');
    expect(cyr?.message).toContain('"HEALTH_P\\u0410TH"');
    const [sp] = errors('"HEALTH_PATH ": /x\n');
    expect(sp?.message).toContain('"HEALTH_PATH "');
  });

  it('non-finite numbers are named as YAML writes them, not as null', () => {
    const [p] = errors('DEPLOY_TIMEOUT: .inf\n');
    expect(p?.message).toBe('DEPLOY_TIMEOUT: expected whole seconds (1–7200), found .inf');
    const [q] = errors('HTTP_TIMEOUT: .nan\n');
    expect(q?.message).toContain('found .nan');
  });
});

describe('values that would reach past the app or fail mid-run', () => {
  it('HEALTH_PATH and READY_PROBE http must stay on the app: no //host, \\, spaces or controls', () => {
    const offHost = ['//evil.example/ok', '/\\evil.example/', '/\t/evil.example/', '/x\ny', '/a b'];
    for (const path of offHost) {
      const [p, ...rest] = errors(`HEALTH_PATH: ${JSON.stringify(path)}\n`);
      expect(rest).toEqual([]);
      expect(p).toMatchObject({ code: 'wrong_type', key: 'HEALTH_PATH', line: 1 });
      expect(p?.message).toMatch(/expected path on the app/);
      const [q] = errors(`READY_PROBE: [{http: ${JSON.stringify(path)}}]\n`);
      expect(q).toMatchObject({ code: 'wrong_type', key: 'READY_PROBE' });
    }
    expect(loadMeta('HEALTH_PATH: /api/v1.0/config/?x=1&y=%2F\n').ok).toBe(true);
  });

  it('EXTRA_ENV values abra env files cannot hold are refused before any deploy', () => {
    for (const value of ["it's", 'a\nb', 'a\rb', 'nul\u0000']) {
      const [p] = errors(`EXTRA_ENV: {A: ${JSON.stringify(value)}}\n`);
      expect(p).toMatchObject({ code: 'wrong_type', key: 'EXTRA_ENV', line: 1 });
      expect(p?.message).toMatch(/^EXTRA_ENV\.A: expected one-line string without single quotes/);
      const [q] = errors(`UPGRADE_EXTRA_ENV: {A: ${JSON.stringify(value)}}\n`);
      expect(q?.key).toBe('UPGRADE_EXTRA_ENV');
    }
    expect(loadMeta('EXTRA_ENV: {A: "x #y $Z \\"q\\"", B: ""}\n').ok).toBe(true);
  });

  it('EXTRA_ENV may not set what ccci itself sets in the app env', () => {
    for (const key of ['TYPE', 'RECIPE', 'DOMAIN', 'STACK_NAME', 'TIMEOUT']) {
      const [p] = errors(`EXTRA_ENV: {${key}: "x"}\n`);
      expect(p).toMatchObject({ code: 'wrong_type', key: 'EXTRA_ENV', line: 1 });
      expect(p?.message).toContain(`found "${key}"`);
      expect(p?.message).toMatch(/ccci sets those/);
    }
    expect(loadMeta('EXTRA_ENV: {TYPES: "x", MY_DOMAIN: "y"}\n').ok).toBe(true);
  });
});

describe('files that are not what they are named', () => {
  it('a symbolic link or a folder named recipe_meta.yml is said to be one', () => {
    const root = tempTree({ 'elsewhere.yml': 'HEALTH_PATH: /x\n', 'recipes/b/hooks.ts/x': '' });
    mkdirSync(join(root, 'recipes/a'), { recursive: true });
    symlinkSync(join(root, 'elsewhere.yml'), join(root, 'recipes/a/recipe_meta.yml'));
    const a = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'a' });
    expect(a.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'wrong_file_kind',
        'recipe_meta.yml is a symbolic link; ccci reads only a regular file here',
      ],
    ]);
    expect(a.problems[0]?.hint).toMatch(/replace the link with the file itself/);
    const b = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'b' });
    expect(b.problems.map((p) => [p.code, p.message])).toEqual([
      ['wrong_file_kind', 'hooks.ts is a folder; ccci reads only a regular file here'],
    ]);
  });

  it('a linked Playwright spec or overlay is not followed (no read of /dev/zero, no throw)', () => {
    const root = tempTree({
      'recipes/r/tests/playwright/ok.spec.ts': 'export default async () => {};\n',
    });
    symlinkSync('/dev/zero', join(root, 'recipes/r/tests/playwright/zero.spec.ts'));
    symlinkSync('/nonexistent', join(root, 'recipes/r/tests/playwright/gone.spec.ts'));
    symlinkSync('/dev/zero', join(root, 'recipes/r/compose.ccci.yml'));
    const r = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'r' });
    expect(r.problems.map((p) => [p.code, p.message]).sort()).toEqual([
      [
        'wrong_file_kind',
        'compose.ccci.yml is a symbolic link; ccci reads only a regular file here',
      ],
      ['wrong_file_kind', 'gone.spec.ts is a symbolic link; ccci reads only a regular file here'],
      ['wrong_file_kind', 'zero.spec.ts is a symbolic link; ccci reads only a regular file here'],
    ]);
    expect(r.files.playwrightTests.map((t) => t.file.replace(/^.*playwright\//, ''))).toEqual([
      'ok.spec.ts',
    ]);
  });

  it('a recipe_meta.yml that is not UTF-8 is refused with the line, not read with U+FFFD', () => {
    const root = tempTree({});
    mkdirSync(join(root, 'recipes/r'), { recursive: true });
    writeFileSync(
      join(root, 'recipes/r/recipe_meta.yml'),
      Buffer.concat([Buffer.from('HEALTH_OK: [200]\nHEALTH_PATH: /'), Buffer.from([0xff, 0x0a])]),
    );
    const r = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'r' });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([['unreadable', 2]]);
    expect(r.problems[0]?.message).toMatch(/not UTF-8/);
    expect(r.set).toEqual([]);
  });
});
