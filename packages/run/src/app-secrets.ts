import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvValues } from '@ccci/abra';
import { parse } from 'yaml';
import type { RunCtx } from './context.js';
import { AssertionFailed } from './errors.js';

/** Names of the app secrets `abra app new --secrets` generated (so a replace removes them first). */
export const generatedSecrets = new WeakMap<RunCtx, Set<string>>();

/** The compose secrets the recipe declares in the files `COMPOSE_FILE` selects (abra's rule). */
export function declaredSecrets(
  recipeDir: string,
  env: Readonly<Record<string, string>>,
): string[] {
  const files = (env['COMPOSE_FILE'] || 'compose.yml').split(':').filter(Boolean);
  const names = new Set<string>();
  for (const f of files) {
    const path = join(recipeDir, f);
    if (!existsSync(path)) continue;
    const doc = parse(readFileSync(path, 'utf8')) as { secrets?: unknown } | null;
    if (doc?.secrets && typeof doc.secrets === 'object')
      for (const name of Object.keys(doc.secrets)) names.add(name);
  }
  return [...names].sort();
}

/**
 * The secrets install_steps.sh wrote to `CCCI_SECRETS_DIR` (enroll-recipe.md): one regular file
 * per compose secret, named by its short name, the value inside (a trailing newline trimmed).
 * Every name is checked before anything changes; each value goes to the redactor before abra
 * sees it; then abra's generated value is replaced: `abra app secret rm`, then
 * `abra app secret insert … --file` at the version the app env gives (`SECRET_<NAME>_VERSION`,
 * default v1), so the value is never in argv. A bad name fails install with the reason.
 */
export async function insertAppSecrets(ctx: RunCtx, dir: string): Promise<void> {
  const entries = readdirSync(dir).sort();
  if (entries.length === 0) return;
  const env = readEnvValues(ctx.envFile);
  const declared = declaredSecrets(ctx.recipeDir, env);
  const values: [name: string, value: string][] = [];
  for (const name of entries) {
    const path = join(dir, name);
    const st = lstatSync(path);
    // A regular file of its own (a hard link could name a file of the host's), of secret size.
    if (!st.isFile() || st.nlink !== 1)
      throw new AssertionFailed(
        `install_steps.sh: CCCI_SECRETS_DIR/${name} is not a regular file; write one file per secret`,
      );
    if (st.size > 64 * 1024)
      throw new AssertionFailed(
        `install_steps.sh: CCCI_SECRETS_DIR/${name} is ${st.size} bytes; a secret is at most 64 KiB`,
      );
    if (!declared.includes(name))
      throw new AssertionFailed(
        `install_steps.sh wrote CCCI_SECRETS_DIR/${name}, but the recipe's compose files declare no secret ${JSON.stringify(name)} (declared: ${declared.join(', ') || 'none'}); name each file after a compose secret`,
      );
    const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (value === '')
      throw new AssertionFailed(`install_steps.sh: CCCI_SECRETS_DIR/${name} is empty`);
    values.push([name, value]);
  }
  for (const [, value] of values) ctx.redactor.add(value);
  const generated = generatedSecrets.get(ctx) ?? new Set<string>();
  for (const [name, value] of values) {
    const version = env[`SECRET_${name.toUpperCase()}_VERSION`] || 'v1';
    ctx.log.step('install', `insert secret ${name} (${version})`);
    if (generated.has(name))
      await ctx.abra.secretRm({ domain: ctx.domain, secret: name, signal: ctx.signal });
    // abra reads the value from a file (the trimmed value, 0600, removed right after).
    const file = join(ctx.paths.stateDir, `secret-insert-${name}`);
    writeFileSync(file, value, { mode: 0o600 });
    try {
      await ctx.abra.secretInsert({
        domain: ctx.domain,
        secret: name,
        version,
        file,
        signal: ctx.signal,
      });
    } finally {
      rmSync(file, { force: true });
    }
    generated.add(name);
  }
  ctx.log.info(`install_steps.sh: inserted ${values.map(([n]) => n).join(', ')}`);
}
