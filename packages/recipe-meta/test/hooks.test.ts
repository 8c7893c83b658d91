import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createHookContext,
  type HookContext,
  HookImportError,
  importHooks,
  loadRecipeMeta,
  MetaValidationError,
} from '../src/index.js';
import { loadWith } from './helpers.js';

const hooks = (ts: string, yaml?: string) =>
  loadWith({
    'recipes/r/hooks.ts': ts,
    ...(yaml !== undefined ? { 'recipes/r/recipe_meta.yml': yaml } : {}),
  });

describe('hooks.ts, checked statically before any deploy', () => {
  it('accepts every known hook in every export form', () => {
    const r = hooks(`import type { HookContext, ScreenshotPage } from '@ccci/recipe-meta';
const helper = (n: number) => n * 2;
export async function preInstall(ctx: HookContext) { ctx.log.info('x'); }
export const preUpgrade = async (ctx: HookContext) => {};
export const preBackup = function (ctx: HookContext) {};
const restore = (ctx: HookContext): void => {};
export { restore as preRestore };
export const EXTRA_ENV = ((ctx: HookContext) => ({ A: String(helper(1)) })) satisfies unknown;
export function UPGRADE_EXTRA_ENV(_ctx: HookContext) { return {}; }
export async function READY_PROBE({ http }: HookContext) { return (await http('/')).ok; }
export async function BACKUP_VERIFY(ctx: HookContext, backup: { paths: string[] }) { return backup.paths.length > 0; }
export async function SCREENSHOT(page: ScreenshotPage, ctx: HookContext) { await page.goto(ctx.baseUrl); }
export type Local = string;
export interface AlsoIgnored { a: 1 }
`);
    expect(r.problems).toEqual([]);
    expect(r.hooks?.exports.map((h) => h.name)).toEqual([
      'preInstall',
      'preUpgrade',
      'preBackup',
      'preRestore',
      'EXTRA_ENV',
      'UPGRADE_EXTRA_ENV',
      'READY_PROBE',
      'BACKUP_VERIFY',
      'SCREENSHOT',
    ]);
    expect(r.hooks?.exports.find((h) => h.name === 'READY_PROBE')?.signature).toBe(
      'READY_PROBE({…})',
    );
  });

  it('wrong parameters: old vs expected signature, at the line', () => {
    const r = hooks(`// old system: screenshot got only the context
export async function SCREENSHOT(ctx) {}
export const BACKUP_VERIFY = (ctx) => true;
export function preInstall(ctx, domain, meta) {}
`);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      ['hook_signature', 2, 'SCREENSHOT(ctx) has 1 parameter(s); expected SCREENSHOT(page, ctx)'],
      [
        'hook_signature',
        3,
        'BACKUP_VERIFY(ctx) has 1 parameter(s); expected BACKUP_VERIFY(ctx, backup)',
      ],
      [
        'hook_signature',
        4,
        'preInstall(ctx, domain, meta) has 3 parameter(s); expected preInstall(ctx)',
      ],
    ]);
    expect(r.problems[0]?.hint).toBe(
      'change it to SCREENSHOT(page, ctx) — page: ScreenshotPage, ctx: HookContext',
    );
  });

  it('a rest parameter satisfies any signature', () => {
    expect(hooks('export function SCREENSHOT(...args: unknown[]) {}\n').ok).toBe(true);
  });

  it('unknown export, with a suggestion', () => {
    const r = hooks(
      'export function preinstall(ctx) {}\nexport const helper = 1;\nexport default function (ctx) {}\n',
    );
    expect(r.problems.map((p) => [p.code, p.line, p.key])).toEqual([
      ['unknown_hook_export', 1, 'preinstall'],
      ['unknown_hook_export', 2, 'helper'],
      ['unknown_hook_export', 3, 'default'],
    ]);
    expect(r.problems[0]?.message).toBe(
      'hooks.ts exports preinstall, which is not a known hook — did you mean preInstall?',
    );
  });

  it('a data-only key exported as a hook', () => {
    const p = hooks("export function HEALTH_PATH(ctx) { return '/x'; }\n").problems[0]!;
    expect(p).toMatchObject({ code: 'data_only_hook', line: 1, key: 'HEALTH_PATH' });
    expect(p.message).toBe('HEALTH_PATH is a data-only key; it cannot be a hook');
    expect(p.hint).toBe('set HEALTH_PATH in recipe_meta.yml instead');
  });

  it('a hook-only key given as data', () => {
    const p = loadWith({ 'recipes/r/recipe_meta.yml': 'BACKUP_VERIFY: true\n' }).problems[0]!;
    expect(p).toMatchObject({ code: 'hook_only_key', line: 1, key: 'BACKUP_VERIFY' });
    expect(p.hint).toBe(
      'remove it here and export function BACKUP_VERIFY(ctx, backup) from hooks.ts',
    );
  });

  it('a hook that is not a function', () => {
    const p = hooks("export const EXTRA_ENV = { A: 'b' };\n").problems[0]!;
    expect(p).toMatchObject({ code: 'hook_not_function', line: 1 });
    expect(p.message).toBe('EXTRA_ENV must be a function EXTRA_ENV(ctx)');
  });

  it('a key both as data and as hook', () => {
    const r = hooks('export function EXTRA_ENV(ctx) { return {}; }\n', 'EXTRA_ENV: {A: b}\n');
    expect(r.problems[0]).toMatchObject({ code: 'hook_data_conflict', line: 1, key: 'EXTRA_ENV' });
    expect(r.problems[0]?.message).toMatch(
      /EXTRA_ENV is both a hook here and data in .*recipe_meta\.yml:1/,
    );
  });

  it.each([
    [
      're-exports from elsewhere cannot be checked',
      "export { EXTRA_ENV } from './env.js';\nexport * from './all.js';\n",
      [
        ['hooks_unanalysable', 1],
        ['hooks_unanalysable', 2],
      ],
    ],
    [
      'export * as ns and exported classes are reported',
      "export * as all from './all.js';\nexport class READY_PROBE {}\n",
      [
        ['hooks_unanalysable', 1],
        ['hook_not_function', 2],
      ],
    ],
  ])('%s', (_title, source, problems) => {
    expect(hooks(source).problems.map((x) => [x.code, x.line])).toEqual(problems);
  });

  it('a syntax error, at its line', () => {
    const p = hooks('export function preInstall(ctx {\n}\n').problems[0]!;
    expect(p).toMatchObject({ code: 'hooks_syntax', line: 1 });
    expect(p.message).toMatch(/^hooks\.ts does not parse: /);
  });

  it('type-only and ambient exports are ignored (no runtime value); params are named', () => {
    const r = hooks(`import type { HookContext } from '@ccci/recipe-meta';
export type { Other } from './other.js';
export type * from './types.js';
type Y = number;
export { type Y };
export default interface Shape { a: 1 }
export declare function preInstall(ctx: HookContext): void;
export function BACKUP_VERIFY(this: void, { log }: HookContext, [first] = []) { return !!log && !first; }
export const SCREENSHOT = <T,>(page: T, ctx = {} as HookContext) => {};
`);
    expect(r.problems).toEqual([]);
    expect(r.hooks?.exports.map((h) => [h.signature, h.line])).toEqual([
      ['BACKUP_VERIFY({…}, […])', 8],
      ['SCREENSHOT(page, ctx)', 9],
    ]);
  });

  it('every recoverable syntax error is reported at its line, without a position suffix', () => {
    const p = hooks(
      'export const a = 1;\nlet a = 2;\nexport function preInstall(ctx) {\n  return 08n;\n}\n',
    ).problems;
    expect(p.length).toBeGreaterThanOrEqual(2);
    expect(p.every((x) => x.code === 'hooks_syntax')).toBe(true);
    expect(p.map((x) => x.line)).toEqual(expect.arrayContaining([2, 4]));
    for (const x of p) expect(x.message).not.toMatch(/\(\d+:\d+\)$/);
  });

  it('EXPECTED_NA.http_health needs a READY_PROBE (data or hook)', () => {
    const bad = loadWith({ 'recipes/r/recipe_meta.yml': 'EXPECTED_NA: {http_health: no http}\n' });
    expect(bad.problems[0]).toMatchObject({ code: 'na_needs_ready_probe', line: 1 });
    expect(
      hooks(
        'export const READY_PROBE = async (ctx) => true;\n',
        'EXPECTED_NA: {http_health: no http}\n',
      ).ok,
    ).toBe(true);
  });

  it('validation never executes hooks.ts', () => {
    const r = hooks("throw new Error('executed!');\nexport function preInstall(ctx) {}\n");
    expect(r.ok).toBe(true);
  });
});

