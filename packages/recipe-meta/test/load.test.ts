import { chmodSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecipeMeta, readApprovalList, treeHash } from '../src/index.js';
import { loadWith, tempTree } from './helpers.js';

describe('discovery of a recipe folder', () => {
  it('a recipe with no folder runs on defaults', () => {
    const root = tempTree({ 'recipes/.keep': '' });
    const r = loadRecipeMeta({ recipesDir: join(root, 'recipes'), recipe: 'nothing-here' });
    expect(r.ok).toBe(true);
    expect(r.files.operatorDir).toBeNull();
    expect(r.meta.HEALTH_PATH).toBe('/');
  });

  it('finds every kind of file', () => {
    const r = loadWith({
      'recipes/r/recipe_meta.yml': 'HEALTH_PATH: /x\n',
      'recipes/r/compose.ccci.yml':
        '# slow first boot: longer start_period\nservices: {app: {healthcheck: {start_period: 5m}}}\n',
      'recipes/r/install_steps.sh': '#!/bin/sh\necho wiring\n',
      'recipes/r/tests/test_install.sh': 'true\n',
      'recipes/r/tests/test_backup.py': 'pass\n',
      'recipes/r/tests/helpers.sh': 'true\n',
      'recipes/r/tests/functional/login.sh': 'true\n',
      'recipes/r/tests/functional/api/health.sh': 'true\n',
      'recipes/r/tests/functional/README.md': 'not a test\n',
      'recipes/r/tests/playwright/login.spec.ts':
        "import assert from 'node:assert';\nexport default async ({ page }) => { await page.goto('/'); };\nexport const tests = {\n  'logs in': async ({ page }) => {},\n  later: async () => { assert.ok(true); },\n};\n",
      'recipes/r/tests/playwright/old.spec.ts':
        "import { test } from '@playwright/test';\ntest('logs in', async () => {});\n",
      'recipes/r/previous/recipe_meta.yml': 'DEPLOY_TIMEOUT: 900\n',
      'recipes/r/previous/.env.sample': 'X=1\n',
      'recipes/r/README.md': 'notes\n',
      'recipes/r/_scratch.txt': 'private\n',
    });
    // A Playwright Test style spec exports nothing the harness runs: said before any deploy.
    expect(r.problems.map((p) => [p.code, p.file.replace(/^.*playwright\//, '')])).toEqual([
      ['spec_no_tests', 'old.spec.ts'],
    ]);
    expect(r.problems[0]?.hint).toContain('export const tests');
    expect(r.files.composeOverlay?.why).toBe('slow first boot: longer start_period');
    expect(r.files.installSteps?.file).toMatch(/install_steps\.sh$/);
    expect(r.files.testOverlays.map((t) => t.op)).toEqual(['install', 'backup']);
    expect(r.files.functionalTests.map((t) => t.file.replace(/^.*functional\//, ''))).toEqual([
      'api/health.sh',
      'login.sh',
    ]);
    expect(
      r.files.playwrightTests.map((t) => [t.file.replace(/^.*playwright\//, ''), t.tests]),
    ).toEqual([
      ['login.spec.ts', 3],
      ['old.spec.ts', 0],
    ]);
    expect(r.files.previous?.files).toEqual(['recipe_meta.yml']);
  });

  it('compose.ccci.yml without a why-line on line 1 is an error', () => {
    const r = loadWith({ 'recipes/r/compose.ccci.yml': 'services:\n  app: {}\n' });
    expect(r.problems[0]).toMatchObject({ code: 'compose_overlay_no_why', line: 1 });
    expect(r.ok).toBe(false);
    const blank = loadWith({ 'recipes/r/compose.ccci.yml': '#   \nservices: {}\n' });
    expect(blank.problems[0]?.code).toBe('compose_overlay_no_why');
  });

  it('compose.ccci.yml that is not YAML is an error at its line', () => {
    const r = loadWith({ 'recipes/r/compose.ccci.yml': '# why\nservices:\n  app: [\n' });
    expect(r.problems[0]?.code).toBe('compose_overlay_syntax');
  });

  it('misspelt file names are not silently ignored', () => {
    const r = loadWith({
      'recipes/r/recipe_meta.yaml': 'HEALTH_PATH: /x\n',
      'recipes/r/tests/test_instal.sh': 'true\n',
      'recipes/r/tests/functionnal/a.sh': 'true\n',
      'recipes/r/hook.ts': 'export {};\n',
    });
    const messages = r.problems.map((p) => `${p.code}: ${p.message}`).sort();
    expect(messages).toEqual([
      'unknown_file: hook.ts is not a file ccci reads — did you mean hooks.ts?',
      'unknown_file: recipe_meta.yaml is not a file ccci reads — did you mean recipe_meta.yml?',
      'unknown_file: tests/functionnal/ is not read by ccci — did you mean tests/functional/?',
      'unknown_test_overlay: test_instal.sh is not an overlay of a known op — did you mean test_install?',
    ]);
  });

  it('rejects a recipe name that is not one (no path tricks)', () => {
    expect(() => loadRecipeMeta({ recipesDir: '/tmp', recipe: '../etc' })).toThrow(TypeError);
    expect(() => loadRecipeMeta({ recipesDir: '/tmp', recipe: '../etc' })).toThrow(
      /option "recipe"/,
    );
  });
});

describe('a recipe repository’s .ccci/ and the approval file', () => {
  const repoFiles = {
    'repo/.ccci/recipe_meta.yml': 'HEALTH_PATH: /from-repo\nHTTP_TIMEOUT: 30\n',
    'repo/.ccci/hooks.ts': 'export async function preInstall(ctx: unknown) {}\n',
    'repo/.ccci/tests/functional/a.sh': 'true\n',
    'recipes/r/recipe_meta.yml': 'HEALTH_PATH: /from-operator\n',
  };
  /** `HASH` in the approval text stands for the content hash of the repo's .ccci/. */
  const load = (approval: string | null, extra: Record<string, string> = {}) => {
    const root = tempTree({ ...repoFiles, ...extra });
    if (approval !== null)
      writeFileSync(
        join(root, 'recipes/approved-code.txt'),
        approval.replaceAll('HASH', treeHash(join(root, 'repo/.ccci'))),
      );
    return loadRecipeMeta({
      recipesDir: join(root, 'recipes'),
      recipe: 'r',
      repoDir: join(root, 'repo'),
    });
  };

  it('default deny: without an approval file the .ccci/ is ignored, with a warning', () => {
    const r = load(null);
    expect(r.ok).toBe(true);
    expect(r.meta.HEALTH_PATH).toBe('/from-operator');
    expect(r.meta.HTTP_TIMEOUT).toBe(300);
    expect(r.hooks).toBeNull();
    expect(r.files.functionalTests).toEqual([]);
    expect(r.files.repoApproved).toBe(false);
    expect(r.problems).toMatchObject([{ code: 'repo_not_approved', severity: 'warning' }]);
  });

  it('a lone * is not a wildcard', () => {
    const r = load('*\n');
    expect(r.files.repoApproved).toBe(false);
    expect(r.hooks).toBeNull();
    const list = readApprovalList(join(r.files.repoDir!, '../../recipes/approved-code.txt'));
    expect(list.names.size).toBe(0);
    expect(list.problems).toMatchObject([
      { code: 'approval_wildcard', line: 1, severity: 'error' },
    ]);
  });

  it('other recipes on the list do not approve this one; comments are ignored', () => {
    expect(load('# r HASH is not here\nother HASH\nr-two HASH\n').files.repoApproved).toBe(false);
  });

  it('an approval by name alone approves nothing and is reported', () => {
    const r = load('r\n');
    expect(r.files.repoApproved).toBe(false);
    expect(r.hooks).toBeNull();
    const list = readApprovalList(join(r.files.repoDir!, '../../recipes/approved-code.txt'));
    expect(list.problems).toMatchObject([{ code: 'approval_needs_hash', line: 1 }]);
  });

  it('approvals name content: a pull request that changes one byte of .ccci/ is not approved', () => {
    const approved = load('r HASH\n');
    expect(approved.files.repoApproved).toBe(true);
    const hash = approved.files.repoHash as string;
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same approval line, a changed hooks.ts: ignored, and the warning names the new hash.
    const root = tempTree({
      ...repoFiles,
      'repo/.ccci/hooks.ts': 'export async function preInstall(ctx: unknown) { /* evil */ }\n',
      'recipes/approved-code.txt': `r ${hash}\n`,
    });
    const changed = loadRecipeMeta({
      recipesDir: join(root, 'recipes'),
      recipe: 'r',
      repoDir: join(root, 'repo'),
    });
    expect(changed.files.repoApproved).toBe(false);
    expect(changed.hooks).toBeNull();
    const newHash = changed.files.repoHash as string;
    expect(newHash).not.toBe(hash);
    const warning = changed.problems.find((p) => p.code === 'repo_not_approved');
    expect(warning?.message).toContain(`its content (${newHash}) is not the content`);
    expect(warning?.hint).toContain(`"r ${newHash}"`);
  });

  it('the hash sees names, bytes, the executable bit and links; nothing else', () => {
    const a = tempTree({ 'x/a.sh': 'true\n', 'x/b/c': 'c' });
    const base = treeHash(join(a, 'x'));
    expect(treeHash(join(a, 'x'))).toBe(base);
    chmodSync(join(a, 'x/a.sh'), 0o755);
    const exec = treeHash(join(a, 'x'));
    expect(exec).not.toBe(base);
    symlinkSync('/etc/passwd', join(a, 'x/link'));
    expect(treeHash(join(a, 'x'))).not.toBe(exec);
    const b = tempTree({ 'x/a.sh': 'true\n', 'x/b/c': 'c' });
    utimesSync(join(b, 'x/b/c'), 1, 1);
    expect(treeHash(join(b, 'x'))).toBe(base);
  });

  it('when listed, the .ccci/ is honoured and the operator side wins key by key', () => {
    const r = load('# trusted maintainers\nr HASH  # since 2026-11\n');
    expect(r.ok).toBe(true);
    expect(r.files.repoApproved).toBe(true);
    expect(r.meta.HEALTH_PATH).toBe('/from-operator');
    expect(r.meta.HTTP_TIMEOUT).toBe(30);
    expect(r.set.map((s) => [s.key, s.source])).toEqual([
      ['HEALTH_PATH', 'operator'],
      ['HTTP_TIMEOUT', 'repo'],
    ]);
    expect(r.hooks?.source).toBe('repo');
    expect(r.files.functionalTests).toHaveLength(1);
  });

  it('compose-policy exceptions cannot come from a recipe’s .ccci/', () => {
    const r = load('r HASH\n', {
      'repo/.ccci/recipe_meta.yml':
        'COMPOSE_POLICY_EXCEPTIONS: [{service: app, rule: privileged, reason: trust me}]\n',
    });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({
      code: 'operator_only_key',
      key: 'COMPOSE_POLICY_EXCEPTIONS',
      line: 1,
    });
    expect(r.meta.COMPOSE_POLICY_EXCEPTIONS).toEqual([]);
  });

  it('flags bad lines in the approval file', () => {
    const h = `sha256:${'a'.repeat(64)}`;
    const root = tempTree({
      'a.txt': `good ${h}\nBad Name\n../x ${h}\ngood sha256:abc\ngood ${h} extra\n`,
    });
    const list = readApprovalList(join(root, 'a.txt'));
    expect([...list.names]).toEqual(['good']);
    expect(list.problems.map((p) => [p.code, p.line])).toEqual([
      ['approval_bad_line', 2],
      ['approval_bad_line', 3],
      ['approval_bad_line', 4],
      ['approval_bad_line', 5],
    ]);
  });
});

describe('previous/ (base deploy of an older version)', () => {
  it('loads its deploy keys, overlay and install steps apart from the head settings', () => {
    const r = loadWith({
      'recipes/r/recipe_meta.yml': 'EXTRA_ENV: {MODE: head}\nDEPLOY_TIMEOUT: 300\n',
      'recipes/r/previous/recipe_meta.yml':
        'EXTRA_ENV: {MODE: old}\nHEALTH_PATH: /old\nHEALTH_OK: [200]\nHTTP_TIMEOUT: 60\nDEPLOY_TIMEOUT: 900\n_note: private\n',
      'recipes/r/previous/compose.ccci.yml': '# 1.x needs a longer start_period\nservices: {}\n',
      'recipes/r/previous/install_steps.sh': 'true\n',
      'recipes/r/previous/README.md': 'why\n',
    });
    expect(r.problems).toEqual([]);
    expect(r.meta.EXTRA_ENV).toEqual({ MODE: 'head' }); // the head's settings are untouched
    expect(r.meta.DEPLOY_TIMEOUT).toBe(300);
    expect(r.previous?.meta).toEqual({
      EXTRA_ENV: { MODE: 'old' },
      HEALTH_PATH: '/old',
      HEALTH_OK: [200],
      HTTP_TIMEOUT: 60,
      DEPLOY_TIMEOUT: 900,
    });
    expect(r.previous?.set.find((k) => k.key === 'HEALTH_PATH')?.line).toBe(2);
    expect(r.previous?.composeOverlay?.why).toBe('1.x needs a longer start_period');
    expect(r.previous?.installSteps).toMatch(/previous\/install_steps\.sh$/);
    expect(r.files.previous?.files).toEqual([
      'compose.ccci.yml',
      'install_steps.sh',
      'recipe_meta.yml',
    ]);
  });

  it('a recipe without previous/ has none', () => {
    expect(loadWith({ 'recipes/r/recipe_meta.yml': 'HEALTH_PATH: /x\n' }).previous).toBeNull();
  });

  it('a key that is not deploy-related is an error naming file, line, key and the allowed keys', () => {
    const r = loadWith({
      'recipes/r/previous/recipe_meta.yml': 'EXTRA_ENV: {A: "1"}\nDEPS: [keycloak]\n',
    });
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      code: 'key_not_allowed_here',
      line: 2,
      key: 'DEPS',
      file: expect.stringMatching(/recipes\/r\/previous\/recipe_meta\.yml$/),
    });
    expect(r.problems[0]?.message).toBe(
      'DEPS cannot be set in previous/recipe_meta.yml: it holds only the settings of the base deploy of an older version (allowed: HEALTH_PATH, HEALTH_OK, DEPLOY_TIMEOUT, HTTP_TIMEOUT, EXTRA_ENV)',
    );
    expect(r.previous?.meta).toEqual({ EXTRA_ENV: { A: '1' } });
  });

  it('unknown keys get a did-you-mean among the allowed keys; wrong types use the registry validators', () => {
    const r = loadWith({
      'recipes/r/previous/recipe_meta.yml':
        'EXTRA_EVN: {A: "1"}\nHTTP_TIMEOUT: soon\nBACKUP_VERIFY: true\n',
    });
    const byCode = r.problems.map((p) => `${p.line} ${p.code}: ${p.message}`);
    expect(byCode[0]).toBe(
      '1 unknown_key: unknown key EXTRA_EVN in previous/recipe_meta.yml — did you mean EXTRA_ENV? (allowed: HEALTH_PATH, HEALTH_OK, DEPLOY_TIMEOUT, HTTP_TIMEOUT, EXTRA_ENV)',
    );
    expect(byCode[1]).toMatch(
      /^2 wrong_type: HTTP_TIMEOUT: expected whole seconds \(1–3600\), found "soon"/,
    );
    expect(byCode[2]).toMatch(/^3 key_not_allowed_here: BACKUP_VERIFY cannot be set/);
  });

  it('anything else in previous/ is reported with did-you-mean; the overlay needs its why-line', () => {
    const r = loadWith({
      'recipes/r/previous/recipe_meta.yaml': 'EXTRA_ENV: {}\n',
      'recipes/r/previous/compose.yml': 'services: {}\n',
      'recipes/r/previous/tests/test_install.sh': 'true\n',
      'recipes/r/previous/install_steps.sh': 'true\n',
      'recipes/r/previous/compose.ccci.yml': 'services: {}\n',
      'recipes/r/previous/.env.sample': 'X=1\n',
      'recipes/r/previous/_notes.txt': 'private\n',
    });
    const messages = r.problems.map((p) => `${p.code}: ${p.message}`).sort();
    expect(messages).toEqual([
      'compose_overlay_no_why: compose.ccci.yml must start with a comment saying why this CI needs it',
      'unknown_file: previous/compose.yml is not a file ccci reads — did you mean previous/compose.ccci.yml?',
      'unknown_file: previous/recipe_meta.yaml is not a file ccci reads — did you mean previous/recipe_meta.yml?',
      'unknown_file: previous/tests/ is not a file ccci reads',
    ]);
    expect(r.problems.find((p) => p.code === 'unknown_file')?.hint).toContain(
      'previous/ may hold only recipe_meta.yml, compose.ccci.yml, install_steps.sh',
    );
  });

  it("a recipe's approved .ccci/previous/ is used when the operator has none", () => {
    const root = tempTree({
      'recipes/r/recipe_meta.yml': 'HEALTH_PATH: /x\n',
      'repo/.ccci/previous/recipe_meta.yml': 'HEALTH_PATH: /old\n',
    });
    writeFileSync(
      join(root, 'recipes/approved-code.txt'),
      `r ${treeHash(join(root, 'repo/.ccci'))}\n`,
    );
    const r = loadRecipeMeta({
      recipesDir: join(root, 'recipes'),
      recipe: 'r',
      repoDir: join(root, 'repo'),
    });
    expect(r.problems).toEqual([]);
    expect(r.previous).toMatchObject({ source: 'repo', meta: { HEALTH_PATH: '/old' } });
  });
});
