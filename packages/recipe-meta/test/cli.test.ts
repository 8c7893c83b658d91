// The CLI as a real process: node + tsx on src/cli.ts, in real temp folders.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempTree } from './helpers.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkg, 'src/cli.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

// Asynchronous on purpose: a blocking spawn would starve vitest's worker RPC.
function run(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', tsx, cli, ...args],
      { cwd, encoding: 'utf8', timeout: 100_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const good = {
  'recipes/ghost/recipe_meta.yml': 'HEALTH_PATH: /ghost/api/admin/site/\nDEPLOY_TIMEOUT: 1200\n',
  'recipes/custom-html/README.md': 'defaults\n',
};

// Spawning node + tsx takes seconds on a loaded machine.
describe('ccci-meta validate', { timeout: 120_000 }, () => {
  it('with no path validates recipes/ in the current folder: exit 0, one line per recipe', async () => {
    const root = tempTree(good);
    const r = await run(['validate'], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'ok    custom-html  defaults\nok    ghost        2 keys\n2 recipes: 2 valid, 0 invalid\n',
    );
  });

  it('HEALT_PATH: /x is rejected with the file, the line and "did you mean HEALTH_PATH"', async () => {
    const root = tempTree({
      ...good,
      'recipes/bad/recipe_meta.yml': '# typo below\nHEALT_PATH: /x\n',
    });
    const r = await run(['validate', 'recipes/'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  bad          1 problem\n');
    expect(r.stdout).toContain(
      '  recipes/bad/recipe_meta.yml:2:1  error unknown_key: unknown key HEALT_PATH — did you mean HEALTH_PATH?',
    );
    expect(r.stdout).toContain('3 recipes: 2 valid, 1 invalid');
  });

  it('validates one recipe folder given as a path', async () => {
    const root = tempTree({ ...good, 'recipes/bad/recipe_meta.yml': 'TIMEOUT: 5\n' });
    expect((await run(['validate', 'recipes/ghost'], root)).code).toBe(0);
    const bad = await run(['validate', 'recipes/bad/'], root);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('TIMEOUT was removed; use DEPLOY_TIMEOUT instead');
  });

  it('--json prints machine-readable problems and manifests', async () => {
    const root = tempTree({ ...good, 'recipes/bad/recipe_meta.yml': 'HEALTH_OK: [200, 999]\n' });
    const r = await run(['validate', '--json', 'recipes'], root);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      recipes: {
        recipe: string;
        ok: boolean;
        problems: { code: string; line: number; key: string }[];
        manifest: { keys: { key: string }[] };
      }[];
    };
    expect(out.ok).toBe(false);
    expect(out.recipes.map((x) => [x.recipe, x.ok])).toEqual([
      ['bad', false],
      ['custom-html', true],
      ['ghost', true],
    ]);
    expect(out.recipes[0]?.problems[0]).toMatchObject({
      code: 'wrong_type',
      line: 1,
      key: 'HEALTH_OK',
    });
    expect(out.recipes[2]?.manifest.keys.map((k) => k.key)).toEqual([
      'HEALTH_PATH',
      'DEPLOY_TIMEOUT',
    ]);
  });

  it.each([
    ['unknown flag', ['validate', '--yaml'], /^ccci-meta: Unknown option '--yaml'/],
    ['missing path', ['validate', 'nope/'], /^ccci-meta: nope: no such folder\n$/],
    ['unknown command', ['frobnicate'], /^ccci-meta: unknown command "frobnicate"\nusage:/],
    ['no command', [], /^ccci-meta: missing command\n/],
  ])('usage error (%s) exits 2 without a stack trace', async (_name, args, stderr) => {
    const r = await run(args, tempTree(good));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('--help exits 0', async () => {
    const r = await run(['--help'], tempTree(good));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: ccci-meta validate/);
  });
});

describe('ccci-meta manifest', { timeout: 120_000 }, () => {
  it('prints the manifest of one recipe, secrets masked', async () => {
    const root = tempTree({
      'recipes/app/recipe_meta.yml':
        'EXTRA_ENV: {SMTP_PASSWORD: hunter2hunter2, SMTP_HOST: mail}\n',
    });
    const r = await run(['manifest', 'recipes/app'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('customization of app:');
    expect(r.stdout).toContain('"SMTP_PASSWORD":"***"');
    expect(r.stdout).not.toContain('hunter2');
  });
});
