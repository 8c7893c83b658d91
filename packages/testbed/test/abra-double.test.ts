import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AbraDoubleEnv,
  createFixtureRecipe,
  runAbraDouble,
  withAbraDouble,
} from '../src/index.js';

// The abra double's behaviours that need no swarm (lint, the terminal quirk, faults).
let abra: AbraDoubleEnv;
beforeAll(async () => {
  abra = withAbraDouble();
  await createFixtureRecipe('web', { dir: join(abra.abraDir, 'recipes') });
});
afterAll(() => abra.cleanup());

/** Rows of abra's lint table: [ref, rule, severity, satisfied, skipped, resolve]. */
function lintRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((l) => /^│ R\d{3}/.test(l))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

describe('abra double: terminal quirk', () => {
  it('fails without a terminal: FATA inappropriate ioctl for device, exit 1', async () => {
    const r = await runAbraDouble(['app', 'ps', 'x.localhost'], { env: abra.env, tty: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('FATA inappropriate ioctl for device');
  });

  it('works under a terminal and reports abra-style FATA errors', async () => {
    const r = await runAbraDouble(['app', 'deploy', 'missing.localhost'], { env: abra.env });
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain('FATA cannot find app with name missing.localhost');
  });

  it('rejects unknown flags like abra', async () => {
    const r = await runAbraDouble(['app', 'deploy', 'x.localhost', '--bogus'], { env: abra.env });
    expect(r.exitCode).toBe(1);
    expect(r.output).toMatch(/FATA .*--bogus/);
  });
});

describe('abra double: recipe lint', () => {
  it('prints the rule table and exits 0 for a clean recipe', async () => {
    const r = await runAbraDouble(['recipe', 'lint', 'web'], { env: abra.env });
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/│ REF +│ RULE +│ SEVERITY +│ SATISFIED +│ SKIPPED +│ RESOLVE +│/);
    const rows = lintRows(r.output);
    expect(rows.map((x) => x[0])).toContain('R016');
    expect(rows.filter((x) => x[2] === 'error' && x[3] === '❌')).toEqual([]);
    expect(r.output).not.toContain('critical errors');
  });

  it('still exits 0 when error-severity rules fail, printing them in the table', async () => {
    const repo = join(abra.abraDir, 'recipes', 'web');
    await execa('git', ['-C', repo, 'tag', 'lightweight-oops']);
    await execa('sh', ['-c', 'echo x > untracked.txt'], { cwd: repo });
    try {
      const r = await runAbraDouble(['recipe', 'lint', 'web'], { env: abra.env });
      expect(r.exitCode).toBe(0);
      const failed = lintRows(r.output)
        .filter((x) => x[2] === 'error' && x[3] === '❌')
        .map((x) => x[0]);
      expect(failed).toEqual(['R013', 'R014', 'R016']);
      expect(r.output).toContain('WARN critical errors present in web config');
    } finally {
      await execa('git', ['-C', repo, 'tag', '-d', 'lightweight-oops']);
      await execa('rm', ['-f', join(repo, 'untracked.txt')]);
    }
  });
});

describe('abra double: app new', () => {
  /** `abra app new web [version] --server default --domain <domain> [--no-input]`. */
  const appNew = (
    domain: string,
    { version, noInput }: { version?: string; noInput?: true } = {},
  ) =>
    runAbraDouble(
      [
        'app',
        'new',
        'web',
        ...(version ? [version] : []),
        '--server',
        'default',
        '--domain',
        domain,
        ...(noInput ? ['--no-input'] : []),
      ],
      { env: abra.env },
    );

  it('copies .env.sample, pins the requested release and checks it out', async () => {
    const r = await appNew('web-000001.tnew.localhost', { version: '1.0.0+1.0', noInput: true });
    expect(r.exitCode, r.output).toBe(0);
    const env = readFileSync(
      join(abra.abraDir, 'servers', 'default', 'web-000001.tnew.localhost.env'),
      'utf8',
    );
    expect(env).toMatch(/^TYPE=web:1\.0\.0\+1\.0$/m);
    expect(env).toMatch(/^DOMAIN=web-000001\.tnew\.localhost$/m);
    const head = await execa('git', [
      '-C',
      join(abra.abraDir, 'recipes', 'web'),
      'describe',
      '--tags',
      '--exact-match',
    ]);
    expect(head.stdout).toBe('1.0.0+1.0');
    await execa('git', ['-C', join(abra.abraDir, 'recipes', 'web'), 'checkout', '-q', 'main']);
  });

  it('refuses an unknown version and an existing app', async () => {
    const bad = await appNew('web-000002.tnew.localhost', { version: '9.9.9+9' });
    expect(bad.output).toContain('FATA 9.9.9+9 is not a published version of web');
    const again = await appNew('web-000001.tnew.localhost');
    expect(again.exitCode).toBe(1);
    expect(again.output).toContain('FATA web-000001.tnew.localhost already exists');
  });
});

describe('abra double: fault injection', () => {
  it('crash:<op> panics like a Go binary (exit 2)', async () => {
    const r = await runAbraDouble(['recipe', 'lint', 'web'], {
      env: { ...abra.env, ABRA_DOUBLE_FAULT: 'crash:lint' },
    });
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('panic: runtime error');
  });

  it('hang:<op> hangs until killed', async () => {
    const started = Date.now();
    const r = await runAbraDouble(['recipe', 'lint', 'web'], {
      env: { ...abra.env, ABRA_DOUBLE_FAULT: 'hang:lint' },
      timeoutMs: 3000,
    });
    expect(r.exitCode).toBe(124);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('~<text> applies a fault only to calls with an argument containing the text', async () => {
    const env = { ...abra.env, ABRA_DOUBLE_FAULT: 'crash:lint~other' };
    expect((await runAbraDouble(['recipe', 'lint', 'web'], { env })).exitCode).toBe(0);
    const hit = { ...abra.env, ABRA_DOUBLE_FAULT: 'crash:lint~we' };
    expect((await runAbraDouble(['recipe', 'lint', 'web'], { env: hit })).exitCode).toBe(2);
  });

  it('@n applies a fault to the n-th call of that op only, and every call is logged', async () => {
    const env = { ...abra.env, ABRA_DOUBLE_FAULT: 'crash:lint@99' };
    const r = await runAbraDouble(['recipe', 'lint', 'web'], { env });
    expect(r.exitCode).toBe(0);
    const calls = readFileSync(join(abra.abraDir, '.abra-double', 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls.at(-1)).toMatchObject({ op: 'lint', argv: ['recipe', 'lint', 'web'] });
  });
});