describe('importHooks: the run-time loader', () => {
  const repoRecipes = join(dirname(fileURLToPath(import.meta.url)), '../../../recipes');

  it("runs keycloak's READY_PROBE against a real HTTP server", async () => {
    let issuer = 'http://wrong';
    const server = createServer((req, res) => {
      if (req.url === '/realms/master/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const loaded = loadRecipeMeta({ recipesDir: repoRecipes, recipe: 'keycloak' });
      const h = await importHooks(loaded);
      const ctx: HookContext = createHookContext({
        domain: 'keyc-a1b2c3.ci.localhost',
        baseUrl,
        meta: loaded.meta,
        deps: {},
        op: 'install',
        runId: 'run-1',
        log: { debug() {}, info() {}, warn() {}, error() {} },
        http: (path, init) => fetch(new URL(path, baseUrl), init),
        exec: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
      });
      expect(Object.isFrozen(ctx)).toBe(true);
      expect(await h.READY_PROBE!(ctx)).toBe(false);
      issuer = `${baseUrl}/realms/master`;
      expect(await h.READY_PROBE!(ctx)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('refuses an invalid recipe, and reports a hook that throws at import', async () => {
    const invalid = hooks('export function SCREENSHOT(ctx) {}\n');
    await expect(importHooks(invalid)).rejects.toBeInstanceOf(MetaValidationError);
    const throwing = hooks(
      "throw new Error('boom at load');\nexport function preInstall(ctx: unknown) {}\n",
    );
    const err = await importHooks(throwing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookImportError);
    expect((err as HookImportError).code).toBe('META_HOOK_IMPORT');
    expect((err as Error).message).toContain('boom at load');
  });

  it('returns no hooks for a recipe without hooks.ts', async () => {
    expect(await importHooks(loadRecipeMeta({ recipesDir: repoRecipes, recipe: 'ghost' }))).toEqual(
      {},
    );
  });
});
